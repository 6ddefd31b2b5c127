"""The OmegaConf resolvers `configs/hydra/default.yaml` names; importing registers them.

Hydra resolves a job's folder (`hydra.sweep.dir`, `hydra.sweep.subdir`, the log file)
in each worker before the task runs, so the resolvers must exist in every process that
launches or runs a job. This is the one place they are registered: the command line
(`sim.__main__`) imports this module in the launching process, and `sim.run.callbacks`
does in every worker that unpickles the sweep's callbacks (joblib, Ray, submitit).

`sim_sweep_dir` and `sim_new_dir` are cached: Hydra copies the launching process's
cache into every job's config, so all jobs see the one folder chosen at the start.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf

from sim.store import MANIFEST, claim_new_dir

__all__ = ["register_resolvers"]


def _new_run_dir(path: str) -> str:
    return str(claim_new_dir(Path(path)))


def _sweep_dir_resolver(root: str, name: str, stamp: str, resume: Any, overrides: Any) -> str:
    from sim.run.sweep import resolve_sweep_dir  # here: `--help` never imports the model

    if isinstance(overrides, ListConfig):
        overrides = OmegaConf.to_container(overrides)
    return str(resolve_sweep_dir(root, name, stamp, resume, overrides))


def _job_dir_resolver(num: Any, *, _root_: DictConfig) -> str:
    """A job's sub-folder: its configuration's key (or `job<num>-invalid` if it has none)."""
    from sim.config import to_sim_config
    from sim.run.sweep import job_key, model_inputs

    try:
        return job_key(to_sim_config(model_inputs(_root_)))
    except Exception:  # the job itself reports the error, in this folder
        return f"job{num}-invalid"


def _output_subdir(name: str, *, _root_: DictConfig) -> str | None:
    """Hydra's record sub-folder (`.hydra`), or None for a complete job: it stays as it was."""
    out = _root_.hydra.runtime.get("output_dir")
    return None if out and (Path(out) / MANIFEST).exists() else name


def _log_file(out_dir: str, name: str) -> str:
    """A job's log file; the null device for a complete job (its log stays as it was)."""
    return os.devnull if (Path(out_dir) / MANIFEST).exists() else str(Path(out_dir) / f"{name}.log")


def register_resolvers() -> None:
    """Register (again, harmlessly) every resolver the Hydra config names."""
    OmegaConf.register_new_resolver(
        "sim_sweep_dir", _sweep_dir_resolver, use_cache=True, replace=True
    )
    OmegaConf.register_new_resolver("sim_new_dir", _new_run_dir, use_cache=True, replace=True)
    OmegaConf.register_new_resolver("sim_job_dir", _job_dir_resolver, replace=True)
    OmegaConf.register_new_resolver("sim_output_subdir", _output_subdir, replace=True)
    OmegaConf.register_new_resolver("sim_log_file", _log_file, replace=True)


register_resolvers()
