"""The clocks of ratification: who signs when, the campaign windows, and first passage.

Why a separate module: `sim.model.ratification` says what a state's pace is made of
(capacity, the text's distance, signing); this module turns paces into days. Each state's
domestic procedure needs an amount of work (a gamma draw of mean 1, `procedure_shape`);
the work advances at the state's pace, multiplied by `1 + peer_gain x` the share of its
peers already party (diffusion) and by `event_multiplier` inside a campaign window. The
state ratifies when the work is done. Between two changes (a state starts, a window
opens or closes, a state ratifies) every pace is constant, so the first passage is exact:
with constant paces it is `start + need / pace`, the constant-hazard law when the need
is exponential.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PeerGroups", "campaign_windows", "change_days", "first_passage", "signing_days"]


def signing_days(order: np.ndarray, counts: list[tuple[int, int]]) -> np.ndarray:
    """The day each state signs (inf: never), from the record's dated counts.

    `order` ranks the states (0 signs first); `counts` are (day, signatory states), the
    count linear between them, 0 before the first and held after the last. The k-th state
    in `order` signs on the first whole day the count reaches k.
    """
    n = len(order)
    days = np.full(n, np.inf)
    if not counts or n == 0:
        return days
    at = np.array([d for d, _ in counts], dtype=float)
    count = np.array([c for _, c in counts], dtype=float)
    total = int(min(count[-1], n))
    k = np.arange(1, total + 1, dtype=float)
    when = np.full(total, at[0])
    for j in range(len(at) - 1):
        rising = (k > count[j]) & (k <= count[j + 1])
        share = (k[rising] - count[j]) / (count[j + 1] - count[j])
        when[rising] = np.ceil(at[j] + share * (at[j + 1] - at[j]))
    days[order[:total]] = when
    return days


def campaign_windows(event_days: list[int], half_width: float, horizon: float) -> np.ndarray:
    """Disjoint (start, end) day intervals within which a campaign multiplies every pace."""
    spans = sorted((max(d - half_width, 0.0), min(d + half_width, horizon)) for d in event_days)
    merged: list[list[float]] = []
    for lo, hi in spans:
        if hi <= lo:
            continue
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return np.array(merged, dtype=float).reshape(-1, 2)


@dataclass(frozen=True)
class PeerGroups:
    """Each state's region and bloc, and the groups' sizes, for the share of peers party."""

    region: np.ndarray
    bloc: np.ndarray

    def share_party(self, party: np.ndarray) -> np.ndarray:
        """Mean over region and bloc of the share of a state's other members already party.

        A group with no other member counts for nothing; a state with no peer at all has
        share 0 (diffusion changes nothing for it).
        """
        shares, weights = np.zeros(len(party)), np.zeros(len(party))
        for group in (self.region, self.bloc):
            groups = int(group.max(initial=0)) + 1
            size = np.bincount(group, minlength=groups)[group] - 1
            held = np.bincount(group, weights=party, minlength=groups)[group] - party
            has = size > 0
            shares[has] += held[has] / size[has]
            weights += has
        return np.where(weights > 0, shares / np.maximum(weights, 1), 0.0)


def change_days(start: np.ndarray, windows: np.ndarray, horizon: float) -> np.ndarray:
    """The sorted distinct days within the horizon on which a pace may change.

    `start` holds the days the pending states start; the windows open and close, and
    the horizon ends everything. Shared with the compiled first passage
    (`sim.model.compiled.passage`), which steps over the same days.
    """
    edges = np.concatenate([start, windows.ravel(), [horizon]])
    return np.unique(edges[(edges >= 0) & (edges <= horizon)])


def first_passage(
    start: np.ndarray,
    pace: np.ndarray,
    need: np.ndarray,
    horizon: float,
    windows: np.ndarray,
    multiplier: float,
    peers: PeerGroups | None = None,
    gain: float = 0.0,
) -> np.ndarray:
    """The day each state's work `need` is done (inf: not before `horizon`).

    `pace` is work per day from `start` on; inside `windows` it is multiplied by
    `multiplier`, and with `peers` by `1 + gain x` the share of peers already party.
    """
    n = len(pace)
    days = np.full(n, np.inf)
    pending = (pace > 0) & (start < horizon)
    if not pending.any():
        return days
    edges = change_days(start[pending], windows, horizon)
    t = float(edges[0])
    progress = np.zeros(n)
    boost = np.ones(n)
    diffusing = peers is not None and gain > 0
    k = 1  # the next edge
    while pending.any() and t < horizon:
        upto = float(edges[k]) if k < len(edges) else horizon
        inside = bool(((windows[:, 0] <= t) & (t < windows[:, 1])).any())
        rate = np.where(pending & (start <= t), pace * boost, 0.0)
        if inside:
            rate = rate * multiplier
        with np.errstate(divide="ignore", invalid="ignore"):
            wait = np.where(rate > 0, np.maximum(need - progress, 0.0) / rate, np.inf)
        i = int(np.argmin(wait))
        if t + wait[i] <= upto:
            progress += rate * wait[i]
            t += float(wait[i])
            days[i], pending[i] = t, False
            if diffusing:
                boost = 1.0 + gain * peers.share_party(np.isfinite(days).astype(float))
        else:
            progress += rate * (upto - t)
            t = upto
            k += 1
    return days
