"""The fast tier (``precision="fast"``): binary32 kernels for float32 on the C target, within the bounds the
fp.*.fast.float32 claims prove, against the correctly rounded mpmath reference of the textbook definitions
(measure/accuracy.py ``reference``); every other case (float64, T outside [2^-20, 2^20], infinities, NaN, the NumPy
target, the functions without a fast kernel) gives the accurate result bit for bit, and a row's fast result does not
depend on where it sits in the batch (tiles of 16 short rows, the rows after the last tile, one row alone)."""

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


@pytest.mark.parametrize("n", [32, 47, 63, 64, 128, 200, 100, 127])
def test_fast_rows_within_the_proved_bounds(n: int) -> None:
    """softmax and the gradient 16 rows at a time below SP_FAST_SHORT (64) entries (n = 32, 47, 63), one at a time
    from there (64, 100, 127, 128, 200); log_softmax 16 at a time below SP_FAST_SHORT_SHARES (96) entries (n = 32 to
    64), one at a time from there (100 to 200); logsumexp and cross_entropy 16 at a time below SP_FAST_SHORT_LOG (129)
    entries (n = 32 to 128), one at a time above (200)."""
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
    """Rows shorter than SP_FAST_SHORT go 16 at a time, one per lane: 3 tiles of hard rows and 5 rows left over (one at a
    time)."""
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


ELEMENTWISE_FAST = ("sigmoid", "log_sigmoid", "softplus")


def _hard_elements(seed: int) -> np.ndarray:
    """Float32 inputs of the element-wise fast kernels: around 0, every binade down to 2^-149 (both signs), both sides of
    sp_fast_log1p's ranges (e = 2^-4 at |x| = 2.77, e = 2^-40 at |x| = 27.73), results near and below 2^-126
    (|x| = 86..104: e subnormal), the clamp of the exp (|x| >= 103.97) and the largest floats."""
    rng = np.random.default_rng(seed)
    binades = np.float32(2.0) ** rng.uniform(-149, 7, 3000) * rng.choice([-1, 1], 3000)
    near = np.concatenate([c + rng.uniform(-0.05, 0.05, 300) for c in (2.7726, -2.7726, 27.726, -27.726)])
    return np.concatenate([rng.uniform(-110, 110, 3000), rng.uniform(-1, 1, 1000), binades, near,
                           rng.uniform(86, 104.5, 500), rng.uniform(-104.5, -86, 500),
                           [-87.3, -86.0, -103.9, 87.3, 103.97, -103.97, 0.0, -0.0, 1e-45, -1e-45, 3.4e38, -3.4e38]]).astype(np.float32)


@pytest.mark.parametrize("function", ELEMENTWISE_FAST)
def test_fast_elementwise_within_the_proved_bound(function: str) -> None:
    """The oracle: each input's correctly rounded float32 value from mpmath's interval enclosure of the textbook
    definition (measure/hard_cases.correctly_rounded; about 50 times faster than acc.reference's rising precision on these
    inputs: the same values, measured on a seventh of them, with -0 where it gave +0 for log_sigmoid), never the kernel."""
    from softproof.generated import softmax_c as C
    from softproof.measure.hard_cases import correctly_rounded

    x = _hard_elements(5)
    reference = np.array([correctly_rounded(function, int(b)) for b in x.view(np.uint32)], dtype=np.uint32).view(np.float32)
    worst = acc.ulp_distance(getattr(C, function)(x, precision="fast"), reference).max()
    assert worst <= proved_fast_ulps(function), (function, worst)


@pytest.mark.parametrize("function", ELEMENTWISE_FAST)
def test_fast_elementwise_edges_are_the_accurate_ones(function: str) -> None:
    """Infinities, NaN, signed zeros, the largest floats and the results that round to zero: the accurate kernel's values,
    zero signs included (log_sigmoid's zero is -0, softplus' +0)."""
    from softproof.generated import softmax_c as C

    x = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, 3.4e38, -3.4e38, 104.0, -104.0, 200.0, -200.0, 1e-45], np.float32)
    fast, accurate = getattr(C, function)(x, precision="fast"), getattr(C, function)(x)
    np.testing.assert_array_equal(fast, accurate)
    np.testing.assert_array_equal(np.signbit(fast[~np.isnan(fast)]), np.signbit(accurate[~np.isnan(accurate)]))


@pytest.mark.parametrize("function", ELEMENTWISE_FAST)
def test_fast_elementwise_blocks_give_each_entry_its_own_bits(function: str) -> None:
    """The element-wise fast kernels take blocks of SP_FAST_BLOCK = 4096 entries with the one-scaling exp first where
    every |x| <= 87 (the block before too), with two scalings where a block holds a wider |x|, and with two at once in
    place: the same entries give the same bits whichever way their block went (entries 0..8999 alone, then with an
    |x| of 100 at the start of every block, then in place)."""
    from softproof.generated import softmax_c as C

    rng = np.random.default_rng(9)
    x = np.concatenate([rng.uniform(-87, 87, 6000), 30 * rng.standard_normal(3000).clip(-2.9, 2.9)]).astype(np.float32)
    alone = getattr(C, function)(x, precision="fast")
    before = np.arange(0, x.size, 4095)
    wide = np.insert(x, before, np.float32(100.0))  # one |x| = 100 at the start of every block of 4096
    kept = np.ones(wide.size, bool)
    kept[before + np.arange(before.size)] = False  # where the inserted entries landed
    np.testing.assert_array_equal(getattr(C, function)(wide, precision="fast")[kept], alone)
    in_place = x.copy()
    getattr(C, function)(in_place, out=in_place, precision="fast")
    np.testing.assert_array_equal(in_place, alone)


def test_the_fast_exp_gives_subnormal_terms_the_same_bits_either_way() -> None:
    """Rows of 128 entries or more whose terms reach below e^-87 take the fast exp's SP_EXP_GRID way (P(r) 2^k rounded
    on the subnormal grid by operations on normal numbers), rows of two the SP_EXP_TWO_FACTORS way (tiles): every 5th
    binary32 a in [-104, -86.5] (about 440 000, the subnormal results and both sides of k = -127) as the terms e^a of
    rows [0, a_1, ..., a_127] and of rows [0, a]: softmax is e^a itself there (1/(1 + t) is within 2^-100 of 1, far
    below half the spacing 2^-150), so the two ways must agree bit for bit; not vacuous: subnormal and zero results."""
    from softproof.generated import softmax_c as C

    first, last = np.array([-86.5, -104.0], np.float32).view(np.uint32)
    a = np.arange(first, last + 1, 5, dtype=np.uint32).view(np.float32)[::-1]  # from -104 up
    a = a[: a.size // (127 * 16) * (127 * 16)]  # whole rows of 127 terms, whole tiles of 16 rows of two
    long_rows = np.concatenate([np.zeros((a.size // 127, 1), np.float32), a.reshape(-1, 127)], axis=1)
    grid = C.softmax(long_rows, axis=1, precision="fast")[:, 1:].ravel()
    pairs = np.stack([np.zeros_like(a), a], axis=1)
    two_factors = C.softmax(pairs, axis=1, precision="fast")[:, 1]
    np.testing.assert_array_equal(grid.view(np.uint32), two_factors.view(np.uint32))
    assert (two_factors == 0).any() and ((two_factors > 0) & (two_factors < np.finfo(np.float32).tiny)).sum() > 100_000


def test_the_naive_float32_log_sigmoid_fails_where_the_fast_tier_holds() -> None:
    """The textbook forms in float32: log(1 + e^x) loses e^x below 2^-24 (softplus(-20) = 0) and overflows above 88.7,
    -log(1 + e^-x) the same mirrored; the fast kernels stay within their bounds there."""
    from softproof.generated import softmax_c as C

    x = np.array([-20.0, -30.0, -60.0, 89.0, 100.0], np.float32)
    for function, naive in (("softplus", lambda v: np.log(np.float32(1) + np.exp(v))), ("log_sigmoid", lambda v: -np.log(np.float32(1) + np.exp(-v)))):
        v = x if function == "softplus" else -x
        reference = acc.reference(v.astype(np.float64), "elements", "float32", functions=(function,))[function]
        with np.errstate(over="ignore"):
            assert acc.ulp_distance(naive(v), reference).max() > 2**20
        assert acc.ulp_distance(getattr(C, function)(v, precision="fast"), reference).max() <= proved_fast_ulps(function)


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


@pytest.mark.parametrize("n", [12, 100, 200])
def test_fast_cross_entropy_grad_close_to_the_reference(n: int) -> None:
    from softproof.generated import softmax_c as C

    x = np.concatenate([_hard_rows(11, max(n, 100))[:, :n]] * 3)[:16]  # 16 rows: one tile where n < SP_FAST_SHORT (64)
    targets = np.array([3, 0, n - 1, 5, 0, 7, 0] * 3)[:16]  # row 4's target 0 is a tied max, row 6's the dominant entry
    with mpmath.workprec(2000):  # the spans here are below 200: 2000 bits hold every term
        reference = np.array([[acc._round(v, acc.BITS["float32"]) for v in textbook.cross_entropy_grad(textbook.row(row), int(t))]
                              for row, t in zip(x, targets, strict=True)], dtype=np.float32)
    fast = C.cross_entropy_grad(x, targets, precision="fast")
    # p_j - [j = t]: relative to each entry within the softmax bound (the target's entry is -(others)/S, no cancellation)
    assert acc.ulp_distance(fast, reference).max() <= proved_fast_ulps("softmax") + 1


@pytest.mark.parametrize("n", [12, 64, 100, 128, 200])
def test_fast_cross_entropy_with_grad_is_the_loss_and_the_gradient(n: int) -> None:
    """One read of each row for both, the same statistics: bit for bit the fast cross_entropy and cross_entropy_grad,
    dominated rows (sent to the accurate kernel) included; at 64 to 127 entries the gradient goes row by row and
    with_grad by tiles, at 128 the loss by tiles and with_grad row by row (19 rows: a tile and 3 after it)."""
    from softproof.generated import softmax_c as C

    x = np.concatenate([_hard_rows(13, max(n, 100))[:, :n]] * 3)[:19]
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
    edges = x32[:3].copy()  # every row with an infinity or a NaN
    edges[0, 3], edges[1, 5], edges[2, :] = np.inf, np.nan, -np.inf
    for module in (C, N):
        for array, T in ((x32.astype(np.float64), 1.0), (x32, 2.0**21), (x32, 2.0**-21), (edges, 1.0)):
            for function in ("softmax", "log_softmax", "logsumexp"):
                f = getattr(module, function)
                if module is N or array is not x32:
                    np.testing.assert_array_equal(f(array, temperature=T, precision="fast"), f(array, temperature=T))
    without = {f.name: f for f in FUNCTIONS if not f.fast}
    for name, array in (("log1mexp", -np.abs(x32)), ("logit", 1 / (1 + np.exp(-x32)))):  # element-wise, no fast kernel
        assert name in without
        np.testing.assert_array_equal(getattr(C, name)(array, precision="fast"), getattr(C, name)(array))


@pytest.mark.parametrize("n", [2, 3, 17, 128])
def test_the_short_rows_the_fast_logsumexp_declines_get_the_accurate_bits(n: int) -> None:
    """Where m + T L would cancel (m < 0 < -m/2 < T L: every row of log-probabilities, LSE near 0) the fast logsumexp
    hands the row to the accurate kernel, gathering such rows of short-row tiles into the accurate kernel's tiles of 8
    (lse_handed): 533 rows of T log p (33 fast tiles, in groups of SP_LSE_GROUP = 32 tiles and one, and 5 rows left
    over), every row handed, then the same rows among ordinary ones, so that the gathered groups are not whole: the handed rows
    equal the accurate result bit for bit, and the batch stays within the proved bound (the correctly rounded oracle)."""
    from softproof.generated import softmax_c as C

    rng = np.random.default_rng(n)
    logprob = np.log(rng.dirichlet(np.ones(n), 533))
    for T in (1.0, 0.3):
        handed = (T * logprob).astype(np.float32)  # T log p: a logsumexp at temperature T near 0, T L near -m
        mixed = (2 * rng.standard_normal((533, n))).astype(np.float32)
        mixed[::3] = handed[::3]
        np.testing.assert_array_equal(C.logsumexp(handed, temperature=T, precision="fast"), C.logsumexp(handed, temperature=T))
        fast = C.logsumexp(mixed, temperature=T, precision="fast")
        np.testing.assert_array_equal(fast[::3], C.logsumexp(mixed[::3], temperature=T))
    worst = acc.ulp_distance(np.asarray(fast[:40], np.float32), _reference(mixed[:40], ("logsumexp",), temperature=0.3)["logsumexp"]).max()
    assert worst <= proved_fast_ulps("logsumexp"), (n, worst)


@pytest.mark.parametrize("n", [1, 3, 10, 33, 63, 64, 65, 95, 96, 100, 128, 129])
def test_a_fast_row_gets_the_same_bits_wherever_it_sits_in_the_batch(n: int) -> None:
    """37 hard rows (two tiles of 16 where the rows are short, then 5 rows one at a time by the row path): each row's
    fast result equals that row's alone (one row: the row path) and the batch's rows rolled by 7 (rows move between
    tiles and the tail), for every fast row kernel; the tiles' bounds (SP_FAST_SHORT 64, SP_FAST_SHORT_SHARES 96,
    SP_FAST_SHORT_LOG 129) fall between these lengths, so a tile and the row path must give a row the same bits."""
    from softproof.generated import softmax_c as C

    x = np.concatenate([_hard_rows(seed, max(n, 8))[:, :n] for seed in range(6)])[:37]
    targets = (np.arange(37) * 5) % n

    def fast(function: str, rows: np.ndarray, t: np.ndarray) -> np.ndarray:
        if function == "cross_entropy_with_grad":
            loss, grad = C.cross_entropy_with_grad(rows, t, precision="fast")
            return np.concatenate([grad.reshape(len(rows), -1), loss.reshape(-1, 1)], axis=1)
        args = (rows, t) if function.startswith("cross_entropy") else (rows,)
        return np.asarray(getattr(C, function)(*args, precision="fast")).reshape(len(rows), -1)

    for function in (*ROW_FAST, "cross_entropy_grad", "cross_entropy_with_grad"):
        whole = fast(function, x, targets)
        alone = np.concatenate([fast(function, x[i:i + 1], targets[i:i + 1]) for i in range(37)])
        rolled = fast(function, np.roll(x, 7, axis=0), np.roll(targets, 7))
        np.testing.assert_array_equal(whole.view(np.uint32), alone.view(np.uint32), err_msg=f"{function} n={n} alone")
        np.testing.assert_array_equal(np.roll(whole, 7, axis=0).view(np.uint32), rolled.view(np.uint32), err_msg=f"{function} n={n} rolled")


def test_fast_results_do_not_depend_on_the_thread_count() -> None:
    from softproof.generated import softmax_c as C

    x = (3 * np.random.default_rng(4).standard_normal(600_000)).astype(np.float32)  # split across threads (SP_FAST_SPLIT = 2^18)
    rows = x[:300_000].reshape(600, 500)
    before = C.num_threads()
    try:
        results = []
        for threads in (1, 2, 3):
            C.set_num_threads(threads)
            results.append([C.softmax(x, precision="fast"), C.logsumexp(x, precision="fast"), C.log_softmax(x, precision="fast"),
                            C.log_softmax(rows, precision="fast"),
                            *(getattr(C, f)(x, precision="fast") for f in ELEMENTWISE_FAST)])
        for other in results[1:]:
            for a, b in zip(results[0], other, strict=True):
                np.testing.assert_array_equal(a, b)
    finally:
        C.set_num_threads(before)


def _float64_reference(x: np.ndarray, function: str) -> np.ndarray:
    """softmax, log_softmax or logsumexp of one long row in float64 (NumPy on the textbook max-shifted formulas, within
    about 2^-50 relative: the float32 rounding of it is the correctly rounded value but within 2^-26 ulp of a midpoint)."""
    v = x.astype(np.float64)
    m = v.max()
    s = np.exp(v - m).sum()
    lse = m + np.log(s)
    return {"softmax": np.exp(v - m) / s, "log_softmax": v - lse, "logsumexp": np.array([lse])}[function].astype(np.float32)


@pytest.mark.parametrize("where", ["first chunk", "last chunk", "tie across chunks"])
def test_a_row_split_across_threads_is_within_the_proved_bounds(where: str) -> None:
    """A row of SP_FAST_SPLIT (2^18) entries or more is split in chunks of 2^17 across threads: each chunk's max, the
    row's max from them, each chunk's sum, the log-shares pass in parallel. The row's max placed in the first or the
    last chunk, or tied between both; two threads; within the proved bound of a float64 reference (one ulp more for the
    reference's own rounding to float32, a wrong max or sum would be off by far more)."""
    from softproof.generated import softmax_c as C

    x = (3 * np.random.default_rng(9).standard_normal(600_000)).astype(np.float32)
    top = {"first chunk": (10,), "last chunk": (599_990,), "tie across chunks": (10, 599_990)}[where]
    x[list(top)] = 25.0
    before = C.num_threads()
    try:
        C.set_num_threads(2)
        for function in ("softmax", "log_softmax", "logsumexp"):
            got = np.atleast_1d(np.asarray(getattr(C, function)(x, precision="fast"), np.float32))
            worst = acc.ulp_distance(got, _float64_reference(x, function)).max()
            assert worst <= proved_fast_ulps(function) + 1, (function, where, worst)
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
        with pytest.raises(ValueError, match='precision must be "accurate", "fast" or "correct"'):
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
e = x.ravel()
out.update({f: getattr(c, f)(e, precision="fast").tolist() for f in ("sigmoid", "log_sigmoid", "softplus")})
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
    elements = x.ravel()
    for function in ELEMENTWISE_FAST:
        reference = acc.reference(elements.astype(np.float64), "elements", "float32", functions=(function,))[function]
        worst = acc.ulp_distance(np.array(got[function], np.float32), reference).max()
        assert worst <= proved_fast_ulps(function), (function, n, worst)
