"""Random valid configurations never crash and keep every invariant; degenerate ones run.

Property-based (hypothesis): configurations drawn over every group option and most
numeric keys, on the small scenario (with random subsets of its delegations), are
run through a whole negotiation, meeting by meeting, and checked:

- budgets are never negative (delegations, process, trust fund) and the process
  budget never grows;
- costs add up (each delegation's spending plus what it has left is its budget; the
  process's cost is the sum of its meetings' costs and equals what its budget spent
  plus what delegations contributed; group costs add up to the total);
- shares sum to 1 (voice shares over income groups, influence shares over
  delegations) and every rate or share lies in [0, 1] (NaN only where undefined).

The draws are derandomised so that CI runs the same examples every time.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from sim.config import INCOME_GROUPS, REGIONS, STAKEHOLDER_KINDS, to_sim_config

PROCESSES = (
    "open_plenary",
    "two_tier",
    "two_tier_observers",
    "single_informal_room",
    "friends_of_chair",
)
FUNDINGS = ("none", "trust_fund", "hybrid", "cost_sharing")
DECISIONS = ("consensus_then_vote", "consensus_only", "two_thirds_vote")
SMALL_ISO3 = ("USA", "DEU", "POL", "CHN", "BRA", "ZAF", "IND", "EGY", "PHL", "ETH", "MOZ", "AFG")

RATE_PREFIXES = (
    "attendance_rate_",
    "in_person_rate_",
    "informal_coverage_",
    "voice_share_",
    "text_",
    "gap_",
)
RATES = (
    "influence_gini",
    "stakeholder_influence_share",
    "stakeholder_share_before_informal",
    "stakeholder_share_after_informal",
    "closed_door_share",
    "pressure_at_decision",
    "text_distance_gap",
)


@pytest.fixture(scope="session")
def parts(small_base):
    """Each group option composed once on the small scenario (5 compositions in all)."""
    composed = [
        small_base(f"process={p}", f"funding={FUNDINGS[i % 4]}", f"decision={DECISIONS[i % 3]}")
        for i, p in enumerate(PROCESSES)
    ]
    return {
        "base": composed[0],
        "process": {c.process.name: c.process for c in composed},
        "funding": {c.funding.name: c.funding for c in composed},
        "decision": {c.decision.rule: c.decision for c in composed},
    }


money = st.sampled_from([0.0, 1.0, 5e4, 3e5, 1e6, 2.5e6])
unit = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def valid_configs(draw, parts):
    base = parts["base"]
    process = draw(st.sampled_from(PROCESSES))
    friends = parts["process"][process].friends
    process_cfg = dataclasses.replace(
        parts["process"][process],
        informal_from_meeting=draw(st.integers(0, 5)),
        disagreement_threshold=draw(st.sampled_from([0.0, 0.05, 0.2, 0.5, 1.0])),
        max_parallel_rooms=draw(st.integers(1, 4)),
        observers_in_informal=draw(st.booleans()),
        door_pressure_gain=draw(unit),
        compression=dataclasses.replace(
            parts["process"][process].compression,
            text_days=draw(st.sampled_from([0.0, 10.0, 100.0, 1000.0])),
            max_parallel_rooms=draw(st.integers(1, 5)),
            night_share=draw(unit),
        ),
        step_formal=draw(unit),
        step_informal=draw(unit),
        friends=dataclasses.replace(
            friends,
            from_meeting=draw(st.integers(1, 5)),
            size=draw(st.integers(1, 15)),
            selection=draw(st.sampled_from(["capability", "bloc"])),
            issues=draw(st.integers(1, 4)),
            step=draw(unit),
        ),
    )
    funding = dataclasses.replace(
        parts["funding"][draw(st.sampled_from(FUNDINGS))],
        trust_fund_usd=draw(money),
        trust_fund_delegates=draw(st.integers(0, 4)),
        trust_fund_eligible=draw(
            st.lists(st.sampled_from([*INCOME_GROUPS, "LDC"]), max_size=3, unique=True)
        ),
        remote_participation=draw(st.booleans()),
        remote_counts_for_decision=draw(st.booleans()),
        cost_sharing_share=draw(unit),
        cost_sharing_mode=draw(st.sampled_from(["flat", "capacity"])),
    )
    decision = dataclasses.replace(
        parts["decision"][draw(st.sampled_from(DECISIONS))],
        earliest_tabling_meeting=draw(st.integers(1, 5)),
        max_extensions=draw(st.integers(0, 2)),
        vote_threshold=draw(st.floats(0.5, 1.0)),
        accommodation_rate=draw(unit),
        consensus_value=draw(unit),
    )
    channels = dataclasses.replace(
        base.channels,
        **{f.name: draw(st.booleans()) for f in dataclasses.fields(base.channels)},
    )
    days = draw(st.integers(1, 5))
    scenario = base.scenario
    scale = draw(st.sampled_from([0.0, 0.1, 1.0, 10.0]))
    delegations = dataclasses.replace(
        scenario.delegations,
        include=draw(st.lists(st.sampled_from(SMALL_ISO3), min_size=1, max_size=12, unique=True)),
        budget_usd={g: v * scale for g, v in scenario.delegations.budget_usd.items()},
        budget_sigma=draw(st.sampled_from([0.0, 0.8, 2.0])),
        staff_mean={g: draw(st.sampled_from([1.0, 2.0, 6.0])) for g in INCOME_GROUPS},
        reservation_mean=draw(st.sampled_from([0.0, 0.1, 0.5])),
    )
    stakeholders = {
        kind: dataclasses.replace(spec, count=draw(st.integers(0, 4)))
        for kind, spec in scenario.stakeholders.items()
    }
    calendar = dataclasses.replace(
        scenario.calendar,
        meetings=draw(st.integers(1, 6)),
        days=days,
        interval_days=max(days, 30),
        consultations=draw(st.integers(0, 3)),
        consultation_days=draw(st.integers(0, 2)),
    )
    behaviour = dataclasses.replace(
        base.behaviour,
        confidence=draw(unit),
        persuasion_rate=draw(unit),
        stakeholder_weight=draw(st.sampled_from([0.0, 0.15, 2.0])),
        consultation_rate=draw(unit),
        bloc_coordination=draw(st.booleans()),
        concession_rate=draw(unit),
        pressure_gain=draw(st.sampled_from([0.0, 2.5, 10.0])),
        attendance_base=draw(unit),
    )
    cost = dataclasses.replace(
        base.cost,
        meeting_usd=draw(st.sampled_from([0.0, 2.5e5, 1e6, 3e6])),
        delegate_day_usd=draw(st.sampled_from([0.0, 100.0, 600.0, 5000.0])),
        process_budget_usd=draw(st.sampled_from([0.0, 1e6, 5e6, 1e7, 1e9])),
        consultation_day_usd=draw(st.sampled_from([0.0, 300.0, 1e5])),
    )
    cfg = dataclasses.replace(
        base,
        seed=draw(st.integers(0, 2**32)),
        process=process_cfg,
        funding=funding,
        decision=decision,
        cost=cost,
        behaviour=behaviour,
        channels=channels,
        scenario=dataclasses.replace(
            scenario,
            delegations=delegations,
            stakeholders=stakeholders,
            calendar=calendar,
        ),
    )
    return to_sim_config(cfg)  # a valid configuration must pass validation


def _check_state(model) -> None:
    """Invariants after every meeting."""
    led = model.ledger
    budget0 = model.population.delegations.budget_usd
    assert (led.remaining_usd >= 0).all()
    np.testing.assert_allclose(led.spent_usd + led.remaining_usd, budget0, rtol=1e-12, atol=1e-6)
    assert model.purse.remaining_usd >= -1e-6
    assert led.fund_remaining_usd >= -1e-6
    assert 0.0 <= model.pressure <= 1.0
    assert ((model.positions >= -1e-12) & (model.positions <= 1 + 1e-12)).all()
    assert ((model.chair.text >= -1e-12) & (model.chair.text <= 1 + 1e-12)).all()


def _run(cfg):
    from sim.model import NegotiationModel

    model = NegotiationModel(cfg)
    _check_state(model)

    def left() -> float:  # the process budget left, less the extensions' new money
        return model.purse.remaining_usd - model.purse.authorised_usd

    process_left = [left()]
    while model.running and model.next_meeting() is not None:
        model.step()
        _check_state(model)
        process_left.append(left())
    return model, model.run().row, np.array(process_left)


def _check_row(cfg, model, row) -> None:
    led = model.ledger
    n = model.n_delegations
    cal = cfg.scenario.calendar
    meetings = model.datacollector.get_model_vars_dataframe()
    # rates and shares in [0, 1] (or NaN where undefined)
    for column, value in row.items():
        if column.startswith(RATE_PREFIXES) or column in RATES:
            assert np.isnan(value) or -1e-12 <= value <= 1 + 1e-12, f"{column} = {value}"
    for column in ("pressure", "stakeholder_influence_share"):
        values = meetings[column].to_numpy(dtype=float)
        assert ((values >= -1e-12) & (values <= 1 + 1e-12) | np.isnan(values)).all(), column
    # shares sum to 1
    voice = np.array([row[f"voice_share_{g}"] for g in INCOME_GROUPS])
    proxied = np.array([row[f"proxied_voice_share_{g}"] for g in INCOME_GROUPS])
    if led.influence.sum() + led.proxy_influence.sum() > 0:
        assert (voice + proxied).sum() == pytest.approx(1.0, abs=1e-9)
        for g, v in zip(INCOME_GROUPS, voice, strict=True):
            share = (model.population.delegations.income == INCOME_GROUPS.index(g)).mean()
            if share > 0:
                assert row[f"representation_{g}"] * share == pytest.approx(v, abs=1e-9)
    else:
        assert np.isnan(voice).all()
    # costs add up
    purse = model.purse
    assert row["process_cost_usd"] == pytest.approx(
        sum(purse.meeting_costs_usd), rel=1e-12, abs=1e-6
    )
    assert row["process_cost_usd"] == pytest.approx(
        float(meetings["meeting_cost_usd"].sum()) if len(meetings) else 0.0, rel=1e-12, abs=1e-6
    )
    assert row["process_budget_spent_usd"] == pytest.approx(
        row["process_cost_usd"] - row["cost_shared_usd"], rel=1e-9, abs=1e-6
    )
    assert row["delegation_cost_usd"] == pytest.approx(
        sum(row[f"delegation_cost_usd_{g}"] for g in INCOME_GROUPS), rel=1e-12, abs=1e-6
    )
    assert row["delegation_cost_usd"] == pytest.approx(led.spent_usd.sum(), rel=1e-12, abs=1e-6)
    assert 0.0 <= row["trust_fund_spent_usd"] <= cfg.funding.trust_fund_usd + 1e-6
    if cfg.funding.cost_sharing_share == 0:
        assert row["cost_shared_usd"] == 0
    # counts and the calendar
    assert 0 <= row["meetings_held"] <= cal.meetings + cfg.decision.max_extensions
    assert row["days_held"] == row["meetings_held"] * cal.days
    assert row["adopted"] == (row["adopted_by"] in ("consensus", "vote"))
    if row["adopted"]:
        assert row["adoption_meeting"] == row["meetings_held"]
    if cfg.decision.rule == "consensus_only":
        assert row["adopted_by"] != "vote"
    assert 0 <= row["objectors_at_decision"] <= n
    assert 0 <= row["absent_at_decision"] <= n
    assert 0 <= row["delegations_ever_present"] <= n


@settings(derandomize=True)
@given(data=st.data())
def test_random_valid_configurations_run_and_keep_every_invariant(parts, data):
    cfg = data.draw(valid_configs(parts))
    model, row, _ = _run(cfg)
    _check_row(cfg, model, row)


@settings(derandomize=True, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(data=st.data())
def test_cost_sharing_contributions_never_exceed_the_share_of_the_actual_cost(parts, data):
    cfg = data.draw(valid_configs(parts))
    cfg = to_sim_config(
        dataclasses.replace(
            cfg,
            funding=dataclasses.replace(parts["funding"]["cost_sharing"], cost_sharing_share=1.0),
            cost=dataclasses.replace(cfg.cost, process_budget_usd=1e9, meeting_usd=1e6),
        )
    )
    model, row, process_left = _run(cfg)
    costs = model.datacollector.get_model_vars_dataframe()["meeting_cost_usd"]
    assert row["cost_shared_usd"] <= costs.sum() + 1e-6
    # the process budget never grows (a meeting costs something or nothing)
    assert (np.diff(process_left) <= 1e-6).all(), process_left


# ----------------------------------------------------------------- degenerate cases


def _degenerate(small_base, *overrides):
    model, row, _ = _run(small_base(*overrides))
    _check_row(model.config, model, row)
    return model, row


def test_a_scenario_without_some_income_group_runs_without_numpy_warnings(small_base):
    _degenerate(small_base, "scenario.delegations.include=[USA,DEU,POL,CHN,BRA,ZAF]")


def test_one_delegation(small_base):
    model, row = _degenerate(small_base, "scenario.delegations.include=[USA]")
    assert model.n_delegations == 1
    assert row["meetings_held"] >= 1
    assert row["voice_share_HIC"] == pytest.approx(1.0)
    assert row["influence_gini"] == 0.0


def test_no_stakeholders(small_base):
    zero = [f"scenario.stakeholders.{k}.count=0" for k in STAKEHOLDER_KINDS]
    model, row = _degenerate(small_base, *zero, "process=two_tier_observers")
    assert len(model.population.stakeholders) == 0
    assert row["stakeholder_influence_share"] == 0.0
    assert np.isnan(row["text_distance_civil_society"])
    assert np.isnan(row["gap_civil_society_safeguards"])


def test_one_meeting(small_base):
    model, row = _degenerate(
        small_base, "scenario.calendar.meetings=1", "decision.max_extensions=0"
    )
    assert row["meetings_held"] == 1
    # the only meeting is the final one: the draft is tabled despite earliest_tabling_meeting
    assert model.decision is not None


NO_MONEY = "scenario.delegations.budget_usd={HIC:0,UMIC:0,LMIC:0,LIC:0}"


def test_zero_process_budget(small_base):
    """Not even one meeting is affordable: nothing is held, adopted or spent."""
    _, row = _degenerate(small_base, "cost.process_budget_usd=0", "cost.extension_authorised=false")
    assert row["meetings_held"] == 0 and not row["adopted"]
    assert row["process_cost_usd"] == 0.0


def test_zero_process_budget_with_an_authorised_extension_holds_only_the_extension(small_base):
    _, row = _degenerate(small_base, "cost.process_budget_usd=0")
    assert row["meetings_held"] == 1 and row["extensions_used"] == 1
    assert row["process_cost_usd"] == row["extension_authorised_usd"]


def test_zero_delegation_budgets(small_base):
    """Meetings are held but nobody can travel: nobody is present, nothing is adopted."""
    _, row = _degenerate(small_base, NO_MONEY)
    assert row["meetings_held"] >= 1 and not row["adopted"]
    assert row["delegation_cost_usd"] == 0.0
    assert all(row[f"in_person_rate_{g}"] == 0.0 for g in INCOME_GROUPS)


def test_zero_budgets_and_free_meetings(small_base):
    _, row = _degenerate(small_base, "cost.process_budget_usd=0", "cost.meeting_usd=0", NO_MONEY)
    cfg = small_base()
    assert row["meetings_held"] == cfg.scenario.calendar.meetings + cfg.decision.max_extensions
    assert row["process_cost_usd"] == 0.0 and row["delegation_cost_usd"] == 0.0


def _one_bloc(cfg, **delegations):
    """Every member state in one bloc (the first), with delegation fields replaced."""
    one = dict.fromkeys(REGIONS, 1.0)
    bloc = dataclasses.replace(next(iter(cfg.scenario.blocs.values())), share_by_region=one)
    scenario = dataclasses.replace(
        cfg.scenario,
        blocs={"everyone": bloc},
        delegations=dataclasses.replace(cfg.scenario.delegations, **delegations),
    )
    return to_sim_config(dataclasses.replace(cfg, scenario=scenario)), bloc


def test_everyone_identical(small_base):
    """One bloc, equal budgets, staff, expertise and salience: consensus at the first tabling."""
    same = dict.fromkeys(INCOME_GROUPS, 0.5)
    cfg, _ = _one_bloc(
        small_base(),
        budget_sigma=0.0,
        budget_usd=dict.fromkeys(INCOME_GROUPS, 5e5),
        staff_mean=dict.fromkeys(INCOME_GROUPS, 1.0),
        expertise_mean=same,
        expertise_concentration=1e6,
        legislative_capacity=same,
        other_language_share={},
        ideal_sd=0.0,
        salience_concentration=1e6,
        reservation_sd=0.0,
    )
    # one-person delegations with nothing at stake would stay home (version 2 rounds the
    # delegates wanted half up): here everyone wants to attend
    cfg = to_sim_config(
        dataclasses.replace(cfg, behaviour=dataclasses.replace(cfg.behaviour, attendance_base=1.0))
    )
    model, row, _ = _run(cfg)
    _check_row(cfg, model, row)
    dl = model.population.delegations
    assert np.ptp(dl.ideal, axis=0).max() == 0 and np.ptp(dl.budget_usd) == 0
    assert np.ptp(dl.staff) == 0 and not dl.other_language.any()
    assert row["adopted_by"] == "consensus"
    # the first tabling: the earliest meeting the chair may table at, once the work is done
    work_left = np.asarray(model.meeting_series["work_left"])
    done = int(np.argmax(work_left <= 1e-9)) + 1 if (work_left <= 1e-9).any() else np.inf
    first = max(cfg.decision.earliest_tabling_meeting, done)
    assert row["adoption_meeting"] == min(first, row["meetings_held"])
    assert row["objectors_at_decision"] == 0
    assert np.ptp(model.ledger.present_days) == 0  # equal delegations attend alike


def test_identical_ideals_without_stakeholders_keep_the_draft_at_the_common_ideal(small_base):
    cfg = small_base(*[f"scenario.stakeholders.{k}.count=0" for k in STAKEHOLDER_KINDS])
    cfg, bloc = _one_bloc(cfg, ideal_sd=0.0)
    model, row, _ = _run(cfg)
    _check_row(cfg, model, row)
    centre = np.array([bloc.centre[i] for i in cfg.scenario.issues])
    np.testing.assert_allclose(model.chair.text, centre, atol=1e-12)
    assert row["text_distance_median_state"] == pytest.approx(0.0, abs=1e-12)
    assert row["adopted_by"] == "consensus"
