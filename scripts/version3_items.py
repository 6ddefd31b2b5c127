"""What each item of version 3's model change measures now, for its before/after record.

    .venv/bin/python scripts/version3_items.py [--replications 300] [--seed 11]

Version 2's figures are those the review measured (docs/ODD.md section 10 quotes them);
this script measures the same quantities on the current model, at the default committee
scenario with common random numbers, and prints one Markdown list per item:

2. the shadow of the vote: do `consensus_value` 0.001 / default / 1, `consensus_only` and
   `channels.shadow_of_vote=false` still give the same text?
3. doors by the negotiation: the meeting the doors first close, overall and per issue;
4. no empty rooms: runs whose stakeholders' share after informals open is exactly 0;
5. budgets over the meetings held: low-income delegations' share of their own budget
   spent at $0.6M and $1.5M meetings;
6. unfinished work: night sittings, parallel tracks and the work left unfinished;
7. acquiescence: texts adopted without a vote over voiced objections, amendment votes
   on (the committee's scenario) and off.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.api import run_scenario

ISSUES = ["scope", "data_access", "safeguards", "assistance"]
TEXT = [f"text_{issue}" for issue in ISSUES]


def tables(overrides: list[str], replications: int, seed: int):
    base = [f"seed={seed}", "crn=true", "measures.rush_cost=false"]
    return run_scenario([*base, *overrides], replications=replications)


def share(flags: pd.Series) -> str:
    return f"{flags.mean():.3f} ({int(flags.sum())} of {len(flags)})"


def shadow_of_the_vote(n: int, seed: int) -> list[str]:
    arms = {
        "consensus_value=0.001": ["decision.consensus_value=0.001"],
        "consensus_value=1": ["decision.consensus_value=1.0"],
        "decision=consensus_only": ["decision=consensus_only"],
        "shadow_of_vote=false": ["channels.shadow_of_vote=false"],
    }
    default = tables([], n, seed).runs[TEXT].to_numpy()
    lines = []
    for label, overrides in arms.items():
        text = tables(overrides, n, seed).runs[TEXT].to_numpy()
        gap = np.abs(text - default).max(axis=1)
        same = int((gap < 1e-12).sum())
        lines.append(
            f"{label} against the default: identical texts in {same} of {n} paired runs, "
            f"largest difference {gap.max():.3g}, mean {gap.mean():.3g}"
        )
    return lines


def doors(runs: pd.DataFrame) -> list[str]:
    lines = []
    for column in ["doors_closed_meeting", *(f"doors_closed_meeting_{i}" for i in ISSUES)]:
        values = runs[column]
        closed = values.dropna()
        lines.append(
            f"{column}: mean {closed.mean():.2f}, range {closed.min():.0f}-{closed.max():.0f}, "
            f"never closed in {int(values.isna().sum())} of {len(values)} runs"
        )
    return lines


def budgets(n: int, seed: int) -> list[str]:
    lines = []
    for cost in (600_000, 1_500_000):
        delegations = tables([f"cost.meeting_usd={cost}"], n, seed).delegations
        low = delegations[delegations.income_group == "LIC"]
        spent = (low.spent_usd / low.budget_usd).mean()
        lines.append(
            f"${cost / 1e6:.1f}M meetings: LIC delegations spent {spent:.1%} of their own budget"
        )
    return lines


def compression(result) -> list[str]:
    runs, meetings = result.runs, result.meetings
    return [
        f"runs with a night sitting: {share(runs.night_sitting_meetings > 0)}",
        f"night sittings per run: mean {runs.night_sitting_meetings.mean():.2f}",
        f"most parallel tracks in a run: mean {runs.parallel_tracks_max.mean():.2f}, "
        f"max {runs.parallel_tracks_max.max():.0f}",
        f"meetings with compression above 1: {share(meetings.compression > 1)}",
        f"work unfinished at the end: mean share {runs.work_unfinished_share.mean():.4f}, "
        f"runs with some {share(runs.work_unfinished_share > 0)}",
    ]


def acquiescence(n: int, seed: int) -> list[str]:
    lines = []
    arms = {
        "amendment votes on (the committee)": [],
        "amendment votes off": ["channels.amendment_votes=false"],
    }
    for label, overrides in arms.items():
        runs = tables(overrides, n, seed).runs
        voiced = (runs.adopted_by == "consensus") & (runs.acquiesced_at_decision > 0)
        lines.append(
            f"{label}: adopted by consensus {share(runs.adopted_by == 'consensus')}, "
            f"of which with objections voiced (acquiesced) {share(voiced)}; "
            f"by vote {share(runs.adopted_by == 'vote')}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    options = parser.parse_args()
    n, seed = options.replications, options.seed
    default = tables([], n, seed)
    sections = {
        "2. shadow of the vote (30 paired runs)": shadow_of_the_vote(min(n, 30), seed),
        "3. doors by the negotiation": doors(default.runs),
        "4. no empty rooms": [
            "stakeholders' share after informals open exactly 0: "
            + share(default.runs.stakeholder_share_after_informal == 0)
            + f"; mean {default.runs.stakeholder_share_after_informal.mean():.4f}"
        ],
        "5. budgets over the meetings held": budgets(n, seed),
        "6. unfinished work and compression": compression(default),
        "7. objectors may acquiesce": acquiescence(n, seed),
    }
    print(f"Version 3 items at the default: {n} runs, seed {seed}, common random numbers\n")
    for title, lines in sections.items():
        print(f"**{title}**\n")
        print("\n".join(f"- {line}" for line in lines) + "\n")


if __name__ == "__main__":
    main()
