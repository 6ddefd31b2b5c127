"""A Hydra callback a test adds to a sweep to see which joblib workers outlive its jobs.

Added with `+hydra.callbacks.probe._target_=tests.sweep_probe.WorkersAtSweepEnd
+hydra.callbacks.probe.out=PATH`: when the sweep ends (after the launcher has returned,
as the sweep's own callback aggregates), it writes the process ids of the sweep's live
loky workers to PATH, one a line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback

from tests.processes import children, cmdline

LOKY_WORKER = "popen_loky"  # in every loky worker's command line, not in its resource tracker


class WorkersAtSweepEnd(Callback):
    def __init__(self, out: str) -> None:
        self.out = Path(out)

    def on_multirun_end(self, config: Any, **kwargs: Any) -> None:
        workers = sorted(p for p in children(os.getpid()) if LOKY_WORKER in cmdline(p))
        self.out.write_text("".join(f"{p}\n" for p in workers))
