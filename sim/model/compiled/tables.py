"""The arrays the compiled kernels take, as named tuples: no numba needed to build them.

`sim.model.compiled.days` reads a meeting through these tuples (`Members`, `Rooms`,
`Rules`, `Tally`, its `Scratch`); `sim.model.compiled.sitter` packs them. They live
here, apart from the kernels, so a process running the ahead-of-time build of the
kernels (`sim.model.compiled.load`) never imports numba.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = [
    "FRIENDS",
    "INFORMAL",
    "PLENARY",
    "Members",
    "Room",
    "Rooms",
    "Rules",
    "Scratch",
    "Tally",
    "rules_array",
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


def rules_array(rules: Rules) -> np.ndarray:
    """`Rules` as the float array `sit_meeting` takes."""
    return np.array([float(value) for value in rules], dtype=np.float64)
