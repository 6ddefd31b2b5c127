"""A meeting's days, compiled: who covers which room, then every room sits, day by day.

`sit_days` is `sim.model.days.MeetingDays.sit` in one call per meeting: presence by
day (delegates in person cover their best-ranked rooms, remote delegates follow the
plenary), the ledger's day counts, and for each room its pace (`room_pace`), its work,
its seating, drafting and persuasion (`sim.model.compiled.room`). Its inputs are
named tuples of arrays (`sim.model.compiled.tables`), so the kernel reads as the numpy
model does:

- `Members`: what is fixed for a run (capability x salience, blocs, stakeholders);
- `Rooms`: the meeting's rooms, packed by `sim.model.compiled.pack` (the rooms of each
  distinct day, their issues, rankings and presence factors);
- `Rules`: the scalars the days read (calendar, channels, behaviour);
- `Tally`: what the days add to (ledger, exposure, work left, pace, movement);
- `Scratch`: work arrays sized once per run.
"""

from __future__ import annotations

import numpy as np

from sim.model.compiled.jit import njit
from sim.model.compiled.room import draft, persuade, seat
from sim.model.compiled.sums import pairwise_sum
from sim.model.compiled.tables import PLENARY, Members, Room, Rooms, Rules, Scratch, Tally

__all__ = ["scratch_for", "sit_days", "sit_meeting"]


@njit
def scratch_for(n: int, n_issues: int, n_blocs: int, m: int) -> Scratch:
    """Work arrays for rooms of up to `n` delegations, `n_blocs` blocs, `m` stakeholders."""
    rows = n + n_blocs + m
    k = max(n_issues, 1)
    return Scratch(
        here=np.zeros(n, dtype=np.int64),
        proxied=np.zeros(n, dtype=np.int64),
        counts=np.zeros(1, dtype=np.int64),
        bloc_here=np.zeros(max(n_blocs, 1), dtype=np.bool_),
        bloc_sums=np.zeros((max(n_blocs, 1), k)),
        weights=np.zeros((rows, k)),
        actors=np.zeros((rows, k)),
        product=np.zeros((rows, k)),
        total=np.zeros(k),
        safe_total=np.zeros(k),
        share=np.zeros(k),
        move=np.zeros(k),
        credit=np.zeros(n),
        proxy_credit=np.zeros(n),
        stakeholder_credit=np.zeros(max(m, 1)),
        values=np.zeros(n * k),
        flat=np.zeros(n * k),
        prefix=np.zeros(n * k + 1),
        who=np.zeros(n * k, dtype=np.int64),
    )


@njit
def over_time(rate: float, time: float) -> float:
    """`sim.model.dynamics.over_time`: a daily rate compounded over `time` days."""
    if time == 1.0:
        return rate
    return 1.0 - (1.0 - rate) ** time


@njit
def sit_days(
    members, rooms, rules, tally, plan_days, plan_delegates, plan_remote, text, positions, ranking
):  # fmt: skip
    """Every day of one meeting, in place (`MeetingDays.sit`'s arithmetic, in its order).

    `plan_days`, `plan_delegates`, `plan_remote` are the attendance plan's in-person
    days, delegates and remote followers (delegations,); `ranking` the delegations
    by position on each issue, kept sorted for `persuade` from meeting to meeting.
    """
    n, n_issues = positions.shape
    scratch = scratch_for(n, n_issues, len(members.bloc_count), len(members.stakeholder_weight))
    widest = 1
    for t in range(len(rooms.turn_start) - 1):
        widest = max(widest, rooms.turn_start[t + 1] - rooms.turn_start[t])
    presence = np.zeros((n, widest))
    cover = np.zeros((n, widest), dtype=np.bool_)
    for day in range(rules.days):
        turn = rooms.day_turn[day]
        first, stop = rooms.turn_start[turn], rooms.turn_start[turn + 1]
        r = stop - first
        plenary = r > 0 and rooms.kind[first] == PLENARY
        for i in range(n):
            in_person = plan_days[i] >= rules.days - day
            delegates = plan_delegates[i] if in_person else 0
            for j in range(r):
                cover[i, j] = rooms.rank[i, first + j] < delegates
                presence[i, j] = rooms.factor[i, first + j] if cover[i, j] else 0.0
            remote_today = False
            if rules.remote_participation and plenary:
                if plan_remote[i] and plan_days[i] < rules.days - day:
                    presence[i, 0] = rules.remote_effectiveness
                remote_today = presence[i, 0] > 0 and not cover[i, 0] and not in_person
            tally.in_person_days[i] += 1.0 if in_person else 0.0
            tally.delegate_days[i] += delegates
            tally.present_days[i] += 1.0 if in_person or remote_today else 0.0
            if remote_today:
                tally.remote_days[i] += 1.0
            for j in range(r):
                if cover[i, j] and rooms.kind[first + j] != PLENARY:
                    tally.informal_days[i] += 1.0
        for j in range(r):
            _sit_room(
                members, rooms, rules, tally, scratch, presence[:, j], first + j, j, day,
                text, positions, ranking,
            )  # fmt: skip


@njit
def _sit_room(
    members, rooms, rules, tally, scratch, column, c, j, day, text, positions, ranking
) -> None:  # fmt: skip
    """Room `c` (column `j` of the day's rooms, `column` its presence) sits one day."""
    is_open = rooms.open[c]
    for i in range(len(column)):
        if column[i] > 0:
            tally.covered_days[i] += 1.0
            if is_open:
                tally.observed_days[i] += 1.0
    pace = 1.0
    if rules.room_size:
        voices = pairwise_sum(column, 0, len(column))
        if is_open:
            voices += rules.stakeholder_voices
        pace = 1.0 / (1.0 + voices / rules.half_voices)
    tally.pace[day, j] = pace
    time = (1.0 + rules.night_share) * pace
    issues = rooms.issues[rooms.issue_start[c] : rooms.issue_start[c + 1]]
    share = time / max(len(issues), 1)
    for issue in issues:
        tally.work_left[issue] -= share
    step = over_time(rooms.step[c], time)
    row = rooms.admits_row[c]
    admits = rooms.admits[row] if row >= 0 else rooms.admits[0, :0]
    room = Room(issues, admits, is_open)
    seated = seat(members, room, scratch, column, step)
    n_here, n_blocs, m = seated
    if n_here == 0:
        return
    persuasion, confidence = over_time(rules.persuasion_rate, time), rules.confidence
    if is_open and rules.audience_costs:
        persuasion *= 1.0 - rules.audience_cost
        confidence *= 1.0 - rules.audience_cost
    moved = draft(members, room, scratch, positions, text, seated, step)
    for a in range(n_here):
        tally.influence[scratch.here[a]] += scratch.credit[a]
    for p in range(scratch.counts[0] if n_blocs else 0):
        tally.proxy_influence[scratch.proxied[p]] += scratch.proxy_credit[p]
    if is_open:
        for s in range(m):
            tally.stakeholder_influence[s] += scratch.stakeholder_credit[s]
    if persuasion > 0 and n_here > 1:
        persuade(room, scratch, positions, column, ranking, confidence, persuasion)
    tally.movement[0] += moved
    if rooms.kind[c] != PLENARY:
        tally.movement[1] += moved


@njit
def sit_meeting(
    capability_salience, bloc, bloc_count, proxy_weight, stakeholder_weight, stakeholder_ideal,
    day_turn, turn_start, kind, step, is_open, issue_start, issues, admits_row, admits, rank,
    factor, rules, in_person_days, delegate_days, present_days, remote_days, informal_days,
    influence, proxy_influence, stakeholder_influence, covered_days, observed_days, work_left,
    pace, movement, plan_days, plan_delegates, plan_remote, text, positions, ranking,
):  # fmt: skip
    """`sit_days` called with its tuples' arrays one by one, `rules` as a float array.

    numba types a tuple argument in Python (a fraction of a millisecond for these
    tuples of arrays, at every call) but an array in C; the Python side therefore passes
    `*members, *rooms, rules_array(...), *tally` and the tuples are rebuilt here.
    """
    members = Members(
        capability_salience, bloc, bloc_count, proxy_weight, stakeholder_weight, stakeholder_ideal
    )
    rooms = Rooms(
        day_turn, turn_start, kind, step, is_open, issue_start, issues, admits_row, admits,
        rank, factor,
    )  # fmt: skip
    tally = Tally(
        in_person_days, delegate_days, present_days, remote_days, informal_days, influence,
        proxy_influence, stakeholder_influence, covered_days, observed_days, work_left, pace,
        movement,
    )  # fmt: skip
    sit_days(
        members, rooms, rules_from(rules), tally, plan_days, plan_delegates, plan_remote, text,
        positions, ranking,
    )  # fmt: skip


@njit
def rules_from(values) -> Rules:
    """`Rules` back from `rules_array`."""
    return Rules(
        int(values[0]), values[1], values[2] != 0.0, values[3], values[4] != 0.0, values[5],
        values[6], values[7], values[8], values[9] != 0.0, values[10],
    )  # fmt: skip
