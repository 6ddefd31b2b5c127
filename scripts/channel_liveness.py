"""Does each channel act? Paired on/off runs on the default and on points over the priors.

    .venv/bin/python scripts/channel_liveness.py [--replications 20] [--points 4] [--seed 3]

For every causal channel (`channels.*`) and every point - the default, and `--points`
points of a scrambled Sobol design over the calibration's priors (configs/calibrate.yaml)
- runs the point with the channel on and off, with common random numbers (replication
r of both arms faces the same delegations and draws), and prints, for the outcome the
channel is meant to move, the mean paired difference (on - off), its 95% interval, the
standard deviation of the differences and the runs a paired test needs to find that
difference with power 0.999 at alpha 0.05 (`required_runs`). This is the pilot from which
tests/validation/test_channel_liveness.py takes its number of runs.

`--conditioned` runs instead each channel only at the point made for it
(`CONDITIONED_POINTS`: e.g. acquiescence at the default without amendment votes, where
objectors reach the final tabling with their objections whole).
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.validation.liveness import (
    CHANNELS,
    CONDITIONED_POINTS,
    liveness_table,
    prior_points,
    run_arm,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--points", type=int, default=4)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--conditioned", action="store_true", help="the channels' own points")
    args = parser.parse_args(argv)
    if args.conditioned:
        jobs = [
            (label, values, channel, on, args.replications, args.seed)
            for label, (channel, values, _) in CONDITIONED_POINTS.items()
            for on in (True, False)
        ]
    else:
        jobs = [
            (label, values, channel, on, args.replications, args.seed)
            for label, values in prior_points(args.points).items()
            for channel in CHANNELS
            for on in (True, False)
        ]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        arms = list(pool.map(run_arm, jobs))
    table = liveness_table(arms)
    with pd.option_context("display.width", 200, "display.max_rows", 200):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
