r"""The sign prover's machinery: certified constants, the goal cache, the budget and the search.

:class:`SignProverBase` proves a goal :math:`e \ge 0` (or :math:`> 0`) by trying its rules in order
(:meth:`SignProverBase.rules`); a goal is "shown" only when a rule's argument completes. The
rules are in :mod:`softproof.derive.sign_rules` (sums, products, monotone pairs) and
:mod:`softproof.derive.sign_rewrites` (equivalent forms, calculus); :mod:`softproof.derive.inequalities`
puts them together.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Self

import sympy as sp
from sympy import Basic, Expr, Sum

from . import enclosure

__all__ = ["SignProverBase", "certified_sign", "factor_bounded", "signed_constants", "continuous_on", "split_sum_term", "exponent_of", "SECONDS", "search_clock"]

SECONDS = 20.0  # budget of one sign proof (all its sub-goals) in seconds of this process's CPU time (search_clock)


def search_clock() -> float:
    """The clock of the sign search's deadlines: this process's CPU time (``time.process_time``), not the wall clock.

    A search cut at a deadline takes another path, so a deadline on the wall clock made a verdict depend on the
    machine's load: |LSE(a, b) - LSE(c, d)| <= max(|a - c|, |b - d|), proved alone in 9 s, was unknown after 65 s
    beside three busy processes on two cores (proved in 16 s so now), and T LSE(x/T) >= LSE(x) once in CI's test
    run. CPU time advances only while the search runs. (``check``'s own ``--timeout`` stays on the wall clock: it is
    the user's.)"""
    return time.process_time()


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


EXPONENT_RATIONAL = 256  # the largest numerator or denominator of a rational in an exponent that factor_bounded factors


def large_exponent_rational(expr: Expr) -> bool:
    """Whether an exponent of ``expr`` (of ``exp`` or a power) holds a rational p/q with |p| or q above
    :data:`EXPONENT_RATIONAL`. SymPy's polynomials take ``exp(p/q + x)`` and ``exp(p x/q)`` as the power p of the
    generator ``exp(1/q)`` or ``exp(x/q)``, a dense polynomial of degree p: a user's decimal (``Max(a, b) + 0.69315``, p =
    13863, or 1.3862943611198907, p about 1.4e16)."""
    exponents = [e.args[0] for e in expr.atoms(sp.exp)] + [e.exp for e in expr.atoms(sp.Pow)]
    return any(max(abs(r.p), r.q) > EXPONENT_RATIONAL for x in exponents for r in x.atoms(sp.Rational))


def factor_bounded(expr: Expr) -> Expr:
    """``sympy.factor(expr)``, or ``expr`` itself where an exponent holds a large rational
    (:func:`large_exponent_rational`: SymPy factored ``exp(x + 0.69315)`` as a polynomial of degree 13863 for
    minutes). Either answer equals ``expr`` (factoring is an identity), so a rule that factors only
    sees a form it may not use."""
    return expr if large_exponent_rational(expr) else sp.factor(expr)


def continuous_on(expr: Expr, x: sp.Symbol, domain: sp.Interval) -> bool:
    """SymPy's continuity check (the minimum of a function with a pole in the domain means nothing)."""
    try:
        return bool(sp.calculus.util.continuous_domain(expr, x, domain) == domain)
    except (NotImplementedError, ValueError, TypeError):
        return False



def split_sum_term(term: Expr) -> tuple[Expr, Sum | None]:
    r"""``c * Sum(f, (i, a, b))`` -> ``(c, Sum)``; a sum of several limits (a flattened nested sum) is no match.

    ``c`` must not depend on ``i``: ``i`` is not among its *free* symbols (``c = log(Sum(e^{x_i}, i))`` binds an
    ``i`` of its own and is one number for every term: :math:`\sum_i c f_i = c \sum_i f_i` by linearity)."""
    if isinstance(term, Sum):
        return (sp.Integer(1), term) if len(term.limits) == 1 else (term, None)
    if term.is_Mul:
        sums = [f for f in term.args if isinstance(f, Sum)]
        if len(sums) == 1 and len(sums[0].limits) == 1:
            coeff = sp.Mul(*[f for f in term.args if f is not sums[0]])
            if sums[0].limits[0][0] not in coeff.free_symbols:
                return coeff, sums[0]
    return term, None


def exponent_of(e: Expr) -> Expr | None:
    """``a`` for ``exp(a)``, ``0`` for the constant 1 (= exp(0)), else None."""
    if isinstance(e, sp.exp):
        return e.args[0]
    if e == 1:
        return sp.Integer(0)
    return None


@dataclass
class SignProverBase:
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
    # shared limit (search_clock seconds): past it every further goal is "not shown"
    deadline: list[float] = field(default_factory=lambda: [search_clock() + SECONDS])
    base_depth: int = 0
    index_ranges: Mapping[sp.Symbol, tuple[Expr, Expr]] = field(default_factory=dict)
    # goals being proven now (with what their prover knows of the indices), shared by every prover of one search: a
    # goal met again inside its own proof is "not shown" there (a rule that rewrites a goal into itself goes round in
    # circles to the depth limit, spending the budget; failing the inner copy only ever loses a proof)
    active: set[tuple[Basic, bool, frozenset[tuple[sp.Symbol, tuple[Expr, Expr]]]]] = field(default_factory=set)

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

        def child() -> SignProverBase:
            probe = self._child()
            probe.base_depth = depth + 1
            return probe

        atomised, _, steps = atomise_sums(expr, child)
        self.steps.extend(steps)
        return atomised

    # -- the search -------------------------------------------------------
    def rules(self) -> tuple[Callable[[Expr, bool, int], bool], ...]:
        """The rules in the order they are tried (the subclass that has them lists them)."""
        return ()

    def _child(self, index_range: tuple[sp.Symbol, Expr, Expr] | None = None) -> Self:
        """A prover sharing this one's budget and deadline; with ``index_range`` (i, a, b) it also knows
        a <= i <= b and keeps its own memo, so that nothing shown under the range is reused where i is free."""
        if index_range is None:
            return type(self)(self.size_lower_bounds, [], self.depth_limit, self.memo, self.failed_at, self.budget,
                              self.deadline, index_ranges=self.index_ranges, active=self.active)
        var, lo, hi = index_range
        return type(self)(self.size_lower_bounds, [], self.depth_limit, {}, {}, self.budget, self.deadline,
                          index_ranges={**self.index_ranges, var: (lo, hi)}, active=self.active)

    def _limited_child(self, applications: int) -> Self:
        """A prover with at most ``applications`` rule applications of this one's budget (charged to it by
        :meth:`_charge`) and failures of its own: a goal it gives up for want of budget is not marked failed here."""
        return type(self)(self.size_lower_bounds, [], self.depth_limit, self.memo, {}, [min(applications, self.budget[0])],
                          self.deadline, index_ranges=self.index_ranges, active=self.active)

    def _charge(self, child: SignProverBase, applications: int) -> None:
        self.budget[0] -= min(applications, self.budget[0]) - child.budget[0]

    def within(self, applications: int, attempt: Callable[[Self], bool]) -> bool:
        """``attempt(probe)`` on a prover of at most ``applications`` rule applications (:meth:`_limited_child`, the
        used ones charged here); the probe's steps are kept where it succeeds."""
        probe = self._limited_child(applications)
        shown = attempt(probe)
        self._charge(probe, applications)
        if shown:
            self.steps.extend(probe.steps)
        return shown

    def _prove(self, expr: Expr, strict: bool, depth: int) -> bool:
        key = (expr, strict)
        if key in self.memo:
            ok, steps = self.memo[key]
            self.steps.extend(steps)
            return ok
        if depth >= self.failed_at.get(key, self.depth_limit + 1):
            return False  # failed before with at least as much depth to spare
        if self.budget[0] <= 0 or search_clock() > self.deadline[0]:
            return False  # out of budget: "not shown", never "shown"
        goal = (expr, strict, frozenset(self.index_ranges.items()))
        if goal in self.active:
            return False  # inside its own proof: not shown here, and not marked failed (see ``active``)
        self.budget[0] -= 1
        mark = len(self.steps)
        self.active.add(goal)
        try:
            ok = self._prove_uncached(expr, strict, depth)
        finally:
            self.active.discard(goal)
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
        for rule in self.rules():
            mark = len(self.steps)
            try:
                shown = rule(expr, strict, depth)
            except Exception:  # noqa: BLE001 - SymPy fails inside some calls (StopIteration out of sum_simplify): not shown
                shown = False
            if shown:
                return True
            del self.steps[mark:]
        return False
