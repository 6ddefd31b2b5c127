"""Progress reports: sweep jobs done / total with time left, and a job's replications.

The sweep's report polls the job folders from a thread of the launching process, so
it works the same whatever runs the jobs (this process, local workers, Ray, SLURM),
as long as the results folder is shared.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from sim.store import FAILURE_FILE, MANIFEST, index_key

__all__ = ["ReplicationLog", "SweepProgress", "format_duration"]

log = logging.getLogger(__name__)


def format_duration(seconds: float) -> str:
    """`1:02:03` or `2:03`: short enough for a progress line."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class SweepProgress:
    """Print `jobs done/total ... ~time left` on stderr whenever a job finishes."""

    def __init__(
        self,
        sweep_dir: Path,
        plan: list[list[str]],
        enabled: bool = True,
        interval: float = 1.0,
        stream: TextIO | None = None,
    ) -> None:
        self.sweep_dir = Path(sweep_dir)
        self.plan = [list(p) for p in plan]
        self.enabled = enabled
        self.interval = interval
        self.stream = stream or sys.stderr
        self._keys: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._t0 = time.monotonic()
        self._since = time.time()
        self._initial = 0
        self._last: tuple[int, int] | None = None

    def counts(self) -> tuple[int, int]:
        """(completed, failed in this attempt) among the sweep's jobs."""
        done = failed = 0
        for i, overrides in enumerate(self.plan):
            if i not in self._keys:
                key = index_key(self.sweep_dir, overrides)
                if key is None:
                    continue
                self._keys[i] = key
            folder = self.sweep_dir / self._keys[i]
            if (folder / MANIFEST).exists():
                done += 1
                continue
            with contextlib.suppress(FileNotFoundError):
                failed += (folder / FAILURE_FILE).stat().st_mtime >= self._since - 1
        return done, failed

    def line(self, done: int, failed: int) -> str:
        total, finished = len(self.plan), done + failed
        elapsed = time.monotonic() - self._t0
        new, left = finished - self._initial, total - finished
        parts = [f"[sweep] jobs {finished}/{total}"]
        if failed:
            parts[0] += f" ({failed} failed)"
        if self._initial:
            parts[0] += f" ({self._initial} done before)"
        parts.append(f"{format_duration(elapsed)} elapsed")
        if left == 0:
            parts.append("all jobs finished")
        elif new > 0:
            parts.append(f"~{format_duration(elapsed / new * left)} left")
        return " | ".join(parts)

    def report(self) -> None:
        counts = self.counts()
        if counts != self._last:
            self._last = counts
            self.stream.write(self.line(*counts) + "\n")
            self.stream.flush()

    def start(self, initial: int = 0) -> None:
        """Start polling; `initial` jobs were complete before this attempt."""
        self._t0, self._since, self._initial = time.monotonic(), time.time(), initial
        if not self.enabled:
            return
        self.report()
        self._thread = threading.Thread(target=self._run, name="sweep-progress", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.report()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            self.report()


class ReplicationLog:
    """A job's replication progress as log lines (at most one per `interval` seconds).

    Log lines, not a carriage-return bar: jobs run side by side and their output interleaves; the
    lines also land in the job's own log file.
    """

    def __init__(self, name: str, interval: float = 10.0) -> None:
        self.name = name
        self.interval = interval
        self._last = float("-inf")

    def __call__(self, done: int, total: int, elapsed: float) -> None:
        if done < total and elapsed - self._last < self.interval:
            return
        self._last = elapsed
        left = elapsed / done * (total - done)
        log.info(
            "%s: replications %d/%d, %s elapsed, ~%s left",
            self.name,
            done,
            total,
            format_duration(elapsed),
            format_duration(left),
        )
