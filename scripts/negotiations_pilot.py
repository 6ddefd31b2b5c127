"""The pilot that registers the three negotiations' pattern verdicts and their runs.

    .venv/bin/python scripts/negotiations_pilot.py [--replications 300] [--seed 1]

Runs the committee, BBNJ and the plastics INC at the calibrated default and prints, for
every scored pattern, its verdict with intervals (tests/validation/pattern_margins.py)
and the runs a t test needs to find the pilot interval's end nearest zero with power
0.999 at alpha 0.05: for a met pattern the most any target needs, for a missed one the
fewest a missed target needs. tests/validation/test_other_negotiations.py registers
these numbers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.analysis.out_of_sample import NEGOTIATIONS, ROOT, run_negotiations
from sim.analysis.patterns import load_patterns
from tests.validation.pattern_margins import pattern_verdict, runs_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    runs_by = run_negotiations(args.replications, args.seed)
    print(f"Pilot: {args.replications} runs per negotiation, seed {args.seed}\n")
    print("| negotiation | pattern | verdict | runs | margins: mean (95%), sd |")
    print("|---|---|---|---|---|")
    for name, runs in runs_by.items():
        for pattern in load_patterns(ROOT / NEGOTIATIONS[name].patterns).scored:
            verdict, intervals = pattern_verdict(pattern, runs)
            if verdict == "met":
                needed = max(runs_for(i) for i in intervals)
            elif verdict == "missed":
                needed = min(runs_for(i) for i in intervals if i["high"] < 0)
            else:
                needed = "-"
            shown = "; ".join(
                f"{i['mean']:.3g} ({i['low']:.3g} to {i['high']:.3g}), {i['sd']:.3g}"
                for i in intervals
            )
            print(f"| {name} | {pattern.id} | {verdict} | {needed} | {shown} |")


if __name__ == "__main__":
    main()
