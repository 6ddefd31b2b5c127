"""Build the compiled kernels' on-disk cache: `python -m sim.model.compiled` (`make setup`).

Runs a short negotiation with every room layout the kernels meet (friends of the
chair with remote participation) and a default one (with consultations) on
`kernels=compiled`, which compiles every kernel for the argument types every run
passes and writes them to `sim.model.compiled.cache_dir()`, and removes the caches of
earlier versions of the kernels. Later processes load them in a fraction of a second.
"""

from __future__ import annotations

import shutil
import time

from sim.model.compiled import cache_dir

__all__ = ["main"]


def main() -> int:
    from sim.config import compose_config
    from sim.model.session import Negotiation

    for stale in cache_dir().parent.glob("kernels-*"):  # earlier versions of the kernels
        if stale != cache_dir():
            shutil.rmtree(stale, ignore_errors=True)
    start = time.perf_counter()
    for overrides in (["scenario=small", "process=friends_of_chair", "funding=hybrid"], []):
        Negotiation(compose_config(overrides), seed=0, kernels="compiled").run()
    seconds = time.perf_counter() - start
    print(f"compiled kernels ready in {cache_dir()} ({seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
