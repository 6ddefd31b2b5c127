"""The claims figure: where across the plausible set each of the seed's claims holds.

(a) for each claim, the share of plausible points at which it holds (its paired 95%
interval lies on the seed's side of zero), at which its opposite holds, and at which
the runs cannot tell; (b) the claim's mean effect over the points with its 95%
interval, in multiples of the smallest effect that matters (`sim.analysis.claims`), so
claims on different outcomes share one axis: beyond 1 on the seed's side is an effect
worth reporting.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.analysis.claims import STUDIED
from sim.figures.export import PaperFigure
from sim.figures.style import PALETTE, TEMPLATE, TWO_COLUMN_IN

__all__ = ["claims_figure"]

ROW_IN = 0.22


def claims_figure(summary: pd.DataFrame) -> PaperFigure:
    """Shares of plausible points where each claim holds, and its standardised mean effect."""
    smallest = {c.key: c.smallest * c.direction for c in STUDIED}
    data = summary.copy()
    scale = data["claim"].map(smallest)
    for column in ("mean_effect", "low", "high"):
        data[f"{column}_std"] = data[column] / scale
    data["share_unclear"] = 1 - data["share_holds"] - data["share_opposite"]
    short = {c.key: c.short for c in STUDIED}
    labels = [
        f"{c}. {short.get(c) or t}" for c, t in data[["claim", "text"]].itertuples(index=False)
    ]
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.45, 0.55],
        shared_yaxes=True,
        horizontal_spacing=0.04,
        subplot_titles=("(a) Plausible points", "(b) Mean effect (95%)"),
    )
    fig.update_layout(template=TEMPLATE, barmode="stack")
    for column, name, colour in (
        ("share_holds", "holds", PALETTE[0]),
        ("share_unclear", "cannot tell", PALETTE[6]),
        ("share_opposite", "the opposite holds", PALETTE[1]),
    ):
        fig.add_trace(
            go.Bar(x=data[column], y=labels, name=name, orientation="h", marker_color=colour),
            row=1,
            col=1,
        )
    fig.add_trace(
        go.Scatter(
            x=data["mean_effect_std"],
            y=labels,
            mode="markers",
            marker={"color": PALETTE[2], "symbol": "diamond", "size": 7},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": data["high_std"].where(scale > 0, data["low_std"])
                - data["mean_effect_std"],
                "arrayminus": data["mean_effect_std"]
                - data["low_std"].where(scale > 0, data["high_std"]),
                "color": PALETTE[2],
                "width": 0,
            },
            name="mean effect (95%)",
        ),
        row=1,
        col=2,
    )
    fig.add_vline(x=0, line_width=1, line_color="#888", row=1, col=2)
    fig.add_vline(x=1, line_width=1, line_dash="dot", line_color="#888", row=1, col=2)
    fig.update_xaxes(range=[0, 1], title_text="Share of points", row=1, col=1)
    fig.update_xaxes(
        title_text="Effect on the claimed side<br>(1 = the smallest that matters)", row=1, col=2
    )
    fig.update_yaxes(autorange="reversed", row=1, col=1)
    height = 1.4 + ROW_IN * len(data)
    # the legend a fixed 0.45 in above the plot, whatever the number of rows
    legend_y = 1 + 0.45 / (height - 1.0)
    fig.update_layout(legend={"orientation": "h", "x": 0, "y": legend_y, "xanchor": "left"})
    return PaperFigure(fig, data, TWO_COLUMN_IN, height)
