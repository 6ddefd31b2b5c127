"""Pattern tables and the rejection-ABC calibration (`python -m sim.calibrate`)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.analysis.abc import ParameterRange, design, summarise
from sim.analysis.calibration import compose_calibration
from sim.analysis.patterns import load_patterns, score
from sim.calibrate import main
from sim.config import ConfigError
from tests.shared import ROOT


def _table(tmp_path, patterns) -> Path:
    path = tmp_path / "patterns.yaml"
    path.write_text(yaml.safe_dump({"name": "toy", "patterns": patterns}))
    return path


def test_the_committee_table_keeps_the_ids_and_sources(tmp_path):
    table = load_patterns(ROOT / "configs/patterns/ahc_cybercrime.yaml")
    assert [p.id for p in table.patterns] == [f"P{i}" for i in range(1, 12)]
    assert all(p.source for p in table.patterns)
    assert [p.id for p in table.scored] == [f"P{i}" for i in (*range(1, 10), 11)]  # P10: rule
    assert table.patterns[5].kind == "interpretation"


def test_targets_are_judged_on_shares_and_means():
    runs = pd.DataFrame(
        {
            "adopted": [True, True, False, True],
            "extensions_used": [1, 1, 0, 0],
            "x": [1.0, 2.0, 3.0, np.nan],
            "y": [0.0, 0.0, 3.0, 5.0],
        }
    )
    table = load_patterns(_write(runs_patterns()))
    out = score(table, runs)
    assert out["A.0"] == pytest.approx(0.5) and out["A"] is True  # 2 of 4 >= 0.5
    assert out["B.0"] == pytest.approx(2.0)  # mean of x skips NaN
    assert out["B"] is True  # 2.0 > mean(y) = 2.0? no: at_least_mean, 2.0 >= 2.0
    assert out["C"] is False  # 2.0 is not above 2.0
    assert out["accepted"] is False


def runs_patterns():
    return [
        {
            "id": "A",
            "pattern": "half adopted at the extension",
            "source": "toy",
            "targets": [{"share_of_runs": "adopted & (extensions_used == 1)", "at_least": 0.5}],
        },
        {
            "id": "B",
            "pattern": "x as large as y",
            "source": "toy",
            "targets": [{"mean": "x", "at_least_mean": "y", "at_most": 2.0}],
        },
        {
            "id": "C",
            "pattern": "x above y",
            "source": "toy",
            "targets": [{"mean": "x", "above_mean": ["y", "0.5 * y"]}],
        },
    ]


def _write(patterns) -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    return _table(folder, patterns)


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
        (
            [
                {
                    "id": "A",
                    "pattern": "p",
                    "source": "s",
                    "targets": [{"share_of_runs": "x", "above_mean": "y"}],
                }
            ],
            "unknown key 'above_mean'",
        ),
        (
            [{"id": "A", "pattern": "p", "source": "s", "kind": "rule"}] * 2,
            "ids must be unique",
        ),
    ],
)
def test_bad_pattern_tables_are_refused_naming_the_place(tmp_path, patterns, message):
    with pytest.raises(ConfigError, match=message):
        load_patterns(_table(tmp_path, patterns))


def test_a_missing_table_or_a_bad_expression_is_named(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_patterns(tmp_path / "nope.yaml")
    table = load_patterns(
        _table(
            tmp_path,
            [
                {
                    "id": "A",
                    "pattern": "p",
                    "source": "s",
                    "targets": [{"mean": "no_such_column", "at_least": 1}],
                }
            ],
        )
    )
    with pytest.raises(ConfigError, match="no_such_column"):
        score(table, pd.DataFrame({"x": [1.0]}))


def test_the_design_covers_the_prior_ranges_with_integers_where_asked():
    parameters = {
        "a": ParameterRange(2.0, 4.0),
        "b": ParameterRange(2, 6, integer=True),
    }
    points = design(parameters, 256, "sobol", seed=1)
    assert points["a"].between(2.0, 4.0).all()
    assert set(points["b"]) == {2, 3, 4, 5, 6}
    assert points["b"].dtype == np.int64
    again = design(parameters, 256, "sobol", seed=1)
    pd.testing.assert_frame_equal(points, again)
    assert design(parameters, 64, "lhs", seed=1)["a"].between(2.0, 4.0).all()


def _samples(b_met):
    """40 points: pattern A met by all, B by `b_met`, C by none (the same shortfall everywhere)."""
    rng = np.random.default_rng(0)
    n = len(b_met)
    frame = pd.DataFrame({"sample": np.arange(n), "a": rng.random(n), "b": rng.random(n)})
    frame["A"], frame["A.0"], frame["A.0.shortfall"] = True, rng.random(n), 0.0
    frame["B"] = b_met
    frame["B.0"] = rng.random(n)
    frame["B.0.shortfall"] = np.where(b_met, 0.0, 0.2 + rng.random(n))
    frame["C"], frame["C.0"], frame["C.0.shortfall"] = False, rng.random(n), 0.3
    frame["accepted"] = False
    return frame


def test_summary_takes_the_nearest_points_when_none_meets_every_pattern():
    table = load_patterns(
        _write(
            [
                {"id": k, "pattern": k, "source": "toy", "targets": [{"mean": "x", "at_least": 0}]}
                for k in "ABC"
            ]
        )
    )
    b_met = np.zeros(40, dtype=bool)
    b_met[[3, 7, 20]] = True
    samples = _samples(b_met)
    samples.loc[[3, 7, 20], "a"] = [0.2, 0.5, 0.9]
    samples.loc[[3, 7, 20], "b"] = [0.5, 0.52, 0.5]
    parameters = {"a": ParameterRange(0, 1), "b": ParameterRange(0, 1)}
    reports = summarise(samples, parameters, table, tolerance=0.075)
    assert reports.unreachable == ("C",)
    accepted = np.flatnonzero(reports.distance <= reports.epsilon)
    np.testing.assert_array_equal(accepted, [3, 7, 20])  # nearest: B met, C missed alike
    assert reports.epsilon > 0
    row = reports.acceptance.set_index("pattern")
    assert row.loc["all", "points"] == 0
    assert row.loc["B", "share_of_accepted"] == 1.0 and row.loc["B", "points"] == 3
    assert "no point meets C" in reports.default_basis and "0 points meet them all" in (
        reports.default_basis
    )
    assert reports.default_point["sample"] == 7  # nearest the median of the three
    post = reports.posterior.set_index("parameter")
    assert post.loc["a", "median"] == pytest.approx(0.5)
    assert reports.co_satisfaction.loc["A", "B"] == pytest.approx(3 / 40)


def test_summary_accepts_exactly_the_points_meeting_every_pattern_when_enough_do():
    table = load_patterns(
        _write(
            [
                {"id": k, "pattern": k, "source": "toy", "targets": [{"mean": "x", "at_least": 0}]}
                for k in "AB"
            ]
        )
    )
    b_met = np.arange(40) % 4 == 0  # 10 of 40 meet both
    samples = _samples(b_met).drop(columns=["C", "C.0", "C.0.shortfall"])
    reports = summarise(samples, {"a": ParameterRange(0, 1)}, table, tolerance=0.1)
    assert reports.epsilon == 0.0
    np.testing.assert_array_equal(np.flatnonzero(reports.distance == 0), np.flatnonzero(b_met))
    assert reports.default_basis.startswith("the 10 points meeting every pattern")


def test_distance_scales_each_shortfall_by_the_spread_of_its_statistic():
    from sim.analysis.patterns import distance

    table = load_patterns(
        _write(
            [
                {
                    "id": "D",
                    "pattern": "days",
                    "source": "toy",
                    "targets": [{"mean": "days_held", "at_least": 70}],
                },
                {
                    "id": "S",
                    "pattern": "share",
                    "source": "toy",
                    "targets": [{"share_of_runs": "adopted", "at_least": 0.5}],
                },
            ]
        )
    )
    samples = pd.DataFrame(
        {
            "D.0": [60.0, 70.0, 80.0, 90.0],
            "D.0.shortfall": [10.0, 0.0, 0.0, 0.0],
            "S.0": [0.4, 0.5, 0.6, 0.7],
            "S.0.shortfall": [0.0, 0.0, 0.0, np.nan],  # undefined: the largest shortfall
        }
    )
    d = distance(samples, table)
    # MAD of days = 10: a 10-day miss weighs 1; an undefined share is one spread away
    np.testing.assert_allclose(d, [1.0, 0.0, 0.0, 1.0])


def test_calibration_config_is_checked(tmp_path):
    with pytest.raises(ConfigError, match="method"):
        compose_calibration(["method=grid"])
    with pytest.raises(ConfigError, match="samples"):
        compose_calibration(["samples=0"])
    with pytest.raises(ConfigError):
        compose_calibration(["no_such_key=1"])


def test_a_pattern_table_is_chosen_by_its_path_although_configs_has_a_patterns_folder():
    """Hydra would take `patterns=` for the config group configs/patterns/ and refuse it."""
    cfg = compose_calibration(["patterns=configs/patterns/bbnj.yaml", "samples=8"])
    assert (cfg.patterns, cfg.samples) == ("configs/patterns/bbnj.yaml", 8)
    assert compose_calibration([]).patterns == "configs/patterns/ahc_cybercrime.yaml"


@pytest.mark.slow
def test_a_small_calibration_writes_its_reports_and_resumes(tmp_path, capsys):
    out = tmp_path / "cal"
    args = [
        'base=["scenario=small"]',
        "samples=4",
        "replications=2",
        "chunk=2",
        "workers=1",
        f"out={out}",
        "parameters.behaviour.concession_rate.high=0.3",
        "only=[behaviour.concession_rate,process.informal_from_meeting]",
    ]
    assert main(args) == 0
    for name in ("samples.parquet", "acceptance.md", "posterior.md", "default_point.yaml"):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "completed" and manifest["points"] == 4
    samples = pd.read_parquet(out / "samples.parquet")
    assert len(samples) == 4 and {"P1", "P9", "accepted"} <= set(samples.columns)
    point = yaml.safe_load((out / "default_point.yaml").read_text())
    assert set(point) == {"behaviour.concession_rate", "process.informal_from_meeting"}
    # resuming keeps the finished pieces; other inputs into the same folder are refused
    before = {str(p): p.stat().st_mtime_ns for p in (out / "pieces").rglob("*.*")}
    assert len(before) == 2 * 2  # two pieces of two points: runs.parquet and manifest.json
    assert main(args) == 0
    assert {str(p): p.stat().st_mtime_ns for p in (out / "pieces").rglob("*.*")} == before
    capsys.readouterr()
    assert main([*args[:-2], "only=[behaviour.concession_rate]"]) == 3  # REFUSED
    err = capsys.readouterr().err
    assert "holds a calibration of other inputs (other only, parameters)" in err


def test_an_unknown_parameter_key_stops_before_any_run(tmp_path, capsys):
    code = main([f"out={tmp_path / 'x'}", "samples=2", "+parameters.cost.nope={low: 0, high: 1}"])
    assert code == 2
    assert "cost.nope" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()  # nothing written for a refused configuration
    code = main([f"out={tmp_path / 'y'}", "samples=2", "only=[cost.nope]"])
    assert code == 2 and "only" in capsys.readouterr().err
    code = main(
        [f"out={tmp_path / 'z'}", "samples=2", "parameters.cost.process_budget_usd.low=2e7"]
    )
    assert code == 2 and "expected finite low < high" in capsys.readouterr().err
    code = main(
        [f"out={tmp_path / 'w'}", "samples=2", "+parameters.cost.meeting_usd={low: 1, hi: 2}"]
    )
    assert code == 2 and "a range has low, high" in capsys.readouterr().err
    assert not any((tmp_path / d).exists() for d in "yzw")
