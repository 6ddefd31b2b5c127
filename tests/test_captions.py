"""What the report's captions say: n per point, the factors pooled, the axis, the tests."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.analysis.compare import compare
from sim.figures.export import PaperFigure
from sim.report.captions import axis_note, name_pooled, sample_note, used_tests_note


def _runs(replications: int = 5) -> pd.DataFrame:
    """A 3 x 2 x 2 grid (process x funding x decision), `replications` runs each."""
    rng = np.random.default_rng(0)
    rows = []
    processes = ["open_plenary", "two_tier", "friends_of_chair"]
    grid = itertools.product(processes, ["none", "trust_fund"], ["consensus_only", "two_thirds"])
    for k, (process, funding, decision) in enumerate(grid):
        for r in range(replications):
            rows.append(
                {
                    "scenario": "ahc_cybercrime",
                    "process": process,
                    "funding": funding,
                    "decision": decision,
                    "meeting_usd": 1e6,
                    "config_id": f"c{k}",
                    "seed": 0,
                    "crn": False,
                    "replication": r,
                    "adopted": bool(rng.random() < 0.8),
                    "attendance_rate_LIC": float(rng.random()),
                }
            )
    return pd.DataFrame(rows)


def test_the_caption_counts_the_runs_in_a_point_and_names_what_is_pooled():
    """Issue 22: "mean over 50 runs" was printed of points that pooled 100 runs."""
    runs = _runs(5)
    note = sample_note(runs, ["process"])
    assert note.startswith("n = 20 runs per point (5 per configuration, pooled over ")
    assert "funding (2: No support, Trust fund)" in note and "decision (2: " in note
    assert sample_note(runs, ["process", "funding", "decision"]) == "n = 5 runs per point."


def test_a_figure_names_the_factors_it_averages_over():
    runs = _runs(2)
    paper = PaperFigure(go.Figure(), runs, 3.5, 3.0)
    named = name_pooled(paper, runs, ["process"])
    assert named.figure.layout.legend.title.text == "Averaged over funding (2), decision (2)"
    assert named.height_in > paper.height_in
    assert name_pooled(paper, runs, ["process", "funding", "decision"]) is paper


def test_an_axis_that_does_not_start_at_zero_is_stated():
    fig = go.Figure(layout={"yaxis": {"range": [0.83, 0.89], "title": {"text": "Attendance"}}})
    assert "Attendance: from 0.83 to 0.89" in axis_note(PaperFigure(fig, pd.DataFrame(), 3, 3))
    fig.update_yaxes(range=[0, 1])
    assert axis_note(PaperFigure(fig, pd.DataFrame(), 3, 3)) == ""


def test_the_tests_named_are_the_tests_used():
    runs = _runs(6)
    note = used_tests_note([compare(runs, ["process"], metrics=["adopted", "attendance_rate_LIC"])])
    assert note == "Pairwise tests used: Fisher exact, Welch t (independent samples)"
