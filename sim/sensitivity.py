"""Global sensitivity of the outcomes to the assumed parameters (SALib: Sobol or Morris).

    python -m sim.sensitivity [key=value ...]     # configs/sensitivity.yaml, Hydra overrides

What it computes and writes: `sim.analysis.sensitivity` (and docs/robustness.md); this
command adds the figure (`sim.figures.sensitivity`) and prints where the tables are.
"""

from __future__ import annotations

import logging
import sys

from sim.analysis.sensitivity import compose_sensitivity, run_sensitivity
from sim.config import ConfigError
from sim.errors import USAGE

__all__ = ["main"]

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        cfg = compose_sensitivity(sys.argv[1:] if argv is None else argv)
        result = run_sensitivity(cfg)
    except ConfigError as err:
        sys.stderr.write(f"sensitivity: configuration error: {err}\n")
        return USAGE
    try:
        from sim.figures.sensitivity import sensitivity_figure

        figure = sensitivity_figure(result.indices, result.method)
        figure.save(result.folder / "figures" / "sensitivity")
    except Exception as err:  # a missing browser must not lose the tables
        log.warning("sensitivity figure not written: %s", err)
    for name in ("indices.md", "indices.csv", "indices.tex", "figures/sensitivity.png"):
        print(result.folder / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
