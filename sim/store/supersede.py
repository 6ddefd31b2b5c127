"""Move job folders that a sweep's current plan no longer has out of the way.

Why: a job folder is named by its configuration, seed and replications
(`<config>-s<seed>-r<replications>`), so resuming a sweep with other replications
writes new folders beside the old ones, and `read_parquet("<sweep>/*/runs.parquet")`
then counts each (configuration, replication) twice. When a sweep finishes, every
folder that is none of its jobs' is moved, whole and in one rename, to
`<sweep>/.superseded/<name>` (kept, never deleted), so the glob over the job files
gives each (configuration, replication) of the finished sweep once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sim.store.layout import CONFIG_FILE, FAILURE_FILE, MANIFEST, SUPERSEDED_DIR
from sim.store.lock import lock_holder

__all__ = ["supersede_stale_jobs"]

_JOB_FILES = (MANIFEST, CONFIG_FILE, FAILURE_FILE)


def supersede_stale_jobs(sweep_dir: Path | str, keys: Iterable[str]) -> list[Path]:
    """Move every job folder of `sweep_dir` whose name is not in `keys`; return the moves.

    Hidden folders (`.index`, `.quarantine`, ...) and folders that hold no job file are
    left alone, and so is a folder a live process holds locked.
    """
    sweep_dir, current = Path(sweep_dir), set(keys)
    moved = []
    for folder in sorted(p for p in sweep_dir.iterdir() if p.is_dir()):
        if folder.name.startswith(".") or folder.name in current:
            continue
        if not any((folder / name).exists() for name in _JOB_FILES):
            continue
        if lock_holder(folder) is not None:
            continue
        target = sweep_dir / SUPERSEDED_DIR / folder.name
        if target.exists():
            target = target.with_name(f"{folder.name}-{datetime.now():%Y%m%dT%H%M%S%f}")
        target.parent.mkdir(exist_ok=True)
        folder.rename(target)
        moved.append(target)
    return moved
