"""The units the fp.* compositions count in (binary64's unit roundoff, logsumexp's certificate threshold) and the
bound of e^c they share."""

from __future__ import annotations

from fractions import Fraction

__all__ = ["U", "WITHIN_ULP", "exp_upper"]

U = Fraction(1, 2**53)  # the unit roundoff of binary64
WITHIN_ULP = Fraction(float.fromhex("0x1.6a09e667f3bcdp-54"))  # SP_WITHIN_ULP_D as printed into the C source


def exp_upper(c: Fraction) -> Fraction:
    """An upper bound of e^c for 0 <= c <= 1: 1 + c + c^2 (the series' tail from c^2 on is at most c^2 (e - 2) <= c^2)."""
    if not 0 <= c <= 1:
        raise ValueError(f"exp_upper needs 0 <= c <= 1, got {c}")
    return 1 + c + c * c
