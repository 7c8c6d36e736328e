"""The triple-double exp and log of the C kernels (logsumexp's last stage, the mergeable states' precise
sums, merges and finishes) against mpmath at 400 bits: the exp within 2^-140 relative, the log within
2^-140 (1 + |log s|) absolute (its Newton steps correct s e^-L - 1, near 1 in absolute terms), the
accuracy their certificates take, on arguments across the domain, near the table's knots, near 0 and 1."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import mpmath
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "generated" / "c" / "softmax.c"
CC = shutil.which("gcc") or shutil.which("cc")
pytestmark = pytest.mark.skipif(CC is None, reason="no C compiler")
CLAIMED = mpmath.mpf(2) ** -140


def _arguments() -> list[tuple[str, float, float]]:
    """exp: -750 <= y <= 1 (random, near multiples of ln2/64, tiny, 0); log: 1 <= s <= 2^64 (near 1 too);
    each with a second part, so the argument is a double-double."""
    rng = np.random.default_rng(11)
    ys = list(rng.uniform(-750, 1, 1500)) + list(rng.uniform(-1, 1, 300))
    ys += [float(k) * float(np.log(2)) / 64 + d for k in rng.integers(-69000, 90, 200) for d in (0.0, 1e-17)]
    ys += [0.0, 2.0**-900, -(2.0**-900), 1e-300, 1.0, -745.0, -708.4]
    out = [("e", y, y * 2.0**-60 * float(rng.choice([-1, 1]))) for y in ys]
    ss = list(np.exp(rng.uniform(0, 44, 800))) + list(1 + rng.uniform(0, 1e-6, 100)) + [1.0, 1 + 2.0**-52, 2.0**64]
    out += [("l", s, s * 2.0**-58 * float(rng.choice([-1, 1]))) for s in ss]
    return out


def test_triple_exp_and_log_are_within_2_to_the_minus_140(tmp_path: Path) -> None:
    exe = tmp_path / "triple_driver"
    build = subprocess.run([CC, "-std=c99", "-O2", "-I", str(SOURCE.parent), str(ROOT / "tests" / "c" / "triple_driver.c"), "-o", str(exe), "-lm"],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    arguments = _arguments()
    done = subprocess.run([str(exe)], input="".join(f"{k} {a.hex()} {b.hex()}\n" for k, a, b in arguments), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    worst = mpmath.mpf(0)
    with mpmath.workprec(400):
        for (kind, a, b), line in zip(arguments, done.stdout.split("\n"), strict=False):
            got = mpmath.fsum(mpmath.mpf(float.fromhex(part)) for part in line.split())
            x = mpmath.mpf(a) + mpmath.mpf(b)
            truth = mpmath.exp(x) if kind == "e" else mpmath.log(x)
            if kind == "e" and truth < mpmath.mpf(2) ** -900:
                continue  # the lower parts are below the subnormal range there: covered by a subnormal ulp a term
            error = abs(got - truth) / (abs(truth) if kind == "e" else max(abs(truth), 1))  # the log: 2^-140 (1 + L) absolute
            assert error <= CLAIMED, (kind, a, b, float(mpmath.log(error, 2)))
            worst = max(worst, error)
    assert len(done.stdout.split()) == 3 * len(arguments)
    assert worst > mpmath.mpf(2) ** -200  # the comparison sees the triple's last bits (not a vacuous pass)
