"""Typed configuration schemas, registered with Hydra, and their validation.

The dataclasses are the single source of truth for every parameter's name, type and
default. Hydra/OmegaConf checks types when YAML is merged into them; `validate` then
checks ranges and cross-references, naming the full key, the value and what is
allowed, so that a bad sweep fails before any run starts.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import math
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AppConfig",
    "INCOME_GROUPS",
    "REGIONS",
    "STAKEHOLDER_KINDS",
    "BlocConfig",
    "BehaviourConfig",
    "CalendarConfig",
    "ChannelsConfig",
    "CompressionConfig",
    "ConfigError",
    "CostConfig",
    "DecisionConfig",
    "DelegationsConfig",
    "FriendsConfig",
    "FundingConfig",
    "MeasuresConfig",
    "ProcessConfig",
    "RatificationConfig",
    "ScenarioConfig",
    "SimConfig",
    "StakeholderKindConfig",
    "register_configs",
    "set_values",
    "to_sim_config",
    "validate",
]

INCOME_GROUPS = ("HIC", "UMIC", "LMIC", "LIC")
REGIONS = ("AFR", "APG", "EEG", "GRULAC", "WEOG")
STAKEHOLDER_KINDS = ("civil_society", "industry", "un_agency", "academia")
DECISION_RULES = ("consensus_then_vote", "consensus_only", "two_thirds_vote")
FRIENDS_SELECTION = ("capability", "bloc")
COST_SHARING_MODES = ("flat", "capacity")


class ConfigError(ValueError):
    """A configuration value is out of range or inconsistent; the message names the key."""


def _by_group(hic: float, umic: float, lmic: float, lic: float) -> dict[str, float]:
    return {"HIC": hic, "UMIC": umic, "LMIC": lmic, "LIC": lic}


@dataclass
class BlocConfig:
    """A coalition: members' ideals are drawn around `centre` (one value per issue)."""

    centre: dict[str, float] = field(default_factory=dict)
    salience: dict[str, float] = field(default_factory=dict)
    share_by_region: dict[str, float] = field(default_factory=dict)


@dataclass
class DelegationsConfig:
    """How the member-state delegations are built from the data table."""

    table: str = "un_member_states"  # packaged table name, or a path to a CSV file
    include: list[str] = field(default_factory=list)  # ISO3 codes; empty = every row
    budget_usd: dict[str, float] = field(
        default_factory=lambda: _by_group(1.2e6, 4.0e5, 1.8e5, 1.0e5)
    )
    budget_sigma: float = 0.5
    staff_mean: dict[str, float] = field(default_factory=lambda: _by_group(6.0, 4.0, 2.5, 1.6))
    staff_max: int = 15
    expertise_mean: dict[str, float] = field(
        default_factory=lambda: _by_group(0.75, 0.55, 0.42, 0.32)
    )
    expertise_concentration: float = 12.0
    legislative_capacity: dict[str, float] = field(
        default_factory=lambda: _by_group(0.8, 0.6, 0.45, 0.35)
    )
    other_language_share: dict[str, float] = field(default_factory=dict)
    ideal_sd: float = 0.1
    salience_concentration: float = 20.0
    reservation_mean: float = 0.1
    reservation_sd: float = 0.03


@dataclass
class StakeholderKindConfig:
    """One kind of accredited observer organisation."""

    count: int = 0
    centre: dict[str, float] = field(default_factory=dict)
    salience: dict[str, float] = field(default_factory=dict)
    capacity_mean: float = 0.5


@dataclass
class CalendarConfig:
    """The planned meetings and their spacing."""

    meetings: int = 8
    days: int = 10
    interval_days: int = 120
    consultations: int = 5
    consultation_days: int = 2


@dataclass
class ScenarioConfig:
    """Who negotiates over what: delegations, blocs, stakeholders, issues, calendar."""

    name: str = "custom"
    issues: list[str] = field(
        default_factory=lambda: ["scope", "data_access", "safeguards", "assistance"]
    )
    delegations: DelegationsConfig = field(default_factory=DelegationsConfig)
    blocs: dict[str, BlocConfig] = field(default_factory=dict)
    stakeholders: dict[str, StakeholderKindConfig] = field(default_factory=dict)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)


@dataclass
class FriendsConfig:
    """The invitation-only friends-of-the-chair tier."""

    enabled: bool = False
    from_meeting: int = 4
    size: int = 12
    selection: str = "capability"
    issues: int = 1
    step: float = 0.35


@dataclass
class CompressionConfig:
    """How the chair fits the open text into the meeting-days the budget still pays for."""

    text_days: float = 160.0  # issue-days of negotiation the whole text needs
    max_parallel_rooms: int = 3  # informal tracks the chair may run at once when pressed
    night_share: float = 0.5  # a night sitting adds this share of a day (3 h on two 3-h meetings)


@dataclass
class ProcessConfig:
    """How rooms are organised: the plenary, informal rooms and the deeper tier."""

    name: str = "two_tier"
    informal_rooms: bool = True
    disagreement_threshold: float = 0.15
    door_pressure_gain: float = 1.0  # the threshold falls by this share per unit pressure
    informal_from_meeting: int = 4  # 0 = only by disagreement
    max_parallel_rooms: int = 2
    observers_in_informal: bool = False
    step_formal: float = 0.04
    step_informal: float = 0.15
    compression: CompressionConfig = field(default_factory=CompressionConfig)
    friends: FriendsConfig = field(default_factory=FriendsConfig)


@dataclass
class FundingConfig:
    """Who pays for delegates and meetings: trust fund, hybrid access, cost sharing."""

    name: str = "none"
    trust_fund_usd: float = 0.0
    trust_fund_delegates: int = 2
    trust_fund_eligible: list[str] = field(default_factory=lambda: ["LIC", "LMIC"])
    remote_participation: bool = False
    remote_day_usd: float = 30.0
    remote_effectiveness: float = 0.5
    remote_counts_for_decision: bool = False
    cost_sharing_share: float = 0.0
    cost_sharing_mode: str = "flat"


@dataclass
class DecisionConfig:
    """When the chair tables the draft and how it is adopted."""

    rule: str = "consensus_then_vote"
    vote_threshold: float = 2.0 / 3.0
    earliest_tabling_meeting: int = 3
    max_extensions: int = 1
    abstain_margin: float = 0.25
    accommodation_rate: float = 0.5  # share of the gap to the holdouts closed per unit pressure
    consensus_value: float = 0.3  # blocking power of objectors a fallback vote would outvote


@dataclass
class CostConfig:
    """Money: what a meeting and a delegate-day cost, and what the process can spend."""

    meeting_usd: float = 1.0e6
    delegate_day_usd: float = 600.0
    process_budget_usd: float = 7.0e6
    extension_authorised: bool = True  # an extension meeting brings its own authorisation
    consultation_day_usd: float = 300.0


@dataclass
class ChannelsConfig:
    """Switches of the version-2 causal channels, so a paper can isolate each one."""

    compression: bool = True  # parallel tracks and night sittings when days run short
    closing_doors: bool = True  # pressure lowers the threshold for closed informal rooms
    holdout_accommodation: bool = True  # the chair moves the text toward blocking objectors
    shadow_of_vote: bool = True  # blocking power depends on the decision rule
    amendment_votes: bool = False  # objectors force votes on provisions before adoption


@dataclass
class MeasuresConfig:
    """Optional measures that cost extra computation."""

    rush_cost: bool = True  # run the same seed unhurried to measure the rushed compromise


@dataclass
class BehaviourConfig:
    """Behavioural parameters of delegations and stakeholders (all assumptions)."""

    confidence: float = 0.25
    persuasion_rate: float = 0.02
    stakeholder_weight: float = 0.15
    consultation_rate: float = 0.1
    consultation_attendance: float = 0.6
    uninterpreted_presence: float = 0.7
    plenary_priority: float = 0.0
    bloc_coordination: bool = True
    bloc_proxy_weight: float = 0.5
    pressure_budget_weight: float = 0.5
    pressure_gain: float = 2.5
    burden_gain: float = 1.0
    concession_rate: float = 0.15
    attendance_base: float = 0.5
    attendance_stakes_gain: float = 1.5
    attendance_progress_gain: float = 0.5
    lateness_weight: float = 1.0


@dataclass
class RatificationConfig:
    """Ratification hazards and the entry-into-force rule."""

    threshold: int = 40
    days_after_threshold: int = 90
    opening_delay_days: int = 443
    base_hazard_per_year: float = 0.35
    dislike_sensitivity: float = 6.0
    horizon_years: float = 10.0
    report_months: list[int] = field(default_factory=lambda: [22])


@dataclass
class SimConfig:
    """The whole configuration of one scenario x design, plus seed and replications."""

    seed: int = 0
    replications: int = 1
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    process: ProcessConfig = field(default_factory=ProcessConfig)
    funding: FundingConfig = field(default_factory=FundingConfig)
    decision: DecisionConfig = field(default_factory=DecisionConfig)
    cost: CostConfig = field(default_factory=CostConfig)
    behaviour: BehaviourConfig = field(default_factory=BehaviourConfig)
    ratification: RatificationConfig = field(default_factory=RatificationConfig)
    channels: ChannelsConfig = field(default_factory=ChannelsConfig)
    measures: MeasuresConfig = field(default_factory=MeasuresConfig)


@dataclass
class AppConfig(SimConfig):
    """What the command line accepts: the model's inputs plus how to run them."""

    progress: bool = True
    sweep_name: str = "sweep"
    resume: Any = False  # false, true, or the path of a sweep folder to finish


def register_configs() -> None:
    """Register the schema so `configs/config.yaml` is type-checked by Hydra."""
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name="sim_schema", node=AppConfig)


def _plain_value(value: Any) -> Any:
    """A numpy scalar as the Python number it holds (tools like EMA Workbench pass them)."""
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        return value.item()
    return value


def set_values(cfg: SimConfig, values: dict[str, Any]) -> SimConfig:
    """A validated copy of `cfg` with dotted keys set, e.g. `{"cost.meeting_usd": 2e6}`.

    The fast way to evaluate many numeric points of one composed configuration (compose
    once, then set numbers): no Hydra call. Keys reach into nested dataclasses and the
    scenario's dictionaries (`scenario.blocs.sovereignty.centre.safeguards`); numpy
    scalars are accepted. An unknown key raises `ConfigError` naming it.
    """
    out = copy.deepcopy(cfg)
    for key, value in values.items():
        *path, last = key.split(".")
        node: Any = out
        for part in path:
            node = _child(node, part, key)
        value = _plain_value(value)
        if dataclasses.is_dataclass(node):
            if last not in {f.name for f in dataclasses.fields(node)}:
                _fail(key, value, f"a key of {type(node).__name__}")
            current = getattr(node, last)
            whole = isinstance(value, float) and value.is_integer()
            if isinstance(current, int) and not isinstance(current, bool) and whole:
                value = int(value)  # a sampler's 5.0 for a whole-number key
            setattr(node, last, value)
        elif isinstance(node, dict):
            if last not in node:
                _fail(key, value, "an existing key (" + ", ".join(map(str, node)) + ")")
            node[last] = value
        else:
            _fail(key, value, "a key of the configuration")
    validate(out)
    return out


def _child(node: Any, part: str, key: str) -> Any:
    if dataclasses.is_dataclass(node) and part in {f.name for f in dataclasses.fields(node)}:
        return getattr(node, part)
    if isinstance(node, dict) and part in node:
        return node[part]
    raise ConfigError(f"{key}: no configuration key {part!r} at this level")


def to_sim_config(cfg: Any) -> SimConfig:
    """Turn a composed DictConfig (or plain dict) into a validated `SimConfig`.

    A sweep job converts its configuration twice (to name its folder, then to run);
    conversions are memoised on the plain values, and each caller gets its own copy.
    """
    from omegaconf import OmegaConf

    if not isinstance(cfg, SimConfig):
        plain = _plain(cfg)
        key = json.dumps(plain, sort_keys=True, default=repr)
        if key not in _CONVERTED:
            try:
                merged = OmegaConf.merge(_schema(), OmegaConf.create(plain))
            except Exception as err:  # OmegaConf's messages name the key; keep them
                raise ConfigError(f"invalid configuration: {err}") from err
            if len(_CONVERTED) >= 64:
                _CONVERTED.clear()
            _CONVERTED[key] = OmegaConf.to_object(merged)
        cfg = copy.deepcopy(_CONVERTED[key])
    validate(cfg)
    return cfg


_CONVERTED: dict[str, SimConfig] = {}


@functools.cache
def _schema() -> Any:
    """The OmegaConf schema of `SimConfig`, built once (merging copies it)."""
    from omegaconf import OmegaConf

    return OmegaConf.structured(SimConfig)


def _plain(cfg: Any) -> Any:
    from omegaconf import DictConfig, OmegaConf

    if isinstance(cfg, DictConfig):
        container = OmegaConf.to_container(cfg, resolve=True)
        container.pop("hydra", None)
        for key in list(container):
            if key not in {f.name for f in dataclasses.fields(SimConfig)}:
                container.pop(key)  # run-level keys (output, resume, sweep) are not model inputs
        return container
    return cfg


# --------------------------------------------------------------------------- checks


def _fail(key: str, value: Any, allowed: str) -> None:
    raise ConfigError(f"{key} = {value!r} is not allowed: expected {allowed}")


def _number(key: str, value: Any, lo: float | None = None, hi: float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(key, value, "a number")
    if not math.isfinite(value):
        _fail(key, value, "a finite number")
    if lo is not None and value < lo:
        _fail(key, value, f"a number >= {lo}" + (f" and <= {hi}" if hi is not None else ""))
    if hi is not None and value > hi:
        _fail(key, value, f"a number <= {hi}" + (f" and >= {lo}" if lo is not None else ""))


def _integer(key: str, value: Any, lo: float | None = None, hi: float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(key, value, "a whole number")
    _number(key, value, lo, hi)


def _prob(key: str, value: Any) -> None:
    _number(key, value, 0.0, 1.0)


def _choice(key: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        _fail(key, value, "one of " + ", ".join(allowed))


def _by_income(key: str, mapping: dict[str, float], lo: float, hi: float | None = None) -> None:
    for group in mapping:
        _choice(f"{key} key", group, INCOME_GROUPS)
    for group in INCOME_GROUPS:
        if group not in mapping:
            _fail(f"{key}.{group}", None, f"a value for every income group {INCOME_GROUPS}")
        _number(f"{key}.{group}", mapping[group], lo, hi)


def _issue_map(key: str, mapping: dict[str, float], issues: list[str], lo: float, hi: float):
    for issue in mapping:
        _choice(f"{key} key", issue, tuple(issues))
    for issue in issues:
        if issue not in mapping:
            _fail(f"{key}.{issue}", None, f"a value for every issue {list(issues)}")
        _number(f"{key}.{issue}", mapping[issue], lo, hi)


def validate(cfg: SimConfig) -> None:
    """Check ranges and cross-references; raise `ConfigError` naming the first bad key."""
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
    r = cfg.ratification
    _integer("ratification.threshold", r.threshold, 1, 10_000)
    _integer("ratification.days_after_threshold", r.days_after_threshold, 0, 10_000)
    _integer("ratification.opening_delay_days", r.opening_delay_days, 0, 100_000)
    _number("ratification.base_hazard_per_year", r.base_hazard_per_year, 0.0, 100.0)
    _number("ratification.dislike_sensitivity", r.dislike_sensitivity, 0.0, 1000.0)
    _number("ratification.horizon_years", r.horizon_years, 5.0, 1000.0)
    for months in r.report_months:
        _integer("ratification.report_months", months, 1, 12 * 1000)
    for name in ("channels", "measures"):
        for f in dataclasses.fields(getattr(cfg, name)):
            value = getattr(getattr(cfg, name), f.name)
            if not isinstance(value, bool):
                _fail(f"{name}.{f.name}", value, "true or false")


def _validate_scenario(s: ScenarioConfig) -> None:
    if not s.issues:
        _fail("scenario.issues", s.issues, "at least one issue name")
    if len(set(s.issues)) != len(s.issues):
        _fail("scenario.issues", s.issues, "distinct issue names")
    for issue in s.issues:
        if not isinstance(issue, str) or not issue.isidentifier():
            _fail("scenario.issues", issue, "issue names made of letters, digits and _")
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
        _fail("scenario.blocs", s.blocs, "at least one bloc")
    for name, bloc in s.blocs.items():
        key = f"scenario.blocs.{name}"
        _issue_map(f"{key}.centre", bloc.centre, s.issues, 0.0, 1.0)
        _issue_map(f"{key}.salience", bloc.salience, s.issues, 0.0, 1e6)
        for region, share in bloc.share_by_region.items():
            _choice(f"{key}.share_by_region key", region, REGIONS)
            _number(f"{key}.share_by_region.{region}", share, 0.0, 1e6)
    for region in REGIONS:
        if sum(b.share_by_region.get(region, 0.0) for b in s.blocs.values()) <= 0:
            _fail(f"scenario.blocs.*.share_by_region.{region}", 0, "a positive total share")
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
    from sim.population import load_member_table, select_members  # population imports config

    select_members(load_member_table(s.delegations.table), list(s.delegations.include))


def _validate_process(p: ProcessConfig, s: ScenarioConfig) -> None:
    _number("process.disagreement_threshold", p.disagreement_threshold, 0.0, 1.0)
    _prob("process.door_pressure_gain", p.door_pressure_gain)
    _integer("process.informal_from_meeting", p.informal_from_meeting, 0, 1000)
    _integer("process.max_parallel_rooms", p.max_parallel_rooms, 1, 100)
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
