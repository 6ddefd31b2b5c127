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
from sim.model.decision import accommodation_move, blocking_power
from sim.model.dynamics import salience_distance
from sim.model.process import (
    Compression,
    TierPlan,
    compress,
    door_threshold,
    informal_rooms_open,
    invite_friends,
    plan_tiers,
)

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
    chair: Chair


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


class Chair(mesa.Agent):
    """The chair and secretariat: keeps the draft, chooses tiers, invites friends.

    Its decisions: which issues go behind closed doors (more of them under pressure),
    how many tracks sit at once and whether to sit at night when the days run short,
    and how far to move the draft toward the objectors who can block adoption.
    """

    def __init__(self, model: NegotiationState, text: np.ndarray) -> None:
        super().__init__(model)
        self.text = text
        self.informal_issues = np.array([], dtype=np.int64)

    def choose_tiers(
        self,
        disagreement: np.ndarray,
        meeting_number: int,
        *,
        pressure: float = 0.0,
        closing_doors: bool = False,
        work_left: float = 0.0,
        days_available: float = 1.0,
        compressing: bool = False,
    ) -> tuple[TierPlan, Compression]:
        """Send contentious issues to informal rooms and the hardest to the friends.

        Then fit the open work into the days left (`sim.model.process.compress`). An issue
        once sent behind closed doors stays there.
        """
        process = self.model.config.process
        threshold = door_threshold(process, pressure, closing_doors)
        tiers = plan_tiers(disagreement, meeting_number, process, self.informal_issues, threshold)
        tiers, squeeze = compress(
            tiers,
            disagreement,
            work_left,
            days_available,
            process,
            compressing,
            informal_rooms_open(process, meeting_number),
        )
        self.informal_issues = np.union1d(tiers.informal, tiers.friends)
        return tiers, squeeze

    def accommodate(
        self, positions: np.ndarray, present: np.ndarray, reservation: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Move the draft toward present objectors by their blocking power and the pressure.

        Returns the move (applied to the draft) and each delegation's blocking power.
        """
        model = self.model
        dl = model.population.delegations
        d = model.config.decision
        distance = salience_distance(positions, self.text, dl.salience)
        power = blocking_power(
            rule=d.rule,
            present=present,
            distance=distance,
            reservation=reservation,
            vote_threshold=d.vote_threshold,
            abstain_margin=d.abstain_margin,
            consensus_value=d.consensus_value,
            shadow_of_vote=model.config.channels.shadow_of_vote,
        )
        move = accommodation_move(
            self.text, positions, dl.salience, power, d.accommodation_rate * model.pressure
        )
        self.text += move
        return move, power

    def invite_friends(self, capability: np.ndarray, bloc: np.ndarray) -> np.ndarray:
        """Invitation mask for the friends-of-the-chair group (see `process.invite_friends`)."""
        return invite_friends(self.model.config.process.friends, capability, bloc)
