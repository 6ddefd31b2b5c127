"""Hydra callback that opens and closes a sweep: manifest, progress, aggregate tables.

It runs in the launching process under every launcher (basic, joblib, Ray,
Submitit). At the start it refuses an existing sweep folder unless resuming, writes
the plan into `manifest.json` and starts the progress report; at the end it streams
the complete jobs' tables into `runs.parquet` and `meetings.parquet` at the sweep's
root and completes the manifest: each job's status, seeds, rows and timings, and the
failed jobs with their tracebacks.

Importing this module registers the resolvers of `configs/hydra/default.yaml`; a
worker process that unpickles the callback (with Hydra's context) has them too.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from sim.progress import SweepProgress
from sim.results import AGGREGATED, aggregate_table
from sim.store import environment_info, utc_now, write_json
from sim.sweep import (
    FAILURE_FILE,
    MANIFEST,
    index_key,
    job_state,
    plan_jobs,
    read_json,
    register_resolvers,
    remove_temporaries,
    resume_flag,
)

__all__ = ["SweepCallback", "finish_sweep", "start_sweep", "sweep_exit_status"]

log = logging.getLogger("sim.sweep")
register_resolvers()
FORMAT_VERSION = 1

_last_summary: dict[str, Any] = {}


def sweep_exit_status() -> int:
    """1 if the last sweep closed in this process had failed or missing jobs, else 0."""
    totals = _last_summary.get("totals", {})
    return 1 if totals.get("failed") or totals.get("missing") else 0


def _children(folder: Path) -> list[Path]:
    return list(folder.iterdir()) if folder.is_dir() else []


def _check_folder(sweep_dir: Path, resume: bool | str) -> dict[str, Any] | None:
    """Refuse a folder that holds results unless resuming; return its earlier manifest."""
    previous = read_json(sweep_dir / MANIFEST)
    if previous is not None and previous.get("kind") != "sweep":
        raise FileExistsError(f"{sweep_dir} holds a single run's results, not a sweep")
    if previous is not None and not resume:
        raise FileExistsError(
            f"{sweep_dir} already holds a sweep: add resume=true to finish it, "
            "or choose another folder"
        )
    if previous is None and any((p / MANIFEST).exists() for p in _children(sweep_dir)):
        raise FileExistsError(f"{sweep_dir} holds job results but no sweep manifest")
    return previous


def start_sweep(config: DictConfig) -> tuple[Path, list[list[str]], int]:
    """Check the folder, write the plan into the manifest; return (folder, plan, done)."""
    sweep_dir = Path(str(config.hydra.sweep.dir)).resolve()
    previous = _check_folder(sweep_dir, resume_flag(config.get("resume", False)))
    plan = plan_jobs(config)
    done = sum(
        job_state(sweep_dir / key) == "completed"
        for key in (index_key(sweep_dir, o) for o in plan)
        if key
    )
    attempts = list((previous or {}).get("attempts") or [])
    attempts.append({"started": utc_now(), "command": environment_info()["command"]})
    manifest = {
        **environment_info(),
        "kind": "sweep",
        "format_version": FORMAT_VERSION,
        "name": str(config.get("sweep_name", "sweep")),
        "dir": str(sweep_dir),
        "status": "running",
        "started": (previous or {}).get("started") or utc_now(),
        "finished": None,
        "overrides": [str(o) for o in config.hydra.overrides.task],
        "hydra_overrides": [str(o) for o in config.hydra.overrides.hydra],
        "launcher": str(config.hydra.launcher.get("_target_", "")),
        "seed": config.get("seed"),
        "attempts": attempts,
        "jobs": [{"num": i, "overrides": o, "status": "pending"} for i, o in enumerate(plan)],
    }
    write_json(manifest, sweep_dir / MANIFEST)
    return sweep_dir, plan, done


def _job_record(sweep_dir: Path, job: dict[str, Any]) -> dict[str, Any]:
    key = job.get("key") or index_key(sweep_dir, job["overrides"])
    record = {"num": job["num"], "overrides": job["overrides"], "key": key}
    state = job_state(sweep_dir / key) if key else "absent"
    record["status"] = {"completed": "completed", "failed": "failed"}.get(state, "missing")
    if state == "completed":
        done = read_json(sweep_dir / key / MANIFEST) or {}
        for name in ("config_hash", "seed", "replications", "run_seeds", "params", "rows"):
            record[name] = done.get(name)
        record["timings_s"] = done.get("timings_s")
        record["finished"] = done.get("finished")
    elif state == "failed":
        failure = read_json(sweep_dir / key / FAILURE_FILE) or {}
        record["error"] = failure.get("error")
        record["traceback"] = failure.get("traceback")
    return record


def finish_sweep(sweep_dir: Path | str) -> dict[str, Any]:
    """Aggregate a sweep folder's complete jobs and write its final manifest."""
    sweep_dir = Path(sweep_dir)
    manifest = read_json(sweep_dir / MANIFEST)
    if manifest is None or manifest.get("kind") != "sweep":
        raise FileNotFoundError(f"{sweep_dir}: no sweep manifest")
    remove_temporaries(sweep_dir)  # an aggregation interrupted by a kill
    jobs = [_job_record(sweep_dir, job) for job in manifest.get("jobs", [])]
    write_json({**manifest, "jobs": jobs}, sweep_dir / MANIFEST)  # aggregation reads keys
    rows = {table: aggregate_table(sweep_dir, table) for table in AGGREGATED}
    failed = [j for j in jobs if j["status"] == "failed"]
    missing = [j for j in jobs if j["status"] == "missing"]
    finished = utc_now()
    attempts = list(manifest.get("attempts") or [{}])
    attempts[-1] = {**attempts[-1], "finished": finished}
    manifest.update(
        status="failed" if failed else "incomplete" if missing else "completed",
        finished=finished,
        attempts=attempts,
        jobs=jobs,
        rows=rows,
        totals={
            "jobs": len(jobs),
            "completed": sum(j["status"] == "completed" for j in jobs),
            "failed": len(failed),
            "missing": len(missing),
        },
        failures=[
            {k: j.get(k) for k in ("num", "key", "overrides", "error", "traceback")} for j in failed
        ],
    )
    write_json(manifest, sweep_dir / MANIFEST)
    return manifest


class SweepCallback(Callback):
    """Opens and closes every multirun (see the module docstring)."""

    def __init__(self) -> None:
        self._progress: SweepProgress | None = None

    def __getstate__(self) -> dict[str, Any]:
        # Launchers pickle the callback to their workers; the progress thread stays here.
        return {**self.__dict__, "_progress": None}

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        try:
            sweep_dir, plan, done = start_sweep(config)
        except (FileExistsError, FileNotFoundError) as err:
            log.error("%s", err)
            raise SystemExit(2) from err  # Hydra only warns about a callback's exceptions
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
        global _last_summary
        if self._progress is not None:
            self._progress.stop()
        sweep_dir = Path(str(config.hydra.sweep.dir)).resolve()
        manifest = finish_sweep(sweep_dir)
        _last_summary = manifest
        totals = manifest["totals"]
        log.info(
            "sweep %s: %d/%d job(s) completed, %d failed, %d missing; %d run rows in %s",
            manifest["status"],
            totals["completed"],
            totals["jobs"],
            totals["failed"],
            totals["missing"],
            manifest["rows"]["runs"],
            sweep_dir,
        )
        for job in manifest["failures"]:
            log.error("failed job #%s %s: %s", job["num"], " ".join(job["overrides"]), job["error"])
        if totals["failed"] or totals["missing"]:
            log.warning("to finish the sweep, re-run the same command with resume=true")
