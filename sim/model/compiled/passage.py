"""Ratification's first passage, compiled: who is done with their procedure when.

`sim.model.ratification_clock.first_passage` steps from one change to the next (a state
starts, a window opens or closes, a state ratifies) with a dozen numpy calls on every
state each time, and recounts every state's peers party after each ratification: ~150
steps a run on 193 states, a third of a default run's time in call overhead. The kernel
here takes the same steps, operation for operation (the same products, divisions and
first minimum), so the days are the same bit for bit (`tests/test_compiled.py`); the
peers party are counted as each state ratifies rather than recounted, the same whole
numbers.
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
def _boost(region, bloc, region_size, bloc_size, region_party, bloc_party, days, gain, boost):
    """`1 + gain x PeerGroups.share_party`: the mean share of a state's other peers party."""
    for s in range(len(days)):
        party = 1.0 if np.isfinite(days[s]) else 0.0
        shares, weights = 0.0, 0.0
        size = region_size[region[s]] - 1
        if size > 0:
            shares += (region_party[region[s]] - party) / size
            weights += 1.0
        size = bloc_size[bloc[s]] - 1
        if size > 0:
            shares += (bloc_party[bloc[s]] - party) / size
            weights += 1.0
        share = shares / max(weights, 1.0) if weights > 0 else 0.0
        boost[s] = 1.0 + gain * share


@njit
def passage(start, pace, need, horizon, edges, windows, multiplier, region, bloc, gain):
    """`first_passage` from its `edges` (the sorted distinct change days the caller found).

    `gain` 0 means no diffusion (`region` and `bloc` are then not read).
    """
    n = len(pace)
    days = np.full(n, np.inf)
    pending = (pace > 0) & (start < horizon)
    left = 0
    for s in range(n):
        left += pending[s]
    if left == 0:
        return days
    diffusing = gain > 0
    region_size = _group_sizes(region) if diffusing else np.zeros(0, dtype=np.int64)
    bloc_size = _group_sizes(bloc) if diffusing else np.zeros(0, dtype=np.int64)
    region_party = np.zeros(len(region_size))
    bloc_party = np.zeros(len(bloc_size))
    progress, boost = np.zeros(n), np.ones(n)
    rate, wait = np.empty(n), np.empty(n)
    t = edges[0]
    k = 1  # the next edge
    while left > 0 and t < horizon:
        upto = edges[k] if k < len(edges) else horizon
        inside = False
        for w in range(windows.shape[0]):
            inside = inside or (windows[w, 0] <= t and t < windows[w, 1])
        i = 0
        for s in range(n):
            r = pace[s] * boost[s] if pending[s] and start[s] <= t else 0.0
            if inside:
                r = r * multiplier
            rate[s] = r
            wait[s] = max(need[s] - progress[s], 0.0) / r if r > 0 else np.inf
            if wait[s] < wait[i]:  # np.argmin: the first of the smallest
                i = s
        if t + wait[i] <= upto:
            step = wait[i]
            for s in range(n):
                progress[s] += rate[s] * step
            t += step
            days[i], pending[i] = t, False
            left -= 1
            if diffusing:
                region_party[region[i]] += 1.0
                bloc_party[bloc[i]] += 1.0
                _boost(region, bloc, region_size, bloc_size, region_party, bloc_party, days,
                       gain, boost)  # fmt: skip
        else:
            step = upto - t
            for s in range(n):
                progress[s] += rate[s] * step
            t = upto
            k += 1
    return days
