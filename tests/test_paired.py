"""Paired comparisons (common random numbers) against hand computations, and numpy scalars."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.compare import compare
from sim.analysis.paired import pair_rows, paired_test
from sim.analysis.stats import pair_test
from sim.config import ConfigError, SimConfig, compose_config, validate
from sim.run.seeds import configuration_hash


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
