"""Observed patterns of a negotiation as data, and how a set of runs is scored against them.

A pattern table (YAML, e.g. `configs/patterns/ahc_cybercrime.yaml`) lists each
pattern with its source and one or more targets, fixed before anyone looks at the
model. A target is judged on the replications of one parameter point:

- `share_of_runs: <condition>` with `at_least` / `at_most`: the share of runs for which
  a condition on the run's columns holds (`adopted & (extensions_used == 1)`);
- `mean: <expression>` with `at_least` / `at_most` (numbers), or `above_mean` /
  `below_mean` / `at_most_mean` / `at_least_mean` (another expression, or a list of
  them, whose mean over runs the first is compared with).

Expressions are pandas `DataFrame.eval` expressions over the runs table's columns, so
a researcher can write a table for their own negotiation without code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.config import ConfigError

__all__ = ["Pattern", "PatternTable", "Target", "distance", "evaluate", "load_patterns", "score"]

_BOUNDS = ("at_least", "at_most")
_MEAN_BOUNDS = ("above_mean", "below_mean", "at_least_mean", "at_most_mean")


@dataclass(frozen=True)
class Target:
    """One checkable target of a pattern."""

    statistic: str  # "share_of_runs" or "mean"
    expression: str
    bounds: tuple[tuple[str, object], ...]  # (kind, number or expression / list of them)

    def describe(self) -> str:
        parts = [f"{kind} {value}" for kind, value in self.bounds]
        return f"{self.statistic}({self.expression}) " + " and ".join(parts)


@dataclass(frozen=True)
class Pattern:
    """An observed (or interpreted) pattern, its source, and its targets."""

    id: str
    pattern: str
    source: str
    kind: str  # observed | interpretation | rule
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class PatternTable:
    """The patterns of one negotiation."""

    name: str
    patterns: tuple[Pattern, ...]

    @property
    def scored(self) -> tuple[Pattern, ...]:
        """The patterns with targets (a rule of the treaty is listed, not scored)."""
        return tuple(p for p in self.patterns if p.targets)


def load_patterns(path: Path | str) -> PatternTable:
    """Read and check a pattern table; errors name the file, the pattern and the key."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"patterns: file {str(path)!r} does not exist")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not a readable YAML file ({err})") from err
    if not isinstance(raw, dict) or not isinstance(raw.get("patterns"), list):
        raise ConfigError(f"{path}: expected a mapping with a 'patterns' list")
    patterns = []
    for i, item in enumerate(raw["patterns"]):
        where = f"{path}: patterns[{i}]"
        if not isinstance(item, dict) or "id" not in item:
            raise ConfigError(f"{where}: expected a mapping with an 'id'")
        where = f"{path}: pattern {item['id']}"
        for key in ("pattern", "source"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise ConfigError(f"{where}: '{key}' must be a non-empty text")
        kind = item.get("kind", "observed")
        if kind not in ("observed", "interpretation", "rule"):
            raise ConfigError(f"{where}: kind {kind!r} is not observed, interpretation or rule")
        targets = tuple(
            _target(t, f"{where}, target {j}") for j, t in enumerate(item.get("targets") or [])
        )
        if kind != "rule" and not targets:
            raise ConfigError(f"{where}: at least one target is needed (or kind: rule)")
        patterns.append(Pattern(str(item["id"]), item["pattern"], item["source"], kind, targets))
    ids = [p.id for p in patterns]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{path}: pattern ids must be unique ({ids})")
    return PatternTable(str(raw.get("name", path.stem)), tuple(patterns))


def _target(raw: object, where: str) -> Target:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping")
    statistics = [k for k in ("share_of_runs", "mean") if k in raw]
    if len(statistics) != 1:
        raise ConfigError(f"{where}: give exactly one of 'share_of_runs' or 'mean'")
    statistic = statistics[0]
    bounds = []
    for key, value in raw.items():
        if key == statistic:
            continue
        if key in _BOUNDS:
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ConfigError(f"{where}: {key} must be a number, not {value!r}")
        elif key in _MEAN_BOUNDS and statistic == "mean":
            values = value if isinstance(value, list) else [value]
            if not values or not all(isinstance(v, str) for v in values):
                raise ConfigError(f"{where}: {key} must be an expression or a list of them")
            value = tuple(values)
        else:
            allowed = _BOUNDS + (_MEAN_BOUNDS if statistic == "mean" else ())
            raise ConfigError(f"{where}: unknown key {key!r}; allowed: {', '.join(allowed)}")
        bounds.append((key, value))
    if not bounds:
        raise ConfigError(f"{where}: no bound (one of {', '.join(_BOUNDS + _MEAN_BOUNDS)})")
    return Target(statistic, str(raw[statistic]), tuple(bounds))


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def evaluate(runs: pd.DataFrame, expression: str) -> pd.Series:
    # Only the columns the expression names: pandas resolves every column of the frame
    # on each eval, which on a runs table of ~160 columns costs more than the sum itself.
    named = [c for c in dict.fromkeys(_NAME.findall(expression)) if c in runs.columns]
    try:
        values = runs[named].eval(expression, engine="python")
    except Exception as err:  # pandas raises many kinds; name the expression
        raise ConfigError(f"pattern expression {expression!r} cannot be evaluated: {err}") from err
    if np.isscalar(values):
        values = pd.Series(values, index=runs.index)
    return values


def _target_value(target: Target, runs: pd.DataFrame) -> float:
    values = evaluate(runs, target.expression)
    if target.statistic == "share_of_runs":
        return float(values.fillna(False).astype(bool).mean()) if len(values) else np.nan
    return _mean(values)


def _mean(values: pd.Series) -> float:
    """Mean of the numeric values, NaN when none (nullable columns' NA included)."""
    return float(pd.to_numeric(values, errors="coerce").astype("float64").mean())


def _judge(target: Target, value: float, runs: pd.DataFrame) -> tuple[bool, float]:
    """Whether the target is met, and by how much it is missed (0 when met; NaN: no value).

    The shortfall is in the statistic's own units: how far the value would have to
    move to meet every bound of the target.
    """
    if not np.isfinite(value):
        return False, np.nan
    met, shortfall = True, 0.0
    for kind, bound in target.bounds:
        if kind == "at_least":
            ok, miss = value >= bound, bound - value
        elif kind == "at_most":
            ok, miss = value <= bound, value - bound
        else:
            ok, miss = True, 0.0
            for expression in bound:
                other = _mean(evaluate(runs, expression))
                if not np.isfinite(other):
                    return False, np.nan
                this_ok, this_miss = {
                    "above_mean": (value > other, other - value),
                    "below_mean": (value < other, value - other),
                    "at_least_mean": (value >= other, other - value),
                    "at_most_mean": (value <= other, value - other),
                }[kind]
                ok &= this_ok
                miss = max(miss, this_miss)
        met &= bool(ok)
        shortfall = max(shortfall, max(float(miss), 0.0))
    return met, shortfall


def score(table: PatternTable, runs: pd.DataFrame) -> dict[str, object]:
    """Judge one parameter point's runs: each target's value, each pattern met, all met.

    Returns a flat dict: `<id>` (bool, every target of the pattern met), `<id>.<j>`
    (the j-th target's statistic), `<id>.<j>.shortfall` (how far it misses its
    bounds, 0 when met, NaN when the statistic is undefined) and `accepted` (every
    scored pattern met).
    """
    out: dict[str, object] = {}
    for pattern in table.scored:
        met = True
        for j, target in enumerate(pattern.targets):
            value = _target_value(target, runs)
            ok, shortfall = _judge(target, value, runs)
            out[f"{pattern.id}.{j}"] = value
            out[f"{pattern.id}.{j}.shortfall"] = shortfall
            met &= ok
        out[pattern.id] = bool(met)
    out["accepted"] = all(out[p.id] for p in table.scored)
    return out


def distance(samples: pd.DataFrame, table: PatternTable) -> pd.Series:
    """How far each point is from meeting every pattern: 0 exactly when it meets them all.

    The Euclidean norm of the targets' shortfalls, each scaled by the spread of its
    statistic over all the points (median absolute deviation, as is usual for ABC
    summaries: Prangle 2017), so a share of runs and a count of days weigh alike. An
    undefined statistic counts as the largest shortfall of that target (and at least one
    spread).
    """
    total = pd.Series(0.0, index=samples.index)
    for pattern in table.scored:
        for j in range(len(pattern.targets)):
            value = samples[f"{pattern.id}.{j}"].astype(float)
            miss = samples[f"{pattern.id}.{j}.shortfall"].astype(float)
            spread = float((value - value.median()).abs().median())
            if not spread > 0:
                spread = float(value.std()) if value.std() > 0 else 1.0
            scaled = miss / spread
            worst = float(scaled.max()) if scaled.notna().any() else 1.0
            # an undefined statistic is never "met": at least one spread away
            total += scaled.fillna(max(worst, 1.0) if np.isfinite(worst) else 1.0) ** 2
    return np.sqrt(total)
