"""Library API for notebooks and scripts: compose a configuration, run it, get tables.

`run_sweep` starts the same command line as `python -m sim -m ...` in a child process
(Hydra keeps global state, and a sweep's launcher may start workers of its own), then
`load_results` reads its folder as a DataFrame.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from sim.config import SimConfig, to_sim_config
from sim.config.compose import CONFIG_DIR, compose_config
from sim.errors import OK, SimError
from sim.run.replications import Tables, run_replications
from sim.store import (
    MANIFEST,
    claim_new_dir,
    completeness,
    load_manifest,
    load_results,
    remove_if_empty,
)

__all__ = [
    "CONFIG_DIR",
    "SweepError",
    "compose_config",
    "load_manifest",
    "load_results",
    "run_scenario",
    "run_sweep",
]

log = logging.getLogger(__name__)


def run_scenario(
    config: SimConfig | list[str] | None = None, replications: int | None = None
) -> Tables:
    """Run a configuration (a `SimConfig` or a list of overrides) and return its tables."""
    if not isinstance(config, SimConfig):
        config = compose_config(config)
    if replications is not None:
        from dataclasses import replace

        config = replace(config, replications=replications)
    return run_replications(to_sim_config(config))


def _quote(path: Path) -> str:
    text = str(path)
    if "'" in text:
        raise ValueError(f"sweep folder {text!r}: a quote in the path is not supported")
    return f"'{text}'"


class SweepError(SimError):
    """A sweep did not run, or ended without complete results (`folder`, `exit_code`)."""

    def __init__(self, message: str, folder: Path | None, exit_code: int) -> None:
        super().__init__(message)
        self.folder, self.exit_code = folder, exit_code


def run_sweep(
    overrides: list[str] | None = None,
    *,
    sweep: str | None = None,
    launcher: str | None = None,
    sweep_dir: Path | str | None = None,
    resume: bool = False,
    results_root: Path | str = "results",
    progress: bool = False,
    allow_partial: bool = False,
) -> Path:
    """Run a sweep as `python -m sim -m ...` would; return its results folder.

    `overrides` sweep as on the command line (`["process=open_plenary,two_tier"]`),
    `sweep` names a ready-made sweep (`configs/sweep/NAME.yaml`), `launcher` a Hydra
    launcher (`joblib`, `ray`, `submitit_local`, `submitit_slurm`). Without
    `sweep_dir` a new `results_root/sweeps/<name>_<time>` folder is made; with
    `resume=True` the newest one started with the same overrides is finished instead.

    Raises `SweepError` (the command's one-line errors and exit code) when the sweep
    cannot start (its new folder is removed), and when it ends with results that are
    not complete and current (failed, missing or damaged jobs, a failed aggregation),
    unless `allow_partial`: then it logs a warning and returns the folder.
    """
    from sim.run.sweep import find_resume_dir

    args = [*([f"+sweep={sweep}"] if sweep else []), *(overrides or [])]
    name = next((a.split("=", 1)[1] for a in args if a.startswith("sweep_name=")), sweep)
    root = Path(results_root) / "sweeps"
    folder = Path(sweep_dir) if sweep_dir is not None else None
    if folder is None and resume:
        folder = find_resume_dir(root, name or "sweep", args)
    if folder is None:
        stamp = datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
        folder = claim_new_dir(root / f"{name or 'sweep'}_{stamp}")
    folder = folder.resolve()
    command = [sys.executable, "-m", "sim", "-m", *args]
    command += [f"hydra.sweep.dir={_quote(folder)}", f"progress={str(progress).lower()}"]
    if launcher:
        command.append(f"hydra/launcher={launcher}")
    if resume:
        command.append("resume=true")
    done = subprocess.run(
        command,
        stdout=subprocess.PIPE,
        stderr=None if progress else subprocess.PIPE,
        text=True,
        check=False,
    )
    stderr = done.stderr or ""
    errors: list[str] = []  # the command's error lines, and the problems listed under them
    for line in stderr.splitlines():
        if line.startswith("sim:") or (errors and line.startswith("  ")):
            errors.append(line.strip())
    message = "; ".join(errors) or stderr.strip()[-2000:] or f"exit status {done.returncode}"
    if not (folder / MANIFEST).exists():
        remove_if_empty(folder)
        raise SweepError(f"the sweep did not start: {message}", None, done.returncode or 1)
    state = completeness(folder)
    if done.returncode == OK and state.complete:
        return folder
    if allow_partial:
        log.warning("%s", state.summary())
        return folder
    raise SweepError(message if errors else state.summary(), folder, done.returncode or 1)
