"""Strategies for a user's statement: a case split on each ``Max``/``Min``/``Abs``/``Piecewise`` (:class:`Cases`) and the
one-variable derivative test (:class:`DerivativeTest`), each with its side conditions in its docstring."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp
from sympy import Basic, Expr

from ..piecewise_cases import compares_reals, condition_gap, first_branch, interval_cases, linear_variable, piecewise_cases
from ..sums import bound_variables, evaluate
from .combinators import CaseSplit, OrderSplit, order_cases
from .core import Outcome, Status, Strategy

__all__ = ["Cases", "DerivativeTest"]

_PIECEWISE = (sp.Max, sp.Min, sp.Abs, sp.Piecewise)  # the terms a case split removes

@dataclass(frozen=True)
class Cases:
    """Split on the first ``Max``/``Min``/``Abs``/``Piecewise`` (a user's, whose condition compares reals) until none
    is left, then run ``base``.

    Side conditions: the split term is outside every sum (a term with a summation
    index in it stands for n terms, not one: splitting it as one value would be
    unsound), and the variable solved for is a real symbol without a sign
    assumption (a substitution must not leave its stated range); two symbols of stated sign are split by their
    order only through :class:`OrderSplit`, whose substitutions keep each in its range.
    """

    base: Strategy
    depth: int = 4

    @staticmethod
    def splits(statement: Basic) -> bool:
        """Whether there is a ``Max``/``Min``/``Abs``/``Piecewise``/``KroneckerDelta`` to split on: without one, ``run`` is
        ``base.run``. A derivative by a vector entry counts where its evaluation leaves a delta outside the sums."""
        return bool(_split_terms(statement)) or _delta_split(statement) is not None

    def run(self, statement: Basic) -> Outcome:
        bound = bound_variables(statement)
        split = _delta_split(statement) if self.depth > 0 else None
        if split is not None:
            return self._on_delta(*split)
        atoms = _split_terms(statement)
        splittable = [a for a in atoms if not (a.free_symbols & bound) and not _inside_sum(a, statement)]
        if not atoms or self.depth == 0:
            return self.base.run(statement)
        if not splittable:
            return Outcome(Status.UNPROVED, "case split", ["every Max/Min/Abs/Piecewise is inside a sum: no split"])
        for term in splittable[:3]:  # the first that can be split (of three at most: each attempt may cost a sign proof)
            out = self._split(statement, term, bound)
            if out is not None:
                return out
        return Outcome(Status.UNPROVED, "case split", ["cannot split on " + ", ".join(f"${sp.latex(a)}$" for a in splittable)])

    def _split(self, statement: Basic, first: Basic, bound: set[Basic]) -> Outcome | None:
        """The case split on one term; None where it cannot be split (no variable to solve for, no proven sign)."""
        if isinstance(first, sp.Piecewise):
            return self._on_piecewise(statement, first, bound)
        left, right = (first.args[0], sp.Integer(0)) if isinstance(first, sp.Abs) else first.args[:2]
        variable = linear_variable(left - right, bound)
        if variable is None:
            by_sign = self._by_sign(statement, first, left, right)
            return by_sign if by_sign is not None else self._by_order(statement, left, right, bound)
        return self._on_linear(statement, left - right, variable)

    def _on_linear(self, statement: Basic, gap: Expr, variable: sp.Symbol | sp.Indexed) -> Outcome | None:
        """The cases gap >= 0 and gap < 0 of a gap linear in ``variable`` (no stated sign), solved for it."""
        # gap = t  <=>  variable = solution(t)
        t = sp.Dummy("t", real=True)
        solution = sp.solve(sp.Eq(gap, t), variable, dict=True)
        if len(solution) != 1:
            return None
        as_gap = statement.xreplace({variable: solution[0][variable]})
        return CaseSplit(t, sp.Integer(0), Cases(self.base, self.depth - 1)).run(as_gap)

    def _by_order(self, statement: Basic, left: Expr, right: Expr, bound: set[Basic]) -> Outcome | None:
        r"""A split on the order of what a ``Max``/``Min``/``Abs`` compares where its gap solves for no variable of no
        stated sign: where left and right are :math:`e^A, e^B` or :math:`\log A, \log B`, on :math:`A - B` (the sign
        of the gap, both being increasing; linear in a variable, solved for it), and where a gap is :math:`\pm(u - v)`
        for real symbols of stated signs, on their order by :class:`OrderSplit` (``positive`` a and b: a = b + t, t >= 0,
        or b = a + t, t > 0), after which the term is decided by the sign of its gap. Soundness: a split on the sign of
        any real quantity covers every point (each case's substitution argued in ``CaseSplit`` and ``OrderSplit``);
        which quantity is chosen only decides whether the cases are then proven."""
        gaps = [left - right]
        if type(left) is type(right) and isinstance(left, (sp.exp, sp.log)):
            gaps.insert(0, left.args[0] - right.args[0])
        for gap in gaps:
            variable = linear_variable(gap, bound)
            out = None if variable is None else self._on_linear(statement, gap, variable)
            if out is None:
                pair = _symbol_difference(gap, bound)
                cases = None if pair is None else order_cases(*pair)
                out = None if cases is None else OrderSplit(cases, Cases(self.base, self.depth - 1)).run(statement)
            if out is not None:
                return out
        return None

    def _by_sign(self, statement: Basic, first: Expr, left: Expr, right: Expr) -> Outcome | None:
        r"""A ``Max``/``Min``/``Abs`` whose argument solves for no variable, replaced by the argument its proven sign
        picks: where :math:`u = \mathrm{left} - \mathrm{right} \ge 0` for every value of the variables,
        :math:`|u| = u`, :math:`\max = \mathrm{left}`, :math:`\min = \mathrm{right}` (and the mirror for
        :math:`u \le 0`). Soundness: the replacement equals the function everywhere. After the split a = b + t of
        :math:`|e^a - e^b| \le e^{\max(a, b)} |a - b|`, the inner :math:`e^{b + t} - e^b \ge 0`."""
        from ..inequalities import SignProver

        gap = sp.simplify(left - right)
        for sign, picked in ((1, left), (-1, right)):
            if SignProver({}).nonnegative(sign * gap):
                value = sign * gap if isinstance(first, sp.Abs) else picked if isinstance(first, sp.Max) else \
                    (right if sign == 1 else left)
                out = Cases(self.base, self.depth - 1).run(statement.xreplace({first: value}))
                relation = r"\ge" if sign == 1 else r"\le"
                step = f"${sp.latex(gap)} {relation} 0$ for every value: ${sp.latex(first)} = {sp.latex(value)}$"
                return Outcome(out.status, "case split; " + out.method if out.status is Status.PROVED else "case split",
                               [step, *out.steps])
        return None

    def _on_piecewise(self, statement: Basic, piecewise: sp.Piecewise, bound: set[Basic]) -> Outcome | None:
        r"""The pieces of the real line that numeric thresholds of one variable cut (:func:`~softproof.derive.piecewise_cases.interval_cases`),
        else the two cases of the first condition (:func:`~softproof.derive.piecewise_cases.piecewise_cases`; each argued
        there); where the condition's gap solves for no variable, the branch a proven sign of the gap picks
        (:meth:`_piecewise_by_sign`)."""
        cases = interval_cases(statement, piecewise, bound) or piecewise_cases(statement, piecewise, bound)
        if cases is not None:
            return self._each_case([(f"${label}$", case) for label, case in cases])
        value, condition, otherwise = first_branch(piecewise)
        found = condition_gap(condition)
        return None if found is None else self._piecewise_by_sign(statement, piecewise, *found, value, otherwise)

    def _each_case(self, cases: list[tuple[str, Basic]]) -> Outcome:
        """Proved where every case (its label, its statement) is, split further where it has a term to split."""
        steps: list[str] = []
        for label, case in cases:
            out = Cases(self.base, self.depth - 1).run(case)
            steps.append(f"case {label}: {out.status}")
            steps += out.steps
            if out.status is not Status.PROVED:
                return Outcome(Status.UNPROVED, "case split", steps)
        return Outcome(Status.PROVED, "case split; " + out.method, steps)

    def _piecewise_by_sign(self, statement: Basic, piecewise: sp.Piecewise, gap: Expr, strict: bool, value: Expr,
                           otherwise: Expr) -> Outcome | None:
        """A Piecewise whose condition's gap solves for no variable: the branch a sign of the gap proven for every value
        picks (the condition holds everywhere, or fails everywhere); else not split."""
        from ..inequalities import SignProver

        simple = sp.simplify(gap)
        for holds, picked in ((True, value), (False, otherwise)):
            sign_gap = simple if holds else -simple
            shown = SignProver({}).positive(sign_gap) if holds == strict else SignProver({}).nonnegative(sign_gap)
            if shown:
                out = Cases(self.base, self.depth - 1).run(statement.xreplace({piecewise: picked}))
                relation = (">" if strict else r"\ge") if holds else (r"\le" if strict else "<")
                step = f"${sp.latex(gap)} {relation} 0$ for every value: ${sp.latex(piecewise)} = {sp.latex(picked)}$"
                return Outcome(out.status, "case split; " + out.method if out.status is Status.PROVED else "case split",
                               [step, *out.steps])
        return None

    def _on_delta(self, statement: Basic, delta: sp.KroneckerDelta, name: sp.Symbol, other: Expr) -> Outcome:
        r"""The two cases of :math:`\delta_{name, other}`: name = other (name replaced by other everywhere, where
        SymPy evaluates the delta to 1) and name != other (the delta replaced by 0, the inequality of the two
        forgotten: proving the case for every pair of values is a generalisation). Soundness: two integers are equal
        or not, and each case is proven for a superset of its points."""
        return self._each_case([(f"${sp.latex(name)} = {sp.latex(other)}$", statement.xreplace({name: other})),
                                (f"${sp.latex(name)} \\ne {sp.latex(other)}$", statement.xreplace({delta: sp.Integer(0)}))])


def _has_delta(statement: Basic) -> bool:
    """A ``KroneckerDelta`` written, or one that a derivative with respect to a vector entry will give."""
    return bool(statement.atoms(sp.KroneckerDelta)) or any(d.atoms(sp.Indexed) for d in statement.atoms(sp.Derivative))


@lru_cache(maxsize=64)
def _delta_split(statement: Basic) -> tuple[Basic, sp.KroneckerDelta, sp.Symbol, Expr] | None:
    """(the statement evaluated, where a derivative of an entry gives its delta; the delta to split on; its symbol; the
    other argument), or None; remembered, since ``splits`` and ``run`` ask for the same statement's."""
    if not _has_delta(statement):
        return None
    done = evaluate(statement)
    delta = _splittable_delta(done, bound_variables(done))
    return None if delta is None else (done, *delta)


def _splittable_delta(statement: Basic, bound: set[Basic]) -> tuple[sp.KroneckerDelta, sp.Symbol, Expr] | None:
    """The first ``KroneckerDelta`` outside every sum with an integer symbol argument free in the statement, that
    symbol, and the other argument."""
    for delta in sorted(statement.atoms(sp.KroneckerDelta), key=sp.default_sort_key):
        if delta.free_symbols & bound or _inside_sum(delta, statement, (sp.KroneckerDelta,)):
            continue
        for name, other in (delta.args, delta.args[::-1]):
            if isinstance(name, sp.Symbol) and name.is_integer and name not in bound:
                return delta, name, other
    return None


def _split_terms(statement: Basic) -> list[Basic]:
    """The ``Max``/``Min``/``Abs`` terms and the ``Piecewise`` ones whose first condition compares real expressions (a
    user's; SymPy's own, from a sum's range, compare integers), in a fixed order: the Piecewise last, since its pieces
    put rational functions of a new variable in place of x (|x| on -1 < x < 1 is no longer split), where a Max/Min/Abs
    split first leaves a variable of known sign, whose range the Piecewise's pieces then cut."""
    return sorted((a for a in statement.atoms(*_PIECEWISE) if not isinstance(a, sp.Piecewise) or compares_reals(a.args[0][1])),
                  key=lambda a: (isinstance(a, sp.Piecewise), sp.default_sort_key(a)))


def _symbol_difference(gap: Expr, bound: set[Basic]) -> tuple[sp.Symbol, sp.Symbol] | None:
    """(u, v) where ``gap`` is u - v or v - u for two real symbols, not integers (a size or an index is no real
    variable), free in the statement (u, v in name order), else None."""
    symbols = sorted((s for s in gap.free_symbols if isinstance(s, sp.Symbol) and s.is_real and not s.is_integer
                      and s not in bound), key=str)
    if len(symbols) != 2 or gap.free_symbols != set(symbols):
        return None
    u, v = symbols
    return (u, v) if sp.expand(gap - (u - v)) == 0 or sp.expand(gap + (u - v)) == 0 else None


def _inside_sum(atom: Basic, statement: Basic, kinds: tuple[type, ...] = _PIECEWISE) -> bool:
    return any(atom in s.function.atoms(*kinds) for s in statement.atoms(sp.Sum))


@dataclass(frozen=True)
class DerivativeTest:
    r"""One real variable: :math:`f = \mathrm{lhs} - \mathrm{rhs}` real and continuous on a connected
    domain, :math:`f' \equiv 0` symbolically and :math:`f(p) = 0` exactly give :math:`f \equiv 0`.

    Side condition: :math:`f` must be real-valued (SymPy's assumptions say so for every
    sub-expression); a complex-valued :math:`f` with :math:`f' = 0` is constant on a
    connected domain only where it is also continuous as a complex function, which
    SymPy's real continuity check does not see (``log(exp(I*x)) - I*x``).
    """

    def run(self, statement: Basic) -> Outcome:
        if not isinstance(statement, sp.Eq):
            return Outcome(Status.UNPROVED, "derivative test", [])
        f = statement.lhs - statement.rhs
        free = [s for s in f.free_symbols if isinstance(s, sp.Symbol)]
        if len(free) != 1 or f.has(sp.Sum) or f.atoms(sp.Indexed):
            return Outcome(Status.UNPROVED, "derivative test", ["needs exactly one real variable"])
        if not all(e.is_extended_real for e in sp.preorder_traversal(f) if isinstance(e, Expr)):
            return Outcome(Status.UNPROVED, "derivative test", ["f is not known to be real-valued"])
        (x,) = free
        domain = sp.Interval.open(0, sp.oo) if x.is_positive else sp.Interval(0, sp.oo) if x.is_nonnegative else sp.S.Reals
        try:
            continuous = sp.calculus.util.continuous_domain(f, x, domain)
        except (NotImplementedError, ValueError, TypeError):
            return Outcome(Status.UNPROVED, "derivative test", ["continuity could not be established"])
        if continuous != domain:
            return Outcome(Status.UNPROVED, "derivative test", [f"not continuous on ${sp.latex(domain)}$"])
        from ..sums import normal_form

        if normal_form(sp.diff(f, x)) != 0:
            return Outcome(Status.UNPROVED, "derivative test", ["the derivative does not simplify to 0"])
        point = sp.Integer(1) if x.is_positive else sp.Integer(0)
        if sp.simplify(f.subs(x, point)) != 0:
            return Outcome(Status.UNPROVED, "derivative test", [f"f({point}) does not simplify to 0"])
        return Outcome(
            Status.PROVED,
            "derivative test (f' = 0 and f(p) = 0 on a connected domain)",
            [f"$f' = 0$ on ${sp.latex(domain)}$, where $f$ is continuous", f"$f({point}) = 0$"],
        )
