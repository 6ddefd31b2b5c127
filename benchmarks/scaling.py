"""The scaling figure of benchmarks/README.md: time per run, ours and the floor, log-log.

    .venv/bin/python benchmarks/scaling.py [--quick] [--out benchmarks/figures/scaling]

Left: time per run against delegations (193 to 50,000 synthetic delegations, every run
held to 8 meetings): the model as the command line and sweeps run it
(`sim.model.session.Negotiation`) and the bare floor (`floor.py`), both on the
compiled kernels. Right: wall time per run of a whole `python -m sim replications=R`
command (start-up, the runs, the tables and the files) against the replications per
job R, with the floor's compute per run beside it. Both sides compare like with like:
no unhurried twin (`measures.rush_cost=false`; the floor has none). Writes `<out>.png`
and `<out>.csv` (the plotted data) with the project's figure template and export
(sim.figures).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
from synthetic import synthetic_overrides  # noqa: E402

NO_TWIN = "measures.rush_cost=false"


def _fixed(meetings: int = 8) -> list[str]:
    return [
        f"scenario.calendar.meetings={meetings}",
        f"decision.earliest_tabling_meeting={meetings}",
        "decision.max_extensions=0",
        "cost.process_budget_usd=1e15",
        NO_TWIN,
    ]


def _median_s(fn, reps: int) -> float:
    fn(0)  # warm-up
    times = []
    for i in range(reps):
        t0 = time.perf_counter()
        fn(i + 1)
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def by_delegations(quick: bool) -> list[dict]:
    from floor import floor_run

    from sim.api import compose_config
    from sim.model.session import Negotiation

    sizes = [193, 1000, 10_000] if quick else [193, 1000, 5000, 10_000, 50_000]
    reps = {193: 15, 1000: 7, 5000: 3, 10_000: 3, 50_000: 1}
    rows = []
    for n in sizes:
        cfg = compose_config([*synthetic_overrides(n), *_fixed()])
        ours = _median_s(lambda s, cfg=cfg: Negotiation(cfg, seed=s).run(), reps[n])
        bare = _median_s(lambda s, cfg=cfg: floor_run(cfg, s, kernels="compiled"), reps[n])
        rows.append({"panel": "delegations", "x": n, "ours_s": ours, "floor_s": bare})
        print(f"  {n:>6} delegations: ours {ours * 1e3:9.1f} ms, floor {bare * 1e3:9.1f} ms")
    return rows


def by_replications(quick: bool) -> list[dict]:
    from floor import floor_run

    from sim.api import compose_config

    cfg = compose_config([NO_TWIN])
    bare = _median_s(lambda s: floor_run(cfg, s, kernels="compiled"), 15)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in [1, 2, 5, 10, 20] if quick else [1, 2, 5, 10, 20, 50, 100]:
            walls = []
            for attempt in range(2 if r <= 20 else 1):
                cmd = [sys.executable, "-m", "sim", f"replications={r}", NO_TWIN]
                cmd += ["progress=false", f"hydra.run.dir={tmp}/r{r}_{attempt}"]
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=env)
                walls.append(time.perf_counter() - t0)
            ours = min(walls) / r
            rows.append({"panel": "replications", "x": r, "ours_s": ours, "floor_s": bare})
            print(f"  {r:>6} replications: ours {ours * 1e3:9.1f} ms/run, floor {bare * 1e3:.1f}")
    return rows


def figure(rows: list[dict]):
    import pandas as pd
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from sim.figures import TEMPLATE, TWO_COLUMN_IN, style_for

    data = pd.DataFrame(rows)
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.12,
        subplot_titles=("a. delegations (8 meetings, one run)", "b. replications per command"),
    )
    for col, panel in ((1, "delegations"), (2, "replications")):
        part = data[data.panel == panel]
        lines = (("ours_s", "ours"), ("floor_s", "bare floor (same kernels)"))
        for i, (key, name) in enumerate(lines):
            colour, dash, marker = style_for(i)
            fig.add_trace(
                go.Scatter(
                    x=part.x,
                    y=part[key] * 1e3,
                    name=name,
                    mode="lines+markers",
                    line={"color": colour, "dash": dash},
                    marker={"symbol": marker, "color": colour},
                    showlegend=col == 1,
                    legendgroup=name,
                ),
                row=1,
                col=col,
            )
        fig.update_xaxes(type="log", dtick=1, row=1, col=col)
        fig.update_yaxes(type="log", dtick=1, row=1, col=col)
    fig.update_xaxes(title_text="delegations", row=1, col=1)
    fig.update_xaxes(title_text="replications in one command", row=1, col=2)
    fig.update_yaxes(title_text="ms per run", row=1, col=1)
    fig.update_yaxes(title_text="ms per run (command wall / R)", row=1, col=2)
    fig.update_layout(
        template=TEMPLATE,
        legend={"orientation": "h", "x": 1.0, "xanchor": "right", "y": 1.0, "yanchor": "top"},
        margin={"t": 30, "b": 45},
    )
    fig.update_annotations(font_size=9)
    return fig, data, TWO_COLUMN_IN


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "figures" / "scaling")
    parser.add_argument("--redraw", action="store_true", help="redraw from <out>.csv")
    args = parser.parse_args()
    if args.redraw:
        import pandas as pd

        rows = pd.read_csv(args.out.with_name(args.out.name + ".csv")).to_dict("records")
    else:
        print(f"load average at start: {os.getloadavg()[0]:.1f}")
        rows = by_delegations(args.quick) + by_replications(args.quick)
    from sim.figures import save_figure

    fig, data, width = figure(rows)
    written = save_figure(fig, args.out, data, width, 3.0, formats=("png",), png_dpi=150)
    print("wrote", ", ".join(str(p) for p in written.values()))


if __name__ == "__main__":
    main()
