"""Tabling and adoption: consensus among those present, votes, and the decision rules."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.model.decision import (
    accommodation_move,
    acquiescing,
    amendment_votes,
    blocking_power,
    decide,
    objections,
    unfinished_share,
    vote_passes,
    votes,
)
from tests.shared import TWO_THIRDS

RULES = ("consensus_then_vote", "consensus_only", "two_thirds_vote")


def _decide(rule, present, objecting, *, final=True, abstaining=None, margin=0.25):
    """Delegations object at distance 1 from a reservation of 0.5; abstainers sit just over."""
    present = np.asarray(present, dtype=bool)
    objecting = np.asarray(objecting, dtype=bool)
    n = len(present)
    reservation = np.full(n, 0.5)
    distance = np.where(objecting, 1.0, 0.1)
    if abstaining is not None:
        distance = np.where(np.asarray(abstaining, dtype=bool), 0.55, distance)
    return decide(
        rule=rule,
        final=final,
        present=present,
        distance=distance,
        reservation=reservation,
        vote_threshold=TWO_THIRDS,
        abstain_margin=margin,
    )


def test_objections_are_distance_beyond_reservation():
    np.testing.assert_array_equal(
        objections(np.array([0.1, 0.5, 0.51]), np.array([0.2, 0.5, 0.5])), [False, False, True]
    )


@pytest.mark.parametrize("rule", RULES)
def test_no_present_objector_is_consensus(rule):
    d = _decide(rule, [1, 1, 1, 0], [0, 0, 0, 0], final=False)
    assert d.adopted_by == "consensus"
    assert (d.objectors, d.absent, d.yes, d.no, d.abstain) == (0, 1, 3, 0, 0)


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("final", [False, True])
def test_one_present_objector_blocks_consensus(rule, final):
    present = [1] * 10
    objecting = [1] + [0] * 9
    d = _decide(rule, present, objecting, final=final)
    assert d.adopted_by != "consensus"
    assert d.objectors == 1


@pytest.mark.parametrize("rule", RULES)
def test_an_absent_objector_cannot_block(rule):
    d = _decide(rule, [0, 1, 1, 1], [1, 0, 0, 0], final=False)
    assert d.adopted_by == "consensus"
    assert d.objectors == 0
    assert d.absent == 1


@pytest.mark.parametrize("rule", RULES)
def test_nobody_present_adopts_nothing(rule):
    d = _decide(rule, [0, 0, 0], [0, 0, 0], final=True)
    assert d.adopted_by is None
    assert d.absent == 3


def test_consensus_only_never_votes():
    # 9 in favour, 1 against: a vote would pass, but consensus_only never votes
    for final in (False, True):
        d = _decide("consensus_only", [1] * 10, [1] + [0] * 9, final=final)
        assert d.adopted_by is None


def test_consensus_then_vote_votes_only_at_the_final_meeting():
    present, objecting = [1] * 10, [1] + [0] * 9
    assert _decide("consensus_then_vote", present, objecting, final=False).adopted_by is None
    assert _decide("consensus_then_vote", present, objecting, final=True).adopted_by == "vote"


def test_two_thirds_vote_may_vote_at_any_tabling():
    d = _decide("two_thirds_vote", [1] * 10, [1] + [0] * 9, final=False)
    assert d.adopted_by == "vote"


def test_vote_needs_two_thirds_of_present_and_voting():
    # 6 yes, 3 no: exactly two thirds passes; 5 yes, 3 no (62.5%) fails
    d = _decide("two_thirds_vote", [1] * 9, [1, 1, 1] + [0] * 6)
    assert (d.yes, d.no) == (6, 3)
    assert d.adopted_by == "vote"
    d = _decide("two_thirds_vote", [1] * 8, [1, 1, 1] + [0] * 5)
    assert (d.yes, d.no) == (5, 3)
    assert d.adopted_by is None


def test_absent_delegations_do_not_count_in_the_vote():
    # 5 yes present, 3 no present, 4 absent objectors: 5/8 fails; absent are not "no"
    present = [1] * 8 + [0] * 4
    objecting = [1, 1, 1] + [0] * 5 + [1] * 4
    d = _decide("two_thirds_vote", present, objecting)
    assert (d.yes, d.no, d.absent) == (5, 3, 4)
    assert d.adopted_by is None
    # the same minus one present objector: 5/7 passes, whatever the absent think
    d = _decide("two_thirds_vote", present[1:], objecting[1:])
    assert (d.yes, d.no) == (5, 2)
    assert d.adopted_by == "vote"


def test_abstentions_are_excluded_from_the_vote():
    # 4 yes, 2 no, 4 abstain: 4 / (4 + 2) = two thirds passes (4 / 10 would not)
    present = [1] * 10
    objecting = [0] * 4 + [1] * 6
    abstaining = [0] * 6 + [1] * 4
    d = _decide("two_thirds_vote", present, objecting, abstaining=abstaining)
    assert (d.yes, d.no, d.abstain, d.objectors) == (4, 2, 4, 6)
    assert d.adopted_by == "vote"
    # with no abstain margin the same delegations vote no: 4 / 10 fails
    d = _decide("two_thirds_vote", present, objecting, abstaining=abstaining, margin=0.0)
    assert (d.yes, d.no, d.abstain) == (4, 6, 0)
    assert d.adopted_by is None


def test_vote_passes_threshold_arithmetic():
    assert vote_passes(2, 1, TWO_THIRDS)
    assert not vote_passes(1, 1, TWO_THIRDS)
    assert vote_passes(200, 100, TWO_THIRDS)
    assert not vote_passes(199, 101, TWO_THIRDS)
    assert not vote_passes(0, 0, TWO_THIRDS)  # nobody voting adopts nothing
    assert vote_passes(1, 0, 1.0)


@given(
    present=arrays(np.bool_, st.integers(1, 30)),
    data=st.data(),
    rule=st.sampled_from(RULES),
    final=st.booleans(),
)
def test_decision_counts_are_consistent(present, data, rule, final):
    n = len(present)
    distance = data.draw(arrays(np.float64, n, elements=st.floats(0, 1)))
    reservation = data.draw(arrays(np.float64, n, elements=st.floats(0, 1)))
    d = decide(
        rule=rule,
        final=final,
        present=present,
        distance=distance,
        reservation=reservation,
        vote_threshold=TWO_THIRDS,
        abstain_margin=0.25,
    )
    assert d.absent == n - present.sum()
    assert d.yes + d.no + d.abstain == present.sum()
    assert d.objectors == d.no + d.abstain
    assert d.objectors == int((present & (distance > reservation)).sum())
    if d.adopted_by == "consensus":
        assert d.objectors == 0 and present.any()
    if d.adopted_by == "vote":
        assert rule == "two_thirds_vote" or (rule == "consensus_then_vote" and final)
        assert d.yes >= TWO_THIRDS * (d.yes + d.no) - 1e-9
    if rule == "consensus_only":
        assert d.adopted_by != "vote"


# ----------------------------------------------------------------- hand-checked cases
# Each kills a mutant that survived `make mutate` (docs/testing.md).


def test_an_objector_exactly_at_the_abstain_margin_abstains():
    # reservation 0.5 x (1 + 0.5) = 0.75: at 0.75 it abstains
    objects, abstains, against = votes(np.ones(1, bool), np.array([0.75]), np.array([0.5]), 0.5)
    assert objects.tolist() == abstains.tolist() == [True] and against.tolist() == [False]


def _acq(present, distance, reservation, cost, rule="consensus_only", final=False):
    return acquiescing(
        rule=rule,
        final=final,
        present=np.asarray(present, bool),
        distance=np.asarray(distance, float),
        reservation=np.asarray(reservation, float),
        vote_threshold=TWO_THIRDS,
        abstain_margin=0.0,
        cost=cost,
    )


def test_an_objector_acquiesces_when_its_grievance_equals_the_cost_of_blocking():
    # grievance 0.75 / 0.5 - 1 = 0.5; isolation 1 - 1/2 = 0.5 at cost 1: 0.5 <= 0.5
    assert _acq([True, True], [0.75, 0.0], [0.5, 0.5], 1.0).tolist() == [True, False]


def test_alone_in_the_room_blocking_isolates_no_one():
    # the only one present: isolation 0, so no cost of blocking (cost 1.2 x 0 < 0.5)
    assert _acq([True], [0.75], [0.5], 1.2).tolist() == [False]


def test_futility_counts_the_votes_of_those_present_only():
    """Four present, two object (both vote no): 2 to 2 fails two thirds, no futility;
    isolation 0.5 at cost 0.8 is 0.4 < grievance 0.5: they block. The six absent would
    have made the vote pass, but absent states do not vote."""
    present = [True] * 4 + [False] * 6
    distance = [0.75, 0.75] + [0.0] * 8
    blocked = _acq(present, distance, [0.5] * 10, 0.8, "consensus_then_vote", True)
    assert not blocked.any()


def test_a_final_tabling_a_vote_would_carry_ends_in_consensus_with_objections():
    """Two of thirty object with grievance 0.7; at the final tabling under consensus then
    vote, blocking only forces a vote they lose: 0.5 x (28/30 + 1) = 0.97 > 0.7, so both
    acquiesce and the text is adopted by consensus, not by a vote."""
    distance = np.where(np.arange(30) < 2, 0.34, 0.1)
    decision = decide(
        rule="consensus_then_vote",
        final=True,
        present=np.ones(30, bool),
        distance=distance,
        reservation=np.full(30, 0.2),
        vote_threshold=TWO_THIRDS,
        abstain_margin=0.25,
        acquiescence_cost=0.5,
    )
    assert (decision.adopted_by, decision.acquiesced) == ("consensus", 2)


def _power(distance, reservation, acquiescent):
    n = len(distance)
    return blocking_power(
        rule="consensus_then_vote",
        present=np.ones(n, bool),
        distance=np.asarray(distance, float),
        reservation=np.asarray(reservation, float),
        vote_threshold=TWO_THIRDS,
        abstain_margin=0.0,
        consensus_value=0.3,
        shadow_of_vote=True,
        acquiescent=np.asarray(acquiescent, bool),
    )


def test_an_acquiescent_objector_has_no_power_when_the_vote_would_pass():
    # eight accept, two object: the vote passes; the one that acquiesces has no power
    power = _power([1.0, 1.0] + [0.0] * 8, [0.5] * 10, [True] + [False] * 9)
    np.testing.assert_allclose(power, [0.0, 0.3] + [0.0] * 8)


def test_the_chair_wins_over_the_blocking_objectors_cheapest_by_excess_first():
    """Four accept, six object and vote no: three must be won for 7 of 10. The cheapest
    (0.51 / 0.5) acquiesces, so it is not bought; of the others by distance / reservation
    (1.2, 4.0, 1.8, 1.6, 2.0) the chair buys 1.2, 1.6 and 1.8; the rest keep 0.3."""
    distance = [0.51, 0.6, 0.4, 0.9, 0.8, 1.0, 0.0, 0.0, 0.0, 0.0]
    reservation = [0.5, 0.5, 0.1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    power = _power(distance, reservation, [True] + [False] * 9)
    np.testing.assert_allclose(power, [0.0, 1.0, 0.3, 1.0, 1.0, 0.3, 0, 0, 0, 0])


def test_when_no_purchase_can_carry_the_vote_every_blocking_objector_is_pivotal():
    # three accept, five object and acquiesce, two block: won over, 5 to 5 still fails
    power = _power([1.0] * 7 + [0.0] * 3, [0.5] * 10, [True] * 5 + [False] * 5)
    np.testing.assert_allclose(power, [0.0] * 5 + [1.0, 1.0] + [0.0] * 3)


def test_the_draft_does_not_move_on_an_issue_the_holdouts_do_not_care_about():
    move = accommodation_move(
        np.zeros(2), np.ones((2, 2)), np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1.0, 0]), 0.5
    )
    np.testing.assert_allclose(move, [0.5, 0.0])


def _amend(positions, objects, salience=None, reservation=0.2, text=None):
    positions = np.asarray(positions, float)
    n, k = positions.shape
    return amendment_votes(
        text=np.zeros(k) if text is None else np.asarray(text, float),
        positions=positions,
        salience=np.full((n, k), 1.0 / k) if salience is None else np.asarray(salience, float),
        present=np.ones(n, bool),
        objects=np.asarray(objects, bool),
        reservation=np.full(n, reservation),
        vote_threshold=TWO_THIRDS,
    )


def test_without_objectors_no_amendment_is_moved():
    result = _amend([[0.9], [0.1]], [False, False], text=[0.5])
    assert (result.proposed, result.adopted) == (0, 0)
    np.testing.assert_array_equal(result.text, [0.5])


def test_amendments_are_counted_issue_by_issue_and_none_where_objectors_do_not_care():
    """Two objectors at (1, 1, 0.3) caring about the first two issues only, one ally
    there, one delegation at 0: both amendments pass 3 to 1; the third issue is not
    touched (nobody moved a wording on it)."""
    positions = [[1, 1, 0.3], [1, 1, 0.3], [1, 1, 0.3], [0, 0, 0.3]]
    salience = [[0.5, 0.5, 0.0]] * 4
    result = _amend(positions, [True, True, False, False], salience=salience, reservation=0.5)
    assert (result.proposed, result.adopted) == (2, 2)
    np.testing.assert_allclose(result.text, [1.0, 1.0, 0.0])


def test_an_amendment_exactly_at_the_objectors_tolerance_is_not_moved():
    result = _amend([[0.5], [0.0]], [True, False], reservation=0.5)
    assert result.proposed == 0


def test_delegations_indifferent_to_an_amendment_do_not_vote_on_it():
    # draft 0, wording 1; a delegation at 0.5 is as far from both: it does not vote
    one_one = _amend([[1.0], [0.0], [0.5]], [True, False, False])
    assert (one_one.proposed, one_one.adopted) == (1, 0)  # 1 to 1 fails
    three_one = _amend([[1.0], [1.0], [1.0], [0.0], [0.5]], [True] + [False] * 4)
    assert (three_one.proposed, three_one.adopted) == (1, 1)  # 3 to 1 passes


def test_the_unfinished_share_of_work_without_a_total_small_totals_and_overruns():
    left, total = np.array([5.0, 0.25, 30.0]), np.array([0.0, 0.5, 20.0])
    np.testing.assert_allclose(unfinished_share(left, total), [0.0, 0.5, 1.0])
