"""Running totals of one run: money, presence, influence and text movement.

Kept apart from the model so the metrics read one plain record, and so the
accounting identities (costs add up, shares sum to one) can be tested on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Ledger", "affordable_meetings", "contributions_at_cost"]


@dataclass
class Ledger:
    """Per-delegation and per-process accumulators, updated meeting by meeting."""

    remaining_usd: np.ndarray
    process_remaining_usd: float
    fund_remaining_usd: float
    spent_usd: np.ndarray = field(init=False)
    delegate_days: np.ndarray = field(init=False)
    present_days: np.ndarray = field(init=False)
    in_person_days: np.ndarray = field(init=False)
    remote_days: np.ndarray = field(init=False)
    informal_days: np.ndarray = field(init=False)
    influence: np.ndarray = field(init=False)
    stakeholder_influence: np.ndarray = field(init=False)
    consultations_attended: np.ndarray = field(init=False)
    n_stakeholders: int = 0
    meeting_costs_usd: list[float] = field(default_factory=list)
    contributions_usd: float = 0.0
    fund_spent_usd: float = 0.0
    days_held: int = 0
    informal_room_days: int = 0
    movement_total: float = 0.0
    movement_closed: float = 0.0

    def __post_init__(self) -> None:
        n = len(self.remaining_usd)
        for name in (
            "spent_usd",
            "present_days",
            "in_person_days",
            "remote_days",
            "informal_days",
            "influence",
            "delegate_days",
            "consultations_attended",
        ):
            setattr(self, name, np.zeros(n))
        self.stakeholder_influence = np.zeros(self.n_stakeholders)

    def spend(self, own_cost: np.ndarray) -> None:
        """Charge delegations; never below zero (the plan only spends what is there)."""
        paid = np.minimum(own_cost, self.remaining_usd)
        self.remaining_usd = self.remaining_usd - paid
        self.spent_usd = self.spent_usd + paid

    def charge_meeting(self, cost_usd: float, contributions_usd: float) -> None:
        """The process pays a meeting's cost less what delegations contributed."""
        self.meeting_costs_usd.append(cost_usd)
        self.contributions_usd += contributions_usd
        self.process_remaining_usd -= cost_usd - contributions_usd

    @property
    def process_cost_usd(self) -> float:
        return float(sum(self.meeting_costs_usd))


def contributions_at_cost(planned: np.ndarray, meeting_cost: float, nominal: float) -> np.ndarray:
    """Cost-sharing contributions scaled to what the meeting actually cost.

    Delegations plan their share on the nominal `meeting_usd`; a meeting held mostly
    in cheaper informal rooms costs less, and each share shrinks with it. Never more
    than planned: when dear closed rooms push the cost above nominal, the process
    budget pays the excess.
    """
    scale = min(meeting_cost / nominal, 1.0) if nominal > 0 else 0.0
    return planned * scale


def affordable_meetings(planned_left: int, process_remaining: float, per_meeting: float) -> int:
    """Planned meetings still ahead that the process budget can pay for."""
    if per_meeting <= 0:
        return planned_left
    return min(planned_left, int(np.floor(process_remaining / per_meeting + 1e-9)))
