"""Write one figure as paper-ready files: HTML, PDF, SVG, PNG and its data CSV.

Why: every figure in a paper should come with an offline interactive view,
exact-size vectors, a high-DPI raster and the exact numbers plotted, all
written atomically so a crash never leaves a half-written figure behind.

Static export goes through kaleido 1.x, which drives a local Chromium. Starting
Chromium costs seconds, so wrap many figures in :func:`figure_export_session`
to reuse one browser (whose tab is reused between images, see
:mod:`sim.figures.renderer`). MathJax is always disabled (kaleido would
otherwise load it from a CDN, and the network may be closed).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from PIL import Image

from sim.figures.renderer import Renderer
from sim.figures.style import PX_PER_IN, apply_size, inches_to_px
from sim.store import write_bytes

__all__ = [
    "STATIC_FORMATS",
    "ChromiumNotFoundError",
    "PaperFigure",
    "figure_export_session",
    "find_chromium",
    "save_figure",
]

STATIC_FORMATS = ("pdf", "svg", "png")
"""Formats rendered by kaleido/Chromium; ``html`` and ``csv`` need no browser."""

_ALL_FORMATS = ("html", *STATIC_FORMATS)

_INSTALL_HINT = (
    "Static figure export (PDF/SVG/PNG via kaleido) needs Chromium or Google Chrome. "
    "Install it with `make chromium` or `apt-get install chromium` "
    "(or set BROWSER_PATH to the browser executable). HTML and CSV were still written."
)

_renderer: Renderer | None = None  # the browser of the open figure_export_session


class ChromiumNotFoundError(RuntimeError):
    """Raised when static export is requested but no Chromium/Chrome is installed."""


def find_chromium() -> str | None:
    """Return the browser kaleido would use, or ``None`` if there is none.

    Why: kaleido's sync server starts Chromium in a background thread; if the
    browser is missing that thread dies and later calls block forever, so we
    check up front.
    """
    if (env := os.environ.get("BROWSER_PATH")) and Path(env).is_file():
        return env
    try:
        from choreographer.browsers.chromium import Chromium

        found = Chromium.find_browser(skip_local=False)
    except Exception:  # best effort: fall back to PATH lookup
        found = None
    if found:
        return found
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if path := shutil.which(name):
            return path
    return None


def _require_chromium() -> None:
    if find_chromium() is None:
        raise ChromiumNotFoundError(_INSTALL_HINT)


def _kaleido_server_running() -> bool:
    """Whether kaleido's own global sync server is up (started by someone else)."""
    import kaleido

    server = getattr(kaleido, "_global_server", None)
    return bool(server is not None and hasattr(server, "is_running") and server.is_running())


def _server_running() -> bool:
    """Whether a browser is up for export: our session's, or kaleido's global server."""
    return (_renderer is not None and _renderer.running) or _kaleido_server_running()


@contextlib.contextmanager
def figure_export_session(tabs: int = 1) -> Iterator[None]:
    """Keep one Chromium running for every :func:`save_figure` call inside.

    Why: launching the browser dominates the cost of a figure. With ``tabs`` > 1
    a figure's formats render in parallel (each extra tab costs a plotly.js load
    at start, so one is best for a few dozen figures). Nested use, or use while
    kaleido's own sync server is running, is a no-op that leaves that browser alone.

    Raises:
        ChromiumNotFoundError: If no Chromium/Chrome is installed.
    """
    global _renderer
    if _server_running():
        yield
        return
    _require_chromium()
    _renderer = Renderer(tabs=tabs)
    try:
        yield
    finally:
        renderer, _renderer = _renderer, None
        renderer.close()


def _png_with_dpi(png: bytes, dpi: float) -> bytes:
    """The PNG with its resolution recorded, so viewers and LaTeX know its physical size.

    Pillow writes the ``pHYs`` chunk; the pixels are Chromium's, losslessly re-encoded.
    """
    with Image.open(io.BytesIO(png)) as image:
        out = io.BytesIO()
        image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


_SVG_ROOT_SIZE = re.compile(rb'(<svg\b[^>]*?\s)width="[^"]*"(\s+)height="[^"]*"')


def _svg_in_inches(svg: bytes, width_in: float, height_in: float) -> bytes:
    """Give the root ``<svg>`` physical width/height (viewBox keeps the px geometry)."""
    repl = rb'\1width="%gin"\2height="%gin"' % (width_in, height_in)
    return _SVG_ROOT_SIZE.sub(repl, svg, count=1)


def _render_all(fig_dict: dict, opts: list[dict]) -> list[bytes]:
    """Render one figure in several formats: at once in our browser, else one by one."""
    if _renderer is not None and _renderer.running:
        return _renderer.render([(fig_dict, o) for o in opts])
    import kaleido

    if _kaleido_server_running():
        return [kaleido.calc_fig_sync(fig_dict, opts=o) for o in opts]
    return [kaleido.calc_fig_sync(fig_dict, opts=o, kopts={"mathjax": False}) for o in opts]


def _csv_text(data: pd.DataFrame) -> str:
    default_index = (
        isinstance(data.index, pd.RangeIndex)
        and data.index.name is None
        and data.index.start == 0
        and data.index.step == 1
    )
    return data.to_csv(index=not default_index, lineterminator="\n")


def save_figure(
    fig: go.Figure,
    path_stem: str | os.PathLike[str],
    data: pd.DataFrame,
    width_in: float = 3.5,
    height_in: float = 2.6,
    formats: Sequence[str] = ("html", "pdf", "svg", "png"),
    png_dpi: int = 300,
) -> dict[str, Path]:
    """Write ``fig`` as ``<stem>.{html,pdf,svg,png}`` plus ``<stem>.csv`` of ``data``.

    Vectors are exactly ``width_in`` x ``height_in`` inches; the PNG has that
    physical size at ``png_dpi`` (and says so in its metadata). The HTML embeds
    plotly.js so it works offline. ``fig`` itself is not modified.

    Works with or without :func:`figure_export_session`; without one, a browser
    is started for this call only.

    Args:
        fig: The figure, ideally built with ``template=TEMPLATE``.
        path_stem: Output path without extension; parent folders are created.
        data: Exactly the data plotted; written to ``<stem>.csv``.
        width_in: Width in inches (3.5 = one column, 7.0 = two columns).
        height_in: Height in inches.
        formats: Any of ``html``, ``pdf``, ``svg``, ``png``. CSV is always written.
        png_dpi: Minimum PNG resolution at the physical size.

    Returns:
        Map from format (including ``csv``) to the written path.

    Raises:
        ValueError: On an unknown format or a non-positive size/dpi.
        ChromiumNotFoundError: If static formats are requested and no browser is
            installed (HTML and CSV are written first).
    """
    fmts = [f.lower().lstrip(".") for f in formats]
    if bad := sorted(set(fmts) - set(_ALL_FORMATS)):
        raise ValueError(f"unknown figure format(s) {bad}; choose from {_ALL_FORMATS}")
    if width_in <= 0 or height_in <= 0 or png_dpi <= 0:
        raise ValueError("width_in, height_in and png_dpi must be positive")

    stem = Path(path_stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    sized = apply_size(go.Figure(fig), width_in, height_in)
    written: dict[str, Path] = {}

    written["csv"] = write_bytes(_csv_text(data), stem.with_name(stem.name + ".csv"))
    if "html" in fmts:
        html = sized.to_html(
            include_plotlyjs=True,
            include_mathjax=False,
            full_html=True,
            config={
                "displaylogo": False,
                "toImageButtonOptions": {
                    "format": "svg",
                    "filename": stem.name,
                    "width": inches_to_px(width_in),
                    "height": inches_to_px(height_in),
                },
            },
        )
        written["html"] = write_bytes(html, stem.with_name(stem.name + ".html"))

    static = [f for f in STATIC_FORMATS if f in fmts]
    if not static:
        return written
    _require_chromium()

    fig_dict = sized.to_dict()
    w_px, h_px = inches_to_px(width_in), inches_to_px(height_in)
    opts = [
        {
            "format": fmt,
            "width": w_px,
            "height": h_px,
            "scale": png_dpi / PX_PER_IN if fmt == "png" else 1,
        }
        for fmt in static
    ]
    with figure_export_session():
        payloads = _render_all(fig_dict, opts)
        for fmt, payload in zip(static, payloads, strict=True):
            if fmt == "png":
                payload = _png_with_dpi(payload, png_dpi)
            elif fmt == "svg":
                payload = _svg_in_inches(payload, width_in, height_in)
            written[fmt] = write_bytes(payload, stem.with_name(f"{stem.name}.{fmt}"))
    return written


@dataclass(frozen=True)
class PaperFigure:
    """A figure with exactly the data it plots and its physical size in inches.

    What every figure function returns: ``.figure`` to show or tweak, ``.data`` for
    the CSV, and ``.save(stem)`` to write every format at the intended size.
    """

    figure: go.Figure
    data: pd.DataFrame
    width_in: float
    height_in: float

    def save(
        self,
        path_stem: str | os.PathLike[str],
        formats: Sequence[str] = ("html", "pdf", "svg", "png"),
        png_dpi: int = 300,
    ) -> dict[str, Path]:
        """Write the figure with :func:`save_figure` at its own size."""
        return save_figure(
            self.figure, path_stem, self.data, self.width_in, self.height_in, formats, png_dpi
        )

    def sized(self) -> go.Figure:
        """A copy of the figure at its physical size (for ``show()`` or HTML embedding)."""
        return apply_size(go.Figure(self.figure), self.width_in, self.height_in)
