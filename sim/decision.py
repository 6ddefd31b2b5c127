"""Tabling and adoption: who objects, consensus among those present, and votes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Decision", "decide", "objections", "vote_passes"]


@dataclass(frozen=True)
class Decision:
    """The outcome of tabling the draft at the end of a meeting."""

    adopted_by: str | None  # "consensus", "vote" or None (not adopted)
    objectors: int  # present delegations that object
    absent: int  # delegations not present at the decision
    yes: int
    no: int
    abstain: int


def objections(distance: np.ndarray, reservation: np.ndarray) -> np.ndarray:
    """A delegation objects when the draft is farther from its position than it accepts."""
    return distance > reservation


def vote_passes(yes: int, no: int, threshold: float) -> bool:
    """Adopted with `threshold` of those present and voting (abstentions do not count)."""
    voting = yes + no
    return voting > 0 and yes >= threshold * voting - 1e-9


def decide(
    *,
    rule: str,
    final: bool,
    present: np.ndarray,
    distance: np.ndarray,
    reservation: np.ndarray,
    vote_threshold: float,
    abstain_margin: float,
) -> Decision:
    """Apply the decision rule to the delegations present at the end of a meeting.

    Consensus means no *present* delegation objects: an absent delegation cannot block.
    `consensus_then_vote` votes only at the final meeting; `two_thirds_vote` may vote at
    any meeting the chair tables the draft; `consensus_only` never votes.
    """
    objects = objections(distance, reservation) & present
    abstains = objects & (distance <= reservation * (1.0 + abstain_margin))
    yes = int((present & ~objects).sum())
    no = int((objects & ~abstains).sum())
    counts = dict(
        objectors=int(objects.sum()),
        absent=int((~present).sum()),
        yes=yes,
        no=no,
        abstain=int(abstains.sum()),
    )
    if present.any() and not objects.any():
        return Decision("consensus", **counts)
    may_vote = rule == "two_thirds_vote" or (rule == "consensus_then_vote" and final)
    if may_vote and vote_passes(yes, no, vote_threshold):
        return Decision("vote", **counts)
    return Decision(None, **counts)
