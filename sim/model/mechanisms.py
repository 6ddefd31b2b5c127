"""A run's numerical mechanisms behind one interface, on the numpy reference.

`Negotiation` asks a `Mechanisms` for each meeting's attendance, disagreement, days
and the consultations' pull; `sim.model.kernels.mechanisms` gives this class or its
compiled twin (`sim.model.compiled.mechanisms.CompiledMechanisms`, same numbers).
Everything here is fixed for a run, so the unhurried twin of a run shares it.
"""

from __future__ import annotations

import numpy as np

from sim.config import SimConfig
from sim.model.attendance import AttendancePlan, MeetingOutlook, plan_attendance
from sim.model.days import MeetingDays
from sim.model.dynamics import StakeholderPull, disagreement
from sim.model.population import Population
from sim.model.ratification_clock import first_passage

__all__ = ["Mechanisms"]


class Mechanisms:
    """A run's mechanisms on the numpy reference; fixed for the run (its twin shares it).

    `days` sits a meeting's days; `attendance`, `disagreement` and `pull` are the
    meeting's other numerical mechanisms; `first_passage` turns ratification paces
    into days.
    """

    days_class: type = MeetingDays
    pull_class: type = StakeholderPull
    first_passage = staticmethod(first_passage)  # sim.model.ratification_clock

    def __init__(
        self, config: SimConfig, population: Population, stakeholder_weights: np.ndarray
    ) -> None:
        self.config, self.population = config, population
        dl, st = population.delegations, population.stakeholders
        capability_salience = dl.expertise[:, None] * dl.salience
        self.days = self.days_class(config, population, capability_salience, stakeholder_weights)
        self.pull = self.pull_class(st.ideal, stakeholder_weights)  # pull(x, confidence, rate)

    def attendance(self, outlook: MeetingOutlook) -> AttendancePlan:
        """Every delegation's attendance (`sim.model.attendance.plan_attendance`)."""
        return plan_attendance(outlook, self.population.delegations, self.config)

    def disagreement(self, positions: np.ndarray, present: np.ndarray) -> np.ndarray:
        """Disagreement among those `present` (zeros with fewer than two)."""
        if present.sum() < 2:
            return np.zeros(positions.shape[1])
        return disagreement(positions[present])
