"""Layout helpers shared by the design figures: checks, legends, intervals, dodging.

Kept apart so each figure function reads as what it draws, not how legends wrap.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.figures.style import COLUMN_IN, TWO_COLUMN_IN, style_for

__all__ = [
    "SIZES",
    "ERROR_BAR",
    "MAX_DESIGNS",
    "check_columns",
    "check_designs",
    "dodged_markers",
    "error_bars",
    "LEGEND_ROW_IN",
    "legend_rows",
    "legend_top",
]

ERROR_BAR = {"thickness": 1.0, "width": 2}
MAX_DESIGNS = 12

SIZES: dict[str, tuple[float, float]] = {
    "inclusiveness_vs_cost": (COLUMN_IN, 2.8),
    "consensus": (TWO_COLUMN_IN, 2.6),
    "representation": (COLUMN_IN, 2.6),
    "text_distance": (TWO_COLUMN_IN, 2.6),
    "frontier": (COLUMN_IN, 3.0),
}
"""(width, height) in inches with a one-row legend; each more row adds its height."""
"""More designs than this cannot be told apart by colour and marker in print."""


def check_columns(runs: pd.DataFrame, *columns: str) -> None:
    if runs.empty:
        raise ValueError("the runs table is empty: nothing to plot")
    missing = [c for c in columns if c not in runs.columns]
    if missing:
        raise KeyError(f"the runs table has no column {missing}")


LEGEND_ROW_IN = 0.19
"""Height of one legend row (7 pt text beside a marker or line sample)."""


def _item_in(name: str) -> float:
    """Rough width of a legend item: 7 pt text (~0.05 in a character) and its symbol."""
    return 0.05 * len(name) + 0.5


def legend_rows(names: Sequence[str], width_in: float) -> int:
    """Rows of a legend laid out by :func:`legend_top` in a figure ``width_in`` wide."""
    return -(-len(names) // _legend_columns(names, width_in))


def _legend_columns(names: Sequence[str], width_in: float) -> int:
    widest = max((_item_in(n) for n in names), default=1.0)
    return max(1, min(len(names), int((width_in - 0.2) // widest)))


def check_designs(designs: Sequence[str], by: Sequence[str]) -> None:
    if len(designs) > MAX_DESIGNS:
        raise ValueError(
            f"{len(designs)} designs ({' x '.join(by)}) are too many to read in one figure "
            f"(at most {MAX_DESIGNS}): group by fewer columns, e.g. by={by[0]!r}"
        )


def legend_top(fig: go.Figure, names: Sequence[str], width_in: float) -> int:
    """A legend above the plot in equal columns (no ragged rows); returns its rows.

    ``names`` are the legend's entries, in order; the columns are as many as the
    widest entry allows in ``width_in``.
    """
    columns = _legend_columns(names, width_in)
    fig.update_layout(
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.02,
            "yanchor": "bottom",
            # entrywidth is the text's width; the symbol takes ~45 px more per entry
            "entrywidthmode": "pixels",
            "entrywidth": (width_in * 96 - 70) / columns - 45,
        }
    )
    return legend_rows(names, width_in)


def error_bars(table: pd.DataFrame) -> dict[str, object]:
    return {
        "type": "data",
        "symmetric": False,
        "array": (table["ci_high"] - table["mean"]).to_numpy(),
        "arrayminus": (table["mean"] - table["ci_low"]).to_numpy(),
        **ERROR_BAR,
    }


def dodged_markers(
    fig: go.Figure,
    table: pd.DataFrame,
    designs: Sequence[str],
    groups: Sequence[str],
    column_of: dict[str, str],
    col: int | None = None,
    legend: bool = True,
) -> None:
    """Per group on x, one marker with its interval per design, side by side."""
    width = min(0.7, 0.16 * len(designs))
    step = width / max(len(designs) - 1, 1)
    for i, design in enumerate(designs):
        colour, _, marker = style_for(i)
        part = table[table["design"] == design].set_index("metric")
        part = part.loc[[column_of[g] for g in groups]]
        x = (
            np.arange(len(groups)) - width / 2 + i * step
            if len(designs) > 1
            else np.arange(len(groups))
        )
        kwargs = {"row": 1, "col": col} if col is not None else {}
        fig.add_scatter(
            x=x,
            y=part["mean"],
            error_y=error_bars(part),
            mode="markers",
            marker={"symbol": marker, "color": colour, "size": 5.5},
            name=design,
            legendgroup=design,
            showlegend=legend,
            customdata=np.array(groups),
            hovertemplate="%{customdata}: %{y:.3f}<extra>" + design + "</extra>",
            **kwargs,
        )
