"""Writing results safely: atomic files (temporary name, then rename) and manifests.

A reader never sees a half-written file: each file appears complete or not at all.
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path

import pandas as pd

__all__ = [
    "atomic_write",
    "command_line",
    "environment_info",
    "git_state",
    "utc_now",
    "write_json",
    "write_parquet",
    "write_text",
]

KEY_PACKAGES = (
    "negotiation-sim",
    "mesa",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "plotly",
    "kaleido",
    "hydra-core",
    "omegaconf",
    "joblib",
    "hydra-joblib-launcher",
    "hydra-ray-launcher",
    "ray",
    "hydra-submitit-launcher",
    "submitit",
)


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp)` on a temporary file beside `path`, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    """Write a table as Parquet, atomically."""
    return atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))


def write_json(obj: object, path: Path) -> Path:
    """Write JSON (sorted keys, indented), atomically."""
    text = json.dumps(obj, indent=2, sort_keys=True, default=str)
    return write_text(text + "\n", path)


def write_text(text: str, path: Path) -> Path:
    """Write a text file, atomically."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def git_state() -> dict[str, object]:
    """The commit and dirty flag of the source tree this package runs from."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown", "dirty": None}
    return {"commit": commit, "dirty": dirty}


@cache
def _installed_versions() -> tuple[tuple[str, str | None], ...]:
    found = []
    for name in KEY_PACKAGES:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, None))
    return tuple(found)


def package_versions() -> dict[str, str | None]:
    """Versions of the key packages (read once per process: they cannot change under it)."""
    return dict(_installed_versions())


def environment_info() -> dict[str, object]:
    """Package version, git state, Python and key package versions, command line."""
    versions = package_versions()
    return {
        "package_version": versions["negotiation-sim"],
        "git": git_state(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": versions,
        "command": sys.argv,
        "command_line": command_line(),
    }


def command_line() -> str:
    """The command as a user would retype it (`python -m sim ...` for the CLI)."""
    argv = list(sys.argv)
    if argv and Path(argv[0]).as_posix().endswith("sim/__main__.py"):
        argv = ["python", "-m", "sim", *argv[1:]]
    return shlex.join(argv)
