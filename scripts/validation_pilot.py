"""The pilot that registers the validation checks: each check's effect, and the runs it needs.

    .venv/bin/python scripts/validation_pilot.py [--replications 60] [--seed 101]

Runs every comparative static (tests/validation/statics.py) and every seed claim
(`sim.analysis.claims`) at the default with common random numbers, and prints for each:
the paired effect with its 95% interval, the standard deviation of the paired
differences, and the runs a paired t test needs, with power 0.999 at alpha 0.05, to find
the smallest effect the pilot's interval allows on the claimed side - or "not made"
when the interval reaches zero or the other side (a finding, documented, not tested).
tests/validation/registered.py explains how the confirmatory checks use these numbers.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.analysis.claims import CLAIMS, arms_of, evaluate, required_runs, run_arms
from tests.validation.statics import STATIC_ARMS, STATICS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=60)
    parser.add_argument("--seed", type=int, default=101)
    args = parser.parse_args()
    claims = [*STATICS, *CLAIMS]
    arms = run_arms(
        arms_of(claims, STATIC_ARMS), args.replications, args.seed, catalogue=STATIC_ARMS
    )
    table = evaluate(claims, arms)
    print(f"Pilot: {args.replications} paired runs per arm, seed {args.seed}\n")
    print("| check | effect (95%) | sd | runs needed |")
    print("|---|---|---|---|")
    for row, claim in zip(table.to_dict("records"), claims, strict=True):
        low, high = row["low"], row["high"]
        near = low if claim.direction > 0 else -high  # the smallest effect on the claimed side
        runs = required_runs(row["sd"], near, power=0.999) if near > 0 else None
        needed = f"{runs:,}" if runs is not None else "not made"
        print(
            f"| {claim.key} {claim.short or claim.text} | {row['effect']:.4g} ({low:.4g} to "
            f"{high:.4g}) | {row['sd']:.4g} | {needed} |"
        )
        if not math.isfinite(row["effect"]):
            print(f"|   ({claim.key}: undefined) | | | |")


if __name__ == "__main__":
    main()
