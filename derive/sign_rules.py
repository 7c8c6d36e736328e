r"""The sign prover's algebraic rules, each with its soundness argument as its docstring.

Sums of non-negative terms, products and quotients of signed factors, a term dominated by a sum
it belongs to, monotone pairs (:math:`e^a - e^b`, :math:`\log A - \log B`) and the difference of
two sums over one range.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import sympy as sp
from sympy import Expr, Sum

from .sign_prover import SignProverBase, certified_sign, exponent_of, factor_bounded, split_sum_term
from .sums import canonical_sums, pull_constants

__all__ = ["AlgebraRules"]


def _log_terms(expr: Expr, one_term: bool = False) -> tuple[list[Expr], list[tuple[Expr, Expr]]] | None:
    """A sum's terms without a logarithm, and each other term as (c, R) for c log R (c the factor free of that log);
    None unless ``expr`` is a sum (or with ``one_term`` a single term) whose every term with a logarithm has that shape."""
    if not expr.is_Add and not one_term:
        return None
    rest: list[Expr] = []
    logs: list[tuple[Expr, Expr]] = []
    for term in sp.Add.make_args(expr):
        if not term.has(sp.log):
            rest.append(term)
            continue
        factor, core = term.as_independent(sp.log, as_Add=False)
        if not isinstance(core, sp.log):
            return None
        logs.append((factor, core.args[0]))
    return rest, logs


class AlgebraRules(SignProverBase):
    """Rules on the shape of the goal: sums, products, quotients and sums of terms."""

    def _rule_sum(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Sum rule: :math:`\sum_{i=a}^{b} f_i \ge 0` if every :math:`f_i \ge 0` and :math:`b - a + 1 \ge 0`.

        Side conditions: a flattened nested sum :math:`\sum_i \sum_c f_{ic}` is the sum over its outer index i of the
        inner sum (its term :math:`\sum_c f_{ic}`, proven for each i in its range); the term count is
        proven non-negative from sizes (:meth:`_least_count`), since under Karr's convention a
        range with :math:`b < a - 1` is *minus* the sum over :math:`b+1..a-1`; strict positivity
        needs every term :math:`> 0` and a count :math:`\ge 1`.  The term is proven for its index as an
        integer with :math:`a \le i \le b` (the only terms the sum has, the range not reversed), which a
        sum in the term may use (``index_ranges``: :math:`\sum_j e^{x_j} \ge e^{x_i}`); that proof gets its own
        memo, so that nothing shown under the range is reused where the index is unconstrained. A rational multiple
        of a sum is the sum of the multiples (-sum_i log p_i >= 0 term by term).
        """
        coefficient, rest = expr.as_coeff_Mul()
        if coefficient.is_Rational and coefficient != 1 and isinstance(rest, Sum) and len(rest.limits) == 1:
            expr = Sum(coefficient * rest.function, rest.limits[0])  # c sum f = sum c f: linearity (Karr's too)
        view = _outer_sum(expr) if isinstance(expr, Sum) else None
        if view is None:
            return False
        _, var, lo, hi, function = view
        # SymPy follows Karr's convention: a sum with hi < lo - 1 is minus a sum, so the
        # range must have a non-negative number of terms (non-empty for strict positivity)
        if not self._range_size_nonnegative(lo, hi):
            return False
        if strict and not self._range_nonempty(lo, hi):
            return False
        ranged = self._child((var, lo, hi))
        if ranged._prove(function, strict, depth + 1):
            self.steps.extend(ranged.steps)
            why = "sum rule: every term is " + ("positive and the range is non-empty" if strict else "non-negative")
            self._note(expr, strict, why)
            return True
        return False

    def _rule_mul(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Product rule: an even number of certified-negative numeric factors and every other factor
        :math:`\ge 0` (:math:`> 0` for a strict claim) give a product :math:`\ge 0` (:math:`> 0`); an
        exactly-zero factor gives 0.  A numeric factor whose sign no enclosure certifies fails the rule."""
        if not expr.is_Mul:
            return False
        # side condition: every numeric factor has a certified sign (Arb), never an assumed one
        numbers = [certified_sign(f) for f in expr.args if f.is_number]
        if None in numbers or (0 in numbers and strict):
            return False
        if 0 in numbers:
            self._note(expr, strict, "a factor is exactly 0")
            return True
        if numbers.count(-1) % 2:
            return False
        for f in expr.args:
            if f.is_number:
                continue
            if not self._prove(f, strict, depth + 1):
                return False
        self._note(expr, strict, "product of factors of known sign")
        return True

    def _rule_quotient(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Quotient rule: :math:`N/D` has the sign of :math:`N` when :math:`D > 0` is proven
        (``together`` and ``fraction`` are identities where :math:`D \ne 0`, which :math:`D > 0` gives)."""
        num, den = sp.fraction(sp.together(expr))
        if den == 1:
            return False
        if self._prove(den, True, depth + 1) and self._prove(num, strict, depth + 1):
            self._note(expr, strict, "quotient with positive denominator")
            return True
        return False

    def _rule_add(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Sums of terms: (a) every term :math:`\ge 0` (one :math:`> 0` for strict); (b) a monotone pair;
        (c) a logarithm against the rest; (d) sums over one range compared termwise; (e) termwise
        domination; (f) a term of a sum against the sum.  Each sub-rule documents its own argument."""
        if not expr.is_Add:
            return False
        terms = list(expr.args)
        # (b) first, with half of the budget, where the two terms are e^a and -e^b (1 is e^0): (a) would spend the
        # whole budget on -e^b >= 0, which never holds (1 - e^(sum_i log p_i))
        exponential = [pair for pair in ((terms[0], -terms[-1]), (terms[-1], -terms[0])) if len(terms) == 2 and
                       all(isinstance(t, sp.exp) or t == 1 for t in pair) and any(isinstance(t, sp.exp) for t in pair)]
        if exponential and self.within(max(1, self.budget[0] // 2),
                                        lambda probe: probe._monotone_pair(*exponential[0], strict, depth)):
            return True
        # (a) every term separately
        mark = len(self.steps)
        if all(self._prove(t, False, depth + 1) for t in terms) and (
            not strict or any(self._prove(t, True, depth + 1) for t in terms)
        ):
            self._note(expr, strict, "sum of terms of known sign")
            return True
        del self.steps[mark:]
        # (b) a positive term against a negative one of the same monotone kind
        if len(terms) == 2:
            a, b = terms
            for pos, neg in ((a, -b), (b, -a)):
                if self._monotone_pair(pos, neg, strict, depth):
                    return True
        # (g) terms over a common denominator that holds a sum (E_p[x] = sum_i e^(x_i) x_i / S against log S): the
        # quotient rule now, before the searches of (c)-(f) spend the budget (the argument: _rule_quotient's)
        if sp.fraction(sp.together(expr))[1].has(Sum) and self._rule_quotient(expr, strict, depth):
            return True
        # (h) sums of one summand over ranges that share an end: their difference is one sum over the rest
        if self._nested_ranges(expr, strict, depth):
            return True
        # (d) sums over equal ranges compared termwise, where every term is a sum (nothing to spread over the terms):
        # before (c), whose search is long (S_j log S_k - sum_i e^(x_i) x_i: the budget was spent before (d))
        if self._sum_difference(expr, strict, depth, spread=False):
            return True
        # (c) a logarithm against the remaining terms: log A >= r  <=>  A >= e^r
        if self._log_against_rest(expr, strict, depth):
            return True
        # (e) every negative term dominated by its own positive term
        if self._dominated(expr, strict, depth):
            return True
        # (f) a term of a sum against the whole sum
        if self._term_of_sum(expr, strict, depth):
            return True
        # (d) with the other terms spread over the sums' terms; a size is a sum of ones
        return self._sum_difference(expr, strict, depth)

    def _rule_sqrt(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""A square root against the rest of a sum, :math:`e = c\sqrt{C} + R` with a numeric :math:`c \ne 0`, squared
        away. For :math:`c < 0`: :math:`R \ge 0` and :math:`R^2 - c^2 C \ge 0` give :math:`R \ge |c|\sqrt{C}` (both sides
        :math:`\ge 0`, and the square root is increasing; :math:`C \ge 0` wherever :math:`\sqrt{C}` is real), so
        :math:`e \ge 0`; with :math:`> 0` for the square, :math:`e > 0`. For :math:`c > 0`: :math:`c^2 C - R^2 \ge 0`
        gives :math:`c\sqrt{C} \ge |R| \ge -R`, so :math:`e \ge 0` (strict likewise). The squares are expanded and
        factored before they are proven (identities: :math:`|a|^2 = a^2` for real a; :math:`(a + b)^2/4 - ab = (a - b)^2/4`).
        A product of roots :math:`\sqrt{A}\sqrt{B}` is taken as :math:`\sqrt{AB}` only where :math:`A, B \ge 0` are proven (for
        :math:`A, B < 0` it is :math:`-\sqrt{AB}`)."""
        if not expr.is_Add:
            return False
        expr = sp.Add(*(self._inside_root(t, depth) for t in expr.args))
        roots = [(t, found) for t in sp.Add.make_args(expr) if (found := _sqrt_term(t)) is not None]
        if len(roots) == 2 and (roots[0][1][0] < 0) != (roots[1][1][0] < 0):
            roots = [r for r in roots if r[1][0] < 0]  # the negative root against the rest, the positive one in it
        if len(roots) != 1:
            return False
        term, (c, bases) = roots[0]
        if len(bases) > 1 and not all(self._prove(base, False, depth + 1) for base in bases):
            return False  # sqrt(A) sqrt(B) = sqrt(AB) needs A, B >= 0 (for A, B < 0 it is -sqrt(AB))
        radicand = sp.Mul(*bases)
        rest = sp.Add(*(t for t in sp.Add.make_args(expr) if t is not term))
        if c < 0:
            if not self._prove(rest, False, depth + 1):
                return False
            square = factor_bounded(sp.expand(rest**2 - c**2 * radicand))
            if self._prove(square, strict, depth):  # at this depth: one root fewer (the budget bounds the search)
                self._note(expr, strict, r"a square root against the rest: $R \ge 0$ and $R^2 \ge c^2 C$")
                return True
            return False
        square = factor_bounded(sp.expand(c**2 * radicand - rest**2))
        if self._prove(square, strict, depth):
            self._note(expr, strict, r"a square root against the rest: $c^2 C \ge R^2$, so $c\sqrt{C} \ge |R|$")
            return True
        return False

    def _inside_root(self, term: Expr, depth: int) -> Expr:
        r"""``term`` = :math:`c K \sqrt{B}` (c a number, K the other factors, symbolic) written :math:`c\sqrt{K^2 B}` where
        :math:`K \ge 0` is proven and :math:`-c\sqrt{K^2 B}` where :math:`K \le 0` is (identities: :math:`|K| = \sqrt{K^2}`),
        so that the square-root rule sees one root; else ``term`` unchanged."""
        coefficient, rest = term.as_coeff_Mul()
        factors = sp.Mul.make_args(rest)
        roots = [f for f in factors if isinstance(f, sp.Pow) and f.exp == sp.Rational(1, 2)]
        others = sp.Mul(*(f for f in factors if f not in roots))
        if len(roots) != 1 or others == 1:
            return term
        root = sp.Pow(sp.expand(others**2 * roots[0].base), sp.Rational(1, 2), evaluate=False)  # SymPy would split it again
        if self._prove(others, False, depth + 1):
            return sp.Mul(coefficient, root, evaluate=False)
        if self._prove(-others, False, depth + 1):
            return sp.Mul(-coefficient, root, evaluate=False)
        return term

    def _rule_minimum_term(self, expr: Expr, strict: bool, depth: int) -> bool:
        """:meth:`_rule_extremum` for a min-type term only, tried before the sum and add rules: its replacement is an
        equivalence (nothing lost), and those rules spent the budget on the Max first (log sum e^(x_i) - max(x_1, x_2)
        with the sum to m + 1 took 935 rule applications of the 600 a proof has)."""
        return self._rule_extremum(expr, strict, depth, min_only=True)

    def _rule_extremum(self, expr: Expr, strict: bool, depth: int, min_only: bool = False) -> bool:
        r"""A term :math:`c\,|u|`, :math:`c \max(v_1, .., v_k)` or :math:`c \min(v_1, .., v_k)` (c a nonzero rational,
        or a product of factors of proven strict sign: :meth:`_extremum_factor`) of a sum :math:`R + c F` is the minimum or the maximum of the terms :math:`c\,w_j` over its arguments
        :math:`w_j` (:math:`|u| = \max(u, -u)`; a negative c turns a max into a min).

        Soundness: :math:`R + \min_j c w_j \ge 0 \iff R + c w_j \ge 0` for every j (the minimum is one of them and
        no larger than any), so a min-type term is replaced by each of its arguments and all must be proven;
        :math:`R + \max_j c w_j \ge R + c w_j` for each j, so for a max-type term one proven argument suffices.
        The same holds with :math:`>` throughout.  Min-type terms are taken first (an equivalence loses nothing);
        at most 4 arguments a term; a max-type term only without exp and log (with them one argument rarely serves
        every value, and the failing search cost 10 s on max(a, b) + log 2 - log(e^a + e^b)).  Example:
        :math:`|a| + |b| - |a + b| \ge 0` (the triangle inequality), which a case split cannot reach once every
        variable carries a sign.
        """
        terms = list(sp.Add.make_args(expr))
        candidates: list[tuple[bool, int, list[Expr]]] = []  # (is min-type, position, the c w_j)
        for position, term in enumerate(terms):
            found = self._extremum_factor(term, depth)
            if found is None:
                continue
            coeff, positive, rest = found
            arguments = [rest.args[0], -rest.args[0]] if isinstance(rest, sp.Abs) else list(rest.args)
            if len(arguments) > 4:
                continue
            is_max = isinstance(rest, (sp.Abs, sp.Max))
            candidates.append((is_max != positive, position, [coeff * w for w in arguments]))
        if not candidates or (min_only and not any(c[0] for c in candidates)):
            return False
        is_min, position, choices = sorted(candidates, key=lambda c: not c[0])[0]
        others = sp.Add(*(t for j, t in enumerate(terms) if j != position))
        if is_min:
            mark = len(self.steps)
            if all(self._prove(others + w, strict, depth + 1) or self._prove_simplified(others + w, strict, depth) for w in choices):
                self._note(expr, strict, "a minimum term: the claim holds with each of its arguments in its place")
                return True
            del self.steps[mark:]
            return False
        if expr.has(sp.exp, sp.log):
            return False  # one argument for all values is rare there: a case split (engine.splits.Cases) takes it
        for w in choices:
            mark = len(self.steps)
            if self._prove(others + w, strict, depth + 1):
                self._note(expr, strict, "a maximum term is at least one of its arguments, with which the claim holds")
                return True
            del self.steps[mark:]
        return False

    def _extremum_factor(self, term: Expr, depth: int) -> tuple[Expr, bool, Expr] | None:
        r"""(c, c > 0, F) where ``term`` is c F with F an Abs, Max or Min and c a nonzero rational, or c a product of
        other factors whose sign is proven (strictly: :math:`c \max_j w_j = \max_j c w_j` for c > 0, the min for
        c < 0; e.g. :math:`(e^{a} + e^{b}) \min(e^{a}, e^{b})` once simplify has put the gap over one denominator)."""
        coeff, rest = term.as_coeff_Mul()
        if isinstance(rest, (sp.Abs, sp.Max, sp.Min)):
            return (coeff, bool(coeff > 0), rest) if coeff.is_Rational and coeff != 0 else None
        if not rest.is_Mul:
            return None
        extrema = [f for f in rest.args if isinstance(f, (sp.Abs, sp.Max, sp.Min))]
        if len(extrema) != 1 or not coeff.is_Rational or coeff == 0:
            return None
        factor = coeff * sp.Mul(*(f for f in rest.args if f is not extrema[0]))
        if factor.has(sp.Abs, sp.Max, sp.Min):
            return None
        if self._prove(factor, True, depth + 1):
            return factor, True, extrema[0]
        if self._prove(-factor, True, depth + 1):
            return factor, False, extrema[0]
        return None

    def _prove_simplified(self, expr: Expr, strict: bool, depth: int) -> bool:
        """``expr`` proven after SymPy's ``simplify`` (an identity), where the form as written was not: a goal a rule
        builds by substitution (an argument of a min put in its place) gets the simplification the gap had."""
        try:
            simpler = sp.simplify(expr)
        except StopIteration:  # SymPy's sum_simplify, as in the Sign strategy: nothing shown
            return False
        return simpler != expr and self._prove(simpler, strict, depth + 1)

    def _rule_jensen(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Jensen for exp, by its tangent: a term :math:`K \sum_{i=a}^{b} e^{u_i}` with :math:`K > 0` proven and free
        of i, over a range of :math:`N = b - a + 1 \ge 1` terms (proven), is replaced by its lower bound
        :math:`K N e^{c}` with :math:`c = \frac1N \sum_{i=a}^{b} u_i`; the claim is then proven of the result.

        Soundness: exp is convex, so :math:`e^{y} \ge e^{c}(1 + y - c)` for all real y and c (its tangent at c);
        summing over the N terms, :math:`\sum_i e^{u_i} \ge e^{c}(N + \sum_i u_i - N c) = N e^{c}` for that c (the
        u_i are real: every expression reaching the prover is).  K > 0 keeps the direction, so the new expression
        is at most the old one, and proving it :math:`\ge 0` (:math:`> 0`) proves the claim.  Examples: the smooth
        maximum's lower bound :math:`\log \sum_i e^{x_i} \ge \log n + \frac1n \sum_i x_i`, and the mean of
        :math:`e^{x_i}` at least the exp of the mean.  One term is replaced per application (the first found), and
        only where another sum over the same range occurs (the mean it is compared with); the rule comes before the
        sum rules, whose search would spend the time budget first.
        """
        terms = list(sp.Add.make_args(expr))
        for position, term in enumerate(terms):
            sums = [f for f in sp.Mul.make_args(term) if isinstance(f, Sum) and len(f.limits) == 1 and isinstance(f.function, sp.exp)]
            if len(sums) != 1:
                continue
            total = sums[0]
            index, lo, hi = total.limits[0]
            factor = sp.Mul(*(f for f in sp.Mul.make_args(term) if f is not total))
            if index in factor.free_symbols or not self._range_nonempty(lo, hi):
                continue
            if not any(other != total and other.limits[0][1:] == (lo, hi) for other in expr.atoms(Sum)):
                continue  # tried only against a second sum over the range (the mean's): elsewhere it only costs time
            if not self._positive_factor(factor, depth):
                continue
            count = sp.sympify(hi - lo + 1)
            mean = sp.factor_terms(Sum(sp.expand(total.function.args[0]), (index, lo, hi))) / count  # constants out of the sum
            if self._proved_with(terms, position, factor * count * sp.exp(sp.expand(mean)), expr, strict, depth,
                                 "exp is convex: a sum of exponentials is at least n times the exp of the mean "
                                 "exponent (Jensen, by the tangent at the mean)"):
                return True
        return self._explicit_jensen(terms, expr, strict, depth)

    def _positive_factor(self, factor: Expr, depth: int, strict: bool = True) -> bool:
        """``factor > 0`` (``>= 0`` where not ``strict``): certified for a number, proven otherwise."""
        if factor.is_number:
            return certified_sign(factor, exact_zero=not strict) in ((1,) if strict else (0, 1))
        return self._prove(factor, strict, depth + 1)

    def _proved_with(self, terms: list[Expr], position: int, lower: Expr, expr: Expr, strict: bool, depth: int,
                     why: str) -> bool:
        """The claim proven with ``terms[position]`` replaced by ``lower`` (at most the term: the caller's argument),
        noted with ``why``; the steps of a failed attempt are dropped."""
        bounded = sp.Add(*(t for j, t in enumerate(terms) if j != position)) + lower
        return self._lossy(sp.simplify(bounded), expr, strict, depth, why)

    def _lossy(self, bounded: Expr, expr: Expr, strict: bool, depth: int, why: str) -> bool:
        """``bounded`` (at most ``expr``: the caller's argument) proven with half of the budget left, noted with ``why``.

        A lower bound loses what the claim may need (Jensen's mean against a sum compared term by term: sum_i e^(x_i +
        e^(z_i)) - sum_i e^(x_i)), and its search would otherwise spend the budget the exact rules after it need."""

        def attempt(probe: AlgebraRules) -> bool:
            if probe._prove(bounded, strict, depth + 1):
                probe._note(expr, strict, why)
                return True
            return False

        return self.within(max(1, self.budget[0] // 2), attempt)

    def _rule_jensen_entropy(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Jensen for :math:`t \log t` (Gibbs' inequality): a term :math:`K \sum_{i=a}^{b} e^{u_i} (u_i + c)` with
        :math:`K > 0` proven and K, c free of i, over :math:`N = b - a + 1 \ge 1` terms (proven), is replaced by its
        lower bound :math:`K S (\log S - \log N + c)`, :math:`S = \sum_{i=a}^{b} e^{u_i}`; the claim is then proven of
        the result.

        Soundness: :math:`\varphi(t) = t \log t` is convex on :math:`t > 0` (:math:`\varphi'' = 1/t`), so
        :math:`\varphi(y) \ge \varphi(m) + (\log m + 1)(y - m)` for all :math:`y, m > 0` (its tangent at m). With
        :math:`y_i = e^{u_i} > 0` (:math:`\varphi(y_i) = e^{u_i} u_i`, the u_i real) and :math:`m = S/N > 0`, summing
        over the N terms gives :math:`\sum_i e^{u_i} u_i \ge N \varphi(m) + (\log m + 1)(S - N m) = S \log(S/N)`, and
        :math:`\sum_i e^{u_i} c = c S`. K > 0 keeps the direction, so the new expression is at most the old one, and
        proving it :math:`\ge 0` (:math:`> 0`) proves the claim. Example: the entropy of softmax is at most log n,
        :math:`\log n + \frac1S \sum_i e^{x_i} (x_i - \log S) \ge 0` (equality at equal x_i, so the strict claim stays
        unproved). Tried only where the log of a sum over the same range occurs (the log-sum-exp it is compared with).
        """
        terms = list(sp.Add.make_args(expr))
        for position, term in enumerate(terms):
            sums = [f for f in sp.Mul.make_args(term) if isinstance(f, Sum) and len(f.limits) == 1]
            if len(sums) != 1:
                continue
            total = sums[0]
            index, lo, hi = total.limits[0]
            if not any(isinstance(f, Sum) and f.limits[0][1:] == (lo, hi) for lg in expr.atoms(sp.log) for f in lg.args[0].atoms(Sum)):
                continue  # the cheap test first: _exp_times_log may spend rule applications on its factors' signs
            outside = [f for f in sp.Mul.make_args(total.function) if index not in f.free_symbols]  # linearity: K moves out
            inside = sp.Mul(*(f for f in sp.Mul.make_args(total.function) if index in f.free_symbols))
            if (found := _exp_times_exponent(inside, index) or self._exp_times_log(inside, index, depth)) is None:
                continue
            exponent, shift, scale = found
            factor = sp.Mul(*(f for f in sp.Mul.make_args(term) if f is not total), *outside, scale)
            if index in factor.free_symbols or not self._range_nonempty(lo, hi):
                continue
            if not self._positive_factor(factor, depth):
                continue
            mass = Sum(sp.exp(exponent), (index, lo, hi))
            mass = next((f for f in sorted(expr.atoms(Sum), key=sp.default_sort_key) if len(f.limits) == 1  # S as written
                         and f.limits[0][1:] == (lo, hi) and f.function.xreplace({f.limits[0][0]: index}) == mass.function), mass)
            if self._proved_with(terms, position, factor * mass * (sp.log(mass) - sp.log(sp.sympify(hi - lo + 1)) + shift),
                                 expr, strict, depth, "t log t is convex: a sum of e^u u is at least S log(S/n), S the sum "
                                 "of the e^u (Jensen, by the tangent at the mean; Gibbs' inequality)"):
                return True
        return False

    def _exp_times_log(self, function: Expr, index: sp.Symbol, depth: int) -> tuple[Expr, Expr, Expr] | None:
        r"""(u, c) where ``function`` is :math:`e^{u} \log(e^{u} f_1 \cdots f_k)` with every :math:`f_j` free of
        ``index`` and proven positive: then :math:`\log(e^{u} f_1 \cdots f_k) = u + \sum_j \log f_j` (the log of a
        product of positive numbers, and :math:`\log e^{u} = u` for real u), so c is that sum (the relative entropy
        to the uniform distribution, :math:`\sum_i p_i \log(n p_i)`). Else None."""
        if not isinstance(function, sp.Mul) or len(function.args) != 2:
            return None
        power = next((f for f in function.args if isinstance(f, sp.exp)), None)
        logarithm = next((f for f in function.args if isinstance(f, sp.log)), None)
        if power is None or logarithm is None:
            return None
        factors = list(sp.Mul.make_args(logarithm.args[0]))
        if power not in factors:
            return None
        others = [f for f in factors if f != power]
        if len(others) != len(factors) - 1 or any(index in f.free_symbols for f in others):
            return None
        if not all(self._positive_factor(f, depth) for f in others):
            return None
        return power.args[0], sp.Add(*(sp.log(f) for f in others)), sp.Integer(1)

    def _explicit_jensen(self, terms: list[Expr], expr: Expr, strict: bool, depth: int) -> bool:
        r"""Jensen for exp on written-out terms, weighted: the terms :math:`w_k e^{u_k}` of a sum with numbers
        :math:`w_k > 0` (two at least) are replaced by :math:`W e^{c}`, :math:`W = \sum_k w_k`,
        :math:`c = \frac1W \sum_k w_k u_k`; the claim is then proven of the result (AM-GM:
        :math:`e^a + e^b + e^c \ge 3 e^{(a + b + c)/3}`, the smooth maximum above the mean plus log 3).

        Soundness: :math:`e^{y} \ge e^{c}(1 + y - c)` for all real y (the tangent of the convex exp at c); with
        weights :math:`w_k > 0`, :math:`\sum_k w_k e^{u_k} \ge e^{c}(W + \sum_k w_k u_k - W c) = W e^{c}`. So the new
        expression is at most the old one, and proving it :math:`\ge 0` (:math:`> 0`) proves the claim. Tried only
        where another term with an exponential has a negative coefficient (the mean's, compared with): elsewhere it
        would only cost time."""
        weighted: list[tuple[Expr, Expr]] = []  # (w_k, u_k)
        others: list[Expr] = []
        for term in terms:
            weight, core = term.as_coeff_Mul()
            if isinstance(core, sp.exp) and weight.is_number and weight > 0 and core.args[0].is_real is not False:
                weighted.append((weight, core.args[0]))
            else:
                others.append(term)
        if len(weighted) < 2 or not any(t.has(sp.exp) and t.could_extract_minus_sign() for t in others):
            return False
        weights = [w for w, _ in weighted]
        exponents = [u for _, u in weighted]
        total = sp.Add(*weights)
        mean = sp.expand(sp.Add(*(w * u for w, u in zip(weights, exponents, strict=True))) / total)
        bounded = sp.Add(*others) + total * sp.exp(mean)
        return self._lossy(sp.simplify(bounded), expr, strict, depth, "exp is convex: written-out exponentials with positive "
                           "weights are at least their total weight times the exp of the weighted mean exponent (Jensen, by "
                           "the tangent at the mean)")

    def by_log_tangent(self, expr: Expr, strict: bool) -> bool:
        """Gibbs' inequality alone (:meth:`_rule_log_tangent`, then over a symbolic range, :meth:`_rule_log_tangent_sum`)
        on ``expr`` as written: for a gap whose simplified form gathered its logarithms into one (``sp.simplify`` writes
        p log(p/q) + (1 - p) log(...) as a single log of a power), where the rule no longer sees the terms, and for a sum
        whose other rules spend the search's budget before it reaches Gibbs (the relative entropy written
        sum p_i (log p_i - log q_i) >= 0 was unknown in 15 s, proved as sum p_i log(p_i/q_i)). Called outside the search,
        which treats a rule that raises as not shown: so here (SymPy's sum_simplify raised StopIteration on
        log(sum e^((1 + r) x_i))/(1 + r) - LSE(x), which made the whole check "unknown (error)")."""
        written = sp.sympify(expr)
        for rule in (self._rule_log_tangent, self._rule_log_tangent_sum):
            mark = len(self.steps)
            try:
                if rule(written, strict, self.base_depth):
                    return True
            except Exception:  # noqa: BLE001 - SymPy fails inside some calls: not shown, as in the search
                pass
            del self.steps[mark:]
        return False

    def _rule_log_tangent(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Gibbs' inequality, by the tangent of log at 1: every term :math:`c \log R` of a sum (c free of log, of a
        proven sign, R free of log) is replaced by its lower bound, :math:`c(1 - 1/R)` for :math:`c \ge 0` and
        :math:`c(R - 1)` for :math:`c \le 0`; the claim is then proven of the result.

        Terms :math:`c \log A` and :math:`-c \log B` are first gathered into :math:`c \log(A/B)` (exact for A, B > 0).
        Soundness: log is concave with tangent :math:`y - 1` at 1, so :math:`1 - 1/R \le \log R \le R - 1` for every
        R > 0 (the left one is the right one at 1/R); R > 0 wherever the term is defined over the reals, which
        ``check`` proves before the prover runs (the catalogue's logs are of positive quantities). Each replacement is at
        most the term it replaces, so the new sum is at most the old one, and proving it :math:`\ge 0` (:math:`> 0`)
        proves the claim. Example: the relative entropy of two probabilities,
        :math:`p\log(p/q) + (1 - p)\log((1 - p)/(1 - q)) \ge (p - q) + (q - p) = 0`. Tried only on sums of at least
        two such groups and nothing else with a log, after the sum, product, Jensen, extremum and quotient rules and
        before the costlier ones (it gives up information: the bound may fail where the claim holds).
        """
        bounded = self._log_bounds(expr, depth, least_groups=2)
        if bounded is None:
            return False
        mark = len(self.steps)
        if self._prove(sp.simplify(bounded), strict, depth + 1):
            self._note(expr, strict, "log is concave: 1 - 1/R <= log R <= R - 1 (its tangent at 1), each log term replaced "
                       "by the bound below it (Gibbs' inequality)")
            return True
        del self.steps[mark:]
        return False

    def _log_bounds(self, expr: Expr, depth: int, least_groups: int, absorb: bool = False) -> Expr | None:
        r"""``expr`` (a sum of terms) with each group :math:`c \log R` replaced by the bound below it that
        :meth:`_rule_log_tangent` argues; None unless there are ``least_groups`` groups at least and every factor c has
        a proven sign. The sign proofs' steps stay on this prover (the caller drops them on failure).

        ``absorb``: a term :math:`c v` without a logarithm (v real, the factors of the term beyond c's) joins c's group as
        :math:`c \log e^{v}` (an identity for real v): a softmax's log that SymPy wrote out, :math:`q_i (y_i - \log S)`,
        is the group :math:`q_i \log(e^{y_i} / S)` again, whose bound keeps what the split-off :math:`q_i y_i` held."""
        split = _log_terms(expr, one_term=True)
        if split is None:
            return None
        rest, logs = split
        groups: dict[Expr, Expr] = {}  # c -> R: the terms c log A - c log B gathered into c log(A/B)
        for factor, argument in logs:
            if factor.has(sp.log) or argument.has(sp.log):
                return None
            if factor.could_extract_minus_sign():
                factor, argument = -factor, 1 / argument
            groups[factor] = groups.get(factor, sp.Integer(1)) * argument
        if len(groups) < least_groups:
            return None
        if absorb:
            kept = []
            for term in rest:
                owner = next((c for c in groups if (v := _cofactor(term, c)) is not None and v.is_extended_real), None)
                if owner is None:
                    kept.append(term)
                else:
                    groups[owner] *= sp.exp(_cofactor(term, owner))
            rest = kept
        bounded = list(rest)
        for factor, ratio in groups.items():
            if self._prove(factor, False, depth + 1):
                bounded.append(factor * (1 - 1 / ratio))
            elif self._prove(-factor, False, depth + 1):
                bounded.append(factor * (ratio - 1))
            else:
                return None
        return sp.Add(*bounded)

    def _rule_log_tangent_sum(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Gibbs' inequality over a symbolic range: in each term :math:`K \sum_{i=a}^{b} f_i` of the goal (K free of i,
        proven :math:`\ge 0`), every group :math:`c_i \log R_i` of the summand is replaced by the bound below it,
        :math:`c_i (1 - 1/R_i)` where :math:`c_i \ge 0` and :math:`c_i (R_i - 1)` where :math:`c_i \le 0`, each proven
        for the index as an integer in :math:`a..b` with :math:`R_i > 0` proven there too; the sums are then written
        by linearity (constants pulled out, equal sums identified) and the claim is proven of the result.

        Soundness: :math:`1 - 1/R \le \log R \le R - 1` for every :math:`R > 0` (log is concave, its tangent at 1 is
        :math:`R - 1`; the left one is the right one at :math:`1/R`), so every replaced summand is at most the summand
        for every i of the range; a range of a non-negative number of terms (proven; under Karr's convention a reversed
        range is minus a sum) keeps the order in the sum, and :math:`K \ge 0` keeps it in the term. The new goal is at
        most the old one, so proving it :math:`\ge 0` (:math:`> 0`) proves the claim. Example: the relative entropy of
        two softmax distributions, :math:`\sum_i q_i \log(q_i / p_i) \ge \sum_i (q_i - p_i) = 1 - 1 = 0`, and the
        cross-entropy at least the entropy. Tried with half of the budget left (it gives up information).
        """
        terms = list(sp.Add.make_args(expr))
        replaced: list[Expr] = []
        changed = False
        for term in terms:
            coefficient, total = split_sum_term(term)
            if total is None or not total.function.has(sp.log):
                replaced.append(term)
                continue
            index, lo, hi = total.limits[0]
            if index in coefficient.free_symbols or not self._range_size_nonnegative(lo, hi):
                return False
            if not self._positive_factor(coefficient, depth, strict=False):
                return False
            ranged = self._child((index, lo, hi))
            function = sp.expand(total.function, log=False)
            bound = ranged._log_bounds(function, depth, least_groups=1, absorb=True)
            if bound is None or not all(ranged._prove(lg.args[0], True, depth + 1)
                                        for lg in function.atoms(sp.log) if index in lg.free_symbols):
                return False
            replaced.append(coefficient * Sum(sp.powsimp(sp.expand(bound)), (index, lo, hi)))
            changed = True
        if not changed:
            return False
        bounded = sp.Add(*replaced)
        try:
            bounded = sp.cancel(sp.together(canonical_sums(pull_constants(bounded))))
        except Exception:  # noqa: BLE001 - SymPy fails inside some calls: the form as built is proven instead
            pass
        return self._lossy(bounded, expr, strict, depth, "log is concave: each log term of a sum's terms replaced by the "
                           "bound below it, 1 - 1/R <= log R <= R - 1 (its tangent at 1; Gibbs' inequality)")

    def _dominated(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Termwise domination: :math:`\sum_j p_j - \sum_k q_k \ge 0` if each :math:`q_k \le p_{\pi(k)}`.

        Soundness: the terms with positive integer coefficient c are taken as c copies;
        a matching assigns each negative term q_k its own positive term p with
        :math:`p - q_k \ge 0` proven, and every positive term left over is proven
        :math:`\ge 0`; adding these inequalities gives the claim (strict if any one is).
        Bounded to 8 terms a side; the matching is greedy in a fixed order.
        """
        positives: list[Expr] = []
        negatives: list[Expr] = []
        for t in expr.args:
            coeff, rest = t.as_coeff_Mul()
            if not coeff.is_Integer or abs(coeff) > 4:
                return False
            (positives if coeff > 0 else negatives).extend([rest] * abs(int(coeff)))
        if not negatives or len(positives) < len(negatives) or len(positives) > 8 or len(positives) + len(negatives) < 3:
            return False  # with one term a side, p - q is expr itself: nothing gained
        free = list(positives)
        mark = len(self.steps)
        for q in negatives:
            for p in free:
                if p != q and self._prove(p - q, False, depth + 1):
                    free.remove(p)
                    break
            else:
                del self.steps[mark:]
                return False
        if not all(self._prove(p, False, depth + 1) for p in free):
            del self.steps[mark:]
            return False
        if strict and not any(self._prove(p, True, depth + 1) for p in free):
            del self.steps[mark:]
            return False
        self._note(expr, strict, "each negative term is dominated by its own positive term")
        return True

    def _term_of_sum(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""A sum minus some of its own terms: :math:`c\sum_{i=a}^{b} f(i) - \sum_{j=1}^{m} c f(k_j) \ge 0`.

        Side conditions: either m = 1 and :math:`a \le k_1 \le b` is a stated index range (``index_ranges``) or an
        integer index expression of a term outside the sum with :math:`k_1 - a \ge 0` and :math:`b - k_1 \ge 0` proven
        (:math:`x_{n+1}` against a sum to n + 2), or the :math:`k_j` are such index expressions that differ pairwise
        by non-zero constants (n and n - 1), or the :math:`k_j` are distinct integers (written indices such as the 1 and 2 of :math:`x_1, x_2`) with
        :math:`k_j - a \ge 0` and :math:`b - k_j \ge 0` proven; the range has :math:`b - a + 1 \ge 1` terms (so
        Karr's reversed convention does not apply) and :math:`c f(i) \ge 0` for every i; then the difference is the
        sum of the :math:`b - a + 1 - m` other terms, :math:`\ge 0`.  The remaining terms of ``expr`` must be
        proven :math:`\ge 0`; a strict claim needs them :math:`> 0`, or them :math:`\ge 0`, every
        :math:`c f(i) > 0` and more than m terms (:math:`b - a + 1 - m \ge 1` from the sizes' lower bounds):
        then at least one other term is left, and it is positive (:math:`p_1 < 1` for :math:`n \ge 2`).
        """
        terms = list(expr.args)
        written = {i for term in terms for item in term.atoms(sp.Indexed) for i in item.indices if i.is_Integer}
        bound = {v for inner in expr.atoms(Sum) for v in inner.variables}  # an index bound by a sum is no term's index
        symbolic = {i for term in terms if split_sum_term(term)[1] is None for item in term.atoms(sp.Indexed)
                    for i in item.indices if not i.is_Integer and i.is_integer and i not in self.index_ranges
                    and not (i.free_symbols & bound)}
        if not self.index_ranges and not written and not symbolic:
            return False
        for t in terms:
            coeff, s = split_sum_term(t)
            if s is None:
                continue
            var, lo, hi = s.limits[0]
            if not self._range_nonempty(lo, hi):
                continue
            def in_range(k: Expr, lo: Expr = lo, hi: Expr = hi) -> bool:
                return self._prove(sp.expand(k - lo), False, depth + 1) and self._prove(sp.expand(hi - k), False, depth + 1)

            groups = [[k] for k, (k_lo, k_hi) in self.index_ranges.items()
                      if sp.simplify(k_lo - lo) == 0 and sp.simplify(k_hi - hi) == 0]
            inside = [k for k in sorted(written, key=int) if in_range(k)]
            if inside:
                groups.append(inside)  # distinct integers: distinct terms of the sum
            placed = [k for k in sorted(symbolic, key=sp.default_sort_key) if in_range(k)]
            if len(placed) > 1 and all(sp.expand(p - q).is_number and sp.expand(p - q) != 0 for p, q in itertools.combinations(placed, 2)):
                groups.append(placed)  # n and n - 1: distinct by a non-zero constant difference
            groups += [[k] for k in placed]  # else one at a time: two may be equal
            for group in groups:
                if self._sum_minus_own_terms(expr, t, coeff, s, group, strict, depth):
                    return True
        return False

    def _sum_minus_own_terms(self, expr: Expr, t: Expr, coeff: Expr, s: Sum, group: list[Expr], strict: bool,
                             depth: int) -> bool:
        """:meth:`_term_of_sum` for one sum term ``t`` = coeff ``s`` and the indices ``group`` (distinct, in range)."""
        var, lo, hi = s.limits[0]
        pool = [r for r in expr.args if r is not t]
        removed: list[Expr] = []
        for k in group:
            term = sp.expand(coeff * s.function.xreplace({var: k}))
            match = next((position for position, other in enumerate(pool) if sp.simplify(sp.expand(other + term)) == 0), None)
            if match is not None:
                removed.append(k)
                del pool[match]
        if not removed:
            return False
        rest = sp.Add(*pool)
        generic = sp.expand(coeff * s.function.xreplace({var: sp.Dummy("i", integer=True)}))
        mark = len(self.steps)
        if self._prove(generic, False, depth + 1):
            if self._prove(rest, strict, depth + 1):
                ok = True
            else:
                ok = strict and bool((self._least_count(lo, hi) - len(removed)).is_positive) and \
                    self._prove(rest, False, depth + 1) and self._prove(generic, True, depth + 1)
            if ok:
                names = ", ".join(f"${sp.latex(k)}$" for k in removed)
                self._note(expr, strict, f"a sum minus its own terms {names} (indices in ${sp.latex(lo)} \\le i \\le "
                                         f"{sp.latex(hi)}$) is the sum of the others")
                return True
        del self.steps[mark:]
        return False

    def _nested_ranges(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Sums of one summand over ranges with a common end: :math:`c\sum_{i=a}^{b} f_i - c\sum_{i=a}^{b'} f_i =
        c\sum_{i=b'+1}^{b} f_i` and :math:`c\sum_{i=a}^{b} f_i - c\sum_{i=a'}^{b} f_i = c\sum_{i=a}^{a'-1} f_i`.

        Soundness: SymPy's sums follow Karr's convention, under which :math:`\sum_{a}^{b} + \sum_{b+1}^{c} = \sum_a^c`
        for all integers a, b, c (a reversed range is minus a sum), so both rewritings are identities whatever the
        bounds; the sum rule then proves the new sum with its own range check (a non-negative number of terms, a
        non-empty range for a strict claim): :math:`\log\sum_{i \le n} e^{x_i} < \log\sum_{i \le n+1} e^{x_i}`.
        The summands must be equal after renaming the index, the coefficients opposite; the other terms stay.
        """
        sums = [(t, *split_sum_term(t)) for t in expr.args]
        found = [(t, c, s) for t, c, s in sums if s is not None]
        for (t1, c1, s1), (t2, c2, s2) in itertools.permutations(found, 2):
            if sp.simplify(c1 + c2) != 0:
                continue
            (v1, a1, b1), (v2, a2, b2) = s1.limits[0], s2.limits[0]
            var = sp.Dummy("i", integer=True)
            body = s1.function.xreplace({v1: var})
            if sp.simplify(body - s2.function.xreplace({v2: var})) != 0:
                continue
            if sp.simplify(a1 - a2) == 0 and sp.simplify(b1 - b2) != 0:
                rest_range = (var, b2 + 1, b1)
            elif sp.simplify(b1 - b2) == 0 and sp.simplify(a1 - a2) != 0:
                rest_range = (var, a1, a2 - 1)
            else:
                continue
            others = [t for t in expr.args if t is not t1 and t is not t2]
            mark = len(self.steps)
            if self._prove(c1 * Sum(body, rest_range) + sp.Add(*others), strict, depth + 1):
                self._note(expr, strict, "sums of one summand over ranges with a common end differ by the sum over the rest")
                return True
            del self.steps[mark:]
        return False

    def _log_against_rest(self, expr: Expr, strict: bool, depth: int) -> bool:
        r""":math:`\log P - \log Q + r \ge 0 \iff P e^{r} - Q \ge 0` for P, Q > 0 (exp is increasing). Logarithms
        that share one symbolic factor c (:math:`c \log P`, a temperature's :math:`T \log \sum_i e^{x_i/T}`) are
        first freed of it: once :math:`c > 0` is proven, :math:`E \ge 0 \iff E/c \ge 0` (and with :math:`>`)."""
        if self._common_log_factor(expr, strict, depth):
            return True
        pos = [t for t in expr.args if isinstance(t, sp.log)]
        neg = [t for t in expr.args if isinstance(-t, sp.log)]
        if not pos and not neg:
            return False
        P = sp.Mul(*[t.args[0] for t in pos])
        Q = sp.Mul(*[(-t).args[0] for t in neg])
        rest = expr - sp.Add(*pos) - sp.Add(*neg)
        for factor in (*[t.args[0] for t in pos], *[(-t).args[0] for t in neg]):
            if not self._prove(factor, True, depth + 1):
                return False
        reduced = sp.simplify(sp.expand(P * sp.exp(rest) - Q))
        if self._prove(reduced, strict, depth + 1):
            self._note(expr, strict, "exp is strictly increasing, so compare after exponentiating")
            return True
        return False

    def _common_log_factor(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""The sub-rule of :meth:`_log_against_rest` that divides by the symbolic factor every logarithm term shares (the
        terms of one logarithm gathered first: :math:`t \log S + \log S = (t + 1) \log S`, an identity)."""
        split = _log_terms(expr)
        if split is None:
            return False
        if len(split[1]) > len({argument for _, argument in split[1]}):
            gathered = sp.collect(expr, sorted(expr.atoms(sp.log), key=sp.default_sort_key), func=sp.factor)
            if (regrouped := _log_terms(gathered)) is not None:
                expr, split = gathered, regrouped
        shared = {factor.as_coeff_Mul()[1] for factor, _ in split[1]}
        if len(shared) != 1:
            return False
        (factor,) = shared
        if factor.is_number or not self._prove(factor, True, depth + 1):
            return False
        if self._prove(sp.Add(*(term / factor for term in sp.Add.make_args(expr))), strict, depth + 1):  # term by term: (t + 1) kept whole
            self._note(expr, strict, f"divided by ${sp.latex(factor)} > 0$, the factor of every logarithm")
            return True
        return False

    def _monotone_pair(self, big: Expr, small: Expr, strict: bool, depth: int) -> bool:
        r""":math:`e^a - e^b` has the sign of :math:`a - b` (exp is strictly increasing on the reals);
        :math:`\log A - \log B` has the sign of :math:`A - B` once :math:`B > 0` is proven (then
        :math:`A \ge B > 0` too).  The arguments are real: every expression reaching the prover is
        real-valued (``check`` proves the definedness conditions first; the catalogue's symbols are real)."""
        exponent = exponent_of(big), exponent_of(small)
        if exponent[0] is not None and exponent[1] is not None:
            arg_gap = exponent[0] - exponent[1]
            try:  # a sum of logarithms may come out split (n log S - sum x_i): as written too
                simplified = sp.simplify(arg_gap)
            except StopIteration:  # SymPy's sum_simplify on some sums of quotients (its __refactor)
                simplified = arg_gap
            if simplified == arg_gap or not arg_gap.has(Sum):
                shown = self._prove(simplified, strict, depth + 1)
            else:  # each form with half of the budget left, so that the first cannot spend what the second needs
                half = max(1, self.budget[0] // 2)

                def attempt(form: Expr) -> Callable[[SignProverBase], bool]:
                    return lambda probe: probe._prove(form, strict, depth + 1)

                shown = any(self.within(half, attempt(form)) for form in (simplified, arg_gap))
            if shown:
                self._note(big - small, strict, "exp is strictly increasing")
                return True
        if isinstance(big, sp.log) and isinstance(small, sp.log):
            A, B = big.args[0], small.args[0]
            if self._prove(B, True, depth + 1) and self._prove(sp.simplify(A - B), strict, depth + 1):
                self._note(big - small, strict, "log is strictly increasing on $(0, \\infty)$")
                return True
        return False

    def _sum_difference(self, expr: Expr, strict: bool, depth: int, spread: bool = True) -> bool:
        r"""Linearity over one range: :math:`\sum_i f_i - \sum_i g_i + r = \sum_i (f_i - g_i + r/c)` with
        :math:`c = b - a + 1` terms.  Side conditions: every sum among the terms has the same outer range (a flattened
        nested sum :math:`\sum_i \sum_c f_{ic}` is the sum over i of :math:`\sum_c f_{ic}`); a coefficient is free of
        the index; spreading :math:`r` needs :math:`c \ne 0` (a non-empty range) or :math:`r/c` free of the sizes, where
        Karr's convention gives :math:`\sum_{i=a}^{b} r/c = r` for every integer count. ``spread=False``: only where
        :math:`r = 0`. The index is renamed to a fresh one in each body (alpha-conversion)."""
        terms = [(t, _outer_sum(t)) for t in expr.args]
        ranges = {view[2:4] for _, view in terms if view is not None}
        if len(ranges) != 1:
            return False
        lo, hi = next(iter(ranges))
        var = sp.Dummy("i", integer=True)
        body: Expr = sp.Integer(0)
        count = hi - lo + 1
        rest: Expr = sp.Integer(0)
        for t, view in terms:
            if view is not None:
                coeff, index, _, _, function = view
                body += coeff * function.xreplace({index: var})
            else:
                rest += t
        if rest != 0 and not spread:
            return False
        # spread the non-sum part evenly over the terms: rest = sum_i rest/count,
        # valid for an empty range too when rest/count has no size in a denominator
        per_term = sp.simplify(rest / count) if rest != 0 else sp.Integer(0)
        if rest != 0:
            sizes = set(self.size_lower_bounds) | {s for s in count.free_symbols if s.is_integer}
            den_free = not (sp.denom(sp.together(per_term)).free_symbols & sizes)
            if not ((den_free and self._range_size_nonnegative(lo, hi)) or self._range_nonempty(lo, hi)):
                return False
        combined = Sum(sp.simplify(body + per_term), (var, lo, hi))
        if self._prove(combined, strict, depth + 1):
            self._note(expr, strict, "sums over the same range compared term by term")
            return True
        return False


def _outer_sum(term: Expr) -> tuple[Expr, sp.Symbol, Expr, Expr, Expr] | None:
    """``c * Sum(f, (i, a, b))`` -> (c, i, a, b, f); a flattened nested sum ``Sum(f, (c, ...), (i, a, b))`` is the sum
    over its outer index i of ``Sum(f, (c, ...))`` (that f, the inner limits kept); None for another term. c is free of
    the index (:func:`~softproof.derive.sign_prover.split_sum_term`'s condition)."""
    coeff, total = split_sum_term(term)
    if total is not None:
        return (coeff, *total.limits[0], total.function)
    found = [f for f in sp.Mul.make_args(term) if isinstance(f, Sum)]
    if len(found) != 1 or len(found[0].limits) < 2:
        return None
    index, lo, hi = found[0].limits[-1]
    coeff = term / found[0]
    if index in coeff.free_symbols:
        return None
    return coeff, index, lo, hi, Sum(found[0].function, *found[0].limits[:-1])


def _cofactor(term: Expr, factor: Expr) -> Expr | None:
    """v where ``term`` is ``factor`` times v as SymPy's factors show (every factor of ``factor`` among the term's, with
    its multiplicity; a numeric coefficient may differ), else None."""
    remaining = list(sp.Mul.make_args(term))
    for f in sp.Mul.make_args(factor):
        if f in remaining:
            remaining.remove(f)
        elif f.is_number and remaining and remaining[0].is_number:
            remaining[0] = remaining[0] / f
        else:
            return None
    return sp.Mul(*remaining)


def _sqrt_term(term: Expr) -> tuple[sp.Rational, tuple[Expr, ...]] | None:
    """(c, (C,)) where ``term`` is c sqrt(C) with a rational c != 0, sqrt as SymPy writes it (C**(1/2)), or (c, (A, B, ...))
    for c times a product of square roots (one root of AB... where A, B, ... >= 0, which the rule proves first); else None."""
    coefficient, rest = term.as_coeff_Mul()
    if not coefficient.is_Rational or coefficient == 0:
        return None
    factors = rest.args if rest.is_Mul else (rest,)
    if not factors or not all(isinstance(f, sp.Pow) and f.exp == sp.Rational(1, 2) for f in factors):
        return None
    return sp.Rational(coefficient), tuple(f.base for f in factors)


def _exp_times_exponent(function: Expr, index: sp.Symbol) -> tuple[Expr, Expr, Expr] | None:
    """(u, c, a) where ``function`` is :math:`e^{u} (a u + a c)` with a, c free of ``index`` and :math:`a \ne 0` (the
    factors other than one exp are a multiple of its exponent plus a constant: :math:`e^{x_i/T} x_i = T e^{u} u` for
    :math:`u = x_i/T`), else None."""
    if not isinstance(function, sp.Mul):
        return None
    exps = [f for f in function.args if isinstance(f, sp.exp)]
    if len(exps) != 1:
        return None
    exponent = exps[0].args[0]
    cofactor = sp.expand(sp.Mul(*(f for f in function.args if f is not exps[0])))
    moving = sp.Add(*(t for t in sp.Add.make_args(cofactor) if index in t.free_symbols))  # x[i] has i among its free symbols
    along = sp.Add(*(t for t in sp.Add.make_args(sp.expand(exponent)) if index in t.free_symbols))
    if along == 0:
        return None
    scale = sp.cancel(moving / along)
    if scale == 0 or index in scale.free_symbols:
        return None
    shift = sp.expand(cofactor / scale - exponent)
    return (exponent, shift, scale) if index not in shift.free_symbols else None
