"""Compile the kernels ahead of time into an extension module (`make setup`).

numba's `pycc` compiles the entry points (`sim.model.compiled.load.ENTRY_POINTS`)
from the same Python functions the just-in-time path compiles, for the argument types
a run passes (read off the just-in-time compilation of a short negotiation, so the two
cannot disagree), into `sim/model/compiled/_aot*.so`, and writes the sources' hash
beside it (`_aot.stamp`). Needs a C compiler and setuptools; without them the kernels
stay just in time. `pycc` is pending deprecation in numba (since 0.57, still shipped in
0.68): if numba drops it, the build fails and the just-in-time path is used.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from sim.model.compiled import HERE, source_hash
from sim.model.compiled.load import AOT_MODULE, just_in_time, stamp_path

__all__ = ["build_ahead_of_time"]


def build_ahead_of_time() -> Path:
    """Build `_aot` from the just-in-time kernels' signatures (run a negotiation first)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pycc's pending deprecation
        from numba.pycc import CC

    compiler = CC(AOT_MODULE)
    compiler.output_dir = str(HERE)
    compiler.verbose = False
    for name, dispatcher in vars(just_in_time()).items():
        signatures = dispatcher.nopython_signatures
        if len(signatures) != 1:
            raise RuntimeError(f"{name} was compiled for {len(signatures)} signatures, not one")
        compiler.export(name, signatures[0])(dispatcher.py_func)
    stamp_path().unlink(missing_ok=True)  # a half-built module is never taken as current
    compiler.compile()
    stamp_path().write_text(source_hash() + "\n")
    return next(HERE.glob(f"{AOT_MODULE}.*.so"), HERE / AOT_MODULE)
