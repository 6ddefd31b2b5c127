"""Reading results folders, and saying plainly when a sweep's results are partial.

A folder is a single run (`manifest.json` of kind `job`) or a sweep (kind `sweep`, one
sub-folder per job). Only complete jobs (manifest present, sizes as written) are ever
read. A sweep's aggregate at its root is read only when the manifest says the sweep
completed and the file is the one it recorded; otherwise the complete jobs are
gathered, with a `PartialResultsWarning` naming what is missing.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from sim.errors import IncompleteResultsError
from sim.store.aggregate import conform, iter_job_tables, unified_schema
from sim.store.files import read_json
from sim.store.jobs import job_state
from sim.store.layout import AGGREGATED, MANIFEST, TABLES
from sim.store.lock import describe_holder, lock_holder
from sim.store.sweeps import index_key

__all__ = [
    "Completeness",
    "PartialResultsWarning",
    "completeness",
    "load_checked",
    "load_manifest",
    "load_results",
    "sweep_jobs",
]


class PartialResultsWarning(UserWarning):
    """A sweep's results are read while some of its jobs are missing, failed or damaged."""


def load_manifest(folder: Path | str) -> dict[str, Any]:
    """The manifest of a run, job or sweep folder."""
    path = Path(folder) / MANIFEST
    manifest = read_json(path, strict=True)
    if manifest is None:
        raise FileNotFoundError(f"{folder} is not a results folder (no {MANIFEST})")
    return manifest


def sweep_jobs(sweep_dir: Path | str) -> list[dict[str, Any]]:
    """The sweep's complete jobs (`key`, `params`), one per configuration, in plan order.

    While a sweep runs (or after it was killed) the plan has no folder names yet: the
    index gives them, and failing that every complete job folder is listed.
    """
    sweep_dir = Path(sweep_dir)
    planned = load_manifest(sweep_dir).get("jobs") or []
    keys = [j.get("key") or index_key(sweep_dir, j.get("overrides")) for j in planned]
    if not planned or not all(keys):
        found = {p.name for p in sweep_dir.iterdir() if (p / MANIFEST).exists()}
        keys = [k for k in keys if k] + sorted(found - set(keys))
    seen: set[str] = set()
    jobs = []
    for key in keys:
        if key in seen or job_state(sweep_dir / key) != "completed":
            continue
        seen.add(key)
        params = (read_json(sweep_dir / key / MANIFEST) or {}).get("params")
        jobs.append({"key": key, "params": params})
    return jobs


@dataclass(frozen=True)
class Completeness:
    """Whether a folder's results are all there, and if not, why (one line each)."""

    folder: Path
    kind: str
    status: str
    complete: bool
    jobs: int = 1
    completed: int = 1
    problems: tuple[str, ...] = field(default_factory=tuple)
    running: bool = False

    @property
    def state(self) -> str:
        """`still running`, `interrupted` (killed), or the closed sweep's status."""
        if self.running:
            return "still running"
        return "interrupted" if self.status == "running" else self.status

    def summary(self) -> str:
        """One line: what is missing and how to finish it."""
        if self.complete:
            return f"{self.folder}: complete"
        state = self.state
        line = f"{self.folder}: partial results ({state}): {self.completed} of {self.jobs} jobs"
        line += " complete"
        if self.problems:
            line += f"; {self.problems[0]}"
            if len(self.problems) > 1:
                line += f" (and {len(self.problems) - 1} more)"
        if not self.running:
            line += "; finish the sweep with resume=true"
        return line

    def banner(self) -> str:
        """A warning for the top of a report or table made from these results ("" if complete)."""
        if self.complete:
            return ""
        text = (
            f"Partial results: this sweep is {self.state}; only {self.completed} of its "
            f"{self.jobs} jobs are complete, and everything below comes from those jobs alone."
        )
        if self.problems:
            text += " " + "; ".join(self.problems[:5])
            text += f" (and {len(self.problems) - 5} more)." if len(self.problems) > 5 else "."
        return text


def completeness(folder: Path | str) -> Completeness:
    """How complete a run or sweep folder is (cheap: manifests and file sizes only)."""
    folder = Path(folder)
    manifest = load_manifest(folder)
    if manifest.get("kind") != "sweep":
        return Completeness(folder, "run", "completed", True)
    status = str(manifest.get("status"))
    planned = manifest.get("jobs") or []
    if status != "running":
        totals = manifest.get("totals") or {}
        fresh = status == "completed" and _aggregates_current(folder, manifest)
        problems = tuple(manifest.get("problems") or ())
        if status == "completed" and not fresh:
            problems = ("its aggregate files are not the ones the sweep wrote", *problems)
        return Completeness(
            folder,
            "sweep",
            status,
            fresh,
            int(totals.get("jobs", len(planned))),
            int(totals.get("completed", 0)),
            problems,
        )
    holder = lock_holder(folder)
    keys = [j.get("key") or index_key(folder, j.get("overrides")) for j in planned]
    done = sum(bool(k) and job_state(folder / k) == "completed" for k in keys)
    why = (
        f"the sweep is being run by {describe_holder(holder)}"
        if holder is not None
        else "the sweep was interrupted before it finished"
    )
    return Completeness(
        folder, "sweep", "running", False, len(planned), done, (why,), holder is not None
    )


def _aggregates_current(folder: Path, manifest: dict[str, Any]) -> bool:
    recorded = manifest.get("aggregates")
    if recorded is None:  # format 1: no record; the file must be there
        return all((folder / f"{t}.parquet").exists() for t in AGGREGATED)
    for table in AGGREGATED:
        path = folder / f"{table}.parquet"
        if not path.exists() or path.stat().st_size != (recorded.get(table) or {}).get("bytes"):
            return False
    return True


def load_checked(
    folder: Path | str, table: str = "runs", allow_partial: bool = False
) -> tuple[pd.DataFrame, Completeness]:
    """`load_results`, raising `IncompleteResultsError` on partial results unless allowed.

    For the commands that make reports and tables: they must not pass a subset of a
    sweep's designs off as the whole.
    """
    state = completeness(folder)
    if not state.complete and not allow_partial:
        raise IncompleteResultsError(
            f"{state.summary()}; or pass --allow-partial to use the complete jobs only"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PartialResultsWarning)
        return load_results(folder, table), state


def load_results(folder: Path | str, table: str = "runs") -> pd.DataFrame:
    """Load a run or sweep folder's table as a DataFrame, configuration columns included.

    For a complete sweep the aggregate at its root is read; otherwise (still running,
    interrupted, failed jobs, or `delegations`) the complete jobs' tables are gathered,
    and a `PartialResultsWarning` says what is missing. The columns name each row's
    configuration: scenario, process, funding, decision, costs, `config_id`, `seed`,
    and one column per key the sweep varied.
    """
    if table not in TABLES:
        raise ValueError(f"table = {table!r}: expected one of {', '.join(TABLES)}")
    folder = Path(folder)
    state = completeness(folder)
    if state.kind != "sweep":
        return pd.read_parquet(folder / f"{table}.parquet")
    if not state.complete:
        warnings.warn(state.summary(), PartialResultsWarning, stacklevel=2)
    elif table in AGGREGATED:
        return pd.read_parquet(folder / f"{table}.parquet")
    jobs = sweep_jobs(folder)
    schema = unified_schema(folder, table, jobs)
    parts = [conform(t, schema) for t in iter_job_tables(folder, table, jobs)]
    if not parts:
        return schema.empty_table().to_pandas()
    return pa.concat_tables(parts).to_pandas()
