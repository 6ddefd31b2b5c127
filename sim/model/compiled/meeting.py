"""The rest of a meeting, compiled: attendance, disagreement, the consultations' pull.

Outside the rooms a meeting is a few dozen numpy calls per mechanism on arrays of a
few hundred numbers; each kernel here does one mechanism in one call, operation for
operation as its numpy reference (named in its docstring), so the numbers are the
same bit for bit (`tests/test_compiled.py`). What is fixed for a run (the trust fund's
order of need, the stakeholders sorted) is computed once by the caller in numpy.
"""

from __future__ import annotations

import numpy as np

from sim.model.compiled.jit import njit
from sim.model.compiled.sums import column_sum

__all__ = ["attend", "pull", "spread"]


@njit
def attend(
    remaining, stakes, contribution, staff, by_need, fund_spent, fund_wanted, rules, days: int
):  # fmt: skip
    """`sim.model.attendance.plan_attendance` for every delegation.

    `by_need` orders the delegations the trust fund serves first, `fund_spent` is the
    running cost of their seats in that order and `fund_wanted` each one's seats (all
    fixed for a run); `rules` holds, in order: the allowance factor (0: everything
    left), the want's base, stake gain and progress term, the cost of a delegate for
    the meeting and per day, the fund's money left, remote participation (1/0) and the
    remote day's cost. Returns the plan's arrays and the number of seats the fund pays.
    """
    factor, base, gain, late = rules[0], rules[1], rules[2], rules[3]
    per_delegate, day_usd, fund = rules[4], rules[5], rules[6]
    remote_on, remote_day = rules[7] > 0, rules[8]
    n = len(remaining)
    seats = np.zeros(n, dtype=np.int64)
    if fund > 0:
        for t in range(n):
            if fund_spent[t] <= fund + 1e-9:
                seats[by_need[t]] = fund_wanted[by_need[t]]
    delegates = np.zeros(n, dtype=np.int64)
    in_person = np.zeros(n, dtype=np.int64)
    funded = np.zeros(n, dtype=np.int64)
    remote = np.zeros(n, dtype=np.bool_)
    own_cost, paid = np.zeros(n), np.zeros(n)
    total_funded = 0
    for i in range(n):
        allowance = remaining[i] * factor if factor > 0 else remaining[i]
        can_pay = remaining[i] >= contribution[i]
        want = min(max(base + gain * stakes[i] + late, 0.0), 1.0)
        desired = np.int64(np.floor(want * staff[i] + 0.5))
        fund_seats = min(seats[i], desired) if can_pay else 0
        spendable = max(allowance - contribution[i], 0.0)
        affordable = np.int64(np.floor(spendable / per_delegate)) if per_delegate > 0 else staff[i]
        own_full = min(max(desired - fund_seats, 0), min(staff[i] - fund_seats, affordable))
        own_full = own_full if can_pay else 0
        sent = fund_seats + own_full
        days_here = days if sent > 0 else 0
        partial_days = min(np.floor(spendable / day_usd), days) if day_usd > 0 else float(days)
        partial = sent == 0 and desired > 0 and can_pay and partial_days >= 1
        if partial:
            sent, days_here = 1, np.int64(partial_days)
        paid[i] = contribution[i] if sent > 0 else 0.0
        cost = own_full * per_delegate + (partial_days * day_usd if partial else 0.0) + paid[i]
        if remote_on:
            remote_cost = (days - days_here) * remote_day
            remote[i] = days_here < days and remaining[i] - cost >= remote_cost
            cost = cost + (remote_cost if remote[i] else 0.0)
        delegates[i], in_person[i], funded[i], own_cost[i] = sent, days_here, fund_seats, cost
        total_funded += fund_seats
    return delegates, in_person, funded, remote, own_cost, paid, total_funded


@njit
def spread(positions, present):
    """`sim.model.dynamics.disagreement(positions[present])`: numpy's std of each issue.

    Zeros with fewer than two present (as `Negotiation._disagreement`).
    """
    n, k = positions.shape
    rows = np.zeros((n, k))
    m = 0
    for i in range(n):
        if present[i]:
            rows[m] = positions[i]
            m += 1
    out = np.zeros(k)
    if m < 2:
        return out
    mean = np.empty(k)
    for j in range(k):
        mean[j] = column_sum(rows, m, j, k) / m
    for i in range(m):
        for j in range(k):
            gap = rows[i, j] - mean[j]
            rows[i, j] = gap * gap
    for j in range(k):
        out[j] = np.sqrt(column_sum(rows, m, j, k) / m)
    return out


@njit
def pull(x, flat, weight_prefix, pulled_prefix, confidence: float, rate: float):
    """`sim.model.dynamics.StakeholderPull`'s query: each row of `x` toward the sources.

    `flat` holds the sources sorted issue by issue at offsets 4 apart, the prefixes
    their running weight and weight x position (as `StakeholderPull` sorts them).
    """
    n, k = x.shape
    out = np.empty_like(x)
    for j in range(k):
        for i in range(n):
            query = x[i, j] + 4.0 * j
            lo = np.searchsorted(flat, query - confidence - 1e-12, side="left")
            hi = np.searchsorted(flat, query + confidence + 1e-12, side="right")
            weight = weight_prefix[hi] - weight_prefix[lo]
            target = (pulled_prefix[hi] - pulled_prefix[lo]) / weight if weight > 0 else x[i, j]
            out[i, j] = x[i, j] + rate * (target - x[i, j])
    return out
