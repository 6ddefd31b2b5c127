"""Item 4 comparison: the benchmark grid through `mesa.batch_run` (prints the run count).

    python benchmarks/_batch_run.py REPLICATIONS PROCESSES

Mesa's batch runner forces the `spawn` start method when imported, so it is imported
only here, in its own process, never by the project. Each run is the same replication
our sweep runs (same configuration, same replication seed); the wrapper's `step` plays
the whole run (meetings, ratification, metrics) as `NegotiationModel.run` does.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.model import NegotiationModel
from sim.run.replications import replication_seeds

PROCESSES = "open_plenary,two_tier,two_tier_observers,single_informal_room,friends_of_chair"
FUNDINGS = "none,trust_fund,hybrid,cost_sharing"


class BatchNegotiation(NegotiationModel):
    """`NegotiationModel` with batch_run's calling convention: kwargs, one step per run."""

    def __init__(self, config, replication: int, rng=None) -> None:
        super().__init__(config, seed=replication_seeds(config)[replication])
        self._in_run = False
        self.row: dict[str, object] = {}

    def step(self) -> None:
        if self._in_run:  # a meeting, called from `run`
            super().step()
            return
        self._in_run = True
        # Mesa 3.5's `step` is an event-clock wrapper that does nothing when called
        # from inside a step: let `run` call the meetings' step directly.
        clocked = self.step
        self.step = self._user_step
        try:
            self.row = self.run().row
        finally:
            self.step = clocked
        self.running = False


def main() -> None:
    from dataclasses import replace

    from mesa.batchrunner import batch_run

    from sim.api import compose_config

    replications, processes = int(sys.argv[1]), int(sys.argv[2])
    configs = [
        replace(compose_config([f"process={p}", f"funding={f}"]), replications=replications)
        for p in PROCESSES.split(",")
        for f in FUNDINGS.split(",")
    ]
    results = batch_run(
        BatchNegotiation,
        parameters={"config": configs, "replication": range(replications)},
        number_processes=processes,
        rng=[None],
        max_steps=10,
        display_progress=False,
    )
    print(len(results))


if __name__ == "__main__":
    main()
