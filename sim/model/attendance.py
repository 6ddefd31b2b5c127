"""Attendance decisions and who pays: delegations' budgets, the trust fund, cost sharing.

Vectorised over all delegations: each decides how many delegates to send to a meeting
(0..staff) and for how many days, from the money it has set aside for this meeting
and from its stakes; the trust fund pays for eligible delegates while money lasts;
under hybrid participation the rest can follow the plenary remotely.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from sim.config import INCOME_GROUPS, CostConfig, FundingConfig, SimConfig

__all__ = [
    "AttendancePlan",
    "MeetingOutlook",
    "Members",
    "allowance_share",
    "meeting_allowance",
    "plan_attendance",
    "trust_fund_queue",
]


class Members(Protocol):
    """What attendance reads of the delegations (arrays over delegations)."""

    budget_usd: np.ndarray  # budget for the whole process
    staff: np.ndarray  # negotiators it can field at once
    income: np.ndarray  # index into INCOME_GROUPS
    ldc: np.ndarray  # least developed country


@dataclass(frozen=True)
class MeetingOutlook:
    """What delegations know as they decide whether to attend the next meeting."""

    meeting_index: int  # 0-based; `expected` or more is a meeting nobody planned for
    expected: int  # meetings the delegations expect: held + those the budget still pays for
    remaining_usd: np.ndarray  # each delegation's budget left
    stakes: np.ndarray  # salience-weighted distance of the draft from each ideal
    cost_share_usd: np.ndarray  # each delegation's share of the meeting under cost sharing
    fund_remaining_usd: float = 0.0  # the trust fund's money left

    @property
    def progress(self) -> float:
        """How far through the expected process: 0 at the first meeting, 1 at the last."""
        return min(self.meeting_index / max(self.expected - 1, 1), 1.0)


@dataclass(frozen=True)
class AttendancePlan:
    """One meeting's attendance decisions and their costs (arrays over delegations)."""

    delegates: np.ndarray  # delegates in person (0..staff)
    in_person_days: np.ndarray  # in-person days, the last ones of the meeting
    funded: np.ndarray  # of `delegates`, paid by the trust fund
    remote: np.ndarray  # follows the plenary remotely on days not in person
    own_cost_usd: np.ndarray  # paid from the delegation's budget (delegates, share, remote)
    contribution_usd: np.ndarray  # cost-sharing share of the meeting (part of own cost)
    fund_cost_usd: float  # paid by the trust fund


def meeting_allowance(
    remaining: np.ndarray, meeting_index: int, expected: int, lateness: float
) -> np.ndarray:
    """Money set aside for this meeting: later meetings decide more, so weigh more.

    Meeting m (0-based) of the `expected` meetings has weight 1 + lateness * m /
    (expected - 1); a delegation spends its remaining budget in proportion to this
    meeting's share of the weights still ahead. At the last expected meeting, and at
    any meeting beyond (an extension), everything left is available.
    """
    share = allowance_share(meeting_index, expected, lateness)
    return remaining.copy() if share is None else remaining * share


def allowance_share(meeting_index: int, expected: int, lateness: float) -> float | None:
    """This meeting's share of the weights still ahead (`meeting_allowance`); None: all."""
    if meeting_index >= expected - 1:
        return None
    ahead = 1.0 + lateness * np.arange(meeting_index, expected) / max(expected - 1, 1)
    return ahead[0] / ahead.sum()


def plan_attendance(outlook: MeetingOutlook, members: Members, cfg: SimConfig) -> AttendancePlan:
    """Decide every delegation's attendance for one meeting; nothing here spends money.

    A delegation wants `round(staff x clip(attendance_base + attendance_stakes_gain x
    stakes + attendance_progress_gain x progress))` delegates (`cfg.behaviour`), so
    later meetings and larger stakes bring more; it sends what the money it set aside
    for this meeting pays for (`meeting_allowance`), the trust fund paying for eligible
    delegates first. One that cannot pay its cost share (`outlook.cost_share_usd`)
    stays home.
    """
    behaviour, cost, funding = cfg.behaviour, cfg.cost, cfg.funding
    days = cfg.scenario.calendar.days
    remaining, staff = outlook.remaining_usd, members.staff
    progress = outlook.progress
    n = len(remaining)
    per_delegate = days * cost.delegate_day_usd
    allowance = meeting_allowance(
        remaining, outlook.meeting_index, outlook.expected, behaviour.lateness_weight
    )
    contribution = outlook.cost_share_usd
    can_pay_share = remaining >= contribution
    want = np.clip(
        behaviour.attendance_base
        + behaviour.attendance_stakes_gain * outlook.stakes
        + behaviour.attendance_progress_gain * progress,
        0.0,
        1.0,
    )
    # round half up: a one-person delegation with little at stake stays home (small
    # states are absent more often: Panke)
    desired = np.floor(want * staff + 0.5).astype(np.int64)

    funded = _trust_fund_seats(members, days, outlook.fund_remaining_usd, cost, funding)
    funded = np.where(can_pay_share, np.minimum(funded, desired), 0)
    spendable = np.maximum(allowance - contribution, 0.0)
    if per_delegate > 0:
        affordable = np.floor(spendable / per_delegate).astype(np.int64)
    else:
        affordable = staff.copy()
    own_full = np.minimum(np.maximum(desired - funded, 0), np.minimum(staff - funded, affordable))
    own_full = np.where(can_pay_share, own_full, 0)
    delegates = funded + own_full
    in_person_days = np.where(delegates > 0, days, 0)

    # Too poor for a whole meeting: one delegate for the last days it can afford.
    if cost.delegate_day_usd > 0:
        partial_days = np.minimum(np.floor(spendable / cost.delegate_day_usd), days)
    else:
        partial_days = np.full(n, days)
    partial = (delegates == 0) & (desired > 0) & can_pay_share & (partial_days >= 1)
    delegates = np.where(partial, 1, delegates)
    in_person_days = np.where(partial, partial_days, in_person_days).astype(np.int64)

    attending = delegates > 0
    paid_contribution = np.where(attending, contribution, 0.0)
    own_cost = (
        own_full * per_delegate
        + np.where(partial, partial_days * cost.delegate_day_usd, 0.0)
        + paid_contribution
    )
    remote = np.zeros(n, dtype=bool)
    if funding.remote_participation:
        remote_cost = (days - in_person_days) * funding.remote_day_usd
        remote = (in_person_days < days) & (remaining - own_cost >= remote_cost)
        own_cost = own_cost + np.where(remote, remote_cost, 0.0)
    return AttendancePlan(
        delegates=delegates.astype(np.int64),
        in_person_days=in_person_days,
        funded=funded.astype(np.int64),
        remote=remote,
        own_cost_usd=own_cost,
        contribution_usd=paid_contribution,
        fund_cost_usd=float(funded.sum() * per_delegate),
    )


def _trust_fund_seats(
    members: Members, days: int, fund_remaining: float, cost: CostConfig, funding: FundingConfig
) -> np.ndarray:
    """Seats the trust fund pays for: poorest eligible delegations first, while money lasts."""
    seats = np.zeros(len(members.staff), dtype=np.int64)
    if fund_remaining <= 0 or funding.trust_fund_delegates == 0:
        return seats
    order, spent, wanted = trust_fund_queue(members, days, cost, funding)
    granted = order[spent <= fund_remaining + 1e-9]
    seats[granted] = wanted[granted]
    return seats


def trust_fund_queue(
    members: Members, days: int, cost: CostConfig, funding: FundingConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The trust fund's queue, fixed for a run: who it serves first, what it has spent.

    Delegations poorest first, the running cost of their seats in that order, and the
    seats each eligible one wants.
    """
    staff, income = members.staff, members.income
    per_delegate = days * cost.delegate_day_usd
    eligible_groups = [INCOME_GROUPS.index(g) for g in funding.trust_fund_eligible if g != "LDC"]
    eligible = np.isin(income, eligible_groups)
    if "LDC" in funding.trust_fund_eligible:
        eligible |= members.ldc
    wanted = np.where(eligible, np.minimum(funding.trust_fund_delegates, staff), 0)
    order = np.argsort(members.budget_usd, kind="stable")
    return order, np.cumsum(wanted[order] * per_delegate), wanted
