"""After adoption: who signs, how fast each state ratifies, and entry into force.

Why this shape (docs/ODD.md, section 6 "Ratification"): a constant hazard for every
state, signatory or not, cannot give a slow start and a fast finish. One behaviour with
five ingredients, each switched by `ratification.channels`, does the work for every
treaty; each treaty brings only its facts (dates, signature counts, events):

1. signature: the record's dated counts say how many states have signed by when; which
   ones is drawn, more likely those the text serves (odds `exp(-dislike_sensitivity x
   d)`, Gumbel top-k). A signatory's procedure starts when it signs; the others accede
   from `accession_opens_day` at `accession_factor` of the pace;
2. procedures: the work a procedure needs is Gamma(`procedure_shape`) with mean 1, done at
   a pace proportional to legislative capacity (shape 1: the memoryless hazard);
3. distance: the pace falls as `exp(-dislike_sensitivity x d)`, d the salience-weighted
   distance of the text from the state's ORIGINAL ideal (`final_distance`);
4. diffusion: the pace rises by `1 + peer_gain x` the share of region and bloc peers party;
5. events: the pace is multiplied by `event_multiplier` within `event_window_days` of a
   treaty event.

Random draws come only from the run's `ratification` stream, in a fixed order whatever
the switches: one uniform per state for the signing order, then the procedures' needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.config import RatificationConfig
from sim.model.dynamics import salience_distance
from sim.model.ratification_clock import (
    PeerGroups,
    campaign_windows,
    first_passage,
    signing_days,
)

if TYPE_CHECKING:
    from sim.model.population import Delegations

__all__ = [
    "DAYS_PER_MONTH",
    "DAYS_PER_YEAR",
    "Ratifiers",
    "entry_into_force_day",
    "parties_by",
    "parties_by_month",
    "ratification_days",
    "ratify",
    "signing_order",
]

DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12


@dataclass(frozen=True)
class Ratifiers:
    """The states that may ratify, as parallel arrays (row i is one state)."""

    dislike: np.ndarray  # salience-weighted distance of the text from the original ideal
    capacity: np.ndarray  # legislative capacity: the pace of domestic procedures
    region: np.ndarray  # peer groups for diffusion (integer codes)
    bloc: np.ndarray


def ratify(
    delegations: Delegations,
    text: np.ndarray,
    cfg: RatificationConfig,
    rng: np.random.Generator,
    passage: Callable[..., np.ndarray] = first_passage,
) -> np.ndarray | None:
    """The model's entry point: each state's ratification day, or None when there is no treaty.

    `passage` is `first_passage` or its compiled twin (`Mechanisms.first_passage`).
    """
    if not cfg.treaty:
        return None
    dl = delegations
    dislike = salience_distance(dl.ideal, text, dl.salience)
    states = Ratifiers(dislike, dl.legislative, dl.region, dl.bloc)
    return ratification_days(states, cfg, rng, passage)


def signing_order(keys: np.ndarray, dislike: np.ndarray, sensitivity: float) -> np.ndarray:
    """States in the order they sign: Gumbel top-k, odds `exp(-sensitivity x dislike)`.

    `keys` are uniform draws; with `sensitivity` 0 every order is equally likely.
    """
    gumbel = -np.log(-np.log(np.clip(keys, 1e-300, 1.0 - 1e-16)))
    return np.argsort(-(gumbel - sensitivity * dislike), kind="stable")


def ratification_days(
    states: Ratifiers,
    cfg: RatificationConfig,
    rng: np.random.Generator,
    passage: Callable[..., np.ndarray] = first_passage,
) -> np.ndarray:
    """Days after adoption on which each state ratifies (inf: not within the horizon)."""
    on = cfg.channels
    n = len(states.dislike)
    keys = rng.random(n)  # drawn first, whatever the switches (paired arms stay paired)
    shape = cfg.procedure_shape if on.procedures else 1.0
    need = rng.gamma(shape, 1.0 / shape, size=n)  # gamma(1, 1) is the exponential draw
    sensitivity = cfg.dislike_sensitivity if on.distance else 0.0
    pace = cfg.base_hazard_per_year / DAYS_PER_YEAR * states.capacity
    pace = pace * np.exp(-sensitivity * states.dislike)
    if on.signature:
        order = signing_order(keys, states.dislike, sensitivity)
        signed = signing_days(order, [(c.day, c.states) for c in cfg.signatures])
        start = np.where(np.isfinite(signed), signed, float(cfg.accession_opens_day))
        pace = np.where(np.isfinite(signed), pace, pace * cfg.accession_factor)
    else:
        start = np.full(n, float(cfg.opening_delay_days))
    horizon = DAYS_PER_YEAR * cfg.horizon_years
    windows = campaign_windows(
        [e.day for e in cfg.events] if on.events else [], cfg.event_window_days, horizon
    )
    peers = PeerGroups(states.region, states.bloc) if on.diffusion else None
    days = passage(start, pace, need, horizon, windows, cfg.event_multiplier, peers, cfg.peer_gain)
    return np.where(days <= horizon, np.round(days), np.inf)


def entry_into_force_day(days: np.ndarray, cfg: RatificationConfig) -> float | None:
    """Days after adoption on which the treaty enters into force, or None if it never does."""
    finite = np.sort(days[np.isfinite(days)])
    if len(finite) < cfg.threshold:
        return None
    return float(finite[cfg.threshold - 1] + cfg.days_after_threshold)


def parties_by(days: np.ndarray, horizon_days: float) -> int:
    """How many states have ratified within `horizon_days` of adoption."""
    return int((days <= horizon_days).sum())


def parties_by_month(days: np.ndarray, months: int) -> np.ndarray:
    """Parties at the end of each month 0, 1, ..., `months` after adoption."""
    ends = np.arange(months + 1) * DAYS_PER_MONTH
    return np.searchsorted(np.sort(days[np.isfinite(days)]), ends, side="right")
