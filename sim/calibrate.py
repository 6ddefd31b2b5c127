"""Calibrate the assumptions on the record: history matching in waves, three negotiations jointly.

    python -m sim.calibrate [key=value ...]     # configs/calibrate.yaml; --help lists them

What it computes and writes: `sim.analysis.calibration` (and docs/calibration.md);
this command adds the figure (`sim.figures.calibration`) and prints where the reports
are. Re-running the same command with the same `out=` resumes it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sim.run.command import run_command

__all__ = ["main"]

log = logging.getLogger(__name__)


def _calibrate(argv: list[str]) -> int:
    from sim.analysis.calibration import compose_calibration
    from sim.analysis.hm.report import pattern_table, range_table
    from sim.analysis.hm.run import run_calibration

    cfg = compose_calibration(argv)
    result = run_calibration(cfg)
    out, summary = result.folder, result.summary
    try:
        from sim.analysis.hm.report import default_point
        from sim.figures.calibration import calibration_figure

        matched = result.matched
        figure = calibration_figure(
            pattern_table(matched), range_table(matched), default_point(matched)["values"]
        )
        figure.save(out / "figures" / "calibration")
    except Exception as err:  # a missing browser must not lose the tables
        log.warning("calibration figure not written: %s", err)
    print(
        f"{out}: {summary['points_run']} points run in {len(cfg.points)} waves; "
        f"{summary['plausible']} plausible; default: point {summary['default_point']}"
    )
    if summary["unreachable_patterns"]:
        print(f"patterns no point comes within the cutoff of: {summary['unreachable_patterns']}")
    for name in ("patterns.md", "ranges.md", "default_point.yaml", "left_out.md", "stability.md"):
        if (out / name).exists():
            print(out / name)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    return run_command("sim.calibrate", _calibrate, argv, doc=__doc__, config_name="calibrate")


if __name__ == "__main__":
    raise SystemExit(main())
