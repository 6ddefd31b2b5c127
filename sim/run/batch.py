"""Run many points of a few designs, resumably, into one store folder: the batch runner.

The machinery behind `python -m sim.calibrate`, `sim.sensitivity`, `sim.robustness`
and `sim.out_of_sample`, and the API a calibration method that works in waves
(history matching, ABC-SMC) builds on:

    batch = Batch(kind="calibration", designs={"base": cfg}, points=(Point(...), ...))
    result = run_batch(batch, out, Execution(chunk=64, engine="local"), analyse=...)

A `Point` is one job: a composed design (a `SimConfig`, with its seed and
replications) with numbers set on it (`sim.config.set_values`: no Hydra per point).
Each job's rows are those `python -m sim` writes for that configuration, plus the
columns `job`, `point` and `design`. Jobs go to an engine (`sim.run.engines`: local
cores or Ray); the command alone writes, one *piece* of `chunk` jobs at a time, into a
locked folder of `sim.store.batches`, whose fingerprint covers the designs, the points
and the input tables' contents. Re-running the same command resumes: whole pieces are
kept, damaged ones moved aside and run again; a folder of other inputs is refused.
How a batch runs (`Execution`) never changes its rows.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.config import SimConfig, set_values
from sim.errors import IncompleteResultsError, RefusedError
from sim.run.engines import WorkerLost, make_engine
from sim.run.job import input_files
from sim.run.progress import progress_bar
from sim.run.seeds import configuration_hash, uses_crn
from sim.store import environment_info
from sim.store.batches import BatchFolder, open_batch_folder

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Batch", "BatchResult", "Execution", "Point", "fingerprint", "run_batch", "run_point"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Point:
    """One job: design `design` with `values` set (dotted keys), labelled `point`."""

    design: str
    point: int
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Batch:
    """What to run: each design composed once, and the points (jobs) in order.

    `settings` are the command's own settings that decide the rows beyond the
    designs and points (recorded in the manifest and the fingerprint).
    """

    kind: str
    designs: Mapping[str, SimConfig]
    points: tuple[Point, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)
    unit: str = "points"  # what the progress bar counts


@dataclass(frozen=True, kw_only=True)
class Execution:
    """How to run a batch; none of it changes the rows."""

    chunk: int = 64  # jobs per piece written (a kill loses at most the pieces in flight)
    engine: str = "local"  # `sim.run.engines.make_engine`
    workers: int = 0  # processes or CPUs; 0 = every core
    progress: bool = True


@dataclass(frozen=True)
class BatchResult:
    """A finished batch: its folder, every run row (in job order), what `analyse` returned."""

    folder: Path
    runs: pd.DataFrame
    summary: dict[str, Any]


def run_point(
    cfg: SimConfig,
    values: Mapping[str, Any],
    labels: Mapping[str, Any],
    kernels: str | None = None,
):
    """One job's run rows: `cfg` with `values` set, every replication, `labels` as columns.

    `kernels` as `run_replications` (`sim.model.kernels`): a batch's workers run job
    after job, so they compile whatever a job's size.
    """
    from sim.run.replications import run_replications

    point = set_values(cfg, dict(values))
    runs = run_replications(point, with_delegations=False, kernels=kernels).runs
    for i, (name, value) in enumerate(labels.items()):
        runs.insert(i, name, value)
    return runs


def _job(designs: Mapping[str, SimConfig], task: tuple[int, Point]) -> pd.DataFrame:
    index, point = task
    labels = {"job": index, "point": point.point, "design": point.design}
    return run_point(designs[point.design], point.values, labels, kernels="compiled")


def _inputs(designs: Mapping[str, SimConfig]) -> dict[str, str]:
    """Every input file the designs read: path -> SHA-256."""
    found = {}
    for cfg in designs.values():
        for record in input_files(cfg).values():
            found[record["path"]] = record["sha256"]
    return found


def fingerprint(batch: Batch, inputs: Mapping[str, str]) -> str:
    """A hash of everything that decides a batch's rows (the engine and chunking do not)."""
    designs = {
        name: [configuration_hash(cfg), cfg.seed, cfg.replications, uses_crn(cfg)]
        for name, cfg in batch.designs.items()
    }
    points = [[p.design, p.point, sorted(p.values.items())] for p in batch.points]
    payload = {
        "kind": batch.kind,
        "settings": dict(batch.settings),
        "designs": designs,
        "points": points,
        "inputs": dict(inputs),
    }
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _spans(todo: list[int], chunk: int) -> list[tuple[int, int]]:
    """Consecutive runs of `todo`, cut every `chunk` jobs: the pieces still to write."""
    spans: list[tuple[int, int]] = []
    for job in todo:
        if spans and spans[-1][1] == job and job - spans[-1][0] < chunk:
            spans[-1] = (spans[-1][0], job + 1)
        else:
            spans.append((job, job + 1))
    return spans


def _tasks(batch: Batch, spans: list[tuple[int, int]]) -> Iterator[tuple[int, Any]]:
    for first, stop in spans:
        for index in range(first, stop):
            yield index, (index, batch.points[index])


def run_batch(
    batch: Batch,
    out: Path | str,
    how: Execution | None = None,
    *,
    command: str = "",
    analyse: Callable[[pd.DataFrame], dict[str, Any]] | None = None,
) -> BatchResult:
    """Run every job of `batch` not yet in `out` (resuming), then `analyse` the rows.

    `analyse(runs)` writes the command's tables and returns fields for the manifest;
    the manifest says `completed` only after it returns. Raises `RefusedError` (a
    folder of other inputs, busy, or another kind's), `IncompleteResultsError` (a job
    failed or a worker died: finished pieces are kept, re-run to resume) and passes on
    `KeyboardInterrupt` after recording `interrupted`.
    """
    how = how or Execution()
    engine = make_engine(how.engine, how.workers)  # a bad engine stops before any write
    inputs = _inputs(batch.designs)
    key = fingerprint(batch, inputs)
    meta = {
        **environment_info(),
        "command": command,
        "settings": dict(batch.settings),
        "inputs": inputs,
        "designs": {n: configuration_hash(c)[:12] for n, c in batch.designs.items()},
        "chunk": how.chunk,
        "engine": how.engine,
    }
    store = open_batch_folder(out, batch.kind, key, meta, len(batch.points))
    t0 = time.perf_counter()
    try:
        _run_missing(batch, store, engine, how)
        if _inputs(batch.designs) != inputs:
            raise RefusedError(
                f"an input table changed while the {batch.kind} read it "
                f"({', '.join(inputs)}); re-run the command once it is final"
            )
        runs = store.read_runs(len(batch.points))
        summary = analyse(runs) if analyse is not None else {}
    except KeyboardInterrupt:
        store.close("interrupted", pieces=len(store.done))
        raise
    except BaseException as err:
        store.close("failed", error=f"{type(err).__name__}: {err}", pieces=len(store.done))
        raise
    store.close(
        "completed",
        pieces=len(store.done),
        rows={"runs": len(runs)},
        seconds=round(time.perf_counter() - t0, 1),
        **summary,
    )
    return BatchResult(store.folder, runs, summary)


def _run_missing(batch: Batch, store: BatchFolder, engine: Any, how: Execution) -> None:
    """Run the jobs no whole piece holds; write each piece as soon as its jobs are in."""
    import pandas as pd

    if how.chunk < 1:
        raise ValueError("chunk must be at least 1")
    total = len(batch.points)
    covered = store.covered()
    spans = _spans([j for j in range(total) if j not in covered], how.chunk)
    owner = {j: span for span in spans for j in range(*span)}
    frames: dict[tuple[int, int], dict[int, pd.DataFrame]] = {span: {} for span in spans}
    with progress_bar(
        total, batch.kind, batch.unit, initial=len(covered), enabled=how.progress
    ) as bar:
        try:
            for index, frame in engine.run(_job, dict(batch.designs), _tasks(batch, spans)):
                span = owner[index]
                frames[span][index] = frame
                bar.update(1)
                if len(frames[span]) == span[1] - span[0]:
                    parts = frames.pop(span)
                    whole = pd.concat([parts[j] for j in sorted(parts)], ignore_index=True)
                    store.write_piece(span[0], span[1], whole, {})
        except WorkerLost as err:
            raise IncompleteResultsError(
                f"{store.folder}: {err}; {len(frames)} piece(s) not written: re-run the "
                "same command to finish it"
            ) from err
