"""The declared outcomes are the one list: the metrics row, README, labels, contract.

`sim.model.outcomes.OUTCOMES` names every outcome column once; these tests fail when
the model writes a column it does not declare (or in another order), when the README's
table drifts from it, or when a label or direction is not the declared one.
"""

from __future__ import annotations

import importlib.util

import pytest

from sim.analysis.designs import lower_is_better, metric_label
from sim.config import names
from sim.model.outcomes import OUTCOMES, columns, describe, markdown_table
from sim.run.replications import run_replications
from tests.shared import (
    INCOME_GROUPS,
    ISSUES,
    REGIONS,
    ROOT,
    STAKEHOLDER_KINDS,
    runs_columns,
)


@pytest.fixture(scope="module")
def runs(small):
    return run_replications(small("replications=2")).runs


def test_the_runs_table_is_the_configuration_then_the_declared_outcomes(runs) -> None:
    assert list(runs.columns) == runs_columns()


def test_other_issues_and_report_months_name_their_own_columns(small) -> None:
    cfg = small("ratification.report_months=[6,30]")
    got = run_replications(cfg).runs.columns
    assert list(got) == runs_columns(ISSUES, (6, 30))
    assert "parties_after_6_months" in got and "parties_after_22_months" not in got


def test_every_column_is_described_by_the_outcome_that_made_it() -> None:
    """An issue name is free text (`text_{I}` would match `text_distance_gap`): the
    declared order settles it, and this pins that it does."""
    every = columns(ISSUES, (22,))
    assert len(every) == len(set(every))
    for outcome in OUTCOMES:
        made = [c for c in every if c == outcome.name or _expands(outcome.name, c)]
        assert made, outcome.name
        for column in made:
            assert describe(column)[0] is outcome, (column, outcome.name)
    assert describe("not_an_outcome") is None


_MEMBERS = {
    "G": INCOME_GROUPS,
    "R": REGIONS,
    "K": STAKEHOLDER_KINDS,
    "I": ISSUES,
    "M": ("22",),
}


def _expands(name: str, column: str) -> bool:
    """Whether `column` is `name` with its placeholder replaced by one of its members."""
    if "{" not in name:
        return False
    prefix, rest = name.split("{", 1)
    holder, suffix = rest.split("}", 1)
    return any(column == f"{prefix}{m}{suffix}" for m in _MEMBERS[holder])


def test_each_outcome_is_fully_declared() -> None:
    assert len({o.name for o in OUTCOMES}) == len(OUTCOMES)
    for outcome in OUTCOMES:
        assert outcome.label and outcome.unit and outcome.meaning, outcome.name
        assert outcome.kind in {"real", "count", "bool", "text"}, outcome.name
        if "{" in outcome.name:  # a family's label says which member it is
            assert "{g}" in outcome.label, outcome.name


def test_labels_and_directions_are_the_declared_ones() -> None:
    assert metric_label("attendance_rate_LIC") == "Attendance rate, low-income states"
    assert metric_label("attendance_rate_LIC", short=True) == "Attendance rate, LIC"
    assert metric_label("text_safeguards") == "Final text on safeguards"
    for column in columns(ISSUES, (22,)):
        outcome, _ = describe(column)
        assert lower_is_better(column) is (outcome.higher_is_better is False), column
    assert lower_is_better("text_distance_gap") and not lower_is_better("adopted")
    assert not lower_is_better("rush_cost_of_something_else")


def test_the_readme_table_is_the_declared_one() -> None:
    spec = importlib.util.spec_from_file_location(
        "outcomes_table", ROOT / "scripts/outcomes_table.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert script.with_table(readme) == readme, "run `python scripts/outcomes_table.py`"
    assert markdown_table() in readme


def test_the_shared_test_vocabularies_are_the_models() -> None:
    assert INCOME_GROUPS == names.INCOME_GROUPS
    assert REGIONS == names.REGIONS
    assert STAKEHOLDER_KINDS == names.STAKEHOLDER_KINDS
