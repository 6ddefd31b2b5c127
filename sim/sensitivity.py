"""Global sensitivity of the outcomes to the assumed parameters (SALib: Sobol or Morris).

    python -m sim.sensitivity [key=value ...]     # configs/sensitivity.yaml; --help lists them

What it computes and writes: `sim.analysis.sensitivity` (and docs/robustness.md); this
command adds the figure (`sim.figures.sensitivity`) and prints where the tables are.
Re-running the same command with the same `out=` resumes it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sim.run.command import run_command

__all__ = ["main"]

log = logging.getLogger(__name__)


def _sensitivity(argv: list[str]) -> int:
    from sim.analysis.sensitivity import compose_sensitivity, run_sensitivity

    result = run_sensitivity(compose_sensitivity(argv))
    try:
        from sim.figures.sensitivity import sensitivity_figure

        figure = sensitivity_figure(result.indices, result.method)
        figure.save(result.folder / "figures" / "sensitivity")
    except Exception as err:  # a missing browser must not lose the tables
        log.warning("sensitivity figure not written: %s", err)
    for name in ("indices.md", "indices.csv", "indices.tex", "figures/sensitivity.png"):
        print(result.folder / name)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    return run_command(
        "sim.sensitivity", _sensitivity, argv, doc=__doc__, config_name="sensitivity"
    )


if __name__ == "__main__":
    raise SystemExit(main())
