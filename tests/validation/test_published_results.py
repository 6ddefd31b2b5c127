"""Components against published results (CALIBRATION.md, "Published results ...").

- Drafting: the compromise model (Thomson et al. 2006): outcome = sum(c s x) / sum(c s).
- Persuasion: bounded confidence (Hegselmann and Krause 2002; Deffuant et al. 2000):
  consensus above a confidence of about 0.2, about floor(1 / (2 eps)) clusters below,
  fewer clusters as confidence rises, and the rate changing speed, not the clusters.
- Decision rules: two thirds of those present and voting (UNGA res. 75/282); under
  consensus one present objector blocks and an absent one cannot; under two thirds a
  single member almost never can (Banzhaf / Coleman).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.model.decision import decide, vote_passes
from sim.model.dynamics import bounded_confidence_step

# ----------------------------------------------------------------- drafting


def _committee_model(*overrides: str):
    """A default-scenario model (193 delegations, 160 stakeholders) run for one day.

    Money is no object (delegates are free, staff is 15 everywhere, all of it sent), so every
    delegation is in every room it can enter; persuasion is off so positions stay at
    the ideals the compromise is computed from; the chair neither compresses, accommodates
    holdouts, tables unfinished work at the zero draft nor lets objectors vote on
    provisions, so the draft is the rooms' work alone.
    """
    from sim.api import compose_config
    from sim.model import NegotiationModel

    cfg = compose_config(
        [
            "seed=7",
            "scenario.calendar.meetings=1",
            "scenario.calendar.days=1",
            "decision.max_extensions=0",
            "cost.delegate_day_usd=0",
            "scenario.delegations.staff_mean={HIC:1000,UMIC:1000,LMIC:1000,LIC:1000}",
            "behaviour.attendance_base=1.0",  # every delegation sends its whole staff
            "behaviour.persuasion_rate=0",
            "channels.compression=false",
            "channels.holdout_accommodation=false",
            "channels.unfinished_work=false",
            "channels.amendment_votes=false",
            *overrides,
        ]
    )
    model = NegotiationModel(cfg)
    zero_draft = model.chair.text.copy()
    model.run()
    return model, zero_draft


def _compromise(weights: np.ndarray, positions: np.ndarray) -> np.ndarray:
    return (weights * positions).sum(axis=0) / weights.sum(axis=0)


def test_plenary_with_everyone_present_and_a_full_step_is_the_compromise_model(record):
    """Open plenary, step 1: the draft is sum(c s x) / sum(c s) over states and observers."""
    model, zero_draft = _committee_model("process=open_plenary", "process.step_formal=1.0")
    dl, st_ = model.population.delegations, model.population.stakeholders
    led = model.ledger
    assert (led.in_person_days == 1).all(), "every delegation must be present"
    states = dl.expertise[:, None] * dl.salience
    observers = model.stakeholder_weights
    expected = _compromise(
        np.concatenate([states, observers]), np.concatenate([dl.ideal, st_.ideal])
    )
    np.testing.assert_allclose(model.chair.text, expected, rtol=0, atol=1e-12)
    assert not np.allclose(model.chair.text, zero_draft)  # the step did move the text
    # influence is credited by weight: each actor's share of the total on each issue
    total = states.sum(axis=0) + observers.sum(axis=0)
    np.testing.assert_allclose(led.influence, (states / total).sum(axis=1), atol=1e-12)
    np.testing.assert_allclose(
        led.stakeholder_influence, (observers / total).sum(axis=1), atol=1e-12
    )
    record(
        "drafting, open plenary, step 1: max |text - compromise model| = "
        f"{np.abs(model.chair.text - expected).max():.1e} over {len(dl)} states and "
        f"{len(st_)} observers"
    )


def test_closed_rooms_give_excluded_stakeholders_exactly_zero_weight(record):
    """Every issue in closed informal rooms, step 1: observers weigh exactly nothing."""
    model, _ = _committee_model(
        "process=two_tier",
        "process.informal_from_meeting=1",
        "process.disagreement_threshold=0",
        "process.max_parallel_rooms=4",
        "process.step_informal=1.0",
        "process.stocktaking_days=0",
    )
    dl = model.population.delegations
    led = model.ledger
    assert led.informal_room_days == model.n_issues  # one closed room per issue, one day
    assert (led.informal_days == model.n_issues).all(), "every delegation in every room"
    presence = np.where(dl.other_language, model.config.behaviour.uninterpreted_presence, 1.0)
    states = dl.expertise[:, None] * dl.salience * presence[:, None]
    expected = _compromise(states, dl.ideal)
    np.testing.assert_allclose(model.chair.text, expected, rtol=0, atol=1e-12)
    assert (led.stakeholder_influence == 0.0).all()
    row_share = led.stakeholder_influence.sum() / (
        led.stakeholder_influence.sum() + led.influence.sum()
    )
    assert row_share == 0.0
    record(
        "drafting, closed rooms, step 1: max |text - states-only compromise| = "
        f"{np.abs(model.chair.text - expected).max():.1e}; stakeholder weight = {row_share}"
    )


# ----------------------------------------------------------------- persuasion


def _hk(x0: np.ndarray, confidence: float, rate: float, max_steps: int = 20_000):
    """Iterate Hegselmann-Krause steps to a fixed point; return (opinions, steps)."""
    x = x0[:, None].astype(float)
    for step in range(1, max_steps + 1):
        y = bounded_confidence_step(x, confidence, rate)
        if np.abs(y - x).max() < 1e-11:
            return y[:, 0], step
        x = y
    raise AssertionError(f"HK did not settle in {max_steps} steps (eps={confidence})")


def _clusters(x: np.ndarray, min_share: float = 0.02) -> np.ndarray:
    """Centres of the major clusters (holding at least `min_share` of the agents).

    Minor clusters (a few stragglers between two major ones) are a known feature of
    bounded-confidence models and are not counted by the floor(1 / (2 eps)) law.
    """
    s = np.sort(x)
    cut = np.flatnonzero(np.diff(s) > 1e-6) + 1
    groups = np.split(s, cut)
    return np.array([g.mean() for g in groups if len(g) >= min_share * len(s)])


N_AGENTS = 500
EVEN = np.linspace(0.0, 1.0, N_AGENTS)


def _uniform(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random(N_AGENTS)


@pytest.mark.parametrize("confidence", [0.25, 0.3, 0.4, 0.5])
@pytest.mark.parametrize("start", ["even", "uniform-1", "uniform-2", "uniform-3"])
def test_bounded_confidence_reaches_consensus_above_the_threshold(confidence, start, record):
    """HK (2002): uniform opinions reach one cluster for confidence above about 0.2."""
    x0 = EVEN if start == "even" else _uniform(int(start.split("-")[1]))
    x, steps = _hk(x0, confidence, 1.0)
    assert np.ptp(x) < 1e-9, f"eps={confidence}: spread {np.ptp(x):.2e} after {steps} steps"
    if start == "even":  # symmetric start, symmetric dynamics: consensus at the centre
        assert x[0] == pytest.approx(0.5, abs=1e-9)
    record(f"HK consensus, eps={confidence}, {start}: 1 cluster after {steps} steps")


# eps: floor(1 / (2 eps)) = 8, 5, 4, 2; observed HK major clusters sit at or one below it
FRAGMENTED = [0.0625, 0.1, 0.125, 0.2]


@pytest.mark.parametrize("confidence", FRAGMENTED)
def test_bounded_confidence_fragments_into_about_one_over_two_eps_clusters(confidence, record):
    """Well below the threshold opinions freeze into about floor(1 / (2 eps)) clusters."""
    x, steps = _hk(EVEN, confidence, 1.0)
    centres = _clusters(x)
    expected = int(np.floor(1.0 / (2.0 * confidence)))
    assert expected - 1 <= len(centres) <= expected, (confidence, centres)
    # a fixed point: clusters lie more than eps apart, so nobody hears across a gap
    assert np.all(np.diff(np.unique(np.round(x, 9))) > confidence)
    np.testing.assert_allclose(bounded_confidence_step(x[:, None], confidence, 1.0)[:, 0], x)
    record(
        f"HK fragmentation, eps={confidence}: {len(centres)} major clusters "
        f"(floor(1/(2 eps)) = {expected}) at {np.round(centres, 3).tolist()}, {steps} steps"
    )


def test_fewer_clusters_as_confidence_rises(record):
    grid = [0.04, 0.05, 0.0625, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3]
    counts = [len(_clusters(_hk(EVEN, eps, 1.0)[0])) for eps in grid]
    assert all(a >= b for a, b in itertools.pairwise(counts)), counts
    assert counts[0] >= 8 and counts[-1] == 1
    record(f"HK clusters by eps {grid}: {counts}")


@pytest.mark.parametrize("confidence", [0.1, 0.125, 0.2, 0.3])
@pytest.mark.parametrize("start", ["even", "uniform-1", "uniform-2", "uniform-3"])
def test_rate_changes_speed_not_the_number_of_clusters(confidence, start, record):
    """Deffuant et al. (2000): the rate mu sets the speed, not the clusters."""
    x0 = EVEN if start == "even" else _uniform(int(start.split("-")[1]))
    fast, fast_steps = _hk(x0, confidence, 1.0)
    slow, slow_steps = _hk(x0, confidence, 0.3)
    fast_c, slow_c = _clusters(fast), _clusters(slow)
    assert len(fast_c) == len(slow_c)
    assert slow_steps > 2 * fast_steps
    record(
        f"HK rate, eps={confidence}, {start}: rate 1.0 -> {len(fast_c)} clusters in "
        f"{fast_steps} steps; rate 0.3 -> {len(slow_c)} clusters in {slow_steps} steps"
    )


# ----------------------------------------------------------------- decision rules


def _decide(rule, distance, reservation, present, final=True, threshold=2 / 3):
    return decide(
        rule=rule,
        final=final,
        present=np.asarray(present, dtype=bool),
        distance=np.asarray(distance, dtype=float),
        reservation=np.asarray(reservation, dtype=float),
        vote_threshold=threshold,
        abstain_margin=0.25,
    )


def test_the_shipped_vote_threshold_is_two_thirds():
    from sim.api import compose_config

    for rule in ("consensus_then_vote", "two_thirds_vote"):
        assert compose_config([f"decision={rule}"]).decision.vote_threshold == pytest.approx(
            2 / 3, abs=1e-15
        )


@pytest.mark.parametrize(
    ("yes", "no", "adopted"),
    [(20, 10, True), (19, 10, False), (2, 1, True), (1, 1, False), (128, 64, True)],
)
def test_a_vote_needs_two_thirds_of_those_present_and_voting(yes, no, adopted):
    """yes/(yes+no) >= 2/3: 20-10 passes exactly at two thirds, 19-10 (65.5%) fails."""
    n = yes + no + 40  # 20 absent, 20 abstaining: neither counts
    distance = np.zeros(n)
    reservation = np.ones(n)
    distance[yes : yes + no] = 2.0  # clear objectors vote no
    distance[yes + no : yes + no + 20] = 1.1  # within the abstain margin: abstain
    present = np.ones(n, dtype=bool)
    present[yes + no + 20 :] = False
    d = _decide("consensus_then_vote", distance, reservation, present)
    assert (d.yes, d.no, d.abstain, d.absent) == (yes, no, 20, 20)
    assert (d.adopted_by == "vote") is adopted


@given(yes=st.integers(0, 300), no=st.integers(0, 300))
def test_vote_passes_is_the_two_thirds_rule_in_integers(yes, no):
    """Exact arithmetic: 3 yes >= 2 (yes + no); nobody voting adopts nothing."""
    assert vote_passes(yes, no, 2 / 3) is ((yes + no) > 0 and 3 * yes >= 2 * (yes + no))


@pytest.mark.parametrize("rule", ["consensus_only", "consensus_then_vote", "two_thirds_vote"])
def test_one_present_objector_blocks_consensus_an_absent_one_cannot(rule):
    n = 193
    distance = np.zeros(n)
    reservation = np.full(n, 0.1)
    distance[17] = 0.5  # delegation 17 objects to the draft
    present = np.ones(n, dtype=bool)
    blocked = _decide(rule, distance, reservation, present, final=False)
    assert blocked.objectors == 1 and blocked.adopted_by != "consensus"
    present[17] = False  # the same objector, absent
    passed = _decide(rule, distance, reservation, present, final=False)
    assert passed.adopted_by == "consensus" and passed.objectors == 0 and passed.absent == 1


def test_a_single_member_can_block_under_consensus_but_not_under_two_thirds(record):
    """Banzhaf / Coleman: under consensus everyone has a veto; under two thirds nobody alone."""
    n = 193
    reservation = np.full(n, 0.1)
    present = np.ones(n, dtype=bool)
    blocks = {"consensus_only": 0, "two_thirds_vote": 0}
    for i in range(n):
        distance = np.zeros(n)
        distance[i] = 1.0
        for rule in blocks:
            blocks[rule] += _decide(rule, distance, reservation, present).adopted_by is None
    assert blocks == {"consensus_only": n, "two_thirds_vote": 0}
    # under two thirds it takes a blocking third: 65 of 193 voting no
    distance = np.zeros(n)
    distance[:64] = 1.0
    assert _decide("two_thirds_vote", distance, reservation, present).adopted_by == "vote"
    distance[:65] = 1.0
    assert _decide("two_thirds_vote", distance, reservation, present).adopted_by is None
    record(
        "decision rules, 193 present: a lone objector blocks under consensus in 193/193 "
        "cases, under two thirds in 0/193; 64 'no' votes fail to block, 65 block"
    )
