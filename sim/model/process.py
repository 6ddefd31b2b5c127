"""The negotiating tiers, the rooms that sit each day, and who covers which room.

Which issues go to informal rooms or to the friends of the chair, how many tracks sit
at once and how long (compression), which rooms sit on a given day, and how each
delegation spreads its delegates over them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.config import FriendsConfig, ProcessConfig
from sim.model.issue_sets import difference, union

__all__ = [
    "Compression",
    "Room",
    "TierPlan",
    "allocate_delegates",
    "compress",
    "door_threshold",
    "informal_rooms_open",
    "invite_friends",
    "issue_time",
    "plan_tiers",
    "planned_rooms",
    "plenary_overload",
    "room_days_ahead",
    "room_ranks",
    "rooms_for_day",
    "rotation",
    "stocktaking",
    "stretched",
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


@dataclass(frozen=True)
class Compression:
    """How the chair fits the open text into the days left: tracks and night sittings."""

    tracks: int  # informal rooms sitting at once
    night_share: float  # extra sitting time per day, as a share of a day (0 = none)
    ratio: float  # work the open text needs / what the planned rooms can do in the days left


def door_threshold(process: ProcessConfig, pressure: float, closing_doors: bool) -> float:
    """The disagreement above which the chair sends an issue to closed informal rooms.

    "To break the deadlock": with the channel on, the threshold falls by
    `door_pressure_gain` of itself per unit of pressure.
    """
    if not closing_doors:
        return process.disagreement_threshold
    return process.disagreement_threshold * max(1.0 - process.door_pressure_gain * pressure, 0.0)


def informal_rooms_open(process: ProcessConfig, meeting_number: int) -> bool:
    """Whether the design lets informal rooms sit at this meeting (counting from 1)."""
    return process.informal_rooms and meeting_number >= max(process.informal_from_meeting, 1)


def plenary_overload(
    work_left: np.ndarray, candidates: np.ndarray, disagreement: np.ndarray, days: float
) -> np.ndarray:
    """Issues the plenary cannot finish in `days` sitting days: another reason to close doors.

    A plenary day gives one day of negotiating time shared among its issues (the chair's
    yardstick: a full day, whoever sits). While the issue with the most work left among
    those on the plenary's agenda (`candidates`) needs more than its share of the days
    left, it goes to an informal room (the most work first, ties to the most contentious).
    Returns the issues moved, sorted.
    """
    agenda = [int(i) for i in candidates]
    agenda.sort(key=lambda i: (-work_left[i], -disagreement[i], i))
    moved: list[int] = []
    while agenda and work_left[agenda[0]] > days / len(agenda) + 1e-9:
        moved.append(agenda.pop(0))
    return np.array(sorted(moved), dtype=np.int64)


def plan_tiers(
    disagreement: np.ndarray,
    meeting_number: int,
    process: ProcessConfig,
    already_informal: np.ndarray | None = None,
    threshold: float | None = None,
    overloaded: np.ndarray | None = None,
) -> TierPlan:
    """The chair's choice of tiers for a meeting (meeting_number counts from 1).

    The hardest issues (highest disagreement among those present) go to the friends of
    the chair once that tier is in use. Where the design has informal rooms (and from
    `informal_from_meeting`, if the design dates them), an issue goes behind closed
    doors when the negotiation calls for it: its disagreement exceeds the threshold
    (`process.disagreement_threshold` unless `threshold` is given: see
    `door_threshold`), or the plenary cannot finish its work in the days left
    (`overloaded`: see `plenary_overload`). An issue once sent there stays off the
    plenary's agenda (`already_informal`): chairs do not reopen a closed track in public.
    """
    d = len(disagreement)
    if threshold is None:
        threshold = process.disagreement_threshold
    by_difficulty = np.argsort(-disagreement, kind="stable")
    friends = np.array([], dtype=np.int64)
    f = process.friends
    if process.informal_rooms and f.enabled and meeting_number >= f.from_meeting:
        friends = np.sort(by_difficulty[: f.issues])
    informal = np.array([], dtype=np.int64)
    if informal_rooms_open(process, meeting_number):
        hot = np.flatnonzero(disagreement > threshold)
        if threshold == 0:
            hot = np.arange(d)
        if already_informal is not None:
            hot = union(hot, already_informal)
        if overloaded is not None:
            hot = union(hot, overloaded)
        informal = difference(hot, friends)
    plenary = difference(np.arange(d), union(informal, friends))
    return TierPlan(informal=informal, friends=friends, plenary=plenary)


def _rooms_sitting(tiers: TierPlan, tracks: int) -> int:
    """Rooms sitting each day: the plenary if it has issues, the tracks, the friends."""
    return int(len(tiers.plenary) > 0) + tracks + int(len(tiers.friends) > 0)


def planned_rooms(process: ProcessConfig, meeting_number: int | None = None) -> int:
    """Rooms a day the design runs at a meeting (default: once all its rooms may sit).

    The plenary, the informal tracks from the meeting they may open
    (`informal_rooms_open`) and the friends' room from `friends.from_meeting`.
    """
    if meeting_number is None:
        tracks = process.max_parallel_rooms if process.informal_rooms else 0
        friends = int(process.informal_rooms and process.friends.enabled)
        return 1 + tracks + friends
    tracks = process.max_parallel_rooms if informal_rooms_open(process, meeting_number) else 0
    f = process.friends
    friends = int(process.informal_rooms and f.enabled and meeting_number >= f.from_meeting)
    return 1 + tracks + friends


def room_days_ahead(
    process: ProcessConfig, meeting_number: int, meetings_ahead: int, days: int
) -> float:
    """Room-days the design can sit in the meetings ahead, this one included: the chair's yardstick.

    Each meeting counts only the rooms that may sit at it (`planned_rooms`), so informal
    tracks a design dates from a later meeting do not count before it.
    """
    meetings = range(meeting_number, meeting_number + meetings_ahead)
    return float(days * sum(planned_rooms(process, m) for m in meetings))


def compress(
    tiers: TierPlan,
    disagreement: np.ndarray,
    work_left: float,
    days_available: float,
    process: ProcessConfig,
    enabled: bool,
    informal_open: bool = True,
    capacity: float | None = None,
) -> tuple[TierPlan, Compression]:
    """Fit the open text into the meeting-days the budget still pays for.

    The text needs `work_left` issue-days of negotiation; each room sitting a day gives
    one day of negotiating time, shared among its issues. The chair compares the work
    with what the design's rooms can do in `days_available` (`capacity` room-days:
    `room_days_ahead`; by default every room of the design on every day); when
    they cannot, it runs more informal tracks at once (up to
    `compression.max_parallel_rooms`; when every informal issue has its own room, it
    splits the plenary's agenda, hardest issue first) and then sits at night (up to
    `compression.night_share` of a day). Tracks are added only where the design has
    informal rooms and they are open this meeting (`informal_open`).
    """
    base = min(process.max_parallel_rooms, len(tiers.informal))
    if capacity is None:
        capacity = planned_rooms(process) * days_available
    ratio = work_left / capacity if capacity > 0 else (math.inf if work_left > 0 else 0.0)
    if not enabled or ratio <= 1.0:
        return tiers, Compression(base, 0.0, ratio)
    c = process.compression
    allowed = max(c.max_parallel_rooms, process.max_parallel_rooms)
    rooms_needed = math.ceil(work_left / days_available - 1e-9)
    informal, plenary = tiers.informal, tiers.plenary
    tracks = base
    while _rooms_sitting(TierPlan(informal, tiers.friends, plenary), tracks) < rooms_needed:
        if tracks >= allowed or not informal_open:
            break
        if tracks < len(informal):
            tracks += 1
        elif len(plenary) >= 2:
            hardest = plenary[np.argmax(disagreement[plenary])]
            informal = np.sort(np.append(informal, hardest))
            plenary = plenary[plenary != hardest]
            tracks += 1
        else:
            break
    tiers = TierPlan(informal=informal, friends=tiers.friends, plenary=plenary)
    pressed = work_left / (_rooms_sitting(tiers, tracks) * days_available)
    night = float(min(c.night_share, max(pressed - 1.0, 0.0)))
    return tiers, Compression(tracks, night, ratio)


def stretched(rate: float, night_share: float) -> float:
    """A per-day rate over a day lengthened by a night sitting: 1 - (1 - rate)^(1 + night)."""
    if night_share == 0.0:
        return rate
    return 1.0 - (1.0 - rate) ** (1.0 + night_share)


def rotation(day: int, tiers: TierPlan, tracks: int) -> int:
    """Where the informal rooms' turn-taking stands on `day` (0 without informal rooms).

    Two days with the same rotation sit the same rooms: `rooms_for_day` depends on the
    day only through it (and `stocktaking`). `tracks` informal rooms sit at once.
    """
    if not len(tiers.informal):
        return 0
    k = min(tracks, len(tiers.informal))
    return (day * k) % len(tiers.informal)


def stocktaking(day: int, tiers: TierPlan, days: int | None, stocktaking_days: int) -> bool:
    """Whether the plenary sits on `day` only to take stock (every issue behind closed doors).

    A plenary with no issue on its agenda does not sit, except on the meeting's last
    `stocktaking_days` days: the closing plenary hears the informal rooms' texts read
    back and the stakeholders' statements, with every issue before it. `days` None:
    no stocktaking (a day taken out of its meeting).
    """
    return len(tiers.plenary) == 0 and days is not None and day >= days - stocktaking_days


def rooms_for_day(
    day: int,
    tiers: TierPlan,
    process: ProcessConfig,
    invited: np.ndarray | None,
    tracks: int | None = None,
    days: int | None = None,
) -> list[Room]:
    """Rooms sitting on `day` of a meeting of `days` days.

    The plenary sits when it has issues on its agenda; up to `tracks` (default
    `max_parallel_rooms`) informal rooms sit at once, one issue each, taking turns when
    there are more issues than rooms; the friends' room sits on its issues. A plenary
    with nothing on its agenda sits only to take stock (`stocktaking`), alone, with
    every issue before it. Each room's `step` is its design's daily step; how much of
    it a day achieves (night sittings, the voices present) is the sitter's business.
    """
    if tracks is None:
        tracks = process.max_parallel_rooms
    if stocktaking(day, tiers, days, process.stocktaking_days):
        every = union(tiers.informal, tiers.friends)
        return [Room(PLENARY, every, process.step_formal, True, True)]
    rooms = []
    if len(tiers.plenary):
        rooms.append(Room(PLENARY, tiers.plenary, process.step_formal, True, True))
    if len(tiers.informal):
        k = min(tracks, len(tiers.informal))
        start = rotation(day, tiers, tracks)
        today = np.concatenate((tiers.informal[start:], tiers.informal[:start]))[:k]
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


def issue_time(
    rooms: list[Room], n_issues: int, night_share: float = 0.0, pace: np.ndarray | None = None
) -> np.ndarray:
    """Negotiating time each issue gets in a day of `rooms` (issue-days; a room's day is shared).

    A room's day lasts `1 + night_share` days, of which the share `pace` (per room; 1
    by default) goes to bargaining (`sim.model.dynamics.room_pace`); it is shared
    equally among the room's issues.
    """
    time = np.zeros(n_issues)
    for j, room in enumerate(rooms):
        if len(room.issues):
            share = 1.0 if pace is None else float(pace[j])
            time[room.issues] += (1.0 + night_share) * share / len(room.issues)
    return time


def allocate_delegates(
    delegates: np.ndarray,
    salience: np.ndarray,
    rooms: list[Room],
    factor: np.ndarray | None = None,
    plenary_priority: float = 0.0,
) -> np.ndarray:
    """Which rooms each delegation covers (bool, delegations x rooms).

    A delegation with k delegates in the building covers its k most valuable rooms
    (`room_ranks`), and only rooms it may enter.
    """
    ranks = room_ranks(salience, rooms, factor, plenary_priority)
    return ranks < np.asarray(delegates)[:, None]


def room_ranks(
    salience: np.ndarray,
    rooms: list[Room],
    factor: np.ndarray | None = None,
    plenary_priority: float = 0.0,
) -> np.ndarray:
    """Each delegation's ranking of the rooms (delegations x rooms, 0 = most valuable).

    A room is worth the delegation's salience on its issues, plus `plenary_priority`
    for the plenary (the delegation's seat, where the text is formally read and
    adopted: a small delegation keeps it before it follows a parallel informal track),
    times its presence there (`factor`, delegations x rooms: less in an English-only
    room for a delegation negotiating in another language). Ties go to the plenary.
    A delegation with k delegates covers the rooms ranked below k
    (`allocate_delegates`); rooms it may not enter rank at the largest integer, so it
    never covers them. The ranking depends only on the rooms, so a meeting computes it
    once per set of rooms.
    """
    n, r = len(salience), len(rooms)
    value = np.empty((n, r))
    for j, room in enumerate(rooms):
        value[:, j] = salience[:, room.issues].sum(axis=1)
        if room.kind == PLENARY:
            value[:, j] += plenary_priority + 1e-6  # ties go to the plenary
        if factor is not None:
            value[:, j] *= factor[:, j]
        if room.invited is not None:
            value[~room.invited, j] = -np.inf
    order = np.argsort(-value, axis=1, kind="stable")
    rank = np.empty_like(order)
    rank[np.arange(n)[:, None], order] = np.arange(r)
    return np.where(np.isfinite(value), rank, np.iinfo(rank.dtype).max)


def invite_friends(friends: FriendsConfig, capability: np.ndarray, bloc: np.ndarray) -> np.ndarray:
    """Invitation mask for the friends-of-the-chair group.

    `selection: capability`: the most capable delegations; `bloc`: the most capable
    member of each bloc first, then the most capable of the rest, up to the group's size.
    With fewer places than blocs, the most capable of the blocs' leaders are invited.
    """
    n = len(capability)
    by_capability = np.argsort(-capability, kind="stable")
    chosen: list[int] = []
    if friends.selection == "bloc":
        _, first = np.unique(bloc[by_capability], return_index=True)
        chosen = [int(i) for i in by_capability[np.sort(first)]]  # leaders, most capable first
    chosen = chosen[: friends.size]
    for i in by_capability:
        if len(chosen) >= min(friends.size, n):
            break
        if i not in chosen:
            chosen.append(int(i))
    invited = np.zeros(n, dtype=bool)
    invited[chosen] = True
    return invited
