"""The days of one meeting: which rooms sit, who covers which, and each room's sitting.

Kept apart from `NegotiationModel` so the model reads as the sequence of a meeting, and
so what stays fixed while rooms sit (their layouts, the delegations' rankings of them,
presence factors, recent seatings) is cached in one place for the whole run.
"""

from __future__ import annotations

import numpy as np

from sim.config import SimConfig
from sim.model.attendance import AttendancePlan
from sim.model.dynamics import over_time, room_pace
from sim.model.ledger import Ledger
from sim.model.population import Population
from sim.model.process import (
    FRIENDS,
    INFORMAL,
    PLENARY,
    Compression,
    Room,
    TierPlan,
    room_ranks,
    rooms_for_day,
    rotation,
    stocktaking,
)
from sim.model.sitting import RoomLayout, Seating, seat, sit

__all__ = ["MeetingDays", "MeetingWork"]


class _Rooms:
    """The rooms sitting on a day, with what stays fixed while they sit in a meeting."""

    __slots__ = ("closed_rooms", "factor", "informal", "layouts", "plenary", "rank", "rooms")

    def __init__(self, rooms: list[Room], layouts, rank: np.ndarray, factor) -> None:
        self.rooms = rooms
        self.layouts = layouts
        self.rank = rank  # delegations x rooms: cover the rooms ranked below your delegates
        self.factor = factor  # presence of a delegate per room (language), or None
        self.informal = [j for j, r in enumerate(rooms) if r.kind in (INFORMAL, FRIENDS)]
        self.closed_rooms = sum(1 for r in rooms if r.closed_door)
        self.plenary = bool(rooms) and rooms[0].kind == PLENARY  # remote delegates follow it


class MeetingWork:
    """What one meeting's days did beyond the text: exposure to observers and the rooms' pace.

    `observed_days` and `covered_days` (per delegation) are the room-days a delegation sat
    in rooms stakeholders observed and in any room (audience costs); `pace` lists, per
    kind of room, the pace of each of its room-days (`sim.model.dynamics.room_pace`).
    """

    __slots__ = ("closed_room_days", "covered_days", "observed_days", "pace")

    def __init__(self, n: int) -> None:
        self.closed_room_days = 0
        self.observed_days = np.zeros(n)
        self.covered_days = np.zeros(n)
        self.pace: dict[str, list[float]] = {PLENARY: [], INFORMAL: [], FRIENDS: []}

    def mean_pace(self, kind: str) -> float:
        """Mean pace of the room-days of one kind of room (NaN if none sat)."""
        values = self.pace[kind]
        return float(np.mean(values)) if values else float("nan")


class MeetingDays:
    """Sits a meeting's days room by room; holds what is fixed for the whole run."""

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
        self._capability_salience = capability_salience
        self.stakeholder_weights = stakeholder_weights
        # Stakeholders' floor time in a room open to them, in delegation-voices: their
        # weight relative to a delegation (`stakeholder_weight x capacity`).
        self.stakeholder_voices = float(stakeholder_weights.sum())
        self._layouts: dict[tuple, RoomLayout] = {}

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
        """Every day of a meeting; returns what the days did besides moving the text.

        The text, the positions, the ledger and the work left on each issue (issue-days)
        change in place.
        """
        self.text, self.positions, self.ledger = text, positions, ledger
        work = MeetingWork(self.n_delegations)
        days = self.config.scenario.calendar.days
        by_key: dict[tuple[int, bool], _Rooms] = {}
        for day in range(days):
            # The rooms depend on the day only through the informal rooms' rotation and
            # whether the plenary sits only to take stock.
            key = (
                rotation(day, tiers, squeeze.tracks),
                stocktaking(day, tiers, days, self.config.process.stocktaking_days),
            )
            today = by_key.get(key)
            if today is None:
                process = self.config.process
                rooms = rooms_for_day(day, tiers, process, invited, squeeze.tracks, days)
                today = by_key[key] = self._prepare_rooms(rooms)
            self._sit_day(day, plan, today, squeeze.night_share, work, work_left)
            work.closed_room_days += today.closed_rooms
        return work

    def _presence(
        self,
        day: int,
        plan: AttendancePlan,
        cover: np.ndarray,
        rooms,
        factor: np.ndarray | None = None,
    ) -> np.ndarray:
        """Presence factor (delegations x rooms): 1 in person, less remotely or untranslated.

        `factor` (delegations x rooms) is each room's in-person factor if precomputed.
        """
        if factor is None:
            factor = self._presence_factor(rooms)
        presence = np.where(cover, factor, 0.0)
        if self.config.funding.remote_participation and rooms and rooms[0].kind == PLENARY:
            days = self.config.scenario.calendar.days
            remote_today = plan.remote & (plan.in_person_days < days - day)
            presence[remote_today, 0] = self.config.funding.remote_effectiveness
        return presence

    def _presence_factor(self, rooms) -> np.ndarray:
        """Presence of a delegate per room: less in an uninterpreted room for some."""
        factor = np.ones((self.n_delegations, len(rooms)))
        other = self.population.delegations.other_language
        for j, room in enumerate(rooms):
            if not room.interpreted:
                factor[other, j] *= self.config.behaviour.uninterpreted_presence
        return factor

    def _prepare_rooms(self, rooms: list[Room]) -> _Rooms:
        """Rooms sitting on a day: their layouts, rankings and presence factors."""
        layouts = []
        for room in rooms:
            admits = None if room.invited is None else room.invited.tobytes()
            key = (room.kind, room.issues.tobytes(), room.open_to_stakeholders, room.step, admits)
            layout = self._layouts.get(key)
            if layout is None:
                layout = self._layouts[key] = self._layout(room)
            layouts.append(layout)
        factor = self._presence_factor(rooms)
        rank = room_ranks(
            self.population.delegations.salience,
            rooms,
            factor,
            self.config.behaviour.plenary_priority,
        )
        return _Rooms(rooms, layouts, rank, factor)

    def _layout(self, room: Room) -> RoomLayout:
        b = self.config.behaviour
        open_door = room.open_to_stakeholders
        return RoomLayout(
            issues=room.issues,
            capability_salience=self._capability_salience,
            bloc=self.population.delegations.bloc,
            n_blocs=len(self.population.bloc_names) if b.bloc_coordination else 0,
            proxy_weight=b.bloc_proxy_weight if b.bloc_coordination else 0.0,
            stakeholder_ideal=self.population.stakeholders.ideal if open_door else None,
            stakeholder_weight=self.stakeholder_weights if open_door else None,
            admits=room.invited,
        )

    def _sit_day(
        self,
        day: int,
        plan: AttendancePlan,
        today: _Rooms,
        night_share: float,
        work: MeetingWork,
        work_left: np.ndarray,
    ) -> None:
        """One day: who is in which room, then every room sits (drafting, persuasion, work).

        A room's day lasts `1 + night_share` days, of which the share its voices leave
        for bargaining (`room_pace`, with `channels.room_size`) is negotiating time: the
        daily step and persuasion compound over it (`over_time`) and the work left on
        its issues falls by it, shared among them. In a room stakeholders observe
        (`channels.audience_costs`) delegates persuade and listen `audience_cost` less.
        """
        cfg = self.config
        b, channels = cfg.behaviour, cfg.channels
        ledger = self.ledger
        in_person = plan.in_person_days >= cfg.scenario.calendar.days - day
        delegates = np.where(in_person, plan.delegates, 0)
        cover = today.rank < delegates[:, None]
        presence = self._presence(day, plan, cover, today.rooms, today.factor)
        ledger.days_held += 1
        ledger.in_person_days += in_person
        ledger.delegate_days += delegates
        if cfg.funding.remote_participation:
            remote_today = np.zeros(self.n_delegations, dtype=bool)  # no plenary to follow
            if today.plenary:
                remote_today = (presence[:, 0] > 0) & ~cover[:, 0] & ~in_person
            ledger.present_days += in_person | remote_today
            ledger.remote_days += remote_today
        else:  # nobody follows remotely
            ledger.present_days += in_person
        for j in today.informal:
            ledger.informal_room_days += 1
            ledger.informal_days += cover[:, j]
        text, positions = self.text, self.positions
        for j, room in enumerate(today.rooms):
            column = presence[:, j]
            sitting = column > 0
            work.covered_days += sitting
            if room.open_to_stakeholders:
                work.observed_days += sitting
            pace = 1.0
            if channels.room_size:
                voices = float(column.sum())
                if room.open_to_stakeholders:
                    voices += self.stakeholder_voices
                pace = room_pace(voices, b.room_half_voices)
            work.pace[room.kind].append(pace)
            time = (1.0 + night_share) * pace
            work_left[room.issues] -= time / max(len(room.issues), 1)
            step = over_time(room.step, time)
            layout = today.layouts[j]
            seating = self._seating(layout, step, column)
            if seating is None:
                continue
            persuasion, confidence = over_time(b.persuasion_rate, time), b.confidence
            if room.open_to_stakeholders and channels.audience_costs:
                persuasion *= 1.0 - b.audience_cost
                confidence *= 1.0 - b.audience_cost
            move = sit(
                layout,
                step,
                column,
                text,
                positions,
                influence=ledger.influence,
                proxy_influence=ledger.proxy_influence,
                stakeholder_influence=(
                    ledger.stakeholder_influence if room.open_to_stakeholders else None
                ),
                confidence=confidence,
                persuasion_rate=persuasion,
                seating=seating,
            )
            moved = float(np.abs(move).sum())
            ledger.movement_total += moved
            if room.kind != PLENARY:
                ledger.movement_closed += moved

    def _seating(self, layout: RoomLayout, step: float, presence: np.ndarray) -> Seating | None:
        """The room seated for `presence` at `step`, reused while the same delegations sit in it.

        A few recent seatings are kept per room (rooms alternate with the informal
        rooms' rotation); one only for very large rooms, to bound memory.
        """
        cache = layout.seatings
        key = (step, presence.tobytes())
        if key in cache:
            cache[key] = seating = cache.pop(key)  # most recently used last
            return seating
        seating = cache[key] = seat(layout, step, presence)
        if len(cache) > (4 if presence.size * layout.k <= 200_000 else 1):
            del cache[next(iter(cache))]
        return seating
