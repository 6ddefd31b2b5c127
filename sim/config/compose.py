"""From Hydra's composed configuration, or from Python values, to a validated `SimConfig`."""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
from pathlib import Path
from typing import Any

from sim.config.checks import reject, validate
from sim.config.names import ConfigError
from sim.config.schema import SimConfig, register_configs

__all__ = ["CONFIG_DIR", "check_overrides", "compose_config", "set_values", "to_sim_config"]

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"


def compose_config(overrides: list[str] | None = None) -> SimConfig:
    """Compose `configs/config.yaml` with Hydra overrides, exactly as the CLI does.

    Example: `compose_config(["process=open_plenary", "cost.meeting_usd=2e6"])`. Each
    call costs a Hydra composition (~0.2 s): to evaluate many numeric points, compose
    once and change numbers with `set_values`.
    """
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    register_configs()
    check_overrides(overrides or [])
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose(config_name="config", overrides=list(overrides or []))
    return to_sim_config(cfg)


_BOOLEANS = {"true", "false"}


@functools.cache
def _bool_keys(node: Any = SimConfig, prefix: str = "") -> set[str]:
    """Dotted keys of the schema's true/false fields (`channels.amendment_votes`, ...)."""
    import typing

    found: set[str] = set()
    hints = typing.get_type_hints(node)
    for f in dataclasses.fields(node):
        kind = hints.get(f.name)
        if kind is bool:
            found.add(prefix + f.name)
        elif dataclasses.is_dataclass(kind):
            found |= _bool_keys(kind, f"{prefix}{f.name}.")
    return found


def check_overrides(overrides: list[str]) -> None:
    """Refuse a true/false key given anything else: OmegaConf reads ``2`` as true."""
    keys = _bool_keys()
    for item in overrides:
        key, sep, value = str(item).partition("=")
        key = key.lstrip("+~")
        if not sep or key not in keys:
            continue
        for part in value.split(","):  # a sweep's values
            if part.strip().strip("'\"").lower() not in _BOOLEANS:
                reject(key, part.strip(), "true or false")


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
                reject(key, value, f"a key of {type(node).__name__}")
            current = getattr(node, last)
            whole = isinstance(value, float) and value.is_integer()
            if isinstance(current, int) and not isinstance(current, bool) and whole:
                value = int(value)  # a sampler's 5.0 for a whole-number key
            setattr(node, last, value)
        elif isinstance(node, dict):
            if last not in node:
                reject(key, value, "an existing key (" + ", ".join(map(str, node)) + ")")
            node[last] = value
        else:
            reject(key, value, "a key of the configuration")
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
        # Jobs of a sweep often differ only in their seed or replications: convert the
        # rest once and set those two (plain ints, as OmegaConf would keep them).
        counts = {k: plain.get(k) for k in _COUNTS} if isinstance(plain, dict) else {}
        plain_counts = all(type(v) is int for v in counts.values()) and len(counts) == 2
        rest = {k: v for k, v in plain.items() if k not in _COUNTS} if plain_counts else plain
        key = json.dumps(rest, sort_keys=True, default=repr)
        if key not in _CONVERTED:
            try:
                merged = OmegaConf.merge(_schema(), OmegaConf.create(plain))
            except Exception as err:  # OmegaConf's messages name the key; keep them
                raise ConfigError(f"invalid configuration: {err}") from err
            if len(_CONVERTED) >= 64:
                _CONVERTED.clear()
            _CONVERTED[key] = OmegaConf.to_object(merged)
        cfg = copy.deepcopy(_CONVERTED[key])
        if plain_counts:
            cfg.seed, cfg.replications = counts["seed"], counts["replications"]
    validate(cfg)
    return cfg


_CONVERTED: dict[str, SimConfig] = {}
_COUNTS = ("seed", "replications")


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
