"""The fast tier (``precision="fast"``): binary32 kernels for float32 on the C target, within the bounds the
fp.*.fast.float32 claims prove, against the correctly rounded mpmath reference of the textbook definitions
(measure/accuracy.py ``reference``); every other case (float64, T outside [2^-20, 2^20], the last rows of a batch of
short rows, infinities, NaN, the NumPy target, the functions without a fast kernel) gives the accurate result bit for bit."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from portable_build import run_portable

from softproof.codegen.api import FUNCTIONS
from softproof.codegen.backends.gappa.claims import PROVED_FAST_ULPS, proved_fast_ulps
from softproof.measure import accuracy as acc
from softproof.measure import reference as textbook

FAST = tuple(f.name for f in FUNCTIONS if f.fast)
ROW_FAST = ("softmax", "log_softmax", "logsumexp", "cross_entropy")


def _hard_rows(seed: int, n: int) -> np.ndarray:
    """Rows where a float32 exp pass goes wrong: x - m inexact in float32 (wide spans), terms near the
    subnormal range (x - m near -87..-104), a negative max (LSE near 0), ties with the max, log-probabilities."""
    rng = np.random.default_rng(seed)
    rows = [
        3 * rng.standard_normal(n),
        rng.uniform(-103.9, 0, n) + 0.3,  # subnormal terms (e^-87.3 = 2^-126)
        -50 + 0.01 * rng.standard_normal(n),  # a negative max: logsumexp near -50 + log n
        np.log(rng.dirichlet(np.ones(n))),  # log-probabilities: logsumexp near 0
        np.concatenate([[7.0, 7.0, 7.0], 7.0 - rng.exponential(5.0, n - 3)]),  # ties with the max
        1e4 + 30 * rng.standard_normal(n),  # large offset: x - m rounds in float32
        np.concatenate([[0.1], -np.abs(rng.standard_normal(n - 1)) * 40 - 60]),  # one entry dominates
    ]
    return np.array(rows, dtype=np.float32)


def _reference(x: np.ndarray, functions: tuple[str, ...], targets: np.ndarray | None = None, temperature: float = 1.0) -> dict[str, np.ndarray]:
    """The correctly rounded float32 values of ``functions`` row by row (one value per row for a reduction)."""
    rows = [acc.reference(row.astype(np.float64), "rows", "float32", targets=None if targets is None else targets[i:i + 1],
                          temperature=temperature, functions=functions) for i, row in enumerate(x)]
    return {f: np.array([r[f] for r in rows]).reshape(x.shape[0], -1).squeeze(-1) if f in ("logsumexp", "cross_entropy")
            else np.array([r[f] for r in rows]) for f in functions}


@pytest.mark.parametrize("n", [32, 47, 128, 200])
def test_fast_rows_within_the_proved_bounds(n: int) -> None:
    """Rows of SP_FAST_SHORT or more entries: softmax one row at a time; log_softmax, logsumexp and cross_entropy
    16 at a time below SP_FAST_SHORT_LOG (129) entries (n = 32, 47, 128), one at a time above (200)."""
    from softproof.generated import softmax_c as C

    x = _hard_rows(n, n)
    targets = np.arange(x.shape[0]) % n
    reference = _reference(x, ROW_FAST, targets)
    for function in ROW_FAST:
        args = (x, targets) if function == "cross_entropy" else (x,)
        fast = getattr(C, function)(*args, precision="fast")
        worst = acc.ulp_distance(np.asarray(fast, np.float32), reference[function]).max()
        assert worst <= proved_fast_ulps(function), (function, n, worst)


@pytest.mark.parametrize("n", [1, 3, 10, 31])
def test_fast_short_rows_within_the_proved_bounds(n: int) -> None:
    """Rows shorter than SP_FAST_SHORT go 16 at a time, one per lane: 3 tiles of hard rows and 5 rows left over."""
    from softproof.generated import softmax_c as C

    x = np.concatenate([_hard_rows(seed, max(n, 4))[:, :n] for seed in range(8)])[:53]
    targets = np.arange(x.shape[0]) % n
    reference = _reference(x, ROW_FAST, targets)
    for function in ROW_FAST:
        args = (x, targets) if function == "cross_entropy" else (x,)
        worst = acc.ulp_distance(np.asarray(getattr(C, function)(*args, precision="fast"), np.float32), reference[function]).max()
        assert worst <= proved_fast_ulps(function), (function, n, worst)


@pytest.mark.parametrize("n", [5, 40])
@pytest.mark.parametrize("temperature", [0.03, 0.7, 25.0])
def test_fast_tempered_rows_within_the_proved_bounds(n: int, temperature: float) -> None:
    """A temperature in [2^-20, 2^20] stays in the fast kernels: (x - m)/T as a + b within 2^-44 (sp_fast_term)."""
    from softproof.generated import softmax_c as C

    x = np.concatenate([_hard_rows(seed, max(n, 8))[:, :n] for seed in range(3)])[:18]
    tempered = ("softmax", "log_softmax", "logsumexp")
    reference = _reference(x, tempered, temperature=temperature)
    for function in tempered:
        fast = getattr(C, function)(x, temperature=temperature, precision="fast")
        assert not np.array_equal(fast[:16], getattr(C, function)(x, temperature=temperature)[:16]) or function == "logsumexp"
        worst = acc.ulp_distance(np.asarray(fast, np.float32), reference[function]).max()
        assert worst <= proved_fast_ulps(function), (function, n, temperature, worst)


def test_fast_sigmoid_within_the_proved_bound() -> None:
    from softproof.generated import softmax_c as C

    rng = np.random.default_rng(5)
    x = np.concatenate([rng.uniform(-110, 110, 3000), rng.uniform(-1, 1, 1000), [-87.3, -86.0, -103.9, 87.3, 0.0, -0.0]])
    x = x.astype(np.float32)
    reference = acc.reference(x.astype(np.float64), "elements", "float32", functions=("sigmoid",))["sigmoid"]
    worst = acc.ulp_distance(C.sigmoid(x, precision="fast"), reference).max()
    assert worst <= proved_fast_ulps("sigmoid"), worst


def test_the_naive_float32_softmax_fails_where_the_fast_tier_holds() -> None:
    """The instrument sees the failure the fast tier avoids: a float32 max-shift softmax (what torch's float32 does) loses
    digits where x - m rounds in float32; the fast kernel's TwoSum keeps it within its proved bound."""
    from softproof.generated import softmax_c as C

    rng = np.random.default_rng(9)
    x = np.concatenate([[0.3], -40 - rng.uniform(0, 20, 63)]).astype(np.float32)[None, :]  # x - m needs 31 bits
    reference = _reference(x, ("softmax",))["softmax"]
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    naive = (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)
    assert acc.ulp_distance(naive, reference).max() > 2 * proved_fast_ulps("softmax")
    assert acc.ulp_distance(C.softmax(x, precision="fast"), reference).max() <= proved_fast_ulps("softmax")


@pytest.mark.parametrize("n", [12, 100])
def test_fast_cross_entropy_grad_close_to_the_reference(n: int) -> None:
    from softproof.generated import softmax_c as C

    x = np.concatenate([_hard_rows(11, 100)[:, :n]] * 3)[:16]  # 16 rows: one tile where n < 32
    targets = np.array([3, 0, n - 1, 5, 0, 7, 0] * 3)[:16]  # row 4's target 0 is a tied max, row 6's the dominant entry
    with mpmath.workprec(2000):  # the spans here are below 200: 2000 bits hold every term
        reference = np.array([[acc._round(v, acc.BITS["float32"]) for v in textbook.cross_entropy_grad(textbook.row(row), int(t))]
                              for row, t in zip(x, targets, strict=True)], dtype=np.float32)
    fast = C.cross_entropy_grad(x, targets, precision="fast")
    # p_j - [j = t]: relative to each entry within the softmax bound (the target's entry is -(others)/S, no cancellation)
    assert acc.ulp_distance(fast, reference).max() <= proved_fast_ulps("softmax") + 1


@pytest.mark.parametrize("n", [12, 100])
def test_fast_cross_entropy_with_grad_is_the_loss_and_the_gradient(n: int) -> None:
    """One read of each row for both, the same statistics: bit for bit the fast cross_entropy and cross_entropy_grad,
    dominated rows (sent to the accurate kernel) included."""
    from softproof.generated import softmax_c as C

    x = np.concatenate([_hard_rows(13, 100)[:, :n]] * 3)[:19]
    targets = np.array([3, 0, n - 1, 5, 0, 7, 0] * 3)[:19]
    loss, grad = C.cross_entropy_with_grad(x, targets, precision="fast")
    np.testing.assert_array_equal(loss, C.cross_entropy(x, targets, precision="fast"))
    np.testing.assert_array_equal(grad, C.cross_entropy_grad(x, targets, precision="fast"))
    assert not np.array_equal(grad, C.cross_entropy_grad(x, targets))  # the fast kernels ran


def test_every_other_case_is_the_accurate_result() -> None:
    from softproof.generated import softmax_c as C
    from softproof.generated import softmax_np as N

    rng = np.random.default_rng(2)
    x32 = (3 * rng.standard_normal((5, 40))).astype(np.float32)
    short = x32[:, :10]
    edges = x32[:3].copy()  # every row with an infinity or a NaN
    edges[0, 3], edges[1, 5], edges[2, :] = np.inf, np.nan, -np.inf
    for module in (C, N):
        for array, T in ((x32.astype(np.float64), 1.0), (x32, 2.0**21), (x32, 2.0**-21), (short[:5], 1.0), (edges, 1.0)):
            for function in ("softmax", "log_softmax", "logsumexp"):
                f = getattr(module, function)
                if module is N or array is not x32:
                    np.testing.assert_array_equal(f(array, temperature=T, precision="fast"), f(array, temperature=T))
    for f in FUNCTIONS:
        if not f.fast and f.name in ("softplus", "log_sigmoid"):
            np.testing.assert_array_equal(getattr(C, f.name)(x32, precision="fast"), getattr(C, f.name)(x32))


def test_fast_results_do_not_depend_on_the_thread_count() -> None:
    from softproof.generated import softmax_c as C

    x = (3 * np.random.default_rng(4).standard_normal(4_500_000)).astype(np.float32)  # split across threads (SP_FAST_SPLIT = 2^22)
    rows = x[:300_000].reshape(600, 500)
    before = C.num_threads()
    try:
        results = []
        for threads in (1, 2, 3):
            C.set_num_threads(threads)
            results.append([C.softmax(x, precision="fast"), C.logsumexp(x, precision="fast"), C.log_softmax(rows, precision="fast"),
                            C.sigmoid(x, precision="fast")])
        for other in results[1:]:
            for a, b in zip(results[0], other, strict=True):
                np.testing.assert_array_equal(a, b)
    finally:
        C.set_num_threads(before)


@pytest.mark.parametrize("module_name", ["softmax_c", "softmax_np"])
def test_a_bad_precision_is_one_clear_error(module_name: str) -> None:
    import importlib

    module = importlib.import_module(f"softproof.generated.{module_name}")
    x, labels = np.zeros((2, 3)), np.zeros(2, dtype=np.int64)
    for f in FUNCTIONS:
        arrays = [p.name for p in f.params if p.annotation == "ArrayLike"]
        args = [labels if name == "target" and f.name != "binary_cross_entropy_with_logits" else x for name in arrays]
        with pytest.raises(ValueError, match='precision must be "accurate" or "fast"'):
            getattr(module, f.name)(*args, precision="quick")


def test_every_fast_kernel_has_a_proved_bound() -> None:
    assert set(PROVED_FAST_ULPS) == set(FAST) - {"cross_entropy_grad", "cross_entropy_with_grad"}  # the loss: fp.cross_entropy.fast


_PORTABLE_FAST = """
import json, sys
import numpy as np
import softproof.generated.softmax_c as c
x = np.array(json.loads(sys.stdin.read()), dtype=np.float32)
t = np.arange(x.shape[0]) % x.shape[1]
out = {f: np.asarray(getattr(c, f)(*((x, t) if f == "cross_entropy" else (x,)), precision="fast"), np.float32).tolist()
       for f in ("softmax", "log_softmax", "logsumexp", "cross_entropy")}
print(json.dumps(out))
"""


@pytest.mark.parametrize("n", [10, 47])
def test_the_portable_build_measures_within_the_proved_bounds(n: int) -> None:
    """Without FMA hardware SP_FMAF is computed through double (two roundings, which the Gappa printer models there:
    fp.*.fast.float32.portable prove the same bounds); measured within them."""
    x = np.concatenate([_hard_rows(seed, max(n, 4))[:, :n] for seed in range(3)])[:21]
    got = run_portable(_PORTABLE_FAST, x.tolist())
    reference = _reference(x, ROW_FAST, np.arange(x.shape[0]) % n)
    for function in ROW_FAST:
        worst = acc.ulp_distance(np.array(got[function], np.float32), reference[function]).max()
        assert worst <= proved_fast_ulps(function), (function, n, worst)
