"""The compiled kernels a process runs: the ahead-of-time build, or numba's just-in-time.

`kernels()` returns the entry points (`sit_meeting`, `attend`, `spread`, `pull`, `passage`):
from the extension module `make setup` built (`sim.model.compiled.build`) when it was
built from the current sources (its stamp holds their hash) and `SIM_AOT` is not `0`,
else from the kernel modules through numba (`just_in_time`). Both are compiled from
the same Python functions and give the same numbers; the first costs a millisecond to
load and no numba, the second ~0.6 s of CPU and ~120 MB a process (`sim.model.kernels`
weighs that).
"""

from __future__ import annotations

import importlib
import os
from functools import cache
from types import SimpleNamespace

from sim.model.compiled import HERE, source_hash

__all__ = [
    "AOT_MODULE",
    "ENTRY_POINTS",
    "ahead_of_time",
    "just_in_time",
    "kernels",
    "loaded",
    "stamp_path",
]

AOT_MODULE = "_aot"
ENTRY_POINTS = ("sit_meeting", "attend", "spread", "pull", "passage")


def stamp_path():
    """The file beside the ahead-of-time module that names the sources it was built from."""
    return HERE / f"{AOT_MODULE}.stamp"


@cache
def ahead_of_time() -> bool:
    """Whether the ahead-of-time module is there, built from the current sources, wanted."""
    if os.environ.get("SIM_AOT") == "0":
        return False
    try:
        built = stamp_path().read_text().strip()
        if built != source_hash():
            return False
        importlib.import_module(f"sim.model.compiled.{AOT_MODULE}")
    except (OSError, ImportError):
        return False
    return True


@cache
def kernels() -> SimpleNamespace:
    """The entry points, ahead of time if current, else just in time (imports numba)."""
    if ahead_of_time():
        module = importlib.import_module(f"sim.model.compiled.{AOT_MODULE}")
        return SimpleNamespace(**{name: getattr(module, name) for name in ENTRY_POINTS})
    return just_in_time()


def just_in_time() -> SimpleNamespace:
    """The entry points as numba dispatchers (compiled, or loaded from the cache, on use)."""
    from sim.model.compiled import days, meeting, passage

    return SimpleNamespace(
        sit_meeting=days.sit_meeting,
        attend=meeting.attend,
        spread=meeting.spread,
        pull=meeting.pull,
        passage=passage.passage,
    )


def loaded() -> bool:
    """Whether this process has its kernels at hand already (nothing left to load)."""
    return kernels.cache_info().currsize > 0 or ahead_of_time()
