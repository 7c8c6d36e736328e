"""Input checks shared by the generated NumPy and C modules (hand-written, copied verbatim).

Each check names the bad value and the fix. Nothing here computes a result: the math is in the
generated modules, printed from proved expressions.
"""

from __future__ import annotations

import functools
import inspect
import numbers
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy
from numpy.typing import ArrayLike, NDArray

__all__ = ["as_float", "half_dtype", "paired", "refuse_masked", "axes", "temperature_value", "check_out", "deliver", "narrow", "quiet", "targets",
           "one_entry_slice", "slice_rows"]

FloatArray = NDArray[numpy.floating[Any]]


def half_dtype(name: str) -> numpy.dtype[Any] | None:
    """A 16-bit float dtype of ``ml_dtypes`` (``"bfloat16"``, the dtype JAX uses), or None without ml_dtypes."""
    try:
        import ml_dtypes
    except ImportError:
        return None
    found: numpy.dtype[Any] = numpy.dtype(getattr(ml_dtypes, name))
    return found


def as_float(value: ArrayLike, name: str = "x") -> tuple[FloatArray, numpy.dtype[Any]]:
    """Array-like -> (float64 array to compute in, dtype to return).

    float32, float16 and bfloat16 (``ml_dtypes``) compute in float64 and come back in their own
    type, each result rounded once (NumPy and ml_dtypes round from float64 directly, to nearest
    even); integers and booleans compute in float64; longdouble computes in float64 and comes back
    as float64. Anything else is a ``TypeError`` naming the dtype.
    """
    refuse_masked(value, name)
    array = numpy.asarray(value)
    if array.dtype.kind == "f" and not array.dtype.isnative:  # big-endian on a little-endian machine: same values, native order
        array = array.astype(array.dtype.newbyteorder("="))
    if array.dtype.kind in "biu":
        return array.astype(numpy.float64), numpy.dtype(numpy.float64)
    if array.dtype == numpy.float32 or array.dtype == numpy.float16:
        return array.astype(numpy.float64), array.dtype
    if array.dtype == numpy.float64:
        return array, numpy.dtype(numpy.float64)
    if array.dtype.kind == "f":
        return array.astype(numpy.float64), numpy.dtype(numpy.float64)
    if array.dtype.name == "bfloat16" and array.dtype.itemsize == 2:
        return array.astype(numpy.float64), array.dtype
    raise TypeError(
        f"{name} must be real numbers (float64, float32, float16, bfloat16, int or bool); got dtype {array.dtype}. "
        "Convert it first, e.g. numpy.asarray(x, dtype=float)"
    )


def refuse_masked(value: object, name: str = "x") -> None:
    """A ``numpy.ma.MaskedArray`` is refused: ``numpy.asarray`` keeps its data and drops its mask, so the masked
    entries would be computed on as if present (softmax([1, --, 3]) would come back as softmax([1, 2, 3]))."""
    if isinstance(value, numpy.ma.MaskedArray):
        raise TypeError(f"{name} is a numpy.ma.MaskedArray, whose mask would be ignored; pass {name}.data with "
                        f"where=~numpy.ma.getmaskarray({name}) (the masked entries left out), or {name}.filled(value)")


def paired(first: ArrayLike, second: ArrayLike, names: tuple[str, str], same_shape: bool = True) -> tuple[FloatArray, FloatArray, numpy.dtype[Any]]:
    """Two arrays of one shape (a backward kernel's output or probabilities and its upstream gradient):
    (float64 first, float64 second, the dtype to return: both dtypes promoted, so float32 probabilities
    with a float64 gradient give float64). ``same_shape=False``: the caller checks the shapes."""
    a, a_dtype = as_float(first, names[0])
    b, b_dtype = as_float(second, names[1])
    if same_shape and a.shape != b.shape:
        raise ValueError(f"{names[0]} has shape {a.shape} but {names[1]} has shape {b.shape}; they must match")
    return a, b, numpy.result_type(a_dtype, b_dtype)


def axes(axis: int | tuple[int, ...] | None, ndim: int) -> tuple[int, ...]:
    """int, tuple of ints or None -> sorted tuple of non-negative axes (a 0-d array has axis 0 or -1)."""
    if axis is None:
        return tuple(range(ndim))
    items = axis if isinstance(axis, tuple) else (axis,)
    out: list[int] = []
    for item in items:
        if not isinstance(item, numbers.Integral) or isinstance(item, bool):
            raise TypeError(f"axis must be an int, a tuple of ints or None; got {axis!r}")
        if not -max(ndim, 1) <= item < max(ndim, 1):
            raise ValueError(f"axis {item} is out of range for an array with {ndim} dimension(s)")
        out.append(int(item) % max(ndim, 1))
    if len(set(out)) != len(out):
        raise ValueError(f"axis {axis!r} repeats an axis")
    return tuple(sorted(out))


def slice_rows(x: NDArray[Any], axis: tuple[int, ...], dtype: numpy.dtype[Any]) -> tuple[NDArray[Any], list[int], tuple[int, ...]]:
    """Move the reduced axes last and flatten to a contiguous (rows, n) array of ``dtype``; also the kept
    axes and the moved shape (the C binding moves results back with them; the states keep the shape)."""
    rest = [a for a in range(x.ndim) if a not in axis]
    moved = numpy.transpose(x, rest + list(axis))
    kept = moved.shape[: len(rest)]
    n = int(numpy.prod(moved.shape[len(rest):], dtype=numpy.int64))
    flat = moved.reshape(-1, n) if moved.size else moved.reshape(int(numpy.prod(kept, dtype=numpy.int64)), n)
    return numpy.ascontiguousarray(flat, dtype=dtype), rest, moved.shape


def temperature_value(value: object) -> float:
    """``temperature`` as a float >= 0: 0 is the argmax limit, inf the uniform one; NaN and < 0 refused.

    A real number (int, float, a NumPy scalar or 0-d array); a bool, a string or an array of several
    values is a ``TypeError``, an integer too large for a float a ``ValueError``.
    """
    if isinstance(value, (bool, numpy.bool_, str, bytes)) or (isinstance(value, numpy.ndarray) and value.ndim):
        raise TypeError(f"temperature must be one real number; got {value!r}")
    try:
        T = float(value)  # type: ignore[arg-type]
    except OverflowError:
        raise ValueError("temperature is too large for a float; use temperature=float('inf') for the uniform limit") from None
    except (TypeError, ValueError):
        raise TypeError(f"temperature must be a real number; got {value!r}") from None
    if not T >= 0:  # NaN or negative (a Python float comparison: no NumPy call per kernel call)
        raise ValueError(f"temperature must be >= 0 (0 means the argmax limit, inf the uniform one); got {value!r}")
    return T


def check_out(out: object, source: object, shape: tuple[int, ...], dtype: numpy.dtype[Any]) -> NDArray[Any] | None:
    """``out=``: None, or a writeable ndarray of the result's shape and dtype that is either the input
    itself (in place) or does not overlap it."""
    if out is None:
        return None
    if not isinstance(out, numpy.ndarray):
        raise TypeError(f"out must be a numpy.ndarray; got {type(out).__name__}")
    if out.dtype.kind == "f" and not out.dtype.isnative:
        raise ValueError(f"out has the non-native byte order of dtype {out.dtype.str!r}; pass a native-order array, "
                         f"e.g. numpy.empty_like(x, dtype={dtype.name!r})")
    if out.shape != tuple(shape) or out.dtype != dtype:
        raise ValueError(
            f"out has shape {out.shape} and dtype {out.dtype}; it must have the result's shape {tuple(shape)} "
            f"and dtype {dtype}, e.g. numpy.empty_like(x, dtype={dtype.name!r})"
        )
    if not out.flags.writeable:
        raise ValueError("out is read-only; pass a writeable array")
    if isinstance(source, numpy.ndarray) and numpy.shares_memory(out, source):
        same = out.__array_interface__["data"][0] == source.__array_interface__["data"][0] and out.strides == source.strides
        if not (same and out.dtype == source.dtype):
            raise ValueError("out overlaps x without being x; pass x itself (in place) or a separate array")
    return out


def narrow(values: NDArray[Any], dtype: Any, copy: bool = True) -> NDArray[Any]:
    """``values`` (computed in float64) rounded once to the result's dtype. A value beyond that dtype's range
    rounds to +-inf, which is the correctly rounded result there; NumPy's "overflow encountered in cast"
    warning is not raised for it (under ``-W error`` it was an exception: the float16 log_softmax of
    [-65504, 65504], the float32 logsumexp of [3e38, 3e38])."""
    if values.dtype == dtype:  # nothing to round (and no errstate to pay for on the C target's direct calls)
        same: NDArray[Any] = values.astype(dtype, copy=copy)
        return same
    with numpy.errstate(over="ignore", under="ignore"):
        narrowed: NDArray[Any] = values.astype(dtype, copy=copy)
    return narrowed


def deliver(result: Any, out: NDArray[Any] | None) -> Any:
    """The result, written into ``out`` when given (then ``out`` is returned)."""
    if out is None:
        return result
    if result is not out:
        numpy.copyto(out, result)
    return out


def targets(logits: NDArray[Any], target: ArrayLike, axis: object) -> tuple[NDArray[Any], int]:
    """Class indices for ``logits`` along ``axis``: (indices with the class axis kept, that axis).

    The target must hold integers, have the logits' shape without the class axis, and each index
    must lie in ``0..classes-1``; the error names the first bad index.
    """
    index = numpy.asarray(target)
    if index.dtype.kind not in "iu":
        raise TypeError(f"target must hold integer class indices; got dtype {index.dtype}")
    if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
        raise TypeError(f"axis must be an int for cross_entropy; got {axis!r}")
    if logits.ndim == 0:
        raise ValueError("logits must have at least one dimension (the classes)")
    ax = axes(int(axis), logits.ndim)[0]
    expected = logits.shape[:ax] + logits.shape[ax + 1:]
    if index.shape != expected:
        raise ValueError(f"target has shape {index.shape} but logits {logits.shape} need {expected} (axis {axis})")
    classes = logits.shape[ax]
    if classes == 0 and index.size:
        raise ValueError(f"logits have no classes along axis {axis} (shape {logits.shape}): no target is valid")
    bad = (index < 0) | (index >= classes)
    if numpy.any(bad):
        where = tuple(int(i) for i in numpy.argwhere(bad)[0])
        name = f"target{list(where)}" if where else "target"
        raise ValueError(f"{name} = {int(index[where])} is out of range: the valid classes are 0..{classes - 1}")
    return numpy.expand_dims(index, ax), ax


F = TypeVar("F", bound=Callable[..., Any])


def quiet(function: F) -> F:
    """``function`` run under ``numpy.errstate(all="ignore")``: its infinities, NaNs and underflows are the
    documented results, so a caller's ``numpy.seterr(all="raise")`` does not turn them into FloatingPointError
    (the NumPy target's sigmoid of -1e308, a subnormal logsumexp, a binary cross-entropy at an infinite
    logit raised there) nor their warnings into exceptions under ``-W error``."""
    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        with numpy.errstate(all="ignore"):
            return function(*args, **kwargs)
    return cast(F, run)


def one_entry_slice(arrays: int = 1) -> Callable[[F], F]:
    """A 0-d input is a one-entry slice (scipy's rule): softmax(3.0) = 1.0, logsumexp(2.0) = 2.0.

    For a row-wise function whose first ``arrays`` parameters are arrays: when the first is 0-d,
    every array argument (and ``out``) is viewed as shape (1,), the function runs along axis -1,
    and the result comes back 0-d. ``axis`` must still be valid for a 0-d array (-1, 0 or None).
    """

    def decorate(function: F) -> F:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not args or numpy.ndim(args[0]) != 0:
                return function(*args, **kwargs)
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            names = list(signature.parameters)
            axis = bound.arguments.get("axis", -1)
            if axis is not None:
                axes(axis, 0)  # the error names a bad axis as for any array
            bound.arguments["axis"] = -1
            for name in names[:arrays]:
                bound.arguments[name] = numpy.reshape(numpy.asarray(bound.arguments[name]), (1,))
            out = bound.arguments.get("out")
            if isinstance(out, numpy.ndarray) and out.ndim == 0:
                bound.arguments["out"] = out.reshape(1)
                function(**bound.arguments)
                return out
            return numpy.asarray(function(**bound.arguments)).reshape(())[()]

        return cast(F, wrapper)

    return decorate
