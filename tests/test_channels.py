"""The version-2 channels, unit by unit: compression, closing doors, holdouts, the vote's shadow.

Each function is checked against the arithmetic its docstring and docs/ODD.md state.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.config import CompressionConfig, FriendsConfig, ProcessConfig
from sim.model.decision import accommodation_move, amendment_votes, blocking_power, decide
from sim.model.process import (
    TierPlan,
    compress,
    door_threshold,
    issue_time,
    plan_tiers,
    planned_rooms,
    rooms_for_day,
    rotation,
    stretched,
)
from tests.shared import TWO_THIRDS


def _process(**changes) -> ProcessConfig:
    return dataclasses.replace(
        ProcessConfig(
            informal_from_meeting=1,
            max_parallel_rooms=2,
            compression=CompressionConfig(text_days=100.0, max_parallel_rooms=3, night_share=0.5),
        ),
        **changes,
    )


def _tiers(informal, plenary, friends=()) -> TierPlan:
    as_array = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
    return TierPlan(
        informal=as_array(informal), friends=as_array(friends), plenary=as_array(plenary)
    )


# ----------------------------------------------------------------- closing doors


def test_pressure_lowers_the_threshold_by_the_gain():
    p = _process(disagreement_threshold=0.2, door_pressure_gain=0.5)
    assert door_threshold(p, 0.0, True) == pytest.approx(0.2)
    assert door_threshold(p, 0.6, True) == pytest.approx(0.2 * (1 - 0.3))
    assert door_threshold(p, 0.6, False) == pytest.approx(0.2)  # the switch
    assert door_threshold(_process(door_pressure_gain=1.0), 1.0, True) == 0.0  # never below 0


def test_a_lower_threshold_sends_more_issues_behind_closed_doors():
    spread = np.array([0.05, 0.12, 0.18, 0.3])
    p = _process(disagreement_threshold=0.15)
    calm = plan_tiers(spread, 3, p, None, door_threshold(p, 0.0, True))
    pressed = plan_tiers(spread, 3, p, None, door_threshold(p, 0.5, True))
    np.testing.assert_array_equal(calm.informal, [2, 3])
    np.testing.assert_array_equal(pressed.informal, [1, 2, 3])


# ----------------------------------------------------------------- compression


def test_no_compression_while_the_design_can_do_the_work():
    p = _process()
    tiers = _tiers([0, 1, 2], [3])
    out, c = compress(
        tiers, np.zeros(4), work_left=90.0, days_available=30.0, process=p, enabled=True
    )
    assert planned_rooms(p) == 3
    assert c.ratio == pytest.approx(1.0) and c.tracks == 2 and c.night_share == 0.0
    assert out is tiers


def test_compression_adds_tracks_then_nights_up_to_their_caps():
    p = _process()
    tiers = _tiers([0, 1, 2], [3])
    # 4 rooms a day would do 120 issue-days in 30 days: one more track, no night
    _, c = compress(tiers, np.zeros(4), 120.0, 30.0, p, True)
    assert (c.tracks, c.night_share) == (3, 0.0)
    assert c.ratio == pytest.approx(120.0 / 90.0)
    # 140 issue-days: the tracks are capped at 3, so nights carry 140/120 - 1
    _, c = compress(tiers, np.zeros(4), 140.0, 30.0, p, True)
    assert c.tracks == 3 and c.night_share == pytest.approx(140 / 120 - 1)
    # far too much work: nights capped at night_share
    _, c = compress(tiers, np.zeros(4), 1000.0, 30.0, p, True)
    assert c.night_share == pytest.approx(0.5)


def test_compression_splits_the_plenary_agenda_hardest_issue_first():
    p = _process(compression=CompressionConfig(text_days=1.0, max_parallel_rooms=4, night_share=0))
    tiers = _tiers([0, 1], [2, 3])
    spread = np.array([0.1, 0.1, 0.05, 0.2])
    out, c = compress(tiers, spread, 150.0, 30.0, p, True)  # 5 rooms needed
    np.testing.assert_array_equal(out.informal, [0, 1, 3])  # issue 3 was the hardest
    np.testing.assert_array_equal(out.plenary, [2])
    assert c.tracks == 3  # a plenary with one issue is not split further


def test_compression_switched_off_or_before_informal_rooms_only_sits_longer():
    p = _process()
    tiers = _tiers([0, 1, 2], [3])
    out, c = compress(tiers, np.zeros(4), 500.0, 30.0, p, False)
    assert (c.tracks, c.night_share) == (2, 0.0) and out is tiers
    plenary_only = _tiers([], [0, 1, 2, 3])
    out, c = compress(plenary_only, np.zeros(4), 500.0, 30.0, p, True, informal_open=False)
    assert c.tracks == 0 and c.night_share == pytest.approx(0.5)
    np.testing.assert_array_equal(out.plenary, [0, 1, 2, 3])


def test_open_plenary_cannot_add_tracks():
    p = _process(informal_rooms=False)
    assert planned_rooms(p) == 1
    plenary_only = _tiers([], [0, 1, 2, 3])
    out, c = compress(plenary_only, np.ones(4), 100.0, 10.0, p, True, informal_open=False)
    assert c.tracks == 0 and len(out.informal) == 0 and c.night_share == pytest.approx(0.5)


def test_friends_room_counts_among_the_planned_rooms():
    p = _process(friends=FriendsConfig(enabled=True))
    assert planned_rooms(p) == 4


def test_the_friends_room_sits_beside_the_tracks_and_an_empty_plenary_does_not():
    """Rooms sitting = the plenary if it has issues + the tracks + the friends' room.

    4 planned rooms x 30 days = 120 room-days for 150 issue-days: 5 rooms needed. With
    no plenary, 2 tracks and the friends sit 3 rooms; one more track (the cap, 3) makes
    4; the nights carry 150 / (4 x 30) - 1 = 0.25.
    """
    p = _process(friends=FriendsConfig(enabled=True))
    tiers = _tiers([0, 1, 2], [], friends=[3])
    _, c = compress(tiers, np.zeros(4), 150.0, 30.0, p, True)
    assert c.ratio == pytest.approx(150.0 / 120.0)
    assert c.tracks == 3 and c.night_share == pytest.approx(0.25)


def test_tracks_are_added_until_the_rooms_needed_sit_and_not_beyond_the_cap():
    """120 issue-days in 30 days need exactly 4 rooms: the plenary and 3 tracks, no night.

    With 150 issue-days (5 rooms) and tracks capped at 3, the fourth informal issue waits
    its turn and the nights carry 150 / (4 x 30) - 1 = 0.25.
    """
    tiers = _tiers([0, 1, 2, 3], [4])
    roomy = _process(compression=CompressionConfig(text_days=100.0, max_parallel_rooms=4))
    _, c = compress(tiers, np.zeros(5), 120.0, 30.0, roomy, True)
    assert (c.tracks, c.night_share) == (3, 0.0)
    _, c = compress(tiers, np.zeros(5), 150.0, 30.0, _process(), True)
    assert c.tracks == 3 and c.night_share == pytest.approx(0.25)


def test_the_ratio_is_work_over_capacity_and_without_capacity_any_work_is_too_much():
    tiers = _tiers([0], [1])

    def ratio(work: float, capacity: float) -> float:
        _, c = compress(tiers, np.zeros(2), work, 30.0, _process(), False, capacity=capacity)
        return c.ratio

    assert ratio(0.25, 0.5) == pytest.approx(0.5)
    assert ratio(0.5, 0.0) == math.inf
    assert ratio(0.0, 0.0) == 0.0


@given(rate=st.floats(0.0, 1.0), night=st.floats(0.0, 1.0))
def test_a_stretched_day_compounds_the_daily_rate(rate, night):
    value = stretched(rate, night)
    assert value == pytest.approx(1 - (1 - rate) ** (1 + night))
    assert rate - 1e-12 <= value <= 1.0
    assert stretched(rate, 0.0) == rate


def test_rooms_share_their_day_among_their_issues():
    p = _process()
    tiers = _tiers([0, 1], [2, 3])
    rooms = rooms_for_day(0, tiers, p, None, tracks=2)
    np.testing.assert_allclose(issue_time(rooms, 4), [1.0, 1.0, 0.5, 0.5])
    np.testing.assert_allclose(issue_time(rooms, 4, night_share=0.5), [1.5, 1.5, 0.75, 0.75])


def test_more_tracks_sit_more_informal_rooms_and_rotate_less():
    p = _process()
    tiers = _tiers([0, 1, 2], [3])
    assert len(rooms_for_day(0, tiers, p, None, tracks=2)) == 3
    assert len(rooms_for_day(0, tiers, p, None, tracks=3)) == 4
    assert [rotation(d, tiers, 3) for d in range(3)] == [0, 0, 0]
    assert [rotation(d, tiers, 2) for d in range(3)] == [0, 2, 1]
    # a room carries its design's daily step; the sitter compounds it over the day's time
    assert rooms_for_day(0, tiers, p, None, tracks=3)[1].step == p.step_informal


# ----------------------------------------------------------------- blocking power


def _objectors(n_objecting, n=30, abstaining=0):
    """n present; the first n_objecting object (the first `abstaining` of them barely)."""
    reservation = np.full(n, 0.2)
    distance = np.full(n, 0.1)
    distance[:n_objecting] = np.linspace(0.5, 0.9, n_objecting)
    distance[:abstaining] = 0.21
    return np.ones(n, dtype=bool), distance, reservation


def _power(rule, present, distance, reservation, consensus_value=0.3, shadow=True):
    return blocking_power(
        rule=rule,
        present=present,
        distance=distance,
        reservation=reservation,
        vote_threshold=TWO_THIRDS,
        abstain_margin=0.25,
        consensus_value=consensus_value,
        shadow_of_vote=shadow,
    )


def test_under_consensus_every_present_objector_is_pivotal():
    present, distance, reservation = _objectors(3)
    present[2] = False
    power = _power("consensus_only", present, distance, reservation)
    np.testing.assert_array_equal(power[:3], [1.0, 1.0, 0.0])  # the absent one cannot block
    assert not power[3:].any()


def test_a_minority_a_vote_would_outvote_keeps_only_the_value_of_consensus():
    present, distance, reservation = _objectors(5)  # 25 yes, 5 no: the vote passes
    power = _power("consensus_then_vote", present, distance, reservation, consensus_value=0.3)
    np.testing.assert_allclose(power[:5], 0.3)
    assert not _power("two_thirds_vote", present, distance, reservation).any()


def test_a_blocking_third_makes_the_cheapest_objectors_pivotal():
    present, distance, reservation = _objectors(15)  # 15 yes, 15 no: the vote fails
    power = _power("two_thirds_vote", present, distance, reservation)
    # winning k objectors over: yes = 15 + k >= 2/3 of 30 -> k = 5, the five closest
    np.testing.assert_array_equal(power[:15], [1.0] * 5 + [0.0] * 10)
    power = _power("consensus_then_vote", present, distance, reservation, consensus_value=0.25)
    np.testing.assert_allclose(power[:15], [1.0] * 5 + [0.25] * 10)


def test_abstainers_count_as_won_over_without_removing_a_no():
    present, distance, reservation = _objectors(15, abstaining=3)  # 15 yes, 12 no, 3 abstain
    power = _power("two_thirds_vote", present, distance, reservation)
    # the three abstainers come first (cheapest), then no-voters: 15 + k yes vs
    # 12 - (k - 3) no; k = 5 passes (20 of 30), k = 4 fails (19 of 30)
    assert int((power == 1.0).sum()) == 5
    np.testing.assert_array_equal(power[:5], 1.0)


def test_without_the_shadow_of_the_vote_every_objector_is_pivotal():
    present, distance, reservation = _objectors(5)
    for rule in ("consensus_then_vote", "two_thirds_vote"):
        np.testing.assert_array_equal(
            _power(rule, present, distance, reservation, shadow=False)[:5], 1.0
        )


# ----------------------------------------------------------------- accommodation


def test_accommodation_moves_toward_the_holdouts_most_on_what_they_care_about():
    text = np.array([0.5, 0.5, 0.5])
    positions = np.array([[0.9, 0.1, 0.5], [0.2, 0.2, 0.2]])
    salience = np.array([[0.6, 0.3, 0.1], [0.3, 0.3, 0.4]])
    power = np.array([1.0, 0.0])
    move = accommodation_move(text, positions, salience, power, strength=0.5)
    # one holdout: target is its position; full strength on its top issue, pro rata elsewhere
    np.testing.assert_allclose(move, 0.5 * np.array([1.0, 0.5, 1 / 6]) * (positions[0] - text))


def test_accommodation_weighs_holdouts_by_power_and_does_nothing_without_them():
    text = np.full(2, 0.5)
    positions = np.array([[1.0, 0.5], [0.0, 0.5]])
    salience = np.full((2, 2), 0.5)
    move = accommodation_move(text, positions, salience, np.array([1.0, 0.25]), strength=1.0)
    # target: power x salience weighted, (1 x 1.0 + 0.25 x 0.0) / 1.25 = 0.8; care: their
    # power-weighted salience over their salience, (0.5 + 0.125) / 1.0 = 0.625
    np.testing.assert_allclose(move, [0.625 * (0.8 - 0.5), 0.0])
    assert not accommodation_move(text, positions, salience, np.zeros(2), 1.0).any()
    assert not accommodation_move(text, positions, salience, np.ones(2), 0.0).any()


@given(scale=st.floats(0.01, 1.0))
def test_the_move_grows_with_blocking_power(scale):
    """The shadow of the vote acts on the text: holdouts with a fraction of the power buy
    that fraction of the move (version 2 normalised power away: all rules gave one text)."""
    text = np.array([0.5, 0.5, 0.5])
    positions = np.array([[0.9, 0.1, 0.5], [0.2, 0.8, 0.3]])
    salience = np.array([[0.6, 0.3, 0.1], [0.3, 0.3, 0.4]])
    full = accommodation_move(text, positions, salience, np.ones(2), strength=0.5)
    scaled = accommodation_move(text, positions, salience, np.full(2, scale), strength=0.5)
    np.testing.assert_allclose(scaled, scale * full, rtol=1e-12, atol=1e-15)
    assert np.abs(full).sum() > 0


# ----------------------------------------------------------------- amendment votes


def test_an_amendment_the_majority_opposes_fails_and_the_provision_survives():
    text = np.array([0.7, 0.5])
    positions = np.vstack([np.tile([0.2, 0.5], (4, 1)), np.tile([0.8, 0.5], (8, 1))])
    salience = np.tile([0.8, 0.2], (12, 1))
    objects = np.arange(12) < 4
    result = amendment_votes(
        text=text,
        positions=positions,
        salience=salience,
        present=np.ones(12, dtype=bool),
        objects=objects,
        reservation=np.full(12, 0.1),
        vote_threshold=TWO_THIRDS,
    )
    assert (result.proposed, result.adopted) == (1, 0)  # issue 1: no gap, no amendment
    np.testing.assert_array_equal(result.text, text)


def test_an_amendment_two_thirds_prefer_is_adopted():
    text = np.array([0.7])
    positions = np.vstack([np.full((9, 1), 0.2), np.full((3, 1), 0.8)])
    result = amendment_votes(
        text=text,
        positions=positions,
        salience=np.ones((12, 1)),
        present=np.ones(12, dtype=bool),
        objects=np.arange(12) < 9,
        reservation=np.full(12, 0.1),
        vote_threshold=TWO_THIRDS,
    )
    assert (result.proposed, result.adopted) == (1, 1)
    np.testing.assert_allclose(result.text, [0.2])
    np.testing.assert_array_equal(text, [0.7])  # the caller's draft is not changed in place


def test_after_amendment_votes_a_passing_whole_is_adopted_without_a_vote():
    present = np.ones(10, dtype=bool)
    distance = np.where(np.arange(10) < 2, 1.0, 0.0)
    reservation = np.full(10, 0.5)
    kwargs = dict(
        rule="consensus_then_vote",
        final=True,
        present=present,
        distance=distance,
        reservation=reservation,
        vote_threshold=TWO_THIRDS,
        abstain_margin=0.25,
    )
    assert decide(**kwargs).adopted_by == "vote"
    decision = decide(**kwargs, without_vote=True)
    assert decision.adopted_by == "consensus" and decision.objectors == 2
    blocked = decide(
        **{**kwargs, "distance": np.where(np.arange(10) < 5, 1.0, 0.0)}, without_vote=True
    )
    assert blocked.adopted_by is None  # a blocking third still forces (and wins) the vote


# ----------------------------------------------------------------- who covers which room


def test_a_small_delegation_keeps_its_plenary_seat_when_the_plenary_has_priority():
    from sim.model.process import PLENARY, Room, room_ranks

    rooms = [
        Room(PLENARY, np.array([], dtype=np.int64), 0.04, True, True),
        Room("informal", np.array([0]), 0.15, False, False),
        Room("informal", np.array([1]), 0.15, False, False),
    ]
    salience = np.array([[0.6, 0.4], [0.6, 0.4]])
    # by issues alone the empty plenary ranks last; with priority it ranks first
    np.testing.assert_array_equal(room_ranks(salience, rooms)[0], [2, 0, 1])
    np.testing.assert_array_equal(room_ranks(salience, rooms, plenary_priority=0.7)[0], [0, 1, 2])


def test_a_delegation_values_english_only_rooms_by_its_presence_there():
    from sim.model.process import PLENARY, Room, room_ranks

    rooms = [
        Room(PLENARY, np.array([1]), 0.04, True, True),
        Room("informal", np.array([0]), 0.15, False, False),
    ]
    salience = np.array([[0.55, 0.45], [0.55, 0.45]])
    factor = np.array([[1.0, 1.0], [1.0, 0.7]])  # the second negotiates in another language
    ranks = room_ranks(salience, rooms, factor)
    np.testing.assert_array_equal(ranks[:, 0], [1, 0])  # 0.55 vs 0.45; 0.385 vs 0.45
