"""Command line: `python -m sim [overrides]` runs one configuration; `-m` sweeps.

`python -m sim +sweep=demo` starts a ready-made sweep (configs/sweep/); see
docs/sweeps.md for launchers, resuming and the results folder. Errors are one line on
stderr, with the exit codes of `sim.errors`; the results folder is printed on stdout.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

import sim.run.resolvers  # noqa: F401  (registers the resolvers configs/hydra names)
from sim.config import register_configs
from sim.errors import INCOMPLETE, INTERRUPT, classify, fail, one_line

log = logging.getLogger("sim")
register_configs()


@hydra.main(version_base="1.3", config_path="../configs", config_name="config")
def _task(cfg: DictConfig) -> None:
    """One Hydra job: a sweep job goes to `run_sweep_job`, a single run to `run_job`."""
    from sim.run.job import run_job
    from sim.run.sweep import in_multirun, run_sweep_job

    out_dir = Path(HydraConfig.get().runtime.output_dir)
    progress = bool(cfg.get("progress", True))
    if in_multirun():
        run_sweep_job(cfg, out_dir, progress=progress)
        return
    run_job(cfg, out_dir, progress=progress)
    print(out_dir, flush=True)


def main() -> int:
    """Run the command; return its exit status (errors: one line on stderr)."""
    from sim.run.callbacks import abort_sweep, sweep_exit_status

    full_traceback = bool(os.environ.get("HYDRA_FULL_ERROR"))
    os.environ["HYDRA_FULL_ERROR"] = "1"  # Hydra raises instead of printing and exiting 1
    try:
        _task()
    except SystemExit:
        raise
    except KeyboardInterrupt as err:
        abort_sweep(err)
        sys.stderr.write("sim: interrupted; finish a sweep by re-running it with resume=true\n")
        return INTERRUPT
    except BaseException as err:
        abort_sweep(err)
        code = classify(err)
        if full_traceback or code is None:
            traceback.print_exception(err)
            sys.stderr.write(f"sim: error: {one_line(err)}\n")
            return sweep_exit_status() or INCOMPLETE
        fail(err, code)
    return sweep_exit_status()


if __name__ == "__main__":
    sys.exit(main())
