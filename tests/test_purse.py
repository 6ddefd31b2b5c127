"""The process's purse: what meetings cost, what the budget still pays, who shares the bill."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.model.purse import Purse, affordable_meetings


@pytest.mark.parametrize(
    ("planned_left", "remaining", "per_meeting", "expected"),
    [
        (5, 10e6, 1e6, 5),  # the calendar binds
        (5, 3.5e6, 1e6, 3),  # the budget binds
        (5, 3e6 - 1e-7, 1e6, 3),  # rounding never loses a meeting the budget pays
        (5, 0.0, 1e6, 0),
        (4, 0.0, 0.0, 4),  # free meetings: only the calendar
        (0, 10e6, 1e6, 0),
        (6, math.inf, 1e6, 6),  # no budget limit (the unhurried counterfactual)
    ],
)
def test_affordable_meetings(planned_left, remaining, per_meeting, expected):
    assert affordable_meetings(planned_left, remaining, per_meeting) == expected


def test_meetings_are_paid_until_the_budget_runs_out():
    purse = Purse(meeting_usd=1e6, budget_usd=2.5e6)
    held = 0
    while purse.can_afford_meeting():
        purse.settle(purse.meeting_usd, 0.0)
        held += 1
    assert held == 2
    assert purse.remaining_usd == pytest.approx(0.5e6)
    assert purse.process_cost_usd == pytest.approx(2e6)
    assert purse.spent_share() == pytest.approx(0.8)


def test_an_authorised_extension_brings_one_meeting_of_new_money():
    purse = Purse(meeting_usd=1e6, budget_usd=1e6, extension_authorised=True)
    purse.settle(1e6, 0.0)
    assert not purse.can_afford_meeting()
    purse.authorise_extension()
    assert purse.can_afford_meeting()
    assert purse.authorised_usd == 1e6
    purse.settle(1e6, 0.0)
    assert purse.spent_share() == pytest.approx(1.0)  # spent of budget + authorisations


def test_without_authorisation_an_extension_brings_no_money():
    purse = Purse(meeting_usd=1e6, budget_usd=1e6, extension_authorised=False)
    purse.authorise_extension()
    assert purse.remaining_usd == 1e6 and purse.authorised_usd == 0.0


def test_contributions_reduce_what_the_process_pays():
    purse = Purse(meeting_usd=1e6, budget_usd=5e6, cost_sharing_share=0.5)
    purse.settle(1e6, 4e5)
    assert purse.remaining_usd == pytest.approx(4.4e6)
    assert purse.spent_usd == pytest.approx(6e5)
    assert purse.contributions_usd == pytest.approx(4e5)


def test_unlimited_purse_never_binds_and_feels_no_budget_pressure():
    purse = Purse(meeting_usd=1e6, budget_usd=math.inf)
    for _ in range(50):
        purse.settle(1e6, 0.0)
    assert purse.can_afford_meeting()
    assert purse.spent_share() == 0.0
    assert purse.affordable_meetings(7) == 7


@pytest.mark.parametrize("mode", ["flat", "capacity"])
def test_cost_shares_add_up_to_the_shared_part_of_a_meeting(mode):
    budgets = np.array([1e5, 3e5, 6e5])
    purse = Purse(1e6, 1e7, cost_sharing_share=0.25, cost_sharing_mode=mode)
    shares = purse.cost_shares(budgets)
    assert shares.sum() == pytest.approx(2.5e5)
    if mode == "flat":
        np.testing.assert_allclose(shares, 2.5e5 / 3)
    else:
        np.testing.assert_allclose(shares, 2.5e5 * budgets / budgets.sum())


def test_no_cost_sharing_asks_nothing():
    assert not Purse(1e6, 1e7).cost_shares(np.ones(4)).any()


def test_zero_budgets_share_capacity_costs_equally():
    shares = Purse(1e6, 1e7, cost_sharing_share=0.4, cost_sharing_mode="capacity").cost_shares(
        np.zeros(4)
    )
    np.testing.assert_allclose(shares, 1e5)


# ----------------------------------------------------------------- hand-checked cases
# Each kills a mutant that survived `make mutate` (docs/testing.md).


def test_authorisations_and_contributions_accumulate():
    purse = Purse(100.0, 200.0, extension_authorised=True)
    purse.settle(100.0, 10.0)
    purse.settle(100.0, 20.0)
    assert purse.contributions_usd == pytest.approx(30.0)
    assert purse.spent_usd == pytest.approx(170.0)
    assert purse.remaining_usd == pytest.approx(30.0)
    purse.authorise_extension()
    purse.authorise_extension()
    assert purse.authorised_usd == pytest.approx(200.0)
    # made available 200 + 200, left 30 + 200: spent 1 - 230/400
    assert purse.spent_share() == pytest.approx(1 - 230 / 400)


def test_the_spent_share_of_small_and_empty_budgets():
    assert Purse(100.0, 0.0).spent_share() == 1.0
    assert Purse(100.0, 0.5).spent_share() == 0.0  # nothing spent of half a dollar


def test_a_meeting_half_a_dollar_short_cannot_be_afforded():
    assert not Purse(100.0, 99.5).can_afford_meeting()
    assert Purse(100.0, 100.0).can_afford_meeting()
    assert affordable_meetings(5, 1.5, 1.0) == 1  # a $1 meeting: one of five


def test_the_purse_of_a_run_shares_costs_as_the_funding_says():
    from dataclasses import replace

    from sim.config import SimConfig

    defaults = SimConfig()
    funding = replace(defaults.funding, cost_sharing_share=0.5, cost_sharing_mode="capacity")
    cfg = replace(defaults, funding=funding, cost=replace(defaults.cost, meeting_usd=100.0))
    purse = Purse.from_config(cfg)
    assert purse.cost_sharing_mode == "capacity"
    np.testing.assert_allclose(purse.cost_shares(np.array([1.0, 3.0])), [12.5, 37.5])


def test_cost_shares_of_one_dollar_and_of_budgets_below_one():
    np.testing.assert_allclose(
        Purse(100.0, 1e3, cost_sharing_share=0.01).cost_shares(np.ones(4)), [0.25] * 4
    )
    capacity = Purse(100.0, 1e3, cost_sharing_share=0.5, cost_sharing_mode="capacity")
    np.testing.assert_allclose(capacity.cost_shares(np.array([0.2, 0.3])), [20.0, 30.0])
    assert capacity.cost_shares(np.zeros(3)).shape == (3,)
