r"""``precision="correct"``: float32, float16 and bfloat16 results correctly rounded (hand-written, copied verbatim
into generated/), by Ziv's strategy over the float64 kernels' bounds.

A result y of the target's float64 kernel (``module`` is the generated module, ``softmax_c`` or ``softmax_np``, called
with ``precision="accurate"``) is within K ULP of the correctly rounded float64 value, K the function table's float64
bound (``codegen/api.py``: printed into each target's dispatch line). Then

    :math:`|y - f| \le (K + \tfrac12)\,\mathrm{ulp}_{64} < (K + 1)2^{-52}|y| + (K + 1)2^{-1074}`

(the spacing at :math:`\max(|y|, |f|)` is at most :math:`2^{-52}` of it, or :math:`2^{-1074}` below the normal range,
and :math:`|f| \le |y|(1 + 2^{-49})`). Rounding :math:`y \pm B` to float64 moves each end inward by at most
:math:`2^{-53}(|y| + B) + 2^{-1075}`, so with :math:`B = (K + 2)2^{-52}|y| + 2^{-1069}` (its own two roundings
included) the computed ends enclose f: the claims fp.softmax.float32.correct, fp.log_softmax.float32.correct and
fp.cross_entropy.float32.correct check this in exact rational arithmetic (``correct_decision_covers`` in
``codegen/backends/gappa/claims.py``).
Rounding to nearest is monotone: where both ends round to one value of the result's format (bit for bit, the sign of a
zero included), that value is the correctly rounded f (:func:`decide`). A function of known sign narrows the interval
first (softmax, the losses and the sigmoid are >= 0, log_sigmoid < 0, log_softmax < 0 where another entry shares the
mass; a zero then takes the sign of f, not of y's neighbourhood). The rest (at most about :math:`2(K + 2) 2^{-28}` of
float32 results, those near a float32 midpoint: 4e-8 for softmax) are evaluated from the textbook definition in ball arithmetic (python-flint's arb, every operation
rigorously enclosed; the same shift by the maximum and log1p of the sum of the other terms as the kernels, so the
precision needed follows the result), the precision doubled from 96 bits until the ball rounds to one value
(:func:`_settle`); past 16384 bits (a result within :math:`2^{-16000}` of a midpoint) the ball's centre is rounded.

Where the kernels' bounds are theorems: on the C target every bound used here is a proved ``fp.*`` claim
(``python cli.py prove``; logsumexp's float64 bound where its first or double-double stage certifies, its later
stages argued). The NumPy target's float64 bounds are the accuracy table's, asserted by ``tests/test_accuracy.py``,
not proved. float32 results of the functions whose accurate float32 kernels are correctly rounded already
(:data:`ROUNDED_FLOAT32`: fp.<function>.float32.cr) are those kernels' results. float64 inputs are refused: their
results would need a first stage finer than the kernels' K ULP (precision="accurate" gives those).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import numpy
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float, axes, check_out, deliver, targets, temperature_value

__all__ = ["ROW_FUNCTIONS", "ELEMENTWISE", "ROUNDED_FLOAT32", "Format", "decide", "ends_agree", "round_dyadic", "rows", "losses", "reduce", "elementwise"]

Array = NDArray[Any]
# the functions precision="correct" serves (each target's dispatch calls this module for them)
ROW_FUNCTIONS = ("softmax", "log_softmax", "cross_entropy")
ELEMENTWISE = ("sigmoid", "log_sigmoid", "softplus", "log1mexp", "logit")
# their accurate float32 kernels are correctly rounded already (fp.<function>.float32.cr; logsumexp where decided)
ROUNDED_FLOAT32 = ("logsumexp", *ELEMENTWISE)
START_BITS, LAST_BITS = 96, 16384


# (significand bits with the leading one, exponent of the smallest subnormal, exponent of the overflow threshold 2^limit)
_FORMATS = {"float32": (24, -149, 128), "float16": (11, -24, 16), "bfloat16": (8, -133, 128)}


class Format:
    """A binary floating-point format: ``bits`` of significand (the leading one included), ``quantum`` the exponent of
    its smallest subnormal, ``limit`` the exponent at which a rounded value is infinite (2^limit)."""

    def __init__(self, dtype: numpy.dtype[Any]) -> None:
        self.dtype = dtype
        self.bits, self.quantum, self.limit = _FORMATS[dtype.name]


def _rounded_already(x: ArrayLike) -> bool:
    """float32 values (either byte order), whose results the accurate kernels of :data:`ROUNDED_FLOAT32` round
    correctly: passed to them as they are, without the float64 copy the other dtypes are decided from."""
    dtype = numpy.asarray(x).dtype
    return dtype.kind == "f" and dtype.itemsize == 4


def _format(dtype: numpy.dtype[Any], function: str, ulps: int) -> Format:
    """The result's format; float64 is a ``ValueError`` naming what to use instead."""
    if dtype == numpy.float64:
        raise ValueError(f'precision="correct" rounds float32, float16 and bfloat16 results correctly; {function} got float64 '
                         f'(or integer) values, whose results are within {ulps} ULP with precision="accurate" (the default)')
    return Format(dtype)


def round_array(values: Array, fmt: Format) -> Array:
    """Each float64 value rounded to nearest-even in ``fmt``, as a float64 holding it exactly (+-inf past the range,
    NaN and infinities kept). Exact: the scalings are by powers of 2 within float64's normal range and ``numpy.rint``
    rounds half to even."""
    with numpy.errstate(over="ignore", invalid="ignore"):
        _, exponent = numpy.frexp(values)  # 2^(e - 1) <= |v| < 2^e
        quantum = numpy.maximum(exponent - fmt.bits, fmt.quantum).astype(numpy.int32)
        rounded = numpy.ldexp(numpy.rint(numpy.ldexp(values, -quantum)), quantum)
        rounded = numpy.where(numpy.abs(rounded) >= 2.0**fmt.limit, numpy.copysign(numpy.inf, values), rounded)
    return numpy.where(numpy.isfinite(values), rounded, values)


def round_dyadic(man: int, exp: int, fmt: Format, ties_down: bool = False) -> float:
    """man 2^exp rounded to nearest-even in ``fmt`` (integers only: no intermediate rounding), as a float64; a zero
    keeps the sign of ``man`` (+0 for 0). ``ties_down``: a tie goes to the smaller neighbour instead, which is the
    rounding of every value just below man 2^exp (:func:`_round_below`)."""
    if man == 0:
        return 0.0
    sign, a = (-1.0 if man < 0 else 1.0), abs(man)
    quantum = max(a.bit_length() - 1 + exp - (fmt.bits - 1), fmt.quantum)
    shift = quantum - exp
    if shift <= 0:
        k = a << -shift
    elif a.bit_length() < shift:  # below half the smallest subnormal (a < 2^(shift - 1)): 0, whatever the exponent
        k = 0
    else:
        k, rest = a >> shift, a & ((1 << shift) - 1)
        half = 1 << (shift - 1)
        if rest > half or (rest == half and (sign < 0 if ties_down else k & 1)):
            k += 1
    if k == 0:
        return math.copysign(0.0, sign)
    if k.bit_length() + quantum > fmt.limit:
        return sign * math.inf
    return sign * math.ldexp(k, quantum)


def _to_format(values: Array, fmt: Format) -> Array:
    """float64 values rounded once to nearest-even in ``fmt``, as arrays of its dtype: NumPy's casts for float32
    (IEEE conversion) and float16 (NumPy rounds from float64 straight to binary16, ties to even); bfloat16 through
    :func:`round_array` (then exact)."""
    with numpy.errstate(over="ignore", invalid="ignore"):
        if fmt.dtype in (numpy.float32, numpy.float16):
            return values.astype(fmt.dtype)
        return round_array(values, fmt).astype(fmt.dtype)


def decide(y: Array, ulps: int, fmt: Format, sign: int = 0, kernels: Any = None) -> tuple[Array, Array]:
    """(the results in ``fmt``'s dtype, correctly rounded where decided; which are not) for float64 results ``y``
    within ``ulps`` ULP (the module docstring's argument); ``sign`` +1 / -1 where the exact value is known to be >= 0 /
    < 0 (0: unknown). Non-finite y are exact (the kernels' infinities and NaNs are the definitions' limits) and decided.
    ``kernels``: the C target's library, whose softproof_decide_f does the same for float32 in one pass."""
    if kernels is not None and fmt.dtype == numpy.float32:
        out, undecided = kernels.decide_float32(y, ulps, sign)
        return out, undecided
    with numpy.errstate(over="ignore", invalid="ignore"):
        bound = (ulps + 2) * 2.0**-52 * numpy.abs(y) + 2.0**-1069  # the C target's order: (K + 2) 2^-52 is exact
        low, agree = ends_agree(y - bound, y + bound, fmt, sign)
    finite = numpy.isfinite(y)
    return numpy.where(finite, low, _to_format(y, fmt)), ~agree & finite


def ends_agree(low_end: Array, high_end: Array, fmt: Format, sign: int = 0) -> tuple[Array, Array]:
    """(the lower ends rounded to ``fmt``, whether both ends of each interval round to one value, bit for bit): the
    rounding test of :func:`decide` and of the NumPy target's float32 logsumexp (``_decides``); ``sign`` +1 / -1 where
    the values inside are >= 0 / < 0 narrows the intervals at 0 (as the C target's sp_float_ends_agree)."""
    low, high = _to_format(low_end, fmt), _to_format(high_end, fmt)
    zero = numpy.zeros((), fmt.dtype)
    if sign > 0:  # f >= 0: round(f) >= +0
        low = numpy.where(low <= zero, zero, low)
    if sign < 0:  # f < 0: round(f) <= -0
        high = numpy.where(high >= zero, -zero, high)
    bits = numpy.dtype(f"u{fmt.dtype.itemsize}")
    return low, low.view(bits) == high.view(bits)


def _settle(balls: Callable[[], Sequence[Any]], fmt: Format, sign: int) -> list[float]:
    """The correctly rounded values of the arb balls ``balls()`` computes at the current precision, the precision
    doubled from :data:`START_BITS` until every ball rounds to one value of ``fmt`` (``sign`` as in :func:`decide`);
    past :data:`LAST_BITS` the centre is rounded."""
    try:
        from flint import ctx
    except ImportError:  # pragma: no cover - python-flint ships with softproof; the generated package alone may lack it
        raise ImportError('precision="correct" settles the results near a midpoint in ball arithmetic: pip install python-flint') from None
    saved = ctx.prec
    try:
        bits = START_BITS
        while True:
            ctx.prec = bits
            values = [_round_ball(ball, fmt, sign, bits >= LAST_BITS) for ball in balls()]
            if all(v is not None for v in values):
                return [float(v) for v in values if v is not None]
            bits *= 2
    finally:
        ctx.prec = saved


def _dyadic(value: Any) -> tuple[int, int]:
    man, exp = value.man_exp()
    return int(man), int(exp)


def _agreed(low: float, high: float, sign: int = 0) -> float | None:
    """The value two roundings of an interval's ends agree on (bit for bit: the sign of a zero too), or None; ``sign``
    as in :func:`decide` narrows the interval at 0 first."""
    if sign > 0 and low <= 0.0:
        low = 0.0
    if sign < 0 and high >= 0.0:
        high = -0.0
    return low if low == high and math.copysign(1.0, low) == math.copysign(1.0, high) else None


def _round_below(item: tuple[Any, Any], fmt: Format) -> float | None:
    r"""The rounding of :math:`q - L` with :math:`L > 0` (a log-probability: q the shift, L the log of the sum) where L is
    too small for the working precision to separate q - L from q: the value lies in [lower end of the ball of q - L,
    upper end of q), so where the lower end and every value just below q's upper end (:func:`round_dyadic` with
    ``ties_down``: a q exactly at a midpoint rounds down) round to one value, that is its rounding; else None."""
    q, L = item
    if not (L.lower() > 0) or not q.is_finite():
        return None
    return _agreed(round_dyadic(*_dyadic((q - L).lower()), fmt), round_dyadic(*_dyadic(q.upper()), fmt, ties_down=True))


def _round_ball(item: Any, fmt: Format, sign: int, last: bool) -> float | None:
    """The value of ``fmt`` both ends of the ball ``item`` round to, or None (``last``: the centre's rounding). An item
    (q, L) stands for q - L with L > 0 (:func:`_round_below` where the ball of q - L alone cannot decide)."""
    if isinstance(item, tuple):
        ball = item[0] - item[1]
        rounded = _round_ball(ball, fmt, sign, False)
        below = _round_below(item, fmt) if rounded is None else rounded
        return below if below is not None or not last else _round_ball(ball, fmt, sign, True)
    ball = item
    if not ball.is_finite():
        return None
    if ball.rad().is_zero() or last:
        return round_dyadic(*_dyadic(ball.mid()), fmt)
    return _agreed(round_dyadic(*_dyadic(ball.lower()), fmt), round_dyadic(*_dyadic(ball.upper()), fmt), sign)


def _row_balls(values: Sequence[float], T: float, which: Sequence[int], kind: str) -> Callable[[], list[Any]]:
    r"""The exact results at ``which`` of one slice, as arb balls at the current precision: ``kind`` "softmax"
    (:math:`e^{q_j}/(1 + u)`), "log_softmax" (:math:`q_j - \operatorname{log1p}(u)`) or "logsumexp"
    (:math:`m + T\operatorname{log1p}(u)`), with m the maximum, :math:`q_j = (x_j - m)/T` and
    :math:`u = (c - 1) + \sum_{x_j < m} e^{q_j}` (c the ties): the textbook definitions after the shift
    (rewrite.softmax_tempered_shift, rewrite.log_softmax_ties_log1p, rewrite.smooth_max_shift), exact in the reals.
    -inf entries add nothing (softmax 0, log_softmax -inf: exact, never undecided). Slices the definitions leave to a
    limit (T = 0 or oo, a +inf entry) are taken from the kernels' shares, below. log_softmax's items are the pair
    (q_j, log1p(u)) (:func:`_round_ball`): a q_j exactly at a midpoint minus an L below 2^-16000 of it (the other
    entries 11,000 or more below the maximum) is decided by L > 0, which no precision would show the ball of the
    difference."""

    def balls() -> list[Any]:
        from flint import arb

        finite = [v for v in values if v != -math.inf]
        top = max(finite)
        ties = sum(1 for v in finite if v == top)
        temperature = arb(T)
        shifts = {j: (arb(v) - arb(top)) / temperature for j, v in enumerate(values) if v != -math.inf and v != top}
        u = arb(ties - 1) + sum((s.exp() for s in shifts.values()), arb(0))
        if kind == "logsumexp":
            return [arb(top) + temperature * u.log1p()]
        out = []
        for j in which:
            shift = shifts.get(j, arb(0))
            out.append(shift.exp() / (1 + u) if kind == "softmax" else (shift, u.log1p()))
        return out

    return balls


def _share_balls(y: Sequence[float], which: Sequence[int], kind: str) -> Callable[[], list[Any]]:
    """A slice the definitions leave to a limit (T = 0: the ties of the maximum share 1; T = oo: the finite entries
    share 1 equally; a +inf entry: the +inf entries share 1; temperature.* claims): each value the kernel gives is
    1/k (log: -log k) for a count k, recovered from its float64 y (distinct k <= 2^31 lie 2^-31 apart relatively, y is
    within 2^-50 of 1/k), or 0 (-inf); the exact 1/k or -log k as a ball."""

    def balls() -> list[Any]:
        from flint import arb

        out = []
        for j in which:
            count = round(1.0 / y[j]) if kind == "softmax" else round(math.exp(-y[j]))
            out.append(1 / arb(count) if kind == "softmax" else -arb(count).log())
        return out

    return balls


def _count_log(count: int) -> Callable[[], list[Any]]:
    """log k for a count k, as a ball."""

    def balls() -> list[Any]:
        from flint import arb

        return [arb(count).log()]

    return balls


def _log_sign(values: Sequence[float], limit: bool = False) -> int:
    """The sign of a slice's log-probabilities for :func:`decide`: -1 (log p < 0) where another finite entry shares the
    mass at a finite T > 0; 0 (unknown) where a limit decides the shares or no other entry does (log p = 0 possible)."""
    return 0 if limit or sum(math.isfinite(v) for v in values) < 2 else -1


def _last(axis: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(range(-len(axis), 0))


def _slices(a: Array, axis: tuple[int, ...]) -> Array:
    """``a`` as a 2-d array, one slice along ``axis`` per row (a copy where it must be)."""
    moved = numpy.moveaxis(a, axis, _last(axis))
    return moved.reshape(-1, math.prod(moved.shape[moved.ndim - len(axis):]))


def _unslice(rows: Array, shape: tuple[int, ...], axis: tuple[int, ...]) -> Array:
    """The inverse of :func:`_slices` for an array of ``shape``."""
    moved = tuple(size for i, size in enumerate(shape) if i not in axis) + tuple(shape[i] for i in axis)
    return numpy.moveaxis(rows.reshape(moved), _last(axis), axis)


def rows(module: ModuleType, function: str, ulps: int, x: ArrayLike, axis: int | tuple[int, ...] | None, temperature: float,
         out: NDArray[Any] | None, where: ArrayLike | None = None) -> Any:
    """softmax or log_softmax (``function``) with every result correctly rounded to x's dtype. The C target's float32
    rows take one pass through softproof_<function>_correct_f (the double kernel and the decision per chunk of rows)."""
    if where is not None:
        raise ValueError(f'precision="correct" takes {function} without where= (mask the entries with -inf instead)')
    source, array = x, numpy.asarray(x)
    kernels = getattr(module, "_KERNELS", None)
    if kernels is not None and array.dtype == numpy.float32 and array.dtype.isnative:
        dtype, fmt = array.dtype, Format(array.dtype)
        axis_tuple, T = axes(axis, array.ndim), temperature_value(temperature)
        target = check_out(out, source, array.shape, dtype)
        flat_x = numpy.ascontiguousarray(_slices(array, axis_tuple))
        flat_result, flat_undecided = kernels.rows_correct_float32(function, flat_x, T, ulps)
    else:
        x64, dtype = as_float(x)
        fmt = _format(dtype, function, ulps)
        axis_tuple = axes(axis, x64.ndim)
        target = check_out(out, source, x64.shape, dtype)
        y = numpy.asarray(getattr(module, function)(x64, axis, temperature, precision="accurate"), numpy.float64)
        T = float(temperature)
        # softmax >= 0; log_softmax's sign is known per slice (below), so the first stage leaves its zeros to the
        # second: only the maximal entry of a slice whose other terms are all below 2^-1070 can be that near 0
        result, undecided = decide(y, ulps, fmt, 1 if function == "softmax" else 0)
        flat_x, flat_result, flat_undecided = _slices(x64, axis_tuple), _slices(result, axis_tuple).copy(), _slices(undecided, axis_tuple)
    open_rows = numpy.nonzero(flat_undecided.any(axis=1))[0] if flat_x.size else numpy.zeros(0, numpy.intp)
    if function == "log_softmax" and open_rows.size:
        # a slice with one entry above -inf (and no NaN) has log p = 0 there exactly, the entry its kernel left at +-0 and
        # the decision undecided (sign 0): settled here in one step rather than one slice at a time below
        rows_x = flat_x[open_rows]
        alone = open_rows[(numpy.sum(rows_x != -numpy.inf, axis=1) == 1) & ~numpy.isnan(rows_x).any(axis=1)]
        flat_result[alone] = numpy.where(flat_undecided[alone], 0.0, flat_result[alone])
        open_rows = numpy.setdiff1d(open_rows, alone)
    for index in open_rows:
        values = flat_x[index].tolist()
        which = numpy.nonzero(flat_undecided[index])[0].tolist()
        limit = T == 0.0 or T == math.inf or math.inf in values or any(math.isnan(v) for v in values)
        if limit:
            row = getattr(module, function)(numpy.array(values), -1, T, precision="accurate").tolist()
            balls = _share_balls(row, which, function)
        else:
            balls = _row_balls(values, T, which, function)
        flat_result[index, which] = _settle(balls, fmt, 1 if function == "softmax" else _log_sign(values, limit))
    return deliver(_unslice(flat_result, array.shape, axis_tuple), target)


def losses(module: ModuleType, function: str, ulps: int, logits: ArrayLike, target: ArrayLike, axis: int = -1, *,
           weight: ArrayLike | None = None, ignore_index: int = -100, reduction: str = "none", label_smoothing: float = 0.0,
           where: ArrayLike | None = None) -> Any:
    r"""cross_entropy's per-example losses :math:`-\log p_t \ge 0`, each correctly rounded: the float64 kernel's loss
    (within ``ulps``, fp.cross_entropy.float64) decided as the other results (:func:`decide`, sign +1: a loss that rounds
    to 0 is +0); an undecided loss is the negated log_softmax entry at the target, settled as :func:`rows` settles it
    (negation is exact: the rounding of -v is minus the rounding of v). Class indices only, without the options (a
    weighted, smoothed or reduced loss is not one rounding of a log-probability)."""
    from ._options import plain_targets

    plain = weight is None and reduction == "none" and label_smoothing == 0.0 and where is None and plain_targets(target, ignore_index)
    if not plain:
        raise ValueError(f'precision="correct" takes {function} with class indices (none equal to ignore_index) and without '
                         'weight=, label_smoothing, where= or a reduction (reduction="none")')
    values, dtype = as_float(logits, "logits")
    fmt = _format(dtype, function, ulps)
    index, class_axis = targets(values, target, axis)
    y = numpy.asarray(getattr(module, function)(values, target, class_axis, precision="accurate"), numpy.float64)
    result, undecided = decide(y, ulps, fmt, 1, getattr(module, "_KERNELS", None))
    if undecided.any():
        flat_x, flat_index = _slices(values, (class_axis,)), index.reshape(-1)
        flat_y, flat_result = y.reshape(-1), result.reshape(-1).copy()
        for r in numpy.nonzero(undecided.reshape(-1))[0]:
            row, j = flat_x[r].tolist(), int(flat_index[r])
            if math.inf in row:  # the k +inf entries share the mass: a +inf target's loss is log k (another's is +inf)
                flat_result[r] = _settle(_count_log(round(math.exp(float(flat_y[r])))), fmt, 1)[0]
            else:
                flat_result[r] = -_settle(_row_balls(row, 1.0, [j], "log_softmax"), fmt, _log_sign(row))[0]
        result = flat_result.reshape(y.shape)
    return result[()] if result.ndim == 0 else result


def reduce(module: ModuleType, function: str, ulps: int, x: ArrayLike, axis: int | tuple[int, ...] | None, keepdims: bool, temperature: float,
           b: ArrayLike | None = None, return_sign: bool = False, where: ArrayLike | None = None) -> Any:
    """logsumexp with its results correctly rounded to x's dtype (float32: the accurate kernel's, which are)."""
    if b is not None or return_sign or where is not None:
        raise ValueError(f'precision="correct" takes {function} without b=, return_sign or where=')
    if _rounded_already(x):
        return module.logsumexp(x, axis, keepdims, temperature, precision="accurate")
    x64, dtype = as_float(x)
    fmt = _format(dtype, function, ulps)
    axis_tuple = axes(axis, x64.ndim)
    y = numpy.asarray(module.logsumexp(x64, axis_tuple, True, temperature, precision="accurate"), numpy.float64)
    result, undecided = decide(y, ulps, fmt)
    T = float(temperature)
    if undecided.any():
        flat_x, flat_result = _slices(x64, axis_tuple), _slices(result, axis_tuple).copy()
        for index in numpy.nonzero(_slices(undecided, axis_tuple)[:, 0])[0]:
            # undecided only where the kernel's value is finite: a finite T > 0 with finite entries (T = 0 gives the
            # maximum, an entry of x's own format, exactly)
            flat_result[index, 0] = _settle(_row_balls(flat_x[index].tolist(), T, (0,), "logsumexp"), fmt, 0)[0]
        result = _unslice(flat_result, y.shape, axis_tuple)
    if not keepdims:
        result = numpy.squeeze(result, axis=axis_tuple)
    return result[()] if result.ndim == 0 else result


_EXACT: dict[str, Callable[[Any], Any]] = {
    "sigmoid": lambda x: 1 / (1 + (-x).exp()),
    "log_sigmoid": lambda x: -((-x).exp().log1p()) if x >= 0 else x - x.exp().log1p(),
    "softplus": lambda x: x + (-x).exp().log1p() if x > 0 else x.exp().log1p(),
    "log1mexp": lambda x: (-(x.expm1())).log(),
    "logit": lambda p: (p / (1 - p)).log(),  # exact at p = 1/2 (log 1 = 0), where a difference of logs never decides 0's sign
}
# the sign of each function's values at finite x (sigmoid, softplus > 0; log_sigmoid < 0; log1mexp < 0 for x < 0,
# every finite x with a finite result; logit either)
_SIGNS = {"sigmoid": 1, "log_sigmoid": -1, "softplus": 1, "log1mexp": -1, "logit": 0}


def elementwise(module: ModuleType, function: str, ulps: int, x: ArrayLike, out: NDArray[Any] | None) -> Any:
    """An element-wise function with every result correctly rounded to x's dtype (float32: the accurate kernel's,
    which are: fp.<function>.float32.cr)."""
    if _rounded_already(x):
        return getattr(module, function)(x, out, precision="accurate")
    source = x
    x64, dtype = as_float(x)
    fmt = _format(dtype, function, ulps)
    target = check_out(out, source, x64.shape, dtype)
    y = numpy.asarray(getattr(module, function)(x64, precision="accurate"), numpy.float64)
    result, undecided = decide(y, ulps, fmt, _SIGNS[function])  # float16 or bfloat16 here: NumPy's decision
    limits = ~numpy.isfinite(x64)  # an infinite x: the kernel's value is the limit, exact (log_sigmoid(+inf) = -0)
    if limits.any():
        result = numpy.where(limits, y.astype(dtype), result)
        undecided = undecided & ~limits
    if undecided.any():
        from flint import arb

        flat_x, flat_result = x64.reshape(-1), result.reshape(-1).copy()
        which = numpy.nonzero(undecided.reshape(-1))[0].tolist()
        exact = _EXACT[function]
        flat_result[which] = _settle(lambda: [exact(arb(float(flat_x[i]))) for i in which], fmt, _SIGNS[function])
        result = flat_result.reshape(y.shape)
    return deliver(result[()] if result.ndim == 0 and target is None else result, target)
