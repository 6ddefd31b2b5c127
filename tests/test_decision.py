"""Tabling and adoption: consensus among those present, votes, and the decision rules."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.model.decision import decide, objections, vote_passes
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
