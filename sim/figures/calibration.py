"""The calibration figure: the patterns the plausible points meet, and what the record pins down.

(a) for each pattern, the share of the first wave's points (spread over the prior) and
of the plausible points that meet it as the pattern table states it; (b) the
parameters the record constrains most: each one's not-ruled-out range (5-95% of the
final NROY candidates) on its prior scaled to [0, 1], with the default's value. A short
bar is a parameter the record pins down; the parameters it leaves at their priors are
listed in ranges.md, not drawn.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.figures.export import PaperFigure
from sim.figures.style import PALETTE, TEMPLATE, TWO_COLUMN_IN

__all__ = ["calibration_figure"]

ROW_IN = 0.17  # height of one bar row
MOST = 24  # parameters drawn: the most constrained


def calibration_figure(
    patterns: pd.DataFrame, ranges: pd.DataFrame, default: dict[str, float]
) -> PaperFigure:
    """Pattern shares and the most constrained not-ruled-out ranges of one calibration."""
    ranges = ranges.dropna(subset=["nroy_5"]).nsmallest(MOST, "nroy_width_share").copy()
    span = ranges["prior_high"] - ranges["prior_low"]
    for column in ("nroy_5", "nroy_95"):
        ranges[f"{column}_unit"] = (ranges[column] - ranges["prior_low"]) / span
    ranges["default_unit"] = [
        (default.get(p, float("nan")) - lo) / (hi - lo)
        for p, lo, hi in ranges[["parameter", "prior_low", "prior_high"]].itertuples(index=False)
    ]
    labels = [
        f"{_NEGOTIATION.get(n, n)} {p}"
        for n, p in patterns[["negotiation", "pattern"]].itertuples(index=False)
    ]
    n_rows = max(len(patterns), len(ranges))
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.35, 0.65],
        horizontal_spacing=0.3,
        subplot_titles=("(a) Points meeting each pattern", "(b) Not-ruled-out range on the prior"),
    )
    fig.update_layout(template=TEMPLATE)
    for column, name, colour in (
        ("share_of_prior", "wave 1 (the prior)", PALETTE[6]),
        ("share_of_plausible", "plausible points", PALETTE[0]),
    ):
        fig.add_trace(
            go.Bar(x=patterns[column], y=labels, name=name, orientation="h", marker_color=colour),
            row=1,
            col=1,
        )
    fig.update_layout(barmode="group")
    names = [_short(p) for p in ranges["parameter"]]
    fig.add_trace(
        go.Bar(
            x=ranges["nroy_95_unit"] - ranges["nroy_5_unit"],
            base=ranges["nroy_5_unit"],
            y=names,
            orientation="h",
            marker_color=PALETTE[1],
            name="NROY 5-95%",
            hovertext=[
                f"{p}: prior [{lo:.3g}, {hi:.3g}], NROY 5-95% [{a:.3g}, {b:.3g}]"
                for p, lo, hi, a, b in ranges[
                    ["parameter", "prior_low", "prior_high", "nroy_5", "nroy_95"]
                ].itertuples(index=False)
            ],
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=ranges["default_unit"],
            y=names,
            mode="markers",
            marker={"color": PALETTE[2], "symbol": "diamond", "size": 6},
            name="the default",
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
    fig.update_layout(
        legend={"orientation": "h", "x": 0, "y": 1.08, "xanchor": "left"},
        margin={"r": 36},  # room for the "prior high" tick label
    )
    data = pd.concat([patterns.assign(panel="a"), ranges.assign(panel="b")], ignore_index=True)
    return PaperFigure(fig, data, TWO_COLUMN_IN, 1.3 + ROW_IN * n_rows)


_NEGOTIATION = {"ahc_cybercrime": "AHC", "bbnj": "BBNJ", "plastics_inc": "INC"}
"""Short names of the three negotiations for axis labels."""


def _short(key: str) -> str:
    """A parameter key short enough for an axis label."""
    owner, _, key = key.rpartition("/")
    parts = key.split(".")
    keep = parts[-3:] if parts[0] == "scenario" and "blocs" in parts else parts[-2:]
    return (f"{_NEGOTIATION.get(owner, owner)}: " if owner else "") + ".".join(keep)
