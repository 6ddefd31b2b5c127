"""How robust are the seed's claims across the calibration's accepted set?

    .venv/bin/python scripts/posterior_claims.py [CALIBRATION_DIR] [--replications 10]

For every accepted point of a calibration (`python -m sim.calibrate`), runs five arms
(the point as is; $0.6M and $1.5M meetings; half its process budget; consensus_only)
and prints, for each claim, the median difference across points and the share of
accepted points in which the claim's direction holds. A claim that holds at the
default but in few accepted points rests on the default's particular values.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ARMS = {
    "point": {},
    "cheap": {"cost.meeting_usd": 6e5},
    "dear": {"cost.meeting_usd": 1.5e6},
    "half_budget": {},  # half of the point's own budget
    "consensus_only": {"decision.rule": "consensus_only"},
}
COLUMNS = (
    "informal_coverage_LIC",
    "voice_share_LIC",
    "stakeholder_influence_share",
    "rush_cost",
    "text_distance_civil_society",
    "holdout_pull",
)
# (claim, column, arm a, arm b, direction of a - b the seed expects)
CLAIMS = [
    ("dearer meetings lower LIC informal coverage", "informal_coverage_LIC", "dear", "cheap", -1),
    ("dearer meetings lower LIC voice share", "voice_share_LIC", "dear", "cheap", -1),
    (
        "dearer meetings lower the stakeholders' share",
        "stakeholder_influence_share",
        "dear",
        "cheap",
        -1,
    ),
    ("half budget raises the rush cost", "rush_cost", "half_budget", "point", 1),
    (
        "half budget moves the text from civil society",
        "text_distance_civil_society",
        "half_budget",
        "point",
        1,
    ),
    ("consensus_only pulls more toward holdouts", "holdout_pull", "consensus_only", "point", 1),
]


def evaluate(args: tuple[dict, int]) -> dict[str, float]:
    from sim.api import compose_config
    from sim.config import set_values
    from sim.run.replications import run_replications

    point, replications = args
    base = set_values(compose_config(["progress=false"]), {**point, "replications": replications})
    out = {}
    for arm, changes in ARMS.items():
        if arm == "half_budget":
            changes = {"cost.process_budget_usd": base.cost.process_budget_usd / 2}
        runs = run_replications(set_values(base, changes), with_delegations=False).runs
        for column in COLUMNS:
            out[f"{column}@{arm}"] = float(runs[column].mean())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="results/calibration/ahc_cybercrime")
    parser.add_argument("--replications", type=int, default=10)
    args = parser.parse_args()
    samples = pd.read_parquet(Path(args.folder) / "samples.parquet")
    accepted = samples[samples["accepted"]]
    keys = [c for c in samples.columns if c[0].islower() and "." in c]
    points = [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in accepted[keys].to_dict("records")
    ]
    with ProcessPoolExecutor() as pool:
        results = pd.DataFrame(list(pool.map(evaluate, [(p, args.replications) for p in points])))
    print(f"{len(points)} accepted points of {args.folder}, {args.replications} runs per arm\n")
    print("| claim | median difference | share of accepted points where it holds |")
    print("|---|---|---|")
    for claim, column, a, b, sign in CLAIMS:
        diff = results[f"{column}@{a}"] - results[f"{column}@{b}"]
        holds = float(((diff * sign) > 0).mean())
        print(f"| {claim} | {diff.median():+.4f} | {holds:.0%} |")


if __name__ == "__main__":
    main()
