"""Ratification hazards and entry into force."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.config import RatificationConfig
from sim.model.ratification import entry_into_force_day, parties_by, ratification_days

CFG = RatificationConfig()  # threshold 40, 90 days after


def test_entry_into_force_is_90_days_after_the_40th_ratification():
    days = np.arange(1.0, 61.0) * 10.0  # ratifications on days 10, 20, ..., 600
    rng = np.random.default_rng(0)
    shuffled = rng.permutation(np.concatenate([days, [np.inf] * 5]))
    assert entry_into_force_day(shuffled, CFG) == 400.0 + 90.0


def test_exactly_40_ratifications_is_enough():
    days = np.concatenate([np.full(40, 100.0), np.full(153, np.inf)])
    days[39] = 750.0
    assert entry_into_force_day(days, CFG) == 750.0 + 90.0


def test_fewer_than_40_ratifications_never_enters_into_force():
    days = np.concatenate([np.arange(39.0), np.full(154, np.inf)])
    assert entry_into_force_day(days, CFG) is None
    assert entry_into_force_day(np.full(193, np.inf), CFG) is None


@given(
    days=arrays(
        np.float64,
        st.integers(0, 80),
        elements=st.one_of(st.just(np.inf), st.integers(0, 5000).map(float)),
    ),
    threshold=st.integers(1, 60),
    after=st.integers(0, 365),
)
def test_entry_into_force_is_the_thresholdth_finite_day_plus_delay(days, threshold, after):
    cfg = replace(CFG, threshold=threshold, days_after_threshold=after)
    eif = entry_into_force_day(days, cfg)
    finite = np.sort(days[np.isfinite(days)])
    if len(finite) < threshold:
        assert eif is None
    else:
        assert eif == finite[threshold - 1] + after
        assert (days <= eif - after).sum() >= threshold


def test_parties_by_counts_ratifications_within_the_horizon():
    days = np.array([100.0, 500.0, 1827.0, np.inf, 3000.0])
    assert parties_by(days, 5 * 365.25) == 2
    assert parties_by(days, 1827.0) == 3
    assert parties_by(np.array([np.inf]), 1e9) == 0


def test_ratification_days_respect_opening_delay_and_horizon():
    rng = np.random.default_rng(1)
    n = 500
    days = ratification_days(rng.random(n) * 0.3, np.full(n, 0.6), CFG, rng)
    finite = days[np.isfinite(days)]
    assert len(finite) > 0
    assert (finite >= CFG.opening_delay_days).all()
    assert (finite <= 365.25 * CFG.horizon_years).all()
    np.testing.assert_array_equal(finite, np.round(finite))


def test_no_legislative_capacity_or_no_hazard_never_ratifies():
    rng = np.random.default_rng(2)
    assert np.isinf(ratification_days(np.zeros(10), np.zeros(10), CFG, rng)).all()
    none = replace(CFG, base_hazard_per_year=0.0)
    assert np.isinf(ratification_days(np.zeros(10), np.ones(10), none, rng)).all()


def test_ratification_is_seeded():
    args = (np.linspace(0, 0.5, 50), np.full(50, 0.5), CFG)
    a = ratification_days(*args, np.random.default_rng(7))
    b = ratification_days(*args, np.random.default_rng(7))
    c = ratification_days(*args, np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_disliked_text_is_ratified_later():
    """The hazard falls with dislike: with the same draws, every wait is at least as long."""
    n = 300
    legislative = np.full(n, 0.6)
    liked = ratification_days(np.zeros(n), legislative, CFG, np.random.default_rng(3))
    disliked = ratification_days(np.full(n, 0.3), legislative, CFG, np.random.default_rng(3))
    assert (disliked >= liked).all()
    assert np.isfinite(liked).sum() > np.isfinite(disliked).sum()


def test_hazard_matches_exponential_waiting_time():
    """Mean wait ~ 1 / rate years after the opening delay (no horizon cut)."""
    cfg = replace(CFG, horizon_years=1000.0, opening_delay_days=0, dislike_sensitivity=0.0)
    n = 20_000
    days = ratification_days(np.zeros(n), np.full(n, 0.5), cfg, np.random.default_rng(4))
    expected_years = 1.0 / (cfg.base_hazard_per_year * 0.5)
    assert days.mean() / 365.25 == pytest.approx(expected_years, rel=0.03)
