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
from sim.errors import INCOMPLETE, INTERRUPT, classify, fail, full_tracebacks, one_line

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
        run_sweep_job(cfg, out_dir)
        return
    run_job(cfg, out_dir, progress=progress)
    print(out_dir, flush=True)


def _one_repository_for_help() -> None:
    """`--help` lists every config group; let one copy of Hydra's repository serve them all.

    Why: for each of the ~90 groups (ours and Hydra's) Hydra deep-copies its whole
    config repository, the project's typed schema included: 0.5 s of a 1 s `--help`.
    The listing only reads the copy, so one per (config, overrides) gives the same text.
    """
    from hydra._internal.config_loader_impl import ConfigLoaderImpl

    original = ConfigLoaderImpl.get_group_options
    repositories: dict[tuple, object] = {}

    def get_group_options(self, group_name, results_filter=None, config_name=None, overrides=None):
        from hydra.core.object_type import ObjectType

        key = (id(self), config_name, tuple(overrides or ()))
        if key not in repositories:
            _, repositories[key] = self._parse_overrides_and_create_caching_repo(
                config_name, list(overrides or [])
            )
        kind = ObjectType.CONFIG if results_filter is None else results_filter
        return repositories[key].get_group_options(group_name, kind)

    if getattr(original, "__code__", None) is not None and hasattr(
        ConfigLoaderImpl, "_parse_overrides_and_create_caching_repo"
    ):
        ConfigLoaderImpl.get_group_options = get_group_options


def _abort_sweep(err: BaseException) -> None:
    callbacks = sys.modules.get("sim.run.callbacks")  # loaded by Hydra once a job starts
    if callbacks is not None:
        callbacks.abort_sweep(err)


def _sweep_exit_status() -> int:
    """The sweep's exit status; 0 when no run or sweep started.

    Hydra loads the callbacks module as it starts a run or sweep, so `--help` and a
    configuration error never import it, nor the model and numpy behind it.
    """
    callbacks = sys.modules.get("sim.run.callbacks")
    return callbacks.sweep_exit_status() if callbacks is not None else 0


def main() -> int:
    """Run the command; return its exit status (errors: one line on stderr)."""
    if "--help" in sys.argv[1:] or "-h" in sys.argv[1:]:
        _one_repository_for_help()
    full_traceback = full_tracebacks()  # HYDRA_FULL_ERROR=0 means off
    os.environ["HYDRA_FULL_ERROR"] = "1"  # Hydra raises instead of printing and exiting 1
    try:
        _task()
    except SystemExit:
        raise
    except KeyboardInterrupt as err:
        _abort_sweep(err)
        sys.stderr.write("sim: interrupted; finish a sweep by re-running it with resume=true\n")
        return INTERRUPT
    except BaseException as err:
        _abort_sweep(err)
        code = classify(err)
        if full_traceback or code is None:
            traceback.print_exception(err)
            sys.stderr.write(f"sim: error: {one_line(err)}\n")
            return _sweep_exit_status() or INCOMPLETE
        fail(err, code)
    return _sweep_exit_status()


if __name__ == "__main__":
    sys.exit(main())
