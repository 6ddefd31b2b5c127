"""Item 5's memory (benchmarks/sweeps.py) counts a worker's fork-before-exec once.

A sweep's worker forks to start `git` for each job's provenance; until the child runs
`git` it shares every page of the worker, and summing RSS counted them twice: a 0.1 s
sampler caught such a fork in some 10,000-run sweeps, and their peak rose by a worker's
~190 MB at random. Here a worker holding 200 MB forks a child that never execs.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.processes import children, resident_mb, wait_for
from tests.shared import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import sweeps

MB = 2**20
WORKER = """
import os, time
held = bytearray(200 * 2**20)  # touched: resident
for i in range(0, len(held), 4096):
    held[i] = 1
if os.fork() == 0:  # the child never execs: it shares the worker's pages
    time.sleep(60)
    os._exit(0)
time.sleep(60)
"""
ROOT_SCRIPT = f"""
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", {WORKER!r}])
time.sleep(60)
"""


@pytest.mark.parametrize("count", [sweeps._tree_rss, sweeps._proc_tree_rss])
def test_a_fork_before_exec_is_not_counted_twice(count) -> None:
    root = subprocess.Popen([sys.executable, "-c", ROOT_SCRIPT])
    try:
        wait_for(lambda: any(children(w) for w in children(root.pid)), timeout=60, proc=root)
        (worker,) = children(root.pid)
        wait_for(lambda: (resident_mb(worker) or 0) > 200, timeout=60, proc=root)
        time.sleep(0.2)
        total = count(root.pid)
        alone = (resident_mb(root.pid) + resident_mb(worker)) * MB
        assert abs(total - alone) < 20 * MB, f"{total / MB:.0f} MB, not {alone / MB:.0f} MB"
    finally:
        for pid in (*(c for w in children(root.pid) for c in children(w)), *children(root.pid)):
            subprocess.run(["kill", "-9", str(pid)], check=False)
        root.kill()
        root.wait()
