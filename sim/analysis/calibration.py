"""Calibrate the assumed parameters on the record: rejection ABC against a pattern table.

Pattern-oriented modelling (Grimm et al. 2005) with approximate Bayesian computation
by rejection (van der Vaart et al. 2015): the parameters marked ASSUMPTION are sampled
uniformly on their prior ranges (a scrambled Sobol or Latin hypercube design,
`scipy.stats.qmc`), each point is run for a few replications and scored against every
pattern of the table (`sim.analysis.patterns`). The accepted set is every point meeting all
patterns, or, when they are too few, the
`tolerance` share of points nearest to meeting them all (rejection ABC with a
distance and a tolerance; Beaumont et al. 2002). The results folder holds:

- `samples.parquet`: every point, its parameters, each target's statistic and
  shortfall, each pattern met, `meets_all`, its `distance` from meeting every pattern
  and `accepted`;
- `acceptance.{csv,md}`: the share of all points and of accepted points meeting each
  pattern; `co_satisfaction.csv`: the share meeting each pair (patterns that pull
  against each other show up as pairs rarely met together);
- `posterior.{csv,md}`: each parameter's prior range and its accepted range;
- `default_point.yaml`: the accepted point nearest the accepted set's median, as the
  overrides the default scenario takes;
- `figures/calibration.*` and `manifest.json` (configuration, seeds, versions, commit).

Points are evaluated in chunks written atomically, so a killed calibration re-run with
the same `out` folder resumes where it stopped.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sim.analysis.abc import ParameterRange, Reports, design, plain, summarise
from sim.analysis.experiments import (
    MAX_JOBS,
    MAX_REPLICATIONS,
    check_count,
    check_number,
    check_ranges,
)
from sim.analysis.patterns import PatternTable, load_patterns, score
from sim.analysis.tables import format_number, markdown_table
from sim.config import ConfigError, SimConfig, set_values
from sim.config.compose import compose_config
from sim.run.batch import Batch, Execution, Point, run_batch
from sim.run.command import compose_settings
from sim.store import sha256_file, write_parquet, write_text

__all__ = [
    "CalibrateConfig",
    "Calibration",
    "compose_calibration",
    "evaluate_point",
    "flatten_ranges",
    "patterns_path",
    "run_calibration",
]

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class CalibrateConfig:
    """What `python -m sim.calibrate` samples, runs and scores."""

    base: list[str] = field(default_factory=list)
    patterns: str = "configs/patterns/ahc_cybercrime.yaml"
    samples: int = 2048
    replications: int = 10
    seed: int = 20240808
    method: str = "sobol"
    workers: int = 0
    engine: str = "local"  # local cores, or ray / a Ray cluster (sim.run.engines)
    chunk: int = 64
    tolerance: float = 0.01  # accept at least this share of points, the nearest first
    out: str | None = None
    only: list[str] = field(default_factory=list)  # sample these of `parameters` (empty: all)
    parameters: dict[str, Any] = field(default_factory=dict)  # nested like the model config

    @property
    def ranges(self) -> dict[str, ParameterRange]:
        """Every prior range of `parameters`, by dotted key (`process.compression.text_days`)."""
        return _flatten(self.parameters)

    @property
    def sampled(self) -> dict[str, ParameterRange]:
        """The parameters this calibration samples (`only`, or all of `parameters`)."""
        ranges = self.ranges
        return {k: ranges[k] for k in (self.only or ranges)}


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, ParameterRange]:
    """Nested ranges to dotted keys; a leaf is a mapping with `low` and `high`."""
    out: dict[str, ParameterRange] = {}
    for name, node in tree.items():
        key = f"{prefix}{name}"
        if not isinstance(node, dict):
            raise ConfigError(f"parameters.{key}: expected {{low, high}} or nested keys")
        if "low" in node or "high" in node:
            extra = set(node) - {"low", "high", "integer"}
            if extra or not {"low", "high"} <= set(node):
                raise ConfigError(
                    f"parameters.{key}: a range has low, high and optionally integer "
                    f"(got {sorted(node)})"
                )
            try:
                out[key] = ParameterRange(
                    float(node["low"]), float(node["high"]), bool(node.get("integer", False))
                )
            except (TypeError, ValueError) as err:
                raise ConfigError(f"parameters.{key}: low and high must be numbers") from err
        else:
            out.update(_flatten(node, f"{key}."))
    return out


flatten_ranges = _flatten  # the ranges of `parameters:` in sensitivity and robustness configs


def compose_calibration(overrides: list[str] | None = None) -> CalibrateConfig:
    """Compose `configs/calibrate.yaml` with Hydra overrides and check it."""
    # `patterns` is also the folder configs/patterns/, which Hydra takes for a config
    # group and so refuses `patterns=<file>` ("Could not override"): set it after composing.
    overrides = list(overrides or [])
    tables = [o for o in overrides if o.partition("=")[0].lstrip("+") == "patterns"]
    overrides = [o for o in overrides if o not in tables]
    cfg = compose_settings("calibrate", CalibrateConfig, overrides)
    if tables:
        cfg.patterns = tables[-1].partition("=")[2].strip("'\"")
    _check(cfg)
    return cfg


def patterns_path(name: str) -> Path:
    """A pattern table's path: as given, or relative to the project (from any folder)."""
    path = Path(name)
    if path.is_absolute() or path.exists():
        return path
    return ROOT / path if (ROOT / path).exists() else path


def _check(cfg: CalibrateConfig) -> None:
    check_count("samples", cfg.samples, 1, MAX_JOBS)
    check_count("replications", cfg.replications, 1, MAX_REPLICATIONS)
    check_count("seed", cfg.seed, 0, 2**63 - 1)
    check_count("chunk", cfg.chunk, 1, MAX_JOBS)
    check_count("workers", cfg.workers, 0, 4096)
    if cfg.method not in ("sobol", "lhs"):
        raise ConfigError(f"method = {cfg.method!r} is not allowed: expected sobol or lhs")
    check_number("tolerance", cfg.tolerance, 0.0, 1.0)
    if cfg.tolerance == 0:
        raise ConfigError("tolerance = 0 is not allowed: expected 0 < tolerance <= 1")
    ranges = cfg.ranges
    if not ranges:
        raise ConfigError("parameters: at least one parameter to sample")
    unknown = [k for k in cfg.only if k not in ranges]
    if unknown:
        raise ConfigError(f"only: {unknown} not among parameters ({', '.join(ranges)})")
    load_patterns(patterns_path(cfg.patterns))  # a bad table stops before any run


def evaluate_point(base: SimConfig, values: dict[str, Any], table: PatternTable) -> dict:
    """Run one parameter point's replications and score them against the patterns."""
    from sim.run.replications import run_replications

    runs = run_replications(set_values(base, values), with_delegations=False).runs
    return score(table, runs)


@dataclass(frozen=True)
class Calibration:
    """A finished calibration: its folder, the reports, the parameters it sampled."""

    folder: Path
    reports: Reports
    parameters: dict[str, ParameterRange]


def run_calibration(cfg: CalibrateConfig, progress: bool = True) -> Calibration:
    """Sample, run (resuming finished pieces) and score every point; write the tables."""
    table = load_patterns(patterns_path(cfg.patterns))
    try:
        base = compose_config([*cfg.base, "progress=false"])
    except ConfigError:
        raise
    except Exception as err:  # Hydra names the override
        from sim.errors import one_line

        raise ConfigError(f"base: {one_line(err)}") from err
    # the rush cost is not a pattern: skip the unhurried twin runs
    values = {"seed": cfg.seed, "replications": cfg.replications, "measures.rush_cost": False}
    base = set_values(base, values)
    check_ranges({"base": base}, cfg.sampled)  # an unknown key or a bad end fails here
    out = Path(cfg.out or f"results/calibration/{datetime.now():%Y-%m-%d_%H-%M-%S}")
    points = design(cfg.sampled, cfg.samples, cfg.method, cfg.seed)
    jobs = tuple(
        Point(design="base", point=i, values={k: plain(v) for k, v in row.items()})
        for i, row in enumerate(points.to_dict("records"))
    )
    row_keys = ("base", "samples", "replications", "seed", "method", "only")
    settings = {k: v for k, v in asdict(cfg).items() if k in row_keys}
    settings["parameters"] = {k: asdict(v) for k, v in cfg.sampled.items()}
    command = "python -m sim.calibrate " + " ".join(sys.argv[1:])
    found: dict[str, Reports] = {}

    def analyse(runs: pd.DataFrame) -> dict[str, Any]:
        scores = [score(table, part) for _, part in runs.groupby("point", sort=True)]
        samples = pd.concat([points, pd.DataFrame(scores)], axis=1)
        samples.insert(0, "sample", range(len(samples)))
        found["reports"] = reports = summarise(samples, cfg.sampled, table, cfg.tolerance)
        samples = samples.rename(columns={"accepted": "meets_all"})
        samples["distance"] = reports.distance
        samples["accepted"] = reports.distance <= reports.epsilon
        write_parquet(samples, out / "samples.parquet")
        _write_reports(out, reports)
        path = patterns_path(cfg.patterns)
        return {
            "calibrate": asdict(cfg),
            "patterns": {"path": str(path), "sha256": sha256_file(path)},
            "accepted": int(samples["accepted"].sum()),
            "meets_all": int(samples["meets_all"].sum()),
            "epsilon": reports.epsilon,
            "points": len(samples),
        }

    how = Execution(chunk=cfg.chunk, engine=cfg.engine, workers=cfg.workers, progress=progress)
    batch = Batch(kind="calibration", designs={"base": base}, points=jobs, settings=settings)
    run_batch(batch, out, how, command=command, analyse=analyse)
    return Calibration(out, found["reports"], cfg.sampled)


def _formatted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.map(lambda v: format_number(v) if isinstance(v, float) else v)


def _write_reports(out: Path, reports: Reports) -> None:
    """The tables and the default point (the figure is the command's: `sim.calibrate`)."""
    write_text(reports.acceptance.to_csv(index=False), out / "acceptance.csv")
    write_text(markdown_table(_formatted(reports.acceptance)) + "\n", out / "acceptance.md")
    write_text(reports.co_satisfaction.to_csv(), out / "co_satisfaction.csv")
    write_text(reports.posterior.to_csv(index=False), out / "posterior.csv")
    posterior = _formatted(reports.posterior)
    text = f"Accepted ranges, from {reports.default_basis}.\n\n"
    write_text(text + markdown_table(posterior) + "\n", out / "posterior.md")
    point = {k: v for k, v in reports.default_point.items() if k != "sample"}
    header = (
        f"# The point the default scenario takes: sample {reports.default_point['sample']} of\n"
        f"# {out} ({reports.default_basis}), nearest the median of that set.\n"
    )
    write_text(header + yaml.safe_dump(point, sort_keys=False), out / "default_point.yaml")
