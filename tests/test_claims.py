"""The seed's claims: paired effects, their intervals, and the study across a plausible set."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis.claims import (
    CLAIMS,
    CONTRASTS,
    Claim,
    arms_of,
    differing_keys,
    evaluate,
    required_runs,
)
from sim.analysis.claims_study import summarise_claims

CLAIM = Claim("x", "b below a", "a", "b", "y", -1, 0.1)


def _arms(a, b) -> dict[str, pd.DataFrame]:
    index = pd.Index(range(len(a)), name="replication")
    return {"a": pd.DataFrame({"y": a}, index=index), "b": pd.DataFrame({"y": b}, index=index)}


def test_a_claim_holds_when_the_paired_interval_lies_on_its_side():
    a = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    row = evaluate([CLAIM], _arms(a, a - np.array([0.9, 1.1, 1.0, 0.95, 1.05]))).iloc[0]
    assert row["effect"] == pytest.approx(-1.0)
    d = -np.array([0.9, 1.1, 1.0, 0.95, 1.05])
    half = 2.7764451051977987 * d.std(ddof=1) / math.sqrt(5)  # t(0.975, 4)
    assert (row["low"], row["high"]) == pytest.approx((-1.0 - half, -1.0 + half))
    assert bool(row["holds"]) is True
    opposite = evaluate([CLAIM], _arms(a, a + 1.0)).iloc[0]
    assert not opposite["holds"] and opposite["low"] == opposite["high"] == 1.0


def test_the_runs_a_claim_needs_follow_the_power_analysis():
    # (1.96 + 2.326) sd / effect, squared: 18.4 -> 19 runs for sd = effect
    assert required_runs(1.0, 1.0) == 19
    assert required_runs(2.0, 1.0) == 74
    assert required_runs(1.0, 0.0) == 10**9  # no effect to find


def test_a_design_keeps_what_defines_it_whatever_the_point_says(compose):
    single = compose("process=single_informal_room")
    keys = differing_keys(compose(), single)
    assert "process.max_parallel_rooms" in keys and "process.name" in keys
    assert "process.disagreement_threshold" not in keys  # a calibrated value, carried over


def test_every_claims_arm_is_defined_and_each_claim_has_a_label():
    assert set(arms_of(CLAIMS)) <= {
        "default",
        "meeting_0.6M",
        "meeting_1.5M",
        "half_budget",
        "consensus_only",
        "two_thirds_vote",
        "open_plenary",
        "two_tier_observers",
    }
    assert all(c.short and c.direction in (-1, 1) and c.smallest > 0 for c in CLAIMS)


def test_the_design_contrasts_are_each_closed_design_against_the_open_plenary_once():
    pairs = {(c.a, c.b, c.outcome) for c in (*CLAIMS, *CONTRASTS)}
    assert len(pairs) == len(CLAIMS) + len(CONTRASTS)  # none repeats a seed claim (6a, 6c)
    assert len({c.key for c in (*CLAIMS, *CONTRASTS)}) == len(pairs)
    designs = ("default", "two_tier_observers", "single_informal_room", "friends_of_chair")
    outcomes = ("days_held", "objectors_at_decision", "stakeholder_influence_share")
    for design in designs:
        for outcome in (*outcomes, "voice_share_LIC"):
            assert ("open_plenary", design, outcome) in pairs, (design, outcome)
    assert all(c.a == "open_plenary" and c.direction == -1 and c.short for c in CONTRASTS)


def test_the_summary_across_points_counts_each_verdict():
    per_point = pd.DataFrame(
        {
            "claim": ["x"] * 4,
            "text": ["b below a"] * 4,
            "outcome": ["y"] * 4,
            "direction": [-1] * 4,
            "effect": [-1.0, -2.0, 0.5, -0.1],
            "low": [-1.5, -2.5, 0.2, -0.4],
            "high": [-0.5, -1.5, 0.8, 0.2],
            "holds": [True, True, False, False],
        }
    )
    row = summarise_claims(per_point).iloc[0]
    assert row["share_holds"] == 0.5 and row["share_opposite"] == 0.25  # one unclear
    assert row["mean_effect"] == pytest.approx(-0.65)
    assert row["low"] < row["mean_effect"] < row["high"]
