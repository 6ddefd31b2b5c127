"""Figure 7: the consensus-inclusiveness frontier, non-dominated designs marked."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.analysis.designs import (
    add_derived,
    design_frame,
    lower_is_better,
    metric_label,
    resolve_by,
    summary_table,
)
from sim.figures.export import PaperFigure
from sim.figures.layout import (
    ERROR_BAR,
    LEGEND_ROW_IN,
    SIZES,
    check_columns,
    check_designs,
    legend_top,
)
from sim.figures.style import TEMPLATE, style_for

__all__ = ["frontier", "pareto_front"]


def pareto_front(x: np.ndarray, y: np.ndarray, x_higher: bool = True) -> np.ndarray:
    """Mask of the non-dominated points when ``y`` and ``x`` (or ``-x``) are maximised.

    A point is dominated if another is at least as good on both and better on one;
    points with a NaN coordinate are never on the front.
    """
    x = np.asarray(x, dtype=float) * (1 if x_higher else -1)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    front = ok.copy()
    for i in np.flatnonzero(ok):
        others = ok & (x >= x[i]) & (y >= y[i]) & ((x > x[i]) | (y > y[i]))
        front[i] = not others.any()
    return front


def _interval(row: pd.Series, metric: str, colour: str) -> dict[str, object]:
    return {
        "type": "data",
        "symmetric": False,
        "array": [row[("ci_high", metric)] - row[("mean", metric)]],
        "arrayminus": [row[("mean", metric)] - row[("ci_low", metric)]],
        "color": colour,
        **ERROR_BAR,
    }


def frontier(
    runs: pd.DataFrame,
    inclusiveness: str = "attendance_rate_LIC",
    by: str | Sequence[str] | None = None,
    higher_is_better: bool | None = None,
    outcome: str = "adopted",
) -> PaperFigure:
    """The trade-off frontier: adoption probability against an inclusiveness measure.

    One point per design with 95% intervals on both axes; the non-dominated designs
    (no other design is better on both) are filled and joined by a line, the others
    drawn open. Whether more ``inclusiveness`` is better is inferred from its name
    (distances, gaps and the Gini: lower is better) unless ``higher_is_better`` says.
    ``outcome`` is the consensus measure on the y axis: ``adopted``, or e.g.
    ``adopted_by_consensus`` when a fallback vote adopts every text.
    """
    runs = add_derived(runs)
    check_columns(runs, outcome, inclusiveness)
    by = resolve_by(runs, by)
    if higher_is_better is None:
        higher_is_better = not lower_is_better(inclusiveness)
    table = summary_table(runs, by, [outcome, inclusiveness])
    _, designs = design_frame(runs, by)
    check_designs(designs, by)
    wide = table.pivot(index="design", columns="metric").loc[designs]
    xs, ys = wide[("mean", inclusiveness)].to_numpy(), wide[("mean", outcome)].to_numpy()
    front = pareto_front(xs, ys, higher_is_better)
    fig = go.Figure(layout={"template": TEMPLATE})
    order = np.argsort(xs[front])
    fig.add_scatter(
        x=xs[front][order],
        y=ys[front][order],
        mode="lines",
        line={"color": "#888888", "width": 1, "dash": "dot"},
        name="non-dominated (filled)",
        legendrank=2000,  # after the designs
        hoverinfo="skip",
    )
    for i, design in enumerate(designs):
        colour, _, marker = style_for(i)
        row = wide.loc[design]
        fig.add_scatter(
            x=[row[("mean", inclusiveness)]],
            y=[row[("mean", outcome)]],
            error_x=_interval(row, inclusiveness, colour),
            error_y=_interval(row, outcome, colour),
            mode="markers",
            marker={
                "symbol": marker if front[i] else f"{marker}-open",
                "color": colour,
                "size": 7,
                "line": {"width": 1.2, "color": colour},
            },
            name=design,
        )
    better = "higher" if higher_is_better else "lower"
    fig.update_xaxes(title_text=f"{metric_label(inclusiveness)} ({better} is better)")
    y_title = "Probability of adoption" if outcome == "adopted" else metric_label(outcome)
    fig.update_yaxes(
        title_text=y_title + (" (probability)" if outcome.startswith("adopted_") else "")
    )
    width, height = SIZES["frontier"]
    rows = legend_top(fig, [*designs, "non-dominated (filled)"], width)
    columns = {"design": designs, "n": wide[("n", outcome)].to_numpy()}
    for metric in (outcome, inclusiveness):
        columns[metric] = wide[("mean", metric)].to_numpy()
        columns[f"{metric}_ci_low"] = wide[("ci_low", metric)].to_numpy()
        columns[f"{metric}_ci_high"] = wide[("ci_high", metric)].to_numpy()
    data = pd.DataFrame({**columns, "non_dominated": front})
    return PaperFigure(fig, data, width, height + LEGEND_ROW_IN * (rows - 1))
