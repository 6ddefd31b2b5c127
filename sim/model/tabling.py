"""Tabling the draft at the end of a meeting: finished work, holdouts, amendments, the rule.

One function, `table_draft`, does what the chair and the room do when a meeting ends,
in order: decide whether the draft may be tabled (with `channels.unfinished_work`,
only a finished text, except at the final tabling, where what is unfinished stands as
the zero draft put it); buy the objectors who can block (holdout accommodation, by
their power under the rule, leaving out those who would acquiesce); let objectors force
votes on provisions at the final tabling (amendment votes); and apply the decision
rule. `Negotiation` and the benchmarks' bare loop both call it, so they cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import SimConfig
from sim.model.decision import (
    Decision,
    accommodation_move,
    acquiescing,
    amendment_votes,
    blocking_power,
    decide,
    objections,
    tabled_text,
    unfinished_share,
)
from sim.model.dynamics import salience_distance

__all__ = ["Tabling", "table_draft"]


@dataclass(frozen=True)
class Tabling:
    """What one end of meeting did; the text was changed in place."""

    decision: Decision | None  # None: the draft was not tabled
    objecting: np.ndarray  # (delegations,) the draft is beyond their reservation
    unfinished: np.ndarray  # (issues,) share of each issue's work not done
    holdout_move: np.ndarray  # (issues,) the accommodation's move of the text (zeros: none)
    power: np.ndarray  # (delegations,) blocking power of those accommodated (zeros: none)
    amendments: tuple[int, int]  # votes on provisions proposed, adopted


def table_draft(
    cfg: SimConfig,
    *,
    text: np.ndarray,
    zero_draft: np.ndarray,
    positions: np.ndarray,
    salience: np.ndarray,
    present: np.ndarray,
    reservation: np.ndarray,
    work_left: np.ndarray,
    work_total: np.ndarray,
    meeting: int,
    final: bool,
    pressure: float,
    hurried: bool = True,
) -> Tabling:
    """End a meeting: table the draft (`text`, changed in place) if the chair may.

    `meeting` is the number of meetings held (this one included); `final`: no further
    meeting can be held; `hurried` False for the unhurried twin (no accommodation, no
    amendment votes: both are bought with pressure).
    """
    d, channels = cfg.decision, cfg.channels
    n_issues = len(text)
    tabling = meeting >= d.earliest_tabling_meeting or final
    unfinished = unfinished_share(work_left, work_total)
    if channels.unfinished_work and unfinished.any():
        tabling = final
        if final:
            text[:] = tabled_text(text, zero_draft, unfinished)
    cost = cfg.behaviour.acquiescence_cost if channels.acquiescence else 0.0
    rule = dict(
        rule=d.rule,
        present=present,
        reservation=reservation,
        vote_threshold=d.vote_threshold,
        abstain_margin=d.abstain_margin,
    )
    move, power = np.zeros(n_issues), np.zeros(len(present))
    if tabling and hurried and channels.holdout_accommodation:
        distance = salience_distance(positions, text, salience)
        acquiescent = acquiescing(final=final, distance=distance, cost=cost, **rule)
        power = blocking_power(
            distance=distance,
            consensus_value=d.consensus_value,
            shadow_of_vote=channels.shadow_of_vote,
            acquiescent=acquiescent,
            **rule,
        )
        move = accommodation_move(text, positions, salience, power, d.accommodation_rate * pressure)
        text += move
    distance = salience_distance(positions, text, salience)
    without_vote = False
    amendments = (0, 0)
    objects = objections(distance, reservation) & present
    if (
        final
        and hurried
        and channels.amendment_votes
        and d.rule == "consensus_then_vote"
        and objects.any()
    ):
        result = amendment_votes(
            text=text,
            positions=positions,
            salience=salience,
            present=present,
            objects=objects,
            reservation=reservation,
            vote_threshold=d.vote_threshold,
        )
        text[:] = result.text
        amendments = (result.proposed, result.adopted)
        distance = salience_distance(positions, text, salience)
        without_vote = True
    decision = None
    if tabling:
        decision = decide(
            final=final,
            distance=distance,
            without_vote=without_vote,
            acquiescence_cost=cost,
            **rule,
        )
    return Tabling(
        decision=decision,
        objecting=objections(distance, reservation),
        unfinished=unfinished,
        holdout_move=move,
        power=power,
        amendments=amendments,
    )
