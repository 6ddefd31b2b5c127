"""Paper figures: the ``"paper"`` template, atomic multi-format export, figure functions.

Figure functions return a :class:`PaperFigure` (figure, plotted data, size in inches):
:mod:`sim.figures.designs` compares designs from a runs table (figures 1-4 and 7),
:mod:`sim.figures.single_run` shows one run in detail (figures 5 and 6).
"""

from __future__ import annotations

from sim.figures.export import (
    STATIC_FORMATS,
    ChromiumNotFoundError,
    PaperFigure,
    figure_export_session,
    find_chromium,
    save_figure,
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
    "PaperFigure",
    "apply_size",
    "figure_export_session",
    "find_chromium",
    "save_figure",
    "inches_to_px",
    "pt_to_px",
    "style_for",
    "with_alpha",
]
