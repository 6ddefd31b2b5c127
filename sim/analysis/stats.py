"""Interval estimates, pairwise tests and multiple-comparison correction for designs.

Why one module: the figures' error bars and the comparison tables must agree to the
last digit, so both take their means, intervals and tests from here.

- Means get a t-based interval (Student t with n - 1 degrees of freedom); proportions
  (a 0/1 or boolean metric) get a Wilson score interval, which stays inside [0, 1]
  and behaves at p = 0 or 1 and for small n.
- Two designs are compared with Welch's t-test (or Mann-Whitney U) for a continuous
  metric and Fisher's exact test for a proportion; effect sizes are Hedges' g, the
  rank-biserial correlation, and the difference in proportions with Cohen's h.
- Holm's step-down correction (statsmodels' `multipletests`) controls the family-wise
  error rate without assuming independence between the tests.

The intervals and tests are scipy's and statsmodels'; this module only decides which
one a metric gets and what an undefined case (no variance, an empty design) returns.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportion_effectsize,
)

__all__ = [
    "Interval",
    "PairTest",
    "cohens_h",
    "holm",
    "is_proportion",
    "mean_interval",
    "pair_test",
    "summarise",
    "wilson_interval",
]

LEVEL = 0.95


@dataclass(frozen=True, kw_only=True)
class Interval:
    """An estimate with its confidence interval (NaN bounds when undefined)."""

    n: int
    estimate: float
    low: float
    high: float
    sd: float = math.nan
    kind: str = "mean"  # "mean" (t interval) or "proportion" (Wilson)


@dataclass(frozen=True, kw_only=True)
class PairTest:
    """One pairwise test between designs ``a`` and ``b`` on one metric."""

    n_a: int
    n_b: int
    estimate_a: float
    estimate_b: float
    difference: float  # a - b
    test: str
    statistic: float
    p: float
    effect: str
    effect_size: float
    diff_low: float = math.nan  # 95% interval of the difference a - b
    diff_high: float = math.nan


def _clean(values: pd.Series | np.ndarray) -> np.ndarray:
    x = pd.to_numeric(pd.Series(values), errors="coerce").astype(float).to_numpy()
    return x[np.isfinite(x)]


def is_proportion(values: pd.Series | np.ndarray) -> bool:
    """Whether a metric is a proportion: a boolean column (``adopted``, ...).

    A count that happens to hold only 0 and 1 is still a count, so numbers are
    never taken for proportions; pass ``proportion=True`` to override.
    """
    series = pd.Series(values)
    if pd.api.types.is_bool_dtype(series.dtype):
        return True
    if series.dtype == object:
        kept = series.dropna()
        return len(kept) > 0 and all(isinstance(v, bool | np.bool_) for v in kept)
    return False


def mean_interval(values: pd.Series | np.ndarray, level: float = LEVEL) -> Interval:
    """Mean with a t-based confidence interval; NaNs are dropped (n counts the rest)."""
    x = _clean(values)
    n = len(x)
    if n == 0:
        return Interval(n=0, estimate=math.nan, low=math.nan, high=math.nan)
    mean = float(x.mean())
    if n == 1:
        return Interval(n=1, estimate=mean, low=math.nan, high=math.nan)
    sd = float(x.std(ddof=1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return Interval(n=n, estimate=mean, low=mean - half, high=mean + half, sd=sd)


def wilson_interval(successes: int, n: int, level: float = LEVEL) -> Interval:
    """Proportion ``successes / n`` with its Wilson score interval."""
    if n <= 0:
        return Interval(n=0, estimate=math.nan, low=math.nan, high=math.nan, kind="proportion")
    low, high = proportion_confint(successes, n, alpha=1 - level, method="wilson")
    p = successes / n
    return Interval(
        n=n,
        estimate=p,
        low=0.0 if successes == 0 else max(0.0, float(low)),  # exact at the bounds
        high=1.0 if successes == n else min(1.0, float(high)),
        sd=math.sqrt(p * (1 - p)),
        kind="proportion",
    )


def summarise(
    values: pd.Series | np.ndarray, level: float = LEVEL, proportion: bool | None = None
) -> Interval:
    """Wilson interval for a proportion (see :func:`is_proportion`), else a t interval."""
    if is_proportion(values) if proportion is None else proportion:
        x = _clean(values)
        return wilson_interval(int(x.sum()), len(x), level)
    return mean_interval(values, level)


def holm(pvalues: pd.Series | np.ndarray | list[float]) -> np.ndarray:
    """Holm-adjusted p-values, in the input order; NaNs stay NaN and do not count."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    finite = np.isfinite(p)
    if finite.any():
        out[finite] = multipletests(p[finite], method="holm")[1]
    return out


def _hedges_g(a: np.ndarray, b: np.ndarray) -> float:
    na, nb = len(a), len(b)
    if na < 2 or nb < 2:
        return math.nan
    pooled = ((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2)
    diff = a.mean() - b.mean()
    if pooled <= 0:
        return 0.0 if diff == 0 else math.copysign(math.inf, diff)
    correction = 1 - 3 / (4 * (na + nb) - 9)
    return float(diff / math.sqrt(pooled) * correction)


def _welch(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    if len(a) < 2 or len(b) < 2:
        return math.nan, math.nan
    if a.var(ddof=1) == 0 and b.var(ddof=1) == 0:  # t undefined: decide from the means
        same = a.mean() == b.mean()
        return (0.0, 1.0) if same else (math.copysign(math.inf, a.mean() - b.mean()), 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = stats.ttest_ind(a, b, equal_var=False)
    return float(result.statistic), float(result.pvalue)


def _welch_interval(a: np.ndarray, b: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    """The Welch-Satterthwaite t interval of mean(a) - mean(b)."""
    if len(a) < 2 or len(b) < 2:
        return math.nan, math.nan
    if a.var(ddof=1) == 0 and b.var(ddof=1) == 0:  # no spread: the difference is exact
        diff = float(a.mean() - b.mean())
        return diff, diff
    interval = stats.ttest_ind(a, b, equal_var=False).confidence_interval(level)
    return float(interval.low), float(interval.high)


def _newcombe(ka: int, na: int, kb: int, nb: int, level: float = LEVEL) -> tuple[float, float]:
    """Newcombe's hybrid score interval of pa - pb (from the two Wilson intervals)."""
    if not (na and nb):
        return math.nan, math.nan
    low, high = confint_proportions_2indep(
        ka, na, kb, nb, method="newcomb", compare="diff", alpha=1 - level
    )
    return float(low), float(high)


def cohens_h(pa: float, pb: float) -> float:
    """Cohen's h, the difference of arcsine-transformed proportions (NaN if either is)."""
    if math.isnan(pa) or math.isnan(pb):
        return math.nan
    return float(proportion_effectsize(pa, pb))


def _mann_whitney(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    if len(a) == 0 or len(b) == 0:
        return math.nan, math.nan, math.nan
    if np.unique(np.concatenate([a, b])).size == 1:  # all tied: no evidence either way
        return len(a) * len(b) / 2, 1.0, 0.0
    result = stats.mannwhitneyu(a, b, alternative="two-sided", method="auto")
    u = float(result.statistic)
    return u, float(result.pvalue), 2 * u / (len(a) * len(b)) - 1


def pair_test(
    a_values, b_values, *, nonparametric: bool = False, proportion: bool | None = None
) -> PairTest:
    """Test design ``a`` against design ``b`` on one metric (NaNs dropped).

    A proportion gets Fisher's exact test with the difference in proportions and
    Cohen's h; anything else Welch's t-test with Hedges' g, or with
    ``nonparametric=True`` the Mann-Whitney U test with the rank-biserial
    correlation (positive when ``a`` tends to be larger). ``proportion`` overrides
    the choice made from the dtypes (see :func:`is_proportion`).
    """
    if proportion is None:
        proportion = is_proportion(a_values) and is_proportion(b_values)
    a, b = _clean(a_values), _clean(b_values)
    if proportion:
        ka, kb = int(a.sum()), int(b.sum())
        table = [[ka, len(a) - ka], [kb, len(b) - kb]]
        if len(a) and len(b):
            odds, p = stats.fisher_exact(table)
        else:
            odds, p = math.nan, math.nan
        pa = ka / len(a) if len(a) else math.nan
        pb = kb / len(b) if len(b) else math.nan
        h = cohens_h(pa, pb)
        low, high = _newcombe(ka, len(a), kb, len(b))
        return PairTest(
            n_a=len(a),
            n_b=len(b),
            estimate_a=pa,
            estimate_b=pb,
            difference=pa - pb,
            test="Fisher exact",
            statistic=float(odds),
            p=float(p),
            effect="Cohen's h",
            effect_size=float(h),
            diff_low=low,
            diff_high=high,
        )
    mean_a = float(a.mean()) if len(a) else math.nan
    mean_b = float(b.mean()) if len(b) else math.nan
    if nonparametric:
        statistic, p, effect = _mann_whitney(a, b)
        test, effect_name = "Mann-Whitney U", "rank-biserial r"
    else:
        statistic, p = _welch(a, b)
        effect, test, effect_name = _hedges_g(a, b), "Welch t", "Hedges' g"
    interval = _welch_interval(a, b)
    return PairTest(
        n_a=len(a),
        n_b=len(b),
        estimate_a=mean_a,
        estimate_b=mean_b,
        difference=mean_a - mean_b,
        test=test,
        statistic=statistic,
        p=p,
        effect=effect_name,
        effect_size=effect,
        diff_low=interval[0],
        diff_high=interval[1],
    )
