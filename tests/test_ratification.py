"""Ratification, ingredient by ingredient, against a closed form or a limiting case each.

docs/ODD.md section 6 "Ratification" states the arithmetic: signature (who signs when,
non-signatories accede at another pace), gamma procedures scaled by capacity, the text's
distance, diffusion among peers, campaigns around treaty events; entry into force.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.config import RatificationChannels, RatificationConfig, SignatureCount, TreatyEvent
from sim.model.ratification import (
    DAYS_PER_YEAR,
    Ratifiers,
    entry_into_force_day,
    parties_by,
    parties_by_month,
    ratification_days,
    ratify,
    signing_order,
)
from sim.model.ratification_clock import (
    PeerGroups,
    campaign_windows,
    first_passage,
    signing_days,
)

CFG = RatificationConfig()  # the Convention: threshold 40, 90 days after
OFF = RatificationChannels(
    signature=False, procedures=False, distance=True, diffusion=False, events=False
)
"""The constant-hazard law of version 2: no signature stage, memoryless, no peers, no events."""


def _states(n: int, dislike=0.1, capacity=0.6, region=None, bloc=None) -> Ratifiers:
    full = np.full(n, 1.0)
    return Ratifiers(
        dislike * full if np.isscalar(dislike) else np.asarray(dislike, float),
        capacity * full if np.isscalar(capacity) else np.asarray(capacity, float),
        np.zeros(n, dtype=np.int64) if region is None else np.asarray(region),
        np.zeros(n, dtype=np.int64) if bloc is None else np.asarray(bloc),
    )


def _cfg(**changes) -> RatificationConfig:
    channels = changes.pop("channels", {})
    return replace(CFG, **changes, channels=replace(CFG.channels, **channels))


# ----------------------------------------------------------------- entry into force


def test_entry_into_force_is_90_days_after_the_40th_ratification():
    days = np.arange(1.0, 61.0) * 10.0  # ratifications on days 10, 20, ..., 600
    rng = np.random.default_rng(0)
    shuffled = rng.permutation(np.concatenate([days, [np.inf] * 5]))
    assert entry_into_force_day(shuffled, CFG) == 400.0 + 90.0


def test_exactly_40_ratifications_enter_into_force_90_days_after_the_last():
    days = np.concatenate([np.arange(1.0, 41.0), np.full(153, np.inf)])
    assert entry_into_force_day(days, CFG) == 40.0 + 90.0


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


def test_parties_by_counts_ratifications_within_the_horizon():
    days = np.array([100.0, 500.0, 1827.0, np.inf, 3000.0])
    assert parties_by(days, 5 * 365.25) == 2
    assert parties_by(days, 1827.0) == 3
    assert parties_by(np.array([np.inf]), 1e9) == 0


def test_parties_by_month_counts_at_each_months_end():
    days = np.array([0.0, 30.0, 31.0, 61.0, np.inf])  # months end on days 30.4, 60.9, 91.3
    np.testing.assert_array_equal(parties_by_month(days, 3), [1, 2, 3, 4])
    assert all(parties_by_month(days, 3)[m] == parties_by(days, m * 365.25 / 12) for m in range(4))


# ----------------------------------------------------------------- the constant-hazard limit


def test_without_the_new_ingredients_it_is_the_constant_hazard_law():
    """No signature, memoryless procedures, no diffusion, no events: version 2's law exactly.

    Day = opening + 365.25 x E / (base x capacity x exp(-sensitivity x d)), E the
    exponential draws that follow one uniform per state in the ratification stream.
    """
    n = 300
    rng = np.random.default_rng(5)
    dislike, capacity = rng.random(n) * 0.4, rng.uniform(0.2, 0.9, n)
    cfg = _cfg(channels=vars(OFF), horizon_years=1000.0)
    days = ratification_days(_states(n, dislike, capacity), cfg, np.random.default_rng(11))
    draws = np.random.default_rng(11)
    draws.random(n)  # the signing keys, drawn whatever the switches
    waits = draws.exponential(size=n)
    rate = cfg.base_hazard_per_year * capacity * np.exp(-cfg.dislike_sensitivity * dislike)
    expected = np.round(cfg.opening_delay_days + DAYS_PER_YEAR * waits / rate)
    np.testing.assert_array_equal(days, expected)


def test_constant_hazard_mean_wait_is_one_over_the_rate():
    cfg = _cfg(channels=vars(OFF), horizon_years=1000.0, opening_delay_days=0, signatures=[])
    cfg = replace(cfg, dislike_sensitivity=0.0)
    n = 20_000
    days = ratification_days(_states(n, 0.0, 0.5), cfg, np.random.default_rng(4))
    assert days.mean() / DAYS_PER_YEAR == pytest.approx(1 / (cfg.base_hazard_per_year * 0.5), 0.03)


# ----------------------------------------------------------------- procedures and capacity


@pytest.mark.parametrize("shape", [1.0, 3.0, 5.0])
def test_procedure_lengths_are_gamma_with_mean_one_over_the_pace(shape):
    """Mean 1 / pace, coefficient of variation 1 / sqrt(shape) (Gamma(k, 1/k) work)."""
    channels = {**vars(OFF), "procedures": True}
    cfg = _cfg(channels=channels, procedure_shape=shape, horizon_years=1000.0)
    cfg = replace(cfg, opening_delay_days=0, dislike_sensitivity=0.0)
    n = 20_000
    years = ratification_days(_states(n, 0.0, 1.0), cfg, np.random.default_rng(6)) / DAYS_PER_YEAR
    pace = cfg.base_hazard_per_year
    assert years.mean() * pace == pytest.approx(1.0, rel=0.03)
    assert years.std() / years.mean() == pytest.approx(1 / np.sqrt(shape), rel=0.05)


def test_gamma_procedures_give_a_slow_start():
    """Early on, fewer states are done than under the memoryless law of the same mean."""
    n = 5000
    states = _states(n, 0.0, 0.6)
    slow = _cfg(channels={**vars(OFF), "procedures": True}, procedure_shape=4.0)
    quick = _cfg(channels=vars(OFF))
    early = CFG.opening_delay_days + 0.2 * DAYS_PER_YEAR
    gamma = ratification_days(states, slow, np.random.default_rng(1))
    memoryless = ratification_days(states, quick, np.random.default_rng(1))
    assert (gamma <= early).sum() < 0.25 * (memoryless <= early).sum()


def test_a_state_without_capacity_never_ratifies():
    rng = np.random.default_rng(2)
    capacity = np.array([0.0, 0.0, 0.8, 0.8] * 25)
    days = ratification_days(_states(100, 0.0, capacity), CFG, rng)
    assert np.isinf(days[capacity == 0]).all()
    none = replace(CFG, base_hazard_per_year=0.0)
    assert np.isinf(ratification_days(_states(10, 0.0, 1.0), none, rng)).all()


def test_days_are_whole_days_after_the_opening_and_within_the_horizon():
    days = ratification_days(_states(193, 0.1, 0.8), CFG, np.random.default_rng(3))
    finite = days[np.isfinite(days)]
    assert len(finite) > 0
    assert (finite >= CFG.opening_delay_days).all()
    assert (finite <= DAYS_PER_YEAR * CFG.horizon_years).all()
    np.testing.assert_array_equal(finite, np.round(finite))


def test_ratification_is_seeded():
    states = _states(50, np.linspace(0, 0.5, 50), 0.5, np.arange(50) % 5, np.arange(50) % 3)
    a = ratification_days(states, CFG, np.random.default_rng(7))
    b = ratification_days(states, CFG, np.random.default_rng(7))
    c = ratification_days(states, CFG, np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


# ----------------------------------------------------------------- distance


def test_a_disliked_text_is_ratified_later():
    """The pace falls with dislike: with the same draws, every wait is at least as long."""
    n, cfg = 300, _cfg(channels={"signature": False, "diffusion": False})
    liked = ratification_days(_states(n, 0.0), cfg, np.random.default_rng(3))
    disliked = ratification_days(_states(n, 0.3), cfg, np.random.default_rng(3))
    assert (disliked >= liked).all()
    assert np.isfinite(liked).sum() > np.isfinite(disliked).sum()


def test_without_the_distance_channel_the_text_changes_nothing():
    cfg = _cfg(channels={"distance": False})
    near = ratification_days(_states(100, 0.0, 0.6), cfg, np.random.default_rng(9))
    far = ratification_days(_states(100, 0.4, 0.6), cfg, np.random.default_rng(9))
    np.testing.assert_array_equal(near, far)


def test_signing_order_follows_the_text_when_sensitivity_is_large():
    """Gumbel top-k: a large sensitivity signs the nearest first; 0 gives a fair draw."""
    dislike = np.array([0.3, 0.1, 0.2, 0.0])
    keys = np.random.default_rng(0).random(4)
    np.testing.assert_array_equal(signing_order(keys, dislike, 1e6), [3, 1, 2, 0])
    first = [signing_order(k, dislike, 0.0)[0] for k in np.random.default_rng(1).random((4000, 4))]
    assert np.bincount(first, minlength=4) / 4000 == pytest.approx([0.25] * 4, abs=0.03)
    weights = np.exp(-5.0 * dislike)  # Plackett-Luce: first with probability w / sum(w)
    first = [signing_order(k, dislike, 5.0)[0] for k in np.random.default_rng(2).random((4000, 4))]
    assert np.bincount(first, minlength=4) / 4000 == pytest.approx(
        weights / weights.sum(), abs=0.03
    )


def test_keys_at_the_ends_of_the_unit_interval_still_order_by_the_odds():
    """Equal keys, even 0 or 1 (clipped inside the interval), leave the dislike to decide."""
    dislike = np.array([0.5, 0.1])
    for key in (0.0, 0.5, 1.0):
        np.testing.assert_array_equal(signing_order(np.full(2, key), dislike, 1.0), [1, 0])


# ----------------------------------------------------------------- signature


def test_signing_days_follow_the_records_counts():
    """Two sign at the opening (day 10); the count rises linearly to 4 by day 20."""
    order = np.array([4, 2, 0, 1, 3])
    days = signing_days(order, [(10, 2), (20, 4)])
    np.testing.assert_array_equal(days, [15.0, 20.0, 10.0, np.inf, 10.0])
    assert np.isinf(signing_days(order, [])).all()
    assert np.isfinite(signing_days(order, [(5, 99)])).all()  # more than there are: all sign


def test_signing_days_follow_each_segment_of_the_records_counts():
    """Counts 2 by day 10, 4 by day 20, 6 by day 40: the 3rd and 4th sign half way and at
    the end of the first rise (days 15, 20), the 5th and 6th on the second (30, 40); a
    single state signs on the first count's day."""
    days = signing_days(np.arange(6), [(10, 2), (20, 4), (40, 6)])
    np.testing.assert_array_equal(days, [10.0, 10.0, 15.0, 20.0, 30.0, 40.0])
    np.testing.assert_array_equal(signing_days(np.array([0]), [(10, 1)]), [10.0])


def test_signatories_start_when_they_sign_and_others_when_accession_opens():
    cfg = _cfg(
        signatures=[SignatureCount(443, 20), SignatureCount(600, 40)],
        accession_opens_day=800,
        channels={"diffusion": False, "events": False},
    )
    states = _states(100, np.linspace(0.0, 0.3, 100), 1.0)
    days = ratification_days(states, cfg, np.random.default_rng(4))
    order = signing_order(np.random.default_rng(4).random(100), states.dislike, 6.0)
    signed = signing_days(order, [(443, 20), (600, 40)])
    assert (days[np.isfinite(signed)] >= signed[np.isfinite(signed)]).all()
    assert (days[~np.isfinite(signed)] >= 800).all()


class _Passage:
    """A stand-in for `first_passage`: records where each procedure starts, returns `days`."""

    def __init__(self, days):
        self.days, self.start = np.asarray(days, float), None

    def __call__(self, start, *rest):
        self.start = np.asarray(start)
        return self.days


def test_signatories_start_on_their_signing_day_and_a_ratification_on_the_horizon_counts():
    """Two of three sign on day 443 (the record's count), the third starts at accession
    (day 800); the passage's days are kept, rounded, up to the horizon included."""
    cfg = _cfg(
        signatures=[SignatureCount(443, 2)],
        accession_opens_day=800,
        channels={"diffusion": False, "events": False},
    )
    horizon = DAYS_PER_YEAR * cfg.horizon_years
    passage = _Passage([horizon, horizon + 1.0, 10.4])
    days = ratification_days(_states(3), cfg, np.random.default_rng(0), passage)
    assert sorted(passage.start.tolist()) == [443.0, 443.0, 800.0]
    np.testing.assert_array_equal(days, [np.round(horizon), np.inf, 10.0])


def test_ratify_hands_the_states_to_the_passage_it_is_given():
    """The model's entry point uses the passage it is handed (the compiled twin's seat)."""
    n, k = 3, 2
    delegations = SimpleNamespace(
        ideal=np.full((n, k), 0.5),
        salience=np.full((n, k), 0.5),
        legislative=np.ones(n),
        region=np.zeros(n, dtype=np.int64),
        bloc=np.zeros(n, dtype=np.int64),
    )
    passage = _Passage([1.0, 2.0, 3.0])
    days = ratify(delegations, np.full(k, 0.5), CFG, np.random.default_rng(0), passage)
    assert passage.start is not None
    np.testing.assert_array_equal(days, [1.0, 2.0, 3.0])


def test_non_signatories_at_no_pace_never_join_and_at_full_pace_it_is_the_opening_law():
    everyone = [SignatureCount(CFG.opening_delay_days, 1000)]
    base = {"diffusion": False, "events": False}
    states = _states(200, 0.1, 0.7)
    cfg = _cfg(signatures=[SignatureCount(443, 50)], accession_factor=0.0, channels=base)
    days = ratification_days(states, cfg, np.random.default_rng(5))
    assert np.isfinite(days).sum() <= 50
    signed_all = _cfg(signatures=everyone, channels=base)
    no_stage = _cfg(channels={**base, "signature": False})
    np.testing.assert_array_equal(
        ratification_days(states, signed_all, np.random.default_rng(5)),
        ratification_days(states, no_stage, np.random.default_rng(5)),
    )


# ----------------------------------------------------------------- diffusion


def test_share_of_peers_party_is_the_mean_over_region_and_bloc():
    peers = PeerGroups(region=np.array([0, 0, 0, 1]), bloc=np.array([0, 1, 1, 1]))
    party = np.array([1.0, 0.0, 1.0, 0.0])
    # state 1: region peers {0, 2} both party (1.0), bloc peers {2, 3}: one of two (0.5)
    # state 3: no region peer (ignored), bloc peers {1, 2}: one of two
    np.testing.assert_allclose(peers.share_party(party), [0.5, 0.75, 0.25, 0.5])
    alone = PeerGroups(region=np.arange(4), bloc=np.arange(4))
    np.testing.assert_array_equal(alone.share_party(party), 0.0)


def test_diffusion_with_no_peers_or_no_gain_changes_nothing():
    n = 60
    alone = _states(n, 0.1, 0.7, np.arange(n), np.arange(n))
    on = ratification_days(alone, CFG, np.random.default_rng(6))
    off = ratification_days(alone, _cfg(channels={"diffusion": False}), np.random.default_rng(6))
    np.testing.assert_array_equal(on, off)
    grouped = _states(n, 0.1, 0.7)
    no_gain = ratification_days(grouped, _cfg(peer_gain=0.0), np.random.default_rng(6))
    off = ratification_days(grouped, _cfg(channels={"diffusion": False}), np.random.default_rng(6))
    np.testing.assert_array_equal(no_gain, off)


def test_a_peer_becoming_party_speeds_the_other_up_by_the_gain():
    """Two peers: A is done at need_A / a; B then runs at b (1 + g x 1)."""
    a, b, gain = 0.01, 0.004, 1.5
    need = np.array([1.0, 2.0])
    windows = np.zeros((0, 2))
    peers = PeerGroups(np.zeros(2, dtype=np.int64), np.array([0, 1]))  # region peers only
    days = first_passage(np.zeros(2), np.array([a, b]), need, 1e6, windows, 1.0, peers, gain)
    t_a = need[0] / a
    t_b = t_a + (need[1] - b * t_a) / (b * (1 + gain))
    np.testing.assert_allclose(days, [t_a, t_b])


def test_diffusion_speeds_ratification():
    states = _states(193, 0.15, 0.6, np.arange(193) % 5, np.arange(193) % 4)
    with_peers = ratification_days(states, CFG, np.random.default_rng(8))
    alone = ratification_days(states, _cfg(channels={"diffusion": False}), np.random.default_rng(8))
    assert (with_peers <= alone).all() and (with_peers < alone).any()


# ----------------------------------------------------------------- events


def test_campaign_windows_merge_and_stay_within_the_horizon():
    np.testing.assert_array_equal(
        campaign_windows([100, 120, 400, 990], 15.0, 1000.0),
        [[85.0, 135.0], [385.0, 415.0], [975.0, 1000.0]],
    )
    assert campaign_windows([], 15.0, 1000.0).shape == (0, 2)
    assert campaign_windows([2000], 15.0, 1000.0).shape == (0, 2)


def test_a_campaign_near_adoption_starts_its_window_on_day_0():
    np.testing.assert_array_equal(campaign_windows([5], 10.0, 100.0), [[0.0, 15.0]])


def test_peers_without_a_gain_change_nothing():
    """`gain` defaults to 0: peers alone do not speed anyone up."""
    start, pace, need = np.zeros(2), np.array([1.0, 0.5]), np.array([10.0, 10.0])
    peers = PeerGroups(np.zeros(2, dtype=np.int64), np.zeros(2, dtype=np.int64))
    none = np.zeros((0, 2))
    alone = first_passage(start, pace, need, 100.0, none, 1.0)
    np.testing.assert_array_equal(alone, [10.0, 20.0])
    np.testing.assert_array_equal(first_passage(start, pace, need, 100.0, none, 1.0, peers), alone)


def test_an_event_before_completion_brings_it_forward_by_the_extra_work():
    """Pace p, window [e - w, e + w] at multiplier m ended before completion:
    done at need / p - (m - 1) x 2w."""
    p, need, m = 0.002, np.array([1.0]), 4.0
    windows = campaign_windows([200], 30.0, 1e6)
    day = first_passage(np.zeros(1), np.array([p]), need, 1e6, windows, m)[0]
    assert day == pytest.approx(need[0] / p - (m - 1) * 60.0)


def test_an_event_outside_the_horizon_or_a_multiplier_of_one_changes_nothing():
    states = _states(193, 0.15, 0.6, np.arange(193) % 5, np.arange(193) % 4)
    plain = ratification_days(states, _cfg(events=[]), np.random.default_rng(9))
    late = _cfg(events=[TreatyEvent("late", 100_000)])
    one = _cfg(event_multiplier=1.0)
    off = _cfg(channels={"events": False})
    for cfg in (late, one, off):
        np.testing.assert_array_equal(
            ratification_days(states, cfg, np.random.default_rng(9)), plain
        )


def test_a_campaign_brings_ratifications_forward():
    states = _states(193, 0.1, 0.8, np.arange(193) % 5, np.arange(193) % 4)
    event = _cfg(events=[TreatyEvent("conference", 700)], event_multiplier=5.0)
    quiet = _cfg(events=[])
    busy = ratification_days(states, event, np.random.default_rng(10))
    calm = ratification_days(states, quiet, np.random.default_rng(10))
    assert (busy <= calm).all()
    assert parties_by(busy, 730) > parties_by(calm, 730)


# ----------------------------------------------------------------- whole runs


def test_a_negotiation_without_a_treaty_ratifies_nothing(small):
    """`ratification.treaty: false` (the plastics INC): no draw, missing parties, no table."""
    from sim.run.replications import run_replications

    cfg = small("ratification.treaty=false", "decision=two_thirds_vote", "replications=2")
    tables = run_replications(replace(cfg, measures=replace(cfg.measures, rush_cost=False)))
    runs = tables.runs
    assert runs["adopted"].all()  # a text, but no treaty to ratify
    assert runs["parties_after_5y"].isna().all() and runs["entry_into_force_day"].isna().all()
    assert runs["parties_after_22_months"].isna().all()
    assert tables.ratification.empty


def test_the_parties_by_month_table_agrees_with_the_runs_columns(small):
    from sim.run.replications import run_replications

    cfg = small("replications=3", "ratification.report_months=[12,22,40]")
    tables = run_replications(replace(cfg, measures=replace(cfg.measures, rush_cost=False)))
    table = tables.ratification
    adopted = tables.runs[tables.runs["adopted"]]
    assert set(table["replication"]) == set(adopted["replication"])
    assert (table.groupby("replication")["month"].max() == 12 * CFG.horizon_years).all()
    for _, run in adopted.iterrows():
        series = table[table["replication"] == run["replication"]].set_index("month")["parties"]
        assert series.is_monotonic_increasing
        for m in (12, 22, 40):
            assert series[m] == run[f"parties_after_{m}_months"]
