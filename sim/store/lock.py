"""Folder locks: one writer per results folder, and a record of who it is.

Why: checking "does this folder hold results?" and then writing is a race; two sweeps
started at once into one folder both pass the check. A process that writes into a
folder holds an exclusive `flock` on its `.lock` file for as long as it writes; the
kernel drops the lock when the process dies, however it dies. The file also records
the holder (pid, host, start, command), so a refusal can say who holds the folder,
and a record whose lock nobody holds is the mark of a killed writer (a *stale* lock):
it is reported, and taken over only when the caller says so (`resume=true`).

`flock` works on local filesystems and NFS (Linux maps it to NFS locks); on a
filesystem without locks (e.g. Lustre mounted without ``-o flock``) the record alone
is checked, which cannot tell a live writer on another host from a dead one.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import fcntl
import json
import logging
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

from sim.errors import RefusedError
from sim.store.layout import LOCK_FILE
from sim.store.provenance import utc_now

__all__ = [
    "FolderBusyError",
    "FolderLock",
    "StaleLockError",
    "claim_new_dir",
    "describe_holder",
    "lock_holder",
    "remove_if_empty",
]

log = logging.getLogger(__name__)

_UNSUPPORTED = {errno.ENOLCK, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOSYS}
_RETRIES = 4  # a reader probing the lock holds it for microseconds: retry before refusing


class FolderBusyError(RefusedError):
    """Another live process holds the folder's lock."""

    def __init__(self, folder: Path, holder: dict[str, Any] | None) -> None:
        self.folder, self.holder = folder, holder or {}
        super().__init__(f"{folder} is being written by {describe_holder(self.holder)}")


class StaleLockError(RefusedError):
    """The folder's lock was left by a writer that died; the caller did not take it over."""

    def __init__(self, folder: Path, holder: dict[str, Any]) -> None:
        self.folder, self.holder = folder, holder
        super().__init__(
            f"{folder} was being written by {describe_holder(holder)}, which was "
            "killed before it finished"
        )


def describe_holder(holder: dict[str, Any]) -> str:
    """`a sweep (pid 123 on host, since ...)`: who a lock record names."""
    kind = holder.get("kind") or "another process"
    article = "a " if holder.get("kind") else ""
    return (
        f"{article}{kind} (pid {holder.get('pid', '?')} on {holder.get('host', '?')}, "
        f"started {holder.get('started', '?')})"
    )


def _read_record(fd: int) -> dict[str, Any] | None:
    os.lseek(fd, 0, os.SEEK_SET)
    data = b""
    while chunk := os.read(fd, 65536):
        data += chunk
    if not data.strip():
        return None
    try:
        record = json.loads(data)
    except ValueError:
        return {"kind": "unknown writer (unreadable lock record)"}
    return record if isinstance(record, dict) else {}


def _pid_alive(pid: Any) -> bool:
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, TypeError, ValueError):
        return True
    return True


class FolderLock:
    """An exclusive lock on a results folder, held until `release` (or process exit)."""

    def __init__(self, folder: Path, fd: int, taken_over: dict[str, Any] | None) -> None:
        self.folder = folder
        self.path = folder / LOCK_FILE
        self._fd: int | None = fd
        self.taken_over = taken_over  # the stale record this lock replaced, if any
        atexit.register(self.release)

    @classmethod
    def acquire(cls, folder: Path | str, kind: str, takeover: bool = False) -> FolderLock:
        """Lock `folder` (created if need be) for a writer of `kind` (`sweep`, `run`, `job`).

        Raises `FolderBusyError` if a live process holds it, and `StaleLockError` if a
        killed writer left it and `takeover` is false.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOCK_FILE
        for attempt in range(_RETRIES + 1):
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_record(fd)
                os.close(fd)
                if attempt < _RETRIES:
                    time.sleep(0.05)
                    continue
                raise FolderBusyError(folder, holder) from None
            except OSError as err:
                if err.errno not in _UNSUPPORTED:
                    os.close(fd)
                    raise
                return cls._acquire_unlocked(folder, fd, kind, takeover)
            if _same_file(fd, path):
                break
            os.close(fd)  # released and removed by its holder meanwhile: try the new file
        else:  # pragma: no cover - needs a holder that releases four times in 0.2 s
            raise FolderBusyError(folder, None)
        previous = _read_record(fd)
        if previous is not None and not takeover:
            os.close(fd)  # unlocks; the stale record stays for the caller to report
            raise StaleLockError(folder, previous)
        _write_record(fd, kind)
        return cls(folder, fd, previous)

    @classmethod
    def _acquire_unlocked(cls, folder: Path, fd: int, kind: str, takeover: bool) -> FolderLock:
        """No `flock` on this filesystem: go by the record alone (see the module docstring)."""
        log.warning("%s: this filesystem has no file locks; checking the lock record only", folder)
        previous = _read_record(fd)
        if previous is not None:
            here = previous.get("host") == socket.gethostname()
            if here and _pid_alive(previous.get("pid")):
                os.close(fd)
                raise FolderBusyError(folder, previous)
            if not takeover:
                os.close(fd)
                raise StaleLockError(folder, previous)
        _write_record(fd, kind)
        return cls(folder, fd, previous)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self, restore: bool = False) -> None:
        """Remove the record and drop the lock (idempotent).

        `restore`: put back the stale record this lock took over (the caller then
        refused to go on), so the folder still says who was killed in it.
        """
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            if restore and self.taken_over is not None:
                _write_json(fd, self.taken_over)
            elif _same_file(fd, self.path):
                self.path.unlink()
        with contextlib.suppress(OSError):
            os.close(fd)
        atexit.unregister(self.release)

    def __enter__(self) -> FolderLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


def _write_record(fd: int, kind: str) -> None:
    record = {
        "kind": kind,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": utc_now(),
        "command": " ".join(sys.argv),
    }
    _write_json(fd, record)


def _write_json(fd: int, record: dict[str, Any]) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, (json.dumps(record) + "\n").encode())
    os.fsync(fd)


def lock_holder(folder: Path | str) -> dict[str, Any] | None:
    """The record of the live process holding `folder`'s lock, or None if nobody does."""
    path = Path(folder) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _read_record(fd) or {}
    except OSError:
        record = _read_record(fd)
        alive = record and record.get("host") == socket.gethostname()
        return record if alive and _pid_alive(record.get("pid")) else None
    finally:
        os.close(fd)
    return None


CLAIMED: set[Path] = set()  # folders this process created with `claim_new_dir`


def claim_new_dir(path: Path | str) -> Path:
    """Create `path` (or `path-2`, `path-3`, ...): an existing folder is never reused.

    `mkdir` is atomic, so two processes asking for the same name at the same second
    get two folders.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, 10_000):
        candidate = path if n == 1 else path.with_name(f"{path.name}-{n}")
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        CLAIMED.add(candidate.resolve())
        return candidate
    raise FileExistsError(f"no free folder name near {path}")


def remove_if_empty(folder: Path | str) -> bool:
    """Remove a folder this process claimed if nothing was written in it; True if removed."""
    folder = Path(folder).resolve()
    if folder not in CLAIMED:
        return False
    try:
        folder.rmdir()
    except OSError:
        return False
    CLAIMED.discard(folder)
    return True
