"""What one finished run leaves behind: the record the metrics read.

`NegotiationModel.run()` returns a `RunRecord` with its `row` filled by
`sim.model.metrics.run_metrics`, which reads only the record; `delegation_rows` gives its
per-delegation columns. The metrics never read or write the model itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.config import SimConfig
    from sim.model.decision import Decision
    from sim.model.ledger import Ledger
    from sim.model.population import Population
    from sim.model.purse import Purse

__all__ = ["RunRecord"]


@dataclass
class RunRecord:
    """The state of a run at its end, and the accumulators of what happened in it."""

    config: SimConfig
    seed: int
    population: Population
    ledger: Ledger
    purse: Purse
    zero_draft: np.ndarray  # (issues,) the chair's first text
    text: np.ndarray  # (issues,) the final text
    positions: np.ndarray  # (delegations, issues) at the end
    meetings_held: int
    extensions_used: int
    adopted_by: str | None  # consensus | vote | None
    decision: Decision | None  # the last tabling's outcome
    pressure: float  # after the last meeting
    objecting: np.ndarray  # (delegations,) objected at the last tabling
    present_at_decision: np.ndarray  # (delegations,)
    meeting_series: dict[str, list]  # one value per meeting per reporter (DataCollector)
    holdout_move: np.ndarray  # (issues,) net movement of the text by accommodation
    accommodated: np.ndarray  # (delegations,) accommodated as a blocking holdout at least once
    accommodations: int  # tablings at which the chair moved the text toward holdouts
    amendments_proposed: int
    amendments_adopted: int
    ratification_days: np.ndarray | None  # (delegations,) days after adoption (inf: never)
    unhurried_text: np.ndarray | None  # the same seed's text with no budget limit or pressure
    doors_closed: np.ndarray  # (issues,) meeting at which each issue went behind doors (0: never)
    unfinished: np.ndarray  # (issues,) share of each issue's work not done at the last tabling
    row: dict[str, object] = field(default_factory=dict)  # set by `run_metrics`

    def __getitem__(self, column: str) -> object:
        """A column of the run's row: `model.run()["adopted_by"]`."""
        return self.row[column]
