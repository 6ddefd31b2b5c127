"""Re-run one stored replication with a read-only recorder attached.

The results tables keep a run's summary and its per-meeting text, but not the groups'
ideals nor each delegation's presence meeting by meeting. Runs are deterministic, so
the replication is re-run from its configuration and ``run_seed`` with a recorder: a
subclass whose ``step`` calls the model's own and then copies a few arrays (delegates
sent, days present, informal room-days covered, the issues in closed rooms). It never
writes to the model, so the run is the one in the table; :func:`reproduces` checks
that against the stored row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.designs import INCOME_GROUPS, REGIONS, STAKEHOLDER_KINDS
from sim.config import SimConfig, to_sim_config
from sim.store import MANIFEST

__all__ = ["RunTrace", "locate_run", "reproduces", "trace_run"]


@dataclass(frozen=True)
class RunTrace:
    """What one replication did, meeting by meeting (M meetings, N delegations, D issues)."""

    issues: tuple[str, ...]
    text: np.ndarray  # (M + 1, D): the zero draft, then the text after each meeting
    closed: np.ndarray  # (M, D): issue sat in an informal or friends room that meeting
    delegates: np.ndarray  # (N, M): delegates in person
    present_days: np.ndarray  # (N, M): days with someone at the meeting (in person or remote)
    coverage: np.ndarray  # (N, M): share of informal room-days covered (NaN: no such room)
    informal_room_days: np.ndarray  # (M,): informal and friends room-days that sat
    days: np.ndarray  # (M,): days held
    delegations: pd.DataFrame  # iso3, name, income_group, region, budget_usd, staff
    ideals: pd.DataFrame  # index: group code; columns: issues (mean original ideals)
    row: dict[str, object]  # the run's metrics, as in runs.parquet
    adopted_by: str  # consensus, vote or none


def _recording_model(config: SimConfig, seed: int):
    """A NegotiationModel that copies a few arrays after each meeting; nothing else."""
    from sim.model import NegotiationModel  # mesa is slow to import

    class RecordingModel(NegotiationModel):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.records: list[dict[str, np.ndarray | int]] = []

        def step(self) -> None:
            led = self.ledger
            before = (
                np.array(led.informal_days, copy=True),
                int(led.informal_room_days),
                np.array(led.present_days, copy=True),
                int(led.days_held),
            )
            super().step()
            self.records.append(
                {
                    "delegates": np.array(self.attendance.delegates, copy=True),
                    "informal_days": np.asarray(led.informal_days) - before[0],
                    "informal_room_days": int(led.informal_room_days) - before[1],
                    "present_days": np.asarray(led.present_days) - before[2],
                    "days": int(led.days_held) - before[3],
                    "closed": np.array(self.chair.informal_issues, copy=True),
                }
            )

    return RecordingModel(config, seed=seed)


def _ideals(model) -> pd.DataFrame:
    dl, st = model.population.delegations, model.population.stakeholders
    rows = {}
    for k, g in enumerate(INCOME_GROUPS):
        if (dl.income == k).any():
            rows[g] = dl.ideal[dl.income == k].mean(axis=0)
    for k, r in enumerate(REGIONS):
        if (dl.region == k).any():
            rows[r] = dl.ideal[dl.region == k].mean(axis=0)
    for k, kind in enumerate(STAKEHOLDER_KINDS):
        if (st.kind == k).any():
            rows[kind] = st.ideal[st.kind == k].mean(axis=0)
    rows["median_state"] = np.median(dl.ideal, axis=0)
    return pd.DataFrame(rows, index=list(model.population.issues)).T


def trace_run(config: SimConfig, run_seed: int) -> RunTrace:
    """Re-run one replication with the recorder attached and return its trace."""
    model = _recording_model(config, int(run_seed))
    row = model.run().row
    records, issues = model.records, tuple(model.population.issues)
    dl = model.population.delegations
    closed = np.zeros((len(records), len(issues)), dtype=bool)
    for m, rec in enumerate(records):
        closed[m, np.asarray(rec["closed"], dtype=int)] = True
    room_days = np.array([rec["informal_room_days"] for rec in records], dtype=float)
    informal = np.stack([rec["informal_days"] for rec in records], axis=1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.where(room_days > 0, informal / room_days, np.nan)
    delegations = pd.DataFrame(
        {
            "iso3": np.asarray(dl.iso3, dtype=str),
            "name": np.asarray(dl.name, dtype=str),
            "income_group": np.array(INCOME_GROUPS)[dl.income],
            "region": np.array(REGIONS)[dl.region],
            "budget_usd": np.asarray(dl.budget_usd, dtype=float),
            "staff": np.asarray(dl.staff),
        }
    )
    return RunTrace(
        issues=issues,
        text=np.vstack([model.zero_draft, *model.text_history]),
        closed=closed,
        delegates=np.stack([rec["delegates"] for rec in records], axis=1),
        present_days=np.stack([rec["present_days"] for rec in records], axis=1),
        coverage=coverage,
        informal_room_days=room_days,
        days=np.array([rec["days"] for rec in records]),
        delegations=delegations,
        ideals=_ideals(model),
        row=row,
        adopted_by=str(row["adopted_by"]),
    )


def locate_run(folder: Path | str, config_id: str, replication: int) -> tuple[SimConfig, int]:
    """The configuration and ``run_seed`` of one replication stored in a results folder.

    ``folder`` is a single run's folder or a sweep's (its job folders are named
    ``<config_id>-s<seed>-r<replications>``).
    """
    from omegaconf import OmegaConf

    folder = Path(folder)
    candidates = [folder, *sorted(folder.glob(f"{config_id}-*"))]
    for job in candidates:
        runs_path, config_path = job / "runs.parquet", job / "config.yaml"
        if not (runs_path.is_file() and config_path.is_file() and (job / MANIFEST).exists()):
            continue
        runs = pd.read_parquet(runs_path, columns=["config_id", "replication", "run_seed"])
        hit = runs[(runs["config_id"] == config_id) & (runs["replication"] == replication)]
        if len(hit):
            config = to_sim_config(OmegaConf.to_container(OmegaConf.load(config_path)))
            return config, int(hit["run_seed"].iloc[0])
    raise FileNotFoundError(
        f"{folder}: no complete job folder holds replication {replication} of "
        f"configuration {config_id} (looked for {config_id}-*/config.yaml and runs.parquet)"
    )


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def reproduces(trace: RunTrace, stored: pd.Series | dict, tol: float = 1e-9) -> list[str]:
    """Columns of the stored run row that the re-run does not reproduce (empty: all do)."""
    stored = dict(stored)
    bad = []
    for key, value in trace.row.items():
        if key not in stored:
            continue
        old = stored[key]
        if _missing(value) or _missing(old):  # NaN, None or <NA> (a nullable count)
            if not (_missing(value) and _missing(old)):
                bad.append(key)
        elif isinstance(value, float | np.floating) or isinstance(old, float | np.floating):
            if not math.isclose(float(value), float(old), abs_tol=tol):
                bad.append(key)
        elif str(value) != str(old):
            bad.append(key)
    return bad
