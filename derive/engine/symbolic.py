"""Identities and inequalities decided symbolically: :class:`Simplify` (a difference that simplifies to
zero, or a refutation at a sampled point) and :class:`Sign` (the sign prover of :mod:`softproof.derive.inequalities`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp
from sympy import Basic, Expr

from ..inequalities import SECONDS, SignProver
from ..sign_prover import search_clock
from ..sums import (
    HYPERBOLIC,
    as_exponentials,
    evaluate,
    expand_special,
    index_bounds,
    normal_form,
    resolve_bounded_indices,
    resolve_summation_ranges,
)
from .core import Outcome, Status, _parts, _tex
from .refute import _point_text
from .sampling import numerically_nonzero

TANGENT_APPLICATIONS = 150  # of the 600 rule applications of a sign proof: Gibbs' inequality on the gap as written

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Simplify:
    r"""Prove ``Eq(lhs, rhs)`` by reducing :math:`\mathrm{lhs} - \mathrm{rhs}` to 0.

    ``indices`` are free indices known to lie in ``1..upper`` (resolves the
    ``Piecewise`` that derivatives of sums produce).  ``rewrite`` is an optional
    intermediate form (a derivation step), proved equal to both sides.
    """

    indices: tuple[sp.Symbol, ...] = ()
    upper: Expr | None = None
    substitutions: tuple[tuple[Basic, Basic], ...] = ()
    why_substitutions: str = ""
    facts: tuple[tuple[Basic, Basic], ...] = ()
    bounds: tuple[tuple[sp.Symbol, Expr], ...] = ()  # indices with a range 1..n of their own (declared)

    def run(self, statement: Basic) -> Outcome:
        steps: list[str] = []
        if self.facts:
            steps.append("using " + ", ".join(f"${sp.latex(k)} = {sp.latex(v)}$" for k, v in self.facts))
        for part in _parts(statement):
            if part is sp.true:
                steps.append("SymPy evaluates the statement to True (both sides are the same expression)")
                continue
            if not isinstance(part, sp.Eq):
                return Outcome(Status.UNPROVED, "simplify", [f"not an equation: {_tex(part)}"])
            lhs, rhs = part.lhs, part.rhs
            if self.substitutions:
                subs = dict(self.substitutions)
                lhs, rhs = lhs.xreplace(subs).doit(), rhs.xreplace(subs).doit()
                steps.append(
                    "substitute "
                    + ", ".join(f"{_tex(k)} $\\to$ {_tex(v)}" for k, v in self.substitutions)
                    + (f" ({self.why_substitutions})" if self.why_substitutions else "")
                )
            if not self.facts:
                witness = numerically_nonzero(lhs - rhs)
                if witness is not None:
                    steps.append(f"the two sides differ numerically at {_point_text(witness)}; no symbolic proof attempted")
                    return Outcome(Status.UNPROVED, "simplify", steps)
            residual = normal_form(lhs - rhs, self.indices, self.upper, dict(self.facts), self.bounds)
            if residual == 0:
                steps.append(f"{_tex(lhs)} $-$ {_tex(rhs)} simplifies to $0$")
                continue
            inverse = (sp.atanh, sp.asinh, sp.acosh)
            if residual.has(*inverse):
                as_logs = sp.simplify(sp.expand_log(sp.simplify(residual.rewrite(sp.log))))
                if as_logs == 0:
                    steps.append(
                        f"{_tex(lhs)} $-$ {_tex(rhs)} $=$ {_tex(residual)}; written with logarithms "
                        r"($\operatorname{atanh} x = \frac12 \log\frac{1 + x}{1 - x}$, SymPy's definition) "
                        "and the logarithms expanded (arguments positive), it is $0$"
                    )
                    continue
            if _both_real(lhs, rhs) and normal_form(sp.exp(lhs) - sp.exp(rhs), self.indices, self.upper, bounds=self.bounds) == 0:
                steps.append(
                    rf"both sides are real and $e^{{\mathrm{{lhs}}}} - e^{{\mathrm{{rhs}}}}$ simplifies to $0$ "
                    rf"($\exp$ is injective on $\mathbb{{R}}$): {_tex(lhs)} $=$ {_tex(rhs)}"
                )
                continue
            steps.append(f"difference does not simplify to 0: {_tex(residual)}")
            return Outcome(Status.UNPROVED, "simplify", steps)
        return Outcome(Status.PROVED, "symbolic simplification", steps)


def _both_real(lhs: Expr, rhs: Expr) -> bool:
    from ..sums import expand_special

    evaluated = [expand_special(e).doit() for e in (lhs, rhs)]
    return all(bool(e.is_extended_real) and bool(e.is_finite) for e in evaluated)


# -------------------------------------------------------------- inequalities
@dataclass(frozen=True)
class Sign:
    r"""Prove a relational by showing the sign of :math:`\mathrm{rhs} - \mathrm{lhs}`.

    ``substitutions`` rewrite the statement first (for instance the gap form
    :math:`x_i = m - d_i`, :math:`d_i \ge 0`); their justification is stated.
    """

    size_lower_bounds: tuple[tuple[sp.Symbol, int], ...] = ()
    substitutions: tuple[tuple[Basic, Basic], ...] = ()
    why_substitutions: str = ""
    indices: tuple[sp.Symbol, ...] = ()
    upper: Expr | None = None
    rewrite: Expr | None = None
    facts: tuple[tuple[Basic, Basic], ...] = ()
    bounds: tuple[tuple[sp.Symbol, Expr], ...] = ()  # indices with a range 1..n of their own (declared)

    def run(self, statement: Basic) -> Outcome:
        steps: list[str] = []
        if self.substitutions:
            steps.append(
                "substitute "
                + ", ".join(f"{_tex(k)} $\\to$ {_tex(v)}" for k, v in self.substitutions)
                + (f" ({self.why_substitutions})" if self.why_substitutions else "")
            )
        for part in _parts(statement):
            if part is sp.true:
                steps.append("SymPy evaluates the statement to True from the assumptions")
                continue
            if not isinstance(part, (sp.Le, sp.Lt, sp.Ge, sp.Gt)):
                return Outcome(Status.UNPROVED, "sign analysis", [f"not an inequality: {_tex(part)}"])
            if self.substitutions:
                part = part.xreplace(dict(self.substitutions))
            strict = isinstance(part, (sp.Lt, sp.Gt))
            small, big = (part.lhs, part.rhs) if isinstance(part, (sp.Le, sp.Lt)) else (part.rhs, part.lhs)
            bounded = index_bounds(self.indices, self.upper, self.bounds)
            gap = resolve_bounded_indices(resolve_summation_ranges(evaluate(expand_special(big - small))), bounded)
            written = gap  # before simplify, which may gather every logarithm into one
            try:
                gap = sp.simplify(gap)
            except StopIteration:  # SymPy's sum_simplify on a sum divided by another (its __refactor): keep the gap
                pass
            if gap.has(sp.Product) and not written.has(sp.Product):  # exp(sum log f) folded into a product, which
                gap = written  # no sign rule knows: the gap as written
            if not written.has(*HYPERBOLIC):  # sigma(x)(1 - sigma(x)) simplified to 1/(4 cosh(x/2)^2):
                gap = as_exponentials(gap)  # back in exponentials (their definitions), as written
            if self.rewrite is not None:
                same = Simplify(self.indices, self.upper, facts=self.facts, bounds=self.bounds).run(sp.Eq(gap, self.rewrite))
                if same.status is not Status.PROVED:
                    return Outcome(Status.UNPROVED, "sign analysis", steps + same.steps)
                steps.append(f"rewrite the gap {_tex(gap)} as {_tex(self.rewrite)}")
                steps.extend(same.steps)
                gap = self.rewrite
            ranges = {k: (sp.Integer(1), n) for k, n in bounded}
            prover = SignProver(dict(self.size_lower_bounds), index_ranges=ranges)
            # Gibbs' inequality first on the gap as written, where simplify gathered its logarithms into one, or where it
            # is a sum (the rule alone: the search's other rules may spend its budget first); then every rule on the
            # simplified gap. The rule bounds each log below, and where that bound is
            # false its search spends whatever it is given: at most TANGENT_APPLICATIONS of the shared budget, and the
            # search after it gets a fresh deadline (with the whole budget and the deadline shared, T LSE(x/T) >=
            # LSE(x) spent all 600 applications in 10 s there, and the search below, which proves it with 49, had
            # none; whether it had any depended on the clock)
            ok = False
            if self.rewrite is None and (written != gap or written.has(sp.Sum)) and len(written.atoms(sp.log)) >= 2:
                def gibbs(probe: SignProver, form: Expr = written, sign: bool = strict) -> bool:
                    return probe.by_log_tangent(form, sign)

                ok = prover.within(TANGENT_APPLICATIONS, gibbs)
                prover.deadline[0] = search_clock() + SECONDS
            # simplify may have split a sum of logarithms (n log S - sum x_i) or folded a product's factors into one
            # logarithm ((a - b)(log A - log B) into log((A/B)^(a - b))): the gap as written, after the simplified one;
            # before it where a logarithm's argument became a power with a variable exponent, a form no rule reads
            # (the entropy's derivative in T, log 2 - log S + (a e^(a/T) + b e^(b/T))/(T S), as log((2/S)^(T S))/(T S) + ...)
            folded = written != gap and any(isinstance(f.args[0], sp.Pow) and not f.args[0].exp.is_number for f in gap.atoms(sp.log))
            if folded:
                gap, written = written, gap
            if not ok:  # the rule keeps no steps where it fails
                ok = prover.positive(gap) if strict else prover.nonnegative(gap)
            if not ok and written != gap and (written.has(sp.Sum) or written.is_Mul or folded):
                prover = SignProver(dict(self.size_lower_bounds), index_ranges=ranges)
                ok = prover.positive(written) if strict else prover.nonnegative(written)
            if not ok:
                steps.append(f"could not establish the sign of {_tex(gap)}")
                return Outcome(Status.UNPROVED, "sign analysis", steps)
            steps.extend(prover.steps)
        return Outcome(Status.PROVED, "sign analysis (sum, monotonicity and calculus rules)", steps)
