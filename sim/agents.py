"""Mesa agents: identity and decisions. Their numbers live in the model's arrays.

A `Delegation` is row `index` of `model.population.delegations` and of the model's
running state; reading an attribute reads the array, so the vectorised dynamics and
the agent view never disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.config import INCOME_GROUPS, REGIONS, STAKEHOLDER_KINDS
from sim.process import TierPlan, invite_friends, plan_tiers

if TYPE_CHECKING:
    from sim.model import NegotiationModel

__all__ = ["Chair", "Delegation", "Stakeholder"]


class Delegation(mesa.Agent):
    """A member state's delegation."""

    def __init__(self, model: NegotiationModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def _arrays(self):
        return self.model.population.delegations

    @property
    def iso3(self) -> str:
        return self._arrays.iso3[self.index]

    @property
    def income_group(self) -> str:
        return INCOME_GROUPS[self._arrays.income[self.index]]

    @property
    def region(self) -> str:
        return REGIONS[self._arrays.region[self.index]]

    @property
    def bloc(self) -> str:
        return self.model.population.bloc_names[self._arrays.bloc[self.index]]

    @property
    def staff(self) -> int:
        return int(self._arrays.staff[self.index])

    @property
    def budget_remaining_usd(self) -> float:
        return float(self.model.ledger.remaining_usd[self.index])

    @property
    def position(self) -> np.ndarray:
        return self.model.positions[self.index]

    @property
    def delegates_sent(self) -> int:
        """Delegates in person at the latest meeting (its attendance decision)."""
        plan = self.model.attendance
        return 0 if plan is None else int(plan.delegates[self.index])

    @property
    def objects(self) -> bool:
        """Whether it objected to the draft when last tabled."""
        return bool(self.model.objecting[self.index])


class Stakeholder(mesa.Agent):
    """An accredited observer organisation: no vote, influence only where admitted."""

    def __init__(self, model: NegotiationModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def kind(self) -> str:
        return STAKEHOLDER_KINDS[self.model.population.stakeholders.kind[self.index]]

    @property
    def ideal(self) -> np.ndarray:
        return self.model.population.stakeholders.ideal[self.index]


class Chair(mesa.Agent):
    """The chair and secretariat: keeps the draft, chooses tiers, invites friends."""

    def __init__(self, model: NegotiationModel, text: np.ndarray) -> None:
        super().__init__(model)
        self.text = text
        self.informal_issues = np.array([], dtype=np.int64)

    def choose_tiers(self, disagreement: np.ndarray, meeting_number: int) -> TierPlan:
        """Send contentious issues to informal rooms and the hardest to the friends."""
        tiers = plan_tiers(
            disagreement, meeting_number, self.model.config.process, self.informal_issues
        )
        self.informal_issues = np.union1d(tiers.informal, tiers.friends)
        return tiers

    def invite_friends(self, capability: np.ndarray, bloc: np.ndarray) -> np.ndarray:
        """Invitation mask for the friends-of-the-chair group (see `process.invite_friends`)."""
        return invite_friends(self.model.config.process.friends, capability, bloc)
