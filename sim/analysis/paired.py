"""Paired tests and intervals for designs run with common random numbers (CRN).

Why: under CRN (`sim.run.seeds`) replication r of design A and of design B face the
same delegations and the same chance events, so the pair's difference carries only
the designs' effect and the noise the designs themselves add. Testing and
estimating on the differences (instead of on two independent samples) uses that:

- a continuous metric gets the paired t-test (`scipy.stats.ttest_rel`) with a t
  interval for the mean difference and Cohen's d_z (mean difference / s.d. of the
  differences); with ``nonparametric`` the Wilcoxon signed-rank test
  (`scipy.stats.wilcoxon`) with the matched-pairs rank-biserial correlation;
- a proportion gets McNemar's exact test (statsmodels' `mcnemar`, a binomial test on
  the discordant pairs), the difference in proportions with its paired Wald interval
  and Cohen's h.

`pair_rows` finds the pairs: rows of two designs that share the base seed, the
replication and every other varying configuration column (and so, under CRN, the
run seed). `variance_reduction` measures what the pairing buys.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar

from sim.analysis.stats import LEVEL, PairTest, cohens_h, pair_test

__all__ = ["VarianceReduction", "pair_rows", "paired_test", "variance_reduction"]


def pair_rows(
    a: pd.DataFrame, b: pd.DataFrame, keys: Sequence[str]
) -> tuple[np.ndarray, np.ndarray] | None:
    """Row positions of `a` and `b` that pair one to one on `keys`, or None if they do not.

    Pairs must be complete: every row of `a` has exactly one partner in `b` and back.
    """
    keys = list(keys)
    if len(a) != len(b) or a.duplicated(keys).any() or b.duplicated(keys).any():
        return None
    left = a[keys].reset_index(drop=True).assign(_ia=np.arange(len(a)))
    right = b[keys].reset_index(drop=True).assign(_ib=np.arange(len(b)))
    merged = left.astype({k: str for k in keys}).merge(
        right.astype({k: str for k in keys}), on=keys, how="inner"
    )
    if len(merged) != len(a):
        return None
    return merged["_ia"].to_numpy(), merged["_ib"].to_numpy()


def _both_finite(a, b) -> tuple[np.ndarray, np.ndarray]:
    x = pd.to_numeric(pd.Series(a), errors="coerce").astype(float).to_numpy()
    y = pd.to_numeric(pd.Series(b), errors="coerce").astype(float).to_numpy()
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]


def _mean_difference_interval(d: np.ndarray, level: float) -> tuple[float, float]:
    if len(d) < 2:
        return math.nan, math.nan
    if float(d.std(ddof=1)) == 0:  # every pair differs by the same amount: exact
        return float(d.mean()), float(d.mean())
    interval = stats.ttest_1samp(d, 0.0).confidence_interval(level)
    return float(interval.low), float(interval.high)


def _paired_t(d: np.ndarray) -> tuple[float, float, float]:
    """The t statistic, p-value and Cohen's d_z of the differences."""
    if len(d) < 2:
        return math.nan, math.nan, math.nan
    sd = float(d.std(ddof=1))
    if sd == 0:  # every pair differs by the same amount: decide from it
        mean = float(d.mean())
        if mean == 0:
            return 0.0, 1.0, 0.0
        return math.copysign(math.inf, mean), 0.0, math.copysign(math.inf, mean)  # d_z too
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = stats.ttest_1samp(d, 0.0)
    return float(result.statistic), float(result.pvalue), float(d.mean()) / sd


def _wilcoxon(d: np.ndarray) -> tuple[float, float, float]:
    """Signed-rank statistic, p-value and matched-pairs rank-biserial r (zeros dropped)."""
    nonzero = d[d != 0]
    if len(nonzero) == 0:
        return 0.0, 1.0, 0.0
    result = stats.wilcoxon(nonzero, zero_method="wilcox", alternative="two-sided")
    ranks = stats.rankdata(np.abs(nonzero))
    total = ranks.sum()
    r = float((ranks[nonzero > 0].sum() - ranks[nonzero < 0].sum()) / total)
    return float(result.statistic), float(result.pvalue), r


def _mcnemar(x: np.ndarray, y: np.ndarray, level: float) -> dict[str, float]:
    n = len(x)
    only_a = int(((x == 1) & (y == 0)).sum())
    only_b = int(((x == 0) & (y == 1)).sum())
    discordant = only_a + only_b
    table = [[0, only_a], [only_b, 0]]  # the concordant cells do not enter the test
    p = 1.0 if discordant == 0 else float(mcnemar(table, exact=True).pvalue)
    pa, pb = (float(x.mean()), float(y.mean())) if n else (math.nan, math.nan)
    diff = pa - pb
    if n:
        z = float(stats.norm.ppf(0.5 + level / 2))
        se = math.sqrt(max(discordant - (only_a - only_b) ** 2 / n, 0.0)) / n
        low, high = max(diff - z * se, -1.0), min(diff + z * se, 1.0)
    else:
        low = high = math.nan
    return {
        "pa": pa,
        "pb": pb,
        "p": p,
        "stat": float(only_a),
        "h": cohens_h(pa, pb),
        "low": low,
        "high": high,
    }


def paired_test(
    a_values,
    b_values,
    *,
    nonparametric: bool = False,
    proportion: bool = False,
    level: float = LEVEL,
) -> PairTest:
    """Test design ``a`` against ``b`` on pairs (element i of each is one pair).

    A pair with a missing value on either side is dropped; ``n_a`` = ``n_b`` = pairs.
    """
    x, y = _both_finite(a_values, b_values)
    n = len(x)
    if proportion:
        m = _mcnemar(x, y, level)
        return PairTest(
            n_a=n,
            n_b=n,
            estimate_a=m["pa"],
            estimate_b=m["pb"],
            difference=m["pa"] - m["pb"],
            test="McNemar exact (paired)",
            statistic=m["stat"],
            p=m["p"],
            effect="Cohen's h",
            effect_size=m["h"],
            diff_low=m["low"],
            diff_high=m["high"],
        )
    d = x - y
    low, high = _mean_difference_interval(d, level)
    if nonparametric:
        statistic, p, effect = _wilcoxon(d)
        test, effect_name = "Wilcoxon signed-rank (paired)", "rank-biserial r"
    else:
        statistic, p, effect = _paired_t(d)
        test, effect_name = "paired t", "Cohen's d_z"
    return PairTest(
        n_a=n,
        n_b=n,
        estimate_a=float(x.mean()) if n else math.nan,
        estimate_b=float(y.mean()) if n else math.nan,
        difference=float(d.mean()) if n else math.nan,
        test=test,
        statistic=statistic,
        p=p,
        effect=effect_name,
        effect_size=effect,
        diff_low=low,
        diff_high=high,
    )


@dataclass(frozen=True)
class VarianceReduction:
    """What common random numbers buy on one difference of designs (a - b).

    ``factor``: replications an independent-sample comparison needs for the interval
    width a paired one reaches, per paired replication (var(a) + var(b), from
    independent runs, over var(a - b), from CRN pairs); ``width_reduction``: 1 minus
    the ratio of the paired interval's width to the unpaired one's at the same n.
    """

    n: int
    sd_difference_paired: float
    sd_difference_unpaired: float
    ci_width_paired: float
    ci_width_unpaired: float
    factor: float
    width_reduction: float


def variance_reduction(a_crn, b_crn, a_independent, b_independent) -> VarianceReduction:
    """Compare the paired difference of CRN runs with the difference of independent runs.

    `a_crn[i]` and `b_crn[i]` are replication i of each design with CRN; the other two
    are the same designs run without it (independent seeds).
    """
    paired = paired_test(a_crn, b_crn)
    unpaired = pair_test(a_independent, b_independent)
    x, y = _both_finite(a_crn, b_crn)
    sd_paired = float((x - y).std(ddof=1))
    u, v = (
        pd.to_numeric(pd.Series(s), errors="coerce").dropna()
        for s in (a_independent, b_independent)
    )
    sd_unpaired = math.sqrt(float(u.var(ddof=1)) + float(v.var(ddof=1)))
    width_p = paired.diff_high - paired.diff_low
    width_u = unpaired.diff_high - unpaired.diff_low
    return VarianceReduction(
        n=len(x),
        sd_difference_paired=sd_paired,
        sd_difference_unpaired=sd_unpaired,
        ci_width_paired=width_p,
        ci_width_unpaired=width_u,
        factor=sd_unpaired**2 / sd_paired**2 if sd_paired > 0 else math.inf,
        width_reduction=1.0 - width_p / width_u if width_u > 0 else math.nan,
    )
