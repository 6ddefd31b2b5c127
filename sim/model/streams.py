"""One random stream per stage of a run, each its own child of the run's seed.

Why: with common random numbers (`sim.run.seeds`), replication r of every design
starts from the same run seed. If every stage drew from one generator, a design that
holds one more consultation would shift every later draw (ratification, say) and the
designs would no longer face the same chance events. Each stage therefore draws from
`SeedSequence(run_seed, spawn_key=(k,))`, child k of the run's seed, with k fixed per
stage name: a stage's draws depend on the run seed and on that stage's own history
only. New stages take new numbers; existing numbers never change meaning.

- `population`: the delegations' and stakeholders' attributes (`build_population`);
- `attendance`: reserved (attendance is a deterministic rule of budgets and stakes
  today, so it draws nothing);
- `consultation`: who attends each intersessional consultation (the stakeholders'
  persuasion channel);
- `ratification`: the signing order and the work each state's procedure needs.
"""

from __future__ import annotations

import numpy as np

__all__ = ["STAGES", "stage_streams"]

STAGES = ("population", "attendance", "consultation", "ratification")


def stage_streams(run_seed: int) -> dict[str, np.random.Generator]:
    """The generator of each stage in `STAGES` for one run."""
    return {
        name: np.random.default_rng(np.random.SeedSequence(run_seed, spawn_key=(k,)))
        for k, name in enumerate(STAGES)
    }
