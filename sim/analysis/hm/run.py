"""`run_calibration`: a history matching into a results folder, with its manifest.

The waves' runs live in `<out>/wave_<w>/`, `<out>/left_out_<name>/` and
`<out>/stability/` (batch folders: locked, fingerprinted, resumable); the reports and
the manifest at the top. A folder that holds another command's results is refused.
"""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sim.analysis.calibration import CalibrateConfig, patterns_path
from sim.analysis.hm.match import Matched, history_match
from sim.analysis.hm.report import REPORTS, write_reports
from sim.run.batch import Execution
from sim.store import (
    MANIFEST,
    environment_info,
    read_json,
    sha256_file,
    utc_now,
    write_json,
)
from sim.store.batches import refuse_foreign

__all__ = ["Calibrated", "run_calibration"]

KIND = "history matching"


@dataclass(frozen=True)
class Calibrated:
    """A finished calibration: its folder, what it found, and the manifest's summary."""

    folder: Path
    matched: Matched
    summary: dict[str, Any]


OURS = ("wave_", "confirm_", "left_out_", "stability", "figures", MANIFEST, *REPORTS)


def _claim(out: Path) -> None:
    """Refuse a folder that holds a run, a sweep, another study's results or other files."""
    manifest = read_json(out / MANIFEST) if (out / MANIFEST).exists() else None
    refuse_foreign(out, manifest, KIND, ours=lambda name: name.startswith(OURS), name="calibration")


def run_calibration(cfg: CalibrateConfig, progress: bool = True) -> Calibrated:
    """Run (or resume) the calibration `cfg` describes; write its reports and manifest."""
    out = Path(cfg.out or f"results/calibration/{datetime.now():%Y-%m-%d_%H-%M-%S}")
    _claim(out)
    how = Execution(chunk=cfg.chunk, engine=cfg.engine, workers=cfg.workers, progress=progress)
    command = "python -m sim.calibrate " + " ".join(sys.argv[1:])
    started = time.perf_counter()
    matched = history_match(cfg, out, how, command)
    summary = write_reports(matched, out)
    tables = {
        name: {"path": spec.patterns, "sha256": sha256_file(patterns_path(spec.patterns))}
        for name, spec in cfg.negotiations.items()
    }
    write_json(
        {
            **environment_info(),
            "kind": KIND,
            "status": "completed",
            "finished": utc_now(),
            "seconds": round(time.perf_counter() - started, 1),
            "command": command,
            "calibrate": asdict(cfg),
            "patterns": tables,
            **summary,
        },
        out / MANIFEST,
    )
    return Calibrated(out, matched, summary)
