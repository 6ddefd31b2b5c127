"""numba for the kernel modules: `njit` with the on-disk cache in the sources' folder.

Imported by every kernel module before it defines a kernel, so the cache folder
(`sim.model.compiled.cache_dir`, named by the hash of all the kernels' sources) is set
before numba looks for a cached kernel.
"""

from __future__ import annotations

import numba

from sim.model.compiled import cache_dir

__all__ = ["njit"]

numba.config.CACHE_DIR = str(cache_dir())


def njit(function):
    """`numba.njit`, cached on disk (no fastmath: numpy's arithmetic, exactly)."""
    return numba.njit(cache=True)(function)
