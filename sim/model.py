"""`NegotiationModel`: one negotiation process, meeting by meeting, as a Mesa model.

One `step()` is one meeting: attendance decisions, the chair's choice of tiers, the
days of negotiation room by room, payment, pressure, and tabling. `run()` steps until
adoption or the end of the affordable meetings, then simulates ratification and
returns the run's metrics.
"""

from __future__ import annotations

import numpy as np
from mesa import DataCollector, Model

from sim.agents import Chair, Delegation, Stakeholder
from sim.attendance import AttendancePlan, plan_attendance
from sim.config import SimConfig
from sim.decision import Decision, decide
from sim.dynamics import (
    confidence_pull,
    disagreement,
    pressure,
    reservation_now,
    salience_distance,
)
from sim.ledger import Ledger, affordable_meetings, contributions_at_cost
from sim.metrics import meeting_reporters, run_metrics
from sim.population import build_population
from sim.process import FRIENDS, INFORMAL, PLENARY, Room, room_ranks, rooms_for_day, rotation
from sim.ratification import ratification_days
from sim.sitting import RoomLayout, Seating, seat, sit

__all__ = ["NegotiationModel"]


class _Rooms:
    """The rooms sitting on a day, with what stays fixed while they sit in a meeting."""

    __slots__ = ("closed_issues", "closed_rooms", "factor", "informal", "layouts", "rank")
    __slots__ += ("rooms",)

    def __init__(self, rooms: list[Room], layouts, rank: np.ndarray, factor) -> None:
        self.rooms = rooms
        self.layouts = layouts
        self.rank = rank  # delegations x rooms: cover the rooms ranked below your delegates
        self.factor = factor  # presence of a delegate per room (language), or None
        self.informal = [j for j, r in enumerate(rooms) if r.kind in (INFORMAL, FRIENDS)]
        self.closed_issues = sum(len(r.issues) for r in rooms if r.closed_door)
        self.closed_rooms = sum(1 for r in rooms if r.closed_door)


class NegotiationModel(Model):
    """A treaty negotiation among delegations with unequal resources."""

    def __init__(self, config: SimConfig, seed: int | None = None) -> None:
        super().__init__(rng=config.seed if seed is None else seed)
        self.config = config
        self.population = build_population(config.scenario, self.rng)
        dl, st = self.population.delegations, self.population.stakeholders
        self.n_delegations, self.n_issues = dl.ideal.shape
        self.positions = dl.ideal.copy()
        self.ledger = Ledger(
            remaining_usd=dl.budget_usd.copy(),
            process_remaining_usd=config.cost.process_budget_usd,
            fund_remaining_usd=config.funding.trust_fund_usd,
            n_stakeholders=len(st),
        )
        self.stakeholder_weights = (
            config.behaviour.stakeholder_weight * st.capacity[:, None] * st.salience
        )
        # Fixed for the run: each delegation's weight per issue before presence, and
        # the rooms' layouts by issues and openness.
        self._capability_salience = dl.expertise[:, None] * dl.salience
        self._layouts: dict[tuple[bytes, bool, float], RoomLayout] = {}
        self.attendance: AttendancePlan | None = None
        self.objecting = np.zeros(self.n_delegations, dtype=bool)
        self.present_at_decision = np.zeros(self.n_delegations, dtype=bool)
        self.pressure = 0.0
        self.meeting = 0  # meetings held
        self.decision: Decision | None = None
        self.adopted_by: str | None = None
        self.meeting_log: dict[str, object] = {}
        self.text_history: list[np.ndarray] = []
        # One Mesa agent per row, registered with the model (a plain loop: `create_agents`
        # would also build a throw-away AgentSet of them, a third of the cost at scale).
        for i in range(self.n_delegations):
            Delegation(self, i)
        for i in range(len(st)):
            Stakeholder(self, i)
        # The chair's zero draft: the plain mean of the member states' stated ideals.
        self.chair = Chair(self, dl.ideal.mean(axis=0) if len(dl) else np.full(self.n_issues, 0.5))
        self.datacollector = DataCollector(
            model_reporters=meeting_reporters(self.population.issues)
        )

    # ------------------------------------------------------------------ schedule
    @property
    def planned_meetings(self) -> int:
        return self.config.scenario.calendar.meetings

    def _max_meeting_cost(self) -> float:
        return self.config.cost.meeting_usd * max(1.0, self.config.process.informal_cost_ratio)

    def can_hold_meeting(self) -> bool:
        """Whether another meeting is planned (or an allowed extension) and affordable."""
        limit = self.planned_meetings + self.config.decision.max_extensions
        affordable = self.ledger.process_remaining_usd >= self._max_meeting_cost() - 1e-6
        return self.meeting < limit and affordable

    def meetings_left(self) -> int:
        """Planned meetings still ahead that the process budget can pay for."""
        planned_left = max(self.planned_meetings - self.meeting, 0)
        return affordable_meetings(
            planned_left, self.ledger.process_remaining_usd, self._max_meeting_cost()
        )

    @property
    def extensions_used(self) -> int:
        return max(0, self.meeting - self.planned_meetings)

    def run(self) -> dict[str, object]:
        """Step meetings until adoption or the end, then ratification; return metrics."""
        while self.running and self.can_hold_meeting():
            self.step()
        days = None
        if self.adopted_by is not None:
            dl = self.population.delegations
            dislike = salience_distance(dl.ideal, self.chair.text, dl.salience)
            days = ratification_days(dislike, dl.legislative, self.config.ratification, self.rng)
        return run_metrics(self, days)

    # ------------------------------------------------------------------ one meeting
    def step(self) -> None:
        """One meeting: attend, choose tiers, negotiate each day, pay, table the draft."""
        cal = self.config.scenario.calendar
        self.attendance = plan = self._decide_attendance()
        tiers = self.chair.choose_tiers(self._disagreement(plan), self.meeting + 1)
        invited = None
        if len(tiers.friends):
            dl = self.population.delegations
            invited = self.chair.invite_friends(dl.expertise, dl.bloc)
        stakeholder_before = self.ledger.stakeholder_influence.sum()
        delegation_before = self.ledger.influence.sum()
        informal_days_open = 0
        cost = 0.0
        days = cal.days
        by_rotation: dict[int, _Rooms] = {}
        for day in range(days):
            # The rooms depend on the day only through the informal rooms' rotation.
            turn = rotation(day, tiers, self.config.process)
            today = by_rotation.get(turn)
            if today is None:
                rooms = rooms_for_day(day, tiers, self.config.process, invited)
                today = by_rotation[turn] = self._prepare_rooms(rooms)
            self._sit_day(day, plan, today)
            closed = today.closed_issues
            queued = len(tiers.informal) + len(tiers.friends) - closed
            informal_share = (closed + queued) / self.n_issues
            ratio = self.config.process.informal_cost_ratio
            cost += (self.config.cost.meeting_usd / cal.days) * (
                (1.0 - informal_share) + ratio * informal_share
            )
            informal_days_open += today.closed_rooms
        self._pay(plan, cost)
        self.meeting += 1
        self.text_history.append(self.chair.text.copy())
        self._apply_pressure()
        decision = self._table(plan)
        if self.running and self.can_hold_meeting():
            self._consult()
        stakeholder_gain = self.ledger.stakeholder_influence.sum() - stakeholder_before
        total_gain = stakeholder_gain + self.ledger.influence.sum() - delegation_before
        self.meeting_log = {
            "cost_usd": cost,
            "informal_issues": len(tiers.informal),
            "friends_issues": len(tiers.friends),
            "informal_room_days": informal_days_open,
            "stakeholder_influence_share": (
                stakeholder_gain / total_gain if total_gain else float("nan")
            ),
            "decision": decision,
        }
        self.datacollector.collect(self)

    def _decide_attendance(self) -> AttendancePlan:
        dl = self.population.delegations
        cfg = self.config
        stakes = salience_distance(dl.ideal, self.chair.text, dl.salience)
        return plan_attendance(
            remaining=self.ledger.remaining_usd,
            budget0=dl.budget_usd,
            staff=dl.staff,
            income=dl.income,
            ldc=dl.ldc,
            stakes=stakes,
            progress=min(self.meeting / max(self.planned_meetings - 1, 1), 1.0),
            meeting_index=self.meeting,
            planned=self.planned_meetings,
            days=cfg.scenario.calendar.days,
            fund_remaining=self.ledger.fund_remaining_usd,
            cost=cfg.cost,
            funding=cfg.funding,
            attendance_base=cfg.behaviour.attendance_base,
            stakes_gain=cfg.behaviour.attendance_stakes_gain,
            lateness=cfg.behaviour.lateness_weight,
        )

    def _disagreement(self, plan: AttendancePlan) -> np.ndarray:
        """Disagreement among the delegations in the room on the meeting's first day."""
        present = plan.delegates > 0
        if present.sum() < 2:
            return np.zeros(self.n_issues)
        return disagreement(self.positions[present])

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
        if self.config.funding.remote_participation:
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
            key = (room.issues.tobytes(), room.open_to_stakeholders, room.step)
            layout = self._layouts.get(key)
            if layout is None:
                layout = self._layouts[key] = self._layout(room)
            layouts.append(layout)
        rank = room_ranks(self.population.delegations.salience, rooms)
        return _Rooms(rooms, layouts, rank, self._presence_factor(rooms))

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
        )

    def _sit_day(self, day: int, plan: AttendancePlan, today: _Rooms) -> None:
        """One day: who is in which room, then every room sits (drafting, persuasion)."""
        b = self.config.behaviour
        ledger = self.ledger
        in_person = plan.in_person_days >= self.config.scenario.calendar.days - day
        delegates = np.where(in_person, plan.delegates, 0)
        cover = today.rank < delegates[:, None]
        presence = self._presence(day, plan, cover, today.rooms, today.factor)
        ledger.days_held += 1
        ledger.in_person_days += in_person
        ledger.delegate_days += delegates
        if self.config.funding.remote_participation:
            remote_today = (presence[:, 0] > 0) & ~cover[:, 0] & ~in_person
            ledger.present_days += in_person | remote_today
            ledger.remote_days += remote_today
        else:  # nobody follows remotely
            ledger.present_days += in_person
        for j in today.informal:
            ledger.informal_room_days += 1
            ledger.informal_days += cover[:, j]
        text, positions = self.chair.text, self.positions
        for j, room in enumerate(today.rooms):
            layout = today.layouts[j]
            seating = self._seating(layout, room.step, presence[:, j])
            if seating is None:
                continue
            move = sit(
                layout,
                room.step,
                presence[:, j],
                text,
                positions,
                ledger.influence,
                ledger.stakeholder_influence if room.open_to_stakeholders else None,
                b.confidence,
                b.persuasion_rate,
                seating,
            )
            moved = float(np.abs(move).sum())
            ledger.movement_total += moved
            if room.kind != PLENARY:
                ledger.movement_closed += moved

    def _seating(self, layout: RoomLayout, step: float, presence: np.ndarray) -> Seating | None:
        """The room seated for `presence`, reused while the same delegations sit in it.

        A few recent seatings are kept per room (rooms alternate with the informal
        rooms' rotation); one only for very large rooms, to bound memory.
        """
        cache = layout.seatings
        key = presence.tobytes()
        if key in cache:
            cache[key] = seating = cache.pop(key)  # most recently used last
            return seating
        seating = cache[key] = seat(layout, step, presence)
        if len(cache) > (4 if presence.size * layout.k <= 200_000 else 1):
            del cache[next(iter(cache))]
        return seating

    def _pay(self, plan: AttendancePlan, meeting_cost: float) -> None:
        """Settle the meeting: cost-sharing shares follow what it actually cost."""
        paid = contributions_at_cost(
            plan.contribution_usd, meeting_cost, self.config.cost.meeting_usd
        )
        self.ledger.spend(plan.own_cost_usd - (plan.contribution_usd - paid))
        self.ledger.fund_remaining_usd -= plan.fund_cost_usd
        self.ledger.fund_spent_usd += plan.fund_cost_usd
        self.ledger.charge_meeting(meeting_cost, float(paid.sum()))

    def _apply_pressure(self) -> None:
        """Raise pressure with money spent and meetings used; concede under it.

        Positions move toward the draft by a share `concession_rate x pressure` of the
        gap per meeting: the mechanism behind late consensus on a rushed text.
        """
        b = self.config.behaviour
        budget = self.config.cost.process_budget_usd
        spent = 1.0 - self.ledger.process_remaining_usd / budget if budget > 0 else 1.0
        self.pressure = pressure(
            spent, self.meeting, self.meetings_left(), b.pressure_budget_weight
        )
        self.positions += b.concession_rate * self.pressure * (self.chair.text - self.positions)

    def _table(self, plan: AttendancePlan) -> Decision | None:
        """Table the draft if the chair may; adopt under the decision rule."""
        cfg = self.config
        dl = self.population.delegations
        present = plan.in_person_days > 0
        if cfg.funding.remote_counts_for_decision:
            present = present | plan.remote
        burden = self.ledger.spent_usd / np.maximum(dl.budget_usd, 1e-9)
        reservation = reservation_now(
            dl.reservation,
            self.pressure,
            burden,
            cfg.behaviour.pressure_gain,
            cfg.behaviour.burden_gain,
        )
        distance = salience_distance(self.positions, self.chair.text, dl.salience)
        self.objecting = distance > reservation
        self.present_at_decision = present
        final = not self.can_hold_meeting()
        if self.meeting < cfg.decision.earliest_tabling_meeting and not final:
            return None
        decision = decide(
            rule=cfg.decision.rule,
            final=final,
            present=present,
            distance=distance,
            reservation=reservation,
            vote_threshold=cfg.decision.vote_threshold,
            abstain_margin=cfg.decision.abstain_margin,
        )
        self.decision = decision
        if decision.adopted_by is not None:
            self.adopted_by = decision.adopted_by
            self.running = False
        return decision

    def _consult(self) -> None:
        """Intersessional consultations: stakeholders pull the delegations that attend."""
        cal = self.config.scenario.calendar
        b = self.config.behaviour
        if self.meeting > cal.consultations:
            return
        st = self.population.stakeholders
        attend = self.rng.random(self.n_delegations) < b.consultation_attendance
        cost = cal.consultation_days * self.config.cost.consultation_day_usd
        in_person = attend & (self.ledger.remaining_usd >= cost)  # the rest join online
        self.ledger.spend(np.where(in_person, cost, 0.0))
        self.ledger.consultations_attended += attend
        rate = 1.0 - (1.0 - b.consultation_rate) ** cal.consultation_days
        idx = np.flatnonzero(attend)
        self.positions[idx] = confidence_pull(
            self.positions[idx], st.ideal, self.stakeholder_weights, b.confidence, rate
        )
