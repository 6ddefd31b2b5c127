"""Publication figure style: one Plotly template plus physical-size helpers.

Why: figures go straight into papers, so they must be sized in inches, use
print-size fonts (in points), be colour-blind safe and still read in
greyscale. Importing this module registers the ``"paper"`` template; use it as
``template=TEMPLATE`` (``"simple_white+paper"``).

Plotly measures everything in CSS pixels (96 px per inch); kaleido maps one
CSS px to 0.75 pt in PDF/SVG. Font sizes and sizes below are therefore given
in points/inches and converted with :func:`pt_to_px` / :func:`inches_to_px`.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

__all__ = [
    "BASE_PT",
    "COLUMN_IN",
    "DASHES",
    "FONT_FAMILY",
    "MARKERS",
    "PALETTE",
    "PX_PER_IN",
    "SEQUENTIAL",
    "TEMPLATE",
    "TEMPLATE_NAME",
    "TICK_PT",
    "TITLE_PT",
    "TWO_COLUMN_IN",
    "apply_size",
    "inches_to_px",
    "pt_to_px",
    "style_for",
    "with_alpha",
]

PX_PER_IN = 96.0
"""Plotly/CSS convention: 96 layout pixels per inch (72 pt per inch)."""

COLUMN_IN = 3.5
"""Single-column figure width in inches (typical two-column journal)."""

TWO_COLUMN_IN = 7.0
"""Full-page-width (two-column) figure width in inches."""

FONT_FAMILY = "Arial, Liberation Sans, DejaVu Sans, sans-serif"
"""Sans family available offline: Liberation Sans is metric-compatible with Arial."""

BASE_PT = 8.0
TICK_PT = 7.0
TITLE_PT = 9.0

PALETTE: list[str] = [
    "#4477AA",  # blue
    "#EE6677",  # red
    "#228833",  # green
    "#CCBB44",  # yellow
    "#66CCEE",  # cyan
    "#AA3377",  # purple
    "#BBBBBB",  # grey
]
"""Paul Tol's colour-blind-safe "bright" qualitative scheme."""

DASHES: list[str] = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
"""Line dashes paired with colours so series stay distinct in greyscale."""

MARKERS: list[str] = ["circle", "square", "diamond", "triangle-up", "x", "cross"]
"""Marker symbols paired with colours for point series."""

SEQUENTIAL = "Viridis"
"""Perceptually uniform, colour-blind-safe, greyscale-monotone scale for heatmaps."""

TEMPLATE_NAME = "paper"
TEMPLATE = f"simple_white+{TEMPLATE_NAME}"
"""The string to pass as ``template=``: white base plus the paper overrides."""

_LINE_PX = 1.5  # data lines: 1.125 pt
_AXIS_PX = 1.0  # axis lines and ticks: 0.75 pt


def pt_to_px(pt: float) -> float:
    """Convert typographic points to Plotly px, so fonts come out at ``pt`` in print."""
    return pt * PX_PER_IN / 72.0


def inches_to_px(inches: float) -> float:
    """Convert inches to Plotly layout px (96 px/in CSS convention)."""
    return inches * PX_PER_IN


def apply_size(fig: go.Figure, width_in: float, height_in: float) -> go.Figure:
    """Set the figure's physical size in inches; returns ``fig`` for chaining."""
    fig.update_layout(width=inches_to_px(width_in), height=inches_to_px(height_in))
    return fig


def style_for(i: int) -> tuple[str, str, str]:
    """Return ``(colour, dash, marker)`` for series ``i``.

    Why: pairing colour with dash and marker keeps every series distinguishable
    for colour-blind readers and in greyscale print. Colours cycle over 7 and
    dashes/markers over 6, so pairs stay distinct for 42 series.
    """
    return PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)], MARKERS[i % len(MARKERS)]


def with_alpha(colour: str, alpha: float) -> str:
    """Return ``rgba(...)`` for a ``#RRGGBB`` colour, e.g. for confidence bands."""
    h = colour.lstrip("#")
    r, g, b = (int(h[k : k + 2], 16) for k in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha:g})"


def _axis() -> dict:
    return {
        "automargin": True,
        "showline": True,
        "linewidth": _AXIS_PX,
        "linecolor": "black",
        "ticks": "outside",
        "ticklen": 3,
        "tickwidth": _AXIS_PX,
        "tickcolor": "black",
        "tickfont": {"size": pt_to_px(TICK_PT)},
        "title": {"font": {"size": pt_to_px(BASE_PT)}, "standoff": 4},
        "showgrid": False,
        "zeroline": False,
        "mirror": False,
    }


def _colorbar() -> dict:
    return {
        "thickness": 8,
        "outlinewidth": 0,
        "ticks": "outside",
        "ticklen": 3,
        "tickwidth": _AXIS_PX,
        "tickfont": {"size": pt_to_px(TICK_PT)},
        "title": {"font": {"size": pt_to_px(BASE_PT)}},
    }


def _build_template() -> go.layout.Template:
    """Build the ``paper`` overrides applied on top of ``simple_white``."""
    scatter_cycle = [
        go.Scatter(line={"dash": d, "width": _LINE_PX}, marker={"symbol": m, "size": 5})
        for d, m in zip(DASHES, MARKERS, strict=True)
    ]
    layout = go.Layout(
        font={"family": FONT_FAMILY, "size": pt_to_px(BASE_PT), "color": "black"},
        title={
            "font": {"size": pt_to_px(TITLE_PT)},
            "x": 0.0,
            "xanchor": "left",
            "xref": "container",
            "y": 1.0,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 4, "l": 4},
            "automargin": True,
        },
        colorway=PALETTE,
        colorscale={"sequential": SEQUENTIAL},
        margin={"l": 6, "r": 8, "t": 6, "b": 6, "pad": 0, "autoexpand": True},
        xaxis=_axis(),
        yaxis=_axis(),
        legend={
            "font": {"size": pt_to_px(TICK_PT)},
            "orientation": "h",
            "x": 0.0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "bottom",
            "bgcolor": "rgba(255,255,255,0)",
            "borderwidth": 0,
            "itemwidth": 30,
            "tracegroupgap": 0,
            "title": {"font": {"size": pt_to_px(TICK_PT)}},
        },
        coloraxis={"colorscale": SEQUENTIAL, "colorbar": _colorbar()},
        hoverlabel={"font": {"family": FONT_FAMILY, "size": pt_to_px(BASE_PT)}},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    data = {
        # One entry per series: Plotly cycles trace templates per trace type,
        # so plain ``go.Scatter`` series already get dash/marker paired with colour.
        "scatter": scatter_cycle,
        "heatmap": [go.Heatmap(colorscale=SEQUENTIAL, colorbar=_colorbar())],
        "contour": [go.Contour(colorscale=SEQUENTIAL, colorbar=_colorbar())],
        "bar": [go.Bar(marker={"line": {"width": 0}})],
    }
    return go.layout.Template(layout=layout, data=data)


pio.templates[TEMPLATE_NAME] = _build_template()
