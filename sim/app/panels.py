"""The app's own panels: the rooms of the latest meeting, pressure and budget, voice.

Drawn with the house palette (each income group keeps its colour in every figure) and
sized for a card on screen; tested as data, without Solara.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from sim.app.canvas import DESIGN_DASH, DESIGN_MARKER, GROUP_SHORT, empty, figure, screen
from sim.app.state import MeetingRecord, TrackView
from sim.config import INCOME_GROUPS
from sim.figures.style import PALETTE, SEQUENTIAL, style_for, with_alpha

__all__ = ["pressure_budget", "rooms", "voice"]


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
        return empty("No meeting held yet.", height)
    record = view.records[-1]
    shares = _room_shares(view, record)
    columns = [label for label, _, _ in shares]
    rows = [GROUP_SHORT[g] for g in INCOME_GROUPS] + ["Stakeholders"]
    z = np.array([[*share, admitted] for _, share, admitted in shares]).T  # rows x rooms
    cells = [[f"{v:.0%}" if np.isfinite(v) else "" for v in row] for row in z[:-1]]
    cells.append(["admitted" if v > 0 else "shut out" for v in z[-1]])
    fig = figure()
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
    fig.update_xaxes(side="top", showline=False, ticks="", tickangle=0, tickfont={"size": 11})
    fig.update_yaxes(showline=False, ticks="")
    title = {"text": f"Meeting {record.number} ({record.kind}{extra})", "y": 0.02}
    fig.update_layout(title={**title, "yanchor": "bottom"})
    screen(fig, height)
    fig.update_layout(margin={"t": 70, "b": 30})
    return fig


# ----------------------------------------------------------------------------- pressure


def pressure_budget(views: Sequence[TrackView], height: int = 300) -> go.Figure:
    """Pressure to conclude, and the process budget left, after each meeting (both designs)."""
    fig = figure(rows=1, cols=2, horizontal_spacing=0.14)
    planned = max(v.planned_meetings for v in views)
    last = max([planned, *(v.meetings for v in views)])
    for i, view in enumerate(views):
        colour = PALETTE[0] if len(views) == 1 else style_for(i)[0]
        x = np.arange(view.meetings + 1)
        budget0 = view.config.cost.process_budget_usd
        pressure = [0.0, *(r.pressure for r in view.records)]
        left = [budget0, *(r.budget_left_usd for r in view.records)]
        name = f"design {view.name}" if len(views) > 1 else "pressure / budget"
        style = {"color": colour, "dash": DESIGN_DASH[i % 2], "width": 2}
        marker = {"symbol": DESIGN_MARKER[i % 2], "size": 6, "color": colour}
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
    return screen(fig, height)


# ----------------------------------------------------------------------------- voice


def voice(views: Sequence[TrackView], height: int = 300) -> go.Figure:
    """Each income group's share of the delegations' voice so far, against its share of seats.

    Solid: voice exercised by the group's own delegates; light: carried for its absent
    members by bloc coordinators; the black tick: the group's share of the delegations
    (a group at its tick has a fair share).
    """
    if not any(v.records for v in views):
        return empty("No meeting held yet.", height)
    fig = figure()
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
    return screen(fig, height)
