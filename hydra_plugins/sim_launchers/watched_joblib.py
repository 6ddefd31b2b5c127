"""The joblib launcher, with workers that die with the sweep's process.

Why: loky's workers outlive a sweep killed with ``kill -9``: a busy one finishes its
job and writes it into the folder after the kill, an idle one lingers (holding the
sweep's stdout and stderr open, so a pipeline such as ``python -m sim ... | tee``
never ends). Every worker here starts with a watchdog (`sim.sweep.watch_sweep_process`)
that ends it as soon as the sweep's process is gone. Selected by
`configs/hydra/launcher/joblib.yaml`, which takes the place of the plugin's own
`hydra/launcher=joblib`; Hydra accepts launchers only from the `hydra_plugins` package.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hydra_plugins.hydra_joblib_launcher.joblib_launcher import JoblibLauncher

from sim.sweep import watch_sweep_process

__all__ = ["WatchedJoblibLauncher"]


class WatchedJoblibLauncher(JoblibLauncher):
    """Hydra's joblib launcher; each loky worker first starts the sweep watchdog."""

    def launch(self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int) -> Any:
        self.joblib = {**self.joblib, "initializer": watch_sweep_process}
        return super().launch(job_overrides, initial_job_idx)
