"""Configuration: the typed schema, its checks, and composing it with Hydra.

Modules, each importing only those above it:

- `names`: group codes, rule names, `ConfigError`;
- `schema`: the dataclasses (Hydra's structured config);
- `members`: the member-state table, parsed strictly;
- `checks`: `validate`, naming the key, the value and what is allowed;
- `compose`: `to_sim_config` (from Hydra) and `set_values` (from Python numbers).
"""

from __future__ import annotations

from sim.config.checks import reject, validate
from sim.config.compose import CONFIG_DIR, compose_config, set_values, to_sim_config
from sim.config.names import (
    COST_SHARING_MODES,
    DECISION_RULES,
    FRIENDS_SELECTION,
    INCOME_GROUPS,
    REGIONS,
    STAKEHOLDER_KINDS,
    ConfigError,
)
from sim.config.schema import (
    AppConfig,
    BehaviourConfig,
    BlocConfig,
    CalendarConfig,
    ChannelsConfig,
    CompressionConfig,
    CostConfig,
    DecisionConfig,
    DelegationsConfig,
    FriendsConfig,
    FundingConfig,
    MeasuresConfig,
    ProcessConfig,
    RatificationChannels,
    RatificationConfig,
    ScenarioConfig,
    SignatureCount,
    SimConfig,
    StakeholderKindConfig,
    TreatyEvent,
    register_configs,
)

__all__ = [
    "CONFIG_DIR",
    "COST_SHARING_MODES",
    "DECISION_RULES",
    "FRIENDS_SELECTION",
    "INCOME_GROUPS",
    "REGIONS",
    "STAKEHOLDER_KINDS",
    "AppConfig",
    "BehaviourConfig",
    "BlocConfig",
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
    "RatificationChannels",
    "RatificationConfig",
    "ScenarioConfig",
    "SignatureCount",
    "SimConfig",
    "StakeholderKindConfig",
    "TreatyEvent",
    "compose_config",
    "register_configs",
    "reject",
    "set_values",
    "to_sim_config",
    "validate",
]
