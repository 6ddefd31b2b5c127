"""What the statistics tests compute by hand with: the quantiles, and a whole-result check.

Shared by tests/test_compare.py (sim.analysis.stats) and tests/test_paired.py
(sim.analysis.paired), whose expectations are worked out from these numbers.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

NAN = math.nan
Z95 = 1.959963984540054  # standard normal 97.5% quantile
T95_1 = 12.706204736174698  # Student t 97.5% quantile, 1 degree of freedom
T95_2 = 4.302652729749464  # 2 degrees of freedom
T95_3 = 3.182446305284263  # 3 degrees of freedom


def assert_fields(result: object, **expected: object) -> None:
    """Every field of a result dataclass equals the hand computation (NaN equals NaN)."""
    assert dataclasses.asdict(result) == pytest.approx(expected, nan_ok=True)


UNDEFINED = ("difference", "statistic", "p", "effect_size", "diff_low", "diff_high")


def assert_undefined(result: object, **known: object) -> None:
    """`assert_fields` for a comparison with nothing to compare: every field `known` does
    not name is a statistic that must be NaN (a test with no data reports no number)."""
    assert_fields(result, **({name: NAN for name in UNDEFINED} | known))
