"""The compiled attendance, disagreement and consultations' pull give numpy's numbers.

`sim.model.compiled.mechanisms.CompiledMechanisms` against the reference
`sim.model.mechanisms.Mechanisms` on random inputs, compared with `==` (values and dtypes).
"""

from __future__ import annotations

import dataclasses

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
