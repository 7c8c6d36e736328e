"""The C kernels' extended-precision exps and log against mpmath at 400 bits: sp_exp_dd (logsumexp's double-double
stage; fp.exp.dd.float64 proves 2^-54 relative plus half a subnormal ulp) and the triple-double exp and log
(logsumexp's last stage, the mergeable states' precise sums, merges and finishes): measured within their proved
bounds, the exp within 2^-143 relative (fp.triple.exp, results above 2^-900, where the low parts are normal), the log
within 2^-142 absolute (fp.triple.log), on arguments across the domains, near the table's knots, near 0 and 1, and
where sp_exp_dd's low part is subnormal."""

from __future__ import annotations

from pathlib import Path

import mpmath
import numpy as np
import pytest
from c_drivers import CC, run_driver

pytestmark = pytest.mark.skipif(CC is None, reason="no C compiler")
TRIPLE_EXP = mpmath.mpf(2) ** -143  # fp.triple.exp
TRIPLE_LOG = mpmath.mpf(2) ** -142  # fp.triple.log
DOUBLE_DOUBLE = mpmath.mpf(2) ** -54  # fp.exp.dd.float64
HALF_SUBNORMAL = mpmath.mpf(2) ** -1075


def _arguments() -> list[tuple[str, float, float]]:
    rng = np.random.default_rng(11)
    ys = list(rng.uniform(-750, 1, 1500)) + list(rng.uniform(-1, 1, 300)) + list(rng.uniform(1, 45, 100))
    ys += [float(k) * float(np.log(2)) / 64 + d for k in rng.integers(-69000, 90, 200) for d in (0.0, 1e-17)]
    ys += [0.0, 2.0**-900, -(2.0**-900), 1e-300, 1.0, -745.0, -708.4]
    out = [("e", y, y * 2.0**-60 * float(rng.choice([-1, 1]))) for y in ys]
    ss = list(np.exp(rng.uniform(0, 44, 800))) + list(1 + rng.uniform(0, 1e-6, 100)) + [1.0, 1 + 2.0**-52, 2.0**64]
    ss += list(2.0 ** -rng.uniform(0, 62, 200))  # logmeanexp's means, 1/n <= s <= 1
    out += [("l", s, s * 2.0**-58 * float(rng.choice([-1, 1]))) for s in ss]
    # sp_exp_dd on its domain -708 <= a <= 0, |b| <= 2^-42: random, near k ln 2 +- ln2/2 (|r| largest), the low end
    # (lo subnormal below about -671), tiny a
    a_values = list(rng.uniform(-708, 0, 2000)) + list(rng.uniform(-708, -660, 500)) + list(-(2.0 ** rng.uniform(-60, 0, 300)))
    a_values += [max(-708.0, float(k + 0.5) * float(np.log(2))) for k in rng.integers(-1021, 0, 300)] + [0.0, -708.0]
    out += [("d", a, float(rng.uniform(-1, 1)) * 2.0 ** float(rng.choice([-42, -50, -60, -200]))) for a in a_values]
    return out


def test_extended_exps_and_log_against_mpmath(tmp_path: Path) -> None:
    arguments = _arguments()
    output = run_driver("extended_driver", tmp_path, "".join(f"{k} {a.hex()} {b.hex()}\n" for k, a, b in arguments))
    lines = output.split("\n")
    assert len(output.split()) == 3 * len(arguments)
    worst = {"e": mpmath.mpf(0), "l": mpmath.mpf(0), "d": mpmath.mpf(0)}
    with mpmath.workprec(400):
        for (kind, a, b), line in zip(arguments, lines, strict=False):
            got = mpmath.fsum(mpmath.mpf(float.fromhex(part)) for part in line.split())
            x = mpmath.mpf(a) + mpmath.mpf(b)
            truth = mpmath.log(x) if kind == "l" else mpmath.exp(x)
            if kind == "d":
                error = max(abs(got - truth) - HALF_SUBNORMAL, 0) / truth
                assert error <= DOUBLE_DOUBLE, (a, b, float(mpmath.log(error, 2)))
            elif kind == "e":
                if truth < mpmath.mpf(2) ** -900:
                    continue  # the lower parts are below the subnormal range there: a subnormal ulp a term, counted apart
                error = abs(got - truth) / truth
                assert error <= TRIPLE_EXP, (a, b, float(mpmath.log(error, 2)))
            else:
                error = abs(got - truth)
                assert error <= TRIPLE_LOG, (a, b, float(mpmath.log(error, 2)))
            worst[kind] = max(worst[kind], error)
    # the comparisons see the last bits (not vacuous): sp_exp_dd's error is real, beyond what its hi alone would give
    # at 2^-53 and above what a bound of 2^-56 would allow (its evaluation's half ulp of s, 2^-54.5 relative)
    assert mpmath.mpf(2) ** -56 < worst["d"] <= DOUBLE_DOUBLE, float(mpmath.log(worst["d"], 2))
    assert worst["e"] > mpmath.mpf(2) ** -200 and worst["l"] > mpmath.mpf(2) ** -200
