"""Sweep throughput (runs per second) and each launcher's per-job overhead.

    python benchmarks/sweep_throughput.py                    # every launcher
    python benchmarks/sweep_throughput.py --launchers basic joblib --json out.json

Per-job overhead: each launcher runs two sweeps of tiny jobs (the small scenario, one
replication) that differ only in their number of jobs; the extra wall time divided by
the extra jobs is the marginal cost of a job ("s per job"), the rest is the fixed
start-up (e.g. starting Ray); "wall/job" is the larger sweep's wall time per job and
"in-job s" the time a job spends in `run_job` (model, tables, files). On a busy
machine the two-point fit is noisy: read "wall/job" first.

Throughput: the demo sweep's designs (3 processes x 2 funding schemes on the
calibrated committee) with `--replications` each, under the basic launcher and under
joblib on `--cores` workers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAUNCHERS = {
    "basic": lambda cores: [],
    "joblib": lambda cores: ["hydra/launcher=joblib", f"hydra.launcher.n_jobs={cores}"],
    "ray": lambda cores: ["hydra/launcher=ray_local", f"hydra.launcher.ray.init.num_cpus={cores}"],
    "submitit_local": lambda cores: ["hydra/launcher=submitit_local"],
}
DESIGNS = ["process=open_plenary,two_tier,two_tier_observers", "funding=none,trust_fund"]


def run_sweep(overrides: list[str]) -> tuple[float, dict]:
    """Run `python -m sim -m ...` in a fresh folder; return wall seconds and manifest."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "sim", "-m", *overrides, "progress=false"],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"sweep {overrides} failed:\n{done.stderr[-3000:]}")
        (folder,) = (Path(tmp) / "results" / "sweeps").iterdir()
        return wall, json.loads((folder / "manifest.json").read_text())


def overhead(launcher: str, cores: int, small: int, large: int) -> dict:
    extra = LAUNCHERS[launcher](cores)
    tiny = ["scenario=small", "replications=1"]
    walls, compute = [], []
    for jobs in (small, large):
        wall, manifest = run_sweep([*tiny, f"seed=range(0,{jobs})", *extra])
        walls.append(wall)
        compute += [j["timings_s"]["total"] for j in manifest["jobs"]]
    per_job = (walls[1] - walls[0]) / (large - small)
    return {
        "launcher": launcher,
        "wall_s": {str(small): round(walls[0], 2), str(large): round(walls[1], 2)},
        "marginal_s_per_job": round(per_job, 3),
        "wall_s_per_job": round(walls[1] / large, 3),
        "startup_s": round(walls[0] - per_job * small, 2),
        "in_job_compute_s": round(statistics.mean(compute), 3),
    }


def throughput(launcher: str, cores: int, replications: int) -> dict:
    overrides = [*DESIGNS, f"replications={replications}", *LAUNCHERS[launcher](cores)]
    wall, manifest = run_sweep(overrides)
    runs = manifest["rows"]["runs"]
    compute = sum(j["timings_s"]["compute"] for j in manifest["jobs"])
    return {
        "launcher": launcher,
        "jobs": len(manifest["jobs"]),
        "runs": runs,
        "wall_s": round(wall, 2),
        "runs_per_s": round(runs / wall, 2),
        "model_s_per_run": round(compute / runs, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--launchers", nargs="+", default=list(LAUNCHERS), choices=LAUNCHERS)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--jobs", type=int, nargs=2, default=(4, 16), metavar=("FEW", "MANY"))
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    print(f"\nper-job overhead ({args.jobs[0]} vs {args.jobs[1]} tiny jobs)")
    print(f"{'launcher':<16}{'start-up s':>12}{'s per job':>12}{'wall/job':>10}{'in-job s':>10}")
    rows = []
    for launcher in args.launchers:
        row = overhead(launcher, args.cores, *args.jobs)
        rows.append(row)
        print(
            f"{launcher:<16}{row['startup_s']:>12.2f}{row['marginal_s_per_job']:>12.3f}"
            f"{row['wall_s_per_job']:>10.2f}{row['in_job_compute_s']:>10.3f}"
        )
    print(f"\nthroughput: 6 designs x {args.replications} replications, calibrated committee")
    print(f"{'launcher':<16}{'runs':>8}{'wall s':>10}{'runs/s':>10}{'model s/run':>13}")
    speeds = []
    for launcher in [n for n in ("basic", "joblib") if n in args.launchers]:
        row = throughput(launcher, args.cores, args.replications)
        speeds.append(row)
        print(
            f"{launcher:<16}{row['runs']:>8}{row['wall_s']:>10.1f}{row['runs_per_s']:>10.2f}"
            f"{row['model_s_per_run']:>13.3f}"
        )
    if args.json:
        args.json.write_text(json.dumps({"overhead": rows, "throughput": speeds}, indent=2))


if __name__ == "__main__":
    main()
