"""Which code sits a meeting's days: the numpy reference or the compiled kernels.

Both give the same numbers bit for bit (`tests/test_compiled.py`, `benchmarks/golden.py`),
so the choice is about time only:

- `numpy` (`sim.model.days.MeetingDays`): the reference, room-day by room-day; nothing
  to import beyond numpy, so a lone short run starts soonest;
- `compiled` (`sim.model.compiled.sitter.CompiledDays`): one numba call per meeting,
  3-5x faster a run, for a one-off cost of about half a second per process (importing
  numba and loading the kernels from the cache `make setup` builds).

`None` picks the `SIM_KERNELS` environment variable if set, else `compiled`. A command
that runs a few runs and exits (`python -m sim`, one replication) asks `kernels_for`,
which keeps numpy below `COMPILED_FROM` runs unless the kernels are loaded already.
"""

from __future__ import annotations

import os
import sys

__all__ = ["COMPILED_FROM", "KERNELS", "days_class", "kernels_for", "resolve_kernels"]

KERNELS = ("numpy", "compiled")
COMPILED_FROM = 32  # runs that repay loading the kernels (~0.6 s of CPU; ~15 ms saved a run)


def resolve_kernels(kernels: str | None = None) -> str:
    """`kernels`, or the process default (`SIM_KERNELS`, else `compiled`); checked."""
    chosen = kernels or os.environ.get("SIM_KERNELS") or "compiled"
    if chosen not in KERNELS:
        raise ValueError(f"kernels must be one of {', '.join(KERNELS)}, not {chosen!r}")
    return chosen


def kernels_for(runs: int) -> str:
    """The kernels for `runs` runs in this process: compiled once they repay loading."""
    if os.environ.get("SIM_KERNELS"):
        return resolve_kernels()
    loaded = "sim.model.compiled.days" in sys.modules
    return "compiled" if loaded or runs >= COMPILED_FROM else "numpy"


def days_class(kernels: str) -> type:
    """The class that sits a meeting's days for `kernels` (imported on first use)."""
    if resolve_kernels(kernels) == "compiled":
        from sim.model.compiled.sitter import CompiledDays  # imports numba

        return CompiledDays
    from sim.model.days import MeetingDays

    return MeetingDays
