"""Channel liveness: each causal channel, switched off, changes what it is meant to move.

Shared by tests/validation/test_channel_liveness.py and scripts/channel_liveness.py (the
pilot that chose the test's number of runs). A *point* is a set of parameter values
(the default, or a point of a Sobol design over the calibration's priors); an *arm* is
one point with one channel on or off, run with common random numbers so replication r
of the two arms faces the same delegations and draws, and the paired difference
on - off isolates the channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.claims import paired
from sim.analysis.claims import required_runs as claims_required_runs

__all__ = [
    "CHANNELS",
    "CONDITIONED_POINTS",
    "Channel",
    "liveness_table",
    "paired_effect",
    "prior_points",
    "required_runs",
    "run_arm",
]


@dataclass(frozen=True)
class Channel:
    """A channel, the outcome it is meant to move, and the direction (on - off) it moves it."""

    name: str
    outcome: str
    sign: int  # +1: on raises the outcome; -1: on lowers it
    why: str


CHANNELS: dict[str, Channel] = {
    c.name: c
    for c in (
        Channel(
            "compression",
            "parallel_tracks_max",
            +1,
            "when the days left cannot carry the work, the chair runs more tracks at once",
        ),
        Channel(
            "closing_doors",
            "closed_door_share",
            +1,
            "pressure lowers the bar for closed rooms: more of the text is made behind doors",
        ),
        Channel(
            "holdout_accommodation",
            "holdout_pull",
            +1,
            "the chair moves the text toward the objectors who can block",
        ),
        Channel(
            "shadow_of_vote",
            "holdout_pull",
            -1,
            "objectors a fallback vote would outvote buy a smaller move than veto players",
        ),
        Channel(
            "amendment_votes",
            "by_consensus",
            +1,
            "objectors who had their votes on provisions let the whole pass without a vote",
        ),
        Channel(
            "audience_costs",
            "stance_gap",
            +1,
            "delegates concede and listen less where observers watch: stances stay further apart",
        ),
        Channel(
            "room_size",
            "work_unfinished_share",
            +1,
            "crowded rooms bargain less per day: more of the work is left undone",
        ),
        Channel(
            "unfinished_work",
            "adoption_meeting",
            +1,
            "the chair tables no unfinished text: adoption waits for the work",
        ),
        Channel(
            "acquiescence",
            "by_consensus",
            +1,
            "objectors who weigh blocking against its cost let the text pass",
        ),
    )
}
"""Every channel of `sim.config.ChannelsConfig`, with the outcome it is meant to move."""


CONDITIONED_POINTS: dict[str, tuple[str, dict[str, Any], str]] = {
    "no_amendment_votes": (
        "acquiescence",
        {"channels.amendment_votes": False},
        "the default with no votes on provisions: objectors meet the final tabling with "
        "their objections whole, the condition under which one may acquiesce",
    ),
}
"""Points made for a channel that no default or prior point lets act: name -> (channel,
the values set on the default, why the channel can act there)."""


def prior_points(n: int, seed: int = 20261206) -> dict[str, dict[str, Any]]:
    """The default and `n` points of a scrambled Sobol design over the calibration's priors.

    Each point holds the committee's config values (shared keys and its own; the budget
    per planned meeting becomes the process budget), as `sim.analysis.hm.space` gives them.
    """
    from sim.analysis.calibration import compose_calibration
    from sim.analysis.hm.design import sobol_unit, to_values
    from sim.analysis.hm.space import values_for
    from sim.api import compose_config

    space = compose_calibration([]).space().restricted({"ahc_cybercrime"})
    frame = to_values(sobol_unit(len(space.priors), max(n, 1), seed), space.priors).head(n)
    base = compose_config([])
    points: dict[str, dict[str, Any]] = {"default": {}}
    for i, row in frame.iterrows():
        points[f"prior_{i + 1}"] = values_for("ahc_cybercrime", row.to_dict(), base)
    return points


def run_arm(job: tuple[str, dict[str, Any], str, bool, int, int]) -> pd.DataFrame:
    """One arm: a point with one channel on or off, `replications` runs, paired seeds."""
    label, values, channel, on, replications, seed = job
    from sim.api import compose_config
    from sim.config import set_values
    from sim.run.replications import run_replications

    cfg = compose_config(
        [
            f"seed={seed}",
            f"replications={replications}",
            "crn=true",
            "progress=false",
            "measures.rush_cost=false",
        ]
    )
    cfg = set_values(cfg, {**values, f"channels.{channel}": on})
    runs = run_replications(cfg, with_delegations=False).runs
    runs = runs.assign(
        point=label,
        channel=channel,
        on=on,
        by_consensus=(runs["adopted_by"] == "consensus").astype(float),
    )
    return runs


def required_runs(sd: float, effect: float, alpha: float = 0.05, power: float = 0.999) -> int:
    """Runs a paired t test needs to find `effect` (`sim.analysis.claims.required_runs`)."""
    return claims_required_runs(sd, effect, power=power, alpha=alpha)


def paired_effect(on: pd.Series, off: pd.Series) -> dict[str, float]:
    """Mean of the paired differences on - off, its 95% t interval, sd and n."""
    return paired(off, on)


def liveness_table(arms: list[pd.DataFrame]) -> pd.DataFrame:
    """One row per (point, channel): the paired effect on the channel's outcome."""
    runs = pd.concat(arms, ignore_index=True)
    rows = []
    for (point, name), group in runs.groupby(["point", "channel"], sort=False):
        channel = CHANNELS[name]
        on = group[group["on"]].set_index("replication")[channel.outcome]
        off = group[~group["on"]].set_index("replication")[channel.outcome]
        effect = paired_effect(on, off.reindex(on.index))
        signed = channel.sign * effect["low"] if channel.sign > 0 else -effect["high"]
        rows.append(
            {
                "point": point,
                "channel": name,
                "outcome": channel.outcome,
                **effect,
                "acts": bool(np.isfinite(signed) and signed > 0),
                "required_runs": required_runs(effect["sd"], effect["effect"]),
            }
        )
    return pd.DataFrame(rows)
