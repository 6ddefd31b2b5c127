"""Range and cross-reference checks, naming the full key, the value and what is allowed.

So that a bad sweep fails before any run starts.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from typing import Any

from sim.config.members import load_member_rows, select_member_rows
from sim.config.names import (
    COST_SHARING_MODES,
    CRN_MODES,
    DECISION_RULES,
    FRIENDS_SELECTION,
    INCOME_GROUPS,
    REGIONS,
    STAKEHOLDER_KINDS,
    ConfigError,
)
from sim.config.schema import (
    FundingConfig,
    ProcessConfig,
    RatificationConfig,
    ScenarioConfig,
    SimConfig,
)

__all__ = ["plain_numbers", "reject", "validate"]


def reject(key: str, value: Any, allowed: str) -> None:
    """Raise `ConfigError` naming the key, the value and what is allowed."""
    raise ConfigError(f"{key} = {value!r} is not allowed: expected {allowed}")


def _number(key: str, value: Any, lo: float | None = None, hi: float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        reject(key, value, "a number")
    if not math.isfinite(value):
        reject(key, value, "a finite number")
    if lo is not None and value < lo:
        reject(key, value, f"a number >= {lo}" + (f" and <= {hi}" if hi is not None else ""))
    if hi is not None and value > hi:
        reject(key, value, f"a number <= {hi}" + (f" and >= {lo}" if lo is not None else ""))


def _integer(key: str, value: Any, lo: float | None = None, hi: float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        reject(key, value, "a whole number")
    _number(key, value, lo, hi)


def _prob(key: str, value: Any) -> None:
    _number(key, value, 0.0, 1.0)


def _choice(key: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        reject(key, value, "one of " + ", ".join(allowed))


def _by_income(key: str, mapping: dict[str, float], lo: float, hi: float | None = None) -> None:
    for group in mapping:
        _choice(f"{key} key", group, INCOME_GROUPS)
    for group in INCOME_GROUPS:
        if group not in mapping:
            reject(f"{key}.{group}", None, f"a value for every income group {INCOME_GROUPS}")
        _number(f"{key}.{group}", mapping[group], lo, hi)


def _issue_map(key: str, mapping: dict[str, float], issues: list[str], lo: float, hi: float):
    for issue in mapping:
        _choice(f"{key} key", issue, tuple(issues))
    for issue in issues:
        if issue not in mapping:
            reject(f"{key}.{issue}", None, f"a value for every issue {list(issues)}")
        _number(f"{key}.{issue}", mapping[issue], lo, hi)


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds; containers element by element."""
    numpy = sys.modules.get("numpy")  # none imported: no numpy scalar can be here
    if numpy is not None and isinstance(value, numpy.generic):
        return value.item()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def plain_numbers(node: Any) -> None:
    """Replace numpy scalars in a configuration (in place) by the Python numbers they hold.

    Why: tools that drive the model in code (EMA Workbench's IntegerParameter, SALib,
    pandas rows) pass `np.int64(5)` or `np.float64(0.3)`; they are accepted wherever a
    Python number is, and become that number, so the configuration's hash, its YAML
    and its rows are those of the same Python values.
    """
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if dataclasses.is_dataclass(value):
            plain_numbers(value)
        else:
            setattr(node, f.name, _plain(value))


def validate(cfg: SimConfig) -> None:
    """Check ranges and cross-references; raise `ConfigError` naming the first bad key.

    Numpy scalars are first replaced by the Python numbers they hold (`plain_numbers`).
    """
    plain_numbers(cfg)
    if not (isinstance(cfg.crn, bool) or cfg.crn in CRN_MODES):
        reject("crn", cfg.crn, "auto, true or false")
    _integer("seed", cfg.seed, 0, 2**63 - 1)
    _integer("replications", cfg.replications, 1, 1_000_000)
    _validate_scenario(cfg.scenario)
    _validate_member_table(cfg.scenario)
    _validate_process(cfg.process, cfg.scenario)
    _validate_funding(cfg.funding)
    d = cfg.decision
    _choice("decision.rule", d.rule, DECISION_RULES)
    _number("decision.vote_threshold", d.vote_threshold, 0.5, 1.0)
    _integer("decision.earliest_tabling_meeting", d.earliest_tabling_meeting, 1, 1000)
    _integer("decision.max_extensions", d.max_extensions, 0, 100)
    _number("decision.abstain_margin", d.abstain_margin, 0.0, 10.0)
    _prob("decision.accommodation_rate", d.accommodation_rate)
    _prob("decision.consensus_value", d.consensus_value)
    c = cfg.cost
    _number("cost.meeting_usd", c.meeting_usd, 0.0, 1e12)
    _number("cost.delegate_day_usd", c.delegate_day_usd, 0.0, 1e9)
    _number("cost.process_budget_usd", c.process_budget_usd, 0.0, 1e15)
    _number("cost.consultation_day_usd", c.consultation_day_usd, 0.0, 1e9)
    b = cfg.behaviour
    for name in (
        "confidence",
        "persuasion_rate",
        "consultation_rate",
        "consultation_attendance",
        "uninterpreted_presence",
        "bloc_proxy_weight",
        "pressure_budget_weight",
        "concession_rate",
        "attendance_base",
    ):
        _prob(f"behaviour.{name}", getattr(b, name))
    _prob("behaviour.attendance_progress_gain", b.attendance_progress_gain)
    _prob("behaviour.plenary_priority", b.plenary_priority)
    for name in ("stakeholder_weight", "pressure_gain", "burden_gain", "attendance_stakes_gain"):
        _number(f"behaviour.{name}", getattr(b, name), 0.0, 100.0)
    _number("behaviour.lateness_weight", b.lateness_weight, 0.0, 100.0)
    _prob("behaviour.audience_cost", b.audience_cost)
    _number("behaviour.room_half_voices", b.room_half_voices, 1e-3, 1e9)
    _number("behaviour.acquiescence_cost", b.acquiescence_cost, 0.0, 100.0)
    _validate_ratification(cfg.ratification)
    for name in ("channels", "measures"):
        for f in dataclasses.fields(getattr(cfg, name)):
            value = getattr(getattr(cfg, name), f.name)
            if not isinstance(value, bool):
                reject(f"{name}.{f.name}", value, "true or false")


def _validate_ratification(r: RatificationConfig) -> None:
    """The treaty's facts, then the behaviour every treaty shares (one for all)."""
    if not isinstance(r.treaty, bool):
        reject("ratification.treaty", r.treaty, "true or false")
    _integer("ratification.threshold", r.threshold, 1, 10_000)
    _integer("ratification.days_after_threshold", r.days_after_threshold, 0, 10_000)
    _integer("ratification.opening_delay_days", r.opening_delay_days, 0, 100_000)
    opening = r.opening_delay_days
    _integer("ratification.signature_closes_day", r.signature_closes_day, opening, 100_000)
    _integer("ratification.accession_opens_day", r.accession_opens_day, 0, 100_000)
    last_day, last_count = -1, 0
    for k, count in enumerate(r.signatures):
        key = f"ratification.signatures[{k}]"
        _integer(f"{key}.day", count.day, opening, r.signature_closes_day)
        _integer(f"{key}.states", count.states, last_count, 10_000)
        if count.day <= last_day:
            reject(f"{key}.day", count.day, f"a day after the previous count's ({last_day})")
        last_day, last_count = count.day, count.states
    for k, event in enumerate(r.events):
        if not isinstance(event.name, str) or not event.name.isidentifier():
            reject(f"ratification.events[{k}].name", event.name, "letters, digits and _")
        _integer(f"ratification.events[{k}].day", event.day, 0, 100_000)
    _number("ratification.base_hazard_per_year", r.base_hazard_per_year, 0.0, 100.0)
    _number("ratification.dislike_sensitivity", r.dislike_sensitivity, 0.0, 1000.0)
    _number("ratification.procedure_shape", r.procedure_shape, 0.05, 100.0)
    _prob("ratification.accession_factor", r.accession_factor)
    _number("ratification.peer_gain", r.peer_gain, 0.0, 100.0)
    _number("ratification.event_multiplier", r.event_multiplier, 0.0, 1000.0)
    _integer("ratification.event_window_days", r.event_window_days, 0, 10_000)
    _number("ratification.horizon_years", r.horizon_years, 5.0, 1000.0)
    for months in r.report_months:
        _integer("ratification.report_months", months, 1, 12 * 1000)
    for f in dataclasses.fields(r.channels):
        if not isinstance(getattr(r.channels, f.name), bool):
            reject(f"ratification.channels.{f.name}", getattr(r.channels, f.name), "true or false")


def _validate_scenario(s: ScenarioConfig) -> None:
    if not s.issues:
        reject("scenario.issues", s.issues, "at least one issue name")
    if len(set(s.issues)) != len(s.issues):
        reject("scenario.issues", s.issues, "distinct issue names")
    for issue in s.issues:
        if not isinstance(issue, str) or not issue.isidentifier():
            reject("scenario.issues", issue, "issue names made of letters, digits and _")
    dl = s.delegations
    _by_income("scenario.delegations.budget_usd", dl.budget_usd, 0.0, 1e12)
    _number("scenario.delegations.budget_sigma", dl.budget_sigma, 0.0, 5.0)
    _by_income("scenario.delegations.staff_mean", dl.staff_mean, 1.0, 1000.0)
    _integer("scenario.delegations.staff_max", dl.staff_max, 1, 1000)
    _by_income("scenario.delegations.expertise_mean", dl.expertise_mean, 0.01, 0.99)
    _number("scenario.delegations.expertise_concentration", dl.expertise_concentration, 0.1, 1e6)
    _by_income("scenario.delegations.legislative_capacity", dl.legislative_capacity, 0.0, 1.0)
    for region, share in dl.other_language_share.items():
        _choice("scenario.delegations.other_language_share key", region, REGIONS)
        _prob(f"scenario.delegations.other_language_share.{region}", share)
    _number("scenario.delegations.ideal_sd", dl.ideal_sd, 0.0, 1.0)
    _number("scenario.delegations.salience_concentration", dl.salience_concentration, 0.01, 1e6)
    _number("scenario.delegations.reservation_mean", dl.reservation_mean, 0.0, 1.0)
    _number("scenario.delegations.reservation_sd", dl.reservation_sd, 0.0, 1.0)
    if not s.blocs:
        reject("scenario.blocs", s.blocs, "at least one bloc")
    for name, bloc in s.blocs.items():
        key = f"scenario.blocs.{name}"
        _issue_map(f"{key}.centre", bloc.centre, s.issues, 0.0, 1.0)
        _issue_map(f"{key}.salience", bloc.salience, s.issues, 0.0, 1e6)
        for region, share in bloc.share_by_region.items():
            _choice(f"{key}.share_by_region key", region, REGIONS)
            _number(f"{key}.share_by_region.{region}", share, 0.0, 1e6)
    for region in REGIONS:
        if sum(b.share_by_region.get(region, 0.0) for b in s.blocs.values()) <= 0:
            reject(f"scenario.blocs.*.share_by_region.{region}", 0, "a positive total share")
    for kind, spec in s.stakeholders.items():
        key = f"scenario.stakeholders.{kind}"
        _choice("scenario.stakeholders key", kind, STAKEHOLDER_KINDS)
        _integer(f"{key}.count", spec.count, 0, 100_000)
        _issue_map(f"{key}.centre", spec.centre, s.issues, 0.0, 1.0)
        _issue_map(f"{key}.salience", spec.salience, s.issues, 0.0, 1e6)
        _number(f"{key}.capacity_mean", spec.capacity_mean, 0.01, 0.99)
    c = s.calendar
    _integer("scenario.calendar.meetings", c.meetings, 1, 1000)
    _integer("scenario.calendar.days", c.days, 1, 365)
    _integer("scenario.calendar.interval_days", c.interval_days, c.days, 10_000)
    _integer("scenario.calendar.consultations", c.consultations, 0, 1000)
    _integer("scenario.calendar.consultation_days", c.consultation_days, 0, 365)


def _validate_member_table(s: ScenarioConfig) -> None:
    """Read and check the delegations table now, so a bad file stops a sweep before it starts."""
    select_member_rows(load_member_rows(s.delegations.table), list(s.delegations.include))


def _validate_process(p: ProcessConfig, s: ScenarioConfig) -> None:
    _number("process.disagreement_threshold", p.disagreement_threshold, 0.0, 1.0)
    _prob("process.door_pressure_gain", p.door_pressure_gain)
    _integer("process.informal_from_meeting", p.informal_from_meeting, 0, 1000)
    _integer("process.max_parallel_rooms", p.max_parallel_rooms, 1, 100)
    _integer("process.stocktaking_days", p.stocktaking_days, 0, 1000)
    _prob("process.step_formal", p.step_formal)
    _prob("process.step_informal", p.step_informal)
    c = p.compression
    _number("process.compression.text_days", c.text_days, 0.0, 1e6)
    _integer("process.compression.max_parallel_rooms", c.max_parallel_rooms, 1, 100)
    _number("process.compression.night_share", c.night_share, 0.0, 1.0)
    f = p.friends
    _integer("process.friends.from_meeting", f.from_meeting, 1, 1000)
    _integer("process.friends.size", f.size, 1, 100_000)
    _choice("process.friends.selection", f.selection, FRIENDS_SELECTION)
    _integer("process.friends.issues", f.issues, 1, len(s.issues))
    _prob("process.friends.step", f.step)


def _validate_funding(f: FundingConfig) -> None:
    _number("funding.trust_fund_usd", f.trust_fund_usd, 0.0, 1e12)
    _integer("funding.trust_fund_delegates", f.trust_fund_delegates, 0, 1000)
    for group in f.trust_fund_eligible:
        _choice("funding.trust_fund_eligible", group, (*INCOME_GROUPS, "LDC"))
    _number("funding.remote_day_usd", f.remote_day_usd, 0.0, 1e9)
    _prob("funding.remote_effectiveness", f.remote_effectiveness)
    _prob("funding.cost_sharing_share", f.cost_sharing_share)
    _choice("funding.cost_sharing_mode", f.cost_sharing_mode, COST_SHARING_MODES)
