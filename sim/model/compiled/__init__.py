"""The room-days compiled with numba, bit for bit the numpy model's arithmetic.

`sim.model.days.MeetingDays` sits a meeting's days room by room in numpy: dozens of
numpy calls per room-day on arrays of a few hundred numbers, so a run's time is call
overhead. Here the same days are one compiled call per meeting (`sitter.CompiledDays`,
the same interface), built from one kernel per mechanism: `sums` (numpy's summation
orders), `room` (seating, drafting, persuasion) and `days` (presence, the ledger's
counts, each room's pace and work); `meeting` compiles the meeting's other mechanisms
(attendance, disagreement, the consultations' pull), and `mechanisms.CompiledMechanisms`
puts them behind `sim.model.mechanisms.Mechanisms`' interface.

Compiling takes about a minute, so the kernels are cached on disk (`make setup` builds
the cache: `python -m sim.model.compiled`). numba checks a cached kernel against its
own module's source only, not against the kernels it calls in other modules; the
cache therefore lives in a folder named by a hash of all the kernels' sources, so an
edit anywhere recompiles everything instead of running stale code. Importing this
package imports numba; nothing on the way to `--help` or a configuration error does.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numba

__all__ = ["KERNEL_SOURCES", "cache_dir"]

HERE = Path(__file__).resolve().parent
KERNEL_SOURCES = ("sums.py", "room.py", "days.py", "meeting.py")


def cache_dir() -> Path:
    """Where the compiled kernels are cached: one folder per version of their sources."""
    digest = hashlib.sha256()
    for name in KERNEL_SOURCES:
        digest.update((HERE / name).read_bytes())
    base = Path(os.environ.get("SIM_KERNEL_CACHE") or HERE / "__pycache__")
    if not os.access(base if base.exists() else base.parent, os.W_OK):
        base = Path(tempfile.gettempdir()) / "negotiation-sim-kernels"  # a read-only install
    return base / f"kernels-{digest.hexdigest()[:16]}"


numba.config.CACHE_DIR = str(cache_dir())  # read when the kernel modules are imported
