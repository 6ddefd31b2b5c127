"""Column types fixed where tables are built: counts and days nullable, rates NaN without days.

Issue 11, class 9: `adoption_meeting` was int64 in a job where every run adopted and
float64 elsewhere, so `polars.read_parquet("sweep/*/runs.parquet")` failed; with no
meeting held, attendance was 0.0 rather than NaN.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from sim.run.replications import run_replications
from sim.run.schema import count_columns

# the process cannot pay for a single meeting, and no extension brings new money
NO_MEETING = ["cost.process_budget_usd=0", "cost.extension_authorised=false"]


@pytest.fixture(scope="module")
def tables(small):
    return {
        "held": run_replications(small("replications=3")),
        "none": run_replications(small("replications=2", *NO_MEETING)),
    }


@pytest.mark.parametrize("name", ["runs", "meetings", "delegations"])
def test_counts_and_days_are_nullable_integers_whatever_the_values(tables, name) -> None:
    held, none = getattr(tables["held"], name), getattr(tables["none"], name)
    counts = count_columns(name, held.columns)
    assert counts, name
    for column in counts:
        assert held[column].dtype == "Int64", column
        assert none[column].dtype == "Int64", column
    # one job adopts every time, the other never meets: the same types all the same
    assert held.dtypes.astype(str).to_dict() == none.dtypes.astype(str).to_dict()


def test_missing_counts_are_na_not_nan_or_zero(tables) -> None:
    runs = tables["none"].runs
    assert runs["meetings_held"].eq(0).all() and not runs["adopted"].any()
    assert runs["adoption_meeting"].isna().all() and runs["adoption_day"].isna().all()
    assert runs["entry_into_force_day"].isna().all()


def test_attendance_is_nan_when_no_meeting_was_held(tables) -> None:
    runs, delegations = tables["none"].runs, tables["none"].delegations
    rates = [c for c in runs.columns if c.startswith(("attendance_rate_", "in_person_rate_"))]
    assert len(rates) == 8
    assert runs[rates].isna().all().all()
    assert delegations[["attendance_rate", "in_person_rate"]].isna().all().all()
    held = tables["held"].runs
    assert held[rates].notna().all().all()  # a run that met keeps its rates


def test_polars_reads_every_job_file_of_a_sweep_by_glob(tmp_path: Path, run_cli) -> None:
    """One job never meets (every count missing), the other always adopts: one schema."""
    done = run_cli(
        tmp_path,
        "-m",
        "scenario=small",
        "replications=2",
        "cost.process_budget_usd=0,1e7",
        "cost.extension_authorised=false",
        "progress=false",
    )
    assert done.returncode == 0, done.stderr[-3000:]
    folder = Path(done.stdout.strip())
    for table in ("runs", "meetings", "delegations"):
        frame = pl.read_parquet(str(folder / f"*/{table}.parquet"))
        assert frame.height > 0
        if table == "runs":
            assert frame.schema["adoption_meeting"] == pl.Int64
            assert frame["adoption_meeting"].null_count() == 2  # the runs that never met
    runs = pd.read_parquet(folder / "runs.parquet")
    assert runs["adoption_meeting"].dtype == "Int64"  # the aggregate keeps the types too
