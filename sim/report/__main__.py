"""`python -m sim.report RESULTS_DIR`: figures, comparison tables and one offline page.

    python -m sim.report RESULTS_DIR [--out DIR] [--by COLUMN ...] [--metrics COLUMN ...]
                         [--run CONFIG_ID:REPLICATION] [--html] [--allow-partial]

What it writes is described in `sim.report.build`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from sim.errors import ArgumentParser, IncompleteResultsError, fail
from sim.report.build import DEFAULT_METRICS, make_report

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = ArgumentParser(
        prog="python -m sim.report",
        description="Figures, comparison tables and one offline HTML page from a results folder.",
    )
    parser.add_argument("results_dir", type=Path, help="a run or sweep results folder")
    parser.add_argument("--out", type=Path, help="output folder (default: RESULTS_DIR)")
    parser.add_argument("--by", nargs="+", help="configuration column(s) that define a design")
    parser.add_argument(
        "--metrics",
        nargs="+",
        default=list(DEFAULT_METRICS),
        help="inclusiveness columns for the cost and frontier figures",
    )
    parser.add_argument("--run", help="the run shown in detail, as CONFIG_ID:REPLICATION")
    parser.add_argument("--html", action="store_true", help="also a standalone HTML per figure")
    parser.add_argument(
        "--allow-partial",
        action="store_true",
        help="report on a sweep with missing or failed jobs (the report says so at the top)",
    )
    args = parser.parse_args(argv)
    if not args.results_dir.is_dir():
        parser.error(f"results folder {args.results_dir} does not exist")
    formats = ("pdf", "svg", "png", *(("html",) if args.html else ()))
    command = "python -m sim.report " + " ".join(sys.argv[1:] if argv is None else argv)
    try:
        report = make_report(
            args.results_dir,
            args.out,
            args.by,
            args.metrics,
            args.run,
            formats,
            command,
            allow_partial=args.allow_partial,
        )
    except IncompleteResultsError as err:
        fail(err)
    except (FileNotFoundError, KeyError, ValueError) as err:
        message = err.args[0] if isinstance(err, KeyError) and err.args else err
        parser.error(f"{args.results_dir}: {message}")
    except OSError as err:  # a read-only or full disk: one line, exit 4
        fail(err)
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
