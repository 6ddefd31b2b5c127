"""Out-of-sample test: three negotiations, one set of behavioural parameters.

    python -m sim.out_of_sample [key=value ...]   # configs/out_of_sample.yaml; --help lists them
    python -m sim.out_of_sample replications=30 seed=1 figures=docs/figures

What it runs and scores: `sim.analysis.out_of_sample`. Runs the three negotiations
through the batch runner (`sim.run.batch`: resumable pieces in `out`), then writes
`runs.parquet` (the three negotiations' runs), `scores.csv` / `scores.md`,
`outcomes.csv`, `manifest.json` and `figures/negotiations_compared.*`
(`sim.figures.negotiations`, every format) into `out`, and the figure's PNG and CSV
into `figures` when given (docs/figures).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.out_of_sample import (
    NEGOTIATIONS,
    compose_negotiation,
    outcome_table,
    ratification_comparison,
    score_table,
)
from sim.analysis.tables import format_number, markdown_table
from sim.errors import UsageError, one_line
from sim.run.command import run_command

__all__ = ["OutOfSampleConfig", "main"]

log = logging.getLogger(__name__)


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
        "# Out-of-sample scores: each record's patterns at the shared (joint) calibration",
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


@dataclass
class OutOfSampleConfig:
    """What `python -m sim.out_of_sample` runs (configs/out_of_sample.yaml)."""

    replications: int = 30
    seed: int = 1
    workers: int = 0
    engine: str = "local"
    out: str = "results/out_of_sample"
    figures: str | None = None


def _out_of_sample(argv: list[str]) -> int:
    from sim.analysis.experiments import MAX_REPLICATIONS, check_count
    from sim.run.batch import Batch, Execution, Point, run_batch
    from sim.run.command import compose_settings
    from sim.store import write_parquet, write_text

    cfg = compose_settings("out_of_sample", OutOfSampleConfig, argv)
    check_count("replications", cfg.replications, 1, MAX_REPLICATIONS)
    check_count("seed", cfg.seed, 0, 2**63 - 1)
    check_count("workers", cfg.workers, 0, 4096)
    if not cfg.out:
        raise UsageError("out: a results folder is required")
    designs = {n: compose_negotiation(n, cfg.replications, cfg.seed) for n in NEGOTIATIONS}
    points = tuple(Point(design=n, point=0) for n in designs)
    out = Path(cfg.out)
    command = "python -m sim.out_of_sample " + " ".join(argv)
    found: dict[str, pd.DataFrame] = {}

    def analyse(rows: pd.DataFrame) -> dict[str, Any]:
        runs_by = {n: part.drop(columns=["job", "point", "design"]).reset_index(drop=True)
                   for n, part in rows.groupby("design", sort=False)}  # fmt: skip
        scores = score_table(runs_by)
        outcomes = outcome_table(runs_by)
        comparison = ratification_comparison(runs_by["bbnj"], runs_by["ahc_cybercrime"])
        found["runs"] = runs = pd.concat(runs_by.values(), ignore_index=True)
        write_parquet(runs, out / "runs.parquet")
        write_text(scores.to_csv(index=False), out / "scores.csv")
        write_text(outcomes.to_csv(index=False), out / "outcomes.csv")
        found["text"] = text = _markdown(scores, outcomes, comparison)
        write_text(text, out / "scores.md")
        return {
            "replications": cfg.replications,
            "seed": cfg.seed,
            "negotiations": {n: list(s.overrides) for n, s in NEGOTIATIONS.items()},
            "ratification_comparison": comparison,
        }

    how = Execution(chunk=1, engine=cfg.engine, workers=cfg.workers)
    settings = {"replications": cfg.replications, "seed": cfg.seed}
    batch = Batch(kind="out-of-sample", designs=designs, points=points, settings=settings,
                  unit="negotiations")  # fmt: skip
    run_batch(batch, out, how, command=command, analyse=analyse)
    from sim.figures.negotiations import negotiations_figure

    figure = negotiations_figure(found["runs"])
    try:  # every format beside the tables; the PNG and its CSV for the docs if asked
        figure.save(out / "figures" / "negotiations_compared")
        if cfg.figures:
            figure.save(Path(cfg.figures) / "negotiations_compared", formats=("png",))
    except Exception as err:  # a missing browser must not lose the tables above
        log.warning("figure not written: %s", one_line(err))
    print(found["text"])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    return run_command(
        "sim.out_of_sample", _out_of_sample, argv, doc=__doc__, config_name="out_of_sample"
    )


if __name__ == "__main__":
    raise SystemExit(main())
