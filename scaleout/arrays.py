r"""The softmax family on Dask arrays, over any axis, that axis split across any number of chunks.

Each chunk is summarised by its mergeable log-sum-exp state (``lse_state``: the max, the tied maxima
and the other terms' sum as a double-double, with the bound of its error; ``generated/_state.py``),
the states are merged up a tree (``dask.array.reduction`` with ``concatenate=False``: 56 bytes per
slice travel, never the data) and finished. ``state.finish_of_merge`` proves that this is the
log-sum-exp of the whole slice for every split, ``state.merge_commutative_associative`` that the tree's
shape and order do not matter in real arithmetic; in floating point each merge adds at most 2^-98
(C; fp.state.merge, proved by Gappa) to the state's recorded error, and ``finish`` certifies 1 ULP from it,
rows whose ``m + T log S`` cancels included: their chunks' sums are precise (see ``generated/_state.py``).

Reads of the data: logsumexp and cross_entropy one (the states and the target logit come from the
same chunk tasks); softmax, log_softmax and the gradient two (the states, then each chunk normalised
by its slice's state). The kernels are the C ones (``softmax_c``), or NumPy's where no C compiler is
found. Results keep the input's dtype (float32 computes in float64 and is rounded once).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from types import ModuleType
from typing import Any

import dask.array as da
import numpy as np

from softproof.generated._checks import axes as _axes
from softproof.generated._state import state_excess, state_temperature

__all__ = ["lse_state", "logsumexp", "softmax", "log_softmax", "cross_entropy", "cross_entropy_grad", "kernels"]


def kernels() -> ModuleType:
    """The in-memory kernels the chunks run: the C module, or NumPy's where no C compiler is found."""
    try:
        from softproof.generated import softmax_c

        return softmax_c
    except Exception:  # noqa: BLE001 - CompilerNotFoundError, or a build that fails: NumPy computes the same states
        from softproof.generated import softmax_np

        return softmax_np


def _leaves(nested: Any) -> Iterator[Any]:
    """The chunk results of a (nested, one level per reduced axis) list, in chunk order."""
    if isinstance(nested, list):
        for item in nested:
            yield from _leaves(item)
    else:
        yield nested


def _state_chunk(x: np.ndarray, axis: tuple[int, ...], keepdims: bool, temperature: float = 1.0,
                 computing_meta: bool = False, **_: Any) -> Any:
    """One chunk's states, its reduced axes kept (size 1)."""
    if computing_meta:
        return x
    return {"state": np.expand_dims(kernels().lse_state(x, axis=axis, temperature=temperature), axis)}


def _state_combine(parts: Any, axis: tuple[int, ...], keepdims: bool, computing_meta: bool = False, **_: Any) -> Any:
    """The chunks' states merged in chunk order (a fixed tree for a given chunking)."""
    if computing_meta:
        return parts
    module = kernels()
    states = [part["state"] for part in _leaves(parts)]
    merged = states[0]
    for state in states[1:]:
        merged = module.merge(merged, state)
    return {"state": merged}


def _state_aggregate(parts: Any, axis: tuple[int, ...], keepdims: bool, computing_meta: bool = False, **_: Any) -> Any:
    if computing_meta:
        return parts
    merged = _state_combine(parts, axis, True)["state"]
    return merged if keepdims else np.squeeze(merged, axis)


def _finish_aggregate(parts: Any, axis: tuple[int, ...], keepdims: bool, computing_meta: bool = False,
                      out_dtype: Any = np.float64, **_: Any) -> Any:
    if computing_meta:
        return parts
    value = kernels().finish(_state_combine(parts, axis, True)["state"])
    value = np.asarray(value).astype(out_dtype)
    return value if keepdims else np.squeeze(value, axis)


def _as_dask(x: Any) -> da.Array:
    array = x if isinstance(x, da.Array) else da.asarray(x)
    if array.dtype.kind not in "fiub":
        raise TypeError(f"x must be real numbers; got dtype {array.dtype}")
    return array


def _out_dtype(x: da.Array) -> np.dtype[Any]:
    return np.dtype(np.float32) if x.dtype == np.float32 else np.dtype(np.float64)


def lse_state(x: Any, axis: int | tuple[int, ...] | None = -1, temperature: float = 1.0, keepdims: bool = False,
              split_every: int | None = None) -> da.Array:
    """The merged state of each slice (records of ``STATE_DTYPE``), one per slice of ``x`` along ``axis``."""
    array = _as_dask(x)
    chosen = _axes(axis, array.ndim)
    T = state_temperature(temperature)
    dtype = kernels().STATE_DTYPE
    return da.reduction(array, partial(_state_chunk, temperature=T), _state_aggregate, combine=_state_combine, axis=chosen,
                        keepdims=keepdims, dtype=dtype, split_every=split_every, concatenate=False,
                        meta=np.empty((0,) * (array.ndim if keepdims else array.ndim - len(chosen)), dtype))


def logsumexp(x: Any, axis: int | tuple[int, ...] | None = -1, keepdims: bool = False, temperature: float = 1.0,
              split_every: int | None = None) -> da.Array:
    r""":math:`T\log\sum_i e^{x_i/T}` of each slice along ``axis``: one read of the data, the chunks' states merged."""
    array = _as_dask(x)
    chosen = _axes(axis, array.ndim)
    T = state_temperature(temperature)
    out = _out_dtype(array)
    return da.reduction(array, partial(_state_chunk, temperature=T), partial(_finish_aggregate, out_dtype=out),
                        combine=_state_combine, axis=chosen, keepdims=keepdims, dtype=out, split_every=split_every,
                        concatenate=False)


def _normalised(x: np.ndarray, state: np.ndarray, axis: tuple[int, ...], log: bool, out: np.dtype[Any]) -> np.ndarray:
    value = kernels().normalise(x, np.squeeze(state, axis), axis, log=log)
    return np.asarray(value).astype(out)


def _by_row(x: Any, axis: int | tuple[int, ...] | None, temperature: float, log: bool) -> da.Array:
    array = _as_dask(x)
    chosen = _axes(axis, array.ndim)
    state = lse_state(array, chosen, temperature, keepdims=True)
    out = _out_dtype(array)
    return da.map_blocks(_normalised, array, state, axis=chosen, log=log, out=out, dtype=out, meta=np.empty((0,) * array.ndim, out))


def softmax(x: Any, axis: int | tuple[int, ...] | None = -1, temperature: float = 1.0) -> da.Array:
    r""":math:`e^{x_i/T}/\sum_j e^{x_j/T}` along ``axis``: two reads (the states, then each chunk normalised)."""
    return _by_row(x, axis, temperature, log=False)


def log_softmax(x: Any, axis: int | tuple[int, ...] | None = -1, temperature: float = 1.0) -> da.Array:
    r""":math:`x_i/T - \log\sum_j e^{x_j/T}` along ``axis``: two reads."""
    return _by_row(x, axis, temperature, log=True)


def _targets(logits: da.Array, target: Any, ax: int) -> da.Array:
    """The integer targets as a Dask array of the logits' shape with the class axis kept (size 1), chunked
    alike, each checked against the number of classes when it is computed."""
    shape = logits.shape[:ax] + logits.shape[ax + 1:]
    chunks = logits.chunks[:ax] + logits.chunks[ax + 1:]
    t = target if isinstance(target, da.Array) else np.asarray(target)
    if t.dtype.kind not in "iu":
        raise TypeError(f"target must be integer class indices; got dtype {t.dtype}")
    if t.shape != shape:
        raise ValueError(f"target has shape {t.shape} but the logits without axis {ax} have shape {shape}")
    t = t.rechunk(chunks) if isinstance(t, da.Array) else da.from_array(t, chunks=chunks)
    return da.expand_dims(da.map_blocks(_checked_target, t, logits.shape[ax], dtype=t.dtype), ax)


def _checked_target(t: np.ndarray, n: int) -> np.ndarray:
    bad = (t < 0) | (t >= n)
    if bad.any():
        raise ValueError(f"target {int(t[bad].flat[0])} is out of range for {n} classes (0..{n - 1})")
    return t


def _in_chunk(x: np.ndarray, t: np.ndarray, ax: int, block_info: Any) -> tuple[np.ndarray, np.ndarray]:
    """Where each slice's target falls in this chunk of the class axis (``t`` with that axis kept): whether
    it does, and its index in the chunk (clipped into it where it does not)."""
    index = t.astype(np.int64) - block_info[0]["array-location"][ax][0]
    return (index >= 0) & (index < x.shape[ax]), np.clip(index, 0, x.shape[ax] - 1)


def _picked_chunk(x: np.ndarray, t: np.ndarray, ax: int, block_info: Any = None) -> np.ndarray:
    """x[t] where the target falls in this chunk of the class axis, else 0 (one exact term per slice)."""
    inside, index = _in_chunk(x, t, ax, block_info)
    return np.where(inside, np.take_along_axis(x.astype(np.float64), index, axis=ax), 0.0)


def _loss_from_state(state: np.ndarray, x_target: np.ndarray, out: np.dtype[Any]) -> np.ndarray:
    """(m - x_t) + log1p((c - 1) + t) (rewrite.cross_entropy_lse, rewrite.lse_ties_log1p): two positive
    terms, no cancellation, in numpy.longdouble; the edges as the in-memory kernels (the ties limit for
    +inf logits, NaN for a NaN or all -inf slice)."""
    wide = np.longdouble
    m = state["m"]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        L = np.log1p(state_excess(state))
        loss = ((m.astype(wide) - x_target) + L).astype(np.float64)
        ties = np.where(x_target == np.inf, np.log(state["ties"]), np.inf)
    loss = np.where(np.isposinf(m), ties, loss)
    loss = np.where(np.isnan(m) | np.isneginf(m) | np.isnan(x_target), np.nan, loss)
    return loss.astype(out)


def cross_entropy(logits: Any, target: Any, axis: int = -1) -> da.Array:
    """-log softmax(x)[target] of each slice along ``axis`` (the classes), one read: each chunk gives its
    state and, where the target falls in it, the target's logit."""
    x = _as_dask(logits)
    (ax,) = _axes(axis, x.ndim)
    t = _targets(x, target, ax)
    state = lse_state(x, ax, 1.0, keepdims=True)
    picked = _picked(x, t, ax)
    out = _out_dtype(x)
    loss = da.map_blocks(_loss_from_state, state, picked, out=out, dtype=out, meta=np.empty((0,) * x.ndim, out))
    return da.squeeze(loss, axis=ax)


def _picked(x: da.Array, t: da.Array, ax: int) -> da.Array:
    """The target's logit of each slice (reduced axis kept): each chunk's x[t] or 0, summed exactly."""
    per_chunk = da.map_blocks(_picked_chunk, x, t, ax, dtype=np.float64,
                              chunks=tuple((1,) * len(c) if i == ax else c for i, c in enumerate(x.chunks)))
    return per_chunk.sum(axis=ax, keepdims=True)


def _grad_chunk(x: np.ndarray, state: np.ndarray, t: np.ndarray, ax: int, out: np.dtype[Any], block_info: Any = None) -> np.ndarray:
    """softmax - onehot(t) on one chunk: p from the slice's state; the target's entry as -((c - 1) + t)/(c + t)
    where it is a tied maximum (p - 1 without cancellation), p - 1 elsewhere."""
    p = np.asarray(kernels().normalise(x, np.squeeze(state, ax), ax), dtype=np.float64)
    inside, clipped = _in_chunk(x, t, ax, block_info)
    x_t = np.take_along_axis(x.astype(np.float64), clipped, axis=ax)
    p_t = np.take_along_axis(p, clipped, axis=ax)
    with np.errstate(invalid="ignore", divide="ignore"):
        rest = state_excess(state)
        at_max = (-rest / (rest + 1)).astype(np.float64)
    value = np.where((x_t == state["m"]) & np.isfinite(state["m"]), at_max, p_t - 1.0)
    value = np.where(np.isnan(p_t), np.nan, value)
    np.put_along_axis(p, clipped, np.where(inside, value, p_t), axis=ax)
    return p.astype(out)


def cross_entropy_grad(logits: Any, target: Any, axis: int = -1) -> da.Array:
    """softmax(x) - onehot(target) along ``axis``, two reads (the states, then each chunk)."""
    x = _as_dask(logits)
    (ax,) = _axes(axis, x.ndim)
    t = _targets(x, target, ax)
    state = lse_state(x, ax, 1.0, keepdims=True)
    out = _out_dtype(x)
    return da.map_blocks(_grad_chunk, x, state, t, ax, out, dtype=out, meta=np.empty((0,) * x.ndim, out))
