"""Threads: every thread count gives the same bits (the C kernels cut rows and long rows into fixed
tiles and chunks, element-wise inputs into fixed blocks; the threads only decide who computes which),
on rows across the split and chunk boundaries, edge rows and batches included."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from test_c_target import _define

from softproof.generated import softmax_c

SPLIT, PART = _define("SP_SPLIT"), _define("SP_PART")


def _openmp() -> bool:
    before = softmax_c.num_threads()
    softmax_c.set_num_threads(3)
    threaded = softmax_c.num_threads() == 3
    softmax_c.set_num_threads(before)
    return threaded


def _inputs() -> list[tuple[str, np.ndarray]]:
    rng = np.random.default_rng(23)
    out = []
    for n in (SPLIT - 1, SPLIT, SPLIT + 1, 3 * PART + 17, 5 * PART + 3):
        x = rng.normal(size=n) * 4
        x[n // 3] = 30.0  # the max inside one chunk
        out.append((f"row {n}", x))
    late = rng.normal(size=SPLIT + 99)
    late[-7] = np.inf  # +inf in the last chunk: ties
    out.append(("+inf late", late))
    runs = rng.normal(size=3 * PART + 5)
    runs[PART - 50: 2 * PART + 50] = -np.inf  # -inf over a whole chunk and across two boundaries
    out.append(("-inf runs", runs))
    nan = rng.normal(size=SPLIT + 5)
    nan[PART + 1] = np.nan
    out.append(("NaN", nan))
    out.append(("batch", rng.normal(size=(300, 1000)) * 3))
    out.append(("short rows", rng.normal(size=(40000, 7))))
    return out


def _results(inputs: list[tuple[str, np.ndarray]]) -> dict[str, bytes]:
    calls: dict[str, Callable[[np.ndarray], Any]] = {
        "softmax": softmax_c.softmax,
        "log_softmax": softmax_c.log_softmax,
        "logsumexp": softmax_c.logsumexp,
        "softmax T=0.37": lambda x: softmax_c.softmax(x, temperature=0.37),
        "log_softmax T=3.3": lambda x: softmax_c.log_softmax(x, temperature=3.3),
        "logsumexp T=0.37": lambda x: softmax_c.logsumexp(x, temperature=0.37),
        "softmax float32": lambda x: softmax_c.softmax(x.astype(np.float32)),
        "logsumexp float32": lambda x: softmax_c.logsumexp(x.astype(np.float32)),
        "cross_entropy_with_grad": lambda x: np.concatenate([np.ravel(v) for v in softmax_c.cross_entropy_with_grad(
            np.atleast_2d(x), np.zeros(np.atleast_2d(x).shape[0], dtype=np.int64))]),
        # element-wise: blocks in parallel above 65536 entries
        "sigmoid": softmax_c.sigmoid, "log_sigmoid": softmax_c.log_sigmoid, "softplus": softmax_c.softplus,
        "log1mexp": lambda x: softmax_c.log1mexp(-np.abs(x)), "logit": lambda x: softmax_c.logit(1 / (1 + np.exp(-x))),
        "sigmoid float32": lambda x: softmax_c.sigmoid(x.astype(np.float32)),
        "log_sigmoid float32": lambda x: softmax_c.log_sigmoid(x.astype(np.float32)),
    }
    return {f"{name}: {label}": np.asarray(call(x)).tobytes() for label, x in inputs for name, call in calls.items()}


@pytest.mark.skipif(not _openmp(), reason="the C library was built without OpenMP")
def test_every_thread_count_gives_the_same_bits() -> None:
    inputs = _inputs()
    before = softmax_c.num_threads()
    try:
        softmax_c.set_num_threads(1)
        reference = _results(inputs)
        for threads in (2, 3, 7):
            softmax_c.set_num_threads(threads)
            got = _results(inputs)
            different = [key for key in reference if got[key] != reference[key]]
            assert not different, (threads, different)
    finally:
        softmax_c.set_num_threads(before)


def test_a_bad_thread_count_is_refused() -> None:
    for bad in (0, -1, 4097, 2.5, True):
        with pytest.raises(ValueError, match="threads must be an integer from 1 to 4096"):
            softmax_c.set_num_threads(bad)  # type: ignore[arg-type]
