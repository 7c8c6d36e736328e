r"""The kernels: which proved expression each generated function evaluates.

Every expression here is taken from a claim that ``python cli.py prove``
proves (the claim id is recorded as the provenance of the printed line), put
in array form (:mod:`codegen.array_form`) and given names for the shared
sub-expressions: the shifted, tempered logits :math:`d = (x - m)/T` and
:math:`e = e^{d}`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derive import select
from derive.rewrites import (
    LOG_SIGMOID_STABLE,
    LOG_SOFTMAX_STABLE,
    SIGMOID_STABLE,
    SMOOTH_MAX_STABLE,
    SOFTMAX_STABLE,
)
from derive.symbols import a, k, m, n, x

from .array_form import ReduceMax, array_form

__all__ = ["Line", "Kernel", "KERNELS", "ARRAY"]

T = sp.Symbol("T", positive=True)
X = sp.Symbol("x")  # the input slice
M = sp.Symbol("m")  # its maximum (kept dims)
D = sp.Symbol("d")  # (x - m) / T
E = sp.Symbol("e")  # exp(d)
P = sp.Symbol("p")  # probabilities
G = sp.Symbol("g")  # upstream gradient
ONEHOT = sp.Symbol("onehot")
TARGET_LOGIT = sp.Symbol("x_target")
COUNT = sp.Symbol("count")  # number of tied maxima (or of finite entries)
TIED = sp.Symbol("M", integer=True, positive=True)  # |M| in temperature.ties_share_mass
ARRAY = {x: X}


@dataclass(frozen=True)
class Line:
    """``name = expr``, printed from ``expr``; ``claim`` is the proof it comes from."""

    name: str
    expr: sp.Expr
    claim: str


@dataclass(frozen=True)
class Kernel:
    name: str
    lines: tuple[Line, ...]


def _claim_rhs(claim_id: str) -> sp.Expr:
    """The right-hand side of a proved claim's statement (or of its first part)."""
    (claim,) = [c for c in select(claim_id) if c.id == claim_id]
    statement = claim.statement.args[0] if isinstance(claim.statement, sp.And) else claim.statement
    return statement.rhs


def _named(expr: sp.Expr) -> sp.Expr:
    """Array form with the shared sub-expressions named d and e."""
    arr = array_form(expr.xreplace({m: M, x[k]: X}), ARRAY, n)
    return arr.xreplace({sp.exp((X - M) / T): E}).xreplace({(X - M) / T: D})


def _vjp() -> sp.Expr:
    """p * (g - sum(g * p)), checked to be the proved right-hand side with p = softmax(x).

    (SymPy's ``subs`` does not enter a sum over its own bound index, so the array
    form is written out and proved equal to the claim instead.)
    """
    from derive.engine import Simplify, Status
    from derive.rewrites import grad
    from derive.symbols import j, softmax

    index_form = softmax(x, j) * (grad[j] - sp.Sum(grad[k] * softmax(x, k), (k, 1, n)))
    rhs = _claim_rhs("rewrite.softmax_backward")
    if Simplify((j,), n).run(sp.Eq(index_form, rhs)).status is not Status.PROVED:
        raise RuntimeError("softmax_backward kernel no longer matches rewrite.softmax_backward")
    return P * (G - array_form(sp.Sum(grad[k] * P, (k, 1, n)), {grad: G}, n))


SHIFT = Line("d", (X - M) / T, "rewrite.softmax_tempered_shift")
EXP = Line("e", sp.exp(D), "rewrite.softmax_tempered_shift")

KERNELS: dict[str, Kernel] = {
    "max": Kernel("max", (Line("m", ReduceMax(X), "softmax.stable_form"),)),
    "softmax": Kernel("softmax", (SHIFT, EXP, Line("p", _named(SOFTMAX_STABLE), "rewrite.softmax_tempered_shift"))),
    "log_softmax": Kernel(
        "log_softmax", (SHIFT, Line("out", _named(LOG_SOFTMAX_STABLE).xreplace({E: sp.exp(D)}), "rewrite.log_softmax_shift"))
    ),
    "logsumexp": Kernel(
        "logsumexp", (SHIFT, Line("out", _named(SMOOTH_MAX_STABLE).xreplace({E: sp.exp(D)}), "rewrite.smooth_max_shift"))
    ),
    # T -> 0+ (and +inf entries): tied maxima share the mass 1/|M|
    "ties": Kernel(
        "ties",
        (Line("p", sp.Piecewise((_claim_rhs("temperature.ties_share_mass").xreplace({TIED: COUNT}), sp.Eq(X, M)), (0, True)),
              "temperature.ties_share_mass"),),
    ),
    # T -> oo: uniform over the entries that are finite
    "uniform": Kernel(
        "uniform",
        (Line("p", _claim_rhs("temperature.uniform_limit").xreplace({n: COUNT}), "temperature.uniform_limit"),),
    ),
    "sigmoid": Kernel("sigmoid", (Line("out", SIGMOID_STABLE.xreplace({a: X}), "rewrite.sigmoid_abs_form"),)),
    "log_sigmoid": Kernel("log_sigmoid", (Line("out", LOG_SIGMOID_STABLE.xreplace({a: X}), "rewrite.log_sigmoid_abs_form"),)),
    "cross_entropy": Kernel(
        "cross_entropy",
        (SHIFT, Line("out", (_named(SMOOTH_MAX_STABLE).xreplace({E: sp.exp(D)}) - TARGET_LOGIT).xreplace({T: 1}),
                     "rewrite.cross_entropy_lse"),),
    ),
    "cross_entropy_grad": Kernel("cross_entropy_grad", (Line("out", P - ONEHOT, "ce.gradient_softmax_minus_onehot"),)),
    "softmax_backward": Kernel("softmax_backward", (Line("out", _vjp(), "rewrite.softmax_backward"),)),
}
