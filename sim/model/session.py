"""`Negotiation`: one negotiation process, meeting by meeting, without Mesa.

One `step()` is one meeting (attendance, the chair's tiers and compression, the days
room by room, payment, pressure, tabling with holdouts accommodated as the rule gives
them power); `run()` steps to adoption or the last affordable meeting, simulates
ratification and the unhurried twin (rush cost) and returns the run's `RunRecord`.
`sim.model.negotiation.NegotiationModel` is this class as a Mesa model, bit for bit;
the command line and sweeps run this one: no Mesa to import, no agent objects.
"""

from __future__ import annotations

from copy import deepcopy

import numpy as np

from sim.config import SimConfig
from sim.model.attendance import AttendancePlan, MeetingOutlook
from sim.model.chair import ChairDesk
from sim.model.days import MeetingWork
from sim.model.decision import Decision
from sim.model.dynamics import (
    exposed_concession,
    pressure,
    reservation_now,
    salience_distance,
)
from sim.model.kernels import mechanisms, resolve_kernels
from sim.model.ledger import Ledger
from sim.model.metrics import run_metrics
from sim.model.population import build_population
from sim.model.process import Compression
from sim.model.purse import Purse
from sim.model.ratification import ratify
from sim.model.record import RunRecord
from sim.model.reporters import meeting_reporters
from sim.model.streams import stage_streams
from sim.model.tabling import table_draft

__all__ = ["Negotiation"]

PLANNED, EXTENSION = "planned", "extension"
# A reporter's value of these types is stored as it is; any other is copied (as Mesa does).
_SCALARS = (int, float, str, bool, np.generic, type(None))


class Negotiation:
    """A treaty negotiation among delegations with unequal resources.

    `unhurried=True` runs the same seed's counterfactual: no budget limit and no
    pressure (so no concession, no closing doors, no compression, no accommodation).
    `collect=False` skips the per-meeting DataCollector (the counterfactual needs none).
    `kernels`: `numpy` or `compiled` days, the same numbers (`sim.model.kernels`);
    `twin_of`: the run whose unhurried twin this is (its config, seed, draws, mechanisms).
    """

    def __init__(
        self,
        config: SimConfig,
        seed: int | None = None,
        *,
        unhurried: bool = False,
        collect: bool = True,
        kernels: str | None = None,
        twin_of: Negotiation | None = None,
    ) -> None:
        seed = config.seed if seed is None else seed
        self._begin(seed)
        self.config = config
        self.seed_used = seed
        self.unhurried = unhurried
        self.kernels = resolve_kernels(kernels)
        # One stream per stage (sim.model.streams): a design change never shifts the others.
        self.streams = stage_streams(seed)
        draw = self.streams["population"]
        self.population = twin_of.population if twin_of else build_population(config.scenario, draw)
        dl, st = self.population.delegations, self.population.stakeholders
        self.n_delegations, self.n_issues = dl.ideal.shape
        self.positions = dl.ideal.copy()
        self.purse = Purse.from_config(config, unlimited=unhurried)
        self.ledger = Ledger(
            remaining_usd=dl.budget_usd.copy(),
            fund_remaining_usd=config.funding.trust_fund_usd,
            n_stakeholders=len(st),
        )
        weight = config.behaviour.stakeholder_weight
        self.stakeholder_weights = weight * st.capacity[:, None] * st.salience
        self._cost_shares = self.purse.cost_shares(dl.budget_usd)
        self.mechanisms = (
            twin_of.mechanisms
            if twin_of
            else mechanisms(self.kernels, config, self.population, self.stakeholder_weights)
        )
        self.attendance: AttendancePlan | None = None
        self.objecting = np.zeros(self.n_delegations, dtype=bool)
        self.present_at_decision = np.zeros(self.n_delegations, dtype=bool)
        self.pressure = 0.0
        self.meeting = 0  # meetings held
        self.extensions_used = 0
        # Issue-days of negotiation the text still needs (compression), split evenly.
        self.work_total = np.full(
            self.n_issues, config.process.compression.text_days / max(self.n_issues, 1)
        )
        self.work_left = self.work_total.copy()
        self.work: MeetingWork | None = None  # what the last meeting's days did
        self.unfinished = np.zeros(self.n_issues)  # share of each issue's work left at the end
        self.compression = Compression(0, 0.0, 0.0)
        self.holdout_move = np.zeros(self.n_issues)
        self.accommodated = np.zeros(self.n_delegations, dtype=bool)
        self.accommodations = 0
        self.amendments = (0, 0)  # proposed, adopted
        self.decision: Decision | None = None
        self.adopted_by: str | None = None
        self.meeting_log: dict[str, object] = {}
        self.text_history: list[np.ndarray] = []
        # The chair's zero draft: the plain mean of the member states' stated ideals.
        zero_draft = dl.ideal.mean(axis=0) if len(dl) else np.full(self.n_issues, 0.5)
        self._seat_actors(len(st), zero_draft)
        self.zero_draft = self.chair.text.copy()
        self._reporters = meeting_reporters(self.population.issues) if collect else {}
        self._start_series(self._reporters)
        self._collect = collect

    # ------------------------------------------------------------------ hooks
    # `NegotiationModel` overrides these four to be a Mesa model; nothing else differs.
    def _begin(self, seed: int) -> None:
        """The running flag (every draw comes from `self.streams`, one per stage)."""
        self.running = True

    def _seat_actors(self, n_stakeholders: int, zero_draft: np.ndarray) -> None:
        """The chair, holding the zero draft (no agent objects for the delegations)."""
        self.chair = ChairDesk(self, zero_draft)

    def _start_series(self, reporters: dict[str, object]) -> None:
        self.meeting_series = {name: [] for name in reporters}

    def _collect_meeting(self) -> None:
        """Record the meeting's reporters (as Mesa's `DataCollector.collect` does)."""
        for name, reporter in self._reporters.items():
            value = reporter(self)
            if not isinstance(value, _SCALARS):
                value = deepcopy(value)
            self.meeting_series[name].append(value)

    # ------------------------------------------------------------------ schedule
    @property
    def planned_meetings(self) -> int:
        return self.config.scenario.calendar.meetings

    def next_meeting(self) -> str | None:
        """Whether another meeting can be held: a planned one, an extension, or none.

        A planned meeting needs the process budget to pay for it; once the calendar or
        the money runs out, up to `decision.max_extensions` extension meetings follow,
        each with its own authorisation (`cost.extension_authorised`) or paid from what
        is left.
        """
        if self.meeting < self.planned_meetings and self.purse.can_afford_meeting():
            return PLANNED
        if self.extensions_used < self.config.decision.max_extensions and (
            self.purse.extension_authorised or self.purse.can_afford_meeting()
        ):
            return EXTENSION
        return None

    def meetings_left(self) -> int:
        """Planned meetings still ahead that the process budget can pay for."""
        return self.purse.affordable_meetings(max(self.planned_meetings - self.meeting, 0))

    def run(self) -> RunRecord:
        """Step meetings until adoption or the end, then ratification; return the record."""
        while self.running and self.next_meeting() is not None:
            self.step()
        days = None
        if self.adopted_by is not None and not self.unhurried:  # None also when no treaty
            dl, stream = self.population.delegations, self.streams["ratification"]
            passage = self.mechanisms.first_passage
            days = ratify(dl, self.chair.text, self.config.ratification, stream, passage)
        unhurried_text = None
        if self.config.measures.rush_cost and not self.unhurried:
            # The mesa-free class whatever this one is: the twin is run for its text alone.
            quiet = dict(unhurried=True, collect=False, kernels=self.kernels)
            twin = Negotiation(self.config, self.seed_used, **quiet, twin_of=self)
            twin.run()
            unhurried_text = twin.chair.text.copy()
        record = RunRecord(
            config=self.config,
            seed=self.seed_used,
            population=self.population,
            ledger=self.ledger,
            purse=self.purse,
            zero_draft=self.zero_draft,
            text=self.chair.text.copy(),
            positions=self.positions.copy(),
            meetings_held=self.meeting,
            extensions_used=self.extensions_used,
            adopted_by=self.adopted_by,
            decision=self.decision,
            pressure=self.pressure,
            objecting=self.objecting.copy(),
            present_at_decision=self.present_at_decision.copy(),
            meeting_series=self.meeting_series,
            holdout_move=self.holdout_move.copy(),
            accommodated=self.accommodated.copy(),
            accommodations=self.accommodations,
            amendments_proposed=self.amendments[0],
            amendments_adopted=self.amendments[1],
            ratification_days=days,
            unhurried_text=unhurried_text,
            doors_closed=self.chair.doors_closed.copy(),
            unfinished=self.unfinished.copy(),
        )
        if not self.unhurried:  # the twin is run for its text alone
            record.row = run_metrics(record)
        return record

    # ------------------------------------------------------------------ one meeting
    def step(self) -> None:
        """One meeting: attend, choose tiers, negotiate each day, pay, table the draft."""
        mode = self.next_meeting()
        if mode is None:
            self.running = False
            return
        if mode == EXTENSION:
            self.purse.authorise_extension()
            self.extensions_used += 1
        cal = self.config.scenario.calendar
        channels = self.config.channels
        ahead = max(self.meetings_left() if mode == PLANNED else 1, 1)  # this one included
        self.attendance = plan = self._decide_attendance(ahead)
        spread = self._disagreement(plan)
        tiers, squeeze = self.chair.choose_tiers(
            spread,
            self.meeting + 1,
            pressure=self.pressure,
            closing_doors=channels.closing_doors and not self.unhurried,
            work_left=self.work_left,
            days=cal.days,
            meetings_ahead=ahead,
            compressing=channels.compression and not self.unhurried,
        )
        self.compression = squeeze
        invited = None
        if len(tiers.friends):
            dl = self.population.delegations
            invited = self.chair.invite_friends(dl.expertise, dl.bloc)
        before = self._credited() if self._collect else (0.0, 0.0)
        text, positions, ledger = self.chair.text, self.positions, self.ledger
        self.work = work = self.mechanisms.days.sit(
            plan, tiers, squeeze, invited, text, positions, ledger, self.work_left
        )
        cost = self.purse.meeting_usd
        self._pay(plan, cost)
        self.meeting += 1
        self._apply_pressure()
        decision = self._table(plan)
        self.text_history.append(self.chair.text.copy())
        if self.running and self.next_meeting() is not None:
            self._consult()
        if self._collect:  # the log feeds the reporters alone: a twin keeps none
            self.meeting_log = self._meeting_log(cost, tiers, work, decision, before)
            self._collect_meeting()

    def _credited(self) -> tuple[float, float]:
        """Influence credited so far: to stakeholders, and to delegations (with proxies)."""
        led = self.ledger
        return led.stakeholder_influence.sum(), led.influence.sum() + led.proxy_influence.sum()

    def _meeting_log(self, cost, tiers, work, decision, before) -> dict[str, object]:
        """What the meeting leaves for the reporters beyond the model's own state."""
        stakeholder_gain = self.ledger.stakeholder_influence.sum() - before[0]
        led = self.ledger
        total_gain = stakeholder_gain + led.influence.sum() + led.proxy_influence.sum() - before[1]
        return {
            "cost_usd": cost,
            "informal_issues": len(tiers.informal),
            "friends_issues": len(tiers.friends),
            "informal_room_days": work.closed_room_days,
            "plenary_pace": work.mean_pace("plenary"),
            "informal_pace": work.mean_pace("informal"),
            "work_left": float(np.maximum(self.work_left, 0.0).sum()),
            "stakeholder_influence_share": (
                stakeholder_gain / total_gain if total_gain else float("nan")
            ),
            "decision": decision,
        }

    def _decide_attendance(self, ahead: int) -> AttendancePlan:
        """Attendance, each budget planned over the meetings held and the `ahead` still paid for.

        A process of dear meetings is a short one, and delegations spend accordingly.
        """
        dl = self.population.delegations
        outlook = MeetingOutlook(
            meeting_index=self.meeting,
            expected=self.meeting + ahead,
            remaining_usd=self.ledger.remaining_usd,
            stakes=salience_distance(dl.ideal, self.chair.text, dl.salience),
            cost_share_usd=self._cost_shares,
            fund_remaining_usd=self.ledger.fund_remaining_usd,
        )
        return self.mechanisms.attendance(outlook)

    def _disagreement(self, plan: AttendancePlan) -> np.ndarray:
        """Disagreement among the delegations in the room on the meeting's first day."""
        return self.mechanisms.disagreement(self.positions, plan.delegates > 0)

    def _pay(self, plan: AttendancePlan, meeting_cost: float) -> None:
        """Settle the meeting: delegations, the trust fund and the process budget pay."""
        self.ledger.spend(plan.own_cost_usd)
        self.ledger.fund_remaining_usd -= plan.fund_cost_usd
        self.ledger.fund_spent_usd += plan.fund_cost_usd
        self.purse.settle(meeting_cost, float(plan.contribution_usd.sum()))

    def _apply_pressure(self) -> None:
        """Raise pressure with money spent and meetings used; concede under it.

        Positions move toward the draft by a share `concession_rate x pressure` of the
        gap per meeting; with audience costs, less for delegations that spent the meeting
        in rooms stakeholders observe (`exposed_concession`). An unhurried process feels
        no pressure.
        """
        if self.unhurried:
            return
        b = self.config.behaviour
        self.pressure = pressure(
            self.purse.spent_share(), self.meeting, self.meetings_left(), b.pressure_budget_weight
        )
        rate = b.concession_rate * self.pressure
        if self.config.channels.audience_costs and self.work is not None:
            share = exposed_concession(
                self.work.observed_days, self.work.covered_days, b.audience_cost
            )
            self.positions += rate * share[:, None] * (self.chair.text - self.positions)
        else:
            self.positions += rate * (self.chair.text - self.positions)

    def _table(self, plan: AttendancePlan) -> Decision | None:
        """End the meeting: table the draft if the chair may (`sim.model.tabling`)."""
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
        self.present_at_decision = present
        result = table_draft(
            cfg,
            text=self.chair.text,
            zero_draft=self.zero_draft,
            positions=self.positions,
            salience=dl.salience,
            present=present,
            reservation=reservation,
            work_left=self.work_left,
            work_total=self.work_total,
            meeting=self.meeting,
            final=self.next_meeting() is None,
            pressure=self.pressure,
            hurried=not self.unhurried,
        )
        if result.holdout_move.any():
            self.holdout_move += result.holdout_move
            self.accommodated |= result.power > 0
            self.accommodations += 1
        self.amendments = (
            self.amendments[0] + result.amendments[0],
            self.amendments[1] + result.amendments[1],
        )
        self.unfinished = result.unfinished
        self.objecting = result.objecting
        decision = result.decision
        if decision is None:
            return None
        self.decision = decision
        if decision.adopted_by is not None:
            self.adopted_by = decision.adopted_by
            self.running = False
        return decision

    def _consult(self) -> None:
        """Intersessional consultations: stakeholders pull the delegations that attend."""
        cal, b = self.config.scenario.calendar, self.config.behaviour
        if self.meeting > cal.consultations:
            return
        attend = self.streams["consultation"].random(self.n_delegations) < b.consultation_attendance
        cost = cal.consultation_days * self.config.cost.consultation_day_usd
        in_person = attend & (self.ledger.remaining_usd >= cost)  # the rest join online
        self.ledger.spend(np.where(in_person, cost, 0.0))
        self.ledger.consultations_attended += attend
        rate = 1.0 - (1.0 - b.consultation_rate) ** cal.consultation_days
        idx = np.flatnonzero(attend)
        self.positions[idx] = self.mechanisms.pull(self.positions[idx], b.confidence, rate)
