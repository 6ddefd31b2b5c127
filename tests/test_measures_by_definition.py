"""Measures pinned by their definitions, each on a tiny case whose value is known by hand.

Issue 24: hand-made mutants of the model changed its output and no test noticed. Each
test here fails under one of them: the holdout pull summed over every accommodation
(not the last one only), night sittings counted only where nights were sat, adoption
after lost amendment votes as "consensus" (not "vote"), the attendance progress
clipped at 1 in extension meetings, and the stakeholders' salience weights. Others
kill survivors of `make mutate` in `session.py` (docs/testing.md): amendment counts,
consultations after adoption, a meeting without influence, presence from one day, the
unhurried twin's tabling, a one-issue negotiation's work.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import sim.model.session as session_module
from sim.model import Negotiation
from sim.model.attendance import MeetingOutlook
from sim.model.metrics import delegation_rows, run_metrics
from sim.model.tabling import Tabling, table_draft


def _tabling(text, positions, **given) -> Tabling:
    """A tabling that decides, moves and votes nothing, but for the fields `given`."""
    nothing = {
        "decision": None,
        "objecting": np.zeros(len(positions), dtype=bool),
        "unfinished": np.zeros(len(text)),
        "holdout_move": np.zeros(len(text)),
        "power": np.zeros(len(positions)),
        "amendments": (0, 0),
    }
    return Tabling(**{**nothing, **given})


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
        return _tabling(text, positions, holdout_move=move, power=power)

    monkeypatch.setattr(session_module, "table_draft", tabling)
    record = Negotiation(cfg, seed=0).run()
    assert len(record.population.issues) == 4
    assert len(calls) >= 3  # a tabling after the two accommodations changes nothing
    np.testing.assert_allclose(record.holdout_move, [0.3, -0.3, 0.0, 0.0])
    assert record.row["holdout_pull"] == pytest.approx(0.15)
    assert record.row["accommodations"] == 2
    np.testing.assert_array_equal(np.flatnonzero(record.accommodated), [0, 1])


def test_amendment_votes_add_up_over_the_tablings_of_a_run(small, monkeypatch):
    """Tablings that propose 3 and adopt 1, then propose 2 and adopt 2: 5 proposed, 3 adopted.

    Each count adds to its own running total (a mutant adding the adopted to the
    proposed, or keeping the last tabling's only, gives other numbers).
    """
    cfg = small("measures.rush_cost=false")
    votes = {1: (3, 1), 2: (2, 2)}
    calls = []

    def tabling(cfg, *, text, positions, **_):
        calls.append(len(calls) + 1)
        return _tabling(text, positions, amendments=votes.get(calls[-1], (0, 0)))

    monkeypatch.setattr(session_module, "table_draft", tabling)
    record = Negotiation(cfg, seed=0).run()
    assert len(calls) >= 3  # a tabling after the two with votes adds nothing
    assert (record.row["amendments_proposed"], record.row["amendments_adopted"]) == (5, 3)


def test_no_consultation_follows_the_meeting_that_adopts_the_text(small, monkeypatch):
    """Adopted at the first meeting of a calendar with more: no intersessional round after.

    The consultations prepare the next meeting; once the text is adopted there is none,
    though the calendar had one (a mutant that looks only at the calendar consults).
    """
    from sim.model.decision import Decision

    cfg = small("measures.rush_cost=false")
    adopted = Decision(adopted_by="consensus", objectors=0, absent=0, yes=0, no=0, abstain=0)
    consulted = []

    def tabling(cfg, *, text, positions, **_):
        return _tabling(text, positions, decision=adopted)

    real = Negotiation._consult
    monkeypatch.setattr(session_module, "table_draft", tabling)
    monkeypatch.setattr(Negotiation, "_consult", lambda self: consulted.append(real(self)))
    model = Negotiation(cfg, seed=0)
    assert cfg.scenario.calendar.meetings > 1 and cfg.scenario.calendar.consultations >= 1
    record = model.run()
    assert record.row["meetings_held"] == 1 and record.row["adopted_by"] == "consensus"
    assert consulted == []
    assert not model.ledger.consultations_attended.any()


def test_a_meeting_that_credits_no_influence_has_no_stakeholders_share(small):
    """Nobody credited with any influence during the meeting: the share is NaN (not 0/0).

    The meeting's stakeholders' share is their gain over everyone's; with no gain at all
    there is no share to report, and the series' summaries skip the meeting.
    """
    from types import SimpleNamespace

    model = Negotiation(small("measures.rush_cost=false"), seed=0)
    before = model._credited()
    assert before == (0.0, 0.0)
    tiers = SimpleNamespace(informal=[], friends=[])
    work = SimpleNamespace(closed_room_days=0, mean_pace=lambda room: float("nan"))
    log = model._meeting_log(1e6, tiers, work, None, before)
    assert np.isnan(log["stakeholder_influence_share"])
    model.ledger.stakeholder_influence[0] += 0.25  # a gain of 0.25 in 0.25 + 0.75
    model.ledger.influence[0] += 0.75
    log = model._meeting_log(1e6, tiers, work, None, before)
    assert log["stakeholder_influence_share"] == pytest.approx(0.25)


def test_a_delegation_in_the_room_one_day_is_present_at_the_decision(small, monkeypatch):
    """In person 0, 1 and 2 days, nobody online: the second and third may object or vote.

    Presence at the decision is any day in person (not more than one).
    """
    from types import SimpleNamespace

    seen = {}

    def tabling(cfg, *, text, positions, present, **_):
        seen["present"] = present.copy()
        return _tabling(text, positions)

    monkeypatch.setattr(session_module, "table_draft", tabling)
    model = Negotiation(small("measures.rush_cost=false"), seed=0)
    assert not model.config.funding.remote_counts_for_decision
    days = np.zeros(model.n_delegations, dtype=int)
    days[1], days[2] = 1, 2
    plan = SimpleNamespace(in_person_days=days, remote=np.zeros(len(days), dtype=bool))
    model._table(plan)
    np.testing.assert_array_equal(np.flatnonzero(seen["present"]), [1, 2])
    np.testing.assert_array_equal(np.flatnonzero(model.present_at_decision), [1, 2])


def test_only_the_unhurried_twin_tables_unhurried(small, monkeypatch):
    """The twin (no budget limit, no pressure) tables with `hurried=False`, a run with True.

    Without it the twin would accommodate holdouts and force amendment votes as a
    hurried chair does, and the rush cost would compare two hurried texts.
    """
    seen = []

    def tabling(cfg, *, text, positions, hurried=True, **_):  # the real default
        seen.append(hurried)
        return _tabling(text, positions)

    monkeypatch.setattr(session_module, "table_draft", tabling)
    cfg = small("measures.rush_cost=false")
    Negotiation(cfg, seed=0).step()
    Negotiation(cfg, seed=0, unhurried=True).step()
    assert seen == [True, False]


def _one_issue(obj, keep="scope"):
    """A config with every per-issue table and list cut down to the one issue `keep`."""
    issues = {"scope", "data_access", "safeguards", "assistance"}
    if dataclasses.is_dataclass(obj):
        for field in dataclasses.fields(obj):
            setattr(obj, field.name, _one_issue(getattr(obj, field.name), keep))
        return obj
    if isinstance(obj, dict):
        per_issue = len(obj) > 1 and set(obj) <= issues
        return {k: _one_issue(v, keep) for k, v in obj.items() if not per_issue or k == keep}
    if isinstance(obj, list) and obj and all(isinstance(x, str) and x in issues for x in obj):
        return [x for x in obj if x == keep]
    return obj


def test_a_one_issue_negotiation_puts_all_the_text_days_on_its_issue(small, revalidate):
    """`compression.text_days` split evenly over the issues: one issue needs them all."""
    cfg = revalidate(_one_issue(small("measures.rush_cost=false")))
    model = Negotiation(cfg, seed=0)
    assert model.n_issues == 1
    np.testing.assert_array_equal(model.work_total, [cfg.process.compression.text_days])
    assert model.run().row["meetings_held"] >= 1


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


# ----------------------------------------------------------------- the run's columns

# A finished run of the small scenario (12 delegations, three of each income group, in
# the order HIC, UMIC, LMIC, LIC), whose accumulators each test below overwrites with
# values worked by hand, so the columns can be read off their definitions.


@pytest.fixture
def record(small):
    rec = Negotiation(small("process=two_tier"), seed=0).run()
    assert len(rec.population.delegations) == 12 and rec.adopted_by is not None
    return rec


def test_adoption_is_dated_by_the_meetings_before_it_and_the_days_of_its_own(record):
    """Meeting 3 of a calendar of 3-day meetings 60 days apart: day 2 x 60 + 3 = 123."""
    record.meetings_held = 3
    row = run_metrics(record)
    assert (row["adoption_meeting"], row["adoption_day"]) == (3, 123.0)
    record.adopted_by, record.ratification_days = None, None
    row = run_metrics(record)
    assert np.isnan(row["adoption_meeting"]) and np.isnan(row["adoption_day"])


def test_without_a_decision_the_objectors_and_the_absent_are_counted_from_the_masks(record):
    """Objecting (1, 1, 0, ...) and present (1, 0, 1, ...): one objector present; one absent."""
    n = 12
    record.decision = None
    record.objecting = np.array([True, True] + [False] * (n - 2))
    record.present_at_decision = np.array([True, False] + [True] * (n - 2))
    row = run_metrics(record)
    assert (row["objectors_at_decision"], row["absent_at_decision"]) == (1, 1)


def test_a_delegation_counts_as_ever_present_from_one_day(record):
    record.ledger.present_days = np.array([0.0, 1.0, 2.0] + [0.0] * 9)
    assert run_metrics(record)["delegations_ever_present"] == 2


def test_the_series_maxima_are_their_largest_value_and_nan_without_meetings(record):
    series = record.meeting_series
    series["parallel_tracks"], series["compression"] = [1, 3, 2], [0.5, 1.5, 1.0]
    row = run_metrics(record)
    assert (row["parallel_tracks_max"], row["compression_max"]) == (3.0, 1.5)
    record.meeting_series = {}
    row = run_metrics(record)
    assert np.isnan(row["parallel_tracks_max"]) and np.isnan(row["compression_max"])
    assert row["night_sitting_meetings"] == 0


def test_the_stance_gap_is_the_mean_salience_weighted_distance_of_positions_from_the_text(
    record,
):
    """Every delegation at 0.2 on every issue, the text at 0.5: a gap of 0.3."""
    record.positions = np.full_like(record.positions, 0.2)
    record.text = np.full_like(record.text, 0.5)
    assert run_metrics(record)["stance_gap"] == pytest.approx(0.3)


def test_the_unfinished_share_is_the_mean_over_issues_and_nil_without_issues(record):
    record.unfinished = np.array([0.2, 0.4, 0.0, 0.6])
    assert run_metrics(record)["work_unfinished_share"] == pytest.approx(0.3)
    record.unfinished = np.array([])
    assert run_metrics(record)["work_unfinished_share"] == 0.0


def test_rates_per_day_held_and_shares_of_influence_by_hand(record):
    """One day held; HIC present it in person, the rest absent.

    Influence 0.25 for each HIC delegation, 0.25 proxied for the last (LIC) one, so the
    delegations' total is 1 (a total below 1 is still a total); 1 for the stakeholders.
    HIC's voice is 0.75 / 1 and its representation 0.75 / (3/12) = 3; each HIC
    delegation holds a share of 0.25; the stakeholders' share is 1 / (1 + 1) = 0.5.
    """
    led = record.ledger
    hic, last = np.arange(12) < 3, np.arange(12) == 11
    led.days_held = 1
    led.present_days = led.in_person_days = hic.astype(float)
    led.influence, led.proxy_influence = 0.25 * hic, 0.25 * last
    led.stakeholder_influence = np.zeros(len(led.stakeholder_influence))
    led.stakeholder_influence[0] = 1.0
    row = run_metrics(record)
    assert (row["attendance_rate_HIC"], row["in_person_rate_HIC"]) == (1.0, 1.0)
    assert (row["attendance_rate_LIC"], row["in_person_rate_LIC"]) == (0.0, 0.0)
    assert (row["voice_share_HIC"], row["representation_HIC"]) == (0.75, 3.0)
    assert row["proxied_voice_share_LIC"] == 0.25
    assert row["stakeholder_influence_share"] == 0.5
    table = delegation_rows(record)
    np.testing.assert_array_equal(table["attendance_rate"], hic)
    np.testing.assert_array_equal(table["in_person_rate"], hic)
    np.testing.assert_array_equal(table["influence_share"], 0.25 * hic)
    np.testing.assert_array_equal(table["proxied_influence_share"], 0.25 * last)


def test_the_decisions_own_counts_win_over_the_masks(record):
    """The last tabling's decision counts objectors and absentees as it decided (an
    acquiescing objector is no objector): the row takes its counts, not the masks'."""
    record.objecting = np.ones(12, dtype=bool)
    record.present_at_decision = np.zeros(12, dtype=bool)
    row = run_metrics(record)
    assert row["objectors_at_decision"] == record.decision.objectors
    assert row["absent_at_decision"] == record.decision.absent
    assert (record.decision.objectors, record.decision.absent) != (0, 12)  # the case bites


def test_an_income_group_with_no_delegation_has_no_rates_and_no_representation(record):
    """All 12 delegations relabelled HIC: the other groups' columns are missing (NaN)."""
    record.population.delegations.income = np.zeros(12, dtype=int)
    row = run_metrics(record)
    for column in ("attendance_rate", "informal_coverage", "representation", "text_distance"):
        assert np.isnan(row[f"{column}_LIC"]), column
    assert np.isnan(row["text_distance_centre_LIC"])


def test_a_groups_centre_is_its_members_mean_ideal_issue_by_issue(record):
    """HIC's ideals centred at (0, 0.1, 0.2, 0.3), the text at (0, 0, 0.5, 0.5): the
    distances 0, 0.1, 0.3 and 0.2 average 0.15 (one centre for all issues, 0.15, would
    give 0.25)."""
    centre = np.array([0.0, 0.1, 0.2, 0.3])
    ideal = record.population.delegations.ideal
    ideal[:3] = centre + np.array([-0.05, 0.0, 0.05])[:, None] * (centre > 0)
    record.text = np.array([0.0, 0.0, 0.5, 0.5])
    assert run_metrics(record)["text_distance_centre_HIC"] == pytest.approx(0.15)


def test_stakeholders_shares_before_and_after_doors_close_skip_meetings_without_a_value(
    record,
):
    """Doors close at meeting 2; shares 0.5, NaN, 0.2: before 0.5, after 0.2 (not 0.1)."""
    record.meeting_series.update(
        informal_issues=[0, 1, 0],
        friends_issues=[0, 0, 0],
        stakeholder_influence_share=[0.5, np.nan, 0.2],
    )
    row = run_metrics(record)
    assert row["stakeholder_share_before_informal"] == 0.5
    assert row["stakeholder_share_after_informal"] == pytest.approx(0.2)


def test_the_delegation_table_holds_each_delegations_ledger(record):
    """Days, informal coverage, accommodation and ratification, delegation by delegation."""
    led, n = record.ledger, 12
    led.days_held, led.informal_room_days = 10, 4
    led.delegate_days = np.arange(n, dtype=float)
    led.in_person_days = np.full(n, 5.0)
    led.informal_days = np.where(np.arange(n) < 6, 2.0, 0.0)
    record.accommodated = np.arange(n) == 4
    record.ratification_days = np.where(np.arange(n) < 2, 30.0, np.inf)
    table = delegation_rows(record)
    np.testing.assert_array_equal(table["delegate_days"], np.arange(n))
    np.testing.assert_array_equal(table["in_person_rate"], np.full(n, 0.5))
    np.testing.assert_array_equal(table["informal_room_days"], led.informal_days)
    np.testing.assert_array_equal(table["informal_coverage"], led.informal_days / 4)
    np.testing.assert_array_equal(table["accommodated"], record.accommodated)
    np.testing.assert_array_equal(table["ratified"], np.arange(n) < 2)
    np.testing.assert_array_equal(
        table["ratification_day"], np.where(np.arange(n) < 2, 30.0, np.nan)
    )


def test_the_delegation_table_without_closed_rooms_influence_or_a_treaty(record):
    """No closed room-day: coverage is missing; no influence: shares 0; no treaty: none ratified."""
    led = record.ledger
    led.informal_room_days = 0
    led.influence, led.proxy_influence = np.zeros(12), np.zeros(12)
    record.ratification_days = None
    table = delegation_rows(record)
    assert np.isnan(table["informal_coverage"]).all()
    np.testing.assert_array_equal(table["influence_share"], np.zeros(12))
    np.testing.assert_array_equal(table["proxied_influence_share"], np.zeros(12))
    assert table["ratified"].dtype == bool and not table["ratified"].any()
    assert np.isnan(table["ratification_day"]).all()


def test_doors_first_closed_at_the_earliest_meeting_that_closed_any(record):
    """Issues closed at meetings 0 (never), 1, 3, 0: the doors first closed at meeting 1."""
    record.doors_closed = np.array([0, 1, 3, 0])
    row = run_metrics(record)
    assert row["doors_closed_meeting"] == 1.0
    assert [row[f"doors_closed_meeting_{i}"] for i in record.population.issues][:3] == [
        pytest.approx(np.nan, nan_ok=True),
        1.0,
        3.0,
    ]
    record.doors_closed = np.zeros(4)
    assert np.isnan(run_metrics(record)["doors_closed_meeting"])


def test_a_friends_room_alone_also_closes_the_doors_for_the_stakeholders_shares(record):
    """No informal tier, but the friends' room sits from meeting 2: shares 0.4 before, 0.1 after."""
    record.meeting_series.update(
        informal_issues=[0, 0, 0],
        friends_issues=[0, 1, 0],
        stakeholder_influence_share=[0.4, 0.1, 0.1],
    )
    row = run_metrics(record)
    assert row["stakeholder_share_before_informal"] == 0.4
    assert row["stakeholder_share_after_informal"] == pytest.approx(0.1)
    del record.meeting_series["informal_issues"]
    row = run_metrics(record)
    assert np.isnan(row["stakeholder_share_before_informal"])
    assert np.isnan(row["stakeholder_share_after_informal"])


def test_the_texts_gaps_to_the_median_state_and_to_civil_society_issue_by_issue(record):
    """Every delegation at 0.3, every stakeholder at 0.9, the text at 0.5: gaps 0.2 and 0.4."""
    record.population.delegations.ideal[:] = 0.3
    record.population.stakeholders.ideal[:] = 0.9
    record.text = np.full(4, 0.5)
    row = run_metrics(record)
    for issue in record.population.issues:
        assert row[f"gap_median_state_{issue}"] == pytest.approx(0.2)
        assert row[f"gap_civil_society_{issue}"] == pytest.approx(0.4)


def test_entry_into_force_is_dated_from_adoption_and_parties_are_counted_by_five_years(record):
    """Threshold 3, 90 days after it; ratifications on days 10, 20, 30, 40 and 2,000 after
    adoption on day 123: in force on day 123 + 30 + 90 = 243; four parties within five years
    (1,826.25 days), five counting day 2,000."""
    ratification = dataclasses.replace(
        record.config.ratification, threshold=3, days_after_threshold=90
    )
    record.config = dataclasses.replace(record.config, ratification=ratification)
    record.meetings_held = 3  # adopted on day 2 x 60 + 3 = 123
    days = np.full(12, np.inf)
    days[:5] = [10.0, 20.0, 30.0, 40.0, 2000.0]
    record.ratification_days = days
    row = run_metrics(record)
    assert row["entry_into_force_day"] == 243.0
    assert row["parties_after_5y"] == 4
