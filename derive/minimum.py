r"""The infimum of a function of one real variable over an interval: SymPy's ``function_range`` without its period search
where the function can have no period.

SymPy's :func:`sympy.calculus.util.function_range` first asks :func:`sympy.calculus.util.periodicity` for a period (to
restrict an infinite domain to one period) and then, on each interval where the function is continuous, takes the values
at the closed ends, the one-sided limits at the open ends, and the values at the critical points (``solveset`` of the
derivative). The period search simplifies the function and recurses through it: a third of the time of the whole call,
measured over ``check``'s statements (7.9 % of ``check``'s time in all), and it can only find a period where one of
:data:`PERIODIC` occurs. Without one of them the period is ``None`` (the function is aperiodic) or ``0`` (the function is
a constant, in which case ``function_range`` returns the constant at once); :func:`infimum` then runs the rest of
``function_range`` as it is, and hands a constant, whose derivative has every point as a critical point, back to SymPy.

Soundness: the same computation as SymPy's, trusted as ``check`` trusts ``minimum`` (the cross-examination of every
proof guards it); for an aperiodic function the period step changes nothing, and a constant one is SymPy's own case.
Source: SymPy 1.14, ``sympy/calculus/util.py``, ``function_range`` (BSD licence), the part after the period.
"""

from __future__ import annotations

import sympy as sp
from sympy import Expr
from sympy.calculus.util import continuous_domain, function_range
from sympy.functions.elementary.trigonometric import TrigonometricFunction
from sympy.series.limits import limit
from sympy.solvers.solveset import solveset
from sympy.utilities.iterables import iterable

__all__ = ["PERIODIC", "critical_points", "infimum"]

PERIODIC = (TrigonometricFunction, sp.Mod, sp.frac)  # what periodicity finds a real period in (exp needs an imaginary exponent)


def _may_be_periodic(expr: Expr) -> bool:
    """``expr`` has an atom that ``periodicity`` can find a period in: a trigonometric function, ``Mod``, ``frac``, or
    the imaginary unit (``exp(I x)``)."""
    return bool(expr.has(*PERIODIC) or expr.has(sp.I))


def critical_points(expr: Expr, x: sp.Symbol, piece: sp.Interval) -> sp.Set:
    """The zeros of ``expr``'s derivative in ``piece``: ``solveset``'s, but for a derivative that is a polynomial of degree
    3 or more with rational coefficients, its real roots as ``CRootOf`` (exact algebraic numbers, each isolated in an
    interval with rational ends, which Arb encloses: :func:`softproof.derive.enclosure.ball`). ``solveset`` writes such
    roots in radicals, and a cubic with three real roots in complex cube roots (the casus irreducibilis), whose signs
    SymPy then seeks by ``evalf`` of the arctangents of their parts: ``24 u (u^6 - 14 u^4 + 21 u^2 - 4)`` over u > 0 ran
    for minutes (a cubic in u^2). Raises ``NotImplementedError`` where a root's place in ``piece`` is not decided."""
    derivative = expr.diff(x)
    poly = sp.Poly(derivative, x) if derivative.is_polynomial(x) else None
    if poly is None or poly.degree() < 3 or not (poly.domain.is_ZZ or poly.domain.is_QQ):
        return solveset(derivative, x, piece)
    inside = []
    for root in poly.real_roots():
        where = piece.contains(root)
        if where not in (sp.true, sp.false):
            raise NotImplementedError(f"Unable to place the critical point {root} in {piece}")
        if where is sp.true:
            inside.append(root)
    return sp.FiniteSet(*inside)


def infimum(expr: Expr, x: sp.Symbol, domain: sp.Interval) -> Expr:
    """The infimum of ``expr`` over ``domain`` (an interval), as SymPy's ``minimum`` gives it.

    Raises what ``function_range`` raises (``NotImplementedError`` where it cannot find the critical points or the
    continuous pieces)."""
    if _may_be_periodic(expr) or not isinstance(domain, sp.Interval):
        return function_range(expr, x, domain).inf
    pieces = continuous_domain(expr, x, domain)
    if isinstance(pieces, (sp.Interval, sp.FiniteSet)):
        intervals: tuple[sp.Set, ...] = (pieces,)
    elif isinstance(pieces, sp.Union):
        intervals = pieces.args
    else:
        raise NotImplementedError("Unable to find range for the given domain.")
    values: sp.Set = sp.S.EmptySet
    for piece in intervals:
        if isinstance(piece, sp.FiniteSet):
            values += sp.FiniteSet(*(expr.subs(x, point) for point in piece if point in domain))
            continue
        if not isinstance(piece, sp.Interval):
            raise NotImplementedError("Unable to find range for the given domain.")
        ends = [limit(expr, x, end, way) if is_open else expr.subs(x, end)
                for is_open, end, way in ((piece.left_open, piece.inf, "+"), (piece.right_open, piece.sup, "-"))]
        critical = critical_points(expr, x, piece)
        if isinstance(critical, sp.Interval) or (isinstance(critical, sp.Union) and any(isinstance(a, sp.Interval) for a in critical.args)):
            return function_range(expr, x, domain).inf  # a whole interval of critical points: a constant piece, SymPy's case
        if not iterable(critical) or isinstance(critical, sp.ImageSet):
            raise NotImplementedError(f"Unable to find critical points for {expr}")
        values += sp.FiniteSet(*ends, *(expr.subs(x, point) for point in critical))
    return values.inf
