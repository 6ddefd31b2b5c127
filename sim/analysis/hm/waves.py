"""History matching in waves: run points, learn the summaries, rule out, run inside NROY.

`history_match` is the procedure `sim.analysis.calibration` describes; this module runs
it: each wave's points go to the batch runner (one job per point and negotiation, in
`<out>/wave_<w>/`, resumable), their runs become summary statistics with their sampling
variances, emulators are fitted on every point run so far, and the next wave's points
are drawn inside the region no wave's emulators rule out. It returns what the reports
need (`sim.analysis.hm.report`): every run point with its statistics and verdict, each
wave's emulators, and the final NROY candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.hm.design import maximin, nroy_candidates, sobol_unit, to_values, unit_of
from sim.analysis.hm.emulator import Emulator, fit_emulator
from sim.analysis.hm.implausibility import (
    PLAUSIBLE,
    implausibility,
    implausibility_bounds,
    not_ruled_out,
    verdicts,
)
from sim.analysis.hm.space import Space, values_for
from sim.analysis.hm.summaries import Summary, statistics
from sim.config import SimConfig
from sim.run.batch import Batch, Execution, Point, run_batch

__all__ = [
    "Wave",
    "emulated_keep",
    "first_design",
    "fit_emulators",
    "judge_runs",
    "next_points",
    "run_points",
    "run_rows",
    "statistics_table",
    "unit_rows",
]

TRAINING_CAP = 500  # points an emulator is fitted on (a GP costs the cube of it)


@dataclass
class Wave:
    """The run points of one wave (or of a left-out or stability batch)."""

    name: str
    table: pd.DataFrame  # one row per point: `point`, `wave`, parameter values, statistics
    unit: np.ndarray  # the points in the unit cube, rows as in `table`
    emulators: dict[str, Emulator | None] = field(default_factory=dict)
    runs: pd.DataFrame | None = None  # every run of the table's points (pooled when settled)


def _stat_columns(summaries: Sequence[Summary]) -> list[str]:
    return [s.key for s in summaries] + [f"{s.key}:var" for s in summaries]


def run_points(
    name: str,
    unit: np.ndarray,
    first_point: int,
    space: Space,
    designs: Mapping[str, SimConfig],
    summaries: Sequence[Summary],
    out: Path,
    how: Execution,
    command: str,
) -> Wave:
    """Run every point (rows of `unit`) in every negotiation; one row of statistics per point."""
    values = to_values(unit, space.priors)
    ids = np.arange(first_point, first_point + len(values))
    runs = run_rows(name, ids, values, space, designs, out, how, command)
    table = pd.concat(
        [
            pd.DataFrame({"point": ids, "wave": name}),
            values,
            statistics_table(ids, runs, summaries),
        ],
        axis=1,
    )
    return Wave(name, table, unit, runs=runs)


def run_rows(
    name: str,
    ids: Sequence[int],
    values: pd.DataFrame,
    space: Space,
    designs: Mapping[str, SimConfig],
    out: Path,
    how: Execution,
    command: str,
) -> pd.DataFrame:
    """Run each row of `values` (labelled with its id) in every negotiation: the run rows.

    One batch folder, `<out>/<name>/` (locked, fingerprinted, resumable).
    """
    rows = values[list(space.priors)].to_dict("records")
    jobs = tuple(
        Point(design=n, point=int(point), values=values_for(n, row, cfg))
        for point, row in zip(ids, rows, strict=True)
        for n, cfg in designs.items()
    )
    batch = Batch(
        kind="calibration",
        designs=dict(designs),
        points=jobs,
        settings={"wave": name, "parameters": list(space.priors)},
    )
    return run_batch(batch, out / name, how, command=command).runs


def statistics_table(
    ids: Sequence[int], runs: pd.DataFrame, summaries: Sequence[Summary]
) -> pd.DataFrame:
    """One row per point of `ids`: each summary's statistic and sampling variance.

    `replications` is the number of runs per negotiation they rest on.
    """
    by_point = {p: dict(iter(part.groupby("design"))) for p, part in runs.groupby("point")}
    stats = []
    for point in ids:
        value, variance = statistics(summaries, by_point[point])
        reps = min(len(part) for part in by_point[point].values())
        stats.append(
            {**value, **{f"{k}:var": v for k, v in variance.items()}, "replications": reps}
        )
    return pd.DataFrame(stats, columns=[*_stat_columns(summaries), "replications"])


def judge_runs(
    table: pd.DataFrame,
    summaries: Sequence[Summary],
    cutoff: float,
    judged: Sequence[Summary] | None = None,
) -> pd.DataFrame:
    """Each point's implausibility per summary from its own runs, the largest, the verdict.

    The largest, its 95% band (`max_I_low`, `max_I_high`) and the verdict (`verdict`:
    plausible, borderline or ruled out; `plausible` when settled so) are over `judged`
    (default: every summary).
    """
    out = pd.DataFrame(index=table.index)
    chosen = summaries if judged is None else judged
    low = np.zeros(len(table))
    high = np.zeros(len(table))
    for s in summaries:
        out[f"I:{s.key}"] = implausibility(s, table[s.key], table[f"{s.key}:var"])
    for s in chosen:
        lo, hi = implausibility_bounds(s, table[s.key], table[f"{s.key}:var"])
        low, high = np.maximum(low, lo), np.maximum(high, hi)
    columns = [f"I:{s.key}" for s in chosen]
    out["max_I"] = out[columns].max(axis=1) if columns else 0.0
    out["max_I_low"] = low
    out["max_I_high"] = high
    out["verdict"] = verdicts(low, high, cutoff)
    out["plausible"] = out["verdict"] == PLAUSIBLE
    return out


def fit_emulators(
    summaries: Sequence[Summary],
    waves: Sequence[Wave],
    active: int,
    seed: int,
    workers: int = 1,
) -> dict[str, Emulator | None]:
    """One emulator per summary, on the points of `waves` (the latest first, capped).

    The summaries' emulators are fitted in `workers` processes (joblib; 0 = every core).
    """
    unit = np.vstack([w.unit for w in waves])
    table = pd.concat([w.table for w in waves], ignore_index=True)
    rng = np.random.default_rng(seed)
    latest = len(waves[-1].table)
    order = np.arange(len(table))
    if len(table) > TRAINING_CAP:  # the latest wave first: it lies where the plausible set is
        newest = order[len(table) - latest :]
        older = rng.permutation(order[: len(table) - latest])
        order = np.concatenate([rng.permutation(newest), older])[:TRAINING_CAP]
    from joblib import Parallel, delayed

    fits = Parallel(n_jobs=workers or -1)(
        delayed(fit_emulator)(
            s.key,
            unit[order],
            table[s.key].to_numpy(dtype=float)[order],
            table[f"{s.key}:var"].to_numpy(dtype=float)[order],
            active=active,
            seed=seed + i,
        )
        for i, s in enumerate(summaries)
    )
    return {s.key: emulator for s, emulator in zip(summaries, fits, strict=True)}


def emulated_keep(
    emulator_sets: Sequence[Mapping[str, Emulator | None]],
    summaries: Sequence[Summary],
    cutoff: float,
) -> Callable[[np.ndarray], np.ndarray]:
    """The NROY test of unit-cube points: no wave's emulators rule them out on `summaries`."""

    def keep(unit: np.ndarray) -> np.ndarray:
        alive = np.ones(len(unit), dtype=bool)
        for emulators in emulator_sets:
            table = {}
            for s in summaries:
                emulator = emulators.get(s.key)
                if emulator is None or not alive.any():
                    continue
                mean, sd = emulator.predict(unit[alive])
                values = np.full(len(unit), 0.0)
                values[alive] = implausibility(s, mean, sd**2)
                table[s.key] = values
            if table:
                alive &= not_ruled_out(table, cutoff=cutoff)
        return alive

    return keep


def next_points(
    keep: Callable[[np.ndarray], np.ndarray], d: int, n: int, seed: int, pool: int
) -> np.ndarray:
    """`n` spread-out points of NROY (empty when the emulators rule everything out)."""
    candidates = nroy_candidates(keep, d, 4 * n, seed, pool=pool)
    if not len(candidates):
        return candidates
    return candidates[maximin(candidates, n, seed)]


def unit_rows(table: pd.DataFrame, space: Space) -> np.ndarray:
    """The unit-cube rows of a table's parameter columns."""
    return unit_of(table[list(space.priors)], space.priors)


def first_design(space: Space, n: int, seed: int) -> np.ndarray:
    """Wave 1: a scrambled Sobol design over the whole prior."""
    return sobol_unit(len(space.priors), n, seed)
