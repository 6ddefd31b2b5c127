"""The negotiating tiers, the rooms sitting each day, and who covers which room."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.config import FriendsConfig, ProcessConfig
from sim.model.process import (
    Room,
    TierPlan,
    allocate_delegates,
    invite_friends,
    plan_tiers,
    rooms_for_day,
)

TWO_TIER = ProcessConfig(
    name="two_tier",
    informal_rooms=True,
    informal_from_meeting=3,
    disagreement_threshold=0.15,
    max_parallel_rooms=2,
)
OPEN = replace(TWO_TIER, name="open_plenary", informal_rooms=False)
FRIENDS = replace(
    TWO_TIER,
    name="friends_of_chair",
    friends=FriendsConfig(enabled=True, from_meeting=5, size=3, issues=1, step=0.35),
)

disagreements = arrays(np.float64, st.integers(1, 8), elements=st.floats(0.0, 0.5))


def _ints(*values):
    return np.array(values, dtype=np.int64)


# ----------------------------------------------------------------- plan_tiers


@given(d=disagreements, meeting=st.integers(1, 12))
def test_open_plenary_has_no_informal_issues(d, meeting):
    tiers = plan_tiers(d, meeting, replace(OPEN, disagreement_threshold=0.0))
    assert len(tiers.informal) == 0
    assert len(tiers.friends) == 0
    np.testing.assert_array_equal(tiers.plenary, np.arange(len(d)))


@given(
    d=disagreements,
    meeting=st.integers(1, 12),
    threshold=st.sampled_from([0.0, 0.1, 0.15, 0.3]),
    from_meeting=st.integers(0, 6),
    friends=st.booleans(),
    friends_from=st.integers(1, 8),
)
def test_tiers_partition_the_issues(d, meeting, threshold, from_meeting, friends, friends_from):
    process = replace(
        TWO_TIER,
        disagreement_threshold=threshold,
        informal_from_meeting=from_meeting,
        friends=FriendsConfig(enabled=friends, from_meeting=friends_from, issues=1),
    )
    tiers = plan_tiers(d, meeting, process)
    parts = [set(tiers.informal), set(tiers.friends), set(tiers.plenary)]
    assert sum(len(p) for p in parts) == len(d)
    assert set().union(*parts) == set(range(len(d)))
    # informal issues are the contentious ones, and only from the given meeting on
    if meeting < max(from_meeting, 1):
        assert len(tiers.informal) == 0
    elif threshold > 0:
        assert all(d[i] > threshold for i in tiers.informal)
        assert all(d[i] <= threshold for i in tiers.plenary)


def test_threshold_zero_sends_every_issue_informal_from_the_given_meeting():
    d = np.array([0.0, 0.01, 0.3, 0.0])
    process = replace(TWO_TIER, disagreement_threshold=0.0, informal_from_meeting=3)
    for meeting in (1, 2):
        tiers = plan_tiers(d, meeting, process)
        assert len(tiers.informal) == 0
        np.testing.assert_array_equal(tiers.plenary, np.arange(4))
    for meeting in (3, 4, 9):
        tiers = plan_tiers(d, meeting, process)
        np.testing.assert_array_equal(tiers.informal, np.arange(4))
        assert len(tiers.plenary) == 0


def test_threshold_sends_only_contentious_issues():
    d = np.array([0.05, 0.2, 0.15, 0.4])
    tiers = plan_tiers(d, 3, TWO_TIER)
    np.testing.assert_array_equal(tiers.informal, [1, 3])
    np.testing.assert_array_equal(tiers.plenary, [0, 2])


def test_informal_from_meeting_zero_means_only_by_disagreement():
    d = np.array([0.05, 0.2])
    tiers = plan_tiers(d, 1, replace(TWO_TIER, informal_from_meeting=0))
    np.testing.assert_array_equal(tiers.informal, [1])


def test_friends_take_the_hardest_issue_from_their_meeting_on():
    d = np.array([0.2, 0.35, 0.1, 0.3])
    before = plan_tiers(d, 4, FRIENDS)
    assert len(before.friends) == 0
    np.testing.assert_array_equal(before.informal, [0, 1, 3])
    tiers = plan_tiers(d, 5, FRIENDS)
    np.testing.assert_array_equal(tiers.friends, [1])  # the hardest issue
    np.testing.assert_array_equal(tiers.informal, [0, 3])  # not also informal
    np.testing.assert_array_equal(tiers.plenary, [2])
    two = replace(FRIENDS, friends=replace(FRIENDS.friends, issues=2))
    np.testing.assert_array_equal(plan_tiers(d, 6, two).friends, [1, 3])


# ----------------------------------------------------------------- rooms_for_day


@given(
    n_issues=st.integers(1, 8),
    data=st.data(),
    max_rooms=st.integers(1, 5),
    observers=st.booleans(),
    day=st.integers(0, 30),
)
def test_rooms_for_day_caps_parallel_informal_rooms(n_issues, data, max_rooms, observers, day):
    informal = np.sort(
        np.array(
            data.draw(st.lists(st.integers(0, n_issues - 1), unique=True, max_size=n_issues)),
            dtype=np.int64,
        )
    )
    tiers = TierPlan(
        informal=informal,
        friends=np.array([], dtype=np.int64),
        plenary=np.setdiff1d(np.arange(n_issues), informal),
    )
    process = replace(TWO_TIER, max_parallel_rooms=max_rooms, observers_in_informal=observers)
    rooms = rooms_for_day(day, tiers, process, None)
    # the plenary sits only with an agenda (no stocktaking in a day taken out of a meeting)
    assert (rooms[0].kind == "plenary") == (len(tiers.plenary) > 0)
    if len(tiers.plenary):
        assert rooms[0].open_to_stakeholders and rooms[0].interpreted
        np.testing.assert_array_equal(rooms[0].issues, tiers.plenary)
    informal_rooms = [r for r in rooms if r.kind == "informal"]
    assert len(informal_rooms) == min(max_rooms, len(informal))
    seen = [int(i) for r in informal_rooms for i in r.issues]
    assert all(len(r.issues) == 1 for r in informal_rooms)  # one issue per room
    assert len(set(seen)) == len(seen)
    assert set(seen) <= set(informal.tolist())
    for r in informal_rooms:
        assert r.open_to_stakeholders == observers
        assert not r.interpreted
        assert r.closed_door
        assert r.step == process.step_informal


@given(n_informal=st.integers(1, 8), max_rooms=st.integers(1, 4), first_day=st.integers(0, 20))
def test_rooms_rotate_issues_over_days(n_informal, max_rooms, first_day):
    informal = np.arange(n_informal, dtype=np.int64)
    tiers = TierPlan(informal, np.array([], dtype=np.int64), np.array([], dtype=np.int64))
    process = replace(TWO_TIER, max_parallel_rooms=max_rooms)
    span = math.ceil(n_informal / min(max_rooms, n_informal))
    sat = set()
    for day in range(first_day, first_day + span):
        for room in rooms_for_day(day, tiers, process, None):  # no plenary: no agenda
            sat.update(int(i) for i in room.issues)
    assert sat == set(range(n_informal))  # every queued issue gets its turn


def test_rooms_rotate_when_more_issues_than_rooms():
    tiers = TierPlan(_ints(0, 1, 2), _ints(), _ints(3))
    process = replace(TWO_TIER, max_parallel_rooms=1)
    sitting = [int(rooms_for_day(day, tiers, process, None)[1].issues[0]) for day in range(6)]
    assert sitting == [0, 1, 2, 0, 1, 2]


def test_friends_room_is_closed_and_by_invitation():
    invited = np.array([True, False, True])
    tiers = TierPlan(_ints(0), _ints(2), _ints(1))
    rooms = rooms_for_day(0, tiers, FRIENDS, invited)
    assert [r.kind for r in rooms] == ["plenary", "informal", "friends"]
    friends = rooms[-1]
    assert not friends.open_to_stakeholders and friends.closed_door
    np.testing.assert_array_equal(friends.invited, invited)
    assert friends.step == FRIENDS.friends.step
    assert rooms[0].step == FRIENDS.step_formal


def test_open_plenary_sits_one_room():
    tiers = plan_tiers(np.array([0.5, 0.5]), 9, OPEN)
    rooms = rooms_for_day(0, tiers, OPEN, None)
    assert len(rooms) == 1 and not rooms[0].closed_door


# ----------------------------------------------------------------- allocate_delegates


@st.composite
def allocation_case(draw):
    n = draw(st.integers(1, 15))
    k = draw(st.integers(1, 5))
    salience = draw(arrays(np.float64, (n, k), elements=st.floats(0.0, 1.0)))
    delegates = draw(arrays(np.int64, n, elements=st.integers(0, 6)))
    rooms = [Room("plenary", np.arange(k)[: draw(st.integers(0, k))], 0.04, True, True)]
    for _ in range(draw(st.integers(0, 3))):
        rooms.append(Room("informal", np.array([draw(st.integers(0, k - 1))]), 0.15, False, False))
    if draw(st.booleans()):
        invited = draw(arrays(np.bool_, n))
        rooms.append(Room("friends", np.array([0]), 0.35, False, False, invited))
    return delegates, salience, rooms


@given(case=allocation_case())
def test_allocate_delegates_respects_delegates_and_invitations(case):
    delegates, salience, rooms = case
    cover = allocate_delegates(delegates, salience, rooms)
    assert cover.shape == (len(delegates), len(rooms))
    assert cover.dtype == bool
    assert (cover.sum(axis=1) <= delegates).all()  # at most one room per delegate
    for j, room in enumerate(rooms):
        if room.invited is not None:
            assert not cover[~room.invited, j].any()  # never a room it is not invited to
    # every delegate is used while there is a room it may enter
    allowed = np.array(
        [[r.invited is None or r.invited[i] for r in rooms] for i in range(len(delegates))]
    )
    np.testing.assert_array_equal(cover.sum(axis=1), np.minimum(delegates, allowed.sum(axis=1)))


def test_single_delegate_covers_the_most_salient_room():
    salience = np.array([[0.7, 0.3], [0.1, 0.9], [0.5, 0.5]])
    rooms = [
        Room("plenary", _ints(), 0.04, True, True),
        Room("informal", _ints(0), 0.15, False, False),
        Room("informal", _ints(1), 0.15, False, False),
    ]
    cover = allocate_delegates(_ints(1, 1, 2), salience, rooms)
    np.testing.assert_array_equal(
        cover, [[False, True, False], [False, False, True], [False, True, True]]
    )


def test_plenary_wins_ties():
    salience = np.array([[0.5, 0.5]])
    rooms = [
        Room("informal", _ints(0), 0.15, False, False),
        Room("plenary", _ints(1), 0.04, True, True),
    ]
    np.testing.assert_array_equal(allocate_delegates(_ints(1), salience, rooms), [[False, True]])


def test_a_single_delegate_weighs_the_rooms_by_presence_and_the_plenarys_priority():
    """Salience 0.6 on the informal issue, 0.4 on the plenary's: the informal room wins,
    unless the delegation's presence there is halved (0.3 < 0.4) or the plenary has a
    priority of 0.3 (0.7 > 0.6)."""
    salience = np.array([[0.6, 0.4]])
    rooms = [
        Room("plenary", _ints(1), 0.04, True, True),
        Room("informal", _ints(0), 0.15, False, False),
    ]
    one = _ints(1)
    np.testing.assert_array_equal(allocate_delegates(one, salience, rooms), [[False, True]])
    halved = np.array([[1.0, 0.5]])
    np.testing.assert_array_equal(
        allocate_delegates(one, salience, rooms, factor=halved), [[True, False]]
    )
    np.testing.assert_array_equal(
        allocate_delegates(one, salience, rooms, plenary_priority=0.3), [[True, False]]
    )


def test_uninvited_delegation_never_enters_friends_room_even_with_spare_staff():
    salience = np.array([[0.0, 1.0], [0.0, 1.0]])
    rooms = [
        Room("plenary", _ints(0), 0.04, True, True),
        Room("friends", _ints(1), 0.35, False, False, np.array([True, False])),
    ]
    cover = allocate_delegates(_ints(5, 5), salience, rooms)
    np.testing.assert_array_equal(cover, [[True, True], [True, False]])


def test_the_tiers_index_the_issues_even_when_a_tier_is_empty():
    """Before informal rooms open and without friends, both tiers are empty lists of issues."""
    d = np.array([0.05, 0.3, 0.4])
    tiers = plan_tiers(d, 1, TWO_TIER)
    assert len(d[tiers.informal]) == 0 and len(d[tiers.friends]) == 0
    np.testing.assert_array_equal(d[tiers.plenary], d)


def test_an_issue_sent_informal_stays_off_the_plenary():
    """Once closed, a track is not reopened in public, even if disagreement falls."""
    d = np.array([0.05, 0.05, 0.3, 0.05])
    tiers = plan_tiers(d, 4, TWO_TIER, already_informal=_ints(1))
    np.testing.assert_array_equal(tiers.informal, [1, 2])
    np.testing.assert_array_equal(tiers.plenary, [0, 3])
    # but not before informal rooms are in use, and never under an open plenary
    assert len(plan_tiers(d, 1, TWO_TIER, already_informal=_ints(1)).informal) == 0
    assert len(plan_tiers(d, 4, OPEN, already_informal=_ints(1)).informal) == 0


# ----------------------------------------------------------------- invite_friends

# eight delegations in four blocs; capability falls with the index, bloc 3 is the strongest
CAPABILITY = np.array([0.1, 0.9, 0.8, 0.3, 0.7, 0.2, 0.6, 0.5])
BLOC = np.array([0, 3, 3, 1, 2, 0, 2, 1])


def _friends(selection: str, size: int) -> np.ndarray:
    invited = invite_friends(FriendsConfig(size=size, selection=selection), CAPABILITY, BLOC)
    return np.flatnonzero(invited)


def test_friends_by_capability_are_the_most_capable():
    assert _friends("capability", 3).tolist() == [1, 2, 4]


def test_friends_by_bloc_take_each_blocs_leader_then_the_most_capable_of_the_rest():
    # leaders: bloc 3 -> 1 (0.9), bloc 2 -> 4 (0.7), bloc 1 -> 7 (0.5), bloc 0 -> 5 (0.2)
    assert _friends("bloc", 4).tolist() == [1, 4, 5, 7]
    assert _friends("bloc", 5).tolist() == [1, 2, 4, 5, 7]  # then 2 (0.8)


def test_fewer_places_than_blocs_go_to_the_most_capable_leaders():
    """The size caps the group even when it cannot seat every bloc."""
    assert _friends("bloc", 2).tolist() == [1, 4]
    assert _friends("bloc", 1).tolist() == [1]
    assert _friends("bloc", 0).tolist() == []


def test_a_group_larger_than_the_room_invites_everyone_once():
    assert _friends("bloc", 20).tolist() == list(range(8))
    assert _friends("capability", 20).tolist() == list(range(8))
