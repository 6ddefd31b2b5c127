"""Benchmarks of the negotiation simulator: `make bench` (or `.venv/bin/python benchmarks/run.py`).

Items (see benchmarks/README.md for what each measures and the figures so far):
  1  one default run (193 delegations, 8 planned meetings), compute only, after import
  2  scaling in delegations (193 .. 50,000) and in meetings (4 .. 32), with the fitted
     growth exponent and the time per delegation-meeting
  3  the floor: the same dynamics as one bare numpy loop (benchmarks/floor.py), and
     the ratio model / floor
  4  sweep throughput, 20 configurations x 50 replications on all cores: our Hydra
     joblib sweep against mesa.batch_run and EMA Workbench (benchmarks/sweeps.py)
  5  peak memory of a 10,000-run sweep and of its aggregation (benchmarks/sweeps.py)
  6  start-up: from the command to the first run, imports included

  --only 1,2,3,6   run some items        --quick   fewer repetitions, smaller sizes
  --json PATH      also write the figures as JSON

Every time is a median over repeated runs, wall clock and CPU time of this process
(on a shared machine the CPU time is the steadier of the two). Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # the checkout this script sits in, before any install
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
from synthetic import synthetic_overrides  # noqa: E402

DEFAULT_SEEDS = 8  # runs cycle over these seeds, so the median mixes early and late adoption
AMORTISED_OVER = 40  # replications of one configuration per call (item 1's amortised row)


def _median_times(fn, reps: int, warmup: int = 2) -> dict[str, float]:
    """Median wall and CPU seconds of `fn(i)` over `reps` calls, after `warmup` calls."""
    for i in range(warmup):
        fn(i)
    wall, cpu = [], []
    for i in range(reps):
        w0, c0 = time.perf_counter(), time.process_time()
        fn(i)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return {
        "wall_s": float(np.median(wall)),
        "cpu_s": float(np.median(cpu)),
        "min_wall_s": float(np.min(wall)),
        "reps": reps,
    }


def _fixed_length(meetings: int) -> list[str]:
    """Overrides that make every run hold exactly `meetings` meetings (scaling runs).

    The draft is tabled only at the last meeting, no extension, and the process budget
    never binds, so the work per run is the same whatever the seed.
    """
    return [
        f"scenario.calendar.meetings={meetings}",
        f"decision.earliest_tabling_meeting={meetings}",
        "decision.max_extensions=0",
        "cost.process_budget_usd=1e15",
    ]


# ----------------------------------------------------------------- item 1


def bench_default(quick: bool) -> dict[str, object]:
    from dataclasses import replace

    from sim.api import compose_config
    from sim.model import Negotiation, NegotiationModel
    from sim.run.replications import run_replication, run_replications

    cfg = compose_config([])
    reps = 15 if quick else 40
    model = _median_times(lambda i: NegotiationModel(cfg, seed=i % DEFAULT_SEEDS).run().row, reps)
    plain = _median_times(lambda i: Negotiation(cfg, seed=i % DEFAULT_SEEDS).run().row, reps)
    numpy_plain = _median_times(
        lambda i: Negotiation(cfg, seed=i % DEFAULT_SEEDS, kernels="numpy").run().row, reps
    )
    tables = _median_times(lambda i: run_replication(cfg, 0, i % DEFAULT_SEEDS), reps)
    # the target's measure: one configuration's 40 replications in one call, per run
    forty = replace(cfg, replications=AMORTISED_OVER)
    batch = _median_times(lambda i: run_replications(forty), 3 if quick else 5, warmup=1)
    per_run = {key: value / AMORTISED_OVER for key, value in batch.items() if key.endswith("_s")}
    held = [NegotiationModel(cfg, seed=s) for s in range(DEFAULT_SEEDS)]
    meetings = [m.run().row["meetings_held"] for m in held]
    out = {"model_run": model, "plain_run": plain, "numpy_run": numpy_plain}
    out |= {"with_tables": tables, "amortised": {**per_run, "reps": batch["reps"]}}
    return {**out, "meetings_held": meetings}


# ----------------------------------------------------------------- item 2


def _fit_exponent(sizes: list[float], seconds: list[float]) -> float:
    slope, _ = np.polyfit(np.log(sizes), np.log(seconds), 1)
    return float(slope)


def bench_scaling(quick: bool) -> dict[str, object]:
    from sim.api import compose_config
    from sim.model import NegotiationModel

    sizes = [193, 1000, 10_000] if quick else [193, 1000, 10_000, 50_000]
    reps = {193: 15, 1000: 7, 10_000: 3, 50_000: 3}
    by_n = []
    for n in sizes:
        cfg = compose_config([*synthetic_overrides(n), *_fixed_length(8)])
        t = _median_times(
            lambda i, cfg=cfg: NegotiationModel(cfg, seed=i).run().row, reps[n], warmup=1
        )
        by_n.append({"delegations": n, "meetings": 8, **t})
    by_m = []
    for m in [4, 8, 16, 32]:
        cfg = compose_config(_fixed_length(m))
        t = _median_times(
            lambda i, cfg=cfg: NegotiationModel(cfg, seed=i).run().row, 7 if quick else 15
        )
        by_m.append({"delegations": 193, "meetings": m, **t})
    for row in by_n + by_m:
        row["us_per_delegation_meeting"] = (
            1e6 * row["cpu_s"] / (row["delegations"] * row["meetings"])
        )
    return {
        "by_delegations": by_n,
        "by_meetings": by_m,
        "exponent_delegations": _fit_exponent(
            [r["delegations"] for r in by_n], [r["cpu_s"] for r in by_n]
        ),
        "exponent_delegations_1000_up": _fit_exponent(
            [r["delegations"] for r in by_n[1:]], [r["cpu_s"] for r in by_n[1:]]
        ),
        "exponent_meetings": _fit_exponent(
            [r["meetings"] for r in by_m], [r["cpu_s"] for r in by_m]
        ),
    }


# ----------------------------------------------------------------- item 3


def bench_floor(quick: bool) -> dict[str, object]:
    from floor import check_floor, floor_run

    from sim.api import compose_config
    from sim.model import NegotiationModel

    out = {"sizes": []}
    for n, kernels in [(193, "compiled"), (193, "numpy"), (10_000, "compiled"), (10_000, "numpy")]:
        # the floor runs the dynamics only: compare without the unhurried twin run
        cfg = compose_config([*synthetic_overrides(n), "measures.rush_cost=false"])
        # same text and positions, bit for bit
        check_floor(cfg, range(3 if n == 193 else 1), kernels=(kernels,))
        reps = (15 if quick else 40) if n == 193 else 3
        seeds = DEFAULT_SEEDS if n == 193 else 1
        model = _median_times(
            lambda i, cfg=cfg, k=seeds, kn=kernels: (
                NegotiationModel(cfg, seed=i % k, kernels=kn).run().row
            ),
            reps,
        )
        bare = _median_times(
            lambda i, cfg=cfg, k=seeds, kn=kernels: floor_run(cfg, i % k, kn), reps
        )
        out["sizes"].append(
            {
                "delegations": n,
                "kernels": kernels,
                "model": model,
                "floor": bare,
                "ratio_cpu": model["cpu_s"] / bare["cpu_s"],
                "ratio_wall": model["wall_s"] / bare["wall_s"],
            }
        )
    return out


# ----------------------------------------------------------------- item 6

_PROBE = """
import sys, time, runpy
mark = sys.argv.pop(1)
try:  # the model without Mesa, that NegotiationModel extends (what the CLI runs)
    from sim.model.session import Negotiation as Model
except ImportError:  # before it existed: the Mesa model was the only one
    from sim.model.negotiation import NegotiationModel as Model
first = []
original = Model.run
def run(self):
    if not first:
        first.append(time.time())
        open(mark, "w").write(repr(first[0]))
    return original(self)
Model.run = run
sys.argv[0] = "sim"
runpy.run_module("sim", run_name="__main__", alter_sys=True)
"""


def bench_startup(quick: bool) -> dict[str, object]:
    """Seconds from launching `python -m sim replications=1` to its first run, and to exit."""
    reps = 3 if quick else 5
    to_first, total = [], []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(reps):
            mark = Path(tmp) / f"first{i}"
            cmd = [
                sys.executable,
                "-c",
                _PROBE,
                str(mark),
                "replications=1",
                "progress=false",
                f"hydra.run.dir={tmp}/run{i}",
            ]
            t0 = time.time()
            subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=env)
            total.append(time.time() - t0)
            to_first.append(float(mark.read_text()) - t0)
        imports = []
        for _ in range(reps):
            t0 = time.time()
            subprocess.run([sys.executable, "-c", "import mesa"], check=True, env=env)
            imports.append(time.time() - t0)
        quick_exits = {}
        for name, args in _QUICK_EXITS.items():
            times = []
            for _ in range(reps):
                t0 = time.time()
                subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, env=env)
                times.append(time.time() - t0)
            quick_exits[name] = float(np.median(times))
    return {
        "to_first_run_s": float(np.median(to_first)),
        "command_total_s": float(np.median(total)),
        "python_import_mesa_s": float(np.median(imports)),
        "quick_exits_s": quick_exits,
        "reps": reps,
    }


_QUICK_EXITS = {  # commands that must answer at once: no model, no numba
    "`python -m sim --help`": ["--help"],
    "a configuration error (`scenario.bogus=1`)": ["scenario.bogus=1"],
    "a configuration error (`process=nope`)": ["process=nope"],
}


# ----------------------------------------------------------------- report


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms"


def report(results: dict[str, object]) -> str:
    lines = ["| item | measure | median (CPU) | median (wall) |", "|---|---|---|---|"]
    if "1" in results:
        r = results["1"]
        for key, label in (
            ("model_run", "NegotiationModel(...).run() (Mesa)"),
            ("plain_run", "Negotiation(...).run() (compiled kernels)"),
            ("numpy_run", "Negotiation(..., kernels='numpy').run() (the numpy reference)"),
            ("with_tables", "run_replication"),
            ("amortised", f"run_replications, {AMORTISED_OVER} replications: per run"),
        ):
            if key not in r:
                continue
            t = r[key]
            lines.append(f"| 1 default run | {label} | {_ms(t['cpu_s'])} | {_ms(t['wall_s'])} |")
    if "2" in results:
        r = results["2"]
        for row in r["by_delegations"] + r["by_meetings"]:
            label = f"{row['delegations']:,} del. x {row['meetings']} mtg"
            per = f"{row['us_per_delegation_meeting']:.2f} us/del-mtg"
            lines.append(
                f"| 2 scaling | {label} ({per}) | {_ms(row['cpu_s'])} | {_ms(row['wall_s'])} |"
            )
        lines.append(
            f"| 2 scaling | growth exponent: delegations {r['exponent_delegations']:.2f} "
            f"(1,000 up: {r['exponent_delegations_1000_up']:.2f}), meetings "
            f"{r['exponent_meetings']:.2f} | | |"
        )
    if "3" in results:
        for row in results["3"]["sizes"]:
            n = f"{row['delegations']:,}"
            lines.append(
                f"| 3 floor | {n} del., {row['kernels']} kernels: model / bare loop = "
                f"{row['ratio_cpu']:.2f}x "
                f"| {_ms(row['model']['cpu_s'])} / {_ms(row['floor']['cpu_s'])} "
                f"| {_ms(row['model']['wall_s'])} / {_ms(row['floor']['wall_s'])} |"
            )
    for key in ("4", "5"):
        for row in results.get(key, {}).get("table", []):
            lines.append(row)
    if "6" in results:
        r = results["6"]
        lines.append(
            f"| 6 start-up | `python -m sim` to first run (exit: "
            f"{r['command_total_s']:.2f} s; `import mesa` alone {r['python_import_mesa_s']:.2f} s) "
            f"| | {r['to_first_run_s']:.2f} s |"
        )
        for name, seconds in r.get("quick_exits_s", {}).items():
            lines.append(f"| 6 start-up | {name} | | {seconds:.2f} s |")
    return "\n".join(lines)


def machine() -> dict[str, object]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import mesa

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "mesa": mesa.__version__,
        "load_average_at_start": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="1,2,3,4,5,6", help="comma-separated items")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and sizes")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    items = [s.strip() for s in args.only.split(",") if s.strip()]
    results: dict[str, object] = {"machine": machine()}
    print(f"machine: {results['machine']}", flush=True)
    runners = {"1": bench_default, "2": bench_scaling, "3": bench_floor, "6": bench_startup}
    for item in items:
        t0 = time.perf_counter()
        if item in runners:
            results[item] = runners[item](args.quick)
        elif item in ("4", "5"):
            import sweeps

            results[item] = sweeps.bench(item, args.quick)
        else:
            parser.error(f"unknown item {item!r}")
        print(f"item {item} done in {time.perf_counter() - t0:.0f}s", flush=True)
    print()
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=_plain))
    return 0


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)


if __name__ == "__main__":
    raise SystemExit(main())
