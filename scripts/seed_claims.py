"""Does the model tell the seed's story? The six claims of the causal-story issue, measured.

    .venv/bin/python scripts/seed_claims.py [--replications 30] [--seed 1] [--json PATH]

Runs six arms of the default committee scenario (30 replications each from a fixed
base seed) and prints one Markdown table: each claim of the seed article, the figures
that test it, and one-sided Welch p-values where two arms are compared. The arms:
the default; $0.6M and $1.5M meetings (no participation funding, default process
budget); half the default process budget; the two other decision rules.

Columns that a model version lacks are reported as "-", so the same script measures
an older checkout (for a before/after table) and the current one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ARMS: dict[str, list[str]] = {
    "default": [],
    "meeting_0.6M": ["cost.meeting_usd=6e5"],
    "meeting_1.5M": ["cost.meeting_usd=1.5e6"],
    "half_budget": [],  # filled in from the default budget
    "consensus_only": ["decision=consensus_only"],
    "two_thirds_vote": ["decision=two_thirds_vote"],
}


def run_arms(replications: int, seed: int) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    from sim.api import compose_config, run_scenario

    base = [f"seed={seed}", f"replications={replications}", "progress=false"]
    budget = compose_config(base).cost.process_budget_usd
    ARMS["half_budget"] = [f"cost.process_budget_usd={budget / 2}"]
    out = {}
    for name, overrides in ARMS.items():
        tables = run_scenario(compose_config([*base, *overrides]))
        out[name] = (tables.runs, tables.delegations)
        print(f"  {name}: {len(tables.runs)} runs", file=sys.stderr)
    return out


def _mean(frame: pd.DataFrame, column: str) -> float:
    return float(frame[column].mean()) if column in frame else float("nan")


def _p_less(a: pd.DataFrame, b: pd.DataFrame, column: str) -> float:
    """One-sided Welch p-value that `a[column]` is lower than `b[column]`."""
    if column not in a or column not in b:
        return float("nan")
    x, y = a[column].dropna(), b[column].dropna()
    if len(x) < 2 or len(y) < 2 or (np.ptp(x) == 0 and np.ptp(y) == 0):
        return float("nan")
    return float(stats.ttest_ind(x, y, equal_var=False, alternative="less").pvalue)


def _own_distance(delegations: pd.DataFrame, by: str, value: str) -> float:
    """Mean over a group's members of each member's own final distance."""
    rows = delegations[delegations[by] == value]
    return float(rows["final_distance"].mean()) if len(rows) else float("nan")


def claims(arms: dict[str, tuple[pd.DataFrame, pd.DataFrame]]) -> list[dict[str, object]]:
    runs = {name: r for name, (r, _) in arms.items()}
    cheap, dear = runs["meeting_0.6M"], runs["meeting_1.5M"]
    default, half = runs["default"], runs["half_budget"]
    rows: list[dict[str, object]] = []

    def add(claim: str, measure: str, a: float, b: float, p: float | None = None) -> None:
        rows.append({"claim": claim, "measure": measure, "a": a, "b": b, "p": p})

    c1 = "1. dearer meetings hamper small delegations (funding=none): $0.6M vs $1.5M"
    for column in ("informal_coverage_LIC", "voice_share_LIC", "attendance_rate_LIC"):
        add(c1, column, _mean(cheap, column), _mean(dear, column), _p_less(dear, cheap, column))
    c2 = "2. dearer meetings lower the stakeholders' share: $0.6M vs $1.5M"
    for column in ("stakeholder_influence_share", "stakeholder_share_after_informal"):
        add(c2, column, _mean(cheap, column), _mean(dear, column), _p_less(dear, cheap, column))
    c3 = "3. a rushed process (half budget) ends further from others: default vs half"
    for column in ("text_distance_civil_society", "text_distance_median_state", "rush_cost"):
        add(c3, column, _mean(default, column), _mean(half, column), _p_less(default, half, column))
    c4 = "4. default text vs the median state's ideal (text / median)"
    for issue in ("scope", "data_access", "safeguards"):
        text = _mean(default, f"text_{issue}")
        add(c4, f"text_{issue}", text, MEDIAN_IDEAL.get(issue, float("nan")))
    dl = arms["default"][1]
    add(
        c4,
        "own final distance: sovereignty vs rights_first bloc",
        _own_distance(dl, "bloc", "sovereignty"),
        _own_distance(dl, "bloc", "rights_first"),
    )
    c5 = "5. the rule shapes the text: consensus_only vs two_thirds_vote (consensus_then_vote)"
    for column in ("text_scope", "text_safeguards", "holdout_pull", "adoption_meeting"):
        add(
            c5,
            column,
            _mean(runs["consensus_only"], column),
            _mean(runs["two_thirds_vote"], column),
            None,
        )
        rows[-1]["c"] = _mean(default, column)
    c6 = "6. text_distance_<G>: the run column vs the members' own mean distance"
    for group in ("HIC", "LIC"):
        add(
            c6,
            f"text_distance_{group} (column vs own)",
            _mean(default, f"text_distance_{group}"),
            _own_distance(dl, "income_group", group),
        )
    add(c6, "text_distance_gap", _mean(default, "text_distance_gap"), float("nan"))
    return rows


MEDIAN_IDEAL: dict[str, float] = {}


def median_ideals(replications: int, seed: int) -> dict[str, float]:
    """The median state's ideal per issue, averaged over the default arm's populations.

    The population is the first draw of each run's generator, so it is rebuilt here
    from the same seeds without running the negotiation.
    """
    from sim.api import compose_config
    from sim.model.population import build_population
    from sim.run.replications import replication_seeds

    cfg = compose_config([f"seed={seed}", f"replications={replications}", "progress=false"])
    medians = [
        np.median(build_population(cfg.scenario, np.random.default_rng(s)).delegations.ideal, 0)
        for s in replication_seeds(cfg)
    ]
    return dict(zip(cfg.scenario.issues, np.mean(medians, axis=0).tolist(), strict=True))


def markdown(rows: list[dict[str, object]]) -> str:
    def fmt(x: object) -> str:
        if x is None or (isinstance(x, float) and not np.isfinite(x)):
            return "-"
        return f"{x:.3g}" if isinstance(x, float) and abs(x) < 1e-2 and x != 0 else f"{x:.3f}"

    lines = ["| claim | measure | a | b | (c) | one-sided p |", "|---|---|---|---|---|---|"]
    last = None
    for row in rows:
        claim = row["claim"] if row["claim"] != last else ""
        last = row["claim"]
        p = row.get("p")
        lines.append(
            f"| {claim} | {row['measure']} | {fmt(row['a'])} | {fmt(row['b'])} | "
            f"{fmt(row.get('c'))} | {fmt(p) if p is not None else ''} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    MEDIAN_IDEAL.update(median_ideals(args.replications, args.seed))
    rows = claims(run_arms(args.replications, args.seed))
    print(markdown(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=float))


if __name__ == "__main__":
    main()
