"""Paired comparisons (common random numbers) against hand computations, and numpy scalars."""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.compare import compare
from sim.analysis.paired import pair_rows, paired_test, variance_reduction
from sim.analysis.stats import pair_test
from sim.config import ConfigError, SimConfig, compose_config, validate
from sim.run.seeds import configuration_hash
from tests.by_hand import NAN, T95_1, T95_2, T95_3, Z95, assert_fields, assert_undefined


def test_paired_t_and_interval_by_hand() -> None:
    a = np.array([1.0, 2.0, 3.0, 4.0])
    b = np.array([0.5, 1.9, 2.6, 3.0])
    d = a - b  # 0.5, 0.1, 0.4, 1.0: mean 0.5
    sd = math.sqrt(((d - 0.5) ** 2).sum() / 3)  # 0.3741657...
    t = 0.5 / (sd / 2)
    half = stats.t.ppf(0.975, 3) * sd / 2
    test = paired_test(a, b)
    assert test.test == "paired t" and test.n_a == test.n_b == 4
    assert test.difference == pytest.approx(0.5)
    assert test.statistic == pytest.approx(t)
    assert test.p == pytest.approx(stats.ttest_rel(a, b).pvalue)
    assert (test.diff_low, test.diff_high) == pytest.approx((0.5 - half, 0.5 + half))
    assert test.effect_size == pytest.approx(0.5 / sd)  # Cohen's d_z


def test_paired_and_unpaired_agree_on_the_difference_and_disagree_on_its_noise() -> None:
    """Two designs share a large common component per replication (what CRN gives)."""
    common = np.array([0.0, 10.0, -5.0, 3.0, 8.0, -2.0])
    a = common + np.array([1.0, 1.2, 0.9, 1.1, 1.0, 0.8])
    b = common
    paired, unpaired = paired_test(a, b), pair_test(a, b)
    assert paired.difference == pytest.approx(unpaired.difference) == pytest.approx(1.0)
    assert paired.p < 1e-4 < 0.5 < unpaired.p  # the common part hides the effect unpaired
    assert paired.diff_high - paired.diff_low < (unpaired.diff_high - unpaired.diff_low) / 10
    # Welch's interval by hand
    va, vb = a.var(ddof=1) / 6, b.var(ddof=1) / 6
    df = (va + vb) ** 2 / (va**2 / 5 + vb**2 / 5)
    half = stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    assert (unpaired.diff_low, unpaired.diff_high) == pytest.approx((1 - half, 1 + half))


def test_wilcoxon_and_mcnemar_by_hand() -> None:
    a = np.array([3.1, 2.0, 5.5, 4.0, 1.0, 6.2, 2.2])
    b = np.array([2.0, 2.5, 4.0, 4.0, 0.1, 5.0, 1.0])
    test = paired_test(a, b, nonparametric=True)
    d = (a - b)[a != b]
    assert test.p == pytest.approx(stats.wilcoxon(d).pvalue)
    ranks = stats.rankdata(np.abs(d))
    assert test.effect_size == pytest.approx(
        (ranks[d > 0].sum() - ranks[d < 0].sum()) / ranks.sum()
    )
    x = np.array([1, 1, 1, 0, 0, 1, 1, 1], dtype=bool)
    y = np.array([0, 0, 1, 0, 1, 1, 0, 1], dtype=bool)  # discordant: 3 for a, 1 for b
    m = paired_test(x, y, proportion=True)
    assert m.test.startswith("McNemar")
    assert m.p == pytest.approx(stats.binomtest(3, 4, 0.5).pvalue)  # 0.625
    assert m.difference == pytest.approx(2 / 8)
    se = math.sqrt(4 - (3 - 1) ** 2 / 8) / 8
    z = stats.norm.ppf(0.975)
    assert (m.diff_low, m.diff_high) == pytest.approx((0.25 - z * se, 0.25 + z * se))
    assert paired_test(a, a).p == 1.0 and paired_test(a, a, nonparametric=True).p == 1.0


# Mutation testing of sim/analysis/paired.py (docs/testing.md): every field, the edge
# cases and variance_reduction, against hand computations.


DIFFERENCES_1_3 = dict(  # two pairs differing by 1 and 3: all but the two sides' means
    n_a=2,
    n_b=2,
    difference=2.0,
    test="paired t",
    statistic=2.0,  # mean 2, sd sqrt(2): t = 2 / (sqrt(2) / sqrt(2)) on 1 df
    p=2 * stats.t.sf(2.0, 1),
    effect="Cohen's d_z",
    effect_size=2 / math.sqrt(2),
    diff_low=2.0 - T95_1,  # half-width t * sqrt(2) / sqrt(2)
    diff_high=2.0 + T95_1,
)


def test_paired_t_on_two_pairs_and_on_differences_of_sd_one() -> None:
    # d = 1, 3: mean 2, sd sqrt(2), t = 2 / (sqrt(2) / sqrt(2)) = 2 on 1 df
    assert_fields(
        paired_test([2.0, 5.0], [1.0, 2.0]), estimate_a=3.5, estimate_b=1.5, **DIFFERENCES_1_3
    )
    one = paired_test([1.0, 2.0, 4.0], [1.0, 1.0, 2.0])  # d = 0, 1, 2: sd exactly 1
    assert (one.diff_low, one.diff_high) == pytest.approx(
        (1 - T95_2 / math.sqrt(3), 1 + T95_2 / math.sqrt(3))
    )
    assert one.effect_size == pytest.approx(1.0)


def test_paired_t_when_every_pair_differs_alike() -> None:
    same = paired_test([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert (same.statistic, same.p, same.effect_size, same.diff_low, same.diff_high) == (
        0,
        1,
        0,
        0,
        0,
    )
    up = paired_test([2.0, 3.0, 4.0], [1.0, 2.0, 3.0])
    assert (up.statistic, up.p, up.effect_size, up.diff_low, up.diff_high) == (
        math.inf,
        0,
        math.inf,
        1,
        1,
    )
    down = paired_test([1.0, 2.0, 3.0], [2.0, 3.0, 4.0])  # d_z took +inf here once
    assert (down.statistic, down.p, down.effect_size, down.diff_low, down.diff_high) == (
        -math.inf,
        0,
        -math.inf,
        -1,
        -1,
    )
    # differences equal but for rounding: scipy's precision warning stays inside _paired_t
    # (the interval, _mean_difference_interval, lets it through)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        near = paired_test([1.0, 2.0, 3.0], [0.0, 1.0 - 1e-15, 2.0])
    assert near.statistic > 1e14


def test_pairs_with_a_missing_side_are_dropped() -> None:
    a = pd.Series([1.0, "n/a", 3.0, 4.0, np.nan])
    b = pd.Series([0.0, 2.0, "n/a", 1.0, 5.0])
    # pairs (1, 0) and (4, 1): d = 1, 3
    assert_fields(paired_test(a, b), estimate_a=2.5, estimate_b=0.5, **DIFFERENCES_1_3)
    assert_undefined(
        paired_test([], []),
        n_a=0,
        n_b=0,
        estimate_a=NAN,
        estimate_b=NAN,
        test="paired t",
        effect="Cohen's d_z",
    )


def test_wilcoxon_fields_and_all_zero_differences() -> None:
    # d = 1, -2, 3 (a zero dropped): ranks 1, 2, 3; W = min(1 + 3, 2) = 2; r = (4 - 2) / 6;
    # exact p: of the 8 sign patterns, 3 give a rank sum <= 2 (0, 1, 2): p = 2 * 3 / 8
    a, b = [2.0, 0.0, 4.0, 5.0], [1.0, 2.0, 1.0, 5.0]
    t_half = T95_3 * np.std([1.0, -2.0, 3.0, 0.0], ddof=1) / 2
    assert_fields(
        paired_test(a, b, nonparametric=True),
        n_a=4,
        n_b=4,
        estimate_a=2.75,
        estimate_b=2.25,
        difference=0.5,
        test="Wilcoxon signed-rank (paired)",
        statistic=2.0,
        p=0.75,
        effect="rank-biserial r",
        effect_size=1 / 3,
        diff_low=0.5 - t_half,
        diff_high=0.5 + t_half,
    )
    none = paired_test([1.0, 2.0], [1.0, 2.0], nonparametric=True)
    assert (none.statistic, none.p, none.effect_size) == (0.0, 1.0, 0.0)


def test_mcnemar_fields_and_clamped_interval() -> None:
    # pairs (a, b): (1,0) x3, (1,1) x1, (0,1) x2, (0,0) x1 -> only a 3, only b 2, n 7
    x = np.array([1, 1, 1, 1, 0, 0, 0], dtype=bool)
    y = np.array([0, 0, 0, 1, 1, 1, 0], dtype=bool)
    se = math.sqrt(5 - (3 - 2) ** 2 / 7) / 7
    assert_fields(
        paired_test(x, y, proportion=True),
        n_a=7,
        n_b=7,
        estimate_a=4 / 7,
        estimate_b=3 / 7,
        difference=1 / 7,
        test="McNemar exact (paired)",
        statistic=3.0,  # pairs only a has
        p=1.0,  # binomial, 3 of 5: two-sided 2 * P(X >= 3) = 1
        effect="Cohen's h",
        effect_size=2 * math.asin(math.sqrt(4 / 7)) - 2 * math.asin(math.sqrt(3 / 7)),
        diff_low=1 / 7 - Z95 * se,
        diff_high=1 / 7 + Z95 * se,
    )
    # 4 of 5 pairs only a: diff 0.8, se sqrt(4 - 16/5) / 5: 0.8 + 1.96 se > 1 is cut at 1
    x, y = np.array([1, 1, 1, 1, 0], dtype=bool), np.zeros(5, dtype=bool)
    se = math.sqrt(4 - 16 / 5) / 5
    up = paired_test(x, y, proportion=True)
    assert (up.diff_low, up.diff_high) == pytest.approx((0.8 - Z95 * se, 1.0))
    down = paired_test(y, x, proportion=True)
    assert (down.diff_low, down.diff_high) == pytest.approx((-1.0, -0.8 + Z95 * se))
    # one discordant pair of two: se = sqrt(1 - 1^2 / 2) / 2 (the variance term is under 1)
    one = paired_test([True, True], [False, True], proportion=True)
    se = math.sqrt(0.5) / 2
    assert (one.diff_low, one.diff_high) == pytest.approx(
        (0.5 - Z95 * se, min(0.5 + Z95 * se, 1.0))
    )
    assert paired_test([True, False], [True, False], proportion=True).p == 1.0
    empty = dict(n_a=0, n_b=0, estimate_a=NAN, estimate_b=NAN, statistic=0.0, p=1.0)
    empty |= dict(test="McNemar exact (paired)", effect="Cohen's h")  # no discordant pair
    assert_undefined(paired_test([], [], proportion=True), **empty)


def test_pair_rows_refuses_duplicated_keys_on_either_side() -> None:
    a = pd.DataFrame({"replication": [0, 0, 1], "value": [1.0, 2.0, 3.0]})
    b = pd.DataFrame({"replication": [0, 1, 2], "value": [4.0, 5.0, 6.0]})
    assert pair_rows(a, b, ["replication"]) is None
    assert pair_rows(b, a, ["replication"]) is None
    c = pd.DataFrame({"replication": [2, 0, 1]}, index=[7, 8, 9])
    ia, ib = pair_rows(b, c, ["replication"])
    assert list(b["replication"].iloc[ia]) == list(c["replication"].iloc[ib]) and len(ia) == 3


def test_variance_reduction_by_hand() -> None:
    d = np.array([0.01, 0.03, 0.01, 0.05])  # the CRN pairs' differences: mean 0.025
    a_crn = pd.Series([1.0, 1.5, 2.0, 2.5, np.nan])
    b_crn = pd.Series([*(a_crn.iloc[:4] - d), 7.0])  # the last pair has no a: dropped
    a_ind = pd.Series([1.0, 1.2, "n/a", 1.1])  # variance 0.01
    b_ind = pd.Series([0.8, 0.9, 0.85])  # variance 0.0025
    sd_p = math.sqrt(((d - 0.025) ** 2).sum() / 3)
    se2 = 0.01 / 3 + 0.0025 / 3
    df = se2**2 / ((0.01 / 3) ** 2 / 2 + (0.0025 / 3) ** 2 / 2)
    width_p = 2 * T95_3 * sd_p / 2
    width_u = 2 * stats.t.ppf(0.975, df) * math.sqrt(se2)
    assert width_u < 1
    assert_fields(
        variance_reduction(a_crn, b_crn, a_ind, b_ind),
        n=4,
        sd_difference_paired=sd_p,
        sd_difference_unpaired=math.sqrt(0.0125),
        ci_width_paired=width_p,
        ci_width_unpaired=width_u,
        factor=0.0125 / sd_p**2,
        width_reduction=1 - width_p / width_u,
    )
    # no spread anywhere: both intervals exact (width 0), the factor unbounded
    assert_fields(
        variance_reduction([2.0, 3.0, 4.0], [1.0, 2.0, 3.0], [2.0, 2.0], [1.0, 1.0]),
        n=3,
        sd_difference_paired=0.0,
        sd_difference_unpaired=0.0,
        ci_width_paired=0.0,
        ci_width_unpaired=0.0,
        factor=math.inf,
        width_reduction=NAN,
    )


def _crn_runs(crn: bool) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    common = rng.normal(0, 3, size=12)
    rows = []
    for process, shift in (("open_plenary", 0.0), ("two_tier", 0.4)):
        for funding in ("none", "trust_fund"):
            for r in range(6):
                k = r + (6 if funding == "trust_fund" else 0)
                rows.append(
                    {
                        "process": process,
                        "funding": funding,
                        "config_id": process + funding,
                        "seed": 0,
                        "crn": crn,
                        "replication": r,
                        "run_seed": 100 + r,
                        "attendance_rate_LIC": common[k] + shift + rng.normal(0, 0.05),
                        "adopted": bool(r % 2),
                    }
                )
    return pd.DataFrame(rows)


def test_compare_pairs_crn_runs_on_replication_and_the_other_varying_columns() -> None:
    runs = _crn_runs(crn=True)
    result = compare(runs, "process", ["attendance_rate_LIC", "adopted"])
    assert result.paired and "funding" in result.pairing and "replication" in result.pairing
    row = result.pairwise.set_index("metric").loc["attendance_rate_LIC"]
    assert bool(row["paired"]) and row["test"] == "paired t" and row["n_a"] == 12
    a = runs[runs["process"] == "open_plenary"].sort_values(["funding", "replication"])
    b = runs[runs["process"] == "two_tier"].sort_values(["funding", "replication"])
    expected = stats.ttest_rel(a["attendance_rate_LIC"], b["attendance_rate_LIC"]).pvalue
    assert row["p"] == pytest.approx(expected)
    unpaired = compare(runs, "process", ["attendance_rate_LIC"], paired=False)
    assert not unpaired.paired and unpaired.pairwise["test"].iloc[0] == "Welch t"
    assert unpaired.pairwise["difference"].iloc[0] == pytest.approx(row["difference"])
    independent = compare(_crn_runs(crn=False), "process", ["attendance_rate_LIC"])
    assert not independent.paired and "not all made with common" in independent.pairing
    with pytest.raises(ValueError, match="cannot pair"):
        compare(_crn_runs(crn=False), "process", ["attendance_rate_LIC"], paired=True)
    assert pair_rows(a.iloc[:3], b, ["replication"]) is None  # unequal sizes never pair


def test_config_built_in_code_takes_numpy_scalars() -> None:
    cfg = compose_config(["scenario=small"])
    plain_hash = configuration_hash(cfg)
    calendar = dataclasses.replace(cfg.scenario.calendar, meetings=np.int64(4))
    scenario = dataclasses.replace(cfg.scenario, calendar=calendar)
    behaviour = dataclasses.replace(cfg.behaviour, confidence=np.float64(cfg.behaviour.confidence))
    channels = dataclasses.replace(cfg.channels, compression=np.bool_(True))
    built = SimConfig(
        **{
            **{f.name: getattr(cfg, f.name) for f in dataclasses.fields(SimConfig)},
            "seed": np.int64(0),
            "replications": np.int32(1),
            "scenario": scenario,
            "behaviour": behaviour,
            "channels": channels,
        }
    )
    validate(built)
    assert type(built.scenario.calendar.meetings) is int and type(built.seed) is int
    assert type(built.behaviour.confidence) is float
    assert configuration_hash(built) == plain_hash  # same values, same hash, same seeds
    bad = dataclasses.replace(cfg, replications=np.float64(2.5))
    with pytest.raises(ConfigError, match="replications"):
        validate(bad)
