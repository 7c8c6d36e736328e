"""precision="correct" (``codegen/runtime/_correct.py``): float32, float16 and bfloat16 results correctly rounded, bit
for bit, against mpmath on the textbook definitions (never the kernels' forms), on both targets; the first stage's
decision is sound for every double within the kernels' bound (a property test near midpoints); the second stage (ball
arithmetic) is run on every entry by widening the bound; the edges (limits, signed zeros, shapes, out=) and the
refusals. Test of the test: the accurate float32 kernels round some of the hard rows the other way."""

from __future__ import annotations

import importlib
from typing import Any

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from softproof.codegen.api import FUNCTIONS

MODULES = ["softmax_c", "softmax_np"]
BITS = {"float32": (24, -149, 128), "float16": (11, -24, 16), "bfloat16": (8, -133, 128)}


def bounds_of(function: str) -> float:
    return next(f.bounds["float64"] for f in FUNCTIONS if f.name == function and f.bounds)


def _module(name: str) -> Any:
    return importlib.import_module(f"softproof.generated.{name}")


def rounded(value: Any, dtype_name: str) -> float:
    """An mpmath value rounded once to nearest-even in the format (subnormals, overflow to +-inf), as a float; a zero
    keeps the value's sign (-0.0 for a negative value that rounds to 0)."""
    bits, quantum, limit = BITS[dtype_name]
    if value == 0:
        return 0.0
    sign = -1.0 if value < 0 else 1.0
    if abs(value) < mpmath.ldexp(1, quantum + bits - 1):  # the subnormal range: multiples of 2^quantum
        k = mpmath.nint(mpmath.ldexp(abs(value), -quantum))
        return sign * float(mpmath.ldexp(k, quantum)) if k else sign * 0.0
    with mpmath.workprec(bits):
        r = +abs(value)
    return sign * (float(r) if r < mpmath.ldexp(1, limit) else np.inf)


def softmax_truth(x: np.ndarray, T: float, log: bool, dtype_name: str) -> list[float]:
    with mpmath.workprec(600):
        v = [mpmath.mpf(float(a)) for a in x]
        m = max(a for a in v if a != -mpmath.inf)
        S = mpmath.fsum(mpmath.exp((a - m) / T) for a in v if a != -mpmath.inf)
        if log:
            return [rounded((a - m) / T - mpmath.log(S), dtype_name) if a != -mpmath.inf else -np.inf for a in v]
        return [rounded(mpmath.exp((a - m) / T) / S, dtype_name) if a != -mpmath.inf else 0.0 for a in v]


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    width = f"u{a.dtype.itemsize}"
    return a.dtype == b.dtype and a.shape == b.shape and bool(np.array_equal(a.view(width), b.view(width)))


def _hard_rows(function: str, n: int, T: float, count: int, seed: int) -> np.ndarray:
    """float32 rows with an entry whose float64 value lies within 2^-16 of a float32 spacing of a midpoint."""
    rng = np.random.default_rng(seed)
    x = (rng.normal(size=(400_000, n)) * 3).astype(np.float32)
    d = getattr(_module("softmax_c"), function)(x.astype(np.float64), temperature=T)
    d32 = d.astype(np.float32)
    fraction = np.abs(d - d32) / np.spacing(np.abs(d32)).astype(np.float64)
    rows = np.unique(np.nonzero(np.abs(fraction - 0.5) < 2.0**-16)[0])[:count]
    return x[rows]


@pytest.mark.parametrize("function", ["softmax", "log_softmax"])
def test_float32_rows_near_midpoints_are_correctly_rounded(function: str) -> None:
    """Rows whose results lie near float32 midpoints (a seeded search, T = 1 and 0.37): bit for bit the correctly
    rounded values, batched and one row at a time, on both targets; the accurate C kernel misses on some."""
    missed = 0
    for T, n, seed in ((1.0, 7, 1), (float(np.float32(0.37)), 3, 2)):
        rows = _hard_rows(function, n, T, 40, seed)
        assert rows.shape[0] >= 20
        want = np.array([softmax_truth(r, T, function == "log_softmax", "float32") for r in rows], np.float32)
        for name in MODULES:
            module = _module(name)
            assert same_bits(getattr(module, function)(rows, temperature=T, precision="correct"), want), name
            for r, w in zip(rows[:8], want[:8], strict=True):
                assert same_bits(getattr(module, function)(r, temperature=T, precision="correct"), w), (name, r.tolist())
            if function == "log_softmax" and T == 1.0:  # cross-entropy: the negated entry at each target
                every = np.repeat(rows, rows.shape[1], axis=0)
                labels = np.tile(np.arange(rows.shape[1]), rows.shape[0])
                assert same_bits(module.cross_entropy(every, labels, precision="correct"), -want.reshape(-1)), name
        accurate = getattr(_module("softmax_c"), function)(rows, temperature=T)
        missed += int(np.sum(accurate.view(np.uint32) != want.view(np.uint32)))
    assert missed > 0


@pytest.mark.parametrize("name", MODULES)
@pytest.mark.parametrize("dtype_name", ["float32", "float16"])
def test_the_second_stage_settles_every_entry(name: str, dtype_name: str) -> None:
    """With a bound of 2^40 ULP almost nothing is decided by the first stage: the ball-arithmetic stage gives every
    entry, bit for bit the correctly rounded value (rows with ties, -inf entries, entries 200 below the maximum)."""
    from softproof.generated import _correct

    module, dtype = _module(name), np.dtype(dtype_name)
    rng = np.random.default_rng(5)
    x = (rng.normal(size=(12, 6)) * 4).astype(dtype)
    x[0, 3] = -np.inf
    x[1, :] = x[1, 0]
    x[2, 2:] = -200
    for function in ("softmax", "log_softmax"):
        for T in (1.0, 0.37):
            got = _correct.rows(module, function, 2**40, x, -1, T, None)
            want = np.array([softmax_truth(r, T, function == "log_softmax", dtype_name) for r in x], dtype)
            assert same_bits(got, want), (function, T)


@pytest.mark.parametrize("name", MODULES)
def test_limits_signed_zeros_shapes_and_out(name: str) -> None:
    """T = 0 (the ties share), T = oo (uniform), +inf entries, NaN rows, exact zeros (+0) and negative
    log-probabilities that round to zero (-0), 0-d input, axis tuples, out= (in place too) and empty arrays."""
    module = _module(name)
    f32 = np.float32

    def correct(function: str, x: Any, **kwargs: Any) -> Any:
        return getattr(module, function)(x, precision="correct", **kwargs)

    assert same_bits(correct("log_softmax", np.array([0, -1000], f32)), np.array([-0.0, -1000], f32))
    assert same_bits(correct("log_softmax", np.array([0, -np.inf], f32)), np.array([0.0, -np.inf], f32))
    assert same_bits(correct("log_softmax", np.array([5], f32)), np.array([0.0], f32))
    assert same_bits(correct("log_softmax", np.array([1, 2, 2], f32), temperature=0.0), np.array([-np.inf, -np.log(2), -np.log(2)], f32))
    assert same_bits(correct("log_softmax", np.array([1, 2], f32), temperature=0.0), np.array([-np.inf, 0.0], f32))
    assert same_bits(correct("softmax", np.array([1, 2, 2], f32), temperature=0.0), np.array([0, 0.5, 0.5], f32))
    assert same_bits(correct("softmax", np.array([1, 2, 7], f32), temperature=np.inf), np.full(3, 1 / 3, f32))
    assert same_bits(correct("softmax", np.array([np.inf, 2, np.inf], f32)), np.array([0.5, 0, 0.5], f32))
    assert np.isnan(correct("softmax", np.array([np.nan, 2], f32))).all()
    assert same_bits(correct("softmax", np.array([0, -1e30], f32)), np.array([1, 0], f32))
    # the second stage at a tiny T: the maximal entry's ball is centred on 0 with a radius of 2^(-1.4e27); its ends
    # round to -0 without building a 1.4e27-bit integer (an OverflowError before)
    # a shift exactly at a float32 midpoint minus a log-sum below 2^-16000 of it (the other entry 7.9e37 below): the
    # truth lies just below the midpoint, no ball of the difference shows it, L > 0 does (the tie went to even before)
    far = np.array([-9.932460270426013e37, 5.2196066160059045e37, -2.706114330005892e37], f32)
    assert same_bits(correct("log_softmax", far), np.array([-1.5152067393492157e38, -0.0, -7.925721199541917e37], f32))
    h = np.float16
    assert same_bits(correct("log_softmax", np.array([0.83349609375, 0.83251953125], h), temperature=1e-30), np.array([-0.0, -np.inf], h))
    assert correct("softmax", f32(3.0)) == 1.0 and np.ndim(correct("softmax", f32(3.0))) == 0
    x = (np.random.default_rng(3).normal(size=(3, 4, 5)) * 3).astype(f32)
    want = np.array(softmax_truth(x.transpose(1, 0, 2).reshape(4, 15)[2], 1.0, False, "float32"), f32)
    got = correct("softmax", x, axis=(0, 2))
    assert same_bits(got.transpose(1, 0, 2).reshape(4, 15)[2], want)
    out = np.empty_like(x)
    assert correct("log_softmax", x, axis=1, out=out) is out
    assert same_bits(out, correct("log_softmax", x, axis=1))
    inplace = x.copy()
    correct("softmax", inplace, out=inplace)
    assert same_bits(inplace, correct("softmax", x))
    assert correct("softmax", np.zeros((0, 3), f32)).shape == (0, 3)
    many = np.random.default_rng(4).normal(size=(5000, 1)).astype(f32)  # log p = 0 exactly: settled in one step
    assert same_bits(correct("log_softmax", many), np.zeros((5000, 1), f32))
    assert same_bits(correct("log_softmax", np.array([[1.0, -np.inf], [np.inf, -np.inf]], f32)), np.array([[0, -np.inf]] * 2, f32))
    assert correct("logsumexp", np.zeros((0, 3), np.float16), axis=0).shape == (3,)


@pytest.mark.parametrize("name", MODULES)
def test_refusals_are_one_clear_error(name: str) -> None:
    module = _module(name)
    with pytest.raises(ValueError, match="float64"):
        module.softmax(np.zeros(3), precision="correct")
    with pytest.raises(ValueError, match="without where="):
        module.softmax(np.zeros(3, np.float32), where=np.ones(3, bool), precision="correct")
    with pytest.raises(ValueError, match="without b="):
        module.logsumexp(np.zeros(3, np.float16), b=np.ones(3), precision="correct")
    for options in ({"weight": np.ones(3)}, {"reduction": "mean"}, {"label_smoothing": 0.1}, {"ignore_index": 0}):
        with pytest.raises(ValueError, match="with class indices"):
            module.cross_entropy(np.zeros((2, 3), np.float32), np.zeros(2, np.int64), precision="correct", **options)
    x, labels = np.zeros((2, 3), np.float32), np.zeros(2, dtype=np.int64)
    served = {f.name for f in FUNCTIONS if f.correct}
    assert served == {"softmax", "log_softmax", "cross_entropy", "logsumexp", "sigmoid", "log_sigmoid", "softplus", "log1mexp", "logit"}
    assert bounds_of("cross_entropy") == bounds_of("log_softmax")  # its losses come from log_softmax's kernel and decision
    for f in FUNCTIONS:
        if f.name in served:
            continue
        arrays = [p.name for p in f.params if p.annotation == "ArrayLike"]
        args = [labels if a == "target" and f.name != "binary_cross_entropy_with_logits" else x for a in arrays]
        with pytest.raises(ValueError, match=f'precision="correct" is not available for {f.name}'):
            getattr(module, f.name)(*args, precision="correct")


_ELEMENTWISE = {
    "sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)),
    "log_sigmoid": lambda x: -mpmath.log1p(mpmath.exp(-x)),
    "softplus": lambda x: mpmath.log1p(mpmath.exp(x)),
    "log1mexp": lambda x: (mpmath.log1p(-mpmath.exp(x)) if x < -1 else mpmath.log(-mpmath.expm1(x))) if x < 0 else (-mpmath.inf if x == 0 else mpmath.nan),
    "logit": lambda p: mpmath.log(p / (1 - p)) if 0 < p < 1 else {0: -mpmath.inf, 1: mpmath.inf}.get(p, mpmath.nan),
}


@pytest.mark.parametrize("name", MODULES)
@pytest.mark.parametrize("function", sorted(_ELEMENTWISE))
def test_half_precision_elementwise_and_logsumexp(name: str, function: str) -> None:
    """float16 results of the element-wise functions over 1,500 float16 values (the whole range, and the second stage
    forced on 60), and of logsumexp over rows; float32 results are the accurate kernels' (correctly rounded already)."""
    from softproof.generated import _correct

    module = _module(name)
    rng = np.random.default_rng(11)
    bits = rng.integers(0, 2**16, 1500, dtype=np.uint16)
    x = bits.view(np.float16)
    x = x[np.isfinite(x)]
    if function == "log1mexp":
        x = -np.abs(x)
    if function == "logit":
        x = np.abs(x) % np.float16(1)
    with mpmath.workprec(2000):
        want = np.array([rounded(v, "float16") if mpmath.isfinite(v) else float(v)
                         for v in (_ELEMENTWISE[function](mpmath.mpf(float(a))) for a in x)], np.float16)
    got = getattr(module, function)(x, precision="correct")
    assert np.array_equal(np.isnan(got), np.isnan(want))
    finite = ~np.isnan(want)
    assert same_bits(got[finite], want[finite])
    forced = _correct.elementwise(module, function, 2**40, x[:60], None)
    assert same_bits(forced[finite[:60]], want[:60][finite[:60]])
    x32 = x.astype(np.float32)
    assert same_bits(getattr(module, function)(x32, precision="correct"), getattr(module, function)(x32))
    if function == "sigmoid":
        rows = (rng.normal(size=(30, 5)) * 4).astype(np.float16)
        with mpmath.workprec(300):
            lse = [rounded(mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(float(v)) / 0.5) for v in r)) * 0.5, "float16") for r in rows]
        assert same_bits(module.logsumexp(rows, temperature=0.5, precision="correct"), np.array(lse, np.float16))
        assert same_bits(_correct.reduce(module, "logsumexp", 2**40, rows, -1, False, 0.5), np.array(lse, np.float16))


def test_bfloat16_results() -> None:
    ml_dtypes = pytest.importorskip("ml_dtypes")
    module = _module("softmax_c")
    x = (np.random.default_rng(2).normal(size=(20, 5)) * 3).astype(ml_dtypes.bfloat16)
    want = np.array([softmax_truth(r, 1.0, False, "bfloat16") for r in x.astype(np.float64)]).astype(ml_dtypes.bfloat16)
    assert same_bits(module.softmax(x, precision="correct"), want)


_CHECKS = {"float32": np.float32, "float16": np.float16}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["float32", "float16"]), st.integers(1, 2**14 - 2), st.integers(-40, 40), st.integers(-3, 3),
       st.booleans(), st.sampled_from([1, 2, 3]))
def test_the_decision_is_sound_near_midpoints(dtype_name: str, pattern: int, offset: int, error: int, negative: bool,
                                              ulps: int) -> None:
    """For an exact value f within 40 double steps of a midpoint between two values of the format (or of a subnormal
    one) and any double y within ``ulps`` steps of f, the decision is undecided or RN(f), on both decision paths
    (NumPy's and the C target's one-pass softproof_decide_f)."""
    from softproof.generated import _correct
    from softproof.generated.softmax_c import _KERNELS

    dtype = np.dtype(dtype_name)
    scale = 2.0**-130 if pattern % 3 == 0 else 1.0  # float32's subnormal range too (float16: its own below 2^-14)
    width = np.dtype(f"u{dtype.itemsize}")
    a = (np.array([pattern], np.uint32 if dtype.itemsize == 4 else np.uint16) * (2**15 if dtype.itemsize == 4 else 1)).view(dtype)[0]
    a = dtype.type(float(a) * scale) if dtype.itemsize == 4 else a
    b = np.nextafter(a, dtype.type(np.inf))
    midpoint = (float(a) + float(b)) / 2
    f = midpoint
    for _ in range(abs(offset)):
        f = np.nextafter(f, np.inf if offset > 0 else -np.inf)
    y = f
    for _ in range(min(abs(error), ulps)):
        y = np.nextafter(y, np.inf if error > 0 else -np.inf)
    if negative:
        f, y = -f, -y
    want = rounded(mpmath.mpf(float(f)), dtype_name)
    fmt = _correct.Format(dtype)
    paths = [_correct.decide(np.array([y]), ulps, fmt)]
    if dtype_name == "float32":
        paths.append(_correct.decide(np.array([y]), ulps, fmt, 0, _KERNELS))
    for values, undecided in paths:
        if not undecided[0]:
            assert values.view(width)[0] == np.array([want], dtype).view(width)[0], (y, f, want)
    assert (paths[0][1][0], paths[0][0].view(width)[0]) == (paths[-1][1][0], paths[-1][0].view(width)[0])


def test_the_rounding_helpers_agree_with_numpy_and_mpmath() -> None:
    """round_array (bfloat16's path) and round_dyadic (the second stage's) round as NumPy's casts do for float32 and
    float16 on doubles near midpoints, subnormals and the overflow threshold."""
    from softproof.generated import _correct

    rng = np.random.default_rng(4)
    for name, dtype in _CHECKS.items():
        fmt = _correct.Format(np.dtype(name))
        base = rng.normal(size=2000) * 2.0 ** rng.integers(-30, 10, 2000)
        values = np.concatenate([base, base.astype(dtype).astype(np.float64) * (1 + 2.0**-fmt.bits),
                                 [2.0**fmt.quantum * 0.5, 2.0**fmt.quantum * 1.5, 2.0**fmt.limit * (1 - 2.0**-fmt.bits - 2.0**-40),
                                  2.0**fmt.limit * (1 - 2.0**-fmt.bits), -0.0, 1e-300, -1e-300, 1e300]])
        with np.errstate(over="ignore"):
            cast = values.astype(dtype).astype(np.float64)
        assert np.array_equal(_correct.round_array(values, fmt), cast)
        assert _correct.round_dyadic(1, -10**30, fmt) == 0.0 and np.signbit(_correct.round_dyadic(-3, -10**30, fmt))
        for v, c in zip(values, cast, strict=True):
            num, den = float(v).as_integer_ratio()  # den a power of 2
            got = _correct.round_dyadic(num, -(den.bit_length() - 1), fmt)
            assert got == c and (np.signbit(got) == np.signbit(c) or v == 0), (v, c)


def test_the_decision_claims_rest_on_the_printed_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The K printed into the dispatch (the function table's float64 bound) is the K the claims check, and the
    rational check can fail: with an absolute part of one subnormal spacing it does not cover K ULP."""
    from softproof.codegen.backends.gappa import claims

    bounds = {f.name: f.bounds["float64"] for f in FUNCTIONS if f.bounds}
    for claim in (claims.SOFTMAX_CORRECT, claims.LOG_SOFTMAX_CORRECT, claims.CROSS_ENTROPY_CORRECT):
        function = claim.id.split(".")[1]
        assert claim.strategy.ulps == bounds[function]
        assert claims.correct_decision_covers(claim.strategy.ulps)
    monkeypatch.setattr(claims, "CORRECT_FLOOR", claims.SUBNORMAL_SPACING)
    assert not claims.correct_decision_covers(3)


def test_any_thread_count_gives_the_same_bits() -> None:
    """The C target's chunks of rows in parallel, and one long row split by the double kernel: 1 and 2 threads agree."""
    module = _module("softmax_c")
    before = module.num_threads()
    rng = np.random.default_rng(8)
    try:
        for x in (rng.normal(size=(300, 1000)).astype(np.float32), rng.normal(size=300_000).astype(np.float32) * 5):
            results = []
            for threads in (1, 2):
                module.set_num_threads(threads)
                results.append([module.softmax(x, precision="correct"), module.log_softmax(x, precision="correct")])
            assert all(same_bits(a, b) for a, b in zip(*results, strict=True))
    finally:
        module.set_num_threads(before)


@pytest.mark.parametrize("name", MODULES)
def test_results_have_the_accurate_results_types_and_shapes(name: str) -> None:
    """A scalar where the accurate call gives one (0-d input, a 1-d row's loss or logsumexp), the same shapes and dtypes
    elsewhere, for every function the tier serves."""
    module = _module(name)
    for dtype in (np.float32, np.float16):
        for x in (dtype(0.3), np.array([0.1, 0.7, -2.0], dtype), np.array([[0.1, 0.7], [0.2, 0.4]], dtype)):
            calls = [(f, (x,)) for f in ("softmax", "log_softmax", "logsumexp", "sigmoid", "log_sigmoid", "softplus")]
            calls += [("log1mexp", (-np.abs(x),)), ("logit", (np.abs(x) % dtype(1),))]
            if np.ndim(x):
                calls.append(("cross_entropy", (x, np.zeros(np.shape(x)[:-1], np.int64))))
            for function, args in calls:
                accurate, correct = (getattr(module, function)(*args, precision=p) for p in ("accurate", "correct"))
                assert type(accurate) is type(correct) and np.shape(accurate) == np.shape(correct), (function, x)
                assert np.asarray(accurate).dtype == np.asarray(correct).dtype, (function, x)
