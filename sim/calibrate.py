"""Calibrate the assumed parameters on the record: rejection ABC against a pattern table.

    python -m sim.calibrate [key=value ...]     # configs/calibrate.yaml, Hydra overrides

What it computes and writes: `sim.analysis.calibration` (and docs/calibration.md);
this command adds the figure (`sim.figures.calibration`) and prints where the reports are.
"""

from __future__ import annotations

import logging
import sys

from sim.analysis.calibration import compose_calibration, run_calibration
from sim.config import ConfigError
from sim.errors import USAGE
from sim.store import MANIFEST, read_json

__all__ = ["main"]

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        cfg = compose_calibration(sys.argv[1:] if argv is None else argv)
        result = run_calibration(cfg)
    except ConfigError as err:
        sys.stderr.write(f"calibrate: configuration error: {err}\n")
        return USAGE
    out = result.folder
    try:
        from sim.figures.calibration import calibration_figure

        calibration_figure(result.reports, result.parameters).save(out / "figures" / "calibration")
    except Exception as err:  # a missing browser must not lose the tables
        log.warning("calibration figure not written: %s", err)
    manifest = read_json(out / MANIFEST, strict=True)
    print(
        f"{out}: {manifest['meets_all']} of {cfg.samples} points meet every pattern; "
        f"{manifest['accepted']} accepted (ABC tolerance epsilon = {manifest['epsilon']:.3g})"
    )
    for name in ("acceptance.md", "posterior.md", "default_point.yaml"):
        print(out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
