"""Column types of the three tables, fixed where the tables are built.

Why: a column's type must not depend on its values. Left to inference, a count with
a missing value (`adoption_meeting` when the text was not adopted) is float64 in one
job and int64 in a job where every run adopted, and a job whose runs held no meeting
writes an empty meetings table of other types: the job files of one sweep then
disagree and `polars.read_parquet("sweep/*/runs.parquet")` refuses them. Counts and
calendar days are nullable integers (pandas ``Int64``: missing is <NA>, never NaN or
0); a rate over meeting days is NaN, not 0, when no meeting was held. Values are
never changed otherwise: a count that is not a whole number raises.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

from sim.model.outcomes import describe

__all__ = ["COUNTS", "STRINGS", "count_columns", "normalise"]

COUNTS = {
    "meetings": (
        "meeting",
        "calendar_day",
        "delegates_present",
        "informal_issues",
        "friends_issues",
        "informal_room_days",
        "parallel_tracks",
        "objectors",
        "absent",
    ),
    "delegations": ("staff", "delegate_days", "informal_room_days", "ratification_day"),
    "ratification": ("month", "parties"),
}
"""Whole-number columns of the meetings, delegations and ratification tables; the runs
table's are the outcomes declared as counts (`sim.model.outcomes`)."""

STRINGS = frozenset(
    {"scenario", "process", "funding", "decision", "config_id", "adopted_by"}
    | {"iso3", "income_group", "un_region", "bloc"}
)
# Shares of meeting days: undefined (NaN) for a run that held no meeting day.
_PER_DAY = ("attendance_rate", "in_person_rate")


def _is_count(table: str, column: str) -> bool:
    if table == "runs":
        found = describe(column)
        return found is not None and found[0].kind == "count"
    return column in COUNTS[table]


def count_columns(table: str, columns) -> list[str]:
    """Those of `columns` (of a `runs`, `meetings` or `delegations` table) that are counts."""
    return [column for column in columns if _is_count(table, column)]


def _per_day(column: str) -> bool:
    return any(column == p or column.startswith(f"{p}_") for p in _PER_DAY)


def normalise(table: str, frame: pd.DataFrame, no_days: pd.Series | None = None) -> pd.DataFrame:
    """`frame` (a `runs`, `meetings` or `delegations` table) with its fixed column types.

    `no_days` marks the rows of runs that held no meeting day (default: from the
    runs table's own `days_held`); their per-day rates become NaN.
    """
    import pandas as pd  # here: the model runs before any table is built

    frame = frame.copy()
    if no_days is None and "days_held" in frame:
        no_days = frame["days_held"].to_numpy() == 0
    if no_days is not None and np.any(no_days):
        for column in [c for c in frame.columns if _per_day(c)]:
            frame.loc[np.asarray(no_days), column] = np.nan
    for column in frame.columns:
        if _is_count(table, column):
            frame[column] = pd.array(frame[column].to_numpy(), dtype="Int64")
        elif frame.empty and column in STRINGS:
            frame[column] = frame[column].astype("str")
        elif frame.empty and frame[column].dtype == object:
            frame[column] = frame[column].astype("float64")
    return frame
