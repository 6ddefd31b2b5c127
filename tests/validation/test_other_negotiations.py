"""Three negotiations, one behaviour: each record's patterns at the calibrated default.

The committee, BBNJ and the plastics INC share every behavioural parameter (the joint
calibration, docs/calibration.md) and differ only in their facts (`scenario=bbnj`,
`scenario=plastics_inc`; docs/scenarios.md). Each pattern of their tables
(`configs/patterns/*.yaml`) is judged with an interval (`pattern_margins`): met when
every target's mean margin has its 95% interval above zero, missed when one has it
below. Pre-registered: the pilot, `scripts/negotiations_pilot.py` (300 runs each, seed
1), gave each pattern's verdict and the runs a paired-free t test needs to find the
pilot interval's end nearest zero with power 0.999 at alpha 0.05 (at least 20); this
file was committed with them before the confirmatory run (seed 2). A missed pattern is
a finding of the model (docs/ODD.md section 9), checked so that a change which makes it
is noticed; a pattern whose pilot interval straddles its bound (undecided) or that no
run defines is reported there, not checked.
"""

from __future__ import annotations

import pytest

from sim.analysis.out_of_sample import (
    NEGOTIATIONS,
    ROOT,
    compose_negotiation,
    ratification_comparison,
    run_arms,
    run_negotiations,
)
from sim.analysis.patterns import load_patterns
from tests.validation.pattern_margins import pattern_verdict

# 30 replications of each of three negotiations
pytestmark = pytest.mark.validation

REPLICATIONS = 30
BASE_SEED = 1
ALPHA = 0.01  # the comparison: one-sided Welch and Mann-Whitney, both below this
OTHERS = ("bbnj", "plastics_inc")

PILOT = "scripts/negotiations_pilot.py --replications 300 --seed 1"
CONFIRMATORY_SEED = 2
MIN_RUNS = 20

# (negotiation, pattern) -> (verdict, runs from the pilot's power analysis)
REGISTERED: dict[tuple[str, str], tuple[str, int]] = {
    ("ahc_cybercrime", "P1"): ("met", 222),
    ("ahc_cybercrime", "P2"): ("met", 2),
    ("ahc_cybercrime", "P3"): ("met", 2),
    ("ahc_cybercrime", "P4"): ("met", 2),
    ("ahc_cybercrime", "P5"): ("met", 9),
    ("ahc_cybercrime", "P6"): ("missed", 2),
    ("ahc_cybercrime", "P7"): ("missed", 2),
    ("ahc_cybercrime", "P8"): ("met", 13),
    ("ahc_cybercrime", "P9"): ("met", 477),
    ("ahc_cybercrime", "P11"): ("met", 48),
    ("bbnj", "B1"): ("met", 2),
    ("bbnj", "B2"): ("met", 33),
    ("bbnj", "B3"): ("met", 2),
    ("bbnj", "B4"): ("missed", 3),
    ("bbnj", "B5"): ("met", 15),
    ("bbnj", "B6"): ("met", 2),
    ("bbnj", "B8"): ("missed", 2),
    ("plastics_inc", "I1"): ("met", 2),
    ("plastics_inc", "I2"): ("missed", 131),
    ("plastics_inc", "I6"): ("missed", 2),
}
REPORTED = {
    (
        "plastics_inc",
        "I3",
    ): "undefined: the INC's doors close at its first session, so no run has a share before",
    (
        "plastics_inc",
        "I4",
    ): "undecided: production 0.505 against at most 0.5 (margin -0.005, -0.012 to 0.003)",
}


def _runs_needed(name: str) -> int:
    return max(max(n, MIN_RUNS) for (neg, _), (_, n) in REGISTERED.items() if neg == name)


@pytest.fixture(scope="module")
def confirmatory():
    configs = {
        name: compose_negotiation(name, _runs_needed(name), CONFIRMATORY_SEED)
        for name in NEGOTIATIONS
    }
    return run_arms(configs)


def test_every_scored_pattern_is_registered_or_reported():
    scored = {
        (name, p.id)
        for name in NEGOTIATIONS
        for p in load_patterns(ROOT / NEGOTIATIONS[name].patterns).scored
    }
    assert scored == set(REGISTERED) | set(REPORTED)


@pytest.mark.parametrize(
    ("negotiation", "pattern"), list(REGISTERED), ids=[f"{n}-{p}" for n, p in REGISTERED]
)
def test_the_pattern_keeps_its_registered_verdict(confirmatory, record, negotiation, pattern):
    verdict, runs = REGISTERED[(negotiation, pattern)]
    table = load_patterns(ROOT / NEGOTIATIONS[negotiation].patterns)
    found = next(p for p in table.scored if p.id == pattern)
    sample = confirmatory[negotiation]
    sample = sample[sample["replication"] < max(runs, MIN_RUNS)]
    got, intervals = pattern_verdict(found, sample)
    shown = "; ".join(f"{i['mean']:.3g} ({i['low']:.3g} to {i['high']:.3g})" for i in intervals)
    record(
        f"{negotiation} {pattern} ({verdict} registered, {len(sample)} runs): {got}; "
        f"margins {shown}"
    )
    assert got == verdict, shown


@pytest.fixture(scope="module")
def negotiations():
    """The three negotiations' runs (the committee's is the comparison's baseline)."""
    return run_negotiations(REPLICATIONS, BASE_SEED)


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


def test_bbnj_ratifies_faster_than_the_cybercrime_convention(negotiations, record):
    """22 months after the text: at most 3 parties to the Convention, 7-21 to BBNJ."""
    result = ratification_comparison(negotiations["bbnj"], negotiations["ahc_cybercrime"])
    record(
        f"out of sample, parties 22 months after the text: BBNJ {result['faster_mean']:.1f} vs "
        f"cybercrime {result['slower_mean']:.1f}; Welch p={result['welch_p']:.2e}, "
        f"Mann-Whitney p={result['mannwhitney_p']:.2e}"
    )
    assert result["welch_p"] < ALPHA and result["mannwhitney_p"] < ALPHA, result
