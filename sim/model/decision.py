"""Tabling and adoption: objections, blocking power under the rule, holdouts, votes.

At each tabling the chair sees who objects, weighs each objector by its power to block
adoption under the decision rule (the shadow of the vote), may move the draft toward
the objectors who can block (holdout accommodation, Underdal's least ambitious
programme), may let objectors force votes on provisions (amendment votes), and then
applies the rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "Amendments",
    "Decision",
    "accommodation_move",
    "acquiescing",
    "amendment_votes",
    "blocking_power",
    "decide",
    "objections",
    "tabled_text",
    "unfinished_share",
    "vote_passes",
    "votes",
]


@dataclass(frozen=True)
class Decision:
    """The outcome of tabling the draft at the end of a meeting."""

    adopted_by: str | None  # "consensus", "vote" or None (not adopted)
    objectors: int  # present delegations that object
    absent: int  # delegations not present at the decision
    yes: int
    no: int
    abstain: int
    acquiesced: int = 0  # objectors who let the text pass, stating their objection


def objections(distance: np.ndarray, reservation: np.ndarray) -> np.ndarray:
    """A delegation objects when the draft is farther from its position than it accepts."""
    return distance > reservation


def vote_passes(yes: int, no: int, threshold: float) -> bool:
    """Adopted with `threshold` of those present and voting (abstentions do not count)."""
    voting = yes + no
    return voting > 0 and yes >= threshold * voting - 1e-9


def votes(
    present: np.ndarray, distance: np.ndarray, reservation: np.ndarray, abstain_margin: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(objects, abstains, votes_no) masks: objectors this close to accepting abstain."""
    objects = objections(distance, reservation) & present
    abstains = objects & (distance <= reservation * (1.0 + abstain_margin))
    return objects, abstains, objects & ~abstains


def _may_vote(rule: str, final: bool) -> bool:
    """Whether the rule lets this tabling end in a vote."""
    return rule == "two_thirds_vote" or (rule == "consensus_then_vote" and final)


def acquiescing(
    *,
    rule: str,
    final: bool,
    present: np.ndarray,
    distance: np.ndarray,
    reservation: np.ndarray,
    vote_threshold: float,
    abstain_margin: float,
    cost: float,
) -> np.ndarray:
    """Present objectors who let the text pass rather than block it, stating their objection.

    An objector weighs its grievance - how far the draft lies beyond what it accepts,
    `distance / reservation - 1` - against the cost of blocking, `cost x (isolation +
    futility)`: isolation is the share of those present who accept the text (blocking
    alone isolates), futility is 1 when the rule lets this tabling end in a vote that
    would adopt the text anyway (blocking only forces a vote it loses), else 0. It
    blocks when the grievance is larger. Objectors at BBNJ in 2023 and at the committee
    in August 2024 dissociated themselves from texts adopted without a vote. `cost` 0:
    every objector blocks.
    """
    objects, _, against = votes(present, distance, reservation, abstain_margin)
    if cost <= 0 or not objects.any():
        return np.zeros_like(objects)
    isolation = 1.0 - objects.sum() / max(int(present.sum()), 1)
    yes, no = int((present & ~objects).sum()), int(against.sum())
    futility = float(_may_vote(rule, final) and vote_passes(yes, no, vote_threshold))
    grievance = distance / np.maximum(reservation, 1e-12) - 1.0
    return objects & (grievance <= cost * (isolation + futility))


def decide(
    *,
    rule: str,
    final: bool,
    present: np.ndarray,
    distance: np.ndarray,
    reservation: np.ndarray,
    vote_threshold: float,
    abstain_margin: float,
    without_vote: bool = False,
    acquiescence_cost: float = 0.0,
) -> Decision:
    """Apply the decision rule to the delegations present at the end of a meeting.

    Consensus means no *present* delegation blocks: an absent delegation cannot block,
    and an objector may acquiesce (`acquiescing`, with `acquiescence_cost`), so a text
    can be adopted by consensus with objections voiced. `consensus_then_vote` votes
    only at the final meeting; `two_thirds_vote` may vote at any meeting the chair
    tables the draft; `consensus_only` never votes. `without_vote`: objectors have had
    their amendment votes and lost; if a vote on the whole would pass they let it
    through without one (adopted by consensus with objections voiced, as on 8 Aug 2024).
    """
    objects, abstains, against = votes(present, distance, reservation, abstain_margin)
    yes = int((present & ~objects).sum())
    no = int(against.sum())
    acquiesce = acquiescing(
        rule=rule,
        final=final,
        present=present,
        distance=distance,
        reservation=reservation,
        vote_threshold=vote_threshold,
        abstain_margin=abstain_margin,
        cost=acquiescence_cost,
    )
    counts = dict(
        objectors=int(objects.sum()),
        absent=int((~present).sum()),
        yes=yes,
        no=no,
        abstain=int(abstains.sum()),
        acquiesced=int(acquiesce.sum()),
    )
    if present.any() and not (objects & ~acquiesce).any():
        return Decision("consensus", **counts)
    if _may_vote(rule, final) and vote_passes(yes, no, vote_threshold):
        return Decision("consensus" if without_vote else "vote", **counts)
    return Decision(None, **counts)


def blocking_power(
    *,
    rule: str,
    present: np.ndarray,
    distance: np.ndarray,
    reservation: np.ndarray,
    vote_threshold: float,
    abstain_margin: float,
    consensus_value: float,
    shadow_of_vote: bool,
    acquiescent: np.ndarray | None = None,
) -> np.ndarray:
    """Each present objector's power to block adoption under the rule, in [0, 1].

    Under `consensus_only` every present objector is pivotal (1). Under a vote rule
    only the objectors the chair must win over for the vote to pass are: the cheapest
    to satisfy first (least excess of distance over reservation), as many as the
    threshold needs; none if the vote already passes. Under `consensus_then_vote` the
    others keep `consensus_value`: the chair still prefers adoption without a vote.
    With `shadow_of_vote` off the rule is ignored and every objector is pivotal.
    Objectors who would let the text pass (`acquiescent`, see `acquiescing`) have no
    power: they do not block, so the chair need not buy them.
    """
    objects, _, against = votes(present, distance, reservation, abstain_margin)
    power = objects.astype(float)
    if acquiescent is not None:
        power[acquiescent] = 0.0
    if not shadow_of_vote or rule == "consensus_only" or not objects.any():
        return power
    blocking = objects if acquiescent is None else objects & ~acquiescent
    power[blocking] = consensus_value if rule == "consensus_then_vote" else 0.0
    yes = int((present & ~objects).sum())
    no = int(against.sum())
    if vote_passes(yes, no, vote_threshold):
        return power
    # Win objectors over cheapest first until the vote passes: each turns a "no" (or an
    # abstention) into a "yes".
    candidates = np.flatnonzero(objects if acquiescent is None else objects & ~acquiescent)
    if not len(candidates):
        return power
    excess = distance[candidates] / np.maximum(reservation[candidates], 1e-12)
    order = candidates[np.argsort(excess, kind="stable")]
    yes_after = yes + np.arange(1, len(order) + 1)
    no_after = no - np.cumsum(against[order])
    passes = yes_after >= vote_threshold * (yes_after + no_after) - 1e-9
    needed = int(np.argmax(passes)) + 1 if passes.any() else len(order)
    power[order[:needed]] = 1.0
    return power


def accommodation_move(
    text: np.ndarray,
    positions: np.ndarray,
    salience: np.ndarray,
    power: np.ndarray,
    strength: float,
) -> np.ndarray:
    """How the chair moves the draft toward the objectors who can block (not applied here).

    The target on each issue is the holdouts' position weighted by blocking power x
    salience. The draft closes `strength x care` of the gap on each issue, where `care`
    is the holdouts' power-weighted salience on it over their largest salience total
    on any issue: `strength` on the issue holdouts with full power (1) care about most,
    less on the others, and less in proportion as their power is smaller. So the rule
    shapes the text: objectors a fallback vote would outvote (power `consensus_value`
    under consensus then vote) buy a smaller move than veto players (1).
    """
    move = np.zeros_like(text)
    if strength <= 0 or not (power > 0).any():
        return move
    weights = power[:, None] * salience
    total = weights.sum(axis=0)
    reach = salience[power > 0].sum(axis=0).max()
    care = total / reach if reach > 0 else total
    cared = total > 0
    target = (weights * positions).sum(axis=0)[cared] / total[cared]
    move[cared] = strength * care[cared] * (target - text[cared])
    return move


@dataclass(frozen=True)
class Amendments:
    """Votes on provisions that objectors forced before the whole text was taken up."""

    proposed: int
    adopted: int
    text: np.ndarray  # the draft after the votes


def amendment_votes(
    *,
    text: np.ndarray,
    positions: np.ndarray,
    salience: np.ndarray,
    present: np.ndarray,
    objects: np.ndarray,
    reservation: np.ndarray,
    vote_threshold: float,
) -> Amendments:
    """Objectors move, issue by issue, to replace a provision with their own wording.

    An amendment is proposed on each issue where the objectors' salience-weighted
    position lies further from the draft than their mean reservation. Every present
    delegation votes for it if it brings that provision closer to its own position,
    against if it takes it further; it is adopted with `vote_threshold` of those
    voting. A provision survives when the amendment fails (the deletion of safeguards
    failed on 8 Aug 2024).
    """
    text = text.copy()
    if not objects.any():
        return Amendments(0, 0, text)
    weights = salience[objects]
    total = weights.sum(axis=0)
    cared = total > 0
    wording = text.copy()
    wording[cared] = (weights * positions[objects]).sum(axis=0)[cared] / total[cared]
    tolerance = float(reservation[objects].mean())
    proposed = adopted = 0
    for j in np.flatnonzero(cared & (np.abs(wording - text) > tolerance)):
        proposed += 1
        now = np.abs(positions[present, j] - text[j])
        then = np.abs(positions[present, j] - wording[j])
        if vote_passes(int((then < now).sum()), int((then > now).sum()), vote_threshold):
            text[j] = wording[j]
            adopted += 1
    return Amendments(proposed, adopted, text)


def unfinished_share(work_left: np.ndarray, work_total: np.ndarray) -> np.ndarray:
    """Share of each issue's negotiating work not yet done, in [0, 1] (0: finished)."""
    share = np.divide(work_left, work_total, out=np.zeros_like(work_left), where=work_total > 0)
    return np.minimum(np.where(share > 1e-9, share, 0.0), 1.0)  # in [0, 1]


def tabled_text(text: np.ndarray, zero_draft: np.ndarray, unfinished: np.ndarray) -> np.ndarray:
    """The text tabled at the end: negotiated where the work was done, zero draft elsewhere.

    An issue's work is spread over its provisions; the share still unfinished at the
    final tabling was never negotiated, so those provisions stand as the chair's zero
    draft put them (what a chair tables when time runs out is its own text, not a blank:
    the committee's and the plastics INC's chairs' texts). On each issue the tabled
    value is `zero_draft + (1 - unfinished) x (text - zero_draft)`.
    """
    return zero_draft + (1.0 - unfinished) * (text - zero_draft)
