"""Command line: `python -m sim [overrides]` runs one configuration; `-m` sweeps."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.config import ConfigError, register_configs

log = logging.getLogger("sim")
register_configs()


@hydra.main(version_base="1.3", config_path="../configs", config_name="config")
def main(cfg: DictConfig) -> None:
    """Thin entry point: hand the composed config to `sim.cli.run_job`."""
    from sim.cli import run_job

    out_dir = Path(HydraConfig.get().runtime.output_dir)
    try:
        run_job(cfg, out_dir, progress=bool(cfg.get("progress", True)))
    except ConfigError as err:
        log.error("configuration error: %s", err)
        sys.exit(2)


if __name__ == "__main__":
    main()
