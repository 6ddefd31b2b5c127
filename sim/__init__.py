"""Simulator of stakeholder participation in multilateral treaty negotiations.

Public API: `NegotiationModel` (a Mesa model; `Negotiation`, the same without Mesa),
`compose_config` / `set_values` (a configuration from Hydra overrides, then numbers
changed in Python), `run_scenario` (one configuration, many replications, as tables),
`run_sweep` (many configurations, as a results folder), `load_results` (any results
folder as a DataFrame) and the schema `SimConfig`. Each is imported when first used,
so `import sim.<module>` stays light (the package map: docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import importlib

__all__ = [
    "ConfigError",
    "Negotiation",
    "NegotiationModel",
    "SimConfig",
    "compose_config",
    "load_manifest",
    "load_results",
    "run_scenario",
    "run_sweep",
    "set_values",
]

_HOMES = {
    "ConfigError": "sim.config",
    "SimConfig": "sim.config",
    "compose_config": "sim.config",
    "set_values": "sim.config",
    "NegotiationModel": "sim.model.negotiation",
    "Negotiation": "sim.model.session",
    "load_manifest": "sim.store",
    "load_results": "sim.store",
    "run_scenario": "sim.api",
    "run_sweep": "sim.api",
}


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
