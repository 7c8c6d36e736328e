"""The peers' parameters on every target (hand-written, copied verbatim into generated/).

scipy.special, torch.nn.functional and jax.nn give the softmax family options that are bookkeeping
around the kernels: masks (``where=``), weights (``b=``, ``weight=``, ``pos_weight=``), signs,
targets to ignore, label smoothing, reductions. This module composes them from the kernels of one
target -- ``kernels`` is the generated module itself (``softmax_np`` or ``softmax_c``), called with
every option off -- so both targets share one semantics. The identities it relies on are claims of
``derive/conventions.py`` (``python cli.py prove``), cited where they are used:

* ``mask.entry_limit``: a masked entry is the limit x_j -> -inf of the unmasked function, so
  masking is putting -inf there and calling the kernel;
* ``mask.fully_masked_limits``: a slice with no unmasked entry has logsumexp -inf, loss 0 and
  gradient 0 (limits of the one-entry case); probabilities 0 and log-probabilities -inf there are
  the frameworks' convention (PyTorch ``_safe_softmax``, oneDNN ``inf_as_zero``), not a limit;
* ``ce.label_smoothing_mix``, ``ce.weighted_smoothing_grad``, ``ce.soft_target_grad``,
  ``ce.mean_reduction_split``: torch's cross-entropy options and their gradients;
* ``lse.weighted_shift``, ``lse.sign_split``, ``lse.logmeanexp_expm1``, ``bce.stable_form``,
  ``backward.logsumexp``.

The kernels are called on float64 arrays and the result is rounded once to the input's dtype.
``b=``, ``return_sign`` and the reductions are evaluated by NumPy on both targets (``softmax_np``'s
``_weighted_logsumexp``): they have no C kernel of their own; ``logmeanexp`` has one on the C target
(``softproof_logmeanexp_d``; with ``where=`` it is NumPy's ``_logmeanexp`` on both).
"""

from __future__ import annotations

import functools
import importlib
from types import ModuleType
from typing import Any

import numpy
from numpy.typing import ArrayLike, NDArray

from . import _correct
from ._checks import as_float, axes, check_out, deliver, narrow, paired, quiet, slice_rows, targets, temperature_value

__all__ = [
    "PRECISIONS", "check_precision", "plain_targets", "softmax", "log_softmax", "softmin", "logsumexp", "logmeanexp", "cross_entropy",
    "cross_entropy_grad", "cross_entropy_with_grad", "nll_loss", "binary_cross_entropy_with_logits",
    "logsumexp_backward",
]

Array = NDArray[Any]
REDUCTIONS = ("none", "mean", "sum")
# every public function's ``precision``: "accurate" (the default bounds), "fast" (the C target's binary32
# kernels for float32, within the fp.*.fast.float32 bounds; every other case gives the accurate result,
# which is within them too) or "correct" (float32, float16 and bfloat16 results correctly rounded, _correct.py;
# the functions with an entry there)
PRECISIONS = ("accurate", "fast", "correct")


def check_precision(precision: object, function: str = "", correct: bool = False) -> None:
    """A ``ValueError`` naming ``precision`` unless it is one of :data:`PRECISIONS`, and naming ``function`` for
    "correct" where that function has no entry in ``_correct.py`` (``correct`` False)."""
    if not isinstance(precision, str) or precision not in PRECISIONS:
        raise ValueError(f'precision must be "accurate", "fast" or "correct"; got {precision!r}')
    if precision == "correct" and not correct:
        served = ", ".join((*_correct.ROW_FUNCTIONS, "logsumexp", *_correct.ELEMENTWISE))  # cross_entropy's losses among the rows
        raise ValueError(f'precision="correct" is not available for {function} (it is for {served}); its float32 results are '
                         'within the bounds of the accuracy table with precision="accurate" (the default)')


def plain_targets(target: ArrayLike, ignore_index: int) -> bool:
    """True when ``target`` holds class indices none of which is ``ignore_index``: the kernel's own path."""
    index = numpy.asarray(target)
    return index.dtype.kind in "iu" and not bool(numpy.any(index == ignore_index))


def _numpy_target() -> Any:
    """The generated NumPy module, whose skeleton helpers (TwoSum sums, the weighted and mean
    log-sum-exp) both targets share; imported on use (it imports this module)."""
    return importlib.import_module(f"{__package__}.softmax_np")


def _sum(values: Array, axis: tuple[int, ...]) -> Array:
    """The sum over ``axis`` (kept dims), compensated (TwoSum, as the kernels' own sums) when every value
    is finite (where that sum overflows, NumPy's infinity); with an infinity or a NaN, NumPy's sum, whose
    inf and NaN are the right ones."""
    if values.size and bool(numpy.isfinite(values).all()):
        with numpy.errstate(over="ignore", invalid="ignore"):
            compensated = numpy.asarray(_numpy_target()._compensated_sum(values, axis))
            if bool(numpy.isfinite(compensated).all()):
                return compensated
            # an overflow (TwoSum's inf - inf is NaN): the plain sum's infinity
            plain: Array = numpy.where(numpy.isfinite(compensated), compensated, numpy.sum(values, axis=axis, keepdims=True))
        return plain
    total: Array = numpy.sum(values, axis=axis, keepdims=True)
    return total


def _sum_scaled(values: Array, axis: tuple[int, ...]) -> tuple[Array, Array]:
    """The sum over ``axis`` (kept dims, ``_sum``) as S 2^b: b = 0 where it is finite or a value is not; where it
    overflows while every value of the slice is finite, S is the sum of the values times 2^-b, b the bits of the
    slice's size plus 1 (the scaled sum is below DBL_MAX; the scaling exact), so that a mean or a product by a
    factor below 1 taken of S and scaled back by 2^b is finite where the truth is."""
    total = _sum(values, axis)
    exponent = numpy.zeros(total.shape, dtype=numpy.int64)
    with numpy.errstate(over="ignore", invalid="ignore"):
        if bool(numpy.isfinite(total).all()):
            return total, exponent
        redo = ~numpy.isfinite(total) & numpy.all(numpy.isfinite(values), axis=axis, keepdims=True)
        if redo.any():
            bits = int(numpy.prod([values.shape[a] for a in axis])).bit_length() + 1
            total = numpy.where(redo, _sum(numpy.ldexp(values, -bits), axis), total)
            exponent = numpy.where(redo, bits, exponent)
    return total, exponent


def _mean(values: Array, denominator: float) -> Any:
    """sum(values) / denominator, the sum compensated and, where it alone overflows, scaled (``_sum_scaled``): the mean of
    1e308 and 1e308 is 1e308, not inf or NaN."""
    flat = values.reshape(-1)
    if not flat.size:
        with numpy.errstate(invalid="ignore", divide="ignore"):
            return numpy.float64(0.0) / denominator  # an empty mean: 0/0, NaN
    total, exponent = _sum_scaled(flat, (0,))
    with numpy.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return numpy.ldexp(total[0] / denominator, exponent[0])


def _sum_times(values: Array, axis: tuple[int, ...], factor: Array | float) -> Array:
    """factor times the sum over ``axis`` (kept dims), where the sum alone may overflow while the product does not
    (label smoothing's eps/n times the sum of -log p over the classes, logits near -DBL_MAX masking several
    classes): factor times ``_sum_scaled``'s S, then 2^b (exact scalings, the one rounding of the product as before)."""
    total, exponent = _sum_scaled(values, axis)
    with numpy.errstate(over="ignore", invalid="ignore"):
        product: Array = numpy.ldexp(factor * total, exponent)
    return product


def _keep(where: ArrayLike, shape: tuple[int, ...]) -> Array:
    """``where`` as a boolean mask of ``shape`` (broadcast); True keeps an entry."""
    mask = numpy.asarray(where)
    if mask.dtype != numpy.bool_:
        raise TypeError(f"where must be a boolean mask (True keeps an entry); got dtype {mask.dtype}. "
                        "Pass e.g. numpy.asarray(mask, dtype=bool)")
    try:
        return numpy.broadcast_to(mask, shape)
    except ValueError:
        raise ValueError(f"where has shape {mask.shape}, which does not broadcast to the input's shape {shape}") from None


def _masked(x: ArrayLike, where: ArrayLike | None, name: str = "x") -> tuple[Array, Array | None, numpy.dtype[Any]]:
    """(float64 input with -inf at the masked entries, the mask or None, the dtype to return)."""
    array, dtype = as_float(x, name)
    array = numpy.asarray(array, dtype=numpy.float64)
    if where is None:
        return array, None, dtype
    keep = _keep(where, array.shape)
    return numpy.where(keep, array, -numpy.inf), keep, dtype  # mask.entry_limit


def _empty(keep: Array | None, axis: tuple[int, ...]) -> Array | bool:
    """The slices with no kept entry (kept dims); False without a mask."""
    return False if keep is None else ~numpy.any(keep, axis=axis, keepdims=True)


def _normalised(kernel: Any, fill: float, x: ArrayLike, axis: Any, temperature: object, out: Any, where: ArrayLike | None) -> Any:
    array, keep, dtype = _masked(x, where)
    target = check_out(out, x, array.shape, dtype)
    chosen = axes(axis, array.ndim)
    result = numpy.asarray(kernel(array, axis, temperature), dtype=numpy.float64)
    result = numpy.where(_empty(keep, chosen), fill, result)  # mask.fully_masked_limits: the convention
    return deliver(narrow(result, dtype), target)


@quiet
def softmax(kernels: ModuleType, x: ArrayLike, axis: Any = -1, temperature: object = 1.0, out: Any = None, *,
            where: ArrayLike | None = None) -> Any:
    r"""Softmax with a mask, as ``jax.nn.softmax(x, axis, where=)``: masked entries get probability 0
    and the others the softmax of the kept entries (``mask.entry_limit``); a slice with no kept entry
    gives 0 everywhere (PyTorch's ``_safe_softmax``), never NaN."""
    return _normalised(kernels.softmax, 0.0, x, axis, temperature, out, where)


@quiet
def log_softmax(kernels: ModuleType, x: ArrayLike, axis: Any = -1, temperature: object = 1.0, out: Any = None, *,
                where: ArrayLike | None = None) -> Any:
    r"""Log-softmax with a mask, as ``jax.nn.log_softmax(x, axis, where=)``: masked entries get -inf, a
    slice with no kept entry -inf everywhere."""
    return _normalised(kernels.log_softmax, -numpy.inf, x, axis, temperature, out, where)


@quiet
def softmin(kernels: ModuleType, x: ArrayLike, axis: Any = -1, temperature: object = 1.0, out: Any = None, *,
            where: ArrayLike | None = None) -> Any:
    r"""Softmin :math:`\mathrm{softmax}(-x/T)` (``torch.nn.functional.softmin``): the negation is exact,
    so the bounds, edges and mask semantics are softmax's."""
    array, dtype = as_float(x)
    return kernels.softmax((-numpy.asarray(array)).astype(dtype), axis, temperature, out, where=where)


@quiet
def logsumexp(kernels: ModuleType, x: ArrayLike, axis: Any = -1, keepdims: bool = False, temperature: object = 1.0, *,
              b: ArrayLike | None = None, return_sign: bool = False, where: ArrayLike | None = None) -> Any:
    r""":math:`T\log\sum_i b_i e^{x_i/T}` with scipy's and JAX's ``b=``, ``return_sign=`` and ``where=``.

    ``where``: masked entries are left out (``mask.entry_limit``); a fully masked slice gives -inf
    (``mask.fully_masked_limits``). ``b`` (broadcast to x): weights of either sign, a zero weight
    leaving its entry out (``lse.weighted_shift``: :math:`\log\sum b e^x = \mathrm{LSE}(x + \log b)`
    for b > 0). With ``return_sign=True`` the result is :math:`T\log|s|` and the sign of s
    (``lse.sign_split``; 0 for a sum of 0, whose log is -inf); without it a negative sum gives NaN,
    as scipy does. The result's dtype is that of x and b together (NumPy's promotion, as scipy).

    Accuracy: within 1 ULP. Without b the value is the kernel's (the proved bound) and the sign 1 (0 for
    -inf, NaN for NaN); with b, a long double evaluation with a certified error bound, and the slices it
    leaves uncertain (a sum that cancels, whose condition number
    :math:`\sum|b_i|e^{x_i/T}/|\sum b_i e^{x_i/T}|` is large, or a result near 0) redone exactly
    (``softmax_np._weighted_logsumexp``). ``b`` or ``return_sign`` need a finite T > 0.
    """
    array, keep, dtype = _masked(x, where)
    chosen = axes(axis, array.ndim)
    T = temperature_value(temperature)
    if b is None and not return_sign:
        return kernels.logsumexp(array.astype(dtype), axis, keepdims, T)
    if not 0.0 < T < numpy.inf:
        raise ValueError(f"logsumexp with b= or return_sign=True needs a finite temperature > 0; got {temperature!r}")
    if b is None:  # return_sign alone: the kernel's value, whose sum has no negative term
        value = numpy.asarray(kernels.logsumexp(array.astype(dtype), axis, keepdims, T))
        signs = numpy.where(numpy.isnan(value), numpy.nan, numpy.where(value == -numpy.inf, 0.0, 1.0)).astype(value.dtype)
        return value[()], signs[()]
    weights, weight_dtype = as_float(b, "b")
    try:
        weights = numpy.broadcast_to(numpy.asarray(weights, dtype=numpy.float64), array.shape)
    except ValueError:
        raise ValueError(f"b has shape {numpy.shape(b)}, which does not broadcast to x's shape {array.shape}") from None
    live = weights != 0
    if keep is not None:
        live = live & keep
    with numpy.errstate(invalid="ignore", divide="ignore", over="ignore"):
        out, sign = _numpy_target()._weighted_logsumexp(array, weights, live, T, chosen)
    result_dtype = numpy.result_type(dtype, weight_dtype)
    if not return_sign:
        out = numpy.where(sign < 0, numpy.nan, out)
    if not keepdims:
        out, sign = numpy.squeeze(out, axis=chosen), numpy.squeeze(sign, axis=chosen)
    value = numpy.asarray(out).astype(result_dtype)[()]
    return (value, numpy.asarray(sign).astype(result_dtype)[()]) if return_sign else value


@quiet
def logmeanexp(kernels: ModuleType, x: ArrayLike, axis: Any = -1, keepdims: bool = False, *, where: ArrayLike | None = None) -> Any:
    r""":math:`\log(\frac{1}{n}\sum_i e^{x_i})` over ``axis`` (``jax.nn.logmeanexp``; softproof's default
    axis is -1 as for its other functions, JAX's is None). ``where``: the mean over the kept entries
    only; a slice with none is NaN, the mean of nothing (as JAX). Evaluated as
    :math:`m + \operatorname{log1p}(\frac{1}{n}\sum\operatorname{expm1}(x_i - m))` (``lse.logmeanexp_expm1``),
    rounded once; within 1 ULP (slices where :math:`m` and the log cancel are redone exactly)."""
    array, keep, dtype = _masked(x, where)
    chosen = axes(axis, array.ndim)
    kept = numpy.ones(array.shape, dtype=bool) if keep is None else keep
    with numpy.errstate(invalid="ignore", divide="ignore", over="ignore"):
        out = _c_logmeanexp(kernels, array, chosen) if keep is None else None
        if out is None:
            out = _numpy_target()._logmeanexp(array, kept, chosen)
    if not keepdims:
        out = numpy.squeeze(out, axis=chosen)
    return narrow(numpy.asarray(out), dtype)[()]


def _c_logmeanexp(kernels: ModuleType, array: Array, chosen: tuple[int, ...]) -> Array | None:
    """logmeanexp over ``chosen`` (kept dims) by the C target's kernel (softproof_logmeanexp_d: within 1 ULP where it
    certifies a row), the rows it flags redone exactly (``softmax_np._logsumexp_exact`` with the count, mpmath); None
    where there is no C kernel (the NumPy target) or nothing to reduce."""
    library = getattr(kernels, "_KERNELS", None)
    if library is None or array.size == 0:
        return None
    rows, rest, moved = slice_rows(array, chosen, numpy.dtype(numpy.float64))
    out: Array
    uncertain: Array
    out, uncertain = library.logmeanexp_rows(rows)
    if uncertain.any():
        count = numpy.full((rows.shape[0], 1), float(rows.shape[1]))
        out = _numpy_target()._logsumexp_exact(rows, 1.0, (1,), uncertain[:, None], out[:, None], count)[:, 0]
    result: Array = numpy.expand_dims(out.reshape(moved[: len(rest)]), chosen)
    return result


# ----------------------------------------------------------------------------------------------- losses
class _Loss:
    """The checked arguments of a cross-entropy-like call: float64 logits (-inf at masked classes), the
    class axis, the mask, the class weights along that axis, and the targets (indices or probabilities)."""

    def __init__(self, logits: ArrayLike, target: ArrayLike, axis: object, weight: ArrayLike | None, ignore_index: int,
                 reduction: str, label_smoothing: float, where: ArrayLike | None, name: str = "logits") -> None:
        if reduction not in REDUCTIONS:
            raise ValueError(f"reduction must be one of {', '.join(map(repr, REDUCTIONS))}; got {reduction!r}")
        smoothing = float(label_smoothing)
        if not 0.0 <= smoothing <= 1.0:
            raise ValueError(f"label_smoothing must lie in [0, 1]; got {label_smoothing!r}")
        self.x, self.keep, self.dtype = _masked(logits, where, name)
        if self.x.ndim == 0:
            raise ValueError(f"{name} must have at least one dimension (the classes)")
        if not isinstance(axis, (int, numpy.integer)) or isinstance(axis, bool):
            raise TypeError(f"axis must be an int for {name}; got {axis!r}")
        self.ax = axes(int(axis), self.x.ndim)[0]
        self.classes = self.x.shape[self.ax]
        self.reduction, self.smoothing = reduction, smoothing
        shape = [1] * self.x.ndim
        shape[self.ax] = self.classes
        if weight is None:
            self.w: Array | None = None
        else:
            w, _ = as_float(weight, "weight")
            if numpy.shape(w) != (self.classes,):
                raise ValueError(f"weight has shape {numpy.shape(w)}; it needs one weight per class, shape ({self.classes},)")
            self.w = numpy.asarray(w, dtype=numpy.float64).reshape(shape)
        index = numpy.asarray(target)
        self.soft = index.dtype.kind == "f"
        if self.soft:  # class probabilities, the logits' shape (torch); ignore_index does not apply
            if index.shape != self.x.shape:
                raise ValueError(f"probability targets must have the logits' shape {self.x.shape}; got {index.shape}")
            probs, _ = as_float(index, "target")
            self.probs = numpy.asarray(probs, dtype=numpy.float64)
            self.ignored = numpy.zeros(numpy.delete(numpy.array(self.x.shape), self.ax), dtype=bool)
        else:
            if index.dtype.kind not in "iu":
                raise TypeError(f"target must hold integer class indices or float class probabilities; got dtype {index.dtype}")
            self.ignored = index == ignore_index
            safe = numpy.where(self.ignored, 0, index)
            self.index, _ = targets(self.x, safe, self.ax)  # the error names a bad target
            self.safe = safe
        kept = numpy.ones(self.x.shape, dtype=bool) if self.keep is None else self.keep
        self.kept = kept
        self.empty = numpy.squeeze(~numpy.any(kept, axis=self.ax, keepdims=True), axis=self.ax)  # no class left
        self.count = numpy.sum(kept, axis=self.ax, keepdims=True).astype(numpy.float64)  # classes per row
        self.scale_exponent = 0  # the class weights' scaling for the mean, 2^-scale_exponent (below)
        if self.w is not None and reduction == "mean":
            self._scale_weights()

    def _scale_weights(self) -> None:
        """For the mean, where the largest weight the mean uses (the targets', with smoothing also the kept classes';
        for probability targets the kept classes' with a probability) is beyond 2^900 or below 2^-900: the weights times 2^-k, that one in [1/2, 1), and
        ``scale_exponent`` k: an index target's mean sum_i w_i l_i / sum_i w_i and its gradient are the same for
        weights scaled by a power of 2 (exactly, where nothing leaves the range), a probability target's mean and
        gradient (over the row count) are multiplied back by 2^k. So weights near DBL_MAX do not overflow the terms or
        the denominator (1e308 gave 0 and NaN; below 1, w l cannot overflow where l does not), and subnormal ones
        (1e-320) are exact normal numbers, not products rounded on the subnormal grid. Weights in between are left
        as they are (exact as before), and so are used weights more than 2^1022 apart, which no one scale keeps: scaled
        down, the small ones would round to 0 (0 times a masked target's +inf is NaN) or lose their bits (a denominator
        of one such weight: 4.9e305 for an overflowing mean)."""
        assert self.w is not None
        every = numpy.broadcast_to(self.w, self.x.shape)
        if self.soft:  # the weights of the kept classes with a target probability
            used = every[self.kept & (self.mixed_targets() != 0)]
        else:  # the targets' weights, and with smoothing the kept classes'
            used = self.w.reshape(-1)[self.safe[~self.ignored]] if self.ignored.size else self.w.reshape(-1)[:0]
            if self.smoothing:
                used = numpy.concatenate([used, every[self.kept]])
        magnitudes = numpy.abs(used[numpy.isfinite(used)])
        largest = float(magnitudes.max()) if magnitudes.size else 0.0
        if largest == 0.0 or 2.0**-900 <= largest < 2.0**900:
            return
        exponent = int(numpy.frexp(largest)[1])  # the largest weight used in [1/2, 1) after the scaling
        with numpy.errstate(over="ignore", under="ignore"):  # an unused weight may pass DBL_MAX scaled up: it enters nothing
            scaled = numpy.ldexp(self.w, -exponent)
            if numpy.any(numpy.abs(numpy.ldexp(used, -exponent)) < 2.0**-1022 * (used != 0)):
                return  # used weights more than 2^1022 apart: scaled, the small ones would lose their bits or vanish
        self.w = scaled
        self.scale_exponent = exponent

    def weights(self) -> Array:
        """The class weights along the class axis (1 without ``weight``), 0 at masked classes."""
        w = numpy.ones_like(self.x) if self.w is None else numpy.broadcast_to(self.w, self.x.shape)
        return numpy.where(self.kept, w, 0.0)

    def target_weight(self) -> Array:
        """w[target] per row (1 without ``weight``; 0 for an ignored row)."""
        if self.w is None:
            return numpy.where(self.ignored, 0.0, 1.0)
        picked = numpy.squeeze(numpy.take_along_axis(numpy.broadcast_to(self.w, self.x.shape), self.index, axis=self.ax), axis=self.ax)
        return numpy.where(self.ignored, 0.0, picked)

    def mixed_targets(self) -> Array:
        """The probability targets mixed with the uniform distribution over the kept classes (label smoothing)."""
        probs = numpy.where(self.kept, self.probs, 0.0)
        if self.smoothing:
            probs = (1 - self.smoothing) * probs + numpy.where(self.kept, self.smoothing / numpy.maximum(self.count, 1), 0.0)
        return probs

    def reduce(self, per_row: Array) -> Any:
        """torch's reduction of the per-row losses: none, sum, or mean over the weight of the non-ignored rows
        (index targets; ``ce.mean_reduction_split``) or over the rows (probability targets)."""
        if self.reduction == "none":
            return narrow(per_row, self.dtype)[()]
        if self.reduction == "sum":
            return narrow(numpy.asarray(_sum(per_row.reshape(-1), (0,))[0]), self.dtype)[()]
        mean = _mean(per_row, self.denominator())  # every row ignored: 0/0, NaN as in torch
        if self.soft and self.scale_exponent:
            mean = numpy.ldexp(mean, self.scale_exponent)
        return narrow(numpy.asarray(mean), self.dtype)[()]

    def denominator(self) -> float:
        if self.soft:
            return float(self.ignored.size)
        return float(numpy.sum(self.target_weight()))

    def scale_grad(self, grad: Array) -> Array:
        """The gradient of the reduced loss: per row for none and sum, over the denominator for mean. An ignored row
        is in no term of the loss, so its gradient is 0 whatever the denominator: where every row is ignored the
        mean is 0/0 (NaN) but its gradient 0, as torch's autograd gives (a kept row over a zero denominator, all its
        weights 0, is NaN, as there: torch's 1/0 times 0)."""
        if self.reduction == "mean":
            denominator = self.denominator()
            with numpy.errstate(invalid="ignore", divide="ignore"):
                scaled = grad / denominator if denominator else numpy.full_like(grad, numpy.nan)
            grad = numpy.where(numpy.expand_dims(self.ignored, self.ax), 0.0, numpy.ldexp(scaled, self.scale_exponent) if self.soft else scaled)
        return narrow(grad, self.dtype)


def _log_probs(kernels: ModuleType, loss: _Loss) -> Array:
    """-log p at every class (LSE - x_c, the accurate kernel), 0 where the class is masked."""
    with numpy.errstate(invalid="ignore"):
        lsm = numpy.asarray(kernels.log_softmax(loss.x, loss.ax), dtype=numpy.float64)
    return numpy.where(loss.kept, -lsm, 0.0)


# ln 2 as fdlibm splits it: a 32-bit head (R ln2_hi exact for |R| < 2^21) and the rest, within 2^-84 relative
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10


def _lifted_rows(loss: _Loss, ce: Array) -> Array:
    """The rows whose w_t ce :func:`_lifted_losses` takes again: ce below the normal range, a weight |w_t| > 1."""
    w_t = loss.target_weight()
    with numpy.errstate(invalid="ignore"):
        lifted: Array = (numpy.abs(ce) < 2.0**-1021) & (numpy.abs(w_t) > 1) & numpy.isfinite(w_t) & ~loss.ignored & ~loss.empty
    return lifted


def _lifted_losses(loss: _Loss, ce: Array, weighted: Array) -> Array:
    r"""w_t ce where ce fell below the normal range and a weight |w_t| > 1 lifts it back (index targets): ce = log1p(u),
    :math:`u = \sum_{j \ne t} e^{x_j - x_t} < 2^{-1021}` (the target ahead of every other kept logit by more than 708),
    was 0 or a subnormal whose rounding w_t multiplied (class weight 1e300 on [0, -800]: 0 for 3.7e-48). There
    :math:`w_t\,\mathrm{ce} = w_t u (1 - \theta)`, :math:`0 \le \theta \le u/2`, taken as
    :math:`2^{-R} w_t \sum_j e^{d_j + R\ln 2}` with :math:`d_j = x_j - x_t` exact (TwoSum's d + dl),
    :math:`R = \lfloor -\max_j d_j/\ln 2 \rfloor` (at most 3400: terms further down are below :math:`2^{-3300}` and no
    weight lifts them to :math:`2^{-1075}`), ln 2 split as fdlibm's (R ln2_hi exact), the largest exponent in
    :math:`(-\ln 2, 0]`: numpy.exp's few ulps, n roundings of the sum, one of the product and one of the scaling."""
    w_t = loss.target_weight()
    lifted = _lifted_rows(loss, ce)
    if not lifted.any():
        return weighted
    rows = numpy.moveaxis(loss.x, loss.ax, -1)[lifted]
    targets = numpy.asarray(loss.safe)[lifted]
    x_t = rows[numpy.arange(len(targets)), targets][:, None]
    with numpy.errstate(invalid="ignore", over="ignore"):
        d, dl = _numpy_target()._two_diff(rows, numpy.broadcast_to(x_t, rows.shape))
        others = numpy.isfinite(d) & (numpy.arange(rows.shape[-1]) != targets[:, None])
        top = numpy.max(numpy.where(others, d, -numpy.inf), axis=-1)
        R = numpy.minimum(numpy.floor(-top / numpy.log(2.0)), 3400.0)[:, None]
        z = (d + R * _LN2_HI) + (dl + R * _LN2_LO)
        terms = numpy.where(others & (z > -1500.0), numpy.exp(z), 0.0)
        total = _sum(terms, (1,))[:, 0]
        value = numpy.ldexp(w_t[lifted] * total, -R[:, 0].astype(numpy.int64))
    out = numpy.array(weighted, dtype=numpy.float64, copy=True)
    out[lifted] = numpy.where(numpy.isfinite(top), value, out[lifted])
    return out


_WIDE = numpy.finfo(numpy.longdouble)
# numpy.longdouble is x86's extended format or wider: a product of two doubles or a sum of 2^62 of them cannot overflow
_WIDE_EXTENDED = _WIDE.nmant >= 63 and _WIDE.maxexp >= 16384


def _smoothed_losses(kernels: ModuleType, loss: _Loss, ce: Array, target_term: Array) -> Array:
    r"""The per-row loss with label smoothing (``ce.label_smoothing_mix``, torch's class weights on both terms):
    :math:`(1 - \epsilon)\,w_t\,\mathrm{ce}_t + \frac{\epsilon}{K}\sum_j w_j(-\log p_j)`, K the kept classes, from the
    kernels' ``ce`` (the target's loss) and log_softmax values; ``target_term`` is :math:`w_t\,\mathrm{ce}_t` in double
    (:func:`_lifted_losses` where ce is below the normal range). With :math:`\epsilon = 1` the target's term has
    coefficient 0 (its w ce may be +inf).

    Where numpy.longdouble is x86's extended format (or wider) the composition is taken in it: the products
    :math:`w_j v_j` and :math:`w_t\,\mathrm{ce}_t`, the sum over the classes (compensated), :math:`\epsilon/K`,
    :math:`1 - \epsilon` and their products each round at :math:`2^{-64}`, nothing can overflow, and the loss is rounded
    once to float64: within 3 ULP for nonnegative weights on the C target (fp.cross_entropy.label_smoothing.float64,
    whose error is the kernels' values' own, 2.6 u; the NumPy target's values are measured, not proved). The double
    composition it replaces rounded every product and sum again: 2.34 ULP measured, against 1.36 now (8,000 seeded rows).
    Elsewhere in double, the sum scaled where it alone overflows (:func:`_sum_times`)."""
    values = _log_probs(kernels, loss)
    weights = loss.weights()
    eps = loss.smoothing
    if not _WIDE_EXTENDED:
        share = numpy.squeeze(_sum_times(weights * values, (loss.ax,), eps / numpy.maximum(loss.count, 1)), axis=loss.ax)
        result: Array = (1 - eps) * target_term + share if eps < 1 else share
        return result
    wide = numpy.longdouble
    with numpy.errstate(invalid="ignore", over="ignore"):
        total = numpy.squeeze(_sum(weights.astype(wide) * values.astype(wide), (loss.ax,)), axis=loss.ax)
        share = wide(eps) / numpy.squeeze(numpy.maximum(loss.count, 1), axis=loss.ax).astype(wide) * total
        if eps < 1:
            target = loss.target_weight().astype(wide) * ce.astype(wide)
            if loss.w is not None:
                target = numpy.where(_lifted_rows(loss, ce), target_term.astype(wide), target)
            share = (1 - wide(eps)) * target + share
        return numpy.asarray(share.astype(numpy.float64))


def _per_row_loss(kernels: ModuleType, loss: _Loss) -> Array:
    """The loss of each row before the reduction, float64."""
    if loss.soft:
        probs, weights = loss.mixed_targets(), loss.weights()
        coefficient = probs * weights
        terms = numpy.where(coefficient != 0, coefficient * _log_probs(kernels, loss), 0.0)  # 0 log 0 = 0
        per_row = numpy.squeeze(_sum(terms, (loss.ax,)), axis=loss.ax)
    else:
        with numpy.errstate(invalid="ignore"):
            ce = numpy.asarray(kernels.cross_entropy(loss.x, loss.safe, loss.ax), dtype=numpy.float64)
        per_row = _lifted_losses(loss, ce, loss.target_weight() * ce) if loss.w is not None else ce
        if loss.smoothing:  # ce.label_smoothing_mix, with torch's class weights on both terms
            per_row = _smoothed_losses(kernels, loss, ce, per_row)
        per_row = numpy.where(loss.ignored, 0.0, per_row)
    return numpy.where(loss.empty, 0.0, per_row)  # mask.fully_masked_limits: a loss of 0


def _per_row_grad(kernels: ModuleType, loss: _Loss) -> Array:
    """The gradient of the sum of the per-row losses in the logits, float64."""
    def probabilities() -> Array:  # only where p itself is needed (p - onehot comes from its own kernel)
        with numpy.errstate(invalid="ignore"):
            return numpy.where(loss.kept, numpy.asarray(kernels.softmax(loss.x, loss.ax), dtype=numpy.float64), 0.0)

    if loss.soft:  # ce.soft_target_grad: p sum_c t_c w_c - t w
        coefficient = loss.mixed_targets() * loss.weights()
        grad = probabilities() * _sum(coefficient, (loss.ax,)) - coefficient
    else:
        with numpy.errstate(invalid="ignore"):
            base = numpy.asarray(kernels.cross_entropy_grad(loss.x, loss.safe, loss.ax), dtype=numpy.float64)  # p - onehot
        base = numpy.where(loss.kept, base, 0.0)
        row_weight = numpy.expand_dims(loss.target_weight(), loss.ax)
        grad = row_weight * base
        if loss.smoothing:  # ce.weighted_smoothing_grad: (1 - eps) w_y (p - onehot) + (eps/n)(W p - w)
            weights = loss.weights()
            total = numpy.sum(weights, axis=loss.ax, keepdims=True)
            shrink = 1.0  # 2^-b where a sum of finite class weights overflows: the same value, scaled exactly
            if not bool(numpy.isfinite(total).all()) and bool(numpy.isfinite(weights).all()):
                shrink = 2.0 ** -(loss.classes.bit_length() + 1)
                weights = weights * shrink
                total = numpy.sum(weights, axis=loss.ax, keepdims=True)
            smooth = loss.smoothing / numpy.maximum(loss.count, 1) * (total * probabilities() - weights) / shrink
            grad = (1 - loss.smoothing) * grad + smooth
    ignored = numpy.expand_dims(loss.ignored | loss.empty, loss.ax)
    return numpy.where(ignored | ~loss.kept, 0.0, grad)  # ignored rows, masked classes, empty rows: 0


@quiet
def cross_entropy(kernels: ModuleType, logits: ArrayLike, target: ArrayLike, axis: object = -1, *, weight: ArrayLike | None = None,
                  ignore_index: int = -100, reduction: str = "none", label_smoothing: float = 0.0,
                  where: ArrayLike | None = None) -> Any:
    r"""``torch.nn.functional.cross_entropy`` with softproof's kernels (default ``reduction="none"``,
    torch's is ``"mean"``).

    ``target``: integer class indices (the logits' shape without the class axis) or float class
    probabilities (the logits' shape). ``weight``: one weight per class, applied as torch applies it
    (to the target's term and to every class of the smoothing term). ``ignore_index``: rows with that
    index give 0 and leave the mean's denominator. ``reduction="mean"`` divides by the sum of
    ``weight[target]`` over the non-ignored rows (index targets; every row ignored gives NaN, as
    torch) or by the number of rows (probability targets). ``label_smoothing`` mixes the target with
    the uniform distribution over the classes (``ce.label_smoothing_mix``). ``where`` (broadcast to
    the logits): masked classes are left out of every sum (the loss of the kept classes; a masked
    target gives +inf, the limit); a row with no kept class has loss 0.

    Differences from torch, each provably better: a class with target probability 0 adds 0 even
    where its logit is -inf (torch: NaN); the per-row terms are combined and then reduced once, which
    ``ce.mean_reduction_split`` proves equal to torch's separate reductions.
    """
    loss = _Loss(logits, target, axis, weight, ignore_index, reduction, label_smoothing, where)
    with numpy.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return loss.reduce(_per_row_loss(kernels, loss))


@quiet
def cross_entropy_grad(kernels: ModuleType, logits: ArrayLike, target: ArrayLike, axis: object = -1, *, weight: ArrayLike | None = None,
                       ignore_index: int = -100, reduction: str = "none", label_smoothing: float = 0.0,
                       where: ArrayLike | None = None) -> Any:
    r"""The gradient of :func:`cross_entropy` in the logits, with the same options: per row
    :math:`(1-\epsilon) w_y (p - \mathrm{onehot}) + \frac{\epsilon}{n}(W p - w)` (``ce.weighted_smoothing_grad``)
    or :math:`p\sum_c t_c w_c - t\,w` for probability targets (``ce.soft_target_grad``). ``"none"`` and
    ``"sum"`` give the gradient of the summed loss; ``"mean"`` divides it by the mean's denominator.
    0 at ignored rows, masked classes and rows with no kept class."""
    loss = _Loss(logits, target, axis, weight, ignore_index, reduction, label_smoothing, where)
    with numpy.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return loss.scale_grad(_per_row_grad(kernels, loss))


@quiet
def cross_entropy_with_grad(kernels: ModuleType, logits: ArrayLike, target: ArrayLike, axis: object = -1, *,
                            weight: ArrayLike | None = None, ignore_index: int = -100, reduction: str = "none",
                            label_smoothing: float = 0.0, where: ArrayLike | None = None) -> tuple[Any, Any]:
    """(:func:`cross_entropy`, :func:`cross_entropy_grad`) with the same options, the arguments checked once."""
    loss = _Loss(logits, target, axis, weight, ignore_index, reduction, label_smoothing, where)
    with numpy.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return loss.reduce(_per_row_loss(kernels, loss)), loss.scale_grad(_per_row_grad(kernels, loss))


@quiet
def nll_loss(kernels: ModuleType, log_probs: ArrayLike, target: ArrayLike, axis: object = -1, *, weight: ArrayLike | None = None,
             ignore_index: int = -100, reduction: str = "none") -> Any:
    r"""``torch.nn.functional.nll_loss``: :math:`-w_t \log p_t` per row from log-probabilities (e.g. the
    output of :func:`log_softmax`), ignored rows 0, ``"mean"`` over the sum of ``weight[target]`` of the
    non-ignored rows (``ce.mean_reduction_split`` with no smoothing). Default ``reduction="none"``."""
    loss = _Loss(log_probs, target, axis, weight, ignore_index, reduction, 0.0, None, name="log_probs")
    if loss.soft:
        raise TypeError("nll_loss takes integer class indices as target; for probabilities use cross_entropy")
    picked = numpy.squeeze(numpy.take_along_axis(loss.x, loss.index, axis=loss.ax), axis=loss.ax)
    with numpy.errstate(invalid="ignore"):
        per_row = numpy.where(loss.ignored, 0.0, -loss.target_weight() * picked if loss.w is not None else -picked)
    return loss.reduce(per_row)


# Binary cross-entropy's terms c s, c a product of up to three coefficients and s = softplus(+-x), taken as
# they are written (w ((1 - y) s+ + (p y) s-)) where nothing leaves the normal range, and through mantissas
# and exponents elsewhere. The safe entries: |x| <= 600, so both softplus values lie in [e^-600, 601] (normal,
# within the kernel's 2 ULP), and y, pos_weight, weight each 0 or of magnitude 2^-50..2^50 (infinities and NaNs,
# in x or a coefficient, take the scaled path, where a zero factor zeroes its term): 1 - y is 0 or of magnitude
# 2^-53..2^51 (the doubles beside 1 are 1 - 2^-53 and 1 + 2^-52), p y 0 or 2^-100..2^100, (1 - y) s+ and (p y) s-
# 0 or 2^-919..2^110, their sum (terms of one sign) 2^-919..2^111 and its product with w 2^-969..2^161: four
# roundings, no underflow or overflow, so the result is within 2^-51 (the softplus) + 4 u of the truth, u = 2^-53.
BCE_SAFE_LOGIT = 600.0
BCE_SAFE_COEFFICIENT = 2.0**50
# Saturated logits, 600 < |x| <= 2^900, with coefficients in that range: softplus(|x|) lies in [600, 2^900] and
# softplus(-|x|) below e^-600 < 2^-865. Where the big term's coefficient c (1 - y for x > 0, p y for x < 0) is not
# 0, its term is at least 2^-100 600 and the small one at most 2^100 2^-865, 2^-674 of it, whatever its rounding
# (to 0 included); the products and the sum stay below 2^1001 and the product with w rounds once (an overflow
# there is the truth's). Where c = 0 and |x| >= 1400 the result is the small term, below 2^150 e^-1400 < 2^-1869,
# which rounds to 0, as the computed 0 times c does. The rest, 600 < |x| < 1400 with c = 0 (y = 1 and x in
# (600, 1400), y = 0 and x in (-1400, -600)) among them, take the scaled path.
BCE_SATURATED_LOGIT = 2.0**900
BCE_NEGLIGIBLE_LOGIT = 1400.0
# The scaled path writes s = softplus(v) for v < -650 (where it is e^v within relative e^v < 2^-937, below the
# normal range from v < -708) as softplus(z) e^(-600 j), z = v + 600 j in [-650, -50) (exact: an integer added,
# the sum no larger than |v| and a multiple of ulp(v)), where softplus(z) is e^z within e^z/2 < 2^-73, and
# e^(-600 j) is the mantissa and exponent of its double rounding (mpmath, relative 2^-53).  Below v = -5450 the
# term is 0: e^v < 2^-7862, and three coefficients of at most 2^1024 each cannot lift it to 2^-1075.
_BCE_FAR = -650.0
_BCE_STEP = 600.0
_BCE_STEPS = 8
_NO_EXPONENT = -(2**40)  # a zero term's exponent: below any other, and no int64 difference overflows


def _in_safe_range(value: Array) -> Array:
    """``value`` is 0 or of magnitude 2^-50..2^50 (an infinity or NaN is not: the scaled path takes it)."""
    magnitude = numpy.abs(value)
    safe = magnitude <= BCE_SAFE_COEFFICIENT
    safe &= (magnitude >= 1 / BCE_SAFE_COEFFICIENT) | (magnitude == 0)
    return safe


@functools.cache
def _exp_steps() -> tuple[Array, Array]:
    """Mantissas in [1/2, 1) and exponents of e^(-600 j), j = 0.._BCE_STEPS, each mantissa rounded once (mpmath
    at 100 bits, then to the nearest double)."""
    mpmath = importlib.import_module("mpmath")
    with mpmath.workprec(100):
        mantissas, exponents = numpy.frexp(numpy.array([float(mpmath.exp(-600 * j) * mpmath.mpf(2) ** (866 * j))
                                                        for j in range(_BCE_STEPS + 1)]))
    return mantissas, exponents - 866 * numpy.arange(_BCE_STEPS + 1)


def _scaled_softplus(kernels: ModuleType, v: Array) -> tuple[Array, Array]:
    r"""softplus(v) as mantissa 2^exponent, for every v (the comment on ``_BCE_FAR``): within 2^-51 (the
    kernel) + 2 u + 2^-72 relative; 0 below v = -5450; the kernel's +inf and NaN as they are."""
    mantissa, exponent = numpy.frexp(numpy.asarray(kernels.softplus(v), dtype=numpy.float64))
    exponent = exponent.astype(numpy.int64)
    far = v < _BCE_FAR
    if far.any():
        steps = numpy.minimum(numpy.ceil((_BCE_FAR - v[far]) / _BCE_STEP), _BCE_STEPS + 1).astype(numpy.intp)
        listed = numpy.minimum(steps, _BCE_STEPS)
        near, shift = numpy.frexp(numpy.asarray(kernels.softplus(v[far] + _BCE_STEP * listed), dtype=numpy.float64))
        step_mantissa, step_exponent = _exp_steps()
        mantissa[far] = numpy.where(steps > _BCE_STEPS, 0.0, near * step_mantissa[listed])
        exponent[far] = shift + step_exponent[listed]
    return mantissa, exponent


def _scaled_term(factors: list[Array], softplus: tuple[Array, Array]) -> tuple[Array, Array]:
    """The product of ``factors`` and a scaled softplus as mantissa 2^exponent: each mantissa product rounds
    once and cannot underflow (four factors in [1/2, 1): at least 2^-4); mantissa 0 where a factor is 0,
    whatever the softplus (+inf at an infinite logit)."""
    mantissa, exponent = softplus
    zero = numpy.zeros(mantissa.shape, dtype=bool)
    for factor in factors:
        m, e = numpy.frexp(factor)
        mantissa, exponent, zero = mantissa * m, exponent + e, zero | (factor == 0)
    return numpy.where(zero, 0.0, mantissa), numpy.where(zero, _NO_EXPONENT, exponent)


def _scaled_bce(kernels: ModuleType, x: Array, y: Array, pos: Array | None, w: Array | None) -> Array:
    """w ((1 - y) softplus(x) + (p y) softplus(-x)) through mantissas and exponents (1-D arrays of one length;
    None for a p or w of 1):
    the two terms brought to the larger exponent E (the smaller one's mantissa rounds there, an absolute
    2^-1075 of the sum's mantissa when it falls below the range), added (one rounding), scaled by 2^E once
    (a rounding only where the result leaves the normal range), so terms that overflow alone, or whose sum
    cancels, come out as their sum does. Within 2^-51 + 6 u relative for terms of one sign (the comment on
    ``BCE_SAFE_LOGIT``) wherever the result is a normal double, whatever the inputs' magnitudes."""
    weights = [] if w is None else [w]
    (m1, e1) = _scaled_term([1 - y, *weights], _scaled_softplus(kernels, x))
    (m2, e2) = _scaled_term([y, *weights] if pos is None else [pos, y, *weights], _scaled_softplus(kernels, -x))
    top = numpy.maximum(e1, e2)
    top = numpy.where(top == _NO_EXPONENT, 0, top)
    with numpy.errstate(invalid="ignore", over="ignore"):
        mantissa = numpy.ldexp(m1, numpy.maximum(e1 - top, -2200)) + numpy.ldexp(m2, numpy.maximum(e2 - top, -2200))
        loss: Array = numpy.ldexp(mantissa, numpy.clip(top, -2200, 2200))
    return loss


@quiet
def binary_cross_entropy_with_logits(kernels: ModuleType, logits: ArrayLike, target: ArrayLike, *, weight: ArrayLike | None = None,
                                     pos_weight: ArrayLike | None = None, reduction: str = "none") -> Any:
    r"""``torch.nn.functional.binary_cross_entropy_with_logits`` (default ``reduction="none"``; torch's is
    ``"mean"``): :math:`w\,[(1 - y)\,\mathrm{softplus}(x) + w_p\, y\,\mathrm{softplus}(-x)]` element-wise
    (``bce.stable_form``), both terms from the softplus kernel and never negative, so nothing cancels:
    torch's :math:`(1 - y)x + (1 + (w_p - 1)y)\,\mathrm{softplus}(-x)` returns 0 for :math:`y = 0, x = -40`
    where the loss is :math:`4.2\cdot 10^{-18}`. ``weight`` broadcasts to the logits, ``pos_weight``
    along the last axis (the classes), as torch; ``"mean"`` averages over every element. A term whose
    factor is 0 adds 0 (even where its softplus is +inf at an infinite logit, or another factor infinite).

    Within :math:`2^{-51} + 6u` relative (:math:`u = 2^{-53}`; :math:`2^{-51} + 4u` on ordinary inputs) for
    :math:`0 \le y \le 1` and :math:`w, w_p \ge 0` (terms of one sign) wherever the result is a normal double,
    however large or small the inputs: entries with :math:`|x| > 600` or a coefficient outside
    :math:`2^{\pm 50}` are computed through mantissas and exponents (``_scaled_bce``), where the plain
    products would overflow in between (``pos_weight`` 1e300 times ``weight`` 1e-300) or lose a softplus below
    the double range that a large weight lifts back into it (:math:`x = -800`, :math:`w = 10^{300}`: 3.7e-48,
    not 0)."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {', '.join(map(repr, REDUCTIONS))}; got {reduction!r}")
    x, dtype = as_float(logits, "logits")
    y, _ = as_float(target, "target")
    x = numpy.asarray(x, dtype=numpy.float64)
    if numpy.shape(y) != x.shape:
        raise ValueError(f"target has shape {numpy.shape(y)}; it must have the logits' shape {x.shape}")
    y = numpy.asarray(y, dtype=numpy.float64)
    pos = numpy.asarray(1.0 if pos_weight is None else as_float(pos_weight, "pos_weight")[0], dtype=numpy.float64)
    w = numpy.asarray(1.0 if weight is None else as_float(weight, "weight")[0], dtype=numpy.float64)
    positive = numpy.asarray(kernels.softplus(-x), dtype=numpy.float64)  # -log sigma(x)
    negative = numpy.asarray(kernels.softplus(x), dtype=numpy.float64)  # -log(1 - sigma(x))
    with numpy.errstate(invalid="ignore", over="ignore", under="ignore"):
        loss = 1 - y  # (1 - y) s+ + (p y) s- (times w), in place; the entries outside the safe range are redone below
        loss *= negative
        up = pos * y
        up *= positive
        loss = loss + up
        if weight is not None:
            loss = loss * w
        plain = _in_safe_range(y)
        for coefficient, given in ((pos, pos_weight), (w, weight)):
            if given is not None:
                plain = plain & _in_safe_range(coefficient)
        magnitude = numpy.abs(x)
        safe = (magnitude <= BCE_SAFE_LOGIT) & plain
        if not safe.all():  # saturated logits: plain where the small term cannot matter (the comment on BCE_SATURATED)
            big = numpy.where(x > 0, 1 - y, pos * y)
            safe |= plain & (magnitude <= BCE_SATURATED_LOGIT) & ((big != 0) | (magnitude >= BCE_NEGLIGIBLE_LOGIT))
    if not safe.all():
        shape = loss.shape
        picked = ~numpy.broadcast_to(safe, shape)
        loss = numpy.array(loss, dtype=numpy.float64, copy=True)
        def chosen(a: Array) -> Array:
            return numpy.broadcast_to(a, shape)[picked]
        loss[picked] = _scaled_bce(kernels, chosen(x), chosen(y), None if pos_weight is None else chosen(pos), None if weight is None else chosen(w))
    if reduction == "none":
        return narrow(loss, dtype, copy=False)[()]
    total = _mean(loss, loss.size) if reduction == "mean" else (_sum(loss.reshape(-1), (0,))[0] if loss.size else 0.0)
    return narrow(numpy.asarray(total), dtype)[()]


# --------------------------------------------------------------------------------------------- backward
@quiet
def logsumexp_backward(kernels: ModuleType, x: ArrayLike, grad: ArrayLike, axis: Any = -1, temperature: object = 1.0) -> Any:
    r"""Vector-Jacobian product of logsumexp: :math:`g\,\mathrm{softmax}(x/T)` (``backward.logsumexp``), the
    upstream ``grad`` of logsumexp's output (keepdims or not) broadcast over the reduced axes. -inf
    entries get 0, and so does a slice of -inf entries only (``mask.fully_masked_limits``), where
    ``jax.grad(logsumexp)`` and torch give NaN (JAX #6811, PyTorch #49724)."""
    array, upstream, dtype = paired(x, grad, ("x", "grad"), same_shape=False)  # grad has logsumexp's output shape
    chosen = axes(axis, array.ndim)
    reduced = tuple(1 if a in chosen else n for a, n in enumerate(array.shape))
    kept = tuple(n for a, n in enumerate(array.shape) if a not in chosen)
    if upstream.shape == kept:
        upstream = upstream.reshape(reduced)
    elif upstream.shape != reduced:
        raise ValueError(f"grad has shape {upstream.shape}; logsumexp's output has shape {kept} (or {reduced} with keepdims)")
    p = numpy.asarray(kernels.softmax(array, axis, temperature, where=~numpy.isneginf(array)), dtype=numpy.float64)
    with numpy.errstate(invalid="ignore"):
        out = numpy.where(p != 0, upstream * p, 0.0)  # an entry of probability 0 adds 0, even for an infinite g
    return narrow(out, dtype)
