"""How live the app feels: seconds to step one meeting and build every view.

    .venv/bin/python benchmarks/app_step.py [--repeats 3] [--scenario ahc_cybercrime]

Steps the default design of `sim.app` (one design; `--side-by-side` adds design B) to
the end of the negotiation, building every view after each meeting as the page does
(`sim.app.figures.every_view`: attendance heatmap, rooms, draft text, pressure and
budget, voice), and prints the median and the slowest step. The browser adds Plotly's drawing on top
(tests/test_app_browser.py drives it, untimed).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _one_negotiation(side_by_side: bool, scenario: str | None) -> list[float]:
    from sim.app import figures
    from sim.app.designs import default_setup, with_design
    from sim.app.state import Session

    setup = default_setup(scenario)
    if side_by_side:  # design B: the open plenary, on the same seed
        setup = with_design(setup, "B", process="open_plenary")
    session = Session(setup)
    seconds = []
    while not session.finished:
        start = time.perf_counter()
        session.step()
        figures.every_view(session.views())
        seconds.append(time.perf_counter() - start)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scenario", default=None)
    parser.add_argument("--side-by-side", action="store_true")
    args = parser.parse_args(argv)
    _one_negotiation(args.side_by_side, args.scenario)  # warm imports and templates
    seconds = [
        s for _ in range(args.repeats) for s in _one_negotiation(args.side_by_side, args.scenario)
    ]
    print(
        f"app step + views ({'two designs' if args.side_by_side else 'one design'}, "
        f"{len(seconds)} meetings): median {statistics.median(seconds) * 1e3:.0f} ms, "
        f"slowest {max(seconds) * 1e3:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
