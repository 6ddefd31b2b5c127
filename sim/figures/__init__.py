"""Paper figure style (Plotly template ``"paper"``) and atomic multi-format export."""

from __future__ import annotations

from sim.figures.export import (
    STATIC_FORMATS,
    ChromiumNotFoundError,
    figure_export_session,
    find_chromium,
    save_figure,
    write_atomic,
)
from sim.figures.style import (
    COLUMN_IN,
    DASHES,
    FONT_FAMILY,
    MARKERS,
    PALETTE,
    PX_PER_IN,
    SEQUENTIAL,
    TEMPLATE,
    TEMPLATE_NAME,
    TWO_COLUMN_IN,
    apply_size,
    inches_to_px,
    pt_to_px,
    style_for,
    with_alpha,
)

__all__ = [
    "COLUMN_IN",
    "DASHES",
    "FONT_FAMILY",
    "MARKERS",
    "PALETTE",
    "PX_PER_IN",
    "SEQUENTIAL",
    "STATIC_FORMATS",
    "TEMPLATE",
    "TEMPLATE_NAME",
    "TWO_COLUMN_IN",
    "ChromiumNotFoundError",
    "apply_size",
    "figure_export_session",
    "find_chromium",
    "save_figure",
    "inches_to_px",
    "pt_to_px",
    "style_for",
    "with_alpha",
    "write_atomic",
]
