"""The app's Plotly figures, drawn from `TrackView` snapshots in the house style.

The attendance heatmap and the text trajectory are the report's own figures
(`sim.figures.single_run`), drawn from a `RunTrace` built from the meetings so far and
sized for a screen; the rooms, the pressure and budget, and the voice shares are drawn
here with the same template and palette. Each income group keeps its colour from the
house palette in every figure. No Solara here: the figures are tested as data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.app.state import MeetingRecord, TrackView
from sim.config import INCOME_GROUPS, REGIONS
from sim.figures.single_run import CLOSED_FILL, attendance_heatmap, text_trajectory
from sim.figures.style import PALETTE, SEQUENTIAL, style_for, with_alpha
from sim.figures.tables import GROUP_NAMES, option_label
from sim.figures.trace import RunTrace

__all__ = [
    "GROUP_SHORT",
    "attendance",
    "design_label",
    "pressure_budget",
    "rooms",
    "run_trace",
    "text",
    "text_range",
    "voice",
]

GROUP_SHORT = {
    "HIC": "High income",
    "UMIC": "Upper-middle",
    "LMIC": "Lower-middle",
    "LIC": "Low income",
}
STAKEHOLDERS = "stakeholders"
_FONT_PX = 12  # screen text: the paper's 8 pt is small on a monitor
_DESIGN_DASH = ("solid", "dash")  # design A, design B
_DESIGN_MARKER = ("circle", "square")


def _figure(**subplots: object) -> go.Figure:
    """A new figure (subplots if any keyword is given), without a template in Python.

    The house template is attached to the figure's JSON (`sim.app.plot.figure_json`):
    setting it on each figure here would validate and copy it every time, a third of the
    cost of drawing a meeting.
    """
    return make_subplots(**subplots) if subplots else go.Figure()


def _screen(fig: go.Figure, height: int) -> go.Figure:
    """Size a house-style figure for a card on screen: the card's width, a fixed height."""
    fig.update_layout(
        height=height,
        width=None,
        autosize=True,
        font={"size": _FONT_PX},
        margin={"l": 8, "r": 8, "t": 36, "b": 8},
    )
    return fig


def _empty(message: str, height: int) -> go.Figure:
    fig = _figure()
    fig.add_annotation(
        text=message,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 14, "color": "#555555"},
    )
    # fixed ranges: an empty figure redrawn by Plotly.react has none to find (NaN paths)
    fig.update_xaxes(visible=False, range=[0, 1])
    fig.update_yaxes(visible=False, range=[0, 1])
    return _screen(fig, height)


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
        return _empty("No meeting held yet: press Step or Run.", height)
    fig = attendance_heatmap(run_trace(view)).figure
    fig.update_yaxes(title_text="Delegations by budget (poorest at the bottom)", col=1)
    return _screen(fig, height)


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
    fig = text_trajectory(replace(trace, closed=np.zeros_like(trace.closed)), "income").figure
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
    if y_range is not None:
        fig.update_yaxes(range=list(y_range))
    fig.update_xaxes(range=[-0.2, span + 0.2], dtick=1 if span <= 12 else None)
    fig.update_layout(
        legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"}
    )
    return _screen(fig, height)


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


# ----------------------------------------------------------------------------- rooms


def _issue_lines(names: list[str], width: int = 26) -> str:
    """Issue names wrapped onto short lines for an axis label (Plotly breaks on <br>)."""
    lines, line = [], ""
    for name in names:
        piece = name.replace("_", " ")
        if line and len(line) + len(piece) + 2 > width:
            lines.append(line + ",")
            line = piece
        else:
            line = f"{line}, {piece}" if line else piece
    return "<br>".join([*lines, line]) if line else "no issue on its agenda"


def _room_shares(view: TrackView, record: MeetingRecord) -> list[tuple[str, np.ndarray, float]]:
    """Rooms of a meeting: (label, share of each income group inside, stakeholders admitted).

    Plenary: share of the group's delegations at the meeting (the plenary sits even with
    every issue sent out: the seats are there). Informal rooms: the group's mean share of
    the closed room-days it covered (friends-of-the-chair days included when that room
    sat). Friends: share of the group invited.
    """
    people, rooms = view.people, record.rooms
    issues = view.people.issues

    def names(idx: tuple[int, ...]) -> str:
        return _issue_lines([issues[j] for j in idx])

    def by_group(values: np.ndarray) -> np.ndarray:
        out = np.full(len(INCOME_GROUPS), np.nan)
        for k in range(len(INCOME_GROUPS)):
            members = people.income == k
            if members.any():
                out[k] = float(values[members].mean())
        return out

    out = [(f"<b>Plenary</b><br>{names(rooms.plenary)}", by_group(record.present_days > 0), 1.0)]
    if rooms.informal and record.informal_room_days:
        head = f"<b>Informal</b>, {rooms.tracks} at once"
        shares = by_group(record.informal_days / record.informal_room_days)
        admitted = 1.0 if rooms.observers_in_informal else 0.0
        out.append((f"{head}<br>{names(rooms.informal)}", shares, admitted))
    if rooms.friends and rooms.invited is not None:
        label = f"<b>Friends of the chair</b><br>{names(rooms.friends)}"
        out.append((label, by_group(rooms.invited), 0.0))
    return out


def rooms(view: TrackView, height: int = 290) -> go.Figure:
    """Which rooms sat at the latest meeting, and how much of each income group was inside.

    A table as a heatmap: a column per room (its issues in the header), a row per income
    group with the share of it inside, and a last row saying whether stakeholders were
    admitted. No legend to decode: every cell carries its number.
    """
    if not view.records:
        return _empty("No meeting held yet.", height)
    record = view.records[-1]
    shares = _room_shares(view, record)
    columns = [label for label, _, _ in shares]
    rows = [GROUP_SHORT[g] for g in INCOME_GROUPS] + ["Stakeholders"]
    z = np.array([[*share, admitted] for _, share, admitted in shares]).T  # rows x rooms
    cells = [[f"{v:.0%}" if np.isfinite(v) else "" for v in row] for row in z[:-1]]
    cells.append(["admitted" if v > 0 else "shut out" for v in z[-1]])
    fig = _figure()
    fig.add_heatmap(
        z=z[::-1],
        x=columns,
        y=rows[::-1],
        text=cells[::-1],
        texttemplate="%{text}",
        textfont={"size": 12},
        colorscale=SEQUENTIAL,
        zmin=0,
        zmax=1,
        showscale=False,
        xgap=3,
        ygap=3,
        hovertemplate="%{y}: %{text}<extra></extra>",
    )
    night = record.rooms.night_share
    extra = f", night sittings +{night:.0%} a day" if night > 0 else ""
    fig.update_xaxes(side="top", showline=False, ticks="", tickfont={"size": 11})
    fig.update_yaxes(showline=False, ticks="")
    title = {"text": f"Meeting {record.number} ({record.kind}{extra})", "y": 0.02}
    fig.update_layout(title={**title, "yanchor": "bottom"})
    _screen(fig, height)
    fig.update_layout(margin={"t": 70, "b": 30})
    return fig


# ----------------------------------------------------------------------------- pressure


def pressure_budget(views: Sequence[TrackView], height: int = 300) -> go.Figure:
    """Pressure to conclude, and the process budget left, after each meeting (both designs)."""
    fig = _figure(rows=1, cols=2, horizontal_spacing=0.14)
    planned = max(v.planned_meetings for v in views)
    last = max([planned, *(v.meetings for v in views)])
    for i, view in enumerate(views):
        colour = PALETTE[0] if len(views) == 1 else style_for(i)[0]
        x = np.arange(view.meetings + 1)
        budget0 = view.config.cost.process_budget_usd
        pressure = [0.0, *(r.pressure for r in view.records)]
        left = [budget0, *(r.budget_left_usd for r in view.records)]
        name = f"design {view.name}" if len(views) > 1 else "pressure / budget"
        style = {"color": colour, "dash": _DESIGN_DASH[i % 2], "width": 2}
        marker = {"symbol": _DESIGN_MARKER[i % 2], "size": 6, "color": colour}
        common = {"mode": "lines+markers", "line": style, "marker": marker, "legendgroup": name}
        fig.add_scatter(x=x, y=pressure, name=name, row=1, col=1, **common)
        fig.add_scatter(
            x=x, y=np.asarray(left) / 1e6, name=name, showlegend=False, row=1, col=2, **common
        )
        adopted = [r.number for r in view.records if r.adopted_by]
        if adopted:
            fig.add_scatter(
                x=adopted,
                y=[pressure[adopted[0]]],
                mode="markers",
                marker={"symbol": "star", "size": 14, "color": colour, "line": {"width": 1}},
                name=f"adopted ({view.name})" if len(views) > 1 else "adopted",
                row=1,
                col=1,
            )
    fig.update_xaxes(range=[-0.3, last + 0.3], dtick=1, title_text="Meeting")
    fig.update_yaxes(range=[0, 1.02], title_text="Pressure to conclude (0-1)", row=1, col=1)
    fig.update_yaxes(title_text="Process budget left ($M)", rangemode="tozero", row=1, col=2)
    fig.update_layout(legend={"y": 1.02, "yanchor": "bottom", "orientation": "h"})
    return _screen(fig, height)


# ----------------------------------------------------------------------------- voice


def voice(views: Sequence[TrackView], height: int = 300) -> go.Figure:
    """Each income group's share of the delegations' voice so far, against its share of seats.

    Solid: voice exercised by the group's own delegates; light: carried for its absent
    members by bloc coordinators; the black tick: the group's share of the delegations
    (a group at its tick has a fair share).
    """
    if not any(v.records for v in views):
        return _empty("No meeting held yet.", height)
    fig = _figure()
    labels, own, proxied, colours, seats = [], [], [], [], []
    compare = len(views) > 1
    for k, group in reversed(list(enumerate(INCOME_GROUPS))):
        for view in reversed(views):
            members = view.people.income == k
            if not members.any():
                continue
            last = view.records[-1] if view.records else None
            labels.append(f"{GROUP_SHORT[group]} · {view.name}" if compare else GROUP_SHORT[group])
            own.append(last.voice[k] if last else 0.0)
            proxied.append(last.voice_proxied[k] if last else 0.0)
            colours.append(style_for(k)[0])
            seats.append(float(members.mean()))
    fig.add_bar(
        y=labels,
        x=own,
        orientation="h",
        marker_color=colours,
        name="own delegates",
        hovertemplate="own voice: %{x:.1%}<extra>%{y}</extra>",
    )
    fig.add_bar(
        y=labels,
        x=proxied,
        orientation="h",
        name="carried by bloc coordinators",
        marker_color=[with_alpha(c, 0.35) for c in colours],
        hovertemplate="carried for absent members: %{x:.1%}<extra>%{y}</extra>",
    )
    fig.add_scatter(
        y=labels,
        x=seats,
        mode="markers",
        name="share of the delegations",
        marker={"symbol": "line-ns", "size": 18, "line": {"width": 3, "color": "black"}},
        hovertemplate="share of the delegations: %{x:.1%}<extra>%{y}</extra>",
    )
    fig.update_layout(barmode="stack", bargap=0.3, showlegend=False)  # the caption says which
    fig.update_xaxes(tickformat=".0%", rangemode="tozero", title_text="Share of the voice so far")
    fig.update_yaxes(tickfont={"size": 11})
    return _screen(fig, height)


def design_label(view: TrackView) -> str:
    """`Two-tier · No support · Consensus, then vote · $1M meetings` for a card's title."""
    d = view.design
    meeting = d.meeting_usd / 1e6
    return (
        " · ".join([option_label(d.process), option_label(d.funding), option_label(d.decision)])
        + f" · ${meeting:g}M meetings"
    )
