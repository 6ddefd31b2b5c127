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

import hashlib
import json
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.analysis.abc import ParameterRange, Reports, design, plain, summarise
from sim.analysis.patterns import PatternTable, load_patterns, score
from sim.analysis.tables import format_number, markdown_table
from sim.config import ConfigError, SimConfig, set_values
from sim.config.compose import compose_config
from sim.store import (
    MANIFEST,
    FolderBusyError,
    FolderLock,
    StaleLockError,
    environment_info,
    read_json,
    utc_now,
    write_json,
    write_parquet,
    write_text,
)

__all__ = [
    "CalibrateConfig",
    "Calibration",
    "compose_calibration",
    "evaluate_point",
    "flatten_ranges",
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
    from hydra import compose, initialize_config_dir
    from hydra.core.config_store import ConfigStore
    from hydra.core.global_hydra import GlobalHydra
    from omegaconf import OmegaConf

    ConfigStore.instance().store(name="calibrate_schema", node=CalibrateConfig)
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    # `patterns` is also the folder configs/patterns/, which Hydra takes for a config
    # group and so refuses `patterns=<file>` ("Could not override"): set it after composing.
    overrides = list(overrides or [])
    tables = [o for o in overrides if o.partition("=")[0].lstrip("+") == "patterns"]
    overrides = [o for o in overrides if o not in tables]
    try:
        with initialize_config_dir(config_dir=str(ROOT / "configs"), version_base="1.3"):
            composed = compose(config_name="calibrate", overrides=overrides)
    except Exception as err:  # Hydra's messages name the override; keep them
        raise ConfigError(f"calibrate: {err}") from err
    cfg: CalibrateConfig = OmegaConf.to_object(composed)
    if tables:
        cfg.patterns = tables[-1].partition("=")[2].strip("'\"")
    _check(cfg)
    return cfg


def _check(cfg: CalibrateConfig) -> None:
    if cfg.samples < 1:
        raise ConfigError(f"samples = {cfg.samples} is not allowed: expected >= 1")
    if cfg.replications < 1:
        raise ConfigError(f"replications = {cfg.replications} is not allowed: expected >= 1")
    if cfg.method not in ("sobol", "lhs"):
        raise ConfigError(f"method = {cfg.method!r} is not allowed: expected sobol or lhs")
    if not 0 < cfg.tolerance <= 1:
        raise ConfigError(f"tolerance = {cfg.tolerance} is not allowed: expected 0 < t <= 1")
    if cfg.chunk < 1 or cfg.workers < 0:
        raise ConfigError("chunk must be >= 1 and workers >= 0")
    ranges = cfg.ranges
    if not ranges:
        raise ConfigError("parameters: at least one parameter to sample")
    unknown = [k for k in cfg.only if k not in ranges]
    if unknown:
        raise ConfigError(f"only: {unknown} not among parameters ({', '.join(ranges)})")
    for key, rng in cfg.sampled.items():
        if not (math.isfinite(rng.low) and math.isfinite(rng.high) and rng.low < rng.high):
            raise ConfigError(f"parameters.{key}: expected low < high, got {rng.low}, {rng.high}")


def evaluate_point(base: SimConfig, values: dict[str, Any], table: PatternTable) -> dict:
    """Run one parameter point's replications and score them against the patterns."""
    from sim.run.replications import run_replications

    runs = run_replications(set_values(base, values), with_delegations=False).runs
    return score(table, runs)


def _evaluate_chunk(base: SimConfig, points: list[dict], patterns: str) -> list[dict]:
    table = load_patterns(patterns)
    return [evaluate_point(base, values, table) for values in points]


def _fingerprint(cfg: CalibrateConfig, base: SimConfig) -> str:
    """A hash of everything that decides the samples' rows (resume refuses a mismatch).

    The base configuration enters without the sampled keys (every point sets them), so
    writing the calibrated point into the configs does not orphan the calibration.
    """
    settings = asdict(cfg) | {"out": None, "workers": None}
    settings["parameters"] = {k: asdict(v) for k, v in cfg.sampled.items()}
    inputs = asdict(base)
    for key in cfg.sampled:
        *path, last = key.split(".")
        node = inputs
        for part in path:
            node = node[part]
        node[last] = None
    payload = {"calibrate": settings, "base": inputs}
    payload["patterns_text"] = Path(cfg.patterns).read_text(encoding="utf-8")
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Calibration:
    """A finished calibration: its folder, the reports, the parameters it sampled."""

    folder: Path
    reports: Reports
    parameters: dict[str, ParameterRange]


def run_calibration(cfg: CalibrateConfig, progress: bool = True) -> Calibration:
    """Sample, run and score every point (resuming finished chunks); write the tables."""
    table = load_patterns(cfg.patterns)
    base = set_values(
        compose_config([*cfg.base, "progress=false"]),
        # the rush cost is not a pattern: skip the unhurried twin runs
        {"seed": cfg.seed, "replications": cfg.replications, "measures.rush_cost": False},
    )
    for key in cfg.sampled:
        set_values(base, {key: _current(base, key)})  # an unknown key fails before any run
    out = Path(cfg.out or f"results/calibration/{datetime.now():%Y-%m-%d_%H-%M-%S}")
    fingerprint = _fingerprint(cfg, base)
    manifest_path = out / MANIFEST
    old = read_json(manifest_path, strict=True) if manifest_path.exists() else None
    if old is not None and old.get("fingerprint") != fingerprint:
        raise ConfigError(
            f"{out} holds a calibration of other inputs (fingerprint {old.get('fingerprint')}"
            f" vs {fingerprint}); choose another out= folder"
        )
    try:  # one calibration writes into a folder at a time; a killed one's lock is taken over
        lock = FolderLock.acquire(out, "calibration", takeover=True)
    except (FolderBusyError, StaleLockError) as err:
        raise ConfigError(f"{out}: {err}") from err
    try:
        return _calibrate(cfg, base, table, out, fingerprint, progress)
    finally:
        lock.release()


def _calibrate(
    cfg: CalibrateConfig,
    base: SimConfig,
    table: PatternTable,
    out: Path,
    fingerprint: str,
    progress: bool,
) -> Calibration:
    """The body of `run_calibration`, inside the folder's lock."""
    manifest_path = out / MANIFEST
    started = utc_now()
    manifest = {
        "status": "running",
        "fingerprint": fingerprint,
        "command": "python -m sim.calibrate " + " ".join(sys.argv[1:]),
        "calibrate": asdict(cfg),
        "started": started,
        **environment_info(),
    }
    write_json(manifest, manifest_path)
    points = design(cfg.sampled, cfg.samples, cfg.method, cfg.seed)
    chunks_dir = out / "chunks"
    chunks_dir.mkdir(exist_ok=True)
    starts = range(0, len(points), cfg.chunk)
    todo = [s for s in starts if not (chunks_dir / f"part-{s:06d}.parquet").exists()]
    t0 = time.perf_counter()
    workers = cfg.workers or os.cpu_count() or 1
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        futures = {}
        for s in todo:
            block = points.iloc[s : s + cfg.chunk]
            records = [{k: plain(v) for k, v in row.items()} for row in block.to_dict("records")]
            # split a chunk over the workers, one future per slice
            slices = np.array_split(np.arange(len(records)), workers)
            futures[s] = [
                pool.submit(_evaluate_chunk, base, [records[i] for i in idx], cfg.patterns)
                for idx in slices
                if len(idx)
            ]
        done_points = len(points) - sum(min(cfg.chunk, len(points) - s) for s in todo)
        skipped = done_points  # finished before this (resumed) call
        for s in todo:
            scores = [row for f in futures[s] for row in f.result()]
            block = points.iloc[s : s + cfg.chunk].reset_index(drop=True)
            frame = pd.concat([block, pd.DataFrame(scores)], axis=1)
            frame.insert(0, "sample", np.arange(s, s + len(block)))
            write_parquet(frame, chunks_dir / f"part-{s:06d}.parquet")
            done_points += len(block)
            if progress:
                elapsed = time.perf_counter() - t0
                left = elapsed / max(done_points - skipped, 1) * (len(points) - done_points)
                sys.stderr.write(
                    f"  points {done_points}/{len(points)}  {elapsed:7.1f}s  ~{left:6.0f}s left  "
                    f"meeting every pattern: {int(frame['accepted'].sum())} in this chunk\n"
                )
    samples = pd.concat(
        [pd.read_parquet(p) for p in sorted(chunks_dir.glob("part-*.parquet"))], ignore_index=True
    )
    reports = summarise(samples, cfg.sampled, table, cfg.tolerance)
    samples = samples.rename(columns={"accepted": "meets_all"})
    samples["distance"] = reports.distance
    samples["accepted"] = reports.distance <= reports.epsilon
    write_parquet(samples, out / "samples.parquet")
    _write_reports(out, reports)
    manifest.update(
        status="completed",
        finished=utc_now(),
        seconds=round(time.perf_counter() - t0, 1),
        accepted=int(samples["accepted"].sum()),
        meets_all=int(samples["meets_all"].sum()),
        epsilon=reports.epsilon,
        points=len(samples),
    )
    write_json(manifest, manifest_path)
    return Calibration(out, reports, cfg.sampled)


def _current(cfg: SimConfig, key: str) -> Any:
    node: Any = cfg
    for part in key.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part, None)
        if node is None:
            raise ConfigError(f"parameters.{key}: no such configuration key")
    return node


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
