"""The seed's claims read across a calibration's plausible set (`python -m sim.claims`).

A claim that holds at one point may rest on that point's values. Here every claim of
`sim.analysis.claims` is measured at `points` plausible points of a history matching
(spread over the set), each with `replications` paired runs per arm (common random
numbers), through the batch runner (resumable, Ray). Per claim: the share of plausible
points at which it holds (its 95% interval excludes zero on the seed's side), the
share at which the opposite holds, and the effect's mean over points with its 95%
interval. The folder holds `claims.{csv,md}`, `per_point.csv` and the figure.
"""

from __future__ import annotations

import math
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.claims import (
    ARMS,
    BUDGET_SHARES,
    STUDIED,
    arms_of,
    differing_keys,
    evaluate,
)
from sim.analysis.experiments import MAX_JOBS, MAX_REPLICATIONS, check_count
from sim.analysis.hm.design import maximin
from sim.analysis.hm.space import values_for
from sim.analysis.tables import format_number, markdown_table
from sim.config import ConfigError, compose_config, set_values
from sim.run.batch import Batch, Execution, Point, run_batch
from sim.store import write_text

__all__ = ["ClaimsConfig", "ClaimsResult", "run_claims", "summarise_claims"]

NEGOTIATION = "ahc_cybercrime"  # the claims are the seed's, about the committee


@dataclass
class ClaimsConfig:
    """What `python -m sim.claims` reads and runs (configs/claims.yaml)."""

    calibration: str | None = None
    points: int = 40
    replications: int = 50
    seed: int = 7
    engine: str = "local"
    workers: int = 0
    chunk: int = 8
    out: str | None = None


@dataclass(frozen=True)
class ClaimsResult:
    """A finished claims study: its folder, the summary per claim, the effects per point."""

    folder: Path
    summary: pd.DataFrame
    per_point: pd.DataFrame


def _check(cfg: ClaimsConfig) -> Path:
    check_count("points", cfg.points, 1, MAX_JOBS)
    check_count("replications", cfg.replications, 2, MAX_REPLICATIONS)
    check_count("seed", cfg.seed, 0, 2**63 - 1)
    check_count("chunk", cfg.chunk, 1, MAX_JOBS)
    check_count("workers", cfg.workers, 0, 4096)
    if not cfg.calibration:
        raise ConfigError("calibration: give the calibration folder (python -m sim.claims FOLDER)")
    folder = Path(cfg.calibration)
    if not (folder / "points.parquet").is_file():
        raise ConfigError(
            f"calibration: {folder} holds no points.parquet (not a calibration folder)"
        )
    return folder


def _plausible(folder: Path, n: int, seed: int) -> tuple[pd.DataFrame, list[str]]:
    """`n` plausible points, spread over the set (all of them if there are fewer)."""
    points = pd.read_parquet(folder / "points.parquet")
    plausible = points[points["plausible"]].reset_index(drop=True)
    if plausible.empty:
        raise ConfigError(f"calibration: {folder} has no plausible point to read the claims across")
    names = [c for c in plausible.columns if "." in c and ":" not in c and not c.startswith("I:")]
    values = plausible[names].astype(float)
    span = (values.max() - values.min()).replace(0, 1.0)
    unit = ((values - values.min()) / span).to_numpy()
    return plausible.iloc[maximin(unit, n, seed)].reset_index(drop=True), names


def run_claims(cfg: ClaimsConfig, progress: bool = True) -> ClaimsResult:
    """Run every claim's arms at plausible points of the calibration; write the tables."""
    folder = _check(cfg)
    chosen, names = _plausible(folder, cfg.points, cfg.seed)
    common = [f"seed={cfg.seed}", f"replications={cfg.replications}", "progress=false", "crn=true"]
    arms = arms_of(STUDIED)
    default = compose_config(common)
    designs = {}
    for arm in arms:
        overrides = [o for o in ARMS[arm] if o not in BUDGET_SHARES]
        designs[arm] = compose_config([*common, *overrides])
    jobs = []
    for i, row in chosen.iterrows():
        point = values_for(NEGOTIATION, {k: row[k] for k in names}, default)
        budget = float(point.get("cost.process_budget_usd", default.cost.process_budget_usd))
        for arm in arms:
            defining = differing_keys(default, designs[arm])
            values = {k: v for k, v in point.items() if k not in defining}
            for share in (BUDGET_SHARES[o] for o in ARMS[arm] if o in BUDGET_SHARES):
                values["cost.process_budget_usd"] = budget * share
            set_values(designs[arm], values)  # a bad value fails here, before any run
            jobs.append(Point(design=arm, point=int(i), values=values))
    out = Path(cfg.out or folder / "claims")
    batch = Batch(
        kind="claims",
        designs=designs,
        points=tuple(jobs),
        settings={"calibration": str(folder), "points": [int(p) for p in chosen["point"]]},
    )
    how = Execution(chunk=cfg.chunk, engine=cfg.engine, workers=cfg.workers, progress=progress)
    found: dict[str, Any] = {}

    def analyse(runs: pd.DataFrame) -> dict[str, Any]:
        per_point = []
        for p, part in runs.groupby("point"):
            by_arm = {a: g.set_index("replication") for a, g in part.groupby("design")}
            table = evaluate(STUDIED, by_arm).assign(point=int(chosen.loc[p, "point"]))
            per_point.append(table)
        per_point = pd.concat(per_point, ignore_index=True)
        summary = summarise_claims(per_point)
        write_text(per_point.to_csv(index=False), out / "per_point.csv")
        write_text(summary.to_csv(index=False), out / "claims.csv")
        formatted = summary.map(lambda v: format_number(v) if isinstance(v, float) else v)
        header = (
            f"The seed's claims and the design table's contrasts across {len(chosen)} plausible "
            f"points of {folder}, "
            f"{cfg.replications} paired runs per arm and point.\n\n"
        )
        write_text(header + markdown_table(formatted) + "\n", out / "claims.md")
        found["summary"], found["per_point"] = summary, per_point
        return {"claims": asdict(cfg), "plausible_points": len(chosen)}

    command = "python -m sim.claims " + " ".join(sys.argv[1:])
    run_batch(batch, out, how, command=command, analyse=analyse)
    return ClaimsResult(out, found["summary"], found["per_point"])


def summarise_claims(per_point: pd.DataFrame) -> pd.DataFrame:
    """Per claim: shares of points where it holds or its opposite does, the mean effect."""
    rows = []
    for claim, group in per_point.groupby("claim", sort=False):
        effect = group["effect"].astype(float).dropna()
        n = len(effect)
        direction = float(group["direction"].iloc[0]) if "direction" in group else math.nan
        opposite = (group["high"] < 0) if direction > 0 else (group["low"] > 0)
        mean = float(effect.mean()) if n else math.nan
        half = (
            float(stats.t.ppf(0.975, n - 1) * effect.std(ddof=1) / math.sqrt(n))
            if n > 1
            else math.nan
        )
        rows.append(
            {
                "claim": claim,
                "text": group["text"].iloc[0],
                "outcome": group["outcome"].iloc[0],
                "points": n,
                "share_holds": float(group["holds"].astype(float).mean()) if n else math.nan,
                "share_opposite": float(opposite.mean()) if n else math.nan,
                "mean_effect": mean,
                "low": mean - half,
                "high": mean + half,
                "median_effect": float(np.median(effect)) if n else math.nan,
            }
        )
    return pd.DataFrame(rows)
