"""Item 4 comparison: the benchmark grid through EMA Workbench (prints the run count).

    python benchmarks/_ema_run.py REPLICATIONS PROCESSES

A function model over two parameters, the configuration (a lever: 20 policies) and the
replication (an uncertainty: 50 scenarios), full factorial, evaluated by EMA's
`MultiprocessingEvaluator`. Each run is the replication our sweep runs (same
configuration, same seed); its outcomes are the run's scalar metrics.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PROCESSES = "open_plenary,two_tier,two_tier_observers,single_informal_room,friends_of_chair"
FUNDINGS = "none,trust_fund,hybrid,cost_sharing"
OUTCOMES = (
    "adopted",
    "meetings_held",
    "process_cost_usd",
    "attendance_rate_LIC",
    "voice_share_LIC",
    "influence_gini",
    "stakeholder_influence_share",
    "text_safeguards",
)


class Negotiate:
    """The model function: holds the configurations (pickled once per worker)."""

    def __init__(self, configs) -> None:
        self.configs = configs

    def __call__(self, config: int, replication: int) -> dict[str, float]:
        from sim.model import NegotiationModel
        from sim.run.replications import replication_seeds

        cfg = self.configs[config]
        row = NegotiationModel(cfg, seed=replication_seeds(cfg)[replication]).run().row
        return {k: float(row[k]) for k in OUTCOMES}


def main() -> None:
    from dataclasses import replace

    warnings.filterwarnings("ignore")
    from ema_workbench import (
        IntegerParameter,
        Model,
        MultiprocessingEvaluator,
        Sample,
        ScalarOutcome,
        perform_experiments,
    )

    from sim.api import compose_config

    replications, processes = int(sys.argv[1]), int(sys.argv[2])
    configs = [
        replace(compose_config([f"process={p}", f"funding={f}"]), replications=replications)
        for p in PROCESSES.split(",")
        for f in FUNDINGS.split(",")
    ]
    model = Model("negotiation", function=Negotiate(configs))
    model.levers = [IntegerParameter("config", 0, len(configs) - 1)]
    model.uncertainties = [IntegerParameter("replication", 0, replications - 1)]
    model.outcomes = [ScalarOutcome(k) for k in OUTCOMES]
    policies = [Sample(config=i) for i in range(len(configs))]
    scenarios = [Sample(replication=r) for r in range(replications)]
    with MultiprocessingEvaluator(model, n_processes=processes) as evaluator:
        experiments, _ = perform_experiments(
            model, scenarios=scenarios, policies=policies, evaluator=evaluator
        )
    print(len(experiments))


if __name__ == "__main__":
    main()
