"""The command-line convention every `python -m sim.<command>` follows.

- Settings are ``key=value`` (Hydra's override grammar: ``out=DIR``,
  ``'base=["scenario=small"]'``, ``outcomes=[a,b]``); a command that reads a results
  folder takes it as its first argument. The reading commands (`sim.report`,
  `sim.compare`) take the same ``key=value`` settings (``by=[process,funding]``,
  ``allow_partial=true``) and, as before, their ``--flags`` (`sim.errors.ArgumentParser`).
- ``--help`` (or ``-h``) prints what the command does and every setting with its
  default and meaning, then exits 0.
- Errors are one line on stderr, ``sim: error: ...``, with the exit codes of
  `sim.errors` (0 complete, 1 incomplete, 2 bad input, 3 refused, 4 cannot write,
  130 interrupted by Ctrl-C or SIGTERM); a traceback only for a bug, or when
  ``HYDRA_FULL_ERROR`` is set to anything but ``0``/``false``.

`run_command` applies it around a command's body; `compose_settings` composes a
command's own config file (`configs/<name>.yaml`, typed by a dataclass).
"""

from __future__ import annotations

import logging
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sim.config import CONFIG_DIR, ConfigError
from sim.errors import INCOMPLETE, INTERRUPT, OK, classify, full_tracebacks, one_line

__all__ = ["compose_settings", "help_requested", "run_command"]

T = TypeVar("T")


def help_requested(argv: Sequence[str]) -> bool:
    return any(a in ("-h", "--help") for a in argv)


def _settings_help(config_name: str) -> str:
    """The command's config file: every setting with its default and a comment."""
    text = (CONFIG_DIR / f"{config_name}.yaml").read_text(encoding="utf-8")
    body = [line for line in text.splitlines() if not line.startswith(("defaults:", "  - "))]
    return "\n".join(body).strip()


def _usage(prog: str, doc: str, config_name: str | None) -> str:
    parts = [doc.strip(), ""]
    if config_name:
        parts += [
            f"Settings (key=value; configs/{config_name}.yaml, typed and checked):",
            "",
            _settings_help(config_name),
            "",
        ]
    parts.append(
        "Exit status: 0 complete, 1 incomplete (re-run to resume), 2 bad input, "
        "3 refused (the folder holds other results or is in use), 4 cannot write, "
        "130 interrupted."
    )
    return f"usage: python -m {prog} [key=value ...]\n\n" + "\n".join(parts) + "\n"


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def run_command(
    prog: str,
    body: Callable[[list[str]], int | None],
    argv: Sequence[str] | None = None,
    *,
    doc: str = "",
    config_name: str | None = None,
) -> int:
    """Run `body(argv)` under the convention above; return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if help_requested(argv):
        sys.stdout.write(_usage(prog, doc, config_name))
        return OK
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    previous = signal.getsignal(signal.SIGTERM)
    if previous is signal.SIG_DFL:  # SIGTERM stops it like Ctrl-C: cleanly, exit 130
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        return body(argv) or OK
    except KeyboardInterrupt:
        sys.stderr.write(
            f"sim: interrupted; re-run the same command to resume (python -m {prog})\n"
        )
        return INTERRUPT
    except SystemExit:
        raise
    except BaseException as err:
        code = classify(err)
        if code is None or full_tracebacks():
            traceback.print_exception(err)
        sys.stderr.write(f"sim: error: {one_line(err)}\n")
        return code or INCOMPLETE
    finally:
        if previous is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def compose_settings[T](config_name: str, schema: type[T], overrides: Sequence[str]) -> T:
    """Compose `configs/<config_name>.yaml` (typed by `schema`) with `key=value` overrides."""
    from hydra import compose, initialize_config_dir
    from hydra.core.config_store import ConfigStore
    from hydra.core.global_hydra import GlobalHydra
    from omegaconf import OmegaConf

    ConfigStore.instance().store(name=f"{config_name}_schema", node=schema)
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    for item in overrides:
        if "=" not in item and not item.startswith("~"):
            raise ConfigError(
                f"{item!r}: settings are key=value (python -m sim.{config_name} --help lists them)"
            )
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            composed = compose(config_name=config_name, overrides=list(overrides))
        return OmegaConf.to_object(composed)
    except Exception as err:  # Hydra's and OmegaConf's messages name the override
        raise ConfigError(f"{one_line(err)}") from err
