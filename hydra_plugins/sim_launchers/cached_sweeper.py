"""Hydra's basic sweeper, composing each group combination of the sweep once.

Why: Hydra composes every job from scratch, twice under the basic and joblib launchers
(the sweeper's check of the batch, then the launch): ~0.13 s of CPU a job. This
sweeper hands the sweeper and its launcher (they share one `HydraContext`) a
`sim.run.compose_cache.CachingConfigLoader`, which composes the first job of each
group combination and derives the rest (same keys, same values, same job record).

Its config replaces Hydra's own `hydra/sweeper=basic` (same keys, another
`_target_`), registered after Hydra's plugin scan as `watched_joblib` does.
"""

from __future__ import annotations

from typing import Any

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper, BasicSweeperConf
from hydra.core.config_search_path import ConfigSearchPath
from hydra.core.config_store import ConfigStore
from hydra.plugins.search_path_plugin import SearchPathPlugin
from omegaconf import OmegaConf

__all__ = ["CachingBasicSweeper", "CachingSweeperRegistration"]


class CachingBasicSweeper(BasicSweeper):
    """`BasicSweeper` whose jobs are composed once per group combination."""

    def setup(self, *, hydra_context: Any, task_function: Any, config: Any) -> None:
        from sim.run.compose_cache import CachingConfigLoader  # here: plugin scan is early

        if not isinstance(hydra_context.config_loader, CachingConfigLoader):
            hydra_context.config_loader = CachingConfigLoader(hydra_context.config_loader)
        super().setup(hydra_context=hydra_context, task_function=task_function, config=config)

    def validate_batch_is_legal(self, batch: Any) -> None:
        """Hydra's check that every job composes, without building each configuration."""
        loader = self.hydra_context.config_loader
        if not hasattr(loader, "check_sweep_overrides"):
            super().validate_batch_is_legal(batch)
            return
        for overrides in batch:
            loader.check_sweep_overrides(self.config, list(overrides))


def _register() -> None:
    conf = OmegaConf.structured(BasicSweeperConf)
    conf._target_ = f"{__name__}.CachingBasicSweeper"
    ConfigStore.instance().store(group="hydra/sweeper", name="basic", node=conf, provider="sim")


class CachingSweeperRegistration(SearchPathPlugin):
    """Registers our basic sweeper once Hydra has imported every plugin (see watched_joblib)."""

    def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:
        _register()
