"""The joblib launcher, with workers that die with the sweep's process.

Why: loky's workers outlive a sweep killed with ``kill -9``: a busy one finishes its
job and writes it into the folder after the kill, an idle one lingers (holding the
sweep's stdout and stderr open, so a pipeline such as ``python -m sim ... | tee``
never ends). Every worker here starts with a watchdog (`sim.run.sweep.watch_sweep_process`)
that ends it as soon as the sweep's process is gone.

Hydra takes launchers only from the `hydra_plugins` package, and this module's config
replaces the plugin's own `hydra/launcher=joblib` (same keys, another `_target_`), so
every sweep that asks for joblib gets these workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hydra.core.config_search_path import ConfigSearchPath
from hydra.core.config_store import ConfigStore
from hydra.plugins.search_path_plugin import SearchPathPlugin
from hydra_plugins.hydra_joblib_launcher.config import JobLibLauncherConf
from hydra_plugins.hydra_joblib_launcher.joblib_launcher import JoblibLauncher
from omegaconf import OmegaConf

__all__ = ["WatchedJoblibLauncher", "WatchedJoblibRegistration"]


class WatchedJoblibLauncher(JoblibLauncher):
    """Hydra's joblib launcher; each loky worker first starts the sweep watchdog."""

    def launch(self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int) -> Any:
        from sim.run.sweep import watch_sweep_process  # here: Hydra imports plugins at start-up

        self.joblib = {**self.joblib, "initializer": watch_sweep_process, "initargs": (True,)}
        return super().launch(job_overrides, initial_job_idx)


def _register() -> None:
    """Make `hydra/launcher=joblib` ours: the plugin's settings, with our `_target_`.

    A typed copy of the plugin's node, not a dataclass: Hydra's plugin scan runs this
    module outside sys.modules, where dataclasses cannot read postponed annotations.
    """
    conf = OmegaConf.structured(JobLibLauncherConf)
    conf._target_ = f"{__name__}.WatchedJoblibLauncher"
    ConfigStore.instance().store(group="hydra/launcher", name="joblib", node=conf, provider="sim")


class WatchedJoblibRegistration(SearchPathPlugin):
    """Registers our joblib config once Hydra has imported every plugin.

    Hydra's plugin scan re-runs each plugin module, the joblib plugin's among them, in
    an order that depends on sys.path: a registration at import could be overwritten.
    Search paths are built after the scan and before any config is composed.
    """

    def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:
        _register()
