r"""The C backend's pieces: the scalar expressions printed into the C loops.

The same lines as the NumPy kernels (:mod:`softproof.codegen.kernels`; the C loops do the
reductions as accumulators), plus the derived exp and log1p kernels
(:mod:`softproof.derive.exp_kernel`, :mod:`softproof.derive.log1p_kernel`) and the FMA forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import sympy as sp
from sympy.codegen.cfunctions import fma, log1p

from softproof.derive import conventions as cv
from softproof.derive import exp_kernel as ek
from softproof.derive import log1p_kernel as lk
from softproof.derive import rewrites as rw
from softproof.derive import state as st
from softproof.derive.claims import Claim, Rewrite
from softproof.derive.exp_kernel import DEGREE, SINGLE_DEGREE, exp_kernel, fast_exp_kernel
from softproof.derive.log1p_kernel import fast_log1p_kernel, log1p_kernel, single_log1p_kernel
from softproof.derive.rewrites import SMOOTH_MAX_STABLE
from softproof.derive.symbols import m
from softproof.derive.temperature import SMOOTH_MAX_LIMIT

from ...api import FUNCTIONS
from ...array_form import ReduceSum
from ...kernels import (
    CE_GRAD_TARGET,
    CLAMPED,
    DECAY,
    EXTRA_LINE,
    INV_HI,
    INV_LO,
    KERNELS,
    KF,
    B,
    E,
    M,
    R,
    T,
    X,
)
from .printer import exact_fma, exp_head, final_fma, print_c_function

__all__ = ["Piece", "pieces", "c_pieces", "c_wide_pieces", "exp_constants", "exp_reduction_head", "fast_exp_constants", "fast_exp_pieces", "fast_log1p_pieces", "FAST_LOG1P_TINY", "single_log1p_pieces", "SINGLE_LOG1P_TINY",
           "SP_LOG1P_DIFF_SINGLE",
           "FAST_LOW", "FAST_CORRECTION", "FAST_PRODUCT", "FAST_RHO", "FAST_CZ",
           "printed_pieces", "C_CLAIMS", "logit_constants", "logit_ratio_pieces", "SP_LOGIT", "expm1_pieces", "SP_LOG1MEXP_SINGLE",
           "SP_LOG1MEXP", "LOGMEANEXP_ETA", "LOG1MEXP_SMALL", "LOG1MEXP_SPLIT", "LOG1MEXP_TINY", "log1mexp_ratio_pieces"]


# reductions), plus the exp kernel and the FMA forms.
def _exp_q(coefficients: tuple[float, ...]) -> sp.Expr:
    """q(r) in Horner form (FMAs), coefficients (lowest degree first) from derive/exp_kernel.py."""
    q_poly = sp.Float(coefficients[-1], 17)
    for coeff in reversed(coefficients[:-1]):
        q_poly = fma(q_poly, R, sp.Float(coeff, 17))
    return q_poly


def _exp_polynomial(coefficients: tuple[float, ...]) -> sp.Expr:
    """:math:`P(r) = 1 + r + r^2 q(r)` with ``q`` in Horner form (FMAs), coefficients (lowest degree first) from
    derive/exp_kernel.py."""
    return fma(R * R, _exp_q(coefficients), R) + 1


def _exp_polynomial_head(coefficients: tuple[float, ...]) -> sp.Expr:
    r""":func:`_exp_polynomial` with its last two steps as one ``exp_head``: :math:`P(r) = 1 + (r + r^2(1/2 + r q_1(r)))`,
    :math:`q = 1/2 + r q_1` (the derived q starts with Taylor's 1/2, checked here); the same operations with FMA
    hardware, the head :math:`r + r^2/2` rounded once without it (printer.exp_head)."""
    if coefficients[0] != 0.5:
        raise ValueError(f"exp_head needs q(0) = 1/2; the derived q(0) is {coefficients[0]!r}")
    return exp_head(R * R, _exp_q(coefficients[1:]), R) + 1


def exp_reduction_head(prefix: str = "SP") -> sp.Expr:
    """a - k ln2_hi with the constants ``<prefix>_LN2_HI`` (``SP`` double, ``SP_F`` binary32): exact by Cody and Waite's
    split (exp.cody_waite_exact, exp.fast.cody_waite_exact)."""
    return fma(-KF, sp.Symbol(f"{prefix}_LN2_HI"), CLAMPED)


def _exp_reduction(prefix: str = "SP") -> sp.Expr:
    """r = (a - k ln2_hi) + (b - k ln2_lo): the exact head, then the tiny correction, so that r rounds once."""
    return exp_reduction_head(prefix) + fma(-KF, sp.Symbol(f"{prefix}_LN2_LO"), B)


def _exp_pieces() -> dict[str, sp.Expr]:
    """Range reduction and polynomials of the exp kernel (derive/exp_kernel.py), with FMAs."""
    return {
        "exp_reduce": _exp_reduction(),  # exact head, tiny correction (|.| <= 2^-33): r rounds once
        "exp_poly": _exp_polynomial_head(exp_kernel(DEGREE).q),  # its head rounded once in both builds (fp.exp.float64)
        "exp_poly_tail": _exp_polynomial(exp_kernel(DEGREE).q) - 1,  # P(r) - 1 (sp_exp_dd adds the 1 exactly)
        "exp_reduce_head": exp_reduction_head(),  # a - k ln2_hi, exact (exp.cody_waite_exact)
        "exp_poly_single": _exp_polynomial(exp_kernel(SINGLE_DEGREE).q),
        # r^2 q(r) rounded on its own (r * r, q's Horner, the product): added to r by Fast2Sum, the pair is expm1(r)
        # to O(u) of the tail only (exp.tail_error, fp.expm1.tail; sp_log1mexp's near branch)
        "expm1_tail": sp.Mul(R * R, _exp_q(exp_kernel(DEGREE).q), evaluate=False),
    }


def fast_exp_pieces() -> dict[str, sp.Expr]:
    r"""The fast tier's exp in binary32 (derive/exp_kernel.py, ``fast_exp_kernel``): the reduction
    :math:`r = (a - k\ell_{hi}) + (b - k\ell_{lo})` (the head exact: exp.fast.cody_waite_exact) and
    :math:`P(r) = 1 + r + r^2 q(r)`, :math:`q` of degree 4 in Horner form with FMAs (fp.exp.fast.*)."""
    return {
        "fast_exp_reduce": _exp_reduction("SP_F"),  # the head exact (fp.exp.fast.reduce)
        "fast_exp_poly": _exp_polynomial(fast_exp_kernel().q),
    }


def fast_exp_constants() -> list[tuple[str, float]]:
    kernel = fast_exp_kernel()
    return [("SP_F_INV_LN2", kernel.inv_ln2), ("SP_F_SHIFTER", kernel.shifter), ("SP_F_LN2_HI", kernel.ln2_hi),
            ("SP_F_LN2_LO", kernel.ln2_lo)]


# the log1p kernel's values (derive/log1p_kernel.py): 1 + u = w + correction, w = 2^k (1 + f)
W, CORRECTION, F_RED, KF_LOG = sp.Symbol("w"), sp.Symbol("correction"), sp.Symbol("f"), sp.Symbol("kf")
D_LOG, D_LO, S_LOG, RESIDUAL, S_LOW = sp.Symbol("d"), sp.Symbol("d_lo"), sp.Symbol("s"), sp.Symbol("residual"), sp.Symbol("s_low")
Z_LOG, R_LOG, LOW, TAIL, HEAD_ERR = sp.Symbol("z"), sp.Symbol("R"), sp.Symbol("low"), sp.Symbol("tail"), sp.Symbol("head_error")
HEAD_LOG, SMALL = sp.Symbol("head"), sp.Symbol("small")
U_LOG, U_LO, SERIES_POLY, SERIES_LOW = sp.Symbol("u"), sp.Symbol("u_lo"), sp.Symbol("series_poly"), sp.Symbol("series_low")
SP_LOG1P = sp.Function("sp_log1p")  # the derived kernel, printed into the C template
SERIES_LIMIT = 2.0**-30  # SP_LOG1P_SERIES: u below it takes the series (log1p_pieces)


def _rho_horner(coefficients: tuple[float, ...]) -> sp.Expr:
    """rho(z) in Horner form with FMAs, coefficients (lowest degree first) from derive/log1p_kernel.py."""
    rho = sp.Float(coefficients[-1], 17)
    for coeff in reversed(coefficients[:-1]):
        rho = fma(rho, Z_LOG, sp.Float(coeff, 17))
    return rho


def log1p_pieces() -> dict[str, sp.Expr]:
    r""":math:`\log(1 + u + u_{lo})` in double-double, one operation per line.

    Main path (:math:`u \ge 2^{-30}`): :math:`\log(1 + f) = 2\operatorname{atanh}(s) \approx 2s + s R`,
    :math:`s = f/(2 + f)`, :math:`R = z\rho(z)`, :math:`z = s^2` (claims log1p.atanh_form,
    log1p.polynomial_error). :math:`s` is carried as s + s_low: :math:`2 + f = d + d_{lo}` (TwoSum),
    :math:`s = \mathrm{fl}(f/d)`, the division's remainder :math:`f - sd` exact by one FMA, so
    :math:`s_{low} = (f - s d - s d_{lo})/d` and :math:`s + s_{low} = f/(2 + f)` up to :math:`O(u^2)`;
    the odd polynomial's derivative at s is :math:`2 + 2z + O(z^2)`, so :math:`s_{low}` enters as
    :math:`2 s_{low}(1 + z)`. The large terms :math:`k\ell_{hi} + 2s` are added exactly (TwoSum in the
    skeleton); the tail :math:`sR + 2s_{low}(1 + z) + k\ell_{lo} + \epsilon/w` is at most 1.1 % of the
    result, so its roundings cost under :math:`2^{-59}` of it.

    Series (:math:`u < 2^{-30}`): :math:`\log(1 + v) = v - v^2/2 + v^3/3 - \dots` for :math:`v = u + u_{lo}`,
    alternating, so the first neglected term bounds the error: :math:`v^4/4 < 2^{-92} v`, and
    :math:`u\,u_{lo}` (left out of the square) is below :math:`2^{-82} v`. Where :math:`u` is that small the
    main path's tail is as large as the result (:math:`f` and :math:`\epsilon/w` both near
    :math:`2^{-52}`) and :math:`\log(1 + \epsilon/w) \ne \epsilon/w` to :math:`2^{-54}` relative: the series
    avoids both (fp.log1p.*).
    """
    hi, lo = sp.Symbol("SP_LN2_HI"), sp.Symbol("SP_LN2_LO")
    rho = _rho_horner(log1p_kernel().rho)
    two = sp.Float(2.0, 17)
    third = sp.Float(float(Fraction(1, 3)), 17)  # the double nearest 1/3 (its 2^-54 relative error costs 2^-115 of v)
    return {
        "log1p_s": F_RED / D_LOG,
        "log1p_residual": exact_fma(-S_LOG, D_LOG, F_RED),  # exact: the remainder of a rounded quotient
        "log1p_s_low": (RESIDUAL - S_LOG * D_LO) / D_LOG,
        "log1p_z": S_LOG * S_LOG,
        "log1p_R": Z_LOG * rho,
        "log1p_low": fma(KF_LOG, lo, CORRECTION / W),
        "log1p_tail": fma(S_LOG, R_LOG, fma(two * S_LOW, Z_LOG, fma(two, S_LOW, LOW))),
        "log1p_scaled": KF_LOG * hi,  # exact (claim exp.cody_waite_exact)
        "log1p_twice": two * S_LOG,  # exact
        "log1p_small": HEAD_ERR + TAIL,
        "log1p_out": HEAD_LOG + SMALL,
        "log1p_series_poly": fma(U_LOG, third, sp.Float(-0.5, 17)),
        "log1p_series_low": fma(U_LOG * U_LOG, SERIES_POLY, U_LO),
        "log1p_series_out": U_LOG + SERIES_LOW,
    }


FAST_LOW, FAST_CORRECTION, FAST_PRODUCT = sp.Symbol("low"), sp.Symbol("c"), sp.Symbol("sz")
FAST_RHO, FAST_CZ = sp.Symbol("rho"), sp.Symbol("cz")
FAST_LOG1P_TINY = 2.0**-40  # e below it: log1p(e) = e to 2^-41 relative (sp_fast_log1p takes e itself)


def fast_log1p_pieces() -> dict[str, sp.Expr]:
    r""":math:`\log(1 + e)` for :math:`0 \le e \le 1` in binary32, as head + tail (the fast tier's log_sigmoid and
    softplus, :math:`e = e^{-|x|}`), one operation per line.

    :math:`\log(1 + e) = 2\operatorname{atanh}(s) \approx 2s + s^3\rho(s^2)`, :math:`s = e/(2 + e) \le 1/3` (claims
    log1p.atanh_form, log1p.fast.polynomial_error): no reduction, as e is at most 1. The quotient's two roundings are
    taken back: :math:`2 + e = d + d_{lo}` (Fast2Sum, :math:`2 \ge e`), :math:`s = \mathrm{fl}(e/d)` and the remainder
    :math:`e - sd` exact (one FMA), so :math:`s^* = e/(2 + e) = s + (e - sd - s d_{lo})/(2 + e)` and, as
    :math:`2/(2 + e) = 1 - s^*`, :math:`c = (e - sd - sd_{lo})(1 - s) \approx 2(s^* - s)` with a multiplication instead
    of a second division. The odd polynomial's derivative at s is :math:`2/(1 - s^2) = 2(1 + z + \dots)`, so c enters as
    :math:`c(1 + z)`; head = 2s is exact and the tail :math:`s z \rho(z) + c(1 + z)` is at most 4 % of the result,
    so its roundings cost little (fp.log1p.fast: Gappa, e >= 2^-40; below, log1p(e) = e to 2^-41)."""
    rho = _rho_horner(fast_log1p_kernel().rho)
    two = sp.Float(2.0, 17)
    return {
        "fast_log1p_d": DECAY + two,
        "fast_log1p_d_lo": DECAY - sp.UnevaluatedExpr(D_LOG - two),  # exact: Fast2Sum (d - 2 exact by Sterbenz)
        "fast_log1p_s": DECAY / D_LOG,
        "fast_log1p_residual": fma(-S_LOG, D_LOG, DECAY),  # exact: the remainder of a rounded quotient
        "fast_log1p_low": fma(-S_LOG, D_LO, RESIDUAL),
        "fast_log1p_correction": FAST_LOW * (1 - S_LOG),
        "fast_log1p_z": S_LOG * S_LOG,
        "fast_log1p_sz": S_LOG * Z_LOG,
        "fast_log1p_rho": rho,
        "fast_log1p_cz": fma(FAST_CORRECTION, Z_LOG, FAST_CORRECTION),
        "fast_log1p_tail": fma(FAST_PRODUCT, FAST_RHO, FAST_CZ),
        "fast_log1p_head": two * S_LOG,  # exact
    }


SP_LOG1P_DIFF_SINGLE = sp.Function("sp_log1p_diff_single")  # q - log1p(d) for float32 results (prims.c)
SINGLE_LOG1P_TINY = 2.0**-53  # d below it: 2 + d rounds to 2 and sp_log1p_diff_single's L is d itself (fp.log1p.single)


def single_log1p_pieces() -> dict[str, sp.Expr]:
    r""":math:`\log(1 + d)` for :math:`0 \le d \le 1` in double for float32 results (sp_log1p_diff_single, the first
    stage of the correctly rounded float32 log_sigmoid and softplus), one operation per line:
    :math:`2s + s^3\rho(s^2)`, :math:`s = d/(2 + d) \le 1/3` (no reduction; claims log1p.atanh_form,
    log1p.single.polynomial_error, 2^-41), the quotient and the sum rounded plainly: their :math:`2^{-52}` are far below
    the float32 exp's :math:`2^{-37}` that the first stage carries anyway (fp.log1p.single: Gappa)."""
    rho = _rho_horner(single_log1p_kernel().rho)
    two = sp.Float(2.0, 17)
    return {
        "log1p_single_d": DECAY + two,
        "log1p_single_s": DECAY / D_LOG,
        "log1p_single_z": S_LOG * S_LOG,
        "log1p_single_sz": S_LOG * Z_LOG,
        "log1p_single_rho": rho,
        "log1p_single_out": fma(FAST_PRODUCT, FAST_RHO, two * S_LOG),
    }


# the quotient num / (1 + d) for 0 <= d <= 1 (sigmoid): the values of sp_quotient_1p's lines
Q_D, RCP, COMPLEMENT, RCP_ERROR = sp.Symbol("d"), sp.Symbol("r"), sp.Symbol("complement"), sp.Symbol("eps")
RCP_LO, NUM = sp.Symbol("r_lo"), sp.Symbol("num")
SP_QUOTIENT_1P = sp.Function("sp_quotient_1p")  # num / (1 + d), printed into the C template
SP_LOG1P_DIFF = sp.Function("sp_log1p_diff")  # q - log1p(d) for q <= 0 <= d, rounded once up to O(u^2) (prims.c)


def quotient_pieces() -> dict[str, sp.Expr]:
    r""":math:`\mathrm{num}/(1 + d)` for :math:`0 \le d \le 1`, rounded once up to :math:`O(u^2)`.

    ``num/(1 + d)`` as written rounds the sum and the quotient: two roundings of :math:`u` beside
    num's own error. Instead :math:`r = \mathrm{fl}(1/\mathrm{fl}(1 + d))` and its error
    :math:`\epsilon = 1 - r(1 + d) = (1 - r) - r d` (:math:`1 - r` exact by Sterbenz,
    :math:`r \in [1/2, 1]`; the FMA rounds :math:`\epsilon` once, :math:`|\epsilon| \lesssim 2u`) give
    :math:`1/(1 + d) = r + r_{lo} + O(\epsilon^2)` with :math:`r_{lo} = r\epsilon`, and
    :math:`\mathrm{fma}(\mathrm{num}, r, \mathrm{num}\,r_{lo})` rounds once. Without FMA hardware ``SP_EXACT_FMA`` gives the same
    :math:`\epsilon` (Dekker's product: :math:`(1 - r) - \mathrm{fl}(rd)` is exact by Sterbenz, the
    product's error is added with one rounding), and the last one, ``SP_FINAL_FMA``, rounds once up to
    :math:`O(u^2)` (Dekker's product again, its error added to :math:`\mathrm{num}\,r_{lo}` first). Gappa bounds
    the printed lines (fp.sigmoid.*). One division, as before.
    """
    return {
        "quotient_reciprocal": 1 / (Q_D + 1),
        "quotient_complement": 1 - RCP,  # exact: r in [1/2, 1]
        "quotient_error": exact_fma(-RCP, Q_D, COMPLEMENT),  # 1 - r (1 + d), rounded once
        "quotient_low": RCP * RCP_ERROR,  # 1/(1 + d) = r + r_lo + O(u^2)
        "quotient_out": final_fma(NUM, RCP, NUM * RCP_LO),
    }
    # float32 results keep num / (1 + d): one rounding to float32 hides the two roundings (fp.sigmoid.float32)


# 1/(c + t + t_lo) of a row (row_state.c, reciprocal_of_sum): c + t = s_hi + s_err by TwoSum in the skeleton
S_SUM_HI, S_SUM_ERR, S_SUM_LO, T_SUM_LO, INV_SUM_HI = (sp.Symbol(name) for name in ("s_hi", "s_err", "s_lo", "t_lo", "inv_hi"))


def reciprocal_pieces() -> dict[str, sp.Expr]:
    r""":math:`1/(c + t + t_{lo}) = \mathrm{inv}_{hi} + \mathrm{inv}_{lo}` up to :math:`O(u^2)`, for softmax's
    :math:`p_j = e_j/(c + t)`.

    :math:`c + t = s_{hi} + s_{err}` exactly (TwoSum in the skeleton), :math:`s_{lo} = s_{err} + t_{lo}`
    (one rounding of a value below :math:`2u(c + t)`), :math:`\mathrm{inv}_{hi} = \mathrm{fl}(1/s_{hi})`,
    whose remainder :math:`1 - s_{hi}\mathrm{inv}_{hi}` one FMA gives exactly, and
    :math:`\mathrm{inv}_{lo} = (1 - s_{hi}\mathrm{inv}_{hi} - s_{lo}\mathrm{inv}_{hi})/s_{hi}`: the first-order
    correction, :math:`1/(s + \delta) = 1/s - \delta/s^2 + O(\delta^2)`. Gappa bounds the lines
    (fp.softmax.assembly.float64).
    """
    return {
        "reciprocal_sum_lo": S_SUM_ERR + T_SUM_LO,
        "reciprocal_hi": 1 / S_SUM_HI,
        "reciprocal_lo": (exact_fma(-S_SUM_HI, INV_SUM_HI, 1) - S_SUM_LO * INV_SUM_HI) / S_SUM_HI,
    }


# logit through one log1p of a ratio (prims.c, sp_logit; rewrite.logit_ratio): u = (n + n_lo)/d as q + u_lo
N_RATIO, N_RATIO_LO, D_RATIO, Q_RATIO, REM_RATIO = (sp.Symbol(name) for name in ("n", "n_lo", "d", "q", "remainder"))
SP_LOGIT = sp.Function("sp_logit")  # logit(x) in double-double, rounded once (prims.c)
LOGIT_TINY = 2.0**-960  # SP_LOGIT_TINY: below it sp_logit takes logit(2^64 x) - 64 ln 2 (the ratio 1/x would overflow)
LOGIT_SCALE = 64  # the power of two that scales such x


def logit_ratio_pieces() -> dict[str, sp.Expr]:
    r"""The ratio :math:`u = (n + n_{lo})/d \ge 0` of ``rewrite.logit_ratio`` as :math:`q + u_{lo}`, one operation
    a line: :math:`n = 2x - 1`, :math:`d = 1 - x` (:math:`x \ge 1/2`, both exact by Sterbenz, :math:`n_{lo} = 0`) or
    :math:`n + n_{lo} = 1 - 2x` (TwoSum, exact) and :math:`d = x`. :math:`q = \mathrm{fl}(n/d)`; its remainder
    :math:`n - qd` is exact by one FMA (the remainder of a rounded quotient is a double, Bohlender et al. 1991, while
    n is at least :math:`2^{-53}`, far from underflow); :math:`u_{lo} = (n - qd + n_{lo})/d` rounds twice a value
    below :math:`2^{-52}u`, so :math:`q + u_{lo}` is :math:`u` to :math:`O(u^2)` (Gappa: fp.logit.ratio). A Fast2Sum
    in the skeleton renormalises the pair for sp_log1p_dd (:math:`|u_{lo}| \le \mathrm{ulp}(u)/2`)."""
    return {
        "logit_quotient": N_RATIO / D_RATIO,
        "logit_remainder": exact_fma(-Q_RATIO, D_RATIO, N_RATIO),  # exact: the remainder of a rounded quotient
        "logit_low": (REM_RATIO + N_RATIO_LO) / D_RATIO,
    }


# log1mexp for float64 results (prims.c, sp_log1mexp): u = (n + n_lo)/(d + d_lo) as q + u_lo
D_RATIO_LO = sp.Symbol("d_lo")
SP_LOG1MEXP = sp.Function("sp_log1mexp")  # log1mexp(x) for double results (prims.c)
LOG1MEXP_SPLIT = -0.34  # SP_LOG1MEXP_SPLIT: x above it takes expm1's series (|x| <= 0.35: no reduction, k = 0)
LOG1MEXP_SMALL = -40.0  # SP_LOG1MEXP_SMALL: x below it gives -e^x from sp_exp_dd (log(1 - e^x) = -e^x to 2^-58.7)
LOG1MEXP_TINY = -700.0  # SP_LOG1MEXP_TINY: x below it gives -decay (sp_exp_dd's subnormal lo would matter: 2^-65 above it)
LOGMEANEXP_ETA = 2.0**-52  # SP_LME_ETA: logmeanexp's first stage, L's relative error for n <= 2^24 (fp.logmeanexp.certified)


def log1mexp_ratio_pieces() -> dict[str, sp.Expr]:
    r"""The ratio :math:`u = (n + n_{lo})/(d + d_{lo}) \ge 0` of ``rewrite.log1mexp_ratio`` as :math:`q + u_{lo}`, one
    operation a line: near 0 :math:`n + n_{lo} = 1 + s + s_{lo}` and :math:`d + d_{lo} = -(s + s_{lo})` with
    :math:`s + s_{lo} = \operatorname{expm1}(x)`; elsewhere :math:`n + n_{lo} = e^x` (sp_exp_dd, renormalised) and
    :math:`d + d_{lo} = 1 - e^x` (TwoSum, then the low parts' difference rounded once). :math:`q = \mathrm{fl}(n/d)`,
    its remainder :math:`n - qd` exact by one FMA (Bohlender et al. 1991), then :math:`u_{lo} = ((n - qd + n_{lo}) -
    q d_{lo})/d`: :math:`(n + n_{lo})/(d + d_{lo}) = q + (n - qd + n_{lo} - q d_{lo})/(d + d_{lo})` exactly, and
    dividing by d instead of :math:`d + d_{lo}` moves a value below :math:`2^{-50}u` by :math:`2^{-50}` of itself
    (Gappa: fp.expm1.ratio). A Fast2Sum in the skeleton renormalises the pair for sp_log1p_dd."""
    return {
        "expm1_quotient": N_RATIO / D_RATIO,
        "expm1_remainder": exact_fma(-Q_RATIO, D_RATIO, N_RATIO),  # exact: the remainder of a rounded quotient
        "expm1_low": fma(-Q_RATIO, D_RATIO_LO, REM_RATIO + N_RATIO_LO) / D_RATIO,
    }


def logit_constants() -> list[tuple[str, float]]:
    """sp_logit's constants: the threshold below which x is scaled, the scale, and LOGIT_SCALE ln 2 as the double-double
    hi + lo (hi the double nearest, lo the double nearest the rest: within 2^-107 of it, relative; mpmath at 400 bits)."""
    import mpmath

    with mpmath.workprec(400):
        shift = LOGIT_SCALE * mpmath.log(2)
        hi = float(shift)
        lo = float(shift - hi)
    return [("SP_LOGIT_TINY", LOGIT_TINY), ("SP_LOGIT_SCALE", float(2**LOGIT_SCALE)), ("SP_LOGIT_SHIFT_HI", hi), ("SP_LOGIT_SHIFT_LO", lo)]


# log1mexp for float32 results (prims.c, sp_log1mexp_single; rewrite.log1mexp_ratio): -log1p(u), u = e^x/(1 - e^x)
T_M1, W_M1 = sp.Symbol("t"), sp.Symbol("w")
SP_LOG1MEXP_SINGLE = sp.Function("sp_log1mexp_single")  # log1mexp(x) for float32 results (prims.c)
LOG1MEXP_NEAR = 2.0**-10  # SP_LOG1MEXP_NEAR: t = -x below it takes the series of -expm1(-t)
EXPM1_TERMS = 4  # the series' terms: t - t^2/2 + t^3/6 - t^4/24


def expm1_pieces() -> dict[str, sp.Expr]:
    r"""The ratio :math:`u = e^{-t}/(1 - e^{-t})` of ``rewrite.log1mexp_ratio`` (t = -x > 0), one operation a line
    (no FMA: the proof holds in every build). Far from 0 (:math:`t \ge 2^{-10}`): ``decay/(1 - decay)`` from the exp
    kernel's :math:`e^{-t}`, whose relative error the subtraction amplifies by :math:`d/(1 - d) \le 1024` at most.
    Near 0, where :math:`1 - e^{-t}` cancels: :math:`w = -\mathrm{expm1}(-t)` by its alternating series
    :math:`t - t^2/2 + t^3/6 - t^4/24` in Horner's form (the first left out, :math:`t^5/120`, bounds the rest:
    :math:`2^{-46.9}` of w for :math:`t < 2^{-10}`), then :math:`(1 - w)/w` (Gappa: fp.expm1.series, the composition
    in fp.log1mexp.float32). The coefficients 1/6 and 1/24 are the nearest doubles."""
    series = sp.Float(-1.0 / 24.0, 17)
    for coefficient in (1.0 / 6.0, -0.5, 1.0):
        series = T_M1 * series + sp.Float(coefficient, 17)
    return {
        "expm1_series": sp.Mul(T_M1, series, evaluate=False),
        "expm1_near_ratio": (1 - W_M1) / W_M1,
        "expm1_far_ratio": DECAY / (1 - DECAY),
    }


# the derived kernels of element-wise functions (Function.c_rewrite, c_single_rewrite): the rewrite whose stable side
# each evaluates, and its call in the C piece
DERIVED_KERNELS: tuple[tuple[Rewrite, sp.Expr], ...] = ((rw.LOGIT_C, SP_LOGIT(X)), (rw.LOG1MEXP_SINGLE_C, SP_LOG1MEXP_SINGLE(DECAY, X)),
                                                       (rw.LOG1MEXP_C, SP_LOG1MEXP(DECAY, X)))


def derived_call(rewrite: Rewrite) -> sp.Expr:
    """The C piece of an element-wise function whose C form is ``rewrite``: its derived kernel called on x."""
    for known, call in DERIVED_KERNELS:
        if known is rewrite:
            return call
    raise ValueError(f"no derived C kernel evaluates {rewrite.id}; derived: {', '.join(k.id for k, _ in DERIVED_KERNELS)}")


# log p = q + ql - (L + L_lo) (prims.c, log_share_of): q - L = head + head_error by Fast2Sum in the skeleton
HEAD_SHARE, HEAD_ERROR_SHARE, QL_SHARE, L_LO_SHARE = (sp.Symbol(name) for name in ("head", "head_error", "ql", "L_lo"))
Q_SHARE, L_SHARE = sp.Symbol("q"), sp.Symbol("L")
LOW_SHARE, TAIL_SHARE = sp.Symbol("low"), sp.Symbol("tail")


def log_share_pieces() -> dict[str, sp.Expr]:
    r""":math:`\log p = (x - m)/T - L` (log_softmax's entries, cross-entropy's loss negated) rounded once up to
    :math:`O(u^2)`, for :math:`L + L_{lo}` in double-double (log_normaliser) and :math:`q + ql = (x - m)/T`
    (rewrite.exact_shift). :math:`q \le 0 \le L`: q - L adds two values of one sign, no cancellation, and
    Fast2Sum (the larger magnitude first) gives it as head + head_error exactly; the small parts :math:`ql - L_{lo}` and head_error are
    within an ulp of head each, so their two roundings cost :math:`O(u^2)` of the result, and the last
    addition rounds once (one operation a line, in this order; Gappa:
    fp.log_softmax.assembly.float64)."""
    return {
        "log_share_head": Q_SHARE - L_SHARE,  # float32 results: q - L rounded once (fp.log_softmax.float32)
        "log_share_low": QL_SHARE - L_LO_SHARE,
        "log_share_tail": HEAD_ERROR_SHARE + LOW_SHARE,
        "log_share": HEAD_SHARE + TAIL_SHARE,
    }


# one merge of two mergeable log-sum-exp states (state.c, merge_finite): b's sum s_hi + s_lo rescaled by the
# triple-double factor f_hi + f_mid and added to a's t (TwoSum pairs in the skeleton)
F_HI, F_MID, S_HI, S_ERR, S_LO = (sp.Symbol(name) for name in ("f_hi", "f_mid", "s_hi", "s_err", "s_lo"))
B_LO, V_HI, PRODUCT_ERROR, CROSS = (sp.Symbol(name) for name in ("b_lo", "v_hi", "product_error", "cross"))
SUM_ERROR, V_LO, TAIL, A_LO = (sp.Symbol(name) for name in ("sum_error", "v_lo", "tail", "a_lo"))


def merge_pieces() -> dict[str, sp.Expr]:
    r"""The rounded lines of one merge, one operation or one FMA each, so that their order is the
    printed one: :math:`F S_b` as :math:`v_{hi} + v_{lo}` (the product's error by an exact FMA, the
    cross terms of the double-doubles), added to :math:`a`'s :math:`t_{hi} + t_{lo}` (Gappa: fp.state.merge)."""
    return {
        "merge_sum_lo": S_ERR + B_LO,  # b's ties + t_hi = s_hi + s_err (TwoSum), then + t_lo
        "merge_product": F_HI * S_HI,
        "merge_product_error": exact_fma(F_HI, S_HI, -V_HI),  # exact: f_hi s_hi - v_hi
        "merge_cross": F_HI * S_LO + F_MID * S_HI,
        "merge_product_lo": PRODUCT_ERROR + CROSS,
        "merge_tail": SUM_ERROR + V_LO,  # a's t_hi + v_hi = hi + sum_error (TwoSum)
        "merge_low": A_LO + TAIL,
    }


def _reciprocal(expr: sp.Expr) -> bool:
    """True for ``1/d``: the shape whose two branches share a denominator (sigmoid)."""
    return isinstance(expr, sp.Pow) and expr.exp == -1


def _one_division(piecewise: sp.Piecewise) -> sp.Expr:
    """Piecewise((u/(1 + d), c), (1/(1 + d), True)) -> Piecewise((u, c), (1, True)) / (1 + d), checked equal.

    The same value with one division instead of two (both branches run in a vector loop); a
    denominator 1 + decay becomes :data:`SP_QUOTIENT_1P` (one rounding, :func:`quotient_pieces`).
    """
    (first, condition), (second, _) = piecewise.args
    denominator = 1 / second
    numerator = sp.Piecewise((sp.simplify(first * denominator), condition), (1, True))
    merged = numerator / denominator
    if sp.simplify(sp.piecewise_fold(merged - piecewise)) != 0:
        raise RuntimeError(f"{merged} is not {piecewise}")
    if sp.expand(denominator - DECAY) == 1:
        return SP_QUOTIENT_1P(numerator, DECAY)
    return merged


def exp_constants() -> list[tuple[str, float]]:
    kernel = exp_kernel()
    return [("SP_INV_LN2", kernel.inv_ln2), ("SP_SHIFTER", kernel.shifter), ("SP_LN2_HI", kernel.ln2_hi), ("SP_LN2_LO", kernel.ln2_lo)]


def c_pieces() -> dict[str, sp.Expr]:
    """name -> scalar expression printed into the C template."""
    pieces = _exp_pieces()
    pieces.update(log1p_pieces())
    pieces.update(quotient_pieces())
    pieces.update(reciprocal_pieces())
    pieces.update(log_share_pieces())
    pieces.update(merge_pieces())
    pieces.update(logit_ratio_pieces())
    pieces.update(log1mexp_ratio_pieces())
    pieces.update(expm1_pieces())
    pieces.update(single_log1p_pieces())
    pieces.update(
        extra=EXTRA_LINE.expr,  # c - 1 (cross_entropy's gradient at a maximal target)
        softmax=final_fma(E, INV_HI, E * INV_LO),  # e / (c + t) with 1/(c + t) = inv_hi + inv_lo
        ce_grad_target=CE_GRAD_TARGET.expr,
    )
    for function in FUNCTIONS:
        if function.form.name != "elementwise":
            continue
        if function.c_rewrite is not None:
            pieces[function.name] = derived_call(function.c_rewrite)
        else:
            pieces[function.name] = elementwise_piece(function.name, KERNELS[function.name].lines[-1].expr)
            if pieces[function.name].has(SP_QUOTIENT_1P):  # float32 results: one plain division (fp.sigmoid.float32)
                pieces[f"{function.name}{SINGLE_SUFFIX}"] = pieces[function.name].replace(SP_QUOTIENT_1P, lambda num, d: num / (d + 1))
            if pieces[function.name].has(SP_LOG1P_DIFF):  # float32 results: the short log1p (fp.log_sigmoid.float32)
                pieces[f"{function.name}{SINGLE_SUFFIX}"] = pieces[function.name].replace(SP_LOG1P_DIFF, SP_LOG1P_DIFF_SINGLE)
        if function.c_single_rewrite is not None:
            pieces[f"{function.name}{SINGLE_SUFFIX}"] = derived_call(function.c_single_rewrite)
    return pieces


SINGLE_SUFFIX = "_single"  # the variant of an element-wise piece for float32 results, where one exists


def elementwise_piece(name: str, expr: sp.Expr) -> sp.Expr:
    """An element-wise kernel as the C loop evaluates it: of ``x`` and ``decay`` = e^-|x| only.

    ``exp(-|x|)`` becomes the loop's ``decay`` (one exp per entry, never overflowing), ``log1p`` of a
    nonnegative argument the derived ``sp_log1p`` (C99 ``log1p``, ``expm1`` and ``log`` otherwise), and a two-branch Piecewise over one denominator takes one division.
    """
    # the derived kernel where its argument is >= 0 (its domain); C99 log1p elsewhere (log1p(-e^x))
    derived = expr.replace(lambda e: isinstance(e, log1p) and bool(e.args[0].is_nonnegative), lambda e: SP_LOG1P(*e.args))
    piece = derived.xreplace({sp.exp(-sp.Abs(X)): DECAY})
    # a constant such as log 2 (a branch point) becomes the nearest double, not a POSIX macro like M_LN2
    piece = piece.replace(lambda e: isinstance(e, sp.Function) and e.is_number, lambda e: sp.Float(e.evalf(30), 30))
    if isinstance(piece, sp.Piecewise) and len(piece.args) == 2 and piece.args[1].cond is sp.true and _reciprocal(piece.args[1].expr):
        piece = _one_division(piece)
    piece = _log1p_difference(piece)
    stray = piece.free_symbols - {X, DECAY}
    if stray or piece.has(sp.exp):
        raise ValueError(f"the element-wise kernel {name} = {expr} must be a function of x and exp(-|x|) only; it has {stray or 'another exp'}")
    return piece


def _log1p_difference(piece: sp.Expr) -> sp.Expr:
    """``A - log1p(decay)`` with ``A <= 0`` for every real x -> ``sp_log1p_diff(A, decay)`` (log_sigmoid's
    min(x, 0) - log1p(e^-|x|)), and ``A + log1p(decay)`` with ``A >= 0`` -> ``-sp_log1p_diff(-A, decay)``
    (softplus): the same value, rounded once up to O(u^2) instead of three roundings (libm's log1p, the
    sum), and in vector lanes. Soundness: sp_log1p_diff(q, d) evaluates q - log1p(d) for d >= 0 (decay is
    in (0, 1]), and negation is exact; its Fast2Sum picks the larger magnitude by comparing q with
    -log1p(d), right when both are <= 0, which the sign of ``A`` (x real) guarantees; any other piece is
    returned unchanged."""
    real = {X: sp.Symbol("x", real=True)}
    for sign in (-1, 1):
        rest = piece - sign * log1p(DECAY)
        if not piece.has(log1p(DECAY)) or rest.has(log1p) or sp.expand(rest + sign * log1p(DECAY) - piece) != 0:
            continue
        if sign == -1 and rest.xreplace(real).is_nonpositive is True:
            return SP_LOG1P_DIFF(rest, DECAY)
        if sign == 1 and rest.xreplace(real).is_nonnegative is True:
            return -SP_LOG1P_DIFF(-rest, DECAY)
    return piece


def c_wide_pieces() -> dict[str, sp.Expr]:
    """Pieces printed in long double: the textbook shift form for the rows where m + T L cancels,
    and the segment scaling of long rows read once."""
    wide_sum = sp.Symbol("wide_sum")
    shifted = SMOOTH_MAX_STABLE.xreplace({m: M}).replace(lambda e: isinstance(e, sp.Sum), lambda e: wide_sum)
    # long rows read once (rewrite.blocked_shift): a segment's factor e^q, q = (mu - m)/T, its
    # scaled sum and its softmax scale e^q / (c + t)
    factor, q = sp.Symbol("factor"), sp.Symbol("q")
    ties, t_hi, t_lo = sp.Symbol("segment_ties"), sp.Symbol("segment_hi"), sp.Symbol("segment_lo")
    return {
        "wide_term": sp.exp((X - M) / T),
        "logsumexp_wide": shifted,
        "segment_factor": sp.exp(q),
        "segment_term": factor * (ties + t_hi + t_lo),
        "segment_scale": factor / sp.Symbol("total"),
    }


# the claims each C section cites
C_CLAIMS: dict[str, tuple[Claim, ...]] = {
    "exp": (ek.RANGE_REDUCTION, ek.CODY_WAITE_EXACT, ek.LN2_SPLIT, ek.POLYNOMIAL_ERROR),
    "exp_single": (ek.RANGE_REDUCTION, ek.CODY_WAITE_EXACT, ek.LN2_SPLIT, ek.POLYNOMIAL_ERROR_SINGLE),
    "fast_exp": (ek.RANGE_REDUCTION, ek.FAST_CODY_WAITE_EXACT, ek.FAST_LN2_SPLIT, ek.FAST_POLYNOMIAL_ERROR),
    "fast_log1p": (lk.ATANH_FORM, lk.FAST_POLYNOMIAL_ERROR),
    "log1p_single": (lk.ATANH_FORM, lk.SINGLE_POLYNOMIAL_ERROR),
    "log1p": (lk.REDUCTION, lk.ATANH_FORM, lk.POLYNOMIAL_ERROR, ek.CODY_WAITE_EXACT),
    "logit": (rw.LOGIT_RATIO,),
    "log1mexp_single": (rw.LOG1MEXP_RATIO,),
    "exact_shift": (rw.EXACT_SHIFT,),
    "softmax": (rw.SOFTMAX_TIES_SPLIT,),
    "log_softmax": (rw.LOG_SOFTMAX_TIES_LOG1P,),
    "logsumexp": (rw.LSE_TIES_LOG1P, rw.SMOOTH_MAX_SHIFT),
    "cross_entropy": (rw.CROSS_ENTROPY_LSE, rw.LSE_TIES_LOG1P),
    "ce_grad_target": (rw.CE_GRAD_TARGET,),
    "logsumexp_wide": (rw.SMOOTH_MAX_SHIFT,),
    "blocked": (rw.BLOCKED_SHIFT,),
    "state": (st.STATE_FINISH_MERGE, st.STATE_MERGE_ALGEBRA),
    "logmeanexp": (cv.LOGMEANEXP_RATIO,),
}


@dataclass(frozen=True)
class Piece:
    """A scalar expression of the C kernels, printed as a whole function ``piece_<name>`` of its free
    symbols (alphabetical; ``SP_*`` constants are globals). ``primitive``: used inside the exp and
    log1p primitives (printed before them); ``wide``: in long double."""

    name: str
    expr: sp.Expr
    primitive: bool = False
    wide: bool = False
    single: bool = False  # in binary32 (the fast tier)
    signature: tuple[sp.Symbol, ...] | None = None  # the parameters when fixed by the skeleton's contract

    @property
    def params(self) -> tuple[sp.Symbol, ...]:
        if self.signature is not None:
            return self.signature
        return tuple(sorted((s for s in self.expr.free_symbols if not s.name.startswith("SP_")), key=lambda s: s.name))

    @property
    def function(self) -> str:
        return f"piece_{self.name}"

    def definition(self) -> str:
        return print_c_function(self.function, self.expr, self.params, self.wide, self.single)



def pieces() -> dict[str, Piece]:
    """Every piece the C skeleton calls: reductions become the loop's accumulators. Built once per process
    (the derivation takes about 15 ms, and the Gappa scripts ask for it about two thousand times); each call
    returns its own dictionary of the same frozen pieces."""
    return dict(_pieces())


@cache
def _pieces() -> dict[str, Piece]:
    dot = sp.Symbol("dot")

    def last(name: str) -> sp.Expr:
        return KERNELS[name].lines[-1].expr

    def accumulate(expr: sp.Expr, into: sp.Symbol) -> sp.Expr:
        return expr.replace(lambda e: isinstance(e, ReduceSum), lambda e: into)

    scalar = {
        "ties": last("ties"),
        "uniform": last("uniform"),
        "cross_entropy_grad": last("cross_entropy_grad"),
        "softmax_backward": accumulate(last("softmax_backward"), dot),
        "log_softmax_backward": accumulate(last("log_softmax_backward"), sp.Symbol("total")),
        **c_pieces(),
    }
    primitive = {name for name in scalar if name.startswith(("exp_", "log1p_", "quotient_", "merge_", "log_share", "logit_", "expm1_"))}
    out = {name: Piece(name, expr, primitive=name in primitive) for name, expr in scalar.items()}
    for function in FUNCTIONS:  # the element-wise loop calls piece_<name>(decay, x) for every such function
        if function.form.name == "elementwise":
            uses_decay = DECAY in scalar[function.name].free_symbols
            for name in (function.name, function.name + SINGLE_SUFFIX):
                if name in scalar:
                    out[name] = Piece(name, scalar[name], signature=(DECAY, X) if uses_decay else (X,))
    out.update({name: Piece(name, expr, wide=True) for name, expr in c_wide_pieces().items()})
    out.update({name: Piece(name, expr, single=True) for name, expr in (*fast_exp_pieces().items(), *fast_log1p_pieces().items())})
    return out


def printed_pieces() -> tuple[dict[str, str], dict[str, str]]:
    """(section -> the printed piece functions, name -> the claims cited)."""
    every = pieces()
    sections = {
        "primitive": "\n".join(p.definition() for p in every.values() if p.primitive),
        "kernel": "\n".join(p.definition() for p in every.values() if not p.primitive and not p.single),
        "fast": "\n".join(p.definition() for p in every.values() if p.single),
    }
    claims = {name: "proved: " + kernel.lines[-1].proof.id for name, kernel in KERNELS.items()}
    claims.update({f.name: "proved: " + f.c_rewrite.id for f in FUNCTIONS if f.c_rewrite is not None})
    claims.update({f.name + SINGLE_SUFFIX: "proved: " + f.c_single_rewrite.id for f in FUNCTIONS if f.c_single_rewrite is not None})
    claims["smooth_max_limit"] = "proved: " + SMOOTH_MAX_LIMIT.id
    claims.update({name: "proved: " + ", ".join(c.id for c in proofs) for name, proofs in C_CLAIMS.items()})
    return sections, claims
