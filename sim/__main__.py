"""Command line: `python -m sim [overrides]` runs one configuration; `-m` sweeps.

`python -m sim +sweep=demo` starts a ready-made sweep (configs/sweep/); see
docs/sweeps.md for launchers, resuming and the results folder.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.config import ConfigError, register_configs
from sim.sweep import register_resolvers

log = logging.getLogger("sim")
register_configs()
register_resolvers()


@hydra.main(version_base="1.3", config_path="../configs", config_name="config")
def main(cfg: DictConfig) -> None:
    """Thin entry point: a sweep job goes to `run_sweep_job`, a single run to `run_job`."""
    from sim.cli import run_job
    from sim.sweep import in_multirun, run_sweep_job

    out_dir = Path(HydraConfig.get().runtime.output_dir)
    progress = bool(cfg.get("progress", True))
    if in_multirun():
        run_sweep_job(cfg, out_dir, progress=progress)
        return
    try:
        run_job(cfg, out_dir, progress=progress)
    except ConfigError as err:
        log.error("configuration error: %s", err)
        sys.exit(2)


if __name__ == "__main__":
    main()
    from sim.callbacks import sweep_exit_status

    sys.exit(sweep_exit_status())
