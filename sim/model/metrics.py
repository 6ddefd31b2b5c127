"""What a run measures: the per-run row, the per-meeting reporters, per-delegation rows.

Column names are a public contract (see README, "Reading runs.parquet"): group
suffixes are the income groups (HIC, UMIC, LMIC, LIC), the UN regional groups (AFR,
APG, EEG, GRULAC, WEOG) and the stakeholder kinds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.config import INCOME_GROUPS, REGIONS, STAKEHOLDER_KINDS
from sim.model.dynamics import salience_distance
from sim.model.outcomes import ADOPTED_BY_CODES
from sim.model.outcomes import columns as outcome_columns
from sim.model.ratification import (
    DAYS_PER_MONTH,
    entry_into_force_day,
    parties_by,
    parties_by_month,
)

if TYPE_CHECKING:
    from sim.model.record import RunRecord

__all__ = ["delegation_rows", "final_distances", "gini", "ratification_rows", "run_metrics"]

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


def _centre_distance(text: np.ndarray, ideal: np.ndarray) -> float:
    """Mean absolute distance over issues between the text and one ideal point."""
    return float(np.abs(text - ideal).mean())


def final_distances(record: RunRecord) -> np.ndarray:
    """Each delegation's salience-weighted distance of the final text from its own ideal.

    The same quantity drives ratification (a state ratifies sooner a text it likes).
    """
    dl = record.population.delegations
    return salience_distance(dl.ideal, record.text, dl.salience)


def _adoption_day(record: RunRecord) -> float:
    cal = record.config.scenario.calendar
    return float((record.meetings_held - 1) * cal.interval_days + cal.days)


def run_metrics(record: RunRecord) -> dict[str, object]:
    """The one-row summary of a finished run: the outcomes of `sim.model.outcomes`, in order."""
    dl, st = record.population.delegations, record.population.stakeholders
    led, purse, text = record.ledger, record.purse, record.text
    issues = record.population.issues
    days = max(led.days_held, 1)
    adopted = record.adopted_by is not None
    decision = record.decision
    series = record.meeting_series
    row: dict[str, object] = {
        "adopted": adopted,
        "adopted_by": record.adopted_by or "none",
        "adopted_by_code": ADOPTED_BY_CODES[record.adopted_by or "none"],
        "meetings_held": record.meetings_held,
        "days_held": led.days_held,
        "adoption_meeting": record.meetings_held if adopted else np.nan,
        "adoption_day": _adoption_day(record) if adopted else np.nan,
        "extensions_used": record.extensions_used,
        "process_cost_usd": purse.process_cost_usd,
        "process_budget_spent_usd": purse.spent_usd,
        "extension_authorised_usd": purse.authorised_usd,
        "cost_shared_usd": purse.contributions_usd,
        "trust_fund_spent_usd": led.fund_spent_usd,
        "delegation_cost_usd": float(led.spent_usd.sum()),
        "objectors_at_decision": decision.objectors
        if decision
        else int((record.objecting & record.present_at_decision).sum()),
        "absent_at_decision": decision.absent
        if decision
        else int((~record.present_at_decision).sum()),
        "pressure_at_decision": record.pressure,
        "delegations_ever_present": int((led.present_days > 0).sum()),
        "parallel_tracks_max": _max_of(series.get("parallel_tracks")),
        "night_sitting_meetings": int((np.asarray(series.get("night_share", [])) > 0).sum()),
        "compression_max": _max_of(series.get("compression")),
        "stance_gap": float(salience_distance(record.positions, record.text, dl.salience).mean())
        if len(dl)
        else np.nan,
        "doors_closed_meeting": _first_meeting(record.doors_closed),
        "acquiesced_at_decision": decision.acquiesced if decision else 0,
        "work_unfinished_share": float(record.unfinished.mean()) if len(record.unfinished) else 0.0,
        "accommodations": record.accommodations,
        "amendments_proposed": record.amendments_proposed,
        "amendments_adopted": record.amendments_adopted,
    }
    income = dl.income
    own_distance = final_distances(record)
    spent_by = {g: float(led.spent_usd[income == k].sum()) for k, g in enumerate(INCOME_GROUPS)}
    attendance = _group_means(led.present_days / days, income, INCOME_GROUPS)
    in_person = _group_means(led.in_person_days / days, income, INCOME_GROUPS)
    if led.informal_room_days:
        coverage = _group_means(led.informal_days / led.informal_room_days, income, INCOME_GROUPS)
    else:
        coverage = dict.fromkeys(INCOME_GROUPS, float("nan"))
    delegation_total = led.influence.sum() + led.proxy_influence.sum()
    total_influence = delegation_total + led.stakeholder_influence.sum()
    population_share = {g: float((income == k).mean()) for k, g in enumerate(INCOME_GROUPS)}
    distance = _group_means(own_distance, income, INCOME_GROUPS)
    for k, g in enumerate(INCOME_GROUPS):
        members = income == k
        voice = proxied = float("nan")
        if delegation_total > 0:
            voice = float(led.influence[members].sum() / delegation_total)
            proxied = float(led.proxy_influence[members].sum() / delegation_total)
        row[f"delegation_cost_usd_{g}"] = spent_by[g]
        row[f"attendance_rate_{g}"] = attendance[g]
        row[f"in_person_rate_{g}"] = in_person[g]
        row[f"informal_coverage_{g}"] = coverage[g]
        row[f"voice_share_{g}"] = voice
        row[f"proxied_voice_share_{g}"] = proxied
        share = population_share[g]
        row[f"representation_{g}"] = voice / share if share > 0 else float("nan")
        row[f"text_distance_{g}"] = distance[g]
        row[f"text_distance_centre_{g}"] = (
            _centre_distance(text, dl.ideal[members].mean(axis=0))
            if members.any()
            else float("nan")
        )
    finite = [v for v in distance.values() if np.isfinite(v)]
    row["text_distance_gap"] = max(finite) - min(finite) if finite else float("nan")
    row.update(
        {f"text_distance_{r}": v for r, v in _group_means(own_distance, dl.region, REGIONS).items()}
    )
    stakeholder_distance = salience_distance(st.ideal, text, st.salience)
    row.update(
        {
            f"text_distance_{kind}": v
            for kind, v in _group_means(stakeholder_distance, st.kind, STAKEHOLDER_KINDS).items()
        }
    )
    median_ideal = np.median(dl.ideal, axis=0)
    mean_salience = dl.salience.mean(axis=0)
    row["text_distance_median_state"] = float(mean_salience @ np.abs(text - median_ideal))
    row["influence_gini"] = gini(led.influence)
    row["stakeholder_influence_share"] = (
        float(led.stakeholder_influence.sum() / total_influence) if total_influence > 0 else np.nan
    )
    row.update(_stakeholder_share_by_phase(series))
    row["closed_door_share"] = (
        led.movement_closed / led.movement_total if led.movement_total > 0 else np.nan
    )
    row["holdout_pull"] = float(np.abs(record.holdout_move).mean())
    row["text_distance_holdouts"] = (
        float(own_distance[record.accommodated].mean()) if record.accommodated.any() else np.nan
    )
    row["rush_cost"] = (
        float(mean_salience @ np.abs(text - record.unhurried_text))
        if record.unhurried_text is not None and adopted
        else np.nan
    )
    civil = st.kind == STAKEHOLDER_KINDS.index("civil_society")
    civil_ideal = st.ideal[civil].mean(axis=0) if civil.any() else np.full(len(issues), np.nan)
    for j, issue in enumerate(issues):
        row[f"text_{issue}"] = float(text[j])
        row[f"doors_closed_meeting_{issue}"] = _first_meeting(record.doors_closed[j : j + 1])
        row[f"gap_median_state_{issue}"] = float(abs(text[j] - median_ideal[j]))
        row[f"gap_civil_society_{issue}"] = float(abs(text[j] - civil_ideal[j]))
    ratify = record.ratification_days
    treaty = record.config.ratification.treaty  # without a treaty, parties are missing, not 0
    none = 0 if treaty else np.nan
    eif = None if ratify is None else entry_into_force_day(ratify, record.config.ratification)
    row["entry_into_force_day"] = np.nan if eif is None else row["adoption_day"] + eif
    row["parties_after_5y"] = parties_by(ratify, FIVE_YEARS_DAYS) if ratify is not None else none
    months = record.config.ratification.report_months
    for m in months:
        row[f"parties_after_{m}_months"] = (
            parties_by(ratify, m * DAYS_PER_MONTH) if ratify is not None else none
        )
    return {column: row[column] for column in outcome_columns(issues, months)}


def _first_meeting(doors_closed: np.ndarray) -> float:
    """The earliest meeting at which an issue went behind closed doors (NaN: none did)."""
    closed = doors_closed[doors_closed > 0]
    return float(closed.min()) if len(closed) else float("nan")


def _max_of(values: list | None) -> float:
    """The largest value of a per-meeting series (NaN when no meeting was held)."""
    return float(np.max(values)) if values else float("nan")


def _stakeholder_share_by_phase(series: dict[str, list]) -> dict[str, float]:
    """Stakeholders' influence share in meetings before and after informal rooms opened."""
    if not series.get("informal_issues"):
        return {
            "stakeholder_share_before_informal": np.nan,
            "stakeholder_share_after_informal": np.nan,
        }
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


# ----------------------------------------------------------------- per delegation


def delegation_rows(record: RunRecord) -> dict[str, np.ndarray]:
    """Per-delegation outcomes as columns (one entry per delegation)."""
    dl, led = record.population.delegations, record.ledger
    days = max(led.days_held, 1)
    total = led.influence.sum() + led.proxy_influence.sum()
    ratify = record.ratification_days
    n = len(dl)
    columns = {
        "iso3": dl.iso3.astype(str),
        "income_group": np.array(INCOME_GROUPS)[dl.income],
        "un_region": np.array(REGIONS)[dl.region],
        "bloc": np.array(record.population.bloc_names)[dl.bloc],
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
        "proxied_influence_share": led.proxy_influence / total if total > 0 else np.zeros(n),
        "final_distance": final_distances(record),
        "accommodated": record.accommodated,
        "objected_at_decision": record.objecting & record.present_at_decision,
        "present_at_decision": record.present_at_decision,
        "ratified": np.zeros(n, dtype=bool) if ratify is None else np.isfinite(ratify),
        "ratification_day": np.full(n, np.nan)
        if ratify is None
        else np.where(np.isfinite(ratify), ratify, np.nan),
    }
    for j, issue in enumerate(record.population.issues):
        columns[f"ideal_{issue}"] = dl.ideal[:, j]
    return columns


def ratification_rows(record: RunRecord) -> dict[str, np.ndarray] | None:
    """Parties at the end of each month after adoption (None: no treaty, or none adopted).

    Month 0 is the model's adoption (the committee's approval, BBNJ's agreed text); the
    months run to the ratification horizon.
    """
    ratify = record.ratification_days
    if ratify is None:
        return None
    months = int(record.config.ratification.horizon_years * 12)
    return {"month": np.arange(months + 1), "parties": parties_by_month(ratify, months)}
