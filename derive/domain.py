r"""Where an expression is defined over the reals, read off the expression *as written*.

The parser keeps the user's expression unevaluated (:mod:`softproof.derive.parsing`), so
``exp(log(x))`` still shows its logarithm and ``sqrt(x)**2`` its square root.
:func:`conditions` lists what every operation needs to be real (the same rules
as the enclosures of :mod:`softproof.derive.enclosure`):

==================  ==============================================
``log(u)``          :math:`u > 0`
``log1p(u)``        :math:`1 + u > 0`
``u**(-k)``         :math:`u \ne 0` (``k`` a positive integer; ``1/u`` is ``u**-1``)
``u**(p/q)``        :math:`u \ge 0` (:math:`u > 0` if :math:`p/q < 0`); ``sqrt`` is ``u**(1/2)``
``u**v``            :math:`u > 0` (``v`` not a number)
==================  ==============================================

A condition inside ``Sum(f, (i, lo, hi))`` must hold for every index of the
range: it carries the enclosing limits. A condition inside a branch of ``Piecewise`` must hold
where the branch is taken only: it is guarded by the branch's condition (:func:`_walk_piecewise`).  The statement ``lhs REL rhs`` means:
for every admissible value of the symbols *at which both sides are defined*.
:mod:`softproof.derive.check` decides whether the stated assumptions imply every
condition; where they do not it says so and never answers ``proved``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import sympy as sp
from sympy import Basic, Expr
from sympy.codegen.cfunctions import log1p

from . import enclosure
from .engine.sampling import instantiate, karr_terms
from .inequalities import SignProver, signed_constants
from .sums import evaluate, expand_special
from .translator import evaluated

__all__ = ["Condition", "conditions", "holds_at", "follows", "sign_form"]


@dataclass(frozen=True)
class Condition:
    """``expr > 0`` (kind ``positive``), ``>= 0`` (``nonnegative``) or ``!= 0`` (``nonzero``) for every index in ``limits``."""

    expr: Expr
    kind: str
    limits: tuple[tuple[sp.Symbol, Expr, Expr], ...]
    why: str

    def text(self) -> str:
        op = {"positive": ">", "nonnegative": ">=", "nonzero": "!="}[self.kind]
        scope = "".join(f" for {sp.sstr(v)} in {sp.sstr(lo)}..{sp.sstr(hi)}" for v, lo, hi in self.limits)
        return f"{sp.sstr(self.expr)} {op} 0{scope} ({self.why})"


def conditions(expr: Basic) -> list[Condition]:
    """Every definedness condition of the unevaluated ``expr``, outermost first, without repeats."""
    out: dict[tuple[Basic, str, tuple[object, ...]], Condition] = {}
    for c in _walk(expr, ()):
        out.setdefault((c.expr, c.kind, c.limits), c)
    return list(out.values())


def _walk(e: Basic, limits: tuple[tuple[sp.Symbol, Expr, Expr], ...]) -> Iterator[Condition]:
    if isinstance(e, sp.Sum):
        for var, lo, hi in e.limits:
            yield from _walk(lo, limits)
            yield from _walk(hi, limits)
            limits = (*limits, (var, lo, hi))
        yield from _walk(e.function, limits)
        return
    if isinstance(e, sp.Derivative):
        yield from _walk(e.expr, limits)
        return
    if isinstance(e, sp.Piecewise):
        yield from _walk_piecewise(e, limits)
        return
    if isinstance(e, sp.log):
        yield Condition(e.args[0], "positive", limits, f"log needs a positive argument: {sp.sstr(e)}")
    elif isinstance(e, log1p):
        yield Condition(sp.Add(1, e.args[0]), "positive", limits, f"log1p needs an argument > -1: {sp.sstr(e)}")
    elif isinstance(e, sp.Pow):
        base, exponent = e.args
        if exponent.is_Integer:
            if exponent < 0:
                yield Condition(base, "nonzero", limits, f"division by {sp.sstr(base)}")
        elif exponent.is_Rational:
            kind = "positive" if exponent < 0 else "nonnegative"
            yield Condition(base, kind, limits, f"a real {sp.sstr(exponent)} power needs a non-negative base: {sp.sstr(e)}")
        else:
            yield Condition(base, "positive", limits, f"a real power with exponent {sp.sstr(exponent)} needs a positive base")
    for a in e.args:
        if isinstance(a, Basic) and not isinstance(a, (sp.Symbol, sp.Indexed, sp.Number)):
            yield from _walk(a, limits)


def _walk_piecewise(e: sp.Piecewise, limits: tuple[tuple[sp.Symbol, Expr, Expr], ...]) -> Iterator[Condition]:
    """A branch's conditions hold where the branch is taken: each is guarded, its expression ``u`` becoming
    ``Piecewise((1, c_1), ..., (u, c_k), (1, True))`` (1 where an earlier condition holds or c_k fails), which meets the
    kind exactly where the branch is not taken or u meets it. The comparisons' own conditions are kept unguarded (a
    stronger demand: a statement is only the less often decided for it, never wrongly)."""
    earlier: list[Basic] = []
    for value, condition in e.args:
        for relational_side in (condition.args if isinstance(condition, sp.core.relational.Relational) else ()):
            yield from _walk(relational_side, limits)
        for c in _walk(value, limits):
            placeholder = sp.Integer(1)  # meets every kind: positive, non-negative, non-zero
            guarded = sp.Piecewise(*((placeholder, before) for before in earlier), (c.expr, condition), (placeholder, True))
            yield Condition(guarded, c.kind, c.limits, f"{c.why}, where {sp.sstr(condition)}")
        earlier.append(condition)


def sign_form(expr: Basic) -> Expr:
    """``expr`` as the sign rules read it: evaluated, ``log1p``/``expm1`` replaced by their definitions (an
    identity), so that rules which know ``exp`` and ``log`` see ``-expm1(-x) > 0`` as ``1 - exp(-x) > 0``."""
    return evaluate(expand_special(evaluated(expr)))


def follows(condition: Condition) -> bool:
    """The assumptions on its symbols imply ``condition`` for every index of its range (sign rules), read in
    :func:`sign_form`: first with each index written ``lo + k`` for a non-negative integer ``k``
    (:func:`_within_range`), then with the indices taken as any integers."""
    ranged = _within_range(condition)
    return (ranged is not None and _follows(ranged)) or _follows(condition)


def _within_range(condition: Condition) -> Condition | None:
    r"""``condition`` with each index ``i`` of a range ``lo..hi`` replaced by ``lo + k_i`` (``k_i`` a fresh
    non-negative integer), or None where some range may be reversed.

    Soundness: under Karr's convention (:func:`~softproof.derive.engine.sampling.karr_terms`) a range with
    :math:`hi \ge lo - 1` has the terms :math:`i = lo, \dots, hi`, every one of the form :math:`lo + k`,
    :math:`k \ge 0`, so a condition proved for every such ``k`` holds on the range; a reversed range
    (:math:`hi < lo - 1`) has the terms :math:`hi + 1, \dots, lo - 1`, below ``lo``, so the substitution is made
    only where :math:`hi - lo + 1 \ge 0` is proved from the assumptions (with the outer indices already
    substituted). Inner ranges may depend on outer indices; they are rewritten in the same substitution.
    """
    if not condition.limits:
        return None
    prover = SignProver()
    replacements: dict[Basic, Expr] = {}
    for var, lo, hi in condition.limits:
        lo_at, hi_at = lo.xreplace(replacements), hi.xreplace(replacements)
        if not prover.nonnegative(sign_form(hi_at - lo_at + 1)):
            return None
        excess = sp.Dummy(f"{var}_excess", integer=True, nonnegative=True)
        replacements[var] = lo_at + excess
    return Condition(condition.expr.xreplace(replacements), condition.kind, (), condition.why)


def _follows(condition: Condition) -> bool:
    """:func:`follows` of one form of ``condition``: its indices (if any are left) taken as any integers."""
    expr = sign_form(condition.expr)
    if expr.has(sp.Piecewise):  # a branch's condition (:func:`_walk_piecewise`): by cases on the branches
        from .engine.splits import Cases
        from .engine.symbolic import Sign

        claim = sp.StrictGreaterThan(expr**2, 0, evaluate=False) if condition.kind == "nonzero" else \
            (sp.StrictGreaterThan if condition.kind == "positive" else sp.GreaterThan)(expr, 0, evaluate=False)
        return Cases(Sign()).run(claim).status.name == "PROVED"
    prover = SignProver()
    if condition.kind == "positive":
        return prover.positive(expr)
    if condition.kind == "nonnegative":
        return prover.nonnegative(expr)
    return bool(signed_constants(expr).is_nonzero) or prover.positive(expr) or SignProver().positive(-expr)


def holds_at(condition: Condition, point: Mapping[Basic, object]) -> bool:
    """True where an enclosure certifies the condition at ``point`` for every index of its range."""
    ranges: list[tuple[sp.Symbol, range]] = []
    for var, lo, hi in condition.limits:
        lo_v, hi_v = instantiate(lo, point), instantiate(hi, point)
        if not (lo_v.is_Integer and hi_v.is_Integer):
            return False  # a limit that depends on an outer index: not certified here
        terms, _ = karr_terms(int(lo_v), int(hi_v))  # Karr's convention: a reversed range's terms hi+1 .. lo-1
        ranges.append((var, terms))
        if len(terms) > 65:
            return False
    for values in itertools.product(*(terms for _, terms in ranges)):
        value = instantiate(condition.expr.xreplace(dict(zip([r[0] for r in ranges], values, strict=True))), point)
        try:
            s = enclosure.sign(value)
        except (enclosure.NotReal, enclosure.Unsupported):
            return False
        ok = {"positive": s == 1, "nonnegative": s in (0, 1), "nonzero": s in (1, -1)}[condition.kind]
        if not ok:
            return False
    return True
