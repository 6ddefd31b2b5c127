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
    _overrides,
    _with,
    arms_of,
    differing_keys,
    evaluate,
    paired,
    required_runs,
    run_arms,
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


# Mutation testing of sim/analysis/claims.py (docs/testing.md): every column of evaluate's
# rows, each side of the holds rule at its edge, paired's small samples, and run_arms.

NAN = math.nan
T95_2 = 4.302652729749464  # Student t 97.5% quantile, 2 degrees of freedom


def test_evaluate_every_column_at_the_edges_of_holds() -> None:
    index = pd.Index(range(4), name="replication")
    a = pd.DataFrame(
        {
            "up": [1.0, 2.0, 3.0, "n/a"],  # b - a = 0.9, 1.0, 1.1: mean 1, sd 0.1
            "zero": [1.0, 2.0, 3.0, 4.0],  # b - a = 0: interval [0, 0]
            "half": [1.0, 2.0, 3.0, 4.0],  # b - a = 0.5: interval [0.5, 0.5]
            "one": [1.0, NAN, NAN, NAN],  # one pair: no interval
            "only_a": [1.0, 2.0, 3.0, 4.0],
        },
        index=index,
    )
    b = pd.DataFrame(
        {
            "up": [1.9, 3.0, 4.1, 5.0],
            "zero": [1.0, 2.0, 3.0, 4.0],
            "half": [1.5, 2.5, 3.5, 4.5],
            "one": [2.0, 3.0, "n/a", 4.0],
            "only_b": [1.0, 2.0, 3.0, 4.0],
        },
        index=index,
    )

    def claim(key: str, outcome: str, direction: int, arm_a: str = "a", arm_b: str = "b") -> Claim:
        return Claim(key, key, arm_a, arm_b, outcome, direction, 0.5)

    claims = [
        claim("up", "up", +1),
        claim("zero+", "zero", +1),
        claim("zero-", "zero", -1),
        claim("half-", "half", -1),
        claim("one", "one", -1),
        claim("no_a", "only_b", -1),
        claim("no_b", "only_a", -1),
        claim("no_arm_a", "up", -1, arm_a="gone"),
        claim("no_arm_b", "up", -1, arm_b="gone"),
        claim("up-", "up", -1),  # after the missing ones, still evaluated
    ]
    half = T95_2 * 0.1 / math.sqrt(3)

    def row(key, outcome, direction, mean_a, mean_b, n, effect, low, high, sd, holds, runs):
        return dict(
            claim=key,
            text=key,
            outcome=outcome,
            mean_a=mean_a,
            mean_b=mean_b,
            n=n,
            effect=effect,
            low=low,
            high=high,
            sd=sd,
            direction=direction,
            holds=holds,
            runs_for_smallest=runs,
        )

    def missing(key, outcome):
        return row(key, outcome, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, None, NAN)

    expected = [
        row("up", "up", 1, 2.0, 3.5, 3, 1.0, 1 - half, 1 + half, 0.1, True, 2),
        row("zero+", "zero", 1, 2.5, 2.5, 4, 0.0, 0.0, 0.0, 0.0, False, 2),
        row("zero-", "zero", -1, 2.5, 2.5, 4, 0.0, 0.0, 0.0, 0.0, False, 2),
        row("half-", "half", -1, 2.5, 3.0, 4, 0.5, 0.5, 0.5, 0.0, False, 2),
        row("one", "one", -1, 1.0, 3.0, 1, 1.0, NAN, NAN, NAN, None, 10**9),
        missing("no_a", "only_b"),
        missing("no_b", "only_a"),
        missing("no_arm_a", "up"),
        missing("no_arm_b", "up"),
        row("up-", "up", -1, 2.0, 3.5, 3, 1.0, 1 - half, 1 + half, 0.1, False, 2),
    ]
    rows = evaluate(claims, {"a": a, "b": b}).to_dict("records")
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected, strict=True):
        assert got == pytest.approx(want, nan_ok=True)


def test_paired_on_few_replications() -> None:
    def effect(a: list, b: list) -> dict:
        return paired(pd.Series(a, dtype=object), pd.Series(b, dtype=object))

    nothing = dict(n=0, effect=NAN, low=NAN, high=NAN, sd=NAN)
    assert effect([], []) == pytest.approx(nothing, nan_ok=True)
    # two pairs, b - a = 1, 3 ("x" is no number: its pair is dropped): sd sqrt(2), t on 1 df
    half = 12.706204736174698 * math.sqrt(2) / math.sqrt(2)
    two = dict(n=2, effect=2.0, low=2 - half, high=2 + half, sd=math.sqrt(2))
    assert effect([1.0, 1.0, "x"], [2.0, 4.0, 5.0]) == pytest.approx(two)
    assert effect([1.0, 1.0, 5.0], [2.0, 4.0, "x"]) == pytest.approx(two)
    same = dict(n=2, effect=1.0, low=1.0, high=1.0, sd=0.0)
    assert effect([1.0, 2.0], [2.0, 3.0]) == pytest.approx(same)
    # b - a = 0, 1, 2: sd exactly 1, the interval still t-wide
    half = T95_2 / math.sqrt(3)
    assert effect([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]) == pytest.approx(
        dict(n=3, effect=1.0, low=1 - half, high=1 + half, sd=1.0)
    )


def test_the_runs_for_a_smaller_effect_and_undefined_inputs() -> None:
    z = 1.959963984540054 + 2.3263478740408408  # two-sided 5%, power 99%
    assert required_runs(1.0, 0.5) == math.ceil((z * 1.0 / 0.5) ** 2) == 74
    assert required_runs(0.01, 1.0) == 2  # at least two runs
    assert required_runs(NAN, 1.0) == required_runs(1.0, math.inf) == 10**9


def test_arms_of_takes_both_sides_and_differing_keys_one_sided_keys() -> None:
    claim = Claim("x", "b below a", "default", "half_budget", "y", -1, 0.1)
    assert arms_of([claim]) == ["default", "half_budget"]
    assert differing_keys({"a": {"b": 1}}, {"a": {"b": 1, "c": 2}}) == {"a.c"}


def test_the_budget_arms_are_shares_of_the_points_budget(compose) -> None:
    assert _overrides(["{half_budget}", "decision=consensus_only"], 3e6) == [
        "cost.process_budget_usd=1500000.0",
        "decision=consensus_only",
    ]
    assert _overrides(["{budget_x_12_7}"], 7e6) == ["cost.process_budget_usd=12000000.0"]
    cfg = compose()
    assert _with(cfg, {}) is cfg
    assert _with(cfg, {"cost.meeting_usd": 7e5}).cost.meeting_usd == 7e5


def test_run_arms_pairs_replications_and_keeps_what_defines_an_arm() -> None:
    point = {"cost.meeting_usd": 7e5, "cost.process_budget_usd": 2e6}
    arms = ["default", "half_budget", "meeting_1.5M"]
    # the base applies to every arm, and the point's values where the arm leaves them be
    runs = run_arms(arms, 2, 0, base=["scenario=small", "cost.meeting_usd=8e5"], values=point)
    assert list(runs) == arms
    columns = ["meeting_usd", "process_budget_usd"]
    assert runs["default"][columns].drop_duplicates().values.tolist() == [[7e5, 2e6]]
    assert runs["half_budget"][columns].drop_duplicates().values.tolist() == [[7e5, 1e6]]
    assert runs["meeting_1.5M"][columns].drop_duplicates().values.tolist() == [[1.5e6, 2e6]]
    for frame in runs.values():  # common random numbers: replication r, one run seed
        assert frame.index.name == "replication" and list(frame.index) == [0, 1]
        assert frame["crn"].all() and (frame["seed"] == 0).all()
        assert list(frame["run_seed"]) == list(runs["default"]["run_seed"])
        assert frame["rush_cost"].notna().all()  # measured unless rush_cost=False
