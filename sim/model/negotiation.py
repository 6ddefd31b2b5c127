"""`NegotiationModel`: the negotiation as a Mesa model.

`sim.model.session.Negotiation` plays the process; this subclass makes it a Mesa model:
`mesa.Model`'s clock and random stream (`rng=seed`; the process itself draws only from
its per-stage streams, `sim.model.streams`, as the plain class does), one Mesa agent per
delegation and stakeholder plus the chair, and a `DataCollector` of the meeting series.
Numbers are the same bit for bit; use this class with Mesa's tools (`batch_run`,
visualisation) or to read the agents.
"""

from __future__ import annotations

import numpy as np
from mesa import DataCollector, Model

from sim.model.agents import Chair, Delegation, Stakeholder
from sim.model.session import Negotiation

__all__ = ["NegotiationModel"]


class NegotiationModel(Negotiation, Model):
    """A treaty negotiation among delegations with unequal resources, as a Mesa model.

    `unhurried=True` runs the same seed's counterfactual: no budget limit and no
    pressure (so no concession, no closing doors, no compression, no accommodation).
    `collect=False` skips the per-meeting DataCollector (the counterfactual needs none).
    """

    def _begin(self, seed: int) -> None:
        Model.__init__(self, rng=seed)

    def _seat_actors(self, n_stakeholders: int, zero_draft: np.ndarray) -> None:
        # One Mesa agent per row, registered with the model (a plain loop: `create_agents`
        # would also build a throw-away AgentSet of them, a third of the cost at scale).
        for i in range(self.n_delegations):
            Delegation(self, i)
        for i in range(n_stakeholders):
            Stakeholder(self, i)
        self.chair = Chair(self, zero_draft)

    def _start_series(self, reporters: dict[str, object]) -> None:
        self.datacollector = DataCollector(model_reporters=reporters)

    def _collect_meeting(self) -> None:
        self.datacollector.collect(self)

    @property
    def meeting_series(self) -> dict[str, list]:
        return self.datacollector.model_vars
