"""What a run measures: the per-run row, the per-meeting reporters, per-delegation rows.

Column names are a public contract (see README, "Reading runs.parquet"): group
suffixes are the income groups (HIC, UMIC, LMIC, LIC), the UN regional groups (AFR,
APG, EEG, GRULAC, WEOG) and the stakeholder kinds.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from sim.config import INCOME_GROUPS, REGIONS, STAKEHOLDER_KINDS
from sim.ratification import entry_into_force_day, parties_by

if TYPE_CHECKING:
    from sim.model import NegotiationModel

__all__ = ["delegation_rows", "gini", "meeting_reporters", "run_metrics"]

FIVE_YEARS_DAYS = 5 * 365.25


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, near 1 = one holds all)."""
    x = np.sort(np.asarray(values, dtype=float))
    n, total = len(x), x.sum()
    if n == 0 or total <= 0:
        return 0.0
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * total))


def _group_means(values: np.ndarray, groups: np.ndarray, names) -> dict[str, float]:
    out = {}
    for code, name in enumerate(names):
        members = groups == code
        out[name] = float(values[members].mean()) if members.any() else float("nan")
    return out


def _distance(text: np.ndarray, ideal: np.ndarray) -> float:
    """Mean absolute distance over issues between the text and an ideal point."""
    return float(np.abs(text - ideal).mean())


def _adoption_day(model: NegotiationModel) -> float:
    cal = model.config.scenario.calendar
    return float((model.meeting - 1) * cal.interval_days + cal.days)


def run_metrics(model: NegotiationModel, ratify_days: np.ndarray | None) -> dict[str, object]:
    """The one-row summary of a finished run."""
    dl, st, led = model.population.delegations, model.population.stakeholders, model.ledger
    text = model.chair.text
    issues = model.population.issues
    days = max(led.days_held, 1)
    adopted = model.adopted_by is not None
    decision = model.decision
    row: dict[str, object] = {
        "adopted": adopted,
        "adopted_by": model.adopted_by or "none",
        "meetings_held": model.meeting,
        "days_held": led.days_held,
        "adoption_meeting": model.meeting if adopted else np.nan,
        "adoption_day": _adoption_day(model) if adopted else np.nan,
        "extensions_used": model.extensions_used,
        "process_cost_usd": led.process_cost_usd,
        "process_budget_spent_usd": model.config.cost.process_budget_usd
        - led.process_remaining_usd,
        "cost_shared_usd": led.contributions_usd,
        "trust_fund_spent_usd": led.fund_spent_usd,
        "delegation_cost_usd": float(led.spent_usd.sum()),
        "objectors_at_decision": decision.objectors if decision else int(model.objecting.sum()),
        "absent_at_decision": decision.absent
        if decision
        else int((~model.present_at_decision).sum()),
        "pressure_at_decision": model.pressure,
        "delegations_ever_present": int((led.present_days > 0).sum()),
    }
    income = dl.income
    spent_by = {g: float(led.spent_usd[income == k].sum()) for k, g in enumerate(INCOME_GROUPS)}
    attendance = _group_means(led.present_days / days, income, INCOME_GROUPS)
    in_person = _group_means(led.in_person_days / days, income, INCOME_GROUPS)
    if led.informal_room_days:
        coverage = _group_means(led.informal_days / led.informal_room_days, income, INCOME_GROUPS)
    else:
        coverage = dict.fromkeys(INCOME_GROUPS, float("nan"))
    total_delegation_influence = led.influence.sum()
    total_influence = total_delegation_influence + led.stakeholder_influence.sum()
    voice = {
        g: float(led.influence[income == k].sum() / total_delegation_influence)
        if total_delegation_influence > 0
        else float("nan")
        for k, g in enumerate(INCOME_GROUPS)
    }
    population_share = {g: float((income == k).mean()) for k, g in enumerate(INCOME_GROUPS)}
    ideal_by_income = {
        g: dl.ideal[income == k].mean(axis=0)
        if (income == k).any()
        else np.full(len(issues), np.nan)
        for k, g in enumerate(INCOME_GROUPS)
    }
    distance = {
        g: _distance(text, ideal) if np.isfinite(ideal).all() else float("nan")
        for g, ideal in ideal_by_income.items()
    }
    for g in INCOME_GROUPS:
        row[f"delegation_cost_usd_{g}"] = spent_by[g]
        row[f"attendance_rate_{g}"] = attendance[g]
        row[f"in_person_rate_{g}"] = in_person[g]
        row[f"informal_coverage_{g}"] = coverage[g]
        row[f"voice_share_{g}"] = voice[g]
        share = population_share[g]
        row[f"representation_{g}"] = voice[g] / share if share > 0 else float("nan")
        row[f"text_distance_{g}"] = distance[g]
    finite = [v for v in distance.values() if np.isfinite(v)]
    row["text_distance_gap"] = max(finite) - min(finite) if finite else float("nan")
    for k, region in enumerate(REGIONS):
        members = dl.region == k
        row[f"text_distance_{region}"] = (
            _distance(text, dl.ideal[members].mean(axis=0)) if members.any() else float("nan")
        )
    for k, kind in enumerate(STAKEHOLDER_KINDS):
        members = st.kind == k
        row[f"text_distance_{kind}"] = (
            _distance(text, st.ideal[members].mean(axis=0)) if members.any() else float("nan")
        )
    median_ideal = np.median(dl.ideal, axis=0)
    row["text_distance_median_state"] = _distance(text, median_ideal)
    row["influence_gini"] = gini(led.influence)
    row["stakeholder_influence_share"] = (
        float(led.stakeholder_influence.sum() / total_influence) if total_influence > 0 else np.nan
    )
    row.update(_stakeholder_share_by_phase(model))
    row["closed_door_share"] = (
        led.movement_closed / led.movement_total if led.movement_total > 0 else np.nan
    )
    civil = st.kind == STAKEHOLDER_KINDS.index("civil_society")
    civil_ideal = st.ideal[civil].mean(axis=0) if civil.any() else np.full(len(issues), np.nan)
    for j, issue in enumerate(issues):
        row[f"text_{issue}"] = float(text[j])
        row[f"gap_median_state_{issue}"] = float(abs(text[j] - median_ideal[j]))
        row[f"gap_civil_society_{issue}"] = float(abs(text[j] - civil_ideal[j]))
    if ratify_days is not None:
        eif = entry_into_force_day(ratify_days, model.config.ratification)
        row["entry_into_force_day"] = np.nan if eif is None else row["adoption_day"] + eif
        row["parties_after_5y"] = parties_by(ratify_days, FIVE_YEARS_DAYS)
    else:
        row["entry_into_force_day"] = np.nan
        row["parties_after_5y"] = 0
    model.ratification_days = ratify_days
    return row


def _stakeholder_share_by_phase(model: NegotiationModel) -> dict[str, float]:
    """Stakeholders' influence share in meetings before and after informal rooms opened."""
    series = model.datacollector.model_vars
    closed = (np.asarray(series["informal_issues"]) + np.asarray(series["friends_issues"])) > 0
    opened = np.logical_or.accumulate(closed)
    share = np.asarray(series["stakeholder_influence_share"], dtype=float)
    return {
        "stakeholder_share_before_informal": _mean_skipping_nan(share[~opened]),
        "stakeholder_share_after_informal": _mean_skipping_nan(share[opened]),
    }


def _mean_skipping_nan(values: np.ndarray) -> float:
    """Mean of the non-NaN values (NaN if none), summed exactly as pandas' `mean` does."""
    missing = np.isnan(values)
    count = len(values) - int(missing.sum())
    if count == 0:
        return np.nan
    return float(np.where(missing, 0.0, values).sum() / np.float64(count))


# ----------------------------------------------------------------- per meeting


def _meeting_number(model: NegotiationModel) -> int:
    return model.meeting


def _calendar_day(model: NegotiationModel) -> float:
    return _adoption_day(model)


def _log(key: str, model: NegotiationModel) -> object:
    return model.meeting_log[key]


def _decision_field(key: str, model: NegotiationModel) -> object:
    decision = model.meeting_log["decision"]
    if key == "adopted_by":
        return "none" if decision is None or decision.adopted_by is None else decision.adopted_by
    return np.nan if decision is None else getattr(decision, key)


def _attendance_this_meeting(group: int, model: NegotiationModel) -> float:
    plan = model.attendance
    cal_days = model.config.scenario.calendar.days
    in_room = np.where(plan.remote, cal_days, plan.in_person_days) / cal_days
    members = model.population.delegations.income == group
    return float(in_room[members].mean()) if members.any() else float("nan")


def _text(issue: int, model: NegotiationModel) -> float:
    return float(model.chair.text[issue])


def _pressure(model: NegotiationModel) -> float:
    return model.pressure


def _process_remaining(model: NegotiationModel) -> float:
    return model.ledger.process_remaining_usd


def _delegates_present(model: NegotiationModel) -> int:
    return int(model.attendance.delegates.sum())


def meeting_reporters(issues: tuple[str, ...]) -> dict[str, object]:
    """Model reporters for Mesa's DataCollector: one row per meeting (picklable)."""
    reporters: dict[str, object] = {
        "meeting": _meeting_number,
        "calendar_day": _calendar_day,
        "delegates_present": _delegates_present,
        "meeting_cost_usd": partial(_log, "cost_usd"),
        "process_remaining_usd": _process_remaining,
        "informal_issues": partial(_log, "informal_issues"),
        "friends_issues": partial(_log, "friends_issues"),
        "informal_room_days": partial(_log, "informal_room_days"),
        "stakeholder_influence_share": partial(_log, "stakeholder_influence_share"),
        "pressure": _pressure,
        "objectors": partial(_decision_field, "objectors"),
        "absent": partial(_decision_field, "absent"),
        "adopted_by": partial(_decision_field, "adopted_by"),
    }
    for k, g in enumerate(INCOME_GROUPS):
        reporters[f"attendance_rate_{g}"] = partial(_attendance_this_meeting, k)
    for j, issue in enumerate(issues):
        reporters[f"text_{issue}"] = partial(_text, j)
    return reporters


# ----------------------------------------------------------------- per delegation


def delegation_rows(model: NegotiationModel) -> dict[str, np.ndarray]:
    """Per-delegation outcomes as columns (one entry per delegation)."""
    dl, led = model.population.delegations, model.ledger
    days = max(led.days_held, 1)
    total = led.influence.sum()
    text = model.chair.text
    ratify = getattr(model, "ratification_days", None)
    n = len(dl)
    return {
        "iso3": dl.iso3.astype(str),
        "income_group": np.array(INCOME_GROUPS)[dl.income],
        "un_region": np.array(REGIONS)[dl.region],
        "bloc": np.array(model.population.bloc_names)[dl.bloc],
        "budget_usd": dl.budget_usd,
        "spent_usd": led.spent_usd,
        "staff": dl.staff,
        "expertise": dl.expertise,
        "delegate_days": led.delegate_days,
        "attendance_rate": led.present_days / days,
        "in_person_rate": led.in_person_days / days,
        "informal_room_days": led.informal_days,
        "informal_coverage": (
            led.informal_days / led.informal_room_days
            if led.informal_room_days
            else np.full(n, np.nan)
        ),
        "influence_share": led.influence / total if total > 0 else np.zeros(n),
        "final_distance": np.abs(dl.ideal - text).mean(axis=1),
        "objected_at_decision": model.objecting & model.present_at_decision,
        "present_at_decision": model.present_at_decision,
        "ratified": np.zeros(n, dtype=bool) if ratify is None else np.isfinite(ratify),
        "ratification_day": np.full(n, np.nan)
        if ratify is None
        else np.where(np.isfinite(ratify), ratify, np.nan),
    }
