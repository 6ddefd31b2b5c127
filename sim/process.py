"""The negotiating tiers, the rooms that sit each day, and who covers which room.

Which issues go to informal rooms or to the friends of the chair, which rooms sit
on a given day, and how each delegation spreads its delegates over them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import FriendsConfig, ProcessConfig

__all__ = [
    "Room",
    "TierPlan",
    "allocate_delegates",
    "invite_friends",
    "plan_tiers",
    "room_ranks",
    "rooms_for_day",
    "rotation",
]

PLENARY, INFORMAL, FRIENDS = "plenary", "informal", "friends"


@dataclass(frozen=True)
class Room:
    """One room sitting on one day."""

    kind: str  # plenary | informal | friends
    issues: np.ndarray  # issue indices negotiated here
    step: float  # share of the gap to the compromise closed in a day
    open_to_stakeholders: bool
    interpreted: bool
    invited: np.ndarray | None = None  # bool mask of delegations allowed in (None = all)

    @property
    def closed_door(self) -> bool:
        """Informal and friends rooms are behind closed doors (not the public plenary)."""
        return self.kind != PLENARY


@dataclass(frozen=True)
class TierPlan:
    """Where each issue is negotiated during one meeting."""

    informal: np.ndarray  # issue indices sent to informal rooms
    friends: np.ndarray  # issue indices taken to the friends of the chair
    plenary: np.ndarray  # the rest


def plan_tiers(
    disagreement: np.ndarray,
    meeting_number: int,
    process: ProcessConfig,
    already_informal: np.ndarray | None = None,
) -> TierPlan:
    """The chair's choice of tiers for a meeting (meeting_number counts from 1).

    The hardest issues (highest disagreement among those present) go to the friends of
    the chair once that tier is in use; from `informal_from_meeting` on, issues whose
    disagreement exceeds the threshold go to informal rooms, and an issue once sent
    there stays off the plenary's agenda (`already_informal`): chairs do not reopen a
    closed track in public.
    """
    d = len(disagreement)
    by_difficulty = np.argsort(-disagreement, kind="stable")
    friends = np.array([], dtype=np.int64)
    f = process.friends
    if process.informal_rooms and f.enabled and meeting_number >= f.from_meeting:
        friends = np.sort(by_difficulty[: f.issues])
    informal = np.array([], dtype=np.int64)
    if process.informal_rooms and meeting_number >= max(process.informal_from_meeting, 1):
        hot = np.flatnonzero(disagreement > process.disagreement_threshold)
        if process.disagreement_threshold == 0:
            hot = np.arange(d)
        if already_informal is not None:
            hot = np.union1d(hot, already_informal)
        informal = np.setdiff1d(hot, friends)
    plenary = np.setdiff1d(np.arange(d), np.union1d(informal, friends))
    return TierPlan(informal=informal, friends=friends, plenary=plenary)


def rotation(day: int, tiers: TierPlan, process: ProcessConfig) -> int:
    """Where the informal rooms' turn-taking stands on `day` (0 without informal rooms).

    Two days with the same rotation sit the same rooms: `rooms_for_day` depends on the
    day only through it.
    """
    if not len(tiers.informal):
        return 0
    k = min(process.max_parallel_rooms, len(tiers.informal))
    return (day * k) % len(tiers.informal)


def rooms_for_day(
    day: int, tiers: TierPlan, process: ProcessConfig, invited: np.ndarray | None
) -> list[Room]:
    """Rooms sitting on `day`: the plenary, informal rooms and the friends' room.

    Up to `max_parallel_rooms` informal rooms sit at once, one issue each, taking turns
    when there are more issues than rooms.
    """
    rooms = [Room(PLENARY, tiers.plenary, process.step_formal, True, True)]
    if len(tiers.informal):
        k = min(process.max_parallel_rooms, len(tiers.informal))
        start = rotation(day, tiers, process)
        today = np.roll(tiers.informal, -start)[:k]
        for issue in np.sort(today):
            rooms.append(
                Room(
                    INFORMAL,
                    np.array([issue]),
                    process.step_informal,
                    process.observers_in_informal,
                    False,
                )
            )
    if len(tiers.friends):
        rooms.append(Room(FRIENDS, tiers.friends, process.friends.step, False, False, invited))
    return rooms


def allocate_delegates(
    delegates: np.ndarray, salience: np.ndarray, rooms: list[Room]
) -> np.ndarray:
    """Which rooms each delegation covers (bool, delegations x rooms).

    A delegation with k delegates in the building covers its k most valuable rooms,
    valued by its salience on the rooms' issues, and only rooms it may enter. The
    plenary is valued a little above its issues so a delegation never leaves it empty
    for nothing.
    """
    return room_ranks(salience, rooms) < np.asarray(delegates)[:, None]


def room_ranks(salience: np.ndarray, rooms: list[Room]) -> np.ndarray:
    """Each delegation's ranking of the rooms (delegations x rooms, 0 = most valuable).

    A delegation with k delegates covers the rooms ranked below k (`allocate_delegates`);
    rooms it may not enter rank at the largest integer, so it never covers them. The
    ranking depends only on the rooms, so a meeting computes it once per set of rooms.
    """
    n, r = len(salience), len(rooms)
    value = np.empty((n, r))
    for j, room in enumerate(rooms):
        value[:, j] = salience[:, room.issues].sum(axis=1)
        if room.kind == PLENARY:
            value[:, j] += 1e-6  # the plenary also decides adoption: ties go to it
        if room.invited is not None:
            value[~room.invited, j] = -np.inf
    order = np.argsort(-value, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(r)[None, :].repeat(n, axis=0), axis=1)
    return np.where(np.isfinite(value), rank, np.iinfo(rank.dtype).max)


def invite_friends(friends: FriendsConfig, capability: np.ndarray, bloc: np.ndarray) -> np.ndarray:
    """Invitation mask for the friends-of-the-chair group.

    `selection: capability`: the most capable delegations; `bloc`: the most capable
    member of each bloc first, then the most capable of the rest, up to the group's size.
    """
    n = len(capability)
    by_capability = np.argsort(-capability, kind="stable")
    chosen: list[int] = []
    if friends.selection == "bloc":
        for b in np.unique(bloc):
            chosen.append(int(by_capability[bloc[by_capability] == b][0]))
    chosen = chosen[: friends.size]
    for i in by_capability:
        if len(chosen) >= min(friends.size, n):
            break
        if i not in chosen:
            chosen.append(int(i))
    invited = np.zeros(n, dtype=bool)
    invited[chosen] = True
    return invited
