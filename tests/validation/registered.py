"""Pre-registered validation checks: each claim's runs and seed, chosen by a power analysis.

A check is registered here - committed - before the confirmatory run that judges it,
with the number of runs a pilot run (another seed) says it needs: the runs a paired t
test needs to find the *smallest* effect the pilot's 95% interval allows, on the claimed
side, with power 0.999 at alpha 0.05 (`sim.analysis.claims.required_runs`). At that
power the verdict does not flip with the draw; the confirmatory seed differs from the
pilot's, so the check is not judged on the runs that chose it.

`run_claims` runs every arm the checks need once, with the most runs any check asks of
it (common random numbers: the first n replications of an arm are its n-run sample),
and `judge` measures each check on its own first n pairs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from sim.analysis.claims import Claim, evaluate, run_arms

__all__ = ["Registered", "judge", "run_claims"]


@dataclass(frozen=True)
class Registered:
    """One check: the claim, the runs and seed of its confirmatory run, its pilot."""

    claim: Claim
    runs: int
    seed: int
    pilot: str  # the pilot's effect and interval, and the seed it ran on


def run_claims(
    checks: Sequence[Registered],
    catalogue: Mapping[str, Sequence[str]],
    base: Sequence[str] = (),
    values: Mapping[str, object] | None = None,
) -> dict[int, dict[str, pd.DataFrame]]:
    """Each seed's arms, with the most runs any of its checks asks (by seed, then arm)."""
    out: dict[int, dict[str, pd.DataFrame]] = {}
    for seed in sorted({c.seed for c in checks}):
        mine = [c for c in checks if c.seed == seed]
        runs: dict[str, int] = {}
        for c in mine:
            for arm in (c.claim.a, c.claim.b):
                runs[arm] = max(runs.get(arm, 0), c.runs)
        arms = {}
        for n in sorted(set(runs.values())):
            names = [a for a, m in runs.items() if m == n]
            arms.update(run_arms(names, n, seed, base, values, catalogue=catalogue))
        out[seed] = arms
    return out


def judge(check: Registered, arms: Mapping[str, pd.DataFrame]) -> dict[str, object]:
    """The check's row of `sim.analysis.claims.evaluate` on its first `runs` pairs."""
    first = {name: frame.loc[frame.index < check.runs] for name, frame in arms.items()}
    row = evaluate([check.claim], first).iloc[0].to_dict()
    row["registered_runs"] = check.runs
    assert math.isfinite(row.get("effect", math.nan)), f"{check.claim.key}: no effect measured"
    return row
