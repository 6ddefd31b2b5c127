"""The robustness figure: how often each design beats each other across the worlds.

One heatmap per outcome: the cell (row A, column B) is coloured by the share of sampled
worlds in which design A does better than design B less the share in which B does
better (+1: A always better, -1: always worse, 0: as often either way, or tied). A tie
is not a loss: two designs that tie in every world are white, not red. The cell's text
is the share A does better, and the share tied when there are ties. The design with the
least worst-case regret on the outcome is named in the panel's title.
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


def _grid(part: pd.DataFrame, column: str, designs: list[str]) -> pd.DataFrame:
    grid = part.pivot(index="design_a", columns="design_b", values=column)
    return grid.reindex(index=designs, columns=designs)


def _cell_text(better: pd.Series, tied: pd.Series) -> pd.Series:
    """The share A does better; with ties, also the share tied ("0.00, 1.00 tied")."""
    return pd.Series(
        [
            "" if pd.isna(b) else f"{b:.2f}" + (f"<br>{t:.2f} tied" if t > 0 else "")
            for b, t in zip(better, tied, strict=True)
        ],
        index=better.index,
    )


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
        net = part.assign(net=part["share_a_better"] - part["share_b_better"])
        grid = _grid(net, "net", designs)
        better, tied = _grid(part, "share_a_better", designs), _grid(part, "share_tied", designs)
        text = better.combine(tied, _cell_text)
        fig.add_trace(
            go.Heatmap(
                z=grid.to_numpy(),
                x=labels,
                y=labels,
                zmin=-1,
                zmax=1,
                colorscale="RdBu",
                text=text.to_numpy(),
                customdata=tied.to_numpy(),
                texttemplate="%{text}",
                textfont={"size": TICK_PT},
                showscale=i == 0,
                colorbar={
                    "title": {"text": "share of worlds<br>row better<br>less row worse"},
                    "len": 0.6,
                },
                hovertemplate="%{y} better than %{x} less worse: %{z:.0%} of worlds; "
                "tied in %{customdata:.0%}<extra></extra>",
            ),
            row=i // cols + 1,
            col=i % cols + 1,
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickangle=-35)
    fig.update_layout(margin={"r": 90, "t": 48})
    return PaperFigure(fig, beats.reset_index(drop=True), TWO_COLUMN_IN, height)
