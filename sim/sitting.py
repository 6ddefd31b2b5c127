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

from sim.dynamics import bounded_confidence_sorted

__all__ = ["RoomLayout", "RoomResult", "sit", "sit_room"]


@dataclass(frozen=True)
class RoomResult:
    """What one room-day did: text movement and influence credited to each actor."""

    movement: np.ndarray  # |change| of the text on each of the room's issues
    delegation_influence: np.ndarray  # (delegations,), includes bloc-proxy credit
    stakeholder_influence: np.ndarray  # (stakeholders,)


class RoomLayout:
    """What is fixed about a room on given issues for a whole run.

    `capability_salience` is (delegations x all issues); bloc coordinators speak for
    absent members when `proxy_weight > 0` and `n_blocs > 0`; stakeholders are
    admitted when their ideal and weight arrays are given.
    """

    __slots__ = (
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
    ) -> None:
        n, n_issues = capability_salience.shape
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
        self.stakeholder_weight = None
        self.stakeholder_ideal = None
        if stakeholder_weight is not None and len(stakeholder_weight):
            self.stakeholder_weight = np.ascontiguousarray(stakeholder_weight[:, self.columns])
            self.stakeholder_ideal = np.ascontiguousarray(stakeholder_ideal[:, self.columns])


def sit(
    layout: RoomLayout,
    step: float,
    presence: np.ndarray,
    text: np.ndarray,
    positions: np.ndarray,
    influence: np.ndarray,
    stakeholder_influence: np.ndarray | None,
    confidence: float,
    persuasion_rate: float,
) -> np.ndarray | None:
    """One room-day: move `text` and the positions of those present, in place.

    Weight of a delegation on an issue = capability x salience x presence; a bloc's
    coordinator, if present, speaks for absent members with the bloc's mean position at
    `proxy_weight` of their weight; stakeholders (if admitted) add their own weights.
    The influence each actor exercised is added to `influence` (delegations,) and
    `stakeholder_influence` (stakeholders,). `positions` must be C-contiguous.
    Returns the change of the text on the room's issues (None: nobody sat).
    """
    here = (presence > 0).nonzero()[0]
    n_here = len(here)
    k = layout.k
    if n_here == 0 or k == 0:
        return None
    if not positions.flags.c_contiguous:
        raise ValueError("sit needs C-contiguous positions (it writes through them)")
    flat_positions = positions.reshape(-1)
    cap_sal = layout.capability_salience
    n_blocs = layout.n_blocs
    stakeholder_weight = layout.stakeholder_weight
    m = 0 if stakeholder_weight is None else len(stakeholder_weight)

    # Who weighs in (rows, as the compromise sums them): present delegations, bloc
    # proxies, stakeholders.
    proxied = None
    if n_blocs:
        bloc = layout.bloc
        bloc_here = np.bincount(bloc[here], minlength=n_blocs) > 0
        absent = presence == 0
        proxied = (absent if bloc_here.all() else absent & bloc_here[bloc]).nonzero()[0]
        if not len(proxied):
            proxied, n_blocs = None, 0
    n_rows = n_here + n_blocs + m
    weights = np.empty((n_rows, k))
    actors = np.empty((n_rows, k))
    np.multiply(cap_sal[here], presence[here, None], out=weights[:n_here])
    if layout.all_issues:
        positions.take(here, axis=0, out=actors[:n_here])
    else:
        actors[:n_here] = positions[here[:, None], layout.issues]
    if proxied is not None:
        proxy_base = cap_sal[proxied]
        sums = np.bincount(
            layout.bloc_proxy_bins[proxied].ravel(), proxy_base.ravel(), minlength=n_blocs * k
        )
        np.multiply(
            sums.reshape(n_blocs, k), layout.proxy_weight, out=weights[n_here : n_here + n_blocs]
        )
        cells = flat_positions if layout.all_issues else flat_positions[layout.bloc_cells]
        sums = np.bincount(layout.bloc_mean_bins, cells, minlength=n_blocs * k)
        np.divide(sums.reshape(n_blocs, k), layout.count_div, out=actors[n_here : n_here + n_blocs])
    if m:
        weights[n_rows - m :] = stakeholder_weight
        actors[n_rows - m :] = layout.stakeholder_ideal

    # Drafting: the text moves a share `step` toward the weighted mean (the compromise).
    total = weights.sum(axis=0)
    weighted = (weights * actors).sum(axis=0)
    positive = total > 0
    columns = layout.columns
    if positive.all():
        target = weighted / total
        move = step * (target - text[columns])
        if not np.isfinite(move).all():
            move = np.where(np.isfinite(target), move, 0.0)
        safe_total = total
    else:  # an issue nobody weighs stays where it is
        target = np.where(positive, weighted / np.where(positive, total, 1.0), np.nan)
        move = np.where(np.isfinite(target), step * (target - text[columns]), 0.0)
        safe_total = np.where(positive, total, np.inf)
    text[columns] = text[columns] + move

    # Influence: each actor's share of the weight, times the step.
    influence[here] += step * (weights[:n_here] / safe_total).sum(axis=1)
    if proxied is not None:
        influence[proxied] += step * (proxy_base * layout.proxy_weight / safe_total).sum(axis=1)
    if m and stakeholder_influence is not None:
        stakeholder_influence += step * (stakeholder_weight / safe_total).sum(axis=1)

    # Persuasion among those present (bounded confidence), issue by issue.
    if persuasion_rate > 0 and n_here > 1:
        cells = here * layout.n_issues + layout.cell_issues  # (k, present): flat cells
        order, updated = bounded_confidence_sorted(
            flat_positions[cells], confidence, persuasion_rate, layout.offsets, layout.rows
        )
        flat_positions[cells[layout.rows, order].ravel()] = updated
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
    )
    influence = np.zeros(len(presence))
    s_influence = np.zeros(0 if stakeholder_weight is None else len(stakeholder_weight))
    work = positions if positions.flags.c_contiguous else np.ascontiguousarray(positions)
    move = sit(
        layout, step, presence, text, work, influence, s_influence, confidence, persuasion_rate
    )
    if move is None:
        return RoomResult(np.zeros(len(issues)), influence, s_influence)
    if work is not positions:
        positions[...] = work
    return RoomResult(np.abs(move), influence, s_influence)
