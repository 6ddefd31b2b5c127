"""`CompiledMechanisms`: a run's mechanisms on the compiled kernels, same interface.

`sim.model.mechanisms.Mechanisms` with every mechanism a kernel call: the days
(`CompiledDays`), attendance, disagreement and the consultations' pull
(`sim.model.compiled.meeting`), ratification's first passage
(`sim.model.compiled.passage`), from `sim.model.compiled.load`. What the kernels need
that is fixed for a run (the trust fund's queue, the stakeholders sorted) is prepared
here once, by the numpy reference's own code.
"""

from __future__ import annotations

import numpy as np

from sim.config import SimConfig
from sim.model.attendance import (
    AttendancePlan,
    MeetingOutlook,
    allowance_share,
    trust_fund_queue,
)
from sim.model.compiled.load import kernels
from sim.model.compiled.sitter import CompiledDays
from sim.model.dynamics import StakeholderPull
from sim.model.mechanisms import Mechanisms
from sim.model.population import Population
from sim.model.ratification_clock import PeerGroups, change_days

__all__ = ["CompiledMechanisms", "CompiledPull"]


class CompiledPull(StakeholderPull):
    """`StakeholderPull` with its queries in one kernel call."""

    def __call__(self, x: np.ndarray, confidence: float, rate: float) -> np.ndarray:
        n, _ = x.shape
        if n == 0 or len(self.sources) == 0 or rate == 0.0:
            return x.copy()
        if self._sorted is None:
            self._sorted = self._sort()
        flat, weight_prefix, pulled_prefix = self._sorted
        rows = np.ascontiguousarray(x, dtype=np.float64)
        return kernels().pull(
            rows, flat, weight_prefix, pulled_prefix, float(confidence), float(rate)
        )


class CompiledMechanisms(Mechanisms):
    """A run's mechanisms as kernel calls (`sim.model.mechanisms.Mechanisms`'s numbers)."""

    days_class = CompiledDays
    pull_class = CompiledPull

    def __init__(
        self, config: SimConfig, population: Population, stakeholder_weights: np.ndarray
    ) -> None:
        super().__init__(config, population, stakeholder_weights)
        days = config.scenario.calendar.days
        order, spent, wanted = trust_fund_queue(
            population.delegations, days, config.cost, config.funding
        )
        self._queue = (
            np.ascontiguousarray(order, dtype=np.int64),
            np.ascontiguousarray(spent, dtype=np.float64),
            np.ascontiguousarray(wanted, dtype=np.int64),
        )

    def attendance(self, outlook: MeetingOutlook) -> AttendancePlan:
        cfg = self.config
        b, cost, funding = cfg.behaviour, cfg.cost, cfg.funding
        days = cfg.scenario.calendar.days
        per_delegate = days * cost.delegate_day_usd
        share = allowance_share(outlook.meeting_index, outlook.expected, b.lateness_weight)
        fund = outlook.fund_remaining_usd if funding.trust_fund_delegates else 0.0
        rules = np.array(
            [
                0.0 if share is None else share,
                b.attendance_base,
                b.attendance_stakes_gain,
                b.attendance_progress_gain * outlook.progress,
                per_delegate,
                cost.delegate_day_usd,
                fund,
                float(funding.remote_participation),
                funding.remote_day_usd,
            ],
            dtype=np.float64,
        )
        delegates, in_person, funded, remote, own_cost, paid, n_funded = kernels().attend(
            outlook.remaining_usd,
            outlook.stakes,
            outlook.cost_share_usd,
            self.population.delegations.staff,
            *self._queue,
            rules,
            int(days),
        )
        return AttendancePlan(
            delegates=delegates,
            in_person_days=in_person,
            funded=funded,
            remote=remote,
            own_cost_usd=own_cost,
            contribution_usd=paid,
            fund_cost_usd=float(n_funded * per_delegate),
        )

    def disagreement(self, positions: np.ndarray, present: np.ndarray) -> np.ndarray:
        return kernels().spread(positions, present)

    @staticmethod
    def first_passage(
        start: np.ndarray,
        pace: np.ndarray,
        need: np.ndarray,
        horizon: float,
        windows: np.ndarray,
        multiplier: float,
        peers: PeerGroups | None = None,
        gain: float = 0.0,
    ) -> np.ndarray:
        """`sim.model.ratification_clock.first_passage` in one kernel call (`passage`)."""
        pending = (pace > 0) & (start < horizon)
        if not pending.any():
            return np.full(len(pace), np.inf)
        no_groups = np.zeros(len(pace), dtype=np.int64)
        return kernels().passage(
            np.ascontiguousarray(start, dtype=np.float64),
            np.ascontiguousarray(pace, dtype=np.float64),
            np.ascontiguousarray(need, dtype=np.float64),
            float(horizon),
            change_days(start[pending], windows, horizon).astype(np.float64),
            np.ascontiguousarray(windows, dtype=np.float64).reshape(-1, 2),
            float(multiplier),
            no_groups if peers is None else np.ascontiguousarray(peers.region, dtype=np.int64),
            no_groups if peers is None else np.ascontiguousarray(peers.bloc, dtype=np.int64),
            0.0 if peers is None else float(gain),
        )
