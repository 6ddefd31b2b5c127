"""One small sweep under every launcher gives the very same rows.

Ray runs as a local instance (about 10 s to start) and Submitit with its local
executor: the same code paths as a cluster, on this machine. Needs the optional
`hydra-ray-launcher` and `hydra-submitit-launcher` packages (never skipped).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.shared import ROOT

SWEEP = ["scenario=small", "replications=2", "process=open_plenary,two_tier", "seed=0,1"]
LAUNCHERS = {
    "basic": [],
    "joblib": ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
    "ray": ["hydra/launcher=ray_local", "hydra.launcher.ray.init.num_cpus=2"],
    "submitit_local": ["hydra/launcher=submitit_local", "hydra.launcher.timeout_min=10"],
}


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folders = {}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name, extra in LAUNCHERS.items():
        cwd = tmp_path_factory.mktemp(name)
        done = subprocess.run(
            [sys.executable, "-m", "sim", "-m", *SWEEP, *extra, "progress=false"],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert done.returncode == 0, f"{name}: {done.stdout[-2000:]} {done.stderr[-3000:]}"
        (folders[name],) = (cwd / "results" / "sweeps").iterdir()
    return folders


@pytest.mark.slow
@pytest.mark.parametrize("launcher", [n for n in LAUNCHERS if n != "basic"])
def test_every_launcher_gives_the_same_rows(sweeps: dict[str, Path], launcher: str) -> None:
    base, other = sweeps["basic"], sweeps[launcher]
    manifest = json.loads((other / "manifest.json").read_text())
    assert manifest["status"] == "completed" and manifest["totals"]["completed"] == 4
    assert launcher.split("_")[0] in manifest["launcher"].lower()
    keys = sorted(p.parent.name for p in base.glob("*/manifest.json"))
    assert keys == sorted(p.parent.name for p in other.glob("*/manifest.json"))
    for table in ("runs", "meetings"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(base / f"{table}.parquet"), pd.read_parquet(other / f"{table}.parquet")
        )


@pytest.mark.slow
def test_joblib_workers_end_before_the_sweep_is_aggregated(tmp_path: Path) -> None:
    """The workers' ~180 MB each would otherwise idle beside the aggregation (the peak)."""
    out = tmp_path / "workers.txt"
    probe = ["+hydra.callbacks.probe._target_=tests.sweep_probe.WorkersAtSweepEnd"]
    probe.append(f"+hydra.callbacks.probe.out={out}")
    done = subprocess.run(
        [sys.executable, "-m", "sim", "-m", *SWEEP, *LAUNCHERS["joblib"], *probe],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (folder,) = (tmp_path / "results" / "sweeps").iterdir()
    assert json.loads((folder / "manifest.json").read_text())["totals"]["completed"] == 4
    assert out.read_text() == "", f"loky workers alive at the sweep's end: {out.read_text()}"
