"""A batch folder: the runs of many parameter points, written in pieces, resumable.

Why: calibration, sensitivity, robustness and the out-of-sample test run thousands of
configurations into one folder and must survive kills, full disks and edits the way
a sweep does. The folder is a sweep-like store:

    <out>/manifest.json        kind, fingerprint, settings, inputs, status (written last)
    <out>/pieces/<first job>/  runs.parquet and its manifest.json (`write_results`):
                               the jobs [first, stop) of the batch, the fingerprint
    <out>/.lock                while a command writes here
    <out>/.quarantine/         damaged pieces, moved aside before they are run again

The *fingerprint* hashes everything that decides the rows (the composed designs, the
points, seeds and replications, the input tables' SHA-256): a folder of another
fingerprint is never resumed into. Chunking is not in it on purpose: each piece names
the jobs it holds, and a resume runs exactly the jobs no whole piece holds, so a
resume with another `chunk` neither drops nor repeats a job (`coverage` checks that
every job is held exactly once before anything is read).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

from sim.errors import IncompleteResultsError, RefusedError
from sim.store.files import (
    CorruptFileError,
    own_temporary,
    read_json,
    remove_temporaries,
    write_json,
)
from sim.store.jobs import check_job, quarantine, write_results
from sim.store.layout import FORMAT_VERSION, LOCK_FILE, MANIFEST, QUARANTINE_DIR
from sim.store.lock import FolderBusyError, FolderLock, StaleLockError
from sim.store.provenance import utc_now

__all__ = ["PIECES_DIR", "BatchFolder", "open_batch_folder", "refuse_foreign"]

log = logging.getLogger(__name__)

PIECES_DIR = "pieces"
_OURS = {MANIFEST, LOCK_FILE, PIECES_DIR, QUARANTINE_DIR}


def refuse_foreign(
    folder: Path,
    manifest: dict[str, Any] | None,
    kind: str,
    ours: Callable[[str], bool],
    name: str | None = None,
) -> None:
    """Refuse (exit 3) a folder that holds another kind's results, or files and no manifest.

    The one check every study command makes before it writes into `out=`: `manifest` is
    the folder's (None: none), `ours(file name)` says which files a folder of `kind` may
    hold, and `name` is how the message calls `kind` (default: `kind` itself).
    """
    name = name or kind
    why = None
    if manifest is not None and manifest.get("kind") != kind:
        other = str(manifest.get("kind"))
        what = {"job": "a finished run", "sweep": "a sweep"}.get(other, _a(other))
        why = f"holds {what}'s results, not {_a(name)}'s"
    elif manifest is None and folder.is_dir():
        strangers = sorted(
            p.name for p in folder.iterdir() if not ours(p.name) and not own_temporary(p)
        )
        if strangers:
            why = f"holds other files ({', '.join(strangers[:3])}) and no {name} manifest"
    if why:
        raise RefusedError(f"out={folder} {why}; choose a new or empty folder")


def _a(noun: str) -> str:
    """The noun with its indefinite article: a sensitivity, an out-of-sample."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


@dataclass
class BatchFolder:
    """An open batch folder: locked, its manifest `running`, its pieces checked."""

    folder: Path
    kind: str
    fingerprint: str
    lock: FolderLock
    manifest: dict[str, Any]
    done: dict[int, Path] = field(default_factory=dict)  # first job -> a whole piece

    def covered(self) -> set[int]:
        """The jobs the whole pieces hold."""
        jobs: set[int] = set()
        for piece in self.done.values():
            first, stop = (read_json(piece / MANIFEST) or {}).get("jobs", (0, 0))
            jobs.update(range(first, stop))
        return jobs

    def write_piece(self, first: int, stop: int, frame: pd.DataFrame, extra: dict) -> None:
        """Write jobs [first, stop)'s rows as one piece (tables first, manifest last)."""
        piece = self.folder / PIECES_DIR / f"{first:08d}"
        if piece.exists():  # an unfinished piece of a killed attempt
            shutil.rmtree(piece, ignore_errors=True)
        piece.mkdir(parents=True, exist_ok=True)
        record = {
            "kind": f"{self.kind} piece",
            "fingerprint": self.fingerprint,
            "jobs": [first, stop],
            "rows": {"runs": len(frame)},
            "finished": utc_now(),
            **extra,
        }
        write_results(piece, {"runs": frame}, record)
        self.done[first] = piece

    def read_runs(self, jobs: int) -> pd.DataFrame:
        """Every run row, in job order, once each (refuses a gap or an overlap)."""
        import pandas as pd

        seen = [0] * jobs
        frames = []
        for first in sorted(self.done):
            piece = self.done[first]
            start, stop = (read_json(piece / MANIFEST) or {})["jobs"]
            for j in range(start, stop):
                seen[j] += 1
            frames.append(pd.read_parquet(piece / "runs.parquet"))
        missing = [j for j, n in enumerate(seen) if n == 0]
        twice = [j for j, n in enumerate(seen) if n > 1]
        if missing or twice:
            raise IncompleteResultsError(
                f"{self.folder}: the pieces hold {len(missing)} job(s) no piece has and "
                f"{len(twice)} twice; re-run the command to repair it"
            )
        return pd.concat(frames, ignore_index=True)

    def update(self, **fields: Any) -> None:
        """Record `fields` in the manifest (rewritten atomically)."""
        self.manifest.update(fields)
        write_json(self.manifest, self.folder / MANIFEST)

    def close(self, status: str, **fields: Any) -> None:
        """Write the verdict and release the folder (idempotent)."""
        if not self.lock.held:
            return
        try:
            self.update(status=status, finished=utc_now(), **fields)
        finally:
            self.lock.release()


def open_batch_folder(
    folder: Path | str, kind: str, fingerprint: str, meta: dict[str, Any], jobs: int
) -> BatchFolder:
    """Lock `folder` for a batch of `kind`; keep the whole pieces of the same fingerprint.

    Refuses (exit 3) a folder another process is writing, one that holds another
    kind's results or files of its own, and one holding pieces of another fingerprint.
    A killed writer's lock is taken over: re-running the command is how one resumes.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise RefusedError(f"out={folder}: not a folder")
    try:
        previous = read_json(folder / MANIFEST, strict=True)
    except CorruptFileError as err:
        raise RefusedError(f"{err}: move it aside to reuse this folder") from err
    refuse_foreign(folder, previous, kind, ours=_OURS.__contains__)
    try:
        lock = FolderLock.acquire(folder, kind, takeover=True)
    except FolderBusyError as err:
        raise RefusedError(f"{err}: wait for it to end, or stop it, first") from err
    except StaleLockError as err:  # pragma: no cover - takeover=True never raises it
        raise RefusedError(str(err)) from err
    try:
        if lock.taken_over:
            log.warning("%s: taking over from a %s that was killed; resuming it", folder, kind)
        remove_temporaries(folder)  # a killed writer's half-written manifest
        pieces = _pieces(folder)
        theirs = (previous or {}).get("fingerprint")
        if theirs != fingerprint and any(
            state == "completed" and record.get("fingerprint") == theirs
            for _, state, _, record in pieces
        ):
            raise RefusedError(
                f"out={folder} holds a {kind} of other inputs ({_changed(previous, meta)}); "
                "re-run it with the inputs it was made from, or choose another out= folder"
            )
        done = _whole_pieces(folder, fingerprint, jobs, pieces)
        attempts = list((previous or {}).get("attempts") or []) if done else []
        attempts.append({"started": utc_now(), "command": meta.get("command")})
        manifest = {
            **meta,
            "kind": kind,
            "format_version": FORMAT_VERSION,
            "fingerprint": fingerprint,
            "status": "running",
            "started": ((previous or {}).get("started") if done else None) or utc_now(),
            "finished": None,
            "attempts": attempts,
            "jobs": jobs,
        }
        write_json(manifest, folder / MANIFEST)
    except BaseException:
        lock.release(restore=True)
        raise
    return BatchFolder(folder, kind, fingerprint, lock, manifest, done)


def _changed(previous: dict[str, Any], meta: dict[str, Any]) -> str:
    """What differs from the folder's batch: an input file, or the settings."""
    before = previous.get("inputs") or {}
    now = meta.get("inputs") or {}
    for path, digest in now.items():
        if path in before and before[path] != digest:
            return f"{path} has changed since it was read (SHA-256 {before[path][:12]} then, "
            f"{digest[:12]} now)"
    old, new = previous.get("settings") or {}, meta.get("settings") or {}
    keys = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    if keys:
        return "other " + ", ".join(keys[:4])
    return f"fingerprint {previous.get('fingerprint')} vs {meta.get('fingerprint', 'now')}"


def _pieces(folder: Path) -> list[tuple[Path, str, str | None, dict[str, Any]]]:
    """Each piece folder: (path, state, why, its manifest)."""
    root = folder / PIECES_DIR
    if not root.is_dir():
        return []
    found = []
    for piece in sorted(p for p in root.iterdir() if p.is_dir()):
        state, why = check_job(piece)
        found.append((piece, state, why, read_json(piece / MANIFEST) or {}))
    return found


def _whole_pieces(
    folder: Path, fingerprint: str, jobs: int, pieces: list[tuple[Path, str, str | None, dict]]
) -> dict[int, Path]:
    """The whole pieces of this fingerprint; damaged, foreign or overlapping ones moved aside."""
    done: dict[int, Path] = {}
    held: set[int] = set()
    remove_temporaries(folder)
    for piece, state, why, record in pieces:
        first, stop = ([*list(record.get("jobs") or []), None, None])[:2]
        span = set(range(first, stop)) if isinstance(first, int) and isinstance(stop, int) else None
        if state == "completed":
            if record.get("fingerprint") != fingerprint:
                state, why = "corrupt", "made by another batch (another fingerprint)"
            elif not span or not 0 <= first < stop <= jobs:
                state, why = "corrupt", f"names jobs {first}..{stop} of a batch of {jobs}"
            elif span & held:
                state, why = "corrupt", "holds jobs another piece holds"
        if state == "completed":
            done[first] = piece
            held |= span
        elif state == "corrupt":
            moved = quarantine(piece, folder)
            shutil.rmtree(piece, ignore_errors=True)
            log.warning(
                "piece %s is damaged (%s): moved to %s, running it again", piece.name, why, moved
            )
        else:  # started, never finished (killed): nothing of it is trusted
            shutil.rmtree(piece, ignore_errors=True)
    return done
