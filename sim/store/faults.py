"""Fault injection: kill or fail this process at a named point of the store's work.

Why: the reliability tests must stop a sweep at an exact point (half a file written,
a job's tables written but not its manifest, mid-aggregation) and prove that a resume
repairs it. Timed kills only sample such points; these hit them on purpose.

Set ``SIM_FAULT="POINT[@N][:ACTION]"`` (several separated by commas). The N-th time
(default 1) this process reaches POINT, ACTION happens: ``kill`` (SIGKILL itself, as
``kill -9`` would; the default), ``enospc`` (raise the OSError of a full disk) or
``sleep`` (pause 30 s, or ``SIM_FAULT_SECONDS``, to hold a lock while a test tries
to take it, or to kill a worker while the command waits). Points:

- ``write``: an atomic write's temporary file is written, not yet renamed;
- ``renamed``: an atomic write is in place;
- ``job-tables``: a job's tables are written, its manifest not yet;
- ``job-done``: a job's manifest is written;
- ``sweep-start``: the sweep's manifest of this attempt is written;
- ``aggregate``: one job's rows were added to an aggregate being written;
- ``sweep-end``: the sweep's final manifest is written, its lock not yet released.

Without ``SIM_FAULT`` a checkpoint costs one dictionary lookup.
"""

from __future__ import annotations

import errno
import os
import signal
import time
from collections import Counter

__all__ = ["POINTS", "checkpoint"]

POINTS = (
    "write",
    "renamed",
    "job-tables",
    "job-done",
    "sweep-start",
    "aggregate",
    "sweep-end",
)
ACTIONS = ("kill", "enospc", "sleep")

_seen: Counter[str] = Counter()


def _plan() -> dict[str, tuple[int, str]]:
    plan = {}
    for item in filter(None, os.environ.get("SIM_FAULT", "").split(",")):
        spec, _, action = item.strip().partition(":")
        point, _, nth = spec.partition("@")
        action = action or "kill"
        if point not in POINTS or action not in ACTIONS or (nth and not nth.isdigit()):
            raise ValueError(
                f"SIM_FAULT={item!r}: expected POINT[@N][:ACTION] with POINT one of "
                f"{', '.join(POINTS)} and ACTION one of {', '.join(ACTIONS)}"
            )
        plan[point] = (int(nth or 1), action)
    return plan


def checkpoint(point: str) -> None:
    """Count a pass through `point`; act if ``SIM_FAULT`` names this pass."""
    if "SIM_FAULT" not in os.environ:
        return
    _seen[point] += 1
    nth, action = _plan().get(point, (0, ""))
    if _seen[point] != nth:
        return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    elif action == "sleep":
        time.sleep(float(os.environ.get("SIM_FAULT_SECONDS") or 30))
