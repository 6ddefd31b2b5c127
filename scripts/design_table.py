"""The design table: five process designs x two funding schemes, with 95% intervals.

    .venv/bin/python scripts/design_table.py [--replications N] [--seed S] [--crn]
        [--json PATH] [--power]

Runs the default committee scenario under every process design (open plenary, two tiers,
two tiers with observers, one informal room at a time, friends of the chair) and two
funding schemes (none, trust fund), and prints one Markdown table: for each design the
mean of each outcome with its 95% interval (t interval for means, Wilson for shares).

`--crn` pairs the designs run by run (replication r of every design faces the same
delegations and chance events), which is what the paired contrasts below the table use:
each design against the open plenary, with the 95% interval of the paired mean
difference. `--power` prints, for each contrast, the runs a paired t test needs to
detect the smallest difference that matters (`MATTERS`) with power 0.8 at alpha 0.05,
from the standard deviation of the paired differences in this run: how the number of
runs in the README and docs/design_table.md was chosen.

Columns that a model version lacks are reported as "-", so the same script measures an
older checkout (for a before/after table) and the current one.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PROCESSES = (
    "open_plenary",
    "two_tier",
    "two_tier_observers",
    "single_informal_room",
    "friends_of_chair",
)
FUNDINGS = ("none", "trust_fund")

# (column, header, smallest difference that matters for the power analysis)
MEASURES: tuple[tuple[str, str, float], ...] = (
    ("days_held", "days held", 5.0),
    ("adoption_meeting", "adoption meeting", 0.5),
    ("by_consensus", "adopted by consensus", 0.10),
    ("objectors_at_decision", "objectors at the end", 3.0),
    ("stakeholder_influence_share", "stakeholders' share", 0.01),
    ("voice_share_LIC", "LIC own voice", 0.005),
    ("informal_coverage_LIC", "LIC informal coverage", 0.02),
    ("text_distance_civil_society", "civil society's distance", 0.01),
    ("rush_cost", "rush cost", 0.01),
)
MATTERS = {column: delta for column, _, delta in MEASURES}
SHARES = {"by_consensus"}


def _run(args: tuple[str, str, int, int, bool]) -> pd.DataFrame:
    process, funding, replications, seed, crn = args
    from sim.api import compose_config, run_scenario

    cfg = compose_config(
        [
            f"process={process}",
            f"funding={funding}",
            f"replications={replications}",
            f"seed={seed}",
            f"crn={str(crn).lower()}",
            "progress=false",
        ]
    )
    runs = run_scenario(cfg).runs
    runs = runs.assign(
        process=process,
        funding=funding,
        by_consensus=(runs["adopted_by"] == "consensus").astype(float),
    )
    return runs


def run_designs(replications: int, seed: int, crn: bool, workers: int = 2) -> pd.DataFrame:
    """Every design's runs in one frame (columns `process`, `funding`, `replication`)."""
    jobs = [(p, f, replications, seed, crn) for f in FUNDINGS for p in PROCESSES]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        frames = list(pool.map(_run, jobs))
    return pd.concat(frames, ignore_index=True)


def _interval(values: pd.Series, share: bool) -> tuple[float, float, float]:
    x = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    n = len(x)
    if n == 0:
        return (math.nan, math.nan, math.nan)
    mean = float(x.mean())
    if share:
        k = x.sum()
        z = stats.norm.ppf(0.975)
        centre = (k + z * z / 2) / (n + z * z)
        half = z * math.sqrt(n) / (n + z * z) * math.sqrt(mean * (1 - mean) + z * z / (4 * n))
        return (mean, max(0.0, centre - half), min(1.0, centre + half))
    if n < 2:
        return (mean, math.nan, math.nan)
    half = float(stats.t.ppf(0.975, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return (mean, mean - half, mean + half)


def _cell(mean: float, low: float, high: float) -> str:
    if math.isnan(mean):
        return "-"
    digits = 1 if abs(mean) >= 10 else 3 if abs(mean) < 1 else 2
    if math.isnan(low):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ({low:.{digits}f}-{high:.{digits}f})"


def design_table(runs: pd.DataFrame) -> tuple[str, list[dict[str, object]]]:
    """The Markdown table and its rows (mean, low, high per measure and design)."""
    head = "| process | funding | " + " | ".join(h for _, h, _ in MEASURES) + " |"
    lines = [head, "|" + "---|" * (len(MEASURES) + 2)]
    records = []
    for (process, funding), group in runs.groupby(["process", "funding"], sort=False):
        cells, record = [], {"process": process, "funding": funding, "n": len(group)}
        for column, _, _ in MEASURES:
            if column not in group:
                cells.append("-")
                continue
            mean, low, high = _interval(group[column], column in SHARES)
            cells.append(_cell(mean, low, high))
            record[column] = {"mean": mean, "low": low, "high": high}
        lines.append(f"| {process} | {funding} | " + " | ".join(cells) + " |")
        records.append(record)
    return "\n".join(lines), records


def paired_contrasts(runs: pd.DataFrame, power: bool) -> str:
    """Each design minus the open plenary, paired by replication (needs --crn)."""
    lines = [
        "| funding | design - open_plenary | " + " | ".join(h for _, h, _ in MEASURES) + " |",
        "|" + "---|" * (len(MEASURES) + 2),
    ]
    needed: dict[str, int] = {}
    for funding in FUNDINGS:
        base = runs[(runs.process == "open_plenary") & (runs.funding == funding)]
        base = base.set_index("replication")
        for process in PROCESSES[1:]:
            other = runs[(runs.process == process) & (runs.funding == funding)]
            other = other.set_index("replication")
            cells = []
            for column, _, _ in MEASURES:
                if column not in other or column not in base:
                    cells.append("-")
                    continue
                d = (other[column] - base[column]).dropna()
                mean, low, high = _interval(d, share=False)
                cells.append(_cell(mean, low, high))
                if power and len(d) > 2 and d.std(ddof=1) > 0:
                    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
                    n = math.ceil((z * d.std(ddof=1) / MATTERS[column]) ** 2)
                    needed[column] = max(needed.get(column, 0), n)
            lines.append(f"| {funding} | {process} | " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    if power:
        text += "\n\nRuns a paired t test needs (power 0.8, alpha 0.05) for the difference"
        text += " that matters, largest over contrasts:\n"
        for column, _, delta in MEASURES:
            text += f"- {column}: difference {delta:g}: {needed.get(column, '-')} runs\n"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=30)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--crn", action="store_true", help="pair the designs run by run")
    parser.add_argument("--power", action="store_true", help="print the power analysis")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the table's figures as JSON")
    args = parser.parse_args(argv)
    runs = run_designs(args.replications, args.seed, args.crn, args.workers)
    table, records = design_table(runs)
    print(
        f"Design table: {args.replications} runs per design, seed {args.seed}, "
        f"{'paired (common random numbers)' if args.crn else 'independent draws'}; "
        "mean (95% interval)\n"
    )
    print(table)
    if args.crn:
        print("\nPaired differences from the open plenary, mean (95% interval):\n")
        print(paired_contrasts(runs, args.power))
    if args.json:
        args.json.write_text(json.dumps(records, indent=1, default=float) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
