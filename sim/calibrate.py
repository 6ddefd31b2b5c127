"""Calibrate the assumed parameters on the record: rejection ABC against a pattern table.

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
    from sim.analysis.calibration import compose_calibration, run_calibration
    from sim.store import MANIFEST, read_json

    cfg = compose_calibration(argv)
    result = run_calibration(cfg)
    out = result.folder
    try:
        from sim.figures.calibration import calibration_figure

        calibration_figure(result.reports, result.parameters).save(out / "figures" / "calibration")
    except Exception as err:  # a missing browser must not lose the tables
        log.warning("calibration figure not written: %s", err)
    manifest = read_json(out / MANIFEST, strict=True) or {}
    print(
        f"{out}: {manifest['meets_all']} of {cfg.samples} points meet every pattern; "
        f"{manifest['accepted']} accepted (ABC tolerance epsilon = {manifest['epsilon']:.3g})"
    )
    for name in ("acceptance.md", "posterior.md", "default_point.yaml"):
        print(out / name)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    return run_command("sim.calibrate", _calibrate, argv, doc=__doc__, config_name="calibrate")


if __name__ == "__main__":
    raise SystemExit(main())
