"""Progress bars (tqdm), the same on every command: done/total, elapsed, time left.

Why one library: four hand-written printers each got something wrong (raw seconds,
no estimate, carriage returns filling log files). `progress_bar` shows tqdm's bar on
stderr with the elapsed time and an estimate of the time left as h:mm:ss, and is
silent when stderr is not a terminal (a log file, a pipe, a test), or when the
command was given ``progress=false``.

A sweep's bar (`SweepProgress`) polls the job folders from a thread of the launching
process, so it works the same whatever runs the jobs (this process, local workers,
Ray, SLURM), as long as the results folder is shared.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

from sim.store import FAILURE_FILE, MANIFEST, index_key

__all__ = ["SweepProgress", "progress_bar", "on_terminal"]


def on_terminal() -> bool:
    """Whether stderr is a terminal (bars are drawn only there)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def progress_bar(total: int, desc: str, unit: str, initial: int = 0, enabled: bool = True) -> Any:
    """A tqdm bar on stderr (a context manager), silent off a terminal or if not `enabled`."""
    from tqdm import tqdm

    return tqdm(
        total=total,
        initial=initial,
        desc=desc,
        unit=f" {unit}",
        disable=not (enabled and on_terminal()),
        file=sys.stderr,
        dynamic_ncols=True,
        bar_format="{desc}: {n_fmt}/{total_fmt}{unit} |{bar}| {elapsed} elapsed, ~{remaining} left",
    )


class SweepProgress:
    """A sweep's bar: jobs finished / planned, updated whenever a job folder completes."""

    def __init__(
        self, sweep_dir: Path, plan: list[list[str]], enabled: bool = True, interval: float = 1.0
    ) -> None:
        self.sweep_dir = Path(sweep_dir)
        self.plan = [list(p) for p in plan]
        self.enabled = enabled
        self.interval = interval
        self._keys: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._bar: Any = None

    def finished(self) -> int:
        """Jobs of the plan whose folder is complete or holds a failure."""
        count = 0
        for i, overrides in enumerate(self.plan):
            if i not in self._keys:
                key = index_key(self.sweep_dir, overrides)
                if key is None:
                    continue
                self._keys[i] = key
            folder = self.sweep_dir / self._keys[i]
            count += (folder / MANIFEST).exists() or (folder / FAILURE_FILE).exists()
        return count

    def start(self, initial: int = 0) -> None:
        """Start polling; `initial` jobs were complete before this attempt."""
        self._bar = progress_bar(len(self.plan), "sweep", "jobs", initial, self.enabled)
        if self._bar.disable:
            return
        self._thread = threading.Thread(target=self._run, name="sweep-progress", daemon=True)
        self._thread.start()

    def _report(self) -> None:
        done = self.finished()
        if done > self._bar.n:
            self._bar.update(done - self._bar.n)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._report()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            self._report()
        if self._bar is not None:
            self._bar.close()
