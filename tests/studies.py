"""Driving the study commands in a subprocess: their smallest settings and the helpers.

Shared by the fault tests (tests/test_study_faults.py) and the fault survey
(scripts/fault_survey.py), so both try the commands on the same settings, in the same
environment, and read their pieces the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from tests.shared import ROOT

SMALL = ['base=["scenario=small"]', "replications=1", "workers=1"]
TWO_DESIGNS = ["~designs", '+designs={open:["process=open_plenary"],two_tier:["process=two_tier"]}']
ONE_PARAMETER = ["~parameters", "+parameters={behaviour:{attendance_base:{low:0.0,high:0.9}}}"]
ROBUSTNESS = [*SMALL, *TWO_DESIGNS, *ONE_PARAMETER, "worlds=6", "chunk=5"]  # 12 jobs
SENSITIVITY = [
    *SMALL,
    "method=morris",
    "samples=3",
    "resamples=20",
    "outcomes=[attendance_rate_LIC]",
    "~parameters",
    "+parameters={behaviour:{attendance_base:{low:0.0,high:0.9},pressure_gain:{low:0,high:5}}}",
    "chunk=2",
]  # 9 jobs
CALIBRATION = [  # history matching on the small scenario alone: one wave of 4 points
    "~negotiations.bbnj",
    "~negotiations.plastics_inc",
    'negotiations.ahc_cybercrime.overrides=["scenario=small"]',
    "negotiations.ahc_cybercrime.parameters={}",
    "only=[behaviour.concession_rate]",
    "points=[4]",
    "replications=[2]",
    "confirm=[2]",
    "left_out=false",
    "stability=0",
    "candidates=200",
    "workers=1",
    "chunk=2",
]


def study_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This checkout on the path, no fault or full-traceback setting inherited, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in ("SIM_FAULT", "HYDRA_FULL_ERROR")}
    return {**env, "PYTHONPATH": str(ROOT), **(extra or {})}


def run(
    cwd: Path, module: str, *args: str, env: dict | None = None, prefix: str = ""
) -> subprocess.CompletedProcess[str]:
    """`python -m module ARGS` to its end; `prefix` is a shell line before it (`ulimit -f 16`)."""
    if prefix:
        line = " ".join(f"'{a}'" for a in args)
        argv = ["bash", "-c", f"{prefix}; exec {sys.executable} -m {module} {line}"]
    else:
        argv = [sys.executable, "-m", module, *args]
    return subprocess.run(
        argv, cwd=cwd, env=study_env(env), capture_output=True, text=True, timeout=600, check=False
    )


def start(cwd: Path, module: str, *args: str, env: dict | None = None) -> subprocess.Popen:
    """`python -m module ARGS` in its own process group, as a terminal's job, not waited for."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        env=study_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def runs(folder: Path) -> pd.DataFrame:
    """Every run row of a study's pieces, in job order (empty if it has none)."""
    parts = [pd.read_parquet(p) for p in sorted((folder / "pieces").glob("*/runs.parquet"))]
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts).sort_values(["job", "replication"]).reset_index(drop=True)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of `folder` (but its lock) by relative path: to show nothing changed."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }
