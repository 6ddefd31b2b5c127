"""Simulator of stakeholder participation in multilateral treaty negotiations.

Public API: `NegotiationModel` (a Mesa model), `run_scenario` (one configuration, many
replications, as tables), `run_sweep` (many configurations, as a results folder),
`load_results` (any results folder as a DataFrame) and the schema `SimConfig`.
"""

from __future__ import annotations

from sim.api import compose_config, load_manifest, load_results, run_scenario, run_sweep
from sim.config import ConfigError, SimConfig

__all__ = [
    "ConfigError",
    "NegotiationModel",
    "SimConfig",
    "compose_config",
    "load_manifest",
    "load_results",
    "run_scenario",
    "run_sweep",
]


def __getattr__(name: str):
    if name == "NegotiationModel":  # lazy: importing Mesa costs a second
        from sim.model import NegotiationModel

        return NegotiationModel
    raise AttributeError(name)
