"""The run's outcomes, declared once: name, unit, meaning, direction, type.

Every column of `runs.parquet` after the configuration columns is one of these, in this
order (`sim.model.metrics.run_metrics` builds its row from this list); the README's
table, the figures' labels, which measures are better lower, the column types and the
contract tests are all derived from it. A name may hold a placeholder for a family of
columns: `{G}` an income group, `{R}` a UN regional group, `{K}` a stakeholder kind,
`{I}` an issue, `{M}` a number of months (`ratification.report_months`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from sim.config.names import INCOME_GROUPS, REGIONS, STAKEHOLDER_KINDS

__all__ = ["ADOPTED_BY_CODES", "OUTCOMES", "Outcome", "columns", "describe", "markdown_table"]

ADOPTED_BY_CODES = {"none": 0, "vote": 1, "consensus": 2}
"""The numeric code of `adopted_by` (column `adopted_by_code`), by breadth of agreement."""

_FAMILIES = {"{G}": INCOME_GROUPS, "{R}": REGIONS, "{K}": STAKEHOLDER_KINDS}
_PATTERNS = {
    **{holder: "|".join(values) for holder, values in _FAMILIES.items()},
    "{I}": r"[a-z][a-z0-9_]*",  # a scenario's issue names
    "{M}": r"\d+",
}


@dataclass(frozen=True)
class Outcome:
    """One outcome column (or family of columns) of a run."""

    name: str
    label: str  # for an axis; "{g}" takes the group's readable name
    unit: str
    meaning: str
    higher_is_better: bool | None = None  # None: a fact about the run, not a value
    kind: str = "real"  # real | count | bool | text

    def pattern(self) -> re.Pattern[str]:
        """A regular expression matching the outcome's column names."""
        text = re.escape(self.name)
        for holder, alternatives in _PATTERNS.items():
            text = text.replace(re.escape(holder), f"(?P<g>{alternatives})")
        return re.compile(f"^{text}$")


def _o(name, label, unit, meaning, better=None, kind="real") -> Outcome:
    return Outcome(name, label, unit, meaning, better, kind)


# fmt: off
OUTCOMES: tuple[Outcome, ...] = (
    _o("adopted", "Probability of adoption", "-", "whether the text was adopted", True, "bool"),
    _o("adopted_by", "Adopted by", "-", "`consensus` (no objector, or after amendment votes without a vote on the whole), `vote` or `none`", None, "text"),
    _o("adopted_by_code", "Adopted by (code)", "code", "`adopted_by` as a number for outcome-space tools (EMA, SALib, PRIM): 0 = none, 1 = vote, 2 = consensus (`ADOPTED_BY_CODES`; ordered by breadth of agreement)", None, "count"),
    _o("meetings_held", "Meetings held", "meetings", "meetings held, extensions included", None, "count"),
    _o("days_held", "Days held", "days", "sitting days held", None, "count"),
    _o("adoption_meeting", "Meetings to adoption", "meeting", "the meeting that adopted the text (missing if none)", None, "count"),
    _o("adoption_day", "Days to adoption", "days", "calendar days from the first meeting's opening to adoption", None, "count"),
    _o("extensions_used", "Extension meetings", "meetings", "meetings held after the planned calendar or money ran out", None, "count"),
    _o("process_cost_usd", "Process cost (USD)", "USD", "the meetings' cost"),
    _o("process_budget_spent_usd", "Process budget spent (USD)", "USD", "what the process paid (cost less `cost_shared_usd`)"),
    _o("extension_authorised_usd", "Extension money authorised (USD)", "USD", "the new money extension meetings brought"),
    _o("cost_shared_usd", "Meeting cost shared (USD)", "USD", "what delegations paid toward meetings under cost sharing"),
    _o("trust_fund_spent_usd", "Trust fund spent (USD)", "USD", "what the participation trust fund paid"),
    _o("delegation_cost_usd", "Delegation cost (USD)", "USD", "what delegations spent on attending"),
    _o("objectors_at_decision", "Objectors at decision", "delegations", "present delegations objecting at the final tabling", None, "count"),
    _o("absent_at_decision", "Absent at decision", "delegations", "delegations absent at the final tabling", None, "count"),
    _o("pressure_at_decision", "Pressure at decision", "0-1", "pressure to conclude at the end"),
    _o("delegations_ever_present", "Delegations ever present", "delegations", "delegations that attended at least one day", True, "count"),
    _o("parallel_tracks_max", "Most parallel tracks", "rooms", "compression: most informal tracks at once", None, "count"),
    _o("night_sitting_meetings", "Meetings with night sittings", "meetings", "compression: meetings that sat at night", None, "count"),
    _o("compression_max", "Peak compression (work / planned capacity)", "ratio", "the largest ratio of work left to what the planned rooms could do in the days left"),
    _o("stance_gap", "Stances' distance from the text", "issue units", "mean over delegations of the salience-weighted distance between its final negotiating position and the final text (an objection is this distance beyond the delegation's reservation)"),
    _o("doors_closed_meeting", "First meeting behind closed doors", "meeting", "the meeting at which the chair first sent an issue to an informal or friends room (missing if never)", None, "count"),
    _o("acquiesced_at_decision", "Objectors who acquiesced", "delegations", "present objectors at the final tabling who let the text pass, stating their objection (`channels.acquiescence`)", None, "count"),
    _o("work_unfinished_share", "Work unfinished at the end", "share", "share of the text's negotiating work not done at the last tabling; with `channels.unfinished_work` those provisions stand as the zero draft put them", False),
    _o("accommodations", "Tablings with holdout accommodation", "tablings", "tablings at which the chair moved the text toward blocking objectors", None, "count"),
    _o("amendments_proposed", "Amendments proposed", "votes", "votes on provisions forced at the final tabling (`channels.amendment_votes`)", None, "count"),
    _o("amendments_adopted", "Amendments adopted", "votes", "of those, the amendments adopted", None, "count"),
    _o("delegation_cost_usd_{G}", "Delegation cost, {g} (USD)", "USD", "what the group's delegations spent"),
    _o("attendance_rate_{G}", "Attendance rate, {g}", "share", "share of meeting days a delegation had someone at the meeting, averaged over the group; NaN if no meeting was held", True),
    _o("in_person_rate_{G}", "In-person rate, {g}", "share", "the same, in person only (differs under `funding=hybrid`)", True),
    _o("informal_coverage_{G}", "Informal-room coverage, {g}", "share", "share of informal (and friends) room-days a delegation had someone in; NaN if no informal room sat", True),
    _o("voice_share_{G}", "Own voice share, {g}", "share", "the group's share of the delegations' influence on the text exercised by its own delegates", True),
    _o("proxied_voice_share_{G}", "Voice share by proxy, {g}", "share", "the share bloc coordinators carried for its absent members (own and proxied sum to 1 over groups)"),
    _o("representation_{G}", "Representation ratio, {g}", "ratio", "own voice share / the group's share of delegations (1 = fair)"),
    _o("text_distance_{G}", "Members' distance from the text, {g}", "issue units", "mean over the group's members of each one's salience-weighted distance of the final text from its own original ideal", False),
    _o("text_distance_centre_{G}", "Distance from the mean ideal, {g}", "issue units", "the version-1 measure: distance from the group's *mean* ideal (a group of opposed blocs looks well served by it)", False),
    _o("text_distance_gap", "Distance gap (worst - best served income group)", "issue units", "worst- minus best-served income group", False),
    _o("text_distance_{R}", "Members' distance from the text, {g}", "issue units", "the same by UN regional group", False),
    _o("text_distance_{K}", "Members' distance from the text, {g}", "issue units", "the same by stakeholder kind", False),
    _o("text_distance_median_state", "Median state's distance from the text", "issue units", "distance from the median state's ideal (weighted by the states' mean salience)"),
    _o("influence_gini", "Gini of influence", "0-1", "Gini coefficient of own influence across delegations", False),
    _o("stakeholder_influence_share", "Stakeholder share of influence", "share", "stakeholders' share of all influence on the text", True),
    _o("stakeholder_share_before_informal", "Stakeholder share before informal rooms", "share", "the same, in meetings before informal rooms first opened", True),
    _o("stakeholder_share_after_informal", "Stakeholder share after informal rooms", "share", "the same, in meetings once informal rooms had opened", True),
    _o("closed_door_share", "Share of text moved behind closed doors", "share", "share of the text's movement made in informal and friends rooms", False),
    _o("holdout_pull", "Holdout pull (text moved for holdouts)", "issue units", "the net movement of the text made to accommodate blocking objectors", False),
    _o("text_distance_holdouts", "Holdouts' distance from the text", "issue units", "the accommodated delegations' mean distance from the final text"),
    _o("rush_cost", "Rush cost (distance from the unhurried text)", "issue units", "salience-weighted distance between the adopted text and the text the same seed reaches unhurried (no budget limit, no pressure); null if not adopted or `measures.rush_cost=false`", False),
    _o("text_{I}", "Final text on {g}", "0-1", "the final text on each issue"),
    _o("doors_closed_meeting_{I}", "Meeting {g} went behind closed doors", "meeting", "the meeting at which the issue first went to an informal or friends room (missing if never)", None, "count"),
    _o("gap_median_state_{I}", "Gap from median state, {g}", "issue units", "distance of the final text from the median state's ideal on that issue", False),
    _o("gap_civil_society_{I}", "Gap from civil society, {g}", "issue units", "distance of the final text from civil society's mean ideal on that issue", False),
    _o("entry_into_force_day", "Day of entry into force", "days", "calendar day (same clock as `adoption_day`) of entry into force; null if never within the horizon", None, "count"),
    _o("parties_after_5y", "Parties after 5 years", "states", "states that have ratified five years after adoption (0 if no text was adopted; null when the scenario has no treaty: `ratification.treaty`)", True, "count"),
    _o("parties_after_{M}_months", "Parties after {g} months", "states", "states that have ratified `ratification.report_months` months after adoption (null when the scenario has no treaty)", True, "count"),
)
# fmt: on
"""Every outcome of a run, in the order of the row."""


def columns(issues: tuple[str, ...] | list[str], months: tuple[int, ...] | list[int]) -> list[str]:
    """The outcome columns of a run on these issues and report months, in order.

    Consecutive outcomes over the same family are expanded member by member
    (`attendance_rate_HIC, informal_coverage_HIC, ..., attendance_rate_UMIC, ...`), so
    each group's or issue's columns sit together.
    """
    return list(_columns(tuple(issues), tuple(months)))


@lru_cache(maxsize=32)
def _columns(issues: tuple[str, ...], months: tuple[int, ...]) -> tuple[str, ...]:
    """`columns`, worked out once per issues and months (every run's row asks)."""
    values = {**_FAMILIES, "{I}": tuple(issues), "{M}": tuple(months)}
    names: list[str] = []
    block: list[str] = []
    holder = None
    for outcome in (*OUTCOMES, None):
        this = _holder(outcome.name) if outcome else None
        if block and (this != holder or this is None):
            names.extend(n.replace(holder, str(v)) for v in values[holder] for n in block)
            block = []
        if outcome is None:
            break
        if this is None:
            names.append(outcome.name)
        else:
            block.append(outcome.name)
        holder = this
    return tuple(names)


def _holder(name: str) -> str | None:
    return next((h for h in _PATTERNS if h in name), None)


@cache
def describe(column: str) -> tuple[Outcome, str] | None:
    """The outcome a column belongs to, and the group, issue or months it names ("")."""
    for outcome in OUTCOMES:
        match = outcome.pattern().match(column)
        if match:
            return outcome, match.groupdict().get("g", "")
    return None


def markdown_table() -> str:
    """The README's table of the outcome columns (`tests/test_outcomes.py` keeps it in sync)."""
    lines = ["| column | unit | meaning | better |", "|---|---|---|---|"]
    for o in OUTCOMES:
        name = o.name.replace("{", "<").replace("}", ">")
        better = {True: "higher", False: "lower", None: ""}[o.higher_is_better]
        lines.append(f"| `{name}` | {o.unit} | {o.meaning} | {better} |")
    return "\n".join(lines)
