"""Results folders: atomic files, loading runs and sweeps, streamed aggregation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.errors import RefusedError
from sim.store import (
    PartialResultsWarning,
    aggregate_table,
    atomic_write,
    finish_sweep,
    load_results,
    sweep_jobs,
    write_json,
    write_parquet,
)
from tests.shared import ROOT


def fake_job(sweep: Path, key: str, rows: int, params: dict, complete: bool = True) -> None:
    """A job folder as `run_job` leaves it (manifest last), with synthetic rows."""
    folder = sweep / key
    rng = np.random.default_rng(abs(hash(key)) % 2**32)
    runs = pd.DataFrame(
        {"config_id": key, "replication": np.arange(rows), "seed": 0}
        | {f"metric_{i}": rng.random(rows) for i in range(40)}
    )
    write_parquet(runs, folder / "runs.parquet")
    write_parquet(runs.iloc[:, :6].assign(meeting=1), folder / "meetings.parquet")
    if complete:
        write_json({"kind": "job", "params": params, "run_seeds": [1, 2]}, folder / "manifest.json")


def fake_sweep(folder: Path, jobs: int, rows: int = 50) -> Path:
    folder.mkdir(parents=True)
    plan = []
    for i in range(jobs):
        key = f"{i:012x}-s0-r{rows}"
        fake_job(folder, key, rows, {"cost.meeting_usd": float(i)})
        plan.append({"num": i, "key": key, "overrides": [f"cost.meeting_usd={i}"]})
    write_json({"kind": "sweep", "status": "running", "jobs": plan}, folder / "manifest.json")
    return folder


# ---------------------------------------------------------------- atomic files


def test_failed_write_leaves_neither_file_nor_temporary(tmp_path: Path) -> None:
    def broken(tmp: Path) -> None:
        tmp.write_text("half a file")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(tmp_path / "runs.parquet", broken)
    assert list(tmp_path.iterdir()) == []


def test_reader_never_sees_a_partial_file(tmp_path: Path) -> None:
    path = tmp_path / "runs.parquet"
    frames = [pd.DataFrame({"x": np.full(200_000, i), "y": np.arange(200_000)}) for i in range(2)]
    write_parquet(frames[0], path)
    stop = threading.Event()

    def writer() -> None:
        for i in range(40):
            write_parquet(frames[i % 2], path)
        stop.set()

    thread = threading.Thread(target=writer)
    thread.start()
    reads = 0
    while not stop.is_set():
        frame = pd.read_parquet(path)  # raises on a truncated file
        assert len(frame) == 200_000 and frame["x"].nunique() == 1
        reads += 1
    thread.join()
    assert reads > 0


def test_incomplete_jobs_and_temporaries_are_never_read(tmp_path: Path) -> None:
    sweep = fake_sweep(tmp_path / "sweep", jobs=3, rows=4)
    fake_job(sweep, "ffffffffffff-s0-r4", 4, {}, complete=False)  # killed before its manifest
    (sweep / ".runs.parquet.abc.tmp").write_bytes(b"PAR1 half written")
    with pytest.warns(PartialResultsWarning, match="partial results"):
        frame = load_results(sweep)  # the sweep is still `running`: said to be partial
    assert len(frame) == 12 and "ffffffffffff-s0-r4" not in set(frame["config_id"])
    assert sorted(frame["cost.meeting_usd"].unique()) == [0.0, 1.0, 2.0]


# ---------------------------------------------------------------- loading


def test_finished_sweep_is_read_from_its_aggregate(tmp_path: Path) -> None:
    sweep = fake_sweep(tmp_path / "sweep", jobs=3, rows=5)
    (sweep / ".runs.parquet.x1.tmp").write_bytes(b"left by a kill during aggregation")
    manifest = finish_sweep(sweep)
    assert not list(sweep.glob(".*.tmp"))
    assert manifest["status"] == "completed" and manifest["rows"]["runs"] == 15
    agg = pd.read_parquet(sweep / "runs.parquet")
    pd.testing.assert_frame_equal(load_results(sweep), agg)
    assert list(agg["config_id"].unique()) == [j["key"] for j in manifest["jobs"]]  # plan order
    assert agg["cost.meeting_usd"].tolist() == [0.0] * 5 + [1.0] * 5 + [2.0] * 5
    assert len(load_results(sweep, "delegations")) == 0  # no job wrote delegations here


def test_load_rejects_unknown_tables_and_folders(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="expected one of"):
        load_results(tmp_path, "votes")
    with pytest.raises(FileNotFoundError, match="not a results folder"):
        load_results(tmp_path)


@pytest.mark.slow
def test_single_run_folder_and_library_sweep(tmp_path: Path) -> None:
    """The notebook path: run a scenario and a sweep from Python, load both."""
    from sim.api import compose_config, run_sweep
    from sim.run.job import run_job

    run_dir = tmp_path / "run"
    run_job(compose_config(["scenario=small", "replications=2"]), run_dir)
    runs = load_results(run_dir)
    assert len(runs) == 2 and {"process", "config_id", "run_seed"} <= set(runs.columns)
    assert len(load_results(run_dir, "delegations")) == 24
    with pytest.raises(RefusedError, match="already holds a completed run"):
        run_job(compose_config(["scenario=small", "replications=2"]), run_dir)

    folder = run_sweep(
        ["scenario=small", "replications=1", "behaviour.confidence=0.2,0.4"],
        results_root=tmp_path / "results",
    )
    assert folder.parent == (tmp_path / "results" / "sweeps").resolve()
    frame = load_results(folder)
    assert sorted(frame["behaviour.confidence"]) == [0.2, 0.4]  # the swept key as a column
    assert frame["scenario"].eq("small").all()
    again = run_sweep(
        ["scenario=small", "replications=1", "behaviour.confidence=0.2,0.4"],
        results_root=tmp_path / "results",
        resume=True,
    )
    assert again == folder
    pd.testing.assert_frame_equal(load_results(again), frame)


# ---------------------------------------------------------------- memory


def _peak_rss_mb(tmp_path: Path, jobs: int) -> float:
    """Aggregate a sweep of `jobs` fake jobs in a fresh process; its peak RSS in MB."""
    folder = fake_sweep(tmp_path / f"sweep{jobs}", jobs=jobs, rows=400)
    code = (
        "import resource, sys\n"
        "from sim.store import aggregate_table, sweep_jobs\n"
        f"rows = aggregate_table({str(folder)!r}, 'runs', sweep_jobs({str(folder)!r}))\n"
        "print(rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    rows, peak_kb = out.stdout.split()
    assert int(rows) == jobs * 400
    return int(peak_kb) / 1024


@pytest.mark.slow
def test_aggregation_memory_stays_flat_as_jobs_grow(tmp_path: Path) -> None:
    small, large = _peak_rss_mb(tmp_path, 100), _peak_rss_mb(tmp_path, 800)
    table_mb = 800 * 400 * 43 * 8 / 2**20  # the 800-job table, if held in memory: ~105 MB
    assert large - small < table_mb / 10, (small, large)


def test_aggregate_unifies_column_types_across_jobs(tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    write_parquet(pd.DataFrame({"config_id": ["a"], "x": [1]}), sweep / "a" / "runs.parquet")
    write_json({"params": {"p": 1}}, sweep / "a" / "manifest.json")
    write_parquet(pd.DataFrame({"config_id": ["b"], "x": [0.5]}), sweep / "b" / "runs.parquet")
    write_json({"params": {"p": 2}}, sweep / "b" / "manifest.json")
    jobs = [{"num": 0, "key": "a"}, {"num": 1, "key": "b"}]
    (sweep / "manifest.json").write_text(json.dumps({"kind": "sweep", "jobs": jobs}))
    assert aggregate_table(sweep, "runs", sweep_jobs(sweep)) == 2
    frame = pd.read_parquet(sweep / "runs.parquet")
    assert frame["x"].tolist() == [1.0, 0.5] and frame["p"].tolist() == [1, 2]
