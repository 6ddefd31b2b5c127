"""The app's Plotly figures, drawn from `TrackView` snapshots in the house style.

The attendance heatmap and the text trajectory are the report's own figures
(`sim.figures.single_run`), drawn from a `RunTrace` built from the meetings so far and
sized for a screen; the rooms, the pressure and budget, and the voice shares are drawn
in `sim.app.panels` with the same template and palette (imported here, so the page
finds every view in one module). No Solara here: the figures are tested as data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.analysis.designs import GROUP_NAMES
from sim.analysis.trace import RunTrace
from sim.app.canvas import GROUP_SHORT, design_label, empty, screen
from sim.app.panels import pressure_budget, rooms, voice
from sim.app.plot import figure_json
from sim.app.state import TrackView
from sim.config import INCOME_GROUPS, REGIONS
from sim.figures.single_run import CLOSED_FILL, attendance_heatmap, text_trajectory
from sim.figures.style import style_for

__all__ = [
    "GROUP_SHORT",
    "attendance",
    "design_label",
    "every_view",
    "pressure_budget",
    "rooms",
    "run_trace",
    "text",
    "text_range",
    "voice",
]


# ----------------------------------------------------------------------------- traces


def run_trace(view: TrackView) -> RunTrace:
    """The meetings so far as the `RunTrace` the report's single-run figures draw."""
    people, records = view.people, view.records
    n, m = len(people.names), len(records)
    issues = people.issues

    def stack(attribute: str) -> np.ndarray:
        if not records:
            return np.zeros((n, 0))
        return np.stack([getattr(r, attribute) for r in records], axis=1).astype(float)

    closed = np.zeros((m, len(issues)), dtype=bool)
    for k, r in enumerate(records):
        closed[k, list(r.rooms.informal) + list(r.rooms.friends)] = True
    room_days = np.array([r.informal_room_days for r in records], dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.where(room_days > 0, stack("informal_days") / room_days, np.nan)
    delegations = pd.DataFrame(
        {
            "iso3": people.iso3,
            "name": people.names,
            "income_group": np.array(INCOME_GROUPS)[people.income],
            "region": np.array(REGIONS)[people.region],
            "budget_usd": people.budget_usd,
            "staff": people.staff,
        }
    )
    ideals = pd.DataFrame(people.ideals, index=list(issues)).T
    return RunTrace(
        issues=issues,
        text=np.vstack([people.zero_draft, *(r.text for r in records)]),
        closed=closed,
        delegates=stack("delegates"),
        present_days=stack("present_days"),
        coverage=coverage,
        informal_room_days=room_days,
        days=np.array([r.days for r in records]),
        delegations=delegations,
        ideals=ideals,
        row=dict(view.row or {}),
        adopted_by=str((view.row or {}).get("adopted_by", "none")),
    )


# ----------------------------------------------------------------------------- attendance


def attendance(view: TrackView, height: int = 340) -> go.Figure:
    """Delegations by budget x meetings: delegates in person, and closed rooms covered."""
    if not view.records:
        return empty("No meeting held yet: press Step or Run.", height)
    fig = attendance_heatmap(run_trace(view), template=None).figure
    fig.update_yaxes(title_text="Delegations by budget (poorest at the bottom)", col=1)
    # Half a 1440 px window wide (side by side), the paper's horizontal colour-bar titles
    # run into the next panel and panel (b)'s title is clipped: upright titles, short names.
    fig.update_layout(coloraxis_colorbar_title_side="right", coloraxis2_colorbar_title_side="right")
    short = {"(a)": "(a) Delegates in person", "(b)": "(b) Closed room-days covered"}
    for note in fig.layout.annotations:
        if note.text and note.text[:3] in short:
            note.text = short[note.text[:3]]
    return screen(fig, height)


# ----------------------------------------------------------------------------- text


def text_range(views: Sequence[TrackView]) -> tuple[float, float]:
    """One y range for the text figures of every design, so they compare at a glance."""
    values = [v.people.zero_draft for v in views]
    values += [r.text for v in views for r in v.records]
    values += [ideal for v in views for ideal in v.people.ideals.values()]
    flat = np.concatenate([np.ravel(x) for x in values])
    low, high = float(flat.min()), float(flat.max())
    pad = 0.05 * max(high - low, 0.1)
    return low - pad, high + pad


def text(view: TrackView, y_range: tuple[float, float] | None = None, height: int = 430):
    """The draft on each issue against the income groups', civil society's and industry's ideals.

    The report's trajectory (`text_trajectory`: income groups and civil society), with
    industry's ideal added in the next house style; shading marks meetings in which the
    issue sat in a closed room.
    """
    trace = run_trace(view)
    # The report's figure shades closed meetings one add_vrect at a time, which costs
    # more with every shape already there; draw it unshaded and shade in one assignment.
    fig = text_trajectory(replace(trace, closed=np.zeros_like(trace.closed)), template=None).figure
    _shade_closed(fig, trace)
    if "industry" in trace.ideals.index:
        colour, dash, _ = style_for(len(INCOME_GROUPS) + 1)  # after the groups and civil society
        cols = 2 if len(trace.issues) > 1 else 1
        meetings = max(len(view.records), 0)
        for j, issue in enumerate(trace.issues):
            fig.add_scatter(
                x=[0, meetings],
                y=[trace.ideals.loc["industry", issue]] * 2,
                mode="lines",
                line={"color": colour, "dash": dash, "width": 1.3},
                name=GROUP_NAMES["industry"],
                legendgroup="industry",
                showlegend=j == 0,
                row=j // cols + 1,
                col=j % cols + 1,
            )
    span = max(len(view.records), view.planned_meetings)
    status = _status(view)
    for tr in fig.data:
        if tr.legendgroup == "text":
            tr.name = f"draft text ({status})"
        elif tr.x is not None and len(tr.x) == 2:  # an ideal: across the planned meetings
            tr.x = (0, span)
    _interleave_equal_ideals(fig, span)
    if y_range is not None:
        fig.update_yaxes(range=list(y_range))
    fig.update_xaxes(range=[-0.2, span + 0.2], dtick=1 if span <= 12 else None)
    fig.update_layout(
        legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"}
    )
    return screen(fig, height)


EQUAL_IDEALS = 0.015
"""Ideals closer than this on one issue (about 3 px on screen) would read as one line."""


def _interleave_equal_ideals(fig: go.Figure, span: int) -> None:
    """Draw ideal lines that coincide in turns, a meeting each, so every colour shows.

    Two groups with the same mean ideal on an issue would otherwise be one line with the
    other hidden under it; alternating segments show both colours (and hover names both).
    """
    panels: dict[tuple[str, str], list[go.Scatter]] = {}
    for tr in fig.data:
        if tr.legendgroup != "text" and tr.x is not None and len(tr.x) == 2 and tr.y[0] is not None:
            panels.setdefault((tr.xaxis or "x", tr.yaxis or "y"), []).append(tr)
    for lines in panels.values():
        lines.sort(key=lambda tr: tr.y[0])
        groups, current = [], [lines[0]]
        for tr in lines[1:]:
            if abs(tr.y[0] - current[-1].y[0]) <= EQUAL_IDEALS:
                current.append(tr)
            else:
                groups.append(current)
                current = [tr]
        groups.append(current)
        for group in (g for g in groups if len(g) > 1):
            for k, tr in enumerate(group):
                starts = range(k, max(span, 1), len(group))
                tr.x = [v for m in starts for v in (m, m + 1, None)]
                tr.y = [v for _ in starts for v in (tr.y[0], tr.y[0], None)]


def _shade_closed(fig: go.Figure, trace: RunTrace) -> None:
    """Grey the meetings in which an issue sat behind closed doors, as the report does."""
    shapes = []
    for j in range(len(trace.issues)):
        k = j + 1  # subplots are numbered row by row, as the issues are laid out
        axis = "" if k == 1 else str(k)
        for m in np.flatnonzero(trace.closed[:, j]):
            shapes.append(
                {
                    "type": "rect",
                    "xref": f"x{axis}",
                    "yref": f"y{axis} domain",
                    "x0": int(m),
                    "x1": int(m) + 1,
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": CLOSED_FILL,
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
    fig.update_layout(shapes=shapes)
    if trace.closed.any():  # a legend key for the shading
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={"symbol": "square", "size": 9, "color": CLOSED_FILL},
            name="in a closed room",
        )


def _status(view: TrackView) -> str:
    if view.row is None:
        return f"after meeting {view.meetings}" if view.records else "zero draft"
    how = view.row.get("adopted_by")
    return f"adopted by {how}" if how in ("consensus", "vote") else "not adopted"


def every_view(views: Sequence[TrackView]) -> dict[str, object]:
    """Every figure of the current meeting as JSON, as the page shows it (once per meeting)."""
    y_range = text_range(views)
    return {
        "attendance": [figure_json(attendance(v)) for v in views],
        "rooms": [figure_json(rooms(v)) for v in views],
        "text": [figure_json(text(v, y_range)) for v in views],
        "pressure": figure_json(pressure_budget(views)),
        "voice": figure_json(voice(views)),
    }
