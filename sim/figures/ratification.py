"""Parties by month after the text: the model's band against the record, one panel a treaty.

For each treaty with a record (`sim.analysis.ratification`), the runs' mean number of
parties at the end of each month after the model's adoption (the committee's approval,
BBNJ's agreed text) as a line, their 10-90% range as a band, and the record's dated
counts as markers (an upper bound - "at most three" - as a hollow downward triangle);
the dotted line is the number of instruments that brings the treaty into force.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.analysis.ratification import TREATY_LABELS, band, load_record
from sim.figures.export import PaperFigure
from sim.figures.layout import legend_top
from sim.figures.style import PALETTE, TEMPLATE, TICK_PT, TITLE_PT, TWO_COLUMN_IN, with_alpha

__all__ = ["ratification_figure"]

HEIGHT_IN = 2.6
MONTHS_SHOWN = 48


def ratification_figure(
    table: pd.DataFrame,
    record: pd.DataFrame | None = None,
    thresholds: Mapping[str, int] | None = None,
    order: Sequence[str] | None = None,
) -> PaperFigure:
    """The band of parties by month (mean, 10-90%) against the record, per treaty."""
    if table.empty:
        raise ValueError("the ratification table is empty: no run adopted a treaty")
    record = load_record() if record is None else record
    present = set(table["scenario"])
    order = list(order or [s for s in TREATY_LABELS if s in present] or sorted(present))
    data = band(table[table["scenario"].isin(order)])
    data = data[data["month"] <= MONTHS_SHOWN]
    fig = make_subplots(
        rows=1,
        cols=len(order),
        horizontal_spacing=0.08,
        subplot_titles=[TREATY_LABELS.get(s, s) for s in order],
    )
    fig.update_layout(template=TEMPLATE)
    colour = PALETTE[0]
    for col, scenario in enumerate(order, start=1):
        part = data[data["scenario"] == scenario]
        first = col == 1
        fig.add_trace(
            go.Scatter(
                x=pd.concat([part["month"], part["month"][::-1]]),
                y=pd.concat([part["p90"], part["p10"][::-1]]),
                fill="toself",
                fillcolor=with_alpha(colour, 0.25),
                line={"width": 0},
                name="model: 10-90% of runs",
                legendgroup="band",
                showlegend=first,
                hoverinfo="skip",
            ),
            row=1,
            col=col,
        )
        fig.add_trace(
            go.Scatter(
                x=part["month"],
                y=part["mean"],
                mode="lines",
                line={"color": colour, "dash": "solid"},
                name="model: mean",
                legendgroup="mean",
                showlegend=first,
                hovertemplate="month %{x}: %{y:.1f} parties<extra></extra>",
            ),
            row=1,
            col=col,
        )
        points = record[(record["scenario"] == scenario) & (record["day"] > 0)]
        points = points[points["parties"].notna()]
        for bound, symbol, label in (
            ("exact", "circle", "the record"),
            ("at_most", "triangle-down-open", "the record: at most"),
        ):
            marked = points[points["bound"] == bound]
            if marked.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=marked["months"],
                    y=marked["parties"].astype(float),
                    mode="markers",
                    marker={
                        "symbol": symbol,
                        "color": PALETTE[1],
                        "size": 7,
                        "line": {"width": 1.2},
                    },
                    name=label,
                    legendgroup=bound,
                    showlegend=bound == "at_most" or first,
                    text=marked["what"],
                    hovertemplate="%{x:.1f} months: %{y} (%{text})<extra></extra>",
                ),
                row=1,
                col=col,
            )
        if thresholds and scenario in thresholds:
            fig.add_hline(
                y=thresholds[scenario],
                line={"dash": "dot", "width": 1, "color": "#555555"},
                annotation_text=f"in force after {thresholds[scenario]}",
                annotation_position="top left",
                annotation_font_size=TICK_PT,
                row=1,
                col=col,
            )
        fig.update_xaxes(
            title_text="months after the text", range=[0, MONTHS_SHOWN], row=1, col=col
        )
    fig.update_yaxes(rangemode="tozero")
    fig.update_yaxes(title_text="parties", row=1, col=1)
    names = ["model: 10-90% of runs", "model: mean", "the record", "the record: at most"]
    rows = legend_top(fig, names, TWO_COLUMN_IN)
    fig.update_layout(legend={"y": 1.12}, margin={"t": 34 + 18 * rows})
    for title in fig.layout.annotations[: len(order)]:  # the panels' titles, not the labels
        title.update(font_size=TITLE_PT, yshift=2)
    points = record[record["scenario"].isin(order)].assign(series="record")
    out = pd.concat([data.assign(series="model"), points], ignore_index=True)
    return PaperFigure(fig, out, TWO_COLUMN_IN, HEIGHT_IN + 0.19 * rows)
