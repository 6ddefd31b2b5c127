"""Settle the verdicts: more replications where another draw could still turn them.

A run point's implausibility rests on a handful of replications, so near the cutoff its
verdict is a coin the draw tosses (version 3's first calibration: 38% of its plausible
points were ruled out when re-run with another seed). `judge_runs` gives each verdict
a 95% band; a *borderline* point - the band straddles the cutoff - gets `rounds[k]`
more replications (a seed of its own each round, pooled with what the point has),
until it is settled (plausible or ruled out) or the rounds are spent. Points still
borderline then sit so near the cutoff that the record cannot place them; they are
reported as such and are not in the plausible set.

This is sequential replication for stochastic simulators (Andrianakis et al. 2015
re-run their waves' points to estimate the replicate variance; here the replicates
go where the verdict is still open).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from sim.analysis.hm.implausibility import BORDERLINE
from sim.analysis.hm.space import Space
from sim.analysis.hm.summaries import Summary
from sim.analysis.hm.waves import run_rows, statistics_table
from sim.config import SimConfig
from sim.run.batch import Execution

__all__ = ["CONFIRM_SEED_OFFSET", "settle"]

log = logging.getLogger(__name__)
CONFIRM_SEED_OFFSET = 7_919  # round k's runs use seed + k * this: a stream no wave uses


def _more_runs(
    name: str,
    table: pd.DataFrame,
    space: Space,
    designs: Mapping[str, SimConfig],
    out: Path,
    how: Execution,
    command: str,
) -> pd.DataFrame:
    """Run the rows of `table` again under `designs`, labelled with their own point ids."""
    return run_rows(name, table["point"], table, space, designs, out, how, command)


def settle(
    table: pd.DataFrame,
    runs: pd.DataFrame,
    judge: Callable[[pd.DataFrame], pd.DataFrame],
    rounds: Sequence[int],
    designs_for: Callable[[int, int], Mapping[str, SimConfig]],
    *,
    prefix: str,
    space: Space,
    summaries: Sequence[Summary],
    out: Path,
    how: Execution,
    command: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give borderline points of `table` more replications, round after round.

    `judge(table)` returns the verdict columns (`judge_runs`); `designs_for(k, reps)` the
    negotiations' designs of round k (its own seed) at `reps` replications. Each round's
    runs go to `<out>/<prefix>confirm_<k>/` (resumable). Returns the table with pooled
    statistics and the verdict columns, and every run (the given ones and the new).
    """
    table = table.reset_index(drop=True)
    verdicts = judge(table)
    verdict_columns = verdicts.columns
    table = pd.concat([table.drop(columns=verdict_columns, errors="ignore"), verdicts], axis=1)
    for k, reps in enumerate(rounds, start=1):
        open_ = table["verdict"] == BORDERLINE
        if not open_.any():
            break
        log.warning(
            "%sconfirm_%d: %d borderline points get %d more replications",
            prefix,
            k,
            int(open_.sum()),
            reps,
        )
        extra = _more_runs(
            f"{prefix}confirm_{k}", table[open_], space, designs_for(k, reps), out, how, command
        )
        runs = pd.concat([runs, extra], ignore_index=True)
        ids = table.loc[open_, "point"].to_numpy()
        pooled = statistics_table(ids, runs[runs["point"].isin(ids)], summaries)
        pooled.index = table.index[open_]
        table.loc[open_, pooled.columns] = pooled
        table = pd.concat([table.drop(columns=verdict_columns), judge(table)], axis=1)
    return table, runs
