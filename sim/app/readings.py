"""A finished run's outcome and key metrics, each with a one-line reading in plain words.

The app shows these at the end of a run (and, side by side, what the second design
changed). The numbers are the run's own row (`RunRecord.row`, the columns of
runs.parquet); the sentences say what each number means, so a reader who has not
seen the column list can still read the table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sim.analysis.designs import GROUP_NAMES
from sim.config import INCOME_GROUPS

__all__ = ["METRICS", "Difference", "Metric", "Reading", "differences", "outcome", "readings"]

Row = Mapping[str, object]
DAYS_PER_YEAR = 365.25


def _num(row: Row, column: str) -> float:
    """A row's value as a float (NaN when missing or not a number)."""
    value = row.get(column)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return number


def _int(row: Row, column: str) -> int:
    """A count from the row (0 when missing)."""
    number = _num(row, column)
    return int(number) if math.isfinite(number) else 0


def _known(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


def _pct(x: float) -> str:
    return f"{x:.0%}" if math.isfinite(x) else "n/a"


def _usd(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    return f"${x / 1e6:.1f}M" if abs(x) >= 1e5 else f"${x:,.0f}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# ----------------------------------------------------------------------------- outcome


def outcome(row: Row) -> str:
    """One sentence: whether, how and when the text was adopted."""
    meetings, extensions = _int(row, "meetings_held"), _int(row, "extensions_used")
    objectors = _int(row, "objectors_at_decision")
    held = _plural(meetings, "meeting")
    if extensions:
        held += f" ({_plural(extensions, 'extension')})"
    how = row.get("adopted_by")
    when = (
        f"at meeting {_int(row, 'adoption_meeting')}, "
        f"{_num(row, 'adoption_day'):.0f} days after the first meeting opened"
    )
    if how == "consensus":
        absent = _num(row, "absent_at_decision")
        tail = ""
        if _known(absent) and absent == 0:
            tail = "; every delegation was present"
        elif _known(absent):
            verb = "was" if absent == 1 else "were"
            tail = f"; {_plural(int(absent), 'delegation')} {verb} absent"
        return f"Adopted by consensus {when}{tail}."
    if how == "vote":
        return (
            f"Adopted by a vote {when}, over {objectors} present delegations that still objected."
        )
    still = (
        f"; {objectors} present delegations still objected"
        if "objectors_at_decision" in row
        else ""
    )
    return f"Not adopted: the process ended after {held}{still}."


# ----------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class Metric:
    """A key metric: its label, the row column it shows, how to format it, how to read it."""

    label: str
    column: str
    kind: str  # share | usd | number | days | count
    read: Callable[[Row], str]

    def value(self, row: Row) -> float:
        return _num(row, self.column)

    def text(self, row: Row) -> str:
        return format_value(self.kind, self.value(row))


@dataclass(frozen=True)
class Reading:
    """One metric of one run: label, value as text, and what it means."""

    label: str
    value: str
    reading: str


@dataclass(frozen=True)
class Difference:
    """One metric in two designs: both values and the change from the first to the second."""

    label: str
    a: str
    b: str
    change: str


def format_value(kind: str, value: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    if kind == "share":
        return _pct(value)
    if kind == "usd":
        return _usd(value)
    if kind == "days":
        return f"{value / DAYS_PER_YEAR:.1f} years"
    if kind == "count":
        return f"{value:.0f}"
    return f"{value:.2f}"


def _read_cost(row: Row) -> str:
    meetings = _int(row, "meetings_held")
    extensions = _int(row, "extensions_used")
    extra = f", {_plural(extensions, 'extension')} among them" if extensions else ""
    return (
        f"{_plural(meetings, 'meeting')}{extra} cost {_usd(_num(row, 'process_cost_usd'))}; "
        f"delegations spent {_usd(_num(row, 'delegation_cost_usd'))} of their own to attend."
    )


def _read_attendance(row: Row) -> str:
    lic, hic = _num(row, "attendance_rate_LIC"), _num(row, "attendance_rate_HIC")
    if not _known(lic, hic):
        return "No meeting was held."
    return (
        f"Low-income delegations had someone at {_pct(lic)} of meeting days; "
        f"high-income ones at {_pct(hic)}."
    )


def _read_coverage(row: Row) -> str:
    lic, hic = _num(row, "informal_coverage_LIC"), _num(row, "informal_coverage_HIC")
    if not _known(lic, hic):
        return "No informal room sat: everything was negotiated in the open plenary."
    return (
        f"Low-income delegations had someone in {_pct(lic)} of the closed room-days "
        f"(informal and friends of the chair); high-income ones in {_pct(hic)}."
    )


def _read_representation(row: Row) -> str:
    rep, proxied = _num(row, "representation_LIC"), _num(row, "proxied_voice_share_LIC")
    if not _known(rep):
        return "No influence was exercised."
    fair = "more than" if rep > 1.05 else "less than" if rep < 0.95 else "about"
    carried = (
        f"; bloc coordinators carried another {_pct(proxied)} of the voice for absent members"
        if _known(proxied) and proxied > 0.005
        else ""
    )
    return (
        f"Low-income states' own voice was {rep:.2f} times their share of the delegations "
        f"({fair} a fair share, 1 = fair){carried}."
    )


def _read_gini(row: Row) -> str:
    gini = _num(row, "influence_gini")
    how = "highly unequal" if gini > 0.6 else "unequal" if gini > 0.3 else "fairly even"
    return f"Influence on the text was {how} across delegations (0 = equal, 1 = one holds all)."


def _read_closed(row: Row) -> str:
    share = _num(row, "closed_door_share")
    if not _known(share):
        return "The text did not move."
    return (
        f"{_pct(share)} of the text's movement was made outside the public plenary, "
        "in informal and friends-of-the-chair rooms."
    )


def _read_stakeholders(row: Row) -> str:
    share = _num(row, "stakeholder_influence_share")
    before = _num(row, "stakeholder_share_before_informal")
    after = _num(row, "stakeholder_share_after_informal")
    phases = (
        f" ({_pct(before)} a meeting before informal rooms opened, {_pct(after)} after)"
        if _known(before, after)
        else ""
    )
    return (
        f"Civil society, industry, UN agencies and academia made {_pct(share)} of all "
        f"influence on the text{phases}."
    )


def _read_gap(row: Row) -> str:
    distances = {g: _num(row, f"text_distance_{g}") for g in INCOME_GROUPS}
    known = {g: d for g, d in distances.items() if _known(d)}
    if len(known) < 2:
        return "Fewer than two income groups negotiated."
    worst, best = max(known, key=known.get), min(known, key=known.get)
    return (
        f"The final text ended furthest from {GROUP_NAMES[worst]}' ideals ({known[worst]:.2f}) "
        f"and nearest to {GROUP_NAMES[best]}' ({known[best]:.2f}; 0 = their ideal)."
    )


def _read_observers(row: Row) -> str:
    civil, industry = _num(row, "text_distance_civil_society"), _num(row, "text_distance_industry")
    if not _known(civil, industry):
        return "No civil society or industry organisation was accredited."
    return (
        f"The final text lies {civil:.2f} from civil society's ideals and {industry:.2f} "
        "from industry's (salience-weighted, 0 = exactly their ideal)."
    )


def _read_holdouts(row: Row) -> str:
    n = _int(row, "accommodations")
    if n == 0:
        return "The chair never moved the text toward objectors able to block it."
    return (
        f"At {_plural(n, 'tabling')} the chair moved the text toward objectors able to "
        f"block it; net movement {_num(row, 'holdout_pull'):.3f} per issue."
    )


def _read_rush(row: Row) -> str:
    rush = _num(row, "rush_cost")
    if not _known(rush):
        if row.get("adopted_by") in ("consensus", "vote"):
            return "Not measured (measures.rush_cost is off)."
        return "Not measured: no text was adopted."
    return (
        f"The adopted text lies {rush:.3f} from the text the same delegations reach with "
        "no budget limit and no pressure (0 = the rush cost nothing)."
    )


def _read_force(row: Row) -> str:
    day = _num(row, "entry_into_force_day")
    parties = _num(row, "parties_after_5y")
    if row.get("adopted_by") not in ("consensus", "vote"):
        return "Not adopted, so nothing to ratify."
    if not _known(day):
        return (
            f"Does not enter into force within the horizon ({parties:.0f} parties after 5 years)."
        )
    return (
        f"Enters into force {day / DAYS_PER_YEAR:.1f} years after the first meeting opened; "
        f"{parties:.0f} states are parties five years after adoption."
    )


METRICS: tuple[Metric, ...] = (
    Metric("Cost of the process", "process_cost_usd", "usd", _read_cost),
    Metric("Low-income attendance", "attendance_rate_LIC", "share", _read_attendance),
    Metric("Low-income cover of closed rooms", "informal_coverage_LIC", "share", _read_coverage),
    Metric("Low-income representation", "representation_LIC", "number", _read_representation),
    Metric("Influence Gini", "influence_gini", "number", _read_gini),
    Metric("Made behind closed doors", "closed_door_share", "share", _read_closed),
    Metric("Stakeholders' influence", "stakeholder_influence_share", "share", _read_stakeholders),
    Metric("Text distance gap (income groups)", "text_distance_gap", "number", _read_gap),
    Metric("Civil society's distance", "text_distance_civil_society", "number", _read_observers),
    Metric("Holdout accommodation", "accommodations", "count", _read_holdouts),
    Metric("Rush cost", "rush_cost", "number", _read_rush),
    Metric("Entry into force", "entry_into_force_day", "days", _read_force),
)
"""The key metrics, in the order the app lists them."""


def readings(row: Row) -> list[Reading]:
    """Every key metric of one run, with its reading."""
    return [Reading(m.label, m.text(row), m.read(row)) for m in METRICS]


def _change(metric: Metric, a: float, b: float) -> str:
    if not _known(a, b):
        return "n/a" if not (_known(a) or _known(b)) else "only one design has it"
    delta = b - a
    if abs(delta) < 1e-12:
        return "no change"
    sign = "+" if delta > 0 else "-"
    if metric.kind == "share":
        return f"{sign}{abs(delta) * 100:.0f} points"
    if metric.kind == "usd":
        return f"{sign}{_usd(abs(delta))}"
    if metric.kind == "days":
        return f"{sign}{abs(delta) / DAYS_PER_YEAR:.1f} years"
    if metric.kind == "count":
        return f"{sign}{abs(delta):.0f}"
    return f"{sign}{abs(delta):.2f}"


def differences(row_a: Row, row_b: Row) -> list[Difference]:
    """The key metrics of two designs side by side: A, B, and B minus A."""
    out = [
        Difference(
            "Adoption",
            str(row_a.get("adopted_by", "none")),
            str(row_b.get("adopted_by", "none")),
            "same" if row_a.get("adopted_by") == row_b.get("adopted_by") else "changed",
        )
    ]
    for m in METRICS:
        a, b = m.value(row_a), m.value(row_b)
        out.append(Difference(m.label, m.text(row_a), m.text(row_b), _change(m, a, b)))
    return out
