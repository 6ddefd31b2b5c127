"""Replications of one configuration: seeds, runs, and the three tidy tables.

A replication's seed derives from the base seed and a hash of the configuration's
model inputs (numpy `SeedSequence`), never from a job number, so the same
configuration gives the same rows whatever sweep, order, launcher or worker runs it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.config import SimConfig
from sim.metrics import delegation_rows

__all__ = [
    "Tables",
    "config_columns",
    "configuration_hash",
    "replication_seeds",
    "run_replication",
    "run_replications",
]

logging.getLogger("MESA").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Tables:
    """The results of a configuration: one row per run, per meeting, per delegation."""

    runs: pd.DataFrame
    meetings: pd.DataFrame
    delegations: pd.DataFrame


def configuration_hash(cfg: SimConfig) -> str:
    """A stable hash of the model inputs (everything but `seed` and `replications`)."""
    inputs = {
        f.name: dataclasses.asdict(getattr(cfg, f.name))
        for f in dataclasses.fields(SimConfig)
        if f.name not in ("seed", "replications")
    }
    canonical = json.dumps(inputs, sort_keys=True, separators=(",", ":"), default=float)
    return hashlib.sha256(canonical.encode()).hexdigest()


def replication_seeds(cfg: SimConfig) -> list[int]:
    """One 63-bit seed per replication, from the base seed and the configuration."""
    config_entropy = int(configuration_hash(cfg)[:16], 16)
    children = np.random.SeedSequence([cfg.seed, config_entropy]).spawn(cfg.replications)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


def config_columns(cfg: SimConfig) -> dict[str, object]:
    """Columns that name the configuration on every row (for grouping and joins)."""
    return {
        "scenario": cfg.scenario.name,
        "process": cfg.process.name,
        "funding": cfg.funding.name,
        "decision": cfg.decision.rule,
        "meeting_usd": float(cfg.cost.meeting_usd),
        "delegate_day_usd": float(cfg.cost.delegate_day_usd),
        "process_budget_usd": float(cfg.cost.process_budget_usd),
        "config_id": configuration_hash(cfg)[:12],
        "seed": cfg.seed,
    }


def run_replication(cfg: SimConfig, replication: int, run_seed: int) -> Tables:
    """Run one replication and return its rows (one run row, its meetings and delegations)."""
    from sim.model import NegotiationModel  # import here: mesa is slow to import

    model = NegotiationModel(cfg, seed=run_seed)
    row = model.run()
    keys = {**config_columns(cfg), "replication": replication, "run_seed": run_seed}
    runs = pd.DataFrame([{**keys, **row}])
    meetings = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    meetings = meetings.assign(**keys)[list(keys) + list(meetings.columns)]
    delegations = pd.DataFrame(delegation_rows(model)).assign(**keys)
    delegations = delegations[list(keys) + [c for c in delegations.columns if c not in keys]]
    return Tables(runs, meetings, delegations)


def run_replications(
    cfg: SimConfig,
    progress: Callable[[int, int, float], None] | None = None,
    with_delegations: bool = True,
) -> Tables:
    """Run every replication of `cfg` in order; `progress(done, total, elapsed)` is called."""
    seeds = replication_seeds(cfg)
    parts: list[Tables] = []
    start = time.perf_counter()
    for r, run_seed in enumerate(seeds):
        parts.append(run_replication(cfg, r, run_seed))
        if progress is not None:
            progress(r + 1, len(seeds), time.perf_counter() - start)
    return Tables(
        runs=pd.concat([p.runs for p in parts], ignore_index=True),
        meetings=pd.concat([p.meetings for p in parts], ignore_index=True),
        delegations=(
            pd.concat([p.delegations for p in parts], ignore_index=True)
            if with_delegations
            else pd.DataFrame()
        ),
    )


def print_progress(done: int, total: int, elapsed: float) -> None:
    """A one-line progress report on stderr: replications done, elapsed, time left."""
    left = elapsed / done * (total - done)
    end = "\n" if done == total else "\r"
    sys.stderr.write(f"  replications {done}/{total}  {elapsed:6.1f}s  ~{left:5.1f}s left{end}")
    sys.stderr.flush()
