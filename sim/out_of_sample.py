r"""Out-of-sample test: three negotiations, one set of behavioural parameters.

    python -m sim.out_of_sample --replications 30 --seed 1 --out results/out_of_sample \
        --figures docs/figures

What it runs and scores: `sim.analysis.out_of_sample`. Writes `runs.parquet` (the
three negotiations' runs), `scores.csv` / `scores.md`, `outcomes.csv`, `manifest.json`
and `figures/negotiations_compared.*` (`sim.figures.negotiations`, every format) into
`--out`, and the figure's PNG and CSV into `--figures` when given (docs/figures).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sim.analysis.out_of_sample import (
    NEGOTIATIONS,
    outcome_table,
    ratification_comparison,
    run_negotiations,
    score_table,
)
from sim.analysis.tables import format_number, markdown_table

__all__ = ["main"]


def _markdown(scores: pd.DataFrame, outcomes: pd.DataFrame, comparison: dict) -> str:
    columns = ["negotiation", "pattern", "kind", "target", "statistic", "pattern_met"]
    shown = scores[[*columns, "share_of_runs_meeting"]].copy()
    for column in ("statistic", "share_of_runs_meeting"):
        shown[column] = shown[column].map(format_number)
    out = outcomes[["negotiation", "record", "share_reproducing_record", "ci_low", "ci_high"]]
    out = out.assign(
        **{c: out[c].map(format_number) for c in ("share_reproducing_record", "ci_low", "ci_high")}
    )
    lines = [
        "# Out-of-sample scores (behaviour fixed at the cybercrime calibration)",
        "",
        markdown_table(shown),
        "",
        "## The record's outcome",
        "",
        markdown_table(out),
        "",
        "## Ratification",
        "",
        f"Parties {comparison['months']} months after the text: BBNJ "
        f"{comparison['faster_mean']:.1f}, cybercrime {comparison['slower_mean']:.1f} "
        f"(one-sided Welch p = {comparison['welch_p']:.2g}, Mann-Whitney p = "
        f"{comparison['mannwhitney_p']:.2g}).",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    from sim.errors import ArgumentParser
    from sim.store import MANIFEST, environment_info, utc_now, write_json, write_parquet, write_text

    parser = ArgumentParser(prog="python -m sim.out_of_sample", description=__doc__.split("\n")[0])
    parser.add_argument("--replications", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0, help="processes (0: every core)")
    parser.add_argument("--out", type=Path, default=Path("results/out_of_sample"))
    parser.add_argument("--figures", type=Path, default=None, help="also write the figure here")
    args = parser.parse_args(argv)
    if args.replications < 1:
        parser.error("--replications must be at least 1")
    command = " ".join(sys.argv[1:] if argv is None else argv)
    started = utc_now()
    runs_by = run_negotiations(args.replications, args.seed, args.workers)
    scores = score_table(runs_by)
    outcomes = outcome_table(runs_by)
    comparison = ratification_comparison(runs_by["bbnj"], runs_by["ahc_cybercrime"])
    runs = pd.concat(runs_by.values(), ignore_index=True)
    out = args.out
    write_parquet(runs, out / "runs.parquet")
    write_text(scores.to_csv(index=False), out / "scores.csv")
    write_text(outcomes.to_csv(index=False), out / "outcomes.csv")
    text = _markdown(scores, outcomes, comparison)
    write_text(text, out / "scores.md")
    write_json(
        {
            "command": f"python -m sim.out_of_sample {command}".strip(),
            "replications": args.replications,
            "seed": args.seed,
            "negotiations": {n: list(s.overrides) for n, s in NEGOTIATIONS.items()},
            "ratification_comparison": comparison,
            "started": started,
            "finished": utc_now(),
            **environment_info(),
        },
        out / MANIFEST,
    )
    from sim.figures.negotiations import negotiations_figure

    figure = negotiations_figure(runs)
    try:  # every format beside the tables; the PNG and its CSV for the docs if asked
        figure.save(out / "figures" / "negotiations_compared")
        if args.figures is not None:
            figure.save(args.figures / "negotiations_compared", formats=("png",))
    except Exception as err:  # a missing browser must not lose the tables above
        sys.stderr.write(f"python -m sim.out_of_sample: figure not written: {err}\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
