"""Global sensitivity: SALib through our sampling and analysis path, and the command."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.analysis.experiments import point_values
from sim.analysis.priors import ParameterRange
from sim.analysis.sensitivity import indices, sample
from sim.sensitivity import main

PI = float(np.pi)


def _ishigami(x: pd.DataFrame, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x1, x2, x3 = (x[k].to_numpy() for k in ("x1", "x2", "x3"))
    return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)


def test_sobol_indices_of_the_ishigami_function_match_the_published_values() -> None:
    """Ishigami & Homma (1990), a=7, b=0.1: S1 = .314, .442, 0; ST = .558, .442, .244."""
    ranges = {k: ParameterRange(-PI, PI) for k in ("x1", "x2", "x3")}
    x = sample(ranges, "sobol", 4096, seed=1)
    values = [point_values(row, ranges) for row in x.to_dict("records")]
    y = pd.DataFrame({"ishigami": _ishigami(pd.DataFrame(values))})
    table = indices(ranges, "sobol", x, y, resamples=100, seed=1).set_index("parameter")
    np.testing.assert_allclose(table["S1"], [0.3139, 0.4424, 0.0], atol=0.03)
    np.testing.assert_allclose(table["ST"], [0.5576, 0.4424, 0.2437], atol=0.03)


def test_morris_ranks_the_ishigami_inputs() -> None:
    ranges = {k: ParameterRange(-PI, PI) for k in ("x1", "x2", "x3")}
    x = sample(ranges, "morris", 200, seed=2, levels=4)
    y = pd.DataFrame({"ishigami": _ishigami(x)})
    table = indices(ranges, "morris", x, y, levels=4, resamples=100, seed=2)
    mu = table.set_index("parameter")["mu_star"]
    assert mu["x3"] < mu["x1"] and mu["x3"] < mu["x2"]


def test_whole_number_parameters_are_floored_into_their_range() -> None:
    ranges = {"a": ParameterRange(2, 6, integer=True), "b": ParameterRange(0, 1)}
    x = sample(ranges, "sobol", 64, seed=3)
    values = [point_values(row, ranges) for row in x.to_dict("records")]
    whole = {v["a"] for v in values}
    assert whole == {2, 3, 4, 5, 6} and all(isinstance(v["a"], int) for v in values)


@pytest.mark.slow
def test_sensitivity_command_end_to_end_and_resume(tmp_path, capsys) -> None:
    out = tmp_path / "sens"
    args = [
        "method=morris",
        "samples=4",
        "replications=1",
        "workers=1",
        "resamples=50",
        'base=["scenario=small"]',
        "outcomes=[attendance_rate_LIC,adopted_by_code]",
        "~parameters",
        "+parameters={behaviour:{attendance_base:{low:0.0,high:0.9},"
        "pressure_gain:{low:0.0,high:5.0}},process:{informal_from_meeting:"
        "{low:2,high:4,integer:true}}}",
        f"out={out}",
    ]
    assert main(args) == 0
    table = pd.read_csv(out / "indices.csv")
    # the categorical adopted_by_code is analysed as shares of runs, not as a mean code
    assert set(table["outcome"]) == {"attendance_rate_LIC", "adopted_by_consensus", "adopted"}
    points = pd.read_csv(out / "points.csv")
    assert "adopted_by_code" not in points and points["adopted_by_consensus"].between(0, 1).all()
    assert len(pd.read_csv(out / "sample.csv")) == 4 * (3 + 1)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "completed" and manifest["crn"] is True
    runs = pd.concat(pd.read_parquet(p) for p in sorted((out / "pieces").glob("*/runs.parquet")))
    assert len(runs) == 16 and runs["crn"].all()
    for name in ("indices.md", "indices.tex"):
        assert (out / name).read_text().strip()
    before = (out / "pieces" / "00000000" / "runs.parquet").stat().st_mtime_ns
    assert main(args) == 0  # resumes: the finished piece is not run again
    assert (out / "pieces" / "00000000" / "runs.parquet").stat().st_mtime_ns == before
    assert main([*args[:-1], "seed=5", f"out={out}"]) == 3  # other inputs: refused
