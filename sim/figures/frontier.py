"""Figure 7: the consensus-inclusiveness frontier, non-dominated designs marked."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.analysis.designs import (
    add_derived,
    design_frame,
    format_value,
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

__all__ = ["AGREEMENT", "agreement_measure", "frontier", "pareto_front"]


AGREEMENT = ("adopted", "adopted_by_consensus", "objectors_at_decision")
"""The frontier's agreement measures, in the order `agreement_measure` tries them."""


def agreement_measure(runs: pd.DataFrame) -> str:
    """The first agreement measure that varies: adoption, by consensus, then objectors.

    Objectors at the final tabling count fewer as more agreement.
    Why: at the calibrated default every run is adopted by consensus, and a frontier
    whose y axis is 1.0 for every design says nothing; the design table shows agreement
    in how many objections the text meets.
    """
    if "adopted" in runs and not runs["adopted"].all():
        return "adopted"
    consensus = runs["adopted_by"] == "consensus" if "adopted_by" in runs else None
    if consensus is not None and not consensus.all():
        return "adopted_by_consensus"
    return "objectors_at_decision" if "objectors_at_decision" in runs else "adopted"


def pareto_front(
    x: np.ndarray, y: np.ndarray, x_higher: bool = True, y_higher: bool = True
) -> np.ndarray:
    """Mask of the non-dominated points when ``y`` (or ``-y``) and ``x`` (or ``-x``) are maximised.

    A point is dominated if another is at least as good on both and better on one;
    points with a NaN coordinate are never on the front.
    """
    x = np.asarray(x, dtype=float) * (1 if x_higher else -1)
    y = np.asarray(y, dtype=float) * (1 if y_higher else -1)
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


_GREY = "#555555"


def _levels(frame: pd.DataFrame, column: str) -> list[object]:
    return list(dict.fromkeys(frame[column]))


def _styles(
    runs: pd.DataFrame, by: Sequence[str], designs: Sequence[str]
) -> dict[str, tuple[str, str]] | None:
    """Two grouping columns: a marker per value of the first, a colour per the second's.

    The legend then names their values instead of every combination's long name.
    """
    if len(by) != 2:
        return None
    frame = design_frame(runs, by)[0].drop_duplicates("design").set_index("design").loc[designs]
    shapes = {v: style_for(i)[2] for i, v in enumerate(_levels(frame, by[0]))}
    colours = {v: style_for(i)[0] for i, v in enumerate(_levels(frame, by[1]))}
    return {d: (colours[frame.loc[d, by[1]]], shapes[frame.loc[d, by[0]]]) for d in designs}


def _factor_legend(fig: go.Figure, runs: pd.DataFrame, by: Sequence[str]) -> list[str]:
    """Legend-only entries, the first column's values as grey markers, the second's as lines.

    Returns their names, in order.
    """
    frame = design_frame(runs, by)[0]
    names = []
    for i, value in enumerate(_levels(frame, by[0])):
        name = format_value(by[0], value)
        fig.add_scatter(
            x=[None], y=[None], mode="markers", name=name, legendrank=1000 + i,
            marker={"symbol": style_for(i)[2], "color": _GREY, "size": 7},
        )  # fmt: skip
        names.append(name)
    for i, value in enumerate(_levels(frame, by[1])):
        name = format_value(by[1], value)
        fig.add_scatter(
            x=[None], y=[None], mode="lines", name=name, legendrank=1500 + i,
            line={"color": style_for(i)[0], "width": 2, "dash": "solid"},
        )  # fmt: skip
        names.append(name)
    return names


def _key(fig: go.Figure) -> str:
    """The legend entry saying what a filled marker means."""
    name = "filled: non-dominated"
    fig.add_scatter(
        x=[None], y=[None], mode="markers", name=name, legendrank=2001,
        marker={"symbol": "circle", "color": _GREY, "size": 7},
    )  # fmt: skip
    return name


def frontier(
    runs: pd.DataFrame,
    inclusiveness: str = "attendance_rate_LIC",
    by: str | Sequence[str] | None = None,
    higher_is_better: bool | None = None,
    outcome: str = "adopted",
) -> PaperFigure:
    """The trade-off frontier: agreement against an inclusiveness measure.

    One point per design with 95% intervals on both axes; the non-dominated designs
    (no other design is better on both) are filled and, when there are two or more,
    joined by a dotted line; the others are drawn open. Designs grouped by two columns
    take a marker per value of the first and a colour per value of the second, and the
    legend names those values (a short legend instead of every combination's name).
    Whether more ``inclusiveness`` is better is inferred from its name
    (distances, gaps and the Gini: lower is better) unless ``higher_is_better`` says.
    ``outcome`` is the agreement measure on the y axis: ``adopted``, or
    ``adopted_by_consensus`` when a fallback vote adopts every text, or
    ``objectors_at_decision`` (fewer is better) when every text is adopted by consensus;
    `agreement_measure` picks the first that varies.
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
    fewer_is_better = outcome == "objectors_at_decision"
    front = pareto_front(xs, ys, higher_is_better, y_higher=not fewer_is_better)
    fig = go.Figure(layout={"template": TEMPLATE})
    legend: list[str] = []
    if front.sum() > 1:  # a line needs two points: with one, the filled marker says it
        order = np.argsort(xs[front])
        fig.add_scatter(
            x=xs[front][order],
            y=ys[front][order],
            mode="lines",
            line={"color": "#888888", "width": 1, "dash": "dot"},
            name="non-dominated line",
            legendrank=2000,  # after the designs
            hoverinfo="skip",
        )
        legend.append("non-dominated line")
    styles = _styles(runs, by, designs)
    factored = styles is not None
    for i, design in enumerate(designs):
        colour, marker = styles[design] if factored else style_for(i)[::2]
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
            showlegend=not factored,
        )
    legend = (_factor_legend(fig, runs, by) if factored else list(designs)) + legend
    legend.append(_key(fig))
    better = "higher" if higher_is_better else "lower"
    fig.update_xaxes(title_text=f"{metric_label(inclusiveness)} ({better} is better)")
    y_title = "Probability of adoption" if outcome == "adopted" else metric_label(outcome)
    if outcome.startswith("adopted_"):
        y_title += " (probability)"
    elif fewer_is_better:
        y_title += " (fewer is better)"
    fig.update_yaxes(title_text=y_title)
    width, height = SIZES["frontier"]
    rows = legend_top(fig, legend, width)
    columns = {"design": designs, "n": wide[("n", outcome)].to_numpy()}
    for metric in (outcome, inclusiveness):
        columns[metric] = wide[("mean", metric)].to_numpy()
        columns[f"{metric}_ci_low"] = wide[("ci_low", metric)].to_numpy()
        columns[f"{metric}_ci_high"] = wide[("ci_high", metric)].to_numpy()
    data = pd.DataFrame({**columns, "non_dominated": front})
    return PaperFigure(fig, data, width, height + LEGEND_ROW_IN * (rows - 1))
