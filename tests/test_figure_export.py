"""Tests for the paper figure template and the atomic multi-format export.

Static-export tests need Chromium. They are never skipped: without it they fail
with ChromiumNotFoundError, whose message says how to install it.
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from sim.figures import (
    DASHES,
    MARKERS,
    PALETTE,
    TEMPLATE,
    ChromiumNotFoundError,
    figure_export_session,
    save_figure,
    style_for,
)
from sim.figures import export as export_mod
from sim.store import files as store_files
from sim.store import write_bytes

WIDTH_IN, HEIGHT_IN, DPI = 3.5, 2.6, 300
PT_TOL = 1.0


def _data() -> pd.DataFrame:
    x = np.arange(12)
    return pd.DataFrame(
        {"round": np.tile(x, 2), "series": np.repeat(["a", "b"], 12), "y": np.r_[x * 0.5, x**0.5]}
    )


def _figure(data: pd.DataFrame) -> go.Figure:
    fig = go.Figure(layout={"template": TEMPLATE, "xaxis_title": "round", "yaxis_title": "y"})
    for i, (name, grp) in enumerate(data.groupby("series", sort=True)):
        colour, dash, marker = style_for(i)
        fig.add_scatter(
            x=grp["round"],
            y=grp["y"],
            name=name,
            mode="lines+markers",
            line={"color": colour, "dash": dash},
            marker={"symbol": marker},
        )
    return fig


def _pdf_mediabox(pdf: bytes) -> tuple[float, float]:
    pattern = rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]"
    m = re.search(pattern, pdf)
    if m is None:  # page tree may sit in a compressed object stream
        for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
            try:
                m = re.search(pattern, zlib.decompress(stream))
            except zlib.error:
                continue
            if m:
                break
    assert m is not None, "no /MediaBox found in PDF"
    x0, y0, x1, y1 = (float(v) for v in m.groups())
    return x1 - x0, y1 - y0


def _svg_length_in(value: str) -> float:
    m = re.fullmatch(r"\s*([\d.]+)\s*(in|px|pt)?\s*", value)
    assert m, f"unparseable SVG length {value!r}"
    number, unit = float(m.group(1)), m.group(2) or "px"
    return number / {"in": 1.0, "px": 96.0, "pt": 72.0}[unit]


def _png_info(png: bytes) -> tuple[int, int, float | None]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "bad PNG signature"
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    dpi = None
    pos = 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        if kind == b"pHYs":
            ppm_x, _ppm_y, unit = struct.unpack(">IIB", png[pos + 8 : pos + 17])
            if unit == 1:
                dpi = ppm_x * 0.0254
        if kind == b"IEND":
            break
        pos += 12 + length
    return width, height, dpi


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], pd.DataFrame]:
    """One full export inside a session (shared by the format checks below)."""
    out = tmp_path_factory.mktemp("fig")
    data = _data()
    with figure_export_session():
        paths = save_figure(_figure(data), out / "demo", data, WIDTH_IN, HEIGHT_IN, png_dpi=DPI)
    return paths, data


def test_template_registered() -> None:
    assert "paper" in pio.templates
    layout = pio.templates["paper"].layout
    assert list(layout.colorway) == PALETTE
    assert layout.font.size == pytest.approx(8 * 96 / 72)


def test_style_for_pairs_distinct() -> None:
    pairs = [style_for(i)[:2] for i in range(6)]
    assert len(set(pairs)) == 6
    assert len({c for c, _ in pairs}) == 6 and len({d for _, d in pairs}) == 6
    assert [style_for(i)[2] for i in range(6)] == MARKERS
    assert {d for _, d in pairs} == set(DASHES)


def test_returns_all_paths(exported: tuple[dict[str, Path], pd.DataFrame]) -> None:
    paths, _ = exported
    assert set(paths) == {"html", "pdf", "svg", "png", "csv"}
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths.values())


def test_html_is_offline(exported: tuple[dict[str, Path], pd.DataFrame]) -> None:
    html = exported[0]["html"].read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc=[\"']?https?:", html, re.I), "HTML loads a CDN"
    assert "Plotly" in html and len(html) > 1_000_000, "plotly.js is not embedded"
    assert not re.search(r"<script[^>]*\bsrc=[^>]*mathjax", html, re.I), "HTML loads MathJax"


def test_pdf_physical_size(exported: tuple[dict[str, Path], pd.DataFrame]) -> None:
    pdf = exported[0]["pdf"].read_bytes()
    assert pdf.startswith(b"%PDF")
    width_pt, height_pt = _pdf_mediabox(pdf)
    assert width_pt == pytest.approx(WIDTH_IN * 72, abs=PT_TOL)
    assert height_pt == pytest.approx(HEIGHT_IN * 72, abs=PT_TOL)


def test_svg_physical_size(exported: tuple[dict[str, Path], pd.DataFrame]) -> None:
    root = ET.parse(exported[0]["svg"]).getroot()
    assert root.tag.endswith("svg")
    assert _svg_length_in(root.attrib["width"]) == pytest.approx(WIDTH_IN, abs=0.01)
    assert _svg_length_in(root.attrib["height"]) == pytest.approx(HEIGHT_IN, abs=0.01)


def test_png_resolution(exported: tuple[dict[str, Path], pd.DataFrame]) -> None:
    width, height, dpi = _png_info(exported[0]["png"].read_bytes())
    assert width >= WIDTH_IN * DPI
    assert height >= round(HEIGHT_IN * DPI)
    assert dpi == pytest.approx(DPI, abs=1)


def test_png_resolution_is_recorded_without_touching_a_pixel() -> None:
    import io

    from PIL import Image

    pixels = (np.arange(40 * 30 * 3) % 251).astype(np.uint8).reshape(30, 40, 3)
    raw = io.BytesIO()
    Image.fromarray(pixels).save(raw, format="PNG")
    out = export_mod._png_with_dpi(raw.getvalue(), 300)
    assert _png_info(out) == (40, 30, pytest.approx(300, abs=0.01))
    with Image.open(io.BytesIO(out)) as image:
        np.testing.assert_array_equal(np.asarray(image), pixels)


def test_csv_round_trips(exported: tuple[dict[str, Path], pd.DataFrame]) -> None:
    paths, data = exported
    pd.testing.assert_frame_equal(pd.read_csv(paths["csv"]), data)


def test_no_temp_files_left(exported: tuple[dict[str, Path], pd.DataFrame]) -> None:
    folder = exported[0]["csv"].parent
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"demo.{ext}" for ext in ("csv", "html", "pdf", "svg", "png")
    )


def test_save_without_session(tmp_path: Path) -> None:
    data = _data()
    paths = save_figure(_figure(data), tmp_path / "solo", data, formats=("pdf",))
    assert set(paths) == {"csv", "pdf"}
    assert paths["pdf"].read_bytes().startswith(b"%PDF")
    assert not export_mod._server_running()  # the one-off browser is gone again


def test_input_figure_not_modified(tmp_path: Path) -> None:
    data = _data()
    fig = _figure(data)
    before = fig.to_json()
    save_figure(fig, tmp_path / "same", data, formats=("html",))
    assert fig.to_json() == before


def test_missing_chromium_is_loud_but_keeps_html_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_mod, "find_chromium", lambda: None)
    data = _data()
    with pytest.raises(ChromiumNotFoundError, match=r"Chromium.*(make chromium|apt-get)"):
        save_figure(_figure(data), tmp_path / "nochrome", data)
    assert (tmp_path / "nochrome.html").is_file()
    assert (tmp_path / "nochrome.csv").is_file()
    assert not (tmp_path / "nochrome.pdf").exists()


def test_atomic_write_failure_keeps_old_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "f.csv"
    write_bytes("old\n", target)

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store_files.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_bytes("new\n", target)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.csv"]


def test_bad_format_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown figure format"):
        save_figure(go.Figure(), tmp_path / "x", _data(), formats=("eps",))
