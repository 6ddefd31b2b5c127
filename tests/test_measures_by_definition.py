"""Measures pinned by their definitions, each on a tiny case whose value is known by hand.

Issue 24: hand-made mutants of the model changed its output and no test noticed. Each
test here fails under one of them: the holdout pull summed over every accommodation
(not the last one only), night sittings counted only where nights were sat, adoption
after lost amendment votes as "consensus" (not "vote"), the attendance progress
clipped at 1 in extension meetings, and the stakeholders' salience weights.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import sim.model.session as session_module
from sim.model import Negotiation
from sim.model.attendance import MeetingOutlook
from sim.model.metrics import run_metrics
from sim.model.tabling import Tabling, table_draft

# ----------------------------------------------------------------- holdout pull


def test_the_holdout_pull_sums_every_accommodation_of_the_run(small, monkeypatch):
    """Two accommodations: +0.1 on issue 0, then +0.2 on issue 0 and -0.3 on issue 1.

    The net move is (0.3, -0.3, 0, 0), so the pull, the mean absolute net move over
    the four issues, is 0.6 / 4 = 0.15 (the last move alone would give 0.5 / 4).
    """
    cfg = small("measures.rush_cost=false")
    moves = {1: ([0.1, 0.0, 0.0, 0.0], 0), 2: ([0.2, -0.3, 0.0, 0.0], 1)}
    calls = []

    def tabling(cfg, *, text, positions, **_):
        calls.append(len(calls) + 1)
        move, power = np.zeros(len(text)), np.zeros(len(positions))
        if calls[-1] in moves:
            values, holdout = moves[calls[-1]]
            move[:] = values
            power[holdout] = 0.5
        return Tabling(
            decision=None,
            objecting=np.zeros(len(positions), dtype=bool),
            unfinished=np.zeros(len(text)),
            holdout_move=move,
            power=power,
            amendments=(0, 0),
        )

    monkeypatch.setattr(session_module, "table_draft", tabling)
    record = Negotiation(cfg, seed=0).run()
    assert len(record.population.issues) == 4
    assert len(calls) >= 3  # a tabling after the two accommodations changes nothing
    np.testing.assert_allclose(record.holdout_move, [0.3, -0.3, 0.0, 0.0])
    assert record.row["holdout_pull"] == pytest.approx(0.15)
    assert record.row["accommodations"] == 2
    np.testing.assert_array_equal(np.flatnonzero(record.accommodated), [0, 1])


# ----------------------------------------------------------------- night sittings


def test_night_sittings_count_the_meetings_that_sat_at_night(small):
    """Of four meetings with night shares 0, 0.2, 0 and 0.5, two sat at night."""
    record = Negotiation(small("measures.rush_cost=false"), seed=0).run()
    series = dict(record.meeting_series)

    def nights(shares: list[float]) -> int:
        series["night_share"] = shares
        return run_metrics(dataclasses.replace(record, meeting_series=series))[
            "night_sitting_meetings"
        ]

    assert nights([0.0, 0.2, 0.0, 0.5]) == 2
    assert nights([0.0, 0.0, 0.0, 0.0]) == 0


def test_a_process_without_nights_has_no_night_sittings(small):
    """Nights capped at 0 and work that needs compression: meetings held, none at night."""
    cfg = small(
        "measures.rush_cost=false",
        "process.compression.night_share=0",
        "process.compression.text_days=1000",
    )
    record = Negotiation(cfg, seed=0).run()
    assert record.meetings_held >= 1
    assert record.row["night_sitting_meetings"] == 0


# ----------------------------------------------------------------- adopted_by


def _amendment_room(small, *channels: str):
    """Four delegations on one issue, the draft at 0: three sit there, one at 1.

    The one objects (distance 1 > reservation 0.5) and, at the final tabling, moves its
    wording (1) as an amendment: three of four are against it, so it fails and the
    provision stays at 0. The whole then has 3 yes to 1 no (3/4 >= 2/3).
    """
    cfg = small(
        "decision.rule=consensus_then_vote",
        "channels.holdout_accommodation=false",
        "channels.acquiescence=false",
        "channels.unfinished_work=false",
        *channels,
    )
    n = 4
    return table_draft(
        cfg,
        text=np.zeros(1),
        zero_draft=np.zeros(1),
        positions=np.array([[0.0], [0.0], [0.0], [1.0]]),
        salience=np.ones((n, 1)),
        present=np.ones(n, dtype=bool),
        reservation=np.full(n, 0.5),
        work_left=np.zeros(1),
        work_total=np.ones(1),
        meeting=cfg.decision.earliest_tabling_meeting,
        final=True,
        pressure=1.0,
    )


def test_after_lost_amendment_votes_the_text_is_adopted_by_consensus(small):
    result = _amendment_room(small, "channels.amendment_votes=true")
    assert result.amendments == (1, 0)
    assert result.decision.adopted_by == "consensus"
    assert (result.decision.yes, result.decision.no, result.decision.objectors) == (3, 1, 1)


def test_without_amendment_votes_the_same_room_adopts_by_vote(small):
    result = _amendment_room(small, "channels.amendment_votes=false")
    assert result.amendments == (0, 0)
    assert result.decision.adopted_by == "vote"


# ----------------------------------------------------------------- attendance progress


def _outlook(meeting_index: int, expected: int) -> MeetingOutlook:
    return MeetingOutlook(
        meeting_index=meeting_index,
        expected=expected,
        remaining_usd=np.zeros(1),
        stakes=np.zeros(1),
        cost_share_usd=np.zeros(1),
    )


@pytest.mark.parametrize(
    ("meeting_index", "expected", "progress"),
    [(0, 6, 0.0), (1, 6, 0.2), (5, 6, 1.0), (6, 6, 1.0), (9, 6, 1.0), (0, 1, 0.0), (3, 1, 1.0)],
)
def test_progress_runs_from_0_to_1_and_stays_at_1_in_extensions(meeting_index, expected, progress):
    assert _outlook(meeting_index, expected).progress == pytest.approx(progress)


def test_an_extension_meeting_brings_no_more_delegates_than_the_last_planned_one(small):
    """Base 0.2, progress gain 0.6, ten staff: 0.2 + 0.6 = 0.8 -> 8 delegates at the last
    planned meeting and at an extension (unclipped, 6/5 progress would want 0.92 -> 9)."""
    from sim.model.attendance import plan_attendance

    cfg = small(
        "behaviour.attendance_base=0.2",
        "behaviour.attendance_progress_gain=0.6",
        "behaviour.attendance_stakes_gain=0",
        "funding.trust_fund_delegates=0",
    )
    members = dataclasses.make_dataclass("M", ["budget_usd", "staff", "income", "ldc"])(
        budget_usd=np.full(3, 1e9),
        staff=np.full(3, 10),
        income=np.zeros(3, dtype=np.int64),
        ldc=np.zeros(3, dtype=bool),
    )
    for meeting_index in (5, 6):
        outlook = MeetingOutlook(
            meeting_index=meeting_index,
            expected=6,
            remaining_usd=np.full(3, 1e9),
            stakes=np.zeros(3),
            cost_share_usd=np.zeros(3),
        )
        np.testing.assert_array_equal(plan_attendance(outlook, members, cfg).delegates, 8)


# ----------------------------------------------------------------- stakeholders' salience


def test_stakeholders_care_about_issues_as_their_kind_does(small):
    """Civil society's salience 2:1:1:0 over the four issues is (0.5, 0.25, 0.25, 0); with
    a very large concentration every organisation's draw is that share (rows sum to 1)."""
    cfg = small(
        "scenario.delegations.salience_concentration=1e6",
        "scenario.stakeholders.civil_society.salience.scope=2",
        "scenario.stakeholders.civil_society.salience.data_access=1",
        "scenario.stakeholders.civil_society.salience.safeguards=1",
        "scenario.stakeholders.civil_society.salience.assistance=0",
    )
    model = Negotiation(cfg, seed=0)
    st = model.population.stakeholders
    assert model.population.issues == ("scope", "data_access", "safeguards", "assistance")
    np.testing.assert_allclose(st.salience.sum(axis=1), 1.0)
    civil = st.kind == 0
    assert civil.sum() == 6
    np.testing.assert_allclose(st.salience[civil], [[0.5, 0.25, 0.25, 0.0]] * 6, atol=3e-3)
    # industry's 0.3:0.4:0.25:0.05 sums to 1 already
    industry = st.kind == 1
    np.testing.assert_allclose(
        st.salience[industry], [[0.3, 0.4, 0.25, 0.05]] * int(industry.sum()), atol=3e-3
    )


def test_a_stakeholders_weight_is_the_weight_x_its_capacity_x_its_salience(small):
    """Weight 0.5, capacity c, salience s: the weight on issue j is 0.5 c s_j, so an issue
    it does not care about (s_j = 0) gets none, and its weights sum to 0.5 c."""
    cfg = small(
        "behaviour.stakeholder_weight=0.5",
        "scenario.delegations.salience_concentration=1e6",
        "scenario.stakeholders.civil_society.salience.assistance=0",
    )
    model = Negotiation(cfg, seed=0)
    st = model.population.stakeholders
    weights = model.stakeholder_weights
    assert weights.shape == st.salience.shape == (13, 4)
    np.testing.assert_allclose(weights, 0.5 * st.capacity[:, None] * st.salience)
    np.testing.assert_allclose(weights.sum(axis=1), 0.5 * st.capacity)
    civil = st.kind == 0
    np.testing.assert_allclose(weights[civil, 3], 0.0, atol=1e-6)
    assert (weights[~civil, 3] > 0).all()
    assert model.mechanisms.days.stakeholder_voices == pytest.approx(0.5 * st.capacity.sum())
