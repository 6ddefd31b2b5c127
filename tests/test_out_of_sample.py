"""python -m sim.out_of_sample: what it scores, and what it writes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.out_of_sample import (
    NEGOTIATIONS,
    ROOT,
    outcome_table,
    ratification_comparison,
    score_table,
)
from sim.analysis.patterns import load_patterns
from sim.out_of_sample import main


def _plastics_runs() -> pd.DataFrame:
    """Four runs: two never adopted, one adopted at the extension, one in the calendar."""
    return pd.DataFrame(
        {
            "scenario": "plastics_inc",
            "adopted": [False, False, True, True],
            "adopted_by": ["none", "none", "consensus", "consensus"],
            "extensions_used": pd.array([1, 1, 1, 0], dtype="Int64"),
            "stakeholder_share_before_informal": [0.2, 0.2, 0.2, 0.2],
            "stakeholder_share_after_informal": [0.05, 0.15, 0.0, np.nan],
            "text_production": [0.2, 0.4, 0.6, 0.8],
            "doors_closed_meeting": [5.0, 3.0, 6.0, np.nan],
        }
    )


def test_each_target_is_scored_with_the_share_of_single_runs_meeting_it():
    scores = score_table({"plastics_inc": _plastics_runs()}).set_index("pattern")
    assert scores.loc["I1", "statistic"] == pytest.approx(0.75)  # not adopted in the calendar
    assert scores.loc["I2", "statistic"] == pytest.approx(0.5)  # never adopted
    assert bool(scores.loc["I2", "pattern_met"]) is True  # at least 0.5
    # I3 on the mean: 0.0667 <= 0.5 x 0.2; run by run 2 of the 3 defined runs
    assert bool(scores.loc["I3", "pattern_met"]) is True
    assert scores.loc["I3", "share_of_runs_meeting"] == pytest.approx(2 / 3)
    # I4: mean 0.5 <= 0.5, met; two of four single runs at most 0.5
    assert scores.loc["I4", "statistic"] == pytest.approx(0.5)
    assert scores.loc["I4", "share_of_runs_meeting"] == pytest.approx(0.5)
    # I6: doors first closed at meeting 4-6 on the mean (14 / 3), two of the three that closed
    assert scores.loc["I6", "statistic"] == pytest.approx(14 / 3)
    assert bool(scores.loc["I6", "pattern_met"]) is True
    table = load_patterns(ROOT / NEGOTIATIONS["plastics_inc"].patterns)
    assert len(scores) == sum(len(p.targets) for p in table.scored)


def test_the_record_is_the_negotiations_own_outcome():
    row = outcome_table({"plastics_inc": _plastics_runs()}).iloc[0]
    assert row["share_reproducing_record"] == pytest.approx(0.5)
    assert row["ci_low"] < 0.5 < row["ci_high"]
    assert "not adopted: 2" in row["how_runs_end"]


def test_the_ratification_comparison_is_one_sided_and_names_its_arms():
    faster = pd.DataFrame({"parties_after_22_months": [10, 12, 14, 11, 13] * 4})
    slower = pd.DataFrame({"parties_after_22_months": [2, 3, 4, 3, 1] * 4})
    result = ratification_comparison(faster, slower)
    assert (result["faster_mean"], result["slower_mean"]) == (12.0, 2.6)
    assert result["welch_p"] < 1e-6 and result["mannwhitney_p"] < 1e-6
    reversed_ = ratification_comparison(slower, faster)
    assert reversed_["welch_p"] > 0.99 and reversed_["mannwhitney_p"] > 0.99


@pytest.mark.slow
def test_the_command_writes_its_tables_and_figure(tmp_path, capsys):
    out = tmp_path / "oos"
    assert main(["replications=2", "workers=1", f"out={out}"]) == 0
    for name in ("runs.parquet", "scores.csv", "scores.md", "outcomes.csv", "manifest.json"):
        assert (out / name).is_file(), name
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs.groupby("scenario").size().to_dict() == dict.fromkeys(NEGOTIATIONS, 2)
    assert (out / "figures" / "negotiations_compared.png").is_file()
    assert "Out-of-sample scores" in capsys.readouterr().out


def test_a_bad_replication_count_is_a_usage_error(capsys, tmp_path):
    assert main(["replications=0", f"out={tmp_path / 'x'}"]) == 2
    assert capsys.readouterr().err == (
        "sim: error: replications = 0 is not allowed: expected a whole number in [1, 100,000]\n"
    )
    assert not (tmp_path / "x").exists()
