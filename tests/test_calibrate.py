"""Pattern tables and the history-matching calibration (`python -m sim.calibrate`).

Each piece against its closed form (summaries, implausibility, the design), the
emulator against a function it must learn, and the whole procedure on a record the
model itself made at a known point: the calibration must not rule that point out, and
must rule much of the prior out.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.analysis.calibration import compose_calibration
from sim.analysis.hm.design import maximin, nroy_candidates, to_values, unit_of
from sim.analysis.hm.emulator import fit_emulator
from sim.analysis.hm.implausibility import (
    implausibility,
    implausibility_bounds,
    not_ruled_out,
    verdicts,
)
from sim.analysis.hm.space import values_for
from sim.analysis.hm.summaries import statistics, summaries_of
from sim.analysis.patterns import load_patterns, score
from sim.analysis.priors import ParameterRange, design
from sim.calibrate import main
from sim.config import ConfigError
from tests.shared import ROOT

SMALL = [
    "~negotiations.bbnj",
    "~negotiations.plastics_inc",
    'negotiations.ahc_cybercrime.overrides=["scenario=small"]',
    "negotiations.ahc_cybercrime.parameters={}",
    "left_out=false",
    "workers=1",
]
"""A calibration on the small scenario alone (the committee's patterns, two parameters)."""


def _table(tmp_path, patterns, name="patterns.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"name": "toy", "patterns": patterns}))
    return path


# ----------------------------------------------------------------- pattern tables


def test_the_committee_table_keeps_the_ids_and_sources():
    table = load_patterns(ROOT / "configs/patterns/ahc_cybercrime.yaml")
    assert [p.id for p in table.patterns] == [f"P{i}" for i in range(1, 12)]
    assert all(p.source for p in table.patterns)
    assert [p.id for p in table.scored] == [f"P{i}" for i in (*range(1, 10), 11)]  # P10: rule
    assert table.patterns[5].kind == "interpretation"


TOY = [
    {
        "id": "A",
        "pattern": "half adopted at the extension",
        "source": "toy",
        "targets": [{"share_of_runs": "adopted & (extensions_used == 1)", "at_least": 0.5}],
    },
    {
        "id": "B",
        "pattern": "x as large as y, at most 2",
        "source": "toy",
        "targets": [{"mean": "x", "at_least": 1.0, "at_most": 2.0}],
    },
    {
        "id": "C",
        "pattern": "x above y",
        "source": "toy",
        "targets": [{"mean": "x", "above_mean": ["y", "0.5 * y"]}],
    },
    {
        "id": "D",
        "pattern": "x at most half of y",
        "source": "toy",
        "targets": [{"mean": "x", "at_most_mean": "0.5 * y"}],
    },
]
RUNS = pd.DataFrame(
    {
        "adopted": [True, True, False, True],
        "extensions_used": [1, 1, 0, 0],
        "x": [1.0, 2.0, 3.0, np.nan],
        "y": [0.0, 0.0, 3.0, 5.0],
    }
)


def test_targets_are_judged_on_shares_and_means(tmp_path):
    out = score(load_patterns(_table(tmp_path, TOY)), RUNS)
    assert out["A.0"] == pytest.approx(0.5) and out["A"] is True  # 2 of 4 >= 0.5
    assert out["B.0"] == pytest.approx(2.0) and out["B"] is True  # mean of x skips NaN
    assert out["C"] is False  # 2.0 is not above mean(y) = 2.0
    assert out["accepted"] is False


@pytest.mark.parametrize(
    ("patterns", "message"),
    [
        ([{"pattern": "p", "source": "s"}], "expected a mapping with an 'id'"),
        ([{"id": "A", "pattern": "p", "source": "s"}], "at least one target"),
        ([{"id": "A", "pattern": "", "source": "s", "kind": "rule"}], "'pattern' must be"),
        ([{"id": "A", "pattern": "p", "source": "s", "targets": [{"mean": "x"}]}], "no bound"),
        (
            [{"id": "A", "pattern": "p", "source": "s", "targets": [{"mean": "x", "atleast": 1}]}],
            "unknown key 'atleast'",
        ),
        ([{"id": "A", "pattern": "p", "source": "s", "kind": "rule"}] * 2, "ids must be unique"),
    ],
)
def test_bad_pattern_tables_are_refused_naming_the_place(tmp_path, patterns, message):
    with pytest.raises(ConfigError, match=message):
        load_patterns(_table(tmp_path, patterns))


# ----------------------------------------------------------------- summaries


def test_each_target_is_a_statistic_with_the_interval_the_record_allows(tmp_path):
    table = load_patterns(_table(tmp_path, TOY))
    s = {x.pattern: x for x in summaries_of(table, "toy", dict.fromkeys("ABCD", 0.1))}
    assert (s["A"].low, s["A"].high) == (0.5, math.inf)
    assert (s["B"].low, s["B"].high) == (1.0, 2.0)
    assert (s["C"].low, s["C"].high) == (0.0, math.inf)  # x - max(y means) > 0
    assert (s["D"].low, s["D"].high) == (-math.inf, 0.0)  # x - 0.5 y <= 0
    values, variances = statistics(list(s.values()), {"toy": RUNS})
    assert values["toy:A.0"] == pytest.approx(0.5)
    assert variances["toy:A.0"] == pytest.approx(((2.5 / 5) * (1 - 2.5 / 5)) / 4)  # smoothed
    assert values["toy:B.0"] == pytest.approx(2.0)
    assert variances["toy:B.0"] == pytest.approx(np.var([1.0, 2.0, 3.0], ddof=1) / 3)
    # C: the binding mean is y's (2.0 > 1.0); x - y per run where both are defined
    assert values["toy:C.0"] == pytest.approx(np.mean([1.0, 2.0, 0.0]))
    assert values["toy:D.0"] == pytest.approx(np.mean([1.0, 2.0, 1.5]))
    with pytest.raises(ConfigError, match="no model-discrepancy sd for pattern D"):
        summaries_of(table, "toy", dict.fromkeys("ABC", 0.1))


# ----------------------------------------------------------------- implausibility


def test_implausibility_is_the_distance_in_standard_deviations(tmp_path):
    table = load_patterns(_table(tmp_path, TOY))
    b = next(x for x in summaries_of(table, "toy", dict.fromkeys("ABCD", 0.3)) if x.pattern == "B")
    mean = np.array([1.5, 2.5, 0.2, np.nan])
    variance = np.array([0.07, 0.16, 0.0, 0.1])
    expected = [0.0, 0.5 / 0.5, 0.8 / 0.3, np.inf]  # sqrt(0.16 + 0.09) = 0.5
    np.testing.assert_allclose(implausibility(b, mean, variance), expected)
    table_ = {"a": np.array([1.0, 3.5]), "b": np.array([2.9, 0.1])}
    np.testing.assert_array_equal(not_ruled_out(table_, cutoff=3.0), [True, False])


def test_a_run_points_verdict_has_the_band_its_replications_allow(tmp_path):
    """The band of I over mean +- 1.96 se, worked by hand on the interval [1, 2], delta 0.3."""
    table = load_patterns(_table(tmp_path, TOY))
    b = next(x for x in summaries_of(table, "toy", dict.fromkeys("ABCD", 0.3)) if x.pattern == "B")
    mean = np.array([2.5, 4.0, 5.0, 1.5, np.nan])
    variance = np.array([0.16, 0.16, 0.0, np.inf, 0.1])
    low, high = implausibility_bounds(b, mean, variance)
    half = 1.959964 * 0.4  # se 0.4; spread sqrt(0.16 + 0.09) = 0.5
    np.testing.assert_allclose(low, [0.0, (2 - half) / 0.5, 10.0, 0.0, np.inf])
    np.testing.assert_allclose(high, [(0.5 + half) / 0.5, (2 + half) / 0.5, 10.0, np.inf, np.inf])
    assert list(verdicts(low, high, 3.0)) == [
        "plausible",  # even the band's top (2.57) is within the cutoff
        "borderline",  # 2.43 to 5.57: the draw decides
        "ruled out",
        "borderline",  # one replication: no spread, so nothing settled
        "ruled out",  # no statistic at all
    ]


def test_settling_runs_only_borderline_points_and_pools_their_replications(tmp_path, monkeypatch):
    """Point 0 is settled at once; point 1 is borderline until a round settles it."""
    from sim.analysis.hm import settle as settle_module
    from sim.analysis.hm.waves import judge_runs, statistics_table

    table_ = load_patterns(_table(tmp_path, TOY[1:2]))  # B: mean x in [1, 2]
    summaries = summaries_of(table_, "toy", {"B": 0.3})
    wide = [3.0, 5.0]  # mean 4 over two runs: se 1, band 0.04 to 3.8 (borderline)
    runs = pd.DataFrame({"point": [0, 0, 1, 1], "design": "toy", "x": [1.5, 1.5, *wide]})
    table = pd.DataFrame({"point": [0, 1], "p": [0.1, 0.2]})
    table = pd.concat([table, statistics_table([0, 1], runs, summaries)], axis=1)
    asked = []

    def more_runs(name, rows, space, designs, out, how, command):
        asked.append((name, list(rows["point"]), designs))
        n = designs["reps"]
        return pd.DataFrame({"point": 1, "design": "toy", "x": np.full(n, 4.0)})

    monkeypatch.setattr(settle_module, "_more_runs", more_runs)
    settled, pooled = settle_module.settle(
        table,
        runs,
        lambda t: judge_runs(t, summaries, 3.0),
        [8, 16],
        lambda k, reps: {"reps": reps},
        prefix="",
        space=None,
        summaries=summaries,
        out=tmp_path,
        how=None,
        command="",
    )
    assert asked == [("confirm_1", [1], {"reps": 8})]  # settled after one round: no second
    assert list(settled["verdict"]) == ["plausible", "ruled out"]
    assert list(settled["replications"]) == [2, 10]
    assert settled.loc[1, "toy:B.0"] == pytest.approx(4.0)
    assert settled.loc[1, "toy:B.0:var"] == pytest.approx(2 / 9 / 10)  # the ten runs pooled
    assert len(pooled) == 12


# ----------------------------------------------------------------- design and space


def test_the_design_covers_the_prior_ranges_with_integers_where_asked():
    parameters = {"a": ParameterRange(2.0, 4.0), "b": ParameterRange(2, 6, integer=True)}
    points = design(parameters, 256, "sobol", seed=1)
    assert points["a"].between(2.0, 4.0).all()
    assert set(points["b"]) == {2, 3, 4, 5, 6}
    unit = np.random.default_rng(0).random((50, 2))
    values = to_values(unit, parameters)
    back = unit_of(values, parameters)
    np.testing.assert_allclose(back[:, 0], unit[:, 0])
    assert (np.floor(back[:, 1] * 5) == np.floor(unit[:, 1] * 5)).all()  # same integer cell


def test_maximin_spreads_and_nroy_candidates_keep_only_what_passes():
    rng = np.random.default_rng(0)
    cloud = np.vstack([rng.normal(0.2, 0.01, (200, 2)), [[0.9, 0.9]]])
    picked = maximin(cloud, 2, seed=0)
    assert 200 in picked  # the lone far point is always among two spread ones
    keep = lambda u: u[:, 0] < 0.01  # noqa: E731  a sliver of 1% of the cube
    found = nroy_candidates(keep, 3, 500, seed=0, pool=2000)
    assert len(found) >= 500 and (found[:, 0] < 0.01).all()


def test_a_negotiation_takes_the_shared_values_its_own_and_its_budget(compose):
    point = {
        "behaviour.confidence": 0.3,
        "cost.budget_per_planned_meeting_usd": 1.0e6,
        "bbnj/scenario.blocs.high_ambition.centre.eia": 0.9,
        "plastics_inc/scenario.blocs.high_ambition.centre.production": 0.8,
    }
    bbnj = values_for("bbnj", point, compose("scenario=bbnj"))
    assert bbnj == {
        "behaviour.confidence": 0.3,
        "cost.process_budget_usd": 4.0e6,  # four planned sessions
        "scenario.blocs.high_ambition.centre.eia": 0.9,
    }
    assert values_for("ahc_cybercrime", point, compose())["cost.process_budget_usd"] == 7.0e6


# ----------------------------------------------------------------- emulator


def test_the_emulator_learns_the_inputs_that_matter_and_knows_where_it_is_unsure():
    rng = np.random.default_rng(1)
    unit = rng.random((200, 6))
    truth = lambda u: np.sin(3 * u[:, 0]) + 0.5 * u[:, 2] ** 2  # noqa: E731
    noise = np.full(200, 0.01**2)
    emulator = fit_emulator("toy", unit, truth(unit) + rng.normal(0, 0.01, 200), noise, active=3)
    assert {0, 2} <= set(emulator.active.tolist())
    fresh = rng.random((300, 6))
    mean, sd = emulator.predict(fresh)
    residual = ((mean - truth(fresh)) ** 2).mean()
    assert residual < 0.05 * truth(fresh).var()
    assert emulator.score > 0.9
    assert np.all(sd > 0)


# ----------------------------------------------------------------- configuration


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("points=[10]", "one number of each per wave"),
        ("cutoff=0", "cutoff = 0.0 is not allowed"),
        ("calibrate_on=[nope]", "calibrate_on: ['nope'] not among negotiations"),
        ("only=[behaviour.nope]", "not sampled parameters"),
        ("~negotiations.bbnj.discrepancy.B2", "no model-discrepancy sd for pattern B2"),
        ("negotiations.bbnj.discrepancy.B1=-1", "discrepancy.B1 = -1.0: expected a number > 0"),
        ("no_such_key=1", "no_such_key"),
    ],
)
def test_the_calibration_config_is_checked(override, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        compose_calibration([override])


def test_the_default_calibration_samples_every_assumption_it_lists():
    cfg = compose_calibration([])
    space = cfg.space()
    assert len(space.priors) >= 70
    assert "behaviour.audience_cost" in space.priors
    assert "ahc_cybercrime/scenario.blocs.sovereignty.centre.scope" in space.priors
    assert {s.negotiation for s in cfg.summaries()} == {"ahc_cybercrime", "bbnj", "plastics_inc"}


# ----------------------------------------------------------------- the whole procedure


@pytest.mark.slow
def test_history_matching_keeps_the_point_that_made_the_record(tmp_path, compose):
    """A record made by the model at concession_rate 0.2: that point stays plausible."""
    from sim.run.replications import run_replications

    truth = compose(
        "scenario=small", "behaviour.concession_rate=0.2", "replications=40", "crn=true"
    )
    gap = float(run_replications(truth, with_delegations=False).runs["stance_gap"].mean())
    patterns = [
        {
            "id": "K1",
            "pattern": "the stances' gap the model made at concession_rate 0.2",
            "source": "the model itself (a known-answer test)",
            "targets": [{"mean": "stance_gap", "at_least": 0.95 * gap, "at_most": 1.05 * gap}],
        }
    ]
    table = _table(tmp_path, patterns, "known.yaml")
    out = tmp_path / "cal"
    args = [
        *SMALL,
        f"negotiations.ahc_cybercrime.patterns={table}",
        "+negotiations.ahc_cybercrime.discrepancy.K1=0.003",
        "only=[behaviour.concession_rate,behaviour.audience_cost]",
        "points=[40,20]",
        "replications=[6,6]",
        "candidates=4000",
        "stability=4",
        f"out={out}",
    ]
    assert main(args) == 0
    ranges = pd.read_csv(out / "ranges.csv").set_index("parameter")
    rate = ranges.loc["behaviour.concession_rate"]
    assert rate["nroy_5"] <= 0.2 <= rate["nroy_95"]
    assert rate["nroy_width_share"] < 0.7  # the record rules much of the prior out
    point = yaml.safe_load(
        (out / "default_point.yaml").read_text(encoding="utf-8").split("\n", 2)[2]
    )
    assert 0.1 <= point["values"]["behaviour.concession_rate"] <= 0.3
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "completed" and manifest["plausible"] > 0
    for name in ("points.parquet", "nroy.parquet", "patterns.md", "ranges.md", "stability.md"):
        assert (out / name).is_file(), name
    points = pd.read_parquet(out / "points.parquet")
    assert (points["plausible"] == (points["max_I_high"] <= 3.0)).all()
    assert (points["max_I_low"] <= points["max_I"]).all()
    assert (points["max_I"] <= points["max_I_high"]).all()
    confirmed = points[points["replications"] > 6]  # borderline after the waves: settled further
    assert len(confirmed) and set(confirmed["replications"]) <= {46, 126}
    assert (out / "confirm_1").is_dir() and (out / "stability.csv").is_file()
    # resuming re-uses every wave's runs
    pieces = {str(p): p.stat().st_mtime_ns for p in out.rglob("pieces/*/runs.parquet")}
    assert main(args) == 0
    assert {str(p): p.stat().st_mtime_ns for p in out.rglob("pieces/*/runs.parquet")} == pieces


def test_an_unknown_parameter_key_stops_before_any_run(tmp_path, capsys):
    code = main([*SMALL, f"out={tmp_path / 'x'}", "+parameters.cost.nope={low: 0, high: 1}"])
    assert code == 2
    assert "cost.nope" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()  # nothing written for a refused configuration
