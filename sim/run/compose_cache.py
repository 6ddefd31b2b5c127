"""Compose each group combination of a sweep once; derive its jobs' configurations.

Why: Hydra composes every job of a sweep from scratch (defaults list, YAML files,
merges), twice under the basic and joblib launchers (the sweeper's check of the batch,
then the launch): about 0.13 s of CPU a job, more than a small job's runs. Jobs that
choose the same config groups differ only in values (`seed=3`, `cost.meeting_usd=2e6`),
so `CachingConfigLoader` composes the first job of each group combination with Hydra
and derives the others from a copy of it: the new values set as Hydra sets them
(`_apply_overrides_to_config`), and the job's record (`hydra.overrides.task`,
`hydra.job.override_dirname`) rewritten. Anything it cannot derive the same way
(`+key`, `~key`, `++key`, a list or dict value, a package override) is composed by
Hydra as before. `tests/test_compose_cache.py` checks derived configurations equal
Hydra's own, key for key.

The cache lives in the process (so a warm worker of the joblib launcher keeps it from
job to job) and is scoped by a token per sweep, so no sweep reads another's entries.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

__all__ = ["CachingConfigLoader"]

_CACHE: dict[tuple, Any] = {}
_MAX_ENTRIES = 64  # group combinations kept per process (a composed config is ~100 kB)


class CachingConfigLoader:
    """A Hydra `ConfigLoader` whose `load_sweep_config` reuses compositions."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._token = uuid.uuid4().hex

    def __getattr__(self, name: str) -> Any:  # everything else is Hydra's loader
        if name.startswith("__") or name in ("_inner", "_token"):
            raise AttributeError(name)
        return getattr(self._inner, name)

    def load_sweep_config(self, master_config: Any, sweep_overrides: list[str]) -> Any:
        hydra_overrides = [str(o) for o in master_config.hydra.overrides.hydra]
        plan = self._plan(hydra_overrides, list(sweep_overrides))
        if plan is None:
            return self._inner.load_sweep_config(master_config, list(sweep_overrides))
        signature, values, task = plan
        key = (self._token, str(master_config.hydra.job.config_name), *signature)
        base = _CACHE.get(key)
        if base is None:
            cfg = self._inner.load_sweep_config(master_config, list(sweep_overrides))
            if len(_CACHE) >= _MAX_ENTRIES:
                _CACHE.clear()
            _CACHE[key] = copy.deepcopy(cfg)
            return cfg
        return _derive(base, master_config, values, task)

    def check_sweep_overrides(self, master_config: Any, sweep_overrides: list[str]) -> None:
        """Raise as `load_sweep_config` would, without building the job's configuration.

        The sweeper's check of a batch: a derivable job's values are set on its group
        combination's cached composition itself (harmless: `_derive` sets every one of
        those keys again on its copy), not on a fresh copy.
        """
        hydra_overrides = [str(o) for o in master_config.hydra.overrides.hydra]
        plan = self._plan(hydra_overrides, list(sweep_overrides))
        if plan is None:
            self._inner.load_sweep_config(master_config, list(sweep_overrides))
            return
        signature, values, _ = plan
        base = _CACHE.get((self._token, str(master_config.hydra.job.config_name), *signature))
        if base is None:
            self.load_sweep_config(master_config, list(sweep_overrides))  # composes, caches
            return
        from hydra._internal.config_loader_impl import ConfigLoaderImpl

        ConfigLoaderImpl._apply_overrides_to_config(values, base)

    def _plan(self, hydra_overrides: list[str], overrides: list[str]) -> tuple | None:
        """(signature, value overrides, task lines), or None to compose with Hydra."""
        from hydra.core.override_parser.overrides_parser import OverridesParser
        from hydra.core.override_parser.types import OverrideType

        try:
            parsed = OverridesParser.create().parse_overrides([*hydra_overrides, *overrides])
        except Exception:  # Hydra reports the error in its own words
            return None
        signature: list[tuple] = []
        values, task = [], []
        for override in parsed:
            if override.is_hydra_override():
                signature.append(("hydra", override.input_line))
                continue
            task.append(override.input_line)
            if (
                override.type != OverrideType.CHANGE
                or override.package is not None
                or override.is_sweep_override()
            ):
                return None
            key = override.key_or_group
            if self._inner.repository.group_exists(key):
                signature.append(("group", override.input_line))
                continue
            if isinstance(override.value(), list | dict):
                return None  # Hydra merges these into what is there: compose afresh
            signature.append(("value", key))
            values.append(override)
        return tuple(signature), values, task


def _derive(base: Any, master_config: Any, values: list, task: list[str]) -> Any:
    """`base` (a composition of the same groups and keys) with this job's values."""
    from hydra._internal.config_loader_impl import ConfigLoaderImpl, get_overrides_dirname
    from omegaconf import OmegaConf, open_dict

    cfg = copy.deepcopy(base)
    ConfigLoaderImpl._apply_overrides_to_config(values, cfg)
    with open_dict(cfg.hydra):
        cfg.hydra.overrides.task = task
        dirname = cfg.hydra.job.config.override_dirname
        cfg.hydra.job.override_dirname = get_overrides_dirname(
            overrides=_app_overrides(task),
            kv_sep=dirname.kv_sep,
            item_sep=dirname.item_sep,
            exclude_keys=dirname.exclude_keys,
        )
    OmegaConf.copy_cache(from_config=master_config, to_config=cfg)
    return cfg


def _app_overrides(task: list[str]) -> list:
    from hydra.core.override_parser.overrides_parser import OverridesParser

    return OverridesParser.create().parse_overrides(task)
