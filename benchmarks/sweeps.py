"""Items 4 and 5 of benchmarks/run.py: sweep throughput and sweep memory.

4. The same grid (5 process designs x 4 funding schemes = 20 configurations, 50
   replications each: 1,000 runs of the default scenario) on all cores (2 processes):
   - ours: `python -m sim -m process=... funding=... replications=50
     hydra/launcher=joblib hydra.launcher.n_jobs=2` (writes every job's three Parquet
     tables and the sweep's aggregate);
   - `mesa.batch_run(..., number_processes=2)` over the same configurations and as many
     seeds (benchmarks/_batch_run.py; it returns the last collected row of each run);
   - EMA Workbench's `MultiprocessingEvaluator(n_processes=2)` (benchmarks/_ema_run.py;
     a function model returning the run's scalar metrics), if it is installed;
   - the two tools again with `SIM_KERNELS=numpy`: the model on its numpy kernels, as
     every tool ran it before the kernels were compiled.
   Each tool builds the model as its users would (`NegotiationModel(config, seed)`: the
   compiled kernels by default).
   Each is timed end to end, from launching its command to its results in hand
   (imports, worker start-up and writing included): runs per second.
5. Peak memory (resident set of the launching process and all its workers, sampled
   every 0.1 s) of our sweep at 1,000 and 10,000 runs (20 and 200 configurations of 50
   replications: the number of runs grows, each job stays the same), and of the
   aggregation step alone (`sim.store.finish_sweep` over the finished folder, in a
   fresh process).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROCESSES = "open_plenary,two_tier,two_tier_observers,single_informal_room,friends_of_chair"
FUNDINGS = "none,trust_fund,hybrid,cost_sharing"
MEETING_COSTS = "500000,750000,1000000,1250000,1500000,1750000,2000000,2250000,2500000,3000000"
CORES = 2

__all__ = ["bench", "peak_rss", "sweep_command"]


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (0 once it has ended).

    A descendant that is a fork not yet replaced by its program (a worker starting
    `git` for a job's provenance: same command line as its parent, which is not the
    root) shares its parent's pages; its RSS would count them twice, so it is left out.
    Such forks last milliseconds, and a 0.1 s sampler caught one in a few sweeps of 200
    jobs: 180-200 MB added to the peak at random.
    """
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil ships with the ray launcher
        return _proc_tree_rss(pid)
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    lines: dict[int, list[str]] = {}
    rows: list[tuple[int, int, int]] = []  # pid, parent, rss
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            lines[proc.pid] = proc.cmdline()
            rows.append((proc.pid, proc.ppid(), proc.memory_info().rss))
    return sum(rss for p, parent, rss in rows if not _unexeced_fork(p, parent, pid, lines))


def _unexeced_fork(p: int, parent: int, root: int, lines: dict[int, list[str]]) -> bool:
    """Whether `p` is a fork of a non-root process that has not run its own program yet."""
    return p != root and parent != root and parent in lines and lines[p] == lines[parent]


def _proc_tree_rss(pid: int) -> int:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError):
                continue
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in tree:
                tree.add(child)
                frontier.append(child)
    lines: dict[int, list[str]] = {}
    for p in tree:
        with contextlib.suppress(OSError):
            lines[p] = Path(f"/proc/{p}/cmdline").read_bytes().split(b"\0")
    total = 0
    for p in tree:
        if _unexeced_fork(p, parents.get(p, -1), pid, lines):
            continue
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def peak_rss(cmd: list[str], **kwargs) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run `cmd`; return (wall seconds, peak resident bytes of its process tree, result)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    result = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    if proc.returncode:
        raise RuntimeError(f"{cmd[:4]}... failed:\n{err.decode()[-3000:]}")
    return wall, peak[0], result


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}


def sweep_command(sweep_dir: Path, replications: int, meeting_costs: str | None) -> list[str]:
    """Our sweep: Hydra multirun with the joblib launcher on all cores."""
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "-m",
        f"process={PROCESSES}",
        f"funding={FUNDINGS}",
        f"replications={replications}",
        "hydra/launcher=joblib",
        f"hydra.launcher.n_jobs={CORES}",
        f"hydra.sweep.dir={sweep_dir}",
        "progress=false",
    ]
    if meeting_costs:
        cmd.insert(6, f"cost.meeting_usd={meeting_costs}")
    return cmd


def _ours(
    tmp: Path, replications: int, meeting_costs: str | None = None, label: str = "grid"
) -> dict[str, float]:
    sweep_dir = tmp / f"sweep_r{replications}_{'m' if meeting_costs else 'g'}_{label}"
    wall, peak, _ = peak_rss(
        sweep_command(sweep_dir, replications, meeting_costs), cwd=ROOT, env=_env()
    )
    configs = 20 * (len(meeting_costs.split(",")) if meeting_costs else 1)
    runs = configs * replications
    agg_wall, agg_peak, _ = peak_rss(
        [
            sys.executable,
            "-c",
            "import sys; from sim.store import finish_sweep; finish_sweep(sys.argv[1])",
            str(sweep_dir),
        ],
        cwd=ROOT,
        env=_env(),
    )
    return {
        "runs": runs,
        "wall_s": wall,
        "runs_per_s": runs / wall,
        "peak_rss_mb": peak / 2**20,
        "aggregation_wall_s": agg_wall,
        "aggregation_peak_rss_mb": agg_peak / 2**20,
    }


def _script(name: str, replications: int, kernels: str | None = None) -> dict[str, float]:
    cmd = [sys.executable, str(HERE / name), str(replications), str(CORES)]
    env = {**_env(), **({"SIM_KERNELS": kernels} if kernels else {})}
    wall, peak, result = peak_rss(cmd, cwd=ROOT, env=env)
    runs = int(result.stdout.decode().strip().splitlines()[-1])
    return {"runs": runs, "wall_s": wall, "runs_per_s": runs / wall, "peak_rss_mb": peak / 2**20}


def _ema_installed() -> bool:
    probe = [sys.executable, "-c", "import ema_workbench"]
    return subprocess.run(probe, capture_output=True, env=_env()).returncode == 0


def bench(item: str, quick: bool) -> dict[str, object]:
    """Run item 4 (throughput) or 5 (memory); return figures and table rows."""
    reps = 10 if quick else 50
    with tempfile.TemporaryDirectory(prefix="sim_bench_sweeps_") as tmp:
        tmp_path = Path(tmp)
        if item == "4":
            out: dict[str, object] = {"ours": _ours(tmp_path, reps)}
            out["mesa_batch_run"] = _script("_batch_run.py", reps)
            ema = _ema_installed()
            out["ema_workbench"] = _script("_ema_run.py", reps) if ema else "not installed"
            # the same tools on the numpy kernels: the model as it ran before it was compiled
            out["mesa_batch_run_numpy"] = _script("_batch_run.py", reps, "numpy")
            out["ema_workbench_numpy"] = (
                _script("_ema_run.py", reps, "numpy") if ema else "not installed"
            )
            rows = []
            for key, label in (
                ("ours", "ours: Hydra joblib sweep"),
                ("mesa_batch_run", "mesa.batch_run"),
                ("ema_workbench", "EMA Workbench MultiprocessingEvaluator"),
                ("mesa_batch_run_numpy", "mesa.batch_run, numpy kernels"),
                ("ema_workbench_numpy", "EMA Workbench, numpy kernels"),
            ):
                r = out[key]
                if isinstance(r, str):
                    rows.append(f"| 4 sweep | {label}: {r} | | |")
                    continue
                rows.append(
                    f"| 4 sweep | {label}, {r['runs']:,} runs on {CORES} cores: "
                    f"{r['runs_per_s']:.1f} runs/s | | {r['wall_s']:.1f} s |"
                )
            out["table"] = rows
            return out
        small = _ours(tmp_path, reps, label="small")
        # --quick: the large sweep is the small one's grid again, in its own folder
        large = _ours(tmp_path, reps, None if quick else MEETING_COSTS, label="large")
        rows = [
            f"| 5 memory | sweep of {r['runs']:,} runs: peak RSS (all processes) "
            f"{r['peak_rss_mb']:.0f} MB; aggregation alone {r['aggregation_peak_rss_mb']:.0f} MB "
            f"in {r['aggregation_wall_s']:.1f} s | | {r['wall_s']:.0f} s |"
            for r in (small, large)
        ]
        return {"small": small, "large": large, "table": rows}
