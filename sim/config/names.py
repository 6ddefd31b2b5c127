"""The fixed vocabularies of the model: group codes, rule names, and the config error.

The lowest module of the package: schemas, checks, tables and the model use these names.
"""

from __future__ import annotations

__all__ = [
    "COST_SHARING_MODES",
    "CRN_MODES",
    "DECISION_RULES",
    "FRIENDS_SELECTION",
    "INCOME_GROUPS",
    "REGIONS",
    "STAKEHOLDER_KINDS",
    "ConfigError",
]

INCOME_GROUPS = ("HIC", "UMIC", "LMIC", "LIC")
REGIONS = ("AFR", "APG", "EEG", "GRULAC", "WEOG")
STAKEHOLDER_KINDS = ("civil_society", "industry", "un_agency", "academia")
DECISION_RULES = ("consensus_then_vote", "consensus_only", "two_thirds_vote")
FRIENDS_SELECTION = ("capability", "bloc")
COST_SHARING_MODES = ("flat", "capacity")
CRN_MODES = ("auto", True, False)
"""`crn`: common random numbers on, off, or decided by what a sweep varies (`sim.run.seeds`)."""


class ConfigError(ValueError):
    """A configuration value is out of range or inconsistent; the message names the key."""
