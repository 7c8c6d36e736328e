r"""A small, sound sign prover: is an expression :math:`\ge 0` (or :math:`> 0`)?

It combines SymPy's assumption system with a handful of rules that SymPy
lacks for symbolic-length sums and monotone functions.  Each rule is a
textbook fact; each application is recorded as a proof step:

* **sum rule** -- :math:`\sum_{i=a}^b f_i \ge 0` if every :math:`f_i \ge 0`;
  :math:`> 0` if every :math:`f_i > 0` and the range is non-empty
  (:math:`b - a + 1 \ge 1` under the stated lower bounds of the sizes).
* **sum comparison** -- :math:`\sum f_i - \sum g_i = \sum (f_i - g_i)` over equal ranges,
  and a size :math:`n` equals :math:`\sum_{i=1}^n 1`.
* **monotone pairs** -- :math:`e^a - e^b` has the sign of :math:`a - b`;
  :math:`\log A - \log B` has the sign of :math:`A - B` for :math:`A, B > 0`.
* **products and quotients** -- a product of non-negative factors with at
  least the needed strictness; a quotient with a positive denominator.
* **one-variable calculus** -- :math:`\min_{x \in \mathbb{R}} f(x) \ge 0` computed by
  SymPy's ``minimum`` (stationary points and limits at the ends).

If no rule applies the answer is "not shown"; it never guesses.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import sympy as sp
from sympy import Basic, Expr, Sum

from . import enclosure
from .sums import bound_variables

__all__ = ["SignProver", "certified_sign", "signed_constants", "SECONDS"]

SECONDS = 20.0  # wall-clock budget of one sign proof (all its sub-goals); generous, so that load alone never decides


def certified_sign(expr: Expr, exact_zero: bool = False) -> int | None:
    """+1, -1 or 0 where an Arb enclosure certifies it (0: exactly zero); None otherwise."""
    try:
        return enclosure.sign(expr, exact_zero=exact_zero)
    except (enclosure.NotReal, enclosure.Unsupported):
        return None


def signed_constants(expr: Expr) -> Expr:
    """``expr`` with each maximal non-rational numeric sub-expression replaced by a symbol of its certified sign."""
    if expr.is_Rational or not expr.args:
        return expr
    if expr.is_number:
        value = certified_sign(expr)
        if value == 0:
            return sp.Integer(0)
        flags = {1: {"positive": True}, -1: {"negative": True}}.get(value, {"real": True})  # type: ignore[arg-type]
        return sp.Dummy("c", **flags)
    args = tuple(signed_constants(a) for a in expr.args)
    return expr.func(*args) if args != expr.args else expr


def _continuous_on(expr: Expr, x: sp.Symbol, domain: sp.Interval) -> bool:
    """SymPy's continuity check (the minimum of a function with a pole in the domain means nothing)."""
    try:
        return bool(sp.calculus.util.continuous_domain(expr, x, domain) == domain)
    except (NotImplementedError, ValueError, TypeError):
        return False


@dataclass
class SignProver:
    """Prove :math:`e \\ge 0` or :math:`e > 0` for real expressions.

    ``size_lower_bounds`` states facts such as :math:`n \\ge 2` for the size
    symbols; they decide whether a sum's range is non-empty.
    """

    size_lower_bounds: Mapping[sp.Symbol, int] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)
    depth_limit: int = 12
    memo: dict[tuple[Basic, bool], tuple[bool, tuple[str, ...]]] = field(default_factory=dict)
    failed_at: dict[tuple[Basic, bool], int] = field(default_factory=dict)
    budget: list[int] = field(default_factory=lambda: [600])  # shared count of rule applications left
    # shared wall-clock limit (monotonic seconds): past it every further goal is "not shown"
    deadline: list[float] = field(default_factory=lambda: [time.monotonic() + SECONDS])
    base_depth: int = 0
    index_ranges: Mapping[sp.Symbol, tuple[Expr, Expr]] = field(default_factory=dict)

    # -- public -----------------------------------------------------------
    def nonnegative(self, expr: Expr) -> bool:
        return self._prove(sp.sympify(expr), strict=False, depth=self.base_depth)

    def positive(self, expr: Expr) -> bool:
        return self._prove(sp.sympify(expr), strict=True, depth=self.base_depth)

    # -- helpers ----------------------------------------------------------
    def _note(self, expr: Expr, strict: bool, why: str) -> None:
        rel = ">" if strict else r"\ge"
        self.steps.append(f"${sp.latex(expr)} {rel} 0$: {why}")

    def _least_count(self, lo: Expr, hi: Expr) -> Expr:
        """The number of terms hi - lo + 1, every *size* written as its lower bound plus r >= 0.

        Side condition: a symbol is a size only when it is a non-negative integer by its
        assumptions, or has a stated lower bound in ``size_lower_bounds`` and is an integer.
        Every other symbol (an integer of unknown sign, a real) is left as it is, so that
        SymPy's assumptions decide the sign of the count from what is really known.
        """
        count = sp.sympify(hi - lo + 1)
        repl = {}
        for size in count.free_symbols:
            if not size.is_integer:
                continue
            if size in self.size_lower_bounds:
                bound = self.size_lower_bounds[size]
            elif size.is_nonnegative:
                bound = 1 if size.is_positive else 0
            else:
                continue
            repl[size] = bound + sp.Dummy("r", integer=True, nonnegative=True)
        return sp.simplify(count.xreplace(repl))

    def _range_nonempty(self, lo: Expr, hi: Expr) -> bool:
        return bool(self._least_count(lo, hi).is_positive)

    def _range_size_nonnegative(self, lo: Expr, hi: Expr) -> bool:
        return bool(self._least_count(lo, hi).is_nonnegative)

    def _sympy_says(self, expr: Expr, strict: bool) -> bool:
        """SymPy's assumption system, with every numeric constant replaced by a symbol of its certified sign.

        Soundness: SymPy decides the sign of a constant from a low-precision evaluation,
        which cancellation fools (exp(675)*(log(1 + exp(675)) - 675) - 1 reads as positive);
        a constant whose sign no Arb enclosure certifies becomes a real of unknown sign.
        """
        if expr.has(Sum):
            return False
        guarded = signed_constants(expr)
        verdict = guarded.is_positive if strict else guarded.is_nonnegative
        return bool(verdict)

    def _atomise_sums(self, expr: Expr, depth: int) -> Expr:
        """Replace each outermost sum by a dummy that carries the sign proven for it."""
        from .sums import atomise_sums

        def child() -> "SignProver":
            probe = self._child()
            probe.base_depth = depth + 1
            return probe

        atomised, _, steps = atomise_sums(expr, child)
        self.steps.extend(steps)
        return atomised

    # -- the rules --------------------------------------------------------
    def _child(self) -> "SignProver":
        return SignProver(self.size_lower_bounds, [], self.depth_limit, self.memo, self.failed_at, self.budget,
                          self.deadline, index_ranges=self.index_ranges)

    def _prove(self, expr: Expr, strict: bool, depth: int) -> bool:
        key = (expr, strict)
        if key in self.memo:
            ok, steps = self.memo[key]
            self.steps.extend(steps)
            return ok
        if depth >= self.failed_at.get(key, self.depth_limit + 1):
            return False  # failed before with at least as much depth to spare
        if self.budget[0] <= 0 or time.monotonic() > self.deadline[0]:
            return False  # out of budget: "not shown", never "shown"
        self.budget[0] -= 1
        mark = len(self.steps)
        ok = self._prove_uncached(expr, strict, depth)
        if ok:
            self.memo[key] = (ok, tuple(self.steps[mark:]))
        else:
            self.failed_at[key] = min(depth, self.failed_at.get(key, depth))
        return ok

    def _prove_uncached(self, expr: Expr, strict: bool, depth: int) -> bool:
        if depth > self.depth_limit:
            return False
        if expr.is_number:
            value = certified_sign(expr, exact_zero=not strict)
            ok = value == 1 if strict else value in (0, 1)
            if ok:
                self._note(expr, strict, "numeric constant: an Arb enclosure (rising precision) excludes the other signs")
            return ok
        if self._sympy_says(expr, strict):
            self._note(expr, strict, "sign of every factor/term is known (SymPy assumptions)")
            return True
        for rule in (self._rule_sum, self._rule_mul, self._rule_add, self._rule_quotient,
                     self._rule_atomise, self._rule_expand_log, self._rule_calculus, self._rule_generalise,
                     self._rule_scale, self._rule_shift):
            mark = len(self.steps)
            if rule(expr, strict, depth):
                return True
            del self.steps[mark:]
        return False

    def _rule_sum(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Sum rule: :math:`\sum_{i=a}^{b} f_i \ge 0` if every :math:`f_i \ge 0` and :math:`b - a + 1 \ge 0`.

        Side conditions: one index only (a flattened nested sum is no match); the term count is
        proven non-negative from sizes (:meth:`_least_count`), since under Karr's convention a
        range with :math:`b < a - 1` is *minus* the sum over :math:`b+1..a-1`; strict positivity
        needs every term :math:`> 0` and a count :math:`\ge 1`.  The term is proven for its
        index as an arbitrary integer (stronger than needed).
        """
        if not (isinstance(expr, Sum) and len(expr.limits) == 1):
            return False
        var, lo, hi = expr.limits[0]
        # SymPy follows Karr's convention: a sum with hi < lo - 1 is minus a sum, so the
        # range must have a non-negative number of terms (non-empty for strict positivity)
        if not self._range_size_nonnegative(lo, hi):
            return False
        if strict and not self._range_nonempty(lo, hi):
            return False
        if self._prove(expr.function, strict, depth + 1):
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
        # (c) a logarithm against the remaining terms: log A >= r  <=>  A >= e^r
        if self._log_against_rest(expr, strict, depth):
            return True
        # (e) every negative term dominated by its own positive term
        if self._dominated(expr, strict, depth):
            return True
        # (f) a term of a sum against the whole sum
        if self._term_of_sum(expr, strict, depth):
            return True
        # (d) sums over equal ranges compared termwise; a size is a sum of ones
        return self._sum_difference(expr, strict, depth)

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
        r"""A sum minus one of its own terms: :math:`c\sum_{i=a}^{b} f(i) - g \ge 0` where :math:`g = c f(k)`.

        Side conditions: :math:`a \le k \le b` is a stated index range (``index_ranges``),
        the range has :math:`b - a + 1 \ge 1` terms (so Karr's reversed convention does not
        apply) and :math:`c f(i) \ge 0` for every i; then the difference is the sum of the
        other terms, :math:`\ge 0`.  The remaining terms of ``expr`` must be proven
        :math:`\ge 0` (:math:`> 0` for a strict claim).
        """
        if not self.index_ranges:
            return False
        terms = list(expr.args)
        for t in terms:
            coeff, s = _split_sum_term(t)
            if s is None or coeff.has(s.limits[0][0]):
                continue
            var, lo, hi = s.limits[0]
            for k, (k_lo, k_hi) in self.index_ranges.items():
                if sp.simplify(k_lo - lo) != 0 or sp.simplify(k_hi - hi) != 0 or not self._range_nonempty(lo, hi):
                    continue
                term = sp.expand(coeff * s.function.xreplace({var: k}))
                for other in terms:
                    if other is t or sp.simplify(sp.expand(other + term)) != 0:
                        continue
                    rest = sp.Add(*[r for r in terms if r is not t and r is not other])
                    mark = len(self.steps)
                    probe_var = sp.Dummy("i", integer=True)
                    if self._prove(sp.expand(coeff * s.function.xreplace({var: probe_var})), False, depth + 1) and \
                            self._prove(rest, strict, depth + 1):
                        self._note(expr, strict, f"a sum minus its own term ${sp.latex(k)}$ ({sp.latex(k_lo)} $\\le$ "
                                                 f"${sp.latex(k)} \\le {sp.latex(k_hi)}$) is the sum of the others")
                        return True
                    del self.steps[mark:]
        return False

    def _log_against_rest(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""\log P - \log Q + r \ge 0 \iff P e^{r} - Q \ge 0 for P, Q > 0 (exp is increasing)."""
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

    def _monotone_pair(self, big: Expr, small: Expr, strict: bool, depth: int) -> bool:
        r""":math:`e^a - e^b` has the sign of :math:`a - b` (exp is strictly increasing on the reals);
        :math:`\log A - \log B` has the sign of :math:`A - B` once :math:`B > 0` is proven (then
        :math:`A \ge B > 0` too).  The arguments are real: every expression reaching the prover is
        real-valued (``check`` proves the definedness conditions first; the catalogue's symbols are real)."""
        exponent = _exponent_of(big), _exponent_of(small)
        if exponent[0] is not None and exponent[1] is not None:
            arg_gap = exponent[0] - exponent[1]
            if self._prove(sp.simplify(arg_gap), strict, depth + 1):
                self._note(big - small, strict, "exp is strictly increasing")
                return True
        if isinstance(big, sp.log) and isinstance(small, sp.log):
            A, B = big.args[0], small.args[0]
            if self._prove(B, True, depth + 1) and self._prove(sp.simplify(A - B), strict, depth + 1):
                self._note(big - small, strict, "log is strictly increasing on $(0, \\infty)$")
                return True
        return False

    def _sum_difference(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Linearity over one range: :math:`\sum_i f_i - \sum_i g_i + r = \sum_i (f_i - g_i + r/c)` with
        :math:`c = b - a + 1` terms.  Side conditions: every sum has the same single range; a
        coefficient is free of the index; spreading :math:`r` needs :math:`c \ne 0` (a non-empty
        range) or :math:`r/c` free of the sizes, where Karr's convention gives
        :math:`\sum_{i=a}^{b} r/c = r` for every integer count."""
        sums = [t for t in expr.args if isinstance(t, Sum) or (t.is_Mul and any(isinstance(f, Sum) for f in t.args))]
        if not sums:
            return False
        ranges = {s.limits[0][1:] for s in expr.atoms(Sum) if len(s.limits) == 1}
        if len(ranges) != 1:
            return False
        lo, hi = next(iter(ranges))
        var = sp.Dummy("i", integer=True)
        body: Expr = sp.Integer(0)
        count = hi - lo + 1
        rest: Expr = sp.Integer(0)
        for t in expr.args:
            coeff, s = _split_sum_term(t)
            if s is not None:
                body += coeff * s.function.xreplace({s.limits[0][0]: var})
            else:
                rest += t
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

    def _rule_calculus(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""One real variable: (a) SymPy's ``minimum`` over the variable's domain (critical points by
        ``solveset``, limits at the ends), used only where SymPy finds the function continuous on
        the whole domain, its certified sign deciding; this trusts SymPy's ``minimum``, and the
        cross-examination of every proof guards it; (b) on :math:`[0, \infty)`: a continuous
        :math:`f` with :math:`f(0^+) \ge 0` and :math:`f' > 0` proven is :math:`> 0` on
        :math:`(0, \infty)` (mean value theorem)."""
        free = [s for s in expr.free_symbols if s.is_real]
        if len(free) != 1 or len(expr.free_symbols) != 1 or expr.has(Sum):
            return False
        (x,) = free
        domain = sp.Interval(-sp.oo, sp.oo)
        if x.is_nonnegative:
            domain = sp.Interval(0, sp.oo)
        if x.is_positive:
            domain = sp.Interval.open(0, sp.oo)
        try:
            low = sp.calculus.util.minimum(expr, x, domain)
        except (NotImplementedError, ValueError, TypeError):
            low = sp.nan
        low = sp.simplify(low)
        if low.is_number and not low.has(sp.nan) and _continuous_on(expr, x, domain):
            ok = certified_sign(low) == 1 if strict else certified_sign(low) in (0, 1)
            if ok:
                self._note(expr, strict, f"one-variable calculus: $\\inf_{{{sp.latex(x)} \\in {sp.latex(domain)}}} = {sp.latex(low)}$")
                return True
        # on [0, oo) or (0, oo): f(0+) >= 0 and f' > 0 give f > 0 on (0, oo)
        if x.is_nonnegative and depth < self.depth_limit - 2:
            if not _continuous_on(expr, x, sp.Interval.open(0, sp.oo)):
                return False
            start = sp.limit(expr, x, 0, "+")
            start_sign = certified_sign(start) if start.is_number and start.is_finite else None
            if start_sign in (0, 1):
                probe = self._child()
                slope = sp.simplify(sp.diff(expr, x))
                if probe._prove(slope, True, depth + 1) and (x.is_positive or not strict or start_sign == 1):
                    self.steps.extend(probe.steps)
                    self._note(expr, strict, f"value ${sp.latex(start)}$ at ${sp.latex(x)} = 0$ and increasing")
                    return True
        return False

    def _rule_generalise(self, expr: Expr, strict: bool, depth: int) -> bool:
        """f(u) >= 0 for a positive sub-expression u follows from f(s) >= 0 for all s > 0."""
        bound = bound_variables(expr)
        for lg in expr.atoms(sp.log):
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

    def _by(self, equivalent: Expr, expr: Expr, strict: bool, depth: int, why: str) -> bool:
        """Prove ``expr`` through ``equivalent`` (a rewriting whose soundness the calling rule argues)."""
        probe = self._child()
        if not probe._prove(equivalent, strict, depth + 1):
            return False
        self.steps.extend(probe.steps)
        self._note(expr, strict, why)
        return True

    def _rule_expand_log(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Expand logarithms: :math:`\log(u^p) = p\log u`, :math:`\log(uv) = \log u + \log v`.

        Side conditions: every base and factor is proven :math:`> 0` first (the identities
        hold for positive reals, real exponents); the rewritten expression is then proven.
        """
        repl: dict[Basic, Basic] = {}
        for lg in expr.atoms(sp.log):
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

    def _rule_shift(self, expr: Expr, strict: bool, depth: int) -> bool:
        r"""Change of variables :math:`a = b + s`: if the result does not depend on :math:`b`, fewer variables.

        Soundness: for real :math:`a, b` without sign assumptions, :math:`(b, s) \mapsto (b + s, b)`
        is a bijection of :math:`\mathbb{R}^2`, so :math:`e(a, b) \ge 0` for all :math:`a, b` iff
        :math:`e(b + s, b) \ge 0` for all :math:`b, s`; when that no longer contains :math:`b` it
        is a statement in :math:`s` alone (softmax-type expressions depend on differences only).
        """
        if expr.has(Sum) or depth > self.base_depth + 2:
            return False
        free = sorted((v for v in expr.free_symbols if isinstance(v, sp.Symbol) and v.is_real and not v.is_integer
                       and not (v.is_positive or v.is_nonnegative or v.is_negative or v.is_nonpositive)), key=str)
        if len(free) < 2:
            return False
        a, b = free[0], free[1]
        gap = sp.Dummy("s", real=True)
        shifted = sp.simplify(sp.expand(expr.xreplace({a: b + gap})))
        if shifted.has(b) or shifted == expr:
            return False
        return self._by(shifted, expr, strict, depth, f"depends on ${sp.latex(a)} - {sp.latex(b)}$ only")


def _split_sum_term(term: Expr) -> tuple[Expr, Sum | None]:
    """``c * Sum(f, (i, a, b))`` -> ``(c, Sum)``; a sum of several limits (a flattened nested sum) is no match."""
    if isinstance(term, Sum):
        return (sp.Integer(1), term) if len(term.limits) == 1 else (term, None)
    if term.is_Mul:
        sums = [f for f in term.args if isinstance(f, Sum)]
        if len(sums) == 1 and len(sums[0].limits) == 1:
            coeff = sp.Mul(*[f for f in term.args if f is not sums[0]])
            if not coeff.has(sums[0].limits[0][0]):
                return coeff, sums[0]
    return term, None


def _exponent_of(e: Expr) -> Expr | None:
    """``a`` for ``exp(a)``, ``0`` for the constant 1 (= exp(0)), else None."""
    if isinstance(e, sp.exp):
        return e.args[0]
    if e == 1:
        return sp.Integer(0)
    return None
