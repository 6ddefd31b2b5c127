"""The record as summaries: each pattern target a statistic, an interval and a discrepancy.

History matching compares the model's expected statistic at a parameter point with what
the record allows. Every target of a pattern table (`sim.analysis.patterns`) becomes
one `Summary`: the statistic the table judges (a share of runs, a mean over runs, or
for a target bounded by another mean the difference of the two), the interval the
target allows, and the model-discrepancy standard deviation stated for its pattern
(`configs/calibrate.yaml`, `discrepancy:`). `statistics` computes, from one point's
runs, each summary's value and the sampling variance of that value over the
replications - the replicate variance the implausibility must not ignore.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.patterns import PatternTable, Target, evaluate
from sim.config import ConfigError

__all__ = ["Summary", "statistics", "summaries_of"]


@dataclass(frozen=True)
class Summary:
    """One target of one negotiation's pattern table, as history matching reads it."""

    key: str  # "<negotiation>:<pattern>.<target>"
    negotiation: str
    pattern: str
    target: Target
    low: float  # the interval the statistic must lie in (-inf / inf: one-sided)
    high: float
    discrepancy: float  # model-discrepancy sd, in the statistic's units

    def distance(self, value: float | np.ndarray) -> float | np.ndarray:
        """How far `value` lies outside the interval (0 inside it)."""
        value = np.asarray(value, dtype=float)
        return np.maximum(np.maximum(self.low - value, value - self.high), 0.0)


def _interval(target: Target) -> tuple[float, float]:
    """The interval of the statistic a target allows (a difference of means: vs 0)."""
    low, high = -math.inf, math.inf
    for kind, bound in target.bounds:
        if kind in ("at_least", "at_least_mean"):
            low = max(low, 0.0 if kind.endswith("mean") else float(bound))
        elif kind in ("at_most", "at_most_mean"):
            high = min(high, 0.0 if kind.endswith("mean") else float(bound))
        elif kind == "above_mean":
            low = max(low, 0.0)
        elif kind == "below_mean":
            high = min(high, 0.0)
    return low, high


def _relative(target: Target) -> tuple[str, tuple[str, ...]] | None:
    """The bound kind and expressions of a target bounded by another mean, if any."""
    relative = [(kind, bound) for kind, bound in target.bounds if kind.endswith("_mean")]
    if not relative:
        return None
    if len(relative) > 1 or len(relative) != len(target.bounds):
        raise ConfigError(
            f"target {target.describe()}: history matching takes one bound by another mean, "
            "or numeric bounds only"
        )
    return relative[0]


def summaries_of(
    table: PatternTable, negotiation: str, discrepancy: Mapping[str, float]
) -> list[Summary]:
    """Every scored target of `table`; `discrepancy` gives each pattern id its sd."""
    out = []
    for pattern in table.scored:
        if pattern.id not in discrepancy:
            raise ConfigError(
                f"discrepancy: no model-discrepancy sd for pattern {pattern.id} of "
                f"{negotiation} (give one per pattern in configs/calibrate.yaml)"
            )
        sd = float(discrepancy[pattern.id])
        if not (math.isfinite(sd) and sd > 0):
            raise ConfigError(f"discrepancy.{pattern.id} = {sd}: expected a number > 0")
        for j, target in enumerate(pattern.targets):
            _relative(target)  # checks the bounds are ones it can read
            low, high = _interval(target)
            key = f"{negotiation}:{pattern.id}.{j}"
            out.append(Summary(key, negotiation, pattern.id, target, low, high, sd))
    return out


def _numbers(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()


def _mean_and_variance(x: np.ndarray) -> tuple[float, float]:
    """Mean of the finite values and the sampling variance of that mean."""
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan
    if n == 1:
        return float(x[0]), math.inf  # one value says nothing of its spread
    return float(x.mean()), float(x.var(ddof=1) / n)


def _statistic(summary: Summary, runs: pd.DataFrame) -> tuple[float, float]:
    target = summary.target
    values = evaluate(runs, target.expression)
    if target.statistic == "share_of_runs":
        hits = values.fillna(False).astype(bool).to_numpy()
        n = len(hits)
        if n == 0:
            return math.nan, math.nan
        share = float(hits.mean())
        smoothed = (hits.sum() + 0.5) / (n + 1.0)  # never a zero variance at 0 or 1
        return share, float(smoothed * (1 - smoothed) / n)
    x = _numbers(values)
    relative = _relative(target)
    if relative is None:
        return _mean_and_variance(x)
    kind, expressions = relative
    others = [_numbers(evaluate(runs, e)) for e in expressions]
    means = [np.nanmean(o) if np.isfinite(o).any() else math.nan for o in others]
    if not np.isfinite(means).any():
        return math.nan, math.nan
    # the binding comparison: the largest other mean for "above"/"at least", else the smallest
    pick = int(
        np.nanargmax(means) if kind in ("above_mean", "at_least_mean") else np.nanargmin(means)
    )
    return _mean_and_variance(x - others[pick])


def statistics(summaries: Sequence[Summary], runs_by_negotiation: Mapping[str, pd.DataFrame]):
    """Each summary's value and sampling variance from one point's runs (two dicts by key)."""
    values, variances = {}, {}
    for summary in summaries:
        runs = runs_by_negotiation[summary.negotiation]
        values[summary.key], variances[summary.key] = _statistic(summary, runs)
    return values, variances
