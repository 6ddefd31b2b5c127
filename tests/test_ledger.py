import numpy as np
import pytest

from sim.ledger import affordable_meetings, contributions_at_cost


def test_contributions_follow_a_cheaper_meeting_down_and_never_go_above_plan():
    planned = np.array([100.0, 0.0, 50.0])
    np.testing.assert_allclose(contributions_at_cost(planned, 600_000, 1e6), [60.0, 0.0, 30.0])
    np.testing.assert_allclose(contributions_at_cost(planned, 1.5e6, 1e6), planned)
    np.testing.assert_allclose(contributions_at_cost(planned, 0.0, 1e6), 0.0)


def test_free_meetings_take_no_contributions():
    np.testing.assert_allclose(contributions_at_cost(np.array([5.0]), 0.0, 0.0), 0.0)


@pytest.mark.parametrize(
    ("planned_left", "remaining", "per_meeting", "expected"),
    [
        (5, 10e6, 1e6, 5),  # the calendar binds
        (5, 3.5e6, 1e6, 3),  # the budget binds
        (5, 3e6 - 1e-7, 1e6, 3),  # rounding never loses a meeting the budget pays
        (5, 0.0, 1e6, 0),
        (4, 0.0, 0.0, 4),  # free meetings: only the calendar
        (0, 10e6, 1e6, 0),
    ],
)
def test_affordable_meetings(planned_left, remaining, per_meeting, expected):
    assert affordable_meetings(planned_left, remaining, per_meeting) == expected
