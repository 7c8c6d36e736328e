r"""The one mpmath reference: the textbook definitions of the seed documents, nothing else.

Each function evaluates the definition as the documents write it (softmax
:math:`e^{x_i/T}/\sum_j e^{x_j/T}`, not the stable form the generated code uses) at whatever
precision the caller's mpmath context has; mpmath's exponent range makes the naive forms safe.
No SymPy and no generated code is involved: this is the independent oracle of
``measure/accuracy.py`` (which raises the precision until the rounded value is stable) and of
``tests/oracle.py`` (which raises it until two evaluations agree).

``ROW`` and ``ELEMENT`` name the reference of every public function (``codegen/api.py``);
a test checks that the table and the references cover each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any, TypeAlias

import mpmath

__all__ = [
    "softmax", "log_softmax", "logsumexp", "softmin", "logmeanexp", "cross_entropy", "cross_entropy_grad", "softmax_backward",
    "sigmoid", "log_sigmoid", "softplus", "log1mexp", "logit", "ROW", "ELEMENT", "row",
]

Number: TypeAlias = Any  # an mpmath.mpf (mpmath is untyped)


@lru_cache(maxsize=1 << 17)
def _exp_at(v: Number, precision: int) -> Number:
    return mpmath.exp(v)


def _exp(v: Number) -> Number:
    """mpmath.exp at the context's precision, remembered: each definition below takes e^{x_j} of the
    same entries (softmax, its log, the LSE, one cross-entropy per target), and the callers evaluate
    all of them at each precision. The value is mpmath's, keyed by the argument and the precision."""
    return _exp_at(v, mpmath.mp.prec)


def row(values: Iterable[Any]) -> list[Number]:
    """Floats as exact mpmath numbers."""
    return [mpmath.mpf(float(v)) for v in values]


def softmax(x: Sequence[Number], temperature: Number = 1) -> list[Number]:
    """Document 000: :math:`p_i = e^{x_i/T} / \\sum_j e^{x_j/T}`."""
    e = [_exp(v / temperature) for v in x]
    s = mpmath.fsum(e)
    return [t / s for t in e]


def logsumexp(x: Sequence[Number], temperature: Number = 1) -> Number:
    """Documents 002 and 004: :math:`T \\log \\sum_i e^{x_i/T}`."""
    return temperature * mpmath.log(mpmath.fsum(_exp(v / temperature) for v in x))


def log_softmax(x: Sequence[Number], temperature: Number = 1) -> list[Number]:
    """Document 000: :math:`x_i/T - \\log\\sum_j e^{x_j/T}`."""
    lse = mpmath.log(mpmath.fsum(_exp(v / temperature) for v in x))
    return [v / temperature - lse for v in x]


def softmin(x: Sequence[Number], temperature: Number = 1) -> list[Number]:
    """:math:`e^{-x_i/T} / \\sum_j e^{-x_j/T}` (torch.nn.functional.softmin)."""
    return softmax([-v for v in x], temperature)


def logmeanexp(x: Sequence[Number]) -> Number:
    """:math:`\\log(\\frac{1}{n}\\sum_i e^{x_i})` (jax.nn.logmeanexp)."""
    return mpmath.log(mpmath.fsum(_exp(v) for v in x) / len(x))


def cross_entropy(x: Sequence[Number], target: int) -> Number:
    """Document 003: :math:`-\\log p_t` with :math:`p = \\mathrm{softmax}(x)`."""
    return -mpmath.log(_exp(x[target]) / mpmath.fsum(_exp(v) for v in x))


def cross_entropy_grad(x: Sequence[Number], target: int) -> list[Number]:
    """Document 003: :math:`\\partial(-\\log p_t)/\\partial x_i = p_i - [i = t]`."""
    s = mpmath.fsum(_exp(v) for v in x)
    return [_exp(v) / s - (1 if i == target else 0) for i, v in enumerate(x)]


def softmax_backward(p: Sequence[Number], g: Sequence[Number]) -> list[Number]:
    """:math:`(J^T g)_j` with the Jacobian :math:`J_{ij} = p_i(\\delta_{ij} - p_j)` written out entry by entry."""
    n = len(p)
    return [mpmath.fsum(g[i] * p[i] * ((1 if i == j else 0) - p[j]) for i in range(n)) for j in range(n)]


def sigmoid(x: Number, ctx: Any = mpmath) -> Number:
    """Document 003: :math:`1/(1 + e^{-x})`. ``ctx``: the mpmath context whose exp and log evaluate it (``mpmath.iv``
    for an interval enclosure, measure/hard_cases.py), as for :func:`log_sigmoid` and :func:`softplus`."""
    return 1 / (1 + ctx.exp(-x))


def log_sigmoid(x: Number, ctx: Any = mpmath) -> Number:
    """:math:`\\log(1/(1 + e^{-x}))`."""
    return ctx.log(1 / (1 + ctx.exp(-x)))


def softplus(x: Number, ctx: Any = mpmath) -> Number:
    """:math:`\\log(1 + e^x)`."""
    return ctx.log(1 + ctx.exp(x))


def log1mexp(x: Number, ctx: Any = mpmath) -> Number:
    r""":math:`\log(1 - e^x)`, :math:`x \le 0` (NaN above: the real function's domain)."""
    return ctx.log(1 - ctx.exp(x)) if x <= 0 else ctx.nan


def logit(p: Number, ctx: Any = mpmath) -> Number:
    r""":math:`\log(p/(1 - p))`, :math:`0 \le p \le 1` (NaN outside)."""
    if p == 0:
        return -ctx.inf
    if p == 1:
        return ctx.inf
    return ctx.log(p / (1 - p)) if 0 < p < 1 else ctx.nan


# function name -> reference; the row-wise ones take (row, temperature) or (row, target) or (p, g)
ROW: dict[str, Callable[..., object]] = {
    "softmax": softmax, "log_softmax": log_softmax, "logsumexp": logsumexp, "cross_entropy": cross_entropy,
    "cross_entropy_grad": cross_entropy_grad, "softmax_backward": softmax_backward,
    "softmin": softmin, "logmeanexp": logmeanexp,
}
ELEMENT: dict[str, Callable[[Number], Number]] = {
    "sigmoid": sigmoid, "log_sigmoid": log_sigmoid, "softplus": softplus, "log1mexp": log1mexp, "logit": logit,
}
