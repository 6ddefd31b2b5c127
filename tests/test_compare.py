"""The design comparison: statistics against hand computation, tables, command line."""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.compare import compare, filter_runs
from sim.analysis.stats import (
    holm,
    is_proportion,
    mean_interval,
    pair_test,
    summarise,
    wilson_interval,
)
from sim.analysis.tables import format_number, to_latex, to_markdown
from sim.compare import main
from tests.by_hand import NAN, T95_2, T95_3, Z95, assert_fields, assert_undefined


def test_holm_by_hand() -> None:
    # sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> running max 0.06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # capped at 1; NaN ignored (m = 2 here)
    adjusted = holm([0.6, np.nan, 0.2])
    assert adjusted[0] == pytest.approx(0.6) and adjusted[2] == pytest.approx(0.4)
    assert np.isnan(adjusted[1])
    assert holm([0.7, 0.8]) == pytest.approx([1.0, 1.0])


def test_t_interval_by_hand() -> None:
    iv = mean_interval([1.0, 2.0, 3.0, 4.0, np.nan])
    sd = math.sqrt(5 / 3)  # sum of squared deviations 5, n - 1 = 3
    half = T95_3 * sd / 2
    assert (iv.n, iv.estimate) == (4, 2.5)
    assert (iv.low, iv.high) == pytest.approx((2.5 - half, 2.5 + half))
    single = mean_interval([7.0])
    assert single.estimate == 7.0 and math.isnan(single.low)


def test_wilson_by_hand() -> None:
    n, k = 10, 8
    p = k / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    iv = wilson_interval(k, n)
    assert (iv.low, iv.high) == pytest.approx((centre - half, centre + half))
    assert wilson_interval(0, 10).low == 0.0 and wilson_interval(10, 10).high == 1.0


def test_welch_and_hedges_by_hand() -> None:
    a, b = [1.0, 2.0, 3.0, 4.0], [3.0, 5.0, 7.0, 9.0]
    va, vb = 5 / 3, 20 / 3  # sample variances
    se2 = va / 4 + vb / 4
    t = (2.5 - 6.0) / math.sqrt(se2)
    df = se2**2 / ((va / 4) ** 2 / 3 + (vb / 4) ** 2 / 3)
    pooled = (3 * va + 3 * vb) / 6
    g = (2.5 - 6.0) / math.sqrt(pooled) * (1 - 3 / (4 * 8 - 9))
    result = pair_test(pd.Series(a), pd.Series(b))
    assert result.test == "Welch t"
    assert result.statistic == pytest.approx(t)
    assert result.p == pytest.approx(2 * stats.t.sf(abs(t), df))
    assert result.effect_size == pytest.approx(g)
    assert result.difference == pytest.approx(-3.5)


def test_fisher_and_cohens_h_by_hand() -> None:
    a = pd.Series([True] * 8 + [False] * 2)
    b = pd.Series([True] * 3 + [False] * 7)
    # hypergeometric: 11 successes among 20, 10 drawn for a; two-sided = sum P(k) <= P(8)
    prob = {k: math.comb(11, k) * math.comb(9, 10 - k) / math.comb(20, 10) for k in range(1, 11)}
    p = sum(v for v in prob.values() if v <= prob[8] * (1 + 1e-7))
    h = 2 * math.asin(math.sqrt(0.8)) - 2 * math.asin(math.sqrt(0.3))
    result = pair_test(a, b)
    assert result.test == "Fisher exact"
    assert result.p == pytest.approx(p)
    assert result.effect_size == pytest.approx(h)
    assert result.difference == pytest.approx(0.5)


def test_mann_whitney_rank_biserial() -> None:
    a, b = pd.Series([1.0, 2.0, 3.0]), pd.Series([4.0, 5.0, 6.0, 7.0])
    result = pair_test(a, b, nonparametric=True)
    assert result.statistic == 0.0  # no value of a beats any of b
    assert result.effect_size == pytest.approx(-1.0)


def test_degenerate_groups_give_no_warning() -> None:
    same = pair_test(pd.Series([1.0, 1.0, 1.0]), pd.Series([1.0, 1.0]))
    assert same.p == 1.0 and same.effect_size == 0.0
    differ = pair_test(pd.Series([1.0, 1.0]), pd.Series([2.0, 2.0]))
    assert differ.p == 0.0


# Mutation testing of sim/analysis/stats.py (docs/testing.md): every field of the result,
# the undefined cases, groups of two and another level, each against a hand computation.

Z90 = 1.6448536269514722  # standard normal 95% quantile


def _wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n * n)) / (1 + z**2 / n)
    return centre - half, centre + half


def test_undefined_intervals_and_the_sd() -> None:
    assert_fields(mean_interval([]), n=0, estimate=NAN, low=NAN, high=NAN, sd=NAN, kind="mean")
    assert_fields(mean_interval([7.0]), n=1, estimate=7.0, low=NAN, high=NAN, sd=NAN, kind="mean")
    assert mean_interval([1.0, 2.0, 3.0, 4.0]).sd == pytest.approx(math.sqrt(5 / 3))
    assert mean_interval(pd.Series([1.0, "n/a", 3.0])).n == 2  # not a number: dropped
    empty = dict(n=0, estimate=NAN, low=NAN, high=NAN, sd=NAN, kind="proportion")
    assert_fields(wilson_interval(0, 0), **empty)
    # k = n: the Wilson lower bound is n / (n + z^2)
    one = dict(n=1, estimate=1.0, low=1 / (1 + Z95**2), high=1.0, sd=0.0, kind="proportion")
    assert_fields(wilson_interval(1, 1), **one)


def test_wilson_at_another_level_and_with_one_success() -> None:
    low, high = _wilson(8, 10, Z90)
    assert_fields(
        wilson_interval(8, 10, 0.9),
        n=10,
        estimate=0.8,
        low=low,
        high=high,
        sd=0.4,
        kind="proportion",
    )
    low, high = _wilson(1, 10)
    assert low > 0 and (wilson_interval(1, 10).low, wilson_interval(1, 10).high) == pytest.approx(
        (low, high)
    )
    assert wilson_interval(1, 10).sd == pytest.approx(0.3)  # sqrt(0.1 * 0.9)
    # at n = 7 statsmodels' bounds miss by a rounding error (2.8e-17, 1 - 1.1e-16)
    assert wilson_interval(0, 7).low == 0.0 and wilson_interval(7, 7).high == 1.0


def test_summarise_takes_wilson_for_booleans_and_t_for_numbers() -> None:
    flags = pd.Series([True, False, True, True])
    counts = pd.Series([1.0, 0.0, 1.0, 1.0])  # only 0 and 1, still a count
    assert summarise(flags) == wilson_interval(3, 4)
    assert summarise(flags, level=0.9) == wilson_interval(3, 4, 0.9)
    assert summarise(counts) == mean_interval(counts)
    assert summarise(counts, level=0.9) == mean_interval(counts, 0.9)
    assert summarise(counts, proportion=True) == wilson_interval(3, 4)
    assert summarise(flags, proportion=False) == mean_interval(counts)


def test_is_proportion_reads_object_columns_of_booleans() -> None:
    assert is_proportion(pd.Series([True, None, False], dtype=object))
    assert is_proportion(pd.Series([True], dtype=object))
    assert not is_proportion(pd.Series([], dtype=object))
    assert not is_proportion(pd.Series([None, None], dtype=object))
    assert not is_proportion(pd.Series([True, "yes"], dtype=object))
    assert not is_proportion(pd.Series([1.0, 0.0]))


def test_holm_takes_none_for_a_missing_p_value() -> None:
    assert holm([0.01, None, 0.03]) == pytest.approx([0.02, NAN, 0.03], nan_ok=True)


def test_welch_with_two_runs_a_design() -> None:
    # variances 0.02 each: se^2 = 0.02, Welch df = 0.02^2 / (0.01^2 + 0.01^2) = 2
    t = -0.3 / math.sqrt(0.02)
    g = -0.3 / math.sqrt(0.02) * (1 - 3 / (4 * 4 - 9))
    half = T95_2 * math.sqrt(0.02)
    assert_fields(
        pair_test([0.1, 0.3], [0.4, 0.6]),
        n_a=2,
        n_b=2,
        estimate_a=0.2,
        estimate_b=0.5,
        difference=-0.3,
        test="Welch t",
        statistic=t,
        p=2 * stats.t.sf(-t, 2),
        effect="Hedges' g",
        effect_size=g,
        diff_low=-0.3 - half,
        diff_high=-0.3 + half,
    )


def test_welch_when_one_design_has_no_spread() -> None:
    # a constant: se^2 = 1/3, df = 2; pooled variance (0 + 2) / 4 = 0.5
    t = -1 / math.sqrt(1 / 3)
    half = T95_2 * math.sqrt(1 / 3)
    with warnings.catch_warnings():  # _welch_interval lets scipy's precision warning through
        warnings.simplefilter("ignore", RuntimeWarning)
        result = pair_test([1.0, 1.0, 1.0], [1.0, 2.0, 3.0])
    assert (result.statistic, result.p) == pytest.approx((t, 2 * stats.t.sf(-t, 2)))
    assert result.effect_size == pytest.approx(-1 / math.sqrt(0.5) * (1 - 3 / 15))
    assert (result.diff_low, result.diff_high) == pytest.approx((-1 - half, -1 + half))


def test_no_spread_in_either_design_decides_from_the_means() -> None:
    differ = pair_test([1.0, 1.0], [2.0, 2.0])
    assert (differ.statistic, differ.p, differ.effect_size) == (-math.inf, 0.0, -math.inf)
    assert differ.diff_low == differ.diff_high == -1.0
    same = pair_test([1.0, 1.0, 1.0], [1.0, 1.0])
    assert (same.statistic, same.p, same.effect_size, same.diff_low, same.diff_high) == (
        0,
        1,
        0,
        0,
        0,
    )
    assert_undefined(
        pair_test([1.0, 2.0], []),
        n_a=2,
        n_b=0,
        estimate_a=1.5,
        estimate_b=NAN,
        test="Welch t",
        effect="Hedges' g",
    )


def test_fisher_with_newcombes_interval_by_hand() -> None:
    l1, u1 = _wilson(8, 10)
    l2, u2 = _wilson(3, 10)
    assert_fields(
        pair_test(pd.Series([True] * 8 + [False] * 2), pd.Series([True] * 3 + [False] * 7)),
        n_a=10,
        n_b=10,
        estimate_a=0.8,
        estimate_b=0.3,
        difference=0.5,
        test="Fisher exact",
        statistic=(8 * 7) / (2 * 3),  # the sample odds ratio
        p=stats.fisher_exact([[8, 2], [3, 7]]).pvalue,  # by hand in the test above
        effect="Cohen's h",
        effect_size=2 * math.asin(math.sqrt(0.8)) - 2 * math.asin(math.sqrt(0.3)),
        diff_low=0.5 - math.hypot(0.8 - l1, u2 - 0.3),  # Newcombe's hybrid score interval
        diff_high=0.5 + math.hypot(u1 - 0.8, 0.3 - l2),
    )
    # a boolean against a number is not a comparison of proportions
    assert pair_test(pd.Series([True, False, True]), pd.Series([1.0, 0.0, 0.0])).test == "Welch t"


def test_a_proportion_against_an_empty_design() -> None:
    flags, empty = pd.Series([True, False]), pd.Series([], dtype=bool)
    test = dict(test="Fisher exact", effect="Cohen's h")
    assert_undefined(pair_test(empty, flags), n_a=0, n_b=2, estimate_a=NAN, estimate_b=0.5, **test)
    assert_undefined(pair_test(flags, empty), n_a=2, n_b=0, estimate_a=0.5, estimate_b=NAN, **test)


def test_mann_whitney_by_hand() -> None:
    # a = 3, 5 against b = 1, 2, 4: U = 2 + 3 = 5; of the C(5, 2) = 10 rank sets for a,
    # two give U >= 5, so the exact two-sided p is 0.4; r = 2 U / (2 * 3) - 1 = 2/3
    va, vb = 2 / 2, (7 / 3) / 3  # variances of the means
    df = (va + vb) ** 2 / (va**2 / 1 + vb**2 / 2)
    half = stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    assert_fields(
        pair_test([3.0, 5.0], [1.0, 2.0, 4.0], nonparametric=True),
        n_a=2,
        n_b=3,
        estimate_a=4.0,
        estimate_b=7 / 3,
        difference=5 / 3,
        test="Mann-Whitney U",
        statistic=5.0,
        p=0.4,
        effect="rank-biserial r",
        effect_size=2 / 3,
        diff_low=5 / 3 - half,
        diff_high=5 / 3 + half,
    )
    # one value against three: U uniform on 0..3, so p = 2 / 4
    one = pair_test([5.0], [1.0, 2.0, 3.0], nonparametric=True)
    assert (one.statistic, one.p, one.effect_size) == pytest.approx((3.0, 0.5, 1.0))
    other = pair_test([1.0, 2.0, 3.0], [5.0], nonparametric=True)
    assert (other.statistic, other.p, other.effect_size) == pytest.approx((0.0, 0.5, -1.0))
    # two distinct values, ties counted half: U = 0.5 + 0.5 + (1 + 3 * 0.5) = 3.5, r = 7 / 12 - 1
    ties = pair_test([1.0, 2.0, 1.0], [2.0, 1.0, 2.0, 2.0], nonparametric=True)
    assert (ties.statistic, ties.effect_size) == pytest.approx((3.5, -5 / 12)) and ties.p < 1
    tied = pair_test([2.0, 2.0], [2.0, 2.0, 2.0], nonparametric=True)
    assert (tied.statistic, tied.p, tied.effect_size) == (3.0, 1.0, 0.0)  # U = 2 * 3 / 2
    empty = pair_test([], [1.0, 2.0], nonparametric=True)
    assert all(math.isnan(v) for v in (empty.statistic, empty.p, empty.effect_size))


def _runs() -> pd.DataFrame:
    """Three designs with known values (10 runs each)."""
    rng = np.random.default_rng(3)
    rows = []
    for process, shift, adopted in (
        ("open_plenary", 0.0, 9),
        ("two_tier", 0.5, 5),
        ("friends_of_chair", 1.0, 2),
    ):
        for r in range(10):
            rows.append(
                {
                    "process": process,
                    "funding": "none",
                    "meeting_usd": 1e6,
                    "config_id": process[:6],
                    "replication": r,
                    "adopted": r < adopted,
                    "adopted_by": "consensus" if r < adopted else "none",
                    "attendance_rate_LIC": shift + rng.normal(),
                    "informal_coverage_LIC": np.nan if process == "open_plenary" else rng.random(),
                }
            )
    return pd.DataFrame(rows)


def test_compare_holm_within_each_metric() -> None:
    runs = _runs()
    result = compare(runs, "process", ["attendance_rate_LIC", "adopted", "informal_coverage_LIC"])
    assert result.designs == ("Open plenary", "Two-tier", "Friends of the chair")
    for _, part in result.pairwise.groupby("metric"):
        assert len(part) == 3
        np.testing.assert_allclose(part["p_holm"], holm(part["p"]), equal_nan=True)
    att = result.pairwise[result.pairwise["metric"] == "attendance_rate_LIC"].iloc[0]
    a = runs.loc[runs["process"] == "open_plenary", "attendance_rate_LIC"]
    b = runs.loc[runs["process"] == "two_tier", "attendance_rate_LIC"]
    assert att["p"] == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue)
    adopted = result.summary[result.summary["metric"] == "adopted"].set_index("design")
    assert adopted.loc["Open plenary", "mean"] == pytest.approx(0.9)
    assert adopted.loc["Open plenary", "interval"] == "Wilson"
    cover = result.summary[result.summary["metric"] == "informal_coverage_LIC"].set_index("design")
    assert cover.loc["Open plenary", "n"] == 0 and math.isnan(cover.loc["Open plenary", "mean"])


def test_tables_markdown_and_latex() -> None:
    result = compare(_runs(), ["process"], ["adopted", "attendance_rate_LIC"])
    md = to_markdown(result)
    assert "| Probability of adoption |" in md and "Open plenary (n=10)" in md
    assert "Holm" in md
    tex = to_latex(result, command="python -m sim.compare x --by process")
    assert tex.count(r"\toprule") == 2 and tex.count(r"\bottomrule") == 2
    assert r"\begin{tabular}{lccc}" in tex
    assert "% Made by: python -m sim.compare" in tex
    assert "_" not in tex.replace(r"\_", "").split("\n", 3)[3]  # no raw underscores in cells


def test_format_number() -> None:
    assert format_number(0.12345) == "0.123"
    assert format_number(1234567.0) == "1,234,567"
    assert format_number(-0.5) == "\u22120.500"
    assert format_number(float("nan")) == "\u2013"


def test_filter_runs() -> None:
    runs = _runs()
    assert len(filter_runs(runs, ["process=two_tier"])) == 10
    assert len(filter_runs(runs, ["meeting_usd=1000000"])) == 30
    with pytest.raises(ValueError, match="no run has it"):
        filter_runs(runs, ["process=nope"])


def _results_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "results"
    folder.mkdir()
    _runs().to_parquet(folder / "runs.parquet")
    (folder / "manifest.json").write_text(json.dumps({"kind": "job", "status": "completed"}))
    return folder


def test_command_line_writes_all_tables(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    folder = _results_folder(tmp_path)
    assert (
        main([str(folder), "--by", "process", "--metrics", "adopted", "attendance_rate_LIC"]) == 0
    )
    out = folder / "comparison"
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "compare_process.md",
        "compare_process.tex",
        "compare_process_pairwise.csv",
        "compare_process_summary.csv",
    ]
    pairwise = pd.read_csv(out / "compare_process_pairwise.csv")
    assert {"p", "p_holm", "effect", "effect_size"} <= set(pairwise.columns)
    assert len(capsys.readouterr().out.splitlines()) == 4


def test_settings_key_value_as_every_command_takes_them(tmp_path: Path) -> None:
    """Issue 21: the reading commands took only --flags, the others key=value."""
    folder = _results_folder(tmp_path)
    flags = [str(folder), "--by", "process", "--metrics", "adopted", "--out", str(tmp_path / "a")]
    settings = [str(folder), "by=[process]", "metrics=[adopted]", f"out={tmp_path / 'b'}"]
    assert main(flags) == 0 and main([*settings, "unpaired=false"]) == 0
    for name in ("compare_process.md", "compare_process_pairwise.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    with pytest.raises(SystemExit) as stop:
        main([*settings, "unpaired=maybe"])
    assert stop.value.code == 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--by", "nope"], r"no column \['nope'\].*configuration columns: process"),
        (
            ["--by", "process", "--metrics", "attendance_rate_LICX"],
            "did you mean attendance_rate_LIC",
        ),
    ],
)
def test_command_line_errors_name_the_column(
    tmp_path: Path, capsys: pytest.CaptureFixture, args: list[str], expected: str
) -> None:
    folder = _results_folder(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main([str(folder), *args])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert str(folder) in err
    assert re.search(expected, err), err


def test_command_line_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        main([str(tmp_path / "absent"), "--by", "process"])
    assert "absent does not exist" in capsys.readouterr().err
