"""The single-run job behind `python -m sim`: validate, run replications, write tables.

Kept free of Hydra's decorator so tests (and the sweep runner) call it directly.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from sim.config import SimConfig, to_sim_config
from sim.config.members import table_path
from sim.errors import RefusedError
from sim.run.progress import progress_bar
from sim.run.replications import run_replications
from sim.run.seeds import configuration_hash, replication_seeds, uses_crn, with_crn
from sim.store import (
    CONFIG_FILE,
    MANIFEST,
    environment_info,
    file_record,
    utc_now,
    write_results,
    write_text,
)

__all__ = ["input_files", "run_job"]

log = logging.getLogger(__name__)


ProgressFn = Callable[[int, int, float], None]


def input_files(cfg: SimConfig) -> dict[str, dict[str, Any]]:
    """The data files a configuration reads, with their size and SHA-256.

    Why: the configuration names a custom table by its path; the digest is what says
    which data the rows came from, so a resume can refuse a table edited since.
    """
    table = cfg.scenario.delegations.table
    path = table_path(table)
    return {"scenario.delegations.table": {"value": table, "path": str(path), **file_record(path)}}


def run_job(
    cfg: Any,
    out_dir: Path,
    progress: bool | ProgressFn = False,
    extra: dict[str, object] | None = None,
    kernels: str | None = None,
) -> dict[str, object]:
    """Run every replication of one configuration and write its results into `out_dir`.

    Writes `config.yaml` (the resolved model inputs), `runs.parquet`,
    `meetings.parquet`, `delegations.parquet`, `ratification.parquet` (parties by month
    after adoption) and, last, `manifest.json` with each
    file's size and SHA-256, the input data's digest, the CRN mode and the run seeds:
    a folder with a manifest is complete, and is never overwritten. `progress` is a
    flag (a bar on stderr, on a terminal only) or a `progress(done, total, elapsed)`
    callable; `extra` is merged into the manifest; `kernels` as `run_replications`.
    """
    sim_cfg: SimConfig = to_sim_config(cfg)
    sim_cfg = with_crn(sim_cfg, uses_crn(sim_cfg))  # `auto` outside a sweep: CRN
    out_dir = Path(out_dir)
    if (out_dir / MANIFEST).exists():
        raise RefusedError(f"{out_dir} already holds a completed run; not overwriting it")
    out_dir.mkdir(parents=True, exist_ok=True)
    started, t0 = utc_now(), time.perf_counter()
    inputs = input_files(sim_cfg)
    # Plain YAML of the dataclasses: the text OmegaConf.to_yaml writes, 16 ms instead of 120.
    config_yaml = yaml.safe_dump(dataclasses.asdict(sim_cfg), sort_keys=False, allow_unicode=True)
    write_text(config_yaml, out_dir / CONFIG_FILE)
    log.info(
        "running %d replication(s) of %s / %s / %s / %s",
        sim_cfg.replications,
        sim_cfg.scenario.name,
        sim_cfg.process.name,
        sim_cfg.funding.name,
        sim_cfg.decision.rule,
    )
    if callable(progress):
        tables = run_replications(sim_cfg, progress=progress, kernels=kernels)
    else:
        with progress_bar(sim_cfg.replications, "run", "replications", enabled=progress) as bar:
            tick = lambda *_: bar.update(1)  # noqa: E731
            tables = run_replications(sim_cfg, progress=tick, kernels=kernels)
    compute_s = time.perf_counter() - t0
    if input_files(sim_cfg) != inputs:
        raise RefusedError(
            f"{inputs['scenario.delegations.table']['path']} changed while the run read it; "
            "run again once it is final"
        )
    manifest = {
        **environment_info(),
        **(extra or {}),
        "kind": "job",
        "status": "completed",
        "config_id": configuration_hash(sim_cfg)[:12],
        "config_hash": configuration_hash(sim_cfg),
        "seed": sim_cfg.seed,
        "replications": sim_cfg.replications,
        "crn": sim_cfg.crn,
        "run_seeds": replication_seeds(sim_cfg),
        "inputs": inputs,
        "started": started,
        "finished": utc_now(),
        "timings_s": {
            "compute": round(compute_s, 4),
            "per_replication": round(compute_s / sim_cfg.replications, 4),
            "total": round(time.perf_counter() - t0, 4),
        },
        "rows": {
            "runs": len(tables.runs),
            "meetings": len(tables.meetings),
            "delegations": len(tables.delegations),
            "ratification": len(tables.ratification),
        },
    }
    frames = {"runs": tables.runs, "meetings": tables.meetings, "delegations": tables.delegations}
    frames["ratification"] = tables.ratification  # parties by month (empty: no treaty adopted)
    params = (extra or {}).get("params") or {}  # a sweep's swept keys, as columns of its rows
    frames = {name: frame.assign(**params) for name, frame in frames.items()}
    manifest = write_results(out_dir, frames, manifest)
    log.info("wrote %s (%.2fs)", out_dir, compute_s)
    return manifest
