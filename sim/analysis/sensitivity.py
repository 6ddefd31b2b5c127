"""Global sensitivity of the outcomes to the assumed parameters (SALib).

`python -m sim.sensitivity` samples the parameters of `configs/sensitivity.yaml`
(default: the ASSUMPTION parameters with the ranges docs/ODD.md documents, the
calibration's priors) with Saltelli's scheme for Sobol indices or Morris's
elementary-effects trajectories, runs every point (`sim.analysis.experiments`:
compose once, set numbers, CRN across points, resumable chunks), averages each
outcome over a point's replications, and estimates per outcome and parameter:

- `sobol`: first-order S1 and total ST indices with bootstrap 95% intervals
  (`SALib.analyze.sobol`, Jansen/Saltelli estimators; S1 = the share of the
  outcome's variance a parameter explains alone, ST = with its interactions);
- `morris`: mu* (mean absolute elementary effect, with its 95% interval) and sigma
  (its spread: interactions or non-linearity), `SALib.analyze.morris`.

The folder holds `sample.csv` (every point), `runs/` (every run row), `points.csv`
(the outcomes' means per point), `indices.{csv,md,tex}`, `manifest.json` and the
figure `figures/sensitivity.*` (written by the command).
"""

from __future__ import annotations

import logging
import sys
import warnings
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.experiments import (
    MAX_JOBS,
    MAX_REPLICATIONS,
    check_count,
    check_outcomes,
    check_ranges,
    compose_designs,
    point_values,
)
from sim.analysis.priors import ParameterRange, flatten_ranges
from sim.analysis.shares import as_shares, share_outcomes
from sim.analysis.tables import format_number, markdown_table
from sim.config import ConfigError
from sim.run.batch import Batch, Execution, Point, run_batch
from sim.run.command import compose_settings
from sim.store import write_text

__all__ = [
    "SensitivityConfig",
    "SensitivityResult",
    "compose_sensitivity",
    "indices",
    "problem",
    "run_sensitivity",
    "sample",
]

log = logging.getLogger(__name__)
METHODS = ("sobol", "morris")


@dataclass
class SensitivityConfig:
    """What `python -m sim.sensitivity` samples, runs and analyses."""

    base: list[str] = field(default_factory=list)
    method: str = "sobol"
    samples: int = 64  # Sobol: base sample N (N x (d + 2) points); Morris: trajectories
    levels: int = 4  # Morris grid levels
    replications: int = 2
    seed: int = 20240808
    outcomes: list[str] = field(default_factory=list)
    workers: int = 0
    engine: str = "local"  # local cores, or ray / a Ray cluster (sim.run.engines)
    chunk: int = 64
    resamples: int = 1000  # bootstrap resamples for the intervals
    out: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def ranges(self) -> dict[str, ParameterRange]:
        return flatten_ranges(self.parameters)


def compose_sensitivity(overrides: list[str] | None = None) -> SensitivityConfig:
    """Compose `configs/sensitivity.yaml` with Hydra overrides and check it."""
    cfg = compose_settings("sensitivity", SensitivityConfig, list(overrides or []))
    if cfg.method not in METHODS:
        raise ConfigError(f"method = {cfg.method!r} is not allowed: expected sobol or morris")
    check_count("samples", cfg.samples, 2, MAX_JOBS)
    check_count("replications", cfg.replications, 1, MAX_REPLICATIONS)
    check_count("levels", cfg.levels, 2, 1000)
    check_count("seed", cfg.seed, 0, 2**63 - 1)
    check_count("chunk", cfg.chunk, 1, MAX_JOBS)
    check_count("workers", cfg.workers, 0, 4096)
    check_count("resamples", cfg.resamples, 10, 1_000_000)
    if len(cfg.ranges) < 2:
        raise ConfigError("parameters: at least two parameters to sample")
    points = cfg.samples * (len(cfg.ranges) + (2 if cfg.method == "sobol" else 1))
    if points > MAX_JOBS:
        raise ConfigError(f"samples = {cfg.samples} makes {points:,} points, more than "
                          f"{MAX_JOBS:,}: take fewer samples")  # fmt: skip
    return cfg


def problem(ranges: dict[str, ParameterRange]) -> dict[str, Any]:
    """SALib's problem: whole-number ranges widen to [low, high + 1) and are floored."""
    bounds = [[r.low, r.high + 1 - 1e-9 if r.integer else r.high] for r in ranges.values()]
    return {"num_vars": len(ranges), "names": list(ranges), "bounds": bounds}


def sample(
    ranges: dict[str, ParameterRange], method: str, n: int, seed: int, levels: int = 4
) -> pd.DataFrame:
    """The SALib design: one row per point, one column per parameter (unrounded)."""
    spec = problem(ranges)
    if method == "sobol":
        from SALib.sample import sobol as sobol_sample

        with warnings.catch_warnings():  # SALib warns when n is not a power of 2
            warnings.simplefilter("ignore")
            x = sobol_sample.sample(spec, n, calc_second_order=False, seed=seed)
    else:
        from SALib.sample import morris as morris_sample

        x = morris_sample.sample(spec, n, num_levels=levels, seed=seed)
    return pd.DataFrame(x, columns=spec["names"])


def indices(
    ranges: dict[str, ParameterRange],
    method: str,
    x: pd.DataFrame,
    y: pd.DataFrame,
    *,
    levels: int = 4,
    resamples: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Indices per outcome (a column of `y`, one value per row of `x`) and parameter."""
    spec = problem(ranges)
    rows = []
    for outcome in y.columns:
        values = y[outcome].to_numpy(dtype=float)
        if not np.isfinite(values).all():
            log.warning("%s: undefined at some points; left out of the indices", outcome)
            continue
        if method == "sobol":
            from SALib.analyze import sobol

            res = sobol.analyze(
                spec, values, calc_second_order=False, num_resamples=resamples, seed=seed
            )
            for j, name in enumerate(spec["names"]):
                rows.append(
                    {
                        "outcome": outcome,
                        "parameter": name,
                        "S1": res["S1"][j],
                        "S1_low": res["S1"][j] - res["S1_conf"][j],
                        "S1_high": res["S1"][j] + res["S1_conf"][j],
                        "ST": res["ST"][j],
                        "ST_low": res["ST"][j] - res["ST_conf"][j],
                        "ST_high": res["ST"][j] + res["ST_conf"][j],
                    }
                )
        else:
            from SALib.analyze import morris

            res = morris.analyze(
                spec, x.to_numpy(), values, num_levels=levels, num_resamples=resamples, seed=seed
            )
            scale = float(np.std(values)) or 1.0
            for j, name in enumerate(spec["names"]):
                rows.append(
                    {
                        "outcome": outcome,
                        "parameter": name,
                        "mu_star": res["mu_star"][j],
                        "mu_star_low": res["mu_star"][j] - res["mu_star_conf"][j],
                        "mu_star_high": res["mu_star"][j] + res["mu_star_conf"][j],
                        "sigma": res["sigma"][j],
                        "mu_star_scaled": res["mu_star"][j] / scale,  # per s.d. of the outcome
                    }
                )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class SensitivityResult:
    """A finished study: its folder, the indices table and the method."""

    folder: Path
    indices: pd.DataFrame
    method: str


def run_sensitivity(cfg: SensitivityConfig, progress: bool = True) -> SensitivityResult:
    """Sample, run (resuming finished pieces), average per point, analyse, write tables."""
    ranges = cfg.ranges
    out = Path(cfg.out or f"results/sensitivity/{datetime.now():%Y-%m-%d_%H-%M-%S}")
    bases = compose_designs(
        {"base": []}, cfg.base, cfg.seed, cfg.replications, rush_cost="rush_cost" in cfg.outcomes
    )
    check_outcomes(bases["base"], cfg.outcomes)
    check_ranges(bases, ranges)
    points = sample(ranges, cfg.method, cfg.samples, cfg.seed, cfg.levels)
    points.insert(0, "point", np.arange(len(points)))
    jobs = tuple(
        Point(design="base", point=int(row["point"]), values=point_values(row, ranges))
        for row in points.to_dict("records")
    )
    row_keys = ("base", "method", "samples", "levels", "replications", "seed", "parameters")
    settings = {k: v for k, v in asdict(cfg).items() if k in row_keys}  # outcomes: analysis
    command = "python -m sim.sensitivity " + " ".join(sys.argv[1:])
    found: dict[str, pd.DataFrame] = {}

    def analyse(runs: pd.DataFrame) -> dict[str, Any]:
        write_text(points.to_csv(index=False), out / "sample.csv")
        runs = as_shares(runs)
        outcomes = share_outcomes(cfg.outcomes)  # a categorical outcome as shares, not a code
        means = runs.groupby("point")[outcomes].mean(numeric_only=False).astype(float)
        means = means.reindex(points["point"])
        write_text(means.reset_index().to_csv(index=False), out / "points.csv")
        table = indices(
            ranges,
            cfg.method,
            points[list(ranges)],
            means,
            levels=cfg.levels,
            resamples=cfg.resamples,
            seed=cfg.seed,
        )
        write_tables(table, out, cfg.method, command)
        found["indices"] = table
        return {"points": len(points), "runs": len(runs), "crn": True}

    how = Execution(chunk=cfg.chunk, engine=cfg.engine, workers=cfg.workers, progress=progress)
    batch = Batch(kind="sensitivity", designs=bases, points=jobs, settings=settings)
    run_batch(batch, out, how, command=command, analyse=analyse)
    return SensitivityResult(out, found["indices"], cfg.method)


def write_tables(table: pd.DataFrame, out: Path, method: str, command: str = "") -> None:
    """`indices.csv` (full precision), `indices.md` and `indices.tex` (rounded)."""
    write_text(table.to_csv(index=False), out / "indices.csv")
    if method == "sobol":
        cells = pd.DataFrame(
            {
                "outcome": table["outcome"],
                "parameter": table["parameter"],
                "S1 [95%]": [_ci(r.S1, r.S1_low, r.S1_high) for r in table.itertuples()],
                "ST [95%]": [_ci(r.ST, r.ST_low, r.ST_high) for r in table.itertuples()],
            }
        )
        title = "Sobol indices: first order S1 and total ST, bootstrap 95% intervals"
    else:
        cells = pd.DataFrame(
            {
                "outcome": table["outcome"],
                "parameter": table["parameter"],
                "mu* [95%]": [
                    _ci(r.mu_star, r.mu_star_low, r.mu_star_high) for r in table.itertuples()
                ],
                "sigma": [format_number(v) for v in table["sigma"]],
                "mu* / sd(outcome)": [format_number(v, 2) for v in table["mu_star_scaled"]],
            }
        )
        title = "Morris elementary effects: mu* (95% interval) and sigma"
    write_text(f"## {title}\n\n{markdown_table(cells)}\n", out / "indices.md")
    rows = [" & ".join(_tex(v) for v in row) + r" \\" for row in cells.itertuples(index=False)]
    tex = [
        "% Requires \\usepackage{booktabs}.",
        *([f"% Made by: {command}"] if command else []),
        f"% {title}.",
        "\\begin{tabular}{ll" + "r" * (cells.shape[1] - 2) + "}",
        "\\toprule",
        " & ".join(_tex(c) for c in cells.columns) + r" \\",
        "\\midrule",
        *rows,
        "\\bottomrule",
        "\\end{tabular}",
    ]
    write_text("\n".join(tex) + "\n", out / "indices.tex")


def _ci(value: float, low: float, high: float) -> str:
    return f"{value:.2f} [{low:.2f}, {high:.2f}]"


def _tex(text: object) -> str:
    return str(text).replace("_", r"\_").replace("%", r"\%").replace("&", r"\&")
