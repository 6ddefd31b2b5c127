"""The calibration figure: the patterns the points meet, and the accepted parameter ranges.

(a) the share of all sampled points, and of the accepted ones, meeting each pattern and
all of them; (b) each parameter's accepted range (5-95% and median) on its prior range
scaled to [0, 1]: a short bar is a parameter the record pins down, a full-width one a
parameter it does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.figures.export import PaperFigure
from sim.figures.style import PALETTE, TEMPLATE, TWO_COLUMN_IN

if TYPE_CHECKING:
    from sim.analysis.abc import ParameterRange, Reports

__all__ = ["calibration_figure"]

ROW_IN = 0.17  # height of one bar row


def calibration_figure(reports: Reports, parameters: dict[str, ParameterRange]) -> PaperFigure:
    """Pattern acceptance and accepted parameter ranges of one calibration."""
    acceptance = reports.acceptance
    posterior = reports.posterior.copy()
    span = posterior["prior_high"] - posterior["prior_low"]
    for column in ("q05", "median", "q95", "min", "max"):
        posterior[f"{column}_unit"] = (posterior[column] - posterior["prior_low"]) / span
    n_rows = max(len(acceptance), len(posterior))
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.35, 0.65],
        horizontal_spacing=0.32,
        subplot_titles=("(a) Points meeting each pattern", "(b) Accepted range on the prior"),
    )
    fig.update_layout(template=TEMPLATE)
    labels = [p if p != "all" else "all patterns" for p in acceptance["pattern"]]
    for column, name, colour in (
        ("share_of_points", "all points", PALETTE[6]),
        ("share_of_accepted", "accepted points", PALETTE[0]),
    ):
        fig.add_trace(
            go.Bar(
                x=acceptance[column],
                y=labels,
                name=name,
                orientation="h",
                marker_color=colour,
                hovertext=acceptance["description"],
                showlegend=True,
            ),
            row=1,
            col=1,
        )
    fig.update_layout(barmode="group", showlegend=True)
    names = [_short(p) for p in posterior["parameter"]]
    fig.add_trace(
        go.Scatter(
            x=posterior["median_unit"],
            y=names,
            mode="markers",
            marker={"color": PALETTE[1], "symbol": "diamond", "size": 6},
            showlegend=False,
            error_x={
                "type": "data",
                "symmetric": False,
                "array": posterior["q95_unit"] - posterior["median_unit"],
                "arrayminus": posterior["median_unit"] - posterior["q05_unit"],
                "color": PALETTE[0],
                "thickness": 2.5,
                "width": 0,
            },
            hovertext=[
                f"{p}: prior [{lo:.3g}, {hi:.3g}], accepted 5-95% [{a:.3g}, {b:.3g}]"
                for p, lo, hi, a, b in posterior[
                    ["parameter", "prior_low", "prior_high", "q05", "q95"]
                ].itertuples(index=False)
            ],
        ),
        row=1,
        col=2,
    )
    fig.update_xaxes(range=[0, 1], title_text="Share of points", row=1, col=1)
    fig.update_xaxes(
        range=[-0.02, 1.02],
        tickvals=[0, 0.5, 1],
        ticktext=["prior low", "", "prior high"],
        title_text="Position on the prior range",
        row=1,
        col=2,
    )
    fig.update_yaxes(autorange="reversed", row=1, col=1)
    fig.update_yaxes(autorange="reversed", row=1, col=2)
    height = 1.2 + ROW_IN * n_rows
    fig.update_layout(
        legend={"orientation": "h", "x": 0, "y": 1.12, "xanchor": "left"},
        margin={"r": 36},  # room for the "prior high" tick label
    )
    data = pd.concat(
        [
            acceptance.assign(panel="a"),
            posterior.assign(panel="b"),
        ],
        ignore_index=True,
    )
    return PaperFigure(fig, data, TWO_COLUMN_IN, height)


def _short(key: str) -> str:
    """A parameter key short enough for an axis label."""
    parts = key.split(".")
    keep = parts[-3:] if parts[0] == "scenario" and "blocs" in parts else parts[-2:]
    return ".".join(keep)
