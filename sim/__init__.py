"""Simulator of stakeholder participation in multilateral treaty negotiations.

Public API: `NegotiationModel` (a Mesa model), `run_scenario` (one configuration, many
replications, as tables) and the configuration schema `SimConfig`.
"""

from __future__ import annotations

from sim.api import compose_config, run_scenario
from sim.config import ConfigError, SimConfig

__all__ = ["ConfigError", "NegotiationModel", "SimConfig", "compose_config", "run_scenario"]


def __getattr__(name: str):
    if name == "NegotiationModel":  # lazy: importing Mesa costs a second
        from sim.model import NegotiationModel

        return NegotiationModel
    raise AttributeError(name)
