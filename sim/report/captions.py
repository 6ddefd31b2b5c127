"""What a report's captions say besides the figure: n, what is pooled, axes, tests.

The n per plotted point, the factors pooled into it, a y axis that does not start at 0,
and the tests the comparison actually used.

Why a module: a caption that says "mean over 50 runs" of a point pooling 100 runs over
funding schemes, or "Welch t or Fisher exact" of a paired comparison, misleads a
reader; each fact here is computed from the same runs and results the figure and the
tables come from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from sim.analysis.compare import Comparison
from sim.analysis.designs import format_value, varying_columns
from sim.figures.export import PaperFigure
from sim.figures.layout import LEGEND_ROW_IN

__all__ = ["axis_note", "name_pooled", "pooled_factors", "sample_note", "used_tests_note"]


def _count(values: pd.Series) -> str:
    low, high = int(values.min()), int(values.max())
    return f"{low}" if low == high else f"{low}-{high}"


def pooled_factors(runs: pd.DataFrame, by: Sequence[str], also: Sequence[str] = ()) -> list[str]:
    """The varying configuration columns a figure grouped by `by` averages over."""
    return [c for c in varying_columns(runs) if c not in by and c not in also]


def _factor_text(runs: pd.DataFrame, column: str) -> str:
    values = [format_value(column, v) for v in sorted(runs[column].dropna().unique())]
    shown = ", ".join(values[:4]) + (", ..." if len(values) > 4 else "")
    return f"{column} ({len(values)}: {shown})"


def sample_note(runs: pd.DataFrame, by: Sequence[str], also: Sequence[str] = ()) -> str:
    """The n per plotted point, runs per configuration, and the factors pooled into it."""
    keys = [*by, *also]
    per_point = runs.groupby(keys, dropna=False).size()
    per_config = runs.groupby("config_id").size()
    text = f"n = {_count(per_point)} runs per point"
    pooled = pooled_factors(runs, by, also)
    if pooled:
        parts = "; ".join(_factor_text(runs, c) for c in pooled)
        text += f" ({_count(per_config)} per configuration, pooled over {parts})"
    return text + "."


def axis_note(paper: PaperFigure) -> str:
    """Where each y axis that was set to the data's range starts and ends, if not at 0."""
    notes = []
    for name in sorted(k for k in paper.figure.layout if k.startswith("yaxis")):
        axis = paper.figure.layout[name]
        if axis.range is None or axis.range[0] <= 0 <= axis.range[1]:
            continue
        title = axis.title.text or "the y axis"
        notes.append(f"{title}: from {axis.range[0]:.3g} to {axis.range[1]:.3g}")
    if not notes:
        return ""
    return " The y axis does not start at 0 (" + "; ".join(notes) + ")."


def name_pooled(paper: PaperFigure, runs: pd.DataFrame, by: Sequence[str]) -> PaperFigure:
    """The figure with the factors it averages over named above its legend."""
    pooled = pooled_factors(runs, by)
    if not pooled:
        return paper
    names = ", ".join(f"{c} ({runs[c].nunique()})" for c in pooled)
    paper.figure.update_layout(
        legend_title={"text": f"Averaged over {names}", "side": "top left", "font_size": 9}
    )
    return replace(paper, height_in=paper.height_in + LEGEND_ROW_IN)


def used_tests_note(comparisons: Sequence[Comparison]) -> str:
    """The tests and intervals the comparison tables used, as they say themselves."""
    tests = sorted({t for c in comparisons for t in c.pairwise.get("test", pd.Series()).unique()})
    pairing = sorted(
        {
            "paired, common random numbers" if c.paired else "independent samples"
            for c in comparisons
        }
    )
    used = ", ".join(tests) if tests else "none (one design)"
    return f"Pairwise tests used: {used} ({'; '.join(pairing)})"
