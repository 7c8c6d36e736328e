r"""Speed: the generated C and NumPy kernels beside scipy.special, a plain NumPy max-shift, torch and jax.

Every implementation runs on the very same array; runs are interleaved (one sample of each
implementation in turn, repeated), each sample calls the function enough times to last at
least ``MIN_SAMPLE`` seconds, and the median sample is reported. Every implementation allocates
its result, as scipy does; "softproof C, out=" is the same C writing into one preallocated array
(for the kernels with an ``out`` parameter). A copy of the input array is timed the same way: the memory floor (a softmax must read its input twice and
write its output once, so its floor is about 1.5 copies). Ratios are taken within one run.
"""

from __future__ import annotations

import functools
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

import numpy as np

from softproof.codegen.api import FUNCTIONS, by_name

from .implementations import FAST_TIER, SOFTPROOF, TEXTBOOK, implementations

__all__ = ["ALONG_AXIS", "FAST", "KERNELS", "MAX_SIZE", "OPTIONAL", "TIERS", "Timing", "cases", "parse_shape", "pin_to_one_core", "run", "shape_cases", "table"]

KERNELS = tuple(f.name for f in FUNCTIONS if f.has_kernel)  # the functions with C kernels (codegen/api.py)
MIN_SAMPLE = 0.002  # seconds
MAX_SIZE = 10**9  # entries: 8 GB of float64 per array, and the input is copied; beyond it no run is useful
COPY = "copy (memory floor)"
REUSED = "softproof C, out="  # the same kernels writing into a preallocated array: no page faults of a fresh output
FAST = FAST_TIER  # the same C with precision="fast" (run(tiers=("fast",))): its own speed-up columns
TIERS = ("accurate", "fast")
# every implementation in the tables' column order; the ones ``run(only=...)`` may keep or leave out
ORDER = (SOFTPROOF[0], FAST, REUSED, SOFTPROOF[1], "scipy.special", TEXTBOOK, "torch", "jax", COPY)
OPTIONAL = tuple(name for name in ORDER if name not in (SOFTPROOF[0], FAST, COPY))
PEERS = ("scipy.special", "torch", "jax")  # the tables' speed-up columns
WITH_OUT = tuple(f.name for f in FUNCTIONS if f.has_out)


ALONG_AXIS = tuple(f.name for f in FUNCTIONS if f.has_kernel and f.form.name in ("rows", "reduce"))  # take --axis


@dataclass(frozen=True)
class Case:
    kernel: str
    dtype: str
    shape: tuple[int, ...]
    axis: int = -1  # the reduced axis (the row kernels; the others run along the last)

    @property
    def label(self) -> str:
        if len(self.shape) == 2 and self.axis in (-1, 1):
            return f"{self.shape[0]} rows x {self.shape[1]}"
        if len(self.shape) == 1:
            return f"n = {self.shape[0]:.0e}".replace("e+0", "e")
        return " x ".join(str(d) for d in self.shape) + f", axis {self.axis % len(self.shape)}"


@dataclass
class Timing:
    kernel: str
    dtype: str
    shape: tuple[int, ...]
    implementation: str
    seconds: float  # median of the samples, per call
    ns_per_element: float
    axis: int = -1

    def to_json(self) -> dict[str, object]:
        out = asdict(self)
        out["shape"] = list(self.shape)
        return out


def cases(sizes: tuple[int, ...], row_length: int, kernels: tuple[str, ...], dtypes: tuple[str, ...]) -> list[Case]:
    """One case per kernel x dtype x size (a single row; the reductions over it), plus rows x ``row_length``."""
    out = []
    for kernel in kernels:
        for dtype in dtypes:
            for size in sizes:
                if by_name(kernel).form.name.startswith("target"):
                    continue  # a loss over one example of 1e7 classes is not a use case; rows below
                out.append(Case(kernel, dtype, (size,)))
            for size in sizes:
                if size >= 10 * row_length and row_length > 0:
                    out.append(Case(kernel, dtype, (size // row_length, row_length)))
    return out


def parse_shape(text: str) -> tuple[int, ...]:
    """``"1e6"`` or ``"1000000"`` (one row of that many entries), ``"4096x1000"`` (rows x entries) or more axes
    (``"32x128x128"``, for ``--axis``); ValueError names the bad text and the form expected."""
    parts = text.lower().replace(" ", "").split("x")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"--shape {text!r}: use N, ROWSxN or more axes, e.g. 1e6, 4096x1000 or 32x128x128") from None
    if any(not v.is_integer() or v < 1 for v in numbers):
        raise ValueError(f"--shape {text!r}: use whole numbers >= 1, e.g. 1e6, 4096x1000 or 32x128x128")
    return tuple(int(v) for v in numbers)


def shape_cases(shapes: tuple[tuple[int, ...], ...], kernels: tuple[str, ...], dtypes: tuple[str, ...], axis: int = -1) -> list[Case]:
    """One case per kernel x dtype x shape: the losses on 2-D shapes only (rows), and with an ``axis`` other than
    the last only the row kernels (ALONG_AXIS), along it; the element-wise kernels on any shape."""

    def timed(kernel: str, shape: tuple[int, ...]) -> bool:
        form = by_name(kernel).form.name
        if axis % len(shape) != len(shape) - 1:
            return kernel in ALONG_AXIS
        return len(shape) == 2 if form.startswith("target") else len(shape) <= 2 or form == "elementwise" or kernel in ALONG_AXIS

    return [Case(kernel, dtype, shape, axis) for kernel in kernels for dtype in dtypes for shape in shapes if timed(kernel, shape)]


def pin_to_one_core() -> int:
    """Run this process (and the threads every library starts from now on) on one core, the first
    allowed; returns it. Every implementation then has one core, whatever its own thread count
    (JAX's XLA thread pool included, which no setting after its start changes)."""
    import os

    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def _sample(call: Callable[[], object], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        call()
    return (time.perf_counter() - start) / number


def _calls(case: Case, impls: dict[str, dict[str, Callable[..., object]]], seed: int, with_out: bool = True) -> dict[str, Callable[[], object]]:
    rng = np.random.default_rng(seed)
    x = (3 * rng.standard_normal(case.shape)).astype(case.dtype)
    calls: dict[str, Callable[[], object]] = {COPY: x.copy}
    having = {name: funcs[case.kernel] for name, funcs in impls.items() if case.kernel in funcs}  # scipy has no softmax_backward
    form = by_name(case.kernel).form.name
    arguments: tuple[np.ndarray, ...] = (x,)
    if form.startswith("target"):
        arguments = (x, rng.integers(0, case.shape[-1], case.shape[0]).astype(np.int64))
    elif form == "pair":  # the probabilities of x and an upstream gradient
        p = np.exp(x - x.max(axis=-1, keepdims=True))
        p /= p.sum(axis=-1, keepdims=True)
        arguments = (p, rng.standard_normal(case.shape).astype(case.dtype))
    along = {"axis": case.axis} if case.kernel in ALONG_AXIS else {}  # every implementation's row functions take axis=
    calls.update({name: functools.partial(f, *arguments, **along) for name, f in having.items()})
    if case.kernel in WITH_OUT and "softproof C" in impls and with_out:
        reused = np.empty_like(x)
        calls[REUSED] = functools.partial(impls["softproof C"][case.kernel], x, out=reused, **along)
    return calls


def use_threads(threads: int) -> None:
    """The threads of the implementations that have a count: softproof C (bit-identical results for any
    count) and torch, when installed; scipy.special and NumPy run on one."""
    import importlib.util

    from softproof.generated import softmax_c

    softmax_c.set_num_threads(threads)
    if importlib.util.find_spec("torch") is not None:
        import torch

        torch.set_num_threads(threads)


def run(
    chosen: list[Case], repeats: int = 7, seed: int = 0,
    progress: Callable[[Iterator[Case], int], Iterator[Case]] | None = None,
    only: tuple[str, ...] = (),
    tiers: tuple[str, ...] = ("accurate",),
) -> list[Timing]:
    """Median seconds per call of every implementation on every case, interleaved; ``only``: these
    implementations besides softproof C and the copy (the ratios' references), when not empty; ``tiers``
    with "fast": softproof C with precision="fast" too (the kernels that have a fast kernel)."""
    impls = implementations(textbook=True)
    if "fast" not in tiers:
        del impls[FAST]
    if only:
        impls = {name: funcs for name, funcs in impls.items() if name in (*only, "softproof C", FAST)}
    with_out = not only or REUSED in only
    out: list[Timing] = []
    for case in {Case(c.kernel, c.dtype, (8, 10)) for c in chosen}:  # warm up: libraries loaded, code paged in
        for call in _calls(case, impls, seed, with_out).values():
            _sample(call, 3)
    iterator: Iterator[Case] = iter(chosen) if progress is None else progress(iter(chosen), len(chosen))
    for case in iterator:
        calls = _calls(case, impls, seed, with_out)
        numbers = {}
        for name, call in calls.items():  # warm up (builds, caches) and calibrate
            once = _sample(call, 1)
            numbers[name] = max(1, int(MIN_SAMPLE / max(once, 1e-9)))
        samples: dict[str, list[float]] = {name: [] for name in calls}
        for _ in range(repeats):
            for name, call in calls.items():
                samples[name].append(_sample(call, numbers[name]))
        size = int(np.prod(case.shape))
        for name, values in samples.items():
            median = statistics.median(values)
            out.append(Timing(case.kernel, case.dtype, case.shape, name, median, median / size * 1e9, case.axis))
    return out


def table(timings: list[Timing], markdown: bool = False) -> str:
    """Per case: milliseconds of each implementation, and softproof C's speed-up over each peer (the peer's
    time over softproof C's: above 1x softproof is faster); with the fast tier timed, its speed-ups too."""
    from .tables import render

    impls = [i for i in ORDER if any(t.implementation == i for t in timings)]
    peers = [i for i in PEERS if i in impls]
    fast = FAST in impls
    by_case: dict[tuple[str, str, tuple[int, ...], int], dict[str, Timing]] = {}
    for t in timings:
        by_case.setdefault((t.kernel, t.dtype, t.shape, t.axis), {})[t.implementation] = t
    rows = []
    for (kernel, dtype, shape, axis), by_impl in by_case.items():
        ours = by_impl["softproof C"].seconds
        label = Case(kernel, dtype, shape, axis).label
        cells = [f"{by_impl[i].seconds * 1e3:.3g}" if i in by_impl else "-" for i in impls]
        speedups = [f"{by_impl[i].seconds / ours:.2f}x" if i in by_impl else "-" for i in peers]
        if fast:
            speedups += [f"{by_impl[i].seconds / by_impl[FAST].seconds:.2f}x" if i in by_impl and FAST in by_impl else "-" for i in peers]
        copy = by_impl[COPY].seconds
        rows.append([kernel, dtype, label, *cells, *speedups, f"{ours / copy:.2f}"])
    fast_columns = [f"fast vs {i.split('.')[0]}" for i in peers] if fast else []
    return render(["kernel", "dtype", "size", *(f"{i} ms" for i in impls), *(f"C vs {i.split('.')[0]}" for i in peers),
                   *fast_columns, "C / copy"], rows, markdown)
