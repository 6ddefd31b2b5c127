"""Drafting, persuasion, disagreement and pressure against their closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.model.dynamics import (
    StakeholderPull,
    bounded_confidence_sorted,
    bounded_confidence_step,
    compromise,
    confidence_pull,
    disagreement,
    exposed_concession,
    pressure,
    reservation_now,
    salience_distance,
)
from sim.model.sitting import RoomLayout, sit, sit_room

unit = st.floats(0.0, 1.0, allow_nan=False, allow_infinity=False)


@st.composite
def position_matrix(draw, min_rows=1, max_rows=25, max_cols=5):
    n = draw(st.integers(min_rows, max_rows))
    k = draw(st.integers(1, max_cols))
    return draw(arrays(np.float64, (n, k), elements=unit))


def _near_boundary(x: np.ndarray, y: np.ndarray, confidence: float) -> bool:
    """Whether some pair sits within rounding of the confidence edge (ambiguous by design)."""
    gaps = np.abs(x[:, None, :] - y[None, :, :])
    return bool((np.abs(gaps - confidence - 1e-12) < 1e-13).any())


def brute_force_hk(x: np.ndarray, confidence: float, rate: float) -> np.ndarray:
    """One synchronous Hegselmann-Krause step, written as the textbook n x n loop."""
    n, k = x.shape
    out = np.empty_like(x)
    for j in range(k):
        for i in range(n):
            peers = [x[p, j] for p in range(n) if abs(x[p, j] - x[i, j]) <= confidence + 1e-12]
            out[i, j] = x[i, j] + rate * (sum(peers) / len(peers) - x[i, j])
    return out


def brute_force_pull(x, sources, weights, confidence, rate):
    n, k = x.shape
    out = np.empty_like(x)
    for j in range(k):
        for i in range(n):
            w = v = 0.0
            for s in range(len(sources)):
                if abs(sources[s, j] - x[i, j]) <= confidence + 1e-12:
                    w += weights[s, j]
                    v += weights[s, j] * sources[s, j]
            target = v / w if w > 0 else x[i, j]
            out[i, j] = x[i, j] + rate * (target - x[i, j])
    return out


# ----------------------------------------------------------------- persuasion


@given(x=position_matrix(), confidence=unit, rate=unit)
def test_bounded_confidence_step_equals_brute_force_hk(x, confidence, rate):
    assume(not _near_boundary(x, x, confidence))
    fast = bounded_confidence_step(x, confidence, rate)
    np.testing.assert_allclose(fast, brute_force_hk(x, confidence, rate), rtol=0, atol=1e-10)


def test_bounded_confidence_step_is_pure_and_keeps_shape():
    rng = np.random.default_rng(1)
    x = rng.random((30, 4))
    before = x.copy()
    y = bounded_confidence_step(x, 0.2, 0.5)
    assert y.shape == x.shape
    np.testing.assert_array_equal(x, before)


def test_bounded_confidence_full_confidence_is_mean_field():
    """With confidence 1 every actor sees everyone: one step at rate 1 reaches the mean."""
    rng = np.random.default_rng(2)
    x = rng.random((17, 3))
    y = bounded_confidence_step(x, 1.0, 1.0)
    np.testing.assert_allclose(y, np.broadcast_to(x.mean(axis=0), x.shape), atol=1e-12)


def test_bounded_confidence_zero_confidence_or_rate_changes_nothing_for_distinct_points():
    x = np.linspace(0, 1, 11)[:, None]
    np.testing.assert_allclose(bounded_confidence_step(x, 0.0, 0.7), x, atol=1e-15)
    np.testing.assert_array_equal(bounded_confidence_step(x, 0.5, 0.0), x)


def _iterate_hk(x, confidence, rounds=300):
    for _ in range(rounds):
        x = bounded_confidence_step(x, confidence, 1.0)
    return x


def test_hk_reproduces_consensus_for_wide_confidence():
    """Known result: uniform opinions with confidence above ~0.2 reach one cluster."""
    x = _iterate_hk(np.linspace(0, 1, 201)[:, None], 0.3)
    assert np.ptp(x) < 1e-9
    assert x[0, 0] == pytest.approx(0.5, abs=1e-9)


def test_hk_reproduces_fragmentation_for_narrow_confidence():
    """Known result: with a small confidence, opinions freeze into clusters >confidence apart."""
    confidence = 0.05
    x = _iterate_hk(np.linspace(0, 1, 201)[:, None], confidence)
    clusters = np.unique(np.round(x[:, 0], 8))
    assert len(clusters) >= 4  # roughly 1 / (2 confidence) clusters
    assert np.all(np.diff(clusters) > confidence)
    # a further step changes nothing: the clusters are a fixed point
    np.testing.assert_allclose(bounded_confidence_step(x, confidence, 1.0), x, atol=1e-12)


def test_hk_keeps_issues_independent():
    """Issues are updated separately: an issue's result does not depend on the others."""
    rng = np.random.default_rng(3)
    x = rng.random((20, 3))
    together = bounded_confidence_step(x, 0.25, 0.4)
    for j in range(3):
        alone = bounded_confidence_step(x[:, [j]], 0.25, 0.4)
        np.testing.assert_allclose(together[:, [j]], alone, atol=1e-12)


@given(
    x=position_matrix(max_rows=12),
    data=st.data(),
    confidence=unit,
    rate=unit,
)
def test_confidence_pull_equals_brute_force(x, data, confidence, rate):
    m = data.draw(st.integers(1, 10))
    k = x.shape[1]
    sources = data.draw(arrays(np.float64, (m, k), elements=unit))
    weight = st.one_of(st.just(0.0), st.floats(0.01, 1.0))
    weights = data.draw(arrays(np.float64, (m, k), elements=weight))
    assume(not _near_boundary(x, sources, confidence))
    fast = confidence_pull(x, sources, weights, confidence, rate)
    np.testing.assert_allclose(
        fast, brute_force_pull(x, sources, weights, confidence, rate), rtol=0, atol=1e-9
    )


def test_confidence_pull_ignores_sources_out_of_reach():
    x = np.array([[0.1], [0.9]])
    sources = np.array([[0.15], [0.2]])
    weights = np.array([[1.0], [3.0]])
    y = confidence_pull(x, sources, weights, confidence=0.2, rate=1.0)
    assert y[0, 0] == pytest.approx((0.15 + 3 * 0.2) / 4)
    assert y[1, 0] == 0.9  # nobody within reach: unchanged


def test_a_kept_stakeholder_pull_gives_a_fresh_pulls_numbers():
    rng = np.random.default_rng(5)
    sources, weights = rng.random((40, 3)), rng.random((40, 3))
    kept = StakeholderPull(sources, weights)
    for _ in range(4):  # the second call on reuses the first one's sorting
        x = rng.random((25, 3))
        fresh = confidence_pull(x, sources, weights, 0.3, 0.2)
        np.testing.assert_array_equal(kept(x, 0.3, 0.2), fresh)


def test_confidence_pull_without_sources_is_identity():
    x = np.random.default_rng(4).random((5, 2))
    np.testing.assert_array_equal(confidence_pull(x, np.zeros((0, 2)), np.zeros((0, 2)), 1, 1), x)


# ----------------------------------------------------------------- disagreement


@given(x=position_matrix())
def test_disagreement_equals_numpy_std(x):
    expected = x.std(axis=0) if len(x) >= 2 else np.zeros(x.shape[1])
    np.testing.assert_allclose(disagreement(x), expected, atol=1e-12)
    # equal weights give the same answer
    np.testing.assert_allclose(disagreement(x, np.ones_like(x)), expected, atol=1e-12)


@given(x=position_matrix(min_rows=2), data=st.data())
def test_weighted_disagreement_equals_weighted_std(x, data):
    w = data.draw(arrays(np.float64, x.shape, elements=st.floats(0.01, 5.0)))
    mean = (w * x).sum(axis=0) / w.sum(axis=0)
    expected = np.sqrt((w * (x - mean) ** 2).sum(axis=0) / w.sum(axis=0))
    np.testing.assert_allclose(disagreement(x, w), expected, atol=1e-12)


def test_disagreement_of_one_actor_is_zero():
    np.testing.assert_array_equal(disagreement(np.array([[0.3, 0.9]])), [0.0, 0.0])


# ----------------------------------------------------------------- compromise


def test_compromise_is_weighted_mean_and_nan_without_weight():
    pos = np.array([[0.0, 0.2], [1.0, 0.8]])
    w = np.array([[1.0, 0.0], [3.0, 0.0]])
    target, total = compromise(pos, w)
    assert target[0] == pytest.approx(0.75)
    assert np.isnan(target[1])
    np.testing.assert_array_equal(total, [4.0, 0.0])


# ----------------------------------------------------------------- drafting (sit_room)


def _room_inputs(rng, n=15, k=4, m=0):
    return dict(
        positions=rng.random((n, k)),
        salience=rng.dirichlet(np.ones(k), size=n),
        capability=rng.uniform(0.05, 1.0, n),
        bloc=rng.integers(0, 3, n),
        stakeholder_ideal=rng.random((m, k)) if m else None,
        stakeholder_weight=rng.uniform(0.01, 0.2, (m, k)) if m else None,
    )


def _sit(
    inputs, *, issues, presence, step=1.0, proxy_weight=0.0, n_blocs=0, text=None, admits=None
):
    k = inputs["positions"].shape[1]
    text = np.full(k, 0.5) if text is None else text
    result = sit_room(
        issues=np.asarray(issues),
        step=step,
        text=text,
        positions=inputs["positions"],
        salience=inputs["salience"],
        capability=inputs["capability"],
        presence=presence,
        bloc=inputs["bloc"],
        n_blocs=n_blocs,
        proxy_weight=proxy_weight,
        stakeholder_ideal=inputs["stakeholder_ideal"],
        stakeholder_weight=inputs["stakeholder_weight"],
        confidence=0.3,
        persuasion_rate=0.0,
        admits=admits,
    )
    return text, result


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), k=st.integers(1, 5))
def test_drafting_with_everyone_present_is_the_compromise_model(seed, n, k):
    """step 1, everyone present, no stakeholders or proxies: text = sum(c s x) / sum(c s)."""
    rng = np.random.default_rng(seed)
    inputs = _room_inputs(rng, n=n, k=k)
    c, s, x = inputs["capability"], inputs["salience"], inputs["positions"].copy()
    text, result = _sit(inputs, issues=np.arange(k), presence=np.ones(n))
    expected = (c[:, None] * s * x).sum(axis=0) / (c[:, None] * s).sum(axis=0)
    np.testing.assert_allclose(text, expected, rtol=0, atol=1e-12)
    # all influence goes to delegations, shared by weight, and sums to step x issues
    w = c[:, None] * s / (c[:, None] * s).sum(axis=0)
    np.testing.assert_allclose(result.delegation_influence, w.sum(axis=1), atol=1e-12)
    assert result.delegation_influence.sum() == pytest.approx(k)


def test_drafting_moves_only_the_rooms_issues_by_step():
    rng = np.random.default_rng(5)
    inputs = _room_inputs(rng)
    c, s, x = inputs["capability"], inputs["salience"], inputs["positions"]
    start = np.array([0.1, 0.2, 0.3, 0.4])
    text, result = _sit(inputs, issues=[2], presence=np.ones(15), step=0.25, text=start.copy())
    target = (c * s[:, 2] * x[:, 2]).sum() / (c * s[:, 2]).sum()
    assert text[2] == pytest.approx(0.3 + 0.25 * (target - 0.3), abs=1e-12)
    np.testing.assert_array_equal(text[[0, 1, 3]], start[[0, 1, 3]])
    assert result.movement[0] == pytest.approx(abs(0.25 * (target - 0.3)), abs=1e-12)


def test_absent_delegations_have_no_weight_without_proxies():
    rng = np.random.default_rng(6)
    inputs = _room_inputs(rng)
    presence = np.zeros(15)
    presence[:7] = 1.0
    c, s, x = inputs["capability"][:7], inputs["salience"][:7], inputs["positions"][:7]
    text, result = _sit(inputs, issues=np.arange(4), presence=presence)
    expected = (c[:, None] * s * x).sum(axis=0) / (c[:, None] * s).sum(axis=0)
    np.testing.assert_allclose(text, expected, atol=1e-12)
    assert (result.delegation_influence[7:] == 0).all()


def test_presence_scales_weight():
    rng = np.random.default_rng(7)
    inputs = _room_inputs(rng)
    presence = rng.uniform(0.2, 1.0, 15)
    c, s, x = inputs["capability"], inputs["salience"], inputs["positions"]
    text, _ = _sit(inputs, issues=np.arange(4), presence=presence)
    w = c[:, None] * s * presence[:, None]
    np.testing.assert_allclose(text, (w * x).sum(axis=0) / w.sum(axis=0), atol=1e-12)


def test_stakeholders_weigh_in_only_where_admitted():
    rng = np.random.default_rng(8)
    admitted = _room_inputs(rng, m=6)
    excluded = {**admitted, "stakeholder_ideal": None, "stakeholder_weight": None}
    c, s, x = admitted["capability"], admitted["salience"], admitted["positions"]
    sw, sx = admitted["stakeholder_weight"], admitted["stakeholder_ideal"]
    presence = np.ones(15)

    text_out, result_out = _sit(excluded, issues=np.arange(4), presence=presence)
    states = c[:, None] * s
    np.testing.assert_allclose(text_out, (states * x).sum(0) / states.sum(0), atol=1e-12)
    assert result_out.stakeholder_influence.sum() == 0.0

    text_in, result_in = _sit(admitted, issues=np.arange(4), presence=presence)
    expected = ((states * x).sum(0) + (sw * sx).sum(0)) / (states.sum(0) + sw.sum(0))
    np.testing.assert_allclose(text_in, expected, atol=1e-12)
    assert not np.allclose(text_in, text_out)
    share = sw.sum(0) / (states.sum(0) + sw.sum(0))
    assert result_in.stakeholder_influence.sum() == pytest.approx(share.sum())
    total = result_in.stakeholder_influence.sum() + result_in.delegation_influence.sum()
    assert total == pytest.approx(4.0)  # step 1 x four issues


def test_bloc_proxy_speaks_for_absent_members_with_the_bloc_mean():
    rng = np.random.default_rng(9)
    inputs = _room_inputs(rng, n=6, k=2)
    inputs["bloc"] = np.array([0, 0, 0, 1, 1, 1])
    presence = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    c, s, x = inputs["capability"], inputs["salience"], inputs["positions"]
    text, result = _sit(inputs, issues=[0, 1], presence=presence, proxy_weight=0.5, n_blocs=2)
    base = c[:, None] * s
    bloc0_mean = x[:3].mean(axis=0)
    num = (base[[0, 3, 4, 5]] * x[[0, 3, 4, 5]]).sum(0) + 0.5 * base[[1, 2]].sum(0) * bloc0_mean
    den = base[[0, 3, 4, 5]].sum(0) + 0.5 * base[[1, 2]].sum(0)
    np.testing.assert_allclose(text, num / den, atol=1e-12)
    # the absent members' credit is proxied, kept apart from what those present exercised
    assert (result.proxy_influence[[1, 2]] > 0).all()
    assert (result.delegation_influence[[1, 2]] == 0).all()
    assert (result.proxy_influence[[0, 3, 4, 5]] == 0).all()
    total = result.delegation_influence.sum() + result.proxy_influence.sum()
    assert total == pytest.approx(2.0)


def test_a_proxy_speaks_only_for_members_the_room_admits():
    """In a friends-of-the-chair room the uninvited stay outside, proxies included."""
    rng = np.random.default_rng(11)
    inputs = _room_inputs(rng, n=6, k=2)
    inputs["bloc"] = np.array([0, 0, 0, 1, 1, 1])
    presence = np.array([1.0, 0.0, 0.0, 1.0, 0.0, 0.0])
    admits = np.array([True, True, False, True, False, False])
    c, s, x = inputs["capability"], inputs["salience"], inputs["positions"]
    text, result = _sit(
        inputs, issues=[0, 1], presence=presence, proxy_weight=0.5, n_blocs=2, admits=admits
    )
    base = c[:, None] * s
    bloc0_mean = x[:3].mean(axis=0)
    num = (base[[0, 3]] * x[[0, 3]]).sum(0) + 0.5 * base[1] * bloc0_mean
    den = base[[0, 3]].sum(0) + 0.5 * base[1]
    np.testing.assert_allclose(text, num / den, atol=1e-12)
    assert result.proxy_influence[1] > 0
    assert (result.proxy_influence[[2, 4, 5]] == 0).all()


def test_bloc_without_anyone_present_gets_no_proxy():
    rng = np.random.default_rng(10)
    inputs = _room_inputs(rng, n=4, k=1)
    inputs["bloc"] = np.array([0, 0, 1, 1])
    presence = np.array([1.0, 1.0, 0.0, 0.0])
    _, result = _sit(inputs, issues=[0], presence=presence, proxy_weight=0.5, n_blocs=2)
    assert (result.delegation_influence[2:] == 0).all()
    assert (result.proxy_influence[2:] == 0).all()


def test_empty_room_changes_nothing():
    rng = np.random.default_rng(11)
    inputs = _room_inputs(rng)
    text, result = _sit(inputs, issues=np.arange(4), presence=np.zeros(15))
    np.testing.assert_array_equal(text, np.full(4, 0.5))
    assert result.delegation_influence.sum() == 0


def test_persuasion_in_room_is_a_hk_step_among_those_present():
    rng = np.random.default_rng(12)
    inputs = _room_inputs(rng)
    x0 = inputs["positions"].copy()
    presence = np.zeros(15)
    presence[::2] = 1.0
    here = np.flatnonzero(presence)
    sit_room(
        issues=np.array([1, 3]),
        step=0.1,
        text=np.full(4, 0.5),
        positions=inputs["positions"],
        salience=inputs["salience"],
        capability=inputs["capability"],
        presence=presence,
        bloc=inputs["bloc"],
        n_blocs=0,
        proxy_weight=0.0,
        stakeholder_ideal=None,
        stakeholder_weight=None,
        confidence=0.3,
        persuasion_rate=0.2,
    )
    after = inputs["positions"]
    expected = brute_force_hk(x0[np.ix_(here, [1, 3])], 0.3, 0.2)
    np.testing.assert_allclose(after[np.ix_(here, [1, 3])], expected, atol=1e-10)
    absent = np.setdiff1d(np.arange(15), here)
    np.testing.assert_array_equal(after[absent], x0[absent])
    np.testing.assert_array_equal(after[:, [0, 2]], x0[:, [0, 2]])


# ----------------------------------------------------------------- pressure, reservation


@given(
    spent=unit,
    done=st.integers(0, 20),
    left=st.integers(0, 12),
    weight=unit,
)
def test_pressure_within_unit_interval_and_monotone(spent, done, left, weight):
    p = pressure(spent, done, left, weight)
    assert 0.0 <= p <= 1.0
    assert pressure(min(spent + 0.1, 1.0), done, left, weight) >= p - 1e-12
    assert pressure(spent, done + 1, left, weight) >= p - 1e-12
    assert pressure(spent, done, max(left - 1, 0), weight) >= p - 1e-12


def test_pressure_mixes_money_and_time():
    assert pressure(1.0, 0, 8, 1.0) == 1.0
    assert pressure(0.0, 4, 4, 0.0) == 0.5
    assert pressure(0.0, 5, 0, 0.0) == 1.0  # no meeting left: time is up
    assert pressure(0.5, 2, 6, 0.5) == pytest.approx(0.5 * 0.5 + 0.5 * 0.25)


@given(
    base=arrays(np.float64, 6, elements=st.floats(0, 1)),
    burden=arrays(np.float64, 6, elements=st.floats(-1, 2)),
    level=unit,
)
def test_reservation_widens_with_pressure_and_burden(base, burden, level):
    r = reservation_now(base, level, burden, 1.5, 1.0)
    assert (r >= base - 1e-15).all()
    assert (reservation_now(base, min(level + 0.1, 1), burden, 1.5, 1.0) >= r - 1e-15).all()
    assert (reservation_now(base, level, burden + 0.5, 1.5, 1.0) >= r - 1e-15).all()
    np.testing.assert_array_equal(reservation_now(base, level, burden, 0.0, 0.0), base)


def test_reservation_is_the_documented_formula():
    """base x (1 + pressure_gain x pressure + burden_gain x clipped burden), each gain its own."""
    base = np.array([0.1, 0.2, 0.3])
    burden = np.array([-0.5, 0.4, 1.7])  # clipped to 0, 0.4, 1
    got = reservation_now(base, 0.5, burden, 2.0, 3.0)
    np.testing.assert_allclose(got, base * (1.0 + 2.0 * 0.5 + 3.0 * np.array([0.0, 0.4, 1.0])))
    # pressure alone: the gain scales it
    np.testing.assert_allclose(reservation_now(base, 0.5, np.zeros(3), 1.42, 0.0), base * 1.71)
    np.testing.assert_allclose(reservation_now(base, 0.0, burden, 1.42, 0.0), base)


def test_salience_distance_is_weighted_l1():
    pos = np.array([[0.0, 1.0], [0.5, 0.5]])
    sal = np.array([[0.25, 0.75], [1.0, 0.0]])
    np.testing.assert_allclose(
        salience_distance(pos, np.array([1.0, 0.0]), sal), [0.25 + 0.75, 0.5]
    )


# ----------------------------------------------------------------- hand-checked cases


def test_the_compromise_is_each_issues_weighted_mean_even_with_little_weight():
    """Issue 0: weights 0.1 and 0.4 on 0 and 1 -> 0.8 (total 0.5); issue 1: 0.2 on 0.5 alone
    -> 0.5 (total 0.2); issue 2: no weight -> NaN."""
    positions = np.array([[0.0, 0.5, 0.3], [1.0, 0.9, 0.7]])
    weights = np.array([[0.1, 0.2, 0.0], [0.4, 0.0, 0.0]])
    target, total = compromise(positions, weights)
    np.testing.assert_allclose(target[:2], [0.8, 0.5])
    assert np.isnan(target[2])
    np.testing.assert_allclose(total, [0.5, 0.2, 0.0])


def test_an_issue_nobody_weighs_shows_no_disagreement():
    positions = np.array([[0.0, 0.2], [1.0, 0.6]])
    weights = np.array([[0.0, 1.0], [0.0, 1.0]])
    np.testing.assert_allclose(disagreement(positions, weights), [0.0, 0.2])


def test_exposure_is_the_observed_share_of_the_room_days_sat_even_below_one_day():
    """Half a room-day sat, a quarter observed: exposure 0.5, concession 1 - 0.4 x 0.5."""
    share = exposed_concession(np.array([0.25, 0.0]), np.array([0.5, 0.0]), 0.4)
    np.testing.assert_allclose(share, [0.8, 0.6])


def test_pressure_is_nil_before_the_first_meeting_and_never_above_one():
    assert pressure(0.0, 0, 1, 0.5) == 0.0  # no money spent, no meeting held of one
    assert pressure(1.5, 2, 0, 1.0) == 1.0  # extension money overspends the budget


def test_a_lone_delegation_is_pulled_by_the_sources_within_its_confidence_bound_included():
    """One delegation at 0.25, a source at 0.5 exactly 0.25 away: pulled half way (rate 0.5)."""
    x = np.array([[0.25]])
    pulled = confidence_pull(x, np.array([[0.5]]), np.array([[1.0]]), 0.25, 0.5)
    np.testing.assert_allclose(pulled, [[0.375]])


def test_an_issue_nobody_in_the_room_weighs_stays_put_and_credits_no_one():
    """Two equal delegations care only for issue 0 (at 0.2 and 0.6): the text there moves
    half way (step 0.5) to their mean 0.4, 0.5 -> 0.45; issue 1, weighed by nobody, stays
    at 0.5; each is credited half the step on issue 0 and nothing on issue 1."""
    result, text = _tiny_room(
        positions=np.array([[0.2, 0.9], [0.6, 0.1]]),
        salience=np.array([[1.0, 0.0], [1.0, 0.0]]),
        step=0.5,
    )
    np.testing.assert_allclose(text, [0.45, 0.5])
    np.testing.assert_allclose(result.delegation_influence, [0.25, 0.25])
    np.testing.assert_allclose(result.movement, [0.05, 0.0])


def _tiny_room(**changes):
    """`sit_room` on a tiny room: capability and salience 1 everywhere, no proxies, no
    stakeholders, step 1, no persuasion, unless `changes` says otherwise."""
    n, k = changes["positions"].shape
    args = dict(
        issues=np.arange(k),
        step=1.0,
        text=np.full(k, 0.5),
        salience=np.ones((n, k)),
        capability=np.ones(n),
        presence=np.ones(n),
        bloc=np.zeros(n, dtype=np.int64),
        n_blocs=0,
        proxy_weight=0.0,
        stakeholder_ideal=None,
        stakeholder_weight=None,
        confidence=0.0,
        persuasion_rate=0.0,
    )
    args.update(changes)
    return sit_room(**args), args["text"]


@pytest.mark.parametrize("order", ["C", "F"])
def test_two_delegates_within_reach_meet_half_way_whatever_the_callers_memory_order(order):
    """Two delegates present, at 0.25 and 0.75 on issue 0 (0.5 apart, confidence 0.6),
    both at 0.5 on issue 1; a third is absent. Persuasion at rate 1/2 moves each half way
    to the mean of those within reach, 0.5: to 0.375 and 0.625; issue 1 and the absent
    delegate stay. Column-major positions (`F`) are copied to sit and written back. No
    stakeholders in the room: none is credited (an empty array)."""
    positions = np.array([[0.25, 0.5], [0.75, 0.5], [0.9, 0.1]], order=order)
    result, _ = _tiny_room(
        positions=positions,
        presence=np.array([1.0, 1.0, 0.0]),
        step=0.0,
        confidence=0.6,
        persuasion_rate=0.5,
    )
    np.testing.assert_array_equal(positions, [[0.375, 0.5], [0.625, 0.5], [0.9, 0.1]])
    assert result.stakeholder_influence.shape == (0,)


def test_a_lone_delegate_keeps_its_positions_bit_for_bit():
    """Alone in a room there is nobody to be persuaded by: persuasion leaves its positions
    exactly as they were. (Run anyway, the sorted step would give back 0.2 as
    0.20000000000000004: its local means come from prefix sums over the issues laid end
    to end, 0.1 + 0.2 - 0.1.)"""
    positions = np.array([[0.1, 0.2, 0.3], [0.9, 0.9, 0.9]])
    _tiny_room(
        positions=positions,
        presence=np.array([1.0, 0.0]),
        step=0.0,
        confidence=0.3,
        persuasion_rate=0.5,
    )
    np.testing.assert_array_equal(positions, [[0.1, 0.2, 0.3], [0.9, 0.9, 0.9]])


def test_an_empty_room_reports_no_movement_and_credits_nobody_in_full_length_arrays():
    """Nobody present (3 delegations, 2 issues, 2 stakeholders admitted): the room does
    not sit; it reports zero movement on each of its 2 issues and zero credit for each of
    the 3 delegations (in person and by proxy) and each of the 2 stakeholders."""
    result, text = _tiny_room(
        positions=np.full((3, 2), 0.2),
        presence=np.zeros(3),
        n_blocs=1,
        proxy_weight=0.5,
        stakeholder_ideal=np.full((2, 2), 0.9),
        stakeholder_weight=np.full((2, 2), 0.1),
    )
    np.testing.assert_array_equal(text, [0.5, 0.5])
    np.testing.assert_array_equal(result.movement, [0.0, 0.0])
    np.testing.assert_array_equal(result.delegation_influence, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(result.proxy_influence, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(result.stakeholder_influence, [0.0, 0.0])


def test_a_proxy_in_a_room_on_some_issues_speaks_with_its_blocs_mean_on_those_issues():
    """Three delegations of weight 1 on a room sitting on issue 1 of 2; bloc 0 is
    delegations 0 and 1, delegation 1 is absent. Bloc 0's coordinator speaks for it at
    half its weight with the bloc's mean on issue 1, (0.2 + 0.6) / 2 = 0.4: step 1 takes
    the text to (0.2 + 0.9 + 0.5 x 0.4) / 2.5 = 0.52 there; issue 0 stays at 0.5."""
    result, text = _tiny_room(
        positions=np.array([[0.0, 0.2], [0.0, 0.6], [0.0, 0.9]]),
        issues=np.array([1]),
        presence=np.array([1.0, 0.0, 1.0]),
        bloc=np.array([0, 0, 1]),
        n_blocs=2,
        proxy_weight=0.5,
    )
    assert text[1] == pytest.approx(0.52, abs=1e-15)
    assert text[0] == 0.5
    np.testing.assert_allclose(result.proxy_influence, [0.0, 0.2, 0.0], atol=1e-15)


def test_a_coordinators_credit_adds_to_what_the_absent_member_had():
    """The room of the test above, sat with `sit` on a ledger where every delegation was
    credited 1 by proxy already: the absent member's proxy credit is 0.5 / 2.5 = 0.2 of
    the step (1) more, 1.2; the others keep 1."""
    layout = RoomLayout(
        issues=np.array([1]),
        capability_salience=np.ones((3, 2)),
        bloc=np.array([0, 0, 1]),
        n_blocs=2,
        proxy_weight=0.5,
        stakeholder_ideal=None,
        stakeholder_weight=None,
    )
    proxy = np.ones(3)
    sit(
        layout,
        1.0,
        np.array([1.0, 0.0, 1.0]),
        np.full(2, 0.5),
        np.array([[0.0, 0.2], [0.0, 0.6], [0.0, 0.9]]),
        influence=np.zeros(3),
        proxy_influence=proxy,
        stakeholder_influence=None,
        confidence=0.0,
        persuasion_rate=0.0,
    )
    np.testing.assert_allclose(proxy, [1.0, 1.2, 1.0], atol=1e-15)


def test_sit_refuses_positions_it_cannot_write_through_and_says_why():
    """`sit` writes the positions through a flat view, so column-major positions would be
    left unchanged: it raises, with the message naming the requirement."""
    layout = RoomLayout(
        issues=np.arange(2),
        capability_salience=np.ones((3, 2)),
        bloc=np.zeros(3, dtype=np.int64),
        n_blocs=0,
        proxy_weight=0.0,
        stakeholder_ideal=None,
        stakeholder_weight=None,
    )
    message = r"^sit needs C-contiguous positions \(it writes through them\)$"
    with pytest.raises(ValueError, match=message):
        sit(
            layout,
            1.0,
            np.ones(3),
            np.full(2, 0.5),
            np.asfortranarray(np.full((3, 2), 0.2)),
            influence=np.zeros(3),
            proxy_influence=np.zeros(3),
            stakeholder_influence=None,
            confidence=0.0,
            persuasion_rate=0.0,
        )


def test_a_proxy_weight_of_zero_is_no_proxy_bit_for_bit():
    """Bloc coordinators speak only at a positive `proxy_weight`: at 0 the room gives the
    numbers of a room without blocs, to the last bit (the compiled kernels rely on it).
    Seven present on one issue, delegation 0 of weight 1 at 1.0, six of weight 2^-53 at
    0, one absent. Summed in order (seven rows), 1 + 2^-53 + ... rounds back to 1 each
    time, so step 1 takes the text to 1.0 / 1 = 1.0 and credits delegation 0 with 1.0;
    two zero-weight proxy rows more would make nine and change numpy's summation
    grouping (eight partial sums), hence the total's last bits."""
    tiny = 2.0**-53
    rooms = []
    for n_blocs in (0, 2):
        positions = np.array([[1.0]] + [[0.0]] * 7)
        result, text = _tiny_room(
            positions=positions,
            text=np.zeros(1),
            capability=np.array([1.0] + [tiny] * 7),
            presence=np.array([1.0] * 7 + [0.0]),
            bloc=np.array([0, 0, 0, 0, 1, 1, 1, 1]),
            n_blocs=n_blocs,
            proxy_weight=0.0,
        )
        rooms.append((text, result))
    (text, result), (text_blocs, result_blocs) = rooms
    assert text[0] == 1.0 and result.delegation_influence[0] == 1.0
    np.testing.assert_array_equal(text_blocs, text)
    np.testing.assert_array_equal(result_blocs.delegation_influence, result.delegation_influence)
    np.testing.assert_array_equal(result_blocs.proxy_influence, 0.0)


def test_a_rooms_persuasion_lays_its_issues_four_apart_as_the_sorted_step_does():
    """Persuasion in a room is `bounded_confidence_sorted`'s step, issues laid end to end
    4 apart (as the compiled kernels lay them), to the last bit. Two delegates 2^-48
    apart on the eighth of 8 issues (0 elsewhere), rate 1: offset 4 x 7 = 28 keeps
    0.25 + 2^-48 (the grid is 2^-48 in [16, 32)), so they meet at the exact midpoint
    0.25 + 2^-49; laid 5 apart (offset 35, grid 2^-47) they would meet at 0.25."""
    eps = 2.0**-48
    positions = np.zeros((2, 8))
    positions[:, 7] = [0.25, 0.25 + eps]
    sorted_order, updated = bounded_confidence_sorted(positions.T.copy(), 0.3, 1.0)
    _tiny_room(positions=positions, step=0.0, confidence=0.3, persuasion_rate=1.0)
    np.testing.assert_array_equal(positions[:, 7], 0.25 + eps / 2)
    expected = np.empty((8, 2))
    np.put_along_axis(expected, sorted_order, updated.reshape(8, 2), axis=1)
    np.testing.assert_array_equal(positions, expected.T)


def test_the_runs_disagreement_is_among_those_present_from_two_on(small):
    """Two present at 0.2 and 0.8 (a third, absent, at 0.5): a standard deviation of 0.3
    on each issue; one present: no disagreement, one zero per issue."""
    from sim.model import Negotiation

    mechanisms = Negotiation(small(), seed=0, kernels="numpy").mechanisms
    positions = np.array([[0.2] * 4, [0.8] * 4, [0.5] * 4])
    two = mechanisms.disagreement(positions, np.array([True, True, False]))
    np.testing.assert_allclose(two, np.full(4, 0.3))
    one = mechanisms.disagreement(positions, np.array([False, True, False]))
    np.testing.assert_array_equal(one, np.zeros(4))
