r"""The floating-point claims (``fp.*``, source ``codegen``): rounding errors of the printed C pieces,
proved by Gappa from the scripts of :mod:`~softproof.codegen.backends.gappa.scripts`.

Each claim states a bound; :class:`GappaBound` runs the script, reads the enclosure Gappa proved
for the error and compares. The statement is written with ``fl(e)``, the value of ``e`` as the C
source evaluates it (every operation rounded to nearest-even binary64, FMAs fused, in the printed
order, which the source pins: no contraction). Without Gappa the claims are unproved and said so
(``skipped``), which does not make ``prove`` fail.

What is proved so far: the building blocks below. Not yet: the range reduction of exp (Gappa needs
hints to correlate k in r and in the exact value), the compensated sums as a function of n, the
reciprocal, and the assembly of each public function; so no claim here is an end-to-end bound of a
public function yet, and the accuracy table's bounds remain measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from softproof.derive.claims import Claim
from softproof.derive.engine import Outcome, Status
from softproof.derive.sources import CODEGEN

from .prover import GAPPA_MISSING, run_gappa
from .scripts import EXP_ERROR, render, script

__all__ = ["GappaBound", "CLAIMS", "FL"]

FL = sp.Function("fl")  # fl(e): e evaluated as the printed C evaluates it
U = Fraction(1, 2**53)  # the unit roundoff of binary64


def _power_of_two(value: Fraction) -> str:
    import math

    return f"2^{math.log2(value):.3f}" if value > 0 else "0"


@dataclass(frozen=True)
class GappaBound:
    """Prove ``|goal| <= bound`` by running the Gappa script ``script_name`` (its ``goal in ?``)."""

    script_name: str
    bound: Fraction

    def run(self, statement: sp.Basic) -> Outcome:
        del statement  # the script is the formal content; the statement is its reading
        item = script(self.script_name)
        method = f"Gappa on generated/gappa/{item.filename}"
        try:
            enclosures, output = run_gappa(render(item))
        except FileNotFoundError:
            return Outcome(Status.UNPROVED, method, [GAPPA_MISSING], skipped=GAPPA_MISSING)
        found = [e for e in enclosures if e.expression.replace(" ", "") == item.goal.replace(" ", "")]
        if not found:
            return Outcome(Status.UNPROVED, method, ["Gappa proved no enclosure of the goal:", *output.splitlines()[-4:]])
        enclosure = found[0]
        steps = [f"Gappa proved {item.goal} in [{float(enclosure.low):.6g}, {float(enclosure.high):.6g}] "
                 f"(magnitude {_power_of_two(enclosure.magnitude)})",
                 f"the claim's bound is {_power_of_two(self.bound)}"]
        if enclosure.magnitude <= self.bound:
            return Outcome(Status.PROVED, method, steps)
        return Outcome(Status.UNPROVED, method, [*steps, "the proved enclosure is wider than the claim's bound"])


r, z, decay, md = sp.symbols("r z decay M_d")


def _relative(expr: sp.Expr) -> sp.Expr:
    return sp.Abs((FL(expr) - expr) / expr)


def _fp_claim(claim_id: str, quote: str, statement: sp.Basic, script_name: str, bound: Fraction,
              assumptions: tuple[str, ...]) -> Claim:
    return Claim(id=claim_id, source=CODEGEN, quote=quote, statement=statement, strategy=GappaBound(script_name, bound),
                 expected=Status.PROVED, assumptions=("binary64, round to nearest even; the operations and their order as printed in "
                                                      "generated/c/softmax.c (no contraction: the source pins it)", *assumptions))


EXP_POLY_BOUND = Fraction(5, 4) * U
P = sp.Function("P")(r)
R_POLY = sp.Function("R")(z)
EXP_ERR = Fraction(2) ** int(EXP_ERROR.split("b")[1])  # the scripts' 1b-52

CLAIMS = [
    _fp_claim("fp.exp.poly.float64",
              "the printed polynomial of the exp kernel (degree 12, FMAs) is within 1.25 u of its exact value on |r| <= 0.35",
              sp.Le(_relative(P), sp.Rational(5, 4) * sp.Rational(1, 2**53)), "fp_exp_poly", EXP_POLY_BOUND,
              (r"$|r| \le 0.35$ (exp.polynomial_error bounds $|P(r) e^{-r} - 1|$ by $2^{-59}$ there)",)),
    _fp_claim("fp.exp.poly.float32",
              "the shorter polynomial of float32 results (degree 8, evaluated in binary64) is within 1.25 u of its exact value",
              sp.Le(_relative(P), sp.Rational(5, 4) * sp.Rational(1, 2**53)), "fp_exp_poly_single", EXP_POLY_BOUND,
              (r"$|r| \le 0.35$",)),
    _fp_claim("fp.log1p.R",
              "the printed R = z rho(z) of the log1p kernel is within 2^-58 (absolute) of its exact value for z <= 0.0295",
              sp.Le(sp.Abs(FL(R_POLY) - R_POLY), sp.Rational(1, 2**58)), "fp_log1p_R", Fraction(1, 2**58),
              (r"$0 \le z = s^2 \le 0.0295$ ($|s| \le 0.1716$ for $1 + f \in [\sqrt2/2, \sqrt2)$)",)),
    _fp_claim("fp.sigmoid.nonnegative.float64",
              "sigmoid for x >= 0, 1/(1 + decay), is within 3 u relative (so within 3 ULP of the correctly rounded value) "
              "when decay = e^-x (1 + eps), |eps| <= 2^-52",
              sp.Le(_relative(1 / (1 + md)), 3 * sp.Rational(1, 2**53) * sp.Rational(1001, 1000)), "fp_sigmoid_nonnegative",
              3 * U * Fraction(1001, 1000),
              (r"the exp kernel's relative error $|\epsilon| \le 2^{-52}$: exp.polynomial_error ($2^{-59}$) and "
               r"fp.exp.poly.float64 are proved, the reduction's rounding is measured, not yet proved",
               r"$e^{-x} \ge 2^{-1020}$ ($x \le 707$); beyond, $1/(1 + d)$ rounds to 1 whatever d's error")),
    _fp_claim("fp.sigmoid.negative.float64",
              "sigmoid for x < 0, decay/(1 + decay), is within 5 u relative when decay = e^x (1 + eps), |eps| <= 2^-52 "
              "(the accuracy table's 3 ULP is measured; Gappa's interval bound does not correlate the errors)",
              sp.Le(_relative(md / (1 + md)), 5 * sp.Rational(1, 2**53) * sp.Rational(1001, 1000)), "fp_sigmoid_negative",
              5 * U * Fraction(1001, 1000),
              (r"the exp kernel's relative error $|\epsilon| \le 2^{-52}$, as for fp.sigmoid.nonnegative.float64",
               r"$e^{x} \ge 2^{-1020}$: normal results (subnormal ones are not covered yet)")),
]
