"""One room sitting for one day.

Drafting toward the compromise of those present, accounting for who exercised
influence, and persuasion among the delegations in the room.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.dynamics import bounded_confidence_step, compromise

__all__ = ["RoomResult", "sit_room"]


@dataclass(frozen=True)
class RoomResult:
    """What one room-day did: text movement and influence credited to each actor."""

    movement: np.ndarray  # |change| of the text on each of the room's issues
    delegation_influence: np.ndarray  # (delegations,), includes bloc-proxy credit
    stakeholder_influence: np.ndarray  # (stakeholders,)


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
    n = len(presence)
    influence = np.zeros(n)
    m = 0 if stakeholder_weight is None else len(stakeholder_weight)
    s_influence = np.zeros(m)
    here = np.flatnonzero(presence > 0)
    if len(here) == 0 or len(issues) == 0:
        return RoomResult(np.zeros(len(issues)), influence, s_influence)

    cell = np.ix_(here, issues)
    room_positions = positions[cell]
    base = capability[:, None] * salience[:, issues]  # (n, k) before presence
    weights = [base[here] * presence[here, None]]
    actors = [room_positions]

    proxied = np.zeros(0, dtype=np.int64)
    if proxy_weight > 0 and n_blocs > 0:
        bloc_here = np.bincount(bloc[here], minlength=n_blocs) > 0
        proxied = np.flatnonzero((presence == 0) & bloc_here[bloc])
        if len(proxied):
            counts = np.bincount(bloc, minlength=n_blocs)
            mean_pos = (
                np.stack(
                    [np.bincount(bloc, positions[:, j], minlength=n_blocs) for j in issues], axis=1
                )
                / np.maximum(counts, 1)[:, None]
            )
            proxy_w = (
                np.stack(
                    [
                        np.bincount(bloc[proxied], base[proxied, c], minlength=n_blocs)
                        for c in range(len(issues))
                    ],
                    axis=1,
                )
                * proxy_weight
            )
            weights.append(proxy_w)
            actors.append(mean_pos)
    if m:
        weights.append(stakeholder_weight[:, issues])
        actors.append(stakeholder_ideal[:, issues])

    all_w = np.concatenate(weights)
    target, total = compromise(np.concatenate(actors), all_w)
    move = np.where(np.isfinite(target), step * (target - text[issues]), 0.0)
    text[issues] = text[issues] + move

    safe_total = np.where(total > 0, total, np.inf)
    influence[here] = step * (weights[0] / safe_total).sum(axis=1)
    if len(proxied):
        influence[proxied] += step * (base[proxied] * proxy_weight / safe_total).sum(axis=1)
    if m:
        s_influence = step * (weights[-1] / safe_total).sum(axis=1)

    if persuasion_rate > 0 and len(here) > 1:
        positions[cell] = bounded_confidence_step(room_positions, confidence, persuasion_rate)
    return RoomResult(np.abs(move), influence, s_influence)
