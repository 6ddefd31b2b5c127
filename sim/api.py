"""Library API for notebooks and scripts: compose a configuration, run it, get tables."""

from __future__ import annotations

from pathlib import Path

from sim.config import SimConfig, register_configs, to_sim_config
from sim.replicate import Tables, run_replications

__all__ = ["CONFIG_DIR", "compose_config", "run_scenario"]

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"


def compose_config(overrides: list[str] | None = None) -> SimConfig:
    """Compose `configs/config.yaml` with Hydra overrides, exactly as the CLI does.

    Example: `compose_config(["process=open_plenary", "cost.meeting_usd=2e6"])`.
    """
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    register_configs()
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose(config_name="config", overrides=list(overrides or []))
    return to_sim_config(cfg)


def run_scenario(
    config: SimConfig | list[str] | None = None, replications: int | None = None
) -> Tables:
    """Run a configuration (a `SimConfig` or a list of overrides) and return its tables."""
    if not isinstance(config, SimConfig):
        config = compose_config(config)
    if replications is not None:
        from dataclasses import replace

        config = replace(config, replications=replications)
    return run_replications(to_sim_config(config))
