"""docs/scenarios.md's worked example runs: one's own negotiation, from its folder.

The example (`docs/examples/coastal_fisheries/`) is a member table, a scenario and a
ratification rule in the researcher's own config folder (found through
`hydra.searchpath`), and a pattern table. These tests follow the guide's steps: compose
it, check it keeps the calibrated behaviour, run it, score it, and calibrate on it.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sim.analysis.out_of_sample import ROOT, held_fixed_differences
from sim.analysis.patterns import load_patterns, score
from sim.api import compose_config, run_scenario
from sim.calibrate import main as calibrate

EXAMPLE = ROOT / "docs" / "examples" / "coastal_fisheries"
SEARCHPATH = f"hydra.searchpath=[file://{EXAMPLE / 'configs'}]"
SCENARIO = [SEARCHPATH, "scenario=coastal_fisheries"]


@pytest.fixture(autouse=True)
def _from_the_repository_root(monkeypatch):
    """The example's member table is a path relative to the repository root, as documented."""
    monkeypatch.chdir(ROOT)


def test_the_example_composes_with_its_own_table_and_ratification_rule():
    cfg = compose_config(SCENARIO)
    assert cfg.scenario.name == "coastal_fisheries"
    assert cfg.scenario.issues == ["catch_limits", "access_fees"]
    assert cfg.ratification.threshold == 8  # from the example's own ratification/ folder
    assert cfg.decision.rule == "consensus_then_vote"


def test_the_example_keeps_the_calibrated_behaviour():
    assert held_fixed_differences(compose_config(SCENARIO)) == []


def test_the_example_runs_and_is_scored_on_its_pattern_table():
    tables = run_scenario([*SCENARIO, "progress=false", "measures.rush_cost=false"], 4)
    runs = tables.runs
    assert len(runs) == 4 and set(runs["scenario"]) == {"coastal_fisheries"}
    assert set(tables.delegations["iso3"]) == set(pd.read_csv(EXAMPLE / "members.csv")["iso3"])
    table = load_patterns(EXAMPLE / "patterns.yaml")
    scores = score(table, runs)
    assert {"E1", "E2", "E1.0", "E1.1", "E2.0", "accepted"} <= set(scores)


@pytest.mark.slow
def test_the_calibration_command_runs_on_the_example(tmp_path, capsys):
    """The documented way to calibrate on one's own negotiation alone (docs/scenarios.md)."""
    out = tmp_path / "cal"
    overrides = ",".join(f'"{o}"' for o in SCENARIO)
    args = [
        "~negotiations.ahc_cybercrime",
        "~negotiations.bbnj",
        "~negotiations.plastics_inc",
        f"+negotiations.coastal={{overrides:[{overrides}],"
        f"patterns:{EXAMPLE / 'patterns.yaml'},discrepancy:{{E1:0.1,E2:0.1}}}}",
        "points=[4]",
        "replications=[2]",
        "confirm=[2]",
        "left_out=false",
        "stability=0",
        "workers=1",
        f"out={out}",
        "only=[behaviour.concession_rate,decision.accommodation_rate]",
    ]
    assert calibrate(args) == 0, capsys.readouterr().err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "completed" and manifest["points_run"] == 4
    points = pd.read_parquet(out / "points.parquet")
    assert {"behaviour.concession_rate", "plausible"} <= set(points.columns)
    assert "E1" in (out / "patterns.md").read_text()


def test_the_example_table_is_the_packaged_table_s_rows():
    """Its rows are copied from sim/data/un_member_states.csv, sources included."""
    mine = pd.read_csv(EXAMPLE / "members.csv").set_index("iso3")
    packaged = pd.read_csv(ROOT / "sim" / "data" / "un_member_states.csv").set_index("iso3")
    assert mine.equals(packaged.loc[mine.index])
