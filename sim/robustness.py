"""Robustness of design rankings over uncertain parameters (worlds x designs, with CRN).

    python -m sim.robustness [key=value ...]     # configs/robustness.yaml; --help lists them

What it computes and writes: `sim.analysis.robustness` (and docs/robustness.md); this
command adds the figure (`sim.figures.robustness`) and prints where the tables are.
Re-running the same command with the same `out=` resumes it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sim.run.command import run_command

__all__ = ["main"]

log = logging.getLogger(__name__)


def _robustness(argv: list[str]) -> int:
    from sim.analysis.robustness import compose_robustness, run_robustness

    result = run_robustness(compose_robustness(argv))
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


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    return run_command("sim.robustness", _robustness, argv, doc=__doc__, config_name="robustness")


if __name__ == "__main__":
    raise SystemExit(main())
