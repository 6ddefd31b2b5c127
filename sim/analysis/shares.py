"""Categorical outcomes as shares: what a mean over runs may be taken of.

Why: `adopted_by_code` (0 none, 1 vote, 2 consensus) is a code, not a quantity. Its
mean over a point's runs mixes "half the runs by vote" with "all of them by vote and
consensus alternately", so sensitivity indices, robustness rankings and EMA outcomes
computed from it say nothing a reader can state. Each categorical outcome is replaced
by the shares of runs in its categories (a boolean column's mean is a share): here
`adopted_by_consensus` and `adopted` (by consensus or by vote), from which the share
adopted by vote is their difference.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sim.analysis.designs import add_derived

__all__ = ["CATEGORICAL", "as_shares", "share_outcomes"]

CATEGORICAL: dict[str, tuple[str, ...]] = {"adopted_by_code": ("adopted_by_consensus", "adopted")}
"""A categorical outcome -> the boolean columns whose means are its shares."""


def share_outcomes(outcomes: Sequence[str]) -> list[str]:
    """The outcomes with each categorical one replaced by its share columns (no repeats)."""
    expanded = [name for o in outcomes for name in CATEGORICAL.get(o, (o,))]
    return list(dict.fromkeys(expanded))


def as_shares(runs: pd.DataFrame) -> pd.DataFrame:
    """`runs` with the share columns added (booleans, so a mean over runs is a share)."""
    return add_derived(runs)
