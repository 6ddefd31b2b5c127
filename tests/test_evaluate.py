"""`sim.analysis.experiments.evaluate`: one point, or many at once with the same rows."""

from __future__ import annotations

import dataclasses

import pandas as pd

from sim.analysis.experiments import evaluate


def test_many_points_at_once_are_the_points_one_by_one(compose) -> None:
    base = dataclasses.replace(compose("scenario=small", "crn=true"), replications=2)
    points = [{"behaviour.attendance_base": a} for a in (0.2, 0.6)]
    together = evaluate(base, points, {"design": "small"})
    alone = [evaluate(base, p, {"point": i, "design": "small"}) for i, p in enumerate(points)]
    pd.testing.assert_frame_equal(together, pd.concat(alone, ignore_index=True))
    assert list(together.columns[:2]) == ["point", "design"]


def test_no_points_no_rows(compose) -> None:
    assert evaluate(compose("scenario=small"), []).empty
