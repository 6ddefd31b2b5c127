"""Command line: `python -m sim [overrides]` runs one configuration; `-m` sweeps.

`python -m sim +sweep=demo` starts a ready-made sweep (configs/sweep/); see
docs/sweeps.md for launchers, resuming and the results folder. Errors are one line on
stderr, with the exit codes of `sim.errors`; the results folder is printed on stdout.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import traceback
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

import sim.run.resolvers  # noqa: F401  (registers the resolvers configs/hydra names)
from sim.config import CONFIG_DIR, register_configs
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


_SETS_MODE = re.compile(r"^\s*mode\s*:\s*\w", re.MULTILINE)


def _mode_from_the_command_line() -> None:
    """Let Hydra skip the composition it makes only to read `hydra.mode` when nothing sets it.

    Why: before every run Hydra composes the whole configuration once just to read
    `hydra.mode`, then again to run: 0.3 s of a configuration error's 0.65 s. Here only
    the sweep presets (`+sweep=...`) set it. When no override names a config group that
    does, nor `hydra.mode` itself, and the primary config names none, the answer is
    Hydra's own for an unset mode (None: `-m` or not decides), so the composition is
    skipped; otherwise Hydra composes as always.
    """
    from hydra._internal.hydra import Hydra

    original = Hydra.get_mode
    if getattr(original, "__code__", None) is None:
        return
    groups = {
        path.parent.relative_to(CONFIG_DIR).as_posix()
        for path in CONFIG_DIR.rglob("*.yaml")
        if _SETS_MODE.search(path.read_text(encoding="utf-8"))
    }
    primary = (CONFIG_DIR / "config.yaml").read_text(encoding="utf-8")
    in_defaults = (rf"^\s*-\s*(override\s+)?/?{re.escape(g)}\s*:" for g in groups)
    if "." in groups or any(re.search(p, primary, re.MULTILINE) for p in in_defaults):
        return

    def get_mode(self, config_name, overrides):
        named = {o.lstrip("+~").split("=", 1)[0].split("@", 1)[0] for o in overrides}
        if config_name != "config" or "hydra.mode" in named or named & groups:
            return original(self, config_name, overrides)
        return None

    Hydra.get_mode = get_mode


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
    if not any(a.startswith(("--config", "-cp", "-cn", "-cd")) for a in sys.argv[1:]):
        _mode_from_the_command_line()
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
