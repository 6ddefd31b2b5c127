"""One run in detail: the draft's path against the groups' ideals, and who was in the room.

Both draw a :class:`~sim.analysis.trace.RunTrace`: the stored replication re-run with
a read-only recorder (:func:`trace_run`, found in a results folder by
:func:`locate_run`; :func:`reproduces` checks it against the stored row).

5. :func:`text_trajectory`: the draft on each issue, meeting by meeting, against the
   groups' mean ideals; meetings in which the issue sat in a closed room are shaded.
6. :func:`attendance_heatmap`: delegations sorted by budget x meetings: delegates in
   person, and the share of informal room-days covered.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from plotly.subplots import make_subplots

from sim.analysis.designs import GROUP_NAMES, INCOME_GROUPS, REGIONS, STAKEHOLDER_KINDS
from sim.analysis.trace import RunTrace, locate_run, reproduces, trace_run
from sim.figures.export import PaperFigure
from sim.figures.style import (
    BASE_PT,
    COLUMN_IN,
    SEQUENTIAL,
    TEMPLATE,
    TWO_COLUMN_IN,
    pt_to_px,
    style_for,
)

__all__ = [
    "RunTrace",
    "attendance_heatmap",
    "locate_run",
    "reproduces",
    "text_trajectory",
    "trace_run",
]

CLOSED_FILL = "rgba(0,0,0,0.13)"
_PANEL_TITLE = {
    "xref": "paper",
    "yref": "paper",
    "y": 1.0,
    "xanchor": "left",
    "yanchor": "bottom",
    "showarrow": False,
    "font": {"size": pt_to_px(BASE_PT)},
}


def text_trajectory(
    trace: RunTrace, groups: str = "income", template: str | None = TEMPLATE
) -> PaperFigure:
    """The draft on each issue after every meeting, against the groups' mean ideals.

    ``groups``: ``income`` (the four income groups and civil society), ``region``
    or ``stakeholders``. Shading marks the meetings in which that issue sat in an
    informal or friends-of-the-chair room (the segment ending at that meeting).
    ``template=None`` sets no template in Python, for a caller that attaches one to
    the figure's JSON (the app: setting it costs a tenth of a second per figure).
    """
    chosen = {
        "income": [*INCOME_GROUPS, "civil_society"],
        "region": list(REGIONS),
        "stakeholders": list(STAKEHOLDER_KINDS),
    }
    if groups not in chosen:
        raise ValueError(f"groups = {groups!r}: expected one of {', '.join(chosen)}")
    names = [g for g in chosen[groups] if g in trace.ideals.index]
    n_issues, meetings = len(trace.issues), trace.text.shape[0] - 1
    cols = 2 if n_issues > 1 else 1
    rows = -(-n_issues // cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        shared_xaxes=True,
        shared_yaxes=True,
        horizontal_spacing=0.05,
        vertical_spacing=0.13 if rows > 1 else 0.0,
        subplot_titles=[issue.replace("_", " ").capitalize() for issue in trace.issues],
    )
    if template is not None:
        fig.update_layout(template=template)
    x = np.arange(meetings + 1)
    values = [trace.text.ravel(), trace.ideals.loc[names].to_numpy().ravel()]
    low, high = float(np.min(np.concatenate(values))), float(np.max(np.concatenate(values)))
    pad = 0.05 * max(high - low, 0.1)
    adopted = f", adopted by {trace.adopted_by}" if trace.adopted_by != "none" else ", not adopted"
    for j, issue in enumerate(trace.issues):
        r, c = j // cols + 1, j % cols + 1
        for m in np.flatnonzero(trace.closed[:, j]):
            fig.add_vrect(
                x0=m,
                x1=m + 1,
                fillcolor=CLOSED_FILL,
                line_width=0,
                layer="below",
                row=r,
                col=c,
                exclude_empty_subplots=False,
            )
        for i, group in enumerate(names):
            colour, dash, _ = style_for(i)
            fig.add_scatter(
                x=[0, meetings],
                y=[trace.ideals.loc[group, issue]] * 2,
                mode="lines",
                line={"color": colour, "dash": dash, "width": 1.3},
                name=GROUP_NAMES.get(group, group),
                legendgroup=group,
                showlegend=j == 0,
                row=r,
                col=c,
            )
        fig.add_scatter(
            x=x,
            y=trace.text[:, j],
            mode="lines+markers",
            line={"color": "black", "dash": "solid", "width": 1.6},
            marker={"symbol": "circle", "size": 4, "color": "black"},
            name=f"draft text{adopted}",
            legendgroup="text",
            showlegend=j == 0,
            row=r,
            col=c,
        )
    if trace.closed.any():  # a legend key for the shading
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={"symbol": "square", "size": 9, "color": CLOSED_FILL},
            name="in a closed room",
        )
    fig.update_xaxes(range=[-0.2, meetings + 0.2], dtick=1 if meetings <= 12 else None)
    fig.update_xaxes(title_text="Meeting (0 = zero draft)", row=rows)
    fig.update_yaxes(range=[low - pad, high + pad])
    for r in range(1, rows + 1):
        fig.update_yaxes(title_text="Position (0-1)", row=r, col=1)
    fig.update_annotations(font_size=pt_to_px(BASE_PT))  # the panel titles
    fig.update_layout(
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.06, "yanchor": "bottom"}
    )
    data = _trajectory_data(trace, names)
    return PaperFigure(fig, data, TWO_COLUMN_IN if cols > 1 else COLUMN_IN, 1.1 + 1.6 * rows)


def _trajectory_data(trace: RunTrace, names: list[str]) -> pd.DataFrame:
    meetings = trace.text.shape[0] - 1
    parts = []
    for j, issue in enumerate(trace.issues):
        closed = np.r_[False, trace.closed[:, j]]
        parts.append(
            pd.DataFrame(
                {
                    "issue": issue,
                    "meeting": np.arange(meetings + 1),
                    "series": "text",
                    "value": trace.text[:, j],
                    "closed_room": closed,
                }
            )
        )
        for group in names:
            parts.append(
                pd.DataFrame(
                    {
                        "issue": [issue],
                        "meeting": [np.nan],
                        "series": [f"ideal_{group}"],
                        "value": [trace.ideals.loc[group, issue]],
                        "closed_room": [np.nan],
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def _budget_ticks(budgets: np.ndarray) -> tuple[list[int], list[str]]:
    """Row positions where the sorted budgets pass round amounts, and their labels."""
    steps = [v * 10.0**e for e in range(3, 9) for v in (1, 3)]
    positions, labels = [], []
    for amount in steps:
        if budgets[0] <= amount <= budgets[-1]:
            positions.append(int(np.searchsorted(budgets, amount)))
            labels.append(f"${amount / 1e6:g}M" if amount >= 1e6 else f"${amount / 1e3:g}k")
    return positions, labels


def attendance_heatmap(trace: RunTrace, template: str | None = TEMPLATE) -> PaperFigure:
    """Delegations (sorted by budget, poorest at the bottom) x meetings.

    Left: delegates in person (white: nobody in person). Right: share of the
    meeting's informal room-days in which the delegation had someone (blank
    columns: no informal room sat). ``template``: as for `text_trajectory`.
    """
    order = np.argsort(trace.delegations["budget_usd"].to_numpy(), kind="stable")
    budgets = trace.delegations["budget_usd"].to_numpy()[order]
    delegates = trace.delegates[order].astype(float)
    coverage = trace.coverage[order]
    meetings = np.arange(1, delegates.shape[1] + 1)
    rows = np.arange(len(order))
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.16)
    if template is not None:
        fig.update_layout(template=template)
    fig.add_heatmap(
        z=np.where(delegates > 0, delegates, np.nan),
        x=meetings,
        y=rows,
        coloraxis="coloraxis",
        hovertemplate="meeting %{x}, row %{y}: %{z} delegates<extra></extra>",
        row=1,
        col=1,
    )
    fig.add_heatmap(
        z=coverage,
        x=meetings,
        y=rows,
        coloraxis="coloraxis2",
        hovertemplate="meeting %{x}, row %{y}: %{z:.2f}<extra></extra>",
        row=1,
        col=2,
    )
    bar = {"thickness": 7, "len": 1.0, "y": 0.5, "yanchor": "middle", "ticks": "outside"}
    domain_a, domain_b = fig.layout.xaxis.domain, fig.layout.xaxis2.domain
    fig.update_layout(
        coloraxis={
            "colorscale": SEQUENTIAL,
            "cmin": 1,
            "colorbar": {**bar, "x": domain_a[1] + 0.01, "title": {"text": "delegates"}},
        },
        coloraxis2={
            "colorscale": SEQUENTIAL,
            "cmin": 0,
            "cmax": 1,
            "colorbar": {**bar, "x": domain_b[1] + 0.01, "title": {"text": "share"}},
        },
    )
    for k in np.flatnonzero(np.isnan(coverage).all(axis=0)):  # say why a column is blank
        fig.add_annotation(
            x=meetings[k],
            y=len(order) / 2,
            xref="x2",
            yref="y2",
            text="no informal room",
            textangle=-90,
            showarrow=False,
            font={"size": pt_to_px(7), "color": "#777777"},
        )
    positions, labels = _budget_ticks(budgets)
    fig.update_yaxes(range=[-0.5, len(order) - 0.5], tickvals=positions, ticktext=labels)
    fig.update_yaxes(title_text="Delegations by budget", row=1, col=1)
    dtick = 1 if len(meetings) <= 12 else None
    fig.update_xaxes(dtick=dtick, range=[0.5, len(meetings) + 0.5])
    fig.update_xaxes(title_text="Meeting", row=1, col=1)
    fig.update_xaxes(title_text="Meeting", row=1, col=2)
    fig.update_layout(margin={"t": pt_to_px(BASE_PT) * 2})  # room for the panel titles
    fig.add_annotation(**_PANEL_TITLE, x=domain_a[0], text="(a) Delegates in person (white: none)")
    fig.add_annotation(
        **_PANEL_TITLE, x=domain_b[0], text="(b) Share of informal room-days covered"
    )
    table = trace.delegations.iloc[order].reset_index(drop=True)
    data = pd.concat(
        [
            table.assign(
                budget_rank=rows,
                meeting=m,
                delegates=trace.delegates[order, k],
                present_days=trace.present_days[order, k],
                informal_coverage=coverage[:, k],
            )
            for k, m in enumerate(meetings)
        ],
        ignore_index=True,
    )
    return PaperFigure(fig, data, TWO_COLUMN_IN, 2.9)
