"""Out-of-sample: BBNJ and the plastics INC with the behaviour calibrated on cybercrime.

A model calibrated on one negotiation can be tuned to it. Here two other negotiations
run with the committee's calibrated behavioural parameters and only their own facts
changed (`scenario=bbnj`, `scenario=plastics_inc`; docs/scenarios.md lists which keys
are facts and which are held fixed), 30 replications each from base seed 1, and each
is judged against its own pattern table (`configs/patterns/bbnj.yaml`,
`configs/patterns/plastics_inc.yaml`). The tables' targets and tolerances, and the
threshold of the ratification comparison below, were written and committed before the
model was run on either scenario.

A pattern the model does not make is a finding, not a target to tune toward: it is a
strict expected failure below (`FINDINGS`), whose reason gives the figures and why.
"""

from __future__ import annotations

import pytest

from sim.analysis.out_of_sample import (
    NEGOTIATIONS,
    ROOT,
    compose_negotiation,
    outcome_table,
    ratification_comparison,
    run_arms,
    run_negotiations,
    score_table,
)
from sim.analysis.patterns import load_patterns

# 30 replications of each of three negotiations
pytestmark = pytest.mark.validation

REPLICATIONS = 30
BASE_SEED = 1
ALPHA = 0.01  # the comparison: one-sided Welch and Mann-Whitney, both below this
OTHERS = ("bbnj", "plastics_inc")

# (negotiation, pattern id) -> why the model does not make it, with the figures (30 runs,
# seed 1; docs/ODD.md, section 9, "Other negotiations").
FINDINGS: dict[tuple[str, str], str] = {
    ("bbnj", "B2"): (
        "finding: all 30 runs agree the text at the second extension (B1) but by a vote, none "
        "by consensus: 11.8 objectors remain at the final tabling (3-32). The chair "
        "accommodates the freedom-of-the-high-seas bloc (15 of its 16 members) on its most "
        "salient issue and so turns 6 G-77 and 4 high-ambition members into objectors; "
        "without accommodation 5 objectors remain, mostly of that bloc. The model has no way "
        "for an objector to dissociate from consensus without blocking it, as the Russian "
        "Federation did"
    ),
    ("bbnj", "B4"): (
        "finding: the text ends with benefit-sharing at 0.42 (4 of 30 runs >= 0.5) and EIAs at "
        "0.55 (5 of 30 <= 0.5): accommodating the freedom-of-the-high-seas bloc pulls "
        "benefit-sharing down from 0.61 (its value without accommodation), while the "
        "capability-weighted drafting keeps EIAs near the best-resourced, high-ambition side "
        "(0.65 without accommodation). The record's package trade - monetary benefit-sharing "
        "for the G-77, State-led EIAs for the others - is not a move the model makes"
    ),
    ("bbnj", "B6"): (
        "finding: 60 ratifications take 2,608 days on average (1,267-3,610; 1 of 30 runs "
        "within 700-1,400, 1 beyond the ten-year horizon) against 1,050 on the record. The "
        "first ratifications come at the record's pace (B5: 10.2 parties at 16 months, record "
        "7), but constant hazards cannot make the 2025 acceleration (21 parties at 24.5 months, "
        "49 at 27 around the UN Ocean Conference's treaty event, 60 at 30.5)"
    ),
}


def _cases() -> list:
    """One case per scored pattern of each table; the findings as strict expected failures."""
    cases = []
    for name in OTHERS:
        for pattern in load_patterns(ROOT / NEGOTIATIONS[name].patterns).scored:
            reason = FINDINGS.get((name, pattern.id))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(name, pattern.id, marks=marks, id=f"{name}-{pattern.id}"))
    return cases


@pytest.fixture(scope="module")
def negotiations():
    """The three negotiations' runs (the committee's is the comparison's baseline)."""
    return run_negotiations(REPLICATIONS, BASE_SEED)


@pytest.fixture(scope="module")
def scores(negotiations, record):
    table = score_table(negotiations)
    for row in outcome_table(negotiations).itertuples():
        record(
            f"out of sample, {row.negotiation}: {row.share_reproducing_record:.2f} of "
            f"{row.runs} runs reproduce the record ({row.record}); runs end {row.how_runs_end}"
        )
    return table


def test_each_negotiation_runs_with_its_own_facts(negotiations):
    expected = {
        "ahc_cybercrime": "consensus_then_vote",
        "bbnj": "consensus_then_vote",
        "plastics_inc": "consensus_only",
    }
    for name, runs in negotiations.items():
        assert len(runs) == REPLICATIONS
        assert set(runs["scenario"]) == {name}
        assert set(runs["decision"]) == {expected[name]}
    assert negotiations["bbnj"]["extensions_used"].max() <= 2
    assert negotiations["plastics_inc"]["extensions_used"].max() <= 1


@pytest.mark.parametrize(("negotiation", "pattern"), _cases())
def test_the_negotiation_reproduces_its_record(scores, record, negotiation, pattern):
    rows = scores[(scores["negotiation"] == negotiation) & (scores["pattern"] == pattern)]
    assert len(rows), f"{negotiation} {pattern}: not scored"
    for row in rows.itertuples():
        record(
            f"out of sample, {negotiation} {pattern}: {row.target} -> {row.statistic:.3f} "
            f"({'met' if row.target_met else 'missed'}; {row.share_of_runs_meeting:.2f} "
            "of single runs meet it)"
        )
    assert rows["pattern_met"].all(), rows[["target", "statistic"]].to_string()


def test_bbnj_ratifies_faster_than_the_cybercrime_convention(negotiations, record):
    """22 months after the text: at most 3 parties to the Convention, 7-21 to BBNJ."""
    result = ratification_comparison(negotiations["bbnj"], negotiations["ahc_cybercrime"])
    record(
        f"out of sample, parties 22 months after the text: BBNJ {result['faster_mean']:.1f} vs "
        f"cybercrime {result['slower_mean']:.1f}; Welch p={result['welch_p']:.2e}, "
        f"Mann-Whitney p={result['mannwhitney_p']:.2e}"
    )
    assert result["welch_p"] < ALPHA and result["mannwhitney_p"] < ALPHA, result


# ------------------------------------------------------------ why (post hoc)
# Diagnostics written after the pre-registered run above, to pin down *why* it came out
# as it did; each changes one thing of one negotiation. They are explanations of the
# result, not part of the pre-registered test, and their thresholds were chosen after
# looking (a share of runs above or below one half; one-sided tests below 0.01).

SIGNATURE_DELAY = "ratification.opening_delay_days=200"  # BBNJ's own delay
DIAGNOSTICS = {
    "cybercrime_delay_200": ("ahc_cybercrime", SIGNATURE_DELAY),
    "bbnj_delay_200": ("bbnj", SIGNATURE_DELAY),
    "plastics_with_vote": ("plastics_inc", "decision=consensus_then_vote"),
    "cybercrime_consensus_only": ("ahc_cybercrime", "decision=consensus_only"),
}


@pytest.fixture(scope="module")
def diagnostics():
    configs = {
        arm: compose_negotiation(name, REPLICATIONS, BASE_SEED, override)
        for arm, (name, override) in DIAGNOSTICS.items()
    }
    return run_arms(configs)


def test_at_equal_signature_delays_the_convention_ratifies_faster(diagnostics, record):
    """BBNJ's faster ratification is its shorter wait for signature, not a better-liked text.

    With both treaties opening for signature 200 days after the text, the model ratifies
    the Convention faster than the BBNJ Agreement: BBNJ's text leaves more states far
    from it (section 9 of docs/ODD.md).
    """
    result = ratification_comparison(
        diagnostics["cybercrime_delay_200"], diagnostics["bbnj_delay_200"]
    )
    record(
        "out of sample (post hoc), parties 22 months after the text, both opening 200 days "
        f"after it: cybercrime {result['faster_mean']:.1f} vs BBNJ {result['slower_mean']:.1f};"
        f" Welch p={result['welch_p']:.2e}, Mann-Whitney p={result['mannwhitney_p']:.2e}"
    )
    assert result["welch_p"] < ALPHA and result["mannwhitney_p"] < ALPHA, result


def test_with_a_fallback_vote_the_plastics_inc_adopts_its_text(diagnostics, record):
    """The INC's missing voting rule, not its inclusiveness, keeps it without a treaty."""
    runs = diagnostics["plastics_with_vote"]
    ends = runs["adopted_by"].value_counts().to_dict()
    record(f"out of sample (post hoc), plastics INC under consensus_then_vote: {ends}")
    assert runs["adopted"].mean() > 0.5, ends


def test_consensus_only_blocks_most_runs_even_on_the_committees_facts(diagnostics, record):
    """So I1 and I2 say more about the rule than about the INC's own facts."""
    runs = diagnostics["cybercrime_consensus_only"]
    ends = runs["adopted_by"].value_counts().to_dict()
    record(f"out of sample (post hoc), cybercrime committee under consensus_only: {ends}")
    assert (~runs["adopted"]).mean() > 0.5, ends
