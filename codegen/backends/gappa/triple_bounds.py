r"""The bounds of the triple-double arithmetic and of logsumexp's triple-double stage, and the compositions that
combine them (the claims ``fp.triple.*`` and ``fp.logsumexp.certified_triple.float64`` in
:mod:`~softproof.codegen.backends.gappa.claims`): the operations' rounding errors are proved by Gappa in their frames
(:mod:`~softproof.codegen.backends.gappa.triple_scripts`) and composed here in exact rational arithmetic, the argument
beside each combining function.

Notation: :math:`u = 2^{-53}`; a triple is *normalised* when :math:`|x_m| \le N|x_h|` and :math:`|x_l| \le N|x_m|`,
:math:`N = 2^{-51}`; then :math:`|x_m + x_l| \le N(1 + N)|x_h|` and :math:`|x_h| \le H|x|`,
:math:`H = 1/(1 - N - N^2)`. Every rounding to nearest satisfies :math:`|\mathrm{RN}(v) - v| \le u|v| + 2^{-1075}`
(relative for a normal result, half a subnormal ulp below), and a sum that lands below :math:`2^{-1022}` is exact.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ...kernels import LOGSUMEXP_ERRORS
from .triple_scripts import EXP_DOMAIN, NORMALISED, POLY_RADIUS, triple_parts
from .units import WITHIN_ULP, U, exp_upper

__all__ = ["exp_total", "div_total", "log_total", "mean_stage_ulps", "merge_factor_total", "product_below", "renorm_factor", "state_finish_triple_total", "state_merge_triple_total", "state_refine_total", "table_error", "triple_single_decided",
           "triple_stage_ulps"]

N = NORMALISED
H = 1 / (1 - N - N * N)  # |x_h| <= H |x| for a normalised x
LOW = N * (1 + N)  # |x_m + x_l| <= LOW |x_h|
SUBNORMAL = Fraction(1, 2**1074)

ADD_BOUND = Fraction(1, 2**152)  # Gappa: 2^-152.19
MUL_BOUND = Fraction(11, 10) / 2**146  # Gappa: 2^-146.07
MUL_D_BOUND = Fraction(1, 2**146)  # Gappa: 2^-146.29
MUL_ABSOLUTE = 6 * SUBNORMAL  # the product's perturbations in place (frame) or its subnormal roundings (below 2^-975)
REDUCE_BOUND = Fraction(3, 2**145)  # Gappa: 2^-143.75
REDUCE_RANGE = Fraction(54153, 10**7)  # |y_h - i ln2/64|; Gappa: 0.0054152123482
POLY_BOUND = Fraction(1, 2**150)  # Gappa: 2^-150.38
POLY_RANGE = Fraction(10055, 10000)  # |P|; Gappa: 1.00543
FAST_SUM_RATIO = Fraction(1, 2**50)  # |f/s| at duo_mul_add's Fast2Sums; Gappa: 2^-52.3 at most
TABLE_BOUND = Fraction(1, 2**155)  # 2^(j/64) and ln 2 as triples, relative
EXP_BOUND = Fraction(1, 2**143)
EXP_ABSOLUTE = 3 * SUBNORMAL / 2  # the final scaling: three parts rounded onto the subnormal grid
DIV_BOUND = Fraction(1, 2**150)
DIV_ABSOLUTE = 4  # in units of 2^-1075, and as many of 2^-1075/|d|
LIBM_LOG = Fraction(1, 2**40)  # assumed: the C library's log(s_h) within 2^-40 of log s_h on [2^-63, 2^64]
LOG_BOUND = Fraction(1, 2**142)
LOG_TOP = Fraction(4437, 100)  # |log s| <= log 2^64 = 44.3614... < 44.37 for s in [2^-63, 2^64]
TERM_FLOOR = -745  # the stage keeps the terms whose y_h >= -745
MAX_ENTRIES = 2**62
MERGE_FACTOR_FLOOR = LOGSUMEXP_ERRORS.merge_factor_floor  # merge_finite: below, F's low parts may fall onto the subnormal grid
MERGE_FACTOR_BOUND = Fraction(1, 2**103)  # fp.state.merge's hypothesis on f_hi + f_mid
STATE_FACTOR_LOW = Fraction(1, 2**938)  # e^-650.01 > 2^-938: the smallest factor the merge's relative bounds cover

def product_below(frame: Fraction) -> Fraction:
    r"""The product's bound, both regimes: the frame's (its Gappa part, :math:`|Z - xy - U| \le G` there, and the six
    perturbations U that reach the result, each below :math:`2^{-1074}` in place) where :math:`|x_h y_h| \ge
    2^{-975}`; below, by hand: there :math:`|p_0| < 2^{-974}`, every other product, residual and TwoSum error is below
    :math:`2^{-1025}` (at most :math:`2^{-50}` of :math:`|x_h y_h|`, or u of it), so the low sum
    :math:`t + t_2 + q_1 + q_2 + p_3` and its partial sums lie below :math:`2^{-1022}` and are exact, and so are the two
    TwoSums and triple_renorm: :math:`Z = p_0 + q_0 + p_1 + q_1 + p_2 + q_2 + p_3`. What remains is each residual's
    rounding into the subnormal range (three, :math:`2^{-1075}` each), p_3's three products (below :math:`2^{-1022}`:
    :math:`2^{-1075}` each, its two sums exact) and the dropped :math:`x_m y_l + x_l y_m + x_l y_l`, at most
    :math:`3 N^3 |x_h y_h|`: so :math:`|Z - xy| \le 3 N^3|x_h y_h| + 3 \cdot 2^{-1074}`. The claim's bound covers both
    where ``frame`` (the Gappa part's stated bound) covers :math:`3N^3`."""
    return frame if 3 * N**3 <= frame else Fraction(1)


def renorm_factor() -> Fraction:
    r"""triple_renorm(a, b, c) returns a normalised triple: :math:`|m| \le \mu|h|`, :math:`|l| \le u|m|`, :math:`\mu
    \le 2^{-51}`.

    Its five TwoSums: (s, e) of b + c, (t, f) of a + s, (s', e') of f + e, (h, f') of t + s', (m, l) of f' + e';
    each error is at most u times its sum (:math:`|e| \le u|s|`, ..., :math:`|l| \le u|m|`). If f = 0 (a + s exact),
    s' = e exactly, e' = 0 and m = f': :math:`|m| \le u|h|`. Otherwise a + s is inexact, so by Sterbenz' lemma a and
    s have the same sign, or one is more than twice the other in magnitude: in each case :math:`|a + s| \ge |s|/2`,
    so :math:`|s| \le 2|t|/(1 - u)`. Then :math:`|s'| \le (u|t| + u|s|)(1 + u) \le c_1 u|t|`, :math:`c_1 = (1 + 2/(1 -
    u))(1 + u)`, :math:`|e'| \le c_1u^2|t|`, and
    :math:`|h| \ge |t + s'|(1 - u) \ge |t|(1 - c_1u)(1 - u)`; so :math:`|m| \le (|f'| + |e'|)(1 + u) \le
    u|h|(1 + uc_1/((1 - uc_1)(1 - u)))(1 + u)`. (h = 0 forces t + s' = 0, hence f = 0 by the above and m = f' = 0.)
    The sums are exact wherever they land below :math:`2^{-1022}`, so the same holds there."""
    c1 = (1 + 2 / (1 - U)) * (1 + U)
    return max(U * (1 + U * c1 / ((1 - U * c1) * (1 - U))) * (1 + U), U)


def _rational(raw: tuple[int, int, int, int]) -> Fraction:
    """An mpmath raw mpf (sign, mantissa, exponent, bits) as an exact rational."""
    sign, mantissa, exponent, _ = raw
    value = Fraction(mantissa) * (Fraction(2) ** exponent)
    return -value if sign else value


def table_error() -> Fraction:
    r"""The triple constants of triple_exp_domain: 2^(j/64) (j = 0..63) and ln 2, each normalised and within the
    returned relative error of the real number, by mpmath's interval arithmetic at 600 bits (outward rounded: the
    enclosure [lo, hi] holds the real number, and :math:`|V - v|/v \le \max(|V - lo|, |V - hi|)/lo`). A constant that is
    not normalised makes the bound 1 (the claim then fails)."""
    import mpmath

    from ..c.target import triple_constants

    constants = triple_constants()
    iv = mpmath.iv
    saved = iv.prec
    iv.prec = 600
    try:
        pairs = [(triple_parts(text), iv.mpf(2) ** (iv.mpf(j) / 64)) for j, text in enumerate(constants["powers"])]
        pairs.append((triple_parts(str(constants["ln2"])), iv.log(2)))
        worst = Fraction(0)
        for parts, enclosure in pairs:
            h, m, l = (Fraction(float.fromhex(p)) if p != "0" else Fraction(0) for p in parts)  # noqa: E741
            if abs(m) > N * abs(h) or abs(l) > N * abs(m):
                return Fraction(1)
            value = h + m + l
            low, high = (_rational(end) for end in enclosure._mpi_)
            worst = max(worst, max(abs(value - low), abs(value - high)) / low)
    finally:
        iv.prec = saved
    return worst


def exp_total() -> Fraction:
    r"""triple_exp_domain(y)'s relative error for normalised y with :math:`y_h \in [-750, 45]`: :math:`|E - e^y| \le
    \epsilon e^y + 3 \cdot 2^{-1075}` (the absolute part from the final scaling).

    :math:`e^y = 2^k 2^{j/64} e^{R}`, :math:`R = y - i\ln 2/64`, i = 64k + j (k = floor(i/64), j = i - 64k: exact in
    double). The reduction (fp.triple.exp.reduce): :math:`r = R + \rho`, :math:`|\rho| \le` REDUCE_BOUND, and
    :math:`|R| \le |y_h - i\ln 2/64| + |y_m + y_l|`, with :math:`|y_m + y_l| \le` LOW 750; r is triple_add's result,
    normalised (fp.triple.renorm), so :math:`|r_h| \le H|r|`, which must lie within the polynomial's radius. The
    polynomial (fp.triple.exp.poly): :math:`|P - M_0(r)| \le` POLY_BOUND, and :math:`|e^r - M_0(r)| \le
    |r|^{15}e^{|r|}/15!` (Lagrange), so :math:`P = e^r(1 + \alpha)`, :math:`|\alpha| \le (\mathrm{POLY} +
    |r|^{15}e^{|r|}/15!)e^{|r|}`. The table (fp.triple.exp.table): :math:`T_j = 2^{j/64}(1 + \tau)`. The product
    (fp.triple.mul, P and T_j normalised): :math:`Z = PT_j(1 + \theta)`, :math:`|\theta| \le` MUL_BOUND :math:`H^2`
    (its absolute part, the perturbations of products that underflow, is 0: both factors lie near 1 and no part of the
    product below :math:`2^{-210}`). So :math:`2^kZ = e^y e^\rho(1 + \alpha)(1 + \tau)(1 + \theta)`, and the scaling (times_pow2_exp: exact for a normal
    part, one rounding of at most :math:`2^{-1075}` for a subnormal one) adds :math:`3 \cdot 2^{-1075}`. The relative
    part is at most :math:`e^{|\rho|}(1 + |\alpha|)(1 + |\tau|)(1 + |\theta|) - 1` on either side.

    E is normalised: Z is triple_renorm's (:math:`|Z_m| \le \mu|Z_h|`, :math:`|Z_l| \le u|Z_m|`); scaled by
    :math:`2^k` exactly where normal, and where a part rounds into the subnormal range, RN(v) is at most 2|v| and at
    least |v|/1.5 for :math:`|v| \ge 2^{-1074}` (0 below :math:`2^{-1075}`), so :math:`|E_m| \le 2\mu|E_h|` and
    :math:`|E_l| \le 3u|E_m|`, both within N."""
    if 2 * renorm_factor() > N or 3 * U > N or EXP_DOMAIN != (-750, 45):
        return Fraction(1)
    r_abs = REDUCE_RANGE + LOW * 750 + REDUCE_BOUND
    if H * r_abs > POLY_RADIUS:
        return Fraction(1)
    e_r = exp_upper(r_abs)
    remainder = r_abs**15 * e_r / math.factorial(15)
    alpha = (POLY_BOUND + remainder) * e_r
    theta = MUL_BOUND * H * H
    return exp_upper(REDUCE_BOUND) * (1 + alpha) * (1 + table_error()) * (1 + theta) - 1


def div_total() -> Fraction:
    r"""triple_div_d(x, d) for normalised x and a double d != 0: :math:`|q - x/d| \le a|x_h/d| + b\,2^{-1075} +
    c\,2^{-1075}/|d|`; returns a, and fails (1) unless b and c are at most DIV_ABSOLUTE.

    A quotient :math:`q_k = \mathrm{RN}(v/d)` has :math:`|q_kd - v| \le u|v| + 2^{-1075}|d|`. triple_mul_d of
    triple_of(q, 0) = (q, 0, 0) by d is :math:`qd + \eta`, :math:`|\eta| \le 2^{-1075}`: its products by the zero
    parts are 0, its low sums add zeros, and p + residual is qd up to the residual's rounding into the subnormal range.
    With :math:`A = |x_h|`: :math:`r_1 = x - (q_0d + \eta_0) + a_1`, :math:`|a_1| \le \epsilon_A\max(|x_h|, |P_{0h}|)`
    (fp.triple.add), so :math:`|r_1| \le (u + \mathrm{LOW})A + 2^{-1075}(|d| + 1) + |a_1|`; likewise :math:`r_2` from
    :math:`r_1` (its head within :math:`H|r_1|`, its low parts within LOW H :math:`|r_1|`); then :math:`q_2 =
    \mathrm{RN}(r_{2h}/d)`. Since :math:`x/d = q_0 + q_1 + (r_2 + \eta_0 + \eta_1 - a_1 - a_2)/d` and triple_renorm(q_0,
    q_1, q_2) is exact, :math:`|q - x/d| \le |q_2 - r_2/d| + (|\eta_0| + |\eta_1| + |a_1| + |a_2|)/|d|`, with
    :math:`|q_2 - r_2/d| \le (u H|r_2| + \mathrm{LOW}\,H|r_2|)/|d| + 2^{-1075}`. Each bound is kept as
    :math:`(\alpha, \beta, \gamma)`: :math:`\alpha A + \beta 2^{-1075}|d| + \gamma 2^{-1075}`."""
    def add(*terms: tuple[Fraction, Fraction, Fraction]) -> tuple[Fraction, Fraction, Fraction]:
        return (sum((t[0] for t in terms), Fraction(0)), sum((t[1] for t in terms), Fraction(0)), sum((t[2] for t in terms), Fraction(0)))

    def scale(k: Fraction, t: tuple[Fraction, Fraction, Fraction]) -> tuple[Fraction, Fraction, Fraction]:
        return (k * t[0], k * t[1], k * t[2])

    one, zero = Fraction(1), Fraction(0)
    eta = (zero, zero, one)
    quotient = (zero, one, zero)  # the quotient's absolute rounding, times |d|
    p0 = add((1 + U, zero, zero), quotient, eta)  # |P_0| <= A + |q_0 d - x_h| + |eta_0|
    a1 = scale(ADD_BOUND * H, p0)  # max(|x_h|, |P_0h|) <= H |P_0|
    r1 = add((U + LOW, zero, zero), quotient, eta, a1)
    p1 = add(scale(H * (1 + U), r1), quotient, eta)
    a2 = scale(ADD_BOUND * H, p1)
    r2 = add(scale(U * H + LOW * H, r1), quotient, eta, a2)
    last = add(scale(U * H + LOW * H, r2), eta, eta, a1, a2)
    # divided by |d|: alpha |x_h/d| + beta 2^-1075 + gamma 2^-1075/|d|; and q_2's own absolute 2^-1075
    alpha, beta, gamma = last[0], last[1] + 1, last[2]
    return alpha if beta <= DIV_ABSOLUTE and gamma <= DIV_ABSOLUTE else Fraction(1)


def _newton_step(d: Fraction) -> Fraction:
    r"""One Newton step of triple_log from :math:`|D| \le d`, :math:`D = L - \log s`: the next :math:`|D'|`.

    E = triple_exp_domain(-L) (:math:`-L_h \in [-750, 45]`): :math:`|E - e^{-L}| \le \epsilon_E e^{-L} + a_E`; so
    :math:`sE = e^{-D}(1 + \epsilon) + s a_E` (:math:`s e^{-L} = e^{-D}`, :math:`s \le 2^{64}(1 + N)`). P = triple_mul(s,
    E): :math:`|P - sE| \le \epsilon_M H^2|sE| + 6\cdot 2^{-1074}`; N' = triple_add(P, -1): within :math:`\epsilon_A
    \max(H|P|, 1)`; L' = triple_add(L, N'): within :math:`\epsilon_A H\max(|L|, |N'|)`. Then :math:`D' = (D + e^{-D} -
    1) + e^{-D}\epsilon + s a_E + (P - sE) + \nu + \omega` and :math:`|D + e^{-D} - 1| \le D^2 e^{|D|}/2`."""
    e_d = exp_upper(d)
    s_exp_abs = 2**64 * (1 + N) * EXP_ABSOLUTE
    product = e_d * (1 + EXP_BOUND) + s_exp_abs  # |sE|
    mul_error = MUL_BOUND * H * H * product + MUL_ABSOLUTE
    p = product + mul_error  # |P|
    nu = ADD_BOUND * max(H * p, Fraction(1))
    n_prime = p + 1 + nu
    omega = ADD_BOUND * H * max(LOG_TOP + 1 + d, n_prime)
    return d * d * e_d / 2 + e_d * EXP_BOUND + s_exp_abs + mul_error + nu + omega


def log_total() -> Fraction:
    r"""triple_log_lanes(s) for normalised s with :math:`s_h \in [2^{-63}, 2^{64}]`: :math:`|L - \log s| \le` the returned
    bound. :math:`L_0` = (log(s_h), 0, 0) from the C library, within LIBM_LOG of :math:`\log s_h` (the assumption), and
    :math:`|\log s - \log s_h| \le -\log(1 - \mathrm{LOW}) \le \mathrm{LOW}/(1 - \mathrm{LOW})`; then two Newton steps
    (:func:`_newton_step`), each with :math:`|L| \le 44.4`, so :math:`-L_h` in triple_exp_domain's domain."""
    d = LIBM_LOG + LOW / (1 - LOW)
    for _ in range(2):
        d = _newton_step(d)
    return d


def triple_stage_ulps() -> Fraction:
    r"""ULPs of a float64 result that logsumexp's triple-double stage (logsumexp_exact_rows) certifies:
    :math:`B = (n + 64)\,2^{-140}(|m| + T(|L_h| + 1)) \le 2^{-53.5}|\mathrm{out}|` (B computed in five roundings).

    The stage: for each entry :math:`x \ne m`, :math:`y = (x - m)/T` as a triple (T = 1: triple_of of TwoSum's exact
    pair; else triple_quotient: (d + l)/(T h), d + l = (x - m)h exactly but for halving a subnormal (:math:`2^{-1074}`
    at most, divided by T/2 > 1/2), scaled by :math:`2^{200}` below :math:`Th = 2^{-900}` so that the divisor is at
    least :math:`2^{-900}`: fp.triple.div gives :math:`|\hat y - y| \le \delta_y = a H\cdot 745.01 + 4\cdot 2^{-1075} +
    4\cdot 2^{-1075+900} + 2^{-1073}`); the terms with :math:`\hat y_h \ge -745` by fp.triple.exp, each within
    :math:`\epsilon_t = (1 + \epsilon_E)e^{\delta_y} - 1` relative and :math:`3\cdot 2^{-1075}`; those left out are
    below :math:`e^{-745} < 2^{-1074}` each (x = -inf, x - m below -DBL_MAX with T <= 1: 0). Their sum in entry order
    by triple_add (all positive: each step within :math:`\epsilon_A H` of its two operands' sum), then the ties c:
    :math:`|s - S| \le \theta S + n\,2^{-1070}`, :math:`\theta = (1 + \epsilon_t)(1 + \epsilon_AH)^{n + 1} - 1`,
    S the exact sum (:math:`S \ge c \ge 1`, :math:`s_h \in [1/2, 2^{63}]` for :math:`n \le 2^{62}`). The log
    (fp.triple.log): :math:`|\hat L - \log S| \le \lambda = \lambda_{\log} + (\theta + n 2^{-1070})/(1 - \theta - n
    2^{-1070})`. The finish (triple_lse_value_for, h = 1/2 for T > 1 else 1: exact halvings but m's when subnormal,
    :math:`2^{-1075}`): :math:`\hat M` = triple_mul_d(:math:`\hat L`, Th) within :math:`\epsilon_{MD}|\hat L_h|Th +
    6\cdot 2^{-1074}`, half = triple_add(mh, :math:`\hat M`) within :math:`\epsilon_A\max(|mh|, |\hat M_h|)`, and the
    value before its last rounding :math:`v = \mathrm{half}_h + \mathrm{RN}(\mathrm{half}_m + \mathrm{half}_l)`,
    within :math:`u\,\mathrm{LOW}\,H|\mathrm{half}|` of half. So the error of v/h against LSE is at most
    :math:`T\lambda + \epsilon_{MD}T|\hat L_h| + \epsilon_A(|m| + H^2(1 + \epsilon_{MD})T|\hat L_h|) + 2^{-102}|v/h| +
    2^{-1068}`.
    Against B: :math:`T\lambda \le T(n + 64)2^{-140}` where its per-entry part is at most :math:`2^{-140}` and the
    rest at most :math:`63 \cdot 2^{-140}` (checked below for :math:`n \le 2^{62}`: :math:`\theta`'s powers are
    bounded by :math:`(n + 1)\epsilon_AH(1 + 2^{-80})`); the product's and the sum's parts by
    :math:`64\cdot 2^{-140}(|m| + T|\hat L_h|)` (the product's and the sum's parts of :math:`T|\hat L_h|` together).
    Certified, :math:`B \le 2^{-53.5}|\mathrm{out}|(1 + u)/(1 - u)^5` (B's five roundings, the threshold's one) and
    :math:`|\mathrm{out}| \le (1 + u)|v/h|`; for results of at least :math:`2^{-1000}` the absolute part is below
    :math:`2^{-67}|v/h|`. So :math:`|v/h - \mathrm{LSE}| \le \rho|v/h|`, :math:`\rho = 2^{-53.5}(1 + u)^2/(1 - u)^5 +
    2^{-102} + 2^{-67}`, and where :math:`\rho < 2^{-53}` one rounding boundary at most
    lies between them (the argument of certified_ulps): 1 ULP."""
    if not _triple_error_covered():
        return Fraction(2)
    rho = WITHIN_ULP * (1 + U) ** 2 / (1 - U) ** 5 + Fraction(1, 2**102) + Fraction(1, 2**67)
    return Fraction(1) if rho < Fraction(1, 2**53) else Fraction(2)


def _triple_error_covered() -> bool:
    r"""Whether the certificate's :math:`(n + 64)2^{-140}(|m| + T(|\hat L_h| + 1))` covers the stage's parts
    (:func:`triple_stage_ulps`' argument): then the triple V = half/h is within :math:`B/(1 - u)^5 + 2^{-1068}` of the
    logsumexp, B as computed (five roundings)."""
    per_entry, slack = Fraction(LOGSUMEXP_ERRORS.triple_per_entry), Fraction(LOGSUMEXP_ERRORS.triple_slack)
    parts = _log_of_sum(_stage_term_relative(), Fraction(0))
    if parts is None or parts[0] > per_entry or parts[1] > (slack - 1) * per_entry:
        return False
    return MUL_D_BOUND + ADD_BOUND * H * H * (1 + MUL_D_BOUND) <= slack * per_entry and ADD_BOUND <= slack * per_entry


def _exp_of_shift(span: Fraction, extra: Fraction = Fraction(0)) -> Fraction:
    r"""The relative error of triple_exp(:math:`\hat y`) against :math:`e^y`, y = (x - m)/T (a term) or (m_b - m_a)/T (the
    states' merge factor) as a triple with :math:`|y| \le` ``span``: TwoSum's pair exact, then triple_of (T = 1) or
    triple_quotient (fp.triple.div, the divisor at least :math:`2^{-900}` after shift_scale), so :math:`|\hat y - y| \le
    \delta = aH\,\mathrm{span} + 4\cdot 2^{-1075} + 4\cdot 2^{-175}` + ``extra``; then fp.triple.exp:
    :math:`(1 + \epsilon_E)e^{\delta} - 1`."""
    delta = div_total() * H * span + 4 * Fraction(1, 2**1075) + 4 * Fraction(1, 2**175) + extra
    return (1 + EXP_BOUND) * exp_upper(delta) - 1


def _stage_term_relative() -> Fraction:
    r""":math:`\epsilon_t`, the relative error of a term of exact_terms (logsumexp's triple-double stage, refine_state's
    triple path): :func:`_exp_of_shift` for :math:`|y| \le 745.01`, and :math:`2^{-1073}` more for halving a subnormal x
    (:func:`triple_stage_ulps`' :math:`\delta_y`)."""
    return _exp_of_shift(Fraction(74501, 100), Fraction(1, 2**1073))


def triple_single_decided() -> bool:
    r"""fp.logsumexp.certified_triple.float32.cr: a float32 result the triple-double stage decides (triple_float_decided)
    is the correctly rounded logsumexp.

    The stage's triple V (scaled back by 1/h, exact) is within :math:`\epsilon = B/(1 - u)^5 + 2^{-1068}` of LSE
    (:func:`_triple_error_covered`). Its double :math:`d = \mathrm{RN}(h_h + \mathrm{RN}(h_m + h_l))/h` and
    remainder :math:`\mathrm{rest} = \mathrm{RN}(\mathrm{RN}((h_h - d h) + h_m) + h_l)/h`: :math:`h_h - dh` is exact
    (Sterbenz; :math:`|dh - h_h| \le 2^{-50}|h_h|`), the two sums' operands are below :math:`2^{-49.8}|h_h|`, so
    :math:`|d + \mathrm{rest} - V| \le 2^{-101}|d|` (+ subnormal roundings, :math:`2^{-1074}`). The test: with
    :math:`\mu` the float32 midpoint nearest d (exact) and the margin
    :math:`M = \mathrm{fl}(\mathrm{fl}(\mathrm{fl}(B(1 + s)) + r|d|) + a)` (s, r, a = SP_TRIPLE_FLOAT32_SLACK, _RELATIVE,
    _ABSOLUTE, powers of 2: :math:`M \ge (1 - u)^3(B(1 + s) + r|d| + a) - 2^{-1075}`), decided where
    :math:`|\mathrm{fl}((d - \mu) + \mathrm{rest})| > M` and :math:`|d| > M`. Where :math:`d - \mu` is exact (Sterbenz:
    :math:`\mu/2 \le d \le 2\mu`), :math:`|X| \ge (|\mathrm{fl}(X)| - 2^{-1075})/(1 + u)`, X = d - mu + rest, so
    :math:`|V - \mu| \ge |X| - 2^{-101}|d| - 2^{-1074}`; it must exceed :math:`\epsilon + 2^{-102}|V|` (the stage's part
    beyond B, kept here though V is the triple itself), :math:`|V| \le (1 + 2^{-50})|d|`: checked coefficient by
    coefficient below. Where it is not exact, :math:`d < \mu/2` (a double below :math:`2^{-151}`, :math:`\mu =
    2^{-150}`), :math:`|V - \mu| \ge \mu/2` exceeds :math:`\epsilon` by far (:math:`B \le 2^{-53.5}|d|`, the float64 test
    the stage also requires). Zero (where a float32 zero's sign turns) likewise: :math:`|V| \ge |d|(1 - 2^{-51})`
    must exceed :math:`\epsilon + 2^{-102}|V|` where :math:`|d| > M`. So LSE and V lie on one side of :math:`\mu` and of 0;
    the other float32 midpoints lie :math:`2^{-26}|d|` from d at least (half the smaller spacing beside RN32(d), below
    2^-126 half of 2^-149), beyond V's and LSE's distance from d (:math:`2^{-50}|d|` at most by the float64 test, or
    :math:`|d| < 2^{-150}` where the only boundaries near are 0 and :math:`\pm 2^{-150}`): both round to one float32,
    and so does the value returned (d, or d moved one ulp toward V where d = mu, on V's side)."""
    if not _triple_error_covered():
        return False
    slack = Fraction(LOGSUMEXP_ERRORS.triple_float32_slack)
    relative = Fraction(LOGSUMEXP_ERRORS.triple_float32_relative)
    absolute = Fraction(LOGSUMEXP_ERRORS.triple_float32_absolute)
    lower = (1 - U) ** 3 / (1 + U)  # the margin's three roundings, then fl(X)'s
    v_over_d = 1 + Fraction(1, 2**50)
    beyond = Fraction(1, 2**102)  # the stage's part beyond B, relative to |V|
    subnormal = Fraction(1, 2**1075)
    midpoint = (lower * (1 + slack) >= 1 / (1 - U) ** 5
                and lower * relative >= Fraction(1, 2**101) + beyond * v_over_d
                and lower * absolute >= Fraction(1, 2**1068) + 2 * subnormal / (1 + U) + 2 * SUBNORMAL)
    zero_side = (1 - Fraction(1, 2**51)) * (1 - beyond * v_over_d)
    zero = (zero_side * (1 - U) ** 3 * (1 + slack) >= 1 / (1 - U) ** 5
            and zero_side * ((1 - U) ** 3 * absolute - subnormal) >= Fraction(1, 2**1068) + SUBNORMAL)
    apart = WITHIN_ULP * (1 + U) / (1 - U) ** 5 + beyond * v_over_d + Fraction(1, 2**68) < Fraction(1, 2**26)
    return midpoint and zero and apart


def _log_of_sum(term_relative: Fraction, after_sum: Fraction) -> tuple[Fraction, Fraction] | None:
    r"""The log of a row's sum in triple-double, :math:`|\hat L - \log S'| \le \lambda \le n\lambda_1 + \lambda_0`:
    returns :math:`(\lambda_1, \lambda_0)` for rows of n <= MAX_ENTRIES, or None where the bound below does not hold.

    Terms within ``term_relative`` (:math:`\epsilon_t`) and :math:`3 \cdot 2^{-1075}` each, left-out terms below
    :math:`2^{-1074}`; their sum by triple_add in entry order and the ties c added by one more (each within
    :math:`\epsilon_A H` of its operands' sum, all positive); then, for logmeanexp, the division by n
    (``after_sum``: its relative error, fp.triple.div). So the value whose log is taken is :math:`S'(1 + \theta)` up to
    :math:`n\,2^{-1068}` relative to :math:`S' \ge 1/n`, with :math:`1 + \theta \le (1 + \epsilon_t)(1 +
    \mathrm{after})(1 + (n + 1)\epsilon_AH(1 + 2^{-80}))` while :math:`(n + 1)\epsilon_AH \le 2^{-80}` (:math:`e^x - 1 \le
    x(1 + x)`); the log (fp.triple.log) adds :math:`\lambda_{\log}` to :math:`\rho/(1 - \rho)`, :math:`\rho` that
    relative error, the denominator at most :math:`1 + 2^{-79}`."""
    step = ADD_BOUND * H
    if (MAX_ENTRIES + 1) * step > Fraction(1, 2**80):
        return None
    growth = step * (1 + Fraction(1, 2**80)) * (1 + term_relative) * (1 + after_sum)
    denominator = 1 + Fraction(1, 2**79)
    rest = log_total() + ((1 + term_relative) * (1 + after_sum) - 1 + growth) * denominator
    per_entry = (growth + Fraction(1, 2**1068)) * denominator
    return per_entry, rest


def mean_stage_ulps() -> Fraction:
    r"""ULPs of a float64 result that logmeanexp's triple-double stage (logmeanexp_row_d) certifies:
    :math:`B = (n + 66)\,2^{-140}(|m| + |L_h| + 1) \le 2^{-53.5}|\mathrm{out}|` (B computed in four roundings).

    T = 1: each :math:`y = x - m` is triple_of of TwoSum's exact pair; the terms by fp.triple.exp (within
    :math:`2^{-143}`), their sum and the ties as in :func:`_log_of_sum`, divided by n (triple_div_d: within
    :math:`\epsilon_D H` relative, and :math:`4\cdot 2^{-1075}(1 + 1/n)`), the log of the mean (:math:`s_h \in
    [2^{-63}, 1]`: fp.triple.log); the finish triple_add(m, L) within :math:`\epsilon_A\max(|m|, |L_h|)` and
    :math:`v = \mathrm{sum}_h + \mathrm{RN}(\mathrm{sum}_m + \mathrm{sum}_l)` within :math:`2^{-102}|v| + 2^{-1075}`
    of sum. So :math:`|v - \mathrm{LME}| \le \lambda + \epsilon_A(|m| + |L_h|) + 2^{-102}|v| + 2^{-1075}`:
    :math:`\lambda`'s per-entry part within :math:`2^{-140}`, the rest within :math:`65 \cdot 2^{-140}`,
    :math:`\epsilon_A` within :math:`66\cdot 2^{-140}`; certified, :math:`B \le 2^{-53.5}|\mathrm{out}|(1 + u)/(1 -
    u)^4`, and for results of at least :math:`2^{-1000}`: :math:`\rho = 2^{-53.5}(1 + u)^2/(1 - u)^4 + 2^{-102} +
    2^{-74} < 2^{-53}`, 1 ULP (certified_ulps' argument)."""
    per_entry, slack = Fraction(LOGSUMEXP_ERRORS.triple_per_entry), Fraction(LOGSUMEXP_ERRORS.triple_mean_slack)
    parts = _log_of_sum(EXP_BOUND, DIV_BOUND * H)
    if parts is None or parts[0] > per_entry or parts[1] > (slack - 1) * per_entry or ADD_BOUND > slack * per_entry:
        return Fraction(2)
    rho = WITHIN_ULP * (1 + U) ** 2 / (1 - U) ** 4 + Fraction(1, 2**102) + Fraction(1, 2**74)
    return Fraction(1) if rho < Fraction(1, 2**53) else Fraction(2)


def merge_factor_total() -> Fraction:
    r"""The mergeable states' factor (merge_rescaled): :math:`f_{hi} + f_{mid} = F(1 + \rho)` with F = e^y, y = (m_b -
    m_a)/T, for :math:`y_h \ge -650` (merge_finite adds an absolute error below; y <= 0): returns the bound of
    :math:`|\rho|`.

    merge_exponent: y as a triple, TwoSum's pair exact, then triple_of (T = 1) or triple_quotient (fp.triple.div; the
    divisor at least :math:`2^{-900}` after shift_scale; where m_b - m_a overflows, the halves of maxima beyond
    :math:`2^{970}` are exact): :math:`|\hat y - y| \le \delta = aH\cdot 650.01 + 4\cdot 2^{-1075} + 4\cdot 2^{-175}`.
    triple_exp (fp.triple.exp): :math:`|\hat F - F| \le \epsilon F`, :math:`\epsilon = (1 + \epsilon_E)e^\delta - 1 +
    3\cdot 2^{-1075}/e^{-650.01}` (:math:`e^{-650.01} > 2^{-938}`). Its parts: :math:`F_h` and :math:`F_m` are normal
    there (:math:`|F_m| \le \mu|F_h|`), :math:`F_l` at most :math:`2u|F_m|` (rounded onto the subnormal grid at worst,
    RN(v) <= 2|v|); so :math:`|F_h + F_m - F| \le \epsilon F + 2u\mu H(1 + \epsilon)F`."""
    if MERGE_FACTOR_FLOOR != -650.0:
        return Fraction(1)  # the constants below are written for it
    eps = _exp_of_shift(Fraction(65001, 100)) + 3 * Fraction(1, 2**1075) / STATE_FACTOR_LOW
    return eps + 2 * U * renorm_factor() * H * (1 + eps)


def state_refine_total() -> Fraction:
    r"""fp.state.refine_triple: refine_state's triple-double path sets a state's t to exact_terms' sum (logsumexp's
    triple-double stage's terms, summed by triple_add in entry order, the ties apart) and its error to
    :math:`(n + 64)2^{-140} + n\,2^{-1073}/t_h`; returns the per-entry coefficient c with which
    :math:`|\hat t - t| \le (n + 64)\,c\,t + n\,a` holds (a the per-term absolute part, checked against
    :math:`2^{-1073}` here: else 1 is returned), to be at most :math:`2^{-140}`.

    Each kept term (:math:`\hat y_h \ge -745`) within :math:`\epsilon_t` (:func:`_stage_term_relative`) and
    :math:`3 \cdot 2^{-1075}` absolute (fp.triple.exp), each left out below :math:`e^{-745} < 2^{-1074}`; the sum of
    positive terms by triple_add, each step within :math:`\epsilon_A H` of its operands' sum, so
    :math:`\hat t = t(1 + \theta) + A` with :math:`1 + \theta \le (1 + \epsilon_t)(1 + n\epsilon_A H(1 + 2^{-80}))`
    (:math:`(n + 1)\epsilon_AH \le 2^{-80}` for n <= 2^62) and :math:`|A| \le n\max(3 \cdot 2^{-1075}, 2^{-1074})(1 +
    2^{-80})`. So :math:`\theta \le \epsilon_t + n\,g`, :math:`g = \epsilon_AH(1 + 2^{-80})(1 + \epsilon_t)`, at most
    :math:`(n + 64)\max(\epsilon_t/64, g)`. The absolute part is carried as the states carry theirs, relative to the
    stored t (state_of_row's SUBNORMAL_TERMS(n)/t): :math:`n\,2^{-1073}/t_h` of :math:`\hat t \le (1 + 2^{-51})t_h`
    covers :math:`|A|` (1.5 2^-1074 per term, and the factor's roundings)."""
    step = ADD_BOUND * H
    if (MAX_ENTRIES + 1) * step > Fraction(1, 2**80):
        return Fraction(1)
    eps_t = _stage_term_relative()
    absolute = max(EXP_ABSOLUTE, SUBNORMAL) * (1 + Fraction(1, 2**80)) * (1 + Fraction(1, 2**51))
    if absolute > Fraction(1, 2**1073):
        return Fraction(1)
    return max(eps_t / 64, step * (1 + Fraction(1, 2**80)) * (1 + eps_t))


def state_merge_triple_total() -> Fraction:
    r"""fp.state.merge_triple: the own relative error of merge_rescaled's triple-double path, v = triple_mul(F,
    triple_add(ties_b, t_b)) and triple_add(t_a, v), for :math:`y = (m_b - m_a)/T \ge -650` (merge_finite adds the
    absolute parts below, :math:`A \ge (S_b + 3)\,2^{-1073}`); returns the larger of v's relative error against
    :math:`F S_b` and the sum's, which merged_error takes as its ``own``, and 1 where equal maxima's triple_add
    (within :math:`\epsilon_AH`) exceeds SP_TRIPLE_ADD_ERROR.

    y as a triple within :math:`\delta = aH\cdot 745.01 + 4\cdot 2^{-1075} + 4\cdot 2^{-175}` (merge_exponent, as in
    :func:`merge_factor_total`, for y >= -745 where the path runs); F = triple_exp(y) within :math:`\epsilon_F F +
    \alpha`, :math:`\epsilon_F = (1 + \epsilon_E)e^{\delta} - 1`, :math:`\alpha = 3\cdot 2^{-1075}` (fp.triple.exp);
    :math:`S_b` = ties + t (both positive, normalised: the state keeps :math:`|t_{lo}| \le 2^{-53}t_{hi}`) within
    :math:`\epsilon_AH` relative (fp.triple.add); the product within :math:`\epsilon_M|F_hS_h| + 6\cdot 2^{-1074} \le
    \epsilon_MH^2\hat F\hat S + 6\cdot 2^{-1074}` (fp.triple.mul). With :math:`S_b \ge 1` and :math:`F \ge e^{-650.01}
    > 2^{-938}`: :math:`\rho_v \le (1 + \epsilon_F)(1 + \epsilon_AH)(1 + \epsilon_MH^2) - 1 + (\alpha(1 + \epsilon_AH) +
    6\cdot 2^{-1074})(1 + \epsilon_MH^2)/2^{-938}`; the sum of positive parts within :math:`\epsilon_AH`. Below -650
    the relative parts are the same and the absolute ones, :math:`\alpha S_b(1 + \epsilon_AH) + 6\cdot 2^{-1074} \le
    (S_b + 3)\,2^{-1073}`, are merge_finite's A."""
    step = ADD_BOUND * H
    if step > Fraction(LOGSUMEXP_ERRORS.state_triple_add):
        return Fraction(1)
    eps_f = _exp_of_shift(Fraction(74501, 100))
    mul = MUL_BOUND * H * H
    if MUL_ABSOLUTE > 3 * Fraction(1, 2**1073) or EXP_ABSOLUTE * (1 + step) > Fraction(1, 2**1073):
        return Fraction(1)  # merge_finite's A no longer covers the absolute parts below the floor
    absolute = EXP_ABSOLUTE * (1 + step) + MUL_ABSOLUTE
    rho_v = (1 + eps_f) * (1 + step) * (1 + mul) - 1 + absolute * (1 + mul) / STATE_FACTOR_LOW
    return max(rho_v, step)


def state_finish_triple_total() -> Fraction:
    r"""fp.state.finish_triple: finish_state's triple-double path, L = triple_log(ties + t), out = triple_lse_value(m,
    T, L), and its bound ``terms + (c (|m| + T (L_h + 1)) + a)``, c = SP_FINISH_TRIPLE, a = SP_FINISH_ABSOLUTE, terms
    the state's own error's share (T error t/(c + t)); returns the coefficient the parts need in place of c (1 where
    the absolute part or the 1 ULP conversion fails).

    S = ties + t within :math:`\epsilon_AH` relative (fp.triple.add; :math:`S_h \in [1, 2^{64}]`, fp.triple.log's domain,
    for states over at most :math:`2^{62}` entries), so :math:`|\hat L - \log S| \le \lambda = \lambda_{\log} +
    \epsilon_AH/(1 - \epsilon_AH)`; then as logsumexp's stage finishes (:func:`triple_stage_ulps`): the triple's error
    at most :math:`T\lambda + \epsilon_{MD}T|\hat L_h| + \epsilon_A(|m| + H^2(1 + \epsilon_{MD})T|\hat L_h|)` and
    :math:`(6\cdot 2^{-1074} + 2^{-1075})/h \le 13\cdot 2^{-1074}` absolute (the product's, and m's halving for T > 1).
    The bound as computed is at least :math:`(1 - u)^6` of its value; each coefficient, so divided, must be at most c,
    and :math:`13\cdot 2^{-1074}/(1 - u)^6 \le a`. The value returned, :math:`h_h + \mathrm{RN}(h_m + h_l)` over h, lies
    within :math:`2^{-102}` of the triple, so where the bound is within :math:`2^{-53.5}|\mathrm{out}|` it is within 1 ULP
    (results >= 2^-1000, :func:`triple_stage_ulps`' conversion)."""
    if log_total() > LOG_BOUND:
        return Fraction(1)
    step = ADD_BOUND * H
    lam = LOG_BOUND + step / (1 - step)
    computed = 1 / (1 - U) ** 6
    if 13 * SUBNORMAL * computed > Fraction(LOGSUMEXP_ERRORS.state_finish_absolute):
        return Fraction(1)
    rho = WITHIN_ULP * (1 + U) ** 2 / (1 - U) ** 6 + Fraction(1, 2**102) + Fraction(1, 2**67)
    if rho >= Fraction(1, 2**53):
        return Fraction(1)
    return max(lam, MUL_D_BOUND + ADD_BOUND * H * H * (1 + MUL_D_BOUND), ADD_BOUND) * computed
