"""The compiled attendance, disagreement and consultations' pull give numpy's numbers.

`sim.model.compiled.mechanisms.CompiledMechanisms` against the reference
`sim.model.mechanisms.Mechanisms` on random inputs, compared with `==` (values and dtypes).
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from sim.model.attendance import MeetingOutlook
from sim.model.compiled.mechanisms import CompiledMechanisms, CompiledPull
from sim.model.dynamics import StakeholderPull
from sim.model.mechanisms import Mechanisms
from sim.model.population import build_population


def _both(cfg, seed: int) -> tuple[Mechanisms, CompiledMechanisms]:
    pop = build_population(cfg.scenario, np.random.default_rng(seed))
    st = pop.stakeholders
    weights = cfg.behaviour.stakeholder_weight * st.capacity[:, None] * st.salience
    return Mechanisms(cfg, pop, weights), CompiledMechanisms(cfg, pop, weights)


@pytest.mark.parametrize(
    "overrides",
    [
        [],
        ["funding=trust_fund"],
        ["funding=hybrid"],
        ["funding=cost_sharing"],
        ["funding=cost_sharing", "funding.cost_sharing_mode=capacity"],
        ["scenario=small", "funding=hybrid", "cost.delegate_day_usd=0"],
        ["scenario=plastics_inc", "funding=trust_fund", "behaviour.lateness_weight=0"],
    ],
)
def test_compiled_attendance_is_the_numpy_plan(compose, overrides) -> None:
    cfg = compose(*overrides)
    rng = np.random.default_rng(len(overrides))
    for seed in range(3):
        numpy_side, compiled = _both(cfg, seed)
        dl = numpy_side.population.delegations
        n = len(dl)
        for _ in range(12):
            expected = int(rng.integers(1, 10))
            outlook = MeetingOutlook(
                meeting_index=int(rng.integers(0, expected + 2)),
                expected=expected,
                remaining_usd=dl.budget_usd * rng.choice([0.0, 0.01, 0.3, 1.0], n),
                stakes=rng.random(n) * rng.choice([0.1, 1.0]),
                cost_share_usd=rng.random(n) * rng.choice([0.0, 5e4]),
                fund_remaining_usd=float(rng.choice([0.0, 3e4, 5e5, 1e9])),
            )
            a, b = numpy_side.attendance(outlook), compiled.attendance(outlook)
            for field in dataclasses.fields(a):
                x, y = getattr(a, field.name), getattr(b, field.name)
                assert np.asarray(x).dtype == np.asarray(y).dtype, field.name
                assert np.array_equal(x, y), field.name


@pytest.mark.parametrize("k", [1, 2, 4, 7])
def test_compiled_disagreement_is_numpys_std(compose, k) -> None:
    numpy_side, compiled = _both(compose(), 0)
    rng = np.random.default_rng(k)
    for n in (0, 1, 2, 3, 9, 150, 300):
        positions = rng.random((n, k))
        for share in (0.0, 0.02, 0.5, 1.0):
            present = rng.random(n) < share
            a = numpy_side.disagreement(positions, present)
            b = compiled.disagreement(positions, present)
            assert np.array_equal(a, b)


@pytest.mark.parametrize("seed", range(8))
def test_compiled_pull_is_the_numpy_pull(seed) -> None:
    rng = np.random.default_rng(seed)
    k, m = int(rng.integers(1, 6)), int(rng.integers(0, 40))
    sources, weights = rng.random((m, k)), rng.random((m, k)) * (rng.random((m, k)) < 0.8)
    numpy_side, compiled = StakeholderPull(sources, weights), CompiledPull(sources, weights)
    for _ in range(3):
        x = rng.random((int(rng.integers(0, 60)), k))
        confidence, rate = float(rng.random()), float(rng.choice([0.0, 0.3, 1.0]))
        assert np.array_equal(numpy_side(x, confidence, rate), compiled(x, confidence, rate))


def test_compiled_pull_moves_a_lone_delegation_toward_a_lone_source() -> None:
    """One delegation at 0.5, one source at 0.6 within confidence 0.2, rate 0.5: 0.55.

    The kernel is called for a single delegation and a single source (not the copy
    `StakeholderPull` returns only with nobody, no source or rate 0), as numpy does.
    """
    sources, weights = np.array([[0.6]]), np.array([[1.0]])
    x = np.array([[0.5]])
    got = CompiledPull(sources, weights)(x, 0.2, 0.5)
    assert got == pytest.approx(np.array([[0.55]]))
    assert np.array_equal(got, StakeholderPull(sources, weights)(x, 0.2, 0.5))


def test_compiled_pull_pulls_integer_positions_as_floats() -> None:
    """Delegations given at 0 and 1 (integers), a source at 0.5 within reach, rate 0.5.

    They move half way, to 0.25 and 0.75, as numpy's pull gives: the positions reach
    the kernel as floats (an integer array would come back truncated to 0 and 1).
    """
    sources, weights = np.array([[0.5]]), np.array([[1.0]])
    x = np.array([[0], [1]])
    got = CompiledPull(sources, weights)(x, 0.6, 0.5)
    assert got.dtype == np.float64
    assert np.array_equal(got, np.array([[0.25], [0.75]]))
    assert np.array_equal(got, StakeholderPull(sources, weights)(x, 0.6, 0.5))


def test_compiled_first_passage_with_nobody_pending_is_never() -> None:
    """No state with a pace before the horizon (none, a start on it or after): all inf."""
    start, pace = np.array([0.0, 10.0, 12.0]), np.array([0.0, 1.0, 1.0])
    got = CompiledMechanisms.first_passage(start, pace, np.ones(3), 10.0, np.zeros((0, 2)), 2.0)
    assert got.dtype == np.float64
    assert np.array_equal(got, np.full(3, np.inf))


def test_compiled_first_passage_diffuses_only_with_peers_and_a_gain() -> None:
    """Two states of one region and bloc, pace 1 from day 0, needing 1 and 2.

    Without diffusion they pass on days 1 and 2. With gain 1 the second, once its only
    peer is party (share 1), goes twice as fast for its last unit: day 1.5. Peers
    without a gain (its default, 0) and a gain without peers change nothing.
    """
    from sim.model.ratification_clock import PeerGroups, first_passage

    start, pace, need = np.zeros(2), np.ones(2), np.array([1.0, 2.0])
    peers = PeerGroups(np.zeros(2, dtype=np.int64), np.zeros(2, dtype=np.int64))
    args = (start, pace, need, 10.0, np.zeros((0, 2)), 2.0)
    passage = CompiledMechanisms.first_passage
    assert np.array_equal(passage(*args, peers, 1.0), [1.0, 1.5])
    assert np.array_equal(passage(*args, peers), [1.0, 2.0])
    assert np.array_equal(passage(*args, None, 1.0), [1.0, 2.0])
    for extra in ((peers, 1.0), (peers,), (None, 1.0)):
        assert np.array_equal(passage(*args, *extra), first_passage(*args, *extra))


def test_compiled_first_passage_hands_the_kernel_its_one_signature(monkeypatch) -> None:
    """Days, paces, needs and windows given as integers, peer groups as int32.

    The kernels are compiled for one signature (the ahead-of-time build exports one):
    `passage` still receives float64 days, paces, needs, change days and windows and
    int64 groups; and the numbers are numpy's (two states of one group, gain 1: days
    1 and 1.5, as in the hand-worked diffusion above).
    """
    from sim.model.compiled import mechanisms
    from sim.model.compiled.load import kernels
    from sim.model.ratification_clock import PeerGroups, first_passage

    real, calls = kernels(), []

    def passage(*args):  # checked before the call: another signature would compile anew
        dtypes = [np.asarray(a).dtype for a in args]
        assert dtypes[:3] == [np.float64] * 3, "start, pace, need"
        assert dtypes[4:6] == [np.float64] * 2, "edges, windows"
        assert dtypes[7:9] == [np.int64] * 2, "region, bloc"
        calls.append(args)
        return real.passage(*args)

    monkeypatch.setattr(mechanisms, "kernels", lambda: SimpleNamespace(passage=passage))
    start, pace, need = np.zeros(2, dtype=np.int64), np.ones(2, dtype=np.int64), np.array([1, 2])
    windows = np.array([[20, 30]])
    peers = PeerGroups(np.zeros(2, dtype=np.int32), np.zeros(2, dtype=np.int32))
    got = CompiledMechanisms.first_passage(start, pace, need, 10.0, windows, 2.0, peers, 1.0)
    assert len(calls) == 1
    assert np.array_equal(got, [1.0, 1.5])
    assert np.array_equal(got, first_passage(start, pace, need, 10.0, windows, 2.0, peers, 1.0))
