"""A sweep folder's manifest: opened at the start of each attempt, closed with a verdict.

Why: a sweep reports success only if every planned job's files are whole, every job
read the same input data, and the aggregate was written from exactly those jobs. The
closing manifest says so (`status: completed`) or lists each reason it cannot
(`problems`), and `exit_code` turns that into the command's exit status.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import Any

from sim.errors import INCOMPLETE, OK, STORAGE, USAGE, RefusedError, classify, one_line
from sim.store.faults import checkpoint
from sim.store.files import (
    CorruptFileError,
    file_record,
    read_json,
    remove_temporaries,
    sha256_file,
    write_json,
)
from sim.store.jobs import check_job, read_failure
from sim.store.layout import AGGREGATED, FORMAT_VERSION, INDEX_DIR, MANIFEST
from sim.store.lock import describe_holder, lock_holder
from sim.store.provenance import utc_now
from sim.store.supersede import supersede_stale_jobs

__all__ = [
    "RUN_KEYS",
    "changed_inputs",
    "check_sweep_folder",
    "exit_code",
    "finish_sweep",
    "identity_overrides",
    "index_key",
    "overrides_id",
    "start_sweep",
    "write_index",
]

# Run-level keys: how to run, not what to run; they never change a job's rows.
RUN_KEYS = frozenset({"resume", "progress", "sweep_name"})


def aggregate_table(sweep_dir: Any, table: str, jobs: Any) -> int:
    """`sim.store.aggregate.aggregate_table`, imported only when a sweep is aggregated.

    Why: it needs pyarrow (a second to import), which a sweep job never does.
    """
    from sim.store.aggregate import aggregate_table as aggregate

    return aggregate(sweep_dir, table, jobs)


def identity_overrides(overrides: Any) -> list[str]:
    """The overrides that define a sweep (no `hydra.*`, no run-level keys), sorted."""
    kept = []
    for item in overrides or []:
        key = str(item).split("=", 1)[0].lstrip("+~")
        if key.startswith("hydra.") or key.startswith("hydra/") or key in RUN_KEYS:
            continue
        kept.append(str(item))
    return sorted(kept)


def overrides_id(overrides: Any) -> str:
    """A short hash of a job's defining overrides (its entry in the sweep's index)."""
    text = "\n".join(identity_overrides(overrides))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def write_index(sweep_dir: Path, overrides: list[str], key: str) -> None:
    """Record that the job started with `overrides` writes into folder `key`."""
    entry = {"key": key, "overrides": list(overrides)}
    write_json(entry, Path(sweep_dir) / INDEX_DIR / f"{overrides_id(overrides)}.json")


def index_key(sweep_dir: Path, overrides: Any) -> str | None:
    """The folder of the job started with `overrides`, from the sweep's index."""
    entry = read_json(Path(sweep_dir) / INDEX_DIR / f"{overrides_id(overrides)}.json")
    return None if entry is None else entry.get("key")


def check_sweep_folder(sweep_dir: Path, resume: bool) -> dict[str, Any] | None:
    """Refuse a folder that holds results unless resuming; return its earlier manifest.

    Call with the folder's lock held, so no other sweep can start between the check
    and the manifest this attempt writes.
    """
    try:
        previous = read_json(sweep_dir / MANIFEST, strict=True)
    except CorruptFileError as err:
        raise RefusedError(f"{err}: move it aside to reuse this folder") from err
    if previous is not None and previous.get("kind") != "sweep":
        raise RefusedError(f"{sweep_dir} holds a single run's results, not a sweep")
    if previous is not None and not resume:
        raise RefusedError(
            f"{sweep_dir} already holds a sweep ({previous.get('status')}): add resume=true "
            "to finish it, or choose another folder"
        )
    if previous is None and any(sweep_dir.glob(f"*/{MANIFEST}")):
        raise RefusedError(f"{sweep_dir} holds job results but no sweep manifest")
    return previous


def changed_inputs(sweep_dir: Path) -> list[str]:
    """Input files that a complete job read and that have changed (or gone) since."""
    now: dict[str, str | None] = {}
    problems: dict[str, str] = {}
    for path in sorted(Path(sweep_dir).glob(f"*/{MANIFEST}")):
        for key, record in ((read_json(path) or {}).get("inputs") or {}).items():
            file = str(record.get("path"))
            if file not in now:
                now[file] = sha256_file(Path(file)) if Path(file).is_file() else None
            if now[file] != record.get("sha256") and file not in problems:
                change = "is gone" if now[file] is None else "has changed"
                problems[file] = (
                    f"{key}: {file} {change} since job {path.parent.name} read it "
                    f"(SHA-256 {str(record.get('sha256'))[:12]} then"
                    + (f", {now[file][:12]} now)" if now[file] else ")")
                )
    return list(problems.values())


def start_sweep(
    sweep_dir: Path, plan: list[list[str]], meta: dict[str, Any], previous: dict[str, Any] | None
) -> dict[str, Any]:
    """Write the manifest of a new attempt: the plan, status `running`; return it."""
    attempts = list((previous or {}).get("attempts") or [])
    attempts.append(
        {
            "started": utc_now(),
            "command": meta.get("command"),
            "git": meta.get("git"),
            "package_version": meta.get("package_version"),
        }
    )
    manifest = {
        **meta,
        "kind": "sweep",
        "format_version": FORMAT_VERSION,
        "dir": str(sweep_dir),
        "status": "running",
        "started": (previous or {}).get("started") or utc_now(),
        "finished": None,
        "attempts": attempts,
        "inputs": (previous or {}).get("inputs") or {},
        "jobs": [{"num": i, "overrides": o, "status": "pending"} for i, o in enumerate(plan)],
    }
    write_json(manifest, sweep_dir / MANIFEST)
    checkpoint("sweep-start")
    return manifest


_COPIED = ("config_hash", "seed", "replications", "crn", "run_seeds", "params", "rows", "inputs")


def _job_record(sweep_dir: Path, job: dict[str, Any]) -> dict[str, Any]:
    key = job.get("key") or index_key(sweep_dir, job["overrides"])
    record: dict[str, Any] = {"num": job["num"], "overrides": job["overrides"], "key": key}
    state, why = check_job(sweep_dir / key) if key else ("absent", None)
    record["status"] = state if state in ("completed", "failed", "corrupt") else "missing"
    if state == "completed":
        done = read_json(sweep_dir / key / MANIFEST) or {}
        record.update({name: done.get(name) for name in _COPIED})
        record["timings_s"] = done.get("timings_s")
        record["finished"] = done.get("finished")
    elif state == "failed":
        failure = read_failure(sweep_dir / key)
        for name in ("kind", "error", "traceback"):
            record[name] = failure.get(name)
    elif state == "corrupt":
        record["error"] = why
    elif key and (holder := lock_holder(sweep_dir / key)) is not None:
        record["error"] = f"still being written by {describe_holder(holder)}"
    return record


def _problem(job: dict[str, Any]) -> str:
    what = f"job #{job['num']} ({job.get('key') or ' '.join(job['overrides'])})"
    if job["status"] == "failed":
        return f"{what} failed: {job.get('error')}"
    if job["status"] == "corrupt":
        return f"{what} is damaged: {job.get('error')}"
    return f"{what} did not finish" + (f": {job['error']}" if job.get("error") else "")


def _input_conflicts(jobs: list[dict[str, Any]]) -> tuple[dict[str, str], list[str]]:
    """Every input file's digest over the complete jobs, and files read in two versions."""
    digests: dict[str, set[str]] = {}
    for job in jobs:
        for record in (job.get("inputs") or {}).values():
            digests.setdefault(str(record.get("path")), set()).add(str(record.get("sha256")))
    conflicts = [
        f"jobs read {len(d)} different versions of {path}: it changed during the sweep"
        for path, d in digests.items()
        if len(d) > 1
    ]
    return {p: next(iter(d)) for p, d in digests.items() if len(d) == 1}, conflicts


def finish_sweep(sweep_dir: Path | str) -> dict[str, Any]:
    """Verify every planned job, aggregate the complete ones, write the final manifest.

    The aggregate is written only from jobs whose files match their manifests; if it
    cannot be written (a full disk), the stale one is removed so nobody reads it.
    """
    sweep_dir = Path(sweep_dir)
    manifest = read_json(sweep_dir / MANIFEST)
    if manifest is None or manifest.get("kind") != "sweep":
        raise FileNotFoundError(f"{sweep_dir}: no sweep manifest")
    remove_temporaries(sweep_dir)  # an aggregation interrupted by a kill
    remove_temporaries(sweep_dir / INDEX_DIR)  # an index entry a killed job was writing
    jobs = [_job_record(sweep_dir, job) for job in manifest.get("jobs", [])]
    superseded = supersede_stale_jobs(sweep_dir, [j["key"] for j in jobs if j["key"]])
    complete = [j for j in jobs if j["status"] == "completed"]
    inputs, conflicts = _input_conflicts(complete)
    problems = [_problem(j) for j in jobs if j["status"] != "completed"] + conflicts
    aggregates: dict[str, Any] = {}
    aggregation_error = None
    try:
        for table in AGGREGATED:
            rows = aggregate_table(sweep_dir, table, complete)
            aggregates[table] = {"rows": rows, **file_record(sweep_dir / f"{table}.parquet")}
    except Exception as err:  # a full disk, a job file damaged since it was checked
        aggregation_error = {"error": one_line(err), "exit_code": classify(err) or INCOMPLETE}
        problems.append(f"aggregation failed: {one_line(err)}")
        aggregates = {}
        for table in AGGREGATED:  # never leave an aggregate that is not current
            with contextlib.suppress(OSError):
                (sweep_dir / f"{table}.parquet").unlink()
    finished = utc_now()
    attempts = list(manifest.get("attempts") or [{}])
    attempts[-1] = {**attempts[-1], "finished": finished}
    failed = any(j["status"] == "failed" for j in jobs) or conflicts or aggregation_error
    status = "completed" if not problems else "failed" if failed else "incomplete"
    manifest.update(
        status=status,
        finished=finished,
        attempts=attempts,
        jobs=jobs,
        inputs={**(manifest.get("inputs") or {}), **inputs},
        rows={t: a["rows"] for t, a in aggregates.items()},
        aggregates=aggregates,
        aggregation_error=aggregation_error,
        problems=problems,
        superseded=[str(p.relative_to(sweep_dir)) for p in superseded]
        + list(manifest.get("superseded") or []),
        totals={
            "jobs": len(jobs),
            "completed": len(complete),
            "failed": sum(j["status"] == "failed" for j in jobs),
            "missing": sum(j["status"] == "missing" for j in jobs),
            "corrupt": sum(j["status"] == "corrupt" for j in jobs),
        },
        failures=[
            {k: j.get(k) for k in ("num", "key", "overrides", "kind", "error", "traceback")}
            for j in jobs
            if j["status"] == "failed"
        ],
    )
    write_json(manifest, sweep_dir / MANIFEST)
    checkpoint("sweep-end")
    return manifest


def exit_code(manifest: dict[str, Any]) -> int:
    """The command's exit status for a closed sweep (see `sim.errors`)."""
    if manifest.get("status") == "completed":
        return OK
    if any(f.get("kind") == "configuration" for f in manifest.get("failures") or []):
        return USAGE
    if (manifest.get("aggregation_error") or {}).get("exit_code") == STORAGE:
        return STORAGE
    if any(f.get("kind") == "storage" for f in manifest.get("failures") or []):
        return STORAGE
    return INCOMPLETE
