"""Where a default run's time goes: the profile behind issue 23's two unmet targets.

    .venv/bin/python benchmarks/breakdown.py [--runs 100] [--rounds 7]

A run of the default configuration is split into its unhurried twin (the rush cost's
counterfactual), the compiled kernels (timed around each call), persuasion within the
kernel's room-days, and the Python between kernel calls; and the ahead-of-time build of
the days' kernel is compared with numba's just-in-time one.

Each share is a ratio of two timings taken in alternation, round after round (A, B, A,
B, ...), over the same seeds: on a shared host whose speed drifts by tens of percent
within minutes, both sides of a ratio drift alike. The table gives each ratio's median
over the rounds and its range. CPU time of this process throughout.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout this script sits in, before any install

import numpy as np  # noqa: E402

from sim.config import compose_config  # noqa: E402
from sim.model.compiled import load  # noqa: E402
from sim.model.compiled.tables import Members, Rooms, Rules  # noqa: E402
from sim.model.session import Negotiation  # noqa: E402

RULES_AT = len(Members._fields) + len(Rooms._fields)  # `sit_meeting`'s rules argument
PERSUASION = Rules._fields.index("persuasion_rate")


def _cpu(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def _alternate(a: Callable[[], object], b: Callable[[], object], rounds: int) -> np.ndarray:
    """CPU seconds of `a` and `b`, alternated `rounds` times after one warm-up each."""
    a(), b()
    return np.array([(_cpu(a), _cpu(b)) for _ in range(rounds)])


class KernelClock:
    """Wraps the compiled entry points; adds up the seconds and the calls of each."""

    def __init__(self) -> None:
        self.entry = load.kernels()
        self.original = {name: getattr(self.entry, name) for name in load.ENTRY_POINTS}
        self.seconds = dict.fromkeys(load.ENTRY_POINTS, 0.0)
        self.calls = dict.fromkeys(load.ENTRY_POINTS, 0)
        self.recorded: list[list] = []  # sit_meeting's arguments, copied, while recording

    def __enter__(self) -> KernelClock:
        for name, kernel in self.original.items():
            setattr(self.entry, name, self._timed(name, kernel))
        return self

    def __exit__(self, *exc: object) -> None:
        for name, kernel in self.original.items():
            setattr(self.entry, name, kernel)

    def _timed(self, name: str, kernel: Callable) -> Callable:
        def timed(*args):
            if name == "sit_meeting" and len(self.recorded) < 400:
                self.recorded.append([_copy(x) for x in args])
            start = time.perf_counter()
            out = kernel(*args)
            self.seconds[name] += time.perf_counter() - start
            self.calls[name] += 1
            return out

        return timed


def _copy(value: object) -> object:
    return value.copy() if isinstance(value, np.ndarray) else value


def _replay(kernel: Callable, calls: list[list], persuasion: bool = True) -> Callable[[], None]:
    """Sit every recorded meeting again on fresh copies (persuasion off if asked)."""

    def replay() -> None:
        for args in calls:
            fresh = [_copy(x) for x in args]
            if not persuasion:
                fresh[RULES_AT][PERSUASION] = 0.0
            kernel(*fresh)

    return replay


def _copies(calls: list[list]) -> Callable[[], None]:
    return lambda: [[_copy(x) for x in args] for args in calls]


def breakdown(runs: int, rounds: int) -> list[tuple[str, str, str]]:
    """The table's rows: (part, per run or per meeting, share and its range)."""
    full, no_twin = compose_config([]), compose_config(["measures.rush_cost=false"])
    seeds = range(runs)

    def runs_of(cfg):
        return lambda: [Negotiation(cfg, seed=s).run() for s in seeds]

    twin = _alternate(runs_of(full), runs_of(no_twin), rounds)
    per_run = twin[:, 0] / runs
    twin_share = 1.0 - twin[:, 1] / twin[:, 0]

    clock = KernelClock()
    kernel_share, sit_share, meetings = [], [], 0
    with clock:
        for _ in range(rounds):
            for name in clock.seconds:
                clock.seconds[name], clock.calls[name] = 0.0, 0
            wall = time.perf_counter()
            runs_of(full)()
            wall = time.perf_counter() - wall
            kernel_share.append(sum(clock.seconds.values()) / wall)
            sit_share.append(clock.seconds["sit_meeting"] / wall)
            meetings = clock.calls["sit_meeting"]
    calls = clock.recorded
    sit = clock.original["sit_meeting"]
    copying = np.median([_cpu(_copies(calls)) for _ in range(rounds)])
    persuade = _alternate(_replay(sit, calls), _replay(sit, calls, persuasion=False), rounds)
    persuade -= copying
    persuasion_share = 1.0 - persuade[:, 1] / persuade[:, 0]

    rows = [
        _row("a default run, its unhurried twin included", per_run * 1e3, "ms a run", None),
        _row("  its unhurried twin (rush cost)", per_run * twin_share * 1e3, "ms", twin_share),
        _row(
            "  the compiled kernels, all calls",
            per_run * np.array(kernel_share) * 1e3,
            "ms",
            np.array(kernel_share),
        ),
        _row(
            "    of which the days (`sit_meeting`)",
            per_run * np.array(sit_share) * 1e3,
            "ms",
            np.array(sit_share),
        ),
        _row(
            "      of which persuasion",
            per_run * np.array(sit_share) * persuasion_share * 1e3,
            "ms",
            np.array(sit_share) * persuasion_share,
        ),
    ]
    python = per_run * (1.0 - np.array(kernel_share)) / (meetings / runs)
    rows.append(
        _row(
            "  the rest (Python: set-up, meetings, measures), per meeting",
            python * 1e3,
            f"ms a meeting ({meetings / runs:.1f} meetings a run)",
            1.0 - np.array(kernel_share),
        )
    )
    if load.ahead_of_time():
        jit = load.just_in_time().sit_meeting
        both = _alternate(_replay(sit, calls), _replay(jit, calls), rounds) - copying
        ratio = both[:, 1] / both[:, 0]
        rows.append(
            (
                "`sit_meeting` ahead of time / just in time (their ratio: JIT / AOT)",
                f"{np.median(both[:, 0]) / len(calls) * 1e6:.0f} / "
                f"{np.median(both[:, 1]) / len(calls) * 1e6:.0f} us a meeting",
                f"{np.median(ratio):.2f}x ({ratio.min():.2f}-{ratio.max():.2f})",
            )
        )
    else:
        rows.append(("`sit_meeting` ahead of time / just in time", "not built (make kernels)", ""))
    return rows


def _row(part: str, values: np.ndarray, unit: str, share: np.ndarray | None) -> tuple:
    figure = f"{np.median(values):.2f} {unit}"
    if share is None:
        return part, figure, "100%"
    return part, figure, f"{np.median(share):.0%} ({share.min():.0%}-{share.max():.0%})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100, help="seeds per timing (default 100)")
    parser.add_argument("--rounds", type=int, default=7, help="alternations (default 7)")
    args = parser.parse_args()
    if args.runs < 1 or args.rounds < 1:
        parser.error("--runs and --rounds must be 1 or more")
    print(f"load average at the start: {os.getloadavg()[0]:.2f}")
    print("| part | time | share of a run (range over rounds) |\n|---|---|---|")
    for part, figure, share in breakdown(args.runs, args.rounds):
        print(f"| {part} | {figure} | {share} |")


if __name__ == "__main__":
    main()
