"""Where to run: the prior as a unit cube, space-filling designs, candidates inside NROY.

Every sampled parameter has a prior range (uniform, or uniform on integers), so a point
is a row of the unit cube [0, 1]^d and its values follow by scaling. The first wave
fills the prior (a scrambled Sobol design); each later wave runs points drawn from the
candidates the emulators of every wave so far have not ruled out (NROY), chosen to
spread out (greedy maximin), because a wave's job is to teach the emulators where the
plausible region lies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from sim.analysis.priors import ParameterRange

__all__ = ["maximin", "nroy_candidates", "sobol_unit", "to_values", "unit_of"]


def sobol_unit(d: int, n: int, seed: int) -> np.ndarray:
    """`n` points of a scrambled Sobol design in [0, 1]^d (n need not be a power of 2)."""
    from scipy.stats import qmc

    m = int(np.ceil(np.log2(max(n, 2))))
    return qmc.Sobol(d, scramble=True, seed=seed).random_base2(m)[:n]


def to_values(unit: np.ndarray, priors: Mapping[str, ParameterRange]) -> pd.DataFrame:
    """Parameter values of unit-cube rows (integers drawn uniformly over their range)."""
    columns = {}
    for j, (key, rng) in enumerate(priors.items()):
        if rng.integer:
            whole = np.floor(rng.low + unit[:, j] * (rng.high - rng.low + 1))
            columns[key] = np.clip(whole, rng.low, rng.high).astype(np.int64)
        else:
            columns[key] = rng.low + unit[:, j] * (rng.high - rng.low)
    return pd.DataFrame(columns)


def unit_of(values: pd.DataFrame, priors: Mapping[str, ParameterRange]) -> np.ndarray:
    """The unit-cube rows of parameter values (an integer at the centre of its cell)."""
    out = np.empty((len(values), len(priors)))
    for j, (key, rng) in enumerate(priors.items()):
        v = values[key].to_numpy(dtype=float)
        if rng.integer:
            out[:, j] = (v - rng.low + 0.5) / (rng.high - rng.low + 1)
        else:
            out[:, j] = (v - rng.low) / (rng.high - rng.low)
    return out


def maximin(candidates: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Indices of `n` candidates chosen greedily to be far from each other (all if fewer)."""
    if len(candidates) <= n:
        return np.arange(len(candidates))
    rng = np.random.default_rng(seed)
    chosen = [int(rng.integers(len(candidates)))]
    nearest = np.linalg.norm(candidates - candidates[chosen[0]], axis=1)
    for _ in range(n - 1):
        nxt = int(np.argmax(nearest))
        chosen.append(nxt)
        nearest = np.minimum(nearest, np.linalg.norm(candidates - candidates[nxt], axis=1))
    return np.array(sorted(chosen))


def nroy_candidates(
    keep: Callable[[np.ndarray], np.ndarray],
    d: int,
    wanted: int,
    seed: int,
    *,
    pool: int = 50_000,
    rounds: int = 6,
) -> np.ndarray:
    """At least `wanted` unit-cube points that `keep` (the emulators' NROY test) accepts.

    First a Sobol pool over the whole cube; when too few survive (a small NROY), new
    candidates are drawn around the survivors (Gaussian steps of a shrinking size,
    clipped to the cube) and tested again, up to `rounds` times.
    """
    rng = np.random.default_rng(seed)
    found = sobol_unit(d, pool, seed)
    found = found[keep(found)]
    step = 0.1
    for _ in range(rounds):
        if len(found) >= wanted or len(found) == 0:
            break
        parents = found[rng.integers(len(found), size=pool)]
        children = np.clip(parents + rng.normal(0.0, step, parents.shape), 0.0, 1.0)
        found = np.vstack([found, children[keep(children)]])
        step *= 0.7
    return found
