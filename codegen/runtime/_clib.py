"""The ctypes plumbing of the generated C module (hand-written, copied verbatim into generated/).

Builds ``c/softmax.c`` (package data next to this module) into a shared library on first use, loads it and
prepares arrays for its entry points: the reduced axes moved last and flattened into contiguous
``(rows, n)`` rows, the result moved back. The generated ``softmax_c.py`` lists the entry points
(from the function table, ``codegen/api.py``) and calls the :class:`Kernels` routine of each
function's form.

The library is compiled into a private cache folder (``_cache.py``: ``$SOFTPROOF_CACHE``, default
``~/.cache/softproof``, mode 0700, refused when another user owns it or others can write it),
keyed by a hash of the C source, the flags and the compiler, with ``$CC`` or the first of cc, gcc,
clang; a cached library is loaded only when it is ours and private, and checked by a smoke call. Flags: first
``-march=native -O3 -fno-trapping-math -fopenmp-simd -fopenmp`` (threads: results bit-identical for any
count, ``softmax.h``; GCC on x86-64 with ``-mprefer-vector-width=512`` first), then the same without ``-fopenmp``
(a compiler without an OpenMP runtime), then both without ``-march=native``, then plain ``-O2``; never
``-ffast-math``. ``SOFTPROOF_OPENMP=0`` leaves
``-fopenmp`` out; ``SOFTPROOF_PORTABLE=1`` forces the portable flags.
"""

from __future__ import annotations

import ctypes
import os
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # not POSIX: no build lock
    fcntl = None  # type: ignore[assignment]

import numpy
from numpy.typing import ArrayLike, NDArray

from . import _correct
from ._cache import build_key, cache_folder, untrusted
from ._checks import as_float, axes, check_out, deliver, half_dtype, narrow, refuse_masked, targets, temperature_value
from ._checks import slice_rows as _rows

__all__ = ["CompilerNotFoundError", "Kernels", "flag_sets", "library_path", "load", "source_files", "wide_vectors", "CTYPES"]

SOURCES = ("softmax.c", "softmax.h")  # package data of this package's c/ folder (importlib.resources)
ERRORS = {1: "temperature must be >= 0", 2: "a target is out of range"}
UNCERTIFIED = 4  # SOFTPROOF_UNCERTIFIED (softmax.h): every result written, some logsumexp row not decided (within 1 ULP; float32: correctly rounded)
CTYPES: Mapping[str, Any] = {"pointer": ctypes.c_void_p, "size": ctypes.c_size_t, "double": ctypes.c_double}
FLOAT64, FLOAT32, FLOAT16 = numpy.dtype(numpy.float64), numpy.dtype(numpy.float32), numpy.dtype(numpy.float16)
_FLOAT32_FORMAT = _correct.Format(FLOAT32)
BFLOAT16 = half_dtype("bfloat16")  # ml_dtypes' bfloat16 (JAX's), when installed
# scalar type -> entry point suffix: binary64, binary32, and the two 16-bit formats in uint16_t storage
SUFFIX: dict[Any, str] = {numpy.float64: "d", numpy.float32: "f", numpy.float16: "h"}
if BFLOAT16 is not None:
    SUFFIX[BFLOAT16.type] = "b"
_SIZE = ctypes.c_size_t


class CompilerNotFoundError(RuntimeError):
    """No C compiler to build the kernels with."""


def _compiler() -> str:
    for candidate in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if candidate and shutil.which(candidate):
            return candidate
    raise CompilerNotFoundError(
        "softproof's C kernels need a C compiler and none of $CC, cc, gcc, clang was found; "
        "install one (e.g. apt-get install gcc) or use softproof.generated.softmax_np"
    )


# -fno-trapping-math lets the vectoriser if-convert the branch-free selects of the kernels
# (no result changes: softproof never enables floating-point traps; no value-changing flag).
PORTABLE_FLAGS = ("-O3", "-std=c99", "-fno-trapping-math", "-fopenmp-simd", "-DSOFTPROOF_OMP_SIMD")
NATIVE_FLAGS = ("-march=native",) + PORTABLE_FLAGS
# GCC on x86-64: tuned for Intel's AVX-512 server parts (-mtune=skylake-avx512 ... sapphirerapids) it vectorises
# with 256-bit registers, half the lanes the machine has. The width changes which entries share a vector, never an
# entry's operations (no reduction is left to the vectoriser: every sum's order is written out), so the bits are the
# same (tests/test_rounding_order.py builds both). Measured on an Emerald Rapids Xeon, one core, every kernel and
# shape of issue 20: 0.99x-1.60x the speed at 256 bits (docs/bench.md). Where GCC's tuning already takes 512 bits
# (-mtune=generic, which -march=native kept on that Xeon's VM) the library is byte for byte the same; without
# AVX-512 the option changes nothing.
WIDE_VECTORS = ("-mprefer-vector-width=512",)
MINIMAL_FLAGS = ("-O2", "-std=c99")


def wide_vectors(compiler: str) -> tuple[str, ...]:
    """``WIDE_VECTORS`` for ``compiler`` on x86-64 unless it is Clang, else nothing (no other target knows the
    option). Clang is left at its own width: at 512 bits it was 1.1x-1.9x faster on long rows but 0.85x-1.07x, most
    below 1x, on rows of 10 and 50 (softmax, log_softmax, logsumexp, cross_entropy; docs/bench.md)."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return ()
    name = os.path.basename(os.path.realpath(shutil.which(compiler) or compiler))
    return () if "clang" in name else WIDE_VECTORS


def flag_sets(compiler: str | None = None) -> list[tuple[str, ...]]:
    """The flag sets to try with ``compiler`` (default: the one the build uses), best first (environment:
    SOFTPROOF_PORTABLE, SOFTPROOF_OPENMP): each with ``-fopenmp`` first (threads by default) unless
    ``SOFTPROOF_OPENMP=0``, then without it; the native flags with ``wide_vectors`` before them without (a
    compiler that does not know the option)."""
    wide = wide_vectors(compiler if compiler is not None else _compiler())
    openmp = [("-fopenmp",), ()] if os.environ.get("SOFTPROOF_OPENMP") != "0" else [()]
    native = [NATIVE_FLAGS + wide, NATIVE_FLAGS] if wide else [NATIVE_FLAGS]
    bases = [PORTABLE_FLAGS] if os.environ.get("SOFTPROOF_PORTABLE") == "1" else [*native, PORTABLE_FLAGS]
    return [base + extra for base in bases for extra in openmp] + [MINIMAL_FLAGS]


def library_path() -> Path:
    """Build the shared library if needed and return its path (the first flag set that compiles)."""
    error: RuntimeError | None = None
    compiler, files = _compiler(), source_files()  # once for every flag set tried
    for flags in flag_sets(compiler):
        try:
            return _build(flags, compiler, files)
        except RuntimeError as exc:
            error = exc
    assert error is not None  # flag_sets() is never empty
    raise error


def source_files() -> dict[str, bytes]:
    """The C source and header, read as package data (a zip or any importer works)."""
    folder = resources.files(__package__ or "softproof.generated").joinpath("c")
    return {name: folder.joinpath(name).read_bytes() for name in SOURCES}


def _build(flags: tuple[str, ...], compiler: str, files: dict[str, bytes]) -> Path:
    """The library of ``files`` built by ``compiler`` with ``flags``: the cached one if it may be trusted, else built
    now (atomically).

    Processes that need the same library at once (the workers of a test run, a pool's children) build
    it once: the build holds an exclusive lock on a file of the private cache folder named by the key,
    and a process that waited for it finds the library built (POSIX ``flock``; elsewhere each builds)."""
    folder, _ = cache_folder()
    key = build_key(files, flags, compiler)
    target = folder / f"libsoftproof-{key}.so"
    if target.exists() and untrusted(target, folder=False) is None:
        return target
    with open(folder / f".libsoftproof-{key}.lock", "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if target.exists() and untrusted(target, folder=False) is None:
            return target
        return _compile(files, flags, compiler, folder, target)


def _compile(files: dict[str, bytes], flags: tuple[str, ...], compiler: str, folder: Path, target: Path) -> Path:
    """Build the library into a temporary file of ``folder`` and move it to ``target``."""
    fd, tmp = tempfile.mkstemp(prefix=".libsoftproof-", suffix=".so", dir=folder)
    os.close(fd)
    with tempfile.TemporaryDirectory(prefix="softproof-build-") as build:
        for name, data in files.items():
            (Path(build) / name).write_bytes(data)
        command = [compiler, *flags, "-fPIC", "-shared", str(Path(build) / SOURCES[0]), "-o", tmp, "-lm"]
        try:
            subprocess.run(command, check=True, capture_output=True, text=True)
            os.chmod(tmp, 0o700)
            os.replace(tmp, target)  # replaces a foreign or broken file of that name too
        except subprocess.CalledProcessError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise RuntimeError(f"building the C kernels failed: {' '.join(command)}\n{exc.stderr}") from None
    return target


def load(signatures: Mapping[str, tuple[str, ...]], fast: tuple[str, ...] = ()) -> Kernels:
    """Build (or find) the library, load it and check it with a smoke call; a cached library that
    fails to load or to compute is removed and built again once."""
    path = library_path()
    try:
        kernels = Kernels(path, signatures, fast)
        if kernels.smoke():
            return kernels
    except (OSError, AttributeError):  # a truncated or foreign file, or one without our entry points
        pass
    path.unlink(missing_ok=True)
    kernels = Kernels(library_path(), signatures, fast)
    if not kernels.smoke():
        raise RuntimeError(f"the C kernels built at {kernels.path} fail their smoke test (softmax([0, 0]) != [0.5, 0.5])")
    return kernels


def _ptr(array: NDArray[Any]) -> int:
    """The address of a contiguous array's data. ctypes' ``from_buffer`` takes 0.25 us where
    ``array.ctypes.data`` takes 1 us (a quarter of a small call); it needs a writeable, non-empty
    buffer, so read-only and empty arrays take ``array.ctypes.data``."""
    try:
        return ctypes.addressof(ctypes.c_char.from_buffer(array))  # type: ignore[arg-type]  # an ndarray exports a buffer; numpy's stubs do not say so
    except (TypeError, ValueError):
        return int(array.ctypes.data)


def _last_axis(axis: object, ndim: int) -> bool:
    """True when ``axis`` names the last axis only (the fast path: no transpose, no copy)."""
    return ndim >= 1 and type(axis) is int and (axis == -1 or axis == ndim - 1)


def _restore(out_rows: NDArray[Any], rest: list[int], moved_shape: tuple[int, ...], axis: tuple[int, ...]) -> NDArray[Any]:
    moved = out_rows.reshape(moved_shape)
    order = rest + list(axis)
    return numpy.transpose(moved, numpy.argsort(order))


def _as_work(value: ArrayLike, name: str = "x") -> tuple[NDArray[Any], numpy.dtype[Any]]:
    """Like ``as_float`` but float32, float16 and bfloat16 input stays as it is (the kernels widen it)."""
    refuse_masked(value, name)
    array = numpy.asarray(value)
    kind = array.dtype.char
    if kind == "d":
        return array, FLOAT64
    if kind == "f":
        return array, FLOAT32
    if kind == "e" or (BFLOAT16 is not None and array.dtype == BFLOAT16):  # the 16-bit entry points read it as is
        return array, array.dtype
    return as_float(value, name)


def _work_dtype(dtype: numpy.dtype[Any]) -> numpy.dtype[Any]:
    if dtype is FLOAT64 or dtype is FLOAT32:  # the usual cases, without a dtype comparison
        return dtype
    if dtype == FLOAT16 or (BFLOAT16 is not None and dtype == BFLOAT16):  # the 16-bit entry points
        return dtype
    return FLOAT32 if dtype == FLOAT32 else FLOAT64


def _class_rows(x: NDArray[Any], target: ArrayLike, axis: Any, work: numpy.dtype[Any]) -> tuple[NDArray[Any], NDArray[Any], int, bool]:
    """For the cross-entropy kernels: the logits, the targets (checked once: the error names a bad one) as int64 in
    the other axes' C order, the class axis, and whether the kernels take that axis where it is
    (:meth:`Kernels.columns`; the logits then C-contiguous as they are) or the logits are the contiguous (rows, n)
    rows of ``work`` with the axis moved last (the last axis, 16-bit work, no entries, rows already in place)."""
    index, ax = targets(x, target, axis)
    flat_target = numpy.ascontiguousarray(numpy.squeeze(index, axis=ax), dtype=numpy.int64).reshape(-1)
    if _along_one_axis(x, (ax,), work) and x.size:
        return numpy.ascontiguousarray(x, dtype=work), flat_target, ax, True
    rows, _, _ = _rows(x, (ax,), work)
    return rows, flat_target, ax, False


def _redo_undecided(x: NDArray[Any], values: NDArray[Any], T: float, chosen: tuple[int, ...], dtype: numpy.dtype[Any],
                    wide: Callable[[NDArray[Any]], NDArray[Any]]) -> NDArray[Any]:
    r"""logsumexp's ``values`` over the axes ``chosen`` of ``x`` (the kernel's input), where the kernel returned
    SOFTPROOF_UNCERTIFIED: the rows it may have left undecided redone exactly (``softmax_np._logsumexp_exact``,
    mpmath, the precision doubled until the result rounds to one float32 for float32 results, else to one float64).

    Which rows: the kernel flags a row where its triple-double stage's bound
    :math:`B = (n + 64) 2^{-140} (|m| + T (L + 1))` exceeds :math:`2^{-53.5}|v|`, v the stage's double value, m the
    row's max (``logsumexp_exact_rows`` in softmax.c); :math:`L = \log(c + t) \le \log n` (c + t is a sum of n
    terms, each at most 1), so a flagged row has :math:`|v| < (n + 64) 2^{-86.5} (|m| + T(\log n + 1))`, up to the
    bound's own few roundings. The value written is v rounded to the result's format: at most twice |v| (a
    subnormal result rounding up) or 0, so within :math:`(n + 64) 2^{-85} (|m| + T(\log n + 1))`, the test taken
    here on every finite value. Rows the kernel did decide but within that are redone too (exactly, so only their
    time changes); the test runs only after the kernel flagged a row.

    A float32 result is flagged too where the triple-double stage's value lies within its error of a float32 midpoint
    (triple_float_decided), which its float32 value does not show: there the rows' float64 logsumexp (``wide``, the C
    kernel's over ``chosen`` with kept dims, :meth:`Kernels._wide_logsumexp`: within 1 ULP of a double,
    :math:`|v_{64} - \mathrm{LSE}| \le 2^{-52}|v_{64}|`) picks the rows whose
    interval :math:`v_{64} \pm (2^{-51}|v_{64}| + 2^{-1074})` holds a float32 midpoint, and those are redone as well;
    every other row's float32 value is the rounding of everything in that interval, the truth included, so the
    kernel's (correctly rounded where it decided) is it."""
    from . import _options  # imported on use: _options imports the generated modules, which import this one

    source = numpy.asarray(x, dtype=numpy.float64)
    n = int(numpy.prod([x.shape[a] for a in chosen], dtype=numpy.int64))
    kept = numpy.expand_dims(numpy.asarray(values, dtype=numpy.float64), chosen)
    numpy_target = _options._numpy_target()
    with numpy.errstate(invalid="ignore", over="ignore"):
        top = numpy.max(source, axis=chosen, keepdims=True)
        bound = (n + 64) * 2.0**-85 * (numpy.abs(top) + T * (numpy.log(n) + 1.0))
        redo = numpy.isfinite(kept) & (numpy.abs(kept) <= bound)
        if dtype == FLOAT32:
            double = numpy.asarray(wide(source), dtype=numpy.float64)
            radius = 2.0**-51 * numpy.abs(double) + 2.0**-1074
            redo |= numpy.isfinite(kept) & ~_correct.ends_agree(double - radius, double + radius, _FLOAT32_FORMAT)[1]
    if not numpy.any(redo):
        return values
    exact = numpy_target._logsumexp_exact(source, T, chosen, redo, kept.copy(), single=dtype == FLOAT32)
    result: NDArray[Any] = numpy.squeeze(numpy.asarray(exact), axis=chosen).astype(values.dtype)
    return result


def _along_one_axis(x: NDArray[Any], chosen: tuple[int, ...], work: numpy.dtype[Any]) -> bool:
    """True when the kernels take the axis where it is (:meth:`Kernels.columns`): one axis, not the last, float64 or
    float32 work (the 16-bit entry points convert rows; they keep the transposed copy), and x not already rows with
    that axis moved last (a transposed view, Fortran order: there moving the axis copies nothing, the kernel reads
    the rows as they are)."""
    if not (len(chosen) == 1 and chosen[0] < x.ndim - 1 and (work == FLOAT64 or work == FLOAT32)):
        return False
    return bool(x.flags.c_contiguous) or not numpy.moveaxis(x, chosen[0], -1).flags.c_contiguous


def _writes_directly(target: NDArray[Any] | None, rows: NDArray[Any]) -> bool:
    """True when the kernel can write into ``out`` itself: C-contiguous, of the working dtype (the
    kernels read each entry before writing it, so ``out`` may be the input); else the result goes
    to a fresh array that is copied into ``out``."""
    return target is not None and bool(target.flags.c_contiguous) and target.dtype == rows.dtype


class Kernels:
    """The entry points of a loaded library, and one routine per form of ``codegen/api.py``.

    ``signatures``: entry point name -> argument kinds (``pointer``, ``size``, ``double``); each
    is loaded for float64 (``_d``) and float32 (``_f``).
    """

    def __init__(self, library: Path, signatures: Mapping[str, tuple[str, ...]], fast: tuple[str, ...] = ()) -> None:
        self.path = library
        self.library = ctypes.CDLL(str(library))
        self.functions: dict[tuple[str, type], Any] = {}
        for name, kinds in signatures.items():
            for scalar, suffix in SUFFIX.items():
                function = getattr(self.library, f"softproof_{name}_{suffix}")
                function.argtypes = [CTYPES[kind] for kind in kinds]
                function.restype = ctypes.c_int
                self.functions[(name, scalar)] = function
        for name in fast:  # "<name>_fast": softproof_<name>_fast_f for float32, the accurate entry points otherwise
            function = getattr(self.library, f"softproof_{name}_fast_f")
            function.argtypes = [CTYPES[kind] for kind in signatures[name]]
            function.restype = ctypes.c_int
            for scalar in SUFFIX:
                self.functions[(f"{name}_fast", scalar)] = function if scalar is numpy.float32 else self.functions[(name, scalar)]
        for suffix in ("d", "f"):  # along another axis (columns, float64 and float32): the query's and the drivers' types, set once
            query = getattr(self.library, f"softproof_columns_direct_{suffix}")
            query.argtypes = [ctypes.c_void_p] * 3 + [ctypes.c_size_t, ctypes.c_size_t, ctypes.c_double]
            query.restype = ctypes.c_int
            for kind in ("", "_target", "_both"):
                getattr(self.library, f"softproof_columns{kind}_{suffix}").restype = ctypes.c_int

    def smoke(self) -> bool:
        """softmax([0, 0]) is [0.5, 0.5] in both dtypes: the library computes, not merely loads."""
        for dtype in (FLOAT64, FLOAT32):
            x = numpy.zeros(2, dtype)
            out = numpy.full(2, numpy.nan, dtype)
            if self.functions[("softmax", dtype.type)](_ptr(x), _ptr(out), 1, 2, 1.0) or not (out == 0.5).all():
                return False
        return True

    # the mergeable-state entry points (softmax.h, softproof_lse_state): name -> argument kinds
    STATE_SIGNATURES: Mapping[str, tuple[str, ...]] = {
        "lse_state_d": ("pointer", "pointer", "size", "size", "double"),
        "lse_merge": ("pointer", "pointer", "pointer", "size"),
        "lse_finish": ("pointer", "pointer", "pointer", "size"),
    }

    def logmeanexp_rows(self, rows: Any) -> tuple[Any, Any]:
        """logmeanexp of each row of a C-contiguous (rows, n) float64 array, n >= 1 (softproof_logmeanexp_d): the
        results and a boolean mask of the rows to redo exactly (neither of the kernel's stages certifies them)."""
        function = self.library.softproof_logmeanexp_d
        function.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t]
        function.restype = ctypes.c_int
        out = numpy.empty(rows.shape[0], FLOAT64)
        uncertain = numpy.zeros(rows.shape[0], numpy.uint8)
        if function(_ptr(rows), _ptr(out), _ptr(uncertain), _SIZE(rows.shape[0]), _SIZE(rows.shape[1])):
            raise ValueError(f"logmeanexp needs rows of at least one entry; got shape {rows.shape}")
        return out, uncertain.astype(bool)

    def decide_float32(self, y: Any, ulps: int, sign: int) -> tuple[Any, Any]:
        """precision="correct" (``_correct.decide``) for float32 results in one pass (softproof_decide_f): the float32
        nearest the exact values of the float64 results ``y`` (within ``ulps`` ULP) where decided, and which are not;
        ``sign`` +1 / -1 / 0 as there."""
        function = self.library.softproof_decide_f
        function.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_double, ctypes.c_int]
        function.restype = ctypes.c_size_t
        shape = numpy.shape(y)
        values = numpy.ascontiguousarray(y, FLOAT64).reshape(-1)  # a 0-d y too (ascontiguousarray makes it 1-d)
        out = numpy.empty(values.shape, FLOAT32)
        undecided = numpy.empty(values.shape, numpy.uint8)
        if values.size:
            function(_ptr(values), _ptr(out), _ptr(undecided), _SIZE(values.size), ctypes.c_double(float(ulps)), ctypes.c_int(sign))
        return out.reshape(shape), undecided.view(bool).reshape(shape)

    def rows_correct_float32(self, name: str, rows: Any, temperature: float, ulps: int) -> tuple[Any, Any]:
        """softmax or log_softmax (``name``) of a C-contiguous (rows, n) float32 array through
        softproof_<name>_correct_f: the float32 results, correctly rounded where decided, and which are not."""
        function = getattr(self.library, f"softproof_{name}_correct_f")
        function.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t,
                             ctypes.c_double, ctypes.c_double, ctypes.c_void_p]
        function.restype = ctypes.c_int
        out = numpy.empty(rows.shape, FLOAT32)
        undecided = numpy.empty(rows.shape, numpy.uint8)
        count = ctypes.c_size_t(0)
        status = function(_ptr(rows), _ptr(out), _ptr(undecided), _SIZE(rows.shape[0]), _SIZE(rows.shape[1]),
                          ctypes.c_double(float(temperature)), ctypes.c_double(float(ulps)), ctypes.byref(count)) if rows.size else 0
        if status:
            raise MemoryError(f"{name}: no memory for a work buffer") if status == 3 else ValueError(f"{name}: temperature must be >= 0; got {temperature!r}")
        return out, undecided.view(bool) if count.value else numpy.zeros(rows.shape, bool)

    def state_call(self, name: str, *arrays: Any) -> None:
        """Call a state entry point on contiguous arrays: ``lse_state_d(rows, out, T)`` with (rows, n)
        float64 rows, ``lse_merge(a, b, out)`` and ``lse_finish(states, out, bound)`` over flat arrays."""
        function = getattr(self.library, f"softproof_{name}")
        function.argtypes = [CTYPES[kind] for kind in self.STATE_SIGNATURES[name]]
        function.restype = ctypes.c_int
        if name == "lse_state_d":
            rows, out, T = arrays
            status = function(_ptr(rows), _ptr(out), _SIZE(rows.shape[0]), _SIZE(rows.shape[1]), ctypes.c_double(float(T)))
        else:
            status = function(*(_ptr(array) for array in arrays), _SIZE(arrays[0].shape[0]))
        if status:
            raise ValueError(f"{name}: a state needs one finite temperature > 0")

    def set_num_threads(self, threads: int) -> None:
        """The threads the kernels use from now on (any count gives the same bits)."""
        if isinstance(threads, bool) or not isinstance(threads, (int, numpy.integer)) or not 1 <= threads <= 4096:
            raise ValueError(f"threads must be an integer from 1 to 4096; got {threads!r}")
        self.library.softproof_set_num_threads.argtypes = [ctypes.c_int]
        self.library.softproof_set_num_threads(ctypes.c_int(int(threads)))

    def num_threads(self) -> int:
        """The threads the kernels use: set_num_threads, else SOFTPROOF_NUM_THREADS, else OpenMP's (1 without OpenMP)."""
        self.library.softproof_num_threads.restype = ctypes.c_int
        return int(self.library.softproof_num_threads())

    def columns(self, name: str, dtype: numpy.dtype[Any], x: NDArray[Any], axis: int, *, reduce: bool = False, temperature: float = 1.0,
                target: NDArray[Any] | None = None, both: bool = False, undecided: list[bool] | None = None) -> tuple[NDArray[Any], ...]:
        """The row kernel ``name`` along ``axis`` (not the last) of the C-contiguous ``x`` of ``dtype``, through
        softproof_columns[_target|_both]_<d|f>, every result that of the column alone as a row: the values (x's shape
        without that axis) where ``reduce``, else the rows of results in x's shape (cross_entropy_with_grad, ``both``:
        the losses, then the gradient). Where the kernel runs down the columns where they are
        (softproof_columns_direct_<d|f>) the rows come in x's layout, C-contiguous; elsewhere the kernel gathers the
        columns into rows and the rows come as its results, a view with the axis moved back (no transposition).
        ``target``: the class indices (int64) in the order of the rows (the other axes' C order; the cross-entropy
        kernels take no temperature). ``undecided`` (logsumexp): True is appended where the kernel returns
        SOFTPROOF_UNCERTIFIED (:meth:`reduce` then redoes those rows exactly)."""
        outer, n = int(numpy.prod(x.shape[:axis], dtype=numpy.int64)), x.shape[axis]
        inner = int(numpy.prod(x.shape[axis + 1:], dtype=numpy.int64))
        sfx, kernel = SUFFIX[dtype.type], ctypes.cast(self.functions[(name, dtype.type)], ctypes.c_void_p)
        kind = "" if target is None else "_both" if both else "_target"
        slots = [kernel if slot == kind else None for slot in ("", "_target", "_both")]
        direct = bool(getattr(self.library, f"softproof_columns_direct_{sfx}")(*slots, n, inner, temperature))
        kept = x.shape[:axis] + x.shape[axis + 1:]
        rows_shape = x.shape if direct else kept + (n,)
        outputs = ((numpy.empty(kept, dtype=dtype),) if reduce else
                   (numpy.empty(kept, dtype=dtype), numpy.empty(rows_shape, dtype=dtype)) if both else (numpy.empty(rows_shape, dtype=dtype),))
        pointers = [ctypes.c_void_p(_ptr(array)) for array in outputs]
        sizes, layout = (_SIZE(outer), _SIZE(n), _SIZE(inner)), ctypes.c_int(int(direct))  # SOFTPROOF_AS_INPUT: 1, AS_ROWS: 0
        driver = getattr(self.library, f"softproof_columns{kind}_{sfx}")
        source = ctypes.c_void_p(_ptr(x))
        if target is None:
            status = driver(kernel, ctypes.c_int(int(reduce)), source, *pointers, *sizes, ctypes.c_double(temperature), layout)
        elif both:
            status = driver(kernel, source, ctypes.c_void_p(target.ctypes.data), *pointers, *sizes, layout)
        else:
            status = driver(kernel, ctypes.c_int(int(reduce)), source, ctypes.c_void_p(target.ctypes.data), *pointers, *sizes, layout)
        if status == UNCERTIFIED and undecided is not None:
            undecided.append(True)
        elif status:
            raise MemoryError(f"{name}: no memory for a work buffer") if status == 3 else ValueError(
                f"{name.removesuffix('_fast')}: {ERRORS.get(status, f'error {status}')}")
        return tuple(array if array.ndim < x.ndim or direct else numpy.moveaxis(array, -1, axis) for array in outputs)

    def call(self, name: str, dtype: numpy.dtype[Any], *args: Any) -> bool:
        """Call an entry point; a non-zero status becomes a ``ValueError`` naming it, but SOFTPROOF_UNCERTIFIED
        (logsumexp: every result written, some row not decided), for which it returns True."""
        status = self.functions[(name, dtype.type)](*args)
        if status and status != UNCERTIFIED:
            raise ValueError(f"{name.removesuffix('_fast')}: {ERRORS.get(status, f'error {status}')}")
        return bool(status)

    def rows(self, name: str, x: ArrayLike, axis: Any, temperature: object, out: object) -> Any:
        """Row-wise, result of the input's shape (softmax, log_softmax)."""
        source = x
        x, dtype = _as_work(x)
        target = check_out(out, source, x.shape, dtype)
        if _last_axis(axis, x.ndim) and x.size:
            T = temperature_value(temperature)
            work = _work_dtype(dtype)
            rows = numpy.ascontiguousarray(x, dtype=work)
            direct = _writes_directly(target, rows)
            result = target if direct and target is not None else numpy.empty_like(rows)
            n = rows.shape[-1]
            self.call(name, work, _ptr(rows), _ptr(result), rows.size // n, n, T)
            return result if direct else deliver(narrow(result, dtype, copy=False), target)
        chosen = axes(axis, x.ndim)
        T = temperature_value(temperature)
        if x.size == 0:
            return deliver(narrow(x, dtype, copy=False), target)
        work = _work_dtype(dtype)
        if _along_one_axis(x, chosen, work):
            ax = chosen[0]
            (result,) = self.columns(name, work, numpy.ascontiguousarray(x, dtype=work), ax, temperature=T)
            return deliver(narrow(result, dtype, copy=False), target)
        rows, rest, shape = _rows(x, chosen, work)
        result = numpy.empty_like(rows)
        self.call(name, work, _ptr(rows), _ptr(result), _SIZE(rows.shape[0]), _SIZE(rows.shape[1]), ctypes.c_double(T))
        return deliver(narrow(_restore(result, rest, shape, chosen), dtype, copy=False), target)

    def _wide_logsumexp(self, chosen: tuple[int, ...], T: float) -> Callable[[NDArray[Any]], NDArray[Any]]:
        """The float64 logsumexp over ``chosen`` (kept dims) by this library's accurate kernel: the float64 values by which
        :func:`_redo_undecided` finds the float32 rows flagged near a midpoint."""
        return lambda a: numpy.asarray(self.reduce("logsumexp", numpy.asarray(a, dtype=numpy.float64), chosen, True, T))

    def reduce(self, name: str, x: ArrayLike, axis: Any, keepdims: bool, temperature: object) -> Any:
        """Row-wise, one value per row (logsumexp); the rows the kernel leaves undecided redone exactly
        (:func:`_redo_undecided`)."""
        x, dtype = _as_work(x)
        if _last_axis(axis, x.ndim) and x.shape[-1] and not keepdims:
            T = temperature_value(temperature)
            work = _work_dtype(dtype)
            rows = numpy.ascontiguousarray(x, dtype=work)
            out = numpy.empty(x.shape[:-1], dtype=work)
            n = rows.shape[-1]
            if self.call(name, work, _ptr(rows), _ptr(out), rows.size // n, n, T):
                out = _redo_undecided(rows, out, T, (x.ndim - 1,), dtype, self._wide_logsumexp((x.ndim - 1,), T))
            return narrow(out, dtype, copy=False)[()]
        chosen = axes(axis, x.ndim)
        T = temperature_value(temperature)
        work = _work_dtype(dtype)
        if _along_one_axis(x, chosen, work) and x.size:
            undecided: list[bool] = []
            source = numpy.ascontiguousarray(x, dtype=work)
            (values,) = self.columns(name, work, source, chosen[0], reduce=True, temperature=T, undecided=undecided)
            if undecided:
                values = _redo_undecided(source, values, T, chosen, dtype, self._wide_logsumexp(chosen, T))
            return narrow(numpy.expand_dims(values, chosen) if keepdims else values, dtype, copy=False)[()]
        rows, rest, shape = _rows(x, chosen, work)
        out = numpy.empty(rows.shape[0], dtype=work)
        if self.call(name, work, _ptr(rows), _ptr(out), _SIZE(rows.shape[0]), _SIZE(rows.shape[1]), ctypes.c_double(T)):
            out = _redo_undecided(rows, out, T, (1,), dtype, self._wide_logsumexp((1,), T))
        result: NDArray[Any] = out.reshape(tuple(shape[: len(rest)]))
        if keepdims:
            result = numpy.expand_dims(result, chosen)
        return narrow(numpy.asarray(result), dtype, copy=False)[()]

    def elementwise(self, name: str, x: ArrayLike, out: object) -> Any:
        """Entry by entry over the whole array (sigmoid, log_sigmoid, softplus)."""
        source = x
        x, dtype = _as_work(x)
        target = check_out(out, source, x.shape, dtype)
        work = _work_dtype(dtype)
        flat = numpy.ascontiguousarray(x, dtype=work)  # C order: the kernel sees one flat run
        direct = _writes_directly(target, flat)
        result = target if direct and target is not None else numpy.empty(x.shape, work)
        self.call(name, work, _ptr(flat), _ptr(result), _SIZE(flat.size))
        if direct:
            return target
        result = narrow(result, dtype, copy=False)
        return deliver(result[()] if result.ndim == 0 else result, target)

    def with_target(self, name: str, logits: ArrayLike, target: ArrayLike, axis: Any, reduce: bool) -> Any:
        """Row-wise with one class index per row (cross_entropy: one value per row; its gradient: rows)."""
        x, dtype = _as_work(logits, "logits")
        work = _work_dtype(dtype)
        indices = numpy.asarray(target)
        if _last_axis(axis, x.ndim) and x.size and indices.dtype.kind in "iu" and indices.shape == x.shape[:-1]:
            # the fast path: classes on the last axis; the kernel checks the range of the targets
            rows = numpy.ascontiguousarray(x, dtype=work)
            flat_target = numpy.ascontiguousarray(indices, dtype=numpy.int64)
            out = numpy.empty(x.shape[:-1] if reduce else x.shape, dtype=work)
            n = x.shape[-1]
            if self.functions[(name, work.type)](_ptr(rows), flat_target.ctypes.data, _ptr(out), rows.size // n, n):
                targets(x, target, axis)  # raises the error that names the bad target
                raise ValueError(f"{name}: a target is out of range")
            return narrow(out, dtype, copy=False)[()] if reduce else narrow(out, dtype, copy=False)
        source, flat_target, ax, along = _class_rows(x, target, axis, work)
        if along:
            (values,) = self.columns(name, work, source, ax, reduce=reduce, target=flat_target)
        else:  # the rows with the axis moved last, and their results so
            kept, n = x.shape[:ax] + x.shape[ax + 1:], x.shape[ax]
            values = numpy.empty(kept if reduce else kept + (n,), dtype=work)
            self.call(name, work, _ptr(source), flat_target.ctypes.data, _ptr(values), _SIZE(source.shape[0]), _SIZE(n))
            values = values if reduce else numpy.moveaxis(values, -1, ax)
        result = narrow(values, dtype, copy=False)
        return result[()] if reduce else result

    def with_target_both(self, name: str, logits: ArrayLike, target: ArrayLike, axis: Any) -> Any:
        """Row-wise with one class index per row, two results: the loss per row and the gradient rows
        (cross_entropy_with_grad: one read of each row for both)."""
        x, dtype = _as_work(logits, "logits")
        work = _work_dtype(dtype)
        source, flat_target, ax, along = _class_rows(x, target, axis, work)
        if along:
            losses, grads = self.columns(name, work, source, ax, target=flat_target, both=True)
        else:  # the rows with the axis moved last, and their results so
            kept, n = x.shape[:ax] + x.shape[ax + 1:], x.shape[ax]
            losses, grads = numpy.empty(kept, dtype=work), numpy.empty(kept + (n,), dtype=work)
            self.call(name, work, _ptr(source), flat_target.ctypes.data, _ptr(losses), _ptr(grads), _SIZE(source.shape[0]), _SIZE(n))
            grads = numpy.moveaxis(grads, -1, ax)
        return narrow(losses, dtype, copy=False)[()], narrow(grads, dtype, copy=False)

    def pair(self, name: str, probs: ArrayLike, grad: ArrayLike, axis: Any) -> Any:
        """Row-wise over two arrays of one shape (softmax_backward)."""
        p, dtype = _as_work(probs, "probs")
        g, grad_dtype = _as_work(grad, "grad")
        if grad_dtype is not dtype:  # float32 probs with a float64 grad: computed and returned in float64
            dtype = numpy.result_type(dtype, grad_dtype)
        if p.shape != g.shape:
            raise ValueError(f"probs has shape {p.shape} but grad has shape {g.shape}; they must match")
        if _last_axis(axis, p.ndim) and p.size:  # the fast path: no transpose, no copy of contiguous input
            work = _work_dtype(dtype)
            prow, grow = numpy.ascontiguousarray(p, dtype=work), numpy.ascontiguousarray(g, dtype=work)
            out = numpy.empty(prow.shape, work)
            n = prow.shape[-1]
            self.call(name, work, _ptr(prow), _ptr(grow), _ptr(out), _SIZE(prow.size // n), _SIZE(n))
            return narrow(out, dtype, copy=False)
        chosen = axes(axis, p.ndim)
        if p.size == 0:
            return narrow(p, dtype, copy=False)
        work = _work_dtype(dtype)
        prow, rest, shape = _rows(p, chosen, work)
        grow, _, _ = _rows(g, chosen, work)
        out = numpy.empty_like(prow)
        self.call(name, work, _ptr(prow), _ptr(grow), _ptr(out), _SIZE(prow.shape[0]), _SIZE(prow.shape[1]))
        return narrow(_restore(out, rest, shape, chosen), dtype, copy=False)
