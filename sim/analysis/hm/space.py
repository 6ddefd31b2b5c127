"""The calibration's parameter space: shared assumptions and each negotiation's own.

Every negotiation shares the behaviour (how delegations, chairs and rooms work) and the
member states' resources; each has its own coalitions. A sampled parameter is named by
its config key (`behaviour.confidence`) when shared, or `<negotiation>/<key>` when it
belongs to one negotiation (`bbnj/scenario.blocs.high_ambition.centre.eia`: two
negotiations may have coalitions of the same name). `values_for` gives one
negotiation's config values at a point, including the process budget derived from the
shared budget per planned meeting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.analysis.priors import ParameterRange, plain
from sim.config import SimConfig

__all__ = ["BUDGET_PER_MEETING", "Space", "values_for"]

BUDGET_PER_MEETING = "cost.budget_per_planned_meeting_usd"
"""Not a config key: a negotiation's budget is it times its planned meetings."""


@dataclass(frozen=True)
class Space:
    """The sampled parameters in order, with their priors (names as above)."""

    priors: dict[str, ParameterRange]

    @property
    def names(self) -> list[str]:
        return list(self.priors)

    def negotiation_of(self, name: str) -> str | None:
        """The negotiation a parameter belongs to (None: shared)."""
        return name.split("/", 1)[0] if "/" in name else None

    def restricted(self, negotiations: set[str]) -> Space:
        """The parameters of these negotiations and the shared ones."""
        return Space(
            {
                k: v
                for k, v in self.priors.items()
                if self.negotiation_of(k) in (None, *negotiations)
            }
        )


def values_for(negotiation: str, point: Mapping[str, Any], cfg: SimConfig) -> dict[str, Any]:
    """One negotiation's config values at a point: shared keys, its own, its budget."""
    values: dict[str, Any] = {}
    for name, value in point.items():
        owner, _, key = name.rpartition("/")
        if owner and owner != negotiation:
            continue
        if key == BUDGET_PER_MEETING:
            values["cost.process_budget_usd"] = float(value) * cfg.scenario.calendar.meetings
        else:
            values[key] = plain(value)
    return values
