"""Bad input never gets through: it fails fast, with one message naming the key or file.

Three ways in:
- the library (a `SimConfig` changed in Python, as a sweep or notebook would):
  `to_sim_config` must raise `ConfigError` naming the dotted key;
- command-line overrides, composed exactly as `python -m sim` composes them;
- the command line itself, run in a child process: a non-zero exit, one clear message,
  no traceback, and nothing half-done in the run folder (no tables, no manifest).

Delegation tables (a CSV passed as `scenario.delegations.table`) with missing
columns, duplicate ISO3 codes, unknown groups or no rows must be refused naming the file.
"""

from __future__ import annotations

import dataclasses
import math
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.config import ConfigError, to_sim_config
from tests.shared import PYTHON, ROOT

RESULT_FILES = ("runs.parquet", "meetings.parquet", "delegations.parquet", "manifest.json")


def _set(obj: Any, path: str, value: Any) -> Any:
    """A copy of `obj` (dataclasses and dicts) with the dotted `path` set to `value`."""
    head, _, rest = path.partition(".")
    if isinstance(obj, dict):
        return {**obj, head: _set(obj[head], rest, value) if rest else value}
    child = getattr(obj, head)
    return dataclasses.replace(obj, **{head: _set(child, rest, value) if rest else value})


# (dotted key, smallest allowed, largest allowed) for numeric keys validate() checks
NUMERIC_KEYS = [
    ("seed", 0, 2**63 - 1),
    ("replications", 1, 1_000_000),
    ("cost.meeting_usd", 0.0, 1e12),
    ("cost.delegate_day_usd", 0.0, 1e9),
    ("cost.process_budget_usd", 0.0, 1e15),
    ("cost.consultation_day_usd", 0.0, 1e9),
    ("scenario.calendar.meetings", 1, 1000),
    ("scenario.calendar.days", 1, 365),
    ("scenario.calendar.consultations", 0, 1000),
    ("scenario.calendar.consultation_days", 0, 365),
    ("scenario.delegations.budget_usd.LIC", 0.0, 1e12),
    ("scenario.delegations.budget_sigma", 0.0, 5.0),
    ("scenario.delegations.staff_mean.HIC", 1.0, 1000.0),
    ("scenario.delegations.staff_max", 1, 1000),
    ("scenario.delegations.expertise_mean.UMIC", 0.01, 0.99),
    ("scenario.delegations.ideal_sd", 0.0, 1.0),
    ("scenario.delegations.other_language_share.AFR", 0.0, 1.0),
    ("scenario.blocs.sovereignty.centre.scope", 0.0, 1.0),
    ("scenario.stakeholders.civil_society.count", 0, 100_000),
    ("scenario.stakeholders.industry.capacity_mean", 0.01, 0.99),
    ("process.disagreement_threshold", 0.0, 1.0),
    ("process.max_parallel_rooms", 1, 100),
    ("process.door_pressure_gain", 0.0, 1.0),
    ("process.compression.text_days", 0.0, 1e6),
    ("process.compression.night_share", 0.0, 1.0),
    ("decision.accommodation_rate", 0.0, 1.0),
    ("decision.consensus_value", 0.0, 1.0),
    ("behaviour.attendance_progress_gain", 0.0, 1.0),
    ("process.step_informal", 0.0, 1.0),
    ("process.friends.size", 1, 100_000),
    ("funding.trust_fund_usd", 0.0, 1e12),
    ("funding.cost_sharing_share", 0.0, 1.0),
    ("funding.remote_effectiveness", 0.0, 1.0),
    ("decision.vote_threshold", 0.5, 1.0),
    ("decision.max_extensions", 0, 100),
    ("behaviour.confidence", 0.0, 1.0),
    ("behaviour.persuasion_rate", 0.0, 1.0),
    ("behaviour.stakeholder_weight", 0.0, 100.0),
    ("ratification.threshold", 1, 10_000),
    ("ratification.horizon_years", 5.0, 1000.0),
]


@st.composite
def bad_value(draw, lo, hi):
    kind = draw(
        st.sampled_from(["below", "above", "huge", "nan", "inf", "-inf", "text", "none", "bool"])
    )
    if kind == "below":
        return lo - draw(st.sampled_from([1, 0.5, 1e-6 * max(abs(lo), 1) + 1e-9, 1e6]))
    if kind == "above":
        return hi + draw(st.sampled_from([1, hi, 1e6]))
    return {
        "huge": 1e300 if hi < 1e300 else -1e300,
        "nan": math.nan,
        "inf": math.inf,
        "-inf": -math.inf,
        "text": "abc",
        "none": None,
        "bool": True,
    }[kind]


@given(data=st.data())
def test_a_bad_numeric_value_is_refused_naming_its_key(small_default, data):
    key, lo, hi = data.draw(st.sampled_from(NUMERIC_KEYS))
    value = data.draw(bad_value(lo, hi))
    cfg = _set(small_default, key, value)
    with pytest.raises(ConfigError) as err:
        to_sim_config(cfg)
    message = str(err.value)
    assert key in message, message
    assert "\n" not in message  # one message, one line


@pytest.mark.parametrize(
    "key",
    [
        "seed",
        "replications",
        "scenario.calendar.meetings",
        "scenario.calendar.days",
        "process.max_parallel_rooms",
        "scenario.stakeholders.civil_society.count",
        "ratification.threshold",
    ],
)
def test_a_non_integer_for_an_integer_key_is_refused_in_python(small_default, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        to_sim_config(_set(small_default, key, 2.5))


CHOICES = [
    ("decision.rule", "majority"),
    ("process.friends.selection", "random"),
    ("funding.cost_sharing_mode", "per_capita"),
    ("funding.trust_fund_eligible", ["LIC", "XIC"]),
    ("scenario.issues", []),
    ("scenario.issues", ["scope", "scope", "safeguards", "assistance"]),
    ("scenario.issues", ["scope", "data access", "safeguards", "assistance"]),
    ("scenario.blocs", {}),
    ("scenario.delegations.budget_usd", {"HIC": 1.0, "UMIC": 1.0, "LMIC": 1.0}),
    ("scenario.delegations.other_language_share", {"MARS": 0.5}),
]


@pytest.mark.parametrize(("key", "value"), CHOICES, ids=[f"{k}={v}" for k, v in CHOICES])
def test_an_unknown_option_or_empty_scenario_part_is_refused_in_python(small_default, key, value):
    with pytest.raises(ConfigError) as err:
        to_sim_config(_set(small_default, key, value))
    assert key.split(".")[-1] in str(err.value) or key in str(err.value), str(err.value)


# ----------------------------------------------------------------- command-line overrides

OVERRIDES = [
    ("cost.meeting_usd=nan", "cost.meeting_usd"),
    ("cost.meeting_usd=-inf", "cost.meeting_usd"),
    ("cost.delegate_day_usd=1e300", "cost.delegate_day_usd"),
    ("scenario.calendar.meetings=-3", "scenario.calendar.meetings"),
    ("scenario.calendar.meetings=2.5", "scenario.calendar.meetings"),
    ("scenario.calendar.days=ten", "scenario.calendar.days"),
    ("scenario.calendar.days=true", "scenario.calendar.days"),
    ("replications=0", "replications"),
    ("seed=-1", "seed"),
    ("behaviour.confidence=1.5", "behaviour.confidence"),
    ("process.informal_rooms=maybe", "process.informal_rooms"),
    ("process=closed_doors", "process"),
    ("funding=marshall_plan", "funding"),
    ("decision=unanimity", "decision"),
    ("scenario=atlantis", "scenario"),
    ("decision.rule=majority", "decision.rule"),
    ("funding.trust_fund_eligible=[LIC,XIC]", "funding.trust_fund_eligible"),
    ("scenario.issues=[]", "scenario.issues"),
    ("scenario.stakeholders.lobbyists.count=3", "scenario.stakeholders.lobbyists"),
    ("cost.meeting_price=5", "cost.meeting_price"),
]


@pytest.mark.parametrize(("override", "key"), OVERRIDES, ids=[o for o, _ in OVERRIDES])
def test_a_bad_override_is_refused_naming_its_key(override, key):
    from hydra.errors import HydraException

    from sim.api import compose_config

    with pytest.raises((ConfigError, HydraException)) as err:
        compose_config(["scenario=small", override])
    assert key in str(err.value) or key.split(".")[-1] in str(err.value), str(err.value)


# ----------------------------------------------------------------- delegation tables


def _table(path: Path, frame: pd.DataFrame) -> str:
    frame.to_csv(path, index=False)
    return str(path)


GOOD_ROWS = pd.DataFrame(
    {
        "name": ["Alpha", "Beta", "Gamma", "Delta"],
        "iso3": ["AAA", "BBB", "CCC", "DDD"],
        "un_region": ["African", "WEOG", "GRULAC", "Asia-Pacific"],
        "income_group": ["LIC", "HIC", "UMIC", "LMIC"],
    }
)

BAD_TABLES = {
    "missing-column": (GOOD_ROWS.drop(columns=["income_group"]), "income_group"),
    "duplicate-iso3": (GOOD_ROWS.assign(iso3=["AAA", "BBB", "AAA", "DDD"]), "AAA"),
    "unknown-income-group": (
        GOOD_ROWS.assign(income_group=["LIC", "HIC", "RICH", "LMIC"]),
        "RICH",
    ),
    "unknown-region": (GOOD_ROWS.assign(un_region=["African", "WEOG", "Mars", "WEOG"]), "Mars"),
    "no-rows": (GOOD_ROWS.iloc[:0], "no rows"),
}


def _run_one(cfg):
    from sim.model import NegotiationModel

    return NegotiationModel(cfg).run().row


def test_a_good_custom_table_runs(tmp_path, small_base):
    path = _table(tmp_path / "members.csv", GOOD_ROWS)
    row = _run_one(
        small_base(f"scenario.delegations.table={path}", "scenario.delegations.include=[]")
    )
    assert row["meetings_held"] >= 1


@pytest.mark.parametrize("case", list(BAD_TABLES))
def test_a_bad_delegations_table_is_refused_naming_the_file(tmp_path, small_base, case):
    frame, detail = BAD_TABLES[case]
    path = _table(tmp_path / f"{case}.csv", frame)
    with pytest.raises(ConfigError) as err:  # at validation, before any model is built
        small_base(f"scenario.delegations.table={path}", "scenario.delegations.include=[]")
    assert path in str(err.value) and detail in str(err.value), str(err.value)


@pytest.mark.parametrize(
    ("override", "detail"),
    [
        ("scenario.delegations.table=/nonexistent/members.csv", "/nonexistent/members.csv"),
        ("scenario.delegations.table=no_such_table", "no_such_table"),
        ("scenario.delegations.include=[USA,ZZZ]", "ZZZ"),
        ("scenario.delegations.include=[USA,USA]", "scenario.delegations.include"),
    ],
)
def test_a_missing_table_or_unknown_member_is_refused(small_base, override, detail):
    with pytest.raises(ConfigError) as err:
        _run_one(small_base(override))
    assert detail in str(err.value), str(err.value)


# ----------------------------------------------------------------- the command line


@dataclass
class CliResult:
    returncode: int
    output: str
    out_dir: Path


# Four paths to a refusal: a value validate() rejects, an unknown group option (Hydra),
# and the two table defects found while building the population. The other bad values
# take the first path and are checked in-process above.
CLI_CASES = {
    "nan": (["cost.meeting_usd=nan"], "cost.meeting_usd"),
    "unknown-option": (["funding=marshall_plan"], "marshall_plan"),
    "missing-column": (None, "income_group"),
    "duplicate-iso3": (None, "AAA"),
}


@pytest.fixture(scope="module")
def cli(tmp_path_factory) -> dict[str, CliResult]:
    """Every bad command line, started together (each costs seconds of imports)."""
    base = tmp_path_factory.mktemp("bad_cli")
    started = {}
    for case, (overrides, _) in CLI_CASES.items():
        if overrides is None:
            frame, _ = BAD_TABLES[case]
            table = _table(base / f"{case}.csv", frame)
            overrides = [f"scenario.delegations.table={table}", "scenario.delegations.include=[]"]
        out_dir = base / case / "run"
        command = [
            str(PYTHON),
            "-m",
            "sim",
            "scenario=small",
            "progress=false",
            *overrides,
            f"hydra.run.dir={out_dir}",
        ]
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        started[case] = (process, out_dir)
    results = {}
    for case, (process, out_dir) in started.items():
        output, _ = process.communicate(timeout=300)
        results[case] = CliResult(process.returncode, output, out_dir)
    return results


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CLI_CASES))
def test_the_cli_refuses_bad_input_with_one_clear_message(cli, case):
    result = cli[case]
    _, detail = CLI_CASES[case]
    assert result.returncode != 0, result.output
    assert detail in result.output, result.output
    assert "Traceback" not in result.output, result.output
    errors = [line for line in result.output.splitlines() if "error" in line.lower()]
    assert 1 <= len(errors) <= 2, result.output  # the message (and Hydra's one-line header)


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_the_cli_writes_no_results_for_bad_input(cli, case):
    out_dir = cli[case].out_dir
    written = [p.name for p in out_dir.rglob("*") if p.name in RESULT_FILES]
    assert not written, written
    assert not list(out_dir.rglob("*.parquet"))


@pytest.mark.parametrize("case", ["missing-column", "duplicate-iso3"])
def test_the_cli_leaves_no_config_behind_for_a_bad_table(cli, case):
    assert not (cli[case].out_dir / "config.yaml").exists()


@pytest.mark.parametrize("case", ["nan", "unknown-option"])
def test_the_cli_leaves_no_config_behind_for_a_bad_value(cli, case):
    assert not (cli[case].out_dir / "config.yaml").exists()
