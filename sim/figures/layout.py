"""Layout helpers shared by the design figures: checks, legends, intervals, dodging.

Kept apart so each figure function reads as what it draws, not how legends wrap.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.figures.style import style_for

__all__ = [
    "ERROR_BAR",
    "MAX_DESIGNS",
    "check_columns",
    "check_designs",
    "dodged_markers",
    "error_bars",
    "legend_rows",
    "legend_top",
]

ERROR_BAR = {"thickness": 1.0, "width": 2}
MAX_DESIGNS = 12
"""More designs than this cannot be told apart by colour and marker in print."""


def check_columns(runs: pd.DataFrame, *columns: str) -> None:
    if runs.empty:
        raise ValueError("the runs table is empty: nothing to plot")
    missing = [c for c in columns if c not in runs.columns]
    if missing:
        raise KeyError(f"the runs table has no column {missing}")


def legend_rows(names: Sequence[str], width_in: float) -> int:
    """Rows a horizontal legend needs: items packed greedily (7 pt text + a symbol)."""
    rows, used = 1, 0.0
    for name in names:
        item = 0.05 * len(name) + 0.45
        if used and used + item > width_in - 0.1:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def check_designs(designs: Sequence[str], by: Sequence[str]) -> None:
    if len(designs) > MAX_DESIGNS:
        raise ValueError(
            f"{len(designs)} designs ({' x '.join(by)}) are too many to read in one figure "
            f"(at most {MAX_DESIGNS}): group by fewer columns, e.g. by={by[0]!r}"
        )


def legend_top(fig: go.Figure, title: str | None = None) -> None:
    fig.update_layout(
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
        legend_title_text=title,
    )


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
