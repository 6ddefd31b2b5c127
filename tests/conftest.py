"""Shared fixtures and helpers for the model's unit and invariant tests.

Composing a configuration through Hydra costs a few hundred milliseconds, so the
composed configs are cached per set of overrides; tests that change a value take a
deep copy (`compose(...)` always returns a fresh copy) and never mutate the cache.
"""

from __future__ import annotations

import copy
import functools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, settings

from sim.config import SimConfig, to_sim_config
from tests.shared import OPTION_GROUPS, ROOT

settings.register_profile(
    "sim",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "sim"))


@functools.cache
def _default_options() -> dict[str, str]:
    """The group options `configs/config.yaml` selects by default."""
    defaults = yaml.safe_load((ROOT / "configs" / "config.yaml").read_text())["defaults"]
    return {
        group: option
        for entry in defaults
        if isinstance(entry, dict)
        for group, option in entry.items()
        if group in OPTION_GROUPS
    }


@functools.cache
def _composed(overrides: tuple[str, ...]) -> SimConfig:
    from sim.api import compose_config

    return compose_config(list(overrides))


def _canonical(overrides: tuple[str, ...]) -> tuple[str, ...]:
    """Name every group option explicitly, so equal configurations share one cache entry.

    Hydra applies group selections before value overrides whatever their order, so
    moving them to the front does not change the composed configuration.
    """
    options = dict(_default_options())
    values = []
    for override in overrides:
        key, _, value = override.partition("=")
        if key in options:
            options[key] = value
        else:
            values.append(override)
    return (*(f"{g}={options[g]}" for g in OPTION_GROUPS), *values)


def compose(*overrides: str) -> SimConfig:
    """A fresh, validated `SimConfig` composed exactly like the CLI (cached by overrides)."""
    return copy.deepcopy(_composed(_canonical(overrides)))


def small(*overrides: str) -> SimConfig:
    """The small test scenario with extra overrides."""
    return compose("scenario=small", *overrides)


def revalidate(cfg: SimConfig) -> SimConfig:
    """Validate a config changed in Python (as a sweep would) and return it."""
    return to_sim_config(cfg)


def run_model(cfg: SimConfig, seed: int | None = None):
    """Build and run one `NegotiationModel`; return (model, run row)."""
    from sim.model import NegotiationModel

    model = NegotiationModel(cfg, seed=seed)
    row = model.run().row
    return model, row


def step_model(cfg: SimConfig, seed: int | None = None, check=None):
    """Step a model meeting by meeting like `run()` does, calling `check(model)` after each."""
    from sim.model import NegotiationModel

    model = NegotiationModel(cfg, seed=seed)
    if check is not None:
        check(model)
    while model.running and model.next_meeting() is not None:
        model.step()
        if check is not None:
            check(model)
    return model


def nan_or_within(value: float, lo: float = 0.0, hi: float = 1.0, tol: float = 1e-12) -> bool:
    """True if `value` is NaN or lies in [lo, hi] (with a rounding tolerance)."""
    return bool(np.isnan(value) or (lo - tol <= value <= hi + tol))


# Helpers as session fixtures: with `--import-mode=importlib` test modules cannot import
# this file, and session scope keeps them usable inside hypothesis tests.


@pytest.fixture(scope="session", name="compose")
def compose_fixture():
    return compose


@pytest.fixture(scope="session", name="small")
def small_fixture():
    return small


@pytest.fixture(scope="session", name="revalidate")
def revalidate_fixture():
    return revalidate


@pytest.fixture(scope="session", name="run_model")
def run_model_fixture():
    return run_model


@pytest.fixture(scope="session", name="step_model")
def step_model_fixture():
    return step_model


@pytest.fixture(scope="session", name="nan_or_within")
def nan_or_within_fixture():
    return nan_or_within


@pytest.fixture(scope="session")
def small_config() -> SimConfig:
    return small()


@pytest.fixture(scope="session")
def default_config() -> SimConfig:
    return compose()


# ---------------------------------------------------------------- command-line runs


def _cli_env(extra: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SIM_FAULT", "HYDRA_FULL_ERROR")}
    return {**env, "PYTHONPATH": str(ROOT), **(extra or {})}


def run_cli(
    cwd: Path,
    *args: str,
    env: dict[str, str] | None = None,
    module: str = "sim",
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m <module> ARGS` in `cwd` (umask 022); `env` adds variables (SIM_FAULT)."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        env=_cli_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        umask=0o022,
    )


def start_cli(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start `python -m sim ARGS` in `cwd` without waiting (stdout and stderr piped)."""
    return subprocess.Popen(
        [sys.executable, "-m", "sim", *args],
        cwd=cwd,
        env=_cli_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        umask=0o022,
    )


@pytest.fixture(scope="session", name="run_cli")
def run_cli_fixture():
    return run_cli


@pytest.fixture(scope="session", name="start_cli")
def start_cli_fixture():
    return start_cli


# A test using one of these fixtures gets the marker: driving the command line in a
# subprocess pays seconds of imports (`slow`); the validation arms run 30 replications
# per arm (`validation`). `make test` runs them all; `make test-fast` leaves them out.
MARKER_OF_FIXTURE = {
    "run_cli": pytest.mark.slow,
    "start_cli": pytest.mark.slow,
    "arms": pytest.mark.validation,
    "paired_arms": pytest.mark.validation,
}


def pytest_collection_modifyitems(config, items):
    """Mark the tests that use the fixtures of `MARKER_OF_FIXTURE`."""
    for item in items:
        for fixture in set(getattr(item, "fixturenames", ())) & MARKER_OF_FIXTURE.keys():
            item.add_marker(MARKER_OF_FIXTURE[fixture])
