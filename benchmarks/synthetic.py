"""Synthetic member tables for scaling runs beyond the 193 UN member states.

The packaged table is replicated row by row (relabelled `USA`, `USA_1`, `USA_2`, ...)
so every income group and region keeps its share; stakeholders scale with it (the
default has 160 organisations for 193 delegations).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

__all__ = ["synthetic_overrides", "synthetic_table"]

PACKAGED = Path(__file__).resolve().parent.parent / "sim" / "data" / "un_member_states.csv"
COLUMNS = ["name", "iso3", "un_region", "income_group", "ldc"]
STAKEHOLDERS = {"civil_society": 90, "industry": 35, "un_agency": 10, "academia": 25}
BASE_N = 193
_DIR = Path(tempfile.gettempdir()) / "sim_bench_tables"


def synthetic_table(n: int) -> Path:
    """Write (once) a CSV of `n` delegations made from the packaged table; its path."""
    path = _DIR / f"members_{n}.csv"
    if path.is_file():
        return path
    base = pd.read_csv(PACKAGED)[COLUMNS]
    reps = -(-n // len(base))
    parts = []
    for r in range(reps):
        part = base.copy()
        if r:
            part["iso3"] = part["iso3"] + f"_{r}"
            part["name"] = part["name"] + f" ({r})"
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True).iloc[:n]
    _DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    frame.to_csv(tmp, index=False)
    tmp.replace(path)
    return path


def synthetic_overrides(n: int, scale_stakeholders: bool = True) -> list[str]:
    """Hydra overrides that run the default scenario with `n` delegations."""
    if n == BASE_N:
        return []
    out = [f"scenario.delegations.table={synthetic_table(n)}"]
    if scale_stakeholders:
        for kind, count in STAKEHOLDERS.items():
            out.append(f"scenario.stakeholders.{kind}.count={max(1, round(count * n / BASE_N))}")
    return out
