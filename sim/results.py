"""Reading results folders, and streaming a sweep's job tables into one table.

A folder is a single run (or one sweep job: `manifest.json` of kind `job`) or a sweep
(`manifest.json` of kind `sweep`, one sub-folder per job). Only complete jobs (those
with a manifest, written last) are ever read, so a partial file is never taken for a
result. Aggregation reads one job at a time, so memory stays flat however many jobs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.store import atomic_write

__all__ = [
    "TABLES",
    "aggregate_table",
    "iter_job_tables",
    "load_manifest",
    "load_results",
    "sweep_jobs",
]

TABLES = ("runs", "meetings", "delegations")
AGGREGATED = ("runs", "meetings")  # written at a sweep's root; delegations stay per job
MANIFEST = "manifest.json"
# Jobs are gathered into row groups of about this size: one row group per job would
# grow the file footer (held in memory until the end) with the number of jobs.
ROW_GROUP_BYTES = 8 * 2**20


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def load_manifest(folder: Path | str) -> dict[str, Any]:
    """The manifest of a run, job or sweep folder."""
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise FileNotFoundError(f"{folder} is not a results folder (no {MANIFEST})")
    return json.loads(path.read_text(encoding="utf-8"))


def sweep_jobs(sweep_dir: Path | str) -> list[dict[str, Any]]:
    """The sweep's jobs (`key`, `params`), one per distinct configuration, in plan order.

    While a sweep runs (or after it was killed) the plan has no folder names yet;
    every complete job folder is listed instead.
    """
    sweep_dir = Path(sweep_dir)
    planned = load_manifest(sweep_dir).get("jobs") or []
    if not all(j.get("key") for j in planned):  # still running: every complete job folder
        folders = sorted(p for p in sweep_dir.iterdir() if (p / MANIFEST).exists())
        planned = [{"key": p.name, "num": i} for i, p in enumerate(folders)]
    seen: set[str] = set()
    unique = [j for j in planned if not (j["key"] in seen or seen.add(j["key"]))]
    for job in unique:
        if job.get("params") is None:
            job["params"] = (_read_json(sweep_dir / job["key"] / MANIFEST) or {}).get("params")
    return unique


def _with_params(table: pa.Table, params: dict[str, Any]) -> pa.Table:
    for name, value in params.items():
        if name in table.column_names:
            continue
        table = table.append_column(name, pa.array([value] * table.num_rows))
    return table


def iter_job_tables(
    sweep_dir: Path | str, table: str = "runs", jobs: list[dict[str, Any]] | None = None
) -> Iterator[pa.Table]:
    """Yield each complete job's table with its parameter columns, one job at a time."""
    sweep_dir = Path(sweep_dir)
    for job in sweep_jobs(sweep_dir) if jobs is None else jobs:
        folder = sweep_dir / job["key"]
        if not (folder / MANIFEST).exists() or not (folder / f"{table}.parquet").exists():
            continue  # incomplete or failed: never read
        data = pq.read_table(folder / f"{table}.parquet").replace_schema_metadata(None)
        yield _with_params(data, job.get("params") or {})


def _unified_schema(sweep_dir: Path, table: str, jobs: list[dict[str, Any]]) -> pa.Schema | None:
    """One schema for every job's table (read from file footers only, not the data)."""
    schemas = []
    for job in jobs:
        folder = sweep_dir / job["key"]
        if not (folder / MANIFEST).exists() or not (folder / f"{table}.parquet").exists():
            continue
        schema = pq.read_schema(folder / f"{table}.parquet").remove_metadata()
        for name, value in (job.get("params") or {}).items():
            if name not in schema.names:
                schema = schema.append(pa.field(name, pa.array([value]).type))
        schemas.append(schema)
    if not schemas:
        return None
    return pa.unify_schemas(schemas, promote_options="permissive")


def _conform(data: pa.Table, schema: pa.Schema) -> pa.Table:
    columns = [
        data.column(f.name).cast(f.type)
        if f.name in data.column_names
        else pa.nulls(data.num_rows, f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def aggregate_table(sweep_dir: Path | str, table: str = "runs") -> int:
    """Stream every complete job's `table` into `<sweep>/<table>.parquet`; return rows.

    Memory is bounded by one row group (`ROW_GROUP_BYTES`), whatever the number of
    jobs. Written atomically (temporary name, then rename); a sweep with no complete
    job gets an empty table.
    """
    sweep_dir = Path(sweep_dir)
    jobs = sweep_jobs(sweep_dir)
    schema = _unified_schema(sweep_dir, table, jobs)
    rows = 0

    def write(tmp: Path) -> None:
        nonlocal rows
        if schema is None:
            pq.write_table(pa.table({}), tmp)
            return
        buffer: list[pa.Table] = []
        with pq.ParquetWriter(tmp, schema) as writer:
            for data in iter_job_tables(sweep_dir, table, jobs):
                buffer.append(_conform(data, schema))
                rows += data.num_rows
                if sum(t.nbytes for t in buffer) >= ROW_GROUP_BYTES:
                    writer.write_table(pa.concat_tables(buffer))
                    buffer.clear()
            if buffer:
                writer.write_table(pa.concat_tables(buffer))

    atomic_write(sweep_dir / f"{table}.parquet", write)
    return rows


def load_results(folder: Path | str, table: str = "runs") -> pd.DataFrame:
    """Load a run or sweep folder's table as a DataFrame, configuration columns included.

    For a finished sweep the aggregate at its root is read; for a sweep still running
    or interrupted (or for `delegations`), the complete jobs' tables are gathered. The
    columns name each row's configuration: scenario, process, funding, decision,
    costs, `config_id`, `seed`, and one column per key the sweep varied.
    """
    if table not in TABLES:
        raise ValueError(f"table = {table!r}: expected one of {', '.join(TABLES)}")
    folder = Path(folder)
    manifest = load_manifest(folder)
    if manifest.get("kind") != "sweep":
        return pd.read_parquet(folder / f"{table}.parquet")
    root = folder / f"{table}.parquet"
    if table in AGGREGATED and manifest.get("status") not in (None, "running") and root.exists():
        return pd.read_parquet(root)
    jobs = sweep_jobs(folder)
    schema = _unified_schema(folder, table, jobs)
    if schema is None:
        return pd.DataFrame()
    parts = [_conform(t, schema) for t in iter_job_tables(folder, table, jobs)]
    return pa.concat_tables(parts).to_pandas() if parts else schema.empty_table().to_pandas()
