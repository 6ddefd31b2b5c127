"""Design-comparison figures, each a function from a runs table to ``(figure, data)``.

Every function groups runs into designs (see :mod:`sim.analysis.designs`), draws means
with 95% intervals (t for means, Wilson for proportions) and returns the figure with
exactly the numbers it plots, ready for :func:`sim.figures.save_figure`. Each also
has a recommended physical size, :data:`SIZES` (inches), used by the report.

1. :func:`inclusiveness_vs_cost`: measures against meeting cost (a panel per measure).
2. :func:`consensus`: probability, manner and timing of adoption.
3. :func:`representation`: representation ratio by income group (1 = fair).
4. :func:`text_distance`: how far the final text is from each group's members.

Figure 7, the frontier, is :mod:`sim.figures.frontier`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.analysis.designs import (
    INCOME_GROUPS,
    REGIONS,
    STAKEHOLDER_KINDS,
    add_derived,
    design_frame,
    metric_label,
    resolve_by,
    summary_table,
)
from sim.figures.export import PaperFigure
from sim.figures.layout import (
    LEGEND_ROW_IN,
    MAX_DESIGNS,
    SIZES,
    check_columns,
    check_designs,
    dodged_markers,
    error_bars,
    legend_top,
)
from sim.figures.style import TEMPLATE, TWO_COLUMN_IN, pt_to_px, style_for, with_alpha

__all__ = [
    "MAX_DESIGNS",
    "SIZES",
    "consensus",
    "inclusiveness_vs_cost",
    "representation",
    "text_distance",
    "y_range",
]


def inclusiveness_vs_cost(
    runs: pd.DataFrame,
    metric: str | Sequence[str] = "attendance_rate_LIC",
    x: str = "meeting_usd",
    by: str | Sequence[str] | None = None,
) -> PaperFigure:
    """Measures against meeting cost: one line per design, 95% band, a panel per measure.

    ``metric`` is any runs column (e.g. ``informal_coverage_LIC``,
    ``representation_LIC``, ``rush_cost``) or a list of them, drawn side by side with
    one legend; ``x`` any numeric configuration column (a cost in USD is shown in
    millions, on a log scale when it spans a factor of 4 or more).
    """
    metrics = [metric] if isinstance(metric, str) else list(metric)
    check_columns(runs, *metrics, x)
    by = resolve_by(runs, by, exclude=(x,))
    by = [c for c in by if c != x] or ["process"]
    table = summary_table(runs, by, metrics, extra=[x])
    _, designs = design_frame(runs, by)
    check_designs(designs, by)
    scale = 1e6 if x.endswith("usd") else 1.0
    panels = len(metrics)
    fig = make_subplots(rows=1, cols=panels, horizontal_spacing=0.16) if panels > 1 else go.Figure()
    fig.update_layout(template=TEMPLATE)
    for c, name in enumerate(metrics, start=1):
        part_table = table[table["metric"] == name]
        where = {"row": 1, "col": c} if panels > 1 else {}
        for i, design in enumerate(designs):
            part = part_table[part_table["design"] == design].sort_values(x)
            if part["mean"].isna().all():
                continue  # e.g. informal-room coverage of an open plenary: nothing to draw
            _cost_line(fig, part, design, x, scale, i, legend=c == 1, where=where)
        plotted = part_table.loc[part_table["mean"].notna(), x]  # no tick where nothing is drawn
        values = np.unique((plotted if len(plotted) else part_table[x]).to_numpy(float)) / scale
        log = len(values) > 1 and values.min() > 0 and values.max() / values.min() >= 4
        unit = " (million USD)" if scale == 1e6 else ""
        fig.update_xaxes(
            title_text=metric_label(x).replace(" (USD)", "") + unit,
            type="log" if log else "linear",
            tickvals=values if len(values) <= 8 else None,
            ticktext=[f"{v:g}" for v in values] if len(values) <= 8 else None,
            **where,
        )
        prefix = f"({chr(96 + c)}) " if panels > 1 else ""
        fig.update_yaxes(title_text=prefix + metric_label(name), range=y_range(part_table), **where)
    width, height = SIZES["inclusiveness_vs_cost"]
    width = width if panels == 1 else TWO_COLUMN_IN
    shown = [t.name for t in fig.data if t.showlegend is not False]
    rows = legend_top(fig, shown, width)
    data = table.rename(columns={"mean": metrics[0]}) if panels == 1 else table
    return PaperFigure(fig, data, width, height + LEGEND_ROW_IN * (rows - 1))


def y_range(table: pd.DataFrame) -> list[float] | None:
    """The y axis of a cost panel: its means and bands with 5% room.

    Set, not left to Plotly, so a caption can say where the axis starts: a narrow range
    far from 0 reads as a large effect otherwise.
    """
    values = table[["mean", "ci_low", "ci_high"]].to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    if not len(values):
        return None
    low, high = float(values.min()), float(values.max())
    pad = 0.05 * (high - low) or 0.05 * abs(high) or 0.05
    return [low - pad, high + pad]


def _cost_line(fig, part, design, x, scale, i, *, legend: bool, where: dict) -> None:
    """One design's mean line and 95% band against cost."""
    colour, dash, marker = style_for(i)
    xs = part[x].to_numpy(dtype=float) / scale
    band = part["ci_low"].notna().to_numpy()
    if band.any():
        fig.add_scatter(
            x=np.r_[xs[band], xs[band][::-1]],
            y=np.r_[part["ci_high"].to_numpy()[band], part["ci_low"].to_numpy()[band][::-1]],
            fill="toself",
            fillcolor=with_alpha(colour, 0.14),
            mode="lines",
            line={"width": 0, "color": colour},
            hoverinfo="skip",
            showlegend=False,
            legendgroup=design,
            **where,
        )
    fig.add_scatter(
        x=xs,
        y=part["mean"],
        name=design,
        legendgroup=design,
        showlegend=legend,
        mode="lines+markers",
        line={"color": colour, "dash": dash},
        marker={"symbol": marker, "color": colour},
        **where,
    )


def consensus(runs: pd.DataFrame, by: str | Sequence[str] | None = None) -> PaperFigure:
    """Adoption by design: its probability, how (consensus / vote / none), meetings taken.

    Three panels sharing the designs' axis: (a) probability of adoption, (b) the share
    of runs adopted by consensus, by vote, or not at all, (c) meetings to adoption
    (adopted runs only); 95% Wilson or t intervals. When every run was adopted (a
    fallback vote), panel (a) would be 1 for every design: it is dropped, the others
    are lettered (a) and (b), and a note above the figure says why (its numbers stay in
    the data).
    """
    check_columns(runs, "adopted", "adopted_by", "adoption_meeting")
    by = resolve_by(runs, by)
    runs = add_derived(runs)
    runs["adopted_by_none"] = ~runs["adopted"].astype(bool)
    how = {
        "adopted_by_consensus": "consensus",
        "adopted_by_vote": "vote",
        "adopted_by_none": "none",
    }
    table = summary_table(runs, by, ["adopted", *how, "adoption_meeting"])
    _, designs = design_frame(runs, by)
    check_designs(designs, by)
    n = len(designs)
    position = {d: n - 1 - i for i, d in enumerate(designs)}  # first design on top
    constant = bool(runs["adopted"].astype(bool).all())  # panel (a) would say nothing
    first = 0 if constant else 1  # the column of panel (a), 0 when it is dropped
    fig = make_subplots(
        rows=1,
        cols=3 - constant,
        shared_yaxes=True,
        horizontal_spacing=0.035,
    )
    fig.update_layout(template=TEMPLATE)
    offsets = dict(zip(how, (0.22, 0.0, -0.22), strict=True))
    panels = [("adopted", first, 0), *[(m, first + 1, k) for k, m in enumerate(how)]]
    panels.append(("adoption_meeting", first + 2, 0))
    for metric, col, style in panels:
        if col == 0:
            continue
        part = table[table["metric"] == metric].set_index("design").loc[designs].reset_index()
        shares = col == first + 1  # panel (b): one marker per manner of adoption
        colour, _, marker = style_for(style) if shares else ("black", None, "circle")
        fig.add_scatter(
            x=part["mean"],
            y=[position[d] + offsets.get(metric, 0.0) for d in part["design"]],
            error_x={**error_bars(part), "color": colour},
            mode="markers",
            marker={"symbol": marker, "color": colour, "size": 5.5},
            name=how.get(metric, metric_label(metric)),
            showlegend=shares,
            customdata=part["design"],
            hovertemplate="%{customdata}: %{x:.3f}<extra></extra>",
            row=1,
            col=col,
        )
    letters = "abc"[: 3 - constant]
    titles = ["Probability of adoption", "Share of runs, by how adopted", "Meetings to adoption"]
    for c, (letter, title) in enumerate(zip(letters, titles[constant:], strict=True), start=1):
        fig.update_xaxes(title_text=f"({letter}) {title}", row=1, col=c)
        if c < first + 2:
            fig.update_xaxes(range=[-0.04, 1.04], tickvals=[0, 0.5, 1], row=1, col=c)
    fig.update_yaxes(
        tickvals=list(range(n)),
        ticktext=list(designs)[::-1],
        range=[-0.6, n - 0.4],
        showgrid=True,  # faint guides carry the eye across the panels
        gridcolor="#E3E3E3",
        gridwidth=0.5,
    )
    # the legend names the shares panel's markers, above it
    domain = (fig.layout.xaxis if constant else fig.layout.xaxis2).domain
    if constant:
        fig.add_annotation(
            text="Every run was adopted: the probability<br>of adoption (1 for each design) "
            "is not drawn.",
            xref="paper",
            yref="paper",
            x=1.0,
            y=1.0,
            xanchor="right",
            yanchor="bottom",
            yshift=4,
            align="right",
            showarrow=False,
            font={"size": pt_to_px(7)},
        )
    fig.update_layout(
        legend={
            "orientation": "h",
            "x": (domain[0] + domain[1]) / 2,
            "xanchor": "center",
            "y": 1.0,
            "yanchor": "bottom",
        }
    )
    width, height = SIZES["consensus"]
    return PaperFigure(fig, table, width, max(height, 1.2 + 0.28 * n))


def representation(runs: pd.DataFrame, by: str | Sequence[str] | None = None) -> PaperFigure:
    """Representation ratio (voice share / population share) by income group per design.

    A dotted line marks 1, a fair voice; 95% t intervals.
    """
    columns = {g: f"representation_{g}" for g in INCOME_GROUPS}
    check_columns(runs, *columns.values())
    by = resolve_by(runs, by)
    table = summary_table(runs, by, list(columns.values()))
    _, designs = design_frame(runs, by)
    check_designs(designs, by)
    fig = go.Figure(layout={"template": TEMPLATE})
    fig.add_hline(y=1, line={"color": "#555555", "width": 1, "dash": "dot"})
    fig.add_annotation(
        x=1.0,
        xref="paper",
        y=1,
        yref="y",
        text="fair",
        showarrow=False,
        xanchor="right",
        yanchor="bottom",
        font={"size": pt_to_px(7), "color": "#555555"},
    )
    dodged_markers(fig, table, designs, INCOME_GROUPS, columns)
    fig.update_xaxes(
        tickvals=list(range(len(INCOME_GROUPS))),
        ticktext=list(INCOME_GROUPS),
        range=[-0.5, len(INCOME_GROUPS) - 0.5],
        title_text="Income group",
    )
    fig.update_yaxes(title_text="Representation ratio", rangemode="tozero")
    width, height = SIZES["representation"]
    rows = legend_top(fig, designs, width)
    table["group"] = table["metric"].str.removeprefix("representation_")
    return PaperFigure(fig, table, width, height + LEGEND_ROW_IN * (rows - 1))


def text_distance(runs: pd.DataFrame, by: str | Sequence[str] | None = None) -> PaperFigure:
    """How far the final draft is from what each group's members wanted, by design.

    Three panels: income groups, UN regional groups, stakeholder kinds; each value is
    the mean over the group's members of their own salience-weighted distance from
    the text (``text_distance_<G>``); 95% t intervals. Lower: the text serves that
    group better.
    """
    panels = (
        ("(a) Income group", INCOME_GROUPS),
        ("(b) UN regional group", REGIONS),
        ("(c) Stakeholder kind", STAKEHOLDER_KINDS),
    )
    columns = {g: f"text_distance_{g}" for _, groups in panels for g in groups}
    check_columns(runs, *columns.values())
    by = resolve_by(runs, by)
    table = summary_table(runs, by, list(columns.values()))
    _, designs = design_frame(runs, by)
    check_designs(designs, by)
    fig = make_subplots(
        rows=1,
        cols=3,
        shared_yaxes=True,
        horizontal_spacing=0.03,
        column_widths=[4, 5, 4],
    )
    fig.update_layout(template=TEMPLATE)
    short = {"civil_society": "civil soc.", "un_agency": "UN", "GRULAC": "GRULAC"}
    for c, (title, groups) in enumerate(panels, start=1):
        dodged_markers(fig, table, designs, groups, columns, col=c, legend=c == 1)
        fig.update_xaxes(
            title_text=title,
            tickvals=list(range(len(groups))),
            ticktext=[short.get(g, g.replace("_", " ")) for g in groups],
            range=[-0.5, len(groups) - 0.5],
            row=1,
            col=c,
        )
    fig.update_yaxes(title_text="Members' distance from the text", rangemode="tozero", row=1, col=1)
    width, height = SIZES["text_distance"]
    rows = legend_top(fig, designs, width)
    table["group"] = table["metric"].str.removeprefix("text_distance_")
    return PaperFigure(fig, table, width, height + LEGEND_ROW_IN * (rows - 1))
