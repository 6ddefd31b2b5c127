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

When the runs were made with common random numbers (the ``crn`` column) and the rows
of every pair of designs pair up one to one (same base seed, replication and other
varying configuration columns), the tests are paired (`sim.analysis.paired`: paired t
or Wilcoxon signed-rank, McNemar for proportions) and the difference's interval is
the paired one; otherwise they are the independent-sample tests above. The
comparison says which (`Comparison.pairing`), and every pairwise row has ``paired``.
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
    varying_columns,
)
from sim.analysis.paired import pair_rows, paired_test
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
    pairing: str = "independent samples"  # or "paired (common random numbers) on ..."

    @property
    def paired(self) -> bool:
        return self.pairing.startswith("paired")


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


def _pairing(
    framed: pd.DataFrame, designs: Sequence[str], by: Sequence[str]
) -> tuple[str, dict[tuple[str, str], tuple]]:
    """How the designs pair: a description and, if paired, each pair's row positions."""
    if "crn" not in framed.columns or not framed["crn"].astype(bool).all():
        return "independent samples (the runs were not all made with common random numbers)", {}
    keys = [c for c in ("seed", "replication") if c in framed.columns]
    keys += varying_columns(framed, exclude=[*by, "config_id"])
    if "replication" not in keys:
        return "independent samples (no replication column to pair on)", {}
    groups = {d: g.reset_index(drop=True) for d, g in framed.groupby("design", sort=False)}
    pairs = {}
    for a, b in itertools.combinations(designs, 2):
        found = pair_rows(groups[a], groups[b], keys)
        if found is None:
            return f"independent samples ({a} and {b} do not pair one to one on {keys})", {}
        pairs[(a, b)] = found
    return f"paired (common random numbers) on {', '.join(keys)}", pairs


def compare(
    runs: pd.DataFrame,
    by: str | Sequence[str],
    metrics: Sequence[str] | None = None,
    nonparametric: bool = False,
    paired: bool | None = None,
) -> Comparison:
    """Summaries and Holm-corrected pairwise tests of the designs formed by ``by``.

    ``paired``: None pairs the runs when they were made with common random numbers and
    pair up (see the module docstring); False forces independent-sample tests; True
    raises ValueError when the runs cannot be paired.
    """
    if runs.empty:
        raise ValueError("the runs table is empty: nothing to compare")
    runs = add_derived(runs)
    by = resolve_by(runs, by)
    if metrics is None:  # the defaults this table has (a single run may lack some)
        metrics = [m for m in DEFAULT_METRICS if m in runs.columns]
    _check_metrics(runs, metrics)
    framed, designs = design_frame(runs, by)
    summary = summary_table(runs, by, metrics)
    pairing, pairs = ("independent samples (asked for)", {})
    if paired is not False:
        pairing, pairs = _pairing(framed, designs, by)
        if paired and not pairs:
            raise ValueError(f"cannot pair the runs: {pairing}")
    rows = []
    groups = {d: g.reset_index(drop=True) for d, g in framed.groupby("design", sort=False)}
    for metric in metrics:
        proportion = is_proportion(framed[metric])
        for a, b in itertools.combinations(designs, 2):
            if pairs:
                ia, ib = pairs[(a, b)]
                test = paired_test(
                    groups[a][metric].to_numpy()[ia],
                    groups[b][metric].to_numpy()[ib],
                    nonparametric=nonparametric,
                    proportion=proportion,
                )
            else:
                test = pair_test(
                    groups[a][metric],
                    groups[b][metric],
                    nonparametric=nonparametric,
                    proportion=proportion,
                )
            row = {"metric": metric, "design_a": a, "design_b": b, **vars(test)}
            rows.append({**row, "paired": bool(pairs)})
    pairwise = pd.DataFrame(rows)
    if not pairwise.empty:
        pairwise["p_holm"] = pd.concat(
            [pd.Series(holm(g["p"]), index=g.index) for _, g in pairwise.groupby("metric")]
        ).sort_index()
        order = [c for c in pairwise.columns if c not in ("p_holm", "effect", "effect_size")]
        pairwise = pairwise[[*order, "p_holm", "effect", "effect_size"]]
    return Comparison(tuple(by), tuple(designs), summary, pairwise, pairing)
