"""Decimal and polynomial claims decided by interval enclosures (outward-rounded arithmetic, never a sample)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import mpmath
import sympy as sp
from sympy import Basic, Expr

from .core import Outcome, Status

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Enclosure:
    r"""Prove a closed numeric inequality by interval arithmetic (``mpmath.iv``).

    Every operation rounds outward, so the computed interval contains the
    exact value: a rigorous proof, not a floating-point check.
    """

    digits: int = 70

    def run(self, statement: Basic) -> Outcome:
        if not isinstance(statement, (sp.Le, sp.Lt)) or statement.free_symbols:
            return Outcome(Status.UNPROVED, "interval arithmetic", ["not a closed inequality"])
        saved = mpmath.iv.dps
        mpmath.iv.dps = self.digits
        try:
            lhs = _interval(statement.lhs)
            rhs = _interval(statement.rhs)
            ok = lhs.b < rhs.a if isinstance(statement, sp.Lt) else lhs.b <= rhs.a
            step = (
                f"enclosures at {self.digits} digits: lhs $\\subseteq$ [{_end(lhs.a)}, {_end(lhs.b)}], "
                f"rhs $\\subseteq$ [{_end(rhs.a)}, {_end(rhs.b)}]"
            )
        finally:
            mpmath.iv.dps = saved
        status = Status.PROVED if ok else Status.UNPROVED
        return Outcome(status, "interval arithmetic (mpmath.iv, outward rounding)", [step])


def _end(end: object) -> str:
    """An interval end point (a point interval in ``mpmath.iv``) as 8 significant digits."""
    return str(mpmath.nstr(mpmath.mpf(getattr(end, "a", end)), 8))


def _interval(e: Basic) -> Any:  # an mpmath.iv interval (mpmath is untyped)
    iv = mpmath.iv
    if e.is_Rational:
        return iv.mpf(int(e.p)) / int(e.q)
    if e is sp.E:
        return iv.e
    if e.is_Add:
        out = iv.mpf(0)
        for a in e.args:
            out = out + _interval(a)
        return out
    if e.is_Mul:
        out = iv.mpf(1)
        for a in e.args:
            out = out * _interval(a)
        return out
    if e.is_Pow and e.exp.is_Integer:
        return _interval(e.base) ** int(e.exp)
    if isinstance(e, sp.exp):
        return iv.exp(_interval(e.args[0]))
    if isinstance(e, sp.log):
        return iv.log(_interval(e.args[0]))
    if isinstance(e, sp.Abs):
        inner = _interval(e.args[0])
        lo, hi = inner.a, inner.b
        if lo >= 0:
            return inner
        if hi <= 0:
            return -inner
        return iv.mpf([0, max(-lo, hi)])
    raise ValueError(f"no interval rule for {e!r}")



def _on_symmetric_interval(statement: Basic, var: sp.Symbol) -> tuple[Expr, sp.Rational] | None:
    """``Piecewise((Abs(e), Abs(var) <= R), (0, True)) <= B`` with B free of symbols -> (e, R); else None.

    The statement shape of the enclosure strategies: the domain is part of the statement."""
    if not isinstance(statement, sp.Le) or statement.rhs.free_symbols or not isinstance(statement.lhs, sp.Piecewise):
        return None
    (inner, condition), rest = statement.lhs.args[0], statement.lhs.args[1:]
    if not (isinstance(condition, sp.Le) and condition.lhs == sp.Abs(var) and condition.rhs.is_Rational
            and len(rest) == 1 and rest[0].expr == 0 and isinstance(inner, sp.Abs)):
        return None
    return inner.args[0], condition.rhs


@dataclass(frozen=True)
class PolynomialEnclosure:
    r"""Prove :math:`|P(r)\,e^{-r} - 1| \le B` for every :math:`|r| \le R` (relative error of P as exp).

    The statement reads ``Piecewise((Abs(P(r)*exp(-r) - 1), Abs(r) <= R), (0, True)) <= B``:
    the domain is part of the statement, which is then true for every real ``r``.
    Rigorous: ``[-R, R]`` is cut into ``pieces`` subintervals of centre :math:`c` and
    radius :math:`h`. On each, :math:`P(c + t)` is expanded exactly (rational
    arithmetic) and :math:`e^{-c-t} = e^{-c}\sum_{j \le K} (-t)^j/j! + R_K` with
    :math:`|R_K| \le e^{-c} e^{h} h^{K+1}/(K+1)!`; every coefficient of the product is
    enclosed in ``mpmath.iv`` (outward rounding) and :math:`|t|^j \le h^j`.
    """

    var: sp.Symbol
    pieces: int = 64
    order: int = 24
    digits: int = 60

    def run(self, statement: Basic) -> Outcome:
        method = f"Taylor enclosure on {self.pieces} subintervals (mpmath.iv, outward rounding)"
        shape = ["not of the form Piecewise((|P(r) exp(-r) - 1|, |r| <= R), (0, True)) <= B"]
        parts = _on_symmetric_interval(statement, self.var)
        if parts is None:
            return Outcome(Status.UNPROVED, method, shape)
        error, radius = parts
        lo, hi = -radius, radius
        poly = sp.expand((error + 1) * sp.exp(self.var))
        if not poly.is_polynomial(self.var):
            return Outcome(Status.UNPROVED, method, ["the left side is not |P(r) exp(-r) - 1| with P a polynomial"])
        coeffs = [sp.Rational(c) for c in reversed(sp.Poly(poly, self.var).all_coeffs())]  # low degree first
        iv = mpmath.iv
        saved = iv.dps
        iv.dps = self.digits
        try:
            bound = _interval(statement.rhs)
            worst = iv.mpf(0)
            width = (hi - lo) / self.pieces
            for piece in range(self.pieces):
                c = lo + width * piece + width / 2
                h = iv.mpf(int((width / 2).p)) / int((width / 2).q)
                worst = max(worst, self._piece_bound(coeffs, c, h), key=lambda v: v.b)
            ok = worst.b <= bound.a and bound.a >= 0
            step = (
                f"on every piece of $[{lo}, {hi}]$, $|P(r)e^{{-r}} - 1| \\le$ {_end(worst.b)} "
                f"(enclosure upper end), below the bound {_end(bound.a)}; outside, the left side is 0"
            )
        finally:
            iv.dps = saved
        return Outcome(Status.PROVED if ok else Status.UNPROVED, method, [step])

    def _piece_bound(self, coeffs: list[sp.Rational], c: sp.Rational, h: Any) -> Any:  # mpmath.iv intervals
        iv = mpmath.iv
        t = sp.Symbol("t")
        shifted = sp.Poly(sum(a * (c + t) ** p for p, a in enumerate(coeffs)), t).all_coeffs()[::-1]
        p_t = [iv.mpf(int(sp.Rational(a).p)) / int(sp.Rational(a).q) for a in shifted]
        decay = iv.exp(-(iv.mpf(int(c.p)) / int(c.q)))
        series = [iv.mpf((-1) ** j) / mpmath.factorial(j) for j in range(self.order + 1)]
        product = [iv.mpf(0)] * (len(p_t) + self.order)
        for i, a in enumerate(p_t):
            for j, b in enumerate(series):
                product[i + j] += a * b
        product = [decay * v for v in product]
        product[0] -= 1
        total = iv.mpf(0)
        for j, v in enumerate(product):
            total += iv.mpf([0, max(abs(v.a), abs(v.b))]) * h**j
        p_abs = iv.mpf(0)
        for j, v in enumerate(p_t):
            p_abs += iv.mpf([0, max(abs(v.a), abs(v.b))]) * h**j
        remainder = decay * iv.exp(h) * h ** (self.order + 1) / mpmath.factorial(self.order + 1) * p_abs
        return total + iv.mpf([0, remainder.b])


def _shifted_size(coeffs: list[Fraction], centre: Fraction, h: Fraction) -> Fraction:
    r"""An upper bound of :math:`|E(c + t)|` for :math:`|t| \le h`, E the polynomial of ``coeffs`` (lowest degree first):
    the coefficients :math:`a_j` of :math:`E(c + t)` in t by Horner's shift (exact rationals), then :math:`\sum_j |a_j| h^j`."""
    shifted = [Fraction(0)] * len(coeffs)
    for e_k in reversed(coeffs):
        for j in range(len(shifted) - 1, 0, -1):
            shifted[j] = shifted[j] * centre + shifted[j - 1]
        shifted[0] = shifted[0] * centre + e_k
    return sum((abs(a) * h**j for j, a in enumerate(shifted)), Fraction(0))


@dataclass(frozen=True)
class AtanhEnclosure:
    r"""Prove :math:`|N(s)/(2\operatorname{atanh} s) - 1| \le B` for every :math:`|s| \le S`, N an odd polynomial.

    The statement reads ``Piecewise((Abs(N(s)/(2*atanh(s)) - 1), Abs(s) <= S), (0, True)) <= B``.
    Rigorous, in exact rational arithmetic: with :math:`2\operatorname{atanh} s =
    \sum_{k \ge 0} 2 s^{2k+1}/(2k+1)` and :math:`N(s) = \sum_k n_k s^{2k+1}`, the error is
    :math:`s\,(E(z) - \tau(z))`, :math:`z = s^2`, :math:`E(z) = \sum_{k \le K}(n_k - 2/(2k+1)) z^k`
    and the tail :math:`0 \le \tau(z) = \sum_{k > K} 2 z^k/(2k+1) \le 2 Z^{K+1}/((2K+3)(1 - Z))`.
    Since :math:`|\operatorname{atanh} s| \ge |s|`, the relative error is at most
    :math:`(|E(z)| + \tau(z))/2`. :math:`|E|` is bounded on ``pieces`` subintervals of
    :math:`[0, Z]` by expanding :math:`E(c + t)` exactly and summing :math:`|a_j| h^j`.
    """

    var: sp.Symbol
    pieces: int = 64
    terms: int = 40  # K >= terms: the series terms kept inside E, so that the tail is negligible

    def run(self, statement: Basic) -> Outcome:
        method = f"odd Taylor series of atanh, |E(z)| on {self.pieces} subintervals (exact rationals)"
        shape = ["not of the form Piecewise((|N(s)/(2 atanh(s)) - 1|, |s| <= S), (0, True)) <= B"]
        parts = _on_symmetric_interval(statement, self.var)
        if parts is None or not statement.rhs.is_Rational:
            return Outcome(Status.UNPROVED, method, shape)
        error, interval_radius = parts
        radius = Fraction(int(interval_radius.p), int(interval_radius.q))
        numerator = sp.expand((error + 1) * 2 * sp.atanh(self.var))
        if radius >= 1 or not numerator.is_polynomial(self.var):
            return Outcome(Status.UNPROVED, method, ["N is not a polynomial, or S >= 1"])
        coeffs = [Fraction(int(sp.Rational(c).p), int(sp.Rational(c).q))
                  for c in reversed(sp.Poly(numerator, self.var).all_coeffs())]  # low degree first
        if any(c != 0 for c in coeffs[0::2]):
            return Outcome(Status.UNPROVED, method, ["N is not odd"])
        odd = coeffs[1::2]
        top = max(len(odd) - 1, self.terms)  # the series is kept up to z^top, the rest bounded as the tail
        odd += [Fraction(0)] * (top + 1 - len(odd))
        error = [n_k - Fraction(2, 2 * k + 1) for k, n_k in enumerate(odd)]
        z_max = radius * radius
        tail = Fraction(2) * z_max ** (top + 1) / ((2 * top + 3) * (1 - z_max))
        width = z_max / self.pieces
        h = width / 2
        worst = Fraction(0)
        for piece in range(self.pieces):
            worst = max(worst, _shifted_size(error, width * piece + h, h))
        total = (worst + tail) / 2
        bound = Fraction(int(statement.rhs.p), int(statement.rhs.q))
        step = (
            f"on $|s| \\le {interval_radius}$: $|E(z)| \\le$ {float(worst):.8g}, tail $\\le$ {float(tail):.3g}, "
            f"relative error $\\le$ {float(total):.8g} (upper bound), below {float(bound):.8g}; outside, the left side is 0"
        )
        return Outcome(Status.PROVED if total <= bound else Status.UNPROVED, method, [step])


@dataclass(frozen=True)
class ExpTailEnclosure:
    r"""Prove :math:`|P(r) - e^r| \le B\,|e^r - 1|` for every :math:`0 < |r| \le R`: the polynomial
    :math:`P(r) - 1` as :math:`\operatorname{expm1}(r)`, relative (where :math:`e^r - 1` is small, the
    relative error of :math:`P` as :math:`e^r`, which :class:`PolynomialEnclosure` bounds, says nothing).

    The statement reads ``Piecewise((Abs((P(r) - exp(r))/(exp(r) - 1)), (Abs(r) <= R) & Ne(r, 0)), (0, True)) <= B``.
    Rigorous, in exact rational arithmetic: P must be :math:`1 + r + r^2 q(r)` (else the quotient does not even tend
    to 0). With :math:`g(r) = (e^r - 1 - r)/r^2 = \sum_{k \ge 0} r^k/(k+2)!` and :math:`b(r) = (e^r - 1)/r =
    \sum_{k \ge 0} r^k/(k+1)! = \int_0^1 e^{rs}\,ds` (increasing in r, so :math:`b(r) \ge b(-R) > 0`), the
    quotient is :math:`r\,(q(r) - g(r))/b(r)`. :math:`E(r) = \sum_{k \le K}(q_k - 1/(k+2)!)\,r^k` is bounded on
    ``pieces`` subintervals of :math:`[-R, R]` by expanding :math:`E(c + t)` exactly and summing :math:`|a_j| h^j`;
    the series' rest is at most :math:`R^{K+1}/((K+3)!\,(1 - R))`; :math:`b(-R)` is bounded below by its
    alternating series cut after a negative term (:math:`R < 1`: the terms fall). The bound per piece is
    :math:`(|c| + h)(|E| + \text{rest})/b(-R)`.
    """

    var: sp.Symbol
    pieces: int = 64
    terms: int = 30  # K >= terms: the series terms kept inside E

    def run(self, statement: Basic) -> Outcome:
        from math import factorial

        method = f"Taylor series of (e^r - 1 - r)/r^2 and (e^r - 1)/r, |E(r)| on {self.pieces} subintervals (exact rationals)"
        parts = self._parts(statement)
        if parts is None:
            return Outcome(Status.UNPROVED, method,
                           ["not of the form Piecewise((|(P(r) - exp(r))/(exp(r) - 1)|, |r| <= R & r != 0), (0, True)) <= B"])
        polynomial, interval_radius = parts
        radius = Fraction(int(interval_radius.p), int(interval_radius.q))
        if not polynomial.is_polynomial(self.var) or radius >= 1:
            return Outcome(Status.UNPROVED, method, ["P is not a polynomial, or R >= 1"])
        coeffs = [Fraction(int(sp.Rational(c).p), int(sp.Rational(c).q))
                  for c in reversed(sp.Poly(polynomial, self.var).all_coeffs())]  # low degree first
        coeffs += [Fraction(0)] * max(0, 2 - len(coeffs))
        if coeffs[0] != 1 or coeffs[1] != 1:
            return Outcome(Status.UNPROVED, method, ["P is not 1 + r + r^2 q(r): P(r) - e^r is not O(r^2)"])
        q = coeffs[2:]
        top = max(len(q) - 1, self.terms)
        q += [Fraction(0)] * (top + 1 - len(q))
        error = [q_k - Fraction(1, factorial(k + 2)) for k, q_k in enumerate(q)]
        rest = radius ** (top + 1) / (factorial(top + 3) * (1 - radius))
        odd_cut = top if top % 2 == 1 else top + 1  # b(-R) cut after a negative term (an odd power): a lower bound
        b_low = sum((Fraction((-1) ** k) * radius**k / factorial(k + 1) for k in range(odd_cut + 1)), Fraction(0))
        width = 2 * radius / self.pieces
        h = width / 2
        worst = Fraction(0)
        for piece in range(self.pieces):
            centre = -radius + width * piece + h
            worst = max(worst, (abs(centre) + h) * (_shifted_size(error, centre, h) + rest) / b_low)
        bound = Fraction(int(statement.rhs.p), int(statement.rhs.q))
        step = (
            f"on $0 < |r| \\le {interval_radius}$: $|P(r) - e^r| / |e^r - 1| \\le$ {float(worst):.8g} (upper bound; "
            f"$b(-R) \\ge$ {float(b_low):.8g}, series rest $\\le$ {float(rest):.3g}), below {float(bound):.8g}; outside, the left side is 0"
        )
        return Outcome(Status.PROVED if worst <= bound else Status.UNPROVED, method, [step])

    def _parts(self, statement: Basic) -> tuple[Expr, sp.Rational] | None:
        """(P, R) from the statement's shape, or None."""
        if not isinstance(statement, sp.Le) or not statement.rhs.is_Rational or not isinstance(statement.lhs, sp.Piecewise):
            return None
        (inner, condition), rest = statement.lhs.args[0], statement.lhs.args[1:]
        if len(rest) != 1 or rest[0].expr != 0 or not isinstance(inner, sp.Abs) or not isinstance(condition, sp.And):
            return None
        radius = None
        for term in condition.args:
            if isinstance(term, sp.Le) and term.lhs == sp.Abs(self.var) and term.rhs.is_Rational:
                radius = term.rhs
            elif not (isinstance(term, sp.Ne) and {term.lhs, term.rhs} == {self.var, sp.Integer(0)}):
                return None
        if radius is None or len(condition.args) != 2:
            return None
        numerator, denominator = sp.fraction(inner.args[0])
        expm1 = sp.exp(self.var) - 1
        if sp.expand(denominator - expm1) == 0:
            polynomial = sp.expand(numerator + sp.exp(self.var))
        elif sp.expand(denominator + expm1) == 0:
            polynomial = sp.expand(-numerator + sp.exp(self.var))
        else:
            return None
        return (polynomial, radius) if not polynomial.has(sp.exp) else None
