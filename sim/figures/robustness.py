"""The robustness figure: how often each design beats each other across the worlds.

One heatmap per outcome: the cell (row A, column B) is the share of sampled worlds in
which design A does better than design B (1: always, 0: never; a cell near 0.5 is a
ranking that depends on the uncertain parameters). The design with the least
worst-case regret on the outcome is starred in the panel's title.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.analysis.designs import metric_label, option_label
from sim.figures.export import PaperFigure
from sim.figures.style import TEMPLATE, TICK_PT, TITLE_PT, TWO_COLUMN_IN

__all__ = ["robustness_figure"]


def robustness_figure(beats: pd.DataFrame, regret: pd.DataFrame, designs: list[str]) -> PaperFigure:
    """Share-of-worlds heatmaps, one panel per outcome (minimax-regret design named)."""
    outcomes = list(dict.fromkeys(beats["outcome"]))
    cols = 2 if len(outcomes) > 1 else 1
    rows = math.ceil(len(outcomes) / cols)
    labels = [option_label(d) for d in designs]
    titles = []
    for outcome in outcomes:
        part = regret[(regret["outcome"] == outcome) & regret["minimax_choice"]]
        choice = ", ".join(option_label(d) for d in part["design"])
        titles.append(f"{metric_label(outcome, short=True)}<br>minimax regret: {choice}")
    panel_in = 0.26 * len(designs) + 0.45
    height = 1.6 + rows * panel_in
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=titles,
        horizontal_spacing=0.06,
        vertical_spacing=0.5 / height if rows > 1 else 0.1,
        shared_yaxes=True,
        shared_xaxes=True,
    )
    fig.update_layout(template=TEMPLATE)
    fig.update_annotations(font_size=TITLE_PT)
    for i, outcome in enumerate(outcomes):
        part = beats[beats["outcome"] == outcome]
        grid = part.pivot(index="design_a", columns="design_b", values="share_a_better")
        grid = grid.reindex(index=designs, columns=designs)
        text = grid.map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
        fig.add_trace(
            go.Heatmap(
                z=grid.to_numpy(),
                x=labels,
                y=labels,
                zmin=0,
                zmax=1,
                colorscale="RdBu",
                text=text.to_numpy(),
                texttemplate="%{text}",
                textfont={"size": TICK_PT},
                showscale=i == 0,
                colorbar={"title": {"text": "share of worlds<br>row beats column"}, "len": 0.6},
                hovertemplate="%{y} beats %{x} in %{z:.0%} of worlds<extra></extra>",
            ),
            row=i // cols + 1,
            col=i % cols + 1,
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickangle=-35)
    fig.update_layout(margin={"r": 90, "t": 48})
    return PaperFigure(fig, beats.reset_index(drop=True), TWO_COLUMN_IN, height)
