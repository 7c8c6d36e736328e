r"""The triple-double operations of the C source (``triple.c.j2``) as recorded tapes: one description of each
operation prints the Gappa definitions of its proofs and evaluates the same operations in binary64, so that a test
compares the tape with the compiled C bit for bit (tests/test_triple_tapes.py) and the scripts are about the
operations the C performs, in its order.

A triple is three doubles :math:`h + m + l`. Every TwoSum of the C source (``two_sum``: Knuth's six operations,
``two_diff(a, -b)``) gives :math:`s = \mathrm{RN}(a + b)` and :math:`e = a + b - s` exactly (Knuth, TAOCP 4.2.2
Theorem B; no overflow), and every ``SP_PRODUCT_RESIDUAL(a, b, p)`` after :math:`p = \mathrm{RN}(ab)` gives
:math:`ab - p` exactly where :math:`e_a + e_b \ge -970` (Boldo and Muller 2011), else rounded once into the subnormal
range (an FMA's value; without FMA hardware sp_product_residual's, the same value): the tape records TwoSum's error
as an exact difference, a residual as one (plus a perturbation where the script allows underflow, :class:`Tape`),
every other operation as one rounding to nearest-even binary64 (``rnd``), in the order the C evaluates it (no contraction: the source pins it). The claims hold for both builds (with and without FMA
hardware): the operations and their values are the same (tests/test_triple_tapes.py runs the tapes against both).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = ["Step", "Tape", "Triple", "exp_polynomial", "exp_reduction", "renorm", "triple_add", "triple_div_d", "triple_mul", "triple_mul_d",
           "triple_neg", "triple_of"]


@dataclass(frozen=True)
class Triple:
    """The names of a triple's three parts on a tape."""

    h: str
    m: str
    l: str  # noqa: E741 - the C struct's field

    @property
    def parts(self) -> tuple[str, str, str]:
        return self.h, self.m, self.l

    def value(self) -> str:
        """The triple's value h + m + l, exact, as a Gappa expression."""
        return f"({self.h} + {self.m} + {self.l})"


@dataclass
class Tape:
    r"""Operations recorded in order: ``(name, kind, operands)`` with kind ``add`` (RN(a + b)), ``mul`` (RN(a b)),
    ``div`` (RN(a/b)), ``neg`` (-a, exact), ``nearest`` (nearbyint), ``sum_error`` (a + b - s, exact: TwoSum's second output),
    ``product_error`` (a b - p: the FMA residual). ``prefix`` keeps the names of two tapes in one script apart.

    ``underflow`` says how the Gappa definitions account for results below the normal range (:attr:`perturbations`
    names each perturbation, :meth:`perturbation_hypotheses` bounds them). ``"none"``: every residual exact.
    ``"residuals"``, for a script that rounds as binary64 does (subnormals included): each residual is ``a b - p + u``
    with :math:`|u| \le 2^{-1075}` (a residual that does not fit is rounded once, into the subnormal range).
    ``"products"``, for a script in a frame that rounds without underflow: each product and each residual is its
    frame value plus u, :math:`|u| \le 2^{-97}`. In place a product rounded into the subnormal range differs from its
    unbounded rounding by less than :math:`2^{-1074}`, and a residual from the exact one by at most :math:`2^{-1075}`;
    a product's frame scales by :math:`2^{-s}` with :math:`2^s > |x_h y_h|/4`, so where :math:`|x_h y_h| \ge
    2^{-975}` the frame's u covers the place's, and each perturbation is below :math:`2^{-1074}` in place."""

    prefix: str = "t"
    ops: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    underflow: str = "none"
    perturbations: dict[str, str] = field(default_factory=dict)  # op name -> its perturbation's name
    conditions: list[str] = field(default_factory=list)  # ratios b/a of Fast2Sums, each to be at most 1 in magnitude

    def _record(self, kind: str, *operands: str) -> str:
        name = f"{self.prefix}{len(self.ops)}"
        self.ops.append((name, kind, operands))
        if (kind == "product_error" and self.underflow in ("residuals", "products")) or (kind == "mul" and self.underflow == "products"):
            self.perturbations[name] = f"u{name}"
        return name

    def perturbation_hypotheses(self) -> tuple[str, ...]:
        """Gappa hypotheses bounding the perturbations (:class:`Tape`)."""
        bound = "1b-97" if self.underflow == "products" else "1b-1075"
        return tuple(f"|{u}| <= {bound}" for u in self.perturbations.values())

    def add(self, a: str, b: str) -> str:
        return self._record("add", a, b)

    def mul(self, a: str, b: str) -> str:
        return self._record("mul", a, b)

    def neg(self, a: str) -> str:
        return self._record("neg", a)

    def div(self, a: str, b: str) -> str:
        return self._record("div", a, b)

    def two_sum(self, a: str, b: str) -> tuple[str, str]:
        """TwoSum: s = RN(a + b) and e = a + b - s, exact."""
        s = self.add(a, b)
        return s, self._record("sum_error", a, b, s)

    def fast_two_sum(self, a: str, b: str) -> tuple[str, str]:
        """Fast2Sum: s = RN(a + b), e = b - (s - a), which is a + b - s exactly where |b| <= |a| (Dekker 1971): recorded
        as TwoSum's exact error, the condition kept in :attr:`conditions` as the ratio b/a, which its script bounds."""
        s = self.add(a, b)
        self.conditions.append(f"{b} / {a}")
        return s, self._record("sum_error", a, b, s)

    def two_product(self, a: str, b: str) -> tuple[str, str]:
        """p = RN(a b) and its residual a b - p (SP_PRODUCT_RESIDUAL(a, b, p)), exact where it fits."""
        p = self.mul(a, b)
        return p, self._record("product_error", a, b, p)

    def nearest_integer(self, a: str) -> str:
        """nearbyint(a) in the default rounding mode: the integer nearest a, ties to even."""
        return self._record("nearest", a)

    def gappa(self) -> tuple[tuple[str, str], ...]:
        """The tape as Gappa definitions ``(name, expression)``: ``rnd`` for each rounded operation, each
        perturbation (:class:`Tape`) apart."""
        text = {"add": "rnd({0} + {1})", "mul": "rnd({0} * {1})", "div": "rnd({0} / {1})", "neg": "-({0})",
                "sum_error": "{0} + {1} - {2}", "product_error": "{0} * {1} - {2}", "nearest": "int<ne>({0})"}
        out = []
        for name, kind, operands in self.ops:
            u = self.perturbations.get(name)
            if u is None:
                out.append((name, text[kind].format(*operands)))
            elif kind == "mul":  # the rounding apart (its error, rnd(a b) - a b, is Gappa's to bound), then the perturbation
                out += [(f"{name}r", text[kind].format(*operands)), (name, f"{name}r + {u}")]
            elif operands[2] in self.perturbations:  # a b - p with p = rnd(a b) + u_p: the rounding's error, less u_p
                out.append((name, f"-({operands[2]}r - {operands[0]} * {operands[1]}) - {self.perturbations[operands[2]]} + {u}"))
            else:
                out.append((name, f"{text[kind].format(*operands)} + {u}"))
        return tuple(out)

    def roundings(self) -> tuple[str, ...]:
        """The rounding errors that no exact partner recovers, ``name - (exact operation)`` each: a TwoSum's or a
        product's rounding is undone by its exact error term wherever both are kept, so what the tape's outputs lose
        against the exact operations is the sum of these, of the perturbations (:meth:`perturbation_terms`) and of the
        terms a triple operation drops. A perturbed product's rounding is its frame value's."""
        paired = {operands[-1] for _, kind, operands in self.ops if kind in ("sum_error", "product_error")}
        symbol = {"add": "+", "mul": "*"}
        return tuple(f"({f'{name}r' if name in self.perturbations else name} - ({operands[0]} {symbol[kind]} {operands[1]}))"
                     for name, kind, operands in self.ops if kind in symbol and name not in paired)

    def perturbation_terms(self) -> tuple[str, ...]:
        """The perturbations of this tape's operations that reach the outputs: each residual's, and each product's that
        no residual takes up (a residual a b - p is computed from the perturbed p, so p's perturbation cancels in p +
        residual)."""
        paired = {operands[-1] for _, kind, operands in self.ops if kind == "product_error"}
        return tuple(self.perturbations[name] for name, _, _ in self.ops if name in self.perturbations and name not in paired)

    def segment(self, start: int, end: int | None = None) -> Tape:
        """The operations start to end (an operation's hints), sharing this tape's names, perturbations and conditions."""
        return Tape(self.prefix, self.ops[start:end], self.underflow, self.perturbations, self.conditions)

    def evaluate(self, inputs: Mapping[str, float]) -> dict[str, float]:
        """Every name's binary64 value for the given inputs (constants included in ``inputs``): Python's float
        operations round to nearest-even binary64, as the C's do; the exact differences are computed in rationals
        and converted once (``float(Fraction)`` rounds correctly, so the value is the C's RN(a b - p) even where
        that is inexact)."""
        values = {"0": 0.0, **inputs}
        for name, kind, operands in self.ops:
            args = [values[o] for o in operands]
            if kind == "add":
                values[name] = args[0] + args[1]
            elif kind == "mul":
                values[name] = args[0] * args[1]
            elif kind == "div":
                values[name] = args[0] / args[1]
            elif kind == "neg":
                values[name] = -args[0]
            elif kind == "nearest":
                values[name] = float(round(args[0]))  # Python's round: to nearest, ties to even
            elif kind == "sum_error":
                values[name] = float(Fraction(args[0]) + Fraction(args[1]) - Fraction(args[2]))
            else:
                values[name] = float(Fraction(args[0]) * Fraction(args[1]) - Fraction(args[2]))
        return values


def renorm(tape: Tape, a: str, b: str, c: str) -> Triple:
    """triple_renorm(a, b, c): five TwoSums, so h + m + l = a + b + c exactly."""
    s, e = tape.two_sum(b, c)
    t, f = tape.two_sum(a, s)
    s, e = tape.two_sum(f, e)
    h, f = tape.two_sum(t, s)
    m, l = tape.two_sum(f, e)  # noqa: E741
    return Triple(h, m, l)


def triple_of(tape: Tape, h: str, m: str, zero: str = "0") -> Triple:
    """triple_of(h, m): triple_renorm(h, m, 0)."""
    return renorm(tape, h, m, zero)


def triple_add(tape: Tape, x: Triple, y: Triple) -> Triple:
    """triple_add(x, y): TwoSums of the heads and of the middles, the lows added, the errors gathered, renormalised."""
    s0, t0 = tape.two_sum(x.h, y.h)
    s1, t1 = tape.two_sum(x.m, y.m)
    s2 = tape.add(x.l, y.l)
    s1, t0 = tape.two_sum(s1, t0)
    s2 = tape.add(s2, tape.add(t0, t1))
    return renorm(tape, s0, s1, s2)


def triple_mul(tape: Tape, x: Triple, y: Triple) -> Triple:
    """triple_mul(x, y): the exact products of h h, h m and m h, the three next terms in double, renormalised."""
    p0, q0 = tape.two_product(x.h, y.h)
    p1, q1 = tape.two_product(x.h, y.m)
    p2, q2 = tape.two_product(x.m, y.h)
    p3 = tape.add(tape.add(tape.mul(x.h, y.l), tape.mul(x.m, y.m)), tape.mul(x.l, y.h))
    s1, t = tape.two_sum(p1, p2)
    s1, t2 = tape.two_sum(s1, q0)
    low = tape.add(tape.add(tape.add(tape.add(t, t2), q1), q2), p3)
    return renorm(tape, p0, s1, low)


def triple_neg(tape: Tape, x: Triple) -> Triple:
    """triple_neg(x): each part negated, exact."""
    return Triple(tape.neg(x.h), tape.neg(x.m), tape.neg(x.l))


@dataclass(frozen=True)
class Step:
    """One step of a Horner evaluation on a tape: ``value`` (its result's exact value, a Gappa expression) and the
    two hints that let Gappa split its error against the exact polynomial's step ``exact``: the step's own roundings
    (``local``: value - (previous * factor + constant), the tape segment's :meth:`Tape.roundings` less the products a
    triple or double-double product drops) and the propagation (``carried``: the previous step's error times the exact
    argument, the previous value times the argument's parts the step does not use, the constant's own error)."""

    value: str
    exact: str
    local: str
    carried: str


def _segment_roundings(tape: Tape, start: int) -> list[str]:
    segment = tape.segment(start)
    return [*segment.roundings(), *segment.perturbation_terms()]


def exp_polynomial(tape: Tape, r: Triple, constant: Callable[[int], Triple]) -> tuple[Triple, list[Step]]:
    r"""triple_exp_domain's Horner evaluation of :math:`\sum_{n \le 14} r^n/n!` (``constant(n)``: the names of
    SP_INVERSE_FACTORIALS[n]'s parts), as the C evaluates it: from n = 13 down to 11 in double on r_h
    (``q = q r_h + c_n``), from 10 down to 5 in double-double on (r_h, r_m) (duo_mul_add, its last two operations
    Fast2Sum: the low part recorded as the exact ``s + f - h``; the script proves :math:`|f| \le |s|`, Dekker's
    condition), then the pair as a triple (triple_of) and from 4 down to 0 in triple-double (triple_mul by r, then
    triple_add of the constant). Returns the result and the steps' hints (exact twins ``M<n>``: the same Horner steps in
    exact arithmetic on :math:`r = r_h + r_m + r_l` with the constants :math:`1/n!`)."""
    import math

    rv = r.value()
    steps: list[Step] = []
    q = constant(14).h
    previous = q
    for n in range(13, 10, -1):
        start = len(tape.ops)
        head = constant(n).h
        q = tape.add(tape.mul(q, r.h), head)
        local = f"{q} - ({previous} * {r.h} + {head}) -> " + " + ".join(_segment_roundings(tape, start)) + ";"
        carried = (f"{q} - M{n} -> ({q} - ({previous} * {r.h} + {head})) + ({previous} - M{n + 1}) * {rv} + {previous} * (-({r.m} + {r.l}))"
                   f" + ({head} - 1/{math.factorial(n)});")
        steps.append(Step(q, f"M{n + 1} * {rv} + 1/{math.factorial(n)}", local, carried))
        previous = q
    high, low = q, "0"
    for n in range(10, 4, -1):
        start = len(tape.ops)
        c = constant(n)
        p, residual = tape.two_product(high, r.h)
        e = tape.add(residual, tape.add(tape.mul(high, r.m), tape.mul(low, r.h)))
        s, f = tape.two_sum(p, c.h)
        f = tape.add(f, tape.add(e, c.m))
        out_h, out_l = tape.fast_two_sum(s, f)
        value = f"({out_h} + {out_l})"
        before = previous if low == "0" else f"({high} + {low})"
        dropped = "" if low == "0" else f" - {low} * {r.m}"
        local = f"{value} - ({before} * ({r.h} + {r.m}) + ({c.h} + {c.m})) -> " + " + ".join(_segment_roundings(tape, start)) + dropped + ";"
        carried = (f"{value} - M{n} -> ({value} - ({before} * ({r.h} + {r.m}) + ({c.h} + {c.m}))) + ({before} - M{n + 1}) * {rv}"
                   f" + {before} * (-{r.l}) + ({c.h} + {c.m} - 1/{math.factorial(n)});")
        steps.append(Step(value, f"M{n + 1} * {rv} + 1/{math.factorial(n)}", local, carried))
        high, low = out_h, out_l
    p3 = triple_of(tape, high, low)
    before = f"({high} + {low})"
    for n in range(4, -1, -1):
        start = len(tape.ops)
        c = constant(n)
        product = triple_mul(tape, p3, r)
        p3_next = triple_add(tape, product, c)
        value = p3_next.value()
        dropped = f" - ({p3.m} * {r.l} + {p3.l} * {r.m} + {p3.l} * {r.l})"
        local = f"{value} - ({before} * {rv} + {c.value()}) -> " + " + ".join(_segment_roundings(tape, start)) + dropped + ";"
        carried = (f"{value} - M{n} -> ({value} - ({before} * {rv} + {c.value()})) + ({before} - M{n + 1}) * {rv}"
                   f" + ({c.value()} - 1/{math.factorial(n)});")
        steps.append(Step(value, f"M{n + 1} * {rv} + 1/{math.factorial(n)}", local, carried))
        p3, before = p3_next, value
    return p3, steps


def triple_mul_d(tape: Tape, x: Triple, d: str) -> Triple:
    """triple_mul_d(x, d): triple_mul(x, {d, 0, 0})."""
    return triple_mul(tape, x, Triple(d, "0", "0"))


def exp_reduction(tape: Tape, y: Triple, inverse: str, ln2_64: Triple) -> tuple[str, Triple]:
    """triple_exp_domain's reduction: i = nearbyint(y_h * inverse) (``inverse`` = 64.0 / SP_LN2_TRIPLE.h, rounded once
    where the C compiler folds it), r = triple_add(y, triple_neg(triple_mul_d(ln2_64, i))), ln2_64 the triple ln 2
    times 2^-6 (exact). Returns i and r."""
    i = tape.nearest_integer(tape.mul(y.h, inverse))
    return i, triple_add(tape, y, triple_neg(tape, triple_mul_d(tape, ln2_64, i)))


def triple_div_d(tape: Tape, x: Triple, d: str) -> Triple:
    """triple_div_d(x, d): three quotient digits q_k = RN(r_h/d), each remainder r - q_k d by triple_mul_d of
    triple_of(q_k, 0) and triple_add; then triple_renorm(q0, q1, q2). (fp.triple.div composes its bound by hand from
    fp.triple.add; the tape is compared with the C all the same.)"""
    digits = []
    remainder = x
    for step in range(3):
        q = tape.div(remainder.h, d)
        digits.append(q)
        if step < 2:
            product = triple_mul_d(tape, triple_of(tape, q, "0"), d)
            remainder = triple_add(tape, remainder, triple_neg(tape, product))
    return renorm(tape, *digits)
