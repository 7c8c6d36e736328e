r"""The rounding test that decides a float32 logsumexp (``logsumexp_decides_f`` in the C target, ``_decides`` in the
NumPy target): its soundness over a stage whose error is bounded by the stage's runtime bound E, in exact rational
arithmetic. Each stage states how its value relates to E (the first stages in ``claims.decision_covers``, the raised
and long double stages in their claims' functions); the test is one for all of them.

The test: with out = RN64(s) the stage's double (s the value before that rounding),
:math:`B = \mathrm{fl}(E + \mathrm{fl}(d\,\mathrm{fl}(|\mathrm{out}| + E)))`, d = :data:`FLOAT32_DECISION`; decided
where both ends :math:`\mathrm{fl}(\mathrm{out} \mp B)` round to one float32, bit for bit.
"""

from __future__ import annotations

from fractions import Fraction

from ...kernels import LOGSUMEXP_ERRORS
from .units import U

__all__ = ["FLOAT32_DECISION", "ends_decision_covers"]

FLOAT32_DECISION = Fraction(LOGSUMEXP_ERRORS.float32_decision)  # B = E + decision (|out| + E), as printed into both targets


def ends_decision_covers(error_factor: Fraction, relative: Fraction, decision: Fraction = FLOAT32_DECISION) -> bool:
    r"""Whether the test is sound for a stage whose value s satisfies :math:`|s - v| \le kE + a|\mathrm{out}|`
    (k = ``error_factor``, a = ``relative``; E the bound as the stage computed it, v the exact value), out = RN64(s) a
    normal double or an infinity.

    :math:`|\mathrm{out} - s| \le u|s| \le u|\mathrm{out}|/(1 - u)`. B lies in
    :math:`[(1 - u)^2(E + (1 - u)^2 d(|\mathrm{out}| + E)),\ (1 + u)^4(E + d(|\mathrm{out}| + E))]` (three roundings,
    d a power of 2); the ends lie within :math:`u(|\mathrm{out}| + B)` of :math:`\mathrm{out} \mp B`. Where
    :math:`|v - \mathrm{out}| + u(|\mathrm{out}| + B) \le B` the ends enclose v; both sides are linear in E and
    |out|, so it suffices that each coefficient on the left is at most its counterpart on the right. Then, RN32
    being monotone, where both ends round to one float32 so do v and out: out's float32 rounding is v's. (An infinite
    out is decided as the float32 infinity: the stage's value is beyond DBL_MAX.)"""
    smallest_e = (1 - U) ** 2 * (1 + (1 - U) ** 2 * decision)
    smallest_out = (1 - U) ** 4 * decision
    largest_e = (1 + U) ** 4 * (1 + decision)
    largest_out = (1 + U) ** 4 * decision
    need_e = error_factor + U * largest_e
    need_out = relative + U / (1 - U) + U + U * largest_out
    return smallest_e >= need_e and smallest_out >= need_out
