r"""The sign prover's rewriting rules: prove an equivalent goal instead, or use calculus.

Sums atomised into placeholders of proven sign, one-variable calculus (a minimum computed by
SymPy, continuity checked), generalisation of a repeated sub-expression, expanded logarithms,
and positive scalings and shifts; each with its soundness argument as its docstring.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import islice, product

import sympy as sp
from sympy import Basic, Expr, Sum

from .double_sums import PairKernel, pair_kernel
from .minimum import infimum
from .piecewise_cases import compares_reals, condition_gap, first_branch, interval_cases, piecewise_cases, real_variables
from .sign_prover import SignProverBase, certified_sign, continuous_on, factor_bounded
from .sums import as_exponentials, bound_variables, pull_constants

__all__ = ["RewriteRules"]

HALVES_APPLICATIONS = 60  # rule applications (of the 600 of a proof) the split at 0 may take: it is tried early
ATOMISE_APPLICATIONS = 24  # the signs of the sums atomised for the rational form, tried on the top goal first
DOUBLE_SUM_APPLICATIONS = 80  # and the double sum's pairs, tried on the top goal before the rules that split it
FROM_ZERO_APPLICATIONS = 60  # the value at 0 and the slope of a goal in several variables, one of them >= 0
LINEAR_FACTOR_APPLICATIONS = 60  # the cases of a linear factor's sign, tried at every product near the top
SHIFT_APPLICATIONS = 60  # the goal at 0 of a variable a common shift removes: the rules that split it may do better


@lru_cache(maxsize=512)
def _minimum(expr: Expr, x: sp.Symbol, domain: sp.Interval) -> Expr:
    """SymPy's ``minimum`` of ``expr`` over ``domain`` (:func:`softproof.derive.minimum.infimum`: without the period
    search where there can be no period), simplified (NaN where SymPy cannot say). A pure function of its arguments, so
    it is remembered: the sign search asks for the same one-variable minimum from several goals (59 calls, 31 distinct,
    for -log(sigmoid(x)) < e^-x), and each costs up to a third of a second."""
    try:
        low = infimum(expr, x, domain)
    except (NotImplementedError, ValueError, TypeError):
        low = sp.nan
    return sp.simplify(low)


def _unsigned_real(v: Basic) -> bool:
    """A real symbol of no stated sign and not an integer (not nonnegative, nonpositive or nonzero): the variable the
    rules below move over the whole real line, where x -> x + c and x -> 0 stay inside its domain."""
    return isinstance(v, sp.Symbol) and bool(v.is_real) and \
        not (v.is_nonnegative or v.is_nonpositive or v.is_nonzero or v.is_integer)


def _constant_along(expr: Expr, t: sp.Symbol) -> bool:
    r"""``expr`` is one value for every real ``t``: :math:`\partial_t` expr simplifies to 0 and expr is continuous in t
    on the whole real line (SymPy's check, its other symbols as parameters).

    Soundness: a function continuous on the reals whose derivative is 0 wherever it exists (here everywhere, the
    derivative being the expression 0) is constant, by the mean value theorem."""
    try:
        if sp.simplify(sp.diff(expr, t)) != 0:
            return False
    except (NotImplementedError, ValueError, TypeError):
        return False
    return continuous_on(expr, t, sp.Interval(-sp.oo, sp.oo))


_SHIFT = sp.Dummy("t", real=True)  # the common shift of :func:`_shift_invariant`, one symbol so that it is remembered


@lru_cache(maxsize=512)
def _shift_invariant(expr: Expr, a: sp.Symbol, b: sp.Symbol) -> bool:
    """``expr`` is unchanged when ``a`` and ``b`` move together (:func:`_constant_along` the common shift). A pure
    function of its arguments, remembered: one goal is a top goal again in each strategy and proof that reaches it."""
    return _constant_along(expr.xreplace({a: a + _SHIFT, b: b + _SHIFT}), _SHIFT)


_SMOOTH = (sp.Add, sp.Mul, sp.exp, sp.log, sp.tanh, sp.sinh, sp.cosh, Sum, sp.Indexed, sp.IndexedBase, sp.Symbol, sp.Tuple,
           sp.Number, sp.NumberSymbol)


def _smooth_in(expr: Expr, t: sp.Symbol) -> bool:
    r"""``expr`` is continuously differentiable in ``t`` wherever it is real: built from sums, products, exp, log, tanh,
    sinh, cosh, finite sums (a symbolic range is finite for every value of its bounds) and powers with an integer exponent
    or a base free of t or positive by SymPy's assumptions. Each of these is smooth on the open set where it is defined
    over the reals (log of a positive number, a division by a non-zero one), so where the expression is real on
    :math:`[0, \infty)` in t (what reaching the prover means) it is continuous there and differentiable inside. No
    Abs, Max, Min, Piecewise, square root of a quantity that may be 0, or derivative left unevaluated."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow):
            if not (node.exp.is_Integer or t not in node.base.free_symbols or node.base.is_positive):
                return False
            continue
        if not isinstance(node, _SMOOTH):
            return False
    return True


class RewriteRules(SignProverBase):
    """Rules that replace the goal by an equivalent one (or decide it by calculus)."""

    def _rule_atomise(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Each outermost sum that depends on no outer index is one number of proven sign: replacing
        it by a symbol quantified over that sign, and proving the result for every such value,
        proves it for the sum's value (see :func:`softproof.derive.sums.atomise_sums`)."""
        if not expr.has(Sum):
            return False
        atomised = self._atomise_sums(expr, depth)
        if atomised == expr:
            return False
        if self._sympy_says(atomised, strict) or self._prove(atomised, strict, depth + 1):
            self._note(expr, strict, "with each sum replaced by a quantity of its proven sign")
            return True
        return False

    def _rule_even_variable(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""A top goal of one real variable x that occurs only through its even powers: with :math:`u = x^2` (the signs
        SymPy derives for :math:`x^2`: u >= 0, u > 0 for a nonzero x) the goal is proven as a top goal in u, before
        the rules that seek the minimum in x, whose ``solveset`` can run for minutes on a transcendental derivative
        (:math:`1/(1 + x^2) \ge e^{-x^2}`: unknown after 120 s, the goal in u proved in about 2 s).

        Soundness: :meth:`_rule_generalise_combination`'s (a sufficient condition), whose step this is for w = x^2:
        for every admissible x, :math:`x^2` is a real number with the signs derived for it, and the goal at x is the new
        goal at :math:`u = x^2` (:func:`_in_square` writes :math:`x^{2k}` as :math:`u^k`; a goal in which x remains,
        as in |x|, is left alone)."""
        if not self._top_scalar_goal(expr, depth) or len(expr.free_symbols) != 1:
            return False
        (x,) = expr.free_symbols
        return isinstance(x, sp.Symbol) and bool(x.is_real) and self._through_new_variable(expr, x**2, len(expr.free_symbols), strict, depth)

    def _rule_top_minimum(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""The top goal of one real variable: part (a) of :meth:`_rule_calculus` (SymPy's ``minimum`` over the domain,
        continuity checked, the certified sign of the minimum deciding) tried before the rules that split the goal,
        whose search can take the whole time budget where the minimum takes a fifth of a second
        (:math:`\log(1 + x) - x/(1 + x) \ge 0` for x > 0: 21 s before). The same argument as there; remembered
        (``_minimum``), so the later, deeper attempt costs nothing. Then, within HALVES_APPLICATIONS rule applications,
        part (b) on a half-line (:meth:`_from_zero`, its argument there), or (d) on the whole line: for x > 0,
        :math:`x^2/2 - \log\cosh x > 0` (a limit 0 at 0 and the slope x - tanh x > 0) took 20 s of the rule that
        exponentiates against the logarithm and stayed unknown."""
        domain_var = self._one_variable(expr)
        if depth > self.base_depth or domain_var is None:
            return False
        x, domain = domain_var
        if self._minimum_decides(expr, x, domain, strict):
            return True
        if x.is_nonnegative:
            return self.within(HALVES_APPLICATIONS, lambda probe: probe._from_zero(expr, x, strict, depth))
        return self._halves(expr, x, strict, depth)

    def _one_variable(self, expr: Expr) -> tuple[sp.Symbol, sp.Interval] | None:
        """(x, its domain from its assumptions) where ``expr`` has one free symbol, a real one, and no sum, and SymPy
        signs its constants (:func:`_sympy_signs_its_constants`); else None."""
        free = [s for s in expr.free_symbols if s.is_real]
        if len(free) != 1 or len(expr.free_symbols) != 1 or expr.has(Sum):
            return None
        (x,) = free
        if not _sympy_signs_its_constants(expr, x):
            return None
        domain = sp.Interval(-sp.oo, sp.oo)
        if x.is_nonnegative:
            domain = sp.Interval(0, sp.oo)
        if x.is_positive:
            domain = sp.Interval.open(0, sp.oo)
        return x, domain

    def _minimum_decides(self, expr: Expr, x: sp.Symbol, domain: sp.Interval, strict: bool) -> bool:
        """SymPy's minimum of ``expr`` over ``domain`` has the claimed sign (certified), and ``expr`` is continuous there."""
        low = _minimum(expr, x, domain)
        if low.is_number and not low.has(sp.nan) and continuous_on(expr, x, domain):
            ok = certified_sign(low) == 1 if strict else certified_sign(low) in (0, 1)
            if ok:
                self._note(expr, strict, f"one-variable calculus: $\\inf_{{{sp.latex(x)} \\in {sp.latex(domain)}}} = {sp.latex(low)}$")
                return True
        return False

    def _rule_calculus(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""One real variable: (a) SymPy's ``minimum`` over the variable's domain (critical points by
        ``solveset``, limits at the ends), used only where SymPy finds the function continuous on
        the whole domain, its certified sign deciding; this trusts SymPy's ``minimum``, and the
        cross-examination of every proof guards it; (b) on :math:`[0, \infty)`: a continuous
        :math:`f` with :math:`f(0^+) \ge 0` and :math:`f' > 0` proven is :math:`> 0` on
        :math:`(0, \infty)` (mean value theorem); (c) towards an infinite end (:func:`_toward_end`)."""
        domain_var = self._one_variable(expr)
        if domain_var is None:
            return False
        x, domain = domain_var
        if self._minimum_decides(expr, x, domain, strict):
            return True
        if depth <= self.base_depth + 1 and self._toward_end(expr, x, domain, strict, depth):
            return True
        if x.is_nonnegative and self._from_zero(expr, x, strict, depth):
            return True
        return self._halves(expr, x, strict, depth)

    def _from_zero(self, expr: Expr, x: sp.Symbol, strict: bool, depth: int) -> bool:
        """(b) on [0, oo) or (0, oo): f(0+) >= 0 and f' > 0 on (0, oo) give f > 0 on (0, oo); the slope is proven for a
        positive variable (the mean value theorem needs f' > 0 inside the interval only: e^x - 1 - x is 0 at x = 0)."""
        if depth >= self.depth_limit - 2 or not continuous_on(expr, x, sp.Interval.open(0, sp.oo)):
            return False
        start = sp.limit(expr, x, 0, "+")
        start_sign = certified_sign(start) if start.is_number and start.is_finite else None
        if start_sign not in (0, 1) or not (x.is_positive or not strict or start_sign == 1):
            return False
        probe = self._child()
        inside = sp.Symbol(x.name, positive=True)
        slope = sp.simplify(sp.diff(expr, x).subs(x, inside))
        if probe._prove(slope, True, depth + 1):
            self.steps.extend(probe.steps)
            self._note(expr, strict, f"value ${sp.latex(start)}$ at ${sp.latex(x)} = 0$ and increasing")
            return True
        return False

    def _halves(self, expr: Expr, x: sp.Symbol, strict: bool, depth: int) -> bool:
        r"""(d) A real variable of any sign: :math:`f(x)` for :math:`x \ge 0` and :math:`f(-y)` for :math:`y \ge 0`, each
        proven on its own by (b), :meth:`_from_zero` (the value at 0 and the slope inside), or by (c), :meth:`_toward_end`.

        Soundness: every real x is y or -y for some y >= 0, so the two goals over y >= 0 together are the goal
        over all x; a non-positive x is -y, y >= 0, one goal, and a negative x is -y with y > 0. Tried on the top goal only, within HALVES_APPLICATIONS rule applications (each half's slope is a goal
        of its own, and one slow goal below the top took 17 s): it proves what needs f'(0) = 0 and a sign
        change of f' there, such as softplus(x) <= log 2 + x/2 + x^2/8 (f''(x) = 1/4 - sigmoid'(x) >= 0)."""
        if x.is_nonnegative or depth > self.base_depth or depth >= self.depth_limit - 4:
            return False
        # a negative x is -y with y > 0 (its one half, on the open half-line: sigmoid(x) > 1/2 + x/4 for x < 0)
        y = sp.Symbol(f"{x.name}_", positive=True) if x.is_negative else sp.Symbol(f"{x.name}_", nonnegative=True)
        line = sp.Interval(0, sp.oo, left_open=bool(y.is_positive))
        halves = [expr.xreplace({x: -y})] if x.is_nonpositive else [expr.xreplace({x: y}), expr.xreplace({x: -y})]
        if self.within(HALVES_APPLICATIONS, lambda probe: all(
                probe._from_zero(half, y, strict, depth + 1) or probe._toward_end(half, y, line, strict, depth + 1)
                for half in halves)):
            self._note(expr, strict, f"for ${sp.latex(x)} \\ge 0$ and ${sp.latex(x)} \\le 0$ apart "
                                     f"(${sp.latex(x)} = \\pm {sp.latex(y)}$, ${sp.latex(y)} \\ge 0$)")
            return True
        return False

    def _toward_end(self, expr: Expr, x: sp.Symbol, domain: sp.Interval, strict: bool, depth: int) -> bool:
        r"""Monotone towards an infinite end of the domain: :math:`f' < 0` proven on the whole domain and
        :math:`L = \lim_{x \to +\infty} f \ge 0` certified give :math:`f > 0` (or :math:`f' > 0`,
        :math:`L = \lim_{x \to -\infty} f` on :math:`\mathbb{R}`).

        Soundness: f continuous on the interval (checked, and so is f'), f' < 0 inside it: for every x and y > x,
        f(x) > f(y) (mean value theorem, whose point lies strictly between x and y, so inside the interval: on
        :math:`[0, \infty)` the slope is proven for a positive variable, f'(0) = 0 allowed), and f(y) -> L, so
        f(x) > f(x + 1) >= L >= 0: strictly positive with f' < 0 alone. The limit is SymPy's (Gruntz), trusted as (a)
        trusts ``minimum``; the cross-examination of every proof guards it. Proves log(1 + e^x) < e^x (L = 0 at -oo),
        with p = sigmoid(q), log p < p - 1, and the entropy of softmax((a, b)/T) > 0 (each half u >= 0 of
        log(1 + e^u) - u e^u/(1 + e^u), whose slope -u e^u/(1 + e^u)^2 is 0 at u = 0).
        """
        ends = [(sp.oo, -1)] + ([(-sp.oo, 1)] if domain.inf == -sp.oo else [])
        if not continuous_on(expr, x, domain):
            return False
        slope = sp.simplify(sp.diff(expr, x))
        if not continuous_on(slope, x, domain):
            return False
        if domain.inf == 0 and not domain.left_open:  # the interior (0, oo): the slope at 0 itself is not needed
            slope = slope.xreplace({x: sp.Symbol(x.name, positive=True)})
        for end, direction in ends:
            try:
                at_end = sp.limit(expr, x, end)
            except (NotImplementedError, ValueError, TypeError, RecursionError):
                continue
            if not (at_end.is_number and at_end.is_finite and certified_sign(at_end) in (0, 1)):
                continue
            probe = self._child()
            if probe._prove(direction * slope, True, depth + 1):
                self.steps.extend(probe.steps)
                way = "decreasing" if direction < 0 else "increasing"
                self._note(expr, strict, f"{way} on ${sp.latex(domain)}$ towards its limit ${sp.latex(at_end)} \\ge 0$ "
                                         f"at ${sp.latex(x)} \\to {sp.latex(end)}$")
                return True
        return False

    def _rule_generalise(self, expr: Expr, strict: bool, depth: int) -> bool:
        """f(u) >= 0 for a positive sub-expression u follows from f(s) >= 0 for all s > 0."""
        bound = bound_variables(expr)
        for lg in sorted(expr.atoms(sp.log), key=sp.default_sort_key):
            u = lg.args[0]
            # side condition: u is one number for the whole expression (no summation index in it)
            if u.is_Symbol or u.free_symbols & bound or not self._prove(u, True, depth + 1):
                continue
            s = sp.Dummy("u", positive=True)
            general = expr.subs(u, s)
            if general.free_symbols == {s} and self._by(general, expr, strict, depth,
                                                        f"holds for every positive value of ${sp.latex(u)}$"):
                return True
        return False

    def _by(self, equivalent: Expr, expr: Expr, strict: bool, depth: int, why: str, top: bool = False) -> bool:
        """Prove ``expr`` through ``equivalent`` (a rewriting whose soundness the calling rule argues), one level
        deeper, or at the same depth with ``top``: a top goal rewritten is a top goal again, and the rules kept for
        the top goal apply to it."""
        probe = self._child()
        if not probe._prove(equivalent, strict, depth if top else depth + 1):
            return False
        self.steps.extend(probe.steps)
        self._note(expr, strict, why)
        return True

    def _rule_log_combination(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""A top goal that is a combination of logarithms with rational coefficients, :math:`\sum_k c_k \log A_k`
        (one or more, every :math:`A_k` proven positive): scaled by the positive common denominator to integer
        coefficients, it is :math:`\log P - \log Q` with :math:`P = \prod_{c_k > 0} A_k^{c_k}` and
        :math:`Q = \prod_{c_k < 0} A_k^{-c_k}`, whose sign is that of :math:`P - Q`, proven as a top goal (the rules
        for products of sums apply there).

        Soundness: :math:`\log` is strictly increasing on the positive reals and P, Q > 0, so
        :math:`\log P - \log Q` and :math:`P - Q` have the same sign (zero together); scaling by a positive number
        keeps the sign. Proves :math:`\log \sum_i e^{2 x_i} \le 2 \log \sum_i e^{x_i}` (:math:`S_2 \le S_1^2`,
        unknown before: the double sum rule sees whole sums on the top goal only) and, with one logarithm,
        :math:`\log((a + b)^2/(4ab)) \ge 0` (:math:`(a + b)^2/(4ab) - 1`, factored: :math:`(a - b)^2/(4ab)`)."""
        if depth != self.base_depth or not expr.has(sp.log):
            return False
        logs: list[tuple[sp.Rational, Expr]] = []
        for term in sp.Add.make_args(expr):
            coefficient, rest = term.as_coeff_Mul()
            if not (isinstance(coefficient, sp.Rational) and isinstance(rest, sp.log)):
                return False
            logs.append((coefficient, rest.args[0]))
        if not logs or not all(self._child()._prove(a, True, depth + 1) for _, a in logs):
            return False
        scale = sp.ilcm(1, 1, *(c.q for c, _ in logs))
        above = sp.Mul(*(a ** (c * scale) for c, a in logs if c > 0))
        below = sp.Mul(*(a ** (-c * scale) for c, a in logs if c < 0))
        gap = above - below  # a top goal again (with one logarithm fewer in each A_k's nesting): the top-goal rules apply
        why = (f"a combination of logarithms of positive quantities: ${sp.latex(above)}$ compared with "
               f"${sp.latex(below)}$ (log is increasing)")
        return self._by(gap, expr, strict, depth, why, top=True) or \
            (not gap.has(Sum) and self._by(factor_bounded(gap), expr, strict, depth, why, top=True))

    def _rule_expand_log(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Expand logarithms: :math:`\log(u^p) = p\log u`, :math:`\log(uv) = \log u + \log v`.

        Side conditions: every base and factor is proven :math:`> 0` first (the identities
        hold for positive reals, real exponents); the rewritten expression is then proven.
        """
        repl: dict[Basic, Basic] = {}
        for lg in sorted(expr.atoms(sp.log), key=sp.default_sort_key):
            u = lg.args[0]
            if u.is_number or not (u.is_Pow or u.is_Mul):
                continue
            if u.is_Pow and not (u.exp.is_Integer and u.exp < 0 and u.base.is_Integer):
                if self._prove(u.base, True, depth + 1):
                    repl[lg] = u.exp * sp.log(u.base)
            elif u.is_Mul:
                factors = [f for f in u.args if not f.is_number]
                numbers = [f for f in u.args if f.is_number]
                if all(self._prove(f, True, depth + 1) for f in factors) and \
                        all(certified_sign(f) == 1 for f in numbers):
                    repl[lg] = sp.Add(*[sp.log(f) for f in u.args])
        if not repl:
            return False
        rewritten = sp.expand(expr.xreplace(repl))
        if rewritten == expr:
            return False
        return self._by(rewritten, expr, strict, depth, "logarithms of positive products and powers expanded")

    def _top_scalar_goal(self, expr: Expr, depth: int) -> bool:
        """The top goal, of scalars only (no sum, no vector entry): the goal whose variables the next three rules
        rewrite (set to 0, scaled, generalised), each rewritten goal a top goal again."""
        return depth == self.base_depth and not expr.has(Sum) and not expr.atoms(sp.Indexed)

    def _rule_free_of(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""A top goal that does not depend on one of its real variables v of no stated sign:
        :math:`\partial f/\partial v` simplifies to 0 and f is continuous in v on the whole real line (SymPy's check,
        the other variables as parameters), so f is the same for every v; the goal is proven at v = 0 (a top goal
        again, with one variable fewer).

        Soundness: a function continuous on the reals whose derivative is 0 wherever it exists (here: everywhere, the
        derivative being the expression 0) is constant, by the mean value theorem; so f >= 0 (> 0) for every v iff
        at v = 0. Proves :math:`\log(e^b + e^{t + b}) - b - t - e^{-t}/2 \ge 0` (the case a = b + t of
        :math:`\mathrm{LSE}(a, b) - \max(a, b) \ge e^{-|a - b|}/2`), where b cancels but the rules saw two variables."""
        if not self._top_scalar_goal(expr, depth):
            return False
        for v in sorted(filter(_unsigned_real, expr.free_symbols), key=str):
            if _constant_along(expr, v):
                at_zero = expr.xreplace({v: sp.Integer(0)})  # a top goal again, one variable fewer
                return self._by(at_zero, expr, strict, depth, f"its derivative in ${sp.latex(v)}$ is 0 on the whole real "
                                                              f"line: its value at ${sp.latex(v)} = 0$", top=True)
        return False

    def _rule_shift(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""A top goal in two real variables a, b of no stated sign (its other variables, if any, of stated sign) that
        moving them together leaves unchanged, :math:`f(a + t, b + t, \ldots) = f(a, b, \ldots)` (softmax and LSE minus
        a mean depend on differences only): its value at b = 0, a top goal again with one variable fewer (for the
        one-variable calculus, or the scaling by a temperature).

        Soundness: :math:`g(t) = f(a + t, b + t, \ldots)` is constant in t (:func:`_constant_along`: its derivative
        simplifies to 0 and it is continuous on the real line, the other variables as parameters), so
        :math:`f(a, b, \ldots) = g(-b) = f(a - b, 0, \ldots)`. Neither variable has a sign, so a - b ranges over the
        reals as a does: the goal at b = 0 for every a is the goal everywhere. The test is the derivative, not the form:
        :math:`\log(e^{b + s} + e^b)` keeps b until a logarithm is expanded, and the earlier test by substitution and
        simplification (a = b + s, b must disappear) missed :math:`\mathrm{LSE}(a, b) \le \log 2 + (a + b)/2 +
        (a - b)^2/8` (the quadratic bound of softplus at b = 0; unknown before).

        Where: the top goal only, before the rules that split it, within SHIFT_APPLICATIONS rule applications. Not on
        sub-goals: tried on each of them (as the earlier test was, last) it cost 0.2-1.5 s on a third of the proofs
        of tests/test_check.py and proved nothing there or in the catalogue. Not with more unsigned variables: the
        4-variable :math:`|\mathrm{LSE}(a, b) - \mathrm{LSE}(c, d)| \le \max(|a - c|, |b - d|)` (shift invariant in
        all four) spent the time in which the splitting rules prove it (9 s before, 20 s with it)."""
        if not self._top_scalar_goal(expr, depth):
            return False
        free = sorted(filter(_unsigned_real, expr.free_symbols), key=str)
        if len(free) != 2 or not _shift_invariant(expr, *free):
            return False
        a, b = free
        at_zero = expr.xreplace({b: sp.Integer(0)})  # a top goal again
        if not self.within(SHIFT_APPLICATIONS, lambda probe: probe._prove(at_zero, strict, depth)):
            return False
        self._note(expr, strict, f"unchanged when ${sp.latex(a)}$ and ${sp.latex(b)}$ move together: its value at "
                                 f"${sp.latex(b)} = 0$")
        return True

    def _rule_recentre(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""A top goal in one real variable x of no stated sign whose exponentials are centred at one point away from
        0, :math:`e^{c x + k}` with rational :math:`c \ne 0`, :math:`k \ne 0` and the same :math:`-k/c` for all: the goal in
        :math:`u = x + k/c`, a top goal again, where the split at 0 of the one-variable calculus (:meth:`_halves`) meets
        the centre. With two centres there is none to prefer, and moving to one would move the other away (measured:
        :math:`e^{x - 5} + e^{x + 3} + x^2 \ge 1/2` went back and forth for 25 s, unknown as before).

        Soundness: :math:`x \mapsto x + k/c` is a bijection of the reals (x has no sign to keep), so the goal holds for
        every x iff it holds for every u. Proves :math:`\log(e^{a - 5} + 1) \le \log 2 + (a - 5)/2 + (a - 5)^2/8`
        (the softplus bound at 0 moved to 5, and so the shift-invariant :math:`\mathrm{LSE}(a - 5, b)` bound), unknown
        before."""
        if not self._top_scalar_goal(expr, depth) or len(expr.free_symbols) != 1:
            return False
        (x,) = expr.free_symbols
        if not _unsigned_real(x):
            return False
        centres = set()
        for power in (p for p in expr.atoms(sp.exp) if p.has(x)):
            offset, linear = power.args[0].as_independent(x, as_Add=True)
            slope = sp.simplify(linear / x)
            if not (offset.is_Rational and slope.is_Rational and slope != 0):
                return False
            centres.add(-offset / slope)
        if len(centres) != 1 or centres == {0}:  # one centre, shared by every exponential: moved once, never back
            return False
        u, centre = sp.Dummy(x.name, real=True), centres.pop()
        return self._by(expr.xreplace({x: u + centre}), expr, strict, depth,
                        f"with ${sp.latex(x)} = {sp.latex(u + centre)}$, ${sp.latex(u)}$ real", top=True)

    def _rule_scaled_variable(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""A top goal in which a real variable x occurs scaled by a positive variable T only (x/T, a temperature, or
        xT, an inverse temperature): with :math:`x = uT` (or :math:`u/T`) the goal is :math:`F \cdot R(u)` after its
        common factors are taken out, F free of u and proven positive, R free of T; R is proven as a top goal again,
        with one variable fewer.

        Soundness: T > 0 (its assumption), so for each T the maps :math:`u \mapsto uT` and :math:`u \mapsto u/T` are
        bijections of x's domain (the reals, or a half-line or the nonzero reals of its stated sign, each a cone; no
        integer or rational x) onto itself, and u takes x's assumptions: f >= 0 for every x iff for every u. F > 0 and
        R >= 0 (> 0) give :math:`F R \ge 0` (> 0). Proves :math:`\sigma(x/T)(1 - \sigma(x/T)) \le 1/4` and
        :math:`\partial_x \sigma(x/T) \le 1/(4T)`, unknown before (the one-variable calculus needs the goal in one variable)."""
        if not self._top_scalar_goal(expr, depth):
            return False
        symbols = sorted((v for v in expr.free_symbols if isinstance(v, sp.Symbol)), key=str)
        for scale in (v for v in symbols if v.is_positive):
            cone = (v for v in symbols if v != scale and v.is_real and not (v.is_integer or v.is_rational))  # signs only
            for x, power in product(cone, (1, -1)):
                u = sp.Dummy(f"{x.name}_{scale.name}", **x.assumptions0)
                factor, rest = sp.factor_terms(expr.xreplace({x: u * scale**power})).as_independent(u, as_Add=False)
                if scale in rest.free_symbols or not rest.has(u) or rest == expr:
                    continue
                if not (factor == 1 or self._child()._prove(factor, True, depth + 1)):
                    continue
                why = f"with ${sp.latex(x)} = {sp.latex(u * scale**power)}$ (${sp.latex(scale)} > 0$)" + (
                    f", divided by ${sp.latex(factor)} > 0$" if factor != 1 else "")
                if self._by(rest, expr, strict, depth, why, top=True):
                    return True
        return False

    def _rule_generalise_combination(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""A top goal in which some variables occur only through one combination w of several of them (a product xy,
        a sum a + b), or one variable only through an even power of it (:math:`x^2`): w is replaced by a fresh real u
        with the signs SymPy derives for w (:math:`u \ge 0` for a square), and the goal, in fewer variables or free of
        that variable, is proven as a top goal for every such u.

        Soundness: a sufficient condition, no bijection needed: for every admissible value of the variables, w is
        one real number with the signs derived for it (each of SymPy's implications is sound), and the goal at
        that point is the new goal at u = w (``subs`` replaces equals by equals). Proves :math:`e^{xy} \ge 1 + xy`
        (:math:`e^u \ge 1 + u`) and :math:`xy\,\sigma(xy) \ge -0.28`, unknown before, and :math:`e^{-x^2} \le
        1/(1 + x^2)` (:math:`e^{-u} \le 1/(1 + u)` for u >= 0; unknown after 120 s before: the critical points of the
        goal in x are the roots of a transcendental equation)."""
        if not self._top_scalar_goal(expr, depth):
            return False
        count = len(expr.free_symbols)
        seen: set[Expr] = set()
        for w in (part for sub in sp.preorder_traversal(expr) for part in _combinations(sub)):
            if w in seen or (len(w.free_symbols) < 2 and _even_power_base(w) is None) or not w.is_real:
                continue
            seen.add(w)
            if self._through_new_variable(expr, w, count, strict, depth):
                return True
        return False

    def _through_new_variable(self, expr: Expr, w: Expr, count: int, strict: bool, depth: int) -> bool:
        """The step of :meth:`_rule_generalise_combination` (its soundness argument) for one w: w replaced by a fresh
        real u with the signs SymPy derives for w, the new goal proven as a top goal; no step where u does not take w's
        place (an even power of x: x remains; a combination: no fewer of ``count`` variables)."""
        signs = {k: True for k in ("positive", "negative", "nonnegative", "nonpositive", "nonzero") if getattr(w, f"is_{k}")}
        u = sp.Dummy("u", real=True, **signs)
        square = _even_power_base(w)
        if square is not None:  # x only through its even powers, each x^(2k) written u^(k/j) for w = x^(2j)
            general = _in_square(expr, square, u, w.exp // 2)
            if general is None:
                return False
        else:
            general = expr.subs(w, u)
            if not general.has(u) or len(general.free_symbols) >= count:
                return False
        return self._by(general, expr, strict, depth, f"holds for every real value of ${sp.latex(w)}$", top=True)

    def _rule_top_from_zero(self, expr: Expr, strict: bool, depth: int) -> bool:
        r""":meth:`_from_zero_in_one` on the top goal, before the rules that split it: their search can spend the
        whole time budget first (the case a < b of :math:`|\sigma(a) - \sigma(b)| \le |a - b|/4`, whose slope in t
        is proved in 0.03 s, was unknown after 20 s). Its soundness is that rule's."""
        return depth == self.base_depth and self._from_zero_in_one(expr, strict, depth)

    def _rule_from_zero_in_one(self, expr: Expr, strict: bool, depth: int) -> bool:
        """:meth:`_from_zero_in_one` below the top goal (the top goal had it first, :meth:`_rule_top_from_zero`)."""
        return depth > self.base_depth and self._from_zero_in_one(expr, strict, depth)

    def _from_zero_in_one(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Several variables, one of them :math:`t \ge 0`: :math:`f|_{t=0} \ge 0` and :math:`\partial f/\partial t \ge 0`
        for t > 0, each proven for every value of the others, give :math:`f \ge 0` (the one-variable (b) of
        :meth:`_rule_calculus` with the other variables as parameters).

        Soundness: for every value of the other variables, :math:`g(t) = f(t, \ldots)` is continuous on
        :math:`[0, \infty)` (SymPy's continuity check in t, the others as parameters; with sums or vector entries, which
        that check cannot read, :func:`_smooth_in`) and :math:`g' \ge 0` on
        :math:`(0, \infty)`, so :math:`g(t) \ge g(0)` by the mean value theorem. Strict: :math:`g(0) > 0`, or
        :math:`g' > 0` inside and t > 0 stated. Proves :math:`\sigma(a + t) - \sigma(a) \le t/4` for t >= 0: the value
        at t = 0 is 0 and the slope :math:`1/4 - \sigma'(a + t)` is a square over a square once its exponentials are
        variables, and with it the Lipschitz bound :math:`|\sigma(a) - \sigma(b)| \le |a - b|/4` (its case a < b, written
        a = b - t, by the slope :math:`1/4 - \sigma'(b - t)`)."""
        if depth > self.base_depth + 2 or depth >= self.depth_limit - 3:
            return False
        vectors = expr.has(Sum) or bool(expr.atoms(sp.Indexed))
        free = sorted(expr.free_symbols, key=str)
        if (len(free) < 2 and not vectors) or not all(s.is_real for s in free):
            return False
        # a scalar only: an entry x[k] is also a term x[i] of a sum over i, which its derivative would not see, and a
        # vector's name (the label of its entries) is no variable
        labels = {entry.base.label for entry in expr.atoms(sp.Indexed)}
        for t in free:
            if not isinstance(t, sp.Symbol) or not t.is_nonnegative or t.is_integer or t in labels or t in bound_variables(expr):
                continue
            if not (_smooth_in(expr, t) if vectors else continuous_on(expr, t, sp.Interval(0, sp.oo))):
                continue
            start = sp.simplify(expr.xreplace({t: sp.Integer(0)}))
            inside = sp.Dummy(t.name, positive=True)
            slope = sp.simplify(sp.diff(expr, t).xreplace({t: inside}))
            def attempt(probe: RewriteRules, start: Expr = start, slope: Expr = slope, positive: bool = bool(t.is_positive)) -> bool:
                if not strict:
                    return probe._prove(start, False, depth + 1) and probe._prove(slope, False, depth + 1)
                if positive:
                    return probe._prove(start, False, depth + 1) and (probe._prove(slope, True, depth + 1) or (
                        probe._prove(start, True, depth + 1) and probe._prove(slope, False, depth + 1)))
                return probe._prove(start, True, depth + 1) and probe._prove(slope, False, depth + 1)

            if self.within(FROM_ZERO_APPLICATIONS, attempt):
                self._note(expr, strict, f"its value at ${sp.latex(t)} = 0$ and its slope in ${sp.latex(t)} \\ge 0$, "
                                         "for every value of the other variables (mean value theorem)")
                return True
        return False

    def _rule_piecewise(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""A ``Piecewise`` of the goal whose first condition compares reals and holds no index of the goal's own sums (a
        term of a sum, the summand under its range: ReLU, a stable form by cases): the goal proven on each piece that
        numeric thresholds of one variable cut (:func:`~softproof.derive.piecewise_cases.interval_cases`), else in each
        case of the first condition (:func:`~softproof.derive.piecewise_cases.piecewise_cases`; each argued there); where the condition's
        gap solves for no variable, with the branch that a proven sign of the gap picks (the Piecewise equals it at
        every point). Not on the top goal: ``check`` splits its Piecewise first, each case with a budget of its own."""
        if depth <= self.base_depth or not expr.has(sp.Piecewise):
            return False
        bound = bound_variables(expr)
        for piecewise in sorted(expr.atoms(sp.Piecewise), key=sp.default_sort_key):
            if not compares_reals(piecewise.args[0][1]) or piecewise.free_symbols & bound:
                continue
            mark = len(self.steps)
            cases = interval_cases(expr, piecewise, bound) or piecewise_cases(expr, piecewise, bound)
            if cases is not None:
                if all(self._prove(case, strict, depth + 1) for _, case in cases):
                    self._note(expr, strict, "in each case of " + ", ".join(f"${label}$" for label, _ in cases))
                    return True
                del self.steps[mark:]
                return False
            value, condition, otherwise = first_branch(piecewise)
            gap, strict_condition = condition_gap(condition) or (sp.Integer(0), False)
            for picked, sign, needs_strict in ((value, 1, strict_condition), (otherwise, -1, not strict_condition)):
                if self._prove(sign * gap, needs_strict, depth + 1) and self._prove(expr.xreplace({piecewise: picked}), strict, depth + 1):
                    self._note(expr, strict, f"the condition of ${sp.latex(piecewise)}$ has a proven sign")
                    return True
                del self.steps[mark:]
            return False
        return False

    def _rule_hyperbolic(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""tanh, sinh and cosh written with exponentials, their definitions (:math:`\tanh u = (e^u - e^{-u})/(e^u +
        e^{-u})`, :math:`\sinh u = (e^u - e^{-u})/2`, :math:`\cosh u = (e^u + e^{-u})/2`): the same value at every point,
        where the exp rules apply (tanh increasing: :math:`\tanh(b + t) - \tanh b \ge 0` for :math:`t \ge 0`)."""
        written = as_exponentials(expr)
        if written is expr:
            return False
        if self._prove(written, strict, depth + 1):
            self._note(expr, strict, "tanh, sinh, cosh by their definitions in exponentials")
            return True
        return False

    def _rule_linear_factor(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""A product :math:`u\,w \ge 0` (an Add is factored first) whose factor u is linear in a real variable v, where
        w's sign is not fixed but follows u's: :math:`(a - b)(e^a - e^b)`, the pair term of Chebyshev's sum inequality,
        :math:`(x - 1)\log x`. The goal :math:`W = ` ``Piecewise((w, u >= 0), (-w, True))`` :math:`\ge 0` is proven
        instead, on the pieces of v's range that the threshold of u cuts where u has rational coefficients and v is the
        only variable in it (:func:`~softproof.derive.piecewise_cases.interval_cases`), else on the two cases of u's sign
        with v of no stated sign solved for (:func:`~softproof.derive.piecewise_cases.piecewise_cases`).

        A sum is tried first as :math:`u \sum_t t/u` for each factor u that all its terms have as written
        (:func:`_shared_factors`: :math:`(a - b)^2/4 - (a - b)(\sigma(a) - \sigma(b))` gives
        :math:`w = (a - b)/4 - \sigma(a) + \sigma(b)`, whose case a = b + t is proved by its value at t = 0 and its
        slope, :meth:`_from_zero_in_one`, tried first), then factored by SymPy (one rational function of the
        exponentials, whose sign is harder to find).

        Soundness: :math:`u w = |u| W` at every point (u >= 0: :math:`|u| w`; u < 0: :math:`-|u| w = |u| (-w)`), so
        :math:`W \ge 0` everywhere gives :math:`u w \ge 0`; the cases are argued where they are made. Non-strict only
        (the product is 0 where u is). Tried where the product rule failed (a factor of fixed sign is its job), within
        four levels of the top goal (an Add factored within two), without sums (a double sum's pair term has none), with at most :data:`LINEAR_FACTOR_APPLICATIONS` rule
        applications: each goal met would spend them (Gibbs' inequality over n terms went unknown)."""
        if strict or not (expr.is_Mul or expr.is_Add) or expr.has(Sum) or depth > self.base_depth + 4:
            return False
        if expr.is_Add and (depth > self.base_depth + 2 or sp.count_ops(expr) > 60):
            return False
        bound = bound_variables(expr)
        mark = len(self.steps)
        for u, rest in islice(_linear_factor_candidates(expr), 3):
            if not any(u.is_polynomial(v) and sp.degree(u, v) == 1 and rest.has(v) for v in real_variables(u)):
                continue  # not linear, or the other factors do not move with u: their sign is fixed (the product rule's)
            w = sp.Piecewise((rest, sp.GreaterThan(u, 0)), (-rest, True))
            cases = interval_cases(w, w, bound) or piecewise_cases(w, w, bound)
            if cases is None:
                continue

            def each_case(probe: RewriteRules, cases: list[tuple[str, Basic]] = cases) -> bool:
                # a case's variable of one sign (a = b + t, t >= 0) first by its value at t = 0 and its slope, which the
                # rules before that one in the search order could spend the applications on
                return all(probe._from_zero_in_one(case, False, depth + 1) or probe._prove(case, False, depth + 1)
                           for _, case in cases)

            if self.within(LINEAR_FACTOR_APPLICATIONS, each_case):
                self._note(expr, strict, f"the other factors' sign follows ${sp.latex(u)}$'s, in each case of "
                           + ", ".join(f"${label}$" for label, _ in cases))
                return True
            del self.steps[mark:]
        return False

    def _rule_exp_substitute(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Each real variable that occurs only linearly inside exponentials becomes a positive one:
        :math:`e^{c v + r} = u^{cL} e^r` with :math:`u = e^{v/L}` (L the least common denominator of v's
        coefficients), then the expression is one fraction over a common denominator (:func:`_exp_substituted`).

        Soundness: for v of no stated sign, :math:`v \mapsto e^{v/L}` maps the reals onto :math:`(0, \infty)`; for
        v > 0 (>= 0) onto :math:`(1, \infty)` (:math:`[1, \infty)`), written :math:`u = 1 + w` with w > 0 (>= 0); for
        v < 0 (<= 0) onto (0, 1) ((0, 1]), :math:`u = 1/(1 + w)`. No other occurrence of v is left, so the goal for
        every value of the new variables is the goal for every value of the old ones. Two entries x_k, x_m of one
        vector get a variable each: the goal for every pair of values includes the pairs where k = m (a
        generalisation, which only proving may use). Proves sigmoid(x) sigmoid(y) <= sigmoid(x + y): with
        :math:`u = e^{-x}, v = e^{-y}` the gap is :math:`(u + v)/((1 + u)(1 + v)(1 + uv))`.
        """
        if expr.has(Sum) or not expr.has(sp.exp) or depth > self.base_depth + 3:
            return False
        substituted = _exp_substituted(expr)
        if substituted is None or substituted == expr:
            return False
        return self._by(substituted, expr, strict, depth, "every exponential of a variable written as a positive "
                        "variable ($e^{v/L} = u > 0$, the range of u restricted by the sign of v)")

    def _rule_rational_in_exponentials(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""The top goal, its sums atomised (:meth:`_rule_atomise`) and its exponentials of variables made positive
        variables (:meth:`_rule_exp_substitute`), decided by SymPy's assumptions on the factored fraction alone.

        Soundness: the two rewritings' arguments, one after the other; no search follows, so the rule is tried
        before the rules that split the goal, whose search can spend the whole budget first: for a softmax entry
        p of a symbolic-length row, :math:`p(1 - p) \le 1/4` is :math:`(S - 2u)^2/(4S^2) \ge 0`."""
        if depth > 0 or not expr.has(sp.exp):  # the top goal only, not a sum's sign below (it would atomise itself)
            return False
        atomised = expr
        if expr.has(Sum):  # the sums' signs within a few applications: a sum of exponentials takes three
            limited = self._limited_child(ATOMISE_APPLICATIONS)
            atomised = limited._atomise_sums(expr, depth)
            self._charge(limited, ATOMISE_APPLICATIONS)
            self.steps.extend(limited.steps)
        substituted = None if atomised.has(Sum) else _exp_substituted(atomised)
        if substituted is None or not self._sympy_says(substituted, strict):
            return False
        self._note(substituted, strict, "sign of every factor/term is known (SymPy assumptions)")
        self._note(expr, strict, "with each sum replaced by a quantity of its proven sign and every exponential of a "
                                 "variable written as a positive variable ($e^{v/L} = u > 0$)")
        return True

    def _rule_double_sum(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""A goal whose numerator (over a denominator proven positive) is made of products of at most two sums over
        one non-empty range: its sign is the sign of the symmetric term of one double sum (:mod:`softproof.derive.
        double_sums`, the identities and their source there), proven for every pair of indices in the range, the two
        entries x_i, x_j of a vector taken as independent (a generalisation, which only proving may use). With the
        diagonal embedding the term holds a delta, and the pairs split into i = j (j replaced by i) and i != j (the
        delta replaced by 0, the inequality forgotten). A positive term for every pair gives a positive double sum:
        the range has a term. Tried on the top goal, where the sums are still whole (atomising them forgets that
        they are sums): proves :math:`\sum_i e^{x_i} \sum_i e^{-x_i} \ge n^2` and
        :math:`\sum_i p_i^2 \ge 1/n` (Cauchy-Schwarz) and :math:`\sum_i p_i^2 \le 1`. A sum nested in another's
        terms is tried as products of sums too (:func:`~softproof.derive.sums.pull_constants`, an equality:
        linearity, a factor free of an index taken out of its sum), so that the Jacobian's quadratic form
        :math:`\sum_i \sum_k v_i v_k p_i (\delta_{ik} - p_k) = \sum_i p_i v_i^2 - (\sum_i p_i v_i)^2` is seen."""
        if depth > 0 or not expr.has(Sum):
            return False
        shapes = [expr]
        if any(s.function.has(Sum) for s in expr.atoms(Sum)):
            shapes.append(pull_constants(expr))
        return any(self._double_sum_shape(shape, expr, strict, depth) for shape in dict.fromkeys(shapes))

    def _double_sum_shape(self, shape: Expr, expr: Expr, strict: bool, depth: int) -> bool:
        """:meth:`_rule_double_sum` on one form ``shape`` of the goal ``expr``."""
        numerator, denominator = sp.fraction(sp.together(shape))
        if numerator == shape or (denominator != 1 and not self._child()._prove(denominator, True, depth + 1)):
            numerator = shape
        for embedding in ("mean", "diagonal"):
            kernel = pair_kernel(numerator, embedding)
            if kernel is None or not self._range_nonempty(kernel.lo, kernel.hi):
                continue
            i, j = kernel.i, kernel.j
            cases = [kernel.symmetric] if embedding == "mean" else [
                kernel.symmetric.xreplace({j: i}), kernel.symmetric.replace(sp.KroneckerDelta, lambda *a: sp.Integer(0))]
            def attempt(limited: RewriteRules, kernel: PairKernel = kernel, cases: list[Expr] = cases) -> bool:
                probe = limited._child((kernel.i, kernel.lo, kernel.hi))._child((kernel.j, kernel.lo, kernel.hi))
                # a square expanded is no square to the assumptions, a product expanded no product: the factored form
                # ((x_i - x_j)^2 / 2, (e^(x_i) - e^(x_j))(x_i - x_j)/2) first, each form with half of the budget left
                def form(f: Expr) -> Callable[[RewriteRules], bool]:
                    return lambda p: p._prove(f, strict, depth + 1)

                shown = all(any(probe.within(max(1, probe.budget[0] // 2), form(f)) for f in dict.fromkeys((factor_bounded(case), case)))
                            for case in cases)
                limited.steps.extend(probe.steps if shown else [])
                return shown

            if self.within(DOUBLE_SUM_APPLICATIONS, attempt):
                self._note(expr, strict, f"one double sum over ${sp.latex(i)}, {sp.latex(j)}$ with a symmetric term "
                                         f"({embedding} embedding), its sign shown for every pair")
                return True
        return False

    def _rule_scale(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Divide by a positive symbol: :math:`e \ge 0 \iff e/s \ge 0` for :math:`s > 0`.

        Soundness: dividing by a positive number keeps the sign.  Tried for each positive
        symbol of ``expr`` (a temperature T, say), on the expanded quotient.
        """
        if not expr.is_Add or depth > self.base_depth + 3:
            return False
        for s in sorted(expr.free_symbols, key=str):
            if not (isinstance(s, sp.Symbol) and s.is_positive):
                continue
            scaled = sp.expand(expr / s)
            if scaled == expr or sp.count_ops(scaled) > 2 * sp.count_ops(expr) + 10:
                continue
            if self._by(scaled, expr, strict, depth, f"divided by ${sp.latex(s)} > 0$"):
                return True
        return False


def _linear_factor_candidates(expr: Expr) -> Iterator[tuple[Expr, Expr]]:
    """(u, w) with ``expr = u w`` for :meth:`RewriteRules._rule_linear_factor`: a product's non-numeric factors; a sum's
    factors shared by its terms as written (:func:`_shared_factors`, w the sum of the terms over u), then the factors of
    the sum factored by SymPy (computed only once those are spent)."""
    if not expr.is_Add:
        yield from ((u, expr / u) for u in expr.args if not u.is_number)
        return
    shared = _shared_factors(expr)  # as written: (a - b)^2/4 - (a - b)(s(a) - s(b)) keeps s's form
    yield from ((u, sp.Add(*(term / u for term in expr.args))) for u in shared)
    factored = factor_bounded(expr)
    if factored.is_Mul:
        yield from ((u, factored / u) for u in factored.args if not u.is_number and u not in shared)


def _shared_factors(expr: Expr) -> list[Expr]:
    """The non-numeric factors common to every term of the sum ``expr``, each to a positive integer power in every term
    (``a - b`` of ``(a - b)^2/4 - (a - b) w``), in the first term's order: for each such u, ``expr = u * sum(t/u)``
    exactly, the quotients cancelling one power of u symbolically (defined wherever the terms are, u = 0 included)."""
    def factors(term: Expr) -> set[Expr]:
        out: set[Expr] = set()
        for f in sp.Mul.make_args(term):
            base, exponent = f.as_base_exp()
            if not base.is_number and exponent.is_Integer and exponent > 0:
                out.add(base)
        return out
    terms = sp.Add.make_args(expr)
    common = set.intersection(*(factors(t) for t in terms))
    return [u for u in (f.as_base_exp()[0] for f in sp.Mul.make_args(terms[0])) if u in common]


def _combinations(sub: Basic) -> tuple[Expr, ...]:
    """The candidates for :meth:`RewriteRules._rule_generalise_combination` that a sub-expression offers: a sum or a
    product itself, and of a product its part without the numeric coefficient and the product of its symbols (-xy
    inside exp(-xy) offers xy, which x y sigmoid(x y) is written with); an even power of a real symbol itself."""
    if _even_power_base(sub) is not None:
        return (sub,)
    if isinstance(sub, sp.Add):
        return (sub,)
    if not isinstance(sub, sp.Mul):
        return ()
    return (sub, sub.as_coeff_Mul()[1], sp.Mul(*(f for f in sub.args if isinstance(f, sp.Symbol))))


def _in_square(expr: Expr, x: sp.Symbol, u: sp.Dummy, half: int = 1) -> Expr | None:
    r"""``expr`` with each power :math:`x^{2k}` (k a nonzero integer, a multiple of ``half``) written :math:`u^{k/half}`,
    a structural replacement (``subs`` would write a nonnegative x itself as :math:`\sqrt{u}`); None where x remains or
    no power was replaced."""
    def even(e: Basic) -> bool:
        return isinstance(e, sp.Pow) and e.base == x and e.exp.is_Integer and e.exp % (2 * half) == 0

    out = expr.replace(even, lambda e: u ** (e.exp // (2 * half)))
    return None if out.has(x) or not out.has(u) else out


def _even_power_base(w: Basic) -> sp.Symbol | None:
    """x for :math:`x^{2k}` (a real symbol, k a positive integer), else None."""
    if isinstance(w, sp.Pow) and isinstance(w.base, sp.Symbol) and w.base.is_real and w.exp.is_Integer and w.exp > 0 and w.exp.is_even:
        return w.base
    return None


def _exp_variables(expr: Expr) -> dict[Expr, sp.Integer]:
    """The real, non-integer symbols and vector entries of ``expr`` that occur only inside exponentials, each
    argument linear in them with rational coefficients, mapped to the least common denominator of those."""
    exps = expr.atoms(sp.exp)
    outside = expr.xreplace({e: sp.Dummy() for e in exps})
    labels = {entry.base.label for entry in expr.atoms(sp.Indexed)}
    candidates = [v for v in sorted(expr.atoms(sp.Symbol, sp.Indexed), key=sp.default_sort_key)
                  if v not in labels and v.is_real and not v.is_integer and not outside.has(v)]
    found: dict[Expr, sp.Integer] = {}
    for v in candidates:
        denominator = sp.Integer(1)
        for e in exps:
            argument = sp.expand(e.args[0])
            if not argument.has(v):
                continue
            c = sp.diff(argument, v)
            if not c.is_Rational or sp.expand(argument - c * v).has(v):
                break
            denominator = sp.ilcm(denominator, c.q)
        else:
            found[v] = sp.Integer(denominator)
    return found


def _exp_substituted(expr: Expr) -> Expr | None:
    """``expr`` with the variables of :func:`_exp_variables` replaced as :meth:`RewriteRules._rule_exp_substitute`
    argues, gathered over one denominator and factored; None where there is no such variable or the fraction grows
    past four times the expression's size."""
    found = _exp_variables(expr)
    if not found:
        return None
    base: dict[Expr, Expr] = {}
    for v in sorted(found, key=sp.default_sort_key):
        # named after the variable, so that the proof's steps tell the new variables apart (u_a, u_x2, w_b)
        name = v.name if isinstance(v, sp.Symbol) else f"{v.base.label}{''.join(map(str, v.indices))}"
        if v.is_nonnegative or v.is_nonpositive:
            w = sp.Dummy(f"w_{name}", positive=True) if (v.is_positive or v.is_negative) else sp.Dummy(f"w_{name}", nonnegative=True)
            base[v] = 1 + w if v.is_nonnegative else 1 / (1 + w)
        else:
            base[v] = sp.Dummy(f"u_{name}", positive=True)
    repl: dict[Expr, Expr] = {}
    for e in sorted(expr.atoms(sp.exp), key=sp.default_sort_key):
        argument = sp.expand(e.args[0])
        inside = [v for v in found if argument.has(v)]
        if not inside:
            continue
        rest = argument
        power = sp.Integer(1)
        for v in inside:
            c = sp.diff(argument, v)
            rest -= c * v
            power *= base[v] ** (c * found[v])
        repl[e] = sp.exp(sp.expand(rest)) * power
    # the outermost exponentials are replaced (xreplace does not look inside a node it replaces); an inner one is
    # in a ``rest`` then, which holds none of the variables
    rewritten = expr.xreplace(repl)
    if any(rewritten.has(v) for v in found):
        return None
    fraction = factor_bounded(sp.together(rewritten))
    if sp.count_ops(fraction) > 4 * sp.count_ops(expr) + 20:
        return None
    return fraction


def _numeric_parts(expr: Expr) -> list[Expr]:
    """The maximal numeric sub-expressions of ``expr`` other than rationals (exp(2), 1 - e^(10^-300))."""
    if expr.is_number:
        return [] if expr.is_Rational else [expr]
    return [part for arg in expr.args if isinstance(arg, Expr) for part in _numeric_parts(arg)]


def _sympy_signs_its_constants(expr: Expr, x: sp.Symbol) -> bool:
    r"""Whether SymPy's assumptions give every constant of ``expr`` and of its derivative in x the sign an Arb
    enclosure certifies. SymPy's ``minimum`` and ``limit`` read a constant's sign from those assumptions and treat an
    undecided one as if it had either sign: :math:`u (1 - e^{c})` with :math:`c = 10^{-300}` has the minimum 0 over
    u > 0 and the limit +oo at oo by SymPy, where it decreases to -oo (which once proved
    :math:`\log(1 + e^x) - x \ge 10^{-300}`, caught by the cross-examination). The calculus rules use SymPy only
    where this holds."""
    try:
        slope = sp.diff(expr, x)
    except (ValueError, TypeError):
        return False
    for constant in _numeric_parts(expr) + _numeric_parts(slope):
        says = 1 if constant.is_positive else -1 if constant.is_negative else 0 if constant.is_zero else None
        if says is None or says != certified_sign(constant, exact_zero=says == 0):
            return False
    return True
