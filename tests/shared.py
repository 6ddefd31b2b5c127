"""Constants the tests share: paths, the model's vocabularies, the output contract.

Written out here (not read from `sim`), so a renamed group or option fails a test
instead of passing silently; `tests/test_outcomes.py` checks they agree with the code.
"""

from __future__ import annotations

from pathlib import Path

from sim.model.outcomes import columns

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"

OPTION_GROUPS = ("scenario", "process", "funding", "decision")
INCOME_GROUPS = ("HIC", "UMIC", "LMIC", "LIC")
REGIONS = ("AFR", "APG", "EEG", "GRULAC", "WEOG")
STAKEHOLDER_KINDS = ("civil_society", "industry", "un_agency", "academia")
ISSUES = ("scope", "data_access", "safeguards", "assistance")
PROCESSES = (
    "open_plenary",
    "two_tier",
    "two_tier_observers",
    "single_informal_room",
    "friends_of_chair",
)
FUNDINGS = ("none", "trust_fund", "hybrid", "cost_sharing")
DECISIONS = ("consensus_then_vote", "consensus_only", "two_thirds_vote")
REPORT_MONTHS = (22,)

TINY = ["scenario=small", "replications=2", "progress=false"]
"""Command-line overrides for the smallest end-to-end run."""

TWO_THIRDS = 2.0 / 3.0

CONFIG_COLUMNS = (
    "scenario",
    "process",
    "funding",
    "decision",
    "meeting_usd",
    "delegate_day_usd",
    "process_budget_usd",
    "config_id",
    "seed",
    "crn",
    "replication",
    "run_seed",
)
"""The columns of runs.parquet before the outcomes (README, "Reading runs.parquet")."""


def runs_columns(issues=ISSUES, months=REPORT_MONTHS) -> list[str]:
    """Every column of runs.parquet, in order: the contract, derived from the outcomes."""
    return [*CONFIG_COLUMNS, *columns(issues, months)]
