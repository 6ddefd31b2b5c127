"""Sweeps from the command line: folder layout, seeds, failures, resume, no overwrite."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.run.sweep import find_resume_dir, plan_jobs, resume_flag
from sim.store import (
    PartialResultsWarning,
    claim_new_dir,
    identity_overrides,
    job_state,
    load_results,
)
from tests.shared import ROOT

TINY = ["scenario=small", "replications=2"]


def sim_cli(cwd: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def only_sweep(cwd: Path) -> Path:
    folders = sorted((cwd / "results" / "sweeps").iterdir())
    assert len(folders) == 1, folders
    return folders[0]


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def sorted_rows(frame: pd.DataFrame) -> pd.DataFrame:
    order = ["config_id", "seed", "replication"] + (["meeting"] if "meeting" in frame else [])
    return frame.sort_values(order).reset_index(drop=True)


@pytest.fixture(scope="module")
def basic_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cwd = tmp_path_factory.mktemp("basic")
    done = sim_cli(cwd, "-m", *TINY, "process=open_plenary,two_tier", "progress=true")
    assert done.returncode == 0, done.stderr[-3000:]
    # progress bars are drawn on a terminal only: none in a captured stderr
    assert "sweep: " not in done.stderr and "\r" not in done.stderr
    assert done.stdout.strip() == str(only_sweep(cwd).resolve())  # stdout: the folder only
    return only_sweep(cwd)


@pytest.mark.slow
def test_sweep_folder_holds_jobs_aggregate_and_manifest(basic_sweep: Path) -> None:
    m = manifest(basic_sweep)
    assert basic_sweep.name.startswith("sweep_")
    assert m["kind"] == "sweep" and m["status"] == "completed"
    assert m["totals"] == {"jobs": 2, "completed": 2, "failed": 0, "missing": 0, "corrupt": 0}
    assert m["git"]["commit"] and "dirty" in m["git"]
    assert m["packages"]["hydra-core"] and m["python"]
    assert m["command_line"].startswith("python -m sim -m")
    assert m["overrides"] == [*TINY, "process=open_plenary,two_tier", "progress=true"]
    assert m["started"] <= m["finished"]
    for job in m["jobs"]:
        folder = basic_sweep / job["key"]
        assert job_state(folder) == "completed"
        assert job["key"] == f"{job['config_hash'][:12]}-s0-r2"  # named by configuration
        assert len(job["run_seeds"]) == 2
        assert {"config.yaml", "runs.parquet", "meetings.parquet"} <= {
            p.name for p in folder.iterdir()
        }
    runs = pd.read_parquet(basic_sweep / "runs.parquet")
    assert len(runs) == 4 and set(runs["process"]) == {"open_plenary", "two_tier"}
    assert not runs.duplicated(["config_id", "replication"]).any()
    meetings = pd.read_parquet(basic_sweep / "meetings.parquet")
    assert set(meetings["config_id"]) == set(runs["config_id"])


@pytest.mark.slow
def test_same_configuration_same_rows_whatever_the_sweep(basic_sweep: Path, tmp_path: Path):
    """Seeds come from the configuration, not the job number: reorder and extend the sweep."""
    done = sim_cli(
        tmp_path, "-m", *TINY, "funding=trust_fund,none", "process=two_tier,open_plenary"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    other = only_sweep(tmp_path)
    before = {j["key"] for j in manifest(basic_sweep)["jobs"]}
    assert before < {j["key"] for j in manifest(other)["jobs"]}
    for table in ("runs", "meetings"):
        mine = load_results(basic_sweep, table)
        theirs = load_results(other, table)
        theirs = theirs[theirs["funding"] == "none"][list(mine.columns)]
        pd.testing.assert_frame_equal(sorted_rows(mine), sorted_rows(theirs))


@pytest.mark.slow
def test_existing_sweep_folder_is_never_overwritten(basic_sweep: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(basic_sweep, folder)
    before = (folder / "manifest.json").read_bytes()
    args = ["-m", *TINY, "process=open_plenary,two_tier", f"hydra.sweep.dir={folder}"]
    refused = sim_cli(tmp_path, *args)
    assert refused.returncode == 3  # refused: the folder holds results
    assert "resume=true" in refused.stderr and refused.stdout == ""
    assert (folder / "manifest.json").read_bytes() == before
    resumed = sim_cli(tmp_path, *args, "resume=true")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert resumed.stderr.count("already complete") >= 2  # nothing re-run
    m = manifest(folder)
    assert len(m["attempts"]) == 2 and m["status"] == "completed"
    pd.testing.assert_frame_equal(
        pd.read_parquet(folder / "runs.parquet"), pd.read_parquet(basic_sweep / "runs.parquet")
    )


@pytest.mark.slow
def test_failing_job_is_recorded_and_others_keep_their_rows(tmp_path: Path) -> None:
    bad = str(tmp_path / "missing_table.csv")
    done = sim_cli(
        tmp_path, "-m", *TINY, f"scenario.delegations.table=un_member_states,{bad}", "seed=3"
    )
    assert done.returncode == 2, done.stderr[-3000:]  # a bad value (in one job)
    folder = only_sweep(tmp_path)
    m = manifest(folder)
    assert m["status"] == "failed"
    assert m["totals"] == {"jobs": 2, "completed": 1, "failed": 1, "missing": 0, "corrupt": 0}
    (failure,) = m["failures"]
    assert bad in " ".join(failure["overrides"])
    assert "does not exist" in failure["error"] and "Traceback" in failure["traceback"]
    assert failure["kind"] == "configuration"
    assert job_state(folder / failure["key"]) == "failed"
    runs = pd.read_parquet(folder / "runs.parquet")
    assert len(runs) == 2 and set(runs["seed"]) == {3}
    assert "job #1" in done.stderr and "does not exist" in done.stderr


def _wait_for_first_job(cwd: Path, proc: subprocess.Popen, timeout: float = 300) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = list(cwd.glob("results/sweeps/*/*/manifest.json"))
        if done:
            return done[0].parent.parent
        assert proc.poll() is None, "the sweep ended before it could be killed"
        time.sleep(0.05)
    raise AssertionError("no job finished in time")


@pytest.mark.slow
def test_resume_after_kill_finishes_only_missing_jobs(tmp_path: Path) -> None:
    args = ["-m", *TINY, "process=open_plenary,two_tier,two_tier_observers", "funding=none,hybrid"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        folder = _wait_for_first_job(tmp_path, proc)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    m = manifest(folder)
    assert m["status"] == "running"  # killed: the end of the sweep never came
    finished = {p.parent.name: p.stat().st_mtime_ns for p in folder.glob("*/manifest.json")}
    assert 1 <= len(finished) < 6
    with pytest.warns(PartialResultsWarning):
        partial = load_results(folder)  # a killed sweep reads as its complete jobs only
    assert len(partial) == 2 * len(finished)

    resumed = sim_cli(tmp_path, *args, "resume=true")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert only_sweep(tmp_path) == folder  # the same folder, finished
    m = manifest(folder)
    assert m["status"] == "completed" and len(m["attempts"]) == 2
    assert m["totals"]["completed"] == 6
    for key, mtime in finished.items():  # jobs done before the kill were not re-run
        assert (folder / key / "manifest.json").stat().st_mtime_ns == mtime
    runs = pd.read_parquet(folder / "runs.parquet")
    assert len(runs) == 12 and not runs.duplicated(["config_id", "replication"]).any()

    fresh_cwd = tmp_path / "fresh"
    fresh_cwd.mkdir()
    fresh = sim_cli(fresh_cwd, *args)
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    expected = pd.read_parquet(only_sweep(fresh_cwd) / "runs.parquet")
    pd.testing.assert_frame_equal(sorted_rows(runs), sorted_rows(expected))


# ---------------------------------------------------------------- helpers, no Hydra run


def test_resume_flag_reads_booleans_and_paths() -> None:
    assert resume_flag(False) is False and resume_flag(None) is False
    assert resume_flag(True) is True and resume_flag("true") is True
    assert resume_flag("false") is False
    assert resume_flag("results/sweeps/demo_x") == "results/sweeps/demo_x"


def test_identity_overrides_ignore_run_level_and_hydra_keys() -> None:
    a = ["b=2", "a=1", "resume=true", "progress=false", "hydra/launcher=joblib"]
    assert identity_overrides(a) == ["a=1", "b=2"]
    assert identity_overrides(["a=1", "b=2", "hydra.sweep.dir=x"]) == ["a=1", "b=2"]


def test_new_sweep_folders_are_never_reused(tmp_path: Path) -> None:
    first = claim_new_dir(tmp_path / "demo_t")
    second = claim_new_dir(tmp_path / "demo_t")
    assert first != second and first.is_dir() and second.is_dir()


def test_resume_finds_the_newest_sweep_with_the_same_overrides(tmp_path: Path) -> None:
    def fake(name: str, started: str, overrides: list[str]) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        record = {"kind": "sweep", "started": started, "overrides": overrides}
        (folder / "manifest.json").write_text(json.dumps(record))
        return folder

    fake("demo_1", "2024-01-01T00:00:00", ["a=1,2"])
    newest = fake("demo_2", "2024-01-02T00:00:00", ["a=1,2", "resume=true"])
    fake("demo_3", "2024-01-03T00:00:00", ["a=1,2,3"])
    fake("other_4", "2024-01-04T00:00:00", ["a=1,2"])
    assert find_resume_dir(tmp_path, "demo", ["a=1,2"]) == newest
    assert find_resume_dir(tmp_path, "demo", ["a=5"]) is None


def test_plan_follows_hydra_job_order() -> None:
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.types import RunMode

    from sim.config import register_configs

    register_configs()
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(ROOT / "configs"), version_base="1.3"):
        cfg = GlobalHydra.instance().hydra.compose_config(
            "config", ["+sweep=demo", "seed=1,2"], run_mode=RunMode.MULTIRUN
        )
    GlobalHydra.instance().clear()
    plan = plan_jobs(cfg)
    assert len(plan) == 3 * 2 * 2
    assert plan[0] == ["process=open_plenary", "funding=none", "+sweep=demo", "seed=1"]
    assert plan[1] == ["process=open_plenary", "funding=none", "+sweep=demo", "seed=2"]
