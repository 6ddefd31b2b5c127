"""Running totals of one run: delegations' money, presence, influence and text movement.

Kept apart from the model so the metrics read one plain record, and so the
accounting identities (costs add up, shares sum to one) can be tested on it. The
process's own money (meeting costs, the budget) lives in `sim.model.purse.Purse`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Ledger"]


@dataclass
class Ledger:
    """Per-delegation and per-process accumulators, updated meeting by meeting."""

    remaining_usd: np.ndarray
    fund_remaining_usd: float
    spent_usd: np.ndarray = field(init=False)
    delegate_days: np.ndarray = field(init=False)
    present_days: np.ndarray = field(init=False)
    in_person_days: np.ndarray = field(init=False)
    remote_days: np.ndarray = field(init=False)
    informal_days: np.ndarray = field(init=False)
    influence: np.ndarray = field(init=False)  # exercised in person (or remotely)
    proxy_influence: np.ndarray = field(init=False)  # credited through a bloc coordinator
    stakeholder_influence: np.ndarray = field(init=False)
    consultations_attended: np.ndarray = field(init=False)
    n_stakeholders: int = 0
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
            "proxy_influence",
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
