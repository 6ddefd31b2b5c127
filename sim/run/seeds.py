"""Where every run's seed comes from, with or without common random numbers (CRN).

A run's seed (`run_seed`) is a 63-bit number drawn from a numpy `SeedSequence`; inside
the model it is split into one independent stream per stage (`sim.model.streams`), so
a draw of one stage never shifts another's.

- Without CRN (`crn=false`), replication r's seed is child r of
  `SeedSequence([seed, h])`, where h is a hash of the configuration's model inputs:
  two configurations draw unrelated numbers (independent samples).
- With CRN (`crn=true`), replication r's seed is child r of `SeedSequence(seed)`,
  whatever the configuration: replication r of every design faces the same population
  draw, the same consultation draws and the same ratification draws, so the designs'
  results can be compared pair by pair (a paired test; a narrower interval).
- `crn=auto` (the default) is CRN unless a sweep varies more than the design groups
  (`CRN_GROUPS`: process, funding, decision, cost) and the run-level keys. The sweep
  decides once, records it in its manifest, and every job reads it from there.

Either way the seed never depends on a job number, launcher or worker: the same
configuration, base seed and CRN mode give the same rows. Every job's manifest
records `crn` and `run_seeds`; the runs table has a `crn` column.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from sim.config import SimConfig
from sim.store import MANIFEST, read_json

__all__ = [
    "CRN_GROUPS",
    "configuration_hash",
    "crn_for_plan",
    "crn_of_sweep",
    "replication_seeds",
    "sweep_crn",
    "uses_crn",
    "with_crn",
]

CRN_GROUPS = frozenset({"process", "funding", "decision", "cost"})
"""Configuration groups a sweep may vary and still use CRN under `crn=auto`."""
_NEUTRAL = frozenset({"seed", "replications", "crn", "resume", "progress", "sweep_name", "sweep"})


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return float(value)


def configuration_hash(cfg: SimConfig) -> str:
    """A stable hash of the model inputs (everything but `seed`, `replications`, `crn`)."""
    inputs = {
        f.name: dataclasses.asdict(getattr(cfg, f.name))
        for f in dataclasses.fields(SimConfig)
        if f.name not in ("seed", "replications", "crn")
    }
    canonical = json.dumps(inputs, sort_keys=True, separators=(",", ":"), default=_json_default)
    return hashlib.sha256(canonical.encode()).hexdigest()


def uses_crn(cfg: SimConfig) -> bool:
    """Whether `cfg` runs with common random numbers (`auto` outside a sweep: yes)."""
    return cfg.crn is True or cfg.crn == "auto"


def with_crn(cfg: SimConfig, crn: bool) -> SimConfig:
    """`cfg` with `crn` decided (`auto` becomes `crn`; an explicit choice is kept)."""
    return dataclasses.replace(cfg, crn=crn) if cfg.crn == "auto" else cfg


def replication_seeds(cfg: SimConfig) -> list[int]:
    """One 63-bit seed per replication (see the module docstring for the two modes)."""
    if uses_crn(cfg):
        root = np.random.SeedSequence(cfg.seed)
    else:
        config_entropy = int(configuration_hash(cfg)[:16], 16)
        root = np.random.SeedSequence([cfg.seed, config_entropy])
    children = root.spawn(cfg.replications)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


def _key(override: str) -> str:
    return override.split("=", 1)[0].lstrip("+~")


def crn_for_plan(plan: list[list[str]]) -> bool:
    """`crn=auto` for a sweep of these jobs' overrides: whether it varies only designs.

    A key varies when the jobs give it more than one value; CRN holds when every
    varying key is in a design group (`process`, `process.max_parallel_rooms`,
    `cost.meeting_usd`, ...), the base seed, or a run-level key.
    """
    values: dict[str, set[str]] = {}
    for job in plan:
        for override in job:
            values.setdefault(_key(override), set()).add(override.split("=", 1)[-1])
    varying = [k for k, v in values.items() if len(v) > 1]
    for key in varying:
        if key.startswith("hydra") or key in _NEUTRAL:
            continue
        if key.split(".")[0] not in CRN_GROUPS:
            return False
    return True


def sweep_crn(requested: Any, plan: list[list[str]]) -> bool:
    """A sweep's CRN mode: the explicit `crn=true|false`, or `auto` decided by its plan."""
    if isinstance(requested, bool):
        return requested
    return crn_for_plan(plan)


def crn_of_sweep(sweep_dir: Path) -> bool:
    """The CRN mode a sweep recorded in its manifest (true if it recorded none)."""
    manifest = read_json(Path(sweep_dir) / MANIFEST) or {}
    value = manifest.get("crn")
    return value if isinstance(value, bool) else True
