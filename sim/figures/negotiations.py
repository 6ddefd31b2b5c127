"""Three negotiations side by side: inclusiveness against the consensus outcome.

For each negotiation (the cybercrime committee, the BBNJ conference, the plastics INC,
run with the same calibrated behaviour: `sim.out_of_sample`), one panel per measure of
inclusiveness - low-income states' attendance, their coverage of the informal rooms,
the stakeholders' share of influence on the text - on x, and the share of runs adopted
by consensus on y (95% intervals: t for the means, Wilson for the share). The record's
outcome (1: adopted without a vote, 0: no adoption) is a hollow marker in a narrow panel
of its own on the same y axis: the record measured none of the inclusiveness measures,
so it has no x to be drawn at. The x axes start where the data do: read the differences
between negotiations, not distances from zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.analysis.stats import mean_interval, wilson_interval
from sim.figures.export import PaperFigure
from sim.figures.layout import ERROR_BAR, check_columns, legend_top
from sim.figures.style import PALETTE, TEMPLATE, TWO_COLUMN_IN, style_for

__all__ = ["MEASURES", "negotiations_figure"]

MEASURES: dict[str, str] = {
    "attendance_rate_LIC": "(a) Low-income attendance",
    "informal_coverage_LIC": "(b) Low-income informal coverage",
    "stakeholder_influence_share": "(c) Stakeholders' share of influence",
}
HEIGHT_IN = 2.5


def _labels_and_records() -> tuple[dict[str, str], dict[str, bool]]:
    from sim.analysis.out_of_sample import NEGOTIATIONS

    labels = {n: spec.label for n, spec in NEGOTIATIONS.items()}
    records = {n: spec.adopted_by_consensus for n, spec in NEGOTIATIONS.items()}
    return labels, records


def summary(runs: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Per negotiation and measure: mean and interval, the consensus share, the record."""
    _, records = _labels_and_records()
    rows = []
    for name in order:
        part = runs[runs["scenario"] == name]
        consensus = wilson_interval(int((part["adopted_by"] == "consensus").sum()), len(part))
        for column in MEASURES:
            x = mean_interval(part[column])
            rows.append(
                {
                    "negotiation": name,
                    "measure": column,
                    "mean": x.estimate,
                    "ci_low": x.low,
                    "ci_high": x.high,
                    "runs": len(part),
                    "adopted_by_consensus": consensus.estimate,
                    "consensus_ci_low": consensus.low,
                    "consensus_ci_high": consensus.high,
                    "record_adopted_by_consensus": float(records.get(name, float("nan"))),
                }
            )
    return pd.DataFrame(rows)


def negotiations_figure(runs: pd.DataFrame, order: Sequence[str] | None = None) -> PaperFigure:
    """The three negotiations' inclusiveness against their consensus outcome, and the record."""
    check_columns(runs, "scenario", "adopted_by", *MEASURES)
    labels, _ = _labels_and_records()
    order = list(order or [n for n in labels if n in set(runs["scenario"])])
    if not order:
        raise ValueError("the runs table holds none of the negotiations of sim.out_of_sample")
    data = summary(runs, order)
    record_col = len(MEASURES) + 1  # the record has an outcome but no inclusiveness measure
    fig = make_subplots(
        rows=1,
        cols=record_col,
        shared_yaxes=True,
        horizontal_spacing=0.05,
        column_widths=[1.0] * len(MEASURES) + [0.3],
        subplot_titles=[*MEASURES.values(), "The record"],
    )
    fig.update_layout(template=TEMPLATE)
    for i, name in enumerate(order):
        colour, _, marker = style_for(i)
        label = labels.get(name, name)
        for col, column in enumerate(MEASURES, start=1):
            row = data[(data["negotiation"] == name) & (data["measure"] == column)].iloc[0]
            first = col == 1
            fig.add_trace(
                go.Scatter(
                    x=[row["mean"]],
                    y=[row["adopted_by_consensus"]],
                    mode="markers",
                    marker={"symbol": marker, "color": colour, "size": 7},
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "array": [row["ci_high"] - row["mean"]],
                        "arrayminus": [row["mean"] - row["ci_low"]],
                        "color": colour,
                        **ERROR_BAR,
                    },
                    error_y={
                        "type": "data",
                        "symmetric": False,
                        "array": [row["consensus_ci_high"] - row["adopted_by_consensus"]],
                        "arrayminus": [row["adopted_by_consensus"] - row["consensus_ci_low"]],
                        "color": colour,
                        **ERROR_BAR,
                    },
                    name=label,
                    legendgroup=name,
                    showlegend=first,
                    hovertemplate=f"{label}: %{{x:.3f}}, %{{y:.2f}}<extra></extra>",
                ),
                row=1,
                col=col,
            )
        fig.add_trace(
            go.Scatter(
                x=[i],  # side by side: the record measured no inclusiveness
                y=[row["record_adopted_by_consensus"]],
                mode="markers",
                marker={
                    "symbol": f"{marker}-open",
                    "color": colour,
                    "size": 10,
                    "line": {"width": 1.2},
                },
                name="the record",
                legendgroup="record",
                showlegend=False,
                hovertemplate=f"{label}, the record: %{{y:.0f}}<extra></extra>",
            ),
            row=1,
            col=record_col,
        )
    # one legend entry for the hollow markers, in neutral grey
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={"symbol": "circle-open", "color": PALETTE[6], "size": 10},
            name="the record (hollow)",
        ),
        row=1,
        col=1,
    )
    fig.update_yaxes(range=[-0.08, 1.08], tickvals=[0, 0.25, 0.5, 0.75, 1], row=1, col=1)
    fig.update_yaxes(title_text="Share adopted by consensus", row=1, col=1)
    for col in range(1, len(MEASURES) + 1):
        fig.update_xaxes(nticks=5, row=1, col=col)
    fig.update_xaxes(
        range=[-0.6, len(order) - 0.4], showticklabels=False, ticks="", row=1, col=record_col
    )
    fig.update_xaxes(title_text="adopted by<br>consensus?", row=1, col=record_col)
    fig.update_xaxes(title_text="share of meeting days", row=1, col=1)
    fig.update_xaxes(title_text="share of informal room-days", row=1, col=2)
    fig.update_xaxes(title_text="share of all influence", row=1, col=3)
    names = [labels.get(n, n) for n in order] + ["the record (hollow)"]
    rows = legend_top(fig, names, TWO_COLUMN_IN)
    # the legend sits above the panels' titles
    fig.update_layout(legend={"y": 1.1}, margin={"t": 34 + 18 * rows})
    fig.update_annotations(font_size=11, yshift=2)
    return PaperFigure(fig, data, TWO_COLUMN_IN, HEIGHT_IN + 0.19 * rows)
