"""Which code computes a run's mechanisms: the numpy reference or the compiled kernels.

Both give the same numbers bit for bit (`tests/test_compiled.py`, `benchmarks/golden.py`),
so the choice is about time only:

- `numpy` (`sim.model.mechanisms.Mechanisms`): the reference: the days room-day by
  room-day (`sim.model.days.MeetingDays`), attendance, disagreement and the
  consultations' pull as numpy functions;
- `compiled` (`sim.model.compiled.mechanisms.CompiledMechanisms`): the same mechanisms
  as kernels, one call each per meeting, 3-4x faster a run. `make setup` builds them
  ahead of time (a millisecond to load, no numba); without that build they are
  compiled by numba just in time, which costs ~0.6 s of CPU and ~120 MB a process
  (`sim.model.compiled.load`).

`None` picks the `SIM_KERNELS` environment variable if set, else `compiled`. A command
that runs a few runs and exits (`python -m sim`, one replication) asks `kernels_for`:
compiled when they are ready to hand (built ahead of time, or loaded already), numpy
below `COMPILED_FROM` runs otherwise.
"""

from __future__ import annotations

import os

import numpy as np

from sim.config import SimConfig
from sim.model.mechanisms import Mechanisms
from sim.model.population import Population

__all__ = ["COMPILED_FROM", "KERNELS", "kernels_for", "mechanisms", "resolve_kernels"]

KERNELS = ("numpy", "compiled")
COMPILED_FROM = 32  # runs that repay compiling just in time (~0.6 s of CPU; ~18 ms saved a run)


def resolve_kernels(kernels: str | None = None) -> str:
    """`kernels`, or the process default (`SIM_KERNELS`, else `compiled`); checked."""
    chosen = kernels or os.environ.get("SIM_KERNELS") or "compiled"
    if chosen not in KERNELS:
        raise ValueError(f"kernels must be one of {', '.join(KERNELS)}, not {chosen!r}")
    return chosen


def kernels_for(runs: int) -> str:
    """The kernels for `runs` runs in this process: compiled if at hand or if they repay it."""
    if os.environ.get("SIM_KERNELS"):
        return resolve_kernels()
    from sim.model.compiled.load import loaded  # imports no numba

    return "compiled" if loaded() or runs >= COMPILED_FROM else "numpy"


def mechanisms(
    kernels: str, config: SimConfig, population: Population, stakeholder_weights: np.ndarray
) -> Mechanisms:
    """A run's mechanisms on `kernels` (the compiled ones imported on first use)."""
    if resolve_kernels(kernels) == "compiled":
        from sim.model.compiled.mechanisms import CompiledMechanisms  # imports numba

        return CompiledMechanisms(config, population, stakeholder_weights)
    return Mechanisms(config, population, stakeholder_weights)
