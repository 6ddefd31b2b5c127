"""Sweeps: one Hydra job per configuration, in a folder named by the configuration.

Hydra's basic sweeper runs the jobs; resolvers (`sim.run.resolvers`, named in
`configs/hydra/default.yaml`) place them. `sim_sweep_dir` picks the sweep folder: a
new `results/sweeps/<name>_<time>` (never an existing one), or with `resume=true` the
newest one started with the same overrides. `sim_job_dir` names each job's sub-folder
by its configuration (hash, base seed, replications), never by its job number, so
reordering, extending or resuming a sweep cannot mix rows. `run_sweep_job` skips a job
whose folder is complete and records a failing job instead of raising, so one bad job
costs no other job's rows.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from sim.config import SimConfig, to_sim_config
from sim.errors import REFUSED, STORAGE, USAGE, RefusedError, UsageError, classify, one_line
from sim.run.job import input_files, run_job
from sim.run.replications import configuration_row
from sim.run.seeds import configuration_hash, crn_of_sweep, uses_crn, with_crn
from sim.store import (
    FAILURE_FILE,
    MANIFEST,
    RUN_KEYS,
    FolderBusyError,
    FolderLock,
    check_job,
    claim_new_dir,
    identity_overrides,
    quarantine,
    read_json,
    remove_temporaries,
    write_failure,
    write_index,
)

__all__ = [
    "SWEEP_PID",
    "check_keys",
    "find_resume_dir",
    "in_multirun",
    "job_key",
    "job_params",
    "model_inputs",
    "plan_jobs",
    "resolve_sweep_dir",
    "resume_flag",
    "run_sweep_job",
    "watch_sweep_process",
]

log = logging.getLogger(__name__)

SWEEP_PID = "SIM_SWEEP_PID"  # set by the sweep's process: its local workers watch it
_NOT_PARAMS = frozenset({"sweep", "seed", "replications"})  # seed is a column already
_GROUPS = {"scenario": "name", "process": "name", "funding": "name", "decision": "rule"}


def job_key(cfg: SimConfig) -> str:
    """A job's folder name: configuration hash, base seed and replication count."""
    return f"{configuration_hash(cfg)[:12]}-s{cfg.seed}-r{cfg.replications}"


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
        if not folder.is_dir():
            raise UsageError(f"resume={flag}: no such folder (give a sweep folder, or true)")
        if (read_json(folder / MANIFEST) or {}).get("kind") != "sweep":
            raise UsageError(f"resume={flag}: not a sweep folder (no sweep manifest.json in it)")
        return folder
    if flag:
        found = find_resume_dir(Path(root), name, overrides)
        if found is not None:
            return found
        log.warning("resume=true: no earlier %r sweep with these overrides; starting anew", name)
    return claim_new_dir(Path(root) / f"{name}_{stamp}")


def _plain_node(node: Any) -> Any:
    return OmegaConf.to_container(node, resolve=True) if OmegaConf.is_config(node) else node


def check_keys(root: Any) -> None:
    """Refuse a top-level key no part of the package reads (e.g. a typo added with `+`)."""
    from sim.config import AppConfig

    known = {f.name for f in dataclasses.fields(AppConfig)}
    unknown = sorted(str(k) for k in root if k != "hydra" and k not in known)
    if unknown:
        raise UsageError(
            f"{unknown[0]}: not a configuration key, so nothing would read it; "
            f"top-level keys are {', '.join(sorted(known))}"
        )


def model_inputs(root: Any) -> dict[str, Any]:
    """The model's part of a composed config, resolved (Hydra's own node is left alone)."""
    names = [f.name for f in dataclasses.fields(SimConfig)]
    return {k: _plain_node(root[k]) for k in names if k in root}


def _param_value(cfg: SimConfig, key: str) -> Any:
    node: Any = cfg
    for part in key.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    if isinstance(node, list | dict):
        return json.dumps(node, sort_keys=True)
    return node


def job_params(cfg: SimConfig, overrides: list[str]) -> dict[str, Any]:
    """Columns naming what a job's overrides set (beyond the standard config columns)."""
    standard = set(configuration_row(cfg))
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
    """Each job's overrides, in Hydra's job order (as the basic sweeper expands them).

    The sweeper's expansion: each key's values (a later override of a key replaces
    its values in place), then the cartesian product, the first key slowest.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    params = [f"{k}={v}" for k, v in (config.hydra.sweeper.get("params") or {}).items()]
    task = [str(o) for o in config.hydra.overrides.task]
    values: dict[str, list[str]] = {}
    for override in OverridesParser.create().parse_overrides([*params, *task]):
        key = override.get_key_element()
        if override.is_sweep_override():
            if not override.is_discrete_sweep():
                raise UsageError(f"{key}: the basic sweeper takes lists of values, not ranges")
            values[key] = [f"{key}={value}" for value in override.sweep_string_iterator()]
        else:
            values[key] = [f"{key}={override.get_value_element_as_str()}"]
    return [list(job) for job in itertools.product(*values.values())]


_KINDS = {USAGE: "configuration", STORAGE: "storage", REFUSED: "refused"}


def run_sweep_job(cfg: Any, out_dir: Path) -> dict[str, Any]:
    """A sweep job: skip if complete and whole, else run; a failure is recorded, not raised.

    The job holds its folder's lock while it works, so a resumed sweep never writes
    into a folder that a worker of an earlier attempt is still writing. A complete
    job whose files no longer match their checksums is moved aside and run again. Not
    raising keeps the other jobs, and the aggregation at the end, going under every
    launcher (the basic sweeper stops at a failed job's result).
    """
    out_dir = Path(out_dir)
    overrides = _job_overrides()
    watch_sweep_process()
    if overrides:
        write_index(out_dir.parent, overrides, out_dir.name)
    try:
        lock = FolderLock.acquire(out_dir, kind="sweep job", takeover=True)
    except FolderBusyError as err:
        log.error("job %s not run: %s", out_dir.name, err)
        return {"status": "busy", "error": str(err)}
    try:
        return _run_locked(cfg, out_dir, overrides)
    finally:
        lock.release()


def _run_locked(cfg: Any, out_dir: Path, overrides: list[str]) -> dict[str, Any]:
    t0 = time.perf_counter()
    try:
        check_keys(cfg)
        state, why = check_job(out_dir)
        if state == "completed":
            return _already_complete(cfg, out_dir)
        if state == "corrupt":
            moved = quarantine(out_dir, out_dir.parent)
            log.warning(
                "job %s is damaged (%s): moved to %s, running it again", out_dir.name, why, moved
            )
        remove_temporaries(out_dir)  # left by a job killed while writing
        sim_cfg = with_crn(to_sim_config(cfg), crn_of_sweep(out_dir.parent))
        extra = {"overrides": overrides, "params": job_params(sim_cfg, overrides)}
        # the sweep's bar counts jobs; a job's own bar would interleave with it. A sweep
        # worker runs job after job: the compiled kernels repay their loading.
        manifest = run_job(sim_cfg, out_dir, progress=False, extra=extra, kernels="compiled")
    except RefusedError as err:  # never write into a complete folder
        log.error("job %s refused: %s", out_dir.name, one_line(err))
        return {"status": "failed", "error": one_line(err)}
    except Exception as err:  # every other failure is recorded in the job folder
        kind = _KINDS.get(classify(err) or 0, "error")
        log.error(
            "job %s failed after %.1fs: %s", out_dir.name, time.perf_counter() - t0, one_line(err)
        )
        try:
            write_failure(out_dir, overrides, err, kind)
        except OSError as unwritable:
            log.error("job %s: could not record its failure: %s", out_dir.name, unwritable)
        return {"status": "failed", "error": one_line(err)}
    (out_dir / FAILURE_FILE).unlink(missing_ok=True)
    return manifest


def _already_complete(cfg: Any, out_dir: Path) -> dict[str, Any]:
    """A complete job's manifest, after checking it holds this configuration and data."""
    existing = read_json(out_dir / MANIFEST) or {}
    sim_cfg = with_crn(to_sim_config(cfg), crn_of_sweep(out_dir.parent))
    same = tuple(existing.get(k) for k in ("config_hash", "seed", "replications", "crn"))
    wanted = (configuration_hash(sim_cfg), sim_cfg.seed, sim_cfg.replications, uses_crn(sim_cfg))
    if same != wanted:
        raise RefusedError(f"{out_dir} holds another configuration's results")
    digests = {k: v.get("sha256") for k, v in (existing.get("inputs") or {}).items()}
    now = {k: v["sha256"] for k, v in input_files(sim_cfg).items() if k in digests}
    if digests and now != digests:
        raise RefusedError(f"{out_dir} was made from other input data ({', '.join(digests)})")
    log.info("already complete: %s", out_dir.name)
    return existing


_watching = threading.Event()


def watch_sweep_process(worker: bool = False) -> None:
    """In a local worker of the sweep (joblib, submitit_local), exit when the sweep dies.

    Why: a worker outliving a killed sweep would go on writing into its folder while
    the user resumes it. Workers whose parent is not the sweep's process (Ray's,
    SLURM's) are left alone: the job locks keep a resume from racing them. `worker`:
    called as a local worker starts (joblib's initializer), so a parent that is not
    the sweep's process has already died.
    """
    sweep_pid = int(os.environ.get(SWEEP_PID) or 0)
    if _watching.is_set() or not sweep_pid or os.getpid() == sweep_pid:
        return
    if os.getppid() != sweep_pid:
        if worker:
            os._exit(1)
        return
    _watching.set()

    def watch() -> None:
        while os.getppid() == sweep_pid:
            time.sleep(0.1)
        log.error("the sweep's process %d died: this worker stops too", sweep_pid)
        os._exit(1)

    threading.Thread(target=watch, name="sweep-watchdog", daemon=True).start()


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
