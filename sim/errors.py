"""Exit codes and one-line error messages, the same for every command of the package.

Why: a script that drives sweeps must tell "fix your input" from "resume me" from
"the disk is full" by the exit status alone, and a person must see one line that
names what is wrong, on stderr, not a traceback. Each class of mistake has one code:

====  ==========  =============================================================
code  name        meaning
====  ==========  =============================================================
0     OK          every result is complete and current
1     INCOMPLETE  results are missing or unusable: a job failed, was killed or
                  is damaged, aggregation failed, or a report was asked of a
                  partial sweep (finish it with ``resume=true``)
2     USAGE       a bad value, type, key, option, override, data table or
                  ``resume=PATH``: nothing was run with it
3     REFUSED     the output folder holds results this command would overwrite
                  or mix with (a finished run or sweep, a folder another process
                  is writing, inputs changed since the sweep started)
4     STORAGE     the results cannot be written (permission denied, read-only
                  or full disk); what was written before is intact
130   INTERRUPT   interrupted (Ctrl-C); finish a sweep with ``resume=true``
====  ==========  =============================================================
"""

from __future__ import annotations

import argparse
import errno
import sys
from typing import NoReturn

__all__ = [
    "INCOMPLETE",
    "ArgumentParser",
    "INTERRUPT",
    "OK",
    "REFUSED",
    "STORAGE",
    "USAGE",
    "IncompleteResultsError",
    "RefusedError",
    "SimError",
    "UsageError",
    "classify",
    "fail",
    "full_tracebacks",
    "one_line",
]

OK, INCOMPLETE, USAGE, REFUSED, STORAGE, INTERRUPT = 0, 1, 2, 3, 4, 130
_STORAGE_ERRNOS = {
    errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EFBIG
}  # fmt: skip
# A worker process died (kill -9, out of memory): the results are incomplete, not a bug.
_WORKER_LOST = {"TerminatedWorkerError", "BrokenProcessPool", "WorkerLost", "KilledWorker"}


class SimError(Exception):
    """An error the package reports as one line, with its class's exit code."""

    exit_code = INCOMPLETE


class UsageError(SimError):
    """The command is wrong (a value, path or option); nothing ran with it."""

    exit_code = USAGE


class RefusedError(SimError):
    """The output folder holds results this command would overwrite or mix with."""

    exit_code = REFUSED


class IncompleteResultsError(SimError):
    """Results are partial or damaged (see the folder's manifest)."""

    exit_code = INCOMPLETE


def full_tracebacks() -> bool:
    """Whether ``HYDRA_FULL_ERROR`` asks for tracebacks (unset, empty, 0 or false: no)."""
    import os

    value = os.environ.get("HYDRA_FULL_ERROR", "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


def _chain(err: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    while err is not None and err not in seen:
        seen.append(err)
        err = err.__cause__ or err.__context__
    return seen


def classify(err: BaseException) -> int | None:
    """The exit code for `err` (or an error it wraps); None for a bug (show its traceback)."""
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from sim.config import ConfigError

    for item in _chain(err):
        if isinstance(item, SimError):
            return item.exit_code
        if isinstance(item, ConfigError):
            return USAGE
        if isinstance(item, OSError) and item.errno in _STORAGE_ERRNOS:
            return STORAGE
        if type(item).__name__ in _WORKER_LOST:
            return INCOMPLETE
    for item in _chain(err):  # Hydra's own: unknown key or option, bad type or syntax
        if isinstance(item, HydraException | OmegaConfBaseException):
            return USAGE
        if isinstance(item, ValueError) and _raised_in(item, "hydra/_internal/utils.py"):
            return USAGE  # its command-line checks, e.g. two of --multirun, --cfg
    return None


def _raised_in(err: BaseException, file: str) -> bool:
    tb = err.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame.f_code.co_filename.endswith(file)


def one_line(err: BaseException) -> str:
    """The error as one line: the innermost error of ours, or Hydra's message, joined."""
    from sim.config import ConfigError

    for item in _chain(err):
        if isinstance(item, SimError | ConfigError):
            return _join(str(item))
        if isinstance(item, OSError) and item.errno in _STORAGE_ERRNOS:
            where = f": {item.filename}" if item.filename else ""
            return f"cannot write the results{where}: {item.strerror or item}"
        if type(item).__name__ in _WORKER_LOST:
            return (
                "a worker process died while running (killed, or out of memory): the "
                "results are incomplete; re-run the same command to resume"
            )
    parts = []
    for item in _chain(err):
        text = _join(str(item).split("\n    full_key:")[0])
        if text and text != "None" and not any(text in p for p in parts):
            parts.append(text)
    return "; ".join(parts[:2]) or type(err).__name__


def _join(text: str) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    lines = [
        line
        for line in lines
        if not line.startswith(("full_key:", "reference_type=", "object_type=", "Config search"))
        and not line.startswith(("provider=", "See https://hydra.cc"))
    ]
    return " ".join(lines)


def fail(err: BaseException | str, code: int | None = None) -> NoReturn:
    """Print ``sim: error: ...`` (one line) on stderr and exit with the error's code."""
    message = err if isinstance(err, str) else one_line(err)
    if code is None:
        code = (classify(err) if isinstance(err, BaseException) else None) or INCOMPLETE
    sys.stderr.write(f"sim: error: {message}\n")
    sys.stderr.flush()
    raise SystemExit(code)


class ArgumentParser(argparse.ArgumentParser):
    """argparse, with a usage error as one line (``sim: error: ...``) and exit code 2.

    Settings may be written ``key=value`` - the convention of every ``python -m sim.*``
    command (sim/run/command.py) - as well as ``--key value``: ``out=DIR``,
    ``by=[process,funding]``, ``allow_partial=true``. `--help` still prints the whole
    usage, and says so.
    """

    SETTINGS_NOTE = (
        "Every option may also be written key=value, as every python -m sim.* command "
        "takes its settings: out=DIR, by=[process,funding], allow_partial=true."
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("epilog", self.SETTINGS_NOTE)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE, f"sim: error: {message}\n")

    def parse_known_args(self, args=None, namespace=None):
        """argparse's, after `settings_as_flags`."""
        given = sys.argv[1:] if args is None else list(args)
        return super().parse_known_args(self.settings_as_flags(given), namespace)

    def settings_as_flags(self, args: list[str]) -> list[str]:
        """``key=value`` settings of this parser's options, written as its flags."""
        options = {a.dest: a for a in self._actions if a.option_strings and a.dest != "help"}
        flags: list[str] = []
        for token in args:
            key, eq, value = token.partition("=")
            action = None if token.startswith("-") or not eq else options.get(key.replace("-", "_"))
            if action is None:
                flags.append(token)
                continue
            flag = max(action.option_strings, key=len)
            if action.nargs == 0:  # a switch: true or false
                if value.lower() not in ("true", "false"):
                    self.error(f"{key} = {value!r} is not allowed: expected true or false")
                if (value.lower() == "true") == bool(action.const):
                    flags.append(flag)
            elif action.nargs in ("+", "*"):
                items = [v.strip() for v in value.strip().strip("[]").split(",") if v.strip()]
                flags += [flag, *items]
            else:
                flags += [flag, value]
        return flags
