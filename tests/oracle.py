"""The independent oracle: mpmath evaluating the textbook definitions at high precision.

The definitions are the one reference, :mod:`softproof.measure.reference` (no SymPy, no
generated code): softmax is exp(x_i/T) / sum_j exp(x_j/T) exactly as document 000 writes it.
The definitions cancel (log(1 + 1e-38), p - 1), so each value is recomputed with the
precision doubled until two evaluations agree to 30 digits, as Herbie does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import mpmath

from softproof.measure import reference
from softproof.measure.reference import row

DPS = 50
MAX_DPS = 40_000


def converged(compute, scale: float = 1.0, extra_digits: int = 0):  # type: ignore[no-untyped-def]
    """Evaluate ``compute()`` (a number or a list) with the precision doubled until stable.

    At ``dps`` digits, values below ``10**(10 - dps) * scale`` are rounding noise of the
    cancellation. A value is accepted when two successive precisions agree to 30 digits above
    the noise, or when both are noise and the noise is below the smallest float64 (1e-340), or
    when both are the same infinity (log 0) or both NaN (outside a function's domain).
    ``extra_digits``: start that much higher (1 - e^x with |x| = 10^-k needs k digits before it is not 0).
    """
    dps, previous, previous_floor = DPS + extra_digits, None, None
    while True:
        floor = mpmath.mpf(10) ** (10 - dps) * (1 + abs(scale))
        with mpmath.workdps(dps):
            value = compute()
            flat = value if isinstance(value, list) else [value]
            if previous is not None and all(
                (not mpmath.isfinite(a) and not mpmath.isfinite(b) and (a == b or (mpmath.isnan(a) and mpmath.isnan(b))))
                or (abs(a) <= floor and abs(b) <= previous_floor and floor < mpmath.mpf("1e-340"))
                or (abs(a) > floor and abs(b) > previous_floor and abs(a - b) <= mpmath.mpf(10) ** -30 * abs(a))
                for a, b in zip(flat, previous, strict=True)
            ):
                out = [0.0 if abs(v) <= floor else float(v) for v in flat]
                return out if isinstance(value, list) else out[0]
            previous, previous_floor = flat, floor
        if dps >= MAX_DPS:
            raise ArithmeticError("oracle did not converge")
        dps *= 2


def _scale(scope: dict[str, object]) -> float:
    """The size of the inputs (over the temperature): the scale of the cancellation noise."""
    numbers = [abs(float(v)) for key in ("values", "probs", "grad") for v in scope.get(key, ()) or ()]  # type: ignore[union-attr]
    return (max(numbers) if numbers else 1.0) / float(scope.get("temperature", 1.0))  # type: ignore[arg-type]


def softmax(values: Sequence[float], temperature: float = 1.0) -> list[float]:
    return converged(lambda: reference.softmax(row(values), temperature), _scale(locals()))  # type: ignore[no-any-return]


def log_softmax(values: Sequence[float], temperature: float = 1.0) -> list[float]:
    return converged(lambda: reference.log_softmax(row(values), temperature), _scale(locals()))  # type: ignore[no-any-return]


def logsumexp(values: Sequence[float], temperature: float = 1.0) -> float:
    return converged(  # type: ignore[no-any-return]
        lambda: reference.logsumexp(row(values), temperature), max(abs(float(v)) for v in values) if len(values) else 1.0
    )


def softmin(values: Sequence[float], temperature: float = 1.0) -> list[float]:
    return converged(lambda: reference.softmin(row(values), temperature), _scale(locals()))  # type: ignore[no-any-return]


def logmeanexp(values: Sequence[float]) -> float:
    return converged(lambda: reference.logmeanexp(row(values)), max(abs(float(v)) for v in values))  # type: ignore[no-any-return]


def _element(definition: Callable[[mpmath.mpf], mpmath.mpf]) -> Callable[[float], float]:
    def oracle(value: float) -> float:
        tiny = 0 < abs(float(value)) < 1
        extra = int(-2 * math.log10(abs(float(value)))) if tiny else 0  # 1 - e^x, p/(1 - p): x itself must register
        return converged(lambda: definition(mpmath.mpf(float(value))), abs(float(value)), extra)  # type: ignore[no-any-return]

    return oracle


# every element-wise function of the reference (sigmoid, log_sigmoid, softplus, ...)
for _name, _definition in reference.ELEMENT.items():
    globals()[_name] = _element(_definition)


def cross_entropy(values: Sequence[float], target: int) -> float:
    return converged(lambda: reference.cross_entropy(row(values), target), _scale(locals()))  # type: ignore[no-any-return]


def cross_entropy_grad(values: Sequence[float], target: int) -> list[float]:
    return converged(lambda: reference.cross_entropy_grad(row(values), target), _scale(locals()))  # type: ignore[no-any-return]


def cross_entropy_with_grad(values: Sequence[float], target: int) -> tuple[float, list[float]]:
    return cross_entropy(values, target), cross_entropy_grad(values, target)


def log_softmax_backward(log_probs: Sequence[float], grad: Sequence[float]) -> list[float]:
    """g_j - p_j sum_k g_k with p = exp(log_probs): the derivative written out (backward.log_softmax)."""
    def compute() -> list[mpmath.mpf]:
        g = row(grad)
        total = mpmath.fsum(g)
        return [gj - mpmath.exp(mpmath.mpf(float(lp))) * total for gj, lp in zip(g, log_probs, strict=True)]
    return converged(compute, _scale({"values": grad}))  # type: ignore[no-any-return]


def softmax_backward(probs: Sequence[float], grad: Sequence[float]) -> list[float]:
    return converged(lambda: reference.softmax_backward(row(probs), row(grad)), _scale(locals()))  # type: ignore[no-any-return]
