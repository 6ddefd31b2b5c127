"""The chair and secretariat's decisions, without Mesa.

`ChairDesk` is what the chair does (tiers, compression, accommodation, invitations);
`sim.model.agents.Chair` is the same as a Mesa agent. The mesa-free
`sim.model.session.Negotiation` uses this class directly, so a run needs no Mesa.
"""

from __future__ import annotations

from typing import Any

import numpy as np

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

__all__ = ["ChairDesk"]


class ChairDesk:
    """The chair and secretariat: keeps the draft, chooses tiers, invites friends.

    Its decisions: which issues go behind closed doors (more of them under pressure),
    how many tracks sit at once and whether to sit at night when the days run short,
    and how far to move the draft toward the objectors who can block adoption.
    """

    def __init__(self, model: Any, text: np.ndarray) -> None:
        self.model = model
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
