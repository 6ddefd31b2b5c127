"""Every figure renders from a small results table; the exports are valid and paper-sized.

Static export needs Chromium; as in test_figure_export, these tests fail loudly (with
the install hint) rather than skip when it is missing.
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
import pytest

from sim.analysis.designs import design_frame, format_value, metric_label, resolve_by
from sim.api import run_scenario
from sim.figures import designs, frontier, single_run
from sim.figures import export as export_mod
from sim.figures.export import PaperFigure, figure_export_session

DPI = 300


@pytest.fixture(scope="module")
def tables(compose):
    """Two processes x two meeting costs on the small scenario, 4 runs each."""
    parts = [
        run_scenario(
            compose("scenario=small", f"process={p}", f"cost.meeting_usd={c}"), replications=4
        )
        for p in ("open_plenary", "two_tier")
        for c in (5e5, 1e6)
    ]
    return (
        pd.concat([t.runs for t in parts], ignore_index=True),
        pd.concat([t.meetings for t in parts], ignore_index=True),
        pd.concat([t.delegations for t in parts], ignore_index=True),
    )


@pytest.fixture(scope="module")
def trace(tables, compose):
    runs = tables[0]
    row = runs[(runs["process"] == "two_tier") & (runs["meeting_usd"] == 1e6)].iloc[1]
    config = compose("scenario=small", "process=two_tier", "cost.meeting_usd=1e6")
    return row, single_run.trace_run(config, int(row["run_seed"]))


@pytest.fixture(scope="module")
def figures(tables, trace) -> dict[str, PaperFigure]:
    runs = tables[0]
    return {
        "cost": designs.inclusiveness_vs_cost(runs, "informal_coverage_LIC"),
        "consensus": designs.consensus(runs, "process"),
        "representation": designs.representation(runs, ["process", "meeting_usd"]),
        "text_distance": designs.text_distance(runs, "process"),
        "frontier": frontier.frontier(runs, "attendance_rate_LIC", "process"),
        "trajectory": single_run.text_trajectory(trace[1]),
        "heatmap": single_run.attendance_heatmap(trace[1]),
    }


def test_every_figure_builds(figures: dict[str, PaperFigure]) -> None:
    for name, paper in figures.items():
        assert isinstance(paper.figure, go.Figure), name
        assert len(paper.figure.data) > 0, name
        assert not paper.data.empty, name
        assert paper.width_in in (3.5, 7.0), name
        assert 1.5 < paper.height_in < 9, name
        assert paper.figure.layout.template.layout.font.size is not None, name


def test_cost_figure_plots_the_summary(tables, figures) -> None:
    runs, data = tables[0], figures["cost"].data
    assert set(data.columns) >= {"design", "meeting_usd", "n", "informal_coverage_LIC"}
    mine = runs[(runs["process"] == "two_tier") & (runs["meeting_usd"] == 5e5)]
    row = data[(data["design"] == "Two-tier") & (data["meeting_usd"] == 5e5)].iloc[0]
    assert row["informal_coverage_LIC"] == pytest.approx(mine["informal_coverage_LIC"].mean())
    assert row["ci_low"] <= row["informal_coverage_LIC"] <= row["ci_high"]
    # an open plenary has no informal room: it is in the CSV but draws no line
    assert data.loc[data["design"] == "Open plenary", "informal_coverage_LIC"].isna().all()
    names = {t.name for t in figures["cost"].figure.data if t.showlegend is not False}
    assert names == {"Two-tier"}


def test_consensus_figure_shares_add_up(figures) -> None:
    data = figures["consensus"].data
    how = data[data["metric"].isin(["adopted_by_consensus", "adopted_by_vote", "adopted_by_none"])]
    sums = how.groupby("design")["mean"].sum()
    assert np.allclose(sums, 1.0)


def test_frontier_marks_non_dominated(figures) -> None:
    data = figures["frontier"].data
    assert data["non_dominated"].any()
    x, y = data["attendance_rate_LIC"].to_numpy(), data["adopted"].to_numpy()
    for i in np.flatnonzero(~data["non_dominated"].to_numpy()):
        assert ((x >= x[i]) & (y >= y[i]) & ((x > x[i]) | (y > y[i]))).any()


def test_pareto_front() -> None:
    x = np.array([0.1, 0.5, 0.4, 0.9, np.nan])
    y = np.array([0.9, 0.5, 0.4, 0.1, 1.0])
    assert frontier.pareto_front(x, y).tolist() == [True, True, False, True, False]
    # lower x is better: (0.1, 0.9) now beats every other point
    front = frontier.pareto_front(x, y, x_higher=False)
    assert front.tolist() == [True, False, False, False, False]
    # fewer on y is better (objectors): (0.9, 0.1) beats (0.5, 0.5) and (0.4, 0.4)
    front = frontier.pareto_front(x, y, y_higher=False)
    assert front.tolist() == [False, False, False, True, False]


def test_the_frontier_plots_the_first_agreement_measure_that_varies() -> None:
    runs = pd.DataFrame(
        {
            "adopted": [True, False, True],
            "adopted_by": ["consensus", "none", "vote"],
            "objectors_at_decision": [0, 3, 2],
        }
    )
    assert frontier.agreement_measure(runs) == "adopted"
    runs["adopted"] = True
    assert frontier.agreement_measure(runs) == "adopted_by_consensus"
    runs["adopted_by"] = "consensus"  # the calibrated default: y = 1.0 for every design
    assert frontier.agreement_measure(runs) == "objectors_at_decision"


def test_a_frontier_of_objectors_counts_fewer_as_better(tables) -> None:
    runs = tables[0].copy()
    runs["objectors_at_decision"] = np.where(runs["process"] == "open_plenary", 5, 1)
    runs["attendance_rate_LIC"] = np.where(runs["process"] == "open_plenary", 0.9, 0.5)
    paper = frontier.frontier(
        runs, "attendance_rate_LIC", "process", outcome="objectors_at_decision"
    )
    assert paper.data["non_dominated"].all()  # more attendance against fewer objectors: a trade-off
    assert "fewer is better" in paper.figure.layout.yaxis.title.text


def test_too_many_designs_is_a_clear_error(tables) -> None:
    runs = tables[0].copy()
    runs["process"] = [f"p{i % 13}" for i in range(len(runs))]
    with pytest.raises(ValueError, match=r"13 designs.*group by fewer"):
        designs.representation(runs, "process")


def test_labels_and_grouping(tables) -> None:
    runs = tables[0]
    assert resolve_by(runs, None) == ["process", "meeting_usd"]
    framed, order = design_frame(runs, ["process", "meeting_usd"])
    assert order == ["Open plenary, $500k", "Open plenary, $1M", "Two-tier, $500k", "Two-tier, $1M"]
    assert framed["design"].isin(order).all()
    assert format_value("behaviour.confidence", 0.3) == "confidence 0.3"
    assert metric_label("attendance_rate_LIC") == "Attendance rate, low-income states"
    with pytest.raises(KeyError, match="nope"):
        resolve_by(runs, "nope")


def test_rerun_reproduces_the_stored_run(trace, tables) -> None:
    row, tr = trace
    assert single_run.reproduces(tr, row) == []
    meetings = tables[1]
    # with common random numbers every design shares run seeds: select the configuration too
    same = (meetings["run_seed"] == row["run_seed"]) & (meetings["config_id"] == row["config_id"])
    mine = meetings[same].sort_values("meeting")
    for j, issue in enumerate(tr.issues):
        np.testing.assert_allclose(tr.text[1:, j], mine[f"text_{issue}"].to_numpy())


def test_recorder_adds_up_to_the_delegation_table(trace, tables) -> None:
    row, tr = trace
    delegations = tables[2]
    same = (delegations["run_seed"] == row["run_seed"]) & (
        delegations["config_id"] == row["config_id"]
    )
    mine = delegations[same].set_index("iso3")
    mine = mine.loc[tr.delegations["iso3"]]
    days = tr.days.sum()
    np.testing.assert_allclose(tr.present_days.sum(axis=1) / days, mine["attendance_rate"])
    if tr.informal_room_days.sum() > 0:
        covered = np.nansum(tr.coverage * tr.informal_room_days, axis=1)
        np.testing.assert_allclose(
            covered / tr.informal_room_days.sum(), mine["informal_coverage"], atol=1e-12
        )
    assert tr.delegates.shape == (len(mine), tr.text.shape[0] - 1)


def _pdf_size_in(pdf: bytes) -> tuple[float, float]:
    pattern = rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]"
    found = re.search(pattern, pdf)
    if found is None:
        for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
            try:
                found = re.search(pattern, zlib.decompress(stream))
            except zlib.error:
                continue
            if found:
                break
    assert found is not None, "no /MediaBox in the PDF"
    x0, y0, x1, y1 = (float(v) for v in found.groups())
    return (x1 - x0) / 72, (y1 - y0) / 72


def _png_size(png: bytes) -> tuple[int, int, float]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    at = png.find(b"pHYs")
    assert at > 0, "PNG has no physical size"
    ppm, _, unit = struct.unpack(">IIB", png[at + 4 : at + 13])
    assert unit == 1
    return width, height, ppm * 0.0254


@pytest.fixture(scope="module")
def browser():
    """One Chromium for every export and renderer test of this module."""
    with figure_export_session():
        yield export_mod._renderer


@pytest.fixture(scope="module")
def exported(figures, browser, tmp_path_factory) -> dict[str, dict[str, Path]]:
    out = tmp_path_factory.mktemp("figures")
    return {
        name: paper.save(out / name, formats=("pdf", "svg", "png"), png_dpi=DPI)
        for name, paper in figures.items()
    }


def test_exports_are_valid_and_paper_sized(figures, exported) -> None:
    for name, paths in exported.items():
        paper = figures[name]
        width, height = _pdf_size_in(paths["pdf"].read_bytes())
        assert (width, height) == pytest.approx((paper.width_in, paper.height_in), abs=0.02), name
        root = ET.parse(paths["svg"]).getroot()
        assert root.attrib["width"] == f"{paper.width_in:g}in", name
        assert root.attrib["height"] == f"{paper.height_in:g}in", name
        px_w, px_h, dpi = _png_size(paths["png"].read_bytes())
        assert dpi == pytest.approx(DPI, abs=1), name
        assert px_w >= paper.width_in * DPI - 1 and px_h >= paper.height_in * DPI - 1, name


def test_csv_is_the_plotted_data(figures, exported) -> None:
    for name, paths in exported.items():
        csv = pd.read_csv(paths["csv"])
        assert len(csv) == len(figures[name].data), name
        assert list(csv.columns) == [str(c) for c in figures[name].data.columns], name


def _png_of(renderer, fig: go.Figure) -> bytes:
    return renderer.render([(fig.to_dict(), {"format": "png", "width": 300, "height": 200})])[0]


def test_reused_tab_leaves_no_state(browser, monkeypatch: pytest.MonkeyPatch) -> None:
    """An image is the same whether its tab was just reloaded or drew other figures."""
    from sim.figures import renderer as renderer_mod

    monkeypatch.setattr(renderer_mod, "RELOAD_EVERY", 3)  # exercise the reload path too
    a = go.Figure(go.Scatter(y=[1, 3, 2]), layout={"template": "simple_white+paper"})
    b = go.Figure(
        go.Heatmap(z=[[1, 2], [3, 4]]),
        layout={"paper_bgcolor": "#334455", "font": {"size": 30}, "title": "other"},
    )
    with pytest.raises(Exception):  # noqa: B017 - kaleido's own error types vary
        browser.render([(a.to_dict(), {"format": "bogus"})])  # the tab goes back reloaded
    first = _png_of(browser, a)  # in the freshly reloaded tab
    _png_of(browser, b)
    browser.render([(b.to_dict(), {"format": "pdf"}), (b.to_dict(), {"format": "svg"})])
    again = _png_of(browser, a)  # the tab drew 4 images since: reloaded once in between
    with pytest.raises(Exception):  # noqa: B017
        browser.render([(a.to_dict(), {"format": "bogus"})])
    after_error = _png_of(browser, a)
    assert again == first
    assert after_error == first
