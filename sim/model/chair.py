"""The chair and secretariat's decisions, without Mesa.

`ChairDesk` is what the chair does between tablings (tiers, compression, invitations);
`sim.model.agents.Chair` is the same as a Mesa agent. The mesa-free
`sim.model.session.Negotiation` uses this class directly, so a run needs no Mesa.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.model.issue_sets import union
from sim.model.process import (
    Compression,
    TierPlan,
    compress,
    door_threshold,
    informal_rooms_open,
    invite_friends,
    plan_tiers,
    plenary_overload,
    room_days_ahead,
)

__all__ = ["ChairDesk"]


class ChairDesk:
    """The chair and secretariat: keeps the draft, chooses tiers, invites friends.

    Its decisions: which issues go behind closed doors (more of them under pressure, or
    when the plenary cannot finish them), the hardest to the friends of the chair, how
    many tracks sit at once and whether to sit at night when the days run short. How far
    it moves the draft toward holdouts at a tabling is `sim.model.tabling`.
    """

    def __init__(self, model: Any, text: np.ndarray) -> None:
        self.model = model
        self.text = text
        self.informal_issues = np.array([], dtype=np.int64)
        # The meeting (counting from 1) at which each issue first went behind closed doors.
        self.doors_closed = np.zeros(len(text), dtype=np.int64)

    def choose_tiers(
        self,
        disagreement: np.ndarray,
        meeting_number: int,
        *,
        pressure: float = 0.0,
        closing_doors: bool = False,
        work_left: np.ndarray | None = None,
        days: int = 1,
        meetings_ahead: int = 1,
        compressing: bool = False,
    ) -> tuple[TierPlan, Compression]:
        """Send issues behind closed doors when the negotiation calls for it.

        An issue goes to an informal room when its disagreement exceeds the threshold
        (lowered by pressure: `door_threshold`) or when the plenary cannot finish its
        work (`work_left`, issue-days) in the `days x meetings_ahead` sitting days the
        budget still pays for (`plenary_overload`). Then the chair fits the open work
        into the rooms that can sit in those days (`compress`). An issue once sent behind
        closed doors stays there.
        """
        process = self.model.config.process
        left = np.zeros(len(disagreement)) if work_left is None else np.maximum(work_left, 0.0)
        days_available = days * meetings_ahead
        threshold = door_threshold(process, pressure, closing_doors)
        tiers = plan_tiers(disagreement, meeting_number, process, self.informal_issues, threshold)
        overloaded = None
        if self.model.config.channels.unfinished_work and len(tiers.plenary):
            overloaded = plenary_overload(left, tiers.plenary, disagreement, days_available)
            if len(overloaded):
                tiers = plan_tiers(
                    disagreement,
                    meeting_number,
                    process,
                    self.informal_issues,
                    threshold,
                    overloaded,
                )
        tiers, squeeze = compress(
            tiers,
            disagreement,
            float(left.sum()),
            days_available,
            process,
            compressing,
            informal_rooms_open(process, meeting_number),
            room_days_ahead(process, meeting_number, meetings_ahead, days),
        )
        self.informal_issues = union(tiers.informal, tiers.friends)
        newly = self.informal_issues[self.doors_closed[self.informal_issues] == 0]
        self.doors_closed[newly] = meeting_number
        return tiers, squeeze

    def invite_friends(self, capability: np.ndarray, bloc: np.ndarray) -> np.ndarray:
        """Invitation mask for the friends-of-the-chair group (see `process.invite_friends`)."""
        return invite_friends(self.model.config.process.friends, capability, bloc)
