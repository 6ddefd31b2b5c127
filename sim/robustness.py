"""Robustness of design rankings over uncertain parameters (worlds x designs, with CRN).

    python -m sim.robustness [key=value ...]     # configs/robustness.yaml, Hydra overrides

What it computes and writes: `sim.analysis.robustness` (and docs/robustness.md); this
command adds the figure (`sim.figures.robustness`) and prints where the tables are.
"""

from __future__ import annotations

import logging
import sys

from sim.analysis.robustness import compose_robustness, run_robustness
from sim.config import ConfigError
from sim.errors import USAGE

__all__ = ["main"]

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        cfg = compose_robustness(sys.argv[1:] if argv is None else argv)
        result = run_robustness(cfg)
    except ConfigError as err:
        sys.stderr.write(f"robustness: configuration error: {err}\n")
        return USAGE
    try:
        from sim.figures.robustness import robustness_figure

        figure = robustness_figure(result.beats, result.regret, result.designs)
        figure.save(result.folder / "figures" / "robustness")
    except Exception as err:  # a missing browser must not lose the tables
        log.warning("robustness figure not written: %s", err)
    for name in ("robustness.md", "beats.csv", "regret.csv", "flips.csv"):
        print(result.folder / name)
    print(result.folder / "figures" / "robustness.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
