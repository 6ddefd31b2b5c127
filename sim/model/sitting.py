"""One room sitting for one day.

Drafting toward the compromise of those present, accounting for who exercised
influence, and persuasion among the delegations in the room.

A `RoomLayout` holds what is fixed about a room for a whole run (its issues, every
delegation's capability x salience on them, the stakeholders' weights and ideals);
`sit` does one room-day from it. `sit_room` is the one-shot form, for tests and
notebooks. The arithmetic is the same operation for operation, so both give the same
numbers bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.dynamics import bounded_confidence_sorted

__all__ = ["RoomLayout", "RoomResult", "Seating", "seat", "sit", "sit_room"]


@dataclass(frozen=True)
class RoomResult:
    """What one room-day did: text movement and influence credited to each actor."""

    movement: np.ndarray  # |change| of the text on each of the room's issues
    delegation_influence: np.ndarray  # (delegations,), exercised in the room
    proxy_influence: np.ndarray  # (delegations,), credited through a bloc coordinator
    stakeholder_influence: np.ndarray  # (stakeholders,)


class RoomLayout:
    """What is fixed about a room on given issues for a whole run.

    `capability_salience` is (delegations x all issues); bloc coordinators speak for
    absent members when `proxy_weight > 0` and `n_blocs > 0`, but only for members the
    room `admits` (None: every delegation; a friends-of-the-chair room admits its
    invitees only); stakeholders are admitted when their ideal and weight arrays are given.
    """

    __slots__ = (
        "admits",
        "all_issues",
        "bloc",
        "bloc_cells",
        "bloc_mean_bins",
        "bloc_proxy_bins",
        "capability_salience",
        "cell_issues",
        "columns",
        "count_div",
        "issues",
        "k",
        "n_blocs",
        "n_issues",
        "offsets",
        "proxy_weight",
        "rows",
        "seatings",
        "stakeholder_ideal",
        "stakeholder_weight",
    )

    def __init__(
        self,
        *,
        issues: np.ndarray,
        capability_salience: np.ndarray,
        bloc: np.ndarray,
        n_blocs: int,
        proxy_weight: float,
        stakeholder_ideal: np.ndarray | None,
        stakeholder_weight: np.ndarray | None,
        admits: np.ndarray | None = None,
    ) -> None:
        n, n_issues = capability_salience.shape
        self.admits = admits
        issues = np.asarray(issues, dtype=np.int64)
        k = len(issues)
        self.issues, self.k, self.n_issues = issues, k, n_issues
        contiguous = k > 0 and bool(np.all(np.diff(issues) == 1))
        # Issue columns as a slice when contiguous (cheaper to index than a list).
        self.columns = slice(int(issues[0]), int(issues[-1]) + 1) if contiguous else issues
        self.all_issues = k == n_issues and contiguous
        self.capability_salience = np.ascontiguousarray(capability_salience[:, self.columns])
        self.cell_issues = issues[:, None]  # (k, 1): flat cell = delegation * n_issues + issue
        self.rows = np.arange(k)[:, None]
        self.offsets = 4.0 * np.arange(k)[:, None]
        self.bloc = bloc
        self.proxy_weight = proxy_weight
        self.n_blocs = n_blocs if proxy_weight > 0 else 0
        if self.n_blocs:
            self.count_div = np.maximum(np.bincount(bloc, minlength=n_blocs), 1)[:, None]
            # bin of each (delegation, issue) cell: bloc x issue, row-major like positions
            self.bloc_proxy_bins = bloc[:, None] * k + np.arange(k)
            self.bloc_mean_bins = self.bloc_proxy_bins.ravel()
            if not self.all_issues:
                self.bloc_cells = (np.arange(n)[:, None] * n_issues + issues).ravel()
        self.seatings: dict[tuple, Seating | None] = {}  # a caller's cache, by step and presence
        self.stakeholder_weight = None
        self.stakeholder_ideal = None
        if stakeholder_weight is not None and len(stakeholder_weight):
            self.stakeholder_weight = np.ascontiguousarray(stakeholder_weight[:, self.columns])
            self.stakeholder_ideal = np.ascontiguousarray(stakeholder_ideal[:, self.columns])


class Seating:
    """Who sits in a room and with what weight: all of a room-day but the positions.

    `weights` rows are the present delegations, the bloc proxies, the stakeholders (the
    order the compromise sums them in); `influence`, `proxy_influence` and
    `stakeholder_influence` are what the room credits them per day.
    """

    __slots__ = (
        "divisor",
        "gather",
        "here",
        "influence",
        "n_blocs",
        "positive",
        "proxied",
        "proxy_influence",
        "stakeholder_influence",
        "total",
        "weights",
    )


def seat(layout: RoomLayout, step: float, presence: np.ndarray) -> Seating | None:
    """Seat a room for the delegations `presence` says are in it (None: nobody is)."""
    here = (presence > 0).nonzero()[0]
    n_here = len(here)
    k = layout.k
    if n_here == 0 or k == 0:
        return None
    cap_sal = layout.capability_salience
    n_blocs = layout.n_blocs
    stakeholder_weight = layout.stakeholder_weight
    m = 0 if stakeholder_weight is None else len(stakeholder_weight)
    seating = Seating()
    seating.here = here
    seating.gather = here[:, None] * layout.n_issues + layout.issues  # flat cells (here x k)

    proxied = None
    if n_blocs:
        bloc = layout.bloc
        bloc_here = np.bincount(bloc[here], minlength=n_blocs) > 0
        absent = presence == 0
        if layout.admits is not None:
            absent = absent & layout.admits  # a coordinator speaks only for those let in
        proxied = (absent if bloc_here.all() else absent & bloc_here[bloc]).nonzero()[0]
        if not len(proxied):
            proxied, n_blocs = None, 0
    seating.proxied, seating.n_blocs = proxied, n_blocs
    n_rows = n_here + n_blocs + m
    weights = np.empty((n_rows, k))
    np.multiply(cap_sal[here], presence[here, None], out=weights[:n_here])
    if proxied is not None:
        proxy_base = cap_sal[proxied]
        sums = np.bincount(
            layout.bloc_proxy_bins[proxied].ravel(), proxy_base.ravel(), minlength=n_blocs * k
        )
        np.multiply(
            sums.reshape(n_blocs, k), layout.proxy_weight, out=weights[n_here : n_here + n_blocs]
        )
    if m:
        weights[n_rows - m :] = stakeholder_weight
    seating.weights = weights

    total = weights.sum(axis=0)
    positive = total > 0
    if positive.all():
        seating.positive = None
        seating.total = seating.divisor = safe_total = total
    else:  # an issue nobody weighs: no compromise, no influence on it
        seating.positive = positive
        seating.total = total
        seating.divisor = np.where(positive, total, 1.0)
        safe_total = np.where(positive, total, np.inf)
    seating.influence = step * (weights[:n_here] / safe_total).sum(axis=1)
    seating.proxy_influence = None
    if proxied is not None:
        seating.proxy_influence = step * (proxy_base * layout.proxy_weight / safe_total).sum(axis=1)
    seating.stakeholder_influence = None
    if m:
        seating.stakeholder_influence = step * (stakeholder_weight / safe_total).sum(axis=1)
    return seating


def sit(
    layout: RoomLayout,
    step: float,
    presence: np.ndarray,
    text: np.ndarray,
    positions: np.ndarray,
    *,
    influence: np.ndarray,
    proxy_influence: np.ndarray,
    stakeholder_influence: np.ndarray | None,
    confidence: float,
    persuasion_rate: float,
    seating: Seating | None = None,
) -> np.ndarray | None:
    """One room-day: move `text` and the positions of those present, in place.

    Weight of a delegation on an issue = capability x salience x presence; a bloc's
    coordinator, if present, speaks for absent members with the bloc's mean position at
    `proxy_weight` of their weight; stakeholders (if admitted) add their own weights.
    The influence each actor exercised is added to `influence` (delegations,), what a
    coordinator carried for absent members to `proxy_influence` (delegations,), and the
    stakeholders' to `stakeholder_influence`. `positions` must be C-contiguous.
    `seating` is `seat(layout, step, presence)` if the caller kept it from a day the
    same delegations sat. Returns the change of the text on the room's issues (None:
    nobody sat).
    """
    if seating is None:
        seating = seat(layout, step, presence)
        if seating is None:
            return None
    if not positions.flags.c_contiguous:
        raise ValueError("sit needs C-contiguous positions (it writes through them)")
    flat_positions = positions.reshape(-1)
    here = seating.here
    n_here, n_blocs = len(here), seating.n_blocs
    k = layout.k

    # Positions of those who weigh in: present delegations, bloc proxies (their bloc's
    # mean position), stakeholders.
    weights = seating.weights
    actors = np.empty(weights.shape)
    flat_positions.take(seating.gather, out=actors[:n_here])
    if n_blocs:
        cells = flat_positions if layout.all_issues else flat_positions[layout.bloc_cells]
        sums = np.bincount(layout.bloc_mean_bins, cells, minlength=n_blocs * k)
        np.divide(sums.reshape(n_blocs, k), layout.count_div, out=actors[n_here : n_here + n_blocs])
    if layout.stakeholder_weight is not None:
        actors[n_here + n_blocs :] = layout.stakeholder_ideal

    # Drafting: the text moves a share `step` toward the weighted mean (the compromise).
    weighted = (weights * actors).sum(axis=0)
    columns = layout.columns
    if seating.positive is None:
        target = weighted / seating.total
        move = step * (target - text[columns])
        if not np.isfinite(move).all():
            move = np.where(np.isfinite(target), move, 0.0)
    else:  # an issue nobody weighs stays where it is
        target = np.where(seating.positive, weighted / seating.divisor, np.nan)
        move = np.where(np.isfinite(target), step * (target - text[columns]), 0.0)
    text[columns] = text[columns] + move

    # Influence: each actor's share of the weight, times the step.
    influence[here] += seating.influence
    if seating.proxied is not None:
        proxy_influence[seating.proxied] += seating.proxy_influence
    if stakeholder_influence is not None and seating.stakeholder_influence is not None:
        stakeholder_influence += seating.stakeholder_influence

    # Persuasion among those present (bounded confidence), issue by issue.
    if persuasion_rate > 0 and n_here > 1:
        order, updated = bounded_confidence_sorted(
            actors[:n_here].T, confidence, persuasion_rate, layout.offsets, layout.rows
        )
        flat_positions[seating.gather.T[layout.rows, order].ravel()] = updated
    return move


def sit_room(
    *,
    issues: np.ndarray,
    step: float,
    text: np.ndarray,
    positions: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    presence: np.ndarray,
    bloc: np.ndarray,
    n_blocs: int,
    proxy_weight: float,
    stakeholder_ideal: np.ndarray | None,
    stakeholder_weight: np.ndarray | None,
    confidence: float,
    persuasion_rate: float,
    admits: np.ndarray | None = None,
) -> RoomResult:
    """Move `text` (in place) and the positions of those present (in place).

    Weight of a delegation on an issue = capability x salience x presence; a bloc's
    coordinator, if present, speaks for absent members with the bloc's mean position at
    `proxy_weight` of their weight; stakeholders (if admitted) add their own weights.
    """
    issues = np.asarray(issues, dtype=np.int64)
    layout = RoomLayout(
        issues=issues,
        capability_salience=capability[:, None] * salience,
        bloc=bloc,
        n_blocs=n_blocs,
        proxy_weight=proxy_weight,
        stakeholder_ideal=stakeholder_ideal,
        stakeholder_weight=stakeholder_weight,
        admits=admits,
    )
    influence = np.zeros(len(presence))
    proxy = np.zeros(len(presence))
    s_influence = np.zeros(0 if stakeholder_weight is None else len(stakeholder_weight))
    work = positions if positions.flags.c_contiguous else np.ascontiguousarray(positions)
    move = sit(
        layout,
        step,
        presence,
        text,
        work,
        influence=influence,
        proxy_influence=proxy,
        stakeholder_influence=s_influence,
        confidence=confidence,
        persuasion_rate=persuasion_rate,
    )
    if move is None:
        return RoomResult(np.zeros(len(issues)), influence, proxy, s_influence)
    if work is not positions:
        positions[...] = work
    return RoomResult(np.abs(move), influence, proxy, s_influence)
