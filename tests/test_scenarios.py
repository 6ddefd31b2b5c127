"""The other negotiations' scenarios: their own facts arrive, the committee's behaviour stays.

`scenario=bbnj` and `scenario=plastics_inc` exist for an out-of-sample test of the
cybercrime calibration, which is honest only if every behavioural parameter keeps its
calibrated value and only each negotiation's facts change (docs/scenarios.md gives the
classification this file enforces).
"""

from __future__ import annotations

import pytest

from sim.analysis.out_of_sample import NEGOTIATIONS, ROOT, held_fixed_differences
from sim.analysis.patterns import load_patterns, score
from sim.api import compose_config

OTHERS = ("bbnj", "plastics_inc")


@pytest.fixture(scope="module")
def committee():
    return compose_config([])


@pytest.mark.parametrize("name", OTHERS)
def test_every_behavioural_parameter_is_the_committees(committee, name):
    """Only the facts listed in sim.out_of_sample.FACTS differ; the budget per session too."""
    assert held_fixed_differences(compose_config([f"scenario={name}"]), committee) == []


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("behaviour.concession_rate=0.2", "behaviour"),
        ("decision.accommodation_rate=0.5", "decision.accommodation_rate"),
        ("process.compression.night_share=0.3", "process.compression.night_share"),
        ("scenario.delegations.reservation_mean=0.1", "scenario.delegations.reservation_mean"),
        ("scenario.stakeholders.industry.capacity_mean=0.5", "industry.capacity_mean"),
        ("ratification.dislike_sensitivity=3", "ratification.dislike_sensitivity"),
        ("cost.process_budget_usd=6e6", "cost.process_budget_usd per planned meeting"),
    ],
)
def test_a_changed_behavioural_parameter_is_named(committee, override, key):
    cfg = compose_config(["scenario=bbnj", override])
    differences = held_fixed_differences(cfg, committee)
    assert any(key in d for d in differences), differences


def test_facts_may_differ(committee):
    cfg = compose_config(
        ["scenario=bbnj", "ratification.threshold=30", "decision.max_extensions=3"]
    )
    assert held_fixed_differences(cfg, committee) == []


def test_bbnj_brings_its_calendar_rules_and_ratification():
    cfg = compose_config(["scenario=bbnj"])
    assert cfg.scenario.name == "bbnj"
    assert (cfg.scenario.calendar.meetings, cfg.decision.max_extensions) == (4, 2)
    assert cfg.decision.rule == "consensus_then_vote"
    assert (cfg.ratification.threshold, cfg.ratification.days_after_threshold) == (60, 120)
    assert cfg.ratification.opening_delay_days == 200
    assert cfg.process.informal_from_meeting == 0  # doors by the negotiation (pattern B8)


def test_plastics_inc_brings_consensus_only_and_one_resumed_session():
    cfg = compose_config(["scenario=plastics_inc"])
    assert cfg.scenario.name == "plastics_inc"
    assert cfg.decision.rule == "consensus_only"
    assert (cfg.scenario.calendar.meetings, cfg.decision.max_extensions) == (5, 1)
    assert cfg.scenario.calendar.days == 6
    assert cfg.process.informal_from_meeting == 0  # doors by the negotiation (pattern I6)


def test_the_command_line_still_wins_over_a_scenarios_own_rules():
    cfg = compose_config(
        [
            "scenario=plastics_inc",
            "decision=two_thirds_vote",
            "ratification=bbnj_agreement",
            "decision.max_extensions=3",
        ]
    )
    assert cfg.decision.rule == "two_thirds_vote"
    assert cfg.decision.max_extensions == 3
    assert cfg.ratification.threshold == 60


def test_the_committee_is_unchanged_by_the_other_scenarios(committee):
    assert committee.scenario.name == "ahc_cybercrime"
    assert committee.decision.max_extensions == 1
    assert committee.ratification.threshold == 40
    assert committee.process.informal_from_meeting == 0  # doors by the negotiation
    assert committee.channels.amendment_votes  # the votes on provisions of 8 Aug 2024


@pytest.mark.parametrize("name", OTHERS)
def test_every_pattern_of_the_table_can_be_scored_on_the_scenarios_runs(name):
    """A few delegations and short meetings: the columns the targets name all exist."""
    from sim.run.replications import run_replications

    cfg = compose_config(
        [
            f"scenario={name}",
            "scenario.delegations.include=[USA,DEU,CHN,BRA,IND,EGY,PHL,ETH,FJI,SAU]",
            "scenario.calendar.days=2",
            "replications=2",
            "progress=false",
            "measures.rush_cost=false",
        ]
    )
    runs = run_replications(cfg, with_delegations=False).runs
    table = load_patterns(ROOT / NEGOTIATIONS[name].patterns)
    scores = score(table, runs)
    assert {p.id for p in table.scored} <= set(scores)
    for pattern in table.scored:
        for j in range(len(pattern.targets)):
            assert f"{pattern.id}.{j}" in scores
