r"""Rigorous enclosures of real constants: ball arithmetic (Arb, through python-flint).

Every operation of :func:`ball` returns a ball (midpoint, radius) that is
guaranteed to contain the exact value: Arb rounds every midpoint and adds the
rounding error to the radius (Johansson, "Arb: efficient arbitrary-precision
midpoint-radius interval arithmetic", IEEE TC 2017).  :func:`sign` raises the
working precision until the ball excludes 0 or gives up; it never reads a sign
off a rounded value.  This is what makes a constant's sign, a counterexample
and the cross-examination of a proof rigorous.

Domain rules (real analysis, no complex branches):

* ``log u`` needs :math:`u > 0`, ``log1p u`` needs :math:`u > -1`, ``sqrt u`` and
  :math:`u^{p/q}` (``p/q`` not an integer) need :math:`u \ge 0`, a negative power
  needs :math:`u \ne 0`, a symbolic power :math:`u^v` needs :math:`u > 0`.
* where the argument is certainly outside the domain the expression is
  :class:`NotReal`; where the ball straddles the boundary it is
  :class:`Undecided` at that precision (more precision may decide it).
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp
from flint import arb, ctx, fmpq, fmpz
from sympy import Basic
from sympy.codegen.cfunctions import expm1, log1p
from sympy.polys.rootoftools import ComplexRootOf

__all__ = [
    "FrozenMax",
    "FrozenMin",
    "frozen_extrema",
    "NotReal",
    "Undecided",
    "Unsupported",
    "ball",
    "enclose",
    "sign",
    "is_exact_zero",
    "text",
    "PRECISIONS",
]

# working precisions in bits, tried in turn: cancellation of a few thousand bits is decided
PRECISIONS: tuple[int, ...] = (96, 256, 1024, 4096, 16384)


class FrozenMax(sp.Function):  # type: ignore[misc]  # SymPy is untyped
    """``Max`` at a point, kept unevaluated for :func:`ball`: SymPy's ``Max`` of numbers picks an argument by comparing
    rounded values (``Min(-log(1 + e^-40), -log(1 + e^-700))`` gave the larger), which no enclosure may rely on."""


class FrozenMin(sp.Function):  # type: ignore[misc]  # SymPy is untyped
    """``Min`` at a point, kept unevaluated for :func:`ball` (see :class:`FrozenMax`)."""


def frozen_extrema(expr: Basic) -> Basic:
    """``expr`` with every ``Max``/``Min`` as :class:`FrozenMax`/:class:`FrozenMin`, before numbers are substituted."""
    return expr.replace(sp.Max, FrozenMax).replace(sp.Min, FrozenMin)


class NotReal(ArithmeticError):
    """The expression is undefined over the reals here (log of a non-positive number, 1/0...)."""


class Undecided(ArithmeticError):
    """At this precision a ball straddles a domain boundary or a branch condition."""


class Unsupported(ValueError):
    """No enclosure rule for this node (a limit, an unevaluated sum...)."""


def _rational(q: sp.Rational) -> arb:
    return arb(fmpq(fmpz(int(q.p)), fmpz(int(q.q))))


def _positive(b: arb, what: str) -> None:
    if b > 0:
        return
    if b <= 0:
        raise NotReal(f"{what} of a non-positive number")
    raise Undecided(what)


def _nonnegative(b: arb, what: str) -> None:
    if b >= 0:
        return
    if b < 0:
        raise NotReal(f"{what} of a negative number")
    if b.is_exact() and b == 0:
        return
    raise Undecided(what)


def _nonzero(b: arb, what: str) -> None:
    if b > 0 or b < 0:
        return
    if b.is_exact() and b == 0:
        raise NotReal(f"{what}: division by zero")
    raise Undecided(what)


def _log(b: arb) -> arb:
    _positive(b, "log")
    return b.log()


def _log1p(b: arb) -> arb:
    _positive(b + 1, "log1p")
    return b.log1p()


def _sqrt(b: arb) -> arb:
    _nonnegative(b, "sqrt")
    return b.sqrt()


def _power(base: arb, exponent: Basic, prec_ball: Callable[[Basic], arb]) -> arb:
    if exponent.is_Integer:
        k = int(exponent)
        if k < 0:
            _nonzero(base, "negative power")
        if abs(k) > 1 << 20:
            raise Unsupported(f"integer power {k} too large to enclose")
        return base**k
    if exponent.is_Rational:
        _nonnegative(base, "fractional power")
        if exponent < 0:
            _nonzero(base, "negative power")
        if base.is_exact() and base == 0:
            return arb(0)
        q = exponent.q
        root = base.root(int(q)) if q != 2 else base.sqrt()
        return root ** int(exponent.p)
    _positive(base, "real power")
    return (prec_ball(exponent) * base.log()).exp()


def _abs(b: arb) -> arb:
    return abs(b)


_UNARY: dict[type, Callable[[arb], arb]] = {
    sp.exp: lambda b: b.exp(),
    sp.log: _log,
    log1p: _log1p,
    expm1: lambda b: b.expm1(),
    sp.tanh: lambda b: b.tanh(),
    sp.sinh: lambda b: b.sinh(),
    sp.cosh: lambda b: b.cosh(),
    sp.Abs: _abs,
}


def _condition(rel: Basic, prec_ball: Callable[[Basic], arb]) -> bool:
    """Decide a numeric relational rigorously (:class:`Undecided` where the ball cannot)."""
    if rel is sp.true or rel is sp.false:
        return bool(rel)
    if isinstance(rel, sp.And):
        return all(_condition(a, prec_ball) for a in rel.args)
    if isinstance(rel, sp.Or):
        return any(_condition(a, prec_ball) for a in rel.args)
    if isinstance(rel, sp.Not):
        return not _condition(rel.args[0], prec_ball)
    if isinstance(rel, (sp.Lt, sp.Le, sp.Gt, sp.Ge, sp.Eq, sp.Ne)):
        d = prec_ball(rel.lhs - rel.rhs)
        exact_zero = d.is_exact() and d == 0
        if isinstance(rel, (sp.Eq, sp.Ne)):
            if exact_zero:
                return isinstance(rel, sp.Eq)
            if d > 0 or d < 0:
                return isinstance(rel, sp.Ne)
            raise Undecided("equality test")
        if isinstance(rel, (sp.Lt, sp.Ge)):  # d < 0  /  d >= 0
            if d < 0:
                return isinstance(rel, sp.Lt)
            if d >= 0:
                return isinstance(rel, sp.Ge)
        else:  # Le: d <= 0, Gt: d > 0
            if d > 0:
                return isinstance(rel, sp.Gt)
            if d <= 0:
                return isinstance(rel, sp.Le)
        raise Undecided("comparison")
    raise Unsupported(f"no enclosure rule for the condition {rel}")


def ball(e: Basic) -> arb:
    """An Arb ball containing the exact real value of the closed expression ``e`` at ``ctx.prec``."""
    if e.is_Rational:
        return _rational(e)
    if e.is_Float:
        return _rational(sp.Rational(e))  # a SymPy Float is a binary fraction: exact
    if e is sp.pi:
        return arb.pi()
    if e is sp.E:
        return arb(1).exp()
    if e.is_Add:
        out = arb(0)
        for a in e.args:
            out = out + ball(a)
        return out
    if e.is_Mul:
        out = arb(1)
        for a in e.args:
            out = out * ball(a)
        return out
    if e.is_Pow:
        return _power(ball(e.base), e.exp, ball)
    unary = _UNARY.get(type(e))
    if unary is not None:
        return unary(ball(e.args[0]))
    if isinstance(e, (sp.Max, sp.Min, FrozenMax, FrozenMin)):
        values = [ball(a) for a in e.args]
        out = values[0]
        for v in values[1:]:
            out = out.max(v) if isinstance(e, (sp.Max, FrozenMax)) else out.min(v)
        return out
    if isinstance(e, ComplexRootOf):
        # a real root of a polynomial with rational coefficients: SymPy's isolating interval (rational ends, from its
        # real root isolation) refined by bisection to a width below dx; the root lies in it, within dx/2 of its centre.
        # Not above 4096 bits: the refinement took 7 s per root at 16384 (0.5 s at 4096)
        if not e.is_real:
            raise NotReal(f"{e} is not a real root")
        if ctx.prec > 4096:
            raise Undecided("a polynomial's root beyond 4096 bits")
        dx = sp.Rational(1, 2 ** (ctx.prec + 8))
        return _rational(e.eval_rational(dx=dx)) + _rational(dx) * arb(0, 1)
    if isinstance(e, sp.sign):
        b = ball(e.args[0])
        if b > 0:
            return arb(1)
        if b < 0:
            return arb(-1)
        if b.is_exact() and b == 0:
            return arb(0)
        raise Undecided("sign")
    if isinstance(e, sp.Piecewise):
        for value, cond in e.args:
            if _condition(cond, ball):
                return ball(value)
        raise NotReal("no branch of a Piecewise applies")
    if isinstance(e, sp.KroneckerDelta):
        return arb(1) if _condition(sp.Eq(*e.args, evaluate=False), ball) else arb(0)
    if e is sp.nan or e in (sp.oo, -sp.oo, sp.zoo) or e is sp.I:
        raise NotReal(f"{e} is not a real number")
    if e.free_symbols:
        raise Unsupported(f"{e} is not a closed expression (free symbols {sorted(map(str, e.free_symbols))})")
    raise Unsupported(f"no enclosure rule for {type(e).__name__}")


def enclose(e: Basic, precision: int) -> arb:
    """``ball(e)`` at ``precision`` bits (the context precision is restored)."""
    saved = ctx.prec
    ctx.prec = precision
    try:
        return ball(e)
    finally:
        ctx.prec = saved


def is_exact_zero(e: Basic) -> bool:
    """``e`` is the number 0: an exact enclosure of radius 0, or SymPy reduces it to the integer 0.

    Only a symbolic reduction proves 0 (an enclosure can only show that 0 is not excluded);
    the reductions tried are cheap ones (exponential form, expansion), then ``simplify`` for
    small expressions.
    """
    try:
        b = enclose(e, PRECISIONS[0])
    except (NotReal, Undecided, Unsupported):
        return False
    if b.is_exact():
        return bool(b == 0)
    if not b.contains(0):
        return False
    try:
        as_exp = sp.expand(sp.expand_log(e.rewrite(sp.exp)))
        if as_exp == 0:
            return True
        return bool(sp.count_ops(e) <= 40 and sp.simplify(e) == 0)
    except (TypeError, ValueError, NotImplementedError, RecursionError):
        return False


def sign(e: Basic, precisions: tuple[int, ...] = PRECISIONS, exact_zero: bool = False) -> int | None:
    """The certified sign of the closed real expression ``e``: +1, -1, 0, or None (not decided).

    0 only for an exact zero: a ball of radius 0 at 0, or (with ``exact_zero``) a symbolic
    reduction to 0 (see :func:`is_exact_zero`); raises :class:`NotReal` where ``e`` is
    certainly undefined over the reals and :class:`Unsupported` where no rule applies.
    """
    for precision in precisions:
        try:
            b = enclose(e, precision)
        except Undecided:
            continue
        if b > 0:
            return 1
        if b < 0:
            return -1
        if b.is_exact() and b == 0:
            return 0
    return 0 if exact_zero and is_exact_zero(e) else None


def text(e: Basic, digits: int = 30) -> str:
    """The value of ``e`` to ``digits`` significant digits, from an enclosure tight enough for them."""
    for precision in PRECISIONS:
        try:
            b = enclose(e, precision)
        except Undecided:
            continue
        if b.is_exact() or b.rel_accuracy_bits() > 3.4 * digits + 8:
            return b.str(digits, radius=False)
    return "undecided"
