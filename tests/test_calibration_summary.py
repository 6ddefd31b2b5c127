"""The defaults are the calibration's: the configs hold the committed summary's point.

docs/calibration/summary.yaml records the point of the plausible set the default takes
(scripts/apply_default_point.py wrote both it and the configs). Each of its values must
be what the negotiation it belongs to composes to, so a reader can check the defaults
against the calibration without re-running it, and a hand edit of a calibrated value
fails here.
"""

from __future__ import annotations

import pytest
import yaml

from sim.config import compose_config
from tests.shared import ROOT

SUMMARY = ROOT / "docs" / "calibration" / "summary.yaml"
BUDGET = "cost.budget_per_planned_meeting_usd"
OVERRIDES = {
    "ahc_cybercrime": [],
    "bbnj": ["scenario=bbnj"],
    "plastics_inc": ["scenario=plastics_inc"],
}


def _summary() -> dict:
    return yaml.safe_load(SUMMARY.read_text(encoding="utf-8"))


def _get(cfg, key: str):
    node = cfg
    for part in key.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return node


@pytest.mark.parametrize("negotiation", sorted(OVERRIDES))
def test_each_negotiation_composes_to_the_calibrated_point(negotiation):
    summary = _summary()
    cfg = compose_config(OVERRIDES[negotiation])
    meetings = cfg.scenario.calendar.meetings
    checked = 0
    for name, value in summary["values"].items():
        owner, _, key = name.rpartition("/")
        if owner and owner != negotiation:
            continue
        if key == BUDGET:
            expected, key = float(f"{value * meetings:.3g}"), "cost.process_budget_usd"
        else:
            expected = value
        assert _get(cfg, key) == pytest.approx(expected, rel=1e-9), f"{negotiation}: {key}"
        checked += 1
    assert checked >= 60  # the shared assumptions and this negotiation's own


def test_the_summary_says_where_it_comes_from():
    summary = _summary()
    assert summary["command"] and summary["source"] and summary["values"]
    assert summary["max_implausibility"] <= 3.0  # a point of the plausible set


def test_the_summary_holds_the_ranges_and_pattern_shares_and_the_default_lies_inside():
    """A reader checks the defaults against the plausible set without re-running it."""
    summary = _summary()
    ranges, values = summary["ranges"], summary["values"]
    assert set(ranges) == set(values)  # every sampled assumption has its range
    for key, value in values.items():
        (prior_low, prior_high), (low, high) = ranges[key]["prior"], ranges[key]["plausible"]
        assert prior_low <= low <= high <= prior_high, key
        slack = 0.006 * max(abs(low), abs(high)) + 1e-12  # both rounded to 3 figures
        assert low - slack <= value <= high + slack, (key, value, low, high)
    shares = summary["patterns"]
    assert set(shares) == set(OVERRIDES)
    for patterns in shares.values():
        for share in patterns.values():
            assert 0 <= share["prior"] <= 1 and 0 <= share["plausible"] <= 1


def test_settled_verdicts_do_not_reverse_with_another_seed():
    """Issue 20: "re-running with another seed does not change the verdict (show it)".

    Pre-registered, committed before the stability stage of the calibration behind the
    summary ran (docs/calibration.md, "Stability"). The stability check repeats every
    verdict - first runs and settling rounds - with another seed. A reversal (plausible
    with one seed, ruled out with the other) needs a statistic near the cutoff to move
    about four of its standard errors between two draws: p < 0.6% per such statistic,
    and a point has at most a few. So at most 2% of the settled points re-run may
    reverse, and at most 5% of the plausible ones may be ruled out with the other seed
    (version 3's first calibration, binary verdicts at 10-20 replications: 38%).
    """
    stability = _summary()["stability"]
    plausible, ruled_out = stability["plausible"], stability["ruled out"]
    settled = plausible["points"] + ruled_out["points"]
    assert settled >= 100  # enough re-runs to read a 2% share
    assert stability["reversals"] <= 0.02 * settled
    assert plausible["again_ruled_out"] <= 0.05 * plausible["points"]


def test_the_default_is_plausible_whatever_the_draw():
    """Its verdict is settled: the top of its implausibility's 95% band is within 3."""
    summary = _summary()
    low, high = summary["max_implausibility_band"]
    assert low <= summary["max_implausibility"] <= high <= 3.0
    assert summary["basis"], "a point other than the rule's says why"


def _apply_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "apply_default_point", ROOT / "scripts" / "apply_default_point.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_only_a_plausible_point_with_a_reason_can_be_chosen_instead_of_the_rules(tmp_path):
    import pandas as pd

    pd.DataFrame(
        {
            "point": [1, 2],
            "wave": ["wave_1", "wave_2"],
            "x": [0.1, 0.2],
            "max_I": [2.0, 2.9],
            "max_I_low": [1.8, 2.5],
            "max_I_high": [2.2, 3.4],
            "verdict": ["plausible", "borderline"],
            "plausible": [True, False],
            "replications": [10, 130],
        }
    ).to_parquet(tmp_path / "points.parquet")
    rule = {"point": 9, "values": {"x": 0.5}}
    script = _apply_script()
    chosen = script._chosen_point(tmp_path, 1, "kept", rule)
    assert chosen["values"] == {"x": 0.1} and chosen["max_implausibility_band"] == [1.8, 2.2]
    with pytest.raises(SystemExit, match="its verdict is 'borderline'"):
        script._chosen_point(tmp_path, 2, "why not", rule)
    with pytest.raises(SystemExit, match="needs --basis"):
        script._chosen_point(tmp_path, 1, "", rule)
    with pytest.raises(SystemExit, match="no such point"):
        script._chosen_point(tmp_path, 7, "x", rule)
