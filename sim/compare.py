"""Compare process designs in a results folder: means, intervals, pairwise tests.

    python -m sim.compare RESULTS_DIR --by process [--metrics adopted attendance_rate_LIC]
                          [--where funding=none] [--nonparametric] [--unpaired] [--out DIR]

Runs made with common random numbers (``crn``) are compared pair by pair (paired t
or Wilcoxon signed-rank, McNemar; paired intervals); ``--unpaired`` forces the
independent-sample tests. The tables and stderr say which were used.

Written to ``RESULTS_DIR/comparison/`` (or ``--out``): ``compare_<by>_summary.csv``,
``compare_<by>_pairwise.csv`` (full precision), ``compare_<by>.md`` and
``compare_<by>.tex`` (booktabs tables, rounded). What is computed:
`sim.analysis.compare`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.analysis.compare import DEFAULT_METRICS, compare, filter_runs
from sim.analysis.tables import write_comparison
from sim.errors import ArgumentParser, IncompleteResultsError, fail
from sim.store import load_checked

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="python -m sim.compare",
        description="Compare process designs in a results folder (run or sweep).",
    )
    parser.add_argument("results_dir", type=Path, help="a run or sweep results folder")
    parser.add_argument(
        "--by",
        nargs="+",
        required=True,
        help="configuration column(s) that define a design (process, funding, decision, ...)",
    )
    parser.add_argument(
        "--metrics", nargs="+", help=f"metric columns (default: {' '.join(DEFAULT_METRICS)})"
    )
    parser.add_argument(
        "--where", nargs="+", default=[], metavar="COLUMN=VALUE", help="keep only these runs"
    )
    parser.add_argument(
        "--nonparametric",
        action="store_true",
        help="Mann-Whitney U instead of Welch's t for continuous metrics",
    )
    parser.add_argument(
        "--unpaired",
        action="store_true",
        help="independent-sample tests even for runs made with common random numbers",
    )
    parser.add_argument("--out", type=Path, help="output folder (default: RESULTS_DIR/comparison)")
    parser.add_argument(
        "--allow-partial",
        action="store_true",
        help="compare a sweep with missing or failed jobs (the output says so)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    folder: Path = args.results_dir
    if not folder.is_dir():
        parser.error(f"results folder {folder} does not exist")
    try:
        runs, state = load_checked(folder, allow_partial=args.allow_partial)
        runs = filter_runs(runs, args.where)
        comparison = compare(
            runs, args.by, args.metrics, args.nonparametric, paired=False if args.unpaired else None
        )
    except IncompleteResultsError as err:
        fail(err)
    except (FileNotFoundError, KeyError, ValueError) as err:
        message = err.args[0] if isinstance(err, KeyError) and err.args else err
        parser.error(f"{folder}: {message}")
    command = "python -m sim.compare " + " ".join(sys.argv[1:] if argv is None else argv)
    note = state.banner()
    if note:
        sys.stderr.write(f"sim.compare: warning: {state.summary()}\n")
    sys.stderr.write(f"sim.compare: tests and intervals: {comparison.pairing}\n")
    try:
        paths = write_comparison(comparison, args.out or folder / "comparison", command, note)
    except OSError as err:  # a read-only or full disk: one line, exit 4
        fail(err)
    for path in paths.values():
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
