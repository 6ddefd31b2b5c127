"""Memory of the sweep's own process stays flat over several hundred tiny jobs.

Hydra keeps every job's return until the sweep ends; the sweep callback drops the
two config copies each return holds, and aggregation streams job files in bounded
row groups. The process's resident memory early in the sweep is compared with its
memory near the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.processes import resident_mb
from tests.shared import ROOT

JOBS = 300


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_sweep_process_memory_is_flat_over_hundreds_of_jobs(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = ["scenario=small", "replications=1", f"seed=range(0,{JOBS})", "progress=false"]
    args += ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "-m", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    samples: list[tuple[int, float]] = []
    while proc.poll() is None:
        rss = resident_mb(proc.pid)
        done = len(list(tmp_path.glob("results/sweeps/*/*/manifest.json")))
        if rss is not None:
            samples.append((done, rss))
        time.sleep(0.5)
    assert proc.returncode == 0
    (folder,) = (tmp_path / "results" / "sweeps").iterdir()
    assert len(pd.read_parquet(folder / "runs.parquet")) == JOBS
    # while jobs run: compare the first tenth with the last (aggregation is measured in
    # tests/test_results.py, where it is compared across numbers of jobs)
    early = max(rss for done, rss in samples if JOBS // 10 <= done <= JOBS // 5)
    late = max(rss for done, rss in samples if JOBS * 8 // 10 <= done < JOBS)
    assert late - early < 10, f"grew from {early:.1f} MB to {late:.1f} MB over {JOBS} jobs"
