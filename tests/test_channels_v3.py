"""Version 3's mechanisms, unit by unit, each against the arithmetic docs/ODD.md states.

What closed rooms buy (audience costs, room size), doors by the negotiation, no empty
rooms, budgets over the meetings expected, unfinished work, acquiescence. Each has a
closed form or a limiting case here; tests/validation/test_channel_liveness.py checks
that each acts on whole runs.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.config import ChannelsConfig, CompressionConfig, FriendsConfig, ProcessConfig
from sim.model import Negotiation
from sim.model.attendance import MeetingOutlook, plan_attendance
from sim.model.chair import ChairDesk
from sim.model.decision import (
    acquiescing,
    blocking_power,
    decide,
    tabled_text,
    unfinished_share,
)
from sim.model.dynamics import exposed_concession, over_time, room_pace, salience_distance
from sim.model.process import (
    PLENARY,
    Compression,
    TierPlan,
    issue_time,
    plan_tiers,
    planned_rooms,
    plenary_overload,
    room_days_ahead,
    rooms_for_day,
    stocktaking,
)
from sim.model.tabling import table_draft
from tests.shared import TWO_THIRDS


def _ints(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _process(**changes) -> ProcessConfig:
    return dataclasses.replace(
        ProcessConfig(
            informal_from_meeting=0,
            max_parallel_rooms=2,
            compression=CompressionConfig(text_days=100.0, max_parallel_rooms=3, night_share=0.5),
        ),
        **changes,
    )


# ----------------------------------------------------------------- room size


@given(voices=st.floats(0.0, 1e4), half=st.floats(1.0, 1e3))
def test_a_room_day_shares_its_time_among_the_voices(voices, half):
    pace = room_pace(voices, half)
    assert pace == pytest.approx(1.0 / (1.0 + voices / half))
    assert 0.0 < pace <= 1.0
    assert room_pace(half, half) == pytest.approx(0.5)  # half_voices halves the day
    assert room_pace(voices + 1.0, half) < pace  # every voice takes floor time


@given(rate=st.floats(0.0, 0.99), time=st.floats(0.01, 3.0))
def test_a_rate_compounds_over_the_negotiating_time(rate, time):
    assert over_time(rate, time) == pytest.approx(1 - (1 - rate) ** time)
    assert over_time(rate, 1.0) == rate
    assert over_time(1.0, time) == 1.0  # a full step stays full however short the day


def test_work_per_issue_is_the_rooms_paced_time_shared_among_its_issues():
    tiers = TierPlan(informal=_ints(0, 1), friends=_ints(), plenary=_ints(2, 3))
    rooms = rooms_for_day(0, tiers, _process(), None, tracks=2)
    pace = np.array([0.25, 0.5, 1.0])  # plenary, informal 0, informal 1
    np.testing.assert_allclose(issue_time(rooms, 4, 0.0, pace), [0.5, 1.0, 0.125, 0.125])
    np.testing.assert_allclose(issue_time(rooms, 4, 0.5, pace), [0.75, 1.5, 0.1875, 0.1875])


# ----------------------------------------------------------------- audience costs


def test_concession_falls_with_the_share_of_the_meeting_spent_in_observed_rooms():
    observed = np.array([10.0, 5.0, 0.0, 0.0])
    covered = np.array([10.0, 10.0, 10.0, 0.0])  # the last sat in no room at all
    share = exposed_concession(observed, covered, audience_cost=0.4)
    np.testing.assert_allclose(share, [0.6, 0.8, 1.0, 0.6])
    np.testing.assert_array_equal(exposed_concession(observed, covered, 0.0), 1.0)


# ----------------------------------------------------------------- doors by the negotiation


def test_the_plenary_sheds_the_issues_it_cannot_finish_most_work_first():
    work = np.array([30.0, 10.0, 25.0, 5.0])
    spread = np.array([0.1, 0.4, 0.2, 0.3])
    # 40 plenary days for 4 issues: 10 each; 30 > 10 goes; 3 issues get 13.3: 25 goes;
    # 2 issues get 20: both fit
    np.testing.assert_array_equal(plenary_overload(work, _ints(0, 1, 2, 3), spread, 40.0), [0, 2])
    assert len(plenary_overload(work, _ints(0, 1, 2, 3), spread, 1000.0)) == 0
    # equal work: the most contentious goes first
    even = np.full(4, 12.0)
    np.testing.assert_array_equal(plenary_overload(even, _ints(0, 1, 2, 3), spread, 40.0), [1])


def test_an_issue_needing_exactly_its_share_of_the_plenary_stays_and_none_moved_is_no_issue():
    """4 issues of 10 days in 40 plenary days: each needs exactly its share, none moves; the
    (empty) result still indexes the issues."""
    work = np.full(4, 10.0)
    moved = plenary_overload(work, _ints(0, 1, 2, 3), np.zeros(4), 40.0)
    assert len(moved) == 0
    assert len(work[moved]) == 0


def test_an_issue_the_plenary_cannot_finish_goes_behind_closed_doors():
    spread = np.array([0.01, 0.01, 0.01])  # nothing contentious
    p = _process(disagreement_threshold=0.2)
    calm = plan_tiers(spread, 1, p, None, 0.2)
    assert len(calm.informal) == 0
    pressed = plan_tiers(spread, 1, p, None, 0.2, overloaded=_ints(2))
    np.testing.assert_array_equal(pressed.informal, [2])
    # a design without informal rooms, or one that dates them later, keeps it in plenary
    assert (
        len(plan_tiers(spread, 1, _process(informal_rooms=False), None, 0.2, _ints(2)).informal)
        == 0
    )
    assert (
        len(plan_tiers(spread, 1, _process(informal_from_meeting=3), None, 0.2, _ints(2)).informal)
        == 0
    )


def test_capacity_counts_only_rooms_that_may_sit_at_each_meeting():
    p = _process(informal_from_meeting=3, friends=FriendsConfig(enabled=True, from_meeting=4))
    assert [planned_rooms(p, m) for m in (1, 2, 3, 4)] == [1, 1, 3, 4]
    # meetings 2, 3 and 4 of 10 days: 10 + 30 + 40 room-days
    assert room_days_ahead(p, 2, 3, 10) == 80.0
    assert room_days_ahead(_process(informal_rooms=False), 1, 7, 10) == 70.0


# ----------------------------------------------------------------- no empty rooms


def test_a_plenary_without_agenda_sits_only_to_take_stock_on_the_last_day():
    tiers = TierPlan(informal=_ints(0, 1, 2), friends=_ints(3), plenary=_ints())
    p = _process(stocktaking_days=1, friends=FriendsConfig(enabled=True))
    for day in range(9):
        rooms = rooms_for_day(day, tiers, p, None, days=10)
        assert PLENARY not in [r.kind for r in rooms]
        assert not stocktaking(day, tiers, 10, 1)
    last = rooms_for_day(9, tiers, p, None, days=10)
    assert [r.kind for r in last] == [PLENARY]  # alone: everyone comes back
    np.testing.assert_array_equal(last[0].issues, [0, 1, 2, 3])
    assert last[0].open_to_stakeholders
    assert rooms_for_day(9, tiers, _process(stocktaking_days=0), None, days=10)[0].kind != PLENARY
    # a plenary with an agenda sits every day, the last one as the others
    partly = TierPlan(informal=_ints(0), friends=_ints(), plenary=_ints(1, 2, 3))
    assert rooms_for_day(9, partly, p, None, days=10)[0].kind == PLENARY
    assert len(rooms_for_day(9, partly, p, None, days=10)) == 2


def test_the_closing_plenary_is_the_plenary_and_the_friends_room_is_not_interpreted():
    """The stocktaking plenary is the public plenary: interpreted, at the formal step; the
    friends of the chair sit without interpretation."""
    tiers = TierPlan(informal=_ints(0, 1, 2), friends=_ints(3), plenary=_ints())
    p = _process(stocktaking_days=1, friends=FriendsConfig(enabled=True))
    (closing,) = rooms_for_day(9, tiers, p, None, days=10)
    assert closing.interpreted and closing.step == p.step_formal
    friends = rooms_for_day(0, tiers, p, None, days=10)[-1]
    assert friends.kind == "friends" and not friends.interpreted


def test_one_person_delegations_follow_an_informal_room_when_the_plenary_has_no_agenda(
    small, run_model
):
    cfg = small(
        "process.disagreement_threshold=0",
        "process.max_parallel_rooms=4",
        "scenario.delegations.staff_mean={HIC:1,UMIC:1,LMIC:1,LIC:1}",
        "behaviour.attendance_base=1.0",
    )
    model, _ = run_model(cfg, seed=3)
    dl, led = model.population.delegations, model.ledger
    single = (dl.staff == 1) & (led.in_person_days > 0)
    assert single.any()
    # every day but the stocktaking one they sit in a closed room, not an empty plenary
    days = cfg.scenario.calendar.days
    expected = led.in_person_days[single] * (days - 1) / days
    assert (led.informal_days[single] >= expected - 1e-9).all()


# ----------------------------------------------------------------- budgets over expected meetings


def test_delegations_spend_over_the_meetings_the_budget_pays_for(small):
    """At $1.5M a meeting a $4.5M budget pays for 3 meetings, not the 4 planned."""
    cfg = small(
        "cost.meeting_usd=1.5e6",
        "cost.process_budget_usd=4.5e6",
        "scenario.delegations.budget_usd={HIC:9e3,UMIC:9e3,LMIC:9e3,LIC:9e3}",
        "scenario.delegations.budget_sigma=0",
        "behaviour.attendance_base=1.0",
        "behaviour.lateness_weight=1.0",  # weights 1, 1.5, 2 over three meetings
    )
    model = Negotiation(cfg, seed=0)
    assert model.meetings_left() == 3
    dl = model.population.delegations

    def plan(expected: int):
        outlook = MeetingOutlook(
            meeting_index=0,
            expected=expected,
            remaining_usd=model.ledger.remaining_usd.copy(),
            stakes=salience_distance(dl.ideal, model.chair.text, dl.salience),
            cost_share_usd=np.zeros(len(dl)),
        )
        return plan_attendance(outlook, dl, cfg)

    three, four = plan(3), plan(4)
    model.step()
    np.testing.assert_array_equal(model.attendance.in_person_days, three.in_person_days)
    # $9,000 over 3 meetings (weights 1, 1.5, 2): $2,000 now, one delegate for 3 days at
    # $600; over the 4 planned (1, 4/3, 5/3, 2): $1,500, only 2 days
    assert (three.in_person_days == 3).all() and (four.in_person_days == 2).all()


# ----------------------------------------------------------------- unfinished work


def test_the_unfinished_share_and_the_tabled_text():
    left, total = np.array([0.0, 5.0, 20.0, -1.0]), np.full(4, 20.0)
    np.testing.assert_allclose(unfinished_share(left, total), [0.0, 0.25, 1.0, 0.0])
    text, zero = np.array([0.9, 0.9, 0.9, 0.9]), np.full(4, 0.5)
    np.testing.assert_allclose(
        tabled_text(text, zero, unfinished_share(left, total)), [0.9, 0.8, 0.5, 0.9]
    )


def test_the_chair_tables_no_unfinished_text_before_the_end(small):
    overrides = ("process.compression.text_days=1000", "decision.earliest_tabling_meeting=1")
    model = Negotiation(small(*overrides), seed=0)
    while model.next_meeting() is not None and model.running:
        model.step()
        if model.next_meeting() is not None:  # not the final tabling: nothing tabled
            assert model.meeting_log["decision"] is None
    assert model.meeting_log["decision"] is not None  # the final tabling happened
    assert model.unfinished.all()  # no issue finished its 1,000 issue-days
    text = model.text_history[-1]
    off = Negotiation(small(*overrides, "channels.unfinished_work=false"), seed=0)
    off.step()
    assert off.meeting_log["decision"] is not None  # without the channel: tabled at once
    assert not np.allclose(text, model.zero_draft)  # the tabled text is not all zero draft


# ----------------------------------------------------------------- acquiescence


def _room(n=30, objecting=1, distance=0.3, reservation=0.2):
    present = np.ones(n, dtype=bool)
    d = np.full(n, 0.1)
    d[:objecting] = distance
    return present, d, np.full(n, reservation)


def _acq(rule, final, present, distance, reservation, cost):
    return acquiescing(
        rule=rule,
        final=final,
        present=present,
        distance=distance,
        reservation=reservation,
        vote_threshold=TWO_THIRDS,
        abstain_margin=0.25,
        cost=cost,
    )


def test_a_lone_objector_with_a_small_grievance_lets_the_text_pass():
    present, d, r = _room(objecting=1, distance=0.28)  # grievance 0.4
    # isolation 29/30; cost 0.5 x 0.967 = 0.483 > 0.4: acquiesces
    assert _acq("consensus_only", False, present, d, r, 0.5)[0]
    assert not _acq("consensus_only", False, present, d, r, 0.4)[0]  # 0.387 < 0.4: blocks
    assert not _acq("consensus_only", False, present, d, r, 0.0).any()  # the switch


def test_a_vote_it_would_lose_makes_blocking_futile():
    present, d, r = _room(objecting=2, distance=0.34)  # grievance 0.7; isolation 28/30
    # no vote at this tabling: 0.5 x 0.933 = 0.47 < 0.7, they block
    assert not _acq("consensus_then_vote", False, present, d, r, 0.5).any()
    # the final tabling would end in a vote they lose: 0.5 x 1.933 = 0.97 > 0.7
    assert _acq("consensus_then_vote", True, present, d, r, 0.5)[:2].all()


def test_objectors_who_acquiesce_leave_a_consensus_with_objections_voiced():
    present, d, r = _room(objecting=1, distance=0.28)
    kw = dict(
        rule="consensus_only",
        final=False,
        present=present,
        distance=d,
        reservation=r,
        vote_threshold=TWO_THIRDS,
        abstain_margin=0.25,
    )
    passed = decide(**kw, acquiescence_cost=0.5)
    assert (passed.adopted_by, passed.objectors, passed.acquiesced) == ("consensus", 1, 1)
    blocked = decide(**kw, acquiescence_cost=0.0)
    assert (blocked.adopted_by, blocked.acquiesced) == (None, 0)


def test_the_chair_does_not_buy_objectors_who_would_acquiesce():
    present, d, r = _room(objecting=3, distance=0.5)
    acquiescent = np.zeros(30, dtype=bool)
    acquiescent[0] = True
    power = blocking_power(
        rule="consensus_only",
        present=present,
        distance=d,
        reservation=r,
        vote_threshold=TWO_THIRDS,
        abstain_margin=0.25,
        consensus_value=0.3,
        shadow_of_vote=True,
        acquiescent=acquiescent,
    )
    np.testing.assert_array_equal(power[:3], [0.0, 1.0, 1.0])


# ----------------------------------------------------------------- tabling, wired together
# `table_draft` end to end on rooms small enough to work out by hand: the rule's power
# reaches the accommodation, the pressure scales it, objectors who acquiesce are neither
# bought nor blocking, amendment votes are taken among those present. Each case was a
# mutant that survived `make mutate` (docs/testing.md).


def _table(cfg, positions, *, final=False, pressure=1.0, reservation=0.5, meeting=None):
    """One issue, salience 1, the draft at 0, everyone present, the work done."""
    positions = np.asarray(positions, dtype=float).reshape(-1, 1)
    n = len(positions)
    text = np.zeros(1)
    result = table_draft(
        cfg,
        text=text,
        zero_draft=np.zeros(1),
        positions=positions,
        salience=np.ones((n, 1)),
        present=np.ones(n, dtype=bool),
        reservation=np.full(n, reservation),
        work_left=np.zeros(1),
        work_total=np.ones(1),
        meeting=cfg.decision.earliest_tabling_meeting if meeting is None else meeting,
        final=final,
        pressure=pressure,
    )
    return result, text


def _cfg(small, *overrides):
    return small("channels.unfinished_work=false", *overrides)


def test_an_objector_a_vote_would_outvote_buys_a_move_worth_the_consensus_value(small):
    """Consensus then vote, not the final tabling: one objector at 1 among four, the draft
    at 0. A vote would pass (3 to 1), so its power is consensus_value 0.5; the move is
    rate x pressure x power x gap = 1 x 0.5 x 0.5 x 1 = 0.25, and the draft moves by it."""
    cfg = _cfg(
        small,
        "decision.rule=consensus_then_vote",
        "decision.consensus_value=0.5",
        "decision.accommodation_rate=1.0",
        "channels.acquiescence=false",
        "channels.shadow_of_vote=true",
    )
    result, text = _table(cfg, [0.0, 0.0, 0.0, 1.0], pressure=0.5)
    np.testing.assert_allclose(result.power, [0.0, 0.0, 0.0, 0.5])
    np.testing.assert_allclose(result.holdout_move, [0.25])
    np.testing.assert_allclose(text, [0.25])
    assert result.decision.adopted_by is None  # it still objects, and no vote before the end


def test_without_the_shadow_of_the_vote_the_same_objector_is_a_veto_player(small):
    cfg = _cfg(
        small,
        "decision.rule=consensus_then_vote",
        "decision.consensus_value=0.5",
        "decision.accommodation_rate=1.0",
        "channels.acquiescence=false",
        "channels.shadow_of_vote=false",
    )
    result, text = _table(cfg, [0.0, 0.0, 0.0, 1.0], pressure=0.5)
    np.testing.assert_allclose(result.power, [0.0, 0.0, 0.0, 1.0])
    np.testing.assert_allclose(text, [0.5])


def _lone_grievance(small, *overrides):
    """Thirty at 0.1 and one at 0.28 from a draft at 0, reservation 0.2: the one objects
    with grievance 0.28/0.2 - 1 = 0.4; isolation 29/30 at cost 0.5 is 0.483 > 0.4, so it
    acquiesces (tests/test_channels_v3.py has the arithmetic). Pressure 0.25."""
    cfg = _cfg(
        small,
        "decision.rule=consensus_only",
        "behaviour.acquiescence_cost=0.5",
        "channels.holdout_accommodation=true",
        "decision.accommodation_rate=1.0",
        *overrides,
    )
    return _table(cfg, [0.28] + [0.1] * 29, reservation=0.2, pressure=0.25)


def test_an_objector_who_acquiesces_is_not_bought_and_lets_the_text_pass(small):
    result, text = _lone_grievance(small, "channels.acquiescence=true")
    assert not result.power.any()
    np.testing.assert_array_equal(result.holdout_move, [0.0])
    np.testing.assert_array_equal(text, [0.0])
    decision = result.decision
    assert (decision.adopted_by, decision.objectors, decision.acquiesced) == ("consensus", 1, 1)


def test_without_acquiescence_the_same_objector_is_bought_and_blocks(small):
    result, text = _lone_grievance(small, "channels.acquiescence=false")
    assert result.power[0] == 1.0 and not result.power[1:].any()
    # the move is pressure x gap = 0.25 x 0.28 = 0.07; 0.21 from it, the one still blocks
    np.testing.assert_allclose(text, [0.07])
    assert result.decision.adopted_by is None


def test_amendments_are_voted_by_those_present_and_the_amended_text_adopted(small):
    """Final tabling, draft at 0, reservation 0.5: delegations at 0, 1, 1 and 0.6.

    The three last object; their wording is their mean, 2.6 / 3, more than 0.5 from the
    draft, so it is moved. Three of four are closer to it (the first is not): adopted.
    The draft is then 2.6 / 3; only the first objects (2.6 / 3 > 0.5), three to one
    would pass a vote, so the text is adopted by consensus with its objection voiced.
    """
    cfg = _cfg(
        small,
        "decision.rule=consensus_then_vote",
        "channels.amendment_votes=true",
        "channels.holdout_accommodation=false",
        "channels.acquiescence=false",
    )
    result, text = _table(cfg, [0.0, 1.0, 1.0, 0.6], final=True)
    assert result.amendments == (1, 1)
    np.testing.assert_allclose(text, [2.6 / 3])
    assert result.decision.adopted_by == "consensus"
    assert (result.decision.yes, result.decision.no) == (3, 1)
    np.testing.assert_array_equal(result.objecting, [True, False, False, False])


@pytest.mark.parametrize("final", [False, True])
def test_no_tabling_before_the_earliest_meeting_unless_it_is_the_last(small, final):
    cfg = _cfg(small, "decision.earliest_tabling_meeting=3")
    result, _ = _table(cfg, [0.0, 0.0, 0.0], meeting=2, final=final)
    assert (result.decision is not None) == final


# ----------------------------------------------------------------- the chair's desk, wired together
# `ChairDesk.choose_tiers` end to end on three or four issues worked out by hand: doors
# once closed stay closed and the meeting they first closed is kept, the plenary's
# overload closes doors at the threshold pressure lowered, only work still to do counts,
# the text is measured against the rooms that may sit, and the friends' room is behind
# closed doors. Each case was a mutant that survived `make mutate` (docs/testing.md).


def _desk(process: ProcessConfig, issues: int, *, unfinished_work: bool = True) -> ChairDesk:
    """The chair alone: it reads only the process design and the unfinished-work switch."""
    config = SimpleNamespace(
        process=process, channels=ChannelsConfig(unfinished_work=unfinished_work)
    )
    return ChairDesk(SimpleNamespace(config=config), np.zeros(issues))


def _choose(desk, spread, meeting, work, *, days=1, ahead=1, pressure=0.0, compressing=False):
    return desk.choose_tiers(
        np.asarray(spread, dtype=float),
        meeting,
        pressure=pressure,
        closing_doors=pressure > 0,
        work_left=np.asarray(work, dtype=float),
        days=days,
        meetings_ahead=ahead,
        compressing=compressing,
    )


def test_doors_once_closed_stay_closed_and_the_meeting_they_first_closed_is_kept():
    """Threshold 0.35, no work left. Meeting 1: spreads 0.5, 0.1, 0.1: issue 0 goes behind
    closed doors, dated 1. Meeting 2: 0.1, 0.1, 0.5: issue 2 goes, dated 2, and issue 0,
    now calm, stays. Meeting 3, all calm: both stay, their dates unchanged; issue 1
    never went (0)."""
    desk = _desk(_process(), 3)
    tiers, _ = _choose(desk, [0.5, 0.1, 0.1], 1, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(tiers.informal, [0])
    np.testing.assert_array_equal(desk.doors_closed, [1, 0, 0])
    tiers, _ = _choose(desk, [0.1, 0.1, 0.5], 2, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(tiers.informal, [0, 2])
    np.testing.assert_array_equal(tiers.plenary, [1])
    np.testing.assert_array_equal(desk.doors_closed, [1, 0, 2])
    tiers, _ = _choose(desk, [0.1, 0.1, 0.1], 3, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(tiers.informal, [0, 2])
    np.testing.assert_array_equal(desk.doors_closed, [1, 0, 2])


def test_the_plenarys_overload_closes_doors_beside_the_lowered_threshold_and_the_closed_ones():
    """Threshold 0.35, door_pressure_gain 1. Meeting 1: issue 0 at 0.5 goes behind doors.
    Meeting 2, pressure 0.5: the threshold is 0.35 x (1 - 0.5) = 0.175, so issue 1 at 0.2
    goes too; issues 2 and 3 stay in plenary with 12 and 2 issue-days left, and
    5 days x 2 meetings = 10 sitting days: 12 > 10 / 2 sends issue 2, then 2 < 10 / 1
    keeps issue 3. Behind doors: 0 (closed before), 1 (threshold), 2 (overload), the
    last two dated 2."""
    desk = _desk(_process(), 4)
    _choose(desk, [0.5, 0.0, 0.0, 0.0], 1, [0.0, 0.0, 0.0, 0.0])
    tiers, _ = _choose(
        desk, [0.0, 0.2, 0.0, 0.0], 2, [0.0, 0.0, 12.0, 2.0], days=5, ahead=2, pressure=0.5
    )
    np.testing.assert_array_equal(tiers.informal, [0, 1, 2])
    np.testing.assert_array_equal(tiers.plenary, [3])
    np.testing.assert_array_equal(desk.doors_closed, [1, 2, 2, 0])


def test_only_work_still_to_do_counts_and_only_with_the_unfinished_work_channel():
    """Work left -4 (overrun), 0 (done) and 0.5 issue-days, all calm, one sitting day.
    The chair counts 0, 0 and 0.5: 0.5 > 1 / 3 sends issue 2 behind doors, then issues 0
    and 1, with nothing left, stay (0 < 1 / 2). The text's work is 0.5 issue-days
    against 1 day x 3 rooms (the plenary and two tracks): ratio 1/6. Without the
    unfinished-work channel the plenary's overload closes no door."""
    work = [-4.0, 0.0, 0.5]
    tiers, squeeze = _choose(_desk(_process(), 3), [0.0, 0.0, 0.0], 1, work)
    np.testing.assert_array_equal(tiers.informal, [2])
    np.testing.assert_array_equal(tiers.plenary, [0, 1])
    assert squeeze.ratio == pytest.approx(0.5 / 3)
    off, _ = _choose(_desk(_process(), 3, unfinished_work=False), [0.0, 0.0, 0.0], 1, work)
    assert len(off.informal) == 0
    np.testing.assert_array_equal(off.plenary, [0, 1, 2])


@pytest.mark.parametrize("compressing", [False, True])
def test_the_text_is_measured_against_the_rooms_that_may_sit_and_compressed_when_asked(
    compressing,
):
    """Informal rooms from meeting 3, two tracks, no friends: meetings 1, 2 and 3 of 10
    days sit 1, 1 and 3 rooms, 50 room-days (not 3 rooms x 30 days). Three calm issues
    of 20 issue-days: ratio 60 / 50 = 1.2. At meeting 1 no track may open, so the
    overload stays in plenary; compressing, the chair sits at night: one room for 30 days
    does 30 of the 60, pressed 2, night min(0.5, 2 - 1) = 0.5. Not compressing, none."""
    desk = _desk(_process(informal_from_meeting=3), 3)
    tiers, squeeze = _choose(
        desk, [0.0, 0.0, 0.0], 1, [20.0, 20.0, 20.0], days=10, ahead=3, compressing=compressing
    )
    np.testing.assert_array_equal(tiers.plenary, [0, 1, 2])
    assert squeeze == Compression(tracks=0, night_share=0.5 if compressing else 0.0, ratio=1.2)


def test_the_friends_room_is_behind_closed_doors_too():
    """Friends of the chair from meeting 1, on the hardest issue; threshold 0.35, so no
    issue is hot. Meeting 1: spreads 0.3, 0.1, 0.1: issue 0 goes to the friends, dated 1.
    Meeting 2: 0.1, 0.3, 0.1: issue 1 goes to the friends, dated 2, and issue 0, behind
    closed doors before, stays there, in an informal room; issue 2 never went (0)."""
    desk = _desk(_process(friends=FriendsConfig(enabled=True, from_meeting=1, issues=1)), 3)
    tiers, _ = _choose(desk, [0.3, 0.1, 0.1], 1, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(tiers.friends, [0])
    assert len(tiers.informal) == 0
    np.testing.assert_array_equal(desk.doors_closed, [1, 0, 0])
    tiers, _ = _choose(desk, [0.1, 0.3, 0.1], 2, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(tiers.friends, [1])
    np.testing.assert_array_equal(tiers.informal, [0])
    np.testing.assert_array_equal(tiers.plenary, [2])
    np.testing.assert_array_equal(desk.doors_closed, [1, 2, 0])
