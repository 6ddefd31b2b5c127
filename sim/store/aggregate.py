"""Stream a sweep's job tables into one table, one job at a time.

Why: a sweep of thousands of jobs must aggregate in flat memory, and every job's file
must end under one schema, so that `pandas.read_parquet` and
`polars.read_parquet("sweep/*/runs.parquet")` read the sweep alike. Only the jobs the
caller names (complete and verified, see `sim.store.sweeps`) are ever read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sim.store.faults import checkpoint
from sim.store.files import atomic_write

__all__ = ["ROW_GROUP_BYTES", "aggregate_table", "conform", "iter_job_tables", "unified_schema"]

# Jobs are gathered into row groups of about this size: one row group per job would
# grow the file footer (held in memory until the end) with the number of jobs.
ROW_GROUP_BYTES = 8 * 2**20
_NULLABLE = {"Int64", "Int32", "boolean", "Float64"}


def _with_params(table: pa.Table, params: dict[str, Any]) -> pa.Table:
    for name, value in params.items():
        if name in table.column_names:
            continue
        table = table.append_column(name, pa.array([value] * table.num_rows))
    return table


def _job_file(sweep_dir: Path, job: dict[str, Any], table: str) -> Path:
    return sweep_dir / job["key"] / f"{table}.parquet"


def iter_job_tables(
    sweep_dir: Path | str, table: str, jobs: Iterable[dict[str, Any]]
) -> Iterator[pa.Table]:
    """Yield each job's `table` with its parameter columns (jobs: `key`, `params`)."""
    sweep_dir = Path(sweep_dir)
    for job in jobs:
        path = _job_file(sweep_dir, job, table)
        if not path.exists():  # a job of an older format without this table
            continue
        data = pq.read_table(path).replace_schema_metadata(None)
        yield _with_params(data, job.get("params") or {})


def unified_schema(sweep_dir: Path | str, table: str, jobs: list[dict[str, Any]]) -> pa.Schema:
    """One schema for every job's table (read from file footers only, not the data).

    It keeps pandas' column types (so counts read back as nullable ``Int64``), taking a
    nullable type wherever one job file has it.
    """
    sweep_dir = Path(sweep_dir)
    schemas = []
    pandas_columns: dict[str, dict[str, Any]] = {}
    for job in jobs:
        path = _job_file(sweep_dir, job, table)
        if not path.exists():
            continue
        schema = pq.read_schema(path)
        for column in (schema.pandas_metadata or {}).get("columns", []):
            known = pandas_columns.get(column["name"])
            if known is None or str(column.get("numpy_type", "")) in _NULLABLE:
                pandas_columns[column["name"]] = column
        schema = schema.remove_metadata()
        for name, value in (job.get("params") or {}).items():
            if name not in schema.names:
                schema = schema.append(pa.field(name, pa.array([value]).type))
        schemas.append(schema)
    if not schemas:
        return pa.schema([])
    unified = pa.unify_schemas(schemas, promote_options="permissive")
    columns = [pandas_columns[n] for n in unified.names if n in pandas_columns]
    meta = {"index_columns": [], "column_indexes": [], "columns": columns}
    return unified.with_metadata({b"pandas": json.dumps(meta).encode()})


def conform(data: pa.Table, schema: pa.Schema) -> pa.Table:
    """`data` with exactly `schema`'s columns (missing ones null), cast to its types."""
    columns = [
        data.column(f.name).cast(f.type)
        if f.name in data.column_names
        else pa.nulls(data.num_rows, f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def aggregate_table(sweep_dir: Path | str, table: str, jobs: list[dict[str, Any]]) -> int:
    """Stream the `jobs`' `table` into `<sweep>/<table>.parquet`; return its rows.

    Memory is bounded by one row group (`ROW_GROUP_BYTES`), whatever the number of
    jobs. Written atomically: a failure (a full disk) leaves the previous file, or none.
    """
    sweep_dir = Path(sweep_dir)
    schema = unified_schema(sweep_dir, table, jobs)
    rows = 0

    def write(tmp: Path) -> None:
        nonlocal rows
        buffer: list[pa.Table] = []
        with pq.ParquetWriter(tmp, schema) as writer:
            for data in iter_job_tables(sweep_dir, table, jobs):
                buffer.append(conform(data, schema))
                rows += data.num_rows
                checkpoint("aggregate")
                if sum(t.nbytes for t in buffer) >= ROW_GROUP_BYTES:
                    writer.write_table(pa.concat_tables(buffer))
                    buffer.clear()
            if buffer:
                writer.write_table(pa.concat_tables(buffer))

    atomic_write(sweep_dir / f"{table}.parquet", write)
    return rows
