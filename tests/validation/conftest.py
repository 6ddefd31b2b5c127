"""Shared machinery of the validation suite: arms of replications, statistics, figures.

An *arm* is one configuration (a list of Hydra overrides on the default committee
scenario) run for `REPLICATIONS` replications from the fixed base seed `BASE_SEED`.
Each replication's seed derives from that base seed (`sim.run.seeds`; arms built in
code take common random numbers, so replication r of every arm shares its draws and
the two-sample tests here are conservative), so every figure here is deterministic. The arms
are computed once per session, in parallel worker processes when the machine has
more than one core, and shared by the comparative-statics and seed-pattern tests.

Every statistical check records its figures (means per arm, p-values); they are
printed at the end of the pytest run under "validation figures", so CI logs carry
the numbers the checks were judged on.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.config import SimConfig

BASE_SEED = 1
REPLICATIONS = 30
ALPHA = 0.01

# The arm of the default committee
# scenario (193 delegations, two-tier process, no funding, consensus then vote, 7 planned
# meetings of 10 days and one authorised extension, $1M a meeting, $600 a delegate-day,
# the calibrated process budget). "{half_budget}" stands for half the default budget.
ARMS: dict[str, tuple[str, ...]] = {
    "default": (),
}
"""The seed pattern's arm (test_seed_pattern.py); the paired checks of DESIGN.md sections
6 and 8 run their own arms (test_registered_checks.py, test_channel_liveness.py)."""

_FIGURES: list[str] = []


def arm_config(name: str, crn: bool = False) -> SimConfig:
    """The arm's configuration, `REPLICATIONS` runs from `BASE_SEED`.

    crn=False (the arms below): each arm draws its own populations and chance events -
    the independent samples under which the two-sample tests and thresholds were fixed.
    crn=True pairs the arms run by run (test_paired_designs.py).
    """
    from sim.api import compose_config

    half = compose_config([]).cost.process_budget_usd / 2
    overrides = [o.format(half_budget=half) for o in ARMS[name]]
    return compose_config(
        [
            f"seed={BASE_SEED}",
            f"replications={REPLICATIONS}",
            "progress=false",
            f"crn={str(crn).lower()}",
            *overrides,
        ]
    )


@dataclass(frozen=True)
class Arm:
    """One arm's results: a row per run and a row per meeting."""

    name: str
    runs: pd.DataFrame
    meetings: pd.DataFrame


def _run_arms(configs: dict[str, SimConfig]) -> dict[str, Arm]:
    from sim.run.replications import run_replications

    workers = min(len(configs), os.cpu_count() or 1)
    if workers <= 1:
        tables = {n: run_replications(c, with_delegations=False) for n, c in configs.items()}
    else:
        # spawn, not fork: the test process has threads (fork would warn, and warnings fail)
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            futures = {n: pool.submit(run_replications, c, None, False) for n, c in configs.items()}
            tables = {n: f.result() for n, f in futures.items()}
    return {n: Arm(n, t.runs, t.meetings) for n, t in tables.items()}


@pytest.fixture(scope="session")
def arms() -> dict[str, Arm]:
    """Every arm of `ARMS`, `REPLICATIONS` runs each, computed once per session."""
    return _run_arms({name: arm_config(name) for name in ARMS})


# ----------------------------------------------------------------- statistics


@dataclass(frozen=True)
class Comparison:
    """A one-sided two-sample comparison: Welch's t-test and Mann-Whitney U."""

    label: str
    mean_a: float
    mean_b: float
    n_a: int
    n_b: int
    welch_p: float  # or the paired t-test's
    mannwhitney_p: float  # or the Wilcoxon signed-rank test's
    tests: tuple[str, str] = ("Welch", "Mann-Whitney")

    @property
    def significant(self) -> bool:
        return self.welch_p < ALPHA and self.mannwhitney_p < ALPHA

    def __str__(self) -> str:
        return (
            f"{self.label}: {self.mean_a:.4f} (n={self.n_a}) vs {self.mean_b:.4f} "
            f"(n={self.n_b}); {self.tests[0]} p={self.welch_p:.2e}, "
            f"{self.tests[1]} p={self.mannwhitney_p:.2e}"
        )


def _quiet(test: Callable[..., Any], *args: Any, **kwargs: Any) -> float:
    """A scipy test's p-value, without its precision warnings (one arm may be constant)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(test(*args, **kwargs).pvalue)


def compare(label: str, a: pd.Series, b: pd.Series, alternative: str) -> Comparison:
    """Test `a` against `b` one-sided (`alternative`: 'less' or 'greater'); record figures."""
    x = np.asarray(a.dropna(), dtype=float)
    y = np.asarray(b.dropna(), dtype=float)
    assert len(x) >= REPLICATIONS * 0.9 and len(y) >= REPLICATIONS * 0.9, (
        f"{label}: too many undefined values ({len(x)}, {len(y)} of {REPLICATIONS})"
    )
    if np.ptp(x) == 0 and np.ptp(y) == 0:
        # Both arms constant (e.g. a quantity fixed by the calendar): no sampling
        # variation to test, so the direction either holds in every run or it does not.
        holds = x[0] < y[0] if alternative == "less" else x[0] > y[0]
        welch = mwu = 0.0 if holds else 1.0
    else:
        welch = _quiet(stats.ttest_ind, x, y, equal_var=False, alternative=alternative)
        mwu = _quiet(stats.mannwhitneyu, x, y, alternative=alternative)
    result = Comparison(label, x.mean(), y.mean(), len(x), len(y), float(welch), float(mwu))
    record(str(result))
    return result


def compare_paired(label: str, a: pd.Series, b: pd.Series, alternative: str) -> Comparison:
    """Paired one-sided test of `a` against `b` (two measures of the same runs).

    The paired t-test stands in for Welch's test and the Wilcoxon signed-rank test for
    Mann-Whitney's; runs where either value is undefined are dropped.
    """
    both = pd.DataFrame({"a": a.to_numpy(), "b": b.to_numpy()}).dropna()
    assert len(both) >= REPLICATIONS * 0.9, f"{label}: only {len(both)} paired values"
    t = _quiet(stats.ttest_rel, both["a"], both["b"], alternative=alternative)
    w = _quiet(stats.wilcoxon, both["a"], both["b"], alternative=alternative)
    result = Comparison(
        label,
        float(both["a"].mean()),
        float(both["b"].mean()),
        len(both),
        len(both),
        float(t),
        float(w),
        ("paired t", "Wilcoxon"),
    )
    record(str(result))
    return result


def record(line: str) -> None:
    """Keep a line of figures for the end-of-run summary."""
    _FIGURES.append(line)


@pytest.fixture(scope="session", name="record")
def record_fixture() -> Callable[[str], None]:
    return record


@pytest.fixture(scope="session", name="compare")
def compare_fixture() -> Callable[..., Comparison]:
    return compare


@pytest.fixture(scope="session", name="compare_paired")
def compare_paired_fixture() -> Callable[..., Comparison]:
    return compare_paired


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _FIGURES:
        terminalreporter.section("validation figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)


# ----------------------------------------------------------------- helpers


def small_config(*overrides: str) -> SimConfig:
    """The small test scenario (12 delegations, 4 short meetings) with overrides."""
    from sim.api import compose_config

    return compose_config(["scenario=small", "progress=false", *overrides])


@pytest.fixture(scope="session")
def small_base() -> Callable[..., SimConfig]:
    """`small_base(*overrides)`: compose the small scenario with overrides."""
    return small_config


@pytest.fixture(scope="session")
def small_default() -> SimConfig:
    """The small scenario as shipped (composed once; copy before changing it)."""
    return small_config()
