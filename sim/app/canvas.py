"""What every app figure shares: a screen-sized figure, an empty one, short names, labels.

No template is set in Python: `sim.app.plot.figure_json` attaches the house template to
the JSON the browser draws.
"""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.analysis.designs import option_label
from sim.app.state import TrackView

__all__ = [
    "DESIGN_DASH",
    "DESIGN_MARKER",
    "FONT_PX",
    "GROUP_SHORT",
    "design_label",
    "empty",
    "figure",
    "screen",
]

GROUP_SHORT = {
    "HIC": "High income",
    "UMIC": "Upper-middle",
    "LMIC": "Lower-middle",
    "LIC": "Low income",
}
FONT_PX = 12  # screen text: the paper's 8 pt is small on a monitor
DESIGN_DASH = ("solid", "dash")  # design A, design B
DESIGN_MARKER = ("circle", "square")


def figure(**subplots: object) -> go.Figure:
    """A new figure (subplots if any keyword is given), without a template in Python.

    The house template is attached to the figure's JSON (`sim.app.plot.figure_json`):
    setting it on each figure here would validate and copy it every time, a third of the
    cost of drawing a meeting.
    """
    return make_subplots(**subplots) if subplots else go.Figure()


def screen(fig: go.Figure, height: int) -> go.Figure:
    """Size a house-style figure for a card on screen: the card's width, a fixed height."""
    fig.update_layout(
        height=height,
        width=None,
        autosize=True,
        font={"size": FONT_PX},
        margin={"l": 8, "r": 8, "t": 36, "b": 8},
    )
    return fig


def empty(message: str, height: int) -> go.Figure:
    fig = figure()
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
    return screen(fig, height)


def design_label(view: TrackView) -> str:
    """`Two-tier · No support · Consensus, then vote · $1M meetings` for a card's title."""
    d = view.design
    meeting = d.meeting_usd / 1e6
    return (
        " · ".join([option_label(d.process), option_label(d.funding), option_label(d.decision)])
        + f" · ${meeting:g}M meetings"
    )
