"""Rejection ABC on a sample of parameter points: the design, the accepted set, its ranges.

Pure functions over tables: `design` draws the points, `summarise` judges the scored
points against the pattern table (`sim.analysis.patterns.distance`) and returns the
acceptance, the accepted set's ranges and the point a default should take.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.patterns import PatternTable, distance

__all__ = ["ParameterRange", "Reports", "design", "plain", "summarise"]


@dataclass
class ParameterRange:
    """A prior range: uniform on [low, high]; `integer` samples whole numbers."""

    low: float = 0.0
    high: float = 1.0
    integer: bool = False


def design(parameters: dict[str, ParameterRange], n: int, method: str, seed: int) -> pd.DataFrame:
    """`n` points over the prior ranges (one column per parameter)."""
    from scipy.stats import qmc

    d = len(parameters)
    if method == "sobol":
        unit = qmc.Sobol(d, scramble=True, seed=seed).random(n)
    else:
        unit = qmc.LatinHypercube(d, seed=seed).random(n)
    columns = {}
    for j, (key, rng) in enumerate(parameters.items()):
        if rng.integer:
            whole = np.floor(rng.low + unit[:, j] * (rng.high - rng.low + 1))
            columns[key] = np.clip(whole, rng.low, rng.high).astype(np.int64)
        else:
            columns[key] = rng.low + unit[:, j] * (rng.high - rng.low)
    return pd.DataFrame(columns)


def plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


@dataclass(frozen=True)
class Reports:
    """The tables a calibration reports."""

    acceptance: pd.DataFrame
    co_satisfaction: pd.DataFrame
    posterior: pd.DataFrame
    default_point: dict[str, Any]
    default_basis: str  # which set the default point was taken from
    unreachable: tuple[str, ...] = ()  # patterns no sampled point meets
    distance: np.ndarray | None = None  # each point's distance from meeting every pattern
    epsilon: float = 0.0  # the ABC tolerance on that distance


def summarise(
    samples: pd.DataFrame,
    parameters: dict[str, ParameterRange],
    table: PatternTable,
    tolerance: float = 0.01,
) -> Reports:
    """Acceptance per pattern, the accepted set and its ranges, and the default's point.

    Rejection ABC with a distance: a point's distance is 0 exactly when it meets every
    pattern (`sim.analysis.patterns.distance`). The accepted set is every point at distance 0
    if they make up at least `tolerance` of the sample; otherwise the `tolerance`
    share of points nearest to meeting them all (the ABC tolerance epsilon is then
    that quantile of the distance). Patterns met by no point are named: no parameter
    in the prior makes them.
    """
    ids = [p.id for p in table.scored]
    met = samples[ids].astype(bool)
    exact = met.all(axis=1)
    dist = distance(samples, table)
    epsilon = 0.0 if exact.mean() >= tolerance else float(dist.quantile(tolerance))
    accepted = dist <= epsilon
    unreachable = tuple(i for i in ids if not met[i].any())
    acceptance = pd.DataFrame(
        {
            "pattern": [*ids, "all"],
            "description": [p.pattern for p in table.scored] + ["every pattern above"],
            "share_of_points": [*met.mean().tolist(), float(exact.mean())],
            "points": [*met.sum().astype(int).tolist(), int(exact.sum())],
            "share_of_accepted": [*met[accepted].mean().tolist(), float(exact[accepted].mean())],
        }
    )
    co = pd.DataFrame(
        {a: {b: float((met[a] & met[b]).mean()) for b in ids} for a in ids}, index=ids
    )
    pool = samples[accepted]
    if epsilon == 0:
        basis = f"the {len(pool)} points meeting every pattern"
    else:
        basis = (
            f"the {len(pool)} points nearest to meeting every pattern (ABC tolerance: the best "
            f"{tolerance:.0%} by distance, epsilon = {epsilon:.3g}; {int(exact.sum())} points "
            "meet them all)"
        )
    if unreachable:
        basis += f"; no point meets {', '.join(unreachable)}"
    rows = []
    for key, rng in parameters.items():
        values = pool[key].astype(float)
        rows.append(
            {
                "parameter": key,
                "prior_low": rng.low,
                "prior_high": rng.high,
                "min": values.min(),
                "q05": values.quantile(0.05),
                "median": values.median(),
                "q95": values.quantile(0.95),
                "max": values.max(),
            }
        )
    posterior = pd.DataFrame(rows)
    unit = pd.DataFrame(
        {k: (pool[k].astype(float) - r.low) / (r.high - r.low) for k, r in parameters.items()}
    )
    nearest = ((unit - unit.median()) ** 2).sum(axis=1).idxmin()
    point = {k: plain(pool.loc[nearest, k]) for k in parameters}
    point["sample"] = int(pool.loc[nearest, "sample"])
    return Reports(acceptance, co, posterior, point, basis, unreachable, dist.to_numpy(), epsilon)
