"""Build the negotiating population (delegations, stakeholders) from a scenario.

Everything numeric is held as arrays, one row per actor, so the dynamics can work on
all actors present at once. The member-state table is data (a CSV with its sources);
budgets, staff, expertise, blocs and positions are synthetic draws by group, from the
model's own generator.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config import INCOME_GROUPS, REGIONS, STAKEHOLDER_KINDS, ConfigError, ScenarioConfig

__all__ = [
    "Delegations",
    "Population",
    "Stakeholders",
    "build_population",
    "load_member_table",
    "select_members",
    "table_path",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
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


@dataclass
class Delegations:
    """Member-state delegations as parallel arrays (row i is one delegation)."""

    iso3: np.ndarray
    name: np.ndarray
    income: np.ndarray  # index into INCOME_GROUPS
    region: np.ndarray  # index into REGIONS
    ldc: np.ndarray
    bloc: np.ndarray  # index into Population.bloc_names
    budget_usd: np.ndarray
    staff: np.ndarray
    expertise: np.ndarray
    legislative: np.ndarray
    other_language: np.ndarray
    ideal: np.ndarray  # (n, issues)
    salience: np.ndarray  # (n, issues), rows sum to 1
    reservation: np.ndarray

    def __len__(self) -> int:
        return len(self.iso3)


@dataclass
class Stakeholders:
    """Accredited observer organisations as parallel arrays."""

    kind: np.ndarray  # index into STAKEHOLDER_KINDS
    ideal: np.ndarray
    salience: np.ndarray
    capacity: np.ndarray

    def __len__(self) -> int:
        return len(self.kind)


@dataclass
class Population:
    """Who negotiates: the issues, the blocs, the delegations and the stakeholders."""

    issues: tuple[str, ...]
    bloc_names: tuple[str, ...]
    delegations: Delegations
    stakeholders: Stakeholders


def load_member_table(table: str) -> pd.DataFrame:
    """Read and check a member-state table: a packaged name or a CSV path.

    Every value is checked (see `_parse`); a bad one raises `ConfigError` naming the
    file, line and column. Cached per file (path, size and modification time), so a
    sweep reads each table once per process; callers get their own copy.
    """
    return _load_member_table(*_table_source(table)).copy()


def table_path(table: str) -> Path:
    """The file a `scenario.delegations.table` value names (raising if there is none)."""
    return Path(_table_source(table)[1])


def _table_source(table: str) -> tuple[str, str, int, int]:
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
    stat = path.resolve().stat()
    return table, str(path.resolve()), stat.st_size, stat.st_mtime_ns


@lru_cache(maxsize=8)
def _load_member_table(table: str, file: str, _size: int, _mtime: int) -> pd.DataFrame:
    source = file if table.endswith(".csv") or "/" in table else f"sim/data/{table}.csv"
    return _parse(Path(file).read_bytes(), f"scenario.delegations.table: {source}")


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


def _parse(data: bytes, where: str) -> pd.DataFrame:
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
    frame = pd.DataFrame.from_records(
        records, columns=[*header, *(["ldc"] * ("ldc" not in header))]
    )
    return frame.astype({"ldc": bool})


def select_members(frame: pd.DataFrame, include: list[str]) -> pd.DataFrame:
    """The rows named in `include` (all rows when empty), in that order."""
    if not include:
        return frame.reset_index(drop=True)
    unknown = sorted(set(include) - set(frame["iso3"]))
    if unknown:
        raise ConfigError(
            f"scenario.delegations.include: unknown ISO3 code(s) {unknown} (not in the table)"
        )
    if len(set(include)) != len(include):
        raise ConfigError("scenario.delegations.include: an ISO3 code is listed twice")
    return frame.set_index("iso3").loc[list(include)].reset_index()


def _dirichlet_rows(rng: np.random.Generator, alpha: np.ndarray) -> np.ndarray:
    """One Dirichlet draw per row of `alpha`, vectorised through Gamma draws."""
    draws = rng.gamma(np.maximum(alpha, 1e-9))
    totals = draws.sum(axis=1, keepdims=True)
    return np.where(totals > 0, draws / np.where(totals > 0, totals, 1.0), 1.0 / alpha.shape[1])


def _beta_by_mean(rng: np.random.Generator, mean: np.ndarray, concentration: float):
    return rng.beta(mean * concentration, (1.0 - mean) * concentration)


def _issue_vector(mapping: dict[str, float], issues: tuple[str, ...]) -> np.ndarray:
    return np.array([float(mapping[i]) for i in issues])


def _normalised(weights: np.ndarray) -> np.ndarray:
    total = weights.sum()
    return weights / total if total > 0 else np.full_like(weights, 1.0 / len(weights))


@dataclass(frozen=True)
class _Members:
    """The selected rows of a member table as read-only arrays (shared by replications)."""

    iso3: np.ndarray
    name: np.ndarray
    income: np.ndarray
    region: np.ndarray
    ldc: np.ndarray


@lru_cache(maxsize=16)
def _members(source: tuple[str, str, int, int], include: tuple[str, ...]) -> _Members:
    frame = select_members(_load_member_table(*source), list(include))
    income = frame["income_group"].map({g: i for i, g in enumerate(INCOME_GROUPS)}).to_numpy()
    region = frame["un_region"].map({r: i for i, r in enumerate(REGIONS)}).to_numpy()
    arrays = _Members(
        iso3=frame["iso3"].to_numpy(dtype=object),
        name=frame["name"].to_numpy(dtype=object),
        income=income.astype(np.int64),
        region=region.astype(np.int64),
        ldc=frame["ldc"].to_numpy(dtype=bool),
    )
    for array in vars(arrays).values():
        array.setflags(write=False)
    return arrays


def build_population(scenario: ScenarioConfig, rng: np.random.Generator) -> Population:
    """Draw every delegation's and stakeholder's attributes for one replication."""
    issues = tuple(scenario.issues)
    spec = scenario.delegations
    members = _members(_table_source(spec.table), tuple(spec.include))
    n = len(members.iso3)
    income, region = members.income, members.region

    bloc_names = tuple(scenario.blocs)
    shares = np.array(
        [[scenario.blocs[b].share_by_region.get(r, 0.0) for b in bloc_names] for r in REGIONS]
    )
    cumulative = np.cumsum(shares / shares.sum(axis=1, keepdims=True), axis=1)[region]
    bloc = (rng.random(n)[:, None] > cumulative).sum(axis=1).clip(0, len(bloc_names) - 1)
    centres = np.stack([_issue_vector(scenario.blocs[b].centre, issues) for b in bloc_names])
    bloc_salience = np.stack(
        [_normalised(_issue_vector(scenario.blocs[b].salience, issues)) for b in bloc_names]
    )

    by_group = np.array  # readability: per-income-group lookups below
    budget_median = by_group([spec.budget_usd[g] for g in INCOME_GROUPS])[income]
    staff_mean = by_group([spec.staff_mean[g] for g in INCOME_GROUPS])[income]
    expertise_mean = by_group([spec.expertise_mean[g] for g in INCOME_GROUPS])[income]
    legislative = by_group([spec.legislative_capacity[g] for g in INCOME_GROUPS])[income]
    language_share = by_group([spec.other_language_share.get(r, 0.0) for r in REGIONS])[region]

    delegations = Delegations(
        iso3=members.iso3,
        name=members.name,
        income=income,
        region=region,
        ldc=members.ldc,
        bloc=bloc.astype(np.int64),
        budget_usd=budget_median * np.exp(spec.budget_sigma * rng.standard_normal(n)),
        staff=np.minimum(1 + rng.poisson(staff_mean - 1.0), spec.staff_max).astype(np.int64),
        expertise=_beta_by_mean(rng, expertise_mean, spec.expertise_concentration),
        legislative=legislative.astype(float),
        other_language=rng.random(n) < language_share,
        ideal=np.clip(centres[bloc] + spec.ideal_sd * rng.standard_normal((n, len(issues))), 0, 1),
        salience=_dirichlet_rows(rng, spec.salience_concentration * bloc_salience[bloc]),
        reservation=np.maximum(
            spec.reservation_mean + spec.reservation_sd * rng.standard_normal(n), 0.0
        ),
    )
    return Population(issues, bloc_names, delegations, _stakeholders(scenario, issues, rng))


def _stakeholders(scenario: ScenarioConfig, issues: tuple[str, ...], rng) -> Stakeholders:
    kinds, centres, saliences, capacities = [], [], [], []
    for kind_index, kind in enumerate(STAKEHOLDER_KINDS):
        spec = scenario.stakeholders.get(kind)
        if spec is None or spec.count == 0:
            continue
        kinds.append(np.full(spec.count, kind_index))
        centres.append(np.tile(_issue_vector(spec.centre, issues), (spec.count, 1)))
        saliences.append(
            np.tile(_normalised(_issue_vector(spec.salience, issues)), (spec.count, 1))
        )
        capacities.append(np.full(spec.count, spec.capacity_mean))
    if not kinds:
        empty = np.zeros((0, len(issues)))
        return Stakeholders(np.zeros(0, dtype=np.int64), empty, empty.copy(), np.zeros(0))
    centre = np.concatenate(centres)
    m = len(centre)
    sd = scenario.delegations.ideal_sd
    return Stakeholders(
        kind=np.concatenate(kinds).astype(np.int64),
        ideal=np.clip(centre + sd * rng.standard_normal(centre.shape), 0.0, 1.0),
        salience=_dirichlet_rows(
            rng, scenario.delegations.salience_concentration * np.concatenate(saliences)
        ),
        capacity=_beta_by_mean(rng, np.concatenate(capacities), 10.0).reshape(m),
    )
