"""Watching a command's processes from a test (Linux /proc): its workers, and their end.

The fault tests interrupt a command while its workers are busy and then check that
none survives. They must first *find* the workers, and a look taken once can miss
them (a worker may still be starting when the first result lands), which made those
tests fail now and then for no fault of the code. `workers_of` waits instead.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest


def children(pid: int) -> set[int]:
    """The live children of `pid`, found by the parent field of every process's stat."""
    found: set[int] = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat.read_text().rsplit(")", 1)[-1].split()[:2]
        except OSError:  # it ended while we looked
            continue
        if int(parent) == pid and state != "Z":
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def wait_for(
    predicate: Callable[[], bool], timeout: float = 120, proc: subprocess.Popen | None = None
) -> None:
    """Poll `predicate`; fail on timeout, or as soon as `proc` (if given) has ended."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"ended early ({proc.returncode}): {proc.stderr.read()[-2000:]}")
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def workers_of(proc: subprocess.Popen, marker: str, count: int, timeout: float = 60) -> set[int]:
    """The `count` children of `proc` whose command line holds `marker`, once all are up.

    If they never appear, `proc` is killed and its stderr shown: the failure says why,
    and no process is left running into the next test.
    """
    deadline = time.monotonic() + timeout
    while True:
        found = {p for p in children(proc.pid) if marker in cmdline(p)}
        if len(found) >= count:
            return found
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            _, err = proc.communicate(timeout=60)
            pytest.fail(f"{len(found)} of {count} {marker} workers found; it said:\n{err[-3000:]}")
        time.sleep(0.05)


def resident_mb(pid: int) -> float | None:
    """Resident memory of `pid` in MB (/proc VmRSS), or None once it has ended."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None
