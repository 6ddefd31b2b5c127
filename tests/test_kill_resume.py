"""Property: a sweep killed at any point, then resumed, has the uninterrupted sweep's rows.

Kills land at every point the store names (sim/store/faults.py: half a file written, a
job's tables without its manifest, mid-aggregation, after the final manifest...), at
the N-th pass through it, once or twice in a row, under the basic and joblib
launchers, and at random times. After each kill the partial results must be a subset
of the true rows; after the resume, exactly the true rows, once each, with no
temporary or lock file left and the sweep reported complete.
"""

from __future__ import annotations

import json
import signal
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sim.store import PartialResultsWarning, check_job, load_results
from sim.store.faults import POINTS

SWEEP = ["scenario=small", "replications=2", "progress=false"]
SWEEP += ["process=open_plenary,two_tier,friends_of_chair"]
LAUNCHERS = {"basic": [], "joblib": ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]}
KEY = ["config_id", "seed", "replication"]


def sorted_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(KEY).reset_index(drop=True)


@pytest.fixture(scope="module")
def truth(tmp_path_factory, run_cli) -> pd.DataFrame:
    cwd = tmp_path_factory.mktemp("truth")
    done = run_cli(cwd, "-m", *SWEEP)
    assert done.returncode == 0, done.stderr[-3000:]
    return sorted_rows(pd.read_parquet(Path(done.stdout.strip()) / "runs.parquet"))


faults = st.tuples(st.sampled_from(POINTS), st.integers(1, 12)).map(lambda f: f"{f[0]}@{f[1]}")
kills = st.one_of(faults, st.floats(0.5, 8.0).map(lambda t: f"after {t:.2f}s"))


def _kill(cwd: Path, folder: Path, how: str, launcher: str, start_cli) -> None:
    args = ["-m", *SWEEP, f"hydra.sweep.dir={folder}", *LAUNCHERS[launcher], "resume=true"]
    if how.startswith("after "):
        proc = start_cli(cwd, *args)
        try:
            proc.wait(timeout=float(how.split()[1].rstrip("s")))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)  # the sweep's process only, as kill -9
        proc.communicate()
        return
    proc = start_cli(cwd, *args, env={"SIM_FAULT": f"{how}:kill"})
    proc.communicate(timeout=300)
    # killed at the point, or the point came fewer than N times and the sweep finished
    assert proc.returncode in (-signal.SIGKILL, 0, 1), proc.stderr[-3000:]
    time.sleep(0.3)  # let a killed sweep's local workers notice and stop


@pytest.mark.slow
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    plan=st.lists(kills, min_size=1, max_size=2),
    launcher=st.sampled_from(sorted(LAUNCHERS)),
)
@example(plan=["write@3"], launcher="basic")  # half a file, early in the first job
@example(plan=["renamed@9"], launcher="basic")
@example(plan=["job-tables@2"], launcher="basic")  # tables written, manifest not
@example(plan=["job-done@1", "sweep-start@1"], launcher="basic")  # killed twice
@example(plan=["aggregate@2"], launcher="basic")  # mid-aggregation
@example(plan=["sweep-end@1"], launcher="basic")  # after the verdict, lock still held
@example(plan=["job-tables@1"], launcher="joblib")  # a worker killed
def test_any_kill_then_resume_gives_the_uninterrupted_rows(
    truth, run_cli, start_cli, plan, launcher
) -> None:
    cwd = Path(tempfile.mkdtemp(prefix="kill-"))
    folder = cwd / "sweep"
    for how in plan:
        _kill(cwd, folder, how, launcher, start_cli)
        if (folder / "manifest.json").exists():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PartialResultsWarning)
                partial = load_results(folder)
            if len(partial):  # what a killed sweep shows is true, if not all of it
                merged = partial[KEY].merge(truth, on=KEY, how="left", indicator=True)
                assert (merged["_merge"] == "both").all()
                pd.testing.assert_frame_equal(
                    sorted_rows(partial)[truth.columns],
                    truth.merge(partial[KEY], on=KEY).pipe(sorted_rows),
                )
    done = run_cli(cwd, "-m", *SWEEP, f"hydra.sweep.dir={folder}", "resume=true")
    assert done.returncode == 0, done.stderr[-3000:]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "completed" and manifest["problems"] == []
    pd.testing.assert_frame_equal(sorted_rows(pd.read_parquet(folder / "runs.parquet")), truth)
    assert not list(folder.rglob(".*.tmp")) and not list(folder.rglob(".lock"))
    for job in manifest["jobs"]:
        assert check_job(folder / job["key"]) == ("completed", None)
