"""Sums in numpy's order, so compiled kernels give numpy's numbers bit for bit.

Floating-point addition is not associative: a kernel that summed in its own order
would change the last bits of a total and, through the dynamics, every row. numpy
sums in one of two orders, and these functions reproduce both:

- along the contiguous (last) axis, and for any 1-d array, **pairwise**: blocks of 8
  accumulators under 128 elements, halves above (`pairwise_sum`, numpy's
  `pairwise_sum` of `loops_utils.h`);
- along the first axis of a 2-d C array with more than one column, **row after row**
  (`column_sum`); with one column numpy sees a 1-d array and sums it pairwise.

`tests/test_compiled.py` checks both against numpy on random arrays of every length.
"""

from __future__ import annotations

import numpy as np

from sim.model.compiled.jit import njit

__all__ = ["column_sum", "pairwise_sum"]


@njit
def _block_sum(values, start: int, n: int) -> float:
    """A sum of at most 128 elements as numpy does it: 8 accumulators, then one by one."""
    if n < 8:
        res = 0.0
        for i in range(start, start + n):
            res += values[i]
        return res
    r0, r1, r2, r3 = values[start], values[start + 1], values[start + 2], values[start + 3]
    r4, r5, r6, r7 = values[start + 4], values[start + 5], values[start + 6], values[start + 7]
    i = 8
    stop = n - (n % 8)
    while i < stop:
        b = start + i
        r0 += values[b]
        r1 += values[b + 1]
        r2 += values[b + 2]
        r3 += values[b + 3]
        r4 += values[b + 4]
        r5 += values[b + 5]
        r6 += values[b + 6]
        r7 += values[b + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += values[start + i]
        i += 1
    return res


@njit
def pairwise_sum(values, start: int, n: int) -> float:
    """Sum of `values[start:start + n]` (1-d, any stride) in numpy's pairwise order.

    Above 128 elements numpy sums each half (cut at a multiple of 8) and adds the two;
    the halving is walked here with an explicit stack (numba caches no recursion).
    """
    if n <= 128:
        return _block_sum(values, start, n)
    first = np.empty(64, dtype=np.int64)  # a node: its span and how far it has got
    size = np.empty(64, dtype=np.int64)
    stage = np.empty(64, dtype=np.int64)
    left = np.empty(64)
    first[0], size[0], stage[0] = start, n, 0
    top = 1
    total = 0.0
    while top:
        node = top - 1
        m = size[node]
        half = m // 2
        half -= half % 8
        if m > 128 and stage[node] < 2:  # descend into the left half, then the right
            child = top
            first[child] = first[node] + (half if stage[node] else 0)
            size[child] = m - half if stage[node] else half
            stage[child] = 0
            stage[node] += 1
            top += 1
            continue
        value = left[node] + total if m > 128 else _block_sum(values, first[node], m)
        top -= 1
        if top and stage[top - 1] == 1:  # a left half: keep it until its right half is in
            left[top - 1] = value
        total = value
    return total


@njit
def column_sum(matrix, rows: int, column: int, columns: int) -> float:
    """`matrix[:rows].sum(axis=0)[column]` as numpy sums a C array of `columns` columns."""
    if columns == 1:
        return pairwise_sum(matrix[:, 0], 0, rows)
    total = matrix[0, column]
    for i in range(1, rows):
        total += matrix[i, column]
    return total
