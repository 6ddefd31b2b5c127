"""The numerical core: drafting, persuasion, disagreement, pressure and acceptance.

Pure numpy functions over the actors present in a room, so each mechanism can be
tested against its closed form and costs O(n log n) at worst: bounded-confidence
updates use sorted positions and prefix sums, never an n x n matrix.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "StakeholderPull",
    "bounded_confidence_sorted",
    "bounded_confidence_step",
    "compromise",
    "confidence_pull",
    "disagreement",
    "exposed_concession",
    "over_time",
    "pressure",
    "reservation_now",
    "room_pace",
    "salience_distance",
]


def compromise(positions: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean position per issue (the compromise model) and the total weight.

    `positions` and `weights` are (actors, issues); an issue with no weight gets NaN.
    """
    total = weights.sum(axis=0)
    weighted = (weights * positions).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        target = np.where(total > 0, weighted / np.where(total > 0, total, 1.0), np.nan)
    return target, total


def disagreement(positions: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Weighted standard deviation of positions per issue (0 when fewer than two actors)."""
    if len(positions) < 2:
        return np.zeros(positions.shape[1])
    if weights is None:
        return positions.std(axis=0)
    total = weights.sum(axis=0)
    safe = np.where(total > 0, total, 1.0)
    mean = (weights * positions).sum(axis=0) / safe
    var = (weights * (positions - mean) ** 2).sum(axis=0) / safe
    return np.sqrt(np.maximum(var, 0.0))


def _stacked(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort each column and lay the columns end to end, offset by 4 per column.

    Positions live in [0, 1] and the confidence is at most 1, so an offset of 4 keeps
    columns apart: one `searchsorted` then answers every issue's window query.
    """
    offsets = 4.0 * np.arange(values.shape[1])
    order = np.argsort(values, axis=0, kind="stable")
    sorted_cols = np.take_along_axis(values, order, axis=0)
    return (sorted_cols + offsets).T.ravel(), order


def bounded_confidence_step(x: np.ndarray, confidence: float, rate: float) -> np.ndarray:
    """One synchronous Hegselmann-Krause step on every issue (column) of `x`.

    Each actor moves a share `rate` of the way toward the mean of the positions within
    `confidence` of its own (itself included). Cost: one sort per issue.
    """
    n, k = x.shape
    if n < 2 or rate == 0.0:
        return x.copy()
    order, updated = bounded_confidence_sorted(np.ascontiguousarray(x.T), confidence, rate)
    out = np.empty((k, n))
    np.put_along_axis(out, order, updated.reshape(k, n), axis=1)
    return np.ascontiguousarray(out.T)


def bounded_confidence_sorted(
    columns: np.ndarray,
    confidence: float,
    rate: float,
    offsets: np.ndarray | None = None,
    rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The step of `bounded_confidence_step` on issue-major positions, in sorted order.

    `columns` is (issues x actors). Returns `(order, updated)`: `order` sorts each row of
    `columns`, and `updated` (issues * actors,) holds the new positions issue by issue in
    that order, for the caller to scatter back where it keeps positions.

    The issues are laid end to end, offset by 4 each (positions live in [0, 1] and the
    confidence is at most 1), so one prefix sum and two `searchsorted` calls answer
    every issue's window; the queries are the sorted positions themselves. `offsets`
    (4 x issue, a column) and `rows` (issue numbers, a column) may be passed in.
    """
    k, n = columns.shape
    if offsets is None:
        offsets = 4.0 * np.arange(k)[:, None]
    if rows is None:
        rows = np.arange(k)[:, None]
    order = columns.argsort(axis=1)  # ties get equal updates: any order will do
    values = columns[rows, order]
    stacked = values + offsets
    flat = stacked.ravel()
    prefix = np.empty(n * k + 1)
    prefix[0] = 0.0
    (stacked - offsets).ravel().cumsum(out=prefix[1:])
    lo = flat.searchsorted(flat - confidence - 1e-12, side="left")
    hi = flat.searchsorted(flat + confidence + 1e-12, side="right")
    local_mean = (prefix[hi] - prefix[lo]) / (hi - lo)
    values = values.ravel()
    return order, values + rate * (local_mean - values)


def confidence_pull(
    x: np.ndarray,
    sources: np.ndarray,
    source_weights: np.ndarray,
    confidence: float,
    rate: float,
) -> np.ndarray:
    """Move each row of `x` toward the weighted mean of the sources within `confidence`.

    Used for intersessional consultations: stakeholders pull the delegations that
    attend them, issue by issue, but only where their views are close enough to be heard.
    `source_weights` is (sources, issues). Cost: O((n + m) log m).
    """
    return StakeholderPull(sources, source_weights)(x, confidence, rate)


class StakeholderPull:
    """`confidence_pull` toward fixed sources: their sorting and prefix sums done once.

    A run's stakeholders never move, so a run sorts them at its first consultation
    and every later consultation only queries (same arithmetic, same numbers).
    """

    def __init__(self, sources: np.ndarray, source_weights: np.ndarray) -> None:
        self.sources, self.source_weights = sources, source_weights
        self._sorted: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def _sort(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        flat, order = _stacked(self.sources)
        w_sorted = np.take_along_axis(self.source_weights, order, axis=0).T.ravel()
        v_sorted = np.take_along_axis(self.sources, order, axis=0).T.ravel()
        w_prefix = np.concatenate(([0.0], np.cumsum(w_sorted)))
        wv_prefix = np.concatenate(([0.0], np.cumsum(w_sorted * v_sorted)))
        return flat, w_prefix, wv_prefix

    def __call__(self, x: np.ndarray, confidence: float, rate: float) -> np.ndarray:
        n, k = x.shape
        if n == 0 or len(self.sources) == 0 or rate == 0.0:
            return x.copy()
        if self._sorted is None:
            self._sorted = self._sort()
        flat, w_prefix, wv_prefix = self._sorted
        query = (x + 4.0 * np.arange(k)).T.ravel()
        lo = np.searchsorted(flat, query - confidence - 1e-12, side="left")
        hi = np.searchsorted(flat, query + confidence + 1e-12, side="right")
        weight = (w_prefix[hi] - w_prefix[lo]).reshape(k, n).T
        pulled = (wv_prefix[hi] - wv_prefix[lo]).reshape(k, n).T
        with np.errstate(invalid="ignore", divide="ignore"):
            target = np.where(weight > 0, pulled / np.where(weight > 0, weight, 1.0), x)
        return x + rate * (target - x)


def salience_distance(positions: np.ndarray, text: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """How far the text is from each actor, weighted by what it cares about (in [0, 1])."""
    return (salience * np.abs(positions - text)).sum(axis=1)


def pressure(
    spent_share: float, meetings_done: int, meetings_left: int, budget_weight: float
) -> float:
    """Pressure to conclude in [0, 1]: money spent and time used, mixed by `budget_weight`.

    Time used is the share of the process's meetings already held, counting as left
    only the meetings that are both planned and affordable: a process whose budget
    runs out early is as pressed at its last meeting as one at the end of its calendar.
    """
    total = meetings_done + max(meetings_left, 0)
    time_used = meetings_done / total if total > 0 else 1.0
    return float(np.clip(budget_weight * spent_share + (1 - budget_weight) * time_used, 0, 1))


def reservation_now(
    base: np.ndarray,
    pressure_level: float,
    burden: np.ndarray,
    pressure_gain: float,
    burden_gain: float,
) -> np.ndarray:
    """Widen each delegation's acceptable distance with pressure and its own cost burden.

    Poor delegations, having spent a larger share of their budget, concede sooner: the
    mechanism behind the rushed compromise.
    """
    return base * (1.0 + pressure_gain * pressure_level + burden_gain * np.clip(burden, 0, 1))


def over_time(rate: float, time: float) -> float:
    """A per-day rate compounded over `time` days of negotiating: 1 - (1 - rate)^time.

    A night sitting lengthens a day (time > 1); a crowded room leaves less of it to
    bargain in (time < 1, `room_pace`). `time == 1` returns `rate` itself.
    """
    if time == 1.0:
        return rate
    return 1.0 - (1.0 - rate) ** time


def room_pace(voices: float, half_voices: float) -> float:
    """Share of a room-day's time left for bargaining when `voices` share the floor.

    `1 / (1 + voices / half_voices)`: every voice present takes floor time (statements,
    interventions), so a large room progresses less per day than a small one, and at
    `half_voices` voices a day does half a day's bargaining (the small-numbers argument:
    Kahler 1992; Naim 2009; Depledge 2005 on the informal groups of climate talks).
    """
    return 1.0 / (1.0 + voices / half_voices)


def exposed_concession(
    observed_days: np.ndarray, covered_days: np.ndarray, audience_cost: float
) -> np.ndarray:
    """How much of its concession under pressure each delegation makes, in [1 - cost, 1].

    Delegates concede less where their constituencies and the organised public watch
    (audience costs: Stasavage 2004; de Groot Ruiz, Ramer and Schram 2016): a delegation
    concedes `1 - audience_cost x exposure`, exposure being the share of the room-days
    it sat in at this meeting that stakeholders observed. A delegation that sat in no
    room is judged by its public record alone (exposure 1).
    """
    exposure = np.divide(
        observed_days, covered_days, out=np.ones_like(observed_days), where=covered_days > 0
    )
    return 1.0 - audience_cost * exposure
