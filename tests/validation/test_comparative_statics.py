"""Comparative statics DESIGN.md section 6 says must hold on average over replications.

Each check compares two arms of 30 replications of the default committee scenario
(fixed base seed, so deterministic), one-sided, with Welch's t-test and the
Mann-Whitney U test both at alpha = 0.01. The arms are defined in `conftest.ARMS`.
"""

from __future__ import annotations

import pytest

# (label, arm that should be lower, arm that should be higher)
ATTENDANCE = [
    ("more-meetings", "meetings_12", "default"),
    ("longer-meetings", "days_15", "default"),
    ("dearer-delegate-days", "delegate_day_1200", "default"),
    ("shared-meeting-costs", "cost_sharing", "default"),
    ("trust-fund", "default", "trust_fund"),
]


@pytest.mark.parametrize(("label", "lower", "higher"), ATTENDANCE, ids=[a[0] for a in ATTENDANCE])
def test_attendance_of_the_poorest_group(arms, compare, label, lower, higher):
    """More/longer meetings, dearer days, shared costs lower LIC attendance; a fund raises it."""
    result = compare(
        f"attendance_rate_LIC, {label}: {lower} vs {higher}",
        arms[lower].runs["attendance_rate_LIC"],
        arms[higher].runs["attendance_rate_LIC"],
        "less",
    )
    assert result.significant, str(result)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "finding (since the per-stage random streams): two parallel rooms lower "
        "LIC informal coverage, 0.102 vs 0.123, but at 30 independent runs Welch p = 0.036, "
        "Mann-Whitney p = 0.033 (it was 0.104 vs 0.143, p = 8e-4, on the earlier draw); "
        "paired under CRN it holds outright (p = 4e-10, test_paired_designs.py)"
    ),
)
def test_parallel_informal_rooms_lower_informal_coverage_of_the_poorest(arms, compare):
    """Two rooms at once (two_tier) vs one at a time (single_informal_room)."""
    result = compare(
        "informal_coverage_LIC, parallel rooms: two_tier vs single_informal_room",
        arms["default"].runs["informal_coverage_LIC"],
        arms["single_informal_room"].runs["informal_coverage_LIC"],
        "less",
    )
    assert result.significant, str(result)


def test_closing_informal_rooms_lowers_the_stakeholders_share(arms, compare):
    """Closed informal rooms (two_tier) vs everything in the open plenary."""
    result = compare(
        "stakeholder_influence_share, closing rooms: two_tier vs open_plenary",
        arms["default"].runs["stakeholder_influence_share"],
        arms["open_plenary"].runs["stakeholder_influence_share"],
        "less",
    )
    assert result.significant, str(result)


def test_admitting_observers_raises_the_stakeholders_share(arms, compare):
    result = compare(
        "stakeholder_influence_share, observers: two_tier_observers vs two_tier",
        arms["two_tier_observers"].runs["stakeholder_influence_share"],
        arms["default"].runs["stakeholder_influence_share"],
        "greater",
    )
    assert result.significant, str(result)


# Dearer meetings ($2M vs $1M) against the same $10M process budget.


def test_dearer_meetings_mean_fewer_meetings(arms, compare):
    result = compare(
        "meetings_held, $2M vs $1M meetings",
        arms["meeting_2e6"].runs["meetings_held"],
        arms["default"].runs["meetings_held"],
        "less",
    )
    assert result.significant, str(result)


def test_dearer_meetings_mean_earlier_adoption(arms, compare):
    result = compare(
        "adoption_meeting, $2M vs $1M meetings",
        arms["meeting_2e6"].runs["adoption_meeting"],
        arms["default"].runs["adoption_meeting"],
        "less",
    )
    assert result.significant, str(result)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "finding: the reconvened meeting brings its own authorisation, which tops the spent "
        "share back down: the $2M process decides at its extension under pressure 0.95, the "
        "$1M one at 0.99; pressure is higher at every meeting both hold (tests below)"
    ),
)
def test_dearer_meetings_mean_more_pressure_at_the_decision(arms, compare):
    result = compare(
        "pressure_at_decision, $2M vs $1M meetings",
        arms["meeting_2e6"].runs["pressure_at_decision"],
        arms["default"].runs["pressure_at_decision"],
        "greater",
    )
    assert result.significant, str(result)


@pytest.mark.parametrize("meeting", [1, 2, 3, 4])
def test_dearer_meetings_mean_more_pressure_at_the_same_point_of_the_process(
    arms, compare, meeting
):
    """A companion of the check above, not a substitute: pressure after meeting k.

    The $2M process holds four meetings (three the budget pays, then the extension), so
    the comparison runs over the meetings both hold (version 1 compared five of eight).
    """
    pressure = {
        arm: arms[arm].meetings.query("meeting == @meeting")["pressure"]
        for arm in ("meeting_2e6", "default")
    }
    result = compare(
        f"pressure after meeting {meeting}, $2M vs $1M meetings",
        pressure["meeting_2e6"],
        pressure["default"],
        "greater",
    )
    assert result.significant, str(result)


def test_dearer_meetings_mean_a_text_further_from_the_unhurried_one(arms, compare):
    """The precise claim version 2 makes in place of "further from the median state".

    A rushed text ends further from the text the same delegations reach unhurried (the
    rush cost) and from civil society, but not further from the median state's ideal:
    the unhurried process drifts toward the best-resourced delegations' side and the
    accommodated holdouts sit on both sides of the median, so cutting the process short
    leaves the text nearer the median (0.072 at $2M vs 0.084 at $1M; docs/ODD.md,
    section 9). Version 1's strict expected failure on the median is replaced by this
    claim and by the halved-budget tests of the rush cost.

    Until the per-stage random streams this was a strict expected failure:
    0.076 vs 0.055, Mann-Whitney p = 0.021. On the new draw it holds (0.079 vs 0.050,
    Welch p = 6e-4, Mann-Whitney p = 6e-4): an effect near the edge of what 30 runs
    detect, as the halved budget's (test_causal_channels.py).
    """
    result = compare(
        "rush_cost, $2M vs $1M meetings",
        arms["meeting_2e6"].runs["rush_cost"],
        arms["default"].runs["rush_cost"],
        "greater",
    )
    assert result.significant, str(result)
