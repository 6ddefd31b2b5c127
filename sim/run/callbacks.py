"""Hydra callbacks that open and close every run and sweep, in the launching process.

`RunCallback` checks a single run before Hydra writes anything: its configuration
(a bad value stops here, leaving nothing behind) and its folder (a finished run is
never touched; the folder is locked for the run's life). `SweepCallback` opens a
sweep: it locks the folder for the sweep's life, refuses a folder that holds results
unless resuming (and a resume whose input data changed), writes the plan into the
manifest and starts the progress report; at the end it verifies, aggregates and
writes the verdict (`sim.store.sweeps`). Hydra turns a callback's exceptions into
warnings, so every error here ends the command itself (`sim.errors.fail`).

Importing this module imports `sim.run.resolvers`, so a worker process that unpickles
the callbacks (with Hydra's context) has the resolvers of `configs/hydra/default.yaml`.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

import sim.run.resolvers  # noqa: F401  (a worker unpickling these callbacks needs them)
from sim.config import to_sim_config
from sim.config.compose import check_overrides
from sim.errors import INCOMPLETE, RefusedError, UsageError, classify, fail, one_line
from sim.run.progress import SweepProgress
from sim.run.seeds import sweep_crn
from sim.run.sweep import (
    SWEEP_PID,
    check_keys,
    model_inputs,
    plan_jobs,
    resume_flag,
)
from sim.store import (
    INDEX_DIR,
    LOCK_FILE,
    MANIFEST,
    FolderBusyError,
    FolderLock,
    StaleLockError,
    changed_inputs,
    check_sweep_folder,
    environment_info,
    exit_code,
    finish_sweep,
    index_key,
    job_state,
    remove_if_empty,
    start_sweep,
    write_bytes,
)
from sim.store.lock import CLAIMED

__all__ = ["RunCallback", "SweepCallback", "abort_sweep", "open_run_folder", "sweep_exit_status"]

log = logging.getLogger("sim.run.sweep")

_exit_status = 0
_active: _Sweep | None = None


def sweep_exit_status() -> int:
    """The exit status of the last sweep closed in this process (0 if none)."""
    return _exit_status


def _fail(err: BaseException) -> None:
    if isinstance(err, SystemExit):
        raise err
    if classify(err) is None:  # a bug: its traceback helps
        traceback.print_exception(err)
    fail(err)


def open_run_folder(run_dir: Path) -> FolderLock:
    """Lock a single run's folder, refusing one that holds a finished run or is in use."""
    if (run_dir / MANIFEST).exists():
        raise RefusedError(
            f"{run_dir} already holds a completed run; choose another folder (hydra.run.dir=...)"
        )
    lock = FolderLock.acquire(run_dir, kind="run", takeover=True)
    if lock.taken_over:
        log.warning("%s: taking over the folder of a run that was killed", run_dir)
    if (run_dir / MANIFEST).exists():
        lock.release()
        raise RefusedError(f"{run_dir} already holds a completed run")
    return lock


class RunCallback(Callback):
    """Checks a single run's configuration and folder before Hydra writes into it."""

    def __init__(self) -> None:
        self._lock: FolderLock | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_lock": None}

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        run_dir = None
        try:
            check_keys(config)
            check_overrides([str(o) for o in config.hydra.overrides.task])
            to_sim_config(model_inputs(config))  # before the folder exists: leaves nothing
            run_dir = Path(str(config.hydra.run.dir)).resolve()
            self._lock = open_run_folder(run_dir)
        except BaseException as err:
            if run_dir is not None:
                remove_if_empty(run_dir)
            _fail(err)

    def on_run_end(self, config: DictConfig, **kwargs: Any) -> None:
        if self._lock is not None:
            self._lock.release()


class _Sweep:
    """One attempt at a sweep: its folder, lock, plan, and the manifest it replaced."""

    def __init__(
        self, sweep_dir: Path, lock: FolderLock, plan: list[list[str]], before: bytes | None
    ):
        self.sweep_dir, self.lock, self.plan, self.before = sweep_dir, lock, plan, before
        self.created = sweep_dir in CLAIMED
        self.t0 = time.time()

    def jobs_started(self) -> bool:
        index = self.sweep_dir / INDEX_DIR
        return index.is_dir() and any(p.stat().st_mtime >= self.t0 - 1 for p in index.iterdir())

    def close(self) -> dict[str, Any]:
        try:
            return finish_sweep(self.sweep_dir)
        finally:
            self.lock.release()

    def undo(self) -> None:
        """Leave the folder as this attempt found it (no job ran): the old manifest, or none."""
        try:
            if self.before is not None:
                write_bytes(self.before, self.sweep_dir / MANIFEST)
            else:  # a new sweep: every file in the folder is this attempt's
                for name in (MANIFEST, "multirun.yaml"):
                    (self.sweep_dir / name).unlink(missing_ok=True)
                if (self.sweep_dir / INDEX_DIR).is_dir():
                    (self.sweep_dir / INDEX_DIR).rmdir()
        finally:
            self.lock.release()
            if self.created and not any(p.name != LOCK_FILE for p in self.sweep_dir.iterdir()):
                remove_if_empty(self.sweep_dir)


def _check_plan(config: DictConfig, plan: list[list[str]]) -> None:
    """Refuse what would run wrongly: a job twice, a bad true/false, joblib with 0 workers."""
    seen: dict[tuple[str, ...], int] = {}
    for num, job in enumerate(plan):
        check_overrides(job)
        key = tuple(sorted(job))
        if key in seen:
            raise UsageError(
                f"jobs #{seen[key]} and #{num} are the same configuration "
                f"({' '.join(job)}): a value is listed twice in the sweep"
            )
        seen[key] = num
    launcher = config.hydra.launcher
    if "joblib" in str(launcher.get("_target_", "")):
        n_jobs = launcher.get("n_jobs")
        if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0:
            raise UsageError(
                f"hydra.launcher.n_jobs = {n_jobs!r} is not allowed: expected a number of "
                "workers (1 or more), or -1 for every core"
            )


def _open_sweep(config: DictConfig) -> _Sweep:
    check_keys(config)
    plan = plan_jobs(config)
    _check_plan(config, plan)
    sweep_dir = Path(str(config.hydra.sweep.dir)).resolve()  # may claim a new folder
    resume = resume_flag(config.get("resume", False))
    try:
        lock = FolderLock.acquire(sweep_dir, kind="sweep", takeover=bool(resume))
    except StaleLockError as err:
        remove_if_empty(sweep_dir)
        raise RefusedError(f"{err}: add resume=true to finish it") from err
    except FolderBusyError as err:
        raise RefusedError(f"{err}: wait for it to end, or stop it, first") from err
    except OSError:
        remove_if_empty(sweep_dir)
        raise
    try:
        if lock.taken_over:
            log.warning("%s: taking over from a sweep that was killed; resuming it", sweep_dir)
        previous = check_sweep_folder(sweep_dir, bool(resume))
        if previous is not None:
            changed = changed_inputs(sweep_dir)
            if changed:
                raise RefusedError(
                    f"resume refused: {changed[0]}; restore it, or start a new sweep "
                    "(without resume) for the new data"
                )
            _warn_other_code(previous)
        crn = sweep_crn(config.get("crn", "auto"), plan)  # what every job uses
        was = (previous or {}).get("crn")
        if isinstance(was, bool) and was != crn:
            raise RefusedError(
                f"resume refused: {sweep_dir} was run with crn={str(was).lower()} and this "
                f"attempt asks for crn={str(crn).lower()}; its jobs would mix two seed "
                "schemes: resume it without changing crn, or start a new sweep"
            )
        before = (sweep_dir / MANIFEST).read_bytes() if previous is not None else None
        meta = {
            **environment_info(),
            "name": str(config.get("sweep_name", "sweep")),
            "overrides": [str(o) for o in config.hydra.overrides.task],
            "hydra_overrides": [str(o) for o in config.hydra.overrides.hydra],
            "launcher": str(config.hydra.launcher.get("_target_", "")),
            "seed": config.get("seed"),
            "crn": crn,
        }
        start_sweep(sweep_dir, plan, meta, previous)
    except BaseException:
        lock.release(restore=True)
        if sweep_dir in CLAIMED and not (sweep_dir / MANIFEST).exists():
            remove_if_empty(sweep_dir)
        raise
    os.environ[SWEEP_PID] = str(os.getpid())  # local workers die with this process
    return _Sweep(sweep_dir, lock, plan, before)


def _warn_other_code(previous: dict[str, Any]) -> None:
    last = (previous.get("attempts") or [{}])[-1].get("git") or previous.get("git") or {}
    now = environment_info()["git"]
    if last.get("commit") not in (None, now.get("commit")):
        log.warning(
            "resuming a sweep started at git commit %s with commit %s: if the model "
            "changed in between, its rows mix two versions of it",
            str(last.get("commit"))[:10],
            str(now.get("commit"))[:10],
        )


def abort_sweep(err: BaseException) -> None:
    """Close the sweep of this process after `err` stopped it (see `sim.__main__`)."""
    global _active, _exit_status
    sweep, _active = _active, None
    if sweep is None:
        return
    if not sweep.jobs_started():  # nothing ran: leave the folder as it was found
        sweep.undo()
        return
    if isinstance(err, KeyboardInterrupt):  # the manifest stays `running`, for a resume
        sweep.lock.release()
        return
    try:
        manifest = sweep.close()
    except Exception as close_err:
        log.error("could not close the sweep: %s", one_line(close_err))
        return
    _exit_status = exit_code(manifest) or INCOMPLETE
    _report(sweep.sweep_dir, manifest)


def _report(sweep_dir: Path, manifest: dict[str, Any]) -> None:
    """The sweep's verdict: one log line if complete; else each problem, on stderr."""
    totals = manifest["totals"]
    if manifest["status"] == "completed":
        log.info(
            "sweep completed: %d job(s), %d run rows in %s",
            totals["jobs"],
            manifest["rows"]["runs"],
            sweep_dir,
        )
        return
    lines = [
        f"sim: error: sweep {sweep_dir} is not complete ({manifest['status']}): "
        f"{totals['completed']} of {totals['jobs']} jobs complete"
    ]
    lines += [f"  {problem}" for problem in manifest.get("problems") or []]
    lines.append("  fix the cause, then re-run the same command with resume=true")
    sys.stderr.write("\n".join(lines) + "\n")


class SweepCallback(Callback):
    """Opens and closes every multirun (see the module docstring)."""

    def __init__(self) -> None:
        self._progress: SweepProgress | None = None

    def __getstate__(self) -> dict[str, Any]:
        # Launchers pickle the callback to their workers; the progress thread stays here.
        return {**self.__dict__, "_progress": None}

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        global _active
        try:
            _active = _open_sweep(config)
        except BaseException as err:
            _fail(err)
        sweep_dir, plan = _active.sweep_dir, _active.plan
        done = sum(
            job_state(sweep_dir / key) == "completed"
            for key in (index_key(sweep_dir, o) for o in plan)
            if key
        )
        log.info("sweep %s: %d job(s), %d already complete", sweep_dir, len(plan), done)
        self._progress = SweepProgress(sweep_dir, plan, enabled=bool(config.get("progress")))
        self._progress.start(initial=done)

    def on_job_end(self, config: DictConfig, job_return: Any = None, **kwargs: Any) -> None:
        # Hydra keeps every job's return, with two copies of its config, until the sweep
        # ends: drop the copies so the launching process stays flat over many jobs.
        if job_return is not None:
            job_return.cfg = None
            job_return.hydra_cfg = None

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        global _active, _exit_status
        if self._progress is not None:
            self._progress.stop()
        sweep, _active = _active, None
        if sweep is None:
            return
        try:
            manifest = sweep.close()
        except BaseException as err:  # the manifest could not be written (a full disk)
            _exit_status = classify(err) or INCOMPLETE
            sys.stderr.write(f"sim: error: sweep {sweep.sweep_dir} not closed: {one_line(err)}\n")
            return
        _exit_status = exit_code(manifest)
        _report(sweep.sweep_dir, manifest)
        print(sweep.sweep_dir, flush=True)  # stdout: the folder, for scripts
