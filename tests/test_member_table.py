"""Custom delegation tables: every column parsed strictly, one error line naming file, line, column.

Issue 11, class 6: an `ldc` column of yes/no made every state an LDC; an empty iso3
was accepted; empty, Latin-1 and binary files, and NaN beside an unknown income
group, raised raw tracebacks.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim.config import ConfigError
from sim.config.members import load_member_table

HEADER = "name,iso3,un_region,income_group,ldc\n"
GOOD_ROWS = [
    "France,FRA,WEOG,HIC,0",
    "Chad,TCD,African,LIC,1",
    "Nepal,NPL,Asia-Pacific,LIC,1",
    "Peru,PER,GRULAC,UMIC,0",
]


def write(tmp_path: Path, text: str | bytes, name: str = "members.csv") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def table(rows: list[str], header: str = HEADER) -> str:
    return header + "\n".join(rows) + "\n"


@pytest.mark.parametrize(
    ("column", "values", "expected"),
    [
        ("ldc", ["yes", "no", "Yes", "NO"], [True, False, True, False]),
        ("ldc", ["true", "false", "TRUE", "False"], [True, False, True, False]),
        ("ldc", ["1", "0", "1", "0"], [True, False, True, False]),
    ],
)
def test_booleans_are_read_as_written(tmp_path: Path, column, values, expected) -> None:
    rows = [r.rsplit(",", 1)[0] + f",{v}" for r, v in zip(GOOD_ROWS, values, strict=True)]
    frame = load_member_table(write(tmp_path, table(rows)))
    assert frame[column].tolist() == expected
    assert frame[column].dtype == bool


def test_yes_no_ldc_funds_the_same_states_as_one_zero(tmp_path: Path, compose) -> None:
    """The issue's case: an ldc column of yes/no means what 1/0 means (not "all LDCs")."""
    from sim.run.replications import run_replications

    codes = ["USA", "DEU", "POL", "CHN", "BRA", "ZAF", "IND", "EGY", "PHL", "ETH", "MOZ", "AFG"]
    packaged = load_member_table("un_member_states").set_index("iso3").loc[codes]
    assert packaged["ldc"].sum() == 3  # ETH, MOZ, AFG

    def rows(yes: str, no: str) -> list[str]:
        return [
            f"{r['name']},{iso},{r['un_region']},{r['income_group']},{yes if r['ldc'] else no}"
            for iso, r in packaged.iterrows()
        ]

    path = tmp_path / "members.csv"  # one path: one configuration hash, the same seeds
    overrides = ["scenario=small", "funding=trust_fund", "funding.trust_fund_eligible=[LDC]"]
    overrides += ["replications=2", f"scenario.delegations.table={path}"]
    runs = {}
    for yes, no in (("yes", "no"), ("1", "0")):
        path.write_text(table(rows(yes, no)), encoding="utf-8")
        assert load_member_table(str(path))["ldc"].sum() == 3
        runs[yes] = run_replications(compose(*overrides)).runs
    assert runs["yes"]["trust_fund_spent_usd"].gt(0).all()
    pd.testing.assert_frame_equal(runs["yes"], runs["1"])


BAD = {
    "empty file": (b"", r"members.csv: the file is empty"),
    "whitespace only": (b"\n  \n", r"members.csv: the file is empty"),
    "binary": (b"PAR1\x00\x01\x02\xff", r"not a text file \(it holds NUL bytes\)"),
    "latin-1": (
        table(["C\xf4te d'Ivoire,CIV,African,LMIC,0"]).encode("latin-1"),
        r"members.csv, line 2: byte 0xf4 is not UTF-8",
    ),
    "header only": (HEADER.encode(), r"the table has no rows"),
    "missing column": (
        b"name,iso3,un_region\nFrance,FRA,WEOG\n",
        r"missing column\(s\) \['income_group'\]",
    ),
    "duplicate column": (
        b"name,iso3,iso3,un_region,income_group\nFrance,FRA,FRA,WEOG,HIC\n",
        r"line 1: column\(s\) \['iso3'\] appear twice",
    ),
    "empty iso3": (
        table([*GOOD_ROWS[:2], "Nowhere,,WEOG,HIC,0"]).encode(),
        r"line 4, column iso3: '' is not allowed",
    ),
    "iso3 with space": (
        table(["France,FR A,WEOG,HIC,0"]).encode(),
        r"line 2, column iso3: 'FR A' is not allowed",
    ),
    "duplicate iso3": (
        table([*GOOD_ROWS, "France again,FRA,WEOG,HIC,0"]).encode(),
        r"line 6, column iso3: 'FRA' is also on line 2",
    ),
    "empty name": (table([",FRA,WEOG,HIC,0"]).encode(), r"line 2, column name: empty"),
    "unknown region": (
        table(["France,FRA,Europe,HIC,0"]).encode(),
        r"line 2, column un_region: 'Europe' is not allowed; expected one of",
    ),
    "empty income beside an unknown one": (
        table(["France,FRA,WEOG,,0", "Chad,TCD,African,POOR,1"]).encode(),
        r"line 2, column income_group: empty; expected one of HIC, UMIC, LMIC, LIC",
    ),
    "unknown income": (
        table(["Chad,TCD,African,POOR,1"]).encode(),
        r"line 2, column income_group: 'POOR' is not allowed",
    ),
    "bad boolean": (
        table(["Chad,TCD,African,LIC,maybe"]).encode(),
        r"line 2, column ldc: 'maybe' is not allowed; expected one of 1, 0, true",
    ),
    "empty boolean": (table(["Chad,TCD,African,LIC,"]).encode(), r"line 2, column ldc: empty"),
    "ragged row": (
        table(["Chad,TCD,African,LIC,1,extra"]).encode(),
        r"line 2: 6 fields, but the header has 5",
    ),
    "unclosed quote": (
        table(['"Chad,TCD,African,LIC,1']).encode(),
        r"members.csv, line \d+: not valid CSV",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_table_is_one_error_naming_file_line_and_column(tmp_path: Path, case: str) -> None:
    data, expected = BAD[case]
    path = write(tmp_path, data)
    with pytest.raises(ConfigError, match=expected) as info:
        load_member_table(path)
    message = str(info.value)
    assert message.startswith(f"scenario.delegations.table: {path}")
    assert "\n" not in message


def test_tolerated_forms_parse(tmp_path: Path) -> None:
    """A byte-order mark, CRLF line ends, blank lines, spaces and extra columns are fine."""
    text = "\ufeff" + table([" France , FRA ,WEOG, HIC ,0", "", "Chad,TCD,AFR,LIC,1"])
    text = text.replace("\n", "\r\n").replace(HEADER.strip(), HEADER.strip() + ",source")
    text = text.replace(",0\r\n", ",0,WB\r\n").replace(",1\r\n", ",1,WB\r\n")
    frame = load_member_table(write(tmp_path, text.encode("utf-8")))
    assert frame["iso3"].tolist() == ["FRA", "TCD"]
    assert frame["name"].tolist() == ["France", "Chad"]
    assert frame["un_region"].tolist() == ["WEOG", "AFR"]
    assert frame["ldc"].tolist() == [False, True]
    assert frame["source"].tolist() == ["WB", "WB"]


def test_table_without_ldc_column_has_no_ldc(tmp_path: Path) -> None:
    header = "name,iso3,un_region,income_group\n"
    frame = load_member_table(write(tmp_path, table([r[:-2] for r in GOOD_ROWS], header)))
    assert frame["ldc"].tolist() == [False] * 4


def test_packaged_table_parses_to_its_193_states() -> None:
    frame = load_member_table("un_member_states")
    assert len(frame) == 193 and frame["iso3"].is_unique
    assert frame["ldc"].sum() == 44
    assert set(frame["un_region"]) == {"AFR", "APG", "EEG", "GRULAC", "WEOG"}


def test_command_line_reports_a_bad_table_in_one_line(tmp_path: Path, run_cli) -> None:
    path = write(tmp_path, table(["Chad,TCD,African,LIC,maybe"]))
    done = run_cli(tmp_path, "scenario=small", f"scenario.delegations.table={path}")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"sim: error: scenario.delegations.table: {path}, line 2, column ldc: 'maybe' is not "
        "allowed; expected one of 1, 0, true, false, yes, no"
    ]
    assert not (tmp_path / "results").exists()  # nothing was written
