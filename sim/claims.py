"""The seed's claims across a calibration's plausible set.

    python -m sim.claims FOLDER [key=value ...]   # configs/claims.yaml; --help lists them

FOLDER is a `python -m sim.calibrate` folder. What it computes and writes:
`sim.analysis.claims_study` (and docs/calibration.md); this command adds the figure
(`sim.figures.claims`) and prints where the tables are. Re-running the same command
resumes it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sim.run.command import run_command

__all__ = ["main"]

log = logging.getLogger(__name__)


def _claims(argv: list[str]) -> int:
    from sim.analysis.claims_study import ClaimsConfig, run_claims
    from sim.run.command import compose_settings

    folders = [a for a in argv if "=" not in a and not a.startswith("~")]
    settings = [a for a in argv if a not in folders]
    if folders:
        settings.append(f"calibration={folders[-1]}")
    result = run_claims(compose_settings("claims", ClaimsConfig, settings))
    try:
        from sim.figures.claims import claims_figure

        claims_figure(result.summary).save(result.folder / "figures" / "claims")
    except Exception as err:  # a missing browser must not lose the tables
        log.warning("claims figure not written: %s", err)
    for name in ("claims.md", "claims.csv", "per_point.csv"):
        print(result.folder / name)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    return run_command("sim.claims", _claims, argv, doc=__doc__, config_name="claims")


if __name__ == "__main__":
    raise SystemExit(main())
