"""The member-state table: a packaged CSV or a researcher's own, parsed strictly.

Every value is checked (codes, booleans, required values); a bad one raises
`ConfigError` naming the file, line and column. Kept apart from the model so that
validating a configuration reads the table without importing the model.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas only for the DataFrame form; a run reads the rows
    import pandas as pd

from sim.config.names import INCOME_GROUPS, REGIONS, ConfigError

__all__ = [
    "DATA_DIR",
    "REGION_CODES",
    "load_member_rows",
    "load_member_table",
    "read_member_rows",
    "read_member_table",
    "select_member_rows",
    "select_members",
    "table_path",
    "table_source",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
REQUIRED_COLUMNS = ("name", "iso3", "un_region", "income_group")
_COLS = "name, iso3, un_region, income_group (and optionally ldc)"
ISO3_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
BOOLEANS = {"1": True, "0": False, "true": True, "false": False, "yes": True, "no": False}
REGION_CODES = {
    "African": "AFR",
    "Asia-Pacific": "APG",
    "Eastern European": "EEG",
    "GRULAC": "GRULAC",
    "Latin American and Caribbean": "GRULAC",
    "WEOG": "WEOG",
    "Western European and Others": "WEOG",
    **{code: code for code in REGIONS},
}


def load_member_table(table: str) -> pd.DataFrame:
    """Read and check a member-state table: a packaged name or a CSV path.

    Every value is checked (see `_parse`); a bad one raises `ConfigError` naming the
    file, line and column. Cached per file (path, size and modification time), so a
    sweep reads each table once per process; callers get their own copy.
    """
    return read_member_table(*table_source(table)).copy()


def table_path(table: str) -> Path:
    """The file a `scenario.delegations.table` value names (raising if there is none)."""
    return Path(table_source(table)[1])


def table_source(table: str) -> tuple[str, str, int, int]:
    """(table, file, size, mtime): the cache key of a table, raising if it is missing."""
    if table.endswith(".csv") or "/" in table:
        path = Path(table)
        if not path.is_file():
            what = "is not a file" if path.exists() else "does not exist"
            raise ConfigError(f"scenario.delegations.table: file {table!r} {what}")
    else:
        path = DATA_DIR / f"{table}.csv"
        if not path.is_file():
            raise ConfigError(
                f"scenario.delegations.table = {table!r}: no packaged table of that name "
                "(expected 'un_member_states' or a path to a .csv file)"
            )
    resolved = path.resolve()
    stat = resolved.stat()
    return table, str(resolved), stat.st_size, stat.st_mtime_ns


def load_member_rows(table: str) -> tuple[dict[str, Any], ...]:
    """`load_member_table` as plain rows (dicts), without pandas: what a run needs."""
    return read_member_rows(*table_source(table))[1]


@lru_cache(maxsize=8)
def read_member_rows(
    table: str, file: str, _size: int, _mtime: int
) -> tuple[list[str], tuple[dict[str, Any], ...]]:
    """The columns and checked rows of one `table_source` (cached: shared, do not modify)."""
    source = file if table.endswith(".csv") or "/" in table else f"sim/data/{table}.csv"
    return _parse(Path(file).read_bytes(), f"scenario.delegations.table: {source}")


@lru_cache(maxsize=8)
def read_member_table(table: str, file: str, _size: int, _mtime: int) -> pd.DataFrame:
    """The parsed table of one `table_source` (cached: shared, do not modify)."""
    import pandas as pd  # here: validating and running need only the rows

    columns, records = read_member_rows(table, file, _size, _mtime)
    return pd.DataFrame.from_records(list(records), columns=columns).astype({"ldc": bool})


def _text(data: bytes, where: str) -> str:
    """The file as text: UTF-8 (a byte-order mark is allowed), not empty, not binary."""
    if not data.strip():
        raise ConfigError(f"{where}: the file is empty; expected a CSV with a header line {_COLS}")
    if b"\x00" in data:
        raise ConfigError(f"{where}: not a text file (it holds NUL bytes); expected a UTF-8 CSV")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ConfigError(
            f"{where}, line {line}: byte 0x{data[err.start]:02x} is not UTF-8; "
            "save the file as UTF-8 (e.g. CSV UTF-8 in a spreadsheet)"
        ) from None


def _rows(text: str, where: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each non-blank row, the header first."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise ConfigError(f"{where}, line {reader.line_num}: not valid CSV ({err})") from None
        if any(field.strip() for field in row):
            yield reader.line_num, [field.strip() for field in row]


def _check(where: str, line: int, column: str, value: str, allowed: Collection[str]) -> str:
    if value == "":
        raise ConfigError(
            f"{where}, line {line}, column {column}: empty; expected {_one_of(allowed)}"
        )
    if value not in allowed:
        raise ConfigError(
            f"{where}, line {line}, column {column}: {value!r} is not allowed; "
            f"expected {_one_of(allowed)}"
        )
    return value


def _one_of(allowed: Collection[str]) -> str:
    return "one of " + ", ".join(allowed) if len(allowed) < 20 else "an allowed value"


def _parse(data: bytes, where: str) -> tuple[list[str], tuple[dict[str, Any], ...]]:
    """Parse a member table strictly: every row, every required column, every value.

    Columns: `name` (not empty), `iso3` (a code of letters, digits, `_` or `-`,
    starting with a letter, unique), `un_region` (a UN regional group, by name or
    code), `income_group` (HIC, UMIC, LMIC or LIC) and optionally `ldc` (1/0,
    true/false or yes/no, any case). Other columns are kept as text.
    """
    rows = _rows(_text(data, where), where)
    _, header = next(rows, (1, []))
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise ConfigError(f"{where}, line 1: column(s) {repeated} appear twice in the header")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ConfigError(f"{where}: missing column(s) {missing} in the header; required: {_COLS}")
    records, first_line = [], {}
    for line, fields in rows:
        if len(fields) != len(header):
            raise ConfigError(
                f"{where}, line {line}: {len(fields)} fields, but the header has {len(header)}"
            )
        record = dict(zip(header, fields, strict=True))
        if not record["name"]:
            raise ConfigError(
                f"{where}, line {line}, column name: empty; expected the state's name"
            )
        code = record["iso3"]
        if not ISO3_PATTERN.fullmatch(code):
            raise ConfigError(
                f"{where}, line {line}, column iso3: {code!r} is not allowed; expected a code "
                "of letters, digits, _ or -, starting with a letter (e.g. FRA)"
            )
        if code in first_line:
            raise ConfigError(
                f"{where}, line {line}, column iso3: {code!r} is also on line {first_line[code]}"
            )
        first_line[code] = line
        region = _check(where, line, "un_region", record["un_region"], REGION_CODES)
        record["un_region"] = REGION_CODES[region]
        _check(where, line, "income_group", record["income_group"], INCOME_GROUPS)
        flag = record.get("ldc", "0").lower()
        record["ldc"] = BOOLEANS[_check(where, line, "ldc", flag, BOOLEANS)]
        records.append(record)
    if not records:
        raise ConfigError(f"{where}: the table has no rows (only a header)")
    return [*header, *(["ldc"] * ("ldc" not in header))], tuple(records)


def select_members(frame: pd.DataFrame, include: list[str]) -> pd.DataFrame:
    """The rows named in `include` (all rows when empty), in that order."""
    if not include:
        return frame.reset_index(drop=True)
    _check_include(set(frame["iso3"]), include)
    return frame.set_index("iso3").loc[list(include)].reset_index()


def select_member_rows(
    rows: tuple[dict[str, Any], ...], include: list[str]
) -> list[dict[str, Any]]:
    """`select_members` on plain rows: those named in `include` (all when empty), in order."""
    if not include:
        return list(rows)
    by_code = {row["iso3"]: row for row in rows}
    _check_include(set(by_code), include)
    return [by_code[code] for code in include]


def _check_include(codes: set[str], include: list[str]) -> None:
    unknown = sorted(set(include) - codes)
    if unknown:
        raise ConfigError(
            f"scenario.delegations.include: unknown ISO3 code(s) {unknown} (not in the table)"
        )
    if len(set(include)) != len(include):
        raise ConfigError("scenario.delegations.include: an ISO3 code is listed twice")
