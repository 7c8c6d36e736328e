"""Mergeable log-sum-exp states (hand-written, copied verbatim into generated/): one slice's summary,
merged with others' in any tree and order, finished into the log-sum-exp of all of them.

A state is a record of :data:`STATE_DTYPE` (seven float64, 56 bytes: the C struct
``softproof_lse_state`` of ``softmax.h``, byte for byte): with m the slice's max,

    S = ties + t = sum_i e^((x_i - m)/T),  t = t_hi + t_lo + t_ll  (within relative error ``error`` of t),
    LSE = m + T log S,

``ties`` counting the entries equal to m, t the others' terms as a double-double (``t_ll = 0``) or,
where the slice's own LSE does not certify itself (it may be the part of a row whose m + T log S
cancels, as rows of log-probabilities do), a triple-double within ``PRECISE_ERROR``. The
real-number identities are claims of ``derive/state.py`` (``state.finish_of_merge``: finishing a
merge gives the log-sum-exp of the concatenation for every split; ``state.merge_commutative_associative``),
``rewrite.blocked_shift`` rescales a sum to a new max. Each state carries the bound ``error`` of its
sum, which a merge propagates: t = t_a + F S_b with positive parts, so the merged relative error is
the parts' errors weighted by their shares plus the merge's own; merges whose result is that accurate
are taken in triple-double (C) or with mpmath (NumPy), and so is ``finish``'s log where the double-double
(C) or ``numpy.longdouble`` (NumPy) one is not certified: 1 ULP wherever the bound certifies it, and it
does for every row but those whose LSE is within about 2^-80 of 0 relative to |m| (the in-memory
kernels' last stage reaches the same).

Edges: a NaN entry gives m = NaN (merging with it gives NaN); an empty slice or one of -inf entries
gives m = -inf (adds nothing; finishes to -inf); +inf entries give m = +inf with ties = their count
(finishes to +inf). The temperature must be finite and > 0, and the same for states merged. A t below the double
range cannot be kept: where every term below m rounds to 0 while some entry below m is finite, t is stored as
n_f 2^-1074 within relative error 1 (the truth lies in [0, n_f 2^-1074]), and a subnormal t carries its rounding in
``error``, so that the bound ``finish`` returns stays true where T t is not small (with T = 2^500 the row
[0, -970 T] has LSE 1.8e-271: finish gives 1.6e-173 with that bound; ``logsumexp`` of the row itself is within 1 ULP).

``kernels`` is the target module: ``softmax_c`` computes states, merges and finishes in C
(``softproof_lse_state_d``, ``softproof_lse_merge``, ``softproof_lse_finish``; each term by the exp
kernel, 2^-52, as logsumexp's first stage, merge factors in triple-double), ``softmax_np`` in NumPy (terms and factors
in ``numpy.longdouble``, whose error the state records; the precise parts with mpmath). The two give states of one layout, each
within its recorded bound; a state from one finishes on the other. ``normalise`` (softmax of a slice
given the whole row's state) is NumPy on both.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import numpy
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float, axes, narrow, quiet, slice_rows

__all__ = ["STATE_DTYPE", "lse_state", "merge", "finish", "normalise", "state_temperature", "state_excess"]

STATE_DTYPE = numpy.dtype([("m", "<f8"), ("ties", "<f8"), ("t_hi", "<f8"), ("t_lo", "<f8"), ("t_ll", "<f8"), ("error", "<f8"),
                          ("temperature", "<f8")])
_EPS_WIDE = float(numpy.finfo(numpy.longdouble).eps)
_MERGE_FLOOR = 2.0**-98  # the double-double roundings of one merge (C: SP_MERGE_ERROR, fp.state.merge)
_LOG_ERROR = 8.0 * _EPS_WIDE  # numpy.log1p in numpy.longdouble
PRECISE_ERROR = 2.0**-100  # a state this accurate carries t as a triple-double; merged and finished precisely (C: SP_PRECISE_ERROR)
_TRIPLE_MERGE_ERROR = 2.0**-134  # a precise merge's own error here: mpmath at _BITS, rounded to three doubles (C: triple-double, 2^-132, fp.state.merge_triple)
_NEGLIGIBLE = -128.0  # below -128 T a slice needs no precise sum: its numpy.longdouble terms (2^-57) suffice (C: SP_STATE_NEGLIGIBLE)
_BITS = 200  # mpmath's precision for the precise sums, merges and logs
_CERTIFIED = 2.0**-53.5  # a bound below this times |LSE|: within 1 ULP
# below y = (m_b - m_a)/T = -650 a merged t may be below 2^-916, where its parts fall onto the subnormal grid as they
# are stored (C: F's low parts, SP_MERGE_FACTOR_FLOOR; codegen/kernels.py, LogsumexpErrors.merge_factor_floor)
_MERGE_FACTOR_FLOOR = -650.0


def state_temperature(value: object) -> float:
    """The temperature of a state: a real number, finite and > 0 (states have no argmax or uniform limit)."""
    try:
        T = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"temperature must be a real number; got {value!r}") from None
    if not 0.0 < T < numpy.inf:
        raise ValueError(f"a state needs a finite temperature > 0; got {value!r} (use logsumexp for the limits T = 0 and T = inf)")
    return T


def _states(value: object, name: str) -> NDArray[Any]:
    """``value`` as an array of :data:`STATE_DTYPE`, or a ``TypeError`` saying where states come from."""
    array = numpy.asarray(value)
    if array.dtype != STATE_DTYPE:
        raise TypeError(f"{name} must be states from lse_state (dtype {STATE_DTYPE.descr}); got dtype {array.dtype}")
    return array


def _numpy_module() -> ModuleType:
    return importlib.import_module(f"{__package__}.softmax_np")


def _is_c(kernels: ModuleType) -> bool:
    return hasattr(kernels, "_KERNELS")


def _split(wide: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
    """A numpy.longdouble array as hi + lo float64 (hi rounded, lo the rest rounded)."""
    hi = wide.astype(numpy.float64)
    return hi, (wide - hi).astype(numpy.float64)


def state_excess(state: Any) -> Any:
    """S - 1 = (c - 1) + t_hi + t_lo + t_ll of states in numpy.longdouble: log S = log1p of it keeps a small log
    accurate (finish, normalise, and softproof.dask's loss and gradient)."""
    return (state["ties"] - 1).astype(numpy.longdouble) + state["t_hi"] + state["t_lo"] + state["t_ll"]


def _terms_bound(s: NDArray[Any]) -> Any:
    """T error t/(c + t): how far a state's sum moves its LSE (the log's own error apart; C: terms_bound)."""
    with numpy.errstate(invalid="ignore", divide="ignore"):
        t = s["t_hi"] + s["t_lo"]
        return s["temperature"] * s["error"] * (t / (s["ties"] + t))


def _mp() -> Any:
    """mpmath (a dependency of softproof), imported where a precise sum is needed."""
    return importlib.import_module("mpmath")


def _t_exact(record: Any) -> Any:
    """A state's t = t_hi + t_lo + t_ll as an exact mpmath number."""
    mp = _mp()
    return mp.mpf(float(record["t_hi"])) + mp.mpf(float(record["t_lo"])) + mp.mpf(float(record["t_ll"]))


def _set_t(record: Any, value: Any) -> None:
    """t = value as t_hi + t_lo + t_ll, each the rest rounded to nearest (within 2^-159 of t where t is normal)."""
    hi = float(value)
    lo = float(value - hi)
    record["t_hi"], record["t_lo"], record["t_ll"] = hi, lo, float(value - hi - lo)


def _precise_error(n: int, t: float) -> float:
    """The error of a precise t of n terms: mpmath's at _BITS and the three doubles' rounding (2^-150,
    generously), and three subnormal ulps where t is that small."""
    return 2.0**-150 * (n + 1) + (2.0**-1072 / t if t > 0 else 0.0)


def _refine(rows: NDArray[Any], out: NDArray[Any], T: float) -> None:
    """The rows a merged row containing them might not certify again with mpmath: t = sum over x < m of
    e^((x - m)/T) at _BITS bits. A merged row's LSE is at least each part's own, lse, so a part with lse > 0
    whose terms' bound T error t/(c + t) is below 2^-53.5 lse needs nothing more (the merged bound is the
    parts' weighted by their shares); nor does a part below _NEGLIGIBLE T (C: refine_state)."""
    value, _ = _numpy_finish(out, precise=False)
    with numpy.errstate(invalid="ignore"):
        certifies = (value > 0) & (_terms_bound(out) <= _CERTIFIED * value)
        chosen = numpy.flatnonzero(numpy.isfinite(out["m"]) & ~certifies & (value > _NEGLIGIBLE * T))
    if chosen.size == 0:
        return
    mp = _mp()
    with mp.workprec(_BITS):
        temperature = mp.mpf(T)
        for r in chosen:
            m = float(out["m"][r])
            top = mp.mpf(m)
            t = mp.fsum(mp.exp((mp.mpf(float(x)) - top) / temperature) for x in rows[r] if x < m)
            _set_t(out[r:r + 1], t)
            out["error"][r] = _precise_error(rows.shape[1], float(t))


def _numpy_states(rows: NDArray[Any], T: float) -> NDArray[Any]:
    """States of (rows, n) float64 rows in NumPy: terms e^(q + ql) in numpy.longdouble (q + ql the
    exact shift of softmax_np._shift), summed pairwise in numpy.longdouble."""
    count, n = rows.shape
    out = numpy.zeros(count, STATE_DTYPE)
    out["temperature"] = T
    if n == 0:
        out["m"] = -numpy.inf
        return out
    with numpy.errstate(invalid="ignore", over="ignore", divide="ignore"):
        m = rows.max(axis=1, keepdims=True)  # NaN where any entry is NaN
        finite = numpy.isfinite(m)
        m_safe = numpy.where(finite, m, 0.0)
        q, ql = _numpy_module()._shift(rows, m_safe, T)
        terms = numpy.exp(q.astype(numpy.longdouble) + ql)
        below = finite & (rows != m)
        t = numpy.sum(numpy.where(below, terms, 0.0), axis=1)
    t_hi, t_lo = _split(t)
    out["m"] = m[:, 0]
    out["ties"] = numpy.where(numpy.isneginf(m[:, 0]), 0.0, numpy.sum(rows == m, axis=1))
    out["t_hi"] = numpy.where(finite[:, 0], t_hi, 0.0)
    out["t_lo"] = numpy.where(finite[:, 0], t_lo, 0.0)
    # each term within 8 eps (exp of q + ql, the argument rounded to eps |q|, |q| e^q <= 1/e), the
    # pairwise sum of n positive terms within (min(n, 128) + log2 n) eps (numpy's blocks of 128)
    summation = (min(n, 128) + numpy.log2(max(n, 2))) * _EPS_WIDE
    out["error"] = numpy.where(finite[:, 0], 9.0 * _EPS_WIDE + summation, 0.0)
    with numpy.errstate(divide="ignore", invalid="ignore"):  # a subnormal t_hi: its rounding, a subnormal ulp at most
        out["error"] += numpy.where((out["t_hi"] > 0) & (out["t_hi"] < 2.0**-1022), 2.0**-1074 / out["t_hi"], 0.0)
    _refine(rows, out, T)
    _lost_terms(rows, out)
    return out


def _add_absolute(out: NDArray[Any], where: NDArray[Any], A: Any) -> None:
    """States (``where``) whose t has an absolute error A beside its relative one (terms or a factor below the double
    range): A / t added to the error, or, where t is 0, t stored as A within relative error 1 (the truth lies in
    [0, A]), so that finish's bound T error t/(c + t) covers it (T t need not be small) and merges weigh it by its
    share as any part's (C: state_add_absolute)."""
    positive = where & (out["t_hi"] > 0)
    with numpy.errstate(invalid="ignore", divide="ignore", over="ignore"):
        out["error"] = numpy.where(positive, out["error"] + A / numpy.where(positive, out["t_hi"], 1.0) * (1.0 + 2.0**-50), out["error"])
    zero = where & ~(out["t_hi"] > 0)
    for field, value in (("t_hi", A), ("t_lo", 0.0), ("t_ll", 0.0), ("error", 1.0)):
        out[field] = numpy.where(zero, value, out[field])


def _lost_terms(rows: NDArray[Any], out: NDArray[Any]) -> None:
    """States whose t is 0 although entries below m are finite: their terms each rounded to 0 (below 2^-1074), so the
    true t lies in [0, n_f 2^-1074], which a relative error of t = 0 cannot say, while T t need not be small
    (``logsumexp([0, -970 T], T=2^500)`` is 1.8e-271): :func:`_add_absolute` with A = n_f 2^-1074 (C: state_lost_terms)."""
    with numpy.errstate(invalid="ignore"):
        below = numpy.sum(numpy.isfinite(rows) & (rows < out["m"][:, None]), axis=1)
    _add_absolute(out, (out["t_hi"] == 0.0) & numpy.isfinite(out["m"]) & (below > 0), below * 2.0**-1074)


@quiet
def lse_state(kernels: ModuleType, x: ArrayLike, axis: int | tuple[int, ...] | None = -1, temperature: float = 1.0) -> Any:
    """The state of each slice of ``x`` along ``axis`` (all of ``axis`` reduced; the result has the
    other dimensions' shape)."""
    array, _ = as_float(x)
    chosen = axes(axis, array.ndim)
    T = state_temperature(temperature)
    rows, rest, moved = slice_rows(array, chosen, numpy.dtype(numpy.float64))
    kept = moved[: len(rest)]
    if _is_c(kernels):
        out = numpy.zeros(rows.shape[0], STATE_DTYPE)
        kernels._KERNELS.state_call("lse_state_d", rows, out, T)
    else:
        out = _numpy_states(rows, T)
    return out.reshape(kept)[()]


def _check_pair(a: NDArray[Any], b: NDArray[Any]) -> None:
    temperatures = numpy.broadcast_arrays(a["temperature"], b["temperature"])
    if not numpy.array_equal(temperatures[0], temperatures[1]):
        raise ValueError("merge needs states of one temperature; got "
                         f"{sorted({float(v) for v in numpy.unique(numpy.concatenate([temperatures[0].ravel(), temperatures[1].ravel()]))})}")
    for T in numpy.unique(temperatures[0]):
        state_temperature(T)


def _merged_error(error_a: Any, t_a: Any, error_b: Any, v: Any, own: Any, own_v: Any = None) -> Any:
    """The relative error of t_a + v with t_a within error_a and v = F S_b within error_b (1 + own_v) + own_v
    (the factor's and product's errors, relative to v; ``own`` where not given), positive parts: each part's
    error weighted by its share, plus the sum's own ``own`` relative to the total; the roundings here within
    1 + 2^-48 (C: merged_error, which takes one ``own`` for both)."""
    own_v = own if own_v is None else own_v
    with numpy.errstate(invalid="ignore", divide="ignore", over="ignore"):
        b = error_b * (1.0 + own_v) + own_v
        total = t_a + v
        w = numpy.where(total > 0, (error_a * t_a + b * v) / numpy.where(total > 0, total, 1.0), numpy.maximum(error_a, b))
        return (w * (1.0 + own) + own) * (1.0 + 2.0**-48)


def _precise_merge(big: NDArray[Any], small: NDArray[Any], out: NDArray[Any], chosen: NDArray[Any]) -> None:
    """The pairs ``chosen`` with mpmath: t = t_big + e^((m_small - m_big)/T) (ties_small + t_small) at _BITS bits
    (the exponent exact: both maxima and T are doubles), rounded to three doubles; t_big + t_small where the
    maxima are equal (the ties add apart)."""
    mp = _mp()
    with mp.workprec(_BITS):
        for r in chosen:
            if big["m"][r] == small["m"][r]:
                t = _t_exact(big[r]) + _t_exact(small[r])
            else:
                factor = mp.exp((mp.mpf(float(small["m"][r])) - mp.mpf(float(big["m"][r]))) / mp.mpf(float(big["temperature"][r])))
                t = _t_exact(big[r]) + factor * (mp.mpf(float(small["ties"][r])) + _t_exact(small[r]))
            _set_t(out[r:r + 1], t)


def _merged_underflow(out: NDArray[Any], small: NDArray[Any], where: NDArray[Any]) -> None:
    """Where F = e^((m_b - m_a)/T) < e^-650 (:data:`_MERGE_FACTOR_FLOOR`): the merged t may lie below 2^-916, where its
    parts are rounded onto the subnormal grid as they are stored (below e^-708 it may fall below the double range
    when it is rounded to two doubles, or F to 0 in numpy.longdouble), an absolute error at most A = (ceil(S_b (1 +
    2^-50)) + 3) 2^-1073 that a relative error cannot carry: :func:`_add_absolute` (C: merge_finite). Until 2026-12-06
    below e^-708 only: a merge of [0] with [-703.7] recorded 2^-134 against a true 2^-63.0."""
    with numpy.errstate(invalid="ignore", over="ignore"):
        A = (numpy.ceil((small["ties"] + small["t_hi"] * (1.0 + small["error"])) * (1.0 + 2.0**-50)) + 3.0) * 2.0**-1073
    _add_absolute(out, where, A)


def _numpy_merge(a: NDArray[Any], b: NDArray[Any]) -> NDArray[Any]:
    """merge in NumPy: the larger max's state, the other's sum rescaled by F = e^((m_b - m_a)/T) in
    numpy.longdouble (the argument (m_b - m_a)/T exact to two doubles, then rounded to eps |y|), or with
    mpmath where the merged error is within PRECISE_ERROR (both parts precise, or one negligible)."""
    wide = numpy.longdouble
    first = a["m"] >= b["m"]
    big, small = numpy.where(first, a, b), numpy.where(first, b, a)
    out = big.copy()
    T = big["temperature"]
    with numpy.errstate(invalid="ignore", over="ignore", under="ignore"):
        d, d_lo = _numpy_module()._two_diff(small["m"], big["m"])  # m_b - m_a exactly
        # where it overflows, both maxima lie beyond 2^970 and their halves are exact (C: merge_exponent)
        d_half, d_half_lo = _numpy_module()._two_diff(0.5 * small["m"], 0.5 * big["m"])
        wide_overflow = ~numpy.isfinite(d) & numpy.isfinite(small["m"]) & numpy.isfinite(big["m"])
        y = numpy.where(wide_overflow, (d_half.astype(wide) + d_half_lo) / (0.5 * T).astype(wide), (d.astype(wide) + d_lo) / T.astype(wide))
        F = numpy.exp(y)
        s_small = small["ties"].astype(wide) + small["t_hi"] + small["t_lo"] + small["t_ll"]
        s_big = big["t_hi"].astype(wide) + big["t_lo"] + big["t_ll"]
        rescaled = s_big + F * s_small
        equal = big["m"] == small["m"]
        summed = s_big + (small["t_hi"].astype(wide) + small["t_lo"] + small["t_ll"])
        share = numpy.where(equal, small["t_hi"], (F * s_small).astype(numpy.float64))
    finite = numpy.isfinite(big["m"]) & numpy.isfinite(small["m"])
    t_new = numpy.where(equal, summed, rescaled)
    t_hi, t_lo = _split(t_new)
    update = finite | (equal & numpy.isposinf(big["m"]))
    out["t_hi"] = numpy.where(update & finite, t_hi, out["t_hi"])
    out["t_lo"] = numpy.where(update & finite, t_lo, out["t_lo"])
    out["t_ll"] = numpy.where(update & finite, 0.0, out["t_ll"])  # a state merged with an empty one keeps its third part
    out["ties"] = numpy.where(update & equal, big["ties"] + small["ties"], out["ties"])
    # F within (2 |y| + 8) eps (the argument's sum and division each rounded to eps |y|, exp's own 8 eps) and F S_b
    # 3 eps more, relative to F S_b; the sums of three doubles and of the parts 4 eps of the total, and the
    # rounding to two doubles (_MERGE_FLOOR)
    magnitude = numpy.where(finite & ~equal, numpy.abs(y.astype(numpy.float64)), 0.0)
    own_v = numpy.where(equal, 2.0 * _EPS_WIDE, (2.0 * magnitude + 13.0) * _EPS_WIDE)
    with numpy.errstate(invalid="ignore", divide="ignore"):  # S_b's relative error (its ties exact; t's where the maxima are equal)
        small_error = numpy.where(equal, small["error"], small["error"] * (small["t_hi"] / (small["ties"] + small["t_hi"])))
    merged_error = _merged_error(big["error"], big["t_hi"], small_error, share, 4.0 * _EPS_WIDE + _MERGE_FLOOR, own_v)
    out["error"] = numpy.where(finite, merged_error, out["error"])
    precise = _merged_error(big["error"], big["t_hi"], small_error, share, _TRIPLE_MERGE_ERROR)
    chosen = numpy.flatnonzero(finite & (precise <= PRECISE_ERROR))
    if chosen.size:
        _precise_merge(big, small, out, chosen)
        out["error"][chosen] = precise[chosen]
    _merged_underflow(out, small, finite & ~equal & (y < _MERGE_FACTOR_FLOOR))
    nan = numpy.isnan(a["m"]) | numpy.isnan(b["m"])
    out["m"] = numpy.where(nan, numpy.nan, out["m"])
    for field in ("ties", "t_hi", "t_lo", "t_ll", "error"):
        out[field] = numpy.where(nan, 0.0, out[field])
    return out


@quiet
def merge(kernels: ModuleType, a: ArrayLike, b: ArrayLike) -> Any:
    """The state of each pair of slices together (broadcast): ``finish(merge(a, b))`` is the
    log-sum-exp of the two slices concatenated (``state.finish_of_merge``)."""
    first, second = numpy.broadcast_arrays(_states(a, "a"), _states(b, "b"))
    _check_pair(first, second)
    shape = first.shape
    first, second = numpy.ascontiguousarray(first).reshape(-1), numpy.ascontiguousarray(second).reshape(-1)
    if _is_c(kernels):
        out = numpy.zeros(first.shape, STATE_DTYPE)
        kernels._KERNELS.state_call("lse_merge", first, second, out)
    else:
        out = _numpy_merge(first, second)
    return out.reshape(shape)[()]


def _numpy_finish(s: NDArray[Any], precise: bool = True) -> tuple[NDArray[Any], NDArray[Any]]:
    """m + T log1p((c - 1) + t) in numpy.longdouble, rounded once, and the bound of its error before
    that rounding: T (error t/(c + t) + 8 eps L) + 2 eps |out| (as softmax_np's certified finish); where
    that is not certified and the state is precise enough (and ``precise``), m + T log1p((c - 1) + t) with
    mpmath at _BITS bits (log1p: a t far below 2^-_BITS is kept)."""
    wide = numpy.longdouble
    T = s["temperature"]
    terms = _terms_bound(s)
    with numpy.errstate(invalid="ignore", divide="ignore", over="ignore"):
        L = numpy.log1p(state_excess(s))
        out = (s["m"].astype(wide) + T.astype(wide) * L).astype(numpy.float64)
        bound = terms + T * _LOG_ERROR * L.astype(numpy.float64) + 2 * _EPS_WIDE * numpy.abs(out)
        edge = ~numpy.isfinite(s["m"])
        hope = ~edge & ~(bound <= _CERTIFIED * numpy.abs(out)) & (terms < bound)
    chosen = numpy.flatnonzero(hope) if precise else numpy.zeros(0, int)
    if chosen.size:
        mp = _mp()
        with mp.workprec(_BITS):
            for r in chosen:
                value = mp.mpf(float(s["m"][r])) + mp.mpf(float(T[r])) * mp.log1p(mp.mpf(float(s["ties"][r]) - 1) + _t_exact(s[r]))
                out[r] = float(value)
                bound[r] = terms[r] * (1 + 2.0**-48) + 2.0**-150 * (abs(float(s["m"][r])) + abs(float(value)))
    return numpy.where(edge, s["m"], out), numpy.where(edge, 0.0, bound)


@quiet
def finish(kernels: ModuleType, state: ArrayLike, *, return_bound: bool = False) -> Any:
    """The log-sum-exp of each state's slice, rounded once: within 1 ULP of the correctly rounded value
    where the bound of its error before rounding is below 2^-53.5 |LSE| (it is, unless m + T log S
    cancels to far below T), else within that bound plus half an ulp. ``return_bound``: also the bounds."""
    s = _states(state, "state")
    shape = s.shape
    flat = numpy.ascontiguousarray(s).reshape(-1)
    for T in numpy.unique(flat["temperature"]):
        state_temperature(T)
    if _is_c(kernels):
        out, bound = numpy.empty(flat.shape), numpy.empty(flat.shape)
        kernels._KERNELS.state_call("lse_finish", flat, out, bound)
    else:
        out, bound = _numpy_finish(flat)
    values, bounds = out.reshape(shape)[()], bound.reshape(shape)[()]
    return (values, bounds) if return_bound else values


@quiet
def normalise(kernels: ModuleType, x: ArrayLike, state: ArrayLike, axis: int | tuple[int, ...] | None = -1, *, log: bool = False) -> Any:
    """softmax (``log``: log_softmax) of ``x``'s slices along ``axis`` given the state of the whole row
    they belong to (``merge`` of every part's state): e^((x_i - m)/T) / S, or (x_i - m)/T - log S, with
    the exact shift of softmax_np and numpy.longdouble. Edges as the kernels: +inf entries share the
    mass (ties), a NaN or all -inf row gives NaN."""
    del kernels  # NumPy on both targets
    array, dtype = as_float(x)
    chosen = axes(axis, array.ndim)
    s = _states(state, "state")
    kept = tuple(d for i, d in enumerate(array.shape) if i not in chosen)
    if s.shape != kept:
        raise ValueError(f"state has shape {s.shape} but x without axis {chosen} has shape {kept}; pass the states lse_state gave for this axis")
    temperatures = numpy.unique(s["temperature"])
    if temperatures.size > 1:
        raise ValueError(f"normalise needs states of one temperature; got {sorted(float(t) for t in temperatures)}")
    T = state_temperature(temperatures[0]) if temperatures.size else 1.0
    full = numpy.expand_dims(s, chosen)
    m = full["m"]
    wide = numpy.longdouble
    with numpy.errstate(invalid="ignore", divide="ignore", over="ignore"):
        q, ql = _numpy_module()._shift(array, numpy.where(numpy.isfinite(m), m, 0.0), T)
        u = state_excess(full)
        shifted = q.astype(wide) + ql
        value = shifted - numpy.log1p(u) if log else numpy.exp(shifted) / (u + 1)
        value = value.astype(numpy.float64)
        tie_share = numpy.where(array == numpy.inf, 1.0 / full["ties"], 0.0)
        ties = numpy.log(tie_share) if log else tie_share
    value = numpy.where(numpy.isposinf(m), ties, value)
    value = numpy.where(numpy.isnan(m) | numpy.isneginf(m), numpy.nan, value)
    return narrow(numpy.asarray(value), dtype)
