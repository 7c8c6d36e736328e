r"""The Gappa scripts of the triple-double arithmetic (``triple.c.j2``): the operations' errors and triple_exp_domain's
reduction and polynomial, each printed from the tapes of :mod:`~softproof.codegen.backends.gappa.triple` (the
operations the C performs, in its order; tests/test_triple_tapes.py compares the tapes with the compiled C bit for bit).

A triple :math:`x = x_h + x_m + x_l` is *normalised* when :math:`|x_m| \le 2^{-51}|x_h|` and :math:`|x_l| \le
2^{-51}|x_m|` (every triple_renorm output is: fp.triple.renorm). The operations' scripts run in a *frame*: the
addition's operands scaled by one power of 2 so that the larger head lies in [1, 2) (by symmetry,
``triple_add(x, y)`` and ``triple_add(y, x)`` perform the same roundings), the product's each by its own, the heads
positive (a sign change commutes with every operation). Sums and TwoSums commute with scaling by 2^k, exactly, also
where a result is subnormal (a sum that lands below 2^-1022 is exact, in the frame as in place); a product or residual
rounded into the subnormal range in place is the frame's value plus a perturbation (the product's script bounds them,
:class:`~softproof.codegen.backends.gappa.triple.Tape`, for :math:`|x_h y_h| \ge 2^{-975}`; fp.triple.mul argues the
rest). So the frame rounds without underflow (``float<53,-9000,ne>``) and a bound proved there, times the scale,
holds in place. The exp's scripts round as binary64 does, subnormals included, in place.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from typing import Any

from .scripts import BINARY64, UNBOUNDED64, GappaScript
from .triple import Step, Tape, Triple, exp_polynomial, exp_reduction, triple_add, triple_mul

__all__ = ["NORMALISED", "POLY_RADIUS", "triple_scripts", "triple_parts"]

NORMALISED = Fraction(1, 2**51)  # |m| <= 2^-51 |h|, |l| <= 2^-51 |m|
POLY_RADIUS = Fraction(542, 100000)  # |r_h| on which the polynomial's script runs (fp.triple.exp.reduce proves |r_h| below it)
EXP_DOMAIN = (-750, 45)  # y_h of triple_exp_domain's arguments: the terms (-745 <= y <= 0) and triple_log's e^-L (|L| <= 44.4)


def _power(value: Fraction) -> str:
    """A power of 2 as a Gappa constant, 1b-51."""
    exponent = value.denominator.bit_length() - 1
    if value != Fraction(1, 2**exponent):
        raise ValueError(f"{value} is not a negative power of 2")
    return f"1b-{exponent}"


def _normalised(x: Triple, head: Fraction) -> tuple[str, ...]:
    """Hypotheses of a normalised triple whose head is at most ``head`` in magnitude (a power of 2)."""
    middle, low = head * NORMALISED, head * NORMALISED * NORMALISED
    return f"|{x.m}| <= {_power(middle)}", f"|{x.l}| <= {_power(low)}"


def triple_parts(text: str) -> tuple[str, str, str]:
    """A triple constant of the C source ('h, m, l' in C hex literals) as three Gappa constants."""
    parts = tuple("0" if part.strip() in ("0.0", "-0.0") else part.strip() for part in text.split(","))
    if len(parts) != 3:
        raise ValueError(f"a triple constant has three parts, got {text!r}")
    return parts[0], parts[1], parts[2]


def _operation(kind: str) -> GappaScript:
    """triple_add or triple_mul (``mul_d``: by a double, the second operand {d, 0, 0}) in its frame: the error of the
    result's value against the exact sum or product. The hint splits it into the tape's roundings that no exact partner
    recovers (:meth:`Tape.roundings`) and, for the product, the three products of low parts it drops."""
    tape = Tape("v", underflow="none" if kind == "add" else "products")
    x, y = Triple("xh", "xm", "xl"), Triple("yh", "ym", "yl")
    if kind == "add":
        z = triple_add(tape, x, y)
        exact, dropped = f"{x.value()} + {y.value()}", ""
        hypotheses = ("|xh| <= 2", "|yh| <= 2", *_normalised(x, Fraction(2)), *_normalised(y, Fraction(2)))
        title = "triple_add in its frame (both heads at most 2): the result's error against x + y"
    else:
        z = triple_mul(tape, x, y)
        exact, dropped = f"{x.value()} * {y.value()}", " - (xm * yl + xl * ym + xl * yl)"
        second = ("ym in [0, 0]", "yl in [0, 0]") if kind == "mul_d" else _normalised(y, Fraction(2))
        hypotheses = ("xh in [1, 2]", "yh in [1, 2]", *_normalised(x, Fraction(2)), *second)
        title = ("triple_mul_d (triple_mul by {d, 0, 0})" if kind == "mul_d" else "triple_mul") + \
            " in its frame (both heads in [1, 2]): the result's error against x y"
    perturbed = tape.perturbation_terms()  # none for the sum
    goal = "Z - Exact - U" if perturbed else "Z - Exact"
    definitions = (*tape.gappa(), ("Z", z.value()), ("Exact", exact), *((("U", " + ".join(perturbed)),) if perturbed else ()))
    return GappaScript(
        name=f"fp_triple_{kind}", title=title, inputs=("xh", "xm", "xl", "yh", "ym", "yl"), definitions=definitions,
        hypotheses=(*hypotheses, *tape.perturbation_hypotheses()), goal=goal,
        hints=(f"{goal} -> " + " + ".join(tape.roundings()) + dropped + ";",), precision=300, rounding=UNBOUNDED64,
    )


def _ln2_enclosure(scale_bits: int = 220) -> tuple[str, str]:
    """ln 2 enclosed in [a, a + 1] 2^-scale_bits, from mpmath's interval arithmetic at 500 bits (rigorous: outward
    rounded), as two Gappa constants."""
    import mpmath

    iv = mpmath.iv
    saved = iv.prec
    iv.prec = 500
    try:
        scaled = iv.log(2) * iv.mpf(2) ** scale_bits
        lower, upper = scaled._mpi_  # the raw ends (mpf tuples), rounded outward
    finally:
        iv.prec = saved
    low, high = mpmath.libmp.to_int(lower, "f"), mpmath.libmp.to_int(upper, "c")
    return f"{low}b-{scale_bits}", f"{high}b-{scale_bits}"


def _constants() -> dict[str, Any]:
    from ..c.target import triple_constants

    return triple_constants()


def _exp_reduce() -> GappaScript:
    r"""triple_exp_domain's reduction for :math:`y_h \in [-750, 45]`, y normalised: i = nearbyint(y_h (64/ln2_h)) and
    r = y - i ln2_64 by triple_mul_d and triple_add (ln2_64: SP_LN2_TRIPLE's parts times 2^-6, exact). Goals:
    :math:`r - (y - i \ln 2/64)`, split by the hints into triple_add's roundings, triple_mul_d's and i times the triple
    ln 2's own error; and :math:`y_h - i \ln 2/64` (why r is small: the constant's distance to 64/ln 2, the rounding of
    y_h times it, the integer's)."""
    tape = Tape("v", underflow="residuals")
    ln2 = triple_parts(str(_constants()["ln2"]))
    q = Triple("Qh", "Qm", "Ql")
    q_values = tuple((float.fromhex(part) * 2.0**-6).hex() if part != "0" else "0" for part in ln2)
    inverse = float(Fraction(64) / Fraction(float.fromhex(ln2[0])))  # the compiler's RN(64.0 / SP_LN2_TRIPLE.h)
    y = Triple("yh", "ym", "yl")
    start = len(tape.ops)
    i, r = exp_reduction(tape, y, "C64", q)
    scaled = tape.ops[start][0]  # RN(y_h C64)
    product_end = next(n for n, (name, _, _) in enumerate(tape.ops) if name == i) + 1
    negated = [n for n, (_, kind, _) in enumerate(tape.ops) if kind == "neg"]
    product_ops = tape.segment(product_end, negated[0])
    sum_ops = tape.segment(negated[-1] + 1)
    product = Triple(*(tape.ops[n][2][0] for n in negated))
    low, high = _ln2_enclosure()
    definitions = (("Qh", q_values[0]), ("Qm", q_values[1]), ("Ql", q_values[2]), ("C64", inverse.hex()), *tape.gappa(),
                   ("R", r.value()), ("Y", y.value()), ("Qv", q.value()), ("Pv", product.value()))
    hints = (f"R - (Y - {i} * ln2 / 64) -> (R - (Y - Pv)) + (-(Pv - Qv * {i})) + (-({i} * (Qv - ln2 / 64)));",
             "R - (Y - Pv) -> " + " + ".join(sum_ops.roundings()) + ";",
             f"Pv - Qv * {i} -> " + " + ".join((*product_ops.roundings(), *product_ops.perturbation_terms())) + ";",
             f"yh - {i} * ln2 / 64 -> ln2 / 64 * (yh * (64 / ln2 - C64) + (yh * C64 - {scaled}) + ({scaled} - {i}));")
    return GappaScript(
        name="fp_triple_exp_reduce",
        title="triple_exp_domain's reduction: r = y - i ln2/64 in triple-double (triple_mul_d, triple_add), its error and |y_h - i ln2/64|",
        inputs=("yh", "ym", "yl"), definitions=definitions,
        hypotheses=(f"yh in [{EXP_DOMAIN[0]}, {EXP_DOMAIN[1]}]", *_normalised(y, Fraction(1024)), f"ln2 in [{low}, {high}]",
                    *tape.perturbation_hypotheses()),
        goal=f"R - (Y - {i} * ln2 / 64)", extra_goals=(f"yh - {i} * ln2 / 64",),
        hints=hints, precision=400, rounding=BINARY64,
    )


@cache
def _exp_poly_parts() -> tuple[Tape, Triple, list[Step]]:
    tape = Tape("v", underflow="residuals")
    r = Triple("rh", "rm", "rl")

    def constant(n: int) -> Triple:
        return Triple(f"F{n}h", f"F{n}m", f"F{n}l")

    p, steps = exp_polynomial(tape, r, constant)
    return tape, p, steps


def _exp_poly() -> GappaScript:
    r"""triple_exp_domain's polynomial on :math:`|r_h| \le 0.00542`, r normalised: the C's Horner evaluation (double,
    double-double, triple-double steps) against :math:`\sum_{n \le 14} r^n/n!` in exact arithmetic, the constants' own
    errors included (1/n! exactly); each step's hints from :func:`~softproof.codegen.backends.gappa.triple.exp_polynomial`.
    Also |f| <= |s| at each Fast2Sum of duo_mul_add (Dekker's condition), as extra goals."""
    import math

    tape, p, steps = _exp_poly_parts()
    factorials = [triple_parts(text) for text in _constants()["inverse_factorials"]]
    constants = tuple((f"F{n}{part}", value) for n, parts in enumerate(factorials) for part, value in zip("hml", parts, strict=True))
    exact = tuple((f"M{n}", step.exact) for n, step in zip(range(13, -1, -1), steps, strict=True))
    definitions = (*constants, *tape.gappa(), ("M14", f"1/{math.factorial(14)}"), *exact, ("P", p.value()))
    radius = f"{float(POLY_RADIUS)}"
    middle = NORMALISED * POLY_RADIUS
    hypotheses = (f"|rh| <= {radius}", f"|rm| <= {_power(Fraction(1, 2**58))}", f"|rl| <= {_power(Fraction(1, 2**109))}",
                  *tape.perturbation_hypotheses())
    if middle > Fraction(1, 2**58) or middle * NORMALISED > Fraction(1, 2**109):
        raise ValueError("the polynomial's hypotheses on r_m and r_l do not cover a normalised r")
    return GappaScript(
        name="fp_triple_exp_poly",
        title="triple_exp_domain's polynomial (Horner in double, double-double and triple-double) against the degree-14 "
              "Taylor polynomial of e^r in exact arithmetic",
        inputs=("rh", "rm", "rl"), definitions=definitions, hypotheses=hypotheses, goal="P - M0",
        extra_goals=("P", *tape.conditions), hints=tuple(h for step in steps for h in (step.carried, step.local)),
        precision=300, rounding=BINARY64,
    )


def triple_scripts() -> tuple[GappaScript, ...]:
    """The triple-double scripts, in the report's order."""
    return (_operation("add"), _operation("mul"), _operation("mul_d"), _exp_reduce(), _exp_poly())
