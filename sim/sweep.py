"""Sweeps: one Hydra job per configuration, in a folder named by the configuration.

Hydra's basic sweeper runs the jobs; three resolvers (in `configs/hydra/default.yaml`)
place them. `sim_sweep_dir` picks the sweep folder: a new `results/sweeps/<name>_<time>`
(never an existing one), or with `resume=true` the newest one started with the same
overrides. `sim_job_dir` names each job's sub-folder by its configuration (hash, base
seed, replications), never by its job number, so reordering, extending or resuming a
sweep cannot mix rows. `run_sweep_job` skips a job whose folder is complete and records
a failing job instead of raising, so one bad job costs no other job's rows.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
import traceback
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf

from sim.config import SimConfig, to_sim_config
from sim.replicate import config_columns, configuration_hash
from sim.store import utc_now, write_json

__all__ = [
    "FAILURE_FILE",
    "MANIFEST",
    "INDEX_DIR",
    "find_resume_dir",
    "index_key",
    "identity_overrides",
    "in_multirun",
    "job_key",
    "job_params",
    "job_state",
    "plan_jobs",
    "read_json",
    "register_resolvers",
    "remove_temporaries",
    "resolve_sweep_dir",
    "resume_flag",
    "run_sweep_job",
    "write_failure",
]

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
FAILURE_FILE = "failure.json"
INDEX_DIR = ".index"  # <sweep>/.index/<hash of a job's overrides>.json -> its folder
FORMAT_VERSION = 1
# Run-level keys: how to run, not what to run; they never change a job's rows.
RUN_KEYS = frozenset({"resume", "progress", "sweep_name"})
_NOT_PARAMS = frozenset({"sweep", "seed", "replications"})  # seed is a column already
_GROUPS = {"scenario": "name", "process": "name", "funding": "name", "decision": "rule"}


def job_key(cfg: SimConfig) -> str:
    """A job's folder name: configuration hash, base seed and replication count."""
    return f"{configuration_hash(cfg)[:12]}-s{cfg.seed}-r{cfg.replications}"


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON file's content, or None when it does not exist (or is not JSON)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def job_state(job_dir: Path) -> str:
    """`completed` iff the job's manifest exists (written last); else failed/incomplete/absent."""
    job_dir = Path(job_dir)
    if (job_dir / MANIFEST).exists():
        return "completed"
    if (job_dir / FAILURE_FILE).exists():
        return "failed"
    return "incomplete" if job_dir.exists() else "absent"


def resume_flag(value: Any) -> bool | str:
    """`resume` is false, true, or the path of the sweep folder to finish."""
    if isinstance(value, bool) or value is None:
        return bool(value)
    text = str(value).strip()
    if text.lower() in {"true", "yes", "1"}:
        return True
    if text.lower() in {"false", "no", "0", "", "none", "null"}:
        return False
    return text


def identity_overrides(overrides: Any) -> list[str]:
    """The overrides that define a sweep (no `hydra.*`, no run-level keys), sorted."""
    kept = []
    for item in overrides or []:
        key = str(item).split("=", 1)[0].lstrip("+~")
        if key.startswith("hydra.") or key.startswith("hydra/") or key in RUN_KEYS:
            continue
        kept.append(str(item))
    return sorted(kept)


def overrides_id(overrides: Any) -> str:
    """A short hash of a job's defining overrides (its entry in the sweep's index)."""
    text = "\n".join(identity_overrides(overrides))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def index_key(sweep_dir: Path, overrides: Any) -> str | None:
    """The folder of the job started with `overrides`, from the sweep's index."""
    entry = read_json(Path(sweep_dir) / INDEX_DIR / f"{overrides_id(overrides)}.json")
    return None if entry is None else entry.get("key")


def find_resume_dir(root: Path, name: str, overrides: Any) -> Path | None:
    """The newest sweep folder under `root` named `name_*` started with the same overrides."""
    wanted = identity_overrides(overrides)
    best: tuple[str, Path] | None = None
    for folder in Path(root).glob(f"{name}_*"):
        manifest = read_json(folder / MANIFEST)
        if not manifest or manifest.get("kind") != "sweep":
            continue
        if identity_overrides(manifest.get("overrides")) != wanted:
            continue
        stamp = str(manifest.get("started", "")) + folder.name
        if best is None or stamp > best[0]:
            best = (stamp, folder)
    return None if best is None else best[1]


def resolve_sweep_dir(root: str, name: str, stamp: str, resume: Any, overrides: Any) -> Path:
    """Where a sweep writes: a resumed folder, or a new `root/name_stamp` (never reused)."""
    flag = resume_flag(resume)
    if isinstance(flag, str):
        folder = Path(flag)
        if (read_json(folder / MANIFEST) or {}).get("kind") != "sweep":
            raise FileNotFoundError(f"resume={flag}: no sweep manifest in that folder")
        return folder
    if flag:
        found = find_resume_dir(Path(root), name, overrides)
        if found is not None:
            return found
        log.warning("resume=true: no earlier %r sweep with these overrides; starting anew", name)
    return claim_new_dir(Path(root) / f"{name}_{stamp}")


def claim_new_dir(path: Path) -> Path:
    """Create `path` (or `path-2`, `path-3`, ...) so no existing folder is ever reused."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, 10_000):
        candidate = path if n == 1 else path.with_name(f"{path.name}-{n}")
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(f"no free folder name near {path}")


def _new_run_dir(path: str) -> str:
    candidate = Path(path)
    n = 1
    while candidate.exists():
        n += 1
        candidate = Path(f"{path}-{n}")
    return str(candidate)


def _sweep_dir_resolver(root: str, name: str, stamp: str, resume: Any, overrides: Any) -> str:
    if isinstance(overrides, ListConfig):
        overrides = OmegaConf.to_container(overrides)
    return str(resolve_sweep_dir(root, name, stamp, resume, overrides))


def _plain_node(node: Any) -> Any:
    return OmegaConf.to_container(node, resolve=True) if OmegaConf.is_config(node) else node


def _job_dir_resolver(num: Any, *, _root_: DictConfig) -> str:
    """A job's sub-folder: its configuration's key (or `job<num>-invalid` if it has none)."""
    from sim.config import SimConfig

    names = [f.name for f in dataclasses.fields(SimConfig)]
    try:
        plain = {k: _plain_node(_root_[k]) for k in names if k in _root_}
        return job_key(to_sim_config(plain))
    except Exception:  # the job itself reports the error, in this folder
        return f"job{num}-invalid"


def register_resolvers() -> None:
    """Register the resolvers of `configs/hydra/default.yaml`.

    `sim_sweep_dir` and `sim_new_dir` are cached: Hydra copies the launching process's
    cache into every job's config, so all jobs see the one folder chosen at the start.
    """
    OmegaConf.register_new_resolver(
        "sim_sweep_dir", _sweep_dir_resolver, use_cache=True, replace=True
    )
    OmegaConf.register_new_resolver("sim_new_dir", _new_run_dir, use_cache=True, replace=True)
    OmegaConf.register_new_resolver("sim_job_dir", _job_dir_resolver, replace=True)


register_resolvers()


def _param_value(cfg: SimConfig, key: str) -> Any:
    node: Any = cfg
    for part in key.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    if isinstance(node, list | dict):
        return json.dumps(node, sort_keys=True)
    return node


def job_params(cfg: SimConfig, overrides: list[str]) -> dict[str, Any]:
    """Columns naming what a job's overrides set (beyond the standard config columns)."""
    standard = set(config_columns(cfg))
    params: dict[str, Any] = {}
    for item in overrides:
        key = item.split("=", 1)[0].lstrip("+~")
        if key.startswith("hydra") or key in RUN_KEYS or key in standard or key in _NOT_PARAMS:
            continue
        try:
            value = _param_value(cfg, key)
        except (AttributeError, KeyError, TypeError):
            continue  # a key outside the model (e.g. a new run-level key)
        if key in _GROUPS and not isinstance(value, str):
            value = getattr(getattr(cfg, key), _GROUPS[key])
        params[key] = value
    return params


def plan_jobs(config: DictConfig) -> list[list[str]]:
    """Each job's overrides, in Hydra's job order (as the basic sweeper expands them)."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    params = [f"{k}={v}" for k, v in (config.hydra.sweeper.get("params") or {}).items()]
    task = [str(o) for o in config.hydra.overrides.task]
    parsed = OverridesParser.create().parse_overrides([*params, *task])
    return [job for batch in BasicSweeper.split_arguments(parsed, None) for job in batch]


def remove_temporaries(folder: Path) -> None:
    """Delete the temporary files an interrupted atomic write left in `folder`."""
    for tmp in Path(folder).glob(".*.tmp"):
        tmp.unlink(missing_ok=True)


def write_failure(job_dir: Path, overrides: list[str], error: BaseException | None) -> None:
    """Record a failed job (error and traceback) in its folder, atomically."""
    tb = "".join(traceback.format_exception(error)) if error is not None else ""
    record = {
        "status": "failed",
        "error": f"{type(error).__name__}: {error}" if error is not None else "unknown",
        "traceback": tb,
        "overrides": list(overrides),
        "finished": utc_now(),
    }
    write_json(record, Path(job_dir) / FAILURE_FILE)


def run_sweep_job(cfg: Any, out_dir: Path, progress: bool = True) -> dict[str, Any]:
    """A sweep job: skip if complete, else run; a failure is recorded, not raised.

    Not raising keeps the other jobs, and the aggregation at the end, going under
    every launcher (the basic sweeper stops at a failed job's result); the callback
    names the failed jobs and the command exits with status 1.
    """
    from sim.cli import run_job
    from sim.progress import ReplicationLog

    out_dir = Path(out_dir)
    overrides = _job_overrides()
    t0 = time.perf_counter()
    if overrides:
        entry = {"key": out_dir.name, "overrides": overrides}
        write_json(entry, out_dir.parent / INDEX_DIR / f"{overrides_id(overrides)}.json")
    try:
        existing = read_json(out_dir / MANIFEST)
        if existing is not None:
            sim_cfg = to_sim_config(cfg)
            same = (existing.get("config_hash"), existing.get("seed"), existing.get("replications"))
            if same != (configuration_hash(sim_cfg), sim_cfg.seed, sim_cfg.replications):
                raise FileExistsError(f"{out_dir} holds another configuration's results")
            log.info("already complete: %s", out_dir.name)
            return existing
        remove_temporaries(out_dir)  # left by a job killed while writing
        reporter = ReplicationLog(out_dir.name) if progress else None
        sim_cfg = to_sim_config(cfg)
        extra = {"overrides": overrides, "params": job_params(sim_cfg, overrides)}
        manifest = run_job(sim_cfg, out_dir, progress=reporter, extra=extra)
    except Exception as err:  # every failure is recorded in the job folder
        log.exception("job %s failed after %.1fs", out_dir.name, time.perf_counter() - t0)
        write_failure(out_dir, overrides, err)
        return {"status": "failed", "error": repr(err)}
    (out_dir / FAILURE_FILE).unlink(missing_ok=True)
    return manifest


def _job_overrides() -> list[str]:
    from hydra.core.hydra_config import HydraConfig

    try:
        return [str(o) for o in HydraConfig.get().overrides.task]
    except ValueError:  # not inside a Hydra job (a direct call from tests)
        return []


def in_multirun() -> bool:
    """True inside a job launched by a Hydra multirun (under any launcher)."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    try:
        hc = HydraConfig.get()
    except ValueError:
        return False
    return hc.mode == RunMode.MULTIRUN
