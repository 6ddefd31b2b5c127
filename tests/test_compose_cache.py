"""A job's configuration derived from its group combination's equals Hydra's own.

`sim.run.compose_cache.CachingConfigLoader` composes the first job of each group
combination with Hydra and derives the others; every derived configuration must be
the one Hydra composes, key for key, its job record (`hydra.overrides.task`,
`hydra.job.override_dirname`) included, and anything it cannot derive the same way
must go to Hydra.
"""

from __future__ import annotations

import pytest
from omegaconf import OmegaConf

from sim.config import CONFIG_DIR, register_configs
from sim.run import compose_cache
from sim.run.compose_cache import CachingConfigLoader

JOBS = [
    ["process=open_plenary", "funding=none", "seed=0", "replications=2"],
    ["process=open_plenary", "funding=none", "seed=1", "replications=2"],
    ["process=open_plenary", "funding=none", "seed=7", "replications=5"],
    ["process=two_tier", "funding=hybrid", "seed=1", "replications=2"],
    ["process=two_tier", "funding=hybrid", "seed=2", "replications=3"],
    ["cost.meeting_usd=2e6", "process=two_tier", "scenario.calendar.days=5"],
    ["cost.meeting_usd=1.5e6", "process=two_tier", "scenario.calendar.days=8"],
    ["scenario=small", "behaviour.confidence=0.2", "decision=two_thirds_vote"],
    ["scenario=small", "behaviour.confidence=0.35", "decision=two_thirds_vote"],
    ["process=friends_of_chair", "process.friends.size=8", "funding=trust_fund"],
    ["process=friends_of_chair", "process.friends.size=12", "funding=trust_fund"],
    ["scenario.issues=[scope,safeguards]", "seed=1"],  # a list: Hydra composes it
    ["scenario.issues=[scope,data_access]", "seed=1"],
    ["+sweep_extra=1"],  # an addition: Hydra composes it (and refuses it later)
]


@pytest.fixture(scope="module")
def hydra_loader():
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.types import RunMode

    register_configs()
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        loader = GlobalHydra.instance().config_loader()
        master = loader.load_configuration("config", [], run_mode=RunMode.MULTIRUN)
        yield loader, master


def _plain(cfg):
    return OmegaConf.to_container(cfg, resolve=False)


def test_derived_configurations_equal_hydras(hydra_loader) -> None:
    loader, master = hydra_loader
    cached = CachingConfigLoader(loader)
    for job in JOBS:
        if job[0].startswith("+"):
            continue
        assert _plain(cached.load_sweep_config(master, job)) == _plain(
            loader.load_sweep_config(master, job)
        ), job
    # each group combination was composed once; its other jobs were derived
    mine = [k for k in compose_cache._CACHE if k[0] == cached._token]
    assert 0 < len(mine) < len(JOBS) - 4


def test_what_cannot_be_derived_goes_to_hydra(hydra_loader) -> None:
    loader, _ = hydra_loader
    cached = CachingConfigLoader(loader)
    assert cached._plan([], ["scenario.issues=[scope,safeguards]"]) is None
    assert cached._plan([], ["+sweep_extra=1"]) is None
    assert cached._plan([], ["~seed"]) is None
    assert cached._plan([], ["seed=1,2"]) is None
    signature, values, task = cached._plan([], ["process=two_tier", "seed=4"])
    assert signature == (("group", "process=two_tier"), ("value", "seed"))
    assert task == ["process=two_tier", "seed=4"] and len(values) == 1


def test_checking_a_batch_raises_as_hydra_and_leaves_derivations_exact(hydra_loader) -> None:
    loader, master = hydra_loader
    cached = CachingConfigLoader(loader)
    for job in JOBS[:-1]:
        cached.check_sweep_overrides(master, job)  # the sweeper's check, before launching
    for job in JOBS[:-1]:
        assert _plain(cached.load_sweep_config(master, job)) == _plain(
            loader.load_sweep_config(master, job)
        ), job
    with pytest.raises(Exception) as hydra_error:
        loader.load_sweep_config(master, ["process=two_tier", "seed=abc"])
    with pytest.raises(type(hydra_error.value)):
        cached.check_sweep_overrides(master, ["process=two_tier", "seed=abc"])
