"""Extreme inputs and temperatures on every target and build: the correctly rounded value or the
right infinity, never NaN where the truth is a number or an infinity (issue 16).

The oracle is mpmath on the textbook definitions (measure/reference.py), rounded to the output
format; the builds are the NumPy target, the C target as built here, and the C target built
with the portable flags (no FMA hardware: the exact residuals go through Dekker's product), run
in a subprocess so that its own library is built and loaded.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from portable_build import run_portable

from softproof.measure import reference as ref
from softproof.measure.accuracy import _round, ulp_distance

DBL_MAX = float(np.finfo(np.float64).max)
# (function, x, temperature): rows whose shift overflows, temperatures at the ends of the range
ROW_CASES = [
    ("log_softmax", [1e308, -1e308], 1.0),
    ("log_softmax", [1.0, 0.5, -2.0], 5e-324),
    ("log_softmax", [1.0, 0.5, -2.0], 1e-306),
    ("log_softmax", [0.0, -DBL_MAX], 3.0),
    ("log_softmax", [DBL_MAX, -DBL_MAX, 0.0], DBL_MAX),
    ("log_softmax", [DBL_MAX, -DBL_MAX], 1.5),
    ("softmax", [1e308, -1e308, 0.0], DBL_MAX),
    ("softmax", [DBL_MAX, -DBL_MAX], 1.25),
    ("softmax", [-22.042275446775076, -7.215724705298151], 0.37),
    ("softmax", [1.0, 0.5, -2.0], 5e-324),
    ("logsumexp", [1e308, -1e308, 0.0], DBL_MAX),
    ("logsumexp", [DBL_MAX, -DBL_MAX], 3.0),
    ("logsumexp", [1.0, 0.5, -2.0], 5e-324),
    # terms below e^-708 next to a tiny result: the double-double stage left them out unbounded (C: 1.2e-4 off)
    ("logsumexp", [0.0, -700.0, -709.0], 1.0),
    ("logsumexp", [0.0, -700.0, -709.0, -709.0, -709.0], 1.0),
    ("logsumexp", [0.0, -350.0, -354.6], 0.5),
    ("logsumexp", [0.0, -690.0, -745.3, -745.3, -745.3], 1.0),
    # one maximum, every other term below the double range, T so large that T t is not: 1.8e-271, 4.2e-22 and 2.2e-65
    # (both targets gave 0, 4.1996e-22 (0.26 % off) and 0: the terms' sum underflowed before T multiplied it)
    ("logsumexp", [0.0, -970.0 * 2.0**500], 2.0**500),
    ("logsumexp", [0.0, -740e300], 1e300),
    ("logsumexp", [5e-310, -1.3095397941698655e+267], 1.7292374145211107e+264),
    ("logsumexp", [-1e-300, -1.2e306, -1.19e306, -1e308], 1e303),
    # a subnormal T over subnormal entries: the shift's remainder underflowed (softmax 164 ULP off in C, 3.6e6 in NumPy)
    ("softmax", [-2.51905934548e-312, -4.077567573207e-312, -9.2562084549e-313, -5.09825147684e-312, -2.6622238127e-313], 6.24239609e-315),
    ("log_softmax", [-2.51905934548e-312, -4.077567573207e-312, -9.2562084549e-313, -5.09825147684e-312, -2.6622238127e-313], 6.24239609e-315),
    # T above DBL_MAX/745 where m + T L cancels: the long double value was returned uncertified (2.3e12 ULP off)
    ("logsumexp", [-1.8152908935666244e+306, -7.701869178403634e+306, -2.91679052326939e+306], 2.9966813135872983e+306),
    # a subnormal result lifted by T from a term below e^-745, which the triple-double stage leaves out (1.1e7 ULP off)
    ("logsumexp", [-2.78682122325e-313, -1.6440334276454893e+226], 1.3237176024746324e+223),
    # log-probabilities whose sum is within 2^-240 of 1 (each entry the log of what the sum still lacks, rounded down):
    # no fixed precision decides such rows; the C kernel's triple-double stage flags them (SOFTPROOF_UNCERTIFIED)
    # and the wrapper redoes them exactly (the C target was 6.5e41 and 4.8e29 ULP off before)
    ("logsumexp", [-0.4, -1.1096329315889282, -37.58794631566449, -71.73533219434138, -105.39923201517219, -137.7495488669716], 1.0),
    ("logsumexp", [-1.2, -0.01473319964188202, -15.394054748855101, -27.878697585565746, -39.95628383806059], 0.37),
]
# the bounds of the function table for float64 (the row is tiny: every entry must hold them)
BOUND = {"softmax": 3, "log_softmax": 2, "logsumexp": 1, "cross_entropy": 2}


def _truth(function: str, x: list[float], T: float) -> np.ndarray:
    with mpmath.workprec(3000):
        values, temperature = ref.row(x), mpmath.mpf(T)
        exact = {"softmax": lambda: ref.softmax(values, temperature), "log_softmax": lambda: ref.log_softmax(values, temperature),
                 "logsumexp": lambda: [ref.logsumexp(values, temperature)]}[function]()
        return np.array([_round(v, 53) for v in exact])


_PORTABLE_SCRIPT = """
import json, sys
import numpy as np
import softproof.generated.softmax_c as c
cases = json.loads(sys.stdin.read())
out = [np.atleast_1d(getattr(c, f)(np.array([float.fromhex(v) for v in x]), temperature=float.fromhex(T))).tolist() for f, x, T in cases]
print(json.dumps([[float(v).hex() for v in row] for row in out]))
"""


def _portable_results() -> list[np.ndarray]:
    cases = [[f, [v.hex() for v in x], T.hex()] for f, x, T in ROW_CASES]
    return [np.array([float.fromhex(v) for v in row]) for row in run_portable(_PORTABLE_SCRIPT, cases)]


@pytest.fixture(scope="module")
def portable() -> list[np.ndarray]:
    return _portable_results()


_PORTABLE_ELEMENTWISE = """
import json, sys
import numpy as np
import softproof.generated.softmax_c as c
name, dtype, values = json.loads(sys.stdin.read())
x = np.array([float.fromhex(v) for v in values], dtype=dtype)
print(json.dumps([float(v).hex() for v in getattr(c, name)(x)]))
"""


def _portable_elementwise(name: str, x: np.ndarray) -> np.ndarray:
    """softmax_c.<name>(x) computed by the portable build (SOFTPROOF_PORTABLE=1, a process of its own), in x's dtype."""
    values = run_portable(_PORTABLE_ELEMENTWISE, [name, x.dtype.name, [float(v).hex() for v in x]])
    return np.array([float.fromhex(v) for v in values], dtype=x.dtype)


def _check(got: np.ndarray, truth: np.ndarray, bound: int, what: str) -> None:
    assert not np.isnan(got).any(), f"{what}: NaN in {got}, truth {truth}"
    assert np.array_equal(np.isinf(got), np.isinf(truth)) and np.array_equal(got[np.isinf(got)], truth[np.isinf(truth)]), (
        f"{what}: {got} has other infinities than the truth {truth}")
    assert float(ulp_distance(got, truth).max()) <= bound, f"{what}: {got} vs truth {truth}"


@pytest.mark.parametrize("case", range(len(ROW_CASES)))
def test_extreme_rows_on_both_targets_and_the_portable_build(case: int, portable: list[np.ndarray]) -> None:
    import softproof.generated.softmax_c as c_target
    import softproof.generated.softmax_np as np_target

    function, x, T = ROW_CASES[case]
    truth = _truth(function, x, T)
    for name, module in (("numpy", np_target), ("c", c_target)):
        got = np.atleast_1d(getattr(module, function)(np.array(x), temperature=T))
        _check(got, truth, BOUND[function], f"{name} {function}({x}, T={T})")
    _check(portable[case], truth, BOUND[function], f"portable c {function}({x}, T={T})")


@pytest.mark.parametrize("rows", [16, 1])
def test_logsumexp_terms_below_the_normal_range_count_in_tiles_and_rows(rows: int) -> None:
    """Short rows go through tiles of 8 (16 rows), a single one through the row path; rows whose result
    is tiny and rests on terms below e^-708 are within 1 ULP on both targets (the C double-double stage
    dropped those terms and certified the rest: [0, -700, -709] was 1.2e-4 relative off)."""
    import softproof.generated.softmax_c as c_target
    import softproof.generated.softmax_np as np_target

    rng = np.random.default_rng(4)
    for _ in range(3):
        x = np.column_stack([np.zeros(rows), -rng.uniform(690, 705, rows), -rng.uniform(706, 740, rows), -rng.uniform(706, 740, rows)])
        truth = np.array([_truth("logsumexp", row.tolist(), 1.0)[0] for row in x])
        for name, module in (("numpy", np_target), ("c", c_target)):
            got = np.atleast_1d(module.logsumexp(x))
            assert float(ulp_distance(got, truth).max()) <= 1, (name, x[np.argmax(ulp_distance(got, truth))], got, truth)


def test_logsumexp_keeps_terms_below_the_double_range_that_a_huge_temperature_lifts() -> None:
    """Rows with one maximum m whose other terms e^((x - m)/T) all lie below e^-600, often below the double range,
    and T up to 2^1020, so that LSE = m + T log1p(t) is an ordinary number (m among 0, +-1e-300, a subnormal, +-1 and
    +-T): within 1 ULP on both targets, through tiles (16 rows) and the row path alike, the same bits in both, against
    mpmath on the textbook formula. Test of the test: m + T log1p(sum of the float64 terms) is more than 1 ULP off
    on many of them (0 where the truth is 1e-271)."""
    import softproof.generated.softmax_c as c_target
    import softproof.generated.softmax_np as np_target

    rng = np.random.default_rng(31)
    naive_failures = 0
    for _ in range(60):
        n = int(rng.integers(2, 7))
        T = float(2.0 ** rng.uniform(-3.0, 1020.0))
        m = float(rng.choice([0.0, 0.0, 1e-300, -1e-300, 5e-310, 1.0, -1.0])) * (T if rng.random() < 0.3 else 1.0)
        x = np.array([m] + [m + T * (rng.uniform(-1500.0, -600.0) + rng.uniform(-20.0, 0.0)) for _ in range(n - 1)])
        if not np.isfinite(x).all() or int((x < m).sum()) != n - 1:
            continue
        want = _truth("logsumexp", x.tolist(), T)
        if abs(want[0]) < 2.0**-1000:  # out of the claims' scope
            continue
        for target in (np_target, c_target):
            single = np.atleast_1d(target.logsumexp(x, temperature=T))
            tiles = target.logsumexp(np.repeat(x[None, :], 16, axis=0), temperature=T)
            assert float(ulp_distance(single, want)[0]) <= 1, (target.__name__, x.tolist(), T, single, want)
            assert np.array_equal(tiles, np.repeat(single, 16)), (target.__name__, x.tolist(), T, single, tiles)
        with np.errstate(under="ignore", over="ignore"):
            naive = m + T * np.log1p(np.exp((x[x < m] - m) / T).sum())
        naive_failures += int(float(ulp_distance(np.array([naive]), want)[0]) > 1)
    assert naive_failures >= 10, naive_failures


def test_the_naive_shift_fails_the_first_case() -> None:
    """The test of the test: x - m before dividing by T (the old kernels) overflows to NaN / wrong mass."""
    x, T = np.array([1e308, -1e308, 0.0]), DBL_MAX
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp((x - x.max()) / T)
    naive = e / e.sum()
    assert float(ulp_distance(naive, _truth("softmax", x.tolist(), T)).max()) > 1e6


@pytest.mark.parametrize("target", ["numpy", "c"])
def test_cross_entropy_of_a_row_spanning_more_than_dbl_max_is_inf(target: str) -> None:
    import softproof.generated.softmax_c as c_target
    import softproof.generated.softmax_np as np_target

    module = c_target if target == "c" else np_target
    assert module.cross_entropy(np.array([1e308, -1e308]), np.array(1)) == np.inf
    assert module.cross_entropy(np.array([1e308, -1e308]), np.array(0)) == 0.0


@pytest.mark.parametrize("target", ["numpy", "c"])
def test_softmax_backward_keeps_a_wider_grad_and_takes_infinite_entries_as_limits(target: str) -> None:
    """float32 probs with a float64 grad are computed and returned in float64 (1e40 would overflow
    float32); an infinite grad entry gives the limit of p_i (delta_ij - p_j) g_j, entry by entry."""
    import softproof.generated.softmax_c as c_target
    import softproof.generated.softmax_np as np_target

    module = c_target if target == "c" else np_target
    out = module.softmax_backward(np.array([0.5, 0.5], np.float32), np.array([1e40, 0.0]))
    assert out.dtype == np.float64 and np.array_equal(out, [2.5e39, -2.5e39])
    cases = [  # (p, g, limit)
        ([0.5, 0.5], [np.inf, 0.0], [np.inf, -np.inf]),
        ([0.5, 0.5], [np.inf, -np.inf], [np.inf, -np.inf]),
        ([1.0, 0.0], [np.inf, 3.0], [0.0, 0.0]),  # p_0 = 1: its own coefficient p (1 - p) is 0
        ([0.2, 0.3, 0.5], [np.inf, np.inf, 1.0], [np.nan, np.nan, -np.inf]),  # two independent limits: undetermined
        ([0.25, 0.75], [-np.inf, 2.0], [-np.inf, np.inf]),
    ]
    for p, g, limit in cases:
        for rows in (1, 9):  # one row, and the tiled path of many short rows
            got = module.softmax_backward(np.tile(p, (rows, 1)), np.tile(g, (rows, 1)))[-1]
            assert np.array_equal(got, limit, equal_nan=True), (p, g, got)


@pytest.mark.parametrize("target", ["numpy", "c"])
def test_backward_rows_that_overflow_only_in_between(target: str) -> None:
    """softmax_backward's g_j - <g, p> and log_softmax_backward's sum of g may exceed DBL_MAX where the result
    does not (p = [0.9, 0.1], g = [-1.7e308, 1.7e308]: 3.06e307; g = [1.7e308, 1.7e308] at p = [0.5, 0.5]: 0):
    both gave +-inf. Rows of 2, 5 and 100 entries, one and 9 at a time (the C target's tiles), against mpmath on
    the formulas of the given inputs, within 2^-49 of the terms' size; test of the test: the plain formulas
    overflow there."""
    import softproof.generated.softmax_c as c_target
    import softproof.generated.softmax_np as np_target

    module = c_target if target == "c" else np_target

    def near(got: float, truth: mpmath.mpf, size: mpmath.mpf) -> bool:  # an overflowing truth is the infinity of its sign
        if abs(truth) >= mpmath.mpf(2) ** 1024 * (1 - mpmath.mpf(2) ** -54):
            return bool(got == (np.inf if truth > 0 else -np.inf))
        return bool(abs(got - truth) <= 2.0**-49 * size)

    rng = np.random.default_rng(21)
    finite = 0
    for n in (2, 5, 100):
        p = rng.dirichlet(np.ones(n), 9)
        g = rng.choice([-1.0, 1.0], (9, n)) * rng.uniform(0.9, 1.0, (9, n)) * 1.7e308
        g[0, :] = 1.7e308  # every sum of two overflows
        lp = np.log(p)
        got_soft, got_log = module.softmax_backward(p, g), module.log_softmax_backward(lp, g)
        for r in range(9):
            assert np.array_equal(module.softmax_backward(p[r], g[r]), got_soft[r]), (n, r)
            assert np.array_equal(module.log_softmax_backward(lp[r], g[r]), got_log[r]), (n, r)
            with mpmath.workprec(200):
                P, G = [mpmath.mpf(v) for v in p[r]], [mpmath.mpf(v) for v in g[r]]
                dot, total = mpmath.fsum(a * b for a, b in zip(P, G, strict=True)), mpmath.fsum(G)
                for j in range(n):
                    soft = P[j] * (G[j] - dot)
                    assert near(got_soft[r, j], soft, P[j] * (abs(G[j]) + abs(dot))), (n, r, j, got_soft[r, j], soft)
                    e = mpmath.exp(mpmath.mpf(lp[r, j]))
                    log_vjp = G[j] - e * total
                    assert near(got_log[r, j], log_vjp, abs(G[j]) + e * abs(total)), (n, r, j, got_log[r, j], log_vjp)
                    finite += int(np.isfinite(got_soft[r, j])) + int(np.isfinite(got_log[r, j]))
    assert finite > 1000, finite
    p, g = np.array([0.9, 0.1]), np.array([-1.7e308, 1.7e308])
    assert module.softmax_backward(p, g)[1] == 3.06e307 and module.log_softmax_backward(np.log([0.5, 0.5]), -g[[1, 1]])[0] == 0.0
    with np.errstate(over="ignore", invalid="ignore"):  # test the test: the plain formulas overflow
        assert np.isinf(p * (g - np.sum(p * g)))[1] and np.isinf(1.7e308 - 0.5 * np.sum([1.7e308, 1.7e308]))


# rows [a, b] at T = 1 whose float32 logsumexp the first stage's 1 ULP certificate rounded the wrong way (found by a
# search for sums near a float32 midpoint: 12 of 2,210 such rows)
_FLOAT32_MISROUNDED = [
    (0.0040265535935759544, -4.531198978424072),
    (-0.5002486109733582, -0.694799542427063),
    (2.6737756729125977, 1.755676031112671),
    (-0.09803733229637146, -3.197448968887329),
    (-0.4785538911819458, -0.8255997896194458),
    (-0.18579111993312836, -1.3588855266571045),
    (-0.0820750743150711, -0.4138621687889099),
    (0.006669736001640558, -2.4195938110351562),
    (-0.5505796074867249, -1.0399048328399658),
    (-0.25772589445114136, -1.8847806453704834),
    (-1.0873265266418457, -1.3421310186386108),
    (-0.6809592843055725, -0.7184473276138306),
]


def _round_to_float32(value: mpmath.mpf) -> np.float32:
    """An mpmath number rounded once to float32 (ties to even, float32's subnormal grid below 2^-126; a negative number
    that rounds to zero gives -0.0)."""
    if abs(value) < mpmath.ldexp(1, -126):
        tiny = np.float32(float(mpmath.ldexp(mpmath.nint(mpmath.ldexp(value, 149)), -149)))
        return np.float32(-0.0) if tiny == 0 and value < 0 else tiny
    with mpmath.workprec(24):
        return np.float32(float(+value))


@pytest.mark.parametrize("target", ["numpy", "c"])
def test_float64_logsumexp_of_log_probability_rows_is_within_1_ulp(target: str) -> None:
    """Rows of log-probabilities (T log p at temperature T: LSE near 0, about 2^-53 |m|), where 1 ULP of the result takes
    the last, triple-double stage on nearly every row: 4 lengths (the C target's tiles of 8 take such rows' logarithms
    together, triple_log_lanes) x 19 rows x 2 temperatures, batched and one at a time, within 1 ULP of mpmath on the
    textbook definition at 300 bits, and the same bits both ways. Test of the test: NumPy's max-shifted formula, in
    float64, is thousands of ULP off on these rows."""
    import softproof.generated.softmax_c as c_target
    import softproof.generated.softmax_np as np_target

    module = c_target if target == "c" else np_target
    rng = np.random.default_rng(23)
    naive_worst = 0.0
    for n in (2, 3, 10, 100):
        for T in (1.0, 0.37):
            x = T * np.log(rng.dirichlet(np.ones(n), 19))
            batch = module.logsumexp(x, temperature=T)
            for r in range(19):
                assert np.array_equal(np.float64(module.logsumexp(x[r], temperature=T)).view(np.uint64), batch[r:r + 1].view(np.uint64)[0]), (n, T, r)
                with mpmath.workprec(300):
                    values = [mpmath.mpf(float(v)) for v in x[r]]
                    m = max(values)
                    truth = m + T * mpmath.log(mpmath.fsum(mpmath.exp((v - m) / T) for v in values))
                    ulp = np.spacing(abs(float(truth)))
                    error = float(abs(mpmath.mpf(float(batch[r])) - truth)) / ulp
                    shifted = x[r] - x[r].max()
                    naive = x[r].max() + T * np.log(np.sum(np.exp(shifted / T)))
                    naive_worst = max(naive_worst, float(abs(mpmath.mpf(float(naive)) - truth)) / ulp)
                assert error <= 1.0, (n, T, r, batch[r], float(truth), error)
    assert naive_worst > 1000, naive_worst


@pytest.mark.parametrize("target", ["numpy", "c"])
def test_float32_logsumexp_is_correctly_rounded(target: str) -> None:
    """fp.logsumexp.float32.cr: float32 results are the correctly rounded logsumexp, bit for bit, on rows whose sum lies
    near a float32 midpoint (the listed rows, which the previous C kernel rounded the wrong way, and a seeded search at
    T = 0.37 and 3.3), on rows of float32 log-probabilities (LSE near 0) and random rows, one at a time and batched
    (the C target's tiles). Test of the test: the same rows evaluated in float32 arithmetic miss on some of them."""
    import softproof.generated.softmax_c as c_target
    import softproof.generated.softmax_np as np_target

    module = c_target if target == "c" else np_target
    rng = np.random.default_rng(17)
    cases: list[tuple[np.ndarray, float]] = [(np.array(pair, np.float32), 1.0) for pair in _FLOAT32_MISROUNDED]
    for T in (0.37, 3.3):
        T32 = float(np.float32(T))
        a = rng.uniform(-3, 3, 1_000_000).astype(np.float32)
        b = (a - rng.uniform(0, 20, a.size)).astype(np.float32)
        v = a.astype(np.float64) + T32 * np.log1p(np.exp((b.astype(np.float64) - a) / T32))
        v32 = v.astype(np.float32)
        fraction = np.abs(v - v32) / np.spacing(np.abs(v32)).astype(np.float64)
        near = np.nonzero(np.abs(fraction - 0.5) < 2.0**-14)[0][:40]
        cases += [(np.array([a[i], b[i]], np.float32), T32) for i in near]
    logits = rng.normal(size=(60, 10)) * 3
    log_probs = (logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))).astype(np.float32)
    cases += [(row, 1.0) for row in log_probs] + [(row, 0.37) for row in rng.normal(size=(40, 7)).astype(np.float32)]

    def truth(x: np.ndarray, T: float) -> np.float32:
        with mpmath.workprec(300):
            values = [mpmath.mpf(float(v)) for v in x]
            m = max(values)
            return _round_to_float32(m + T * mpmath.log(mpmath.fsum(mpmath.exp((v - m) / T) for v in values)))

    wrong_in_float32 = 0
    for T in sorted({T for _, T in cases}):
        rows = [x for x, t in cases if t == T and x.size == 2] + [x for x, t in cases if t == T and x.size != 2]
        want = np.array([truth(x, T) for x in rows], np.float32)
        got = np.array([module.logsumexp(x, temperature=T) for x in rows], np.float32)
        assert np.array_equal(got.view(np.uint32), want.view(np.uint32)), [(x.tolist(), g, w) for x, g, w in zip(rows, got, want, strict=True) if g != w][:3]
        for width in {x.size for x in rows}:  # batched rows of one length (tiles)
            same = [i for i, x in enumerate(rows) if x.size == width]
            batch = module.logsumexp(np.stack([rows[i] for i in same]), temperature=T)
            assert np.array_equal(batch.view(np.uint32), want[same].view(np.uint32)), width
        if T == 1.0:
            naive = np.array([np.logaddexp(x[0], x[1]) for x in rows if x.size == 2], np.float32)
            wrong_in_float32 += int(np.sum(naive != want[: naive.size]))
    assert wrong_in_float32 > 0


# float32 rows [a, b] whose logsumexp lies within 2^-52.5 of a float32 midpoint (3 of 400 million seeded random rows, a in
# [-3, 3], b = a - [0, 20]): the first two stages' test (its 2^-45 slack) and the long double stage leave them, the
# triple-double stage decides them (fp.logsumexp.certified_triple.float32.cr)
_FLOAT32_NEAR_MIDPOINT = [(float.fromhex("0x1.0a1f86p+0"), float.fromhex("-0x1.83b678p+1")),
                          (float.fromhex("0x1.a51bf0p+0"), float.fromhex("-0x1.474f08p+3")),
                          (float.fromhex("0x1.5d6abap+0"), float.fromhex("-0x1.5a10dep+1"))]


def test_float32_logsumexp_near_a_midpoint_is_correctly_rounded_and_redone_where_flagged() -> None:
    """Rows whose logsumexp lies within 2^-52.5 of a float32 midpoint come out correctly rounded on both targets, one at a
    time and batched. Where the C kernel flags a float32 row for its midpoint (SOFTPROOF_UNCERTIFIED), the wrapper
    (_redo_undecided) finds it from the rows' float64 logsumexp and redoes it: given these rows with one value turned to
    its float32 neighbour, it returns the correctly rounded values. Test of the test: the tiny-result criterion alone
    (|out| <= (n + 64) 2^-85 (|m| + T (log n + 1))) picks none of them."""
    import softproof.generated.softmax_c as c_target
    import softproof.generated.softmax_np as np_target
    from softproof.generated import _clib

    x = np.array(_FLOAT32_NEAR_MIDPOINT, np.float32)
    with mpmath.workprec(300):
        truth = np.array([_round_to_float32(mpmath.log(mpmath.exp(mpmath.mpf(float(a))) + mpmath.exp(mpmath.mpf(float(b)))))
                          for a, b in x], np.float32)
    for module in (c_target, np_target):
        batch = module.logsumexp(x)
        single = np.array([module.logsumexp(row) for row in x], np.float32)
        assert np.array_equal(batch.view(np.uint32), truth.view(np.uint32)), (module.__name__, batch, truth)
        assert np.array_equal(single.view(np.uint32), truth.view(np.uint32)), (module.__name__, single, truth)
    flagged = truth.copy()
    flagged[1] = np.nextafter(truth[1], np.float32(np.inf))
    wide = c_target._KERNELS._wide_logsumexp((1,), 1.0)  # the C kernel's float64 values, as reduce passes them
    redone = _clib._redo_undecided(x, flagged, 1.0, (1,), np.dtype(np.float32), wide)
    assert np.array_equal(np.asarray(redone).view(np.uint32), truth.view(np.uint32)), (redone, truth)
    tiny = (2 + 64) * 2.0**-85 * (np.abs(x.max(axis=1)) + np.log(2) + 1)
    assert not np.any(np.abs(truth) <= tiny)


def test_the_float32_decision_and_rounding_of_the_numpy_target() -> None:
    """The NumPy target's decision (_decides) leaves a value undecided where its interval holds a float32 midpoint and
    decides it where the interval is clear of one (the float64 results keep their 1 ULP test); _round_to_float32 rounds
    ties to even, onto the subnormal grid and to infinity past the range (the float32 results of its mpmath stage)."""
    import mpmath

    import softproof.generated.softmax_np as np_target

    one = np.float32(1.0)
    midpoint = (float(one) + float(np.nextafter(one, np.float32(2)))) / 2  # 1 + 2^-24, a double
    out = np.array([midpoint, midpoint + 2.0**-40, midpoint - 2.0**-30, 1.0 + 2.0**-30, -midpoint])
    bound = np.array([2.0**-60, 2.0**-45, 2.0**-45, 2.0**-40, 0.0])
    assert np_target._decides(out, bound, True).tolist() == [False, True, True, True, False]
    assert np_target._decides(np.array([1.0, np.inf]), np.array([2.0**-55, 0.0]), False).tolist() == [True, True]
    assert np_target._decides(np.array([0.0, np.inf, 2.0**-160]), np.array([2.0**-170, 0.0, 2.0**-170]), True).tolist() == [False, True, True]
    with mpmath.workprec(200):
        assert np_target._round_to_float32(mpmath.mpf(midpoint)) == 1.0  # a tie: to even
        assert np_target._round_to_float32(mpmath.mpf(midpoint) + mpmath.ldexp(1, -100)) == float(np.nextafter(one, np.float32(2)))
        assert np_target._round_to_float32(mpmath.ldexp(3, -151)) == 2.0**-149  # 0.75 of the subnormal spacing
        assert np_target._round_to_float32(mpmath.ldexp(1, -151)) == 0.0
        assert np_target._round_to_float32(mpmath.ldexp(1, 128)) == np.inf and np_target._round_to_float32(-mpmath.ldexp(1, 129)) == -np.inf


def test_rows_whose_terms_are_all_below_the_normal_range_keep_their_small_results() -> None:
    """A row whose terms below its maximum all lie under 2^-968 (log-probabilities with one 0 and the rest
    below -670): log_softmax's maximal entry is -t, a cross-entropy at it t and logsumexp near 0 m + T t, with t
    the sum of those terms. Summed from terms rounded onto the subnormal grid (half an ulp each), t was n/2
    subnormal ulps off: [0, -745 x 3000] gave 1286 ULP, [0, -740 x 1000] 219, on both targets. Those rows now
    sum their terms raised by 2^1000. Every row length path (tiles, groups, rows, states) and temperatures, against
    mpmath on the textbook sum; test of the test: the sum of the terms each rounded to a double
    is off by hundreds of ULP on the first row."""
    import softproof.generated.softmax_c as c_target
    import softproof.generated.softmax_np as np_target

    def truth(x: np.ndarray, T: float) -> tuple[float, float]:
        with mpmath.workprec(120):  # mpf exponents are unbounded: t ~ 2^-1070 keeps its 120 bits
            m = mpmath.mpf(float(x.max()))
            t = mpmath.fsum(mpmath.exp((mpmath.mpf(float(v)) - m) / T) for v in x if v != x.max())
            L = mpmath.log1p(t)
            return float(-L), float(m + T * L)

    rng = np.random.default_rng(12)
    rows = [(np.array([0.0] + [-745.0] * 3000), 1.0), (np.array([0.0] + [-740.0] * 1000), 1.0)]
    for n in (3, 9, 70, 300, 33_000):
        for T in (1.0, 0.5, 2.5):
            x = -T * rng.uniform(690.0, 760.0, n)
            x[rng.integers(0, n)] = 0.0
            rows.append((x, T))
    for x, T in rows:
        want_log_p, want_lse = truth(x, T)
        top = int(np.argmax(x))
        for target in (c_target, np_target):
            batch = np.repeat(x[None, :], 9, axis=0)  # tiles and groups of rows as well as single rows
            got = [target.log_softmax(x, temperature=T)[top], target.log_softmax(batch, temperature=T)[4, top]]
            want = [want_log_p, want_log_p]
            if target is c_target or x.size <= 300:  # NumPy's logsumexp redoes these rows in mpmath (0.5 s at 33 000)
                got += [target.logsumexp(x, temperature=T), target.logsumexp(batch[:2], temperature=T)[1]]
                want += [want_lse, want_lse]
            if T == 1.0:
                got += [target.cross_entropy(batch, [top] * 9)[4], target.cross_entropy(x[None, :], [top])[0]]
                want += [-want_log_p, -want_log_p]
            if target is c_target or x.size <= 300:  # the mergeable state (issue 19): its finish and normalise
                state = target.lse_state(x, temperature=T)
                got += [float(target.finish(state)), target.normalise(x, state, log=True)[top]]
                want += [want_lse, want_log_p]
            distance = ulp_distance(np.array(got, dtype=np.float64), np.array(want))
            assert distance.max() <= 2, (target.__name__, x.size, T, got, want)
            if (target is c_target or x.size <= 300) and abs(want_lse) >= 2.0**-1000:  # logsumexp's own bound, 1 ULP
                assert distance[2:4].max() <= 1, (target.__name__, x.size, T, got[2:4], want[2:4])
    terms = np.exp(np.full(3000, -745.0))  # each term rounded onto the subnormal grid, as the kernels summed them
    assert ulp_distance(np.array([-terms.sum()]), np.array([truth(rows[0][0], 1.0)[0]]))[0] > 100


def _logit_inputs() -> np.ndarray:
    """Doubles in (0, 1) where logit is hardest: both sides of 1/2 to the last bits (the result cancels in
    log(x/(1 - x))), the ends (x and 1 - x tiny, subnormal x, both sides of sp_logit's scaling threshold 2^-960),
    the branch points 1/4 (the other targets' switch) and 1/2, and random x."""
    rng = np.random.default_rng(21)
    half = [np.nextafter(0.5, 0.0) - np.arange(40) * 2.0**-54, 0.5 + np.arange(40) * 2.0**-53, 0.5 + rng.standard_normal(400) * 1e-9]
    ends = [np.exp(-rng.uniform(0.0, 745.0, 600)), 1.0 - np.exp(-rng.uniform(0.0, 36.0, 400)), rng.uniform(0.0, 2.0**-1000, 200),
            np.array([5e-324, 1e-320, 2.0**-1022, 2.0**-960, np.nextafter(2.0**-960, 0.0), 2.0**-959, np.nextafter(1.0, 0.0)])]
    points = [np.array([0.25, np.nextafter(0.25, 0.0), 0.75, np.nextafter(0.75, 1.0)]), rng.random(600)]
    x = np.concatenate(half + ends + points)
    return x[(x > 0.0) & (x < 1.0)]


def _logit_truth(x: np.ndarray) -> np.ndarray:
    with mpmath.workprec(200):
        return np.array([float(mpmath.log(mpmath.mpf(float(v)) / (1 - mpmath.mpf(float(v))))) for v in x])




def test_logit_is_within_its_proved_ulp_on_every_build_and_the_naive_forms_are_not(portable: list[np.ndarray]) -> None:
    """C logit (sp_logit: log1p of the ratio in double-double, rewrite.logit_ratio) within fp.logit.float64's 1 ULP on
    hard inputs, natively and in the portable build (the quotient's remainder through Dekker's product); the NumPy
    target within the table's 2. The edges: 0 and -0 give -inf, 1 gives +inf, outside [0, 1] and NaN give NaN. Test
    of the test: log(x/(1 - x)) is hundreds of ULP off next to 1/2; the previous C form (libm's log1p twice and a
    subtraction, rewrite.logit_halves, NumPy's here) misses the correctly rounded value on over 5 % of these inputs,
    sp_logit on under 1 % (it rounds once after an error of 2^-56)."""
    import softproof.generated.softmax_c as c_target
    import softproof.generated.softmax_np as np_target

    del portable  # built by the module's fixture: the portable library is cached for the subprocess below
    x = _logit_inputs()
    truth = _logit_truth(x)
    native = c_target.logit(x)
    assert float(ulp_distance(native, truth).max()) <= 1, x[np.argmax(ulp_distance(native, truth))]
    assert float(ulp_distance(np_target.logit(x), truth).max()) <= 2
    portable_out = _portable_elementwise("logit", x)
    assert float(ulp_distance(portable_out, truth).max()) <= 1
    edges = c_target.logit(np.array([0.0, -0.0, 1.0, -1e-300, np.nextafter(1.0, 2.0), np.nan, np.inf, -np.inf]))
    assert np.array_equal(edges, [-np.inf, -np.inf, np.inf, np.nan, np.nan, np.nan, np.nan, np.nan], equal_nan=True)
    with np.errstate(divide="ignore"):
        naive = np.log(x / (1.0 - x))
        halves = np.where(x >= 0.25, np.log1p(2 * x - 1) - np.log1p(1 - 2 * x), np.log(x) - np.log1p(-x))
    assert float(ulp_distance(naive, truth).max()) > 100
    off_by_one = (float((ulp_distance(halves, truth) > 0).mean()), float((ulp_distance(native, truth) > 0).mean()))
    assert off_by_one[0] > 0.05 and off_by_one[1] < 0.01, off_by_one




def test_float32_log1mexp_is_within_its_proved_ulp_on_every_build(portable: list[np.ndarray]) -> None:
    """C log1mexp of float32 x (sp_log1mexp_single: -log1p(e^x/(1 - e^x)), rewrite.log1mexp_ratio) within
    fp.log1mexp.float32's 1 ULP on hard inputs, natively and in the portable build: x near 0 down to the smallest
    subnormal float32 (the series of -expm1), both sides of the series' switch at -2^-10 and of -log 2, results in the
    float32 subnormal range (x near -87 to -104) and below it (-0). The edges: 0 gives -inf, -inf gives -0, x > 0 and
    NaN give NaN. Test of the test: log(1 - exp(x)) in float32 is millions of ULP off near 0, and the far branch's
    ratio taken near 0 (decay/(1 - decay), 1 - decay cancelling) is off by more than 1 ULP."""
    import softproof.generated.softmax_c as c_target

    del portable  # built by the module's fixture: the portable library is cached for the subprocess below
    rng = np.random.default_rng(22)
    x = np.concatenate([-np.exp(rng.uniform(-103.0, 4.7, 3000)), -(2.0**-10) * (1 + rng.uniform(-0.02, 0.02, 300)),
                        -np.log(2.0) * (1 + rng.uniform(-0.02, 0.02, 300)), -rng.uniform(86.0, 106.0, 300),
                        -np.array([2.0**-149, 2.0**-126, 1e-30, 2.0**-10, 103.97, 104.0, 200.0, 1e30])]).astype(np.float32)
    with mpmath.workprec(300):
        truth = np.array([_round(mpmath.log(1 - mpmath.exp(mpmath.mpf(float(v)))), 24) for v in x], dtype=np.float32)
    native = c_target.log1mexp(x)
    assert native.dtype == np.float32 and float(ulp_distance(native, truth).max()) <= 1
    portable_out = _portable_elementwise("log1mexp", x)
    assert float(ulp_distance(portable_out, truth).max()) <= 1
    edges = c_target.log1mexp(np.array([0.0, -0.0, -np.inf, 1.0, np.nan], dtype=np.float32))
    assert np.array_equal(edges, [-np.inf, -np.inf, 0.0, np.nan, np.nan], equal_nan=True)
    near = x > -(2.0**-10)
    with np.errstate(divide="ignore"):
        naive = np.log(np.float32(1) - np.exp(x))
        decay = np.exp(x.astype(np.float64))
        far_ratio = (-np.log1p(decay / (1.0 - decay))).astype(np.float32)
    assert float(ulp_distance(naive[near], truth[near]).max()) > 1e6
    assert float(ulp_distance(far_ratio[near], truth[near]).max()) > 1




def _log1mexp_inputs() -> np.ndarray:
    """Doubles x <= 0 where log1mexp is hardest: every scale from the smallest subnormal to -800, both sides of
    sp_log1mexp's branch points (the split -0.34 between expm1's series and 1 - e^x, the scaling at -2^-960, the tiny
    branch at -670), -log 2, the subnormal results (x from -708.4 to -745) and the ones rounding to -0."""
    rng = np.random.default_rng(23)
    split, scaled, tiny = -0.34, -(2.0**-960), -670.0
    sides = [np.nextafter(v, 0.0) if k % 2 else np.nextafter(v, -np.inf) for v in (split, scaled, tiny) for k in range(2)]
    x = np.concatenate([-np.exp(rng.uniform(np.log(5e-324), np.log(800.0), 4000)), split * (1 + rng.uniform(-0.03, 0.03, 400)),
                        -np.log(2.0) * (1 + rng.uniform(-0.02, 0.02, 200)), tiny + rng.uniform(-3.0, 3.0, 200),
                        -rng.uniform(708.0, 746.0, 400), -rng.uniform(0.0, 0.34, 400),
                        np.array([split, scaled, tiny, -5e-324, -2.0**-1022, -np.log(2.0), -708.0, -708.4, -745.1, -1080.0, -1e300,
                                  *sides])])
    return x


def test_float64_log1mexp_is_within_its_proved_ulps_on_every_build(portable: list[np.ndarray]) -> None:
    """C log1mexp of doubles (sp_log1mexp: -log1p(u) of u = e^x/(1 - e^x) carried as a double-double, rewrite.log1mexp_ratio)
    within fp.log1mexp.float64's 2 ULP on hard inputs, natively and in the portable build (measured there: the proof assumes
    fused FMAs); the edges: 0 and -0 give -inf, -inf gives -0, x > 0 and NaN give NaN. Test of the test: log(1 - e^x) is
    thousands of ULP off near 0, and the far branch's 1 - e^x taken near 0 (from a correctly rounded e^x: its own half
    ulp, amplified by e^x/(1 - e^x)) is off by more than 2 ULP, which is why the near branch takes expm1's series."""
    import softproof.generated.softmax_c as c_target

    del portable  # built by the module's fixture: the portable library is cached for the subprocess below
    x = _log1mexp_inputs()
    with mpmath.workprec(400):
        truth = np.array([_round(mpmath.log(-mpmath.expm1(v)) if v > -1 else mpmath.log1p(-mpmath.exp(v)), 53)
                          for v in (mpmath.mpf(float(t)) for t in x)])
    native = c_target.log1mexp(x)
    assert float(ulp_distance(native, truth).max()) <= 2, x[np.argmax(ulp_distance(native, truth))]
    portable_out = _portable_elementwise("log1mexp", x)
    assert float(ulp_distance(portable_out, truth).max()) <= 2
    edges = c_target.log1mexp(np.array([0.0, -0.0, -np.inf, 1.0, 5e-324, np.nan]))
    assert np.array_equal(edges, [-np.inf, -np.inf, 0.0, np.nan, np.nan, np.nan], equal_nan=True) and np.signbit(edges[2])
    near = (x > -0.34) & (x < 0.0)
    with np.errstate(divide="ignore"):
        naive = np.log(1.0 - np.exp(x))
        with mpmath.workprec(400):
            decay = np.array([_round(mpmath.exp(mpmath.mpf(float(v))), 53) for v in x[near]])  # e^x correctly rounded
        cancelling = -np.log1p(decay / (1.0 - decay))
    assert float(ulp_distance(naive[near], truth[near]).max()) > 1000
    assert float(ulp_distance(cancelling, truth[near]).max()) > 2


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_zero_result_has_the_sign_of_the_correctly_rounded_value(dtype: type) -> None:
    """softplus(x) = log(1 + e^x) > 0 rounds to +0 for x <= -746 and is exactly 0 at -inf (log1p(+0) = +0), on both
    targets and in the portable build; the C target returned -0 there (the negation of log_share_of's +0 for -0 - 0).
    log_sigmoid(x) = -log(1 + e^-x) < 0 rounds to -0 for x >= 746 (float32: x > 103.97), and at +inf -log1p(+0) is -0
    (the limit's sign): both targets gave +0 there (as torch; scipy's log_expit gives -0), which the correctly rounded
    float32 log_sigmoid (fp.log_sigmoid.float32.cr) may not."""
    import softproof.generated.softmax_c as c_target
    import softproof.generated.softmax_np as np_target

    x = np.array([-np.inf, -1e30, -800.0, -746.0], dtype=dtype)
    for got in (c_target.softplus(x), np_target.softplus(x), _portable_elementwise("softplus", x)):
        assert np.array_equal(got, np.zeros_like(x)) and not np.signbit(got).any(), got
    for got in (c_target.log_sigmoid(-x), np_target.log_sigmoid(-x), _portable_elementwise("log_sigmoid", -x)):
        assert np.array_equal(got, np.zeros_like(x)) and np.signbit(got).all(), got


def _rows_summing_to_nearly_one(k: int, first: float, T: float, dtype: type) -> np.ndarray:
    """k entries x_i of ``dtype`` with sum e^(x_i/T) below 1 by about 2^-(p (k - 1)) (p: the format's precision): x_1 =
    first, then each the largest value of the format whose e^(x/T) is at most what the sum still lacks (mpmath, 4000
    bits), so that every entry takes the sum about 2^-p closer to 1 and T LSE(x/T) to about -T 2^-(p (k - 1))."""
    with mpmath.workprec(4000):
        xs = [dtype(first)]
        lack = 1 - mpmath.exp(mpmath.mpf(float(xs[0])) / T)
        for _ in range(k - 1):
            x = dtype(float(T * mpmath.log(lack)))
            while mpmath.exp(mpmath.mpf(float(x)) / T) > lack:
                x = np.nextafter(x, dtype(-np.inf))
            xs.append(x)
            lack -= mpmath.exp(mpmath.mpf(float(x)) / T)
        return np.array(xs, dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_logsumexp_of_rows_no_fixed_precision_decides_on_every_path(dtype: type) -> None:
    """Rows of k = 4 to 9 log-probabilities whose sum lies within about 2^-(p (k - 1)) of 1 (LSE from about -1e-45 down
    to -1e-90 in float64; float32 rows of 9 give a result below float32's range, whose rounding is -0.0), at T = 1, 0.37
    and 3.3: within 1 ULP (float64) or correctly rounded (float32) of mpmath on
    the textbook definition, on both targets, one at a time, batched among random rows (the C target's tiles and
    their triple-double lanes), along axis 0 (its column tiles and gathers), with keepdims, on two threads and in the
    fast tier. Test of the test: the C kernel alone (its entry point through ctypes, without the wrapper's exact redo)
    returns SOFTPROOF_UNCERTIFIED on most of these batches, and in float64 is far off on some of them (its triple-double
    stage, within about 2^-133 of |m| + T (L + 1), cannot see a result below that; its float32 results were right on
    these rows but for the sign of a zero)."""
    import ctypes

    import softproof.generated.softmax_c as c_target
    import softproof.generated.softmax_np as np_target
    from softproof.generated._clib import UNCERTIFIED, _ptr

    rng = np.random.default_rng(41)
    precision = 53 if dtype == np.float64 else 24
    raw_worst, flagged = 0.0, 0
    for T in (1.0, 0.37, 3.3):
        for k in (4, 5, 7) if dtype == np.float64 else (4, 5, 7, 9):  # float32, 9: a result below its range, -0.0
            special = np.array([_rows_summing_to_nearly_one(k, rng.uniform(-3.0, -0.05), T, dtype) for _ in range(3)])
            with mpmath.workprec(4000):
                exact = [T * mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(float(v)) / T) for v in row)) for row in special]
            want = np.array([_round_to_float32(v) if dtype == np.float32 else float(v) for v in exact], dtype)
            assert all(-(2.0 ** (-precision * (k - 2) / 2)) < v < 0 for v in exact), exact  # (entries near -100: ulps of 2^-17)
            batch = np.concatenate([rng.standard_normal((21, k)).astype(dtype), special])
            where = slice(21, 24)

            def within(got: np.ndarray, what: str, want: np.ndarray = want, T: float = T, k: int = k) -> None:
                if dtype == np.float32:  # correctly rounded, the sign of a zero included
                    assert np.array_equal(np.asarray(got, dtype).view(np.uint32), want.view(np.uint32)), (what, T, k, got, want)
                else:
                    assert float(ulp_distance(np.asarray(got, np.float64), want).max()) <= 1.0, (what, T, k, got, want)

            for name, module in (("numpy", np_target), ("c", c_target)):
                within(np.array([module.logsumexp(row, temperature=T) for row in special]), f"{name} one row")
                within(module.logsumexp(batch, temperature=T)[where], f"{name} batched")
                within(module.logsumexp(np.ascontiguousarray(batch.T), axis=0, temperature=T)[where], f"{name} axis 0")
                within(module.logsumexp(batch, axis=1, keepdims=True, temperature=T)[where, 0], f"{name} keepdims")
            before = c_target.num_threads()
            c_target.set_num_threads(2)
            try:
                wide = np.concatenate([rng.standard_normal((20000, k)).astype(dtype), special])  # above SP_ROWS_WIDE: threads
                within(c_target.logsumexp(wide, temperature=T)[20000:], "c two threads")
                within(c_target.logsumexp(np.ascontiguousarray(wide.T), axis=0, temperature=T)[20000:], "c two threads, axis 0")
            finally:
                c_target.set_num_threads(before)
            if dtype == np.float32:
                within(c_target.logsumexp(batch, temperature=T, precision="fast")[where], "c fast tier")
            rows = np.ascontiguousarray(special, dtype=dtype)
            out = np.empty(3, dtype)
            function = c_target._KERNELS.functions[("logsumexp", dtype)]
            status = function(_ptr(rows), _ptr(out), ctypes.c_size_t(3), ctypes.c_size_t(k), ctypes.c_double(T))
            assert status in (0, UNCERTIFIED), status
            flagged += status == UNCERTIFIED
            raw_worst = max(raw_worst, float(ulp_distance(out.astype(np.float64), want.astype(np.float64)).max()))
    assert flagged >= 6 and (dtype == np.float32 or raw_worst > 1e6), (flagged, raw_worst)


def test_a_slice_the_exact_path_leaves_undecided_is_warned_of(monkeypatch: pytest.MonkeyPatch) -> None:
    """The exact path doubles its precision up to _EXACT_MAX_PRECISION and warns of a slice still undecided there (it
    kept the long double value silently): with the limit at 128 bits, a row of three entries whose LSE is near -1e-32
    (m + T L cancels to 2^-106 of m) is undecided on both targets; at the default limit it is decided, unwarned."""
    import warnings

    import softproof.generated.softmax_c as c_target
    import softproof.generated.softmax_np as np_target

    row = _rows_summing_to_nearly_one(3, -0.4, 1.0, np.float64)
    for module in (np_target, c_target):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert -1e-30 < module.logsumexp(row) < 0
    monkeypatch.setattr(np_target, "_EXACT_MAX_PRECISION", 128)
    for module in (np_target, c_target):
        with pytest.warns(RuntimeWarning, match="undecided at 128 bits"):
            module.logsumexp(row)
