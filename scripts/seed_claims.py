"""Does the model tell the seed's story? Its claims at the default, paired, with 95% intervals.

    .venv/bin/python scripts/seed_claims.py [--replications 200] [--seed 1] [--json PATH]

Runs the arms the claims of `sim.analysis.claims` compare (the default committee
scenario and its variants: $0.6M and $1.5M meetings, half the process budget, the other
decision rules, the other room designs) with common random numbers, and prints one
Markdown table: each claim, the two arms' means, the paired effect (b - a) with its
95% interval, whether the interval lies on the side the seed states, and the runs a
paired test needs to find the smallest effect that matters with power 0.99.

The definitions need only `sim.api`, so a copy of this script and of
sim/analysis/claims.py measures an older checkout (the before of a before/after table);
an outcome a version lacks is reported as "-".
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.analysis.claims import CLAIMS, arms_of, evaluate, run_arms


def _fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 0.01 and value != 0 else f"{value:.3f}"
    return str(value)


def _runs(value: object) -> str:
    if value is None or not math.isfinite(float(value)):
        return "-"
    return f"{int(value):,}" if value < 1e8 else "no effect to find"


def markdown(table) -> str:
    lines = [
        "| claim | measure | a | b | effect b - a (95% interval) | holds "
        "| runs for the smallest effect |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in table.to_dict("records"):
        interval = "-"
        if row.get("effect") is not None and math.isfinite(row.get("effect", math.nan)):
            interval = f"{_fmt(row['effect'])} ({_fmt(row['low'])} to {_fmt(row['high'])})"
        lines.append(
            f"| {row['claim']}. {row['text']} | `{row['outcome']}` | {_fmt(row.get('mean_a'))} | "
            f"{_fmt(row.get('mean_b'))} | {interval} | {_fmt(row.get('holds'))} | "
            f"{_runs(row.get('runs_for_smallest'))} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    arms = run_arms(arms_of(CLAIMS), args.replications, args.seed)
    table = evaluate(CLAIMS, arms)
    print(
        f"The seed's claims at the default: {args.replications} paired runs per arm "
        f"(common random numbers), seed {args.seed}\n"
    )
    print(markdown(table))
    if args.json:
        args.json.write_text(json.dumps(table.to_dict("records"), indent=1, default=float))


if __name__ == "__main__":
    main()
