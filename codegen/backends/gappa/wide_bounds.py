r"""logsumexp's long double stage (``logsumexp_cancelling``, tried where the double-double stage leaves a row and
long double can certify it): its certificate's soundness, composed in exact rational arithmetic from the Gappa bound
of a term's argument (fp.logsumexp.wide_term) and two stated assumptions on the C library. The claim is
``fp.logsumexp.certified_wide.float64`` in :mod:`~softproof.codegen.backends.gappa.claims`.

The stage: for every entry, :math:`v_j = \mathrm{expl}(\hat q_j)`, :math:`\hat q_j = \mathrm{fl}((-m + x_j)/T)` in long
double; the sum by TwoSum into hi with the errors summed plainly into lo (SP_ACCUMULATE_IN), ws = fl(hi + lo); then
:math:`s = \mathrm{fl}(\mathrm{fl}(T\,\mathrm{logl}(ws)) + m)`, out = (double)s, certified where
:math:`B = \epsilon(T(n + 2) + 2(|out - m| + |m| + |out|)) \le 2^{-53.5}|out|`, :math:`\epsilon` = LDBL_EPSILON.
"""

from __future__ import annotations

from fractions import Fraction

from .decisions import ends_decision_covers
from .units import WITHIN_ULP, U

__all__ = ["EPS80", "TERM_ARGUMENT", "wide_single_covers", "wide_stage_ulps"]

EPS80 = Fraction(1, 2**63)  # LDBL_EPSILON of x86's extended format (64-bit significand)
U80 = EPS80 / 2  # its unit roundoff
TERM_ARGUMENT = EPS80 * (1 + Fraction(1, 2**58))  # fp.logsumexp.wide_term (Gappa: 2^-63 + 2^-122)
LIBRARY = EPS80  # assumed: expl and logl within 1 ulp (relative EPS80; expl below its normal range within 2^-16445)
MAX_ENTRIES = 2**62
EXP_FLOOR = Fraction(1, 2**16443)  # a term whose e^q lies below expl's normal range: |v - e^q| at most this


def _gamma(k: int) -> Fraction:
    return k * U80 / (1 - k * U80)


def _sum_relative(n: int) -> Fraction:
    r"""r(n): :math:`|ws - S| \le r S` for a row of n entries, S the exact sum of :math:`e^{q_j}` (S >= 1, a tie's term
    is 1).

    A term: :math:`|\hat q - q| \le \theta|q|` (fp.logsumexp.wide_term), so :math:`|e^{\hat q} - e^q| \le
    e^q|q|\theta(1 + 2^{-49})` where :math:`|q| \le 11400` (:math:`|q|\theta \le 2^{-49.4}`), and the library's
    expl adds :math:`\epsilon e^{\hat q}`; below (:math:`e^q < 2^{-16446}`) v and :math:`e^q` are both within
    EXP_FLOOR. With :math:`e^q|q| \le 1/e`: :math:`\sum|v_j - e^{q_j}| \le \epsilon(1 + 2^{-48})S +
    \theta(1 + 2^{-48})n/e + n\,2^{-16443}`. The sum (Sum2 of Ogita, Rump and Oishi, Prop. 4.5, all terms
    positive): within :math:`(u + \gamma_{n-1}^2)V` of V, the computed terms' sum."""
    theta = TERM_ARGUMENT * (1 + Fraction(1, 2**48))
    terms = LIBRARY * (1 + Fraction(1, 2**48)) + theta * n * Fraction(10, 27) + n * EXP_FLOOR  # 1/e < 10/27
    return terms + (U80 + _gamma(n - 1) ** 2) * (1 + terms)


def _covered(n: int) -> bool:
    r"""Whether the terms' and the sum's part, :math:`T\rho_1 K_1` with :math:`\rho_1 = r/(1 - r)`, fits the bound's
    :math:`\epsilon T(n + 2)` for every row length from 1 to n (r grows with n; the ratio is checked on blocks of
    lengths, a sixteenth of an octave each, with r at its block's top and n + 2 at its bottom)."""
    k1 = (1 + LIBRARY) * (1 + U80) + (LIBRARY + U80 * (1 + LIBRARY)) * (1 + LIBRARY) / (1 - LIBRARY)
    low = 1
    while low <= n:
        high = min(low + max(low // 16, 1) - 1, n)
        r = _sum_relative(high)
        if r >= 1 or r / (1 - r) * k1 > EPS80 * (low + 2):
            return False
        low = high + 1
    return True


def wide_stage_ulps() -> Fraction:
    r"""ULPs of a float64 result that the long double stage certifies (x86-64's extended long double; the C library's
    expl and logl within 1 ulp), for rows of n <= 2^62 entries and results of at least :math:`2^{-1000}`.

    With L = log S and :math:`\rho_1 = r/(1 - r)` (:func:`_sum_relative`): :math:`|\log ws - L| \le \rho_1`; logl within
    :math:`\epsilon|\log ws|`; :math:`P = \mathrm{fl}(T\hat L)`, :math:`s = \mathrm{fl}(P + m)`, so :math:`E = |s -
    (m + TL)| \le T\rho_1(1 + \epsilon)(1 + u_{80}) + TL(\epsilon + u_{80}(1 + \epsilon)) + u_{80}|s|`. The bound sees
    TL through out: :math:`TL(1 - \epsilon)(1 - u_{80}) \le |out - m| + 2^{-52.99}|out| + u_{80}|s| +
    T\rho_1(1 + \epsilon)(1 - u_{80})` (out = RN(s), within :math:`2^{-53}` of s relative for a normal result). So
    E is at most :math:`T\rho_1K_1 + c(|out - m| + 2^{-52.99}|out| + u_{80}|s|) + u_{80}|s|`, :math:`c = (\epsilon +
    u_{80}(1 + \epsilon))/((1 - \epsilon)(1 - u_{80}))`: the first part within :math:`\epsilon T(n + 2)`
    (:func:`_covered`), the rest within :math:`2\epsilon(|out - m| + |m| + |out|)` (:math:`|s| \le (1 + 2^{-52})|out|`).
    B is computed in six roundings and compared with the threshold's rounding: certified, :math:`E \le B \le
    2^{-53.5}|out|(1 + u)/(1 - u)^6`, :math:`|out| \le (1 + u)|s|`; so :math:`|s - \mathrm{LSE}| \le \rho|s|`,
    :math:`\rho = 2^{-53.5}(1 + u)^2/(1 - u)^6 < 2^{-53}`: one rounding boundary at most between s and LSE
    (certified_ulps' argument), 1 ULP."""
    if not _wide_error_covered():
        return Fraction(2)
    rho = WITHIN_ULP * (1 + U) ** 2 / (1 - U) ** 6
    return Fraction(1) if rho < Fraction(1, 2**53) else Fraction(2)


def _wide_error_covered() -> bool:
    r"""Whether B's terms cover the stage's error parts (:func:`wide_stage_ulps`' argument): then
    :math:`|s - \mathrm{LSE}| \le B/(1 - u)^6`, B as computed (six roundings), for normal results."""
    if not _covered(MAX_ENTRIES):
        return False
    c = (LIBRARY + U80 * (1 + LIBRARY)) / ((1 - LIBRARY) * (1 - U80))
    s_over_out = 1 + Fraction(1, 2**52)
    per_out = c * Fraction(1, 2**52) + (c + 1) * U80 * s_over_out  # 2^-52.99 < 2^-52
    return c <= 2 * EPS80 and per_out <= 2 * EPS80  # against 2 eps |out - m| and 2 eps |out|


def wide_single_covers() -> bool:
    r"""fp.logsumexp.certified_wide.float32.cr: the long double stage's float32 results, decided by logsumexp_decides_f
    from its bound B, are correctly rounded: :math:`|s - \mathrm{LSE}| \le B/(1 - u)^6` (:func:`_wide_error_covered`;
    s the long double value, out = RN64(s), normal: results of at least 2^-1000), and the test covers that
    (:func:`~.decisions.ends_decision_covers`)."""
    return _wide_error_covered() and ends_decision_covers(1 / (1 - U) ** 6, Fraction(0))
