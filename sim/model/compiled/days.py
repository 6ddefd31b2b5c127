"""A meeting's days, compiled: who covers which room, then every room sits, day by day.

`sit_days` is `sim.model.days.MeetingDays.sit` in one call per meeting: presence by
day (delegates in person cover their best-ranked rooms, remote delegates follow the
plenary), the ledger's day counts, and for each room its pace (`room_pace`), its work,
its seating, drafting and persuasion (`sim.model.compiled.room`). Its inputs are
named tuples of arrays, so the kernel reads as the numpy model does:

- `Members`: what is fixed for a run (capability x salience, blocs, stakeholders);
- `Rooms`: the meeting's rooms, packed by `sim.model.compiled.pack` (the rooms of each
  distinct day, their issues, rankings and presence factors);
- `Rules`: the scalars the days read (calendar, channels, behaviour);
- `Tally`: what the days add to (ledger, exposure, work left, pace, movement);
- `Scratch`: work arrays sized once per run.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from sim.model.compiled.room import draft, persuade, seat
from sim.model.compiled.sums import pairwise_sum

__all__ = [
    "Members",
    "Room",
    "Rooms",
    "Rules",
    "Scratch",
    "Tally",
    "scratch_for",
    "sit_days",
    "sit_meeting",
]

PLENARY, INFORMAL, FRIENDS = 0, 1, 2  # room kinds (`Rooms.kind`)


class Members(NamedTuple):
    """What the rooms read of the delegations and stakeholders, fixed for a run."""

    capability_salience: np.ndarray  # (delegations, issues): expertise x salience
    bloc: np.ndarray  # (delegations,) int64
    bloc_count: np.ndarray  # (blocs,) members per bloc (at least 1); empty: no coordinators
    proxy_weight: float
    stakeholder_weight: np.ndarray  # (stakeholders, issues)
    stakeholder_ideal: np.ndarray  # (stakeholders, issues)


class Room(NamedTuple):
    """One room as the room kernels see it (built inside `sit_days`)."""

    issues: np.ndarray  # int64 issue indices
    admits: np.ndarray  # bool (delegations,); empty: everyone
    open: bool  # stakeholders admitted


class Rooms(NamedTuple):
    """A meeting's rooms: days sit turns, a turn is a run of rooms (columns of rank)."""

    day_turn: np.ndarray  # (days,) the turn each day sits
    turn_start: np.ndarray  # (turns + 1,) first room of each turn
    kind: np.ndarray  # (rooms,) PLENARY, INFORMAL or FRIENDS
    step: np.ndarray  # (rooms,) the design's daily step
    open: np.ndarray  # (rooms,) bool
    issue_start: np.ndarray  # (rooms + 1,) offsets into `issues`
    issues: np.ndarray  # int64, every room's issues end to end
    admits_row: np.ndarray  # (rooms,) row of `admits`, -1: everyone
    admits: np.ndarray  # (invitation lists, delegations) bool
    rank: np.ndarray  # (delegations, rooms) int64: covered when rank < delegates
    factor: np.ndarray  # (delegations, rooms) presence of a delegate there


class Rules(NamedTuple):
    """The scalars of a meeting's days."""

    days: int
    night_share: float
    remote_participation: bool
    remote_effectiveness: float
    room_size: bool
    half_voices: float
    stakeholder_voices: float
    persuasion_rate: float
    confidence: float
    audience_costs: bool
    audience_cost: float


class Tally(NamedTuple):
    """What the days add to, in place (the ledger's arrays, exposure, work, pace)."""

    in_person_days: np.ndarray
    delegate_days: np.ndarray
    present_days: np.ndarray
    remote_days: np.ndarray
    informal_days: np.ndarray
    influence: np.ndarray
    proxy_influence: np.ndarray
    stakeholder_influence: np.ndarray
    covered_days: np.ndarray
    observed_days: np.ndarray
    work_left: np.ndarray
    pace: np.ndarray  # (days, rooms a day at most): each room-day's pace
    movement: np.ndarray  # (2,): all rooms, closed rooms


class Scratch(NamedTuple):
    """Work arrays of the room kernels, sized for the largest room of a run."""

    here: np.ndarray
    proxied: np.ndarray
    counts: np.ndarray
    bloc_here: np.ndarray
    bloc_sums: np.ndarray
    weights: np.ndarray
    actors: np.ndarray
    product: np.ndarray
    total: np.ndarray
    safe_total: np.ndarray
    share: np.ndarray
    move: np.ndarray
    credit: np.ndarray
    proxy_credit: np.ndarray
    stakeholder_credit: np.ndarray
    values: np.ndarray
    flat: np.ndarray
    prefix: np.ndarray
    who: np.ndarray


@njit(cache=True)
def scratch_for(n: int, n_issues: int, n_blocs: int, m: int) -> Scratch:
    """Work arrays for rooms of up to `n` delegations, `n_blocs` blocs, `m` stakeholders."""
    rows = n + n_blocs + m
    k = max(n_issues, 1)
    return Scratch(
        here=np.zeros(n, dtype=np.int64),
        proxied=np.zeros(n, dtype=np.int64),
        counts=np.zeros(1, dtype=np.int64),
        bloc_here=np.zeros(max(n_blocs, 1), dtype=np.bool_),
        bloc_sums=np.zeros((max(n_blocs, 1), k)),
        weights=np.zeros((rows, k)),
        actors=np.zeros((rows, k)),
        product=np.zeros((rows, k)),
        total=np.zeros(k),
        safe_total=np.zeros(k),
        share=np.zeros(k),
        move=np.zeros(k),
        credit=np.zeros(n),
        proxy_credit=np.zeros(n),
        stakeholder_credit=np.zeros(max(m, 1)),
        values=np.zeros(n * k),
        flat=np.zeros(n * k),
        prefix=np.zeros(n * k + 1),
        who=np.zeros(n * k, dtype=np.int64),
    )


@njit(cache=True)
def over_time(rate: float, time: float) -> float:
    """`sim.model.dynamics.over_time`: a daily rate compounded over `time` days."""
    if time == 1.0:
        return rate
    return 1.0 - (1.0 - rate) ** time


@njit(cache=True)
def sit_days(
    members, rooms, rules, tally, plan_days, plan_delegates, plan_remote, text, positions, ranking
):  # fmt: skip
    """Every day of one meeting, in place (`MeetingDays.sit`'s arithmetic, in its order).

    `plan_days`, `plan_delegates`, `plan_remote` are the attendance plan's in-person
    days, delegates and remote followers (delegations,); `ranking` the delegations
    by position on each issue, kept sorted for `persuade` from meeting to meeting.
    """
    n, n_issues = positions.shape
    scratch = scratch_for(n, n_issues, len(members.bloc_count), len(members.stakeholder_weight))
    widest = 1
    for t in range(len(rooms.turn_start) - 1):
        widest = max(widest, rooms.turn_start[t + 1] - rooms.turn_start[t])
    presence = np.zeros((n, widest))
    cover = np.zeros((n, widest), dtype=np.bool_)
    for day in range(rules.days):
        turn = rooms.day_turn[day]
        first, stop = rooms.turn_start[turn], rooms.turn_start[turn + 1]
        r = stop - first
        plenary = r > 0 and rooms.kind[first] == PLENARY
        for i in range(n):
            in_person = plan_days[i] >= rules.days - day
            delegates = plan_delegates[i] if in_person else 0
            for j in range(r):
                cover[i, j] = rooms.rank[i, first + j] < delegates
                presence[i, j] = rooms.factor[i, first + j] if cover[i, j] else 0.0
            remote_today = False
            if rules.remote_participation and plenary:
                if plan_remote[i] and plan_days[i] < rules.days - day:
                    presence[i, 0] = rules.remote_effectiveness
                remote_today = presence[i, 0] > 0 and not cover[i, 0] and not in_person
            tally.in_person_days[i] += 1.0 if in_person else 0.0
            tally.delegate_days[i] += delegates
            tally.present_days[i] += 1.0 if in_person or remote_today else 0.0
            if remote_today:
                tally.remote_days[i] += 1.0
            for j in range(r):
                if cover[i, j] and rooms.kind[first + j] != PLENARY:
                    tally.informal_days[i] += 1.0
        for j in range(r):
            _sit_room(
                members, rooms, rules, tally, scratch, presence[:, j], first + j, j, day,
                text, positions, ranking,
            )  # fmt: skip


@njit(cache=True)
def _sit_room(
    members, rooms, rules, tally, scratch, column, c, j, day, text, positions, ranking
) -> None:  # fmt: skip
    """Room `c` (column `j` of the day's rooms, `column` its presence) sits one day."""
    is_open = rooms.open[c]
    for i in range(len(column)):
        if column[i] > 0:
            tally.covered_days[i] += 1.0
            if is_open:
                tally.observed_days[i] += 1.0
    pace = 1.0
    if rules.room_size:
        voices = pairwise_sum(column, 0, len(column))
        if is_open:
            voices += rules.stakeholder_voices
        pace = 1.0 / (1.0 + voices / rules.half_voices)
    tally.pace[day, j] = pace
    time = (1.0 + rules.night_share) * pace
    issues = rooms.issues[rooms.issue_start[c] : rooms.issue_start[c + 1]]
    share = time / max(len(issues), 1)
    for issue in issues:
        tally.work_left[issue] -= share
    step = over_time(rooms.step[c], time)
    row = rooms.admits_row[c]
    admits = rooms.admits[row] if row >= 0 else rooms.admits[0, :0]
    room = Room(issues, admits, is_open)
    seated = seat(members, room, scratch, column, step)
    n_here, n_blocs, m = seated
    if n_here == 0:
        return
    persuasion, confidence = over_time(rules.persuasion_rate, time), rules.confidence
    if is_open and rules.audience_costs:
        persuasion *= 1.0 - rules.audience_cost
        confidence *= 1.0 - rules.audience_cost
    moved = draft(members, room, scratch, positions, text, seated, step)
    for a in range(n_here):
        tally.influence[scratch.here[a]] += scratch.credit[a]
    for p in range(scratch.counts[0] if n_blocs else 0):
        tally.proxy_influence[scratch.proxied[p]] += scratch.proxy_credit[p]
    if is_open:
        for s in range(m):
            tally.stakeholder_influence[s] += scratch.stakeholder_credit[s]
    if persuasion > 0 and n_here > 1:
        persuade(room, scratch, positions, column, ranking, confidence, persuasion)
    tally.movement[0] += moved
    if rooms.kind[c] != PLENARY:
        tally.movement[1] += moved


@njit(cache=True)
def sit_meeting(
    capability_salience, bloc, bloc_count, proxy_weight, stakeholder_weight, stakeholder_ideal,
    day_turn, turn_start, kind, step, is_open, issue_start, issues, admits_row, admits, rank,
    factor, rules, in_person_days, delegate_days, present_days, remote_days, informal_days,
    influence, proxy_influence, stakeholder_influence, covered_days, observed_days, work_left,
    pace, movement, plan_days, plan_delegates, plan_remote, text, positions, ranking,
):  # fmt: skip
    """`sit_days` called with its tuples' arrays one by one, `rules` as a float array.

    numba types a tuple argument in Python (a fraction of a millisecond for these
    tuples of arrays, at every call) but an array in C; the Python side therefore passes
    `*members, *rooms, rules_array(...), *tally` and the tuples are rebuilt here.
    """
    members = Members(
        capability_salience, bloc, bloc_count, proxy_weight, stakeholder_weight, stakeholder_ideal
    )
    rooms = Rooms(
        day_turn, turn_start, kind, step, is_open, issue_start, issues, admits_row, admits,
        rank, factor,
    )  # fmt: skip
    tally = Tally(
        in_person_days, delegate_days, present_days, remote_days, informal_days, influence,
        proxy_influence, stakeholder_influence, covered_days, observed_days, work_left, pace,
        movement,
    )  # fmt: skip
    sit_days(
        members, rooms, rules_from(rules), tally, plan_days, plan_delegates, plan_remote, text,
        positions, ranking,
    )  # fmt: skip


def rules_array(rules: Rules) -> np.ndarray:
    """`Rules` as the float array `sit_meeting` takes."""
    return np.array([float(value) for value in rules], dtype=np.float64)


@njit(cache=True)
def rules_from(values) -> Rules:
    """`Rules` back from `rules_array`."""
    return Rules(
        int(values[0]), values[1], values[2] != 0.0, values[3], values[4] != 0.0, values[5],
        values[6], values[7], values[8], values[9] != 0.0, values[10],
    )  # fmt: skip
