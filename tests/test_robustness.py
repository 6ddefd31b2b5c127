"""Robustness of design rankings: the analysis on a toy model with a known answer, and the
command end to end."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.analysis.robustness import beats, flips, regret
from sim.robustness import main


def _toy(n: int = 200) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Worlds u ~ uniform(0, 1); design A scores u, B scores 0.3, C scores 0.3 - 0.1u.

    Known answer: A beats B where u > 0.3 (70% of worlds); B always beats C (ties at
    u = 0 aside); A's worst regret is 0.3 (at u = 0), B's 0.7 (at u = 1), C's 0.8.
    """
    u = (np.arange(n) + 0.5) / n
    worlds = pd.DataFrame(
        {"world": np.arange(n), "u": u, "noise": np.random.default_rng(0).random(n)}
    )
    means = pd.concat(
        [
            pd.DataFrame({"world": worlds["world"], "design": "A", "score": u}),
            pd.DataFrame({"world": worlds["world"], "design": "B", "score": 0.3}),
            pd.DataFrame({"world": worlds["world"], "design": "C", "score": 0.3 - 0.1 * u}),
        ],
        ignore_index=True,
    )
    return means, worlds


def test_share_of_worlds_a_beats_b_on_the_toy_model() -> None:
    means, _ = _toy()
    table = beats(means, ["score"], higher={"score": True}).set_index(["design_a", "design_b"])
    assert table.loc[("A", "B"), "share_a_better"] == pytest.approx(0.7)
    assert table.loc[("B", "A"), "share_a_better"] == pytest.approx(0.3)
    assert table.loc[("B", "C"), "share_a_better"] == pytest.approx(1.0)
    lower = beats(means, ["score"], higher={"score": False}).set_index(["design_a", "design_b"])
    assert lower.loc[("A", "B"), "share_a_better"] == pytest.approx(0.3)


def test_minimax_regret_on_the_toy_model() -> None:
    means, _ = _toy()
    table = regret(means, ["score"], higher={"score": True}).set_index("design")
    np.testing.assert_allclose(table.loc[["A", "B", "C"], "max_regret"], [0.2975, 0.6975, 0.79725])
    assert table["minimax_choice"].to_dict() == {"A": True, "B": False, "C": False}
    assert table.loc["A", "share_best"] == pytest.approx(0.7)


def test_the_flip_is_found_on_the_parameter_that_drives_it() -> None:
    means, worlds = _toy()
    table = flips(means, worlds, ["score"], higher={"score": True})
    row = table[(table["design_a"] == "A") & (table["design_b"] == "B")].iloc[0]
    assert row["parameter"] == "u"
    assert row["threshold"] == pytest.approx(0.3, abs=0.01)
    assert (row["share_a_better_below"], row["share_a_better_above"]) == (0.0, 1.0)
    assert row["accuracy"] == 1.0
    assert len(table) == 2  # B vs C never flips; A vs C flips (A wins above ~0.27)


@pytest.mark.slow
def test_robustness_command_end_to_end(tmp_path) -> None:
    out = tmp_path / "rob"
    args = [
        "worlds=3",
        "replications=1",
        "workers=1",
        'base=["scenario=small"]',
        "~designs",
        '+designs={open:["process=open_plenary"],two_tier:["process=two_tier"]}',
        "~parameters",
        "+parameters={behaviour:{attendance_base:{low:0.0,high:0.9}}}",
        f"out={out}",
    ]
    assert main(args) == 0
    share = pd.read_csv(out / "beats.csv")
    assert set(share["design_a"]) == {"open", "two_tier"} and len(share) == 2 * 4
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "completed" and manifest["crn"] is True
    runs = pd.concat(pd.read_parquet(p) for p in sorted((out / "pieces").glob("*/runs.parquet")))
    assert len(runs) == 6
    # CRN: in each world both designs ran replication 0 from the same seed
    assert runs.groupby("point")["run_seed"].nunique().eq(1).all()
    assert (out / "robustness.md").read_text().startswith("## Share of worlds")


def test_a_tie_is_not_a_loss_and_shows_neutral_not_red() -> None:
    """Issue 22: a design that ties in every world was drawn as never beating the other."""
    from sim.figures.robustness import robustness_figure

    worlds = np.arange(10)
    means = pd.concat(
        [
            pd.DataFrame({"world": worlds, "design": "A", "score": 1.0}),
            pd.DataFrame({"world": worlds, "design": "B", "score": 1.0}),
            pd.DataFrame({"world": worlds, "design": "C", "score": np.r_[0.0, np.ones(9)]}),
        ],
        ignore_index=True,
    )
    table = beats(means, ["score"], higher={"score": True}).set_index(["design_a", "design_b"])
    assert table.loc[("A", "B"), ["share_a_better", "share_b_better", "share_tied"]].tolist() == [
        0.0,
        0.0,
        1.0,
    ]
    assert table.loc[("C", "A"), "share_b_better"] == pytest.approx(0.1)
    figure = robustness_figure(
        table.reset_index(), regret(means, ["score"], higher={"score": True}), ["A", "B", "C"]
    ).figure
    z = np.asarray(figure.data[0].z, dtype=float)  # rows A, B, C; columns A, B, C
    assert z[0, 1] == 0.0 and z[1, 0] == 0.0  # tied everywhere: neutral, not red
    assert z[0, 2] == pytest.approx(0.1) and z[2, 0] == pytest.approx(-0.1)
    assert "1.00 tied" in figure.data[0].text[0][1]


def test_a_categorical_outcome_is_read_as_shares_not_a_mean_code() -> None:
    from sim.analysis.shares import as_shares, share_outcomes

    assert share_outcomes(["attendance_rate_LIC", "adopted_by_code", "adopted"]) == [
        "attendance_rate_LIC",
        "adopted_by_consensus",
        "adopted",
    ]
    runs = pd.DataFrame(
        {"adopted_by": ["none", "vote", "consensus", "consensus"], "adopted": [0, 1, 1, 1]}
    ).astype({"adopted": bool})
    runs["adopted_by_code"] = [0, 1, 2, 2]
    means = as_shares(runs)[share_outcomes(["adopted_by_code"])].mean()
    assert means.to_dict() == {"adopted_by_consensus": 0.5, "adopted": 0.75}
    assert runs["adopted_by_code"].mean() == 1.25  # what averaging the code said
