"""How much common random numbers narrow design differences (docs/robustness.md).

    .venv/bin/python scripts/crn_variance.py [--replications 30] [--seed 1]

Runs each design of the default committee with and without CRN and prints, per
design difference and metric, the s.d. of the difference (paired under CRN,
independent without), the 95% interval widths, and the factor: how many more
replications an independent comparison needs for the interval a paired one reaches.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.analysis.paired import variance_reduction
from sim.config import compose_config
from sim.run.replications import run_replications

BASELINE = "process=two_tier"
DESIGNS = [
    "process=open_plenary",
    "process=two_tier_observers",
    "process=single_informal_room",
    "process=friends_of_chair",
    "funding=trust_fund",
    "funding=hybrid",
    "funding=cost_sharing",
    "decision=consensus_only",
]
METRICS = ("attendance_rate_LIC", "stakeholder_influence_share")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    def runs(design: str, crn: bool):
        cfg = compose_config(
            [
                f"seed={args.seed}",
                f"replications={args.replications}",
                f"crn={str(crn).lower()}",
                "measures.rush_cost=false",
                design,
            ]
        )
        return run_replications(cfg, with_delegations=False).runs.sort_values("replication")

    base = {crn: runs(BASELINE, crn) for crn in (True, False)}
    print(
        "| design vs two_tier | metric | sd paired | sd independent | CI paired | "
        "CI independent | width -% | factor |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for design in DESIGNS:
        other = {crn: runs(design, crn) for crn in (True, False)}
        for metric in METRICS:
            r = variance_reduction(
                other[True][metric], base[True][metric], other[False][metric], base[False][metric]
            )
            print(
                f"| {design} | {metric} | {r.sd_difference_paired:.4f} | "
                f"{r.sd_difference_unpaired:.4f} | {r.ci_width_paired:.4f} | "
                f"{r.ci_width_unpaired:.4f} | {100 * r.width_reduction:.0f}% | {r.factor:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
