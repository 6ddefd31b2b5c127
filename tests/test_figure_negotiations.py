"""The figure comparing the three negotiations plots what the runs hold, and the record."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.out_of_sample import NEGOTIATIONS
from sim.figures.negotiations import MEASURES, negotiations_figure


def _runs() -> pd.DataFrame:
    """Five runs per negotiation; known means, and known shares adopted by consensus."""
    rows = []
    for k, name in enumerate(NEGOTIATIONS):
        for r in range(5):
            rows.append(
                {
                    "scenario": name,
                    "adopted_by": "consensus" if r < k + 1 else "vote",  # 1/5, 2/5, 3/5
                    "attendance_rate_LIC": 0.5 + 0.1 * k,
                    "informal_coverage_LIC": 0.1 * k if r else np.nan,  # one run undefined
                    "stakeholder_influence_share": 0.01 * (k + 1) + 0.001 * r,
                }
            )
    return pd.DataFrame(rows)


def test_the_plotted_data_are_the_means_the_consensus_shares_and_the_record():
    paper = negotiations_figure(_runs())
    data = paper.data.set_index(["negotiation", "measure"])
    assert len(data) == len(NEGOTIATIONS) * len(MEASURES)
    for k, name in enumerate(NEGOTIATIONS):
        assert data.loc[(name, "attendance_rate_LIC"), "mean"] == pytest.approx(0.5 + 0.1 * k)
        assert data.loc[(name, "stakeholder_influence_share"), "mean"] == pytest.approx(
            0.01 * (k + 1) + 0.002
        )
        assert data.loc[(name, "informal_coverage_LIC"), "runs"] == 5
        assert data.loc[(name, "attendance_rate_LIC"), "adopted_by_consensus"] == pytest.approx(
            (k + 1) / 5
        )
        record = float(NEGOTIATIONS[name].adopted_by_consensus)
        assert data.loc[(name, "attendance_rate_LIC"), "record_adopted_by_consensus"] == record
    assert paper.width_in == pytest.approx(7.0)


def test_each_negotiation_has_a_marker_per_panel_and_its_record_apart():
    """Issue 22: the record's hollow marker was drawn at the model's x value.

    The record measured no inclusiveness, so its outcome sits in a panel of its own.
    """
    paper = negotiations_figure(_runs())
    traces = paper.figure.data
    # per negotiation: the model's marker in every panel and one record marker;
    # plus one legend entry for the hollow markers
    assert len(traces) == len(NEGOTIATIONS) * (len(MEASURES) + 1) + 1
    legend = [t.name for t in traces if t.showlegend is not False and t.name]
    assert legend == [spec.label for spec in NEGOTIATIONS.values()] + ["the record (hollow)"]
    record_axis = f"x{len(MEASURES) + 1}"
    records = [t for t in traces if t.name == "the record"]
    assert len(records) == len(NEGOTIATIONS) and {t.xaxis for t in records} == {record_axis}
    models = [t for t in traces if t.name in {s.label for s in NEGOTIATIONS.values()}]
    assert record_axis not in {t.xaxis for t in models}
    expected = {float(spec.adopted_by_consensus) for spec in NEGOTIATIONS.values()}
    assert {t.y[0] for t in records} == expected


def test_a_subset_of_negotiations_is_drawn_in_the_given_order():
    runs = _runs()
    paper = negotiations_figure(runs[runs["scenario"] != "bbnj"], order=["plastics_inc"])
    assert list(paper.data["negotiation"].unique()) == ["plastics_inc"]


def test_a_table_without_the_measures_or_the_negotiations_is_refused():
    with pytest.raises(KeyError, match="stakeholder_influence_share"):
        negotiations_figure(_runs().drop(columns="stakeholder_influence_share"))
    with pytest.raises(ValueError, match="none of the negotiations"):
        negotiations_figure(_runs().assign(scenario="small"))
