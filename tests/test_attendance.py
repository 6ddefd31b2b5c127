"""Attendance decisions, budgets, the trust fund and cost sharing."""

from __future__ import annotations

import math
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.config import INCOME_GROUPS, CostConfig, FundingConfig, SimConfig
from sim.model.attendance import MeetingOutlook, meeting_allowance, plan_attendance
from sim.model.purse import Purse

money = st.floats(0.0, 2e6, allow_nan=False, allow_infinity=False)


# ----------------------------------------------------------------- meeting_allowance


@given(
    remaining=arrays(np.float64, st.integers(1, 20), elements=money),
    expected=st.integers(1, 12),
    data=st.data(),
    lateness=st.floats(0.0, 5.0),
)
def test_meeting_allowance_never_exceeds_remaining(remaining, expected, data, lateness):
    meeting = data.draw(st.integers(0, expected + 3))
    allowance = meeting_allowance(remaining, meeting, expected, lateness)
    assert allowance.shape == remaining.shape
    assert (allowance >= 0).all()
    assert (allowance <= remaining).all()
    if meeting >= expected - 1:  # the last expected meeting and any extension: everything
        np.testing.assert_array_equal(allowance, remaining)


@given(expected=st.integers(1, 12), lateness=st.floats(0.0, 5.0))
def test_spending_each_allowance_uses_the_budget_exactly_by_the_last_meeting(expected, lateness):
    remaining = np.array([1.0e5, 3.3e4, 0.0])
    spent = []
    for m in range(expected):
        a = meeting_allowance(remaining, m, expected, lateness)
        spent.append(a)
        remaining = remaining - a
    np.testing.assert_allclose(remaining, 0.0, atol=1e-9)
    np.testing.assert_allclose(np.sum(spent, axis=0), [1.0e5, 3.3e4, 0.0], rtol=1e-12)
    if expected > 1 and lateness > 0.01:
        # later meetings weigh more: the allowance grows from meeting to meeting
        assert spent[-1][0] > spent[0][0]


def test_meeting_allowance_without_lateness_splits_evenly():
    remaining = np.array([800.0])
    for m in range(4):
        a = meeting_allowance(remaining, m, 4, 0.0)
        assert a[0] == pytest.approx(200.0)
        remaining = remaining - a


# ----------------------------------------------------------------- plan_attendance


def _plan(
    n=6,
    budget0=None,
    remaining=None,
    staff=None,
    income=None,
    ldc=None,
    stakes=None,
    meeting_index=1,
    expected=6,
    days=5,
    fund_remaining=0.0,
    cost=None,
    funding=None,
    attendance_base=0.5,
    stakes_gain=1.5,
    lateness=1.0,
    progress_gain=0.5,
):
    rng = np.random.default_rng(0)
    budget0 = rng.uniform(1e4, 5e5, n) if budget0 is None else budget0
    cost = CostConfig() if cost is None else cost
    funding = FundingConfig() if funding is None else funding
    purse = Purse(
        cost.meeting_usd,
        math.inf,
        cost_sharing_share=funding.cost_sharing_share,
        cost_sharing_mode=funding.cost_sharing_mode,
    )
    members = SimpleNamespace(
        budget_usd=budget0,
        staff=rng.integers(1, 8, n) if staff is None else staff,
        income=np.arange(n) % 4 if income is None else income,
        ldc=np.zeros(n, dtype=bool) if ldc is None else ldc,
    )
    outlook = MeetingOutlook(
        meeting_index=meeting_index,
        expected=expected,
        remaining_usd=budget0.copy() if remaining is None else remaining,
        stakes=rng.random(n) * 0.3 if stakes is None else stakes,
        cost_share_usd=purse.cost_shares(budget0),
        fund_remaining_usd=fund_remaining,
    )
    defaults = SimConfig()
    cfg = replace(
        defaults,
        cost=cost,
        funding=funding,
        scenario=replace(
            defaults.scenario, calendar=replace(defaults.scenario.calendar, days=days)
        ),
        behaviour=replace(
            defaults.behaviour,
            attendance_base=attendance_base,
            attendance_stakes_gain=stakes_gain,
            lateness_weight=lateness,
            attendance_progress_gain=progress_gain,
        ),
    )
    return plan_attendance(outlook, members, cfg)


@st.composite
def attendance_case(draw):
    n = draw(st.integers(1, 25))
    budget0 = draw(arrays(np.float64, n, elements=st.floats(0.0, 1e6)))
    share = draw(arrays(np.float64, n, elements=st.floats(0.0, 1.0)))
    eligible = draw(st.lists(st.sampled_from([*INCOME_GROUPS, "LDC"]), max_size=3, unique=True))
    funding = FundingConfig(
        trust_fund_usd=0.0,
        trust_fund_delegates=draw(st.integers(0, 4)),
        trust_fund_eligible=eligible,
        remote_participation=draw(st.booleans()),
        remote_day_usd=draw(st.floats(0.0, 200.0)),
        cost_sharing_share=draw(st.sampled_from([0.0, 0.25, 1.0])),
        cost_sharing_mode=draw(st.sampled_from(["flat", "capacity"])),
    )
    cost = CostConfig(
        meeting_usd=draw(st.sampled_from([0.0, 2e5, 1e6, 5e6])),
        delegate_day_usd=draw(st.sampled_from([0.0, 1.0, 333.3, 600.0, 2500.0])),
    )
    expected = draw(st.integers(1, 10))
    return dict(
        n=n,
        budget0=budget0,
        remaining=budget0 * share,
        staff=draw(arrays(np.int64, n, elements=st.integers(1, 15))),
        income=draw(arrays(np.int64, n, elements=st.integers(0, 3))),
        ldc=draw(arrays(np.bool_, n)),
        stakes=draw(arrays(np.float64, n, elements=st.floats(0.0, 1.0))),
        meeting_index=draw(st.integers(0, expected + 1)),
        expected=expected,
        days=draw(st.integers(1, 15)),
        fund_remaining=draw(st.sampled_from([0.0, 1e3, 5e4, 1.5e6, 1e9])),
        cost=cost,
        funding=funding,
        attendance_base=draw(st.floats(0.0, 1.0)),
        stakes_gain=draw(st.floats(0.0, 5.0)),
        lateness=draw(st.floats(0.0, 3.0)),
        progress_gain=draw(st.floats(0.0, 1.0)),
    )


@given(case=attendance_case())
def test_plan_attendance_invariants(case):
    plan = _plan(**case)
    n, days, staff = case["n"], case["days"], case["staff"]
    remaining, cost, funding = case["remaining"], case["cost"], case["funding"]
    # never plans to spend more than a delegation has left
    assert (plan.own_cost_usd >= 0).all()
    assert (plan.own_cost_usd <= remaining * (1 + 1e-12) + 1e-9).all()
    # delegates within 0..staff; funded seats among them; days within the meeting
    assert (plan.delegates >= 0).all()
    assert (plan.delegates <= staff).all()
    assert ((plan.funded >= 0) & (plan.funded <= plan.delegates)).all()
    assert ((plan.in_person_days >= 0) & (plan.in_person_days <= days)).all()
    np.testing.assert_array_equal(plan.delegates > 0, plan.in_person_days > 0)
    # the trust fund pays only for eligible delegations and never beyond its money
    groups = [INCOME_GROUPS.index(g) for g in funding.trust_fund_eligible if g != "LDC"]
    eligible = np.isin(case["income"], groups)
    if "LDC" in funding.trust_fund_eligible:
        eligible |= case["ldc"]
    assert (plan.funded[~eligible] == 0).all()
    assert (plan.funded <= funding.trust_fund_delegates).all()
    assert plan.fund_cost_usd <= case["fund_remaining"] + 1e-6
    assert plan.fund_cost_usd == pytest.approx(plan.funded.sum() * days * cost.delegate_day_usd)
    # remote participation only under the hybrid design, and never on in-person days only
    if not funding.remote_participation:
        assert not plan.remote.any()
    assert (plan.in_person_days[plan.remote] < days).all()
    # cost-sharing contributions only from delegations that attend
    assert (plan.contribution_usd[plan.delegates == 0] == 0).all()
    assert (plan.contribution_usd <= plan.own_cost_usd + 1e-9).all()
    assert plan.delegates.shape == plan.funded.shape == plan.remote.shape == (n,)


def test_rich_delegations_send_up_to_staff_and_broke_ones_stay_home():
    n = 8
    budget0 = np.where(np.arange(n) < 4, 1e9, 0.0)
    staff = np.full(n, 5)
    plan = _plan(n=n, budget0=budget0, staff=staff, stakes=np.ones(n), attendance_base=1.0)
    np.testing.assert_array_equal(plan.delegates, [5, 5, 5, 5, 0, 0, 0, 0])
    np.testing.assert_array_equal(plan.in_person_days, [5, 5, 5, 5, 0, 0, 0, 0])


def test_too_poor_for_a_whole_meeting_sends_one_delegate_for_the_last_days():
    cost = CostConfig(delegate_day_usd=100.0)
    remaining = np.array([350.0])
    plan = _plan(
        n=1,
        budget0=remaining,
        remaining=remaining,
        staff=np.array([3]),
        cost=cost,
        days=10,
        meeting_index=5,
        expected=6,
    )
    assert plan.delegates[0] == 1
    assert plan.in_person_days[0] == 3
    assert plan.own_cost_usd[0] == pytest.approx(300.0)


def test_trust_fund_seats_only_for_eligible_groups_poorest_first():
    n = 8
    income = np.array([0, 1, 2, 3, 2, 3, 0, 1])  # HIC UMIC LMIC LIC LMIC LIC HIC UMIC
    budget0 = np.zeros(n)  # nobody can pay their own way
    staff = np.full(n, 4)
    days, day_usd = 5, 600.0
    funding = FundingConfig(trust_fund_delegates=2, trust_fund_eligible=["LIC", "LMIC"])
    cost = CostConfig(delegate_day_usd=day_usd)
    plan = _plan(
        n=n,
        budget0=budget0,
        staff=staff,
        income=income,
        days=days,
        funding=funding,
        cost=cost,
        fund_remaining=1e9,
    )
    eligible = np.isin(income, [2, 3])
    np.testing.assert_array_equal(plan.funded, np.where(eligible, 2, 0))
    np.testing.assert_array_equal(plan.delegates, np.where(eligible, 2, 0))
    assert plan.fund_cost_usd == pytest.approx(4 * 2 * days * day_usd)
    assert (plan.own_cost_usd == 0).all()

    # money for three seats: the poorest eligible delegation gets its two, and the
    # next one none (two more would overspend the fund)
    budget0 = np.array([0.0, 0.0, 900.0, 50.0, 10.0, 700.0, 0.0, 0.0])
    plan = _plan(
        n=n,
        budget0=budget0,
        remaining=np.zeros(n),
        staff=staff,
        income=income,
        days=days,
        funding=funding,
        cost=cost,
        fund_remaining=3 * days * day_usd,
    )
    np.testing.assert_array_equal(plan.funded, [0, 0, 0, 0, 2, 0, 0, 0])
    assert plan.fund_cost_usd == pytest.approx(2 * days * day_usd)


def test_trust_fund_ldc_eligibility():
    n = 4
    funding = FundingConfig(trust_fund_delegates=1, trust_fund_eligible=["LDC"])
    ldc = np.array([False, True, False, True])
    plan = _plan(
        n=n,
        budget0=np.zeros(n),
        income=np.array([0, 1, 2, 3]),
        ldc=ldc,
        staff=np.full(n, 2),
        funding=funding,
        fund_remaining=1e9,
    )
    np.testing.assert_array_equal(plan.funded, [0, 1, 0, 1])


def test_empty_or_disabled_trust_fund_pays_nothing():
    funding = FundingConfig(trust_fund_delegates=2)
    for fund in (0.0, 100.0):  # 100 USD does not buy one delegate-meeting
        plan = _plan(n=12, budget0=np.zeros(12), funding=funding, fund_remaining=fund)
        assert plan.funded.sum() == 0
        assert plan.fund_cost_usd == 0.0


def test_cost_sharing_flat_is_equal_per_member_state():
    n = 6
    funding = FundingConfig(cost_sharing_share=0.5, cost_sharing_mode="flat")
    cost = CostConfig(meeting_usd=1.2e6)
    budget0 = np.array([1e7, 2e7, 3e6, 4e6, 5e6, 6e6])
    plan = _plan(n=n, budget0=budget0, funding=funding, cost=cost, meeting_index=5, expected=6)
    assert (plan.delegates > 0).all()
    np.testing.assert_allclose(plan.contribution_usd, 0.5 * 1.2e6 / n)
    assert plan.contribution_usd.sum() == pytest.approx(0.5 * 1.2e6)


def test_cost_sharing_capacity_is_proportional_to_budget():
    n = 6
    funding = FundingConfig(cost_sharing_share=0.5, cost_sharing_mode="capacity")
    cost = CostConfig(meeting_usd=1.2e6)
    budget0 = np.array([1e7, 2e7, 3e6, 4e6, 5e6, 6e6])
    plan = _plan(n=n, budget0=budget0, funding=funding, cost=cost, meeting_index=5, expected=6)
    assert (plan.delegates > 0).all()
    np.testing.assert_allclose(plan.contribution_usd, 0.5 * 1.2e6 * budget0 / budget0.sum())
    assert plan.contribution_usd.sum() == pytest.approx(0.5 * 1.2e6)


def test_cost_sharing_keeps_out_those_who_cannot_pay_their_share():
    n = 4
    funding = FundingConfig(cost_sharing_share=1.0, cost_sharing_mode="flat")
    cost = CostConfig(meeting_usd=4e5, delegate_day_usd=10.0)  # share = 1e5 each
    budget0 = np.array([1e6, 1e6, 5e4, 5e4])
    plan = _plan(n=n, budget0=budget0, funding=funding, cost=cost, meeting_index=5, expected=6)
    np.testing.assert_array_equal(plan.delegates[2:], [0, 0])
    assert (plan.own_cost_usd[2:] == 0).all()
    assert (plan.delegates[:2] > 0).all()


def test_no_cost_sharing_means_no_contribution():
    plan = _plan()
    assert (plan.contribution_usd == 0).all()


def test_hybrid_lets_those_short_of_days_follow_remotely():
    funding = FundingConfig(remote_participation=True, remote_day_usd=30.0)
    cost = CostConfig(delegate_day_usd=100.0)
    remaining = np.array([350.0, 1e6])
    plan = _plan(
        n=2,
        budget0=remaining,
        remaining=remaining,
        staff=np.array([2, 2]),
        cost=cost,
        funding=funding,
        days=10,
        meeting_index=5,
        expected=6,
        stakes=np.ones(2),
    )
    # the poor one is in person 3 days and cannot pay 7 remote days after that: 350 - 300 < 210
    assert plan.in_person_days[0] == 3
    assert not plan.remote[0]
    assert not plan.remote[1]  # in person all meeting: nothing to follow remotely

    remaining = np.array([40.0, 1e6])
    plan = _plan(
        n=2,
        budget0=remaining,
        remaining=remaining,
        staff=np.array([2, 2]),
        cost=cost,
        funding=funding,
        days=1,
        meeting_index=5,
        expected=6,
        stakes=np.ones(2),
    )
    assert plan.delegates[0] == 0
    assert plan.remote[0]
    assert plan.own_cost_usd[0] == pytest.approx(30.0)


def test_delegates_wanted_round_half_up_so_a_one_person_delegation_may_stay_home():
    """want x staff rounds half up: 0.45 of one delegate is nobody, 0.55 is one."""
    budget0 = np.full(4, 1e9)
    staff = np.array([1, 1, 4, 4])
    stakes = np.zeros(4)
    plan = _plan(
        n=4,
        budget0=budget0,
        staff=staff,
        stakes=stakes,
        attendance_base=0.45,
        progress_gain=0.0,
    )
    np.testing.assert_array_equal(plan.delegates, [0, 0, 2, 2])  # 0.45 -> 0; 1.8 -> 2
    assert (plan.in_person_days[:2] == 0).all() and (plan.own_cost_usd[:2] == 0).all()
    plan = _plan(
        n=4,
        budget0=budget0,
        staff=staff,
        stakes=stakes,
        attendance_base=0.55,
        progress_gain=0.0,
    )
    np.testing.assert_array_equal(plan.delegates, [1, 1, 2, 2])  # 2.2 -> 2


def test_progress_gain_sets_how_delegations_grow_toward_the_end():
    """The share of staff sent rises by progress_gain between the first and last meeting."""
    staff = np.full(3, 10)
    kwargs = dict(
        n=3, budget0=np.full(3, 1e9), staff=staff, stakes=np.zeros(3), attendance_base=0.2
    )
    first = _plan(meeting_index=0, expected=6, progress_gain=0.6, **kwargs)
    last = _plan(meeting_index=5, expected=6, progress_gain=0.6, **kwargs)
    flat = _plan(meeting_index=5, expected=6, progress_gain=0.0, **kwargs)
    np.testing.assert_array_equal(first.delegates, 2)
    np.testing.assert_array_equal(last.delegates, 8)
    np.testing.assert_array_equal(flat.delegates, 2)


# ----------------------------------------------------------------- hand-checked cases
# Each kills a mutant that survived `make mutate` (docs/testing.md). One meeting, the
# last expected (so the whole remaining budget is available), five days at $600 a
# delegate-day: a delegate for the whole meeting costs $3,000.


def _case(
    staff,
    remaining,
    *,
    income=None,
    ldc=None,
    contribution=0.0,
    fund=0.0,
    base=1.0,
    funding=None,
):
    n = len(staff)
    remaining = np.asarray(remaining, dtype=float)
    members = SimpleNamespace(
        budget_usd=remaining.copy(),
        staff=np.asarray(staff, dtype=np.int64),
        income=np.full(n, INCOME_GROUPS.index("HIC")) if income is None else np.asarray(income),
        ldc=np.zeros(n, dtype=bool) if ldc is None else np.asarray(ldc),
    )
    outlook = MeetingOutlook(
        meeting_index=0,
        expected=1,
        remaining_usd=remaining,
        stakes=np.zeros(n),
        cost_share_usd=np.full(n, float(contribution)),
        fund_remaining_usd=fund,
    )
    defaults = SimConfig()
    cfg = replace(
        defaults,
        cost=CostConfig(delegate_day_usd=600.0),
        funding=FundingConfig() if funding is None else funding,
        scenario=replace(defaults.scenario, calendar=replace(defaults.scenario.calendar, days=5)),
        behaviour=replace(
            defaults.behaviour,
            attendance_base=base,
            attendance_stakes_gain=0.0,
            attendance_progress_gain=0.0,
        ),
    )
    return plan_attendance(outlook, members, cfg)


def test_the_plan_counts_delegates_and_days_in_whole_numbers():
    plan = _case([1, 3], [700.0, 1e6])  # one partial delegate, one full delegation
    for counts in (plan.delegates, plan.in_person_days, plan.funded):
        assert counts.dtype == np.int64
    np.testing.assert_array_equal(plan.delegates, [1, 3])
    np.testing.assert_array_equal(plan.in_person_days, [1, 5])


def test_a_delegation_that_can_pay_one_day_sends_one_delegate_for_the_last_day():
    plan = _case([1], [700.0])  # $700: no whole meeting, one $600 day
    np.testing.assert_array_equal(plan.delegates, [1])
    np.testing.assert_array_equal(plan.in_person_days, [1])
    np.testing.assert_allclose(plan.own_cost_usd, [600.0])


def test_remote_access_for_the_other_days_when_the_rest_pays_for_them_exactly():
    """$700: one day in person ($600), the other four days remote at $25: $100, all that
    is left, so it follows them remotely; at $26 a day it cannot."""
    fits = _case([1], [700.0], funding=FundingConfig(remote_participation=True, remote_day_usd=25))
    assert fits.remote.tolist() == [True]
    np.testing.assert_allclose(fits.own_cost_usd, [700.0])
    short = _case([1], [700.0], funding=FundingConfig(remote_participation=True, remote_day_usd=26))
    assert short.remote.tolist() == [False]


def test_the_cost_share_comes_out_of_the_money_for_delegates():
    """$3,500 less a $1,000 share leaves $2,500: not a whole meeting ($3,000), four days."""
    plan = _case([1], [3500.0], contribution=1000.0)
    np.testing.assert_array_equal(plan.in_person_days, [4])
    np.testing.assert_allclose(plan.own_cost_usd, [4 * 600.0 + 1000.0])


def test_the_trust_fund_pays_for_a_seat_it_can_afford_exactly():
    lic = [INCOME_GROUPS.index("LIC")]
    one_seat = FundingConfig(trust_fund_delegates=1)
    assert _case([1], [0.0], income=lic, fund=3000.0, funding=one_seat).funded.tolist() == [1]
    assert _case([1], [0.0], income=lic, fund=2999.5, funding=one_seat).funded.tolist() == [0]


def test_least_developed_countries_are_eligible_besides_the_income_groups():
    income = [INCOME_GROUPS.index(g) for g in ("LIC", "HIC", "HIC")]
    funding = FundingConfig(trust_fund_delegates=1, trust_fund_eligible=["LIC", "LDC"])
    plan = _case(
        [2, 2, 2], [0.0] * 3, income=income, ldc=[False, True, False], fund=1e6, funding=funding
    )
    np.testing.assert_array_equal(plan.funded, [1, 1, 0])


def test_a_delegation_pays_for_the_delegates_it_wants_beyond_the_funded_ones():
    """Staff 4, want 0.5: two delegates; the fund pays one, the delegation the other."""
    lic = [INCOME_GROUPS.index("LIC")]
    funding = FundingConfig(trust_fund_delegates=1)
    plan = _case([4], [1e6], income=lic, fund=1e6, base=0.5, funding=funding)
    np.testing.assert_array_equal(plan.funded, [1])
    np.testing.assert_array_equal(plan.delegates, [2])
    np.testing.assert_allclose(plan.own_cost_usd, [3000.0])


def test_the_allowance_weighs_meetings_by_lateness_over_the_expected_ones():
    """Lateness 1: three meetings weigh 1, 1.5, 2 (the first gets 900/4.5 = 200); two
    weigh 1, 2 (the first gets 300)."""
    assert meeting_allowance(np.array([900.0]), 0, 3, 1.0)[0] == pytest.approx(200.0)
    assert meeting_allowance(np.array([900.0]), 0, 2, 1.0)[0] == pytest.approx(300.0)
