"""The ratification record as data, the model's band against it, and its figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.ratification import band, load_record, parties_at, series_table
from sim.api import compose_config
from sim.figures.ratification import ratification_figure
from sim.model.ratification import DAYS_PER_MONTH

ADOPTION = {"ahc_cybercrime": "2024-08-08", "bbnj": "2023-03-04"}  # the models' day 0


@pytest.fixture(scope="module")
def record() -> pd.DataFrame:
    return load_record()


def test_every_count_has_a_date_a_source_and_consistent_days(record):
    assert record["source"].str.len().gt(0).all() and record["what"].str.len().gt(0).all()
    for _, row in record.iterrows():
        day = (row["date"] - pd.Timestamp(ADOPTION[row["scenario"]])).days
        assert row["day"] == day, row["what"]
        assert row["months"] == pytest.approx(day / DAYS_PER_MONTH, abs=0.006)
    assert set(record["bound"]) <= {"exact", "at_most"}


def test_the_scenarios_signature_facts_are_the_records_counts_without_the_eu(record):
    """Each dated count of signatory states in the treaty files is the record's less the EU."""
    for scenario, overrides in (("ahc_cybercrime", []), ("bbnj", ["scenario=bbnj"])):
        cfg = compose_config(overrides).ratification
        rows = record[record["scenario"] == scenario].set_index("day")
        for count in cfg.signatures:
            assert rows.loc[count.day, "signatories"] == count.states + 1, (scenario, count)


def test_the_record_holds_the_patterns_numbers(record):
    bbnj = record[record["scenario"] == "bbnj"].set_index("date")["parties"]
    assert bbnj[pd.Timestamp("2024-06-19")] == 7 and bbnj[pd.Timestamp("2025-09-19")] == 60
    convention = record[(record["scenario"] == "ahc_cybercrime") & (record["bound"] == "at_most")]
    assert list(convention["parties"]) == [3]


def _table(parties: dict[int, list[int]], scenario: str = "bbnj") -> pd.DataFrame:
    """A ratification table: replication r has parties[r][m] at the end of month m."""
    rows = [
        {"scenario": scenario, "config_id": "c", "replication": r, "month": m, "parties": p}
        for r, series in parties.items()
        for m, p in enumerate(series)
    ]
    return pd.DataFrame(rows)


def test_parties_between_month_ends_are_interpolated():
    table = _table({0: [0, 10, 20], 1: [0, 0, 4]})
    np.testing.assert_allclose(parties_at(table, 1.5 * DAYS_PER_MONTH), [15.0, 2.0])
    np.testing.assert_allclose(parties_at(table, 9 * DAYS_PER_MONTH), [20.0, 4.0])  # held


def test_the_band_is_the_mean_and_the_10_and_90_percent_quantiles():
    table = _table({r: [0, r] for r in range(11)})
    month1 = band(table).set_index("month").loc[1]
    assert (month1["mean"], month1["p10"], month1["p90"], month1["runs"]) == (5.0, 1.0, 9.0, 11)


def test_the_series_table_sets_the_runs_against_each_count(record):
    months = int(np.ceil(record["months"].max())) + 1
    series = list(np.minimum(np.arange(months + 1) * 2, 200))
    table = _table({0: series, 1: series})
    found = series_table(table, record).set_index("date")
    assert set(found["scenario"]) == {"bbnj"}  # no Convention run in the table
    row = found.loc["2024-06-19"]
    assert row["record"] == "7" and row["model_mean"] == pytest.approx(2 * 473 / DAYS_PER_MONTH)
    assert not row["record_in_band"] and row["runs_at_or_below_record"] == 0.0


def test_the_figure_shows_a_band_a_mean_and_the_record_per_treaty(record):
    table = pd.concat(
        [_table({0: list(range(60)), 1: list(range(0, 120, 2))}, s) for s in ADOPTION],
        ignore_index=True,
    )
    paper = ratification_figure(table, record, {"ahc_cybercrime": 40, "bbnj": 60})
    names = {trace.name for trace in paper.figure.data}
    assert {"model: mean", "model: 10-90% of runs", "the record", "the record: at most"} <= names
    assert set(paper.data["series"]) == {"model", "record"}
    assert set(paper.data["scenario"]) == set(ADOPTION)
    with pytest.raises(ValueError, match="no run adopted"):
        ratification_figure(table.iloc[:0], record)
