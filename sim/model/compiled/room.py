"""One room-day, compiled: seating, drafting and persuasion (`sim.model.sitting`'s arithmetic).

Each kernel is one mechanism of `sim.model.sitting.sit`, operation for operation and
sum for sum (`sums`), so the numbers are the numpy model's bit for bit:

- `seat`: who sits (presence > 0), the bloc coordinators who speak for absent members
  the room admits, the stakeholders of an open room; their weights (capability x
  salience x presence), the total weight on each issue and the influence each is
  credited with;
- `draft`: the text moves a share `step` toward the weighted mean of those seated;
- `persuade`: one Hegselmann-Krause step among the delegations present, issue by issue,
  over the sorted positions with one prefix sum laid end to end over the issues (offset
  4 apart) and window bounds found by a merge instead of `searchsorted` (same indices:
  the queries come in sorted order).

The room's arrays live in the `Room` and `Scratch` tuples of `sim.model.compiled.days`;
these kernels read their fields by name.
"""

from __future__ import annotations

import numpy as np

from sim.model.compiled.jit import njit
from sim.model.compiled.sums import column_sum, pairwise_sum

__all__ = ["draft", "persuade", "seat"]


@njit
def seat(members, room, scratch, presence, step: float) -> tuple[int, int, int]:
    """Seat one room-day; returns (delegations here, bloc rows, stakeholder rows).

    Fills `scratch.here`, `.proxied`, `.weights` (rows: delegations here, blocs,
    stakeholders) and `.total`, and credits influence into `scratch.credit` (here),
    `.proxy_credit` (proxied) and `.stakeholder_credit`. Nobody here: (0, 0, 0).
    """
    issues, k = room.issues, len(room.issues)
    here, weights = scratch.here, scratch.weights
    n_here = 0
    for i in range(len(presence)):
        if presence[i] > 0:
            here[n_here] = i
            n_here += 1
    if n_here == 0 or k == 0:
        return 0, 0, 0
    cap_sal = members.capability_salience
    for a in range(n_here):
        i = here[a]
        for j in range(k):
            weights[a, j] = cap_sal[i, issues[j]] * presence[i]
    n_blocs = _seat_proxies(members, room, scratch, presence, n_here)
    m = len(members.stakeholder_weight) if room.open else 0
    for s in range(m):
        for j in range(k):
            weights[n_here + n_blocs + s, j] = members.stakeholder_weight[s, issues[j]]
    rows = n_here + n_blocs + m

    # Total weight per issue; an issue nobody weighs gets no compromise and credits none.
    total, safe = scratch.total, scratch.safe_total
    for j in range(k):
        total[j] = column_sum(weights, rows, j, k)
        safe[j] = total[j] if total[j] > 0 else np.inf
    share = scratch.share
    for a in range(n_here):
        for j in range(k):
            share[j] = weights[a, j] / safe[j]
        scratch.credit[a] = step * pairwise_sum(share, 0, k)
    proxied = scratch.proxied
    for p in range(scratch.counts[0] if n_blocs else 0):
        i = proxied[p]
        for j in range(k):
            share[j] = cap_sal[i, issues[j]] * members.proxy_weight / safe[j]
        scratch.proxy_credit[p] = step * pairwise_sum(share, 0, k)
    for s in range(m):
        for j in range(k):
            share[j] = members.stakeholder_weight[s, issues[j]] / safe[j]
        scratch.stakeholder_credit[s] = step * pairwise_sum(share, 0, k)
    return n_here, n_blocs, m


@njit
def _seat_proxies(members, room, scratch, presence, n_here: int) -> int:
    """Bloc coordinators' rows of `scratch.weights`; returns their number (0: none speaks).

    A coordinator speaks for absent members the room admits, if someone of the bloc is
    here, with `proxy_weight` of their summed weight; every bloc gets a row once one does.
    """
    n_blocs = len(members.bloc_count)
    if n_blocs == 0:
        scratch.counts[0] = 0
        return 0
    bloc, here, weights = members.bloc, scratch.here, scratch.weights
    present = scratch.bloc_here
    present[:] = False
    for a in range(n_here):
        present[bloc[here[a]]] = True
    admits = room.admits
    n_proxied = 0
    for i in range(len(presence)):
        if presence[i] == 0 and present[bloc[i]] and (len(admits) == 0 or admits[i]):
            scratch.proxied[n_proxied] = i
            n_proxied += 1
    scratch.counts[0] = n_proxied
    if n_proxied == 0:
        return 0
    issues, k = room.issues, len(room.issues)
    sums = scratch.bloc_sums
    sums[:n_blocs, :k] = 0.0
    for p in range(n_proxied):
        i = scratch.proxied[p]
        for j in range(k):
            sums[bloc[i], j] += members.capability_salience[i, issues[j]]
    for b in range(n_blocs):
        for j in range(k):
            weights[n_here + b, j] = sums[b, j] * members.proxy_weight
    return n_blocs


@njit
def draft(members, room, scratch, positions, text, seated, step: float) -> float:
    """Move the text toward the compromise of those seated; returns sum |move|.

    `seated` is `seat`'s (delegations, bloc rows, stakeholder rows). Fills
    `scratch.actors` with their positions (a bloc row: the bloc's mean position).
    """
    n_here, n_blocs, m = seated
    issues, k = room.issues, len(room.issues)
    here, actors = scratch.here, scratch.actors
    for a in range(n_here):
        for j in range(k):
            actors[a, j] = positions[here[a], issues[j]]
    if n_blocs:
        bloc, sums = members.bloc, scratch.bloc_sums
        sums[:n_blocs, :k] = 0.0
        for i in range(len(bloc)):
            for j in range(k):
                sums[bloc[i], j] += positions[i, issues[j]]
        for b in range(n_blocs):
            for j in range(k):
                actors[n_here + b, j] = sums[b, j] / members.bloc_count[b]
    for s in range(m):
        for j in range(k):
            actors[n_here + n_blocs + s, j] = members.stakeholder_ideal[s, issues[j]]
    rows = n_here + n_blocs + m
    product, weights, move = scratch.product, scratch.weights, scratch.move
    for a in range(rows):
        for j in range(k):
            product[a, j] = weights[a, j] * actors[a, j]
    for j in range(k):
        weighted = column_sum(product, rows, j, k)
        total = scratch.total[j]
        move[j] = 0.0
        if total > 0:
            target = weighted / total
            if np.isfinite(target):
                move[j] = step * (target - text[issues[j]])
        text[issues[j]] = text[issues[j]] + move[j]
        scratch.share[j] = abs(move[j])
    return pairwise_sum(scratch.share, 0, k)


@njit
def persuade(room, scratch, positions, presence, ranking, confidence: float, rate: float) -> None:
    """One bounded-confidence step among the delegations present, in place.

    Each issue's positions of those present are sorted and laid end to end at offsets
    4 apart (`flat`; positions live in [0, 1]), with one running prefix sum over all of
    them, as numpy's `bounded_confidence_sorted` does; each window's bounds are
    `searchsorted`'s. The sorting keeps `ranking` (issues x delegations), every
    delegation ordered by position on each issue, from call to call: positions move a
    little between room-days, so re-sorting it is nearly linear, and those present are
    read off it in order (ties move alike, so any order of equal positions will do).
    """
    issues, k = room.issues, len(room.issues)
    flat, values, prefix, who = scratch.flat, scratch.values, scratch.prefix, scratch.who
    prefix[0] = 0.0
    size = 0
    for j in range(k):
        issue = issues[j]
        offset = 4.0 * j
        line = ranking[issue]
        _resort(line, positions[:, issue])
        for i in line:
            if presence[i] > 0:
                values[size] = positions[i, issue]
                flat[size] = values[size] + offset
                who[size] = i
                prefix[size + 1] = prefix[size] + (flat[size] - offset)
                size += 1
    n_here = size // k
    # The window [x - confidence, x + confidence] of each sorted x, by a merge: the
    # queries rise with x, so each bound only moves forward.
    lo = hi = 0
    for t in range(size):
        low = flat[t] - confidence - 1e-12
        while lo < size and flat[lo] < low:
            lo += 1
        high = flat[t] + confidence + 1e-12
        while hi < size and flat[hi] <= high:
            hi += 1
        mean = (prefix[hi] - prefix[lo]) / (hi - lo)
        positions[who[t], issues[t // n_here]] = values[t] + rate * (mean - values[t])


@njit
def _resort(line, key) -> None:
    """Sort the indices `line` by `key` in place (insertion sort: fast when nearly sorted)."""
    for a in range(1, len(line)):
        item = line[a]
        value = key[item]
        b = a - 1
        while b >= 0 and key[line[b]] > value:
            line[b + 1] = line[b]
            b -= 1
        line[b + 1] = item
