"""The model's numerical mechanisms compiled with numba, bit for bit the numpy reference.

`sim.model.days.MeetingDays` sits a meeting's days room by room in numpy: dozens of
numpy calls per room-day on arrays of a few hundred numbers, so a run's time is call
overhead. Here the same days are one compiled call per meeting (`sitter.CompiledDays`,
the same interface), built from one kernel per mechanism: `sums` (numpy's summation
orders), `room` (seating, drafting, persuasion) and `days` (presence, the ledger's
counts, each room's pace and work); `meeting` compiles the meeting's other mechanisms
(attendance, disagreement, the consultations' pull), `passage` ratification's first
passage, and `mechanisms.CompiledMechanisms`
puts them behind `sim.model.mechanisms.Mechanisms`' interface. `tables` holds the named
tuples of arrays the kernels read.

Where the compiled code comes from (`load`): `make setup` (`python -m sim.model.compiled`,
`build`) compiles the kernels ahead of time into an extension module, `_aot`, with the
hash of their sources beside it; a process imports it in a millisecond, without numba.
If it is missing or was built from other sources, the kernels are compiled by numba
just in time (`jit`), from numba's on-disk cache when it holds them (importing numba
and loading them costs ~0.6 s of CPU and ~120 MB a process; compiling, a minute). The
cache lives in a folder named by the same hash: numba checks a cached kernel against
its own module only, not the kernels it calls, and an edit must never run stale code.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

__all__ = ["HERE", "KERNEL_SOURCES", "cache_dir", "source_hash"]

HERE = Path(__file__).resolve().parent
KERNEL_SOURCES = ("tables.py", "sums.py", "room.py", "days.py", "meeting.py", "passage.py")


def source_hash() -> str:
    """A hash of every kernel's source: what a build or a cache was made from."""
    digest = hashlib.sha256()
    for name in KERNEL_SOURCES:
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    """Where numba caches the just-in-time kernels: one folder per version of the sources."""
    base = Path(os.environ.get("SIM_KERNEL_CACHE") or HERE / "__pycache__")
    if not os.access(base if base.exists() else base.parent, os.W_OK):
        base = Path(tempfile.gettempdir()) / "negotiation-sim-kernels"  # a read-only install
    return base / f"kernels-{source_hash()}"
