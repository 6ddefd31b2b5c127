"""After adoption: each state ratifies with a hazard; entry into force at a threshold."""

from __future__ import annotations

import numpy as np

from sim.config import RatificationConfig

__all__ = ["entry_into_force_day", "parties_by", "ratification_days"]


def ratification_days(
    dislike: np.ndarray,
    legislative: np.ndarray,
    cfg: RatificationConfig,
    rng: np.random.Generator,
) -> np.ndarray:
    """Days after adoption on which each state ratifies (inf: not within the horizon).

    The yearly hazard grows with legislative capacity and falls exponentially with how
    far the final text is from the state's original ideal; signature opens after
    `opening_delay_days`.
    """
    rate = cfg.base_hazard_per_year * legislative * np.exp(-cfg.dislike_sensitivity * dislike)
    waits = rng.exponential(size=len(dislike))  # unit-rate draws, scaled below
    with np.errstate(divide="ignore"):
        years = np.where(rate > 0, waits / np.where(rate > 0, rate, 1.0), np.inf)
    days = cfg.opening_delay_days + 365.25 * years
    return np.where(days <= 365.25 * cfg.horizon_years, np.round(days), np.inf)


def entry_into_force_day(days: np.ndarray, cfg: RatificationConfig) -> float | None:
    """Days after adoption on which the treaty enters into force, or None if it never does."""
    finite = np.sort(days[np.isfinite(days)])
    if len(finite) < cfg.threshold:
        return None
    return float(finite[cfg.threshold - 1] + cfg.days_after_threshold)


def parties_by(days: np.ndarray, horizon_days: float) -> int:
    """How many states have ratified within `horizon_days` of adoption."""
    return int((days <= horizon_days).sum())
