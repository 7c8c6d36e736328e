"""The infimum without the period search: SymPy's own answer, and below every value mpmath computes."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from softproof.derive.minimum import infimum

x = sp.Symbol("x", real=True)
t = sp.Symbol("t", positive=True)
u = sp.Symbol("u", nonnegative=True)
REALS, POSITIVE, NONNEGATIVE = sp.Interval(-sp.oo, sp.oo), sp.Interval.open(0, sp.oo), sp.Interval(0, sp.oo)

CASES = [
    (x**2 - x, x, REALS),  # a critical point: -1/4
    (sp.exp(x) - 1 - x, x, REALS),  # 0 at the critical point 0
    (sp.log(1 + sp.exp(x)) - x, x, REALS),  # an open end: the infimum 0 is a limit, not a value
    (x / (1 + sp.exp(x)), x, REALS),  # a transcendental critical point: SymPy cannot say, nor can infimum
    (t + sp.log(2 / (sp.exp(t) + 1)), t, POSITIVE),
    (u**2 - 7 * u + 1, u, NONNEGATIVE),  # a closed end and a critical point
    (-sp.sqrt(t), t, POSITIVE),  # -oo
    (1 / (1 + sp.exp(-x)) + 1 / (1 + sp.exp(x)), x, REALS),  # the constant 1 in disguise: SymPy's own case
    (sp.sin(x) + x**2, x, REALS),  # may be periodic: SymPy's function_range as it is
    (1 / x, x, REALS),  # two continuous pieces
]

# polynomials whose derivative has degree 3 or more: the critical points as CRootOf (SymPy's radicals for the first two are
# complex cube roots, the casus irreducibilis, whose signs it sought for minutes)
POLYNOMIALS = [
    (24 * t * (t**6 - 14 * t**4 + 21 * t**2 - 4), t, POSITIVE),  # met by check's sign search on sigmoid(x) >= 1e-320
    (x**4 - 4 * x**2 + x, x, REALS),  # the derivative 4x^3 - 8x + 1 has three real roots
    (u**5 - 5 * u**3 + 4 * u + sp.Rational(1, 3), u, NONNEGATIVE),  # a closed end, roots outside the domain too
]


def _sympy_minimum(expr: sp.Expr, var: sp.Symbol, domain: sp.Interval) -> sp.Expr | str:
    try:
        return sp.calculus.util.minimum(expr, var, domain)
    except NotImplementedError:
        return "NotImplementedError"


@pytest.mark.parametrize("expr, var, domain", CASES, ids=[str(c[0]) for c in CASES])
def test_the_infimum_is_sympys_minimum(expr: sp.Expr, var: sp.Symbol, domain: sp.Interval) -> None:
    expected = _sympy_minimum(expr, var, domain)
    try:
        got: sp.Expr | str = infimum(expr, var, domain)
    except NotImplementedError:
        got = "NotImplementedError"
    if isinstance(expected, str) or isinstance(got, str):
        assert got == expected
    else:
        assert sp.simplify(got - expected) == 0 or got == expected, (got, expected)


@pytest.mark.parametrize("expr, var, domain", CASES + POLYNOMIALS, ids=[str(c[0]) for c in CASES + POLYNOMIALS])
def test_no_value_lies_below_the_infimum(expr: sp.Expr, var: sp.Symbol, domain: sp.Interval) -> None:
    """The oracle: mpmath at 30 digits on the textbook expression, at points across the domain."""
    try:
        low = infimum(expr, var, domain)
    except NotImplementedError:
        return
    f = sp.lambdify(var, expr, modules="mpmath")
    points = [mpmath.mpf(k) / 8 for k in range(-160, 161)] + [mpmath.mpf(10) ** e for e in range(-6, 3)]
    with mpmath.workdps(30):
        values = [f(p) for p in points if p in domain and p != 0 or (p == 0 and 0 in domain and expr.subs(var, 0).is_finite)]
        floor = -mpmath.inf if low == -sp.oo else mpmath.mpf(sp.N(low, 40))
        assert min(values) >= floor - mpmath.mpf(10) ** -20
        if low.is_finite:  # attained, or approached within 1/4 near the drawn points
            assert min(values) <= floor + mpmath.mpf(1) / 4


def test_without_a_periodic_atom_no_period_is_sought(monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the module: SymPy's periodicity is not called for an aperiodic function (it is for sin)."""
    import sympy.calculus.util as util

    calls: list[sp.Expr] = []
    real = util.periodicity
    monkeypatch.setattr(util, "periodicity", lambda f, s, check=False: calls.append(f) or real(f, s, check))
    infimum(x**2 - x, x, REALS)
    assert calls == []
    with pytest.raises(NotImplementedError):  # SymPy's own answer for it: its critical points are transcendental
        infimum(sp.sin(x) + x**2, x, REALS)
    assert calls


@pytest.mark.parametrize("expr, var, domain", POLYNOMIALS, ids=[str(c[0]) for c in POLYNOMIALS])
def test_a_polynomials_critical_points_are_its_derivatives_real_roots(expr: sp.Expr, var: sp.Symbol, domain: sp.Interval) -> None:
    """Exact roots (CRootOf, no radicals), each inside the domain, and the infimum's sign certified by an Arb enclosure
    (the sign prover's use of it) that agrees with mpmath's minimum over the roots numpy's polynomial solver finds."""
    from softproof.derive.enclosure import sign
    from softproof.derive.minimum import critical_points

    found = critical_points(expr, var, domain)
    assert found and all(isinstance(r, sp.CRootOf) and r in domain for r in found)
    assert all(abs(sp.N(sp.diff(expr, var).subs(var, r), 50)) < 1e-40 for r in found)  # roots of the derivative
    low = infimum(expr, var, domain)
    f = sp.lambdify(var, expr, modules="mpmath")
    with mpmath.workdps(40):
        roots = [mpmath.re(r) for r in mpmath.polyroots([int(c) for c in sp.Poly(3 * sp.diff(expr, var), var).all_coeffs()],
                                                        maxsteps=200, extraprec=200)
                 if abs(mpmath.im(r)) < 1e-30 and mpmath.re(r) in domain]
        candidates = [f(r) for r in roots] + ([f(mpmath.mpf(domain.inf))] if domain.inf.is_finite else [])
        assert sign(low) == (1 if min(candidates) > 0 else -1)
        assert abs(mpmath.mpf(sp.N(low, 40)) - min(candidates)) < 1e-30
