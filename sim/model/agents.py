"""Mesa agents: identity and decisions. Their numbers live in the model's arrays.

A `Delegation` is row `index` of `model.population.delegations` and of the model's
running state; reading an attribute reads the array, so the vectorised dynamics and
the agent view never disagree.
"""

from __future__ import annotations

from typing import Any, Protocol

import mesa
import numpy as np

from sim.config import INCOME_GROUPS, REGIONS, STAKEHOLDER_KINDS
from sim.model.chair import ChairDesk
from sim.model.dynamics import salience_distance

__all__ = ["Chair", "Delegation", "NegotiationState", "Stakeholder"]


class NegotiationState(Protocol):
    """What the agents read from their model (`NegotiationModel` provides it all)."""

    config: Any
    population: Any
    positions: np.ndarray
    ledger: Any
    attendance: Any
    objecting: np.ndarray
    present_at_decision: np.ndarray
    pressure: float
    chair: ChairDesk


class Delegation(mesa.Agent):
    """A member state's delegation: its identity, resources, stance and record so far.

    Every attribute is a view of row `index` of the model's arrays (the population, the
    positions, the ledger, the last attendance plan): the vectorised mechanisms and the
    agent never disagree, and reading an agent costs nothing the model pays for. The
    per-delegation table (`sim.model.metrics.delegation_rows`) reads the same arrays in
    one pass.
    """

    def __init__(self, model: NegotiationState, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def _arrays(self):
        return self.model.population.delegations

    # identity
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

    # resources
    @property
    def budget_usd(self) -> float:
        """What it could spend on attending the whole process."""
        return float(self._arrays.budget_usd[self.index])

    @property
    def budget_remaining_usd(self) -> float:
        return float(self.model.ledger.remaining_usd[self.index])

    @property
    def staff(self) -> int:
        return int(self._arrays.staff[self.index])

    @property
    def expertise(self) -> float:
        return float(self._arrays.expertise[self.index])

    # stance
    @property
    def ideal(self) -> np.ndarray:
        return self._arrays.ideal[self.index]

    @property
    def salience(self) -> np.ndarray:
        return self._arrays.salience[self.index]

    @property
    def position(self) -> np.ndarray:
        return self.model.positions[self.index]

    @property
    def distance_from_text(self) -> float:
        """Salience-weighted distance of the current draft from its original ideal."""
        return float(
            salience_distance(self.ideal[None], self.model.chair.text, self.salience[None])[0]
        )

    # record so far
    @property
    def delegates_sent(self) -> int:
        """Delegates in person at the latest meeting (its attendance decision)."""
        plan = self.model.attendance
        return 0 if plan is None else int(plan.delegates[self.index])

    @property
    def attendance_rate(self) -> float:
        """Share of the days held so far on which it had someone at the meeting."""
        ledger = self.model.ledger
        return (
            float(ledger.present_days[self.index] / ledger.days_held)
            if ledger.days_held
            else float("nan")
        )

    @property
    def informal_coverage(self) -> float:
        """Share of the informal room-days so far it had someone in."""
        ledger = self.model.ledger
        days = ledger.informal_room_days
        return float(ledger.informal_days[self.index] / days) if days else float("nan")

    @property
    def influence(self) -> float:
        """Influence on the text its own delegates exercised so far."""
        return float(self.model.ledger.influence[self.index])

    @property
    def proxied_influence(self) -> float:
        """Influence its bloc's coordinator carried for it while it was absent."""
        return float(self.model.ledger.proxy_influence[self.index])

    @property
    def objects(self) -> bool:
        """Whether it objected to the draft when last tabled."""
        return bool(self.model.objecting[self.index])


class Stakeholder(mesa.Agent):
    """An accredited observer organisation: no vote, influence only where admitted."""

    def __init__(self, model: NegotiationState, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def kind(self) -> str:
        return STAKEHOLDER_KINDS[self.model.population.stakeholders.kind[self.index]]

    @property
    def ideal(self) -> np.ndarray:
        return self.model.population.stakeholders.ideal[self.index]


class Chair(ChairDesk, mesa.Agent):
    """The chair as a Mesa agent: `ChairDesk`'s decisions, registered with the model."""

    def __init__(self, model: NegotiationState, text: np.ndarray) -> None:
        mesa.Agent.__init__(self, model)
        ChairDesk.__init__(self, model, text)
