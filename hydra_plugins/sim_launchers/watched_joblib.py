"""The joblib launcher, with workers that die with the sweep's process.

Why: loky's workers outlive a sweep killed with ``kill -9``: a busy one finishes its
job and writes it into the folder after the kill, an idle one lingers (holding the
sweep's stdout and stderr open, so a pipeline such as ``python -m sim ... | tee``
never ends). Every worker here starts with a watchdog (`sim.run.sweep.watch_sweep_process`)
that ends it as soon as the sweep's process is gone.

Hydra takes launchers only from the `hydra_plugins` package, and this module's config
replaces the plugin's own `hydra/launcher=joblib` (same keys, another `_target_`), so
every sweep that asks for joblib gets these workers.

Each job's configuration is composed here, in the sweep's process, where the sweeper's
check of the batch has just composed it (`cached_sweeper`: once per group combination),
and sent to a worker composed: Hydra's joblib launcher composes every job again in its
worker and sends each one the whole config loader. Jobs go to the workers as they are
composed, so the first workers start while the rest are composed. Once the jobs are
done the workers are ended (`_end_workers`), not kept for reuse until the process exits.
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
        return _launch(self, job_overrides, initial_job_idx)


def _launch(launcher: JoblibLauncher, job_overrides: Sequence[Sequence[str]], first: int) -> Any:
    """Hydra's joblib `launch`, but each job composed here and sent to a worker composed."""
    import logging
    from pathlib import Path

    from hydra.core.singleton import Singleton
    from hydra.core.utils import JobReturn, configure_log, setup_globals
    from hydra_plugins.hydra_joblib_launcher._core import process_joblib_cfg
    from joblib import Parallel, delayed
    from omegaconf import open_dict

    setup_globals()
    configure_log(launcher.config.hydra.hydra_logging, launcher.config.hydra.verbose)
    sweep_dir = Path(str(launcher.config.hydra.sweep.dir))
    sweep_dir.mkdir(parents=True, exist_ok=True)
    joblib_cfg = launcher.joblib
    joblib_cfg["backend"] = "loky"
    process_joblib_cfg(joblib_cfg)
    log = logging.getLogger("hydra_plugins.hydra_joblib_launcher._core")
    log.info("Joblib.Parallel(%s) is launching %d jobs", joblib_cfg, len(job_overrides))
    log.info("Launching jobs, sweep output dir : %s", sweep_dir)
    singleton_state = Singleton.get_state()
    loader = launcher.hydra_context.config_loader
    callbacks = launcher.hydra_context.callbacks

    def composed(idx: int, overrides: Sequence[str]) -> Any:
        sweep_config = loader.load_sweep_config(launcher.config, list(overrides))
        with open_dict(sweep_config):
            sweep_config.hydra.job.id = f"{sweep_config.hydra.job.name}_{idx}"
            sweep_config.hydra.job.num = idx
        return sweep_config

    runs = Parallel(**joblib_cfg)(
        delayed(_execute_composed)(
            composed(first + i, overrides), callbacks, launcher.task_function, singleton_state
        )
        for i, overrides in enumerate(job_overrides)
    )
    assert all(isinstance(run, JobReturn) for run in runs)
    _end_workers()
    return runs


def _end_workers() -> None:
    """End the pool's workers as soon as the batch's jobs are done.

    Why: loky keeps its workers for reuse until the process exits (~180 MB each with the
    model loaded), and a sweep's process exits only after `finish_sweep` has aggregated
    every job file here. The workers idled beside the aggregation, and that overlap was
    the peak memory of a 10,000-run sweep (benchmarks item 5: 640-690 MB against about
    500 MB while the jobs run). loky has no public getter that does not create a pool,
    hence its module's own reference.
    """
    from joblib.externals.loky import reusable_executor

    executor = reusable_executor._executor
    if executor is not None:
        executor.shutdown(wait=True)


def _execute_composed(
    sweep_config: Any, callbacks: Any, task_function: Any, singleton_state: Any
) -> Any:
    """One job in a worker: Hydra's `run_job` on a configuration composed by the sweep."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.core.singleton import Singleton
    from hydra.core.utils import run_job, setup_globals
    from hydra.types import HydraContext

    setup_globals()
    Singleton.set_state(singleton_state)
    HydraConfig.instance().set_config(sweep_config)
    return run_job(
        hydra_context=HydraContext(config_loader=None, callbacks=callbacks),
        config=sweep_config,
        task_function=task_function,
        job_dir_key="hydra.sweep.dir",
        job_subdir_key="hydra.sweep.subdir",
    )


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
