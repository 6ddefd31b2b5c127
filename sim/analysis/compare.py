"""Compare process designs: per-design means with intervals, and pairwise tests.

Designs are the combinations of the ``by`` columns (any configuration column:
process, funding, decision, meeting_usd, or a swept key such as
``behaviour.confidence``). For each design and metric: n, the mean (or proportion)
and its 95% interval (t for means, Wilson for proportions). For each pair of designs
and each metric: Welch's t-test with Hedges' g (``nonparametric``: Mann-Whitney U
with the rank-biserial r), or for a proportion Fisher's exact test with the
difference in proportions and Cohen's h; p-values are Holm-corrected within each
metric (the family is all pairs of designs on that metric). Besides the runs
columns, the derived booleans ``adopted_by_consensus``, ``adopted_by_vote`` and
``entered_into_force`` can be compared. `sim.analysis.tables` writes the tables;
`python -m sim.compare` is the command.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from sim.analysis.designs import (
    add_derived,
    design_frame,
    resolve_by,
    summary_table,
)
from sim.analysis.stats import holm, is_proportion, pair_test

__all__ = ["DEFAULT_METRICS", "Comparison", "compare", "filter_runs"]

DEFAULT_METRICS = (
    "adopted",
    "adopted_by_consensus",
    "adoption_meeting",
    "attendance_rate_LIC",
    "informal_coverage_LIC",
    "voice_share_LIC",
    "representation_LIC",
    "text_distance_gap",
    "rush_cost",
    "holdout_pull",
    "stakeholder_influence_share",
    "closed_door_share",
    "influence_gini",
)
"""Consensus outcomes and the headline inclusiveness measures."""


@dataclass(frozen=True)
class Comparison:
    """Per-design summaries and pairwise tests (full precision, tidy)."""

    by: tuple[str, ...]
    designs: tuple[str, ...]
    summary: pd.DataFrame  # design, <by>, metric, n, mean, ci_low, ci_high, sd, interval
    pairwise: pd.DataFrame  # metric, design_a, design_b, ..., p, p_holm, effect, effect_size


def filter_runs(runs: pd.DataFrame, where: Sequence[str] = ()) -> pd.DataFrame:
    """Keep the rows where every ``column=value`` holds (values compared as text)."""
    for clause in where:
        column, sep, value = clause.partition("=")
        if not sep:
            raise ValueError(f"--where {clause!r}: expected column=value")
        if column not in runs.columns:
            raise KeyError(f"--where {clause!r}: no column {column!r} in the runs table")
        text = runs[column].astype(str)
        numeric = pd.to_numeric(runs[column], errors="coerce")
        try:
            mask = (text == value) | (numeric == float(value))
        except ValueError:
            mask = text == value
        if not mask.any():
            values = ", ".join(sorted(text.unique())[:12])
            raise ValueError(f"--where {clause!r}: no run has it ({column} takes {values})")
        runs = runs[mask]
    return runs


def _check_metrics(runs: pd.DataFrame, metrics: Sequence[str]) -> None:
    for metric in metrics:
        if metric not in runs.columns:
            close = difflib.get_close_matches(metric, list(runs.columns), n=4, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"no metric column {metric!r} in the runs table{hint}")
        series = runs[metric]
        if not (pd.api.types.is_numeric_dtype(series) or is_proportion(series)):
            raise ValueError(f"metric {metric!r} is not numeric or boolean ({series.dtype})")


def compare(
    runs: pd.DataFrame,
    by: str | Sequence[str],
    metrics: Sequence[str] | None = None,
    nonparametric: bool = False,
) -> Comparison:
    """Summaries and Holm-corrected pairwise tests of the designs formed by ``by``."""
    if runs.empty:
        raise ValueError("the runs table is empty: nothing to compare")
    runs = add_derived(runs)
    by = resolve_by(runs, by)
    if metrics is None:  # the defaults this table has (a single run may lack some)
        metrics = [m for m in DEFAULT_METRICS if m in runs.columns]
    _check_metrics(runs, metrics)
    framed, designs = design_frame(runs, by)
    summary = summary_table(runs, by, metrics)
    rows = []
    for metric in metrics:
        proportion = is_proportion(framed[metric])
        values = {d: g[metric] for d, g in framed.groupby("design", sort=False)}
        for a, b in itertools.combinations(designs, 2):
            test = pair_test(
                values[a], values[b], nonparametric=nonparametric, proportion=proportion
            )
            rows.append({"metric": metric, "design_a": a, "design_b": b, **vars(test)})
    pairwise = pd.DataFrame(rows)
    if not pairwise.empty:
        pairwise["p_holm"] = pd.concat(
            [pd.Series(holm(g["p"]), index=g.index) for _, g in pairwise.groupby("metric")]
        ).sort_index()
        order = [c for c in pairwise.columns if c not in ("p_holm", "effect", "effect_size")]
        pairwise = pairwise[[*order, "p_holm", "effect", "effect_size"]]
    return Comparison(tuple(by), tuple(designs), summary, pairwise)
