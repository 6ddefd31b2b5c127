"""The other negotiations' scenarios: their own facts arrive, the committee's behaviour stays.

`scenario=bbnj` and `scenario=plastics_inc` exist for an out-of-sample test of the
cybercrime calibration, which is honest only if every behavioural parameter keeps its
calibrated value and only each negotiation's facts change (docs/scenarios.md gives the
classification this file enforces).
"""

from __future__ import annotations

import dataclasses

import pytest

from sim.api import compose_config
from sim.out_of_sample import NEGOTIATIONS, ROOT
from sim.patterns import load_patterns, score

OTHERS = ("bbnj", "plastics_inc")

# The facts a negotiation brings (everything else must equal the committee's).
FACTS = {
    "scenario": {"name", "issues", "calendar", "blocs", "stakeholders"},
    "decision": {"rule", "max_extensions", "vote_threshold"},
    "ratification": {"threshold", "days_after_threshold", "opening_delay_days", "report_months"},
    "process": {"informal_from_meeting"},
    "cost": {"process_budget_usd"},
}
DELEGATION_FACTS = {"table", "include"}
STAKEHOLDER_FACTS = {"count", "centre", "salience"}


@pytest.fixture(scope="module")
def committee():
    return compose_config([])


@pytest.fixture(scope="module", params=OTHERS)
def negotiation(request):
    return request.param, compose_config([f"scenario={request.param}"])


def _without(group: object, keys: set[str]) -> dict:
    return {k: v for k, v in dataclasses.asdict(group).items() if k not in keys}


def test_every_behavioural_parameter_is_the_committees(committee, negotiation):
    name, cfg = negotiation
    for group in ("behaviour", "funding", "channels", "measures"):
        assert getattr(cfg, group) == getattr(committee, group), f"{name}: {group}"
    for group in ("decision", "ratification", "process", "cost"):
        kept = FACTS.get(group, set())
        assert _without(getattr(cfg, group), kept) == _without(getattr(committee, group), kept), (
            f"{name}: {group}"
        )
    kept = DELEGATION_FACTS
    assert _without(cfg.scenario.delegations, kept) == _without(
        committee.scenario.delegations, kept
    ), f"{name}: scenario.delegations"
    for kind, spec in cfg.scenario.stakeholders.items():
        assert spec.capacity_mean == committee.scenario.stakeholders[kind].capacity_mean, kind


def test_the_budget_per_planned_meeting_is_the_calibrated_one(committee, negotiation):
    """The process budget is derived, not calibrated again: $7.13M / 7 per planned session."""
    name, cfg = negotiation
    per_meeting = committee.cost.process_budget_usd / committee.scenario.calendar.meetings
    budget = per_meeting * cfg.scenario.calendar.meetings
    assert cfg.cost.process_budget_usd == pytest.approx(budget, rel=2e-3), name


def test_bbnj_brings_its_calendar_rules_and_ratification():
    cfg = compose_config(["scenario=bbnj"])
    assert cfg.scenario.name == "bbnj"
    assert (cfg.scenario.calendar.meetings, cfg.decision.max_extensions) == (4, 2)
    assert cfg.decision.rule == "consensus_then_vote"
    assert (cfg.ratification.threshold, cfg.ratification.days_after_threshold) == (60, 120)
    assert cfg.ratification.opening_delay_days == 200
    assert cfg.process.informal_from_meeting == 3


def test_plastics_inc_brings_consensus_only_and_one_resumed_session():
    cfg = compose_config(["scenario=plastics_inc"])
    assert cfg.scenario.name == "plastics_inc"
    assert cfg.decision.rule == "consensus_only"
    assert (cfg.scenario.calendar.meetings, cfg.decision.max_extensions) == (5, 1)
    assert cfg.scenario.calendar.days == 6
    assert cfg.process.informal_from_meeting == 5


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
    assert committee.process.informal_from_meeting == 4


@pytest.mark.parametrize("name", OTHERS)
def test_every_pattern_of_the_table_can_be_scored_on_the_scenarios_runs(name):
    """A few delegations and short meetings: the columns the targets name all exist."""
    from sim.replicate import run_replications

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
