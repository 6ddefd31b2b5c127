"""Build the compiled kernels: `python -m sim.model.compiled` (`make setup`, `make kernels`).

Compiles every kernel just in time by running a short negotiation with every room
layout the kernels meet (friends of the chair with remote participation) and a default
one (with consultations), which writes numba's cache (`sim.model.compiled.cache_dir()`,
removing the caches of earlier versions of the kernels); then compiles them ahead of
time into `_aot` from the signatures those runs used (`sim.model.compiled.build`). A
failed ahead-of-time build is reported and leaves the just-in-time kernels in use.
"""

from __future__ import annotations

import os
import shutil
import sys
import time

__all__ = ["main"]


def main() -> int:
    os.environ["SIM_AOT"] = "0"  # compile just in time first: the build reads its signatures
    from sim.config import compose_config
    from sim.model.compiled import cache_dir
    from sim.model.session import Negotiation

    for stale in cache_dir().parent.glob("kernels-*"):  # earlier versions of the kernels
        if stale != cache_dir():
            shutil.rmtree(stale, ignore_errors=True)
    start = time.perf_counter()
    for overrides in (["scenario=small", "process=friends_of_chair", "funding=hybrid"], []):
        Negotiation(compose_config(overrides), seed=0, kernels="compiled").run()
    print(f"just in time: {cache_dir()} ({time.perf_counter() - start:.1f} s)")
    start = time.perf_counter()
    try:
        from sim.model.compiled.build import build_ahead_of_time

        built = build_ahead_of_time()
    except Exception as err:  # no compiler, no setuptools, no pycc: stay just in time
        print(f"ahead of time: not built ({type(err).__name__}: {err}); just in time it is",
              file=sys.stderr)  # fmt: skip
        return 0
    print(f"ahead of time: {built} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
