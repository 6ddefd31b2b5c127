"""Prior ranges of sampled parameters: their schema, designs over them, nested YAML to keys.

Calibration, sensitivity and robustness all sample parameters of the model's config
uniformly on ranges written nested like the config (`configs/calibrate.yaml`,
`parameters:`); this module holds what they share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.config import ConfigError

__all__ = ["ParameterRange", "design", "flatten_ranges", "plain"]


@dataclass
class ParameterRange:
    """A prior range: uniform on [low, high]; `integer` samples whole numbers."""

    low: float = 0.0
    high: float = 1.0
    integer: bool = False


def design(parameters: dict[str, ParameterRange], n: int, method: str, seed: int) -> pd.DataFrame:
    """`n` points over the prior ranges (one column per parameter)."""
    from scipy.stats import qmc

    d = len(parameters)
    if method == "sobol":
        unit = qmc.Sobol(d, scramble=True, seed=seed).random(n)
    else:
        unit = qmc.LatinHypercube(d, seed=seed).random(n)
    columns = {}
    for j, (key, rng) in enumerate(parameters.items()):
        if rng.integer:
            whole = np.floor(rng.low + unit[:, j] * (rng.high - rng.low + 1))
            columns[key] = np.clip(whole, rng.low, rng.high).astype(np.int64)
        else:
            columns[key] = rng.low + unit[:, j] * (rng.high - rng.low)
    return pd.DataFrame(columns)


def plain(value: Any) -> Any:
    """A numpy scalar as the Python number it holds (anything else as it is)."""
    return value.item() if hasattr(value, "item") else value


def flatten_ranges(tree: dict[str, Any], prefix: str = "") -> dict[str, ParameterRange]:
    """Nested ranges to dotted keys; a leaf is a mapping with `low` and `high`."""
    out: dict[str, ParameterRange] = {}
    for name, node in tree.items():
        key = f"{prefix}{name}"
        if not isinstance(node, dict):
            raise ConfigError(f"parameters.{key}: expected {{low, high}} or nested keys")
        if "low" in node or "high" in node:
            extra = set(node) - {"low", "high", "integer"}
            if extra or not {"low", "high"} <= set(node):
                raise ConfigError(
                    f"parameters.{key}: a range has low, high and optionally integer "
                    f"(got {sorted(node)})"
                )
            try:
                out[key] = ParameterRange(
                    float(node["low"]), float(node["high"]), bool(node.get("integer", False))
                )
            except (TypeError, ValueError) as err:
                raise ConfigError(f"parameters.{key}: low and high must be numbers") from err
        else:
            out.update(flatten_ranges(node, f"{key}."))
    return out
