"""Ratification's first passage, compiled: who is done with their procedure when.

`sim.model.ratification_clock.first_passage` steps from one change to the next (a state
starts, a window opens or closes, a state ratifies) with a dozen numpy calls on every
state each time, and recounts every state's peers party after each ratification: ~150
steps a run on 193 states, a third of a default run's time in call overhead. The kernel
here takes the same steps, operation for operation (the same products, divisions and
first minimum), so the days are the same bit for bit (`tests/test_compiled.py`); the
peers party are counted as each state ratifies rather than recounted, the same whole
numbers. Each step is one pass over the states still pending (the reference makes three
over every state), so a step costs about a third of what it did (10,000 states: 0.64 s
to 0.19 s; benchmarks/README.md). The time still grows as states x ratifications: a
ratification changes its peers' paces, and every pending state's work advances at
each step.
"""

from __future__ import annotations

import numpy as np

from sim.model.compiled.jit import njit

__all__ = ["passage"]


@njit
def _group_sizes(group):
    """How many states each group (region or bloc code) has."""
    groups = 0
    for g in group:
        groups = max(groups, g + 1)
    size = np.zeros(groups, dtype=np.int64)
    for g in group:
        size[g] += 1
    return size


@njit
def _boosts(region_size, bloc_size, region_party, bloc_party, gain, boost):
    """`1 + gain x PeerGroups.share_party` of a pending state, by its region and bloc.

    A pending state is not party itself, so its boost depends on its two groups only:
    one value per (region, bloc), the reference's expression on the same counts.
    """
    for r in range(len(region_size)):
        for b in range(len(bloc_size)):
            shares, weights = 0.0, 0.0
            size = region_size[r] - 1
            if size > 0:
                shares += region_party[r] / size
                weights += 1.0
            size = bloc_size[b] - 1
            if size > 0:
                shares += bloc_party[b] / size
                weights += 1.0
            share = shares / max(weights, 1.0) if weights > 0 else 0.0
            boost[r, b] = 1.0 + gain * share


@njit
def passage(start, pace, need, horizon, edges, windows, multiplier, region, bloc, gain):
    """`first_passage` from its `edges` (the sorted distinct change days the caller found).

    `gain` 0 means no diffusion (`region` and `bloc` are then not read).

    Only the states still pending are visited, packed at the front of their own arrays
    (a ratified state's slot takes the last one's). The numpy reference also visits the
    states that are done, whose rate is 0: adding 0 x step leaves their progress as it
    is, and an infinite wait is never the soonest, so the days are the same; a tie goes
    to the lowest index, as `np.argmin` does. The boosts are recomputed after each
    ratification, as in the reference, but once per (region, bloc) rather than once per
    state: the same expression on the same counts.
    """
    n = len(pace)
    days = np.full(n, np.inf)
    diffusing = gain > 0
    region_size = _group_sizes(region) if diffusing else np.ones(1, dtype=np.int64)
    bloc_size = _group_sizes(bloc) if diffusing else np.ones(1, dtype=np.int64)
    region_party = np.zeros(len(region_size))
    bloc_party = np.zeros(len(bloc_size))
    boost = np.ones((len(region_size), len(bloc_size)))  # 1 everywhere without diffusion
    # the pending states, slot by slot
    index = np.empty(n, dtype=np.int64)
    begins, paces, needs = np.empty(n), np.empty(n), np.empty(n)
    rows, cols = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    progress, rate, wait = np.zeros(n), np.zeros(n), np.empty(n)
    left = 0
    for s in range(n):
        if pace[s] > 0 and start[s] < horizon:
            index[left], begins[left], paces[left], needs[left] = s, start[s], pace[s], need[s]
            if diffusing:
                rows[left], cols[left] = region[s], bloc[s]
            left += 1
    t = edges[0] if left > 0 else horizon
    k = 1  # the next edge
    step = 0.0  # the last step, whose work each slot adds as the next pass visits it
    while left > 0 and t < horizon:
        upto = edges[k] if k < len(edges) else horizon
        inside = False
        for w in range(windows.shape[0]):
            inside = inside or (windows[w, 0] <= t and t < windows[w, 1])
        factor = multiplier if inside else 1.0  # x 1.0 changes no number
        for j in range(left):
            progress[j] += rate[j] * step
            r = (paces[j] * boost[rows[j], cols[j]] if begins[j] <= t else 0.0) * factor
            rate[j] = r
            wait[j] = max(needs[j] - progress[j], 0.0) / r if r > 0 else np.inf
        soon = 0
        for j in range(1, left):
            if wait[j] < wait[soon] or (wait[j] == wait[soon] and index[j] < index[soon]):
                soon = j
        if t + wait[soon] <= upto:
            step = wait[soon]
            t += step
            i = index[soon]
            days[i] = t
            if diffusing:
                region_party[region[i]] += 1.0
                bloc_party[bloc[i]] += 1.0
                _boosts(region_size, bloc_size, region_party, bloc_party, gain, boost)
            left -= 1  # the last slot moves into the ratified state's
            index[soon], begins[soon], paces[soon] = index[left], begins[left], paces[left]
            needs[soon], rows[soon], cols[soon] = needs[left], rows[left], cols[left]
            progress[soon], rate[soon] = progress[left], rate[left]
        else:
            step = upto - t
            t = upto
            k += 1
    return days
