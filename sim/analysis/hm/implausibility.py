"""Implausibility: how far, in standard deviations, a point's summaries lie from the record.

For summary k at point x (Vernon, Goldstein and Bower 2010; Andrianakis et al. 2015):

    I_k(x) = d_k(mu_k(x)) / sqrt(V_k(x) + delta_k^2)

where d_k is the distance of the expected statistic mu_k(x) from the interval the
record allows (0 inside it), V_k(x) the uncertainty of mu_k(x) - the emulator's
variance at a point not run, the replicate sampling variance of the mean at a point
run - and delta_k the stated model-discrepancy standard deviation. A point is ruled out
when any summary's implausibility exceeds the cutoff (3, Pukelsheim's three-sigma
rule for unimodal distributions); the rest is "not ruled out yet" (NROY).

At a run point the expected statistic is itself estimated, so the verdict has a band:
`implausibility_bounds` gives the smallest and largest I_k over the 95% interval of
mu_k(x). A run point is *plausible* when the band's top is within the cutoff, *ruled
out* when its bottom is above it, and *borderline* otherwise - a verdict another draw
of the replications could turn (`verdicts`; `sim.analysis.hm.settle` runs more).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sim.analysis.hm.summaries import Summary

__all__ = [
    "BORDERLINE",
    "CUTOFF",
    "PLAUSIBLE",
    "RULED_OUT",
    "Z95",
    "implausibility",
    "implausibility_bounds",
    "implausibility_table",
    "not_ruled_out",
    "verdicts",
]

CUTOFF = 3.0
Z95 = 1.959964  # the two-sided 95% normal quantile: the band of an estimated statistic
PLAUSIBLE, BORDERLINE, RULED_OUT = "plausible", "borderline", "ruled out"


def implausibility(summary: Summary, mean: np.ndarray, variance: np.ndarray) -> np.ndarray:
    """I_k at points with expected statistic `mean` and its uncertainty `variance`.

    An undefined statistic (NaN) cannot be matched to the record: infinite implausibility.
    """
    mean = np.asarray(mean, dtype=float)
    variance = np.asarray(variance, dtype=float)
    spread = np.sqrt(np.where(np.isfinite(variance), variance, np.inf) + summary.discrepancy**2)
    with np.errstate(invalid="ignore"):
        value = summary.distance(mean) / spread
    return np.where(np.isfinite(mean), np.where(np.isnan(value), 0.0, value), np.inf)


def implausibility_bounds(
    summary: Summary, mean: np.ndarray, variance: np.ndarray, z: float = Z95
) -> tuple[np.ndarray, np.ndarray]:
    """The smallest and largest I_k while mu_k(x) ranges over mean +- z sqrt(variance).

    The distance to an interval is convex, so the largest lies at an end of the range and
    the smallest is the distance left once the range is moved towards the interval.
    """
    mean = np.asarray(mean, dtype=float)
    variance = np.asarray(variance, dtype=float)
    finite = np.isfinite(variance)
    spread = np.sqrt(np.where(finite, variance, np.inf) + summary.discrepancy**2)
    half = z * np.sqrt(np.where(finite, variance, np.inf))
    with np.errstate(invalid="ignore"):
        low = np.maximum(summary.distance(mean) - half, 0.0) / spread
        high = np.maximum(summary.distance(mean - half), summary.distance(mean + half)) / spread
    defined = np.isfinite(mean)
    low = np.where(defined, np.where(np.isnan(low), 0.0, low), np.inf)
    # an unknown spread (one replication) leaves the top of the band open
    high = np.where(defined & finite, np.where(np.isnan(high), 0.0, high), np.inf)
    return low, high


def verdicts(low: np.ndarray, high: np.ndarray, cutoff: float = CUTOFF) -> np.ndarray:
    """Each point's verdict from the band of its largest implausibility."""
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    return np.where(high <= cutoff, PLAUSIBLE, np.where(low > cutoff, RULED_OUT, BORDERLINE))


def implausibility_table(
    summaries: Sequence[Summary],
    means: Mapping[str, np.ndarray],
    variances: Mapping[str, np.ndarray],
) -> dict[str, np.ndarray]:
    """I_k for every summary (by key), at the same points."""
    return {s.key: implausibility(s, means[s.key], variances[s.key]) for s in summaries}


def not_ruled_out(
    table: Mapping[str, np.ndarray], keys: Sequence[str] | None = None, cutoff: float = CUTOFF
) -> np.ndarray:
    """Points whose largest implausibility over `keys` (default: all) is at most `cutoff`."""
    keys = list(table) if keys is None else list(keys)
    if not keys:
        raise ValueError("no summary to judge the points on")
    stacked = np.vstack([np.asarray(table[k], dtype=float) for k in keys])
    return stacked.max(axis=0) <= cutoff
