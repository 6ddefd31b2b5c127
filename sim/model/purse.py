"""The process's money: what a meeting costs, what the budget still pays, who shares the bill.

Meeting money has this one home. The model, the benchmark's bare loop and the metrics
ask the purse what a meeting costs, how many planned meetings the budget still pays
for, how far the budget is spent (a source of pressure), and what each delegation
owes under cost sharing; they never redo its arithmetic.

A meeting costs `meeting_usd`: the conference services booked for the session,
whatever rooms sit in it. The parallel English-only tracks and the night sittings the
chair adds to fit the text into fewer days are held within the session (ASSUMPTION:
the record shows them inside scheduled sessions, and no separate cost for them), so
money binds the process through the number of meetings it pays for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.config import SimConfig

__all__ = ["Purse", "affordable_meetings"]


def affordable_meetings(planned_left: int, remaining_usd: float, per_meeting_usd: float) -> int:
    """Planned meetings still ahead that `remaining_usd` can pay for."""
    if per_meeting_usd <= 0 or math.isinf(remaining_usd):
        return planned_left
    return min(planned_left, int(np.floor(remaining_usd / per_meeting_usd + 1e-9)))


@dataclass
class Purse:
    """The process budget and what has been spent from it, meeting by meeting."""

    meeting_usd: float
    budget_usd: float
    extension_authorised: bool = False
    cost_sharing_share: float = 0.0
    cost_sharing_mode: str = "flat"
    remaining_usd: float = field(init=False)
    authorised_usd: float = 0.0  # new money authorised for extension meetings
    meeting_costs_usd: list[float] = field(default_factory=list)
    contributions_usd: float = 0.0  # what delegations paid toward meetings

    def __post_init__(self) -> None:
        self.remaining_usd = self.budget_usd

    @classmethod
    def from_config(cls, config: SimConfig, *, unlimited: bool = False) -> Purse:
        """The purse of a run; `unlimited` for the unhurried counterfactual (no budget limit)."""
        return cls(
            meeting_usd=config.cost.meeting_usd,
            budget_usd=math.inf if unlimited else config.cost.process_budget_usd,
            extension_authorised=config.cost.extension_authorised,
            cost_sharing_share=config.funding.cost_sharing_share,
            cost_sharing_mode=config.funding.cost_sharing_mode,
        )

    # ----------------------------------------------------------------- what is left
    def can_afford_meeting(self) -> bool:
        return self.remaining_usd >= self.meeting_usd - 1e-6

    def affordable_meetings(self, planned_left: int) -> int:
        """Planned meetings still ahead that the budget pays for."""
        return affordable_meetings(planned_left, self.remaining_usd, self.meeting_usd)

    def spent_share(self) -> float:
        """Share of the money made available (budget and authorisations) already spent."""
        available = self.budget_usd + self.authorised_usd
        if math.isinf(available):
            return 0.0
        if available <= 0:
            return 1.0
        return 1.0 - self.remaining_usd / available

    @property
    def spent_usd(self) -> float:
        """What the process itself has paid (meetings less delegations' contributions)."""
        return self.process_cost_usd - self.contributions_usd

    @property
    def process_cost_usd(self) -> float:
        return float(sum(self.meeting_costs_usd))

    # ----------------------------------------------------------------- spending
    def authorise_extension(self) -> None:
        """An extension meeting: new money for one planned meeting, if the rules give it."""
        if self.extension_authorised and not math.isinf(self.remaining_usd):
            self.remaining_usd += self.meeting_usd
            self.authorised_usd += self.meeting_usd

    def cost_shares(self, budget0: np.ndarray) -> np.ndarray:
        """Each delegation's share of a planned meeting under cost sharing (0 without it).

        `flat`: the shared part split equally among member states; `capacity`: in
        proportion to each delegation's budget for the process.
        """
        share = self.cost_sharing_share * self.meeting_usd
        if share == 0.0:
            return np.zeros_like(budget0)
        if self.cost_sharing_mode == "flat":
            return np.full_like(budget0, share / len(budget0))
        total = budget0.sum()
        weights = budget0 / total if total > 0 else np.full_like(budget0, 1 / len(budget0))
        return share * weights

    def settle(self, cost_usd: float, contributions_usd: float) -> None:
        """The process pays a meeting's cost less what delegations contributed."""
        self.meeting_costs_usd.append(cost_usd)
        self.contributions_usd += contributions_usd
        self.remaining_usd -= cost_usd - contributions_usd
