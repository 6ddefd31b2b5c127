"""Run many parameter points of a few designs, resumably (sensitivity, robustness).

The engine of `sim.analysis.sensitivity` and `sim.analysis.robustness`.

The fast path: each design (a list of Hydra overrides, e.g. `process=open_plenary`)
is composed once (~0.2 s), and every parameter point only changes numbers on it
(`sim.config.set_values`: a copy, the values, validation; no Hydra), so a point costs
the model's run time alone. Rows are those `python -m sim` writes for the same
configuration, seed and CRN mode: the runs are made with common random numbers
(`crn=true`), so replication r of every point and design shares its draws.

Points are run in chunks; each chunk's run rows are written atomically to
`<out>/runs/part-<first task>.parquet`, so a killed study re-run with the same `out`
folder resumes from its finished chunks. `open_study` refuses a folder that holds a
study of other inputs (a fingerprint in `manifest.json`) and locks it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.abc import ParameterRange, plain
from sim.config import ConfigError, SimConfig, compose_config, set_values
from sim.store import (
    MANIFEST,
    FolderBusyError,
    FolderLock,
    StaleLockError,
    environment_info,
    read_json,
    utc_now,
    write_json,
    write_parquet,
)

__all__ = [
    "Study",
    "compose_designs",
    "evaluate",
    "fingerprint",
    "open_study",
    "point_values",
    "run_tasks",
]


def compose_designs(
    designs: dict[str, list[str]], base: list[str], seed: int, replications: int
) -> dict[str, SimConfig]:
    """Each design composed once (with the base overrides), with CRN on and no rush twin."""
    out = {}
    for name, overrides in designs.items():
        cfg = compose_config([*base, *overrides])
        out[name] = set_values(
            cfg,
            {
                "seed": seed,
                "replications": replications,
                "crn": True,
                "measures.rush_cost": False,
            },
        )
    return out


def point_values(row: dict[str, Any], ranges: dict[str, ParameterRange]) -> dict[str, Any]:
    """A sampled point as configuration values (whole numbers floored into their range)."""
    values = {}
    for key, rng in ranges.items():
        value = float(plain(row[key]))
        if rng.integer:
            value = int(np.clip(np.floor(value), rng.low, rng.high))
        values[key] = value
    return values


def evaluate(
    base: SimConfig, values: dict[str, Any], labels: dict[str, Any] | None = None
) -> pd.DataFrame:
    """Run one point's replications in process: the run rows, with `labels` as columns.

    The documented evaluation path for other tools (EMA Workbench, SALib, a notebook):
    compose once with `compose_designs` (or `sim.config.compose_config`), then call
    this with numbers (numpy scalars accepted); see docs/robustness.md.
    """
    from sim.run.replications import run_replications

    runs = run_replications(set_values(base, values), with_delegations=False).runs
    for i, (name, value) in enumerate((labels or {}).items()):
        runs.insert(i, name, value)
    return runs


def _run_slice(bases: dict[str, SimConfig], tasks: list[dict[str, Any]]) -> list[pd.DataFrame]:
    return [
        evaluate(bases[t["design"]], t["values"], {"point": t["point"], "design": t["design"]})
        for t in tasks
    ]


def fingerprint(payload: dict[str, Any]) -> str:
    """A short hash of everything that decides a study's rows."""
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class Study:
    """An open study folder: its lock and manifest."""

    out: Path
    lock: FolderLock
    manifest: dict[str, Any]
    t0: float

    def finish(self, **fields: Any) -> None:
        self.manifest.update(
            status="completed",
            finished=utc_now(),
            seconds=round(time.perf_counter() - self.t0, 1),
            **fields,
        )
        write_json(self.manifest, self.out / MANIFEST)
        self.lock.release()


def open_study(out: Path, kind: str, print_: str, settings: dict[str, Any]) -> Study:
    """Lock `out` for a study of `kind`, refusing one of other inputs; write the manifest."""
    out = Path(out)
    key = fingerprint({"kind": kind, **settings})
    old = read_json(out / MANIFEST, strict=True) if (out / MANIFEST).exists() else None
    if old is not None and old.get("fingerprint") != key:
        raise ConfigError(
            f"{out} holds a {old.get('kind', 'study')} of other inputs (fingerprint "
            f"{old.get('fingerprint')} vs {key}); choose another out= folder"
        )
    try:
        lock = FolderLock.acquire(out, kind, takeover=True)
    except (FolderBusyError, StaleLockError) as err:
        raise ConfigError(f"{out}: {err}") from err
    manifest = {
        "kind": kind,
        "status": "running",
        "fingerprint": key,
        "command": print_,
        "settings": settings,
        "started": (old or {}).get("started") or utc_now(),
        **environment_info(),
    }
    write_json(manifest, out / MANIFEST)
    return Study(out, lock, manifest, time.perf_counter())


def run_tasks(
    bases: dict[str, SimConfig],
    tasks: list[dict[str, Any]],
    out: Path,
    chunk: int = 32,
    workers: int = 0,
    progress: bool = True,
) -> pd.DataFrame:
    """Run every task (`{"point", "design", "values"}`), resuming finished chunks.

    Returns every run row (columns `point`, `design`, the configuration columns and
    the outcomes), in task order.
    """
    folder = Path(out) / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    starts = list(range(0, len(tasks), chunk))
    todo = [s for s in starts if not (folder / f"part-{s:06d}.parquet").exists()]
    workers = workers or os.cpu_count() or 1
    t0, done = time.perf_counter(), len(starts) - len(todo)

    def report(frame_start: int) -> None:
        if progress:
            elapsed = time.perf_counter() - t0
            sys.stderr.write(
                f"  chunks {done}/{len(starts)} (tasks from {frame_start})  {elapsed:7.1f}s\n"
            )

    if workers == 1:
        for s in todo:
            frames = _run_slice(bases, tasks[s : s + chunk])
            write_parquet(pd.concat(frames, ignore_index=True), folder / f"part-{s:06d}.parquet")
            done += 1
            report(s)
    else:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            futures = {}
            for s in todo:
                block = tasks[s : s + chunk]
                slices = np.array_split(np.arange(len(block)), workers)
                futures[s] = [
                    pool.submit(_run_slice, bases, [block[i] for i in idx])
                    for idx in slices
                    if len(idx)
                ]
            for s in todo:
                frames = [f for future in futures[s] for f in future.result()]
                path = folder / f"part-{s:06d}.parquet"
                write_parquet(pd.concat(frames, ignore_index=True), path)
                done += 1
                report(s)
    parts = [pd.read_parquet(folder / f"part-{s:06d}.parquet") for s in starts]
    return pd.concat(parts, ignore_index=True)
