r"""The Gappa scripts: each states one rounding-error property of printed C pieces.

A script declares its inputs as doubles (``x = rnd(x_)``), defines the computed value from the
printed piece (:func:`~softproof.codegen.backends.gappa.printer.print_gappa`, every operation
rounded as C rounds it) and its exact twin (the same expression without rounding, or the
mathematical function it approximates, given by the hypotheses), and asks Gappa for an
enclosure of the error (``... in ?``): the bound is derived by Gappa, and the claim that cites
the script compares it with the bound it states.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import cache, partial

import sympy as sp

from softproof.derive.exp_kernel import RADIUS
from softproof.derive.log1p_kernel import fast_log1p_kernel, log1p_kernel, single_log1p_kernel

from ...kernels import DECAY
from ..c.pieces import (
    FAST_LOG1P_TINY,
    LOG1MEXP_NEAR,
    NUM,
    Q_D,
    RCP_LO,
    SINGLE_LOG1P_TINY,
    SINGLE_SUFFIX,
    SP_QUOTIENT_1P,
    Z_LOG,
    exp_constants,
    exp_reduction_head,
    fast_exp_constants,
    fast_log1p_pieces,
    log1p_pieces,
    merge_pieces,
    pieces,
    quotient_pieces,
    single_log1p_pieces,
)
from ..c.printer import exp_head
from .printer import HALF, portable_build, print_gappa, printing_fused

__all__ = ["GappaScript", "SCRIPTS", "PORTABLE_SCRIPTS", "RELATIVE_SIGMOID_BRANCHES", "SIGMOID_BRANCHES", "same_in_both_builds", "script"]

BINARY64, BINARY32 = "float<ieee_64, ne>", "float<ieee_32, ne>"  # Gappa's round-to-nearest-even formats
EXTENDED80 = "float<x86_80, ne>"  # x86's long double: a 64-bit significand
UNBOUNDED64 = "float<53,-9000,ne>"  # binary64 without underflow: rounding at a scale where nothing underflows
PORTABLE_SUFFIX = "_portable"  # the twin of a script for the build without FMA hardware (scripts(portable=True))


@dataclass(frozen=True)
class GappaScript:
    """One Gappa proof: ``{ hypotheses -> goal in ? }`` after the definitions.

    ``inputs``: names declared as doubles; ``definitions``: ``name = expression`` lines (Gappa syntax,
    rounding explicit); ``hypotheses``: Gappa propositions on the inputs; ``goal``: the error
    expression whose enclosure is asked; ``hints``: bisection or rewriting hints.
    """

    name: str
    title: str
    inputs: tuple[str, ...]
    definitions: tuple[tuple[str, str], ...]
    hypotheses: tuple[str, ...]
    goal: str
    hints: tuple[str, ...] = ()
    extra_goals: tuple[str, ...] = ()  # further expressions whose enclosures the script also asks for
    precision: int = 60  # bits of Gappa's interval arithmetic (-Eprecision); ln2's enclosure needs more
    rounding: str = BINARY64  # the format of rnd: binary64 (subnormals included), binary32, or one without underflow
    fast: bool = False  # a script of the fast tier: binary32 rounding and the binary32 exp constants

    @property
    def filename(self) -> str:
        return f"{self.name}.g"


def _constants(fast: bool = False) -> tuple[tuple[str, str], ...]:
    return tuple((name, float(value).hex()) for name, value in (fast_exp_constants() if fast else exp_constants()))


def _piece(name: str, rounded: bool = True) -> str:
    item = pieces()[name]
    return print_gappa(item.expr, rounded, single=item.single)


def _expect_printed(expected: dict[str, str], script: str) -> None:
    """Check that each piece (by name) is printed as the form ``script``'s hints are written for: a script's hints
    name the printed roundings, so a change of the printed order must fail here, not leave a hint that no
    longer applies."""
    for name, form in expected.items():
        if (text := _piece(name)) != form:
            raise ValueError(f"piece_{name} is printed as {text}; the {script} script's hints expect {form}")


def _decimal(value: sp.Expr) -> str:
    """An exact decimal Gappa constant for a rational with a terminating decimal expansion."""
    q = Fraction(str(sp.Rational(value)))
    text = f"{float(q)!r}"
    if Fraction(text) != q:
        raise ValueError(f"{value} has no short exact decimal; give the script a binary constant")
    return text


# the lines the portable exp polynomial's script adds for its SP_EXP_HEAD (sp_exp_head, prims.c), in order; names no
# other script defines
EXP_HEAD_LINES = ("Ah", "Q1h", "Hh", "Sh", "Th", "Wh", "TWh", "Vh", "Xh", "MVh")


def _exp_head_lines(expr: sp.Expr) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...], str, str]:
    r"""The portable build's sp_exp_head in ``expr`` (one ``exp_head``) as named Gappa lines (:data:`EXP_HEAD_LINES`):
    :math:`A = \mathrm{fl}(r^2)`, :math:`Q_1 = \mathrm{fl}(b r)`, :math:`H = \mathrm{fl}(A/2)`, Fast2Sum :math:`S + T = r + H`
    (T exact, as C computes it), :math:`W = \mathrm{fl}(A Q_1)`, :math:`V = \mathrm{fl}(S + \mathrm{fl}(T + W))`;
    :math:`X = r + H + A Q_1` and its exact twin :math:`M_V = r + r^2/2 + r^2 (b r)`. The hints give Gappa the two
    decompositions it does not find alone (without them, 2^-5.5): :math:`V - X` as the roundings of V, of T + W and of W
    (T's definition makes :math:`S + T = r + H`), and :math:`X - M_V` as H's and :math:`A Q_1`'s errors. Returns the lines,
    the hints, and y and My with the head replaced by V and :math:`M_V`."""
    (node,) = [n for n in sp.preorder_traversal(expr) if isinstance(n, exp_head)]
    a, b, r = (print_gappa(arg, True) for arg in node.args)
    ax, bx, rx = (print_gappa(arg, False) for arg in node.args)
    lines = (("Ah", a), ("Q1h", f"rnd({b} * {r})"), ("Hh", f"rnd(Ah * {HALF})"), ("Sh", f"rnd({r} + Hh)"), ("Th", f"({r} + Hh) - Sh"),
             ("Wh", "rnd(Ah * Q1h)"), ("TWh", "rnd(Th + Wh)"), ("Vh", "rnd(Sh + TWh)"), ("Xh", f"{r} + Hh + Ah * Q1h"),
             ("MVh", f"{rx} + {ax} * {HALF} + {ax} * ({bx} * {rx})"))
    if tuple(name for name, _ in lines) != EXP_HEAD_LINES:
        raise ValueError("EXP_HEAD_LINES lists the lines of _exp_head_lines")
    hints = ("Vh - Xh -> (Vh - (Sh + TWh)) + (TWh - (Th + Wh)) + (Wh - Ah * Q1h);",
             f"Xh - MVh -> (Hh - {ax} * {HALF}) + (Ah * Q1h - {ax} * ({bx} * {rx}));")
    y = print_gappa(expr.xreplace({node: sp.Symbol("Vh")}), True)
    my = print_gappa(expr.xreplace({node: sp.Symbol("MVh")}), False)
    return lines, hints, y, my


def _exp_poly(name: str) -> GappaScript:
    """The rounding error of an exp polynomial piece (``exp_poly``, ``exp_poly_single``: binary64 FMAs; ``fast_exp_poly``:
    binary32 FMAs, the fast tier) against the same polynomial in exact arithmetic, on |r| <= RADIUS. In the portable
    build an ``exp_head`` (``exp_poly``'s last steps) is written out as :func:`_exp_head_lines`."""
    item = pieces()[name]
    fast = item.single
    lines: tuple[tuple[str, str], ...] = ()
    hints: tuple[str, ...] = ()
    if not printing_fused() and item.expr.has(exp_head):
        lines, hints, y, my = _exp_head_lines(item.expr)
    else:
        y, my = _piece(name), _piece(name, rounded=False)
    return GappaScript(
        name=f"fp_{name}",
        title=f"rounding error of piece_{name} ({'binary32 ' if fast else ''}Horner with FMAs) relative to the same polynomial "
              "in exact arithmetic",
        inputs=("r",),
        definitions=(*lines, ("y", y), ("My", my)),
        hypotheses=(f"r in [-{_decimal(RADIUS)}, {_decimal(RADIUS)}]",),
        goal="(y - My) / My",
        hints=(*hints, "$ r in 64;"),
        rounding=BINARY32 if fast else BINARY64,
        fast=fast,
    )


def _exp_poly_tail() -> GappaScript:
    """sp_exp_dd's tail s = P(r) - 1 (``exp_poly_tail``: Horner with FMAs, the last operation an FMA r^2 q + r, rounded
    once) against the same polynomial in exact arithmetic, as a fraction of 1 + (P(r) - 1) = P(r): the part of
    sp_exp_dd's relative error that its evaluation makes (1 + s is then split exactly by Fast2Sum), on |r| <= RADIUS."""
    return GappaScript(
        name="fp_exp_poly_tail",
        title="rounding error of piece_exp_poly_tail (sp_exp_dd's s = P(r) - 1, Horner with FMAs) relative to P(r), the polynomial "
              "in exact arithmetic",
        inputs=("r",),
        definitions=(("s", _piece("exp_poly_tail")), ("Ms", _piece("exp_poly_tail", rounded=False))),
        hypotheses=(f"r in [-{_decimal(RADIUS)}, {_decimal(RADIUS)}]",),
        goal="(s - Ms) / (1 + Ms)",
        extra_goals=("s",),
        hints=("$ r in 64;",),
    )


def _expm1_tail() -> GappaScript:
    r"""sp_log1mexp's near tail ``expm1_tail``, :math:`t_2 = \mathrm{fl}(\mathrm{fl}(r \cdot r)\,\hat q(r))` (q by Horner with FMAs),
    against :math:`r^2 q(r)` in exact arithmetic, relative, for :math:`2^{-500} \le |r| \le` RADIUS, r < 0 (log1mexp's
    arguments). Above :math:`2^{-500}` the square is a normal number and every rounding relative. Below, the
    composition (log1mexp_relative) bounds :math:`|t_2 - r^2 q(r)|` by :math:`|t_2| + |r^2 q| \le 2.4 r^2 \le 2^{-498}|r|`
    (a rounding to nearest at most doubles a magnitude: 0 or within half a spacing of it), which is all it needs."""
    return GappaScript(
        name="fp_expm1_tail",
        title="rounding error of piece_expm1_tail (sp_log1mexp's r^2 q(r): the square, q by Horner with FMAs, the product) "
              "relative to r^2 q(r) in exact arithmetic",
        inputs=("r",),
        definitions=(("t2", _piece("expm1_tail")), ("Mt", _piece("expm1_tail", rounded=False))),
        hypotheses=(f"r in [-{_decimal(RADIUS)}, -1b-500]",),
        goal="(t2 - Mt) / Mt",
        hints=("$ r in 64;",),
    )


def _ln2_bounds() -> tuple[str, str]:
    """A rigorous enclosure of ln 2 as two Gappa constants m b-130 (mpmath at 400 bits, floor and ceiling)."""
    import mpmath

    with mpmath.workprec(400):
        scaled = mpmath.log(2) * mpmath.mpf(2) ** 130
        return f"{int(mpmath.floor(scaled))}b-130", f"{int(mpmath.ceil(scaled))}b-130"


def _exp_reduce(fast: bool = False) -> GappaScript:
    r"""The range reduction of sp_exp_poly: r = (a - k ln2_hi) + (b - k ln2_lo) against a + b - k ln 2.

    k is the integer the template's shifter trick gives (``shifted = a/ln2 + 1.5 2^52``, ``kf =
    shifted - 1.5 2^52``: round-to-nearest-even of rnd(a * INV_LN2), exact for |a/ln2| < 2^51). The
    hints say how the error splits: the rounding of r, that of the small correction b - k ln2_lo, that
    of the head a - k ln2_hi (exact: exp.cody_waite_exact), and k (ln 2 - ln2_hi - ln2_lo); and why
    a - k ln 2 is small: k - y (the integer rounding), y - a INV_LN2 (one rounding), a (INV_LN2 - 1/ln 2).
    The split of a at -2^-2, -2^-3, ..., -2^-60 lets Gappa see the head exact: below -1/4, a and k ln2_hi lie
    on the grid 2^-54 and |a - k ln2_hi| < 1/2; in [-2^-j, -2^-(j+1)] k = 0 and a lies on the grid 2^-(j+53);
    above -2^-60 the head's rounding is below 2^-114.

    ``fast``: the fast tier's reduction in binary32 (sp_exp_fast: the shifter 1.5 2^23, exact for |a/ln2| < 2^22,
    -104 <= a <= 0, |b| <= 2^-18). Below -1/4, a lies on the grid 2^-25 and k ln2_hi (16 bits) on 2^-16, and
    |a - k ln2_hi| < 1/2; in [-2^-j, -2^-(j+1)] k = 0 and the head is a; above -2^-30 its rounding is below 2^-54.
    """
    prefix, piece = ("SP_F", "fast_exp_reduce") if fast else ("SP", "exp_reduce")
    head = print_gappa(exp_reduction_head(prefix), True, single=fast)
    exact_head = print_gappa(exp_reduction_head(prefix), False, single=fast)
    r_text = _piece(piece)
    # the correction b - k ln2_lo: one FMA; in the portable build SP_FMA's product rounds first, and the fast tier's
    # SP_FMAF rounds the exact binary32 product's sum to binary64 first (two roundings either way)
    correction = (f"rnd(-(kf) * {prefix}_LN2_LO + b)" if printing_fused() else f"rnd(rnd64(-(kf) * {prefix}_LN2_LO + b))" if fast
                  else f"rnd(rnd(-(kf) * {prefix}_LN2_LO) + b)")
    _expect_printed({piece: f"rnd({head} + {correction})"}, "reduction")
    low, high = _ln2_bounds()
    clamp, b_bound, splits = ("-104", "1b-18", 31) if fast else ("-1080", "1b-42", 61)
    return GappaScript(
        name=f"fp_{piece}",
        title=(f"range reduction of the fast tier's exp: r = piece_{piece}(b, a, k) in binary32 against a + b - k ln 2, and |r|" if fast
               else f"range reduction of the exp kernel: r = piece_{piece}(b, a, k) against a + b - k ln 2, and |r|"),
        inputs=("clamped", "b"),
        definitions=(("y", f"rnd(clamped * {prefix}_INV_LN2)"), ("kf", "int<ne>(y)"), ("r", r_text),
                     ("Mred", "clamped - kf * ln2"), ("Mr", "Mred + b"), ("split", f"ln2 - {prefix}_LN2_HI - {prefix}_LN2_LO")),
        hypotheses=(f"clamped in [{clamp}, 0]", f"|b| <= {b_bound}", f"ln2 in [{low}, {high}]"),
        goal="r - Mr",
        extra_goals=("r",),
        hints=(
            f"Mred -> -ln2 * ((kf - y) + (y - clamped * {prefix}_INV_LN2) + clamped * ({prefix}_INV_LN2 - 1 / ln2));",
            f"r - Mr -> (r - ({head} + {correction})) + ({correction} - (-(kf) * {prefix}_LN2_LO + b)) + ({head} - ({exact_head})) + kf * split;",
            f"{exact_head} -> Mred + kf * (ln2 - {prefix}_LN2_HI);",
            f"{head} + {correction} -> ({head} - ({exact_head})) + ({correction} - (-(kf) * {prefix}_LN2_LO + b)) + Mred + b + kf * split;",
            "$ clamped in (" + ", ".join(f"-1b-{j}" for j in range(2, splits)) + ");",
        ),
        precision=200,
        rounding=BINARY32 if fast else BINARY64,
        fast=fast,
    )


def _exp_dd_reduce() -> GappaScript:
    r"""sp_exp_dd's range reduction, kept as r + r_lo: the head a - k ln2_hi (printed, one FMA rounding), the
    product -k ln2_lo rounded and its remainder (an FMA, exact), r + r_pre = head + product (TwoSum, exact), and
    r_lo = r_pre + (remainder + b), two roundings; against a + b - k ln 2, for SP_NORMAL_LIMIT = -708 <= a <= 0,
    |b| <= 2^-42. k as in :func:`_exp_reduce` (the same sp_exp_index), and so are the hints: the head's rounding
    (none: the split of a shows it exact), the two roundings of r_lo, and k (ln 2 - ln2_hi - ln2_lo). Also |r|
    (the polynomial's domain) and |r_lo| (e^(r_lo) = 1 + r_lo to r_lo^2)."""
    head = print_gappa(exp_reduction_head("SP"), True)
    exact_head = print_gappa(exp_reduction_head("SP"), False)
    low, high = _ln2_bounds()
    return GappaScript(
        name="fp_exp_dd_reduce",
        title="range reduction of sp_exp_dd: r + r_lo (TwoSum of the head and -k ln2_lo, the FMA remainder, b) against a + b - k ln 2, "
              "|r| and |r_lo|",
        inputs=("clamped", "b"),
        definitions=(("y", "rnd(clamped * SP_INV_LN2)"), ("kf", "int<ne>(y)"), ("head", head), ("product", "rnd(-(kf) * SP_LN2_LO)"),
                     ("product_lo", "-(kf) * SP_LN2_LO - product"), ("r", "rnd(head + product)"), ("r_pre", "head + product - r"),
                     ("correction", "rnd(product_lo + b)"), ("r_lo", "rnd(r_pre + correction)"),
                     ("Mred", "clamped - kf * ln2"), ("Mr", "Mred + b"), ("split", "ln2 - SP_LN2_HI - SP_LN2_LO")),
        hypotheses=("clamped in [-708, 0]", "|b| <= 1b-42", f"ln2 in [{low}, {high}]"),
        goal="r + r_lo - Mr",
        extra_goals=("r", "r_lo"),
        hints=(
            "Mred -> -ln2 * ((kf - y) + (y - clamped * SP_INV_LN2) + clamped * (SP_INV_LN2 - 1 / ln2));",
            f"r + r_lo - Mr -> (head - ({exact_head})) + (r_lo - (r_pre + correction)) + (correction - (product_lo + b)) + kf * split;",
            f"{exact_head} -> Mred + kf * (ln2 - SP_LN2_HI);",
            f"head + product -> (head - ({exact_head})) + Mred + kf * split + kf * SP_LN2_LO + product;",
            "$ clamped in (" + ", ".join(f"-1b-{j}" for j in range(2, 61)) + ");",
        ),
        precision=200,
    )


def _log1p_poly() -> GappaScript:
    return GappaScript(
        name="fp_log1p_R",
        title="rounding error of piece_log1p_R = z rho(z) (Horner with FMAs), absolute, for z = s^2 <= 0.0295",
        inputs=("z",),
        definitions=(("y", _piece("log1p_R")), ("My", _piece("log1p_R", rounded=False))),
        hypotheses=("z in [0, 0.0295]",),
        goal="y - My",
        hints=("$ z in 16;",),
    )


# the exp kernel's relative error (1.4375 u), the hypothesis of the element-wise assembly scripts: the
# bound of fp.exp.float64, composed from exp.polynomial_error, fp.exp.poly.float64 and fp.exp.reduce (the same in the
# portable build, whose polynomial rounds its head r + r^2/2 once too: SP_EXP_HEAD)
EXP_ERROR = "0x1.7p-53"
# the same for float32 results (the degree-8 polynomial, 2^-37 of approximation): fp.exp.float32
EXP_ERROR_SINGLE = "0x1.1p-37"


def _hex_value(text: str) -> Fraction:
    """The exact value of a C99 hexadecimal floating constant such as ``0x1.f4p-53``."""
    return Fraction(float.fromhex(text))


def _binary(value: Fraction) -> str:
    """An exact Gappa constant ``m b e`` for a dyadic rational."""
    denominator = value.denominator
    if denominator & (denominator - 1):
        raise ValueError(f"{value} is not dyadic")
    return f"{value.numerator}b-{denominator.bit_length() - 1}"


def _for_sign(expr: sp.Expr, negative: bool) -> sp.Expr:
    """A printed sigmoid expression with its select on the sign of x resolved (x = -1 or x = 1 stands for the branch)."""
    return sp.piecewise_fold(expr).subs(sp.Symbol("x"), -1 if negative else 1)


def _sigmoid_numerator(negative: bool) -> sp.Expr:
    """The numerator of the printed sigmoid piece, ``sp_quotient_1p(num, decay)``, its select resolved
    for one sign of x: decay for x < 0, 1 for x >= 0."""
    piece = pieces()["sigmoid"].expr
    calls = list(piece.atoms(SP_QUOTIENT_1P))
    if len(calls) != 1 or piece != calls[0] or calls[0].args[1] != DECAY:
        raise ValueError(f"the sigmoid piece is printed as {piece}; the scripts expect sp_quotient_1p(num, decay)")
    return _for_sign(calls[0].args[0], negative)


def _quotient_lines(num: sp.Expr) -> tuple[tuple[str, str], ...]:
    """sp_quotient_1p(num, decay) line by line as the C template runs it, from the printed pieces
    (codegen/backends/c/pieces.py, quotient_pieces): y = num / (1 + decay) rounded once up to O(u^2)."""
    lines = quotient_pieces()
    text = {name: print_gappa(lines[f"quotient_{name}"].xreplace({Q_D: DECAY, NUM: num}))
            for name in ("reciprocal", "complement", "error", "low", "out")}
    num_text = print_gappa(num, rounded=False)
    product = print_gappa(num * RCP_LO)  # num r_lo: rounded, or r_lo itself for num = 1
    # the portable build's SP_FINAL_FMA (printer.py): P = rndx(num r) and num r - P exact (Dekker), Q = rndx(Qx)
    # with Qx = (num r - P) + p, y = rnd(rndx(P + Q))
    final = (f"rnd({num_text} * r + {product})" if printing_fused() else
             f"rnd(rndx(rndx({num_text} * r) + rndx(({num_text} * r - rndx({num_text} * r)) + {product})))")
    expected = {"reciprocal": "rnd(1.0 / (rnd(decay + 1)))", "out": final}
    for name, form in expected.items():
        if text[name] != form:
            raise ValueError(f"piece_quotient_{name} is printed as {text[name]}; the sigmoid scripts' hints expect {form}")
    head = (("den", "rnd(decay + 1)"), ("r", "rnd(1.0 / den)"), ("complement", text["complement"]), ("eps", text["error"]),
            ("r_lo", text["low"]), ("p", product))
    if printing_fused():
        return (*head, ("y", f"rnd({num_text} * r + p)"))
    return (*head, ("P", f"rndx({num_text} * r)"), ("Qx", f"({num_text} * r - P) + p"), ("Q", "rndx(Qx)"), ("Yb", "P + Q"),
            ("y", "rnd(rndx(Yb))"))


def _sigmoid(branch: str, single: bool = False) -> GappaScript:
    r"""sigmoid's assembly from decay = e^-|x| as the exp kernel returns it, in four ranges of x.

    Float64 results: the piece is :math:`\mathrm{num}/(1 + \mathrm{decay})` by sp_quotient_1p:
    :math:`r = \mathrm{fl}(1/\mathrm{fl}(1 + d))`, :math:`E = 1 - r(1 + d)` (Gappa proves :math:`1 - r`
    exact, Sterbenz), and the hints spell out why the result is rounded once up to :math:`O(u^2)`:
    the computed eps is :math:`E` rounded once (:math:`|E| \lesssim 2u`), and with :math:`Y =
    \mathrm{num}\,r + p`, :math:`Y (1 + d)/\mathrm{num} - 1 = (\mathrm{eps} - E) - E\,\mathrm{eps} +
    (r_{lo} - r\,\mathrm{eps})(1 + d) + (p - \mathrm{num}\,r_{lo})(1 + d)/\mathrm{num}`. The last
    rounding error is bounded relatively where :math:`|\mathrm{num}\,r_{lo}| \ge 2^{-1021}` and by
    :math:`|p|/\mathrm{num} + |r_{lo}|` below (Gappa's relative bound of a rounding needs a normal
    value): hence the case split. Float32 results: one division (:func:`_single_division`).

    ``nonnegative`` (0 <= x <= 707) and ``negative`` (-671 <= x < 0) and ``negative_low`` (-707 <= x <
    -671, e^x in [2^-1021, 2^-969], where the product num r_lo may underflow): decay normal, within
    :data:`EXP_ERROR` relative (fp.exp.float64), the error relative to the exact value; decay's
    own error enters as :math:`\epsilon_d/(1 + d)` (negative) or :math:`-\epsilon_d d/(1 + d)`.
    ``saturated`` (x > 707): decay <= 2^-1020, 1 + decay rounds to 1. ``subnormal`` (x < -707):
    decay <= 2^-1020 within 1.4375 u of e^x plus half a subnormal ulp (the exp kernel's second
    scaling rounds once); the error is absolute.
    """
    negative = branch in ("negative", "negative_low", "subnormal")
    error = EXP_ERROR_SINGLE if single else EXP_ERROR
    exact = "Md / (Md + 1)" if negative else "1 / (Md + 1)"
    hypotheses: tuple[str, ...]
    if branch in RELATIVE_SIGMOID_BRANCHES:
        low, high = _NORMAL_RANGES["nonnegative" if single else branch]  # float32 results: one script over the whole range
        hypotheses = (f"Md in [{low}, {high}]", f"(decay - Md) / Md in [-{error}, {error}]")
        goal = "(y - My) / My"
    else:  # decay within 1.4375 u of e^-|x| <= 2^-1021, plus half a subnormal ulp from the exp kernel's last scaling
        hypotheses = ("Md in [0, 1b-1021]", f"|decay - Md| <= {_binary(_hex_value(error) * Fraction(1, 2**1021) + Fraction(1, 2**1075))}")
        goal = "y - My"
    definitions, hints = _single_division(negative) if single else _corrected_division(branch)
    if any(name == "Qx" for name, _ in definitions):
        # the portable build's Q = rndx(Qx) is Qx (1 + epsilon), |epsilon| <= u, for every Qx, 0 included: the standard
        # model of a rounding without underflow (Higham 2002, Theorem 2.2), which Gappa derives only for Qx away from 0
        hypotheses += ("Q -/ Qx in [-1b-53, 1b-53]",)
    title = {
        "nonnegative": "sigmoid for x >= 0 with e^-x >= 2^-1021: 1/(1 + decay), relative error",
        "negative": "sigmoid for x < 0 with e^x >= 2^-969: decay/(1 + decay), relative error",
        "negative_low": "sigmoid for x < 0 with 2^-1021 <= e^x <= 2^-969: decay/(1 + decay), relative error",
        "saturated": "sigmoid for x > 0 with e^-x <= 2^-1021: 1/(1 + decay), absolute error",
        "subnormal": "sigmoid for x < 0 with e^x <= 2^-1021 (results at most 2^-1021, spaced 2^-1074): decay/(1 + decay), absolute error",
    }[branch]
    return GappaScript(
        name=f"fp_sigmoid_{branch}" + ("_single" if single else ""),
        title=f"{title}; decay = e^-|x| from the exp kernel (|error| <= {error} relative, fp.exp.{'float32' if single else 'float64'})",
        inputs=("decay",),
        definitions=(*definitions, ("My", exact)),
        hypotheses=hypotheses,
        goal=goal,
        hints=hints,
    )


def _corrected_division(branch: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """Float64 results' piece sp_quotient_1p(num, decay): its definitions and the hints of ``branch``
    (the argument in :func:`_sigmoid`'s docstring)."""
    negative = branch in ("negative", "negative_low", "subnormal")
    num = _sigmoid_numerator(negative)
    n = print_gappa(num, rounded=False)
    fused = printing_fused()
    definitions = (*_quotient_lines(num), ("D", "decay + 1"), ("T", f"{n} / D"), ("E", "1 - r * D"))
    quotient = (
        "E -> -((r - 1 / den) / (1 / den)) - r * (D - den);",
        "-(r) * decay + complement -> E + (complement - (1 - r));",
        "eps - E -> (eps - (-(r) * decay + complement)) + (complement - (1 - r));",
    )
    if branch in RELATIVE_SIGMOID_BRANCHES:
        decay_error = "(decay - Md) / Md / (1 + decay)" if negative else "-((decay - Md) / Md) * (Md / (1 + decay))"
        # num = 1: p is r_lo itself. num = decay: p's rounding, relative where |num r_lo| >= 2^-1021 (split
        # there), and below 2^-969 (negative_low: r_lo = -decay, p rounds to 0) as p/num - r_lo. One hint per
        # expression and range: Gappa picks among hints of one expression in no fixed order (1 run in 40
        # gave 3.45 u with both in one script)
        product_hints: tuple[str, ...] = ()
        if branch == "negative":
            product_hints = (f"(p - {n} * r_lo) / {n} -> (p - {n} * r_lo) / ({n} * r_lo) * r_lo;",
                             f"$ {n} * r_lo in (-1b-1021, 1b-1021);")
        elif branch == "negative_low":
            product_hints = (f"(p - {n} * r_lo) / {n} -> p / {n} - r_lo;",)
        product_error = "" if num == 1 else f" + (p - {n} * r_lo) / {n} * D"
        # the value before the last rounding: num r + p (fused), or Yb = P + Q = num r + p + (Q - Qx) (portable)
        last = (f"(y - ({n} * r + p)) / ({n} * r + p) * (1 + (({n} * r + p) - T) / T) + (({n} * r + p) - T) / T;" if fused else
                "(y - Yb) / Yb * (1 + (Yb - T) / T) + (Yb - T) / T;")
        portable_hints = () if fused else (
            f"(Yb - T) / T -> (({n} * r + p) - T) / T + (Q - Qx) / T;",
            "(Q - Qx) / T -> ((Q - Qx) / Qx) * (Qx / T);",
            # Gappa knows a rounding's relative error as (rounded - exact) / exact: P's with that sign
            f"Qx / T -> -((P - {n} * r) / ({n} * r)) * (r * D) + " + ("p * D;" if num == 1 else f"((p - {n} * r_lo) / {n} + r_lo) * D;"),
        )
        hints = (
            "(y - My) / My -> (y - T) / T + (T - My) / My + (y - T) / T * ((T - My) / My);",
            f"(T - My) / My -> {decay_error};",
            *quotient,
            f"(y - T) / T -> {last}",
            *portable_hints,
            f"(({n} * r + p) - T) / T -> (eps - E) - E * eps + (r_lo - eps * r) * D{product_error};",
            *product_hints,
        )
    else:
        # 1 + decay rounds to den = 1 and r = 1: y is num r + p to one (subnormal) rounding, p is num r_lo rounded to 0
        last = f"(y - ({n} * r + p))" if fused else "(y - Yb) + (Q - Qx)"
        hints = (f"y - My -> {last} + ({n} * (r - 1 / D) + p) + (T - My);",
                 f"T - My -> {'(decay - Md) / ((1 + decay) * (1 + Md))' if negative else '(Md - decay) / ((1 + decay) * (1 + Md))'};")
    return definitions, hints


def _single_division(negative: bool) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    r"""Float32 results' piece ``num/(1 + decay)`` (one division): its definition and, for the negative
    branch, how the errors correlate: with den = rnd(1 + decay) and q = decay/den,
    :math:`q/M_y - 1 = \epsilon/\mathrm{den} - \delta/(1 + \delta)`, :math:`\epsilon` decay's relative error
    and :math:`\delta` den's."""
    text = print_gappa(_for_sign(pieces()["sigmoid" + SINGLE_SUFFIX].expr, negative))
    den = "rnd(decay + 1)"
    if not negative:
        return (("y", text),), ()
    if text != f"rnd(decay / ({den}))":
        raise ValueError(f"the negative float32 sigmoid branch is printed as {text}; the script's hints expect rnd(decay / ({den}))")
    q = f"decay / {den}"
    return (("y", text),), (
        f"(y - My) / My -> (y - {q}) / ({q}) + ({q} - My) / My + (y - {q}) / ({q}) * (({q} - My) / My);",
        f"({q} - My) / My -> (decay - Md) / Md / {den} - ({den} - (decay + 1)) / (decay + 1) / (1 + ({den} - (decay + 1)) / (decay + 1));",
    )


def _state_merge() -> GappaScript:
    r"""One merge of two finite log-sum-exp states (state.c, merge_finite), in binary64 without underflow
    (``float<53,-9000>``), scaled so that :math:`S_a + F S_b \in [1, 4]`: the merged
    :math:`c_a + h + t_{lo}` against :math:`S_a + F S_b` with :math:`S = c + t_{hi} + t_{lo}` and
    :math:`F = (f_{hi} + f_{mid})/(1 + \rho)`, :math:`|\rho| \le 2^{-103}` (the triple-double factor's first two parts:
    fp.state.merge_factor).

    Why the scaling and the format are enough: multiplying every input by a power of two multiplies every
    rounded value by it as long as nothing underflows or overflows; so the bound proved at scale [1, 4] holds
    at every scale for the computation without underflow. Underflow in the real computation changes each
    of its roundings by at most 2^-1074 absolute, against :math:`S_a \ge c_a \ge 1`: below 2^-1066 relative in
    all. TwoSum's outputs are exact (Knuth, TAOCP 4.2.2 Theorem B): its error terms are written as the
    exact differences. The hints say how the error splits: the factor's error, the roundings of
    :math:`s_{lo}`, of :math:`v_{lo}`'s parts and of :math:`t_{lo}`'s two sums.
    """
    lines = merge_pieces()

    def text(name: str) -> str:
        return print_gappa(lines[f"merge_{name}"])

    definitions = (
        ("s_hi", "rnd(b_ties + b_hi)"), ("s_err", "b_ties + b_hi - s_hi"), ("s_lo", text("sum_lo")),
        ("v_hi", text("product")), ("product_error", text("product_error")), ("cross", text("cross")),
        ("v_lo", text("product_lo")), ("hi", "rnd(a_hi + v_hi)"), ("sum_error", "a_hi + v_hi - hi"),
        ("tail", text("tail")), ("t_lo", text("low")),
        ("Sa", "a_ties + a_hi + a_lo"), ("Sb", "b_ties + b_hi + b_lo"), ("F", "(f_hi + f_mid) / (1 + rho)"),
        ("Exact", "Sa + F * Sb"), ("Got", "a_ties + hi + t_lo"),
    )
    hypotheses = ("a_ties in [0, 2]", "a_hi in [0, 2]", "b_ties in [0, 2]", "b_hi in [0, 2]", "f_hi in [0, 1]",
                  "|a_lo| <= 1b-49", "|b_lo| <= 1b-49", "|f_mid| <= 1b-52", "|rho| <= 1b-103",
                  "f_hi * (b_ties + b_hi) in [0, 2]", "Exact in [1, 4]")
    exact_error = "f_hi * s_hi + -(v_hi)"  # the FMA's argument as printed: v_hi's rounding error, negated
    hints = (
        f"Got - Exact -> F * rho * Sb + F * (1 + rho) * (s_lo - (b_lo + s_err)) - f_mid * s_lo"
        f" + (v_lo - (({exact_error}) + f_hi * s_lo + f_mid * s_hi)) + (t_lo - (a_lo + sum_error + v_lo));",
        "sum_error -> -(hi - (a_hi + v_hi));",
        "s_err -> -(s_hi - (b_ties + b_hi));",
        f"{exact_error} -> -(v_hi - f_hi * s_hi);",
        "t_lo - (a_lo + sum_error + v_lo) -> (t_lo - (a_lo + tail)) + (tail - (sum_error + v_lo));",
        f"v_lo - (({exact_error}) + f_hi * s_lo + f_mid * s_hi) -> (v_lo - (cross + product_error))"
        f" + (product_error - ({exact_error})) + (cross - (rnd(f_hi * s_lo) + rnd(f_mid * s_hi)))"
        " + (rnd(f_hi * s_lo) - f_hi * s_lo) + (rnd(f_mid * s_hi) - f_mid * s_hi);",
    )
    _expect_printed({"merge_product_error": f"rnd({exact_error})", "merge_sum_lo": "rnd(b_lo + s_err)",
                     "merge_cross": "rnd(rnd(f_hi * s_lo) + rnd(f_mid * s_hi))", "merge_product_lo": "rnd(cross + product_error)",
                     "merge_tail": "rnd(sum_error + v_lo)", "merge_low": "rnd(a_lo + tail)"}, "merge")
    return GappaScript(
        name="fp_state_merge",
        title="one merge of two finite log-sum-exp states (state.c), relative to S_a + F S_b, at scale [1, 4], no underflow",
        inputs=("a_ties", "a_hi", "a_lo", "b_ties", "b_hi", "b_lo", "f_hi", "f_mid"),
        definitions=definitions,
        hypotheses=hypotheses,
        goal="Got - Exact",
        hints=hints,
        precision=120,
        rounding="float<53,-9000,ne>",
    )


def _dyadic_text(expr: sp.Expr, names: dict[sp.Symbol, str]) -> str:
    """A polynomial with dyadic rational coefficients in Gappa syntax (exact constants ``m b-e``), as SymPy nests it."""
    if expr.is_Rational:
        value = Fraction(int(expr.p), int(expr.q))
        return f"({value.numerator})" if value.denominator == 1 else f"({_binary(value)})"
    if expr.is_Symbol:
        return names[expr]
    if expr.is_Add:
        return "(" + " + ".join(_dyadic_text(arg, names) for arg in expr.args) + ")"
    if expr.is_Mul:
        return "(" + " * ".join(_dyadic_text(arg, names) for arg in expr.args) + ")"
    if expr.is_Pow and expr.exp.is_Integer and expr.exp > 0:
        return "(" + " * ".join([_dyadic_text(expr.base, names)] * int(expr.exp)) + ")"
    raise ValueError(f"{expr} is not a polynomial with dyadic coefficients")


def _divided_difference(poly: sp.Expr, var: sp.Symbol, left: str, right: str) -> str:
    r"""The divided difference :math:`(p(a) - p(b))/(a - b)` of a polynomial, in Horner form in a and b,
    printed with ``a`` = ``left``, ``b`` = ``right``: Gappa bounds :math:`p(a) - p(b)` as
    :math:`(a - b)` times it, without the cancellation of two interval evaluations."""
    a, b = sp.symbols("a b")
    quotient = sp.cancel((poly.subs(var, a) - poly.subs(var, b)) / (a - b))
    return _dyadic_text(sp.horner(sp.Poly(quotient, a, b).as_expr(), a, b), {a: left, b: right})


def _log1p_main(scaled: bool) -> GappaScript:
    r"""sp_log1p_dd's main path (:math:`u \ge 2^{-30}`) line by line as the C template runs it (the
    printed pieces), against :math:`\log(1 + u + u_{lo}) = k\ln 2 + \log(1 + f) + \log(1 + y)`
    (claim log1p.reduction), :math:`y = (c_0 + u_{lo})/w`, :math:`1 + u = w + c_0` (TwoSum, exact).

    ``scaled``: :math:`1 \le k \le 1024` (the result is at least :math:`\ln 2 + \log(\sqrt2/2) = 0.3466`);
    else :math:`k = 0` and :math:`f \ge 2^{-31}` (:math:`w = \mathrm{fl}(1 + u) \ge 1 + 2^{-30}`).
    Exact values: :math:`M_s = f/(2 + f)` (a free variable equal to it, which keeps Gappa's check of the
    hints polynomial), :math:`M_{lf} = \log(1 + f)` within :math:`2^{-57}` of
    :math:`P = 2M_s + M_s H(M_s^2)` (log1p.polynomial_error with log1p.atanh_form; H(z) = z rho(z) is
    piece_log1p_R in exact arithmetic), :math:`M_{ly} = \log(1 + y)` within :math:`2^{-100}` of y
    (:math:`|\log(1 + y) - y| \le y^2/(2(1 - |y|))`, :math:`|y| \le 2^{-50}`: :math:`|c_0| \le`
    ulp(w)/2, :math:`|u_{lo}| \le` ulp(u)/2 :math:`\le` ulp(w)/2, ulp(w)/w :math:`\le 2^{-52}`), and
    R within :math:`2^{-58}` of H(z) (fp.log1p.R). The first hint splits the error exactly: the
    roundings of small, tail, low, the Cody-Waite split, s + s_low against :math:`M_s`
    (:math:`\delta`), R's rounding and z's, and the polynomial through its divided differences
    DH, DG (the derivative of :math:`2s + G(s)` at s is :math:`2 + 2z + O(z^2)`, which the tail's
    :math:`2 s_{low}(1 + z)` takes); the others say why each part is relative to the result. In the portable build
    (:func:`portable_build`) low's and tail's products round apart; the hints name low and tail, not their insides,
    so they hold in both builds.
    """
    lines = log1p_pieces()

    def text(name: str) -> str:
        return print_gappa(lines[f"log1p_{name}"])

    fused = printing_fused()  # the portable build rounds the products of low's and tail's SP_FMAs
    expected = {"residual": "rnd(-(s) * d + f)", "s_low": "rnd((rnd(rnd(-(d_lo) * s) + residual)) / d)",
                "low": "rnd(kf * SP_LN2_LO + rnd(correction / w))" if fused else "rnd(rnd(kf * SP_LN2_LO) + rnd(correction / w))",
                "tail": "rnd(s * R + rnd(rnd(2.0 * s_low) * z + rnd(2.0 * s_low + low)))" if fused else
                        "rnd(rnd(s * R) + rnd(rnd(rnd(2.0 * s_low) * z) + rnd(rnd(2.0 * s_low) + low)))",
                "scaled": "rnd(SP_LN2_HI * kf)", "twice": "rnd(2.0 * s)", "small": "rnd(head_error + tail)"}
    _expect_printed({f"log1p_{name}": form for name, form in expected.items()}, "log1p")
    x = sp.Symbol("x")
    rho = sum(sp.Rational(Fraction(c)) * x**i for i, c in enumerate(log1p_kernel().rho))
    exact_r = print_gappa(lines["log1p_R"], rounded=False)
    mz_r = print_gappa(lines["log1p_R"].xreplace({Z_LOG: sp.Symbol("Mz")}), rounded=False)
    definitions = (
        ("kf", "int<ne>(kf_)" if scaled else "0"), ("d", "rnd(2 + f)"), ("d_lo", "2 + f - d"), ("s", text("s")),
        ("residual", text("residual")), ("s_low", text("s_low")), ("z", text("z")), ("R", text("R")), ("correction", "rnd(c0 + u_lo)"),
        ("low", text("low")), ("tail", text("tail")), ("scaled", text("scaled")), ("twice", text("twice")), ("head", "rnd(scaled + twice)"),
        ("head_error", "scaled + twice - head"), ("small", text("small")), ("Got", "head + small"),
        ("s2", "s * s"), ("Rz", exact_r), ("Mz", "Ms * Ms"), ("MR", mz_r), ("Poly", "2 * Ms + Ms * MR"), ("My", "(c0 + u_lo) / w"),
        ("Exact", "kf * ln2 + Mlf + Mly"), ("yc", "rnd(correction / w)"), ("delta", "Ms - s - s_low"),
        ("DH", _divided_difference(x * rho, x, "z", "s2")), ("DG", _divided_difference(x**3 * rho.subs(x, x**2), x, "s", "Ms")),
    )
    low, high = _ln2_bounds()
    hypotheses = ("f in [-0.29290, 0.41422]" if scaled else "f in [1b-31, 0.41422]", "Ms - f / (2 + f) in [0, 0]", "w in [1, 1b1024]",
                  "My in [-1b-50, 1b-50]", "(Poly - Mlf) / Mlf in [-1b-57, 1b-57]", "Mly - My in [-1b-100, 1b-100]", "R - Rz in [-1b-58, 1b-58]",
                  f"ln2 in [{low}, {high}]", *(("kf_ in [1, 1024]",) if scaled else ()))
    tail_exact = "(s * R + (2 * s_low * z + (2 * s_low + low)))"
    s_low_sum = "rnd(rnd(-(d_lo) * s) + residual)"
    terms = ("(small - (head_error + tail))", f"(tail - {tail_exact})", "(low - (kf * SP_LN2_LO + yc))", "(scaled - SP_LN2_HI * kf)",
             "(twice - 2 * s)", "kf * (SP_LN2_HI + SP_LN2_LO - ln2)", "(-2 * delta)", "s * (R - Rz)", "s * (z - s2) * DH",
             "s_low * (2 * z - DG)", "-(delta * DG)", "(Poly - Mlf)", "(yc - Mly)")
    hints: tuple[str, ...] = (
        "Got - Exact -> " + " + ".join(terms) + ";",
        "(Got - Exact) / Exact -> " + " + ".join(f"{term} / Exact" for term in terms) + ";",
        "(Poly - Mlf) / Exact -> ((Poly - Mlf) / Mlf) * (Mlf / Exact);",
        "Mlf -> Poly / (1 + (Poly - Mlf) / Mlf);",
        "2 + f - d -> -(d - (2 + f));",
        "-(s) * d + f -> -((s - f / d) * d);",
        f"delta -> (Ms - f / (2 + f)) - ((-(s) * d + f) - s * d_lo) * d_lo / ((2 + f) * d) + ((-(s) * d + f) - residual) / d"
        f" + ((residual - s * d_lo) - {s_low_sum}) / d + ({s_low_sum} / d - s_low);",
        f"(residual - s * d_lo) - {s_low_sum} -> (-(d_lo) * s - rnd(-(d_lo) * s)) + ((rnd(-(d_lo) * s) + residual) - {s_low_sum});",
    )
    if scaled:
        hints += ("$ f in 16;",)
    else:  # k = 0: the result is near 2s; binades of f, finer where the tail is largest
        points = [f"1b-{j}" for j in range(30, 8, -1)] + [f"{m}b-{j + 2}" for j in range(8, 2, -1) for m in (4, 5, 6, 7)]
        hints += ("Mlf / Exact -> 1 / (1 + Mly / Mlf);", "$ f in (" + ", ".join(points + [f"{m}b-5" for m in range(8, 14)]) + ");")
    return GappaScript(
        name=f"fp_log1p_{'scaled' if scaled else 'near'}",
        title=("log1p's main path for u >= 2^-30 with 1 <= k <= 1024" if scaled else "log1p's main path for u >= 2^-30 with k = 0")
        + ": out + lo against log(1 + u + u_lo), relative",
        inputs=("f", "c0", "u_lo", "w"),
        definitions=definitions,
        hypotheses=hypotheses,
        goal="(Got - Exact) / Exact",
        hints=hints,
        precision=80,
    )


def _log1p_series(tiny: bool) -> GappaScript:
    r"""sp_log1p_dd for :math:`u < 2^{-30}`: out + lo = u + series_low exactly (Fast2Sum), against
    :math:`M_l = \log(1 + v)`, :math:`v = u + u_{lo}`, :math:`|u_{lo}| \le 2^{-53} u` (ulp(u)/2).
    The series alternates for :math:`v \ge 0`, so :math:`S_3 - v^4/4 \le M_l \le S_3`,
    :math:`S_3 = v - v^2/2 + v^3/3`: :math:`(M_l - S_3)/v \in [-2^{-92}, 0]` for :math:`v \le 2^{-30}(1 + 2^{-53})`.
    The hint splits the error: series_low's rounding, u^2's, series_poly's, 1/3's, the cross terms of
    u_lo left out, and the series' tail; the others make each relative to v.

    ``tiny``: :math:`u \le 2^{-968}`, where no double-double is relative to u to :math:`2^{-56}` (its
    low part is below the subnormal spacing): the error is absolute, and it is below one subnormal ulp.

    In the portable build both FMAs round their products first: X is then the rounded product plus u_lo, and the
    product's rounding is one more term of the first hint (relative to v through rnd(u^2)/u as the others).
    The cross terms of u_lo: Got is :math:`S_3(u) + u_{lo}` but for the roundings, and :math:`S_3(v) - S_3(u) = u_{lo} -
    u_{lo}(2u + u_{lo})/2 + u_{lo}(v^2 + vu + u^2)/3`, so the hint's term :math:`S_3(u) + u_{lo} - S_3(v)` is
    :math:`u_{lo}(2u + u_{lo})/2 - u_{lo}(v^2 + vu + u^2)/3` (written with the other sign until Gappa's warning was
    read: its sides differed, and Gappa rewrites with such a hint anyway;
    :func:`~softproof.codegen.backends.gappa.prover.unequal_hints`).
    """
    lines = log1p_pieces()
    poly, low = (print_gappa(lines[f"log1p_series_{name}"]) for name in ("poly", "low"))
    third = lines["log1p_series_poly"].args[1]
    third_text = print_gappa(third, rounded=False)
    fused = printing_fused()  # the portable build rounds both FMAs' products: X is then the rounded product plus u_lo
    product = "rnd(u * u) * series_poly" if fused else "rnd(rnd(u * u) * series_poly)"
    if (poly, low) != ((f"rnd(u * {third_text} + -(0x1.0000000000000p-1))", f"rnd({product} + u_lo)") if fused else
                       (f"rnd(rnd(u * {third_text}) + -(0x1.0000000000000p-1))", f"rnd({product} + u_lo)")):
        raise ValueError(f"the series pieces are printed as {poly}, {low}; the series scripts' hints expect fma(u, 1/3, -1/2), fma(u u, poly, u_lo)")
    definitions = (("series_poly", poly), ("series_low", low), ("Got", "u + series_low"), ("v", "u + u_lo"),
                   ("S3", "v - v * v / 2 + v * v * v / 3"), ("X", f"{product} + u_lo"))
    rounded_product = () if fused else (f"({product} - rnd(u * u) * series_poly)",)
    terms = ("(series_low - X)", *rounded_product, "(rnd(u * u) - u * u) * series_poly", f"u * u * (series_poly - (u * {third_text} - 0.5))",
             f"u * u * u * ({third_text} - 1 / 3)", "(u_lo * (2 * u + u_lo) / 2 - u_lo * (v * v + v * u + u * u) / 3)", "(S3 - Ml)")
    hints: tuple[str, ...] = ("Got - Ml -> " + " + ".join(terms) + ";",)
    if tiny:
        hypotheses: tuple[str, ...] = ("u in [0, 1b-968]", "|u_lo| <= 1b-1075", "Ml - S3 in [-1b-3000, 0]")
    else:
        hypotheses = ("u in [1b-968, 1b-30]", "u_lo / u in [-1b-53, 1b-53]", "(Ml - S3) / v in [-1b-92, 0]")
        hints += (
            "(Got - Ml) / Ml -> (" + " + ".join(f"{term} / v" for term in terms) + ") * (v / Ml);",
            "v / Ml -> 1 / (1 + (Ml - S3) / v + (S3 - v) / v);",
            "(S3 - Ml) / v -> -((Ml - S3) / v);",
            "(S3 - v) / v -> -(v / 2) + v * v / 3;",
            "(series_low - X) / v -> ((series_low - X) / X) * (X / v);",
            f"X / v -> {product} / u * (u / v) + u_lo / u * (u / v);",
            *(() if fused else (f"{product} / u -> ({product} - rnd(u * u) * series_poly) / (rnd(u * u) * series_poly) * "
                                "(rnd(u * u) / u * series_poly) + rnd(u * u) / u * series_poly;",
                                f"({product} - rnd(u * u) * series_poly) / v -> (({product} - rnd(u * u) * series_poly) / "
                                "(rnd(u * u) * series_poly)) * (rnd(u * u) / u) * series_poly * (u / v);")),
            "u / v -> 1 / (1 + u_lo / u);",
            "rnd(u * u) / u -> (rnd(u * u) - u * u) / (u * u) * u + u;",
            "(rnd(u * u) - u * u) * series_poly / v -> ((rnd(u * u) - u * u) / (u * u)) * u * series_poly * (u / v);",
            f"u * u * (series_poly - (u * {third_text} - 0.5)) / v -> ((series_poly - (u * {third_text} - 0.5)) / (u * {third_text} - 0.5))"
            f" * (u * {third_text} - 0.5) * u * (u / v);",
            f"u * u * u * ({third_text} - 1 / 3) / v -> u * u * ({third_text} - 1 / 3) * (u / v);",
            "(u_lo * (2 * u + u_lo) / 2 - u_lo * (v * v + v * u + u * u) / 3) / v -> (u_lo / u) * ((2 * u + u_lo) / 2"
            " - (v * v + v * u + u * u) / 3) * (u / v);",
            "$ u in (" + ", ".join(f"1b-{j}" for j in range(960, 30, -10)) + ");",
        )
    return GappaScript(
        name=f"fp_log1p_{'tiny' if tiny else 'series'}",
        title=f"log1p's series for {'u <= 2^-968: out + lo against log(1 + u + u_lo), absolute' if tiny else '2^-968 <= u < 2^-30: out + lo against log(1 + u + u_lo), relative'}",
        inputs=("u", "u_lo"),
        definitions=definitions,
        hypotheses=hypotheses,
        goal="Got - Ml" if tiny else "(Got - Ml) / Ml",
        hints=hints,
        precision=80,
    )


def _softmax_assembly() -> GappaScript:
    r"""softmax's assembly p = e/(c + t + t_lo) (row_state.c reciprocal_of_sum, then piece_softmax), in binary64
    without underflow (``float<53,-9000>``), scaled so that :math:`c + t \in [1, 2]` and :math:`e \in [1/2, 1]`:
    the value v before the last rounding (the FMA's) against :math:`e/(c + t + t_{lo})`, and the reciprocal
    pair inv_hi + inv_lo against :math:`1/(c + t + t_{lo})`.

    Why the scaling and the format are enough: every operation is a product, a quotient or a sum of
    values scaled alike, so multiplying c, t, t_lo (or e) by a power of two multiplies each rounded value
    by it as long as nothing underflows or overflows (:math:`1 \le c + t \le 2^{32}`: none does in the
    reciprocal); the one product that may underflow, :math:`e\,\mathrm{inv}_{lo}`, adds at most
    :math:`2^{-1075}` absolute, which the claims count apart. TwoSum's outputs are exact (Knuth, TAOCP
    4.2.2 Theorem B): s_err is written as the exact difference. The hints say how the error splits:
    :math:`\mathrm{inv}_{hi} + I_{lo} - 1/S = (D_{lo}/s_{hi})(E - \mathrm{inv}_{hi} D_{lo})/S` for the exact
    correction :math:`I_{lo} = (E - \mathrm{inv}_{hi} D_{lo})/s_{hi}`, :math:`E = 1 - s_{hi}\mathrm{inv}_{hi}`,
    :math:`D_{lo} = s_{err} + t_{lo}`, both :math:`O(u)`; then the roundings of inv_lo's three lines
    and of :math:`e\,\mathrm{inv}_{lo}`. In the portable build (:func:`portable_build`) the last operation is
    ``sp_final_fma``: :math:`P = \mathrm{fl}(e\,\mathrm{inv}_{hi})`, :math:`Q = \mathrm{fl}(Q_x)` with
    :math:`Q_x = (e\,\mathrm{inv}_{hi} - P) + \mathrm{fl}(e\,\mathrm{inv}_{lo})` (Dekker's error term exact), and
    v = P + Q: one more term, :math:`Q - Q_x`, at most :math:`u|Q_x| \le u(u + |\mathrm{inv}_{lo}|) e` (absolute).
    """
    product, remainder = "rnd(-(inv_hi) * s_lo)", "rnd(-(s_hi) * inv_hi + 1)"
    s_lo, inv_hi = "rnd(s_err + t_lo)", "rnd(1.0 / s_hi)"
    _expect_printed({"reciprocal_sum_lo": s_lo, "reciprocal_hi": inv_hi,
                     "reciprocal_lo": f"rnd((rnd({product} + {remainder})) / s_hi)"}, "softmax")
    out = _piece("softmax")
    fused = printing_fused()
    # the portable build's SP_FINAL_FMA (printer.py): Dekker's product P + (e inv_hi - P), then P + rndx(that + e inv_lo)
    final = ("rnd(e * inv_hi + rnd(e * inv_lo))" if fused else
             "rnd(rndx(rndx(e * inv_hi) + rndx((e * inv_hi - rndx(e * inv_hi)) + rnd(e * inv_lo))))")
    if out != final:
        raise ValueError(f"piece_softmax is printed as {out}; the script's hints expect {final}")
    before_last = out[len("rnd("):-1] if fused else out[len("rnd(rndx("):-2]
    definitions: tuple[tuple[str, str], ...] = (
        ("s_hi", "rnd(c + t)"), ("s_err", "c + t - s_hi"), ("s_lo", s_lo), ("inv_hi", inv_hi),
        ("A", product), ("B", remainder), ("X", "rnd(A + B)"), ("inv_lo", "rnd((X) / s_hi)"),
        ("v", before_last),
        ("S", "c + t + t_lo"), ("Minv", "1 / S"), ("Mp", "e * Minv"),
        ("Dl", "s_err + t_lo"), ("E", "1 - s_hi * inv_hi"), ("Ilo", "(E - inv_hi * Dl) / s_hi"),
    )
    hints = (
        "(inv_hi + inv_lo - Minv) / Minv -> Dl / s_hi * (E - inv_hi * Dl) + (inv_lo - Ilo) * S;",
        "inv_hi * Dl -> (1 - E) * (Dl / s_hi);",
        "(inv_lo - Ilo) * S -> ((inv_lo - X / s_hi) + (X - (E - inv_hi * Dl)) / s_hi) * S;",
        "X - (E - inv_hi * Dl) -> (X - (A + B)) + (A - (-(inv_hi) * s_lo)) + (B - E) - inv_hi * (s_lo - Dl);",
        "B - E -> B - (-(s_hi) * inv_hi + 1);",
        "E -> -((inv_hi - 1.0 / s_hi) / (1.0 / s_hi));",
        "(v - Mp) / Mp -> (inv_hi + inv_lo - Minv) / Minv + (rnd(e * inv_lo) - e * inv_lo) / Mp;" if fused else
        # the portable build: v = P + Q with P + (e inv_hi - P) = e inv_hi exactly, Q that plus e inv_lo rounded once
        "(v - Mp) / Mp -> (inv_hi + inv_lo - Minv) / Minv + (rnd(e * inv_lo) - e * inv_lo) / Mp + (Q - Qx) / Mp;",
    )
    if not fused:
        definitions += (("P", "rndx(e * inv_hi)"), ("Qx", "(e * inv_hi - P) + rnd(e * inv_lo)"), ("Q", "rndx(Qx)"))
    return GappaScript(
        name="fp_softmax_assembly",
        title="softmax's assembly e/(c + t + t_lo): the reciprocal pair and the value before the last rounding, "
              "relative, at scale c + t in [1, 2], no underflow",
        inputs=("c", "t", "t_lo", "e"),
        definitions=definitions,
        hypotheses=("c in [0, 2]", "t in [0, 2]", "c + t in [1, 2]", "t_lo / (c + t) in [-1b-53, 1b-53]", "e in [0.5, 1]"),
        goal="(v - Mp) / Mp",
        extra_goals=("(inv_hi + inv_lo - Minv) / Minv",),
        hints=hints,
        precision=120,
        rounding="float<53,-9000,ne>",
    )


def _log_share_assembly() -> GappaScript:
    r"""log_softmax's entry (row_state.c, log_share; cross-entropy's loss is its negation): the value v before the
    last rounding against :math:`q + ql - L - L_{lo}`, relative, in binary64 without underflow, scaled so that
    :math:`L - q \in [1, 2]` (q <= 0 <= L), with :math:`|ql| \le 2\,\mathrm{ulp}(q) \le 2^{-50}` (the shift's
    low part: the division's remainder and TwoSum's error over T) and :math:`|L_{lo}| \le \mathrm{ulp}(L)/2 \le 2^{-52}`
    (sp_log1p_dd's Fast2Sum). The argument for the scaling is :func:`_softmax_assembly`'s; underflow adds at most
    :math:`2^{-1075}` a rounding, counted by the claims. TwoSum's outputs exact: head_error is the exact
    difference. v - Y is the roundings of the two small sums."""
    low, tail, out = "rnd(-(L_lo) + ql)", "rnd(head_error + low)", "rnd(head + tail)"
    _expect_printed({"log_share_low": low, "log_share_tail": tail, "log_share": out}, "log_share")
    return GappaScript(
        name="fp_log_softmax_assembly",
        title="log_softmax's entry q + ql - (L + L_lo) before its last rounding, relative, at scale L - q in [1, 2], no underflow",
        inputs=("q", "ql", "L", "L_lo"),
        definitions=(("head", "rnd(q - L)"), ("head_error", "q - L - head"), ("low", low), ("tail", tail),
                     ("v", out[len("rnd("):-1]), ("Y", "q + ql - L - L_lo")),
        hypotheses=("q in [-2, 0]", "L in [0, 2]", "L - q in [1, 2]", "|ql| <= 1b-50", "|L_lo| <= 1b-52"),
        goal="(v - Y) / Y",
        hints=("(v - Y) / Y -> ((tail - (head_error + low)) + (low - (-(L_lo) + ql))) / Y;", "Y -> -(L - q) + (ql - L_lo);"),
        precision=120,
        rounding="float<53,-9000,ne>",
    )


def _logit_ratio() -> GappaScript:
    r"""sp_logit's ratio (prims.c; codegen/backends/c/pieces.py, logit_ratio_pieces): :math:`q + u_{lo}` against
    :math:`U = (n + n_{lo})/d`, relative, in binary64 without underflow, scaled so that n and d lie in [1, 2]
    (:math:`|n_{lo}| \le \mathrm{ulp}(n)/2 = 2^{-53}` there). The Fast2Sum after these lines (u, u_lo) keeps the sum
    :math:`q + u_{lo}` exactly, so this is the pair sp_log1p_dd receives.

    Why the scaling and the format are enough: q, the remainder and :math:`u_{lo}` are quotients, products and sums of
    n, :math:`n_{lo}` and d scaled alike (n and :math:`n_{lo}` by one power of two, d by another), so every rounded
    value scales exactly while nothing underflows or overflows. In sp_logit, :math:`n \ge 2^{-53}` (:math:`2x - 1`
    or :math:`1 - 2x` of a double, when not 0), :math:`2^{-1010} \le d \le 1` and :math:`q \le 2^{1011}`: every
    exact intermediate (:math:`n - qd`, :math:`n_{lo} + (n - qd)`, their quotient by d) is 0 or a multiple of a power of
    two above :math:`2^{-1074}` with at least :math:`2^{-160}` magnitude, so none is subnormal and no rounding
    underflows. The hints split the error into the three roundings after q (the remainder's is 0, which Gappa finds
    from the remainder's bound and grid, or bounds)."""
    quotient, remainder, low = "rnd(n / d)", "rnd(-(q) * d + n)", "rnd((rnd(n_lo + remainder)) / d)"
    _expect_printed({"logit_quotient": quotient, "logit_remainder": remainder, "logit_low": low}, "logit")
    return GappaScript(
        name="fp_logit_ratio",
        title="logit's ratio (n + n_lo)/d as q + u_lo (the quotient's remainder by one FMA), relative, at scale n, d in [1, 2], "
              "no underflow",
        inputs=("n", "n_lo", "d"),
        definitions=(("q", quotient), ("remainder", remainder), ("s", "rnd(n_lo + remainder)"), ("u_lo", low),
                     ("Got", "q + u_lo"), ("U", "(n + n_lo) / d")),
        hypotheses=("n in [1, 2]", "d in [1, 2]", "|n_lo| <= 1b-53"),
        goal="(Got - U) / U",
        hints=("(Got - U) / U -> ((remainder - (-(q) * d + n)) + (s - (n_lo + remainder)) + (u_lo - s / d) * d) / (n + n_lo);",
               "-(q) * d + n -> -((q - n / d) * d);"),
        precision=120,
        rounding="float<53,-9000,ne>",
    )


def _expm1_ratio() -> GappaScript:
    r"""sp_log1mexp's ratio (prims.c; codegen/backends/c/pieces.py, log1mexp_ratio_pieces): :math:`q + u_{lo}` against
    :math:`U = (n + n_{lo})/(d + d_{lo})`, relative, in binary64 without underflow, scaled so that n and d lie in [1, 2]:
    :math:`|n_{lo}| \le 2^{-51}` and :math:`|d_{lo}| \le 2^{-50}` there (the skeleton's pairs: :math:`n_{lo}` within an ulp of n,
    :math:`d_{lo}` within 3.5 half-ulps of d, see log1mexp_relative). The scaling argument is fp.logit.ratio's
    (scripts._logit_ratio); sp_log1mexp's intermediates stay normal (n >= 2^-58 on the far side), while logmeanexp's may
    fall below the normal range where u < 2^-916: each such rounding errs by :math:`2^{-1075}` absolute at most, which
    logmeanexp_eta adds. The hints split the error into the roundings after q (the remainder's is 0). In the portable
    build (:func:`portable_build`) the low part's FMA rounds its product q d_lo too (the remainder's is
    SP_EXACT_FMA, one rounding in both builds): one more term, v's rounding split in two."""
    fused = printing_fused()
    product = "-(q) * d_lo" if fused else "rnd(-(q) * d_lo)"
    quotient, remainder, low = "rnd(n / d)", "rnd(-(q) * d + n)", f"rnd(rnd({product} + rnd(n_lo + remainder)) / d)"
    _expect_printed({"expm1_quotient": quotient, "expm1_remainder": remainder, "expm1_low": low}, "expm1_ratio")
    rounding_of_v = "(v - (-(q) * d_lo + s))" if fused else f"(v - ({product} + s)) + ({product} - -(q) * d_lo)"
    return GappaScript(
        name="fp_expm1_ratio",
        title="log1mexp's ratio (n + n_lo)/(d + d_lo) as q + u_lo (the quotient's remainder by one FMA), relative, at scale n, d "
              "in [1, 2], no underflow",
        inputs=("n", "n_lo", "d", "d_lo"),
        definitions=(("q", quotient), ("remainder", remainder), ("s", "rnd(n_lo + remainder)"), ("v", f"rnd({product} + s)"),
                     ("u_lo", low), ("Got", "q + u_lo"), ("U", "(n + n_lo) / (d + d_lo)")),
        hypotheses=("n in [1, 2]", "d in [1, 2]", "|n_lo| <= 1b-51", "|d_lo| <= 1b-50"),
        goal="(Got - U) / U",
        hints=(f"(Got - U) / U -> ((u_lo - v / d) * (d + d_lo) + {rounding_of_v} + (s - (n_lo + remainder)) "
               "+ (remainder - (-(q) * d + n)) + v * d_lo / d) / (n + n_lo);",
               "-(q) * d + n -> -((q - n / d) * d);"),
        precision=120,
        rounding="float<53,-9000,ne>",
    )


def _softmax_backward_assembly() -> GappaScript:
    r"""softmax_backward's entry (``softmax_backward``: :math:`\mathrm{fl}(p\,\mathrm{fl}(g - \hat D))`) against
    :math:`p(g - \hat D)` for the computed :math:`\hat D`, relative, where :math:`2^{-60} \le p \le 1` and
    :math:`2^{-400} \le |g - \hat D| \le 2^{500}` (the product a normal number, both roundings relative). Elsewhere the
    composition (softmax_backward_constant) takes the rounding model's absolute part: a subnormal difference is
    exact (Hauser 1996) and a subnormal product errs by :math:`2^{-1075}` at most. The hint splits the error into the two
    roundings and bounds the product from x = g - D, which Gappa does not do from the rounded difference alone."""
    entry = "rnd(p * (rnd(-(dot) + g)))"
    _expect_printed({"softmax_backward": entry}, "softmax_backward_assembly")
    return GappaScript(
        name="fp_softmax_backward_assembly",
        title="softmax_backward's entry p (g - dot) (the difference, the product, each rounded) relative to its exact value "
              "for the computed dot, where the product is a normal number",
        inputs=("p", "g", "dot"),
        definitions=(("x", "-(dot) + g"), ("w", "rnd(-(dot) + g)"), ("y", entry), ("My", "p * x")),
        hypotheses=("p in [1b-60, 1]", "|x| in [1b-400, 1b500]"),
        goal="(y - My) / My",
        hints=("(y - My) / My -> (y - p * w) / (p * w) * ((w - x) / x + 1) + (w - x) / x;",
               "p * w -> (p * x) * ((w - x) / x + 1);"),
    )


def _expm1_series() -> GappaScript:
    r"""sp_log1mexp_single's series (prims.c; codegen/backends/c/pieces.py, expm1_pieces): the printed Horner form of
    :math:`t - t^2/2 + t^3/6 - t^4/24` (coefficients the nearest doubles, every operation rounded) against that
    polynomial with the exact coefficients, relative, for :math:`2^{-149} \le t \le 2^{-10}` (t = -x of a float32 x;
    the smallest products are near :math:`2^{-600}`, far above the subnormal range, so every rounding is relative).
    The hints follow Horner's steps: each level's error is its rounding, the product's rounding, and t times the level
    below's (the coefficients' own errors in the innermost), which Gappa would otherwise bound as unrelated intervals."""
    sixth, twenty_fourth, half = (float(c).hex() for c in (Fraction(1, 6), Fraction(1, 24), Fraction(1, 2)))
    c3, c2, c1 = f"rnd({sixth} - rnd({twenty_fourth} * t))", f"rnd(rnd(t * c3) - {half})", "rnd(rnd(t * c2) + 1.0)"
    inner = c3.replace("c3", "")  # the printed form, level by level
    expected = f"rnd(t * (rnd(rnd(t * (rnd(rnd(t * ({inner})) - {half}))) + 1.0)))"
    _expect_printed({"expm1_series": expected}, "expm1_series")
    return GappaScript(
        name="fp_expm1_series",
        title="log1mexp's series of -expm1(-t) (Horner, no FMA) against t - t^2/2 + t^3/6 - t^4/24, relative, 2^-149 <= t <= 2^-10",
        inputs=("t",),
        definitions=(("c3", c3), ("c2", c2), ("c1", c1), ("w", "rnd(t * c1)"),
                     ("Mc3", "1 / 6 - t / 24"), ("Mc2", "t * Mc3 - 1 / 2"), ("Mc1", "t * Mc2 + 1"), ("Mw", "t * Mc1")),
        hypotheses=(f"t in [1b-149, {_binary(Fraction(LOG1MEXP_NEAR))}]",),
        goal="(w - Mw) / Mw",
        hints=(f"c3 - Mc3 -> (c3 - ({sixth} - rnd({twenty_fourth} * t))) + ({sixth} - 1 / 6) - (rnd({twenty_fourth} * t) - "
               f"{twenty_fourth} * t) - ({twenty_fourth} - 1 / 24) * t;",
               f"c2 - Mc2 -> (c2 - (rnd(t * c3) - {half})) + (rnd(t * c3) - t * c3) + t * (c3 - Mc3);",
               "c1 - Mc1 -> (c1 - (rnd(t * c2) + 1.0)) + (rnd(t * c2) - t * c2) + t * (c2 - Mc2);",
               "(w - Mw) / Mw -> (w - t * c1) / (t * c1) * (c1 / Mc1) + (c1 - Mc1) / Mc1;"),
    )


# the ranges of e of the fast tier's log1p scripts (the low one ends where its tail's roundings stop mattering)
FAST_LOG1P_RANGES = {"low": (Fraction(FAST_LOG1P_TINY), Fraction(1, 16)), "high": (Fraction(1, 16), Fraction(1))}


def _fast_log1p(part: str) -> GappaScript:
    r"""sp_fast_log1p (the fast tier's log_sigmoid and softplus) line by line as the C template runs it (the printed
    pieces, binary32), head + tail against :math:`N(M_s) = 2M_s + M_s^3\rho(M_s^2)`, :math:`M_s = e/(2 + e)` (a free
    variable equal to it, as in :func:`_log1p_main`), relative, for e in ``part``'s range of :data:`FAST_LOG1P_RANGES`
    (log1p.fast.polynomial_error takes N to :math:`2\operatorname{atanh} M_s = \log(1 + e)`); also the tail's share.

    Exact values: :math:`d_{lo} = (2 + e) - d` (Fast2Sum: :math:`|2| \ge e`, Dekker 1971; the C computes
    :math:`e - (d - 2)`, d - 2 exact by Sterbenz) and the remainder :math:`e - sd` (the FMA's result is representable:
    the remainder of a correctly rounded quotient, Boldo and Daumas 2003; in the portable build the binary64 product of two
    binary32 numbers is exact and so is the sum). With :math:`\delta = M_s - s` and :math:`Q = e - sd - sd_{lo}`:
    :math:`\delta = Q/(2 + e)` and :math:`2\delta = Q(1 - M_s)`, so c, the rounded :math:`Q(1 - s)`, is :math:`2\delta` up
    to its roundings and :math:`Q\delta`. The first hint splits the error exactly: head's (0), tail's, sz's, z's and
    rho's roundings, cz's, :math:`(c - 2\delta)(1 + z)`, and the polynomial's change from s to :math:`M_s` through
    its divided difference DG (about 2z, which :math:`c(1 + z)` takes). The binade points keep each part relative."""
    low, high = FAST_LOG1P_RANGES[part]
    lines = fast_log1p_pieces()

    def text(name: str, rounded: bool = True) -> str:
        return print_gappa(lines[f"fast_log1p_{name}"], rounded, single=True)

    _expect_printed({"fast_log1p_d_lo": "rnd(decay - (rnd(d - 2.0)))", "fast_log1p_head": "rnd(2.0 * s)",
                     "fast_log1p_correction": "rnd(low * (rnd(1 - s)))"}, "fast_log1p")
    x = sp.Symbol("x")
    exact_rho = lines["fast_log1p_rho"]
    quotient = text("low", rounded=False)  # Q, as the FMA it is rounded from prints it (so that Gappa sees low - Q as a rounding)
    definitions = (
        ("d", text("d")), ("d_lo", "(decay + 2) - d"), ("s", text("s")), ("residual", "decay - s * d"), ("low", text("low")),
        ("c", text("correction")), ("z", text("z")), ("sz", text("sz")), ("rho", text("rho")), ("cz", text("cz")),
        ("tail", text("tail")), ("head", text("head")), ("Got", "head + tail"),
        ("Mz", "Ms * Ms"), ("Mrho", print_gappa(exact_rho.xreplace({Z_LOG: sp.Symbol("Mz")}), False)),
        ("Poly", "2 * Ms + Ms * Mz * Mrho"), ("s2", "s * s"), ("rhoz", print_gappa(exact_rho.xreplace({Z_LOG: sp.Symbol("s2")}), False)),
        ("delta", "Ms - s"), ("DG", _divided_difference(fast_log1p_kernel().odd_polynomial(x) - 2 * x, x, "Ms", "s")),
    )
    binades = [Fraction(1, 2**j) for j in range(40, -1, -1)] + [Fraction(m, 16) for m in range(3, 16)]
    points = sorted({p for p in binades if low < p < high})
    terms = ("(head - 2 * s)", "(tail - (sz * rho + cz))", "(sz - s * z) * rho", "s * (z - s2) * rho", "s * s2 * (rho - rhoz)",
             "(cz - (c * z + c))", "(c - 2 * delta) * (1 + z)", "2 * delta * (z - s2)", "delta * (2 * s2 - DG)")
    hints = (
        "Got - Poly -> " + " + ".join(terms) + ";",
        f"c - 2 * delta -> (c - low * rnd(1 - s)) + (low - {quotient}) * rnd(1 - s) + {quotient} * (rnd(1 - s) - (1 - s)) + "
        f"{quotient} * ({quotient} / (2 + decay)) - 2 * (Ms - decay / (2 + decay));",
        f"delta -> (Ms - decay / (2 + decay)) + {quotient} / (2 + decay);",
        "decay - s * d -> -(s - decay / d) * d;",
        "$ decay in (" + ", ".join(_binary(p) for p in points) + ");",
    )
    return GappaScript(
        name=f"fp_fast_log1p_{part}",
        title=f"the fast tier's log1p(e) as head + tail (binary32) against 2 Ms + Ms^3 rho(Ms^2), Ms = e/(2 + e), relative, "
              f"e in [{_binary(low)}, {_binary(high)}]; and the tail's share",
        inputs=("decay",),
        definitions=definitions,
        hypotheses=(f"decay in [{_binary(low)}, {_binary(high)}]", "Ms - decay / (2 + decay) in [0, 0]"),
        goal="(Got - Poly) / Poly",
        extra_goals=("tail / Poly",),
        hints=hints,
        rounding=BINARY32,
        fast=True,
    )


def _wide_term() -> GappaScript:
    r"""logsumexp's long double stage (logsumexp_cancelling): each term's argument, piece_wide_term's
    :math:`\mathrm{fl}((-m + x)/T)` with every operation in long double (x86's 64-bit significand: ``rnd80``), against
    :math:`(x - m)/T`, relative, for doubles x < m and a finite T > 0 (the inputs are doubles, converted exactly)."""
    item = pieces()["wide_term"]
    if not item.wide or not isinstance(item.expr, sp.exp):
        raise ValueError("piece_wide_term is no longer the long double exponential this script is written for")
    (argument,) = item.expr.args
    return GappaScript(
        name="fp_logsumexp_wide_term",
        title="logsumexp's long double stage: a term's argument (-m + x)/T in long double against (x - m)/T, relative",
        inputs=("x", "m", "T"),
        definitions=(("q", print_gappa(argument, True).replace("rnd(", "rnd80(")), ("Mq", print_gappa(argument, False))),
        hypotheses=(f"{print_gappa(sp.numer(argument), False)} in [-1b1025, -1b-1074]", "T in [1b-1074, 1b1024]"),
        goal="(q - Mq) / Mq",
    )


def _log1p_single() -> GappaScript:
    r"""sp_log1p_diff_single's L (log_sigmoid's and softplus' first stage for float32 results) line by line as the C
    template runs it (the printed pieces, binary64), against :math:`N(M_s) = 2M_s + M_s^3\rho(M_s^2)`,
    :math:`M_s = d/(2 + d)`, relative, for :math:`2^{-53} \le d \le 1` (log1p.single.polynomial_error takes N to
    :math:`\log(1 + d)`). The hint splits the error exactly: the last FMA's rounding, sz's, z's and rho's, and
    :math:`N(s) - N(M_s) = (s - M_s)\,DN` (DN the divided difference of N), with :math:`s - M_s` as the quotient's
    rounding and den's: :math:`s - d/\mathrm{den} - d(\mathrm{den} - (d + 2))/(\mathrm{den}(2 + d))`. The binade points
    keep each part relative. Below :math:`2^{-53}`, 2 + d rounds to 2, s = d/2 exactly (d is normal: d >= 2^-968 where
    the claims use it) and the FMA returns 2s = d (its other term is below :math:`2^{-105} d`): L = d, within
    :math:`d/2 \le 2^{-54}` of log(1 + d), relative. The script names d ``decay`` and den ``d``, as the printed pieces do."""
    lines = single_log1p_pieces()

    def text(name: str, rounded: bool = True) -> str:
        return print_gappa(lines[f"log1p_single_{name}"], rounded)

    x = sp.Symbol("x")
    exact_rho = lines["log1p_single_rho"]
    fused = printing_fused()
    _expect_printed({"log1p_single_out": "rnd(sz * rho + rnd(2.0 * s))" if fused else "rnd(rnd(sz * rho) + rnd(2.0 * s))"}, "log1p_single")
    last = "(L - X)" if fused else "(L - (rnd(sz * rho) + 2 * s)) + (rnd(sz * rho) - sz * rho)"
    definitions = (
        ("d", text("d")), ("s", text("s")), ("z", text("z")), ("sz", text("sz")),
        ("rho", text("rho")), ("L", text("out")), ("X", "sz * rho + 2 * s"),
        ("Ms", "decay / (2 + decay)"), ("Mz", "Ms * Ms"), ("Mrho", print_gappa(exact_rho.xreplace({Z_LOG: sp.Symbol("Mz")}), False)),
        ("N", "2 * Ms + Ms * Mz * Mrho"), ("s2", "s * s"), ("rhos", print_gappa(exact_rho.xreplace({Z_LOG: sp.Symbol("s2")}), False)),
        ("DN", _divided_difference(single_log1p_kernel().odd_polynomial(x), x, "s", "Ms")),
    )
    points = [f"1b-{j}" for j in range(52, 0, -1)] + [f"{m}b-4" for m in range(9, 16)]
    hints = (
        f"L - N -> {last} + (sz - s * z) * rho + s * (z - s2) * rho + s * s2 * (rho - rhos) + "
        "((s - decay / d) - decay * (d - (decay + 2)) / (d * (2 + decay))) * DN;",
        "$ decay in (" + ", ".join(points) + ");",
    )
    return GappaScript(
        name="fp_log1p_single",
        title="log_sigmoid's and softplus' log1p(d) for float32 results (sp_log1p_diff_single's L, binary64) against "
              f"2 Ms + Ms^3 rho(Ms^2), Ms = d/(2 + d), relative, {_binary(Fraction(SINGLE_LOG1P_TINY))} <= d <= 1",
        inputs=("decay",),
        definitions=definitions,
        hypotheses=(f"decay in [{_binary(Fraction(SINGLE_LOG1P_TINY))}, 1]",),
        goal="(L - N) / N",
        hints=hints,
    )


SIGMOID_BRANCHES = ("nonnegative", "negative", "negative_low", "saturated", "subnormal")
RELATIVE_SIGMOID_BRANCHES = SIGMOID_BRANCHES[:3]  # decay normal: the error relative to the result (the tails' absolute)
# e^-|x| ranges of the relative-error branches (Gappa's Md)
_NORMAL_RANGES = {"nonnegative": ("1b-1021", "1"), "negative": ("1b-969", "1"), "negative_low": ("1b-1021", "1b-969")}


@cache
def scripts(portable: bool = False) -> tuple[GappaScript, ...]:
    """Every script, in the order the report lists them (built once per process: each claim asks for its script).
    ``portable``: the same scripts for the build without FMA hardware (printed inside :func:`portable_build`: each
    SP_FMA a rounded product and a rounded sum, the fast tier's SP_FMAF a sum rounded to binary64 and then to binary32),
    named with PORTABLE_SUFFIX."""
    if portable:
        return tuple(replace(item, name=item.name + PORTABLE_SUFFIX, title=f"{item.title}; the portable build (no FMA hardware)")
                     for item in _portable_scripts())
    return _every_script()


def _builders() -> tuple[Callable[[], GappaScript], ...]:
    """Each script's builder, in the report's order."""
    return (_exp_reduce, partial(_exp_poly, "exp_poly"), partial(_exp_poly, "exp_poly_single"), _exp_dd_reduce, _exp_poly_tail, _log1p_poly,
            partial(_log1p_main, False), partial(_log1p_main, True), partial(_log1p_series, False), partial(_log1p_series, True),
            *(partial(_sigmoid, b) for b in SIGMOID_BRANCHES), *(partial(_sigmoid, b, single=True) for b in SINGLE_SIGMOID_BRANCHES),
            _state_merge, _softmax_assembly, _log_share_assembly, _logit_ratio, _expm1_series, _expm1_tail, _expm1_ratio,
            _softmax_backward_assembly, partial(_exp_reduce, fast=True), partial(_exp_poly, "fast_exp_poly"),
            *(partial(_fast_log1p, part) for part in FAST_LOG1P_RANGES), _log1p_single, _wide_term)


def _every_script() -> tuple[GappaScript, ...]:
    from .triple_scripts import triple_scripts  # it builds on GappaScript, defined here

    return (*(build() for build in _builders()), *triple_scripts())


def _portable_scripts() -> tuple[GappaScript, ...]:
    """The scripts that have a portable twin: printed inside :func:`portable_build`, where a script whose hints are
    written for the fused form refuses (its :func:`_expect_printed` check, or a printed form Gappa has no syntax
    for) and so has none; its claims are not proved for that build. The triple-double scripts are printed from tapes
    (triple_scripts.py), whose operations are the same in both builds (SP_PRODUCT_RESIDUAL: the FMA's value there too)."""
    from .triple_scripts import triple_scripts

    built = []
    with portable_build():
        for build in _builders():
            try:
                item = build()
            except ValueError:  # hints written for the FMA form (GappaSyntaxError too)
                continue
            built.append(item)
        built += triple_scripts()
    return tuple(built)


@cache
def same_in_both_builds(name: str) -> bool:
    """Whether the script ``name`` prints the same proof for the build without FMA hardware (its portable twin's
    inputs, definitions, hypotheses, goals and hints equal its own): then the C it reads has none of the macros whose
    portable form rounds differently (SP_FMA, SP_FINAL_FMA, SP_EXP_HEAD), or, for the triple-double scripts printed
    from tapes, only SP_PRODUCT_RESIDUAL, whose value is the same there (tests/test_triple_tapes.py runs the tapes
    against both builds); so the one script proves both, and the twin claims run it under its own name (no _portable
    file is written for it)."""
    twin = {item.name: item for item in scripts(portable=True)}.get(name + PORTABLE_SUFFIX)
    return twin is not None and replace(twin, name=name, title=script(name).title) == script(name)


LOG1P_PARTS = ("near", "scaled", "series", "tiny")  # sp_log1p_dd: k = 0, k >= 1 (u >= 2^-30), the series, u <= 2^-968
SINGLE_SIGMOID_BRANCHES = ("nonnegative", "negative")  # float32 results: the tails round to 1 and 0 whatever decay's error
SCRIPTS = ("fp_exp_reduce", "fp_exp_poly", "fp_exp_poly_single", "fp_exp_dd_reduce", "fp_exp_poly_tail", "fp_log1p_R", *(f"fp_log1p_{part}" for part in LOG1P_PARTS), *(f"fp_sigmoid_{b}" for b in SIGMOID_BRANCHES),
           *(f"fp_sigmoid_{b}_single" for b in SINGLE_SIGMOID_BRANCHES), "fp_state_merge",
           "fp_softmax_assembly", "fp_log_softmax_assembly", "fp_logit_ratio", "fp_expm1_series", "fp_expm1_tail",
           "fp_expm1_ratio", "fp_softmax_backward_assembly", "fp_fast_exp_reduce", "fp_fast_exp_poly",
           *(f"fp_fast_log1p_{part}" for part in FAST_LOG1P_RANGES), "fp_log1p_single", "fp_logsumexp_wide_term",
           "fp_triple_add", "fp_triple_mul", "fp_triple_mul_d", "fp_triple_exp_reduce", "fp_triple_exp_poly")


# the portable twins the fp.*.portable claims run, written out beside the others (tests/test_gappa.py checks the list
# against the claims); a script the portable build prints alike is its own twin (same_in_both_builds), and the other
# twins prove nothing yet (claims.py, PORTABLE_ULPS): neither is written
PORTABLE_SCRIPTS = tuple(f"{name}{PORTABLE_SUFFIX}" for name in (
    "fp_exp_reduce", "fp_exp_poly", "fp_exp_poly_single", "fp_exp_dd_reduce", "fp_exp_poly_tail", "fp_log1p_R", "fp_log1p_near",
    "fp_log1p_scaled", "fp_log1p_series", "fp_log1p_tiny", *(f"fp_sigmoid_{b}" for b in SIGMOID_BRANCHES),
    "fp_softmax_assembly", "fp_expm1_tail", "fp_expm1_ratio", "fp_fast_exp_reduce", "fp_fast_exp_poly",
    *(f"fp_fast_log1p_{part}" for part in FAST_LOG1P_RANGES), "fp_log1p_single"))


def script(name: str) -> GappaScript:
    """The script called ``name`` (one of :data:`SCRIPTS`, or its portable twin)."""
    portable = name.endswith(PORTABLE_SUFFIX)
    for item in scripts(portable=portable):
        if item.name == name:
            return item
    if portable:
        raise KeyError(f"{name.removesuffix(PORTABLE_SUFFIX)} has no portable twin: its hints are written for the FMA form")
    raise KeyError(f"no Gappa script {name!r}; scripts: {', '.join(SCRIPTS)}")


def render(item: GappaScript) -> str:
    """The script's text (without the generated-file header). Every script rounds in binary64: the
    kernels evaluate in double, float32 results included, and round to float32 once at the end."""
    lines = [f"# {item.title}", f"# run: gappa -Eprecision={item.precision} {item.filename}", f"@rnd = {item.rounding};", ""]
    if any("rnd64(" in value for _, value in item.definitions):  # the portable build's SP_FMAF rounds through binary64 first
        lines[3:3] = [f"@rnd64 = {BINARY64};"]
    if any("rndx(" in value for _, value in item.definitions):  # the portable build's SP_FINAL_FMA, at a scale without underflow
        lines[3:3] = [f"@rndx = {UNBOUNDED64};"]
    if any("rnd80(" in value for _, value in item.definitions):  # long double, x86's extended format
        lines[3:3] = [f"@rnd80 = {EXTENDED80};"]
    lines += [f"{name} = {value};" for name, value in _constants(item.fast)]
    lines += [f"{name} = rnd({name}_);" for name in item.inputs]
    lines += [f"{name} = {value};" for name, value in item.definitions]
    goals = " /\\ ".join(f"{goal} in ?" for goal in (item.goal, *item.extra_goals))
    lines += ["", "{ " + " /\\ ".join(item.hypotheses), f"  -> {goals} }}"]
    lines += list(item.hints)
    return "\n".join(lines) + "\n"
