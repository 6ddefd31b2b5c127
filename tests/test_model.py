"""Whole runs: determinism, accounting identities, invariants and the output contract."""

from __future__ import annotations

import dataclasses
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim.model
import sim.model.population as population_module
from sim.config import CalendarConfig
from sim.model import Negotiation
from sim.model.compiled import load
from sim.model.decision import Decision
from sim.model.kernels import COMPILED_FROM, kernels_for, mechanisms, resolve_kernels
from sim.model.metrics import gini
from sim.model.reporters import meeting_reporters
from sim.run.replications import replication_seeds, run_replications
from tests.shared import (
    DECISIONS,
    FUNDINGS,
    INCOME_GROUPS,
    ISSUES,
    PROCESSES,
    REGIONS,
    runs_columns,
)
from tests.shared import STAKEHOLDER_KINDS as KINDS

RATE_COLUMNS = [
    *(f"attendance_rate_{g}" for g in INCOME_GROUPS),
    *(f"in_person_rate_{g}" for g in INCOME_GROUPS),
    *(f"informal_coverage_{g}" for g in INCOME_GROUPS),
    *(f"voice_share_{g}" for g in INCOME_GROUPS),
    "influence_gini",
    "stakeholder_influence_share",
    "stakeholder_share_before_informal",
    "stakeholder_share_after_informal",
    "closed_door_share",
    *(f"text_{i}" for i in ISSUES),
    *(f"text_distance_{g}" for g in (*INCOME_GROUPS, *REGIONS, *KINDS)),
    "text_distance_gap",
]


@pytest.fixture(scope="session")
def parts(small, default_config):
    """Each group option composed once (small scenario), to be combined by replace()."""
    return {
        "scenario": {"small": small().scenario, "ahc_cybercrime": default_config.scenario},
        "process": {p: small(f"process={p}").process for p in PROCESSES},
        "funding": {f: small(f"funding={f}").funding for f in FUNDINGS},
        "decision": {d: small(f"decision={d}").decision for d in DECISIONS},
        "base": small(),
    }


def _assemble(
    parts,
    revalidate,
    *,
    scenario="small",
    process="two_tier",
    funding="none",
    decision="consensus_then_vote",
    cost=None,
    seed=0,
    replications=1,
):
    base = parts["base"]
    cfg = dataclasses.replace(
        base,
        seed=seed,
        replications=replications,
        scenario=parts["scenario"][scenario],
        process=parts["process"][process],
        funding=parts["funding"][funding],
        decision=parts["decision"][decision],
        cost=dataclasses.replace(base.cost, **(cost or {})),
    )
    return revalidate(cfg)


# ----------------------------------------------------------------- determinism


def test_same_seed_gives_identical_tables(small):
    cfg = small("replications=2", "seed=11", "process=friends_of_chair", "funding=hybrid")
    first = run_replications(cfg)
    second = run_replications(cfg)
    pd.testing.assert_frame_equal(first.runs, second.runs)
    pd.testing.assert_frame_equal(first.meetings, second.meetings)
    pd.testing.assert_frame_equal(first.delegations, second.delegations)


def test_different_seeds_differ(small):
    a = run_replications(small("seed=1"))
    b = run_replications(small("seed=2"))
    assert a.runs.loc[0, "run_seed"] != b.runs.loc[0, "run_seed"]
    text = [f"text_{i}" for i in ISSUES]
    assert not np.allclose(a.runs[text].to_numpy(float), b.runs[text].to_numpy(float))
    assert not a.delegations["budget_usd"].equals(b.delegations["budget_usd"])


def test_replications_of_one_config_differ_from_each_other(small):
    runs = run_replications(small("replications=3")).runs
    assert runs["run_seed"].nunique() == 3
    assert list(runs["replication"]) == [0, 1, 2]
    assert runs[[f"text_{i}" for i in ISSUES]].drop_duplicates().shape[0] == 3


def test_model_seed_reproduces_a_run(small_config, run_model):
    _, a = run_model(small_config, seed=5)
    _, b = run_model(small_config, seed=5)
    _, c = run_model(small_config, seed=6)
    assert a.keys() == b.keys()
    for key in a:
        assert a[key] == b[key] or (pd.isna(a[key]) and pd.isna(b[key])), key
    assert any(a[key] != c[key] for key in (f"text_{i}" for i in ISSUES))


def test_replication_seeds_are_stable_and_distinct(small):
    cfg = small("replications=5", "seed=3")
    seeds = replication_seeds(cfg)
    assert seeds == replication_seeds(small("replications=5", "seed=3"))
    assert len(set(seeds)) == 5
    assert all(0 <= s < 2**63 for s in seeds)
    # the first replications do not depend on how many are asked for
    assert replication_seeds(small("replications=2", "seed=3")) == seeds[:2]


# ----------------------------------------------------------------- output contract


def test_runs_table_has_every_contract_column(small):
    runs = run_replications(small("replications=2")).runs
    assert list(runs.columns) == runs_columns()
    assert len(runs) == 2
    assert set(runs["adopted_by"]) <= {"consensus", "vote", "none"}
    assert (runs["scenario"] == "small").all()
    assert (runs["process"] == "two_tier").all()
    assert (runs["funding"] == "none").all()
    assert (runs["decision"] == "consensus_then_vote").all()


def test_meeting_and_delegation_tables(small):
    tables = run_replications(small("replications=2"))
    meetings, delegations, runs = tables.meetings, tables.delegations, tables.runs
    for rep, row in runs.set_index("replication").iterrows():
        mine = meetings[meetings["replication"] == rep]
        assert len(mine) == row["meetings_held"]
        assert list(mine["meeting"]) == list(range(1, row["meetings_held"] + 1))
        assert (delegations["replication"] == rep).sum() == 12
    assert delegations["iso3"].nunique() == 12
    assert set(delegations["income_group"]) == set(INCOME_GROUPS)
    assert (delegations["spent_usd"] <= delegations["budget_usd"] + 1e-6).all()
    own_and_proxied = delegations["influence_share"] + delegations["proxied_influence_share"]
    np.testing.assert_allclose(own_and_proxied.groupby(delegations["replication"]).sum(), 1.0)


# ----------------------------------------------------------------- accounting


def test_process_cost_is_the_sum_of_meeting_costs_per_replication(small):
    tables = run_replications(small("replications=3", "process=friends_of_chair"))
    per_rep = tables.meetings.groupby("replication")["meeting_cost_usd"].sum()
    runs = tables.runs.set_index("replication")
    np.testing.assert_allclose(runs["process_cost_usd"], per_rep[runs.index], rtol=1e-12)
    assert (runs["process_cost_usd"] > 0).all()


def test_a_meeting_costs_its_booking_whatever_rooms_and_nights_sit(small):
    """Tracks and night sittings are held within the session: every meeting costs meeting_usd."""
    cfg = small(
        "replications=2",
        "process=friends_of_chair",
        "process.friends.from_meeting=2",
        "process.compression.text_days=400",
    )
    meetings = run_replications(cfg).meetings
    np.testing.assert_allclose(meetings["meeting_cost_usd"], cfg.cost.meeting_usd, rtol=0)
    assert (meetings["night_share"] > 0).any()  # compression was exercised
    assert (meetings["parallel_tracks"] > cfg.process.max_parallel_rooms).any()


def test_delegation_costs_add_up_by_group(default_config, run_model):
    model, row = run_model(default_config, seed=1)
    by_group = sum(row[f"delegation_cost_usd_{g}"] for g in INCOME_GROUPS)
    assert row["delegation_cost_usd"] == pytest.approx(by_group, rel=1e-12)
    ledger = model.ledger
    budget = model.population.delegations.budget_usd
    np.testing.assert_allclose(ledger.spent_usd + ledger.remaining_usd, budget, rtol=1e-12)


def test_cost_sharing_reduces_what_the_process_pays(small, run_model):
    _, row = run_model(small("funding=cost_sharing"), seed=2)
    assert row["cost_shared_usd"] > 0
    assert row["process_budget_spent_usd"] == pytest.approx(
        row["process_cost_usd"] - row["cost_shared_usd"]
    )


def test_cost_sharing_never_charges_more_than_the_share_of_a_meeting(small, step_model):
    """Delegations pay a share of each meeting's cost: never more than the meeting cost.

    The process budget only grows when an extension meeting brings its authorisation.
    """
    cfg = small(
        "funding=cost_sharing",
        "process.disagreement_threshold=0",
        "process.informal_from_meeting=1",
        "process.max_parallel_rooms=4",
    )
    share = cfg.funding.cost_sharing_share
    history = []

    def record(model):
        purse = model.purse
        history.append((purse.contributions_usd, purse.remaining_usd, purse.authorised_usd))

    model = step_model(cfg, seed=0, check=record)
    costs = model.datacollector.get_model_vars_dataframe()["meeting_cost_usd"].to_numpy()
    paid = np.diff([c for c, _, _ in history])
    net = np.array([r - a for _, r, a in history])  # remaining less new authorisations
    assert (paid <= share * costs + 1e-6).all(), f"contributions {paid} vs costs {costs}"
    assert (np.diff(net) <= 1e-6).all(), "the process budget grew during a meeting"


def test_no_delegation_is_charged_more_than_it_has(small, run_model, monkeypatch):
    """Every charge fits the delegation's remaining budget; none is silently capped.

    `Ledger.spend` caps a charge at what is left, so an over-charge would not show as
    a negative budget, but the process would be credited money nobody paid. Full cost
    sharing with every issue behind closed doors is the hard case.
    """
    from sim.model.ledger import Ledger

    overcharged = []
    spend = Ledger.spend

    def checked_spend(self, own_cost):
        excess = np.asarray(own_cost) - self.remaining_usd
        overcharged.extend(excess[excess > 1e-6].tolist())
        return spend(self, own_cost)

    monkeypatch.setattr(Ledger, "spend", checked_spend)
    cfg = small(
        "funding=cost_sharing",
        "funding.cost_sharing_share=1.0",
        "process.disagreement_threshold=0",
        "process.informal_from_meeting=1",
    )
    for seed in range(5):
        run_model(cfg, seed=seed)
    assert not overcharged, f"charges beyond the remaining budget (USD): {overcharged[:5]}"


def test_trust_fund_spends_within_its_money(compose, run_model):
    cfg = compose("funding=trust_fund", "funding.trust_fund_usd=2e5")
    model, row = run_model(cfg, seed=0)
    assert 0 < row["trust_fund_spent_usd"] <= 2e5
    assert model.ledger.fund_remaining_usd >= 0


# ----------------------------------------------------------------- invariants


def _check_state(model):
    ledger = model.ledger
    assert (ledger.remaining_usd >= 0).all(), "a delegation budget went negative"
    assert model.purse.remaining_usd >= -1e-6, "the process budget went negative"
    assert ledger.fund_remaining_usd >= -1e-6, "the trust fund went negative"
    budget = model.population.delegations.budget_usd
    np.testing.assert_allclose(ledger.spent_usd + ledger.remaining_usd, budget, rtol=1e-12)
    text = model.chair.text
    assert ((text >= 0) & (text <= 1)).all(), f"text left [0, 1]: {text}"
    assert ((model.positions >= -1e-12) & (model.positions <= 1 + 1e-12)).all()
    assert ledger.informal_room_days >= 0
    assert (ledger.informal_days <= ledger.informal_room_days).all()
    assert (ledger.present_days <= ledger.days_held).all()


def _check_row(row, model, cfg, nan_or_within):
    n = model.n_delegations
    assert row["adopted_by"] in {"consensus", "vote", "none"}
    assert row["adopted"] == (row["adopted_by"] != "none")
    if cfg.decision.rule == "consensus_only":
        assert row["adopted_by"] != "vote"
    if row["adopted_by"] == "consensus" and not cfg.channels.amendment_votes:
        # every objector let the text pass (none without acquiescence)
        assert row["objectors_at_decision"] == row["acquiesced_at_decision"]
    assert 0 <= row["acquiesced_at_decision"] <= row["objectors_at_decision"]
    if not cfg.channels.acquiescence:
        assert row["acquiesced_at_decision"] == 0
    if row["adopted_by"] == "vote" and cfg.decision.rule == "consensus_then_vote":
        assert model.next_meeting() is None, "voted before the final meeting"
    if row["adopted"] and model.next_meeting() is not None:
        assert row["meetings_held"] >= cfg.decision.earliest_tabling_meeting
    assert 0 <= row["objectors_at_decision"] <= n
    assert 0 <= row["absent_at_decision"] <= n
    cal = cfg.scenario.calendar
    assert 0 <= row["meetings_held"] <= cal.meetings + cfg.decision.max_extensions
    assert row["days_held"] == row["meetings_held"] * cal.days
    # costs
    meetings = model.datacollector.get_model_vars_dataframe()
    assert row["process_cost_usd"] == pytest.approx(meetings["meeting_cost_usd"].sum(), rel=1e-12)
    available = cfg.cost.process_budget_usd + row["extension_authorised_usd"]
    assert row["process_budget_spent_usd"] <= available + 1e-6
    assert row["extension_authorised_usd"] <= cfg.decision.max_extensions * cfg.cost.meeting_usd
    assert row["extensions_used"] <= cfg.decision.max_extensions
    assert row["holdout_pull"] >= 0
    if not cfg.channels.holdout_accommodation:
        assert row["holdout_pull"] == 0 and row["accommodations"] == 0
    if not row["adopted"]:
        assert np.isnan(row["rush_cost"])
    assert row["trust_fund_spent_usd"] <= cfg.funding.trust_fund_usd + 1e-6
    assert row["delegation_cost_usd"] >= 0
    # shares and rates
    voice = np.array([row[f"voice_share_{g}"] for g in INCOME_GROUPS])
    proxied = np.array([row[f"proxied_voice_share_{g}"] for g in INCOME_GROUPS])
    if np.isnan(voice).any():
        assert np.isnan(voice).all() and row["meetings_held"] == 0
    else:
        assert (voice + proxied).sum() == pytest.approx(1.0, abs=1e-9)
    for column in RATE_COLUMNS:
        assert nan_or_within(row[column]), f"{column} = {row[column]}"
    for g in INCOME_GROUPS:
        assert nan_or_within(row[f"representation_{g}"], 0.0, np.inf)
    if model.ledger.informal_room_days == 0:
        assert all(np.isnan(row[f"informal_coverage_{g}"]) for g in INCOME_GROUPS)
    for column in meetings.columns:
        if column.startswith(("attendance_rate_", "text_")) or column in (
            "pressure",
            "stakeholder_influence_share",
        ):
            assert all(nan_or_within(v) for v in meetings[column]), column
    # ratification
    if not row["adopted"]:
        assert np.isnan(row["entry_into_force_day"])
        assert row["parties_after_5y"] == 0
    assert 0 <= row["parties_after_5y"] <= n
    if not np.isnan(row["entry_into_force_day"]):
        assert (
            row["entry_into_force_day"]
            >= row["adoption_day"] + cfg.ratification.days_after_threshold
        )
        assert row["parties_after_5y"] >= 0


@given(
    scenario=st.sampled_from(["small", "small", "small", "ahc_cybercrime"]),
    process=st.sampled_from(PROCESSES),
    funding=st.sampled_from(FUNDINGS),
    decision=st.sampled_from(DECISIONS),
    seed=st.integers(0, 2**31),
    meeting_usd=st.sampled_from([0.0, 2.5e5, 1.0e6, 3.0e6]),
    delegate_day_usd=st.sampled_from([0.0, 300.0, 600.0, 2000.0]),
    process_budget_usd=st.sampled_from([0.0, 2.5e6, 1.0e7, 5.0e7]),
    threshold=st.sampled_from([0.0, 0.1, 0.2, 1.0]),
    channels=st.fixed_dictionaries(
        {
            name: st.booleans()
            for name in (
                "compression",
                "closing_doors",
                "holdout_accommodation",
                "shadow_of_vote",
                "amendment_votes",
            )
        }
    ),
    authorised=st.booleans(),
)
def test_run_invariants(
    parts,
    revalidate,
    step_model,
    nan_or_within,
    scenario,
    process,
    funding,
    decision,
    seed,
    meeting_usd,
    delegate_day_usd,
    process_budget_usd,
    threshold,
    channels,
    authorised,
):
    """Budgets never negative, costs add up, shares sum to 1, rates in [0, 1] or NaN."""
    cfg = _assemble(
        parts,
        revalidate,
        scenario=scenario,
        process=process,
        funding=funding,
        decision=decision,
        cost={
            "meeting_usd": meeting_usd,
            "delegate_day_usd": delegate_day_usd,
            "process_budget_usd": process_budget_usd,
            "extension_authorised": authorised,
        },
    )
    cfg.process = dataclasses.replace(cfg.process, disagreement_threshold=threshold)
    cfg.channels = dataclasses.replace(cfg.channels, **channels)
    model = step_model(cfg, seed=seed, check=_check_state)
    row = model.run().row  # nothing left to step: ratification and metrics only
    _check_row(row, model, cfg, nan_or_within)


def test_undefined_shares_are_nan_when_no_meeting_is_held(small, run_model):
    """No meeting, no influence: every share of influence is 0/0, so NaN, not 0."""
    _, row = run_model(small("cost.process_budget_usd=0", "cost.extension_authorised=false"), 0)
    assert row["meetings_held"] == 0
    assert all(np.isnan(row[f"voice_share_{g}"]) for g in INCOME_GROUPS)
    assert np.isnan(row["stakeholder_influence_share"])
    assert np.isnan(row["closed_door_share"])


def test_budget_too_small_for_any_meeting(small, run_model, nan_or_within):
    cfg = small("cost.process_budget_usd=5e5", "cost.extension_authorised=false")
    model, row = run_model(cfg, seed=0)
    assert row["meetings_held"] == 0
    assert row["adopted_by"] == "none"
    assert row["process_cost_usd"] == 0
    _check_row(row, model, cfg, nan_or_within)


@pytest.mark.parametrize(("authorised", "most"), [(False, 2), (True, 3)])
def test_meetings_stop_when_the_process_budget_runs_out(small, step_model, authorised, most):
    """$2.5M pays two $1M meetings; an authorised extension adds exactly one more."""
    cfg = small(
        "cost.process_budget_usd=2.5e6",
        "decision=consensus_only",
        f"cost.extension_authorised={str(authorised).lower()}",
        "behaviour.concession_rate=0",  # nobody concedes: the process runs to its end
        "channels.holdout_accommodation=false",
        "scenario.delegations.reservation_mean=0",
    )
    model = step_model(cfg, seed=0, check=_check_state)
    assert model.meeting == most
    assert model.extensions_used == int(authorised)
    assert model.purse.remaining_usd >= 0
    assert model.purse.authorised_usd == (1e6 if authorised else 0.0)


# ----------------------------------------------------------------- process designs


def test_open_plenary_has_no_informal_rooms(small, run_model):
    for seed in range(3):
        model, row = run_model(small("process=open_plenary"), seed=seed)
        meetings = model.datacollector.get_model_vars_dataframe()
        assert (meetings["informal_room_days"] == 0).all()
        assert (meetings["informal_issues"] == 0).all()
        assert (meetings["friends_issues"] == 0).all()
        assert model.ledger.informal_room_days == 0
        for g in INCOME_GROUPS:
            assert np.isnan(row[f"informal_coverage_{g}"])
        assert row["closed_door_share"] == 0.0
        assert row["stakeholder_influence_share"] > 0


def test_two_tier_opens_informal_rooms(small, run_model):
    model, row = run_model(small("process.disagreement_threshold=0"), seed=0)
    assert model.ledger.informal_room_days > 0
    assert row["closed_door_share"] > 0
    assert all(not np.isnan(row[f"informal_coverage_{g}"]) for g in INCOME_GROUPS)


def test_observers_in_informal_rooms_raise_stakeholder_influence(small, run_model):
    for seed in range(4):
        _, closed = run_model(small("process=two_tier"), seed=seed)
        _, observed = run_model(small("process=two_tier_observers"), seed=seed)
        assert (
            observed["stakeholder_influence_share"] >= closed["stakeholder_influence_share"] - 1e-12
        )
        if not np.isnan(observed["stakeholder_share_after_informal"]):
            assert observed["stakeholder_share_after_informal"] > 0


def test_closed_informal_rooms_shut_stakeholders_out(small, run_model):
    """Everything informal and closed from meeting 1, no stocktaking plenary: no observer voice."""
    cfg = small(
        "process.disagreement_threshold=0",
        "process.informal_from_meeting=1",
        "process.max_parallel_rooms=4",
        "process.stocktaking_days=0",
    )
    model, row = run_model(cfg, seed=0)
    assert row["stakeholder_influence_share"] == 0.0
    assert model.ledger.stakeholder_influence.sum() == 0.0
    assert row["closed_door_share"] == pytest.approx(1.0)


def test_friends_of_chair_invites_only_the_friends(compose, run_model):
    cfg = compose("process=friends_of_chair", "process.friends.from_meeting=1")
    model, _ = run_model(cfg, seed=0)
    invited = model.chair.invite_friends(
        model.population.delegations.expertise, model.population.delegations.bloc
    )
    assert invited.sum() == cfg.process.friends.size
    top = np.argsort(-model.population.delegations.expertise)[: cfg.process.friends.size]
    assert invited[top].all()
    meetings = model.datacollector.get_model_vars_dataframe()
    assert (meetings["friends_issues"] == cfg.process.friends.issues).all()


def test_friends_by_bloc_takes_one_per_bloc_first(compose, run_model):
    cfg = compose(
        "process=friends_of_chair", "process.friends.selection=bloc", "process.friends.size=4"
    )
    model, _ = run_model(cfg, seed=0)
    dl = model.population.delegations
    invited = model.chair.invite_friends(dl.expertise, dl.bloc)
    assert invited.sum() == 4
    assert set(dl.bloc[invited]) == set(np.unique(dl.bloc))


def test_hybrid_participation_counts_remote_presence(compose, run_model):
    _, hybrid = run_model(compose("funding=hybrid"), seed=0)
    _, none = run_model(compose("funding=none"), seed=0)
    assert hybrid["attendance_rate_LIC"] > hybrid["in_person_rate_LIC"]
    assert none["attendance_rate_LIC"] == none["in_person_rate_LIC"]


# ----------------------------------------------------------------- comparative statics


def _mean(run_model, cfg, key, seeds=range(4)):
    return float(np.mean([run_model(cfg, seed=s)[1][key] for s in seeds]))


def test_trust_fund_raises_attendance_of_the_poorest(compose, run_model):
    base = _mean(run_model, compose(), "attendance_rate_LIC")
    funded = _mean(run_model, compose("funding=trust_fund"), "attendance_rate_LIC")
    assert funded > base


def test_dearer_delegate_days_lower_attendance_of_the_poorest(compose, run_model):
    base = _mean(run_model, compose(), "attendance_rate_LIC")
    dear = _mean(run_model, compose("cost.delegate_day_usd=1200"), "attendance_rate_LIC")
    assert dear < base


def test_shared_meeting_costs_lower_attendance_of_the_poorest(compose, run_model):
    base = _mean(run_model, compose(), "attendance_rate_LIC")
    shared = _mean(run_model, compose("funding=cost_sharing"), "attendance_rate_LIC")
    assert shared < base


def test_rich_attend_more_than_poor_in_the_default_scenario(default_config, run_model):
    hic = _mean(run_model, default_config, "attendance_rate_HIC")
    lic = _mean(run_model, default_config, "attendance_rate_LIC")
    assert hic > lic


# ----------------------------------------------------------------- agents and metrics


def test_mesa_agents_mirror_the_arrays(small_config, run_model):
    from sim.model.agents import Delegation, Stakeholder

    model, _ = run_model(small_config, seed=0)
    delegations = list(model.agents_by_type[Delegation])
    stakeholders = list(model.agents_by_type[Stakeholder])
    assert len(delegations) == 12
    assert len(stakeholders) == len(model.population.stakeholders) == 13
    # each agent is one row of the arrays (Mesa spreads lists, not a `range`, over agents)
    indices = [a.index for a in delegations]
    assert all(isinstance(i, int | np.integer) for i in indices), indices[:2]
    assert sorted(indices) == list(range(12))
    assert sorted(int(a.index) for a in stakeholders) == list(range(13))
    for agent in delegations:
        i = agent.index
        assert agent.budget_remaining_usd == model.ledger.remaining_usd[i]
        assert agent.income_group in INCOME_GROUPS
        assert agent.region in REGIONS
        np.testing.assert_array_equal(agent.position, model.positions[i])
        assert 1 <= agent.staff <= small_config.scenario.delegations.staff_max
    assert {a.kind for a in stakeholders} == set(KINDS)


def test_each_agent_reads_its_row_of_the_delegations_table(small_config):
    """The agent view and the per-delegation table are two readings of the same arrays."""
    from sim.model import NegotiationModel
    from sim.model.agents import Delegation
    from sim.model.metrics import delegation_rows

    model = NegotiationModel(small_config, seed=1)
    rows = delegation_rows(model.run())
    issues = model.population.issues
    total = model.ledger.influence.sum() + model.ledger.proxy_influence.sum()
    for agent in model.agents_by_type[Delegation]:
        i = agent.index
        assert agent.iso3 == rows["iso3"][i]
        assert agent.income_group == rows["income_group"][i]
        assert agent.region == rows["un_region"][i]
        assert agent.bloc == rows["bloc"][i]
        assert agent.budget_usd == rows["budget_usd"][i]
        assert agent.budget_remaining_usd == pytest.approx(
            rows["budget_usd"][i] - rows["spent_usd"][i]
        )
        assert agent.staff == rows["staff"][i]
        assert agent.expertise == rows["expertise"][i]
        assert agent.attendance_rate == rows["attendance_rate"][i]
        assert nan_equal(agent.informal_coverage, rows["informal_coverage"][i])
        assert agent.influence / total == pytest.approx(rows["influence_share"][i])
        assert agent.proxied_influence / total == pytest.approx(rows["proxied_influence_share"][i])
        if rows["present_at_decision"][i]:
            assert agent.objects == rows["objected_at_decision"][i]
        assert [agent.ideal[j] for j in range(len(issues))] == [
            rows[f"ideal_{k}"][i] for k in issues
        ]


def nan_equal(a: float, b: float) -> bool:
    return (np.isnan(a) and np.isnan(b)) or a == b


def test_population_follows_the_scenario(small_config, default_config, run_model):
    model, _ = run_model(default_config, seed=0)
    dl = model.population.delegations
    assert len(dl) == 193
    np.testing.assert_allclose(dl.salience.sum(axis=1), 1.0)
    assert ((dl.ideal >= 0) & (dl.ideal <= 1)).all()
    assert ((dl.expertise > 0) & (dl.expertise < 1)).all()
    assert (dl.staff >= 1).all() and (dl.staff <= 15).all()
    assert (dl.budget_usd > 0).all()
    small_model, _ = run_model(small_config, seed=0)
    assert list(small_model.population.delegations.iso3) == list(
        small_config.scenario.delegations.include
    )


def test_gini_of_equal_values_is_zero():
    assert gini(np.full(10, 3.7)) == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("n", [1, 2, 5, 193])
def test_gini_of_one_holder_is_n_minus_one_over_n(n):
    values = np.zeros(n)
    values[n // 2] = 4.2
    assert gini(values) == pytest.approx((n - 1) / n)


def test_gini_edge_cases_and_known_value():
    assert gini(np.array([])) == 0.0
    assert gini(np.zeros(4)) == 0.0
    # mean absolute difference / (2 mean) for [1, 2, 3, 4] = 1.25 / 5 = 0.25
    assert gini(np.array([4.0, 1.0, 3.0, 2.0])) == pytest.approx(0.25)


@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=50))
def test_gini_matches_mean_absolute_difference(values):
    x = np.array(values)
    if x.sum() <= 0:
        assert gini(x) == 0.0
        return
    expected = np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
    assert gini(x) == pytest.approx(expected, abs=1e-9)
    assert -1e-12 <= gini(x) <= 1.0  # rounding may leave -1e-17 for equal values


# ----------------------------------------------------------------- the session's bookkeeping


def test_each_meetings_log_holds_that_meetings_gains_and_the_work_still_to_do(small):
    """The stakeholders' share of the influence a meeting credited (the ledger's change over
    the meeting: stakeholders / stakeholders + delegations + proxies) and the positive
    work left, which a 2-day text soon overruns."""
    model = Negotiation(small("process.compression.text_days=2"), seed=0)

    def credited():
        led = model.ledger
        return led.stakeholder_influence.sum(), led.influence.sum() + led.proxy_influence.sum()

    before = credited()
    while model.running and model.next_meeting() is not None:
        model.step()
        now = credited()
        gained = now[0] - before[0], now[1] - before[1]
        log = model.meeting_log
        assert log["stakeholder_influence_share"] == pytest.approx(gained[0] / sum(gained))
        assert log["work_left"] == pytest.approx(np.maximum(model.work_left, 0.0).sum())
        before = now
    assert model.ledger.proxy_influence.sum() > 0  # the case needs proxies
    assert (model.work_left < 1.0).any()  # and overrun work


def test_extension_meetings_are_counted_and_a_step_with_no_meeting_left_ends_the_run(small):
    """One planned meeting, up to 3 extensions, no tabling before meeting 9 but at the last:
    the run holds 1 + 3 meetings; stepping once more holds none and stops the run."""
    cfg = small(
        "scenario.calendar.meetings=1",
        "decision.max_extensions=3",
        "decision.earliest_tabling_meeting=9",
    )
    model = Negotiation(cfg, seed=0)
    while model.running and model.next_meeting() is not None:
        model.step()
    assert (model.meeting, model.extensions_used) == (4, 3)
    model.step()
    assert model.meeting == 4 and not model.running


def test_the_runs_record_and_row_carry_what_the_run_counted(small):
    """Seed, zero draft, pressure at the end and the amendments proposed and adopted."""
    model = Negotiation(small("channels.amendment_votes=true"), seed=1)
    record = model.run()
    proposed, adopted = model.amendments
    assert proposed > adopted  # the case needs amendments, not all adopted
    assert record.seed == 1
    np.testing.assert_array_equal(record.zero_draft, model.zero_draft)
    assert record.pressure == model.pressure > 0
    assert (record.amendments_proposed, record.amendments_adopted) == (proposed, adopted)
    row = record.row
    assert (row["amendments_proposed"], row["amendments_adopted"]) == (proposed, adopted)
    assert row["pressure_at_decision"] == model.pressure
    quiet = Negotiation(small("channels.amendment_votes=false"), seed=1).run().row
    assert (quiet["amendments_proposed"], quiet["amendments_adopted"]) == (0, 0)


def test_a_run_without_a_seed_uses_the_configurations(small):
    cfg = small()
    model = Negotiation(cfg)
    assert model.seed_used == cfg.seed
    np.testing.assert_array_equal(model.positions, Negotiation(cfg, seed=cfg.seed).positions)


def test_without_audience_costs_every_delegation_concedes_rate_x_pressure_of_its_gap(small):
    """Positions move toward the draft by `concession_rate x pressure` of the gap."""
    cfg = small("channels.audience_costs=false")
    model = Negotiation(cfg, seed=0)
    model.step()
    before, text = model.positions.copy(), model.chair.text.copy()
    model._apply_pressure()
    rate = cfg.behaviour.concession_rate * model.pressure
    assert rate > 0
    np.testing.assert_allclose(model.positions, before + rate * (text - before))


@pytest.mark.parametrize("remote_counts", [False, True])
def test_present_at_the_decision_are_those_in_the_room_and_if_it_counts_those_online(
    small, remote_counts
):
    cfg = small(
        "funding=hybrid", f"funding.remote_counts_for_decision={str(remote_counts).lower()}"
    )
    model = Negotiation(cfg, seed=0)
    model.step()
    plan = model.attendance
    present = plan.in_person_days > 0
    assert present.any() and (plan.remote & ~present).any()  # the case needs both
    expected = present | plan.remote if remote_counts else present
    np.testing.assert_array_equal(model.present_at_decision, expected)


def test_each_consultation_is_counted_for_those_who_attend(small):
    """Everyone attends (attendance 1): each delegation counts the scenario's consultations."""
    cfg = small("behaviour.consultation_attendance=1.0")
    model = Negotiation(cfg, seed=0)
    model.run()
    held = min(model.meeting - 1, cfg.scenario.calendar.consultations)
    assert held >= 2
    np.testing.assert_array_equal(model.ledger.consultations_attended, held)


# ----------------------------------------------------------------- the numpy kernels' days


def test_a_meetings_closed_room_days_and_paces_are_those_its_days_sat(small):
    """On the numpy kernels: the closed room-days a meeting reports are the ones its days
    added to the ledger, and the rooms that sat report their mean pace, in (0, 1]."""
    model = Negotiation(small("process.informal_from_meeting=1"), seed=0, kernels="numpy")
    closed, paces = 0, []
    while model.running and model.next_meeting() is not None:
        model.step()
        added = model.ledger.informal_room_days - closed
        closed = model.ledger.informal_room_days
        assert model.work.closed_room_days == added
        paces.append(model.meeting_log["informal_pace"] if added else 1.0)
        paces.append(model.meeting_log["plenary_pace"])
    assert closed > 0  # the case needs closed rooms
    sat = [p for p in paces if not np.isnan(p)]
    assert sat and all(0.0 < p <= 1.0 for p in sat)


def test_a_day_followed_online_is_a_day_present_not_in_person(small):
    """On the numpy kernels, hybrid: days present = days in person + days followed online."""
    model = Negotiation(small("funding=hybrid"), seed=0, kernels="numpy")
    model.run()
    led = model.ledger
    assert led.remote_days.sum() > 0  # the case needs remote delegates
    np.testing.assert_array_equal(led.present_days, led.in_person_days + led.remote_days)


# ----------------------------------------------------------------- choosing the kernels


@pytest.fixture
def no_kernel_env(monkeypatch):
    """No `SIM_KERNELS` in the environment, whatever the shell running the tests set."""
    monkeypatch.delenv("SIM_KERNELS", raising=False)
    return monkeypatch


@pytest.mark.parametrize("runs", [1, COMPILED_FROM - 1])
def test_a_few_runs_take_the_numpy_kernels_when_compiled_ones_are_not_at_hand(no_kernel_env, runs):
    """Compiling just in time costs ~0.6 s, repaid only from `COMPILED_FROM` runs on."""
    no_kernel_env.setattr(load, "loaded", lambda: False)
    assert kernels_for(runs) == "numpy"
    assert kernels_for(COMPILED_FROM) == "compiled"


def test_compiled_kernels_already_at_hand_are_taken_for_one_run(no_kernel_env):
    no_kernel_env.setattr(load, "loaded", lambda: True)
    assert kernels_for(1) == "compiled"


@pytest.mark.parametrize("chosen", ["numpy", "compiled"])
def test_the_environments_choice_of_kernels_wins(no_kernel_env, chosen):
    """`SIM_KERNELS` decides for any number of runs, at hand or not."""
    no_kernel_env.setenv("SIM_KERNELS", chosen)
    no_kernel_env.setattr(load, "loaded", lambda: chosen == "numpy")
    assert kernels_for(1) == chosen
    assert kernels_for(COMPILED_FROM) == chosen


def test_an_unknown_name_in_the_model_package_is_named_in_its_error():
    with pytest.raises(AttributeError, match="NoSuchModel"):
        sim.model.NoSuchModel  # noqa: B018


def test_the_mesa_models_own_generator_is_seeded_by_the_run_seed(small_config):
    """Whatever Mesa draws (agent shuffles) repeats with the seed: `Model(rng=seed)`."""
    from sim.model import NegotiationModel

    draws = [NegotiationModel(small_config, seed=7).random.random() for _ in range(2)]
    assert draws[0] == draws[1]


# ----------------------------------------------------------------- the population, by hand


class _DrawsByHand:
    """A stand-in for the population's generator whose draws are known by hand.

    `random` and `standard_normal` repeat the values given (afresh at each call, filling
    the requested shape row by row; a single draw is the first value); `gamma` and `beta`
    return their distribution's mean (k for Gamma(k, 1), a / (a + b) for Beta(a, b)) and
    `poisson` its mean as a whole number, and each call's parameters are kept.
    """

    def __init__(self, uniform=(0.5,), normal=(1.0,)):
        self.uniform, self.normal = uniform, normal
        self.gamma_shapes, self.beta_params = [], []

    @staticmethod
    def _fill(values, size):
        if size is None:
            return float(values[0])
        return np.resize(np.asarray(values, dtype=float), size)

    def random(self, size=None):
        return self._fill(self.uniform, size)

    def standard_normal(self, size=None):
        return self._fill(self.normal, size)

    def gamma(self, shape):
        self.gamma_shapes.append(np.array(shape, dtype=float))
        return np.array(shape, dtype=float)

    def beta(self, a, b):
        self.beta_params.append((np.asarray(a), np.asarray(b)))
        return np.asarray(a) / (np.asarray(a) + np.asarray(b))

    def poisson(self, lam):
        return np.rint(lam).astype(np.int64)


def _scenario_by_hand(small, revalidate, **stakeholders):
    """Brazil (GRULAC, UMIC), Ethiopia (AFR, LIC, an LDC) and Germany (WEOG, HIC); two
    blocs, `north` (centre (0.9, 0.1, 0.5, 0.5), salience all zero) and `south` (centre
    (0.2, 0.6, 0.5, 0.5), salience 3:1:0:0), shares by region north WEOG 3, AFR 1 and
    south WEOG 1, AFR 3, GRULAC 2, APG 1, EEG 1 (GRULAC and the others absent from north's
    map); budgets by group 1e6, 1e5, 5e4, 2e4 with sigma ln 2; staff means 20, 4, 3, 2,
    at most 15; expertise means 0.8, 0.6, 0.5, 0.3 at concentration 10; only AFR speaks
    another language (share 1); ideal sd 0.1, salience concentration 8, reservation
    0.1 +- 0.04; `stakeholders` maps a kind to (count, centre, salience, capacity). A
    valid configuration (checked)."""
    from sim.config import BlocConfig, StakeholderKindConfig

    cfg = small()
    s = cfg.scenario
    dl = s.delegations
    dl.include = ["BRA", "ETH", "DEU"]
    groups = ("HIC", "UMIC", "LMIC", "LIC")
    dl.budget_usd = dict(zip(groups, (1e6, 1e5, 5e4, 2e4), strict=True))
    dl.budget_sigma = float(np.log(2.0))
    dl.staff_mean = dict(zip(groups, (20.0, 4.0, 3.0, 2.0), strict=True))
    dl.staff_max = 15
    dl.expertise_mean = dict(zip(groups, (0.8, 0.6, 0.5, 0.3), strict=True))
    dl.expertise_concentration = 10.0
    dl.legislative_capacity = dict(zip(groups, (0.75, 0.5, 0.25, 0.25), strict=True))
    dl.other_language_share = {"AFR": 1.0}
    dl.ideal_sd = 0.1
    dl.salience_concentration = 8.0
    dl.reservation_mean, dl.reservation_sd = 0.1, 0.04
    issues = s.issues
    assert list(issues) == ["scope", "data_access", "safeguards", "assistance"]

    def by_issue(*values):
        return dict(zip(issues, values, strict=True))

    s.blocs = {
        "north": BlocConfig(
            centre=by_issue(0.9, 0.1, 0.5, 0.5),
            salience=by_issue(0.0, 0.0, 0.0, 0.0),
            share_by_region={"WEOG": 3.0, "AFR": 1.0},
        ),
        "south": BlocConfig(
            centre=by_issue(0.2, 0.6, 0.5, 0.5),
            salience=by_issue(3.0, 1.0, 0.0, 0.0),
            share_by_region={"WEOG": 1.0, "AFR": 3.0, "GRULAC": 2.0, "APG": 1.0, "EEG": 1.0},
        ),
    }
    s.stakeholders = {
        kind: StakeholderKindConfig(
            count=count,
            centre=by_issue(*centre),
            salience=by_issue(*salience),
            capacity_mean=capacity,
        )
        for kind, (count, centre, salience, capacity) in stakeholders.items()
    }
    return revalidate(cfg)


def test_weights_are_normalised_and_all_zero_weights_are_equal_shares():
    """(1, 3) over its total 4 is (0.25, 0.75); four zero weights have no total, so each
    gets an equal share, 1/4 (a bloc or kind that weighs no issue weighs all alike)."""
    np.testing.assert_array_equal(population_module._normalised(np.array([1.0, 3.0])), [0.25, 0.75])
    even = population_module._normalised(np.zeros(4))
    assert even.shape == (4,)
    np.testing.assert_array_equal(even, [0.25] * 4)


def test_a_dirichlet_row_is_its_gamma_draws_over_their_total_or_equal_shares_if_none():
    """Gamma draws equal to their shapes (0.1, 0.3) sum to 0.4, below 1, and give shares
    (0.25, 0.75); shapes (0, 4) floor the zero at 1e-9 (not 1), so the shares are
    about (1e-9 / 4, 1) = (2.5e-10, 1). A real generator's Gamma(1e-9) draws underflow to 0: a row
    whose draws are all 0 gets equal shares, 1/3 each, without dividing by zero."""
    rows = population_module._dirichlet_rows(_DrawsByHand(), np.array([[0.1, 0.3], [0.0, 4.0]]))
    np.testing.assert_allclose(rows, [[0.25, 0.75], [2.5e-10, 1.0]], rtol=1e-7)
    assert np.random.default_rng(0).gamma(np.full((1, 3), 1e-9)).max() == 0.0
    with np.errstate(all="raise"):
        even = population_module._dirichlet_rows(np.random.default_rng(0), np.zeros((1, 3)))
    np.testing.assert_array_equal(even, [[1 / 3] * 3])


def test_a_beta_by_its_mean_has_shapes_mean_x_c_and_one_minus_mean_x_c():
    """Means 0.2 and 0.7 at concentration 10 are Beta(2, 8) and Beta(7, 3): a + b = 10
    and a / (a + b) the mean."""
    rng = _DrawsByHand()
    draws = population_module._beta_by_mean(rng, np.array([0.2, 0.7]), 10.0)
    ((a, b),) = rng.beta_params
    np.testing.assert_allclose(a, [2.0, 7.0])
    np.testing.assert_allclose(b, [8.0, 3.0])
    np.testing.assert_allclose(draws, [0.2, 0.7])


def test_each_delegations_draws_follow_its_group_and_bloc_worked_by_hand(small, revalidate):
    """`_scenario_by_hand`'s three delegations, uniform draws (0.2, 0.1, 0.9) and normal
    draws repeating (1, -2).

    Blocs: Brazil's GRULAC has shares north 0 (absent), south 2, cumulative (0, 1), and
    0.2 passes 0: south; Ethiopia's AFR 1:3, cumulative (0.25, 1), 0.1: north; Germany's
    WEOG 3:1, (0.75, 1), 0.9: south. Budgets: median x 2^z, 1e5 x 2, 2e4 / 4, 1e6 x 2.
    Staff 1 + (mean - 1): 4, 2 and 20 capped at 15, whole numbers. Expertise, the mean
    of Beta(10 m, 10 (1 - m)): 0.6, 0.3, 0.8. Another language: the draw below the
    region's share, 1 for AFR, 0 for the regions not listed. Ideals: the bloc's centre +
    0.1 x (1, -2, 1, -2), clipped to [0, 1]. Salience: the Dirichlet of 8 x the bloc's
    normalised salience, south (0.75, 0.25, 0, 0), north (no weight at all) 1/4 each; its
    shapes sum to the concentration, 8. Reservations 0.1 + 0.04 z: 0.14, 0.02, 0.14.
    """
    scenario = _scenario_by_hand(small, revalidate).scenario
    rng = _DrawsByHand(uniform=(0.2, 0.1, 0.9), normal=(1.0, -2.0))
    dl = population_module.build_population(scenario, rng).delegations
    assert list(dl.iso3) == ["BRA", "ETH", "DEU"]
    assert list(dl.name) == ["Brazil", "Ethiopia", "Germany"]
    assert list(dl.ldc) == [False, True, False]
    np.testing.assert_array_equal(dl.income, [1, 3, 0])
    np.testing.assert_array_equal(dl.region, [3, 0, 4])
    np.testing.assert_array_equal(dl.bloc, [1, 0, 1])
    np.testing.assert_allclose(dl.budget_usd, [2e5, 5e3, 2e6])
    assert dl.staff.dtype == np.int64
    np.testing.assert_array_equal(dl.staff, [4, 2, 15])
    np.testing.assert_allclose(dl.expertise, [0.6, 0.3, 0.8])
    np.testing.assert_array_equal(dl.legislative, [0.5, 0.25, 0.75])
    np.testing.assert_array_equal(dl.other_language, [False, True, False])
    south, north = [0.3, 0.4, 0.6, 0.3], [1.0, 0.0, 0.6, 0.3]
    np.testing.assert_allclose(dl.ideal, [south, north, south])
    south, north = [0.75, 0.25, 0.0, 0.0], [0.25] * 4
    np.testing.assert_allclose(dl.salience, [south, north, south], atol=1e-9)
    np.testing.assert_allclose(rng.gamma_shapes[0].sum(axis=1), 8.0)
    np.testing.assert_allclose(dl.reservation, [0.14, 0.02, 0.14])


def test_a_draw_just_below_one_joins_the_last_bloc_when_rounding_leaves_shares_short(
    small, revalidate
):
    """Germany's WEOG split 1 : 0.1 : 0.3 over three blocs: the normalised shares add up,
    in floating point, to 1 - 2^-52, below the largest uniform draw, 1 - 2^-53. Such a
    draw passes all three cumulative shares; the delegation still joins the last bloc."""
    from sim.config import BlocConfig

    cfg = _scenario_by_hand(small, revalidate)
    cfg.scenario.delegations.include = ["DEU"]
    every = dict.fromkeys(("AFR", "APG", "EEG", "GRULAC"), 1.0)
    centre = dict.fromkeys(cfg.scenario.issues, 0.5)
    cfg.scenario.blocs = {
        name: BlocConfig(centre=centre, salience=centre, share_by_region=shares)
        for name, shares in (
            ("a", {**every, "WEOG": 1.0}),
            ("b", {"WEOG": 0.1}),
            ("c", {"WEOG": 0.3}),
        )
    }
    shares = np.array([1.0, 0.1, 0.3])
    assert np.cumsum(shares / shares.sum())[-1] == 1 - 2**-52
    top = 1 - 2**-53
    scenario = revalidate(cfg).scenario
    pop = population_module.build_population(scenario, _DrawsByHand(uniform=(top,)))
    assert pop.bloc_names == ("a", "b", "c")
    np.testing.assert_array_equal(pop.delegations.bloc, [2])


def test_stakeholders_are_drawn_around_their_kinds_centre_worked_by_hand(small, revalidate):
    """No civil society (count 0), no UN agencies (absent), one industry organisation
    (centre (0.5, 0.5, 0.95, 0.1), salience 1:3:0:0, capacity 0.3), two academic ones
    (centre 0.2 everywhere, no salience at all, capacity 0.6); normal draws repeating
    (1, -2).

    Kinds (industry 1, academia 3), in that order. Ideals: centre + 0.1 x (1, -2, 1, -2)
    clipped to [0, 1]: (0.6, 0.3, 1.0, 0.0) and (0.3, 0.0, 0.3, 0.0). Salience: the
    Dirichlet of 8 x the normalised salience, (0.25, 0.75, 0, 0) and 1/4 each, its shapes
    summing to 8. Capacity: Beta at concentration 10, a + b = 10, its mean the kind's.
    """
    cfg = _scenario_by_hand(
        small,
        revalidate,
        civil_society=(0, (0.5,) * 4, (1.0,) * 4, 0.5),
        industry=(1, (0.5, 0.5, 0.95, 0.1), (1.0, 3.0, 0.0, 0.0), 0.3),
        academia=(2, (0.2,) * 4, (0.0,) * 4, 0.6),
    )
    rng = _DrawsByHand(normal=(1.0, -2.0))
    st = population_module.build_population(cfg.scenario, rng).stakeholders
    assert st.kind.dtype == np.int64
    np.testing.assert_array_equal(st.kind, [1, 3, 3])
    academic = [0.3, 0.0, 0.3, 0.0]
    np.testing.assert_allclose(st.ideal, [[0.6, 0.3, 1.0, 0.0], academic, academic])
    np.testing.assert_allclose(
        st.salience, [[0.25, 0.75, 0.0, 0.0], [0.25] * 4, [0.25] * 4], atol=1e-9
    )
    np.testing.assert_allclose(rng.gamma_shapes[-1].sum(axis=1), 8.0)
    assert st.capacity.shape == (3,)
    np.testing.assert_allclose(st.capacity, [0.3, 0.6, 0.6])
    a, b = rng.beta_params[-1]
    np.testing.assert_allclose(a + b, 10.0)


def test_a_scenario_without_stakeholders_has_none_with_a_column_per_issue(small, revalidate):
    """Civil society listed with count 0 and the other kinds absent: no stakeholders,
    kinds an empty integer array, ideals and saliences 0 rows x 4 issues, no capacities."""
    cfg = _scenario_by_hand(small, revalidate, civil_society=(0, (0.5,) * 4, (1.0,) * 4, 0.5))
    st = population_module.build_population(cfg.scenario, _DrawsByHand()).stakeholders
    assert len(st) == 0
    assert st.kind.shape == (0,) and st.kind.dtype == np.int64
    assert st.ideal.shape == st.salience.shape == (0, 4)
    assert st.capacity.shape == (0,)


# ----------------------------------------------------------------- the meeting reporters, by hand


def _after_meeting(**fields):
    """A model after a meeting as the reporters read it: 4-day meetings every 60 days, and
    what else a test gives (the reporters read only these attributes)."""
    calendar = CalendarConfig(days=4, interval_days=60)
    return SimpleNamespace(
        config=SimpleNamespace(scenario=SimpleNamespace(calendar=calendar)), **fields
    )


def test_a_meeting_ends_on_day_interval_x_meetings_before_plus_its_own_days():
    """Meeting 3 of 4-day meetings every 60 days starts on day 2 x 60 = 120 (meeting 1 on
    day 0) and ends on day 124."""
    day = meeting_reporters(("scope",))["calendar_day"](_after_meeting(meeting=3))
    assert day == 124.0 and isinstance(day, float)


def test_a_groups_attendance_is_its_members_mean_share_of_the_meeting_in_the_room():
    """A 4-day meeting; delegations HIC, HIC, UMIC, LIC. The first HIC one sits 2 days
    in person (1/2), the second 1 day but follows the rest online, which counts as all 4
    (1); UMIC none (0); LIC all 4 (1). So HIC (1/2 + 1) / 2 = 3/4, UMIC 0, LIC 1, and
    LMIC, with no delegation, NaN (not the mean of nothing, which warns)."""
    state = _after_meeting(
        attendance=SimpleNamespace(
            remote=np.array([False, True, False, False]),
            in_person_days=np.array([2, 1, 0, 4]),
        ),
        population=SimpleNamespace(delegations=SimpleNamespace(income=np.array([0, 0, 1, 3]))),
    )
    reporters = meeting_reporters(("scope",))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rates = {g: reporters[f"attendance_rate_{g}"](state) for g in INCOME_GROUPS}
    assert rates["HIC"] == 0.75 and rates["UMIC"] == 0.0 and rates["LIC"] == 1.0
    assert np.isnan(rates["LMIC"])


def test_a_meetings_decision_fields_are_its_decisions_or_none_and_nan_without_one():
    """Adopted by vote with 1 objector, 3 absent and 1 who acquiesced: the fields are
    those; tabled but not adopted: `adopted_by` is "none" (not None), the counts the
    decision's; no decision at all (no tabling): "none" and NaN counts."""
    reporters = meeting_reporters(("scope",))
    fields = ("adopted_by", "objectors", "absent", "acquiesced")

    def read(decision):
        state = _after_meeting(meeting_log={"decision": decision})
        return [reporters[f](state) for f in fields]

    voted = Decision(adopted_by="vote", objectors=1, absent=3, yes=8, no=1, abstain=0, acquiesced=1)
    assert read(voted) == ["vote", 1, 3, 1]
    blocked = dataclasses.replace(voted, adopted_by=None, objectors=2, acquiesced=0)
    assert read(blocked) == ["none", 2, 3, 0]
    adopted_by, *counts = read(None)
    assert adopted_by == "none" and all(np.isnan(c) for c in counts)


def _meeting_days(cfg):
    """The small scenario's population (seed 0) and its numpy `MeetingDays`, with a ledger."""
    from sim.model.days import MeetingDays
    from sim.model.ledger import Ledger
    from sim.model.population import build_population

    pop = build_population(cfg.scenario, np.random.default_rng(0))
    dl, sh = pop.delegations, pop.stakeholders
    weights = cfg.behaviour.stakeholder_weight * sh.capacity[:, None] * sh.salience
    days = MeetingDays(cfg, pop, dl.expertise[:, None] * dl.salience, weights)
    n = len(dl.salience)
    ledger = Ledger(remaining_usd=np.ones(n), fund_remaining_usd=0.0, n_stakeholders=len(sh))
    return pop, days, ledger


def _plan(delegates, in_person_days, remote):
    from sim.model.attendance import AttendancePlan

    n = len(delegates)
    return AttendancePlan(
        delegates=np.asarray(delegates),
        in_person_days=np.asarray(in_person_days),
        funded=np.zeros(n, dtype=np.int64),
        remote=np.asarray(remote, dtype=bool),
        own_cost_usd=np.zeros(n),
        contribution_usd=np.zeros(n),
        fund_cost_usd=0.0,
    )


def _sit_at_random(days, plan, tiers, squeeze, ledger, work_left, seed):
    """Sit one meeting on a text and positions drawn with `seed`: the counts these tests
    check do not depend on where anyone stands."""
    rng = np.random.default_rng(seed)
    k = len(work_left)
    text, positions = rng.random(k), rng.random((days.n_delegations, k))
    return days.sit(plan, tiers, squeeze, None, text, positions, ledger, work_left)


def test_a_meetings_days_count_delegate_days_online_days_and_night_sittings(small):
    """Numpy kernels, hybrid, a 3-day meeting with every issue in the plenary, night
    sittings adding half a day, no crowding (`room_size` off, pace 1). Delegation 0 sends
    2 delegates all 3 days, delegation 1 one delegate on the last day and follows the
    other two online, delegation 2 only follows online, the rest stay away. So:
    delegate-days 2 x 3 = 6 and 1 x 1 = 1 (each day adds its delegates); days online
    0, 2, 3 and none for those who neither came nor followed; each plenary day lasts
    1 + 0.5 = 1.5 days at pace 1, so the work left on each of the k issues falls by
    3 x 1.5 / k."""
    from sim.model.process import PLENARY, Compression, TierPlan

    cfg = small("funding=hybrid", "channels.room_size=false")
    assert cfg.scenario.calendar.days == 3 and cfg.funding.remote_participation
    pop, days, ledger = _meeting_days(cfg)
    n, k = pop.delegations.ideal.shape
    rest = n - 3
    plan = _plan(
        [2, 1, 0] + [0] * rest, [3, 1, 0] + [0] * rest, [False, True, True] + [False] * rest
    )
    tiers = TierPlan(
        informal=np.array([], dtype=np.int64),
        friends=np.array([], dtype=np.int64),
        plenary=np.arange(k),
    )
    work_left = np.full(k, 10.0)
    work = _sit_at_random(days, plan, tiers, Compression(1, 0.5, 1.0), ledger, work_left, 1)
    assert ledger.days_held == 3
    np.testing.assert_array_equal(ledger.delegate_days, [6, 1, 0] + [0] * rest)
    np.testing.assert_array_equal(ledger.in_person_days, [3, 1, 0] + [0] * rest)
    np.testing.assert_array_equal(ledger.remote_days, [0, 2, 3] + [0] * rest)
    np.testing.assert_array_equal(ledger.present_days, [3, 3, 3] + [0] * rest)
    assert work.pace[PLENARY] == [1.0, 1.0, 1.0]
    np.testing.assert_allclose(work_left, 10.0 - 3 * 1.5 / k)


def test_the_last_days_plenary_takes_stock_and_informal_rooms_sit_on_the_chairs_tracks(small):
    """Numpy kernels, a 5-day meeting with all 4 issues in informal rooms, one track at a
    time (the chair's `Compression`, though the design allows 2), the last day kept for
    stocktaking, no crowding and no night sittings. Days 0 to 3 sit one informal room
    each, on issues 0 to 3 in turn (the rotation); day 4, whose rotation is day 0's, the
    plenary takes stock with the 4 issues before it. So 4 informal room-days and 1
    plenary day; the work left on each issue falls by 1 on its own day and by 1/4 at the
    stocktaking: 10 - 1.25 = 8.75."""
    from sim.model.process import INFORMAL, PLENARY, Compression, TierPlan

    cfg = small(
        "scenario.calendar.days=5", "process.stocktaking_days=1", "channels.room_size=false"
    )
    assert cfg.process.max_parallel_rooms == 2
    pop, days, ledger = _meeting_days(cfg)
    n, k = pop.delegations.ideal.shape
    assert k == 4
    plan = _plan(np.full(n, 2), np.full(n, 5), np.zeros(n))
    tiers = TierPlan(
        informal=np.arange(4),
        friends=np.array([], dtype=np.int64),
        plenary=np.array([], dtype=np.int64),
    )
    work_left = np.full(k, 10.0)
    work = _sit_at_random(days, plan, tiers, Compression(1, 0.0, 1.0), ledger, work_left, 2)
    assert ledger.informal_room_days == 4 and work.closed_room_days == 4
    assert work.pace[INFORMAL] == [1.0] * 4 and work.pace[PLENARY] == [1.0]
    np.testing.assert_allclose(work_left, 8.75)


def test_an_empty_room_does_not_keep_the_rooms_after_it_from_sitting(small):
    """Numpy kernels, one day's rooms: the 4 issues in 4 informal rooms sitting at once,
    no crowding, no night sittings. Only one delegation comes, with one delegate, who sits
    in the room of the issue it weighs most, the last one (issue 3): the rooms on issues
    0 to 2 are empty and the one it is in still sits, alone: the text there moves
    `step_informal` of the way to its position, t + 0.256 (x - t); the rest stays."""
    from sim.model.process import Compression, TierPlan

    cfg = small("scenario.calendar.days=1", "channels.room_size=false")
    pop, days, ledger = _meeting_days(cfg)
    n, k = pop.delegations.ideal.shape
    salience = pop.delegations.salience
    lone = int(np.flatnonzero(salience.argmax(axis=1) == k - 1)[0])
    delegates = np.zeros(n, dtype=np.int64)
    delegates[lone] = 1
    plan = _plan(delegates, delegates, np.zeros(n))
    tiers = TierPlan(
        informal=np.arange(k),
        friends=np.array([], dtype=np.int64),
        plenary=np.array([], dtype=np.int64),
    )
    text = np.full(k, 0.5)
    positions = np.random.default_rng(3).random((n, k))
    days.sit(plan, tiers, Compression(k, 0.0, 1.0), None, text, positions, ledger, np.ones(k))
    step = cfg.process.step_informal
    x = positions[lone, k - 1]
    np.testing.assert_array_equal(text[:-1], 0.5)
    assert text[-1] == pytest.approx(0.5 + step * (x - 0.5), abs=1e-15)
    assert ledger.informal_room_days == k


def test_without_a_choice_the_kernels_are_the_environments_else_compiled(no_kernel_env):
    assert resolve_kernels() == "compiled"
    no_kernel_env.setenv("SIM_KERNELS", "numpy")
    assert resolve_kernels() == "numpy"
    assert resolve_kernels("compiled") == "compiled"  # a choice made wins


def test_an_unknown_kernel_name_is_refused_naming_the_choices_and_the_name(no_kernel_env):
    with pytest.raises(ValueError, match=r"one of numpy, compiled, not 'fortran'"):
        resolve_kernels("fortran")


@pytest.mark.parametrize("env", ["numpy", "compiled"])
def test_a_runs_mechanisms_are_those_of_the_kernels_asked_for(no_kernel_env, small_config, env):
    """The kernels asked for decide, whatever `SIM_KERNELS` says."""
    from sim.model.compiled.mechanisms import CompiledMechanisms
    from sim.model.mechanisms import Mechanisms

    no_kernel_env.setenv("SIM_KERNELS", env)
    model = Negotiation(small_config, seed=0)
    parts = (small_config, model.population, model.stakeholder_weights)
    assert type(mechanisms("numpy", *parts)) is Mechanisms
    assert type(mechanisms("compiled", *parts)) is CompiledMechanisms
