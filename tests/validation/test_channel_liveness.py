"""Each causal channel, switched off, changes what it is meant to move - where it can act.

Pre-registered (committed before the confirmatory run). The pilot,
`scripts/channel_liveness.py --replications 20 --points 4 --seed 3`, ran every channel
on and off, paired by common random numbers, at the calibrated default and at four
points of a Sobol design over the calibration's priors (`liveness.prior_points`). Its
figures (on - off, mean and 95% interval) are in docs/validation.md. A channel is
checked at the points where the pilot saw it act; the runs are what a paired t test
needs, with power 0.999 at alpha 0.05, to find the pilot interval's end nearest zero
(`liveness.required_runs`), and at least `MIN_RUNS`. The confirmatory seed (4) is not
the pilot's (3). A check holds when the 95% interval of on - off lies on the stated
side of zero.

Acquiescence acted at none of those points: the committee's amendment votes already
turn every passing vote into an adoption without a vote. It is checked where it can act
(`CONDITIONED_POINTS`): the default without amendment votes, piloted by
`scripts/channel_liveness.py --conditioned --replications 100 --seed 3` and registered
here before its confirmatory run.
"""

from __future__ import annotations

import pytest

from tests.validation.liveness import (
    CHANNELS,
    CONDITIONED_POINTS,
    liveness_table,
    prior_points,
    run_arm,
)

pytestmark = pytest.mark.validation

PILOT_SEED = 3
CONFIRMATORY_SEED = 4
MIN_RUNS = 20

# (point, channel): runs from the pilot's power analysis; the pilot's on - off (95%).
REGISTERED: dict[tuple[str, str], tuple[int, str]] = {
    ("default", "closing_doors"): (2, "closed_door_share +0.251 (0.226 to 0.276), sd 0.053"),
    ("default", "audience_costs"): (6, "stance_gap +0.0242 (0.0199 to 0.0284), sd 0.0091"),
    ("default", "unfinished_work"): (23, "adoption_meeting +1.00 (0.70 to 1.30), sd 0.65"),
    ("prior_1", "compression"): (2, "parallel_tracks_max +1 (1 to 1), sd 0"),
    ("prior_1", "room_size"): (2, "work_unfinished_share +0.193 (0.190 to 0.195), sd 0.0056"),
    ("prior_4", "holdout_accommodation"): (
        18,
        "holdout_pull +0.00131 (0.00094 to 0.00168), sd 0.00078",
    ),
    ("prior_4", "shadow_of_vote"): (18, "holdout_pull -0.0071 (-0.0090 to -0.0051), sd 0.0042"),
    ("prior_4", "amendment_votes"): (12, "by_consensus +0.80 (0.61 to 0.99), sd 0.41"),
    ("no_amendment_votes", "acquiescence"): (
        146,
        "by_consensus +0.15 (0.079 to 0.221), sd 0.36 (pilot of 100 runs)",
    ),
}


@pytest.fixture(scope="module")
def confirmatory() -> dict[tuple[str, str], dict]:
    points = prior_points(4)
    points |= {name: values for name, (_, values, _) in CONDITIONED_POINTS.items()}
    rows = {}
    for (point, channel), (runs, _) in REGISTERED.items():
        n = max(runs, MIN_RUNS)
        arms = [
            run_arm((point, points[point], channel, on, n, CONFIRMATORY_SEED))
            for on in (True, False)
        ]
        rows[(point, channel)] = liveness_table(arms).iloc[0].to_dict()
    return rows


def test_every_channel_is_checked_or_reported_as_a_finding():
    checked = {channel for _, channel in REGISTERED}
    assert checked == set(CHANNELS)


@pytest.mark.parametrize("key", list(REGISTERED), ids=[f"{p}-{c}" for p, c in REGISTERED])
def test_the_channel_moves_its_outcome_the_stated_way(confirmatory, record, key):
    row = confirmatory[key]
    channel = CHANNELS[key[1]]
    record(
        f"liveness {key[0]} {key[1]} on {channel.outcome}: on - off {row['effect']:.4g} "
        f"({row['low']:.4g} to {row['high']:.4g}), n={row['n']}; pilot {REGISTERED[key][1]}"
    )
    assert row["acts"], f"{key}: {row}"
