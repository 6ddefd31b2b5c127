"""Provenance recorded in every manifest: package and git versions, Python, command line.

Why: a result is only citable if it says which code, environment and command made it.
"""

from __future__ import annotations

import platform
import shlex
import subprocess
import sys
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path

__all__ = ["command_line", "environment_info", "git_state", "package_versions", "utc_now"]

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


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def git_state() -> dict[str, object]:
    """The commit and dirty flag of the source tree this package runs from."""
    root = Path(__file__).resolve().parents[2]

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
