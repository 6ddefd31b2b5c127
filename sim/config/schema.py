"""Typed configuration schemas, registered with Hydra.

The dataclasses give every parameter its name and type; the YAML under `configs/`
gives every default with its unit and source, and `tests/test_defaults.py` checks that
the dataclasses' defaults are the YAML's. Hydra/OmegaConf checks types when YAML is
merged into them; `sim.config.checks.validate` then checks ranges and cross-references.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AppConfig",
    "BehaviourConfig",
    "BlocConfig",
    "CalendarConfig",
    "ChannelsConfig",
    "CompressionConfig",
    "CostConfig",
    "DecisionConfig",
    "DelegationsConfig",
    "FriendsConfig",
    "FundingConfig",
    "MeasuresConfig",
    "ProcessConfig",
    "RatificationChannels",
    "RatificationConfig",
    "ScenarioConfig",
    "SignatureCount",
    "SimConfig",
    "StakeholderKindConfig",
    "TreatyEvent",
    "register_configs",
]


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
        default_factory=lambda: _by_group(1840000.0, 100000, 65600.0, 21200.0)
    )
    budget_sigma: float = 0.77
    staff_mean: dict[str, float] = field(default_factory=lambda: _by_group(6.42, 4.01, 3.16, 1.99))
    staff_max: int = 15
    expertise_mean: dict[str, float] = field(
        default_factory=lambda: _by_group(0.694, 0.668, 0.51, 0.222)
    )
    expertise_concentration: float = 18.8
    legislative_capacity: dict[str, float] = field(
        default_factory=lambda: _by_group(0.767, 0.711, 0.332, 0.295)
    )
    other_language_share: dict[str, float] = field(
        default_factory=lambda: {"AFR": 0.45, "APG": 0.5, "EEG": 0.4, "GRULAC": 0.8, "WEOG": 0.2}
    )
    ideal_sd: float = 0.18
    salience_concentration: float = 15.5
    reservation_mean: float = 0.0766
    reservation_sd: float = 0.0235


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

    meetings: int = 7
    days: int = 10
    interval_days: int = 117
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
    from_meeting: int = 5
    size: int = 12
    selection: str = "capability"
    issues: int = 1
    step: float = 0.35


@dataclass
class CompressionConfig:
    """How the chair fits the open text into the meeting-days the budget still pays for."""

    text_days: float = 40.0  # issue-days of negotiation the whole text needs
    max_parallel_rooms: int = 3  # informal tracks the chair may run at once when pressed
    night_share: float = 0.5  # a night sitting adds this share of a day (3 h on two 3-h meetings)


@dataclass
class ProcessConfig:
    """How rooms are organised: the plenary, informal rooms and the deeper tier."""

    name: str = "two_tier"
    informal_rooms: bool = True
    disagreement_threshold: float = 0.35
    door_pressure_gain: float = 1.0  # the threshold falls by this share per unit pressure
    informal_from_meeting: int = 0  # 0 = whenever the negotiation calls for it
    stocktaking_days: int = 0  # plenary days a meeting keeps when every issue is behind doors
    max_parallel_rooms: int = 2
    observers_in_informal: bool = False
    step_formal: float = 0.0172
    step_informal: float = 0.256
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
    earliest_tabling_meeting: int = 2
    max_extensions: int = 1
    abstain_margin: float = 0.108
    accommodation_rate: float = 1.0  # share of the gap to the holdouts closed per unit pressure
    consensus_value: float = 0.502  # blocking power of objectors a fallback vote would outvote


@dataclass
class CostConfig:
    """Money: what a meeting and a delegate-day cost, and what the process can spend."""

    meeting_usd: float = 1.0e6
    delegate_day_usd: float = 600.0
    process_budget_usd: float = 9170000
    extension_authorised: bool = True  # an extension meeting brings its own authorisation
    consultation_day_usd: float = 393.0


@dataclass
class ChannelsConfig:
    """Switches of the causal channels (versions 2 and 3), so a paper can isolate each one."""

    compression: bool = True  # parallel tracks and night sittings when days run short
    closing_doors: bool = True  # pressure lowers the threshold for closed informal rooms
    holdout_accommodation: bool = True  # the chair moves the text toward blocking objectors
    shadow_of_vote: bool = True  # blocking power depends on the decision rule
    amendment_votes: bool = False  # objectors force votes on provisions before adoption
    audience_costs: bool = True  # delegates concede and listen less where stakeholders watch
    room_size: bool = True  # a room-day's negotiating time is shared among the voices present
    unfinished_work: bool = True  # no tabling before the work is done; unfinished = zero draft
    acquiescence: bool = True  # an objector may let the text pass rather than block it


@dataclass
class MeasuresConfig:
    """Optional measures that cost extra computation."""

    rush_cost: bool = True  # run the same seed unhurried to measure the rushed compromise


@dataclass
class BehaviourConfig:
    """Behavioural parameters of delegations and stakeholders (all assumptions).

    Units, meanings and which values are calibrated: `configs/behaviour/default.yaml`.
    """

    confidence: float = 0.29
    persuasion_rate: float = 0.0312
    stakeholder_weight: float = 0.283
    consultation_rate: float = 0.065
    consultation_attendance: float = 0.596
    uninterpreted_presence: float = 0.543
    plenary_priority: float = 0.161
    bloc_coordination: bool = True
    bloc_proxy_weight: float = 0.957
    pressure_budget_weight: float = 0.485
    pressure_gain: float = 2.78
    burden_gain: float = 1.45
    concession_rate: float = 0.251
    attendance_base: float = 0.142
    attendance_stakes_gain: float = 0.493
    attendance_progress_gain: float = 0.546
    lateness_weight: float = 0.21
    audience_cost: float = 0.315
    room_half_voices: float = 92.3
    acquiescence_cost: float = 0.644


@dataclass
class SignatureCount:
    """A dated count of signatory states (a fact of the record)."""

    day: int = 0  # days after the model's adoption (the approval or the agreed text)
    states: int = 0  # signatory states by that day (regional organisations left out)


@dataclass
class TreatyEvent:
    """A dated treaty event around which a ratification campaign runs (a fact)."""

    name: str = ""
    day: int = 0  # days after the model's adoption


@dataclass
class RatificationChannels:
    """Switches of the ratification ingredients, so a paper can isolate each one."""

    signature: bool = True  # who signs and when; non-signatories accede at another pace
    procedures: bool = True  # gamma-distributed domestic procedures (off: memoryless)
    distance: bool = True  # a contested text is signed and ratified more slowly
    diffusion: bool = True  # the hazard rises with the share of peers already party
    events: bool = True  # campaigns multiply the hazard around treaty events


def _convention_signatures() -> list[SignatureCount]:
    return [SignatureCount(443, 71), SignatureCount(468, 72), SignatureCount(654, 73)]


@dataclass
class RatificationConfig:
    """Signature, ratification and entry into force: one behaviour, each treaty's facts.

    Facts (each treaty's own): `treaty`, the entry-into-force rule, the signature window,
    its dated counts and the accession rule, the treaty events, `report_months`. The
    behaviour (the rest, ASSUMPTION, calibrated jointly) is the same for every treaty.
    """

    treaty: bool = True  # false: no adopted treaty (the plastics INC), nothing is ratified
    threshold: int = 40
    days_after_threshold: int = 90
    opening_delay_days: int = 443  # signature opens this many days after adoption
    signature_closes_day: int = 875
    accession_opens_day: int = 443
    signatures: list[SignatureCount] = field(default_factory=_convention_signatures)
    events: list[TreatyEvent] = field(
        default_factory=lambda: [TreatyEvent("hanoi_signing_ceremony", 443)]
    )
    base_hazard_per_year: float = 3.0
    dislike_sensitivity: float = 8.51
    procedure_shape: float = 5.0
    accession_factor: float = 0.618
    peer_gain: float = 0.515
    event_multiplier: float = 1.39
    event_window_days: int = 30
    horizon_years: float = 10.0
    report_months: list[int] = field(default_factory=lambda: [22])
    channels: RatificationChannels = field(default_factory=RatificationChannels)


@dataclass
class SimConfig:
    """The whole configuration of one scenario x design, plus seed and replications."""

    seed: int = 0
    replications: int = 1
    # Common random numbers: replication r of every design draws the same population and
    # the same per-stage streams (true), each configuration its own (false), or true
    # unless a sweep varies more than process, funding, decision and cost (auto).
    crn: Any = "auto"
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
