"""`CompiledDays`: `MeetingDays` with the days in one compiled call per meeting.

The chair's plan for a meeting (tiers, tracks, the friends invited) decides which
rooms sit on each day; `CompiledDays` packs them once per plan (`pack_rooms`: the same
`rooms_for_day`, `room_ranks` and presence factors as `MeetingDays`), keeps the packed
tables for the run (a plan recurs from meeting to meeting), and hands the meeting to
`sim.model.compiled.days.sit_days` (`sit_meeting`, from `sim.model.compiled.load`).
Same inputs, same outputs, same numbers as `MeetingDays.sit`, bit for bit
(`tests/test_compiled.py`, `benchmarks/golden.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import SimConfig
from sim.model.attendance import AttendancePlan
from sim.model.compiled.load import kernels
from sim.model.compiled.tables import (
    FRIENDS,
    INFORMAL,
    PLENARY,
    Members,
    Rooms,
    Rules,
    Tally,
    rules_array,
)
from sim.model.days import MeetingWork
from sim.model.ledger import Ledger
from sim.model.population import Population
from sim.model.process import (
    Compression,
    Room,
    TierPlan,
    room_ranks,
    rooms_for_day,
    rotation,
    stocktaking,
)

__all__ = ["CompiledDays", "PackedRooms", "members_for", "pack_rooms", "ranking_of", "rules_for"]

KIND_CODES = {"plenary": PLENARY, "informal": INFORMAL, "friends": FRIENDS}
KIND_NAMES = {code: name for name, code in KIND_CODES.items()}


@dataclass(frozen=True)
class PackedRooms:
    """A meeting plan's rooms as `sit_days` reads them, with the counts the ledger takes."""

    rooms: Rooms
    day_kinds: list[list[str]]  # each day's rooms' kinds, in order (the pace lists)
    widest: int  # most rooms sitting on one day
    closed_room_days: int  # room-days behind closed doors (informal and friends rooms)


def pack_rooms(
    config: SimConfig,
    population: Population,
    tiers: TierPlan,
    tracks: int,
    invited: np.ndarray | None,
) -> PackedRooms:
    """The rooms of every day of a meeting, packed: one turn per distinct set of rooms."""
    process, b = config.process, config.behaviour
    days = config.scenario.calendar.days
    dl = population.delegations
    turns: dict[tuple[int, bool], int] = {}
    by_turn: list[list[Room]] = []
    day_turn = np.zeros(days, dtype=np.int64)
    for day in range(days):
        sits_to_take_stock = stocktaking(day, tiers, days, process.stocktaking_days)
        key = (rotation(day, tiers, tracks), sits_to_take_stock)
        if key not in turns:
            turns[key] = len(by_turn)
            by_turn.append(rooms_for_day(day, tiers, process, invited, tracks, days))
        day_turn[day] = turns[key]
    flat = [room for rooms in by_turn for room in rooms]
    ranks, factors = [], []
    for rooms in by_turn:
        factor = np.ones((len(dl), len(rooms)))
        for j, room in enumerate(rooms):
            if not room.interpreted:
                factor[dl.other_language, j] *= b.uninterpreted_presence
        factors.append(factor)
        ranks.append(room_ranks(dl.salience, rooms, factor, b.plenary_priority))
    admits_row = np.full(len(flat), -1, dtype=np.int64)
    lists: list[np.ndarray] = []
    for j, room in enumerate(flat):
        if room.invited is not None:
            admits_row[j] = len(lists)
            lists.append(room.invited)
    admits = np.array(lists, dtype=np.bool_) if lists else np.zeros((1, len(dl)), dtype=np.bool_)
    sizes = [len(room.issues) for room in flat]
    packed = Rooms(
        day_turn=day_turn,
        turn_start=np.cumsum([0, *(len(rooms) for rooms in by_turn)]).astype(np.int64),
        kind=np.array([KIND_CODES[room.kind] for room in flat], dtype=np.int64),
        step=np.array([float(room.step) for room in flat], dtype=np.float64),
        open=np.array([bool(room.open_to_stakeholders) for room in flat], dtype=np.bool_),
        issue_start=np.cumsum([0, *sizes]).astype(np.int64),
        issues=np.concatenate([np.asarray(room.issues, dtype=np.int64) for room in flat])
        if flat
        else np.zeros(0, dtype=np.int64),
        admits_row=admits_row,
        admits=admits,
        rank=_columns(ranks, len(dl), np.int64),
        factor=_columns(factors, len(dl), np.float64),
    )
    day_kinds = [[room.kind for room in by_turn[t]] for t in day_turn]
    closed = sum(1 for kinds in day_kinds for kind in kinds if kind != "plenary")
    widest = max((len(rooms) for rooms in by_turn), default=0)
    return PackedRooms(packed, day_kinds, widest, closed)


def _columns(blocks: list[np.ndarray], n: int, dtype) -> np.ndarray:
    """Side by side, C-contiguous (an empty meeting: one unused column)."""
    if not blocks or not sum(block.shape[1] for block in blocks):
        return np.zeros((n, 1), dtype=dtype)
    return np.ascontiguousarray(np.concatenate(blocks, axis=1), dtype=dtype)


def members_for(config: SimConfig, population: Population, capability_salience, weights) -> Members:
    """What the room kernels read of a run's population (`MeetingDays._layout`'s inputs)."""
    b = config.behaviour
    dl, st = population.delegations, population.stakeholders
    n_blocs = len(population.bloc_names) if b.bloc_coordination else 0
    proxy_weight = float(b.bloc_proxy_weight) if b.bloc_coordination else 0.0
    count = np.zeros(0)
    if n_blocs and proxy_weight > 0:
        count = np.maximum(np.bincount(dl.bloc, minlength=n_blocs), 1).astype(np.float64)
    return Members(
        capability_salience=np.ascontiguousarray(capability_salience, dtype=np.float64),
        bloc=np.ascontiguousarray(dl.bloc, dtype=np.int64),
        bloc_count=count,
        proxy_weight=proxy_weight,
        stakeholder_weight=np.ascontiguousarray(weights, dtype=np.float64),
        stakeholder_ideal=np.ascontiguousarray(st.ideal, dtype=np.float64),
    )


def rules_for(config: SimConfig, night_share: float, stakeholder_voices: float) -> Rules:
    """The scalars of a meeting's days (typed as the kernel was compiled for)."""
    b, funding, channels = config.behaviour, config.funding, config.channels
    return Rules(
        days=int(config.scenario.calendar.days),
        night_share=float(night_share),
        remote_participation=bool(funding.remote_participation),
        remote_effectiveness=float(funding.remote_effectiveness),
        room_size=bool(channels.room_size),
        half_voices=float(b.room_half_voices),
        stakeholder_voices=float(stakeholder_voices),
        persuasion_rate=float(b.persuasion_rate),
        confidence=float(b.confidence),
        audience_costs=bool(channels.audience_costs),
        audience_cost=float(b.audience_cost),
    )


def ranking_of(positions: np.ndarray) -> np.ndarray:
    """Delegations ordered by position on each issue (issues x delegations), for `persuade`."""
    return np.ascontiguousarray(np.argsort(positions, axis=0, kind="stable").T, dtype=np.int64)


class CompiledDays:
    """Sits a meeting's days in one compiled call; the interface of `MeetingDays`."""

    def __init__(
        self,
        config: SimConfig,
        population: Population,
        capability_salience: np.ndarray,
        stakeholder_weights: np.ndarray,
    ) -> None:
        self.config = config
        self.population = population
        self.n_delegations, self.n_issues = population.delegations.ideal.shape
        self.members = members_for(config, population, capability_salience, stakeholder_weights)
        self.stakeholder_voices = float(stakeholder_weights.sum())
        self.ranking = ranking_of(population.delegations.ideal)  # kept sorted by the kernel
        self._packed: dict[tuple, PackedRooms] = {}

    def packed(self, tiers: TierPlan, tracks: int, invited: np.ndarray | None) -> PackedRooms:
        """The meeting's rooms, packed once per plan for the run."""
        key = (
            tiers.informal.tobytes(),
            tiers.friends.tobytes(),
            tiers.plenary.tobytes(),
            tracks,
            None if invited is None else invited.tobytes(),
        )
        found = self._packed.get(key)
        if found is None:
            found = self._packed[key] = pack_rooms(
                self.config, self.population, tiers, tracks, invited
            )
        return found

    def sit(
        self,
        plan: AttendancePlan,
        tiers: TierPlan,
        squeeze: Compression,
        invited: np.ndarray | None,
        text: np.ndarray,
        positions: np.ndarray,
        ledger: Ledger,
        work_left: np.ndarray,
    ) -> MeetingWork:
        """Every day of a meeting, as `MeetingDays.sit`: text, positions, ledger change in place."""
        packed = self.packed(tiers, squeeze.tracks, invited)
        days = self.config.scenario.calendar.days
        work = MeetingWork(self.n_delegations)
        tally = Tally(
            in_person_days=ledger.in_person_days,
            delegate_days=ledger.delegate_days,
            present_days=ledger.present_days,
            remote_days=ledger.remote_days,
            informal_days=ledger.informal_days,
            influence=ledger.influence,
            proxy_influence=ledger.proxy_influence,
            stakeholder_influence=ledger.stakeholder_influence,
            covered_days=work.covered_days,
            observed_days=work.observed_days,
            work_left=work_left,
            pace=np.zeros((days, max(packed.widest, 1))),
            movement=np.array([ledger.movement_total, ledger.movement_closed]),
        )
        kernels().sit_meeting(
            *self.members,
            *packed.rooms,
            rules_array(rules_for(self.config, squeeze.night_share, self.stakeholder_voices)),
            *tally,
            np.ascontiguousarray(plan.in_person_days, dtype=np.int64),
            np.ascontiguousarray(plan.delegates, dtype=np.int64),
            np.ascontiguousarray(plan.remote, dtype=np.bool_),
            text,
            positions,
            self.ranking,
        )
        ledger.movement_total = float(tally.movement[0])
        ledger.movement_closed = float(tally.movement[1])
        ledger.days_held += days
        ledger.informal_room_days += packed.closed_room_days
        work.closed_room_days = packed.closed_room_days
        for day, kinds in enumerate(packed.day_kinds):
            for j, kind in enumerate(kinds):
                work.pace[kind].append(float(tally.pace[day, j]))
        return work
