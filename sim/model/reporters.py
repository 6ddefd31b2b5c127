"""The model's per-meeting reporters for Mesa's DataCollector: one row per meeting.

Named module-level functions (not lambdas) so models pickle into worker processes.
They read the model through the `MeetingState` protocol, the attributes a meeting
leaves on the model, so this module does not import the model.
"""

from __future__ import annotations

from functools import cache, partial
from typing import Any, Protocol

import numpy as np

from sim.config import INCOME_GROUPS

__all__ = ["MeetingState", "meeting_reporters"]


class MeetingState(Protocol):
    """What the reporters read from the model after a meeting."""

    meeting: int
    meeting_log: dict[str, Any]
    pressure: float
    config: Any
    attendance: Any
    population: Any
    chair: Any
    purse: Any
    compression: Any


def _meeting_number(model: MeetingState) -> int:
    return model.meeting


def _calendar_day(model: MeetingState) -> float:
    cal = model.config.scenario.calendar
    return float((model.meeting - 1) * cal.interval_days + cal.days)


def _log(key: str, model: MeetingState) -> object:
    return model.meeting_log[key]


def _decision_field(key: str, model: MeetingState) -> object:
    decision = model.meeting_log["decision"]
    if key == "adopted_by":
        return "none" if decision is None or decision.adopted_by is None else decision.adopted_by
    return np.nan if decision is None else getattr(decision, key)


def _attendance_this_meeting(group: int, model: MeetingState) -> float:
    plan = model.attendance
    cal_days = model.config.scenario.calendar.days
    in_room = np.where(plan.remote, cal_days, plan.in_person_days) / cal_days
    members = model.population.delegations.income == group
    return float(in_room[members].mean()) if members.any() else float("nan")


def _text(issue: int, model: MeetingState) -> float:
    return float(model.chair.text[issue])


def _pressure(model: MeetingState) -> float:
    return model.pressure


def _process_remaining(model: MeetingState) -> float:
    return model.purse.remaining_usd


def _delegates_present(model: MeetingState) -> int:
    return int(model.attendance.delegates.sum())


def _compression(field: str, model: MeetingState) -> float:
    return float(getattr(model.compression, field))


def meeting_reporters(issues: tuple[str, ...]) -> dict[str, object]:
    """Model reporters for Mesa's DataCollector: one row per meeting (picklable).

    A fresh dict each call (a caller may add to it) of reporters built once per set of
    issues: every run of a sweep asks for the same ones.
    """
    return dict(_reporters_for(tuple(issues)))


@cache
def _reporters_for(issues: tuple[str, ...]) -> dict[str, object]:
    """The reporters of a set of issues (cached: building them was ~0.5 ms a run)."""
    reporters: dict[str, object] = {
        "meeting": _meeting_number,
        "calendar_day": _calendar_day,
        "delegates_present": _delegates_present,
        "meeting_cost_usd": partial(_log, "cost_usd"),
        "process_remaining_usd": _process_remaining,
        "informal_issues": partial(_log, "informal_issues"),
        "friends_issues": partial(_log, "friends_issues"),
        "informal_room_days": partial(_log, "informal_room_days"),
        "parallel_tracks": partial(_compression, "tracks"),
        "night_share": partial(_compression, "night_share"),
        "compression": partial(_compression, "ratio"),
        "stakeholder_influence_share": partial(_log, "stakeholder_influence_share"),
        "plenary_pace": partial(_log, "plenary_pace"),
        "informal_pace": partial(_log, "informal_pace"),
        "work_left": partial(_log, "work_left"),
        "pressure": _pressure,
        "objectors": partial(_decision_field, "objectors"),
        "absent": partial(_decision_field, "absent"),
        "adopted_by": partial(_decision_field, "adopted_by"),
        "acquiesced": partial(_decision_field, "acquiesced"),
    }
    for k, g in enumerate(INCOME_GROUPS):
        reporters[f"attendance_rate_{g}"] = partial(_attendance_this_meeting, k)
    for j, issue in enumerate(issues):
        reporters[f"text_{issue}"] = partial(_text, j)
    return reporters
