"""The tapes the triple-double Gappa scripts are printed from (codegen/backends/gappa/triple.py) against the compiled C,
bit for bit: triple_add, triple_mul, triple_div_d, triple_exp_domain (its reduction, polynomial, table product and
scaling) and triple_log_lanes (the C library's log, then two Newton steps), on normalised operands across magnitudes,
cancellations, subnormal parts and the exp's domain. Where a tape and the C agree, the scripts' operations are the C's
in its order; a change of the C's order fails here. The test tests itself: a tape with one operation swapped differs."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from c_drivers import CC, compile_driver, run_compiled

from softproof.codegen.backends.c.target import triple_constants
from softproof.codegen.backends.gappa.triple import (
    Tape,
    Triple,
    exp_polynomial,
    exp_reduction,
    triple_add,
    triple_div_d,
    triple_mul,
    triple_of,
)
from softproof.codegen.backends.gappa.triple_scripts import triple_parts

pytestmark = pytest.mark.skipif(CC is None, reason="no C compiler")

Parts = tuple[float, float, float]
X, Y = Triple("xh", "xm", "xl"), Triple("yh", "ym", "yl")


def _values(parts: Parts, names: Triple) -> dict[str, float]:
    return dict(zip(names.parts, parts, strict=True))


def _run(tape: Tape, out: Triple, inputs: dict[str, float]) -> Parts:
    values = tape.evaluate(inputs)
    return values[out.h], values[out.m], values[out.l]


def _constant(text: str) -> Parts:
    h, m, l = (float.fromhex(p) if p != "0" else 0.0 for p in triple_parts(text))  # noqa: E741
    return h, m, l


def _operation(build: Callable[[Tape, Triple, Triple], Triple]) -> Callable[[Parts, Parts], Parts]:
    tape = Tape("v")
    out = build(tape, X, Y)
    return lambda x, y: _run(tape, out, {**_values(x, X), **_values(y, Y)})


ADD = _operation(triple_add)
MUL = _operation(triple_mul)


def _div(x: Parts, d: float) -> Parts:
    tape = Tape("v")
    out = triple_div_d(tape, X, "d")
    return _run(tape, out, {**_values(x, X), "d": d})


def _times_pow2_exp(x: float, k: int) -> float:
    """times_pow2_exp: x 2^k in two exact-power steps below k = -1022, as the C's bit-built scales."""
    first = -600 if k < -1022 else 0
    return (x * 2.0**first) * 2.0 ** (k - first)


def _exp(y: Parts) -> Parts:
    """triple_exp_domain from its tapes: the reduction, i's split into k and j, the polynomial, the product by the
    table's 2^(j/64), the scaling."""
    constants = triple_constants()
    ln2 = _constant(str(constants["ln2"]))
    reduce_tape = Tape("v")
    i_name, r = exp_reduction(reduce_tape, Y, "C64", Triple("Qh", "Qm", "Ql"))
    inputs = {**_values(y, Y), "C64": 64.0 / ln2[0], **dict(zip(("Qh", "Qm", "Ql"), (p * 2.0**-6 for p in ln2), strict=True))}
    values = reduce_tape.evaluate(inputs)
    i = values[i_name]
    k = math.floor(i * 2.0**-6)
    j = int(i - 64.0 * k)
    poly_tape = Tape("v")
    p, _ = exp_polynomial(poly_tape, Triple("rh", "rm", "rl"), lambda n: Triple(f"F{n}h", f"F{n}m", f"F{n}l"))
    factorials = {f"F{n}{part}": value for n, text in enumerate(constants["inverse_factorials"])
                  for part, value in zip("hml", _constant(text), strict=True)}
    p_value = _run(poly_tape, p, {"rh": values[r.h], "rm": values[r.m], "rl": values[r.l], **factorials})
    product = MUL(p_value, _constant(constants["powers"][j]))
    return _times_pow2_exp(product[0], k), _times_pow2_exp(product[1], k), _times_pow2_exp(product[2], k)


def _log(s: Parts) -> Parts:
    """triple_log_lanes of one sum: L = (log s_h, 0, 0) from the C library (Python's math.log is the same libm call),
    then two Newton steps L + (s e^-L - 1), each by the tapes."""
    tape = Tape("v")
    zero = triple_of(tape, "head", "0")
    values = tape.evaluate({"head": math.log(s[0])})
    L = (values[zero.h], values[zero.m], values[zero.l])
    for _ in range(2):
        e = _exp((-L[0], -L[1], -L[2]))
        L = ADD(L, ADD(MUL(s, e), (-1.0, 0.0, 0.0)))
    return L


def _normalised(rng: np.random.Generator, head: float) -> Parts:
    """A triple_renorm output near head: three doubles of falling magnitude, renormalised as the C does."""
    m = head * 2.0 ** -float(rng.uniform(53, 60)) * float(rng.choice([-1, 1]))
    low = m * 2.0 ** -float(rng.uniform(53, 60)) * float(rng.choice([-1, 1]))
    tape = Tape("v")
    out = triple_add(tape, Triple("a", "b", "c"), Triple("z", "z", "z"))
    return _run(tape, out, {"a": head, "b": m, "c": low, "z": 0.0})


def _cases() -> list[tuple[str, tuple[float, ...], Parts]]:
    rng = np.random.default_rng(16)
    heads = [float(v) for v in 2.0 ** rng.uniform(-1074, 1000, 120)] + [1.0, 0.5, 2.0**-1022, 2.0**-1060, 3e-320]
    cases: list[tuple[str, tuple[float, ...], Parts]] = []
    for head in heads:
        x = _normalised(rng, head * float(rng.choice([-1, 1])))
        other = head * 2.0 ** float(rng.uniform(-120, 0)) * float(rng.choice([-1, 1]))
        y = _normalised(rng, other)
        near = _normalised(rng, -x[0] * (1 + 2.0**-52 * float(rng.integers(-3, 4))))  # cancellation
        for kind, b in (("A", y), ("A", near), ("A", (-x[0], -x[1], 0.0))):
            cases.append((kind, (*x, *b), ADD(x, b)))
        if abs(head) < 2.0**500:
            factor = _normalised(rng, float(2.0 ** rng.uniform(-500, 20)) * float(rng.choice([-1, 1])))
            cases.append(("M", (*x, *factor), MUL(x, factor)))
        d = float(2.0 ** rng.uniform(-60, 60)) * float(rng.choice([-1, 1]))
        if 2.0**-900 < abs(head / d) < 2.0**900:
            cases.append(("D", (*x, d), _div(x, d)))
    ys = list(rng.uniform(-750, 1, 300)) + list(-(2.0 ** rng.uniform(-1074, 3, 60))) + [0.0, -745.0, -708.4, 1.0]
    ys += list(rng.uniform(1, 45, 40)) + [44.4]  # triple_log's e^-L where L < 0 (logmeanexp's means below 1)
    ys += [float(k) * math.log(2) / 64 for k in rng.integers(-69000, 64, 60)]
    for y in ys:
        parts = _normalised(rng, float(y)) if y != 0.0 else (0.0, 0.0, 0.0)
        cases.append(("E", parts, _exp(parts)))
    for s in list(np.exp(rng.uniform(0, 44, 150))) + list(2.0 ** -rng.uniform(0, 62, 60)) + [1.0, 1.0 + 2.0**-52, 2.0**64 * 0.999, 2.0**-62]:
        parts = _normalised(rng, float(s))
        cases.append(("L", parts, _log(parts)))
    return cases


def _hex(parts: Parts) -> str:
    return " ".join(float(p).hex() for p in parts)


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/c/triple_driver.c compiled once for this module's tests."""
    return compile_driver("triple_driver", tmp_path_factory.mktemp("triple_driver"))


@pytest.fixture(scope="module")
def portable_driver(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same driver built as the library's portable build is (_clib.PORTABLE_FLAGS: no FMA hardware, so that every
    SP_PRODUCT_RESIDUAL is sp_product_residual)."""
    from softproof.generated import _clib

    return compile_driver("triple_driver", tmp_path_factory.mktemp("triple_portable"), _clib.PORTABLE_FLAGS)


@pytest.mark.parametrize("build", ["native", "portable"])
def test_the_tapes_are_the_c_operations_bit_for_bit(build: str, request: pytest.FixtureRequest) -> None:
    """Both builds: the portable one's residuals (sp_product_residual) give the FMA's values, subnormal ones included,
    so the tapes, and with them the fp.triple.* proofs, are its operations too."""
    exe = request.getfixturevalue("driver" if build == "native" else "portable_driver")
    cases = _cases()
    lines = run_compiled(exe, "".join(f"{kind} {' '.join(float(v).hex() for v in args)}\n" for kind, args, _ in cases)).splitlines()
    assert len(lines) == len(cases)
    kinds = {kind for kind, _, _ in cases}
    assert kinds == {"A", "M", "D", "E", "L"}
    for (kind, args, expected), line in zip(cases, lines, strict=True):
        got = tuple(float.fromhex(v) for v in line.split())
        assert _hex(got) == _hex(expected), (kind, [float(a).hex() for a in args])


def _residual(a: float, b: float) -> float:
    """fma(a, b, -p) for p = fl(a b), exactly: a b - p in rationals rounded once (float(Fraction) rounds to nearest even,
    a tiny value to a zero of its sign); +0 where a b - p is an exact 0, as x + (-x) is."""
    exact = Fraction(a) * Fraction(b) - Fraction(a * b)
    return float(exact) if exact != 0 else 0.0


def _residual_cases(rng: np.random.Generator) -> list[tuple[float, float]]:
    """Products at each boundary of sp_product_residual's argument (|a b| near 2^-1075, 2^-1074, 2^-1022, 2^-969, 2^-900,
    above 2^995 for a factor) and across the range: factors with random 53-bit significands (residuals that need rounding
    into the subnormal range) and with short ones (exact residuals, and ties at half the subnormal spacing), both signs,
    zeros."""
    cases: list[tuple[float, float]] = []
    targets = [-1076.0, -1075.0, -1074.5, -1074.0, -1073.0, -1060.0, -1023.5, -1022.0, -1021.5, -990.0, -970.0, -969.0, -968.0,
               -950.0, -900.5, -900.0, -899.5, -800.0, 0.0, 500.0]
    for target in targets + list(rng.uniform(-1090, 600, 40)):
        for _ in range(120):
            split = float(rng.uniform(-1074, 1023))
            if not -1074 <= target - split <= 1023:
                split = target / 2
            short = rng.random() < 0.5
            a_sig = float(rng.integers(1, 2**20)) if short else float(rng.uniform(1, 2))
            b_sig = float(rng.integers(1, 2**40)) if short else float(rng.uniform(1, 2))
            a = math.ldexp(a_sig, int(split) - (19 if short else 0)) * float(rng.choice([-1, 1]))
            b = math.ldexp(b_sig, int(target - split) - (39 if short else 0)) * float(rng.choice([-1, 1]))
            cases.append((a, b))
    cases += [(0.0, 3.0), (-0.0, 3.0), (0.0, -3.0), (2.0**-600, 2.0**-600), (-(2.0**-600), 2.0**-500), (2.0**1000, 2.0**-1074),
              (1.5 * 2.0**-537, 1.5 * 2.0**-537), (2.0**-1074, 0.75), (2.0**-1074, 0.5), (3 * 2.0**-1074, 0.5), (2.0**-1074, 1.5)]
    return cases


@pytest.mark.parametrize("build", ["native", "portable"])
def test_the_product_residual_is_the_fma_value_in_both_builds(build: str, request: pytest.FixtureRequest) -> None:
    """SP_PRODUCT_RESIDUAL(a, b, fl(a b)) as compiled against exact rationals, bit for bit (a zero's sign included):
    the FMA's value, and without FMA hardware sp_product_residual's, on products at each boundary of its argument. It
    tests itself: Dekker's product alone (sp_exact_fma, the residual before this function) differs on many of those
    below 2^-969 (92 here)."""
    exe = request.getfixturevalue("driver" if build == "native" else "portable_driver")
    rng = np.random.default_rng(1075)
    cases = _residual_cases(rng)
    lines = run_compiled(exe, "".join(f"R {a.hex()} {b.hex()}\n" for a, b in cases)).splitlines()
    assert len(lines) == len(cases)
    for (a, b), line in zip(cases, lines, strict=True):
        assert float.fromhex(line).hex() == _residual(a, b).hex(), (a.hex(), b.hex(), line)
    inexact = sum(_dekker_residual(a, b) != _residual(a, b) for a, b in cases if abs(a * b) < 2.0**-969)
    assert inexact > 50, inexact


def _dekker_residual(a: float, b: float) -> float:
    """sp_exact_fma(a, b, -fl(a b)) in binary64 (for factors below 2^995, which it does not scale): Dekker's product with Veltkamp's
    split, whose partial products round into the subnormal range below 2^-969, then (p - p) + e."""
    p = a * b
    a_big, b_big = a * 134217729.0, b * 134217729.0
    a_hi = a_big - (a_big - a)
    b_hi = b_big - (b_big - b)
    a_lo, b_lo = a - a_hi, b - b_hi
    e = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    return (p - p) + e


def test_a_swapped_operation_is_seen() -> None:
    """Not vacuous: triple_add with its low sums' order changed (s2 + (t0 + t1) taken as (s2 + t0) + t1) differs from the
    tape on operands whose low parts round."""
    rng = np.random.default_rng(3)

    def swapped(tape: Tape, x: Triple, y: Triple) -> Triple:
        s0, t0 = tape.two_sum(x.h, y.h)
        s1, t1 = tape.two_sum(x.m, y.m)
        s2 = tape.add(x.l, y.l)
        s1, t0 = tape.two_sum(s1, t0)
        s2 = tape.add(tape.add(s2, t0), t1)
        from softproof.codegen.backends.gappa.triple import renorm

        return renorm(tape, s0, s1, s2)

    other = _operation(swapped)
    differ = sum(_hex(ADD(x, y)) != _hex(other(x, y)) for x, y in
                 ((_normalised(rng, 1.0 + float(rng.uniform())), _normalised(rng, float(rng.uniform(-1, 1)))) for _ in range(2000)))
    assert differ > 0


def test_renorm_outputs_are_normalised_as_its_lemma_says() -> None:
    """fp.triple.renorm's hand argument (Sterbenz' lemma) against its tape on a, b, c of every relation: equal and
    opposite heads, b and c far below a or far above it, subnormal parts: |m| <= mu |h| and |l| <= u |m|, h + m + l = a +
    b + c exactly."""
    from fractions import Fraction

    from softproof.codegen.backends.gappa.triple import renorm
    from softproof.codegen.backends.gappa.triple_bounds import renorm_factor

    mu, u = renorm_factor(), Fraction(1, 2**53)
    rng = np.random.default_rng(51)
    tape = Tape("v")
    out = renorm(tape, "a", "b", "c")
    for _ in range(20000):
        a = float(rng.standard_normal()) * 2.0 ** float(rng.integers(-1070, 880))
        b = -a * (1 + float(rng.integers(-4, 5)) * 2.0**-52) if rng.random() < 0.3 else a * 2.0 ** -float(rng.uniform(-60, 120))
        c = b * 2.0 ** -float(rng.uniform(-60, 120)) * float(rng.choice([-1, 1]))
        h, m, low = _run(tape, out, {"a": a, "b": b, "c": c})
        assert Fraction(h) + Fraction(m) + Fraction(low) == Fraction(a) + Fraction(b) + Fraction(c)
        assert abs(Fraction(m)) <= mu * abs(Fraction(h)) and abs(Fraction(low)) <= u * abs(Fraction(m))


_U = Fraction(1, 2**53)


def _float32_nearest(q: Fraction) -> np.float32:
    """q rounded once to float32 (ties to even; zero keeps q's sign where q != 0, and past the range an infinity),
    exactly: the double nearest q rounded to float32 may be off by the double rounding, so the float32 candidates beside
    it are compared with q in exact rationals."""
    with np.errstate(over="ignore"):
        guess = np.float32(float(q)) if abs(q) < 2**129 else np.float32(math.copysign(math.inf, q))
        candidates = {guess, np.nextafter(guess, np.float32(np.inf)), np.nextafter(guess, np.float32(-np.inf))}
    finite = [c for c in candidates if np.isfinite(c)]
    top = np.float32(np.finfo(np.float32).max)
    if abs(q) >= Fraction(float(top)) + Fraction(2**103):  # the overflow threshold 2^128 - 2^103 and beyond: infinity (ties too)
        return np.float32(math.copysign(math.inf, q))
    best = min(finite, key=lambda c: (abs(Fraction(float(c)) - q), int(np.asarray(c).view(np.uint32)) & 1))
    return np.float32(math.copysign(0.0, q)) if best == 0 and q != 0 else best


def test_the_triple_stage_decides_float32_results_soundly(driver: Path) -> None:
    """fp.logsumexp.certified_triple.float32.cr's test as compiled (triple_float_decided) against exact rationals: where
    it decides, every value within the stage's error of the triple d + rest (B/(1 - u)^5 + 2^-102 |V| + 2^-1068, and
    the remainder's 2^-101 |d|) rounds to the float32 it returns (the sign of a zero included), on doubles at and beside
    float32 midpoints (normal, subnormal, near the overflow threshold, both signs) with remainders on either side and
    bounds up to 2^-70 |d|. It tests itself: a test without the margin's slack (|X| > B) decides cases whose interval holds
    a midpoint, and the compiled one leaves those undecided."""
    rng = np.random.default_rng(16)
    midpoints: list[float] = []
    for f in np.concatenate([rng.uniform(-3, 3, 30), 2.0 ** rng.uniform(-140, 120, 30), -(2.0 ** rng.uniform(-149, -126, 6))]).astype(np.float32):
        other = np.nextafter(f, np.float32(np.inf))
        midpoints.append(0.5 * (float(f) + float(other)))
    midpoints += [float.fromhex("0x1.ffffffp127"), -float.fromhex("0x1.ffffffp127"), 2.0**-150, 1.0 + 2.0**-24]
    cases: list[tuple[float, float, float]] = []
    for mu in midpoints:
        for k in (-2, -1, 0, 1, 2):
            d = mu
            for _ in range(abs(k)):
                d = float(np.nextafter(d, math.copysign(math.inf, k)))
            for rest in (0.0, 2.0**-60, -(2.0**-60), 2.0**-80, -(2.0**-80), 2.0**-99, -(2.0**-99)):
                for bound in (0.0, 2.0**-110, 2.0**-100, 2.0**-90, 2.0**-70):
                    cases.append((d, rest * abs(d), bound * abs(d)))
        for scale in (2.0**-90, 2.0**-100):  # the triple just beyond B from a midpoint: inside the stage's error
            bound = scale * abs(mu)
            cases += [(mu, bound * (1 + 2.0**-50), bound), (mu, -bound * (1 + 2.0**-50), bound)]
    for d in rng.uniform(-10, 10, 50):  # doubles away from midpoints
        cases.append((float(d), float(d) * 2.0**-70, abs(float(d)) * 2.0**-80))
    lines = run_compiled(driver, "".join(f"F {d.hex()} {r.hex()} {b.hex()}\n" for d, r, b in cases)).splitlines()
    assert len(lines) == len(cases)
    decided = naive_wrong = 0
    for (d, rest, bound), line in zip(cases, lines, strict=True):
        flag, value = line.split()
        V = Fraction(d) + Fraction(rest)
        error = Fraction(bound) / (1 - _U) ** 5 + Fraction(1, 2**102) * abs(V) + Fraction(1, 2**1068) + Fraction(1, 2**101) * abs(Fraction(d))
        low, high = _float32_nearest(V - error), _float32_nearest(V + error)
        straddles = np.asarray(low).view(np.uint32) != np.asarray(high).view(np.uint32)
        if flag == "1":
            decided += 1
            with np.errstate(over="ignore"):
                got = np.float32(float.fromhex(value))
            assert not straddles and np.asarray(got).view(np.uint32) == np.asarray(low).view(np.uint32), (d.hex(), rest, bound, value)
        mu = Fraction(_float_midpoint_near(d))
        naive_wrong += bool(straddles and abs(Fraction(d) - mu + Fraction(rest)) > Fraction(bound) and abs(d) > bound)
    assert decided > len(cases) // 2 and naive_wrong > 0, (decided, naive_wrong)


def _float_midpoint_near(d: float) -> float:
    """The float32 midpoint nearest d, as float_midpoint_near computes it (the overflow threshold from FLT_MAX on)."""
    if not abs(d) < float(np.finfo(np.float32).max):
        return math.copysign(float.fromhex("0x1.ffffffp127"), d)
    f = np.float32(d)
    other = np.nextafter(f, np.float32(np.inf) if d > float(f) else np.float32(-np.inf))
    return 0.5 * (float(f) + float(other))
