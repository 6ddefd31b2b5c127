"""Designs, points and their checks, shared by the studies (sensitivity, robustness, ABC).

The fast path: each design (a list of Hydra overrides, e.g. `process=open_plenary`)
is composed once (~0.2 s), and every parameter point only changes numbers on it
(`sim.config.set_values`: a copy, the values, validation; no Hydra), so a point costs
the model's run time alone. Rows are those `python -m sim` writes for the same
configuration, seed and CRN mode; the studies run with common random numbers
(`crn=true`), so replication r of every point and design shares its draws. The runs
themselves go through the batch runner (`sim.run.batch`), as every study's do.

Every value a study takes is checked here before its folder is touched: the counts
(with upper bounds, so a typo of 10,000,000 points stops at once), the outcome
columns (known and numeric), and every prior range (each corner of each range must be
a valid configuration of every design).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.priors import ParameterRange, plain
from sim.config import ConfigError, SimConfig, compose_config, set_values
from sim.model.kernels import kernels_for
from sim.run.batch import run_point

__all__ = [
    "MAX_JOBS",
    "MAX_REPLICATIONS",
    "check_count",
    "check_number",
    "check_outcomes",
    "check_ranges",
    "compose_designs",
    "evaluate",
    "point_values",
]

MAX_JOBS = 1_000_000  # jobs (points x designs) one study may plan; each is a set of runs
MAX_REPLICATIONS = 100_000


def check_count(key: str, value: Any, low: int, high: int) -> int:
    """A whole number in [low, high], or `ConfigError` naming the key and the range."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{key} = {value!r} is not allowed: expected a whole number in "
                          f"[{low:,}, {high:,}]")  # fmt: skip
    return value


def check_number(key: str, value: Any, low: float, high: float) -> float:
    """A finite number in [low, high], or `ConfigError`."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{key} = {value!r} is not allowed: expected a finite number")
    if not low <= value <= high:
        raise ConfigError(f"{key} = {value!r} is not allowed: expected {low} <= {key} <= {high}")
    return float(value)


def _compose(where: str, overrides: list[str]) -> SimConfig:
    try:
        return compose_config(overrides)
    except ConfigError:
        raise
    except Exception as err:  # Hydra names the override; say where it came from
        from sim.errors import one_line

        raise ConfigError(f"{where}: {one_line(err)}") from err


def compose_designs(
    designs: Mapping[str, list[str]],
    base: list[str],
    seed: int,
    replications: int,
    rush_cost: bool | None = None,
) -> dict[str, SimConfig]:
    """Each design composed once (with the base overrides), with CRN on.

    The rush cost's unhurried twin doubles a run's time, so it is off unless asked
    for: by `rush_cost=True` (a study whose outcomes include it), or by an override
    of ``measures.rush_cost`` in `base` or the design (which is then kept as set).
    """
    for where, overrides in {
        "base": base,
        **{f"designs.{k}": v for k, v in designs.items()},
    }.items():
        if not isinstance(overrides, list | tuple) or not all(
            isinstance(o, str) for o in overrides
        ):
            raise ConfigError(f"{where} = {overrides!r}: expected a list of overrides")
    if base:  # alone first: a design's own override would hide a bad one (process=nope)
        _compose("base", list(base))
    out = {}
    for name, overrides in designs.items():
        cfg = _compose(f"designs.{name}", [*base, *overrides])
        values: dict[str, Any] = {"seed": seed, "replications": replications, "crn": True}
        asked = any(o.lstrip("+~").startswith("measures.rush_cost") for o in [*base, *overrides])
        if not asked:
            values["measures.rush_cost"] = bool(rush_cost)
        out[name] = set_values(cfg, values)
    return out


def point_values(row: Mapping[str, Any], ranges: Mapping[str, ParameterRange]) -> dict[str, Any]:
    """A sampled point as configuration values (whole numbers floored into their range)."""
    values = {}
    for key, rng in ranges.items():
        value = float(plain(row[key]))
        if rng.integer:
            value = int(np.clip(np.floor(value), rng.low, rng.high))
        values[key] = value
    return values


def check_ranges(designs: Mapping[str, SimConfig], ranges: Mapping[str, ParameterRange]) -> None:
    """Each range is low < high, finite, and both ends are valid in every design.

    Why the ends: a range the model cannot take (a share above 1, a key the scenario
    lacks) would otherwise fail at the first point that reaches it, after hours.
    """
    if not ranges:
        raise ConfigError("parameters: at least one parameter to sample")
    for key, rng in ranges.items():
        if not (math.isfinite(rng.low) and math.isfinite(rng.high) and rng.low < rng.high):
            raise ConfigError(f"parameters.{key}: expected finite low < high, got "
                              f"{rng.low}, {rng.high}")  # fmt: skip
        if rng.integer and not (float(rng.low).is_integer() and float(rng.high).is_integer()):
            raise ConfigError(f"parameters.{key}: an integer range needs whole-number ends")
    for name, cfg in designs.items():
        for end in ("low", "high"):
            values = {k: _end(r, end) for k, r in ranges.items()}
            try:
                set_values(cfg, values)
            except ConfigError as err:
                where = f" (design {name})" if len(designs) > 1 else ""
                raise ConfigError(f"parameters: the range's {end} end{where}: {err}") from err


def _end(rng: ParameterRange, end: str) -> Any:
    value = rng.low if end == "low" else rng.high
    return int(value) if rng.integer else float(value)


def check_outcomes(cfg: SimConfig, outcomes: Iterable[str], key: str = "outcomes") -> list[str]:
    """The outcome columns, each a numeric column of this configuration's runs table.

    The shares derived from it (`adopted_by_consensus`, ...: `sim.analysis.designs.DERIVED`)
    count as columns.
    """
    from sim.analysis.designs import DERIVED
    from sim.model.outcomes import columns, describe

    outcomes = list(outcomes)
    if not outcomes or not all(isinstance(o, str) for o in outcomes):
        raise ConfigError(f"{key} = {outcomes!r}: expected a list of outcome column names")
    known = set(columns(tuple(cfg.scenario.issues), tuple(cfg.ratification.report_months)))
    known |= set(DERIVED)
    unknown = [o for o in outcomes if o not in known]
    if unknown:
        raise ConfigError(f"{key}: {', '.join(unknown)} not outcome columns of the runs table "
                          f"(README, 'Reading runs.parquet')")  # fmt: skip
    text = [o for o in outcomes if (found := describe(o)) and found[0].kind == "text"]
    if text:
        raise ConfigError(f"{key}: {', '.join(text)} not numeric (adopted_by_code is "
                          "adopted_by as a number)")  # fmt: skip
    if len(set(outcomes)) != len(outcomes):
        raise ConfigError(f"{key}: {outcomes} names a column twice")
    return outcomes


def evaluate(
    base: SimConfig,
    values: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    labels: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Run one point's replications in process, or many points': the run rows.

    The documented evaluation path for other tools (EMA Workbench, SALib, a notebook):
    compose once with `compose_designs` (or `sim.config.compose_config`), then call
    this with numbers (numpy scalars accepted); see docs/robustness.md. `values` is one
    point (a mapping of dotted keys) or a sequence of points: their rows follow one
    another, with a `point` column (0, 1, ...) first. `labels` become columns. Many
    points at once load the compiled kernels once they repay it (`sim.model.kernels`).
    """
    labels = dict(labels or {})
    if isinstance(values, Mapping):
        return run_point(base, values, labels, kernels_for(base.replications))
    points = list(values)
    kernels = kernels_for(len(points) * base.replications)
    frames = [
        run_point(base, point, {"point": i, **labels}, kernels) for i, point in enumerate(points)
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
