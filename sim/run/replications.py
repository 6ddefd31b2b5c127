"""Replications of one configuration: seeds, runs, and the three tidy tables.

A replication's seed derives from the base seed (and, without common random numbers,
a hash of the configuration's model inputs) by numpy `SeedSequence`, never from a job
number, so the same configuration gives the same rows whatever sweep, order, launcher
or worker runs it (`sim.run.seeds`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

from sim.config import SimConfig
from sim.model.kernels import kernels_for
from sim.model.metrics import delegation_rows, ratification_rows
from sim.run.schema import normalise
from sim.run.seeds import configuration_hash, replication_seeds, uses_crn

__all__ = [
    "Tables",
    "configuration_row",
    "configuration_hash",
    "replication_seeds",
    "run_replication",
    "run_replications",
]

logging.getLogger("MESA").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Tables:
    """The results of a configuration: one row per run, per meeting, per delegation.

    `ratification` has one row per run and month after adoption (parties by then) for
    the runs that adopted a treaty; it is empty when there is none (the plastics INC).
    """

    runs: pd.DataFrame
    meetings: pd.DataFrame
    delegations: pd.DataFrame
    ratification: pd.DataFrame | None = None


def configuration_row(cfg: SimConfig) -> dict[str, object]:
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
        "crn": uses_crn(cfg),
    }


def run_replication(
    cfg: SimConfig, replication: int, run_seed: int, kernels: str | None = None
) -> Tables:
    """Run one replication and return its rows (one run row, its meetings and delegations)."""
    part = _run(cfg, run_seed, with_delegations=True, kernels=kernels)
    return _tables(configuration_row(cfg), [(replication, run_seed, part)], with_delegations=True)


def run_replications(
    cfg: SimConfig,
    progress: Callable[[int, int, float], None] | None = None,
    with_delegations: bool = True,
    kernels: str | None = None,
) -> Tables:
    """Run every replication of `cfg` in order; `progress(done, total, elapsed)` is called.

    Each run keeps its rows as plain lists and arrays; the three tables are built once,
    at the end, column by column. `kernels` (`sim.model.kernels`; default: by the number
    of replications) never changes a number.
    """
    seeds = replication_seeds(cfg)
    kernels = kernels or kernels_for(len(seeds))
    parts = []
    start = time.perf_counter()
    for r, run_seed in enumerate(seeds):
        parts.append((r, run_seed, _run(cfg, run_seed, with_delegations, kernels)))
        if progress is not None:
            progress(r + 1, len(seeds), time.perf_counter() - start)
    return _tables(configuration_row(cfg), parts, with_delegations)


@dataclass(frozen=True)
class _Part:
    """One run's raw results: its row, its per-meeting series and per-delegation columns."""

    row: dict[str, object]
    meetings: dict[str, list]
    delegations: dict[str, np.ndarray] | None
    ratification: dict[str, np.ndarray] | None  # parties by month; None: no treaty adopted


def _run(cfg: SimConfig, run_seed: int, with_delegations: bool, kernels: str | None) -> _Part:
    from sim.model.session import Negotiation  # the model without Mesa (slow to import)

    record = Negotiation(cfg, seed=run_seed, kernels=kernels or kernels_for(1)).run()
    delegations = delegation_rows(record) if with_delegations else None
    return _Part(record.row, record.meeting_series, delegations, ratification_rows(record))


def _tables(
    keys: dict[str, object], parts: list[tuple[int, int, _Part]], with_delegations: bool
) -> Tables:
    """The three tables of a list of runs (one frame per table, built once).

    Column types are fixed here (`sim.run.schema`): counts and days as nullable integers,
    per-day rates NaN for a run that held no meeting day.
    """
    import pandas as pd  # here: a second to import, and no run needs it

    names = [*keys, "replication", "run_seed"]

    def key_columns(lengths: list[int]) -> dict[str, object]:
        columns: dict[str, object] = {}
        for name, value in keys.items():
            columns[name] = np.repeat(np.array([value] * len(parts)), lengths)
        columns["replication"] = np.repeat([r for r, _, _ in parts], lengths)
        columns["run_seed"] = np.repeat(np.array([s for _, s, _ in parts], dtype=np.int64), lengths)
        return columns

    runs = pd.DataFrame(
        [{**keys, "replication": r, "run_seed": s, **part.row} for r, s, part in parts]
    )
    no_days = [part.row.get("days_held") == 0 for _, _, part in parts]
    runs = normalise("runs", runs)
    meeting_names = list(parts[0][2].meetings) if parts else []
    meetings = pd.DataFrame(
        {
            **key_columns([len(next(iter(p.meetings.values()), [])) for _, _, p in parts]),
            **{c: [v for _, _, p in parts for v in p.meetings[c]] for c in meeting_names},
        },
        columns=names + [c for c in meeting_names if c not in names],
    )
    meetings = normalise("meetings", meetings)
    ratification = _ratification_table(keys, parts)
    if not with_delegations:
        return Tables(runs, meetings, pd.DataFrame(), ratification)
    delegation_names = list(parts[0][2].delegations) if parts else []
    delegations = pd.DataFrame(
        {
            **key_columns([len(p.delegations[delegation_names[0]]) for _, _, p in parts]),
            **{
                c: np.concatenate([p.delegations[c] for _, _, p in parts]) for c in delegation_names
            },
        },
        columns=names + [c for c in delegation_names if c not in names],
    )
    lengths = [len(p.delegations[delegation_names[0]]) for _, _, p in parts] if parts else []
    delegations = normalise("delegations", delegations, np.repeat(no_days, lengths))
    return Tables(runs, meetings, delegations, ratification)


def _ratification_table(
    keys: dict[str, object], parts: list[tuple[int, int, _Part]]
) -> pd.DataFrame:
    """Parties by month of every run that adopted a treaty (keys, replication, month, parties)."""
    import pandas as pd

    done = [(r, s, p.ratification) for r, s, p in parts if p.ratification is not None]
    lengths = [len(rows["month"]) for _, _, rows in done]
    columns: dict[str, object] = {
        k: np.repeat(np.array([v]), sum(lengths)) for k, v in keys.items()
    }
    columns["replication"] = np.repeat(np.array([r for r, _, _ in done], dtype=np.int64), lengths)
    columns["run_seed"] = np.repeat(np.array([s for _, s, _ in done], dtype=np.int64), lengths)
    for name in ("month", "parties"):
        columns[name] = np.concatenate([rows[name] for *_, rows in done] or [np.zeros(0)])
    return normalise("ratification", pd.DataFrame(columns))
