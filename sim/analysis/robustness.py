"""Robustness of design rankings over uncertain parameters (`python -m sim.robustness`).

Exploratory modelling in the manner of EMA Workbench (Kwakkel 2017): the uncertain
parameters of `configs/robustness.yaml` are sampled by Latin hypercube into
*worlds*; every design is run in every world with common random numbers (replication
r of each design in a world shares its draws), and each outcome is averaged over a
world's replications. Per outcome ("better" is the outcome's declared direction):

- `beats`: for each ordered pair of designs, the share of worlds in which A does
  better than B, in which B does better and in which they tie (within `tie`): a
  tie is not a loss, so a design that never does worse is never shown as beaten;
- `regret`: a design's regret in a world is how far it falls short of the best
  design there; per design the largest (minimax) and mean regret and the share of
  worlds it is best; the minimax-regret design is the one whose worst regret is least;
- `flips`: for each pair whose ranking flips (A better in between 10% and 90% of
  the worlds), the single parameter and threshold that best separate the worlds
  where A wins from those where B wins (scikit-learn's depth-one decision tree, a
  one-cut PRIM-style box), with the share A wins on each side.

Pure functions over a table of world-by-design means, so a toy model with a known
answer tests them; `run_robustness` runs the study (`sim.analysis.experiments`).
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.designs import lower_is_better
from sim.analysis.experiments import (
    MAX_JOBS,
    MAX_REPLICATIONS,
    check_count,
    check_number,
    check_outcomes,
    check_ranges,
    compose_designs,
    point_values,
)
from sim.analysis.priors import ParameterRange, design, flatten_ranges
from sim.analysis.shares import as_shares, share_outcomes
from sim.analysis.tables import format_number, markdown_table
from sim.config import ConfigError
from sim.run.batch import Batch, Execution, Point, run_batch
from sim.run.command import compose_settings
from sim.store import write_text

__all__ = [
    "RobustnessConfig",
    "RobustnessResult",
    "beats",
    "compose_robustness",
    "flips",
    "regret",
    "run_robustness",
]


@dataclass
class RobustnessConfig:
    """What `python -m sim.robustness` samples, runs and reports."""

    base: list[str] = field(default_factory=list)
    designs: dict[str, list[str]] = field(default_factory=dict)
    worlds: int = 32
    replications: int = 3
    seed: int = 20240808
    outcomes: list[str] = field(default_factory=list)
    tie: float = 0.0  # differences at most this large are ties
    workers: int = 0
    engine: str = "local"  # local cores, or ray / a Ray cluster (sim.run.engines)
    chunk: int = 40
    out: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def ranges(self) -> dict[str, ParameterRange]:
        return flatten_ranges(self.parameters)


def compose_robustness(overrides: list[str] | None = None) -> RobustnessConfig:
    """Compose `configs/robustness.yaml` with Hydra overrides and check it."""
    cfg = compose_settings("robustness", RobustnessConfig, list(overrides or []))
    if len(cfg.designs) < 2:
        raise ConfigError("designs: at least two designs to rank")
    check_count("worlds", cfg.worlds, 2, MAX_JOBS)
    check_count("replications", cfg.replications, 1, MAX_REPLICATIONS)
    check_count("seed", cfg.seed, 0, 2**63 - 1)
    check_count("chunk", cfg.chunk, 1, MAX_JOBS)
    check_count("workers", cfg.workers, 0, 4096)
    check_number("tie", cfg.tie, 0.0, float("inf"))
    if cfg.worlds * len(cfg.designs) > MAX_JOBS:
        raise ConfigError(f"worlds = {cfg.worlds} x {len(cfg.designs)} designs is more than "
                          f"{MAX_JOBS:,} jobs: take fewer worlds")  # fmt: skip
    if not cfg.ranges:
        raise ConfigError("parameters: at least one parameter to sample")
    return cfg


def _signed(means: pd.DataFrame, outcome: str, higher: bool | None) -> pd.DataFrame:
    """World-by-design table of the outcome, signed so that larger is better."""
    table = means.pivot(index="world", columns="design", values=outcome)
    better_high = (not lower_is_better(outcome)) if higher is None else higher
    return table if better_high else -table


def beats(
    means: pd.DataFrame,
    outcomes: list[str],
    tie: float = 0.0,
    higher: dict[str, bool] | None = None,
) -> pd.DataFrame:
    """Share of worlds where design A does better than B, per outcome and ordered pair."""
    rows = []
    for outcome in outcomes:
        table = _signed(means, outcome, (higher or {}).get(outcome))
        for a, b in itertools.permutations(table.columns, 2):
            diff = (table[a] - table[b]).dropna()
            rows.append(
                {
                    "outcome": outcome,
                    "design_a": a,
                    "design_b": b,
                    "worlds": len(diff),
                    "share_a_better": float((diff > tie).mean()) if len(diff) else np.nan,
                    "share_b_better": float((diff < -tie).mean()) if len(diff) else np.nan,
                    "share_tied": float((diff.abs() <= tie).mean()) if len(diff) else np.nan,
                }
            )
    return pd.DataFrame(rows)


def regret(
    means: pd.DataFrame, outcomes: list[str], higher: dict[str, bool] | None = None
) -> pd.DataFrame:
    """Per outcome and design: max and mean regret, share of worlds best, minimax choice."""
    rows = []
    for outcome in outcomes:
        table = _signed(means, outcome, (higher or {}).get(outcome)).dropna()
        shortfall = table.max(axis=1).to_numpy()[:, None] - table.to_numpy()
        best = shortfall <= 1e-12
        worst = shortfall.max(axis=0)
        for j, name in enumerate(table.columns):
            rows.append(
                {
                    "outcome": outcome,
                    "design": name,
                    "max_regret": float(worst[j]),
                    "mean_regret": float(shortfall[:, j].mean()),
                    "share_best": float(best[:, j].mean()),
                    "minimax_choice": bool(worst[j] == worst.min()),
                }
            )
    return pd.DataFrame(rows)


def _best_cut(x: pd.DataFrame, wins: np.ndarray) -> tuple[str, float, float, float, float]:
    """The one cut on one parameter that best separates wins from losses.

    A depth-one decision tree (scikit-learn, Gini impurity): (parameter, threshold,
    accuracy, share of wins below, share above); no parameter and a NaN threshold when
    no cut improves on the majority.
    """
    from sklearn.tree import DecisionTreeClassifier

    tree = DecisionTreeClassifier(max_depth=1, random_state=0).fit(x.to_numpy(float), wins)
    accuracy = float(tree.score(x.to_numpy(float), wins))
    feature, threshold = int(tree.tree_.feature[0]), float(tree.tree_.threshold[0])
    if feature < 0:  # a leaf: all wins or all losses
        return "", np.nan, accuracy, np.nan, np.nan
    below = x.iloc[:, feature].to_numpy(float) <= threshold
    return str(x.columns[feature]), threshold, accuracy, wins[below].mean(), wins[~below].mean()


def flips(
    means: pd.DataFrame,
    worlds: pd.DataFrame,
    outcomes: list[str],
    tie: float = 0.0,
    higher: dict[str, bool] | None = None,
    band: tuple[float, float] = (0.1, 0.9),
) -> pd.DataFrame:
    """Where rankings flip: per unordered pair whose share is inside `band`, the best cut."""
    params = [c for c in worlds.columns if c != "world"]
    shares = beats(means, outcomes, tie, higher)
    rows = []
    for outcome in outcomes:
        table = _signed(means, outcome, (higher or {}).get(outcome))
        part = shares[shares["outcome"] == outcome]
        for a, b in itertools.combinations(table.columns, 2):
            share = part[(part["design_a"] == a) & (part["design_b"] == b)]["share_a_better"]
            share = float(share.iloc[0])
            if not band[0] <= share <= band[1]:
                continue
            diff = (table[a] - table[b]).dropna()
            x = worlds.set_index("world").loc[diff.index]
            wins = (diff > tie).to_numpy()
            parameter, threshold, accuracy, below, above = _best_cut(x[params], wins)
            rows.append(
                {
                    "outcome": outcome,
                    "design_a": a,
                    "design_b": b,
                    "share_a_better": share,
                    "parameter": parameter,
                    "threshold": threshold,
                    "share_a_better_below": below,
                    "share_a_better_above": above,
                    "accuracy": accuracy,
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class RobustnessResult:
    """A finished study: its folder and the three tables."""

    folder: Path
    beats: pd.DataFrame
    regret: pd.DataFrame
    flips: pd.DataFrame
    designs: list[str]


def run_robustness(cfg: RobustnessConfig, progress: bool = True) -> RobustnessResult:
    """Sample worlds, run every design in each (CRN, resumable), write the tables."""
    ranges = cfg.ranges
    out = Path(cfg.out or f"results/robustness/{datetime.now():%Y-%m-%d_%H-%M-%S}")
    rush = "rush_cost" in cfg.outcomes
    bases = compose_designs(cfg.designs, cfg.base, cfg.seed, cfg.replications, rush_cost=rush)
    for base in bases.values():
        check_outcomes(base, cfg.outcomes)
    check_ranges(bases, ranges)
    worlds = design(ranges, cfg.worlds, "lhs", cfg.seed)
    worlds.insert(0, "world", np.arange(len(worlds)))
    jobs = tuple(
        Point(design=name, point=int(row["world"]), values=point_values(row, ranges))
        for row in worlds.to_dict("records")
        for name in cfg.designs
    )
    row_keys = ("base", "designs", "worlds", "replications", "seed", "parameters")
    settings = {k: v for k, v in asdict(cfg).items() if k in row_keys}  # tie, outcomes: analysis
    command = "python -m sim.robustness " + " ".join(sys.argv[1:])
    found: dict[str, RobustnessResult] = {}

    def analyse(runs: pd.DataFrame) -> dict[str, Any]:
        write_text(worlds.to_csv(index=False), out / "worlds.csv")
        runs = as_shares(runs)
        outcomes = share_outcomes(cfg.outcomes)  # a categorical outcome as shares, not a code
        means = (
            runs.groupby(["point", "design"], sort=False)[outcomes]
            .mean(numeric_only=False)
            .astype(float)
            .reset_index()
            .rename(columns={"point": "world"})
        )
        write_text(means.to_csv(index=False), out / "means.csv")
        found["result"] = result = RobustnessResult(
            out,
            beats(means, outcomes, cfg.tie),
            regret(means, outcomes),
            flips(means, worlds, outcomes, cfg.tie),
            list(cfg.designs),
        )
        write_tables(result)
        return {"worlds": len(worlds), "runs": len(runs), "crn": True}

    how = Execution(chunk=cfg.chunk, engine=cfg.engine, workers=cfg.workers, progress=progress)
    batch = Batch(kind="robustness", designs=bases, points=jobs, settings=settings)
    run_batch(batch, out, how, command=command, analyse=analyse)
    return found["result"]


def write_tables(result: RobustnessResult) -> None:
    """`beats`, `regret` and `flips` as CSV (full precision) and one Markdown report."""
    out = result.folder
    for name in ("beats", "regret", "flips"):
        write_text(getattr(result, name).to_csv(index=False), out / f"{name}.csv")
    parts = ["## Share of worlds in which the row design does better than the column\n"]
    for outcome, part in result.beats.groupby("outcome", sort=False):
        grid = part.pivot(index="design_a", columns="design_b", values="share_a_better")
        grid = grid.reindex(index=result.designs, columns=result.designs)
        grid = grid.map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
        grid.index.name = outcome
        parts += [f"### {outcome}\n", markdown_table(grid, index=True), ""]
    regret_cells = result.regret.assign(
        max_regret=result.regret["max_regret"].map(format_number),
        mean_regret=result.regret["mean_regret"].map(format_number),
        share_best=result.regret["share_best"].map(lambda v: f"{v:.2f}"),
        minimax_choice=result.regret["minimax_choice"].map(lambda v: "yes" if v else ""),
    )
    parts += ["## Regret (shortfall from the best design in each world)\n"]
    parts += [markdown_table(regret_cells), ""]
    parts += ["## Where rankings flip (one cut on one parameter)\n"]
    if result.flips.empty:
        parts += ["No ranking flips between 10% and 90% of the worlds."]
    else:
        cells = result.flips.copy()
        for column in cells.columns:
            if cells[column].dtype.kind == "f":
                cells[column] = cells[column].map(format_number)
        parts += [markdown_table(cells)]
    write_text("\n".join(parts) + "\n", out / "robustness.md")
