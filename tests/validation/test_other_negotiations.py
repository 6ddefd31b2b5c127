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

from sim.out_of_sample import (
    NEGOTIATIONS,
    ROOT,
    outcome_table,
    ratification_comparison,
    run_negotiations,
    score_table,
)
from sim.patterns import load_patterns

REPLICATIONS = 30
BASE_SEED = 1
ALPHA = 0.01  # the comparison: one-sided Welch and Mann-Whitney, both below this
OTHERS = ("bbnj", "plastics_inc")

# (negotiation, pattern id) -> why the model does not make it, with the figures.
FINDINGS: dict[tuple[str, str], str] = {}


def _cases():
    for name in OTHERS:
        for pattern in load_patterns(ROOT / NEGOTIATIONS[name].patterns).scored:
            reason = FINDINGS.get((name, pattern.id))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(name, pattern.id, marks=marks, id=f"{name}-{pattern.id}")


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
    result = ratification_comparison(negotiations["ahc_cybercrime"], negotiations["bbnj"])
    record(
        f"out of sample, parties 22 months after the text: BBNJ {result['bbnj_mean']:.1f} vs "
        f"cybercrime {result['cybercrime_mean']:.1f}; Welch p={result['welch_p']:.2e}, "
        f"Mann-Whitney p={result['mannwhitney_p']:.2e}"
    )
    assert result["welch_p"] < ALPHA and result["mannwhitney_p"] < ALPHA, result
