"""A pattern's verdict with an interval: each target's per-run margin inside its bounds.

For a target of a pattern table (`configs/patterns/*.yaml`), a run's *margin* is how far
it lies inside the target's bound (negative: outside): for a share-of-runs target, the
run's indicator minus the share required (or the share allowed minus it); for a mean
target, the run's value minus its lower bound, or its upper bound minus the value, or
the value minus the other expression's value in the same run. The mean margin is the
table's own verdict (positive where the table says met), and its 95% t interval says
whether the verdict can flip with the draw: a pattern is *met* when every target's
interval lies above zero, *missed* when some target's lies below. Shared by
tests/validation/test_other_negotiations.py and scripts/negotiations_pilot.py.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.claims import required_runs
from sim.analysis.patterns import Pattern, Target, evaluate

__all__ = ["margins", "pattern_verdict", "runs_for", "target_interval"]


def margins(target: Target, runs: pd.DataFrame) -> list[pd.Series]:
    """Per-run margins, one series per bound of the target (NaN where a run has no value)."""
    raw = evaluate(runs, target.expression)
    if target.statistic == "share_of_runs":
        value = raw.fillna(False).astype(bool).astype(float)
    else:
        value = pd.to_numeric(raw, errors="coerce").astype(float)
    out = []
    for kind, bound in target.bounds:
        if kind == "at_least":
            out.append(value - bound)
        elif kind == "at_most":
            out.append(bound - value)
        else:
            for expression in bound:
                other = pd.to_numeric(evaluate(runs, expression), errors="coerce").astype(float)
                sign = 1.0 if kind in ("above_mean", "at_least_mean") else -1.0
                out.append(sign * (value - other))
    return out


def target_interval(series: pd.Series) -> dict[str, float]:
    """Mean margin, its 95% t interval, sd and n over the runs that define it."""
    d = series.dropna()
    n = len(d)
    mean = float(d.mean()) if n else math.nan
    sd = float(d.std(ddof=1)) if n > 1 else math.nan
    half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n) if n > 1 else math.nan
    return {"n": n, "mean": mean, "low": mean - half, "high": mean + half, "sd": sd}


def runs_for(interval: dict[str, float]) -> int | None:
    """Runs to find the margin's interval end nearest zero, on its side (None: not clear)."""
    low, high, sd = interval["low"], interval["high"], interval["sd"]
    near = low if low > 0 else -high if high < 0 else math.nan
    if not np.isfinite(near) or near <= 0:
        return None
    return required_runs(sd, near, power=0.999)


def pattern_verdict(pattern: Pattern, runs: pd.DataFrame) -> tuple[str, list[dict[str, float]]]:
    """'met', 'missed', 'undecided' or 'undefined', with every bound's interval."""
    intervals = [target_interval(m) for t in pattern.targets for m in margins(t, runs)]
    if any(i["n"] < 2 for i in intervals):
        return "undefined", intervals
    if any(i["high"] < 0 for i in intervals):
        return "missed", intervals
    if all(i["low"] > 0 for i in intervals):
        return "met", intervals
    return "undecided", intervals
