"""Run and job folders: write their results, tell complete from damaged, record failures.

Why: a folder is complete when its manifest is there (written last), but a file can be
damaged after that (a truncated copy, a full disk on a sync, a stray edit); a resume
that trusted the manifest alone would skip such a job forever. The manifest records
each file's size and SHA-256, `check_job` compares them, and a damaged job is moved
aside (`quarantine`), never deleted, before it is run again.
"""

from __future__ import annotations

import traceback
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported by whoever hands us a frame
    import pandas as pd

from sim.store.faults import checkpoint
from sim.store.files import (
    CorruptFileError,
    file_record,
    read_json,
    verify_file,
    write_json,
    write_parquet,
)
from sim.store.layout import (
    CONFIG_FILE,
    FAILURE_FILE,
    FORMAT_VERSION,
    LOCK_FILE,
    MANIFEST,
    QUARANTINE_DIR,
)
from sim.store.provenance import utc_now

__all__ = [
    "check_job",
    "job_state",
    "quarantine",
    "read_failure",
    "verify_results",
    "write_failure",
    "write_results",
]


def write_results(
    out_dir: Path, tables: dict[str, pd.DataFrame], manifest: dict[str, Any]
) -> dict[str, Any]:
    """Write the tables, then the manifest with every file's size and SHA-256; return it.

    `config.yaml` (written when the run started) is recorded too.
    """
    out_dir = Path(out_dir)
    files = {}
    if (out_dir / CONFIG_FILE).exists():
        files[CONFIG_FILE] = file_record(out_dir / CONFIG_FILE)
    for name, frame in tables.items():
        path = write_parquet(frame, out_dir / f"{name}.parquet")
        files[path.name] = file_record(path)
    checkpoint("job-tables")
    manifest = {**manifest, "format_version": FORMAT_VERSION, "files": files}
    write_json(manifest, out_dir / MANIFEST)
    checkpoint("job-done")
    return manifest


def verify_results(folder: Path, manifest: dict[str, Any], checksum: bool = True) -> str | None:
    """Why a complete folder's files no longer match its manifest; None if they do."""
    folder = Path(folder)
    files = manifest.get("files")
    if files is None:  # format 1 (no checksums): the tables must be whole Parquet files
        for table, rows in (manifest.get("rows") or {}).items():
            path = folder / f"{table}.parquet"
            try:
                import pyarrow.parquet as pq  # here: a second to import, seldom needed

                found = pq.read_metadata(path).num_rows
            except FileNotFoundError:
                return f"{path}: missing"
            except Exception as err:  # pyarrow raises several types for a damaged footer
                return f"{path}: not a readable Parquet file ({err})"
            if found != rows:
                return f"{path}: {found} rows, {rows} when written"
        return None
    for name, record in files.items():
        problem = verify_file(folder / name, record, checksum)
        if problem:
            return f"{folder / name}: {problem}"
    return None


def check_job(job_dir: Path, checksum: bool = True) -> tuple[str, str | None]:
    """(state, why): `completed`, `corrupt`, `failed`, `incomplete` (started) or `absent`."""
    job_dir = Path(job_dir)
    try:
        manifest = read_json(job_dir / MANIFEST, strict=True)
    except CorruptFileError as err:
        return "corrupt", str(err)
    if manifest is None:
        if (job_dir / FAILURE_FILE).exists():
            return "failed", None
        return ("incomplete" if job_dir.exists() else "absent"), None
    problem = verify_results(job_dir, manifest, checksum)
    return ("corrupt", problem) if problem else ("completed", None)


def job_state(job_dir: Path) -> str:
    """The cheap state (manifest present, sizes right; no checksums): see `check_job`."""
    return check_job(job_dir, checksum=False)[0]


def quarantine(job_dir: Path, sweep_dir: Path) -> Path:
    """Move a damaged job's files to `<sweep>/.quarantine/<name>-<time>/` (kept, not deleted).

    The folder itself stays, with its lock, for the job to run again in.
    """
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S%f")
    target = Path(sweep_dir) / QUARANTINE_DIR / f"{Path(job_dir).name}-{stamp}"
    target.mkdir(parents=True)
    for entry in Path(job_dir).iterdir():
        if entry.name != LOCK_FILE:
            entry.rename(target / entry.name)
    return target


def write_failure(
    job_dir: Path, overrides: list[str], error: BaseException | None, kind: str
) -> None:
    """Record a failed job (its error class, one line and traceback) in its folder."""
    tb = "".join(traceback.format_exception(error)) if error is not None else ""
    record = {
        "status": "failed",
        "kind": kind,
        "error": f"{type(error).__name__}: {error}" if error is not None else "unknown",
        "traceback": tb,
        "overrides": list(overrides),
        "finished": utc_now(),
    }
    write_json(record, Path(job_dir) / FAILURE_FILE)


def read_failure(job_dir: Path) -> dict[str, Any]:
    """A failed job's record (empty if it cannot be read)."""
    return read_json(Path(job_dir) / FAILURE_FILE) or {}
