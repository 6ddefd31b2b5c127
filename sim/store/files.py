"""Files of the store: written atomically, readable by others, checkable later.

Why: a reader (another process, a resumed sweep, a colleague on shared storage) must
never see half a file, must be allowed to read it, and must be able to tell a file
damaged since it was written from a good one. Every file of a results folder goes
through `atomic_write`: a temporary file beside the target, fsync, then rename; its
permissions follow the umask like any other file (mkstemp alone would leave 0600);
`file_record` notes its size and SHA-256 so `verify_file` can check it later.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.store.layout import MANIFEST

if TYPE_CHECKING:  # pandas is imported by whoever hands us a frame
    import pandas as pd

from sim.store.faults import checkpoint

__all__ = [
    "CorruptFileError",
    "atomic_write",
    "file_record",
    "read_json",
    "remove_temporaries",
    "sha256_file",
    "verify_file",
    "write_bytes",
    "write_json",
    "write_parquet",
    "write_text",
]

_CHUNK = 1 << 20


class CorruptFileError(ValueError):
    """A file of a results folder exists but cannot be what the store wrote."""


@functools.cache
def _file_mode() -> int:
    """0666 less the process umask: the mode `open()` would give a new file."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: read the umask by setting it (then restore it)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp)` on a temporary file beside `path`, then rename it into place.

    A failure (or a kill) at any point leaves either the old file or the new one,
    never a mix; a failure removes the temporary, a kill leaves a hidden ``.*.tmp``
    that `remove_temporaries` clears.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, _file_mode())
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        checkpoint("write")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    checkpoint("renamed")
    return path


def write_bytes(payload: bytes | str, path: Path) -> Path:
    """Write bytes (or UTF-8 text), atomically."""
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def write_text(text: str, path: Path) -> Path:
    """Write a text file (UTF-8), atomically."""
    return write_bytes(text, path)


def write_json(obj: object, path: Path) -> Path:
    """Write JSON (sorted keys, indented), atomically."""
    return write_text(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n", path)


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    """Write a table as Parquet, atomically."""
    return atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))


def read_json(path: Path, *, strict: bool = False) -> dict[str, Any] | None:
    """A JSON object file's content; None if the file does not exist.

    A file that exists but is not a JSON object is None too, unless `strict`: then
    `CorruptFileError` names it (a damaged manifest must not pass for a missing one).
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as err:
        if strict:
            raise CorruptFileError(f"{path}: not UTF-8 text ({err.reason})") from err
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        if strict:
            raise CorruptFileError(
                f"{path}: not valid JSON ({err.msg}, line {err.lineno})"
            ) from err
        return None
    if not isinstance(value, dict):
        if strict:
            raise CorruptFileError(f"{path}: not a JSON object")
        return None
    return value


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_record(path: Path) -> dict[str, Any]:
    """Size and SHA-256 of a file, as a manifest records them."""
    return {"bytes": Path(path).stat().st_size, "sha256": sha256_file(path)}


def verify_file(path: Path, record: dict[str, Any], checksum: bool = True) -> str | None:
    """Why `path` no longer matches its `record` (missing, size, checksum); None if it does."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "missing"
    if size != record.get("bytes"):
        return f"{size} bytes, {record.get('bytes')} when written"
    if checksum and sha256_file(path) != record.get("sha256"):
        return "changed since it was written (SHA-256 differs)"
    return None


def own_temporary(path: Path) -> bool:
    """Whether `path` is what a killed atomic write of the folder's manifest leaves behind.

    Why: a study killed while writing its first manifest leaves only this file (and its
    lock); re-running the same command must resume there, not call it another's folder.
    """
    return path.name.startswith(f".{MANIFEST}.") and path.name.endswith(".tmp")


def remove_temporaries(folder: Path) -> None:
    """Delete the temporary files an interrupted atomic write left in `folder`."""
    for tmp in Path(folder).glob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
