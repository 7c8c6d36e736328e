r"""The floating-point claims (``fp.*``, source ``codegen``): rounding errors of the printed C pieces,
proved by Gappa from the scripts of :mod:`~softproof.codegen.backends.gappa.scripts`, and composed.

Each Gappa claim states a bound; :class:`GappaBound` runs the script, reads the enclosure Gappa proved
for the error and compares. A composed claim (:class:`ComposedBound`) decides its parts first and
combines their stated bounds in exact rational arithmetic, with the argument written beside the
combining function. Statements are written with ``fl(e)``, the value of ``e`` as the C source
evaluates it (every operation rounded to nearest-even binary64, FMAs fused, in the printed order,
which the source pins: no contraction). Without Gappa the claims are unproved and said so
(``skipped``), which does not make ``prove`` fail.

Proved: the exp kernel end to end for normal results (reduction, polynomial evaluation,
approximation: fp.exp.float64, 1.4375 u), the log1p kernel in double-double (fp.log1p.float64,
2^-56 relative, the bound logsumexp's certificate uses), sigmoid in float64 for every input
(fp.sigmoid.float64, 3 ULP, from five ranges; its quotient num/(1 + decay) rounds once up to
O(u^2)), logsumexp's first stage wherever it certifies (fp.logsumexp.certified.*, 1 ULP, from the
row sums' bound fp.logsumexp.terms.*, whose Sum2 part gamma_(n-1)^2 the C code adds at run time), the
double-double exp and logsumexp's second stage (fp.exp.dd.float64, fp.logsumexp.certified_dd.float64), its raised stage
for rows one maximum dominates with terms below the double range (fp.logsumexp.certified_raised.float64),
one merge of two states, the assemblies of softmax, log_softmax, cross_entropy, log_sigmoid and
softplus (fp.<function>.float64/float32), logit and log1mexp (both dtypes), the backward kernels softmax_backward
and log_softmax_backward (mixed bounds: their results cancel, so the error is bounded by the sizes that cancel)
the fast tier's float32 kernels (fp.*.fast.float32), logmeanexp's first stage wherever it certifies
(fp.logmeanexp.certified.*), and the correctly rounded float32 sigmoid, log_sigmoid, softplus, log1mexp and logit
(fp.<function>.float32.cr: rounding tests over the proved bounds, and sweeps of every float32); for the build without
FMA hardware, the twins (:func:`portable_twin`) of all of those (PORTABLE_ULPS, PORTABLE_CERTIFIED, the backward and
fast claims, PORTABLE_CR), where a part's bound is larger there at its twin's own bound; logsumexp's long double and
triple-double stages (fp.logsumexp.certified_wide.float64, fp.logsumexp.certified_triple.float64, the triple-double
arithmetic fp.triple.*, whose bounds live in triple_bounds.py and wide_bounds.py) and logmeanexp's triple-double stage
(fp.logmeanexp.certified_triple.float64), and the float32 results those stages and the raised one decide correctly
rounded (fp.logsumexp.certified_{raised,wide,triple}.float32.cr: the rounding tests of decisions.py and
triple_bounds.triple_single_decided over the stages' bounds); logsumexp_backward, g p rounded once
(fp.logsumexp_backward.*); the mergeable states' triple-double paths (fp.state.refine_triple, fp.state.merge_triple,
fp.state.finish_triple); cross_entropy with label smoothing, composed in long double from the kernels' values
(fp.cross_entropy.label_smoothing.*); and the twins of all of these for the build without FMA hardware (PORTABLE_LATER:
their C runs the same operations there, its residuals SP_PRODUCT_RESIDUAL the FMA's values, so their scripts print alike
and are run under their own names, scripts.same_in_both_builds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import partial

import sympy as sp

from softproof.derive import exp_kernel as ek
from softproof.derive import log1p_kernel as lk
from softproof.derive.claims import Claim
from softproof.derive.engine import Outcome, Status
from softproof.derive.exp_kernel import RADIUS
from softproof.derive.sources import CODEGEN

from ...kernels import LOGSUMEXP_ERRORS, RAISED_STAGE
from ..c.pieces import LOG1MEXP_NEAR, LOG1MEXP_SMALL, LOG1MEXP_SPLIT, LOG1MEXP_TINY, LOGMEANEXP_ETA
from . import prover
from . import triple_bounds as tb
from . import wide_bounds as wb
from .decisions import FLOAT32_DECISION, ends_decision_covers
from .printer import portable_build, printing_fused
from .prover import GAPPA_MISSING, Enclosure, run_gappa
from .scripts import (
    EXP_ERROR,
    EXP_ERROR_SINGLE,
    FAST_LOG1P_RANGES,
    PORTABLE_SUFFIX,
    RELATIVE_SIGMOID_BRANCHES,
    GappaScript,
    render,
    same_in_both_builds,
    script,
)
from .scripts import SIGMOID_BRANCHES as SIGMOID_BRANCH_NAMES
from .units import WITHIN_ULP, U, exp_upper

__all__ = ["GappaBound", "CLAIMS", "FL", "PROVED_FAST_ULPS", "proved_fast_ulps"]

FL = sp.Function("fl")  # fl(e): e evaluated as the printed C evaluates it


def with_double_rounding(rho: Fraction) -> Fraction:
    r"""The relative error :math:`(1 + \rho)(1 + u) - 1` of a value within :math:`\rho` of the truth once rounded to
    binary64 (round to nearest: :math:`|\delta| \le u`)."""
    return (1 + rho) * (1 + U) - 1


def _log2(value: Fraction) -> float:
    """log2 of a positive rational, from its integers (a float conversion would underflow below 2^-1074)."""
    import math

    return math.log2(value.numerator) - math.log2(value.denominator)


def _power_of_two(value: Fraction) -> str:
    return f"2^{_log2(value):.3f}" if value > 0 else "0"


def _enclosure_text(enclosure: Enclosure) -> str:
    """One run's enclosure, for a timed report: Gappa's search depends on heap addresses (ASLR), so the
    same script proves 2^-51.71 in one run and 2^-51.44 in the next (measured in CI); the committed report
    states only the claim's bound, which every accepted run proves."""
    magnitude = f"2^{_log2(enclosure.magnitude):.3f}" if enclosure.magnitude > 0 else "0"
    return f"[{float(enclosure.low):.3g}, {float(enclosure.high):.3g}] (magnitude {magnitude})"


_DECIDED: dict[tuple[str, str | None], Outcome] = {}


def _decide(claim: Claim) -> Outcome:
    """A part's outcome, decided once per process and Gappa (the sigmoid branches all rest on fp.exp.float64)."""
    key = (claim.id, prover.gappa_executable())
    if key not in _DECIDED:
        _DECIDED[key] = claim.strategy.run(claim.statement)
    return _DECIDED[key]


_RUNS: dict[tuple[str, str, int, int], tuple[list[Enclosure], str]] = {}

GAPPA_RUNS = 5
"""Gappa's search is not deterministic: on the same script a run now and then proves a wider enclosure
(measured here: fp_sigmoid_nonnegative.g gave 2^-52.22 in 19 of 20 runs and 2^-51.7 in one; the
log1p scripts' enclosures differ in their last digits from run to run). Every run's enclosures are
theorems, each checked by Gappa on its own, so a claim whose bound one run meets is proved; a claim
is tried up to this many times before it is reported unproved."""


def _run_once(text: str, precision: int, attempt: int = 0) -> tuple[list[Enclosure], str]:
    """Gappa's enclosures for a script, run once per process, Gappa and ``attempt`` (a claim and the
    composed claims that rest on it read the same run)."""
    program = prover.gappa_executable()
    if program is None:
        raise FileNotFoundError(GAPPA_MISSING)
    key = (program, text, precision, attempt)
    if key not in _RUNS:
        _RUNS[key] = run_gappa(text, precision=precision)
    return _RUNS[key]


def _first_unproved(claims: tuple[Claim, ...]) -> tuple[Claim, Outcome] | None:
    """The first of ``claims`` that is not proved here (decided once per process), with its outcome."""
    for needed in claims:
        outcome = _decide(needed)
        if outcome.status is not Status.PROVED:
            return needed, outcome
    return None


def _parts_proved(parts: tuple[Claim, ...], method: str) -> list[str] | Outcome:
    """The steps saying each of ``parts`` is proved, or the unproved Outcome naming the first that is not."""
    if (failed := _first_unproved(parts)) is not None:
        part, outcome = failed
        return Outcome(Status.UNPROVED, method, [f"{part.id} is not proved here: {outcome.steps[:1]}"], skipped=outcome.skipped)
    return [f"{part.id}: proved" for part in parts]


def _decision_outcome(parts: tuple[Claim, ...], method: str, failure: str | None, success: str) -> Outcome:
    """A rounding decision's claim: its parts proved first (:func:`_parts_proved`), then unproved with ``failure`` where
    the decision's check (exact rational arithmetic, computed by the caller) failed, else proved with ``success``."""
    steps = _parts_proved(parts, method)
    if isinstance(steps, Outcome):
        return steps
    if failure is not None:
        return Outcome(Status.UNPROVED, method, [*steps, failure])
    return Outcome(Status.PROVED, method, [*steps, success])


@dataclass(frozen=True)
class GappaBound:
    """Prove ``|goal| <= bound`` (and ``|extra goal k| <= extra[k]``) by running the Gappa script
    ``script_name``: Gappa derives each enclosure (``goal in ?``), the claim compares."""

    script_name: str
    bound: Fraction
    extra: tuple[Fraction, ...] = ()
    requires: tuple[Claim, ...] = ()  # claims whose bounds the script's hypotheses state (decided first)

    def run(self, statement: sp.Basic) -> Outcome:
        del statement  # the script is the formal content; the statement is its reading
        try:
            item = script(self.script_name)
        except KeyError as missing:
            return Outcome(Status.UNPROVED, f"Gappa on {self.script_name}", [str(missing.args[0])])
        method = f"Gappa on generated/gappa/{item.filename}"
        if (failed := _first_unproved(self.requires)) is not None:
            needed, outcome = failed
            return Outcome(Status.UNPROVED, method, [f"{needed.id}, which the hypotheses state, is not proved here"],
                           skipped=outcome.skipped)
        outcome = Outcome(Status.UNPROVED, method, [])
        for attempt in range(GAPPA_RUNS):  # Gappa's search varies between runs (GAPPA_RUNS)
            try:
                enclosures, output = _run_once(render(item), item.precision, attempt)
            except FileNotFoundError:
                return Outcome(Status.UNPROVED, method, [GAPPA_MISSING], skipped=GAPPA_MISSING)
            outcome = self._compare(item, method, enclosures, output)
            if outcome.status is Status.PROVED:
                break
        return outcome

    def _compare(self, item: GappaScript, method: str, enclosures: list[Enclosure], output: str) -> Outcome:
        """One run's enclosures against the claim's bounds."""
        steps: list[str] = []
        observed: list[str] = []
        wider: list[str] = []
        if unequal := prover.unequal_hints(output):
            return Outcome(Status.UNPROVED, method, ["Gappa rewrote with a hint that is not an identity (its enclosures prove "
                                                     f"nothing): {unequal[0][:300]}"])
        for goal, bound in zip((item.goal, *item.extra_goals), (self.bound, *self.extra), strict=True):
            found = [e for e in enclosures if e.expression.replace(" ", "") == goal.replace(" ", "")]
            if not found:
                return Outcome(Status.UNPROVED, method, [f"Gappa proved no enclosure of {goal}:", *output.splitlines()[-4:]])
            enclosure = found[0]
            steps.append(f"Gappa proved |{goal}| <= {_power_of_two(bound)}, the claim's bound")
            observed.append(f"Gappa's enclosure of {goal}: {_enclosure_text(enclosure)}")
            if enclosure.magnitude > bound:
                wider.append(f"Gappa proved {goal} in {_enclosure_text(enclosure)}, wider than the claim's bound "
                             f"{_power_of_two(bound)} (the last of {GAPPA_RUNS} runs; none proved the bound)")
        if not wider:
            return Outcome(Status.PROVED, method, steps, observed=observed)
        return Outcome(Status.UNPROVED, method, wider)


@dataclass(frozen=True)
class ComposedBound:
    r"""Prove a bound composed from proved parts: each part claim is decided first (all must be
    proved), then ``combine`` computes, in exact rational arithmetic, a bound that follows from the
    parts' stated bounds; the claim holds when that is at most ``bound``. The soundness argument of
    ``combine`` is written next to it."""

    parts: tuple[Claim, ...]
    combine: Callable[[], Fraction]
    bound: Fraction
    in_ulps: bool = False  # the bound counts ULPs (else it is a relative error)
    unit: Fraction = U  # the unit roundoff a relative bound is printed in (binary64's u, or binary32's)
    # a portable twin's composition: combine runs inside portable_build(), where the bounds that differ in that build
    # (exp_tail_bound(), exp_dd_bound(), ...) are that build's, as its parts state them
    portable: bool = False

    def run(self, statement: sp.Basic) -> Outcome:
        del statement
        method = "composition of " + ", ".join(part.id for part in self.parts)
        steps = _parts_proved(self.parts, method)
        if isinstance(steps, Outcome):
            return steps
        if self.portable:
            with portable_build():
                combined = self.combine()
        else:
            combined = self.combine()
        if self.in_ulps:
            steps.append(f"combined bound {combined} ULP; the claim's bound is {self.bound} ULP")
        else:
            unit = "u" if self.unit == U else f"2^{_log2(self.unit):.0f}"
            steps.append(f"combined bound {_power_of_two(combined)} ({float(combined / self.unit):.4f} {unit}); the claim's bound is "
                         f"{_power_of_two(self.bound)} ({float(self.bound / self.unit):.4f} {unit})")
        return Outcome(Status.PROVED if combined <= self.bound else Status.UNPROVED, method, steps)


r, z, decay, md = sp.symbols("r z decay M_d")


def _sym(bound: Fraction) -> sp.Rational:
    """A bound as the SymPy number of a claim's statement: the statement and the check read one value."""
    return sp.Rational(bound.numerator, bound.denominator)


def _relative(expr: sp.Expr) -> sp.Expr:
    return sp.Abs((FL(expr) - expr) / expr)


def _fp_claim(claim_id: str, quote: str, statement: sp.Basic,
              strategy: "GappaBound | ComposedBound | CorrectlyRounded | DecidedCorrectlyRounded | DecidedFromDouble",
              assumptions: tuple[str, ...], formats: str = "binary64") -> Claim:
    """A claim about the printed C operations, evaluated in ``formats`` (the fast tier's: binary32 and binary64)."""
    return Claim(id=claim_id, source=CODEGEN, quote=quote, statement=statement, strategy=strategy,
                 expected=Status.PROVED, assumptions=(f"{formats}, round to nearest even; the operations and their order as printed in "
                                                      "generated/c/softmax.c (no contraction: the source pins it)", *assumptions))


P = sp.Function("P")(r)
R_POLY = sp.Function("R")(z)
a, b, k = sp.symbols("a b k")
EXP_POLY_BOUND = Fraction(117, 100) * U  # Gappa: 1.1615 u
# one rounding of half an ulp of 0.35; the correction's, and k (ln 2 - ln2_hi - ln2_lo); Gappa: 2^-55 (1 + 2^-31.9), and
# (1 + 2^-31.0) in the portable build, whose product k ln2_lo rounds once more
EXP_REDUCE_BOUND = Fraction(1, 2**55) + Fraction(1, 2**85)
EXP_BOUND = Fraction(float.fromhex(EXP_ERROR))  # 0x1.7p-53 = 1.4375 u, the element-wise scripts' hypothesis


RADIUS_BOUND = Fraction(str(RADIUS))
LOG1P_R_BOUND = Fraction(1, 2**58)

def _reduce_claim(claim_id: str, quote: str, script_name: str, bound: Fraction, shifter: str, formats: str = "binary64") -> Claim:
    """|r - (a + b - k ln 2)| <= bound and |r| <= RADIUS for an exp kernel's reduction (Gappa, ``script_name``)."""
    return _fp_claim(
        claim_id, quote,
        sp.And(sp.Le(sp.Abs(FL(r) - (a + b - k * sp.log(2))), _sym(bound)), sp.Le(sp.Abs(FL(r)), _sym(RADIUS_BOUND))),
        GappaBound(script_name, bound, (RADIUS_BOUND,)),
        (r"$k = \mathrm{round}(\mathrm{fl}(a \cdot \mathrm{INV\_LN2}))$" + shifter,
         r"$\ln 2$ enclosed in $[m, m + 1]\,2^{-130}$ (mpmath at 400 bits)"),
        formats,
    )


EXP_REDUCE = _reduce_claim(
    "fp.exp.reduce",
    "the exp kernel's reduction r = (a - k ln2_hi) + (b - k ln2_lo) is within 2^-55 + 2^-85 of a + b - k ln 2, and |r| <= 0.35, "
    "for -1080 <= a <= 0, |b| <= 2^-42",
    "fp_exp_reduce", EXP_REDUCE_BOUND, ", ties to even: the shifter trick of sp_exp_poly",
)
EXP_POLY = _fp_claim(
    "fp.exp.poly.float64",
    "the printed polynomial of the exp kernel (degree 12, FMAs) is within 1.17 u of its exact value on |r| <= 0.35",
    sp.Le(_relative(P), _sym(EXP_POLY_BOUND)), GappaBound("fp_exp_poly", EXP_POLY_BOUND),
    (r"$|r| \le 0.35$ (exp.polynomial_error bounds $|P(r) e^{-r} - 1|$ by $2^{-59}$ there)",),
)


def _exp_composed(approximation: sp.Rational, poly: Fraction, reduction: Fraction) -> Fraction:
    r"""The exp kernel's relative error for a normal result, from its three parts' bounds:
    :math:`(1 + \epsilon_{poly})(1 + \epsilon_{approx})e^{\epsilon_{red}} - 1`.

    sp_exp_normal returns :math:`2^k \hat P` with :math:`\hat P = P(\hat r)(1 + \delta_1)` (fp.exp.poly.*),
    :math:`P(\hat r) = e^{\hat r}(1 + \delta_2)` (exp.polynomial_error*, valid because :math:`|\hat r| \le 0.35`
    by fp.exp.reduce) and :math:`\hat r = a + b - k\ln 2 + \delta_3` (fp.exp.reduce); the scaling by
    :math:`2^k` is exact for a normal result. So :math:`2^k\hat P = e^{a+b}(1+\delta_1)(1+\delta_2)e^{\delta_3}`,
    whose relative error is at most :math:`(1+\epsilon_1)(1+\epsilon_2)e^{\epsilon_3} - 1` on either side
    (:math:`1 - (1-\epsilon_1)(1-\epsilon_2)e^{-\epsilon_3} \le \epsilon_1 + \epsilon_2 + \epsilon_3`).
    """
    approx = Fraction(int(approximation.p), int(approximation.q))
    return (1 + poly) * (1 + approx) * exp_upper(reduction) - 1


def _exp_claim(dtype: str, poly: Claim, poly_bound: Fraction, approximation: Claim, approximation_bound: sp.Rational, bound: Fraction,
               quote: str) -> Claim:
    """fp.exp.<dtype>: the exp kernel end to end for normal results, composed by :func:`_exp_composed` (its portable
    twin composes the twins of its parts, which state the same bounds)."""
    return _fp_claim(
        f"fp.exp.{dtype}", quote,
        sp.Le(sp.Abs(FL(sp.exp(a + b)) / sp.exp(a + b) - 1), _sym(bound)),
        ComposedBound((EXP_REDUCE, poly, approximation), lambda: _exp_composed(approximation_bound, poly_bound, EXP_REDUCE_BOUND),
                      bound),
        (r"a normal result ($a \ge -708$): the scaling by $2^k$ is exact",),
    )


EXP_TOTAL = _exp_claim("float64", EXP_POLY, EXP_POLY_BOUND, ek.POLYNOMIAL_ERROR, ek.ERROR_BOUND, EXP_BOUND,
                       "the exp kernel (sp_exp_normal) is within 1.4375 u of e^(a + b) for SP_NORMAL_LIMIT = -708 <= a <= 0, |b| <= 2^-42")


EXP_DD_REDUCE_BOUND = Fraction(1, 2**91)  # Gappa: 2^-91.70
R_LO_BOUND = Fraction(1001, 1000) / 2**42  # Gappa: |r_lo| <= 2^-41.9998
EXP_DD_REDUCE = _fp_claim(
    "fp.exp.dd.reduce",
    "sp_exp_dd's reduction r + r_lo is within 2^-91 of a + b - k ln 2, |r| <= 0.35 and |r_lo| <= 1.001 2^-42, "
    "for -708 <= a <= 0, |b| <= 2^-42",
    sp.And(sp.Le(sp.Abs(FL(r) + FL(sp.Symbol("r_lo")) - (a + b - k * sp.log(2))), _sym(EXP_DD_REDUCE_BOUND)),
           sp.Le(sp.Abs(FL(r)), _sym(RADIUS_BOUND)), sp.Le(sp.Abs(FL(sp.Symbol("r_lo"))), _sym(R_LO_BOUND))),
    GappaBound("fp_exp_dd_reduce", EXP_DD_REDUCE_BOUND, (RADIUS_BOUND, R_LO_BOUND)),
    (r"$k = \mathrm{round}(\mathrm{fl}(a \cdot \mathrm{INV\_LN2}))$, ties to even (sp_exp_index, as sp_exp's)",
     r"$\ln 2$ enclosed in $[m, m + 1]\,2^{-130}$ (mpmath at 400 bits)",
     "the FMA remainder of -k ln2_lo and TwoSum's error term are exact (Boldo and Muller 2011; Knuth, TAOCP 4.2.2 Theorem B)"),
)
EXP_TAIL_BOUND = Fraction(9, 10) / 2**54  # Gappa: 2^-54.157 = 0.8971 2^-54
EXP_TAIL_PORTABLE_BOUND = Fraction(101, 100) / 2**54  # the portable build (products rounded apart): Gappa 2^-54.0027 = 0.9981 2^-54


def exp_tail_bound() -> Fraction:
    """fp.exp.poly_tail.float64's bound in the build being proved (:func:`exp_bound`)."""
    return EXP_TAIL_BOUND if printing_fused() else EXP_TAIL_PORTABLE_BOUND

S_BOUND = Fraction(43, 100)  # |P(r) - 1| on |r| <= 0.35: Fast2Sum(1, s) is exact
EXP_TAIL = _fp_claim(
    "fp.exp.poly_tail.float64",
    "sp_exp_dd's printed tail s = P(r) - 1 (degree 12, FMAs) is within 0.9 2^-54 of P(r) - 1, relative to P(r), and |s| <= 0.43, "
    "on |r| <= 0.35",
    sp.And(sp.Le(sp.Abs((FL(P - 1) - (P - 1)) / P), _sym(EXP_TAIL_BOUND)), sp.Le(sp.Abs(FL(P - 1)), _sym(S_BOUND))),
    GappaBound("fp_exp_poly_tail", EXP_TAIL_BOUND, (S_BOUND,)),
    (r"$|r| \le 0.35$ (fp.exp.dd.reduce)",),
)


def _exp_dd_total() -> Fraction:
    r"""sp_exp_dd's relative error, the absolute half subnormal ulp apart.

    hi + lo = :math:`2^k(p + \ell)` with p = fl(1 + s), :math:`e_1 = s - (p - 1)` exact (Fast2Sum: |s| <= 0.43 < 1,
    fp.exp.poly_tail.float64), so :math:`p + e_1 = 1 + s`, and :math:`\ell = \mathrm{fl}(e_1 + \mathrm{fl}(r_{lo} p))`.
    Then :math:`p + \ell = (1 + s) + r_{lo} p + \delta` with :math:`|\delta| \le u|r_{lo} p| + u|e_1 + \mathrm{fl}(r_{lo}p)|`,
    and :math:`(1 + s) + r_{lo} p = (1 + s)(1 + r_{lo}) - r_{lo} e_1`; with :math:`|e_1| \le u p`, :math:`p \le (1 + u)(1 + s)`
    and :math:`\rho = |r_{lo}| \le 1.001\,2^{-42}` (fp.exp.dd.reduce): :math:`p + \ell = (1 + s)(1 + r_{lo})(1 + \eta)`,
    :math:`|\eta| \le (1 + u)(2\rho u + u^2 + u\rho(1 + u))/(1 - \rho)`. Next :math:`1 + s = P(r)(1 + \epsilon_s)`
    (fp.exp.poly_tail.float64), :math:`P(r) = e^r(1 + \epsilon_a)`, :math:`|\epsilon_a| \le 2^{-59}` (exp.polynomial_error),
    :math:`1 + r_{lo} = e^{r_{lo}}(1 + \epsilon_l)`, :math:`|\epsilon_l| \le \rho^2` (:math:`|e^{-x}(1 + x) - 1| \le x^2`
    for :math:`|x| \le 1/2`), and :math:`e^{r + r_{lo}} = e^{a + b - k\ln 2} e^{\delta_r}`, :math:`|\delta_r| \le 2^{-91}`
    (fp.exp.dd.reduce). The scaling by :math:`2^k` is exact for hi (:math:`a \ge -708`: a normal result) and for lo
    where lo is normal; a subnormal lo rounds once, half a subnormal ulp (the claim's absolute part). So the relative
    error is at most :math:`(1 + \epsilon_s)(1 + \epsilon_a)(1 + \rho^2)(1 + \eta)e^{2^{-91}} - 1`.
    """
    rho = R_LO_BOUND
    eta = (1 + U) * (2 * rho * U + U * U + U * rho * (1 + U)) / (1 - rho)
    approx = Fraction(int(ek.ERROR_BOUND.p), int(ek.ERROR_BOUND.q))
    return (1 + exp_tail_bound()) * (1 + approx) * (1 + rho * rho) * (1 + eta) * exp_upper(EXP_DD_REDUCE_BOUND) - 1


EXP_DD_BOUND = Fraction(LOGSUMEXP_ERRORS.terms_c_dd)  # SP_TERMS_ERROR_DD, 2^-54
# the portable build's (the tail's 1.01 2^-54: composed 1.0415 2^-54): SP_TERMS_ERROR_DD is 1.0625 2^-54 there
EXP_DD_PORTABLE_BOUND = Fraction(LOGSUMEXP_ERRORS.terms_c_dd_portable)


def exp_dd_bound() -> Fraction:
    """fp.exp.dd.float64's bound in the build being proved (:func:`exp_bound`)."""
    return EXP_DD_BOUND if printing_fused() else EXP_DD_PORTABLE_BOUND

hi_sym, lo_sym = sp.symbols("hi lo")
EXP_DD = _fp_claim(
    "fp.exp.dd.float64",
    "sp_exp_dd's hi + lo is within 2^-54 of e^(a + b), relative, plus half a subnormal ulp, for -708 <= a <= 0, |b| <= 2^-42",
    sp.Le(sp.Abs(FL(hi_sym + lo_sym) - sp.exp(a + b)), _sym(EXP_DD_BOUND) * sp.exp(a + b) + sp.Rational(1, 2**1075)),
    ComposedBound((EXP_DD_REDUCE, EXP_TAIL, ek.POLYNOMIAL_ERROR), _exp_dd_total, EXP_DD_BOUND),
    ("Fast2Sum(1, s) exact for |s| <= 1 (Dekker 1971)",),
)


def ulps_from_relative(rho: Fraction) -> int:
    r"""ULPs between a result within relative error :math:`\rho` of the truth and the correctly rounded truth.

    :math:`|y - \mathrm{RN}(t)| \le \rho|t| + 2^{-53}|t|` (half an ulp of t is at most :math:`2^{-53}|t|`),
    and consecutive doubles between them are at least :math:`2^{-53}|t|(1 - \rho - u)` apart (the
    smaller of the two, normal numbers); so at most :math:`\lfloor(\rho/u + 1)/(1 - \rho - u)\rfloor` steps.
    """
    return int((rho / U + 1) / (1 - rho - U))


def ulps_from_absolute(error: Fraction, spacing: Fraction) -> int:
    """ULPs between a result within ``error`` of the truth and the correctly rounded truth, where the
    doubles around both are ``spacing`` apart (and at least that): (error + spacing/2) / spacing steps."""
    return int((error + spacing / 2) / spacing)


SUBNORMAL_SPACING = Fraction(1, 2**1074)
BELOW_ONE_SPACING = Fraction(1, 2**53)  # the doubles in [1/2, 1)
SIGMOID_BOUNDS = {  # branch -> (the Gappa bound, relative or absolute, and the ULPs it gives)
    "nonnegative": Fraction(198, 100) * U,
    "negative": Fraction(2954, 1000) * U,
    "negative_low": Fraction(2954, 1000) * U,
    "saturated": Fraction(1, 2**59),
    "subnormal": Fraction(349, 100) * SUBNORMAL_SPACING,
}
_SIGMOID_ULPS = {
    "nonnegative": ulps_from_relative(SIGMOID_BOUNDS["nonnegative"]),
    "negative": ulps_from_relative(SIGMOID_BOUNDS["negative"]),
    "negative_low": ulps_from_relative(SIGMOID_BOUNDS["negative_low"]),
    "saturated": ulps_from_absolute(SIGMOID_BOUNDS["saturated"], BELOW_ONE_SPACING),
    "subnormal": ulps_from_absolute(SIGMOID_BOUNDS["subnormal"], SUBNORMAL_SPACING),
}
_SIGMOID_QUOTES = {
    "nonnegative": "sigmoid for x >= 0 with e^-x >= 2^-1021, 1/(1 + decay), is within 1.98 u relative",
    "negative": "sigmoid for x < 0 with e^x >= 2^-969, decay/(1 + decay), is within 2.954 u relative",
    "negative_low": "sigmoid for x < 0 with 2^-1021 <= e^x <= 2^-969, decay/(1 + decay), is within 2.954 u relative",
    "saturated": "sigmoid for x > 0 with e^-x <= 2^-1021 is within 2^-59 of the truth (1 + decay rounds to 1)",
    "subnormal": "sigmoid for x < 0 with e^x <= 2^-1021 is within 3.49 2^-1074 of the truth",
}
_SIGMOID_EXACT = {"nonnegative": 1 / (1 + md), "negative": md / (1 + md), "negative_low": md / (1 + md), "saturated": 1 / (1 + md),
                  "subnormal": md / (1 + md)}
SIGMOID_BRANCHES = tuple(
    _fp_claim(
        f"fp.sigmoid.{branch}.float64",
        f"{_SIGMOID_QUOTES[branch]}, so within {_SIGMOID_ULPS[branch]} ULP of the correctly rounded value, "
        "with decay from the exp kernel (fp.exp.float64)",
        sp.Le(_relative(_SIGMOID_EXACT[branch]) if branch in RELATIVE_SIGMOID_BRANCHES else sp.Abs(FL(_SIGMOID_EXACT[branch]) - _SIGMOID_EXACT[branch]),
              _sym(SIGMOID_BOUNDS[branch])),
        GappaBound(f"fp_sigmoid_{branch}", SIGMOID_BOUNDS[branch], requires=(EXP_TOTAL,)),
        (r"decay $= e^{-|x|}(1 + \epsilon)$, $|\epsilon| \le 1.4375\,u$ (fp.exp.float64); for the two tails also half a "
         r"subnormal ulp, the exp kernel's last scaling",),
    )
    for branch in SIGMOID_BRANCH_NAMES
)
SIGMOID_RELATIVE = tuple(c for c, branch in zip(SIGMOID_BRANCHES, SIGMOID_BRANCH_NAMES, strict=True) if branch in RELATIVE_SIGMOID_BRANCHES)
x_sym = sp.Symbol("x", real=True)
SIGMOID = _fp_claim(
    "fp.sigmoid.float64",
    f"for every double x, the C sigmoid is within {max(_SIGMOID_ULPS.values())} ULP of the correctly rounded "
    "1/(1 + e^-x)",
    sp.Le(sp.Function("ulps")(FL(1 / (1 + sp.exp(-x_sym)))), max(_SIGMOID_ULPS.values())),
    ComposedBound(SIGMOID_BRANCHES, lambda: Fraction(max(_SIGMOID_ULPS.values())), Fraction(3), in_ulps=True),
    ("the five ranges cover every double x (NaN and infinities aside): e^-|x| >= 2^-1021 or <= 2^-1021, x >= 0 or < 0, "
     "and for x < 0 e^x above or below 2^-969",
     "each branch's bound converted to ULPs by ulps_from_relative / ulps_from_absolute (their arguments beside them)"),
)

U_SINGLE = Fraction(1, 2**24)  # the unit roundoff of binary32
EXP_SINGLE_BOUND = Fraction(float.fromhex(EXP_ERROR_SINGLE))  # 0x1.1p-37, the float32 scripts' hypothesis
# Gappa: 1.1615 u, and 1.212 u in the portable build (two roundings per step); the float32 total (2^-37) has room
EXP_POLY_SINGLE_BOUND = Fraction(5, 4) * U
EXP_POLY_SINGLE = _fp_claim(
    "fp.exp.poly.float32",
    "the shorter polynomial of float32 results (degree 8, evaluated in binary64) is within 1.25 u of its exact value",
    sp.Le(_relative(P), _sym(EXP_POLY_SINGLE_BOUND)), GappaBound("fp_exp_poly_single", EXP_POLY_SINGLE_BOUND),
    (r"$|r| \le 0.35$",),
)


EXP_SINGLE_TOTAL = _exp_claim("float32", EXP_POLY_SINGLE, EXP_POLY_SINGLE_BOUND, ek.POLYNOMIAL_ERROR_SINGLE, ek.SINGLE_ERROR_BOUND, EXP_SINGLE_BOUND,
                              "the exp kernel of float32 results (the degree-8 polynomial, 2^-37) is within 1.0625 2^-37 of "
                              "e^(a + b) for -708 <= a <= 0, |b| <= 2^-42")


def ulps_after_rounding(rho: Fraction, unit: Fraction = U) -> int:
    r"""ULPs between RN(v) and RN(p) when :math:`|v - p| \le \rho|p|` and v is rounded once (unit roundoff ``unit``).

    The two roundings differ by the number of rounding boundaries (midpoints between consecutive floats) in the
    closed interval between v and p. That interval lies in :math:`[p(1 - \rho), p(1 + \rho)]`; every binade it
    touches, :math:`[2^E, 2^{E+1})` with :math:`2^{E+1} > p(1 - \rho)`, has its midpoints
    :math:`2^{E+1}u \ge u(1 - \rho)p` apart, u = ``unit`` (across :math:`2^E` one and a half times the lower binade's
    spacing). An interval of length at most :math:`\rho p` holds at most :math:`\lfloor \rho/(u(1 - \rho)) \rfloor + 1`
    of them (for :math:`\rho < u/2`: 1).
    """
    return int(rho / (unit * (1 - rho))) + 1


SINGLE_SIGMOID_BOUNDS = {"nonnegative": Fraction(54, 100) * Fraction(1, 2**37), "negative": Fraction(107, 100) * Fraction(1, 2**37)}
SINGLE_SIGMOID_BRANCHES = tuple(
    _fp_claim(
        f"fp.sigmoid.{branch}.float32",
        f"sigmoid of float32 results for x {'>= 0' if branch == 'nonnegative' else '< 0'} with e^-|x| >= 2^-1021 is within "
        f"{float(SINGLE_SIGMOID_BOUNDS[branch] * 2**37):.2f} 2^-37 relative before its rounding to float32",
        sp.Le(_relative(_SIGMOID_EXACT[branch]), _sym(SINGLE_SIGMOID_BOUNDS[branch])),
        GappaBound(f"fp_sigmoid_{branch}_single", SINGLE_SIGMOID_BOUNDS[branch], requires=(EXP_SINGLE_TOTAL,)),
        (r"decay $= e^{-|x|}(1 + \epsilon)$, $|\epsilon| \le 1.0625 \cdot 2^{-37}$ (fp.exp.float32), the assembly in binary64",),
    )
    for branch in ("nonnegative", "negative")
)


def _sigmoid_single_ulps() -> Fraction:
    r"""sigmoid's float32 result: the binary64 value v rounded once to float32 (where its rounding test decides, and
    then it is the correctly rounded value, fp.sigmoid.float32.cr), else the float64 kernel's w rounded once (within
    2.954 u, fp.sigmoid.*.float64: 1 step by :func:`ulps_after_rounding` at float32's unit, and 0 where its own test
    decides) or a table's correctly rounded value (0 steps); so v's steps below bound them all.

    Where :math:`t = \sigma(x) \ge 2^{-126}` and :math:`e^{-|x|} \ge 2^{-1021}`: :math:`|v - t| \le \rho t`
    with the branch's :math:`\rho` (the two float32 scripts), so at most :func:`ulps_after_rounding`
    steps. Where :math:`t < 2^{-126}` (float32 subnormals, constant spacing :math:`2^{-149}`):
    :math:`|v - t| \le \rho\, 2^{-126}` (or, for :math:`e^x < 2^{-1021}`, at most
    :math:`|v| + |t| \le 2^{-1019}`), far below :math:`2^{-149}`: one rounding boundary at most, 1 step.
    Where :math:`e^{-x} < 2^{-1021}`, x > 0: decay < 2^-1020 (1 + 2^-36) < 2^-54, so 1 + decay and the
    quotient round to 1, and t > 1 - 2^-1020 rounds to 1 too: 0 steps.
    """
    normal = max(ulps_after_rounding(bound, U_SINGLE) for bound in SINGLE_SIGMOID_BOUNDS.values())
    subnormal = int(Fraction(1, 2**1019) / Fraction(1, 2**149)) + 1
    double = max(ulps_after_rounding(SIGMOID_BOUNDS[branch], U_SINGLE) for branch in RELATIVE_SIGMOID_BRANCHES)
    return Fraction(max(normal, subnormal, double, 0))


SIGMOID_SINGLE = _fp_claim(
    "fp.sigmoid.float32",
    "for every float32 x, the C sigmoid's float32 result is within 1 ULP of the correctly rounded 1/(1 + e^-x)",
    sp.Le(sp.Function("ulps32")(FL(1 / (1 + sp.exp(-x_sym)))), 1),
    ComposedBound((*SINGLE_SIGMOID_BRANCHES, *SIGMOID_BRANCHES), _sigmoid_single_ulps, Fraction(1), in_ulps=True),
    ("the ranges cover every x (NaN and infinities aside); the argument is _sigmoid_single_ulps's docstring",),
)


def rounding_test_covers(radius: Fraction, rho: Fraction) -> bool:
    r"""The rounding test sp_rounds_apart_f(v, R) is sound for a value within :math:`\rho` (relative) of the truth t:
    its ends :math:`\mathrm{RN}(v - \mathrm{RN}(vR))` and :math:`\mathrm{RN}(v + \mathrm{RN}(vR))` (binary64, v > 0 normal)
    enclose :math:`[v/(1 + \rho), v/(1 - \rho)]`, where t lies: the low end is at most :math:`v(1 - R(1 - u))(1 + u)`
    and the high end at least :math:`v(1 + R(1 - u))(1 - u)` (each rounding within u of its value). So where both
    ends round to one float32, RN32 being monotone, t rounds to it too. Exact rational arithmetic."""
    low = (1 - radius * (1 - U)) * (1 + U)
    high = (1 + radius * (1 - U)) * (1 - U)
    return low <= 1 / (1 + rho) and high >= 1 / (1 - rho)


def boundary_test_covers(margin: int, rho: Fraction) -> bool:
    r"""Stage 1's test in integers (sp_near_boundary_f) is sound for a value v >= 2^-126 within :math:`\rho` of the
    truth t: v in :math:`[2^E, 2^{E+1})` lies exactly :math:`|\mathrm{low29} - 2^{28}|\,2^{E-52}` from the nearest rounding
    boundary of its binade's float32 grid (the boundaries of the next binades are farther: :math:`2^{E-24}` at least,
    and :math:`2^E`, :math:`2^{E+1}` are float32s); where that exceeds :math:`K 2^{E-52}` it exceeds
    :math:`K 2^{-53} v` and, if :math:`K \ge \rho 2^{53}/(1 - \rho)`, :math:`|v - t| \le \rho t \le \rho v/(1 - \rho)`:
    t lies strictly on v's side of every boundary and rounds as v does. Below 2^-126 the test says undecided."""
    return Fraction(margin) >= rho * 2**53 / (1 - rho)


@dataclass(frozen=True)
class CorrectlyRounded:
    r"""Prove that a float32 kernel returns the correctly rounded value for every float32 input: its two rounding
    tests are sound (:func:`rounding_test_covers`, over the proved relative bounds of ``single`` and ``double``, the
    float32 and float64 kernels' branch claims, which must be proved first), and the inputs neither test decides
    are all in its table with their correctly rounded values: the library's audit run over every float32 x of the
    function's sweep, CORRECT_ROUNDING.swept (measure/hard_cases.py ``sweep``; in the portable build, that build's
    library in a process of its own) and each table value checked against mpmath's interval enclosure of the textbook
    definition (``correctly_rounded``). Beyond the sweep (and where the relative bounds do not hold) the argument is
    the claim's own.
    ``relative``: the stages' bounds, v's and w's relative errors as doubles, from the parts' stated bounds by an
    argument of its own (``relative(True)`` stage 1's, ``relative(False)`` stage 2's); None: the largest stated bound of
    the parts, each a Gappa claim on a branch of the range.
    No ``double`` parts: a one-stage function (CorrectRounding.one_stage, which the C must agree with), whose stage 1 is
    the float64 kernel, tested at the second radius (radius_double, margin_double); the table follows it."""

    function: str
    single: tuple[Claim, ...]
    double: tuple[Claim, ...]
    portable: bool = False
    bound: Fraction = Fraction(0)  # ULPs from the correctly rounded value
    in_ulps: bool = True
    relative: Callable[[bool], Fraction] | None = None

    @property
    def parts(self) -> tuple[Claim, ...]:
        return (*self.single, *self.double)

    def stage_bounds(self) -> list[Fraction]:
        """The stages' relative bounds, stage 1's first (one only for a one-stage function): ``relative``'s, else the
        largest stated bound of each stage's parts."""
        stages = (True, False) if self.double else (True,)
        if self.relative is None:
            return [_largest_bound(self.single if single else self.double) for single in stages]
        return [self.relative(single) for single in stages]

    def run(self, statement: sp.Basic) -> Outcome:
        del statement
        from softproof.codegen.kernels import CORRECT_ROUNDING
        from softproof.measure import hard_cases

        from ..c.target import hard_cases as table_of

        method = "rounding tests over proved bounds, and a sweep of every float32"
        steps = _parts_proved(self.parts, method)
        if isinstance(steps, Outcome):
            return steps
        one_stage = not self.double
        if one_stage != (self.function in CORRECT_ROUNDING.one_stage):
            return Outcome(Status.UNPROVED, method, [*steps, f"the claim has {1 if one_stage else 2} stages and the C kernel of "
                                                             f"{self.function} the other count (CorrectRounding.one_stage)"])
        rhos = self.stage_bounds()
        radii = [CORRECT_ROUNDING.radius_double] if one_stage else [CORRECT_ROUNDING.radius_single, CORRECT_ROUNDING.radius_double]
        margin = CORRECT_ROUNDING.margin_double if one_stage else CORRECT_ROUNDING.margin_single
        for rho, radius in zip(rhos, radii, strict=True):
            if not rounding_test_covers(Fraction(radius), rho):
                return Outcome(Status.UNPROVED, method, [*steps, f"the test's radius {radius!r} does not cover {_power_of_two(rho)}"])
            steps.append(f"the test of radius {_power_of_two(Fraction(radius))} covers {_power_of_two(rho)} and its two roundings")
        if not boundary_test_covers(margin, rhos[0]):
            return Outcome(Status.UNPROVED, method, [*steps, f"stage 1's margin {margin} does not cover {_power_of_two(rhos[0])}"])
        steps.append(f"stage 1's integer test (margin {margin} units of 2^-52) covers {_power_of_two(rhos[0])}")
        table = dict(table_of(self.function))
        found = _portable_sweep(self.function) if self.portable else hard_cases.sweep(self.function)
        missing = sorted(set(found) - set(table))
        if missing:
            return Outcome(Status.UNPROVED, method, [*steps, f"{len(missing)} undecided inputs not in the table, e.g. {missing[0]:#010x}"])
        steps.append(f"the sweep of every float32 x with {CORRECT_ROUNDING.swept_text(self.function)}: {len(found)} inputs "
                     f"{'the test leaves' if one_stage else 'neither test decides'}, all in the table of {len(table)}")
        wrong = [x for x, y in table.items() if hard_cases.correctly_rounded(self.function, x) != y]
        if wrong:
            return Outcome(Status.UNPROVED, method, [*steps, f"the table's value for {wrong[0]:#010x} is not the correctly rounded one"])
        steps.append("each table value is the correctly rounded one (mpmath interval enclosures)")
        return Outcome(Status.PROVED, method, steps)


_PORTABLE_SWEEP = """
import json, sys
from softproof.measure.hard_cases import sweep
print(json.dumps(sweep(sys.stdin.read().strip())))
"""


def _portable_sweep(function: str) -> list[int]:
    """measure/hard_cases.py's sweep of ``function`` by the library of the build without FMA hardware
    (SOFTPROOF_PORTABLE=1 chooses its flags; the library is built and loaded once per process: a process of its own)."""
    import json
    import os
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _PORTABLE_SWEEP], input=function, capture_output=True, text=True,
                          env={**os.environ, "SOFTPROOF_PORTABLE": "1"}, timeout=1200, check=True)
    return [int(x) for x in json.loads(done.stdout)]


SIGMOID_SINGLE_CR = _fp_claim(
    "fp.sigmoid.float32.cr",
    "for every float32 x, the C sigmoid's float32 result is the correctly rounded 1/(1 + e^-x)",
    sp.Le(sp.Function("ulps32")(FL(1 / (1 + sp.exp(-x_sym)))), 0),
    CorrectlyRounded("sigmoid", SINGLE_SIGMOID_BRANCHES, SIGMOID_RELATIVE),
    ("stage 1 keeps the float32 kernel's v (within the float32 branches' bounds for |x| <= 707) where it lies farther than "
     "its margin from every float32 rounding boundary (sp_near_boundary_f, exact in integers) or, nearer or below 2^-126, "
     "where both ends of its two-rounding test round to one float32; stage 2 likewise with the float64 kernel's w; the "
     "rest by the table",
     "the sweep covers |x| <= 670 (CorrectRounding.sweep_limit); |x| > 670 (e^-|x| < 2^-966): for x > 0 both v and w are 1 "
     "(1 + decay rounds to 1) and the truth, above 1 - 2^-966, rounds to 1; for x < 0 v, w and the truth are below 2^-965 "
     "and round to 0 (both test ends round to 0 there too); NaN gives NaN",
     "the library built with FMA hardware (-march=native here); its portable twin runs the portable build's sweep"),
)

def _largest_bound(parts: tuple[Claim, ...]) -> Fraction:
    """The largest stated bound of Gappa claims that cover a range together: each holds on its part."""
    bounds = [part.strategy.bound for part in parts if isinstance(part.strategy, GappaBound)]
    if len(bounds) != len(parts):
        raise TypeError("every part must be a Gappa claim")
    return max(bounds)


LOG1P_R = _fp_claim(
    "fp.log1p.R", "the printed R = z rho(z) of the log1p kernel is within 2^-58 (absolute) of its exact value for z <= 0.0295",
    sp.Le(sp.Abs(FL(R_POLY) - R_POLY), _sym(LOG1P_R_BOUND)), GappaBound("fp_log1p_R", LOG1P_R_BOUND),
    (r"$0 \le z = s^2 \le 0.0295$ ($|s| \le 0.1716$ for $1 + f \in [\sqrt2/2, \sqrt2)$)",),
)
LOG1P_BOUND = Fraction(1, 2**56)  # SP_LOG_ERROR of logsumexp's certificate (codegen/kernels.py, LogsumexpErrors.log_c)
LOG1P_SERIES_BOUND = Fraction(1, 2**61)
u_sym, u_lo_sym = sp.symbols("u u_lo", nonnegative=True)
_LOG1P_EXACT = sp.log(1 + u_sym + u_lo_sym)
_LOG1P_ASSUMED = (r"$u \ge 0$ and $|u_{lo}| \le \mathrm{ulp}(u)/2$ (logsumexp_certified renormalises its pair by Fast2Sum before the call)",)
_LOG1P_MAIN_ASSUMED = (
    *_LOG1P_ASSUMED,
    r"$\log(1 + f)$ within $2^{-57}$ of $2s + s R(s^2)$ at the exact $s = f/(2 + f)$ (log1p.polynomial_error, log1p.atanh_form); "
    r"R's rounding within $2^{-58}$ (fp.log1p.R)",
    r"$|\log(1 + y) - y| \le 2^{-100}$ for $y = (c_0 + u_{lo})/w$, $|y| \le 2^{-50}$ (ulp(w)/w $\le 2^{-52}$)",
    r"$\ln 2$ enclosed in $[m, m + 1]\,2^{-130}$ (mpmath at 400 bits)",
)
LOG1P_PARTS = (
    _fp_claim("fp.log1p.near", "sp_log1p_dd for u >= 2^-30 with k = 0 (1 + u < sqrt 2): out + lo within 2^-56 of log(1 + u + u_lo), relative",
              sp.Le(sp.Abs((FL(_LOG1P_EXACT) - _LOG1P_EXACT) / _LOG1P_EXACT), _sym(LOG1P_BOUND)),
              GappaBound("fp_log1p_near", LOG1P_BOUND, requires=(LOG1P_R, lk.POLYNOMIAL_ERROR, lk.ATANH_FORM, lk.REDUCTION)),
              (*_LOG1P_MAIN_ASSUMED, r"$w = \mathrm{fl}(1 + u) \ge 1 + 2^{-30}$, so $f \ge 2^{-31}$")),
    _fp_claim("fp.log1p.scaled", "sp_log1p_dd for u >= 2^-30 with 1 <= k <= 1024: out + lo within 2^-56 of log(1 + u + u_lo), relative",
              sp.Le(sp.Abs((FL(_LOG1P_EXACT) - _LOG1P_EXACT) / _LOG1P_EXACT), _sym(LOG1P_BOUND)),
              GappaBound("fp_log1p_scaled", LOG1P_BOUND, requires=(LOG1P_R, lk.POLYNOMIAL_ERROR, lk.ATANH_FORM, lk.REDUCTION)),
              _LOG1P_MAIN_ASSUMED),
    _fp_claim("fp.log1p.series", "sp_log1p_dd for 2^-968 <= u < 2^-30 (the series): out + lo within 2^-61 of log(1 + u + u_lo), relative",
              sp.Le(sp.Abs((FL(_LOG1P_EXACT) - _LOG1P_EXACT) / _LOG1P_EXACT), _sym(LOG1P_SERIES_BOUND)),
              GappaBound("fp_log1p_series", LOG1P_SERIES_BOUND),
              (*_LOG1P_ASSUMED, r"$S_3 - v^4/4 \le \log(1 + v) \le S_3$ for $v \ge 0$ (an alternating series with falling terms)")),
    _fp_claim("fp.log1p.tiny", "sp_log1p_dd for u <= 2^-968 (the series): out + lo within 2^-1074 of log(1 + u + u_lo), absolute",
              sp.Le(sp.Abs(FL(_LOG1P_EXACT) - _LOG1P_EXACT), _sym(SUBNORMAL_SPACING)),
              GappaBound("fp_log1p_tiny", SUBNORMAL_SPACING),
              (*_LOG1P_ASSUMED, "no double-double near 2^-968 is relative to 2^-56: its low part is below the subnormal spacing")),
)
LOG1P = _fp_claim(
    "fp.log1p.float64",
    "for every u >= 2^-968 (and |u_lo| <= ulp(u)/2), sp_log1p_dd's out + lo is within 2^-56 of log(1 + u + u_lo), relative "
    "(SP_LOG_ERROR, which logsumexp's certificate uses); below, within one subnormal ulp",
    sp.Le(sp.Abs((FL(_LOG1P_EXACT) - _LOG1P_EXACT) / _LOG1P_EXACT), _sym(LOG1P_BOUND)),
    ComposedBound(LOG1P_PARTS[:3], lambda: _largest_bound(LOG1P_PARTS[:3]), LOG1P_BOUND),
    ("the parts cover u >= 2^-968: u < 2^-30 takes the series (a select in the C source), u >= 2^-30 the main path, whose "
     "w = fl(1 + u) >= 1 has k = 0 or 1 <= k <= 1024 (u <= DBL_MAX)",),
)

TERMS_BOUND = Fraction(1, 2**52)  # SP_TERMS_ERROR_D (codegen/kernels.py, LogsumexpErrors.terms_c_float64)
SEGMENTS_BOUND = Fraction(1, 2**61)  # long rows read once: the segments' factors and sums in long double


def _terms_total() -> Fraction:
    r"""The relative error of a row's t + t_lo that logsumexp's first stage assumes, beside the sum's own
    :math:`\gamma_{n-1}^2` and the subnormal terms' :math:`n\,2^{-1074}`, which the C code adds at run time
    (sum_error(n), SUBNORMAL_TERMS(n)).

    Every term :math:`e^{q_j}`, :math:`q_j + ql_j = (x_j - m)/T` to :math:`O(u^2)` (rewrite.exact_shift; the
    exp kernel takes ql as its correction b), is within :math:`\epsilon_e` = 1.4375 u of its value where
    it is normal (fp.exp.float64), and within that plus half a subnormal ulp below (the kernel's last
    scaling rounds once; a term under :math:`2^{-1075}` may give 0). A sum of positive terms, each within
    :math:`\epsilon_e`, is within :math:`\epsilon_e` of the sum of the exact terms. Every path adds the
    computed terms by TwoSum on hi with the errors summed plainly in lo (the lanes' Sum2, the lane tree,
    the one chain of a short row, the tiles, which sum each row as the row path does, the chunks of a split
    row, the chunks of a row read once): in any tree order the errors of
    the hi additions add up to at most :math:`(n - 1) u \sum p_j` and their plain sum errs by at most
    :math:`\gamma_{n-1}` of that (Ogita, Rump and Oishi 2005, Prop. 4.5, whose argument holds for any
    order), so hi + lo is within :math:`\gamma_{n-1}^2` of the computed terms' sum, and every path keeps
    t's final rounding as t_lo (tiles and rows read once rounded it away: 2.953 u, beyond the bound).
    A row read once scales its segments by :math:`e^{(m_s - m)/T}` in long double and adds them in long
    double: :data:`SEGMENTS_BOUND` (expl and the sums within a few units of :math:`2^{-64}`, an assumption on
    the C library). So the relative part is at most :math:`\epsilon_e + 2^{-61}`.
    """
    return EXP_BOUND + SEGMENTS_BOUND


TERMS_BOUND_SINGLE = Fraction(1, 2**36)  # SP_TERMS_ERROR_F
# float32 results take the shift (x - m)/T rounded (twice with T; shifted_exp): |q| <= 1080 (the exp clamps below)
# moves by at most 2 u |q| < 1080 2^-52 < 2^-41.9, so e^q by a factor within e^(2^-41.9) - 1 < 2^-41
SHIFT_SINGLE_BOUND = Fraction(1, 2**41)
# float64 results take q + ql = (x - m)/T to O(u^2) (rewrite.exact_shift): x - m = d + l exactly (TwoSum; with T > 1
# of x/2 and m/2, exact but for subnormal x, 2^-1075), q = fl(d/T), ql = (fma(-q, T', d') + l')/T' (T' = T, d' = d,
# l' = l, or all three times 2^200 where T < 2^-900: shift_scale, so that T' >= 2^-900) with the remainder exact
# (or, where it would be subnormal, within 2^-1075 of it) and two roundings of a value below 2 ulp(q):
# |q + ql - (x - m)/T| <= 4 u ulp(q) + 2^-1075/T' + 2^-1075/T <= 2^-94 for |q| <= 1080 (where e^q is not 0; the last
# term the halving's, T > 1), so e^(q + ql) is within 2^-93 of e^((x - m)/T), relative
SHIFT_BOUND = Fraction(1, 2**93)
FOLD_BOUND = Fraction(255, 2**53 - 255)  # gamma_255: a plain sum of SP_FOLD = 256 blocks' terms per lane


def _terms_total_single() -> Fraction:
    r"""As :func:`_terms_total` for float32 inputs: the terms from the shorter polynomial (fp.exp.float32,
    :math:`1.0625 \cdot 2^{-37}`), and the row loops add each lane's terms plainly for SP_FOLD = 256 blocks before
    folding the sum into the lane's Sum2 pair: a plain sum of at most 256 positive terms errs by at most
    :math:`\gamma_{255}` of it (:data:`FOLD_BOUND`, about :math:`2^{-45}`); short rows (one TwoSum chain, row_chain),
    tiles, split rows and rows read once as for float64 (:data:`SEGMENTS_BOUND`). Float32 results take the shift rounded (:data:`SHIFT_SINGLE_BOUND`)."""
    return EXP_SINGLE_BOUND + SHIFT_SINGLE_BOUND + FOLD_BOUND + SEGMENTS_BOUND


n_sym = sp.Symbol("n", integer=True, positive=True)
t_sym, t_exact = sp.symbols("t t_x", nonnegative=True)
TERMS = _fp_claim(
    "fp.logsumexp.terms.float64",
    "a row's t + t_lo is within (2^-52 + gamma_(n-1)^2) t_x + n 2^-1074 of t_x = sum of e^((x_j - m)/T) over the entries "
    "below the max, on every path of the C kernels (SP_TERMS_ERROR_D + sum_error(n), SUBNORMAL_TERMS(n))",
    sp.Le(sp.Abs(FL(t_exact) - t_exact), (_sym(TERMS_BOUND) + sp.Function("gamma")(n_sym - 1) ** 2) * t_exact + n_sym * sp.Rational(1, 2**1074)),
    ComposedBound((EXP_TOTAL,), _terms_total, TERMS_BOUND),
    ("the summation bound of Ogita, Rump and Oishi (2005) for TwoSum cascades with the errors summed plainly, in any tree order",
     "long double expl and sums within 2^-61 over a row read once (the C library's long double, x86's 64-bit significand)",
     "the exp kernel's subnormal results: 1.4375 u of e^a before its last scaling, which rounds once (as fp.sigmoid.subnormal)"),
)


WITHIN_ULP_SINGLE = Fraction(float.fromhex("0x1.6a09e667f3bcdp-26"))  # SP_WITHIN_ULP_F


def certified_ulps(within_ulp: Fraction = WITHIN_ULP, single: bool = False) -> Fraction:
    r"""ULPs of a result that logsumexp's first stage certifies (codegen/kernels.py, LogsumexpErrors).

    With :math:`v = m + T\log(c + t_x)` and s the value before the last rounding (out = fl(s)):
    :math:`|s - v| \le T(\epsilon_t t_x + a)/(c + t_x) + T\,2^{-56} L` + the assembly's roundings, by
    fp.logsumexp.terms.float64 (:math:`\epsilon_t, a`: a relative error of t moves :math:`\log(c + t)` by at
    most that much over c + t), fp.log1p.float64 (u >= 2^-968; the pair renormalised by Fast2Sum as it
    assumes) and TwoSum / the exact FMA residual for :math:`m + T L` (head + head_lo + product_lo exact;
    the three small roundings, of :math:`T L_{lo}` and two sums, are at most :math:`2^{-104}(|m| + 2TL)`,
    and a certified row has :math:`|out| \ge T L\,2^{-56}/2^{-53.5}`, so :math:`|m| + 2TL \le 8.7 \cdot 5.7 |out|`:
    below :math:`2^{-98}|s|`). The bound E is computed in five roundings of its own (within :math:`(1 + u)^5`),
    from the computed t and L (within :math:`1 + 2^{-51}` of theirs). Certified: :math:`E \le 2^{-53.5}|out|`,
    :math:`|out| \le (1 + u)|s|`. So :math:`|s - v| \le \rho |s|`, :math:`\rho = 2^{-53.5}(1 + 2^{-51})(1 + u)^6 + 2^{-98}`.
    Between s and v there is then at most one rounding boundary (a midpoint between doubles) where
    :math:`\rho < 2^{-53}`: inside a binade :math:`[2^e, 2^{e+1})` the midpoints are :math:`2^{e-52}
    \ge 2^{-53}|v|` apart; across :math:`2^e` the nearest two are :math:`3 \cdot 2^{e-54}` apart; so out =
    fl(s) and fl(v) differ by one step at most. Results below :math:`2^{-1000}` are out of scope (the
    roundings of the assembly are then absolute, :math:`2^{-1075}` each), and so are rows with
    :math:`(c - 1) + t < 2^{-968}` (there fp.log1p.float64 is absolute).

    ``single``: float32 results are the double result rounded once more, to float32: s is first rounded to
    a double (:math:`2^{-53}` more), and the float32 midpoints are :math:`2^{-24}|v|` apart at least (three
    halves of that across a binade; below :math:`2^{-126}` the spacing :math:`2^{-149}` is far above any of
    these errors), so the condition is :math:`\rho + 2^{-53} < 2^{-24}`.
    """
    rho = within_ulp * (1 + Fraction(1, 2**51)) * (1 + U) ** 6 + Fraction(1, 2**98)
    if single:
        return Fraction(1) if rho + U < Fraction(1, 2**24) else Fraction(2)
    return Fraction(1) if rho < Fraction(1, 2**53) else Fraction(2)


def _stage_claim(claim_id: str, quote: str, parts: tuple[Claim, ...], combine: Callable[[], Fraction], assumptions: tuple[str, ...],
                 formats: str = "binary64", value: str = "LSE") -> Claim:
    """A logsumexp (logmeanexp: ``value`` LME) stage's claim: every float64 result it certifies (``quote``: how it
    certifies, and the scope) is within 1 ULP of the correctly rounded value, by ``combine`` (its argument beside it)
    over the proved ``parts``."""
    return _fp_claim(claim_id, quote, sp.Le(sp.Function("ulps")(FL(sp.Symbol(value))), 1),
                     ComposedBound(parts, combine, Fraction(1), in_ulps=True), assumptions, formats)


def _certified_claim(claim_id: str, stage: str, terms: Claim, later: tuple[str, ...]) -> Claim:
    """fp.logsumexp.certified*.float64: every float64 result a stage certifies, from that stage's terms (``terms``)
    and the log kernel, by :func:`certified_ulps`."""
    return _stage_claim(
        claim_id,
        f"every float64 result that logsumexp's {stage} certifies (its error bound E <= 2^-53.5 |out|) is within 1 ULP of "
        "the correctly rounded logsumexp, for results of magnitude at least 2^-1000 and (c - 1) + t >= 2^-968",
        (terms, LOG1P), certified_ulps,
        ("2^-53.5 stands for SP_WITHIN_ULP_D = 0x1.6a09e667f3bcdp-54 (above 2^-53.5 by under 2^-53 relative, inside the slack)", *later),
    )


LOGSUMEXP_CERTIFIED = _certified_claim(
    "fp.logsumexp.certified.float64", "first stage", TERMS,
    ("the later stages: double-double terms in fp.logsumexp.certified_dd.float64, the raised stage in "
     "fp.logsumexp.certified_raised.float64, long double in fp.logsumexp.certified_wide.float64, triple-double in "
     "fp.logsumexp.certified_triple.float64",),
)

def _terms_dd_total() -> Fraction:
    r"""The relative error of the double-double stage's t + t_lo (stats_dd, tile_stats_dd) beside the sum's own
    sum_error_dd(n) and the n 2^-1074 of the terms' subnormal parts, which the C code adds at run time.

    Every counted term is :math:`hi_j + \ell_j` = sp_exp_dd(q_j, ql_j) with :math:`q_j \ge -708` and
    :math:`|ql_j| \le 2^{-42}`: within :math:`\epsilon_{dd}` (fp.exp.dd.float64) of :math:`e^{q_j + ql_j}`, which is within
    :data:`SHIFT_BOUND` of :math:`e^{(x_j - m)/T}` (rewrite.exact_shift). The loop adds :math:`hi_j` by TwoSum into hi and the
    TwoSum error and :math:`\ell_j` plainly into lo, so hi + (the exact sum of lo's inputs) is exactly
    :math:`\sum (hi_j + \ell_j)`; lo's plain sum of 2n + 1 values errs by at most :math:`\gamma_{2n}` of their absolute sum:
    the TwoSum errors add up to at most :math:`\gamma_{n-1}\sum hi_j` (Ogita, Rump and Oishi 2005) and
    :math:`|\ell_j| \le 1.0016\,2^{-42} hi_j` (:math:`|e_1 + r_{lo}p| \le (u + 1.001\,2^{-42})p`, two roundings), with
    :math:`\sum hi_j \le (1 + 2^{-41.9})` times the exact sum: sum_error_dd(n) = :math:`\gamma_{2n}(1.001\gamma_{n-1} + 1.002\,2^{-42})`.
    The terms below :math:`e^{-708}` are summed apart and counted in the absolute part (small_terms_error), as the first
    stage's. So the relative part is at most :math:`\epsilon_{dd} + 2^{-93}`."""
    return _exp_dd_total() + SHIFT_BOUND


TERMS_DD = _fp_claim(
    "fp.logsumexp.terms_dd.float64",
    "the double-double stage's t + t_lo (every term by sp_exp_dd) is within (2^-54 + sum_error_dd(n)) t_x + n 2^-1074 of "
    "t_x = sum of e^((x_j - m)/T) over the entries below the max (SP_TERMS_ERROR_DD + sum_error_dd(n), SUBNORMAL_TERMS(n))",
    sp.Le(sp.Abs(FL(t_exact) - t_exact), (_sym(EXP_DD_BOUND) + sp.Function("sum_error_dd")(n_sym)) * t_exact + n_sym * sp.Rational(1, 2**1074)),
    ComposedBound((EXP_DD,), _terms_dd_total, EXP_DD_BOUND),  # EXP_DD_BOUND: SP_TERMS_ERROR_DD, a constant of the C
    (TERMS.assumptions[0], "q + ql = (x - m)/T to 2^-94 with |ql| <= 2^-42 (rewrite.exact_shift)"),
)
LOGSUMEXP_CERTIFIED_DD = _certified_claim(
    "fp.logsumexp.certified_dd.float64", "double-double stage (the terms by sp_exp_dd)", TERMS_DD,
    ("the argument of the first stage's certificate (fp.logsumexp.certified.float64), with these terms",
     "the last stages: long double in fp.logsumexp.certified_wide.float64, triple-double in fp.logsumexp.certified_triple.float64"),
)

RAISED_RANGE = 4096  # |q| < 2^12 on the raised stage's terms (q >= q2 - 700 >= -2201), R <= 2166 < 2^12


def _raised_argument() -> Fraction:
    r"""How far a raised term's a + b (logsumexp_raised) may lie from :math:`(x - m)/T + R\ln 2`, absolutely.

    :math:`s + s_{err} = q + R\ell_{hi}` exactly (TwoSum; :math:`R\ell_{hi}` exact, exp.raise_cody_waite_exact), and
    a + b = s + fl(fl(s_err + ql) + fl(R l_lo)) exactly (TwoSum). With :math:`|q| < 2^{12}`: :math:`|ql| \le 2^{-41}`
    (half an ulp of q, 2^-41 at most, with its O(u^2)), :math:`|s_{err}| \le 2^{-44}` (|s| <= 702), so the first
    sum's rounding is at most :math:`u\,2^{-40}`; :math:`|R\ell_{lo}| \le 4095|\ell_{lo}|` rounds by u of that, and the
    second sum by u of :math:`|R\ell_{lo}| + 2^{-40}` (both with their (1 + u)). The split misses ln 2 by
    :math:`R\,2^{-100}` at most (exp.raise_ln2_split), and q + ql misses (x - m)/T by
    :math:`4u\,\mathrm{ulp}(q) + 2^{-1075}/T \le 2^{-92} + 2^{-799}` (the shift's argument, as :data:`SHIFT_BOUND`'s,
    with :math:`|q| < 2^{12}` and :math:`T \ge 2^{-276}` where the stage sums)."""
    lo = abs(Fraction(ek.raise_split()[1]))
    r_lo = (RAISED_RANGE - 1) * lo
    first = U * Fraction(1, 2**40)
    product = U * r_lo
    second = U * (r_lo + Fraction(1, 2**40)) * (1 + U) ** 2
    split = (RAISED_RANGE - 1) * Fraction(1, 2**100)
    shift = Fraction(1, 2**92) + Fraction(1, 2**799)
    return first + product + second + split + shift


def _raised_per_term() -> Fraction:
    r"""What logsumexp_raised's runtime bound counts per term (n SP_RAISED_PER_TERM), relative to the raised sum S.

    The largest raised term is :math:`e^{a_2} \ge e^{-1.04}(1 - 2^{-50}) > 1/3`, so S > 1/3: each term's subnormal low
    part (half a subnormal ulp, fp.exp.dd.float64's absolute part) is below :math:`3 \cdot 2^{-1075}` of S; a term left
    out (more than 700 below q2) is below :math:`e^{-700} \le 2^{-1009}` of the largest (700 > 1009 ln 2); and
    :math:`\log(1 + t) = t(1 - \theta)` with :math:`0 \le \theta \le t/2 \le n e^{-600}/2`, :math:`e^{-600} \le 2^{-865}`
    (600 > 865 ln 2): per term :math:`3 \cdot 2^{-1075} + 2^{-1009} + 2^{-866}`."""
    ln2_low = Fraction(693147, 1000000)  # ln 2 > 0.693147 (0.69314718...)
    if not (700 > 1009 * ln2_low and 600 > 865 * ln2_low):
        raise AssertionError("the per-term bound's exponents do not follow")
    return 3 * Fraction(1, 2**1075) + Fraction(1, 2**1009) + Fraction(1, 2**866)


def raised_ulps() -> Fraction:
    r"""fp.logsumexp.certified_raised.float64: 1 ULP where logsumexp_raised certifies, from its parts.

    Each counted raised term is sp_exp_dd(a, b) with a in [-702, -0.34] and :math:`|b| \le 2^{-44}` (fp.exp.dd.float64's
    domain), within :math:`\epsilon_{dd}` of :math:`e^{a + b}`, which is within :math:`e^{\delta}`,
    :math:`\delta` = :func:`_raised_argument`, of :math:`e^{(x - m)/T} 2^R`. The sum hi + lo is within sum_error_dd(n) of
    the terms' (fp.logsumexp.terms_dd.float64's argument); :math:`P + P_{lo} = T 2^{-128}(hi + lo)` but for the
    rounding of :math:`T 2^{-128} lo` and of the remainder's sum (the remainder itself exact: SP_EXACT_FMA), each within
    u of :math:`|lo| \le (\gamma_{n-1} + 2^{-41.99})(1 + \gamma_{2n}) S`: for n >= 2 together at most sum_error_dd(n)
    (:math:`\gamma_{2n} \ge 4u`), which the runtime bound counts a second time. The scaling by :math:`2^{128 - R}` is exact
    or rounds H and H_lo once each (2^-1075), and the inner sum head_lo + H_lo rounds by at most
    :math:`u(u|head| + 2^{-51}|H|)`; the runtime bound E counts these as 2^-1074, 2^-104 |head| and (in SP_RAISED_ERROR)
    :math:`2^{-104}`. (The stage also returns results below 2^-1019.5, where E cannot reach 2^-53.5 of them, when
    E < 2^-1073: two subnormal spacings, so within 2 ULP; they lie outside this claim, whose results are >= 2^-1000.)
    With every relative part at most rho <= 2^-53 (the stage requires it), their product exceeds their sum by at most
    :math:`\rho \cdot 2^{-52}`, and H differs from the exact :math:`T t` by :math:`1 + 2^{-52}` at most.
    SP_RAISED_ERROR must cover :math:`e^{\delta} - 1 + 2^{-104}` and SP_RAISED_PER_TERM :func:`_raised_per_term`
    (:func:`_raised_error_covered`); then :math:`|s - v| \le K E`, :math:`K = (1 + 2^{-52})^2(1 + 2^{-51})/(1 - u)^{10}`
    (E as computed, ten roundings of its own), so certified (:math:`E \le 2^{-53.5}|\mathrm{out}|`,
    :math:`|\mathrm{out}| \le (1 + u)|s|`) :math:`|s - v| \le \rho_E|s|`, :math:`\rho_E = 2^{-53.5}K(1 + u)`, below
    :math:`2^{-53}`: one rounding boundary at most between s and v (:func:`certified_ulps`), 1 ULP. Where T n e^q2 <
    2^-1076 the stage returns m, the correctly rounded value (half an ulp of m, or 2^-1075 where m = 0, exceeds T t)."""
    if not _raised_error_covered():
        return Fraction(2)
    rho = WITHIN_ULP * RAISED_ERROR_FACTOR * (1 + U)
    return Fraction(1) if rho < Fraction(1, 2**53) else Fraction(2)


RAISED_ERROR_FACTOR = (1 + Fraction(1, 2**52)) ** 2 * (1 + Fraction(1, 2**51)) / (1 - U) ** 10  # K of raised_ulps


def _raised_error_covered() -> bool:
    """Whether the raised stage's constants cover its parts (:func:`raised_ulps`' argument): then its value s is within
    K E of the logsumexp, E its runtime bound as computed (:data:`RAISED_ERROR_FACTOR`)."""
    return (exp_upper(_raised_argument()) - 1 + Fraction(1, 2**104) <= Fraction(RAISED_STAGE.error)
            and _raised_per_term() <= Fraction(RAISED_STAGE.per_term))


def raised_single_covers() -> bool:
    r"""fp.logsumexp.certified_raised.float32.cr: the raised stage's float32 results, decided by logsumexp_decides_f,
    are correctly rounded: its value s is within K E of the logsumexp (:func:`raised_ulps`; E includes the finish's
    roundings, so no part relative to |out| remains), and the test covers that (:func:`~.decisions.ends_decision_covers`).
    The stage's second acceptance (E below 2^-1073) is for float64 results only."""
    return _raised_error_covered() and ends_decision_covers(RAISED_ERROR_FACTOR, Fraction(0))


LOGSUMEXP_CERTIFIED_RAISED = _stage_claim(
    "fp.logsumexp.certified_raised.float64",
    "every float64 logsumexp that the raised stage certifies (one maximum m, the other terms below e^-600, summed raised "
    "by 2^R; rho <= 2^-53 and E <= 2^-53.5 |out|) is within 1 ULP of the correctly rounded logsumexp, for results of magnitude "
    "at least 2^-1000; where T n e^q2 < 2^-1076 it returns m, correctly rounded",
    (EXP_DD, ek.RAISE_CODY_WAITE_EXACT, ek.RAISE_LN2_SPLIT), raised_ulps,
    ("2^-53.5 stands for SP_WITHIN_ULP_D = 0x1.6a09e667f3bcdp-54 (above 2^-53.5 by under 2^-53 relative, inside the slack)",
     "ldexp as IEC 60559's scaleB (C99 Annex F): exact, or rounded once where its result is subnormal",
     "TwoSum's outputs exact (Knuth, TAOCP 4.2.2 Theorem B)"),
)

TERMS_SINGLE = _fp_claim(
    "fp.logsumexp.terms.float32",
    "a float32 row's t + t_lo is within (2^-36 + gamma_(n-1)^2) t_x + n 2^-1074 of t_x = sum of e^((x_j - m)/T) over the "
    "entries below the max, on every path of the C kernels (SP_TERMS_ERROR_F + sum_error(n), SUBNORMAL_TERMS(n))",
    sp.Le(sp.Abs(FL(t_exact) - t_exact), (_sym(TERMS_BOUND_SINGLE) + sp.Function("gamma")(n_sym - 1) ** 2) * t_exact
          + n_sym * sp.Rational(1, 2**1074)),
    ComposedBound((EXP_SINGLE_TOTAL,), _terms_total_single, TERMS_BOUND_SINGLE),
    TERMS.assumptions[1:],
)
LOGSUMEXP_CERTIFIED_SINGLE = _fp_claim(
    "fp.logsumexp.certified.float32",
    "every float32 logsumexp that the first stage certifies (E <= 2^-25.5 |out|) is within 1 ULP of the correctly rounded "
    "logsumexp, for (c - 1) + t >= 2^-968",
    sp.Le(sp.Function("ulps32")(FL(sp.Symbol("LSE"))), 1),
    ComposedBound((TERMS_SINGLE, LOG1P), lambda: certified_ulps(WITHIN_ULP_SINGLE, single=True), Fraction(1), in_ulps=True),
    ("2^-25.5 stands for SP_WITHIN_ULP_F = 0x1.6a09e667f3bcdp-26",
     "the later stages decide float32 results correctly rounded (fp.logsumexp.float32.cr and the later stages' "
     "fp.logsumexp.certified_*.float32.cr)"),
)

def decision_covers(decision: Fraction = FLOAT32_DECISION) -> bool:
    r"""logsumexp_decides for float32 results (C; the NumPy target's _decides alike) is sound for the first and the
    double-double stage, whose runtime bound E is as in :func:`certified_ulps`: the value s before out = fl(s) satisfies
    :math:`|s - v| \le E(1 + 2^{-51})(1 + u)^5 + A`, with A the assembly's roundings,
    :math:`2^{-104}(|m| + 2TL) \le 2^{-104}(1 + u)|\mathrm{out}| + 3 \cdot 2^{-48} E` (:math:`|m| \le |s| + TL` and
    :math:`E \ge T\,2^{-56} L`, the log's share of E): :func:`~.decisions.ends_decision_covers` with those
    coefficients."""
    return ends_decision_covers((1 + Fraction(1, 2**51)) * (1 + U) ** 5 + 3 * Fraction(1, 2**48), Fraction(1, 2**104) * (1 + U),
                                decision)


_ENDS_TEST = f"B = E + {_power_of_two(FLOAT32_DECISION)} (|out| + E)"


@dataclass(frozen=True)
class DecidedCorrectlyRounded:
    r"""float32 logsumexp correctly rounded where a proved stage decides: the stage's bound (``parts``, proved first:
    its operations, as the stage's float64 claim composes them) and the decision's soundness over it (``covers``, exact
    rational arithmetic: :func:`decision_covers` for the first two stages; ``test`` names the test it covers)."""

    parts: tuple[Claim, ...]
    covers: Callable[[], bool] = decision_covers
    test: str = _ENDS_TEST
    bound: Fraction = Fraction(0)
    in_ulps: bool = True
    portable: bool = False  # a portable twin's: ``covers`` reads the bounds of the build without FMA hardware

    def run(self, statement: sp.Basic) -> Outcome:
        del statement
        with portable_build() if self.portable else nullcontext():
            covered = self.covers()
        return _decision_outcome(self.parts, "the stages' proved bounds and the rounding decision's soundness (exact rational arithmetic)",
                                 None if covered else f"{self.test} does not cover the stage's error",
                                 f"the combined bound: {self.test} covers the stage's error, its own roundings, out's and the "
                                 "ends', so where the test decides the result is correctly rounded")


LOGSUMEXP_SINGLE_CR = _fp_claim(
    "fp.logsumexp.float32.cr",
    "every float32 logsumexp that the first or the double-double stage decides (both ends of out -+ B, B = E + 2^-45 (|out| + E), "
    "round to one float32) is the correctly rounded logsumexp, for (c - 1) + t >= 2^-968",
    sp.Le(sp.Function("ulps32")(FL(sp.Symbol("LSE"))), 0),
    DecidedCorrectlyRounded((TERMS_SINGLE, TERMS_DD, LOG1P)),
    ("2^-45 stands for the decision's constant as printed (LogsumexpErrors.float32_decision)",
     "the stages after these decide by their own claims: fp.logsumexp.certified_raised.float32.cr, "
     "fp.logsumexp.certified_wide.float32.cr (the same test), fp.logsumexp.certified_triple.float32.cr (a test of its own); the "
     "NumPy target decides by the same test from its long double certificate and, undecided, with mpmath until the result "
     "rounds to one float32"),
)

SOFTMAX_ASSEMBLY_BOUND = Fraction(1, 2**100)  # Gappa: 2^-100.8 (v), 2^-101.2 (the reciprocal pair)
e_sym, c_sym = sp.symbols("e c", positive=True)
SOFTMAX_ASSEMBLY = _fp_claim(
    "fp.softmax.assembly.float64",
    "softmax's assembly (reciprocal_of_sum, piece_softmax) gives e/(c + t + t_lo) within 2^-100 relative before its last "
    "rounding, and 1/(c + t + t_lo) as inv_hi + inv_lo within 2^-100, for c + t >= 1, |t_lo| <= 2^-53 t",
    sp.Le(sp.Abs((FL(e_sym / (c_sym + t_sym)) - e_sym / (c_sym + t_sym)) / (e_sym / (c_sym + t_sym))), _sym(SOFTMAX_ASSEMBLY_BOUND)),
    GappaBound("fp_softmax_assembly", SOFTMAX_ASSEMBLY_BOUND, (SOFTMAX_ASSEMBLY_BOUND,)),
    ("TwoSum's outputs exact (Knuth, TAOCP 4.2.2 Theorem B); t_lo renormalised (|t_lo| <= 2^-53 t) on every path",
     "scaled to c + t in [1, 2] and e in [1/2, 1] without underflow (float<53,-9000>): the argument in scripts._softmax_assembly; "
     "the product e inv_lo may underflow, 2^-1075 absolute, counted by the claims that use this one"),
)
SOFTMAX_ROWS = 2**24  # the row length up to which fp.softmax.float64 holds: gamma_(n-1)^2 <= 2^-58
SOFTMAX_LOW = Fraction(1, 2**1018)  # float64 results in [2^-1022, 2^-1018): e inv_lo's underflow may cost one more ULP


def _gamma_squared(n: int, unit: Fraction = U) -> Fraction:
    gamma = (n - 1) * unit / (1 - (n - 1) * unit)
    return gamma * gamma


def softmax_relative(exp_bound: Fraction, terms_bound: Fraction, shift_bound: Fraction, rows: int) -> Fraction:
    r"""The relative error of softmax's v = e (inv_hi + inv_lo) (before its last rounding) against
    :math:`p = e_x/(c + t_x)`, for rows of at most ``rows`` entries, results at least :math:`2^{-1018}`.

    :math:`e = e_x(1 + \epsilon_1)` with :math:`|\epsilon_1| \le` ``exp_bound`` (fp.exp.*, the shift's ``shift_bound``
    on top; a row read once scales e by its segment's factor, within :data:`SEGMENTS_BOUND`);
    :math:`t + t_{lo} = t_x(1 + \theta) + a` with :math:`|\theta| \le` ``terms_bound`` :math:`+ \gamma_{n-1}^2` and
    :math:`|a| \le n 2^{-1074}` (fp.logsumexp.terms.*: the composed bound its proof computes, below the 2^-52 its
    statement rounds up to; the terms' shifts as e's), so :math:`c + t + t_{lo} = (c + t_x)(1 + \theta')` with
    :math:`|\theta'| \le |\theta| + n 2^{-1074} =: \epsilon_t` (as :math:`c \ge 1`); the assembly adds
    :data:`SOFTMAX_ASSEMBLY_BOUND` (fp.softmax.assembly.float64, in either build) and the underflow of :math:`e\,\mathrm{inv}_{lo}`,
    :math:`2^{-1075} \le 2^{-57} p` for :math:`p \ge 2^{-1018}`. So :math:`v/p = (1 + \epsilon_1)(1 + \sigma)(1 + \alpha)/(1 + \theta')`,
    within :math:`(1 + \epsilon_1)(1 + \sigma)(1 + \alpha)/(1 - \epsilon_t) - 1` of 1 on either side.
    """
    eps_t = terms_bound + shift_bound + _gamma_squared(rows) + rows * Fraction(1, 2**1074)
    alpha = SOFTMAX_ASSEMBLY_BOUND + Fraction(1, 2**57)
    return (1 + exp_bound) * (1 + shift_bound) * (1 + SEGMENTS_BOUND) * (1 + alpha) / (1 - eps_t) - 1


def _softmax_rho() -> Fraction:
    """:func:`softmax_relative` of the float64 kernel (its exp, terms and shift bounds, rows up to :data:`SOFTMAX_ROWS`)."""
    return softmax_relative(EXP_BOUND, _terms_total(), SHIFT_BOUND, SOFTMAX_ROWS)


def _softmax_ulps() -> Fraction:
    r"""fp.softmax.float64 in ULPs, in the build being proved: the larger of :func:`ulps_after_rounding` of
    :func:`softmax_relative` for results :math:`p \ge 2^{-1018}` (p = fl(v): SP_FINAL_FMA rounds v once; in the
    portable build once after the :math:`O(u^2)` its assembly's bound includes, fp.softmax.assembly.float64) and
    :func:`_softmax_subnormal_ulps` for :math:`p < 2^{-1022}`. The edge rows (T = 0 or oo, infinities) give 1/count
    or 0, one rounding (temperature.uniform_limit, the ties' share): 0 steps. Results in :math:`[2^{-1022}, 2^{-1018})`
    are the exception the statement names (:func:`_softmax_band_ulps`)."""
    return Fraction(max(ulps_after_rounding(_softmax_rho()), _softmax_subnormal_ulps()))


def _softmax_subnormal_ulps() -> int:
    r"""fp.softmax.float64's steps for an exact result :math:`p < 2^{-1022}` (spacing :math:`s = 2^{-1074}`): the value
    before the last rounding is within :math:`\rho\,2^{-1022}` (:func:`softmax_relative`, its terms relative)
    :math:`+ 2^{-1075}` (the product :math:`e\,\mathrm{inv}_{lo}` rounded to the subnormal spacing) :math:`+ 2^{-1075}`
    (e's own last scaling, a subnormal e rounded once, over :math:`c + t \ge 1`) of p; in the portable build
    sp_final_fma rounds to 53 bits at its scale first and to the subnormal spacing when it scales back:
    :math:`u\,2^{-1022}` more. An interval of length L holds at most :math:`\lfloor L/s \rfloor + 1` boundaries."""
    length = _softmax_rho() * Fraction(1, 2**1022) + 2 * Fraction(1, 2**1075)
    if not printing_fused():
        length += U * Fraction(1, 2**1022)
    return int(length / SUBNORMAL_SPACING) + 1


def _softmax_band_ulps() -> int:
    r"""fp.softmax.float64's steps for results in :math:`[2^{-1022}, 2^{-1018})` (:data:`SOFTMAX_LOW`): there the
    underflow of :math:`e\,\mathrm{inv}_{lo}`, :math:`2^{-1075}`, is up to u of p, beyond the :math:`2^{-57}`
    :func:`softmax_relative` counts (e itself is normal: :math:`e \ge p(c + t) \ge 2^{-1022}` up to its rounding, and
    the portable build's scaling back is exact for a normal result): u more."""
    return ulps_after_rounding(_softmax_rho() + U)


def _softmax_single_ulps() -> Fraction:
    r"""fp.softmax.float32 in ULPs: the double v within :func:`softmax_relative` (the float32 exp, the rounded shift,
    the float32 terms, rows up to 2^31, the assembly's bound) is rounded to a double (u more) and then to
    float32: at most :func:`ulps_after_rounding` steps. Below :math:`2^{-126}` (float32 spacing :math:`2^{-149}`) the
    errors, under :math:`2^{-34} 2^{-126} + 2^{-1073}`, leave one boundary at most: 1 step."""
    rho = softmax_relative(EXP_SINGLE_BOUND, _terms_total_single(), SHIFT_SINGLE_BOUND, 2**31)
    return Fraction(max(ulps_after_rounding(with_double_rounding(rho), U_SINGLE), 1))


p_sym = sp.Symbol("p", positive=True)
g_sym = sp.Symbol("g", real=True)
SOFTMAX = _fp_claim(
    "fp.softmax.float64",
    f"for every finite row of n <= 2^24 entries and every T > 0, each C softmax result p >= 2^-1018 or p < 2^-1022 is "
    f"within {int(_softmax_ulps())} ULP of the correctly rounded e^((x_j - m)/T) / sum_k e^((x_k - m)/T) "
    f"(in [2^-1022, 2^-1018): {_softmax_band_ulps()})",
    sp.Le(sp.Function("ulps")(FL(p_sym)), 3),
    ComposedBound((EXP_TOTAL, TERMS, SOFTMAX_ASSEMBLY), _softmax_ulps, Fraction(3), in_ulps=True),
    ("e_j's from the same exp kernel as the sum's terms (one function of the entry, stashed or recomputed)",
     "the argument in _softmax_ulps and softmax_relative (codegen/backends/gappa/claims.py)"),
)
SOFTMAX_SINGLE = _fp_claim(
    "fp.softmax.float32",
    "for every finite float32 row of n <= 2^31 entries and every T > 0, each C softmax result is within 1 ULP of the "
    "correctly rounded softmax",
    sp.Le(sp.Function("ulps32")(FL(p_sym)), 1),
    ComposedBound((EXP_SINGLE_TOTAL, TERMS_SINGLE, SOFTMAX_ASSEMBLY), _softmax_single_ulps, Fraction(1), in_ulps=True),
    ("the double result rounded once to float32; the argument in _softmax_single_ulps",),
)

def _softmax_entry_relative() -> Fraction:
    r""":math:`\rho_p` with :math:`|p - p^*| \le \rho_p p^*` for the C softmax's double p of an exact :math:`p^* \ge 2^{-1018}`:
    p = RN(v) and v within :func:`softmax_relative` of :math:`p^*`, so :math:`\rho_p = (1 + \rho_s)(1 + u) - 1` (3.98 u)."""
    return (1 + _softmax_rho()) * (1 + U) - 1


def _logsumexp_backward_ulps() -> Fraction:
    r"""fp.logsumexp_backward.float64 in ULPs. The runtime (``_options.logsumexp_backward``) takes p from the C softmax in
    binary64 (every input dtype goes through float64) and returns fl(g p), one IEEE product. With
    :math:`|p - p^*| \le \rho_p p^*` (:func:`_softmax_entry_relative`, for :math:`p^* \ge 2^{-1018}`),
    :math:`g p = g p^*(1 + \epsilon)`, :math:`|\epsilon| \le \rho_p`, rounded once: at most
    :func:`ulps_after_rounding` of :math:`\rho_p` boundaries lie between fl(g p) and RN(g p*). A product below
    :math:`2^{-1022}` (spacing :math:`2^{-1074}`): :math:`|g p - g p^*| < 4u\,2^{-1022} = 2^{-1073}`, two spacings, so at
    most 3 boundaries. :math:`|g p| \le |g|` (p <= 1): no overflow for a finite g. A probability below :math:`2^{-1018}`
    is the exception the statement names (softmax's own)."""
    return Fraction(max(ulps_after_rounding(_softmax_entry_relative()), 3))


def _logsumexp_backward_single_ulps() -> Fraction:
    r"""fp.logsumexp_backward.float32 in ULPs: the double fl(g p) (:func:`_logsumexp_backward_ulps`' argument: within
    :math:`(1 + \rho_p)(1 + u) - 1` of :math:`g p^*`, below :math:`2^{-49}`) rounded once to float32: at most
    :func:`ulps_after_rounding` steps at float32's unit. Float32 results below :math:`2^{-126}` (spacing :math:`2^{-149}`):
    the double's error is under :math:`2^{-175} + 2^{-1073}`, one boundary at most. A probability below :math:`2^{-1018}`
    (subnormal or near it, absolute error :math:`2^{-1072}`): with :math:`|g| < 2^{128}` (a float32 g; a float64 g makes the
    result float64) both :math:`g p` and :math:`g p^*` are below :math:`2^{-889}` and round to a zero of the same sign."""
    rho = (1 + _softmax_entry_relative()) * (1 + U) - 1
    return Fraction(max(ulps_after_rounding(rho, U_SINGLE), 1))


LOGSUMEXP_BACKWARD = _fp_claim(
    "fp.logsumexp_backward.float64",
    f"for every finite row of n <= 2^24 entries, every T > 0 and every finite upstream g, each logsumexp_backward result "
    f"g p (C softmax) is within {int(_logsumexp_backward_ulps())} ULP of the correctly rounded g e^((x_j - m)/T) / sum_k "
    "e^((x_k - m)/T) where that probability is at least 2^-1018",
    sp.Le(sp.Function("ulps")(FL(g_sym * p_sym)), 4),
    ComposedBound((SOFTMAX,), _logsumexp_backward_ulps, Fraction(4), in_ulps=True),
    ("p from the C softmax in binary64, g p one IEEE product (NumPy), as _options.logsumexp_backward computes them",
     "the argument in _logsumexp_backward_ulps (codegen/backends/gappa/claims.py)"),
)
LOGSUMEXP_BACKWARD_SINGLE = _fp_claim(
    "fp.logsumexp_backward.float32",
    "for every finite float32 row of n <= 2^24 entries, every T > 0 and every finite float32 upstream g, each "
    "logsumexp_backward result is within 1 ULP of the correctly rounded g softmax(x/T)",
    sp.Le(sp.Function("ulps32")(FL(g_sym * p_sym)), 1),
    ComposedBound((SOFTMAX,), _logsumexp_backward_single_ulps, Fraction(1), in_ulps=True),
    ("p from the C softmax in binary64 (float32 inputs are widened first), g p one binary64 product rounded once to "
     "float32; the argument in _logsumexp_backward_single_ulps",),
)


LOG_SHARE_ASSEMBLY_BOUND = Fraction(1, 2**101)  # Gappa: 2^-102
q_sym, L_sym = sp.symbols("q L", real=True)
LOG_SHARE_ASSEMBLY = _fp_claim(
    "fp.log_softmax.assembly.float64",
    "log_softmax's entry (log_share) gives q + ql - (L + L_lo) within 2^-101 relative before its last rounding, for q <= 0 <= L, "
    "|ql| <= 2 ulp(q), |L_lo| <= ulp(L)/2",
    sp.Le(sp.Abs((FL(q_sym - L_sym) - (q_sym - L_sym)) / (q_sym - L_sym)), _sym(LOG_SHARE_ASSEMBLY_BOUND)),
    GappaBound("fp_log_softmax_assembly", LOG_SHARE_ASSEMBLY_BOUND),
    ("TwoSum's outputs exact (Knuth, TAOCP 4.2.2 Theorem B)",
     "scaled to L - q in [1, 2] without underflow (float<53,-9000>): the argument in scripts._softmax_assembly; each "
     "underflowing rounding adds at most 2^-1075, counted by the claims that use this one"),
)
LOG_SHARE_SCOPE = Fraction(1, 2**968)  # (c - 1) + t below it: fp.log1p.float64 is absolute there (fp.log1p.tiny)


def log_share_relative(terms_bound: Fraction, rows: int) -> Fraction:
    r"""The relative error of log_share's v (before its last rounding) against :math:`y = (x - m)/T - L_x`,
    :math:`L_x = \log(c + t_x)`, for rows of at most ``rows`` entries with :math:`(c - 1) + t \ge 2^{-968}`.

    :math:`|y| = |(x - m)/T| + L_x` (both terms of one sign). The parts:
    L + L_lo: log_normaliser's argument :math:`(c - 1) + t + t_{lo}` is kept exactly but for one rounding of a value
    below :math:`2u` of it (u_lo's sum; Fast2Sum exact), so within :math:`2^{-104}` of it;
    :math:`t + t_{lo} = t_x(1 + \theta) + a` (fp.logsumexp.terms.*, ``terms_bound`` :math:`+ \gamma_{n-1}^2`,
    :math:`|a| \le n 2^{-1074}`) moves :math:`\log(c + t)` by at most :math:`(|\theta| t_x + |a|)/(c + t_x)`
    :math:`\le |\theta| L_x + |a|/(c + t_x)` (:math:`t/(c + t) \le \log(1 + t) \le \log(c + t)` for :math:`c \ge 1`),
    and :math:`|a| \le n 2^{-1074} \le 2^{-75} L_x` in scope (:math:`L_x \ge 2^{-969}`); sp_log1p_dd adds
    :math:`2^{-56} L` (fp.log1p.float64). The shift: :math:`q + ql` within :math:`8u^2|q|` of
    :math:`(x - m)/T` (two roundings of a value below :math:`2\,\mathrm{ulp}(q)`) plus :math:`2^{-1075}` (the halving of a
    subnormal x for T > 1), below :math:`2^{-100}|y|` where :math:`|y| \ge 2^{-969}`. The assembly adds
    :data:`LOG_SHARE_ASSEMBLY_BOUND` (fp.log_softmax.assembly.float64) and its three roundings' underflow,
    :math:`3 \cdot 2^{-1075} \le 2^{-100}|y|`. Each part is a fraction of :math:`|y|`; they add.
    """
    eta = (terms_bound + _gamma_squared(rows)) * (1 + Fraction(1, 2**104)) + Fraction(1, 2**104) + Fraction(1, 2**75) + LOG1P_BOUND
    return eta * (1 + LOG1P_BOUND) + 2 * Fraction(1, 2**100) + LOG_SHARE_ASSEMBLY_BOUND


def _log_share_ulps() -> Fraction:
    """fp.log_softmax.float64 (and cross-entropy's) in ULPs: the one rounding of v (:func:`ulps_after_rounding`)."""
    return Fraction(ulps_after_rounding(log_share_relative(_terms_total() + SHIFT_BOUND, SOFTMAX_ROWS)))


def _log_share_single_ulps() -> Fraction:
    r"""The float32 results: log_share takes q rounded (twice with T: :math:`\hat q = q(1 + \delta_1)(1 + \delta_2)`),
    L's head alone (within :math:`u L` of L + L_lo) and :math:`\hat q - L` rounded once, in binary64: with |y| = |q| + L
    the double is within :math:`(\eta + u)L + (2u + u^2)|q| + u|y| \le (\eta + 4u)|y|` of y (:math:`\eta` of
    :func:`log_share_relative` without the float64 assembly), then rounded once to float32: at most
    :func:`ulps_after_rounding` steps; below :math:`2^{-126}` the float32 spacing :math:`2^{-149}` is far above these errors."""
    rho = log_share_relative(_terms_total_single(), 2**31) - LOG_SHARE_ASSEMBLY_BOUND + 4 * U
    return Fraction(ulps_after_rounding(rho, U_SINGLE))


_LOG_SHARE_ASSUMED = ("the argument in log_share_relative (codegen/backends/gappa/claims.py)",
                      "rows with (c - 1) + t < 2^-968 are out of scope for their maximal entries (log p = -L with L below 2^-968: "
                      "their L comes from the terms raised by 2^1000, tiny_sum, measured within 2 ULP, not proved here)")
def _log_share_claims(function: str, what: str, exact: sp.Expr) -> tuple[Claim, Claim]:
    """fp.<function>.float64 (2 ULP) and .float32 (1 ULP) for a result assembled by log_share: log_softmax's
    entries, the cross-entropy loss (the target's entry negated, the same rounding)."""
    scope = "with (c - 1) + t >= 2^-968"
    return (
        _fp_claim(f"fp.{function}.float64",
                  f"for every finite row of n <= 2^24 entries {scope} and every T > 0, {what} is within 2 ULP of the correctly rounded value",
                  sp.Le(sp.Function("ulps")(FL(exact)), 2),
                  ComposedBound((TERMS, LOG1P, LOG_SHARE_ASSEMBLY), _log_share_ulps, Fraction(2), in_ulps=True), _LOG_SHARE_ASSUMED),
        _fp_claim(f"fp.{function}.float32",
                  f"for every finite float32 row of n <= 2^31 entries {scope} and every T > 0, {what} is within 1 ULP of the correctly "
                  "rounded value",
                  sp.Le(sp.Function("ulps32")(FL(exact)), 1),
                  ComposedBound((TERMS_SINGLE, LOG1P), _log_share_single_ulps, Fraction(1), in_ulps=True), _LOG_SHARE_ASSUMED),
    )


LOG_SOFTMAX, LOG_SOFTMAX_SINGLE = _log_share_claims(
    "log_softmax", "each C log_softmax result (x_j - m)/T - log sum_k e^((x_k - m)/T)", q_sym - L_sym)
CROSS_ENTROPY, CROSS_ENTROPY_SINGLE = _log_share_claims(
    "cross_entropy", "the C cross-entropy loss log sum_k e^(x_k) - x_target (T = 1; -log_share of the target)", L_sym - q_sym)

WIDE_UNIT = Fraction(1, 2**64)  # numpy.longdouble's unit roundoff where it is x86's extended format


def label_smoothing_relative() -> Fraction:
    r"""The relative error, before its rounding to float64, of the per-row loss with label smoothing as
    codegen/runtime/_options.py composes it (_smoothed_losses) from the C kernels' values, for nonnegative class weights
    and rows of at most SOFTMAX_ROWS (2^24) classes with (c - 1) + t >= 2^-968.

    The loss is :math:`\sum_j c_j v_j^*` with :math:`c_j = (1 - \epsilon)w_t[j = t] + (\epsilon/K)w_j \ge 0` and
    :math:`v_j^* = -\log p_j \ge 0` (the target's term from cross_entropy, the others from log_softmax: both log_share,
    whose value before its rounding is within :math:`\eta` of :math:`v_j^*`, :func:`log_share_relative`), so each double
    :math:`v_j` is within :math:`\rho_v = \eta + u(1 + \eta)`. In numpy.longdouble (x86's extended format,
    :math:`u_{80} = 2^{-64}`; no overflow or underflow of these products and sums of doubles beyond one subnormal
    rounding of the result): the products :math:`w_j v_j` and :math:`w_t v_t`, :math:`\epsilon/K`, its product with the
    sum, :math:`1 - \epsilon`, its product and the last sum, one rounding each (seven at most on any term's path), and
    the compensated sum of n nonnegative terms within :math:`u_{80} + \gamma_{n-1}^2` of their sum (Ogita, Rump and Oishi,
    in any tree order). A sum of nonnegative terms each within a relative error is within the largest, so
    :math:`\rho = (1 + \rho_v)(1 + u_{80})^7(1 + u_{80} + \gamma_{n-1}^2) - 1`."""
    eta = log_share_relative(_terms_total() + SHIFT_BOUND, SOFTMAX_ROWS)
    rho_v = eta + U * (1 + eta)
    gamma = (SOFTMAX_ROWS - 1) * WIDE_UNIT / (1 - (SOFTMAX_ROWS - 1) * WIDE_UNIT)
    return (1 + rho_v) * (1 + WIDE_UNIT) ** 7 * (1 + WIDE_UNIT + gamma * gamma) - 1


_LABEL_SMOOTHING_ASSUMED = (
    "numpy.longdouble is x86's extended format (64-bit significand, 15-bit exponent), as on x86-64 Linux; elsewhere the "
    "composition is in double and this claim does not apply", "class weights nonnegative (or none), index targets, "
    "reduction='none'", "the argument in label_smoothing_relative (codegen/backends/gappa/claims.py)", _LOG_SHARE_ASSUMED[0],
    _LOG_SHARE_ASSUMED[1])
loss_sym = sp.Symbol("loss_eps", positive=True)
LABEL_SMOOTHING = _fp_claim(
    "fp.cross_entropy.label_smoothing.float64",
    "for every finite row of n <= 2^24 classes with (c - 1) + t >= 2^-968, every label_smoothing eps in (0, 1] and "
    "nonnegative class weights, the loss (1 - eps) w_t (-log p_t) + (eps/K) sum_j w_j (-log p_j) is within 3 ULP of the "
    "correctly rounded value (C kernels, composed in long double)",
    sp.Le(sp.Function("ulps")(FL(loss_sym)), 3),
    ComposedBound((TERMS, LOG1P, LOG_SHARE_ASSEMBLY), lambda: Fraction(ulps_after_rounding(label_smoothing_relative())), Fraction(3),
                  in_ulps=True), _LABEL_SMOOTHING_ASSUMED, formats="binary64 and long double")
LABEL_SMOOTHING_SINGLE = _fp_claim(
    "fp.cross_entropy.label_smoothing.float32",
    "the same for float32 logits (widened to float64 first) and results: the float64 loss rounded once more, to float32, "
    "within 1 ULP of the correctly rounded value",
    sp.Le(sp.Function("ulps32")(FL(loss_sym)), 1),
    ComposedBound((TERMS, LOG1P, LOG_SHARE_ASSEMBLY),
                  lambda: Fraction(ulps_after_rounding(label_smoothing_relative() * (1 + U) + U, U_SINGLE)), Fraction(1),
                  in_ulps=True), _LABEL_SMOOTHING_ASSUMED, formats="binary64 and long double")

CORRECT_FLOOR = Fraction(1, 2**1069)  # the absolute part of precision="correct"'s bound (_correct.py, softproof_decide_f)


def correct_decision_covers(ulps: int) -> bool:
    r"""precision="correct"'s first stage (``codegen/runtime/_correct.py``'s decide, the C target's softproof_decide_f) is
    sound over a float64 result y within ``ulps`` ULP (K) of :math:`\mathrm{RN}_{64}(f)`, f the exact value.

    :math:`|y - \mathrm{RN}(f)| \le K s` and :math:`|\mathrm{RN}(f) - f| \le s/2`, s the spacing at
    :math:`\max(|y|, |f|)`: :math:`s \le 2^{-52}(1 + 2^{-52})\max(|y|, |f|)` or :math:`2^{-1074}` below the normal range, so
    with :math:`a = (K + \tfrac12)2^{-52}(1 + 2^{-52})` and :math:`|f| \le |y| + e`: :math:`e = |y - f| \le c|y| + d`,
    :math:`c = a/(1 - a)`, :math:`d = (K + \tfrac12)2^{-1074}/(1 - a)`. The printed bound
    :math:`B = \mathrm{fl}(\mathrm{fl}(S|y|) + F)`, S = (K + 2) 2^-52 exact, F = :data:`CORRECT_FLOOR`, lies in
    :math:`[S(1 - u)^2|y| + F(1 - u) - 2t, S(1 + u)^2|y| + F(1 + u) + 2t]`, t = 2^-1075 (each rounding relative u or,
    underflowing, absolute t). The ends :math:`\mathrm{fl}(y \mp B)` lie within :math:`u(|y| + B) + t` of :math:`y \mp B`.
    They enclose f where :math:`e + u(|y| + B_{max}) + t \le B_{min}`: linear in |y|, so it suffices that each
    coefficient on the left is at most its counterpart on the right (exact rational arithmetic). Then rounding to
    nearest being monotone, where both ends round to one value of the format (float32, float16, bfloat16; a known sign of
    f narrowing the interval at 0), that is f's rounding."""
    tiny = Fraction(1, 2**1075)
    scale = (ulps + 2) * Fraction(1, 2**52)
    a = (ulps + Fraction(1, 2)) * Fraction(1, 2**52) * (1 + Fraction(1, 2**52))
    c, d = a / (1 - a), (ulps + Fraction(1, 2)) * SUBNORMAL_SPACING / (1 - a)
    low_coefficient, low_constant = scale * (1 - U) ** 2, CORRECT_FLOOR * (1 - U) - 2 * tiny
    high_coefficient, high_constant = scale * (1 + U) ** 2, CORRECT_FLOOR * (1 + U) + 2 * tiny
    return c + U * (1 + high_coefficient) <= low_coefficient and d + U * high_constant + tiny <= low_constant


@dataclass(frozen=True)
class DecidedFromDouble:
    r"""A float32 function with precision="correct" correctly rounded wherever its first stage decides: the float64
    claim its decision rests on (``parts``, proved first; its bound is the K printed into the dispatch, ``ulps``) and
    :func:`correct_decision_covers`."""

    parts: tuple[Claim, ...]
    ulps: int
    bound: Fraction = Fraction(0)
    in_ulps: bool = True

    def run(self, statement: sp.Basic) -> Outcome:
        del statement
        test = f"B = {self.ulps + 2} 2^-52 |y| + 2^-1069"
        stated = [getattr(part.strategy, "bound", None) for part in self.parts]
        if any(bound is None or bound > self.ulps for bound in stated):
            failure: str | None = f"a part's bound {stated} exceeds the decision's {self.ulps} ULP"
        else:
            failure = None if correct_decision_covers(self.ulps) else f"{test} does not cover {self.ulps} ULP"
        return _decision_outcome(self.parts, "the float64 claim's proved bound and the decision's soundness (exact rational arithmetic)",
                                 failure, f"the combined bound: {test} covers {self.ulps} ULP, the bound's roundings and the ends', so "
                                 "where both ends round to one float32 the result is correctly rounded")


def _correct_claim(function: str, double: Claim, ulps: int, what: str, scope: tuple[str, ...]) -> Claim:
    return _fp_claim(
        f"fp.{function}.float32.correct",
        f"with precision=\"correct\", every C float32 {function} result that the first stage decides (both ends of y -+ B, "
        f"B = {ulps + 2} 2^-52 |y| + 2^-1069, y the double kernel's result, round to one float32) is the correctly rounded {what}",
        sp.Le(sp.Function("ulps32")(FL(sp.Symbol("y"))), 0),
        DecidedFromDouble((double,), ulps),
        ("the entries it leaves undecided are settled in ball arithmetic (python-flint's arb, rigorous enclosures) on the "
         "textbook definition after the shift, the precision doubled from 96 bits until the ball rounds to one float32",
         *scope),
    )


SOFTMAX_CORRECT = _correct_claim("softmax", SOFTMAX, 3, "e^((x_j - m)/T) / sum_k e^((x_k - m)/T)",
                                 ("fp.softmax.float64's exceptions (results below 2^-1018) round to +0 in float32, whose sign "
                                  "the decision takes from p >= 0",))
LOG_SOFTMAX_CORRECT = _correct_claim("log_softmax", LOG_SOFTMAX, 2, "(x_j - m)/T - log sum_k e^((x_k - m)/T)",
                                     ("fp.log_softmax.float64's exceptions (a maximal entry of a row with (c - 1) + t < 2^-968) lie "
                                      "within 2^-968 of 0 with the kernel's sign: -0 in float32 where the kernel's double is "
                                      "negative (then t > 0, another finite entry, and the truth is negative); a zero is left to "
                                      "the ball stage, which takes the sign from the row",))
CROSS_ENTROPY_CORRECT = _correct_claim("cross_entropy", CROSS_ENTROPY, 2, "loss log sum_k e^(x_k) - x_target",
                                       ("fp.cross_entropy.float64's exceptions (a target at the maximum of a row with (c - 1) + t < "
                                        "2^-968) are losses below 2^-968, +0 in float32, whose sign the decision takes from the "
                                        "loss >= 0; an undecided loss is the negated log_softmax entry, settled in ball arithmetic",))


def log_sigmoid_relative(exp_bound: Fraction) -> Fraction:
    r"""The relative error of log_sigmoid's v (sp_log1p_diff, before its last rounding) against
    :math:`y = \min(x, 0) - \log(1 + e^{-|x|})`, for :math:`x \le 670`.

    decay :math:`\hat d = d(1 + \epsilon)`, :math:`|\epsilon| \le` ``exp_bound`` (fp.exp.*; for :math:`|x| > 708` also half
    a subnormal ulp, below). Where :math:`d \ge 2^{-968}`: :math:`|\log(1 + \hat d) - \log(1 + d)| \le |\epsilon|(1 + |\epsilon|)
    d/(1 + d) \le |\epsilon|(1 + |\epsilon|) L` (:math:`d/(1 + d) \le \log(1 + d)`), sp_log1p_dd adds :math:`2^{-56}`
    (fp.log1p.float64), the assembly :data:`LOG_SHARE_ASSEMBLY_BOUND` with q = min(x, 0) exact and ql = 0
    (fp.log_softmax.assembly.float64), and its roundings' underflow :math:`3 \cdot 2^{-1075} \le 2^{-100}|y|`
    (:math:`|y| \ge L \ge 2^{-969}`); each is a fraction of :math:`|y| = |q| + L`. Where :math:`d < 2^{-968}` and x < -670:
    :math:`|y| > 670` and L's error is absolute, below :math:`2^{-1070}` (fp.log1p.tiny and decay's), under
    :math:`2^{-1000}|y|`. Results for x > 670 (:math:`|y| < 2^{-968}`) are out of scope.
    """
    return exp_bound * (1 + exp_bound) * (1 + LOG1P_BOUND) + LOG1P_BOUND + LOG_SHARE_ASSEMBLY_BOUND + Fraction(1, 2**100)


_SINGLE_TAIL = ("the argument in log_sigmoid_single_relative (sp_log1p_diff_single) with the float32 exp for |x| <= 104 (e^-|x| >= 2^-150 > 2^-968), the double "
                "rounded once more to float32 (ulps_after_rounding); for |x| > 104, y is within 2^-150 of min(x, 0) and the double "
                "within 2^-1000 of y: one float32 rounding boundary at most")


_N_MS = sp.Function("N")(sp.Symbol("M_s"))  # 2 Ms + Ms^3 rho(Ms^2) at Ms = e/(2 + e): the atanh kernels' polynomial
LOG1P_SINGLE_BOUND = Fraction(13, 10) * Fraction(1, 2**51)  # Gappa: 2^-50.678 (1.249 2^-51), both builds
LOG1P_SINGLE_POLY = Fraction(int(lk.SINGLE_ERROR_BOUND.p), int(lk.SINGLE_ERROR_BOUND.q))  # log1p.single.polynomial_error
LOG1P_SINGLE = _fp_claim(
    "fp.log1p.single",
    "sp_log1p_diff_single's L (log_sigmoid's and softplus' log1p for float32 results) is within 1.3 2^-51 of "
    "N(Ms) = 2 Ms + Ms^3 rho(Ms^2), Ms = d/(2 + d), relative, for 2^-53 <= d <= 1 (below, L = d)",
    sp.Le(_relative(_N_MS), _sym(LOG1P_SINGLE_BOUND)),
    GappaBound("fp_log1p_single", LOG1P_SINGLE_BOUND),
    ("the argument in scripts._log1p_single (for d < 2^-53: 2 + d rounds to 2, s = d/2 exactly and L = d, within "
     "2^-54 of log(1 + d))",),
)


def log_sigmoid_single_relative(exp_bound: Fraction) -> Fraction:
    r"""The relative error of the first stage's v = sp_log1p_diff_single(q, decay) of log_sigmoid (float32 results)
    before its last rounding, against :math:`y = \min(x, 0) - \log(1 + e^{-|x|})`, for :math:`|x| \le 670`: L from
    the computed decay :math:`\hat d` within :math:`\lambda = (1 + \beta)(1 + 2^{-41}) - 1` of :math:`\log(1 + \hat d)`
    (fp.log1p.single, log1p.single.polynomial_error with log1p.atanh_form; below :math:`2^{-53}`, :math:`2^{-54}`), decay's
    own error through log1p as in :func:`log_sigmoid_relative` (:math:`\epsilon(1 + \epsilon) L`), so :math:`\hat L =
    L(1 + \theta)`, :math:`\theta \le \epsilon(1 + \epsilon)(1 + \lambda) + \lambda`; q - :math:`\hat L` has no
    cancellation (q = min(x, 0) exact, :math:`|y| = |q| + L`), so the error is :math:`\theta L \le \theta|y|`, and
    :math:`2^{-100}` covers underflow (d >= 2^-968: every value normal but z, whose term is then below 2^-1000 L)."""
    lam = max((1 + LOG1P_SINGLE_BOUND) * (1 + LOG1P_SINGLE_POLY) - 1, Fraction(1, 2**54))
    return exp_bound * (1 + exp_bound) * (1 + lam) + lam + Fraction(1, 2**100)


def _log1p_diff_claims(function: str, domain: str, exact: sp.Expr, how: str) -> tuple[Claim, Claim]:
    """fp.<function>.float64 (2 ULP on ``domain``) and .float32 (1 ULP, every x) for an element-wise piece printed as
    sp_log1p_diff (log_sigmoid; softplus, its negation at -x)."""
    return (
        _fp_claim(f"fp.{function}.float64",
                  f"for every double x {domain}, the C {function} is within 2 ULP of the correctly rounded {exact}",
                  sp.Le(sp.Function("ulps")(FL(exact)), 2),
                  ComposedBound((EXP_TOTAL, LOG1P, LOG1P_PARTS[3], LOG_SHARE_ASSEMBLY),
                                lambda: Fraction(ulps_after_rounding(log_sigmoid_relative(EXP_BOUND))), Fraction(2), in_ulps=True),
                  (how,)),
        _fp_claim(f"fp.{function}.float32",
                  f"for every float32 x, the C {function}'s float32 result is within 1 ULP of the correctly rounded {exact}",
                  sp.Le(sp.Function("ulps32")(FL(exact)), 1),
                  ComposedBound((EXP_SINGLE_TOTAL, LOG1P_SINGLE, lk.SINGLE_POLYNOMIAL_ERROR, lk.ATANH_FORM),
                                lambda: Fraction(ulps_after_rounding(log1p_diff_stage_relative(True), U_SINGLE)),
                                Fraction(1), in_ulps=True),
                  (how, _SINGLE_TAIL)),
    )


LOG_SIGMOID, LOG_SIGMOID_SINGLE = _log1p_diff_claims(
    "log_sigmoid", "<= 670", -sp.log(1 + sp.exp(-x_sym)),
    "the argument in log_sigmoid_relative; log_sigmoid is sp_log1p_diff(min(x, 0), e^-|x|) (pieces._log1p_difference)")
SOFTPLUS, SOFTPLUS_SINGLE = _log1p_diff_claims(
    "softplus", ">= -670", sp.log(1 + sp.exp(x_sym)),
    "softplus(x) = -log_sigmoid(-x): the C piece is -sp_log1p_diff(-max(x, 0), e^-|x|) (pieces._log1p_difference), negation "
    "exact; the argument in log_sigmoid_relative")

def log1p_diff_stage_relative(single: bool) -> Fraction:
    r"""The relative error of the double v (``single``: the float32 kernel's, sp_log1p_diff_single with the float32 exp,
    :func:`log_sigmoid_single_relative`) or w (the float64 kernel's, :func:`log_sigmoid_relative`) of log_sigmoid and
    softplus, as a double, before the kernel's last rounding, and that rounding, :math:`(1 + \rho)(1 + u) - 1` (:math:`x \le 670` for log_sigmoid, :math:`x \ge -670` for
    softplus: the float32 exp's bound holds where decay is normal, and below the argument of log_sigmoid_relative)."""
    return with_double_rounding(log_sigmoid_single_relative(EXP_SINGLE_BOUND) if single else log_sigmoid_relative(EXP_BOUND))


def _log1p_diff_cr_claim(function: str, exact: sp.Expr, single: Claim, double: Claim, tail: str) -> Claim:
    """fp.<function>.float32.cr for log_sigmoid and softplus: :class:`CorrectlyRounded` over
    :func:`log1p_diff_stage_relative`, whose parts are the float32 and float64 claims."""
    return _fp_claim(
        f"fp.{function}.float32.cr",
        f"for every float32 x, the C {function}'s float32 result is the correctly rounded {exact}",
        sp.Le(sp.Function("ulps32")(FL(exact)), 0),
        CorrectlyRounded(function, (single,), (double,), relative=log1p_diff_stage_relative),
        ("stage 1 keeps the float32 kernel's v (within log1p_diff_stage_relative(True), 1.13 2^-37, where the relative "
         "bound holds) where it lies farther than its margin from every float32 rounding boundary (sp_near_boundary_f, "
         "exact in integers, on |v|) or, nearer or below 2^-126 in magnitude, where both ends of its two-rounding test round "
         "to one float32; stage 2 likewise with the float64 kernel's w (2.57 u); the rest by the table",
         tail, "the library built with FMA hardware (-march=native here); its portable twin runs the portable build's sweep"),
    )


_CR_LOG1P_DIFF_TAILS = (
    "the sweep covers |x| <= 670 (CorrectRounding.sweep_limit); beyond, e^-|x| < 2^-966. Toward 0 (x > 670 for log_sigmoid, "
    "x < -670 for softplus, outside the relative bound): the truth, v and w lie within 2^-966 of 0 on the function's side and "
    "round to a zero of its sign (both test ends too). The other tail (the relative bound holds): the truth is within "
    "2^-966 of x, a float32, and v within 2^-36 |x| of it, so v is at least 2^-26 |x| from every float32 rounding boundary "
    "(half an ulp of x from x): stage 1's integer test decides and (float)v is x, the truth's rounding. x = +-inf gives "
    "an infinity or a zero, decided by stage 1; NaN gives NaN")
LOG_SIGMOID_SINGLE_CR = _log1p_diff_cr_claim(
    "log_sigmoid", -sp.log(1 + sp.exp(-x_sym)), LOG_SIGMOID_SINGLE, LOG_SIGMOID, _CR_LOG1P_DIFF_TAILS)
SOFTPLUS_SINGLE_CR = _log1p_diff_cr_claim(
    "softplus", sp.log(1 + sp.exp(x_sym)), SOFTPLUS_SINGLE, SOFTPLUS, _CR_LOG1P_DIFF_TAILS)

LOGIT_RATIO_BOUND = Fraction(1, 2**103)  # Gappa: 2^-103.4
n_ratio, d_ratio = sp.symbols("n d", positive=True)
LOGIT_RATIO = _fp_claim(
    "fp.logit.ratio",
    "sp_logit's ratio q + u_lo (the rounded quotient n/d, its remainder by one FMA, then (remainder + n_lo)/d) is within "
    "2^-103 of (n + n_lo)/d, relative",
    sp.Le(_relative(n_ratio / d_ratio), _sym(LOGIT_RATIO_BOUND)),
    GappaBound("fp_logit_ratio", LOGIT_RATIO_BOUND),
    ("|n_lo| <= ulp(n)/2 (TwoSum's error, or 0), n >= 2^-53 and 2^-1010 <= d <= 1 (sp_logit's n and d)",
     "scaled to n, d in [1, 2] without underflow (float<53,-9000>): the argument in scripts._logit_ratio"),
)
LN2_PAIR_ERROR = Fraction(1, 2**108)  # |64 ln 2 - (SP_LOGIT_SHIFT_HI + SP_LOGIT_SHIFT_LO)| / (64 ln 2): half an ulp of lo
LOGIT_SCALING_ERROR = Fraction(1, 2**900)  # |log1p(-x) - log1p(-2^64 x)| / |logit(x)| for x < 2^-960


def log1p_of_perturbed(eps: Fraction) -> Fraction:
    r"""The relative error of sp_log1p_dd's :math:`L + L_{lo}` against :math:`\log(1 + u)` when it receives
    :math:`u(1 + \epsilon)`, :math:`|\epsilon| \le` ``eps``, u >= 2^-968: :math:`|\log(1 + \hat u) - \log(1 + u)| \le
    |\hat u - u|/(1 + \min(\hat u, u)) \le \epsilon' u/(1 + u) \le \epsilon'\log(1 + u)` with :math:`\epsilon' =
    \epsilon/(1 - \epsilon)` (as :math:`1 + \min \ge (1 - \epsilon)(1 + u)` and :math:`u/(1 + u) \le \log(1 + u)`), then the
    kernel's own :math:`2^{-56}` of :math:`\log(1 + \hat u)` (fp.log1p.float64)."""
    ratio = eps / (1 - eps)
    return ratio + LOG1P_BOUND * (1 + ratio)


def float32_of_double(rho: Fraction) -> int:
    """ULPs of a float32 result that rounds to float32 the double RN(v), v within ``rho`` of the truth (relative): the double
    is within rho + u(1 + rho), and :func:`ulps_after_rounding` counts the float32 boundaries."""
    return ulps_after_rounding(with_double_rounding(rho), U_SINGLE)


def logit_relative() -> Fraction:
    r"""The relative error of sp_logit's value before its last rounding, against :math:`y = \operatorname{logit}(x)`,
    for every double :math:`0 < x < 1`.

    The ratio: :math:`G = q + u_{lo} = U(1 + \epsilon)`, :math:`|\epsilon| \le` :data:`LOGIT_RATIO_BOUND`
    (fp.logit.ratio; the Fast2Sum keeps the sum, and :math:`u \ge 2^{-52}` or u = 0 exactly at x = 1/2, so
    fp.log1p.float64's scope :math:`u \ge 2^{-968}` holds; u = 0 gives 0 exactly), so sp_log1p_dd's :math:`L + L_{lo}`
    is within :math:`\eta` of :math:`\log(1 + U) = |y|` (:func:`log1p_of_perturbed`). For
    :math:`x \ge 1/2` the result is L itself, the rounding of :math:`L + L_{lo}` (Fast2Sum). Below 1/2 it is
    log_share_of(q, ql, L, L_lo): q = ql = 0, or, for :math:`x < 2^{-960}` (x scaled by :math:`2^{64}`),
    :math:`q + ql = -64\ln 2` to :data:`LN2_PAIR_ERROR` relative, and :math:`y = q + ql - \log(1 + U')` up to
    :math:`\log1p(-x) - \log1p(-2^{64}x)`, below :math:`2^{-895}` while :math:`|y| > 665`
    (:data:`LOGIT_SCALING_ERROR`). The assembly adds :data:`LOG_SHARE_ASSEMBLY_BOUND` (fp.log_softmax.assembly.float64:
    :math:`q \le 0 \le L`, :math:`|ql| \le \mathrm{ulp}(q)/2`, :math:`|L_{lo}| \le \mathrm{ulp}(L)/2`) and its roundings'
    underflow at most :math:`2 \cdot 2^{-1075}`, under :math:`2^{-1000}|y|` (:math:`|y| \ge 2^{-53}`: the ratio is 0 or
    at least :math:`2^{-52}`)."""
    eta = log1p_of_perturbed(LOGIT_RATIO_BOUND)
    return (eta + LN2_PAIR_ERROR + LOGIT_SCALING_ERROR) * (1 + LOG_SHARE_ASSEMBLY_BOUND) + LOG_SHARE_ASSEMBLY_BOUND + Fraction(1, 2**1000)


_LOGIT_ASSUMED = ("the argument in logit_relative (codegen/backends/gappa/claims.py); 0 < x < 1 (0, 1, outside and NaN are "
                  "selected apart: -inf, +inf, NaN)",)
LOGIT = _fp_claim(
    "fp.logit.float64",
    "for every double 0 < x < 1, the C logit is within 1 ULP of the correctly rounded log(x/(1 - x))",
    sp.Le(sp.Function("ulps")(FL(sp.log(x_sym / (1 - x_sym)))), 1),
    ComposedBound((LOGIT_RATIO, LOG1P, LOG_SHARE_ASSEMBLY), lambda: Fraction(ulps_after_rounding(logit_relative())), Fraction(1),
                  in_ulps=True),
    _LOGIT_ASSUMED,
)
LOGIT_SINGLE = _fp_claim(
    "fp.logit.float32",
    "for every float32 0 < x < 1, the C logit's float32 result is within 1 ULP of the correctly rounded log(x/(1 - x))",
    sp.Le(sp.Function("ulps32")(FL(sp.log(x_sym / (1 - x_sym)))), 1),
    ComposedBound((LOGIT_RATIO, LOG1P, LOG_SHARE_ASSEMBLY),
                  lambda: Fraction(float32_of_double(logit_relative())), Fraction(1),
                  in_ulps=True),
    (*_LOGIT_ASSUMED, "the double result (one more rounding, 2^-53) rounded to float32; float32 results of logit are normal "
                      "(|y| >= 2^-23 or y = 0 at x = 1/2)"),
)

EXPM1_SERIES_BOUND = Fraction(1, 2**52)  # Gappa: 2^-52.41
t_sym = sp.Symbol("t", positive=True)
_EXPM1_POLY = t_sym - t_sym**2 / 2 + t_sym**3 / 6 - t_sym**4 / 24
EXPM1_SERIES = _fp_claim(
    "fp.expm1.series",
    "log1mexp's series of -expm1(-t) (Horner, no FMA) is within 2^-52 of t - t^2/2 + t^3/6 - t^4/24, relative, for "
    "2^-149 <= t <= 2^-10",
    sp.Le(_relative(_EXPM1_POLY), _sym(EXPM1_SERIES_BOUND)),
    GappaBound("fp_expm1_series", EXPM1_SERIES_BOUND),
    ("t = -x of a float32 x (so t >= 2^-149, exact in binary64)",),
)
LOG1MEXP_NEAR_T = Fraction(LOG1MEXP_NEAR)  # SP_LOG1MEXP_NEAR, as printed into the C source


def log1mexp_single_decay() -> tuple[Claim, Fraction]:
    """The claim and bound of the exp whose decay e^-|x| the float32 log1mexp kernel takes: the float64 one (fp.exp.float64,
    1.4375 u) where CorrectRounding.double_decay lists log1mexp, as the C then computes it, else the float32 one (2^-37)."""
    from softproof.codegen.kernels import CORRECT_ROUNDING

    return (EXP_TOTAL, EXP_BOUND) if "log1mexp" in CORRECT_ROUNDING.double_decay else (EXP_SINGLE_TOTAL, EXP_SINGLE_BOUND)


def log1mexp_single_relative() -> Fraction:
    r"""The relative error of sp_log1mexp_single's double before its last rounding, against
    :math:`y = \log(1 - e^{-t})`, t = -x, for every float32 x < 0 with :math:`t \le 670` (beyond, see the claims).

    Far (:math:`t \ge 2^{-10}`): :math:`\hat d = d(1 + \epsilon)`, :math:`|\epsilon| \le E` (:func:`log1mexp_single_decay`:
    the float64 exp's 1.4375 u; d is a normal double for :math:`t \le 670`), and :math:`k = d/(1 - d) = 1/(e^t - 1) \le 1/t \le 2^{10}`: :math:`1 - \hat d =
    (1 - d)(1 - k\epsilon)`, so the two roundings give :math:`\hat u = u(1 + \epsilon)(1 + \delta_2)/((1 - k\epsilon)(1 +
    \delta_1))`. Near (:math:`t < 2^{-10}`): :math:`W = 1 - e^{-t}`, the alternating series with falling terms gives
    :math:`|W - P(t)| \le t^5/120` and :math:`W \ge t(1 - t/2)`, so :math:`P = W(1 + \tau)`,
    :math:`|\tau| \le t^4/(120(1 - 2^{-11}))`; :math:`\hat w = P(1 + \sigma)` (fp.expm1.series), :math:`\hat w = W(1 +
    \epsilon_w)`; :math:`1 - \hat w = (1 - W)(1 - \epsilon_w W/(1 - W))` with :math:`W/(1 - W) = e^t - 1 \le 2^{-9}`, and
    :math:`\hat u = (1 - \hat w)(1 + \delta_1)(1 + \delta_2)/\hat w`. Either way :math:`\hat u = u(1 + \epsilon_u)`, and
    :func:`log1p_of_perturbed` gives the log's error (:math:`u \ge d \ge e^{-670} > 2^{-968}`); the negation is exact."""
    e, k = log1mexp_single_decay()[1], 1 / LOG1MEXP_NEAR_T
    far = (1 + e) * (1 + U) / ((1 - k * e) * (1 - U)) - 1
    tau = LOG1MEXP_NEAR_T**4 / (120 * (1 - LOG1MEXP_NEAR_T / 2))
    eps_w = (1 + EXPM1_SERIES_BOUND) * (1 + tau) - 1
    near = (1 + eps_w * 2 * LOG1MEXP_NEAR_T) * (1 + U) ** 2 / (1 - eps_w) - 1
    return log1p_of_perturbed(max(far, near))


LOG1MEXP_SINGLE = _fp_claim(
    "fp.log1mexp.float32",
    "for every float32 x <= 0, the C log1mexp's float32 result is within 1 ULP of the correctly rounded log(1 - e^x)",
    sp.Le(sp.Function("ulps32")(FL(sp.log(1 - sp.exp(x_sym)))), 1),
    ComposedBound((log1mexp_single_decay()[0], EXPM1_SERIES, LOG1P),
                  lambda: Fraction(float32_of_double(log1mexp_single_relative())),
                  Fraction(1), in_ulps=True),
    ("the argument in log1mexp_single_relative (codegen/backends/gappa/claims.py), then the double rounded to float32: "
     "ulps_after_rounding (float32 results in the subnormal range: the error, under 2^-150, crosses one boundary at most)",
     "t = -x > 670: |y| < 2^-966 and the computed value below 2^-900 in magnitude, negative or -0: both round to -0",
     "0 gives -inf, -inf gives -0, x > 0 and NaN give NaN (selected apart)"),
    "binary64 (the float32 input and result converted exactly and rounded once)",
)

EXPM1_TAIL_BOUND = Fraction(26, 10) * U  # Gappa: 2^-51.63 = 2.58 u
EXPM1_TAIL_PORTABLE_BOUND = Fraction(265, 100) * U  # the portable build (q's FMAs rounded apart): Gappa 2^-51.598 = 2.637 u


def expm1_tail_bound() -> Fraction:
    """fp.expm1.tail's bound in the build being proved (:func:`exp_bound`)."""
    return EXPM1_TAIL_BOUND if printing_fused() else EXPM1_TAIL_PORTABLE_BOUND

EXPM1_TAIL = _fp_claim(
    "fp.expm1.tail",
    "sp_log1mexp's tail r^2 q(r) (the square, q by Horner with FMAs, the product, each rounded) is within 2.6 u of its exact "
    "value, relative, for 2^-500 <= -r <= 0.35",
    sp.Le(_relative(r**2 * sp.Function("q")(r)), _sym(EXPM1_TAIL_BOUND)),
    GappaBound("fp_expm1_tail", EXPM1_TAIL_BOUND),
    (r"$r$ a double, $2^{-500} \le -r \le 0.35$ (the square a normal number; below, log1mexp_relative's argument)",),
)
EXPM1_RATIO_BOUND = Fraction(1, 2**98)  # Gappa: 2^-98.17
nd_lo = sp.Symbol("d_lo")
EXPM1_RATIO = _fp_claim(
    "fp.expm1.ratio",
    "sp_log1mexp's ratio q + u_lo (the rounded quotient n/d, its remainder by one FMA, then ((remainder + n_lo) - q d_lo)/d) "
    "is within 2^-98 of (n + n_lo)/(d + d_lo), relative",
    sp.Le(_relative((n_ratio + sp.Symbol("n_lo")) / (d_ratio + nd_lo)), _sym(EXPM1_RATIO_BOUND)),
    GappaBound("fp_expm1_ratio", EXPM1_RATIO_BOUND),
    ("|n_lo| <= 2 u |n| and |d_lo| <= 4 u |d| (sp_log1mexp's pairs: log1mexp_relative)",
     "scaled to n, d in [1, 2] without underflow (float<53,-9000>): the argument in scripts._logit_ratio; where an "
     "intermediate may fall below the normal range (logmeanexp's u below 2^-916), its rounding errs by 2^-1075 at most, "
     "which logmeanexp_eta adds"),
)
LOG1MEXP_SPLIT_T = -Fraction(LOG1MEXP_SPLIT)  # t = -x at SP_LOG1MEXP_SPLIT, the printed double: near below, far from it on


def _exp_between(x: float, low: Fraction, high: Fraction) -> Fraction:
    """``low`` after checking low <= e^x <= high with a margin of 1 % (mpmath at 200 bits): the printed thresholds of
    sp_log1mexp read as the powers of two its argument uses."""
    import mpmath

    with mpmath.workprec(200):
        value = mpmath.exp(mpmath.mpf(x))
        if not (mpmath.mpf(low.numerator) / low.denominator * 1.01 <= value <= mpmath.mpf(high.numerator) / high.denominator / 1.01):
            raise ValueError(f"e^{x} is not within [{low}, {high}]: sp_log1mexp's thresholds and their argument disagree")
    return low


# e^-40 = 2^-57.7: the least e^x of the far branch (SP_LOG1MEXP_SMALL), and below it log(1 - D) = -D(1 + theta),
# 0 <= theta <= D/(2(1 - D)) <= 2^-58 (D <= 2^-57 keeps D/(2(1 - D)) below 2^-57/(2(1 - 2^-57)) < 2^-57.99...)
LOG1MEXP_D_MIN = _exp_between(LOG1MEXP_SMALL, Fraction(1, 2**58), Fraction(1, 2**57))
LOG1MEXP_SMALL_THETA = Fraction(1, 2**57) / (2 * (1 - Fraction(1, 2**57)))
LOG1MEXP_SMALL_D_MIN = _exp_between(LOG1MEXP_TINY, Fraction(1, 2**1010), Fraction(1, 2**1009))  # sp_exp_dd's subnormal lo: 2^-65 of it
LOG1MEXP_SCALING = Fraction(1, 2**895)  # e^(2^64 x) - 1 against 2^64 (e^x - 1) for -x < 2^-960, relative


def exp_bounds(c: Fraction, terms: int = 8) -> tuple[Fraction, Fraction]:
    r"""Rational :math:`\ell \le e^c \le h` for :math:`0 \le c \le 1`: the series up to :math:`c^{terms}/terms!` (every term
    positive: a lower bound), plus three times the next term (the rest is :math:`\sum_{k > K} c^k/k! \le c^{K+1}/(K+1)!\,e^c`
    and :math:`e^c \le e < 3`)."""
    if not 0 <= c <= 1:
        raise ValueError(f"exp_bounds needs 0 <= c <= 1, got {c}")
    term, total = Fraction(1), Fraction(1)
    for k in range(1, terms + 1):
        term = term * c / k
        total += term
    return total, total + 3 * term * c / (terms + 1)


def _expm1_split_constants() -> tuple[Fraction, Fraction, Fraction, Fraction]:
    r"""(k0, kappa, alpha, tail) at the printed split t0 (:data:`LOG1MEXP_SPLIT_T`), shared by sp_log1mexp's and logmeanexp's
    arguments: :math:`k_0 \ge e^{-t}/(1 - e^{-t}) = 1/(e^t - 1)` for :math:`t \ge t_0` (far side), :math:`\kappa \ge e^t - 1`
    for :math:`t \le t_0`, and the two parts of the near side's relative error of :math:`s + s_{lo}` against
    :math:`e^x - 1`: :math:`\alpha = 2^{-59}` (exp.tail_error) and :math:`\tau` times fp.expm1.tail's bound, where
    :math:`|x^2q| \le \tau|e^x - 1|` with :math:`\tau = t_0/(1 - e^{-t_0}) - 1 + 2^{-59}` (see :func:`log1mexp_relative`)."""
    t0 = LOG1MEXP_SPLIT_T
    e_low, e_high = exp_bounds(t0)
    alpha = Fraction(int(ek.TAIL_ERROR_BOUND.p), int(ek.TAIL_ERROR_BOUND.q))
    tau = t0 / (t0 - t0**2 / 2 + t0**3 / 6 - t0**4 / 24) - 1 + alpha
    return 1 / (e_low - 1), e_high - 1, alpha, tau * expm1_tail_bound()


def log1mexp_relative() -> Fraction:
    r"""The relative error of sp_log1mexp's value before its last rounding, against :math:`y = \log(1 - e^{x})`, for every
    double :math:`-40 \le x < 0` (below, :func:`log1mexp_ulps`). t = -x; :math:`t_0` the printed split.

    **Far** (:math:`t_0 \le t \le 40`): hi + lo = sp_exp_dd(x) = :math:`D(1 + \epsilon_d)`, :math:`D = e^x`, :math:`|\epsilon_d| \le E =
    2^{-54} + 2^{-1075}/D` (fp.exp.dd.float64; :math:`D \ge 2^{-58}`); Fast2Sum keeps it as :math:`n + n_{lo}`,
    :math:`|n_{lo}| \le u n`; TwoSum gives :math:`w + w_{lo} = 1 - n` exactly and :math:`d_{lo} = \mathrm{fl}(w_{lo} - n_{lo})` errs
    by :math:`u^2(w + n)` at most, so :math:`d + d_{lo} = W(1 + \eta_w)` with :math:`W = 1 - D`, :math:`|\eta_w| \le k_0E +
    4u^2(1 + k_0)`, :math:`k_0 = D/W = 1/(e^t - 1) \le 1/(e^{t_0} - 1)`. The ratio gives :math:`U(1 + \epsilon_r)`
    (fp.expm1.ratio; with :math:`n \ge 2^{-58}` and :math:`d \ge 0.28` no intermediate falls below the normal range); so
    :math:`\hat u = u(1 + \epsilon_d)(1 + \epsilon_r)/(1 + \eta_w)`.

    **Near** (:math:`2^{-960} \le t < t_0`, x itself, :math:`|x| \le 0.35`): :math:`S = e^x - 1`; :math:`x + x^2q(x) = S(1 + \alpha)`,
    :math:`|\alpha| \le 2^{-59}` (exp.tail_error); the tail :math:`\hat t_2 = x^2q(x)(1 + \epsilon_t)` (fp.expm1.tail; below
    :math:`|x| = 2^{-500}`, :math:`|\hat t_2 - x^2 q| \le 2.4x^2 \le 2^{-497}|S|`), and :math:`|x^2 q| \le \tau|S|` with
    :math:`\tau = t_0/(1 - e^{-t_0}) - 1 + 2^{-59}` (:math:`|x^2q| \le |x + x^2q - S| + |S - x|` and :math:`(e^{-t} - 1 + t)/(1 -
    e^{-t})` grows with t; :math:`1 - e^{-t_0} \ge t_0 - t_0^2/2 + t_0^3/6 - t_0^4/24`). Fast2Sum keeps :math:`s + s_{lo} =
    x + \hat t_2 = S(1 + \sigma)`, :math:`|\sigma| \le 2^{-59} + \max(\tau\epsilon_t, 2^{-497})`. Then :math:`p + p_{lo} = 1 +
    s` exactly and :math:`n_{lo} = \mathrm{fl}(p_{lo} + s_{lo})` errs by :math:`1.3u^2 \le 2u^2(1 + S)`; :math:`1 + S(1 + \sigma) =
    (1 + S)(1 + \sigma S/(1 + S))` with :math:`|S/(1 + S)| = e^t - 1 \le \kappa = e^{t_0} - 1`; :math:`d + d_{lo} = -S(1 +
    \sigma)` exactly. So :math:`\hat u = u(1 + \kappa\sigma)(1 + 2u^2)(1 + \epsilon_r)/(1 + \sigma)`.

    **Scaled** (:math:`t < 2^{-960}`): the same on :math:`x' = 2^{64}x` (exact), :math:`|x'| < 2^{-896}`, against
    :math:`u' = (1 - 2^{64}W)/(2^{64}W)`: :math:`e^{x'} - 1` and :math:`2^{64}(e^x - 1)` differ by :math:`2^{-895}` relative
    (:math:`(1 - e^{-a})/a \in [1 - a/2, 1]`), and :math:`y = -64\ln 2 - \log(1 + u')`.

    In each, :math:`u \ge 2^{-58}` (far: :math:`u \ge D`; near: :math:`u \ge 1`), so :func:`log1p_of_perturbed` gives the log's
    error :math:`\eta`; the assembly is logit's (log_share_of, fp.log_softmax.assembly.float64), with 64 ln 2 as a pair
    within :data:`LN2_PAIR_ERROR` where scaled (both terms of y then have one sign), its roundings' underflow
    :math:`2 \cdot 2^{-1075} \le 2^{-1000}|y|` (:math:`|y| \ge \log1p(2^{-58})`)."""
    if LOG1MEXP_SPLIT_T > RADIUS_BOUND:  # the near branch evaluates the tail at x itself: exp.tail_error and fp.expm1.tail hold for |x| <= 0.35
        return Fraction(1, 2)  # no bound (a relative error of 1/2 proves nothing)
    k0, kappa, alpha, tail = _expm1_split_constants()
    sigma = alpha + max(tail, Fraction(1, 2**497))  # below |x| = 2^-500 the tail's error is 2^-497 of S at most
    ratio = EXPM1_RATIO_BOUND
    e_d = exp_dd_bound() + Fraction(1, 2**1075) / LOG1MEXP_D_MIN
    far = (1 + e_d) * (1 + ratio) / (1 - k0 * e_d - 4 * U * U * (1 + k0)) - 1
    near = (1 + kappa * sigma) * (1 + 2 * U * U) * (1 + ratio) / (1 - sigma) - 1
    scaled = (1 + near) * (1 + LOG1MEXP_SCALING) ** 2 - 1
    eta = log1p_of_perturbed(max(far, near, scaled))
    return (eta + LN2_PAIR_ERROR) * (1 + LOG_SHARE_ASSEMBLY_BOUND) + LOG_SHARE_ASSEMBLY_BOUND + Fraction(1, 2**1000)


def log1mexp_small_relative() -> Fraction:
    r"""sp_log1mexp's relative error before its last rounding for :math:`-700 \le x < -40`: :math:`-(hi + lo)` with
    :math:`hi + lo = D(1 + \epsilon_d)` against :math:`-y = D(1 + \theta)` (see :func:`log1mexp_ulps`)."""
    return exp_dd_bound() + Fraction(1, 2**1075) / LOG1MEXP_SMALL_D_MIN + LOG1MEXP_SMALL_THETA


def log1mexp_ulps() -> Fraction:
    r"""sp_log1mexp's result in ULPs of the correctly rounded :math:`y = \log(1 - e^x)`, every double :math:`x \le 0`.

    :math:`-40 \le x < 0`: :func:`log1mexp_relative`, one rounding (:func:`ulps_after_rounding`). :math:`-700 \le x < -40`:
    the result is :math:`-\mathrm{fl}(hi + lo)` with :math:`hi + lo = D(1 + \epsilon_d)`, :math:`|\epsilon_d| \le 2^{-54} +
    2^{-1075}/D` (fp.exp.dd.float64, :math:`D = e^x \ge 2^{-1010}`), while :math:`-y = D(1 + \theta)`, :math:`0 \le \theta \le
    D/(2(1 - D)) \le 2^{-58}`: within :math:`|\epsilon_d| + \theta` of -y, rounded once. :math:`x < -700`: the result is -decay,
    decay :math:`= e^x(1 + \epsilon)`, :math:`|\epsilon| \le 1.4375u` where it is a normal number (fp.exp.float64; below -708 the
    same composition, fp.exp.reduce covering :math:`a \ge -1080`, the two scalings exact), and :math:`\theta \le 2^{-1009}`:
    :func:`ulps_from_relative` of the two, not rounded again. Where decay is subnormal it is :math:`\hat p 2^{k_h}` (within
    1.4375u of :math:`e^x`) rounded once: :math:`|\hat y - y| \le 1.4375u\,2^{-1022} + 2^{-1075} + e^{2x}`,
    :func:`ulps_from_absolute` in the subnormal spacing (x < -1080: 0, and y rounds to -0 as well). x = 0: -inf; -inf:
    -0; x > 0, NaN: NaN (selected apart)."""
    main = ulps_after_rounding(log1mexp_relative())
    small = ulps_after_rounding(log1mexp_small_relative())
    tiny = ulps_from_relative((1 + EXP_BOUND) / (1 - Fraction(1, 2**1009)) - 1)
    subnormal = ulps_from_absolute(EXP_BOUND * Fraction(1, 2**1022) + Fraction(1, 2**1075) + Fraction(1, 2**2000), SUBNORMAL_SPACING)
    return Fraction(max(main, small, tiny, subnormal))


LOG1MEXP = _fp_claim(
    "fp.log1mexp.float64",
    "for every double x <= 0, the C log1mexp is within 2 ULP of the correctly rounded log(1 - e^x)",
    sp.Le(sp.Function("ulps")(FL(sp.log(1 - sp.exp(x_sym)))), 2),
    ComposedBound((ek.TAIL_ERROR, EXPM1_TAIL, EXP_DD, EXPM1_RATIO, LOG1P, LOG_SHARE_ASSEMBLY, EXP_TOTAL), log1mexp_ulps, Fraction(2),
                  in_ulps=True),
    ("the argument in log1mexp_relative and log1mexp_ulps (codegen/backends/gappa/claims.py)",),
)



def log1mexp_stage_relative(single: bool) -> Fraction:
    r"""The relative error of log1mexp's double v (``single``: the float32 kernel's, :func:`log1mexp_single_relative`) or
    w (the float64 kernel's: :func:`log1mexp_relative` for :math:`-40 \le x < 0`, :func:`log1mexp_small_relative` down to
    -700) as a double, for :math:`-670 \le x < 0`: :math:`(1 + \rho)(1 + u) - 1`, the kernel's last rounding included."""
    return with_double_rounding(log1mexp_single_relative() if single else max(log1mexp_relative(), log1mexp_small_relative()))


LOG1MEXP_SINGLE_CR = _fp_claim(
    "fp.log1mexp.float32.cr",
    "for every float32 x <= 0, the C log1mexp's float32 result is the correctly rounded log(1 - e^x)",
    sp.Le(sp.Function("ulps32")(FL(sp.log(1 - sp.exp(x_sym)))), 0),
    CorrectlyRounded("log1mexp", (LOG1MEXP_SINGLE,), (LOG1MEXP,), relative=log1mexp_stage_relative),
    ("stage 1 keeps the float32 kernel's v (its decay from the float64 exp: within log1mexp_stage_relative(True), "
     "2^-42.5, for -670 <= x < 0) where it lies farther than its margin from every float32 rounding boundary "
     "(sp_near_boundary_f, exact in integers, on |v|) or, nearer or below 2^-126 in magnitude, where both ends of its "
     "two-rounding test round to one float32; stage 2 likewise with the float64 kernel's w (1.43 2^-52); the rest by the table",
     "the sweep covers -670 <= x <= 0 (CorrectRounding.domains; 0 and -0 give -inf); x > 0 gives NaN in every stage, "
     "and every path returns its stage's own value where the table lacks the input: NaN; x < -670: the truth is "
     "within 2^-966 of -0 and v, w lie below 2^-900 in magnitude, negative or -0: all round to -0 (both test ends too), "
     "and -inf gives -0; NaN gives NaN",
     "the library built with FMA hardware (-march=native here); its portable twin runs the portable build's sweep"),
)

LOGIT_SINGLE_CR = _fp_claim(
    "fp.logit.float32.cr",
    "for every float32 0 < x < 1, the C logit's float32 result is the correctly rounded log(x/(1 - x))",
    sp.Le(sp.Function("ulps32")(FL(sp.log(x_sym / (1 - x_sym)))), 0),
    CorrectlyRounded("logit", (LOGIT,), (), relative=lambda single: with_double_rounding(logit_relative())),
    ("one stage: the float64 kernel's v (within logit_relative, 2^-56, and its rounding to binary64) kept where it lies "
     "farther than margin_double from every float32 rounding boundary (sp_near_boundary_f) or, nearer, where both ends "
     "of its two-rounding test of radius 2^-50 round to one float32; the rest by the table",
     "the sweep covers every float32 with 0 <= x <= 1 and -0 (CorrectRounding.domains; x = 1/2 gives +0, 0 and 1 "
     "give -inf and +inf); outside [0, 1] and NaN the stage's value is NaN (selected apart), and every path returns it "
     "where the table lacks the input",
     "the library built with FMA hardware (-march=native here); its portable twin runs the portable build's sweep"),
)

# ------------------------------------------------------------------ logmeanexp's first stage (C: softproof_logmeanexp_d)
LOGMEANEXP_ROWS = 2**24  # the first stage certifies rows of at most this many entries (the C checks n)
LOGMEANEXP_SQUARE = Fraction(1, 2**100)  # the runtime bound's n^2 coefficient: (SP_LME_ETA + n^2 2^-100) L
LOGMEANEXP_UNDERFLOW = Fraction(1, 2**104)  # the ratio's roundings below the normal range (5 2^-1075 at most), relative to u >= 2^-968


def logmeanexp_eta(n: int) -> Fraction:
    r"""The relative error of logmeanexp's first-stage :math:`L + L_{lo}` against :math:`\log1p(u)`, :math:`u = -S/P`,
    for a row of n entries (logmeanexp.c: logmeanexp_term, logmeanexp_row_d; :math:`S = \sum_i \operatorname{expm1}(d_i)`,
    :math:`P = \sum_i e^{d_i}`, :math:`d_i = x_i - m = q_i + ql_i` by TwoSum).

    Each term of S (same sign: every :math:`d_i \le 0`): near (:math:`q > t_0`, no reduction) :math:`s + s_{lo} = \operatorname{expm1}(q)
    (1 + \sigma)`, :math:`|\sigma| \le 2^{-59} + \tau\,2.6u` as in :func:`log1mexp_relative` (exp.tail_error, fp.expm1.tail),
    and :math:`ql\,p` for :math:`e^q ql` (:math:`|ql| \le u|q| \le 1.2u|\operatorname{expm1}(q)|`; p within
    :math:`u + \sigma` of :math:`e^q`, the neglected :math:`ql^2` and the two roundings of the low part: :math:`4u^2` of the term at
    most); far (:math:`-708 \le q \le t_0`): hi + lo within :math:`2^{-54}` of :math:`e^{q + ql}` (fp.exp.dd.float64), hi - 1 by TwoSum
    exact, so the term within :math:`2^{-54}k_0` (:math:`k_0 = e^{q}/(1 - e^{q}) \le 1/(e^{t_0} - 1)`) plus the low parts'
    rounding :math:`u(u + 2^{-41.9}k_0)`; below -708, -1 within :math:`2^{-1020}`. Each term of P: near within
    :math:`\sigma\kappa + 4u^2` (:math:`\kappa = e^{t_0} - 1` bounds :math:`|\operatorname{expm1}(q)|/e^q`), far :math:`2^{-54} + 2^{-92}`, and
    below -708 absent: :math:`2^{-1021}` absolute against :math:`P \ge 1`.
    Sums: the heads by TwoSum (exact), the low parts (the TwoSum errors, each at most u of a partial sum, which is at
    most the whole: one sign; and the terms' low parts, :math:`2u` of theirs) summed plainly, within :math:`\gamma_{2n}(n + 2)u`
    of the sum; the renormalising Fast2Sum exact. The ratio: fp.expm1.ratio (its pairs: :math:`|n_{lo}|, |d_{lo}| \le 2^{-50}`
    of theirs); where u < 2^-916 its remainder and low part may fall below the normal range, and each rounding that
    gives a subnormal errs by :math:`2^{-1075}` beyond its relative error (the standard model with underflow): the
    remainder, remainder + n_lo, the FMA (in the portable build, whose SP_FMA rounds :math:`q d_{lo}` apart, two) and
    the division by :math:`d = P \ge 1` (which divides the others' errors), five at most, :math:`5 \cdot 2^{-1075} \le
    2^{-104}` of :math:`u \ge 2^{-968}` (:data:`LOGMEANEXP_UNDERFLOW`; it was :math:`2^{-105}` for three, which left the
    division out). The remainder is one rounding of :math:`n - qd` in both builds: the portable build's
    SP_EXACT_FMA (Dekker's product) is exact for :math:`|qd| \ge 2^{-969}` (prims.c), and here :math:`|qd| \ge q \ge
    u/(1 + 2^{-50}) > 2^{-969}` (the kernel certifies only :math:`u = q + low \ge 2^{-968}`, :math:`|low| \le 2^{-50}q`,
    and :math:`d \ge 1`). The log: :func:`log1p_of_perturbed` (u >= 2^-968: the kernel checks it)."""
    k0, kappa, alpha, tail = _expm1_split_constants()
    sigma = alpha + tail
    term = max(sigma + 4 * U * U, exp_dd_bound() * k0 + U * (U + R_LO_BOUND * k0 * 2), Fraction(1, 2**1020))
    exp_term = max(sigma * kappa + 4 * U * U, exp_dd_bound() + Fraction(1, 2**92))
    gamma = 2 * n * U / (1 - 2 * n * U)
    sums = gamma * (n + 2) * U
    rho_s, rho_p = term + sums, exp_term + sums + n * Fraction(1, 2**1021)
    eps_u = (1 + rho_s) * (1 + EXPM1_RATIO_BOUND + LOGMEANEXP_UNDERFLOW) / (1 - rho_p) - 1
    return log1p_of_perturbed(eps_u)


def logmeanexp_certified_ulps() -> Fraction:
    r"""ULPs of a logmeanexp result the first stage certifies: its runtime bound :math:`E = (\eta_0 + n^2 2^{-100})L +
    2^{-104}(|m| + L) + 2^{-1074}` (:math:`\eta_0` = SP_LME_ETA) covers the error of :math:`s = h + \mathrm{fl}(l - L_{lo})`
    (m - L by TwoSum) against :math:`m + \log(P/n)`: :func:`logmeanexp_eta` of L, plus the one small rounding
    (:math:`u|l - L_{lo}| \le 2u^2(|m| + L)`), whenever :math:`\eta(n) \le \eta_0 + n^2 2^{-100}` for every :math:`n \le 2^{24}`:
    :math:`\eta(n) - n^2 2^{-100}` falls with n (its n-dependent part, about :math:`4n^2u^2`, grows slower than
    :math:`n^2 2^{-100}`), so n = 1 is its largest; both ends are checked. Then, certified (:math:`E \le 2^{-53.5}|out|`),
    :func:`certified_ulps`' argument gives 1 ULP."""
    eta0 = Fraction(LOGMEANEXP_ETA)
    covered = all(logmeanexp_eta(n) <= eta0 + n * n * LOGMEANEXP_SQUARE for n in (1, 2, 1024, LOGMEANEXP_ROWS))
    return certified_ulps() if covered else Fraction(2)


LOGMEANEXP_CERTIFIED = _fp_claim(
    "fp.logmeanexp.certified.float64",
    "every float64 result that logmeanexp's first stage certifies (its error bound E <= 2^-53.5 |out|, rows of n <= 2^24 "
    "entries with u >= 2^-968) is within 1 ULP of the correctly rounded log((1/n) sum e^x)",
    sp.Le(sp.Function("ulps")(FL(sp.Symbol("LME"))), 1),
    ComposedBound((ek.TAIL_ERROR, EXPM1_TAIL, EXP_DD, EXPM1_RATIO, LOG1P), logmeanexp_certified_ulps, Fraction(1), in_ulps=True),
    ("the arguments in logmeanexp_eta and logmeanexp_certified_ulps (codegen/backends/gappa/claims.py)",
     "the second stage (triple-double) in fp.logmeanexp.certified_triple.float64; the rows neither certifies are redone "
     "exactly with mpmath (a Ziv loop on a proved error bound)"),
)

LOGMEANEXP_CERTIFIED_SINGLE = _fp_claim(
    "fp.logmeanexp.certified.float32",
    "every float32 result whose double logmeanexp the first stage certifies is within 1 ULP of the correctly rounded "
    "log((1/n) sum e^x): the float32 rows converted exactly, the double result rounded once to float32",
    sp.Le(sp.Function("ulps32")(FL(sp.Symbol("LME"))), 1),
    ComposedBound((ek.TAIL_ERROR, EXPM1_TAIL, EXP_DD, EXPM1_RATIO, LOG1P),
                  lambda: certified_ulps(single=True) if logmeanexp_certified_ulps() == 1 else Fraction(2), Fraction(1), in_ulps=True),
    ("certified_ulps with single=True: the double before its rounding within 2^-53.5 (1 + ...) of the result, then 2^-53 "
     "more, below the float32 midpoints' 2^-24",),
)


# ------------------------------------------------------------------ the backward kernels (mixed bounds: their results cancel)
BACKWARD_ROWS = 2**24  # the float64 claims' row length (gamma_(n-1)^2 <= 2^-58); float32 rows: FAST_ROWS = 2^31
p_i, g_i, dot_sym, mass_sym, n_sym = sp.symbols("p_i g_i D A n", real=True)
SOFTMAX_BACKWARD_ASSEMBLY_BOUND = Fraction(1, 2**52) + Fraction(1, 2**105)  # Gappa: 2^-52 + 2^-106 (2u + u^2)
SOFTMAX_BACKWARD_ASSEMBLY = _fp_claim(
    "fp.softmax_backward.assembly",
    "softmax_backward's entry fl(p fl(g - D)) is within 2^-52 + 2^-105 of p (g - D), relative, for the computed D, where "
    "2^-60 <= p <= 1 and 2^-400 <= |g - D| <= 2^500",
    sp.Le(_relative(p_i * (g_i - dot_sym)), _sym(SOFTMAX_BACKWARD_ASSEMBLY_BOUND)),
    GappaBound("fp_softmax_backward_assembly", SOFTMAX_BACKWARD_ASSEMBLY_BOUND),
    ("elsewhere the rounding model's absolute part: softmax_backward_constant",),
)
e_j, total_sym, abs_total = sp.symbols("E_j G S", real=True)


def _mixed_constant(first: Fraction, second: Fraction, single: bool) -> Fraction:
    """The constant c of a mixed bound c (|result| + size) from the coefficients of the two parts of the double result's
    error E_v; for float32 results the double rounded once more: |RN32(v) - exact| <= E_v + u32 |v| <= (1 + u32) E_v
    + u32 |result|, u32 more on the first coefficient."""
    if single:
        first, second = U_SINGLE + (1 + U_SINGLE) * first, (1 + U_SINGLE) * second
    return max(first, second)


def softmax_backward_constant(rows: int, single: bool) -> Fraction:
    r"""c such that softmax_backward's entry is within :math:`c\,p_i(|g_i - D| + A) + (n + 1)2^{-1074}` of
    :math:`p_i(g_i - D)`, :math:`D = \langle g, p\rangle`, :math:`A = \sum_j p_j|g_j|`, for rows of at most ``rows`` entries
    (``single``: float32 inputs and results, the last term :math:`2^{-149}`).

    The C kernel (backward_dot, backward_tile_dots, backward_row): :math:`t_j = \mathrm{fl}(g_jp_j)`, within
    :math:`u|g_jp_j| + 2^{-1075}` (float32 inputs: exact, 24 + 24 bits in 53, above :math:`2^{-298}`); their sum by TwoSum
    in lanes folded as a tree, or one chain: :math:`hi + lo` within :math:`\gamma_{n-1}^2\sum|t_j|` of :math:`\sum t_j` (Ogita,
    Rump and Oishi 2005, Sum2, whose argument holds for any order of the TwoSum additions), :math:`\hat D =
    \mathrm{fl}(hi + lo)` one more rounding; so :math:`|\hat D - D| \le (u + (1 + u)(u + \gamma^2(1 + u)))A + n2^{-1074}`
    (:math:`|D| \le A`; the products' underflow doubled for the rounding after). Then :math:`w = \mathrm{fl}(g_i - \hat D)`
    (exact where the difference is subnormal) and :math:`\mathrm{fl}(p_iw)`: within :math:`\beta p_i|g_i - \hat D|` of
    :math:`p_i(g_i - \hat D)`, :math:`\beta = 2^{-52} + 2^{-105}` (fp.softmax_backward.assembly where the product is normal;
    elsewhere the rounding model, plus :math:`2^{-1075}`), so the error is at most
    :math:`\beta p_i|g_i - D| + (1 + \beta)p_i|\hat D - D| + 2^{-1075}`. Float32 results round that double once
    more: with :math:`E_v` the error before, :math:`|v| \le p_i|g_i - D| + E_v`, so :math:`(1 + u_{32})E_v + u_{32}p_i|g_i - D|`,
    plus :math:`2^{-150}` where it is subnormal. c is the larger of the two coefficients (of :math:`p_i|g_i - D|` and of
    :math:`p_iA`)."""
    gamma2 = _gamma_squared(rows)
    products = 0 if single else U
    dot = U + (1 + U) * (products + gamma2 * (1 + products))
    return _mixed_constant(SOFTMAX_BACKWARD_ASSEMBLY_BOUND, (1 + SOFTMAX_BACKWARD_ASSEMBLY_BOUND) * dot, single)


def log_softmax_backward_constant(rows: int, single: bool) -> Fraction:
    r"""c such that log_softmax_backward's entry is within :math:`c(|g_j - E_jG| + E_jS) + (S + 1)2^{-1074}` of
    :math:`g_j - E_jG`, :math:`E_j = e^{lp_j}` (:math:`lp_j \le 0`), :math:`G = \sum_k g_k`, :math:`S = \sum_k|g_k|` (``single``: float32).

    The C kernel (log_softmax_backward_rows): the total :math:`\hat G = \mathrm{fl}(hi + lo)` by TwoSum in one chain,
    within :math:`u|G| + \gamma_{n-1}^2(1 + u)S \le (u + \gamma^2(1 + u))S`; :math:`e_j` = sp_exp(lp_j) within
    :math:`\epsilon E_j + 2^{-1075}` (fp.exp.float64: 1.4375u, float32 results fp.exp.float32: 1.0625 2^-37; the 2^-1075
    where :math:`e_j` is subnormal: the same composition below -708, fp.exp.reduce covering :math:`a \ge -1080`); the
    product :math:`\mathrm{fl}(e_j\hat G)` within :math:`u` and :math:`2^{-1075}`; so :math:`|\mathrm{fl}(e_j\hat G) - E_jG| \le
    E_jS((1 + \epsilon)(1 + u)(1 + u + \gamma^2(1 + u)) - 1) + 2^{-1075}(2S + 1)`, and the last difference rounds once
    (:math:`u|g_j - E_jG|` plus :math:`(1 + u)` times that). An :math:`e_j` of 0 returns :math:`g_j`: within
    :math:`E_j|G| \le 2^{-1075}S`. Float32 results: one more rounding (:math:`u_{32}` of the result, and :math:`2^{-150}`)."""
    gamma2 = _gamma_squared(rows)
    eps = EXP_SINGLE_BOUND if single else EXP_BOUND
    product = (1 + eps) * (1 + U) * (1 + U + gamma2 * (1 + U)) - 1
    return _mixed_constant(U, (1 + U) * product, single)


SOFTMAX_BACKWARD_BOUNDS = {"float64": Fraction(21, 10) * U, "float32": Fraction(10001, 10000) * U_SINGLE}
LOG_SOFTMAX_BACKWARD_BOUNDS = {"float64": Fraction(35, 10) * U, "float32": Fraction(10001, 10000) * U_SINGLE}
_BACKWARD_ROWS = {"float64": BACKWARD_ROWS, "float32": 2**31}
_BACKWARD_FLOOR = {"float64": Fraction(1, 2**1074), "float32": Fraction(1, 2**149)}


def _backward_claims() -> tuple[Claim, ...]:
    """fp.softmax_backward.<dtype> and fp.log_softmax_backward.<dtype>: no bound in ULPs can hold (g_i - <g, p> cancels
    to anything), so the claims bound the error by the condition of the sum (a mixed bound: c times the sizes that
    cancel, plus underflow)."""
    from softproof.derive import rewrites as rw

    out: list[Claim] = []
    for dtype in ("float64", "float32"):
        single, rows, floor = dtype == "float32", _BACKWARD_ROWS[dtype], _BACKWARD_FLOOR[dtype]
        unit, what = (U_SINGLE, "2^-24") if single else (U, "u")
        bound = SOFTMAX_BACKWARD_BOUNDS[dtype]
        out.append(_fp_claim(
            f"fp.softmax_backward.{dtype}",
            f"for every finite {dtype} row of n <= 2^{rows.bit_length() - 1} entries, softmax_backward's entry is within "
            f"{float(bound / unit):.4g} {what} p_i (|g_i - <g, p>| + sum_j p_j |g_j|) + (n + 1) {'2^-149' if single else '2^-1074'} "
            "of p_i (g_i - <g, p>)",
            sp.Le(sp.Abs(FL(p_i * (g_i - dot_sym)) - p_i * (g_i - dot_sym)),
                  _sym(bound) * p_i * (sp.Abs(g_i - dot_sym) + mass_sym) + (n_sym + 1) * _sym(floor)),
            ComposedBound((rw.SOFTMAX_BACKWARD, SOFTMAX_BACKWARD_ASSEMBLY),
                          partial(softmax_backward_constant, rows, single), bound,
                          unit=unit),
            (r"$D = \sum_j p_jg_j$, $A = \sum_j p_j|g_j|$; finite inputs, no overflow (every partial sum of $|p_jg_j|$ and "
             r"$|g_i| + A$ below DBL_MAX / 2); $0 \le p_j \le 1$",
             "the argument in softmax_backward_constant (codegen/backends/gappa/claims.py)"),
            "binary64" if not single else "binary64 (the float32 inputs and result converted exactly and rounded once)",
        ))
        out.append(_log_softmax_backward_claim(dtype, LOG_SOFTMAX_BACKWARD_BOUNDS[dtype], EXP_SINGLE_TOTAL if single else EXP_TOTAL))
    return tuple(out)


def _log_softmax_backward_claim(dtype: str, bound: Fraction, exp_claim: Claim, suffix: str = "", more: tuple[str, ...] = ()) -> Claim:
    """fp.log_softmax_backward.<dtype><suffix> within ``bound`` (a mixed bound, as :func:`_backward_claims` says), over
    ``exp_claim`` (the exp kernel's claim of the build: its bound is :func:`exp_bound`'s there)."""
    from softproof.derive import conventions as cv

    single, rows, floor = dtype == "float32", _BACKWARD_ROWS[dtype], _BACKWARD_FLOOR[dtype]
    unit, what = (U_SINGLE, "2^-24") if single else (U, "u")
    return _fp_claim(
        f"fp.log_softmax_backward.{dtype}{suffix}",
        f"for every finite {dtype} row of n <= 2^{rows.bit_length() - 1} entries with log-probabilities lp <= 0, "
        f"log_softmax_backward's entry is within {float(bound / unit):.4g} {what} (|g_j - e^lp_j sum g| + e^lp_j sum |g|) "
        f"+ (sum |g| + 1) {'2^-149' if single else '2^-1074'} of g_j - e^lp_j sum g{'; in the portable build (no FMA hardware)' if suffix else ''}",
        sp.Le(sp.Abs(FL(g_i - e_j * total_sym) - (g_i - e_j * total_sym)),
              _sym(bound) * (sp.Abs(g_i - e_j * total_sym) + e_j * abs_total) + (abs_total + 1) * _sym(floor)),
        ComposedBound((cv.LOG_SOFTMAX_BACKWARD, exp_claim), partial(log_softmax_backward_constant, rows, single), bound, unit=unit,
                      portable=bool(suffix)),
        (r"$E_j = e^{lp_j}$, $lp_j \le 0$ (the kernel takes libm's exp above 0: not log-probabilities), $G = \sum_k g_k$, "
         r"$S = \sum_k |g_k|$; finite inputs, no overflow ($S$ below DBL_MAX / 2)",
         "the argument in log_softmax_backward_constant (codegen/backends/gappa/claims.py)", *more),
        "binary64" if not single else "binary64 (the float32 inputs and result converted exactly and rounded once)",
    )


BACKWARD = _backward_claims()

MERGE_BOUND = Fraction(1, 2**98)  # Gappa: 2^-98.47 (2^-98.74 for a factor within 2^-130); SP_MERGE_ERROR of state.c
sa, sb, factor = sp.symbols("S_a S_b F", positive=True)
# ------------------------------------------------------------------ logsumexp's long double stage
_EXTENDED = "long double is x86's extended format (64-bit significand, LDBL_EPSILON = 2^-63), as on x86-64"
LOGSUMEXP_WIDE_TERM = _fp_claim(
    "fp.logsumexp.wide_term",
    "a term's argument in logsumexp's long double stage, fl((-m + x)/T) in long double, is within 2^-63 (1 + 2^-58) of "
    "(x - m)/T, relative, for doubles x < m and 2^-1074 <= T <= 2^1024",
    sp.Le(_relative(sp.Function("q")(x_sym, sp.Symbol("m"), sp.Symbol("T"))), _sym(wb.TERM_ARGUMENT)),
    GappaBound("fp_logsumexp_wide_term", wb.TERM_ARGUMENT),
    (_EXTENDED,), formats="binary64 inputs, long double operations",
)
LOGSUMEXP_CERTIFIED_WIDE = _stage_claim(
    "fp.logsumexp.certified_wide.float64",
    "every float64 result that logsumexp's long double stage certifies (LDBL_EPSILON (T (n + 2) + 2 (|out - m| + |m| + |out|)) "
    "<= 2^-53.5 |out|) is within 1 ULP of the correctly rounded logsumexp, for rows of n <= 2^62 entries and results of "
    "magnitude at least 2^-1000",
    (LOGSUMEXP_WIDE_TERM,), wb.wide_stage_ulps,
    (_EXTENDED, "the C library's expl and logl within 1 ulp (expl below its normal range within 2^-16445); glibc documents "
     "them so, not proved here", "x = -inf gives the term expl(-inf) = 0 exactly", "the argument in wide_stage_ulps"),
    formats="binary64 and long double",
)


# ------------------------------------------------------------------ the triple-double arithmetic and logsumexp's last stage
x_triple, y_triple, d_triple = sp.symbols("x y d")
_FRAME_ASSUMPTION = ("x and y normalised (|x_m| <= 2^-51 |x_h|, |x_l| <= 2^-51 |x_m|); no overflow",
                     "each TwoSum's error term exact (Knuth, TAOCP 4.2.2 Theorem B); each SP_PRODUCT_RESIDUAL exact where "
                     "it fits (Boldo and Muller 2011), else rounded once into the subnormal range")


def _frame_part(kind: str, bound: Fraction, claim_id: str, quote: str) -> Claim:
    """One triple operation's error in its frame (triple_scripts._operation): Gappa's enclosure against ``bound``."""
    heads = sp.symbols("x_h y_h", positive=True)  # the heads' magnitudes: in the frame the larger one, or both, in [1, 2]
    if kind == "add":
        goal, scale = FL(x_triple + y_triple) - (x_triple + y_triple), sp.Max(*heads)
    else:
        goal, scale = FL(x_triple * y_triple) - x_triple * y_triple - sp.Symbol("U"), heads[0] * heads[1]
    return _fp_claim(claim_id, quote, sp.Le(sp.Abs(goal), _sym(bound) * scale), GappaBound(f"fp_triple_{kind}", bound), _FRAME_ASSUMPTION)


def _product_claim(kind: str, bound: Fraction) -> tuple[Claim, Claim]:
    """fp.triple.mul / mul_d: the frame's part (Gappa) and the product's bound in place, both regimes (tb.product_below)."""
    operand = "d" if kind == "mul_d" else "y"
    frame = _frame_part(kind, bound, f"fp.triple.{kind}.frame",
                        f"triple_{kind}(x, {operand}) in its frame (both heads in [1, 2], each product and residual perturbed by up "
                        f"to 2^-97): |Z - x {operand} - U| <= {float(bound * 2**146):.2f} 2^-146, U the perturbations that reach Z")
    quote = (f"triple_{kind}(x, {operand}) is within {float(bound * 2**146):.2f} 2^-146 |x_h {operand}_h| + 6 2^-1074 of x {operand}, for "
             f"normalised x{'' if kind == 'mul_d' else ', y'}: the frame's bound where |x_h {operand}_h| >= 2^-975 (a subnormal "
             "rounding in place is a perturbation below 2^-97 there), and below 2^-975 every low part and its sums lie below "
             "2^-1022, where sums are exact (the argument in product_below)")
    statement = sp.Le(sp.Abs(FL(x_triple * y_triple) - x_triple * y_triple),
                      _sym(bound) * sp.Symbol("x_h", positive=True) * sp.Symbol("y_h", positive=True) + _sym(tb.MUL_ABSOLUTE))
    return frame, _fp_claim(f"fp.triple.{kind}", quote, statement, ComposedBound((frame,), partial(tb.product_below, bound), bound),
                            _FRAME_ASSUMPTION)


TRIPLE_ADD = _frame_part("add", tb.ADD_BOUND, "fp.triple.add",
                         "triple_add(x, y) is within 2^-152 max(|x_h|, |y_h|) of x + y, for normalised x, y: Gappa in the frame where "
                         "the larger head lies in [1, 2] (sums commute with scaling by powers of 2, subnormal results included)")
TRIPLE_MUL_FRAME, TRIPLE_MUL = _product_claim("mul", tb.MUL_BOUND)
TRIPLE_MUL_D_FRAME, TRIPLE_MUL_D = _product_claim("mul_d", tb.MUL_D_BOUND)
TRIPLE_RENORM = _fp_claim(
    "fp.triple.renorm",
    "triple_renorm(a, b, c) returns h + m + l = a + b + c exactly, normalised: |m| <= 2^-51 |h|, |l| <= 2^-51 |m|",
    sp.And(sp.Le(sp.Abs(FL(sp.Symbol("m"))), _sym(tb.N) * sp.Abs(FL(sp.Symbol("h")))),
           sp.Le(sp.Abs(FL(sp.Symbol("l"))), _sym(tb.N) * sp.Abs(FL(sp.Symbol("m"))))),
    ComposedBound((), tb.renorm_factor, tb.N),
    ("no overflow; the argument in renorm_factor (Sterbenz' lemma)",),
)
TRIPLE_EXP_REDUCE = _fp_claim(
    "fp.triple.exp.reduce",
    "triple_exp_domain's reduction r = y - i ln2/64 (triple_mul_d, triple_add) is within 2^-143.4 of it and |y_h - i ln2/64| "
    "<= 0.0054153, for normalised y with y_h in [-750, 45]",
    sp.Le(sp.Abs(FL(sp.Symbol("r")) - (sp.Symbol("y") - sp.Symbol("i") * sp.log(2) / 64)), _sym(tb.REDUCE_BOUND)),
    GappaBound("fp_triple_exp_reduce", tb.REDUCE_BOUND, (tb.REDUCE_RANGE,)),
    ("i = nearbyint(y_h RN(64/ln2_h)), ties to even", "ln 2 enclosed in [a, a + 1] 2^-220 (mpmath's interval arithmetic)",
     "each residual exact or rounded once into the subnormal range (2^-1075)"),
)
TRIPLE_EXP_POLY = _fp_claim(
    "fp.triple.exp.poly",
    "triple_exp_domain's Horner evaluation (double, double-double, triple-double steps) is within 2^-150 of the degree-14 "
    "Taylor polynomial of e^r, and |P| <= 1.0055, for normalised r with |r_h| <= 0.00542",
    sp.Le(sp.Abs(FL(sp.Symbol("P")) - sp.Sum(sp.Symbol("r") ** sp.Symbol("k") / sp.factorial(sp.Symbol("k")), (sp.Symbol("k"), 0, 14))),
          _sym(tb.POLY_BOUND)),
    GappaBound("fp_triple_exp_poly", tb.POLY_BOUND, (tb.POLY_RANGE, *(tb.FAST_SUM_RATIO,) * 6)),
    ("duo_mul_add's Fast2Sum exact: |f/s| <= 2^-50 at each, proved by the same script (Dekker 1971)",
     "each residual exact or rounded once into the subnormal range (2^-1075)"),
)
TRIPLE_EXP_TABLE = _fp_claim(
    "fp.triple.exp.table",
    "the triple constants 2^(j/64) (j = 0..63) and ln 2 of triple_exp_domain are normalised and within 2^-155 of the real numbers",
    sp.Le(sp.Abs(FL(2 ** (sp.Symbol("j") / 64)) / 2 ** (sp.Symbol("j") / 64) - 1), _sym(tb.TABLE_BOUND)),
    ComposedBound((), tb.table_error, tb.TABLE_BOUND),
    ("mpmath's interval arithmetic at 600 bits",),
)
TRIPLE_EXP = _fp_claim(
    "fp.triple.exp",
    "triple_exp_domain(y) is within 2^-143 e^y + 3 2^-1075 of e^y and normalised, for normalised y with y_h in [-750, 45]",
    sp.Le(sp.Abs(FL(sp.exp(y_triple)) - sp.exp(y_triple)), _sym(tb.EXP_BOUND) * sp.exp(y_triple) + _sym(tb.EXP_ABSOLUTE)),
    ComposedBound((TRIPLE_EXP_REDUCE, TRIPLE_EXP_POLY, TRIPLE_EXP_TABLE, TRIPLE_MUL, TRIPLE_RENORM), tb.exp_total, tb.EXP_BOUND),
    ("the argument in exp_total",),
)
TRIPLE_DIV = _fp_claim(
    "fp.triple.div",
    "triple_div_d(x, d) is within 2^-150 |x_h/d| + 4 2^-1075 (1 + 1/|d|) of x/d, for normalised x and a double d != 0",
    sp.Le(sp.Abs(FL(x_triple / d_triple) - x_triple / d_triple), _sym(tb.DIV_BOUND) * sp.Abs(sp.Symbol("x_h") / d_triple)
          + tb.DIV_ABSOLUTE * sp.Rational(1, 2**1075) * (1 + 1 / sp.Abs(d_triple))),
    ComposedBound((TRIPLE_ADD, TRIPLE_RENORM), tb.div_total, tb.DIV_BOUND),
    ("no overflow; the argument in div_total",),
)
TRIPLE_LOG = _fp_claim(
    "fp.triple.log",
    "triple_log_lanes(s) is within 2^-142 of log s, for normalised s with s_h in [2^-63, 2^64]",
    sp.Le(sp.Abs(FL(sp.log(sp.Symbol("s"))) - sp.log(sp.Symbol("s"))), _sym(tb.LOG_BOUND)),
    ComposedBound((TRIPLE_EXP, TRIPLE_MUL, TRIPLE_ADD, TRIPLE_RENORM), tb.log_total, tb.LOG_BOUND),
    ("the C library's log(s_h) within 2^-40 of log s_h on [2^-63, 2^64] (glibc: within 1 ULP, 2^-47 there)",
     "the argument in log_total and _newton_step"),
)
LOGSUMEXP_CERTIFIED_TRIPLE = _stage_claim(
    "fp.logsumexp.certified_triple.float64",
    "every float64 result that logsumexp's triple-double stage certifies ((n + 64) 2^-140 (|m| + T (|L_h| + 1)) <= 2^-53.5 "
    "|out|) is within 1 ULP of the correctly rounded logsumexp, for rows of n <= 2^62 entries and results of magnitude at "
    "least 2^-1000",
    (TRIPLE_DIV, TRIPLE_EXP, TRIPLE_ADD, TRIPLE_LOG, TRIPLE_MUL_D, TRIPLE_RENORM), tb.triple_stage_ulps,
    ("2^-53.5 stands for SP_WITHIN_ULP_D = 0x1.6a09e667f3bcdp-54", "the argument in triple_stage_ulps",
     "the C library's log as fp.triple.log assumes"),
)
LOGMEANEXP_CERTIFIED_TRIPLE = _stage_claim(
    "fp.logmeanexp.certified_triple.float64",
    "every float64 result that logmeanexp's triple-double stage certifies ((n + 66) 2^-140 (|m| + |L_h| + 1) <= 2^-53.5 "
    "|out|) is within 1 ULP of the correctly rounded log((1/n) sum e^x), for rows of n <= 2^62 entries and results of "
    "magnitude at least 2^-1000",
    (TRIPLE_DIV, TRIPLE_EXP, TRIPLE_ADD, TRIPLE_LOG, TRIPLE_RENORM), tb.mean_stage_ulps,
    ("2^-53.5 stands for SP_WITHIN_ULP_D = 0x1.6a09e667f3bcdp-54", "the argument in mean_stage_ulps",
     "the C library's log as fp.triple.log assumes"),
    value="LME",
)
# logsumexp's stages after the double-double ones (long double, then the triple-double arithmetic and its stage) and
# logmeanexp's triple-double stage
LATER_STAGE_CLAIMS = (LOGSUMEXP_WIDE_TERM, LOGSUMEXP_CERTIFIED_WIDE, TRIPLE_ADD, TRIPLE_MUL_FRAME, TRIPLE_MUL, TRIPLE_MUL_D_FRAME,
                      TRIPLE_MUL_D, TRIPLE_RENORM, TRIPLE_EXP_REDUCE, TRIPLE_EXP_POLY, TRIPLE_EXP_TABLE, TRIPLE_EXP, TRIPLE_DIV,
                      TRIPLE_LOG, LOGSUMEXP_CERTIFIED_TRIPLE, LOGMEANEXP_CERTIFIED_TRIPLE)


def _later_single_claim(stage: Claim, stage_name: str, claim_id: str, test: str, covers: Callable[[], bool], argument: str,
                        formats: str = "binary64") -> Claim:
    """fp.logsumexp.certified_<stage>.float32.cr: every float32 logsumexp that a stage after the double-double one
    decides by ``test`` is correctly rounded, over the operations its float64 claim ``stage`` is proved from, by
    ``covers`` (which checks that claim's constants again), on that claim's assumptions (its ``formats`` too)."""
    if not isinstance(stage.strategy, ComposedBound):
        raise TypeError(f"{stage.id} is not a composition; its float32 claim takes the parts of one")
    return _fp_claim(claim_id, f"every float32 logsumexp that the {stage_name} decides by {test} is the correctly rounded logsumexp",
                     sp.Le(sp.Function("ulps32")(FL(sp.Symbol("LSE"))), 0), DecidedCorrectlyRounded(stage.strategy.parts, covers, test),
                     (*stage.assumptions[1:], f"the argument in {argument} (codegen/backends/gappa)"), formats=formats)


LATER_STAGE_SINGLE_CLAIMS = (
    _later_single_claim(LOGSUMEXP_CERTIFIED_RAISED, "raised stage", "fp.logsumexp.certified_raised.float32.cr",
                        f"{_ENDS_TEST} (with rho <= 2^-53)", raised_single_covers, "claims.raised_single_covers"),
    _later_single_claim(LOGSUMEXP_CERTIFIED_WIDE, "long double stage", "fp.logsumexp.certified_wide.float32.cr",
                        f"{_ENDS_TEST} (results >= 2^-1000)", wb.wide_single_covers, "wide_bounds.wide_single_covers",
                        formats="binary64 and long double"),
    _later_single_claim(LOGSUMEXP_CERTIFIED_TRIPLE, "triple-double stage", "fp.logsumexp.certified_triple.float32.cr",
                        "B <= 2^-53.5 |d| and |(d - mu) + rest|, |d| > B (1 + 2^-48) + 2^-98 |d| + 2^-1060 (mu the float32 midpoint "
                        "nearest its double d, rest the triple's remainder)", tb.triple_single_decided, "triple_bounds.triple_single_decided"),
)


STATE_MERGE_FACTOR = _fp_claim(
    "fp.state.merge_factor",
    "the mergeable states' factor F = e^((m_b - m_a)/T), merge_exponent's quotient and triple_exp, has its first two parts "
    "f_hi + f_mid within 2^-103 of F, relative, where (m_b - m_a)/T >= -650 (merge_finite adds an absolute error below)",
    sp.Le(sp.Abs(FL(factor) / factor - 1), _sym(tb.MERGE_FACTOR_BOUND)),
    ComposedBound((TRIPLE_DIV, TRIPLE_EXP, TRIPLE_RENORM), tb.merge_factor_total, tb.MERGE_FACTOR_BOUND),
    ("the argument in merge_factor_total",),
)
STATE_MERGE = _fp_claim(
    "fp.state.merge",
    "one merge of two finite log-sum-exp states (state.c, merge_finite) gives a sum within 2^-98 of S_a + F S_b, "
    "relative, when the factor F = e^((m_b - m_a)/T) comes as a triple-double whose first two parts are within 2^-103",
    sp.Le(sp.Abs((FL(sa + factor * sb) - (sa + factor * sb)) / (sa + factor * sb)), _sym(MERGE_BOUND)),
    GappaBound("fp_state_merge", MERGE_BOUND, requires=(STATE_MERGE_FACTOR,)),
    (r"the factor's $f_{hi} + f_{mid}$ within $2^{-103}$ of $F$ (fp.state.merge_factor, for $(m_b - m_a)/T \ge -650$; "
     r"below, merge_finite adds an absolute error the merged $t$ carries)",
     "TwoSum's outputs exact (Knuth, TAOCP 4.2.2 Theorem B); every state keeps |t_lo| <= 2^-53 |t_hi| (Fast2Sum after each merge)",
     "scaled to S_a + F S_b in [1, 4] and rounded without underflow (float<53,-9000>): scaling by powers of two is exact "
     "without underflow, and underflow adds under 2^-1066 relative (S_a >= c_a >= 1); the argument in scripts._state_merge"),
)

_STATE_TRIPLE_ASSUMED = ("each state keeps t normalised (|t_lo| <= 2^-53 |t_hi|, |t_ll| <= 2^-53 |t_lo|: state_set_t's TwoSums "
                         "and Fast2Sum)", "a state's absolute parts carried relative to its stored t, as state_of_row's")
t_state = sp.Symbol("t", positive=True)
STATE_REFINE_TRIPLE = _fp_claim(
    "fp.state.refine_triple",
    "refine_state's triple-double terms (exact_terms, summed by triple_add) give a state's t within (n + 64) 2^-140 t + "
    "n 2^-1073 of the exact sum, the error it records, for rows of n <= 2^62 entries",
    sp.Le(sp.Abs(FL(t_state) - t_state), (n_sym + 64) * sp.Rational(1, 2**140) * t_state + n_sym * sp.Rational(1, 2**1073)),
    ComposedBound((TRIPLE_DIV, TRIPLE_EXP, TRIPLE_ADD, TRIPLE_RENORM), tb.state_refine_total, Fraction(LOGSUMEXP_ERRORS.triple_per_entry)),
    ("the argument in state_refine_total", *_STATE_TRIPLE_ASSUMED),
)
STATE_MERGE_TRIPLE = _fp_claim(
    "fp.state.merge_triple",
    "a merge of two precise states in triple-double (merge_rescaled: F S_b by triple_mul and the sum by triple_add) adds "
    "at most 2^-132 relative to its parts' own errors (SP_TRIPLE_MERGE_ERROR, merged_error's own), for (m_b - m_a)/T >= "
    "-650 (merge_finite adds the absolute parts below); equal maxima's triple_add at most 2^-140 (SP_TRIPLE_ADD_ERROR)",
    sp.Le(sp.Abs(FL(sa + factor * sb) / (sa + factor * sb) - 1), _sym(Fraction(LOGSUMEXP_ERRORS.state_triple_merge))),
    ComposedBound((TRIPLE_DIV, TRIPLE_EXP, TRIPLE_ADD, TRIPLE_MUL, TRIPLE_RENORM), tb.state_merge_triple_total,
                  Fraction(LOGSUMEXP_ERRORS.state_triple_merge)),
    ("the argument in state_merge_triple_total", *_STATE_TRIPLE_ASSUMED),
)
STATE_FINISH_TRIPLE = _fp_claim(
    "fp.state.finish_triple",
    "finish's triple-double log (triple_log of ties + t, then m + T L) is within 2^-134 (|m| + T (|L_h| + 1)) + 2^-1067 of "
    "m + T log S beside what the state's own error moves, and within 1 ULP where its bound is within 2^-53.5 |out|, for "
    "states over at most 2^62 entries and results >= 2^-1000",
    sp.Le(sp.Abs(FL(sp.Symbol("LSE")) - sp.Symbol("LSE")),
          _sym(Fraction(LOGSUMEXP_ERRORS.state_finish_triple)) * (sp.Abs(sp.Symbol("m")) + sp.Symbol("T") * (sp.Abs(sp.Symbol("L_h")) + 1))
          + _sym(Fraction(LOGSUMEXP_ERRORS.state_finish_absolute))),
    ComposedBound((TRIPLE_LOG, TRIPLE_ADD, TRIPLE_MUL_D, TRIPLE_RENORM), tb.state_finish_triple_total,
                  Fraction(LOGSUMEXP_ERRORS.state_finish_triple)),
    ("the argument in state_finish_triple_total", "the C library's log as fp.triple.log assumes", *_STATE_TRIPLE_ASSUMED),
)
STATE_TRIPLE_CLAIMS = (STATE_REFINE_TRIPLE, STATE_MERGE_TRIPLE, STATE_FINISH_TRIPLE)


# ------------------------------------------------------------------ the fast tier (precision="fast": float32 in binary32 lanes)
FAST_POLY_BOUND = Fraction(117, 100) * Fraction(1, 2**24)  # Gappa: 1.161 2^-24
FAST_REDUCE_BOUND = Fraction(1, 2**26) + Fraction(1, 2**34)  # Gappa: 2^-25.9985
FAST_EXP_BOUND = Fraction(27, 16 * 2**24)  # the fast kernels' relative bound of a term, 1.6875 2^-24 (composed: 1.671 2^-24)
FAST_UNDERFLOW = Fraction(1, 2**150)  # half the binary32 subnormal spacing: the last scaling's rounding
FAST_SPACING = Fraction(1, 2**149)  # the binary32 subnormal spacing
FAST_ROWS = 2**31  # the row length the fast claims cover
FAST_PART, FAST_LANES = 131072, 16  # SP_FAST_PART and SP_LANES of fast.c: the row sums' tree
FAST_T_FLOOR = Fraction(1, 2**80)  # a row with one max and t below it takes the accurate kernel (fast_log_sum)
FAST_TEMPERED_SHIFT = Fraction(1, 2**37)  # |a + b - (x - m)/T| for a temperature: 2^-44 relative of |a| <= 105 (sp_fast_term)

FAST_EXP_REDUCE = _reduce_claim(
    "fp.exp.fast.reduce",
    "the fast tier's reduction r = (a - k ln2_hi) + (b - k ln2_lo) in binary32 is within 2^-26 + 2^-34 of a + b - k ln 2, and "
    "|r| <= 0.35, for -104 <= a <= 0, |b| <= 2^-18",
    "fp_fast_exp_reduce", FAST_REDUCE_BOUND, " in binary32, ties to even: the shifter 1.5 2^23 of sp_exp_fast", "binary32",
)
FAST_EXP_POLY = _fp_claim(
    "fp.exp.fast.poly",
    "the fast tier's polynomial (degree 6, binary32 FMAs) is within 1.17 2^-24 of its exact value on |r| <= 0.35",
    sp.Le(_relative(P), _sym(FAST_POLY_BOUND)), GappaBound("fp_fast_exp_poly", FAST_POLY_BOUND),
    (r"$|r| \le 0.35$",), "binary32",
)


def _fast_exp_total() -> Fraction:
    r"""The fast exp's relative error before its scaling, as :func:`_exp_composed` with the binary32 parts:
    :math:`(1 + \epsilon_{poly})(1 + 2^{-26})e^{\epsilon_{red}} - 1`. The scaling :math:`\hat P\,2^{k_h}2^{k - k_h}`:
    the first product is exact (:math:`\hat P \ge 0.7`, :math:`k_h \ge -75`: a normal number), the second is exact when
    its result is normal and rounds once (at most :math:`2^{-150}`) when subnormal; so
    :math:`|\hat e - e^{a+b}| \le \epsilon e^{a+b} + 2^{-150}`, the 2^-150 only where the computed value is below
    :math:`2^{-126}`, so only for :math:`e^{a+b} < 2^{-126}/(1 - \epsilon) < 2^{-125}`."""
    return _exp_composed(ek.FAST_ERROR_BOUND, FAST_POLY_BOUND, FAST_REDUCE_BOUND)


FAST_EXP = _fp_claim(
    "fp.exp.fast.float32",
    "the fast tier's exp (sp_exp_fast) is within 1.6875 2^-24 e^(a + b) + 2^-150 of e^(a + b) for -104 <= a <= 0, |b| <= 2^-18 "
    "(the 2^-150 only for results below 2^-126)",
    sp.Le(sp.Abs(FL(sp.exp(a + b)) - sp.exp(a + b)), _sym(FAST_EXP_BOUND) * sp.exp(a + b) + _sym(FAST_UNDERFLOW)),
    ComposedBound((FAST_EXP_REDUCE, FAST_EXP_POLY, ek.FAST_POLYNOMIAL_ERROR), _fast_exp_total, FAST_EXP_BOUND, unit=U_SINGLE),
    ("the argument in _fast_exp_total (codegen/backends/gappa/claims.py)",), "binary32",
)


def _fast_gamma() -> Fraction:
    r""":math:`\gamma_d` for the depth d of the fast row sums: a term passes through at most SP_FAST_PART/16 lane additions,
    4 levels of the lanes' tree and :math:`\lceil n/\mathrm{SP\_FAST\_PART}\rceil` chunk additions (a row or column of a
    tile, fewer than SP_FAST_TILE_ROWS = 257 entries summed in order in its lane, through at most 256: fewer) (Higham, Accuracy and
    Stability, (4.4): a sum whose every term meets at most d roundings is within :math:`\gamma_d \sum |x_i|`)."""
    depth = FAST_PART // FAST_LANES + 4 + -(-FAST_ROWS // FAST_PART)
    return depth * U / (1 - depth * U)


def _fast_term_error() -> Fraction:
    r"""The relative error of a term :math:`e^{(x - m)/T}` of the fast kernels (the 2^-150 of fp.exp.fast.float32 aside).
    x - m = s + lo exactly (TwoSum); at T = 1 that is the exp's a + b. With a temperature (:math:`2^{-20} \le T \le 2^{20}`),
    1/T = hi + lo_T within :math:`2^{-48} + 2^{-53}` (the double 1/T, then its binary32 pair), :math:`s\,hi = p + p_{err}`
    exactly (one FMA: the residual of a rounded product is representable), the small products rounded twice
    (:math:`\le 2 \cdot 3 \cdot 2^{-48}|p|`; without FMA hardware SP_FMAF rounds the exact binary32 product's sum to
    binary64 first, :math:`2^{-24} + 2^{-53}` each instead of :math:`2^{-24}`, and :math:`p_{err}` stays exact: within the
    same bound) and :math:`lo\,lo_T` dropped (:math:`2^{-48}|p|`), the Fast2Sum exact: a + b is
    within :math:`2^{-44}` of (x - m)/T, relative, so within :math:`105 \cdot 2^{-44} < 2^{-37}` absolute where the term is not
    0 (:math:`a \ge -104`, or s below -105 T flushed). So :math:`\hat e = e^{(x-m)/T}(1 + \epsilon)(1 + \eta)`,
    :math:`|\eta| \le e^{2^{-37}} - 1`."""
    return (1 + FAST_EXP_BOUND) * exp_upper(FAST_TEMPERED_SHIFT) - 1


def _fast_sum_error(floor: Fraction) -> Fraction:
    r"""The relative error of a fast row sum (double) of terms :math:`\hat e_i`, each within
    :math:`\epsilon e_i + 2^{-150}` (fp.exp.fast.float32, ``FAST_EXP_BOUND``), when the exact sum is at least ``floor``:
    :math:`\epsilon + \gamma_d(1 + \epsilon) + n 2^{-150}/\mathrm{floor}` for :math:`n \le 2^{31}`, :math:`\epsilon` the term's
    error with its temperature (:func:`_fast_term_error`)."""
    term = _fast_term_error()
    return term + _fast_gamma() * (1 + term) + FAST_ROWS * FAST_UNDERFLOW / floor


def _fast_softmax_ulps() -> Fraction:
    r"""softmax (fast): :math:`\hat p = \mathrm{RN}_{32}(\mathrm{RN}_{64}(\hat e\,\hat s))`, :math:`\hat s = \mathrm{RN}_{64}(1/\hat S)`,
    :math:`\hat S` the sum of every term (:math:`S \ge 1`: the max's term is 1 exactly; :func:`_fast_sum_error` with floor 1).
    For :math:`p \ge 2^{-125}` (so :math:`e \ge 2^{-125}` and :math:`\hat e` relative, fp.exp.fast.float32): :math:`v = \hat e\hat s` is within
    :math:`\rho = (1 + \epsilon)(1 + 2^{-53})^2/(1 - \theta) - 1` of p, and :func:`ulps_after_rounding` counts the
    steps. Below (spacing :math:`2^{-149}` in the subnormals and in :math:`[2^{-126}, 2^{-125})`): :math:`|v - p| \le \rho\,2^{-125}
    + 2^{-150}` (e's last scaling, times :math:`\hat s \le 1`), so at most :math:`\lfloor(\rho 2^{-125} + 2^{-150})/2^{-149}\rfloor + 1`
    boundaries. A row with
    an infinity or NaN, T != 1 or n < 32 takes the accurate kernel (1 ULP, fp.softmax.float32)."""
    theta = _fast_sum_error(Fraction(1))
    rho = (1 + _fast_term_error()) * (1 + U) * (1 + U) / (1 - theta) - 1
    normal = ulps_after_rounding(rho, U_SINGLE)
    subnormal = int((rho * Fraction(1, 2**125) + FAST_UNDERFLOW) / FAST_SPACING) + 1
    return Fraction(max(normal, subnormal))


def _fast_log_rho() -> Fraction:
    r"""The relative error of L = sp_log1p((c - 1) + t) in the fast kernels: t within :func:`_fast_sum_error` (floor
    :math:`2^{-80}`: a row with c = 1 and t below it takes the accurate kernel; with c >= 2 the sum (c - 1) + t >= 1), the
    addition one rounding of :math:`2^{-53}`, so :math:`u = (c - 1 + t)(1 + \theta')`; :math:`\log1p(u(1 + \theta'))`
    is within :math:`\theta'/(1 - \theta')` of :math:`\log1p(u)` relative (its derivative is :math:`1/(1 + u) \le
    \log1p(u)/u`), and sp_log1p rounds once after its own :math:`2^{-56}` (fp.log1p.float64)."""
    theta = (1 + _fast_sum_error(FAST_T_FLOOR)) * (1 + U) - 1
    return (1 + theta / (1 - theta)) * (1 + LOG1P_BOUND) * (1 + U) - 1


def _fast_log_share_ulps() -> Fraction:
    r"""log_softmax and cross_entropy (fast): :math:`\mathrm{RN}_{32}(\mathrm{RN}_{64}(q - \hat L))` with
    :math:`q = \mathrm{RN}_{64}(x - m)` (or :math:`m - x_t`; with a temperature :math:`\mathrm{RN}_{64}(\mathrm{RN}_{64}(x - m)\,
    \mathrm{RN}_{64}(1/T))`, three roundings) of one sign with :math:`-L`: no cancellation, so the error is at
    most :math:`\max(3 \cdot 2^{-53}, \rho_L)(1 + 2^{-53}) + 2^{-53}` of the result (:func:`_fast_log_rho`), and
    :func:`ulps_after_rounding` counts the steps (a subnormal float32 result: one boundary at most, as the error is far below
    :math:`2^{-149}`)."""
    rho = max(3 * U, _fast_log_rho()) * (1 + U) + U
    return Fraction(ulps_after_rounding(rho, U_SINGLE))


def _fast_logsumexp_ulps() -> Fraction:
    r"""logsumexp (fast): :math:`\mathrm{RN}_{32}(\mathrm{RN}_{64}(m + \hat L))` (:math:`\hat L` the rounded product T L with a
    temperature: :math:`\rho_L + 2^{-53}`), taken only where m >= 0 or
    :math:`\hat L \le -m/2`; then :math:`L \le |m + L|/(1 - 2\rho_L)` (with m >= 0, :math:`|m + L| \ge L`; else
    :math:`|m + L| = -m - L \ge 2\hat L - L`), so the error is within :math:`\rho_L/(1 - 2\rho_L)(1 + 2^{-53}) + 2^{-53}`
    of the result. Other rows take the accurate kernel (1 ULP where certified)."""
    rho_L = (1 + _fast_log_rho()) * (1 + U) - 1
    rho = rho_L / (1 - 2 * rho_L) * (1 + U) + U
    return Fraction(ulps_after_rounding(rho, U_SINGLE))


def _fast_sigmoid_ulps() -> Fraction:
    r"""sigmoid (fast): :math:`\mathrm{RN}_{32}(\mathrm{num}/\mathrm{RN}_{32}(1 + \hat e))`, :math:`e = e^{-|x|} \le 1`,
    num = 1 (x >= 0) or :math:`\hat e`. With :math:`\hat e = e(1 + \epsilon)`, :math:`w = e/(1 + e) \le 1/2`:
    :math:`1 + \hat e = (1 + e)(1 + \epsilon w)`, and the quotient before its rounding is :math:`\sigma(1 + \epsilon)/((1 + \epsilon
    w)(1 + \delta))` (x < 0) or :math:`\sigma/((1 + \epsilon w)(1 + \delta))`: within :math:`(1 + \epsilon/(1 - \epsilon/2))/(1 - u)
    - 1` (as :math:`(1 + \epsilon)/(1 + \epsilon w) - 1 = \epsilon(1 - w)/(1 + \epsilon w)`), for :math:`e \ge 2^{-125}` (ê
    relative, fp.exp.fast.float32). Where :math:`e < 2^{-125}` (|x| > 86.6): 1 + ê rounds to 1, so x < 0 gives ê itself,
    within :math:`\epsilon e + 2^{-150} + e^2` of σ, whose spacing there is :math:`2^{-149}`: at most
    :math:`\lfloor\epsilon 2^{24} + 1/2 + 2^{-100}\rfloor + 1` steps; x > 0 gives 1, as RN(σ) is."""
    eps = FAST_EXP_BOUND
    normal = ulps_after_rounding((1 + eps / (1 - eps / 2)) / (1 - U_SINGLE) - 1, U_SINGLE)
    subnormal = int((eps * Fraction(1, 2**125) + FAST_UNDERFLOW + Fraction(1, 2**248)) / FAST_SPACING) + 1
    return Fraction(max(normal, subnormal))


# the fast tier's log1p (sp_fast_log1p) on each range of e (scripts.FAST_LOG1P_RANGES): head + tail against
# N(Ms) = 2 Ms + Ms^3 rho(Ms^2), relative (Gappa: 2^-32.10 and 0.1455 2^-24), and tail / N (Gappa: 0.000603, 0.04004)
FAST_LOG1P_BOUNDS = {"low": Fraction(1, 2**32), "high": Fraction(15, 100) * U_SINGLE}
FAST_TAIL_SHARES = {"low": Fraction(61, 100000), "high": Fraction(401, 10000)}
FAST_LOG1P_POLY_BOUND = Fraction(int(lk.FAST_ERROR_BOUND.p), int(lk.FAST_ERROR_BOUND.q))  # log1p.fast.polynomial_error
FAST_LOG1P_PARTS = tuple(
    _fp_claim(
        f"fp.log1p.fast.{part}",
        f"the fast tier's log1p(e) (sp_fast_log1p, binary32) as head + tail is within "
        f"{'2^-32' if part == 'low' else '0.15 2^-24'} of N(Ms) = 2 Ms + Ms^3 rho(Ms^2), Ms = e/(2 + e), relative, and its tail "
        f"within {float(FAST_TAIL_SHARES[part])} N(Ms), for {float(FAST_LOG1P_RANGES[part][0]):.3g} <= e <= "
        f"{float(FAST_LOG1P_RANGES[part][1]):.3g}",
        sp.And(sp.Le(_relative(_N_MS), _sym(FAST_LOG1P_BOUNDS[part])),
               sp.Le(sp.Abs(sp.Symbol("tail") / _N_MS), _sym(FAST_TAIL_SHARES[part]))),
        GappaBound(f"fp_fast_log1p_{part}", FAST_LOG1P_BOUNDS[part], extra=(FAST_TAIL_SHARES[part],)),
        ("d_lo = (2 + e) - d exact (Fast2Sum: 2 >= e; d - 2 exact by Sterbenz), the remainder e - s d exact (the FMA of a "
         "correctly rounded quotient's remainder; in the portable build the binary64 product and sum are exact too)",
         "binary32 e >= 2^-40 (Gappa's binary32 model includes subnormals; here every rounded value is above 2^-126 or 0)",
         "the argument in scripts._fast_log1p"),
        "binary32",
    )
    for part in FAST_LOG1P_RANGES
)


def _fast_log1p_share_ulps() -> Fraction:
    r"""log_sigmoid and softplus (fast): :math:`y = m_0 - L` (:math:`m_0 = \min(x, 0)`, -0 for x >= 0) and
    :math:`y = M_0 + L` (:math:`M_0 = \max(x, 0)`), :math:`L = \log(1 + e)`, :math:`e = e^{-|x|}`, so :math:`|y| \ge L`.
    sp_fast_log1p gives :math:`\hat L` = head + tail from :math:`\hat e` (fp.exp.fast.float32), or :math:`\hat e` itself
    where :math:`\hat e < 2^{-40}`; TwoSum makes :math:`h + h_{lo} = m_0 \mp \text{head}` exactly (Knuth), then
    :math:`t = \mathrm{RN}(h_{lo} \mp \text{tail})` and the result :math:`\mathrm{RN}(h + t)`. So before the last rounding
    :math:`|v - y| \le |\hat L - L| + u(|h_{lo}| + |\text{tail}|) \le (\theta + u(u(1 + \theta)(1 + u) + \tau(1 + \theta)))|y|`
    (:math:`|h| \le (1 + u)|m_0 \mp \text{head}| \le (1 + u)(1 + \theta)|y|`) with :math:`\hat L = L(1 + \theta)`:

    - :math:`\hat e`'s error: :math:`|\log(1 + \hat e) - \log(1 + e)| \le |\hat e - e|/(1 + \min(e, \hat e)) \le
      \frac{\epsilon}{1 - \epsilon} g(e) \log(1 + e)`, :math:`g(e) = e/((1 + e)\log(1 + e)) \le 1/((1 + e)(1 - e/2))`
      (:math:`\log(1 + e) \ge e - e^2/2`), falling in e: on each range its value at the range's lowest e, divided by
      :math:`1 + \epsilon` (e against :math:`\hat e`);
    - on a range of fp.log1p.fast: head + tail within :math:`\beta` of :math:`N(M_s)`, which is within :math:`2^{-29}` of
      :math:`2\operatorname{atanh}(M_s) = \log(1 + \hat e)` (log1p.fast.polynomial_error, log1p.atanh_form), tail within
      :math:`\tau N`; below :math:`2^{-40}`, :math:`\hat e` is within :math:`\hat e^2/2 \le 2^{-41}\hat e` of
      :math:`\log(1 + \hat e)`, tail 0, and a subnormal :math:`\hat e`'s :math:`2^{-150}` is below :math:`2^{-154}|y|` where
      :math:`m_0 \ne 0` (|x| > 27).

    :func:`ulps_after_rounding` counts the steps. Results below :math:`2^{-125}` (spacing :math:`2^{-149}`): there
    :math:`m_0 = 0`, :math:`\hat e < 2^{-40}`, and the result is :math:`\mp\hat e` exactly (h = -head exact, t = 0), within
    :math:`E = \epsilon 2^{-125} + 2^{-150} + 2^{-250}` of y, a float on the grid, so within :math:`\lfloor E/2^{-149} + 1/2\rfloor`
    steps of RN(y). An :math:`\hat e` of 0 (|x| >= 103.9) gives :math:`m_0` (x, or -0 for log_sigmoid), the same count."""
    eps = FAST_EXP_BOUND
    widen = eps / (1 - eps)

    def g_max(low: Fraction) -> Fraction:
        e = low / (1 + eps)
        return 1 / ((1 + e) * (1 - e / 2))

    cases = [((1 + widen * g_max(low)) * (1 + FAST_LOG1P_POLY_BOUND) * (1 + FAST_LOG1P_BOUNDS[part]) - 1, FAST_TAIL_SHARES[part])
             for part, (low, _) in FAST_LOG1P_RANGES.items()]
    cases.append(((1 + widen) * (1 + Fraction(1, 2**40)) * (1 + Fraction(1, 2**154)) - 1, Fraction(0)))  # e < 2^-40: head = e
    worst = 0
    for theta, share in cases:
        rho = theta + U_SINGLE * (U_SINGLE * (1 + theta) * (1 + U_SINGLE) + share * (1 + theta))
        worst = max(worst, ulps_after_rounding(rho, U_SINGLE))
    spacing = int((eps * Fraction(1, 2**125) + FAST_UNDERFLOW + Fraction(1, 2**250)) / FAST_SPACING + Fraction(1, 2))
    return Fraction(max(worst, spacing))


_FAST_ASSUMED = ("float32 input, 2^-20 <= T <= 2^20 in the fast kernel (other calls take the accurate one, within its bound); "
                 "rows of at most 2^31 entries",)


def _fast_claim(function: str, ulps: Callable[[], Fraction], bound: int, parts: tuple[Claim, ...], what: str) -> Claim:
    return _fp_claim(
        f"fp.{function}.fast.float32",
        f"with precision=\"fast\", every float32 {function} result of the C target is within {bound} ULP of the correctly rounded {what}",
        sp.Le(sp.Function("ulps32")(FL(sp.Symbol(function))), bound),
        ComposedBound(parts, ulps, Fraction(bound), in_ulps=True),
        (*_FAST_ASSUMED, f"the argument in {ulps.__name__} (codegen/backends/gappa/claims.py)"), "binary32 and binary64",
    )


FAST_SOFTMAX = _fast_claim("softmax", _fast_softmax_ulps, 4, (FAST_EXP,), "softmax")
FAST_LOG_SOFTMAX = _fast_claim("log_softmax", _fast_log_share_ulps, 2, (FAST_EXP, LOG1P), "log_softmax")
FAST_LOGSUMEXP = _fast_claim("logsumexp", _fast_logsumexp_ulps, 2, (FAST_EXP, LOG1P), "logsumexp")
FAST_CROSS_ENTROPY = _fast_claim("cross_entropy", _fast_log_share_ulps, 2, (FAST_EXP, LOG1P), "-log softmax(x)[t]")
FAST_SIGMOID = _fast_claim("sigmoid", _fast_sigmoid_ulps, 3, (FAST_EXP,), "sigmoid")
_FAST_LOG1P_USES = (FAST_EXP, *FAST_LOG1P_PARTS, lk.FAST_POLYNOMIAL_ERROR, lk.ATANH_FORM)
FAST_LOG_SIGMOID = _fast_claim("log_sigmoid", _fast_log1p_share_ulps, 2, _FAST_LOG1P_USES, "log_sigmoid")
FAST_SOFTPLUS = _fast_claim("softplus", _fast_log1p_share_ulps, 2, _FAST_LOG1P_USES, "softplus")

# the end-to-end claims: (function, dtype) -> the claim proving "within B ULP for every input" (C target)
PROVED_ULPS: dict[tuple[str, str], Claim] = {("sigmoid", "float64"): SIGMOID, ("sigmoid", "float32"): SIGMOID_SINGLE,
                                             ("softmax", "float64"): SOFTMAX, ("softmax", "float32"): SOFTMAX_SINGLE,
                                             ("log_softmax", "float64"): LOG_SOFTMAX, ("log_softmax", "float32"): LOG_SOFTMAX_SINGLE,
                                             ("cross_entropy", "float64"): CROSS_ENTROPY, ("cross_entropy", "float32"): CROSS_ENTROPY_SINGLE,
                                             ("log_sigmoid", "float64"): LOG_SIGMOID, ("log_sigmoid", "float32"): LOG_SIGMOID_SINGLE,
                                             ("softplus", "float64"): SOFTPLUS, ("softplus", "float32"): SOFTPLUS_SINGLE,
                                             ("logit", "float64"): LOGIT, ("logit", "float32"): LOGIT_SINGLE,
                                             ("log1mexp", "float32"): LOG1MEXP_SINGLE, ("log1mexp", "float64"): LOG1MEXP}


PORTABLE = ".portable"  # the id suffix of a claim's twin for the build without FMA hardware
_PORTABLE_ASSUMPTION = ("no FMA hardware (the portable build, SOFTPROOF_PORTABLE=1): each SP_FMA(a, b, c) is the macro "
                        "a*b + c, two roundings; SP_EXACT_FMA is Dekker's product (sp_exact_fma), one rounding as with the "
                        "hardware at its sites (p + c exact by Sterbenz, |a*b| >= 2^-969, prims.c), SP_PRODUCT_RESIDUAL is "
                        "the FMA's value in every range (sp_product_residual, the argument beside it in prims.c), "
                        "SP_EXP_HEAD's Fast2Sum s + t = r + a/2 is exact (Dekker 1971: a/2 <= r^2/2 < |r|; sp_exp_head), "
                        "and C99's fma is correctly rounded")
_TWINS: dict[str, Claim] = {}
# claims whose proof does not carry over to that build by their parts' twins alone, and why
_NOT_CARRIED: dict[str, str] = {}  # none now (logmeanexp's certificate was, until its underflow argument counted the portable rounding)


def portable_twin(claim: Claim) -> Claim:
    r"""The claim ``claim`` for the build without FMA hardware: the same statement and bound, every Gappa script of
    its proof replaced by the script's portable twin (:func:`~softproof.codegen.backends.gappa.scripts.scripts`,
    each SP_FMA printed as a rounded product and a rounded sum), the same compositions over the twins of its fp parts.

    Soundness: a composed bound follows from its parts' stated bounds alone (the argument beside each ``combine``),
    whatever evaluated them; so where Gappa proves every part's stated bound on the portable printing too, the
    composed bound holds for that build. A part whose script has no portable twin (hints written for the fused
    form) or whose portable enclosure exceeds the stated bound leaves the twin unproved, with the reason. The parts
    about real numbers (a polynomial's approximation error) are the same claims."""
    if claim.id in _TWINS:
        return _TWINS[claim.id]
    if claim.id.endswith(PORTABLE):
        raise ValueError(f"{claim.id} is a portable twin already")
    if claim.id in _NOT_CARRIED:
        raise ValueError(f"{claim.id} has no portable twin: {_NOT_CARRIED[claim.id]}")
    return _twin(claim, f"{claim.quote}; in the portable build (no FMA hardware)")


def _twin(claim: Claim, quote: str, bound: Fraction | None = None) -> Claim:
    """``claim``'s portable twin (registered for :func:`portable_twin`): each Gappa part on its twin script, each
    composition over its parts' twins and run inside :func:`portable_build`; ``bound``: a stated bound of its own
    there, put in the statement in place of the fused one (which the statement must show)."""
    strategy = claim.strategy
    twin_strategy: GappaBound | ComposedBound | CorrectlyRounded | DecidedCorrectlyRounded | DecidedFromDouble
    if isinstance(strategy, GappaBound):  # a script the portable build prints alike proves both builds under its own name
        twin_name = strategy.script_name if same_in_both_builds(strategy.script_name) else strategy.script_name + PORTABLE_SUFFIX
        twin_strategy = replace(strategy, script_name=twin_name,
                                requires=tuple(portable_twin(c) if _is_fp(c) else c for c in strategy.requires))
    elif isinstance(strategy, ComposedBound):
        twin_strategy = replace(strategy, parts=tuple(portable_twin(c) if _is_fp(c) else c for c in strategy.parts), portable=True)
    elif isinstance(strategy, CorrectlyRounded):  # the parts' twins, and the portable build's own sweep
        twin_strategy = replace(strategy, single=tuple(map(portable_twin, strategy.single)), double=tuple(map(portable_twin, strategy.double)),
                                portable=True)
    elif isinstance(strategy, DecidedCorrectlyRounded):  # the stage's parts' twins, the decision over that build's bounds
        twin_strategy = replace(strategy, parts=tuple(portable_twin(c) if _is_fp(c) else c for c in strategy.parts), portable=True)
    elif isinstance(strategy, DecidedFromDouble):  # the float64 claim's twin, whose bound the decision checks again
        twin_strategy = replace(strategy, parts=tuple(map(portable_twin, strategy.parts)))
    else:
        raise TypeError(f"{claim.id} is not an fp claim (its strategy is {type(strategy).__name__})")
    statement = claim.statement
    if bound is not None:
        statement = statement.xreplace({_sym(strategy.bound): _sym(bound)})
        if statement == claim.statement:
            raise ValueError(f"{claim.id}'s statement does not show its bound {strategy.bound}")
        twin_strategy = replace(twin_strategy, bound=bound)
    twin = replace(claim, id=claim.id + PORTABLE, quote=quote, statement=statement, strategy=twin_strategy,
                   assumptions=(*claim.assumptions, _PORTABLE_ASSUMPTION))
    _TWINS[claim.id] = twin
    return twin


def _is_fp(claim: Claim) -> bool:
    return isinstance(claim.strategy, (GappaBound, ComposedBound, CorrectlyRounded, DecidedCorrectlyRounded, DecidedFromDouble))


def _fp_tree(claim: Claim) -> list[Claim]:
    """The fp claims ``claim``'s proof rests on (its parts and the claims its scripts' hypotheses state, recursively),
    each once, every part before the claims that use it, ``claim`` last."""
    strategy = claim.strategy
    below = strategy.requires if isinstance(strategy, GappaBound) else strategy.parts if isinstance(strategy, (ComposedBound, CorrectlyRounded)) else ()
    return [*_first_of_each(c for part in below if _is_fp(part) for c in _fp_tree(part)), claim]


def _first_of_each(claims: Iterable[Claim]) -> list[Claim]:
    """``claims`` in their order, each id once (its first occurrence)."""
    first: dict[str, Claim] = {}
    for c in claims:
        first.setdefault(c.id, c)
    return list(first.values())


# sp_exp_dd's tail and log1mexp's near tail: their Horner FMAs round the products too (Gappa 2^-54.0027 and 2^-51.598 on
# the twin scripts), so their twins state 1.01 2^-54 and 2.65 u, sp_exp_dd's 1.0625 2^-54 (composed 1.0415 2^-54) and so
# do the double-double stage's terms (SP_TERMS_ERROR_DD of that build); the compositions read them by exp_tail_bound(),
# exp_dd_bound() and expm1_tail_bound()
EXP_TAIL_PORTABLE = _twin(
    EXP_TAIL, "in the portable build (no FMA hardware) sp_exp_dd's printed tail s = P(r) - 1 (degree 12, each FMA a rounded "
    "product and a rounded sum) is within 1.01 2^-54 of P(r) - 1, relative to P(r), and |s| <= 0.43, on |r| <= 0.35",
    EXP_TAIL_PORTABLE_BOUND)
EXPM1_TAIL_PORTABLE = _twin(
    EXPM1_TAIL, "in the portable build (no FMA hardware) sp_log1mexp's tail r^2 q(r) (the square, q by Horner, each FMA a "
    "rounded product and a rounded sum, the product) is within 2.65 u of its exact value, relative, for 2^-500 <= -r <= 0.35",
    EXPM1_TAIL_PORTABLE_BOUND)
EXP_DD_PORTABLE = _twin(
    EXP_DD, "in the portable build (no FMA hardware) sp_exp_dd's hi + lo is within 1.0625 2^-54 of e^(a + b), relative, plus "
    "half a subnormal ulp, for -708 <= a <= 0, |b| <= 2^-42", EXP_DD_PORTABLE_BOUND)
TERMS_DD_PORTABLE = _twin(
    TERMS_DD, "in the portable build (no FMA hardware) the double-double stage's t + t_lo is within (1.0625 2^-54 + "
    "sum_error_dd(n)) t_x + n 2^-1074 of t_x = sum of e^((x_j - m)/T) over the entries below the max (SP_TERMS_ERROR_DD of "
    "that build)", EXP_DD_PORTABLE_BOUND)
# The end-to-end claims whose proofs carry over to the build without FMA hardware: Gappa proves every part's stated
# bound on the portable printing too (where a part's bound is larger there, at its twin's own bound, above).
PORTABLE_ULPS: dict[tuple[str, str], Claim] = {
    key: portable_twin(PROVED_ULPS[key])
    for key in (("sigmoid", "float64"), ("sigmoid", "float32"), ("softmax", "float64"), ("softmax", "float32"),
                ("log_softmax", "float64"), ("log_softmax", "float32"),
                ("cross_entropy", "float64"), ("cross_entropy", "float32"), ("log_sigmoid", "float64"), ("log_sigmoid", "float32"),
                ("softplus", "float64"), ("softplus", "float32"), ("logit", "float64"), ("logit", "float32"),
                ("log1mexp", "float64"), ("log1mexp", "float32"))}
PORTABLE_BACKWARD = (*(portable_twin(c) for c in BACKWARD), portable_twin(LOGSUMEXP_BACKWARD_SINGLE), portable_twin(LOGSUMEXP_BACKWARD))
PORTABLE_CERTIFIED = (portable_twin(LOGSUMEXP_CERTIFIED), portable_twin(LOGSUMEXP_CERTIFIED_DD), portable_twin(LOGSUMEXP_CERTIFIED_RAISED),
                      portable_twin(LOGSUMEXP_CERTIFIED_SINGLE),
                      portable_twin(LOGMEANEXP_CERTIFIED), portable_twin(LOGMEANEXP_CERTIFIED_SINGLE))
# the fast tier there: its SP_FMAF is (float)((double)a * b + c), the sum rounded to binary64 and then to binary32 (the
# printer's rnd(rnd64(...))); Gappa proves the fast exp's reduction and polynomial within their stated bounds again
PORTABLE_FAST: dict[str, Claim] = {claim.id.split(".")[1]: portable_twin(claim)
                                   for claim in (FAST_SOFTMAX, FAST_LOG_SOFTMAX, FAST_LOGSUMEXP, FAST_CROSS_ENTROPY, FAST_SIGMOID,
                                                 FAST_LOG_SIGMOID, FAST_SOFTPLUS)}
PORTABLE_CR = tuple(map(portable_twin, (SIGMOID_SINGLE_CR, LOG_SIGMOID_SINGLE_CR, SOFTPLUS_SINGLE_CR, LOG1MEXP_SINGLE_CR,
                                         LOGIT_SINGLE_CR)))  # each build's own sweep
# logsumexp's later stages, the states' merges and the decisions over the float64 bounds: their C has no SP_FMA,
# SP_FINAL_FMA or SP_EXP_HEAD (their scripts print alike, same_in_both_builds) and its residuals, SP_PRODUCT_RESIDUAL,
# are the FMA's values in that build too (sp_product_residual, prims.c), so the same proofs hold there
PORTABLE_LATER = tuple(map(portable_twin, (LOGSUMEXP_SINGLE_CR, LOGSUMEXP_CERTIFIED_WIDE, LOGSUMEXP_CERTIFIED_TRIPLE,
                                           LOGMEANEXP_CERTIFIED_TRIPLE, *LATER_STAGE_SINGLE_CLAIMS, STATE_MERGE, *STATE_TRIPLE_CLAIMS,
                                           SOFTMAX_CORRECT, LOG_SOFTMAX_CORRECT, CROSS_ENTROPY_CORRECT, LABEL_SMOOTHING,
                                           LABEL_SMOOTHING_SINGLE)))
PORTABLE_CLAIMS = _first_of_each(c for end in (*PORTABLE_ULPS.values(), *PORTABLE_CERTIFIED, *PORTABLE_BACKWARD, *PORTABLE_FAST.values(),
                                               *PORTABLE_CR, *PORTABLE_LATER) for c in _fp_tree(end))


CLAIMS = [
    EXP_REDUCE,
    EXP_POLY,
    EXP_POLY_SINGLE,
    EXP_TOTAL,
    LOG1P_R,
    *LOG1P_PARTS,
    LOG1P,
    EXP_SINGLE_TOTAL,
    LOG1P_SINGLE,
    *SIGMOID_BRANCHES,
    SIGMOID,
    *SINGLE_SIGMOID_BRANCHES,
    SIGMOID_SINGLE,
    SIGMOID_SINGLE_CR,
    TERMS,
    LOGSUMEXP_CERTIFIED,
    TERMS_SINGLE,
    LOGSUMEXP_CERTIFIED_SINGLE,
    EXP_DD_REDUCE,
    EXP_TAIL,
    EXP_DD,
    TERMS_DD,
    LOGSUMEXP_CERTIFIED_DD,
    LOGSUMEXP_CERTIFIED_RAISED,
    LOGSUMEXP_SINGLE_CR,
    STATE_MERGE_FACTOR,
    STATE_MERGE,
    *STATE_TRIPLE_CLAIMS,
    SOFTMAX_ASSEMBLY,
    SOFTMAX,
    SOFTMAX_SINGLE,
    SOFTMAX_CORRECT,
    LOGSUMEXP_BACKWARD,
    LOGSUMEXP_BACKWARD_SINGLE,
    LOG_SHARE_ASSEMBLY,
    LOG_SOFTMAX,
    LOG_SOFTMAX_SINGLE,
    LOG_SOFTMAX_CORRECT,
    CROSS_ENTROPY,
    CROSS_ENTROPY_SINGLE,
    CROSS_ENTROPY_CORRECT,
    LABEL_SMOOTHING,
    LABEL_SMOOTHING_SINGLE,
    LOG_SIGMOID,
    LOG_SIGMOID_SINGLE,
    LOG_SIGMOID_SINGLE_CR,
    SOFTPLUS,
    SOFTPLUS_SINGLE,
    SOFTPLUS_SINGLE_CR,
    LOGIT_RATIO,
    LOGIT,
    LOGIT_SINGLE,
    EXPM1_SERIES,
    LOG1MEXP_SINGLE,
    EXPM1_TAIL,
    EXPM1_RATIO,
    LOG1MEXP,
    LOG1MEXP_SINGLE_CR,
    LOGIT_SINGLE_CR,
    LOGMEANEXP_CERTIFIED,
    LOGMEANEXP_CERTIFIED_SINGLE,
    SOFTMAX_BACKWARD_ASSEMBLY,
    *BACKWARD,
    FAST_EXP_REDUCE,
    FAST_EXP_POLY,
    FAST_EXP,
    FAST_SOFTMAX,
    FAST_LOG_SOFTMAX,
    FAST_LOGSUMEXP,
    FAST_CROSS_ENTROPY,
    FAST_SIGMOID,
    *FAST_LOG1P_PARTS,
    FAST_LOG_SIGMOID,
    FAST_SOFTPLUS,
    *LATER_STAGE_CLAIMS,
    *LATER_STAGE_SINGLE_CLAIMS,
    *PORTABLE_CLAIMS,
]

# the results proved correctly rounded (C target, the default tier): (function, dtype) -> the claim
PROVED_CORRECTLY_ROUNDED: dict[tuple[str, str], Claim] = {("sigmoid", "float32"): SIGMOID_SINGLE_CR, ("log_sigmoid", "float32"): LOG_SIGMOID_SINGLE_CR,
                                                          ("softplus", "float32"): SOFTPLUS_SINGLE_CR, ("log1mexp", "float32"): LOG1MEXP_SINGLE_CR,
                                                          ("logit", "float32"): LOGIT_SINGLE_CR}

# the fast tier's end-to-end claims: function -> the claim proving its float32 bound with precision="fast"
PROVED_FAST_ULPS: dict[str, Claim] = {"softmax": FAST_SOFTMAX, "log_softmax": FAST_LOG_SOFTMAX, "logsumexp": FAST_LOGSUMEXP,
                                      "cross_entropy": FAST_CROSS_ENTROPY, "sigmoid": FAST_SIGMOID, "log_sigmoid": FAST_LOG_SIGMOID,
                                      "softplus": FAST_SOFTPLUS}

# the claims proving the correctly rounded result where a stage decides (the others are redone in later stages)
PROVED_CORRECTLY_ROUNDED_WHERE_DECIDED: dict[tuple[str, str], Claim] = {("logsumexp", "float32"): LOGSUMEXP_SINGLE_CR}

# the claims proving "within B ULP" for the results a certificate accepts (the others are redone in later stages)
PROVED_WHERE_CERTIFIED: dict[tuple[str, str], Claim] = {("logsumexp", "float64"): LOGSUMEXP_CERTIFIED,
                                                        ("logsumexp", "float32"): LOGSUMEXP_CERTIFIED_SINGLE,
                                                        ("logmeanexp", "float64"): LOGMEANEXP_CERTIFIED,
                                                        ("logmeanexp", "float32"): LOGMEANEXP_CERTIFIED_SINGLE}


def proved_column(function: str, dtype: str) -> str:
    """What the fp.* claims state for ``function`` in ``dtype`` (C target), for the accuracy table: the bound
    for every input, the bound where certified, or "-"."""
    rounded = PROVED_CORRECTLY_ROUNDED.get((function, dtype))
    if rounded is not None:
        return f"correctly rounded ({rounded.id})"
    decided = PROVED_CORRECTLY_ROUNDED_WHERE_DECIDED.get((function, dtype))
    if decided is not None:
        return f"correctly rounded where decided ({decided.id})"
    every = proved_ulps(function, dtype)
    if every is not None:
        return f"{every} ({PROVED_ULPS[(function, dtype)].id})"
    claim = PROVED_WHERE_CERTIFIED.get((function, dtype))
    if claim is not None:
        strategy = claim.strategy
        assert isinstance(strategy, ComposedBound) and strategy.in_ulps
        return f"{int(strategy.bound)} where certified ({claim.id})"
    return "-"


def proved_ulps(function: str, dtype: str) -> int | None:
    """The proved bound in ULPs of ``function`` in ``dtype`` (C target), or None where none is proved yet."""
    claim = PROVED_ULPS.get((function, dtype))
    if claim is None:
        return None
    strategy = claim.strategy
    assert isinstance(strategy, ComposedBound) and strategy.in_ulps
    return int(strategy.bound)


def proved_fast_ulps(function: str) -> int | None:
    """The proved float32 bound in ULPs of ``function`` with ``precision="fast"`` (C target), or None where it has no fast kernel."""
    claim = PROVED_FAST_ULPS.get(function)
    if claim is None:
        return None
    strategy = claim.strategy
    assert isinstance(strategy, ComposedBound) and strategy.in_ulps
    return int(strategy.bound)
