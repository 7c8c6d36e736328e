"""Both generated targets (NumPy and C) against the mpmath oracle, edge cases, and naive formulas that fail."""

from __future__ import annotations

import os

import numpy as np
import oracle
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from softproof.codegen.api import FUNCTIONS, by_name, names
from softproof.generated import softmax_c, softmax_np
from softproof.measure.accuracy import in_domain

# SOFTPROOF_EXAMPLES_SCALE=10 runs ten times more hypothesis examples (measured: all pass)
SCALE = int(os.environ.get("SOFTPROOF_EXAMPLES_SCALE", "1"))
TARGETS = pytest.mark.parametrize("K", [softmax_np, softmax_c], ids=["numpy", "c"])

# Tolerances (float64). The rounding of d = (x - m)/T is unavoidable in a plain max-shifted kernel,
# and exp turns an absolute error |d| eps in d into a relative error |d| eps in e^d: the bound is
# the condition number of the computation times a few eps (found by running these tests with 2000
# examples each; the compensated kernels of the accuracy work tighten it to ulps).
EPS = np.finfo(np.float64).eps
RTOL = {"softmax": 1e-14, "log": 1e-14}
ATOL = 1e-300


def softmax_rtol(row: list[float], T: float) -> np.ndarray:
    x = np.asarray(row, dtype=float)
    return 8 * EPS * (1 + np.abs(x - x.max()) / T)


def log_atol(row: list[float], T: float) -> float:
    return float(8 * EPS * (1 + np.max(np.abs(row)) / T + np.log(len(row))))

logits = st.lists(st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False), min_size=1, max_size=8)
temperatures = st.one_of(st.just(1.0), st.floats(1e-3, 1e3))


def close(actual: object, expected: object, rtol: float, atol: float = ATOL) -> bool:
    a, e = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    return bool(np.all(np.abs(a - e) <= atol + rtol * np.abs(e)))


@settings(max_examples=150 * SCALE, deadline=None)
@given(logits, temperatures)
@example([1000.0, 0.0], 1.0)
@example([-1000.0, -1000.0, -999.0], 1.0)
@example([1e4, -1e4], 1e-3)
@TARGETS
def test_softmax_matches_oracle(K, row: list[float], T: float) -> None:
    actual, expected = K.softmax(row, temperature=T), np.asarray(oracle.softmax(row, T))
    assert np.all(np.abs(actual - expected) <= ATOL + softmax_rtol(row, T) * expected)


@settings(max_examples=150 * SCALE, deadline=None)
@given(logits, temperatures)
@example([1000.0, 0.0], 1.0)
@TARGETS
def test_log_softmax_matches_oracle(K, row: list[float], T: float) -> None:
    expected = oracle.log_softmax(row, T)
    assert close(K.log_softmax(row, temperature=T), expected, RTOL["log"], atol=log_atol(row, T))


@settings(max_examples=150 * SCALE, deadline=None)
@given(logits, temperatures)
@example([710.0, 710.0], 1.0)
@example([-800.0], 1.0)
@TARGETS
def test_logsumexp_matches_oracle(K, row: list[float], T: float) -> None:
    assert close(K.logsumexp(row, temperature=T), oracle.logsumexp(row, T), RTOL["log"], atol=T * log_atol(row, T))


@settings(max_examples=300 * SCALE, deadline=None)
@given(st.floats(-745, 40))
@example(-745.0)
@example(-710.0)
@example(1e-300)
@TARGETS
def test_sigmoid_matches_oracle(K, x: float) -> None:
    # in ulps of the correctly rounded value, so that subnormal outputs are judged fairly
    expected = oracle.sigmoid(x)
    assert abs(float(K.sigmoid(x)) - expected) <= 3 * np.spacing(abs(expected))


@settings(max_examples=300 * SCALE, deadline=None)
@given(st.floats(-1e4, 1e4))
@example(-800.0)
@example(50.0)
@TARGETS
def test_log_sigmoid_matches_oracle(K, x: float) -> None:
    assert close(K.log_sigmoid(x), oracle.log_sigmoid(x), RTOL["log"], atol=1e-300)


@settings(max_examples=150 * SCALE, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=8), st.data())
@example([800.0, 0.0], None)
@TARGETS
def test_cross_entropy_and_grad_match_oracle(K, row: list[float], data: st.DataObject | None) -> None:
    target = 1 if data is None else data.draw(st.integers(0, len(row) - 1))
    assert close(K.cross_entropy([row], [target])[0], oracle.cross_entropy(row, target), RTOL["log"], atol=log_atol(row, 1.0))
    grad = oracle.cross_entropy_grad(row, target)
    assert close(K.cross_entropy_grad([row], [target])[0], grad, float(softmax_rtol(row, 1.0).max()), atol=4 * EPS)


@settings(max_examples=100 * SCALE, deadline=None)
@given(st.lists(st.tuples(st.floats(-30, 30), st.floats(-10, 10)), min_size=1, max_size=8))
@TARGETS
def test_softmax_backward_matches_oracle(K, pairs: list[tuple[float, float]]) -> None:
    x, g = zip(*pairs, strict=True)
    p = oracle.softmax(list(x))
    assert close(K.softmax_backward(p, list(g)), oracle.softmax_backward(p, list(g)), 1e-12, atol=1e-14)


@TARGETS
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n", [31, 32, 47, 100, 129])  # the C dot product runs in lanes from 32 entries
def test_softmax_backward_of_longer_rows_matches_oracle(K, dtype: type, n: int) -> None:
    rng = np.random.default_rng(n)
    p = K.softmax(rng.normal(scale=3.0, size=(2, n)).astype(dtype))
    g = rng.normal(scale=5.0, size=(2, n)).astype(dtype)
    actual = K.softmax_backward(p, g)
    assert actual.dtype == dtype
    rtol, atol = (1e-12, 1e-14) if dtype == np.float64 else (2.0**-23, 1e-30)
    for row in range(2):
        expected = oracle.softmax_backward(p[row].tolist(), g[row].tolist())
        assert close(actual[row], expected, rtol, atol=atol), (n, row)


@settings(max_examples=60 * SCALE, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), elements=st.floats(-50, 50)), st.data())
@TARGETS
def test_axis_forms_agree_with_moving_the_axes(K, x: np.ndarray, data: st.DataObject) -> None:
    axes = data.draw(st.lists(st.integers(0, x.ndim - 1), unique=True, min_size=1).map(tuple))
    rest = [a for a in range(x.ndim) if a not in axes]
    moved = np.moveaxis(x, list(axes), list(range(x.ndim - len(axes), x.ndim)))
    flat = moved.reshape(moved.shape[: len(rest)] + (-1,))
    expected = np.apply_along_axis(lambda r: np.array(oracle.softmax(list(r))), -1, flat).reshape(moved.shape)
    expected = np.moveaxis(expected, list(range(x.ndim - len(axes), x.ndim)), list(axes))
    assert close(K.softmax(x, axis=axes), expected, 1e-13)


# ---------------------------------------------------------------- named edge cases
@TARGETS
def test_infinities_share_the_mass(K) -> None:
    assert K.softmax([np.inf, 1.0]).tolist() == [1.0, 0.0]
    assert K.softmax([np.inf, np.inf, 0.0]).tolist() == [0.5, 0.5, 0.0]
    assert K.logsumexp([np.inf, 1.0]) == np.inf
    out = K.log_softmax([np.inf, np.inf, 0.0])
    assert out[0] == out[1] == pytest.approx(-np.log(2)) and out[2] == -np.inf


@TARGETS
def test_nan_and_all_minus_inf_and_empty(K) -> None:
    assert np.isnan(K.softmax([1.0, np.nan])).all()
    assert np.isnan(K.logsumexp([1.0, np.nan]))
    assert np.isnan(K.softmax([-np.inf, -np.inf])).all() and np.isnan(K.log_softmax([-np.inf, -np.inf])).all()
    assert K.logsumexp([-np.inf, -np.inf]) == -np.inf
    assert K.logsumexp([]) == -np.inf and K.softmax([]).shape == (0,)
    assert K.logsumexp(np.zeros((2, 0)), axis=1).tolist() == [-np.inf, -np.inf]


@pytest.mark.parametrize("n", [10, 33, 64, 65, 100, 104, 105, 160, 161, 300, 2000])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_c_groups_of_rows_equal_the_rows_one_by_one(dtype: type, n: int) -> None:
    """The C kernels take short rows 8 at a time, one per vector lane (tiles: logsumexp,
    cross_entropy, its gradient and cross_entropy_with_grad up to SP_SHORT = 160 entries, softmax
    and log_softmax up to SP_SHORT_SHARES_F = 104 in float32 and SP_SHORT_SHARES_D = 64 in
    float64), longer rows below SP_SCAN 8 at a time too
    (group_stats: the statistics row by row, the 8 logarithms in one vector loop), and leave edge rows
    (NaN, +inf, all -inf, T = 0 or oo) to the row path: every row of a batch equals that row
    computed alone, on both sides of each bound."""
    rng = np.random.default_rng(n)
    x = rng.normal(scale=4.0, size=(11, n)).astype(dtype)
    x[1, 5] = np.nan
    x[2, 7] = np.inf
    x[3, :] = -np.inf
    x[4, ::3] = -np.inf
    x[5, 9] = x[5].max()  # a tie at the max
    x[6, 4] = dtype(-1e30)  # one term far below the rest (e underflows)
    target = rng.integers(0, n, 11)
    target[4] = 0  # a -inf target
    for temperature in (1.0, 0.5, 0.0, np.inf):
        for name in ("logsumexp", "log_softmax", "softmax"):
            batch = getattr(softmax_c, name)(x, temperature=temperature)
            for row in range(11):
                alone = getattr(softmax_c, name)(x[row], temperature=temperature)
                np.testing.assert_array_equal(batch[row], alone, err_msg=f"{name} T={temperature} row {row}")
    batch = softmax_c.cross_entropy(x, target)
    grad = softmax_c.cross_entropy_grad(x, target)
    loss_and_grad = softmax_c.cross_entropy_with_grad(x, target)
    for row in range(11):
        one = (x[row : row + 1], target[row : row + 1])
        np.testing.assert_array_equal(batch[row], softmax_c.cross_entropy(*one)[0])
        np.testing.assert_array_equal(grad[row], softmax_c.cross_entropy_grad(*one)[0], err_msg=f"gradient row {row}")
        alone = softmax_c.cross_entropy_with_grad(*one)
        np.testing.assert_array_equal(loss_and_grad[0][row], alone[0][0], err_msg=f"with_grad loss row {row}")
        np.testing.assert_array_equal(loss_and_grad[1][row], alone[1][0], err_msg=f"with_grad gradient row {row}")


@pytest.mark.parametrize("n", [1, 10, 31, 32, 100])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_c_softmax_backward_batches_equal_the_rows_one_by_one(dtype: type, n: int) -> None:
    """Rows under 32 entries are taken 8 at a time (one row per lane, the same TwoSum chain in the
    same order); every row of an 11-row batch equals that row alone, bit for bit."""
    rng = np.random.default_rng(n)
    p = softmax_c.softmax(rng.normal(scale=3.0, size=(11, n)).astype(dtype))
    g = rng.normal(scale=5.0, size=(11, n)).astype(dtype)
    batch = softmax_c.softmax_backward(p, g)
    for row in range(11):
        np.testing.assert_array_equal(batch[row], softmax_c.softmax_backward(p[row], g[row]), err_msg=f"row {row}")


# the limits of the element-wise functions at -inf and +inf (independent of the oracle's mpmath)
ELEMENT_LIMITS = {"sigmoid": (0.0, 1.0), "log_sigmoid": (-np.inf, 0.0), "softplus": (0.0, np.inf),
                  "log1mexp": (0.0, np.nan), "logit": (np.nan, np.nan)}
# outside its domain (codegen/api.py, Function.domain) an element-wise function is NaN
OUTSIDE = {"nonpositive": [1e-40, 0.5, 1.0, 800.0, np.inf], "probability": [-1e-40, -0.5, 1.0001, 2.0, np.inf, -np.inf]}


def test_every_element_wise_function_has_its_limits_and_reference() -> None:
    assert set(ELEMENT_LIMITS) == set(names(form="elementwise"))
    assert all(hasattr(oracle, f.name) for f in FUNCTIONS if f.has_kernel or f.bounds)


@TARGETS
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", names(form="elementwise"))
def test_element_wise_functions_of_long_arrays_with_special_values(K, dtype: type, name: str) -> None:
    """Arrays cross the C kernels' blocks (SP_BLOCK = 512 entries, each block with or without
    |x| > 708): NaN, infinities, subnormal outputs and signed zeros in any block, every entry
    within the function's accuracy bound (codegen/api.py) of the mpmath value."""
    x = np.random.default_rng(7).normal(scale=30.0, size=1500)
    specials = [np.nan, np.inf, -np.inf, 0.0, -0.0, 800.0, -800.0, -720.0, 1e-300, -1e-300, 40.0, -103.0]
    x[[0, 511, 512, 700, 1023, 1024, 1100, 1200, 1300, 1400, 1450, 1499]] = specials
    x = in_domain(name, x.astype(dtype))
    bound = by_name(name).bounds[np.dtype(dtype).name]
    actual = getattr(K, name)(x)
    assert actual.dtype == dtype
    for value, result in zip(x.tolist(), actual.tolist(), strict=True):
        if np.isnan(value):
            assert np.isnan(result), name
            continue
        expected = dtype(getattr(oracle, name)(value)) if np.isfinite(value) else ELEMENT_LIMITS[name][value > 0]
        if np.isnan(expected):
            assert np.isnan(result), (name, value, result)
        elif np.isinf(expected):
            assert result == expected, (name, value)
        else:
            spacing = np.spacing(dtype(abs(expected)))
            assert abs(result - float(expected)) <= bound * spacing, (name, value, result, expected)


@TARGETS
@pytest.mark.parametrize("n", [3, 40, 32769])  # a tile, the general path, a row read once (SP_SCAN)
def test_minus_inf_entries_give_minus_inf_logs_and_zero_probabilities(K, n: int) -> None:
    """Regression: TwoSum's error for -inf - m is NaN; it made log_softmax NaN at -inf entries (rows
    longer than a tile) and cross_entropy NaN for a -inf target, instead of -inf and +inf."""
    x = np.random.default_rng(n).normal(size=(2, n))
    x[:, 1] = -np.inf
    for temperature in (1.0, 0.7):
        out = K.log_softmax(x, temperature=temperature)
        assert (out[:, 1] == -np.inf).all() and np.isfinite(np.delete(out, 1, axis=1)).all(), temperature
        assert (K.softmax(x, temperature=temperature)[:, 1] == 0.0).all()
    assert K.cross_entropy(x, np.array([1, 0]))[0] == np.inf
    assert np.isfinite(K.cross_entropy(x, np.array([1, 0]))[1])
    assert K.cross_entropy_grad(x, np.array([1, 1]))[0, 1] == -1.0


@TARGETS
def test_temperature_limits(K) -> None:
    assert K.softmax([3.0, 1.0, 3.0], temperature=0).tolist() == [0.5, 0.0, 0.5]
    assert K.logsumexp([3.0, 1.0], temperature=0) == 3.0
    assert K.softmax([1.0, 2.0, 3.0], temperature=np.inf).tolist() == pytest.approx([1 / 3] * 3)
    tiny = K.softmax([-1.0, -2.0, -1.0], temperature=1e-300)
    assert not np.isnan(tiny).any() and tiny.tolist() == [0.5, 0.0, 0.5]
    for bad in (-1.0, float("nan")):
        with pytest.raises(ValueError, match="temperature"):
            K.softmax([1.0], temperature=bad)


@TARGETS
def test_dtypes_and_bad_inputs(K) -> None:
    assert K.softmax(np.float32([1, 2])).dtype == np.float32
    assert K.softmax([1, 2]).dtype == np.float64 and K.softmax([True, False]).dtype == np.float64
    for bad in ([1j], np.array(["a"]), np.array([object()], dtype=object)):
        with pytest.raises(TypeError, match="real numbers"):
            K.softmax(bad)
    with pytest.raises(ValueError, match=r"target\[1\] = 3 is out of range"):
        K.cross_entropy([[1.0, 2.0], [1.0, 2.0]], [0, 3])
    with pytest.raises(ValueError, match="shape"):
        K.cross_entropy([[1.0, 2.0]], [0, 1])
    with pytest.raises(ValueError, match="out of range"):
        K.softmax([1.0], axis=3)


@TARGETS
def test_scipy_documented_results_agree(K) -> None:
    special = pytest.importorskip("scipy.special")
    x = np.array([[1.0, 0.5, 0.2, 3.0], [1.0, -1.0, 7.0, 3.0], [2.0, 12.0, 13.0, 3.0]])
    for axis in (None, 0, 1, (0, 1)):
        assert close(K.softmax(x, axis=axis), special.softmax(x, axis=axis), 1e-14)
        assert close(K.logsumexp(x, axis=axis), special.logsumexp(x, axis=axis), 1e-14)
    assert close(K.sigmoid([-3.0, 0.0, 3.0]), special.expit([-3.0, 0.0, 3.0]), 1e-15)


# ------------------------------------------------- the naive formula fails, ours passes
def naive_softmax(x: np.ndarray) -> np.ndarray:
    return np.exp(x) / np.sum(np.exp(x))


@pytest.mark.parametrize(
    "name, naive, kernel, args, expected",
    [
        ("softmax max shift", lambda x: naive_softmax(np.array(x)), "softmax", [1000.0, 0.0], oracle.softmax([1000.0, 0.0])),
        ("logsumexp max shift", lambda x: np.log(np.sum(np.exp(np.array(x)))), "logsumexp", [1000.0, 1000.0],
         oracle.logsumexp([1000.0, 1000.0])),
        ("log_softmax shift", lambda x: np.log(naive_softmax(np.array(x))), "log_softmax", [800.0, 0.0], oracle.log_softmax([800.0, 0.0])),
        ("sigmoid negative branch", lambda x: 1 / (1 + np.exp(-np.array(x))), "sigmoid", -745.0, oracle.sigmoid(-745.0)),
        ("log_sigmoid log1p form", lambda x: np.log(1 / (1 + np.exp(-np.array(x)))), "log_sigmoid", -800.0, oracle.log_sigmoid(-800.0)),
        ("softplus overflow", lambda x: np.log(1 + np.exp(np.array(x))), "softplus", 800.0, oracle.softplus(800.0)),
        ("softplus log1p form", lambda x: np.log(1 + np.exp(np.array(x))), "softplus", -40.0, oracle.softplus(-40.0)),
        ("cross-entropy = LSE - x_t", lambda x: -np.log(naive_softmax(np.array(x[0]))[1]), "cross_entropy",
         [[800.0, 0.0]], oracle.cross_entropy([800.0, 0.0], 1)),
    ],
)
@TARGETS
def test_naive_formula_fails_where_generated_passes(K, name, naive, kernel, args, expected) -> None:  # type: ignore[no-untyped-def]
    generated = (lambda x: K.cross_entropy(x, [1])[0]) if kernel == "cross_entropy" else getattr(K, kernel)
    with np.errstate(all="ignore"):
        assert not close(naive(args), expected, 1e-6, atol=0), f"{name}: the naive formula should fail here"
    assert close(generated(args), expected, 1e-14, atol=0), name


@TARGETS
@pytest.mark.parametrize("name", [f.name for f in FUNCTIONS if f.domain != "real"])
def test_element_wise_functions_are_nan_outside_their_domain(K, name: str) -> None:
    """Real-valued functions of a restricted domain (log(1 - e^x) for x <= 0, logit on [0, 1]) give NaN
    outside it, as scipy.special does, never a finite number; at its ends, the proved infinities."""
    outside = np.array(OUTSIDE[by_name(name).domain])
    for dtype in (np.float64, np.float32):
        assert np.isnan(getattr(K, name)(outside.astype(dtype))).all(), name
    ends = {"log1mexp": ([0.0, -0.0, -np.inf], [-np.inf, -np.inf, 0.0]), "logit": ([0.0, 1.0, 0.5], [-np.inf, np.inf, 0.0])}[name]
    np.testing.assert_array_equal(getattr(K, name)(np.array(ends[0])), ends[1])


@TARGETS
@settings(max_examples=50 * SCALE, deadline=None)
@given(hnp.arrays(np.float32, st.integers(1, 8), elements=st.floats(-80, 80, width=32)))
def test_float32_matches_the_float64_result_rounded_once(K, x: np.ndarray) -> None:
    """NumPy target: the float64 result rounded once. C target: within 1 ULP of it (its float32 kernels use
    the shorter exp polynomial of exp.polynomial_error_single and a once-rounded shift)."""
    from softproof.measure.accuracy import ulp_distance

    slack = 1 if K.__name__.endswith("softmax_c") else 0
    for name in names(form="rows") + names(form="elementwise"):
        out32 = getattr(K, name)(x)
        assert out32.dtype == np.float32
        rounded = getattr(K, name)(x.astype(np.float64)).astype(np.float32)
        assert ulp_distance(out32, rounded).max() <= slack, name
    lse = np.float32(K.logsumexp(x))
    assert ulp_distance(np.array([lse]), np.array([np.float32(K.logsumexp(x.astype(np.float64)))])).max() <= slack


def test_kernel_lines_compose_to_the_proved_claims() -> None:
    """The two-term lines the kernels print, substituted back into each other, are the claims' right-hand sides."""
    import sympy as sp
    from sympy.codegen.cfunctions import fma

    from softproof.codegen import kernels as kn
    from softproof.codegen.backends.c.pieces import c_pieces
    from softproof.derive import claim as by_id
    from softproof.derive.rewrites import rest_after_ties, ties
    from softproof.derive.symbols import k, m, x

    def claim(claim_id: str) -> sp.Expr:  # the right-hand side for an entry x_k, in the kernels' names, T = 1
        found = by_id(claim_id)
        parts = found.statement.args if isinstance(found.statement, sp.And) else (found.statement,)
        (rhs,) = [part.rhs for part in parts if len(parts) == 1 or part.has(x[k])]
        return rhs.xreplace({rest_after_ties: kn.SUM_C}).xreplace({ties: kn.TIES_C, x[k]: kn.X, m: kn.M})

    shift = (kn.X - kn.M) / kn.T
    common = {kn.EXTRA: kn.EXTRA_LINE.expr}
    lognorm = kn.LOGNORM_LINE.expr.xreplace(common)
    log_softmax = kn.LOG_SOFTMAX_OUT.expr.xreplace({kn.HEAD: kn.LOG_SOFTMAX_HEAD.expr}).xreplace({kn.LOGNORM: lognorm})
    log_softmax = log_softmax.xreplace({kn.Q: shift - kn.QL})  # q + ql = (x - m)/T
    assert sp.simplify(log_softmax.xreplace({kn.T: 1}) - claim("rewrite.log_softmax_ties_log1p")) == 0
    lse = kn.LOGSUMEXP_OUT.expr.xreplace({kn.LOGNORM: lognorm})
    assert sp.simplify(lse.xreplace({kn.T: 1}) - claim("rewrite.lse_ties_log1p")) == 0
    x_target = sp.Symbol("x_target")
    cross_entropy = kn.CE_OUT.expr.xreplace({kn.HEAD: kn.CE_HEAD.expr}).xreplace({kn.LOGNORM: lognorm})
    cross_entropy = cross_entropy.xreplace({kn.GAP: kn.M - x_target - kn.GAP_ERR})  # gap + gap_error = m - x_t
    assert sp.simplify(cross_entropy - (claim("rewrite.lse_ties_log1p") - x_target)) == 0
    (softmax_line,) = [line for line in kn.KERNELS["softmax"].lines if line.name == "p"]
    e_over_s = sp.exp(kn.X - kn.M) / (kn.TIES_C + kn.SUM_C)
    assert sp.simplify(softmax_line.expr.xreplace({kn.E: sp.exp(kn.X - kn.M)}) - e_over_s) == 0
    assert sp.simplify(claim("rewrite.softmax_ties_split") - e_over_s) == 0
    c_softmax = c_pieces()["softmax"].replace(lambda e: isinstance(e, fma), lambda e: e.args[0] * e.args[1] + e.args[2])
    c_softmax = c_softmax.xreplace({kn.INV_LO: 1 / (kn.TIES_C + kn.SUM_C) - kn.INV_HI})  # inv_hi + inv_lo = 1/(c + t)
    assert sp.simplify(c_softmax - kn.E / (kn.TIES_C + kn.SUM_C)) == 0
    grad = kn.CE_GRAD_TARGET.expr.xreplace(common)  # at the argmax e_t = 1: p_t - 1 = (1 - S)/S with S = c + t
    assert sp.simplify(grad - (1 / (kn.TIES_C + kn.SUM_C) - 1)) == 0


def test_log1p_lines_compose_to_the_proved_claims() -> None:
    """The printed lines of sp_log1p's main path, in exact arithmetic (fma exact, TwoSum exact, ln2_hi +
    ln2_lo = ln 2, R exact, s the exact quotient f/(2 + f)), are k ln 2 + log(1 + f) + epsilon/w:
    log1p.reduction with log1p.atanh_form; the series lines are u + u_lo - u^2/2 + u^3/3 (1/3 and the
    cross term u u_lo aside); a mutated line is not."""
    import sympy as sp
    from sympy.codegen.cfunctions import fma

    from softproof.codegen.backends.c import pieces as kn

    pieces = kn.log1p_pieces()
    g = sp.Symbol("g", positive=True)  # 1 + f
    ln2_hi, ln2_lo = sp.Symbol("SP_LN2_HI"), sp.Symbol("SP_LN2_LO")
    f, s, d = kn.F_RED, kn.S_LOG, kn.D_LOG

    def compose(lines: dict[str, sp.Expr]) -> sp.Expr:
        env: dict[sp.Basic, sp.Expr] = {kn.D_LO: 2 + f - d}  # TwoSum: 2 + f = d + d_lo exactly

        def value(name: str) -> sp.Expr:
            return lines[name].replace(fma, lambda a, b, c: a * b + c).xreplace(env)

        env[s] = f / (2 + f)  # the quotient itself: then the remainder lines give s_low = 0
        env[kn.RESIDUAL] = value("log1p_residual")
        env[kn.S_LOW] = value("log1p_s_low")
        env[kn.Z_LOG] = value("log1p_z")
        env[kn.R_LOG] = (2 * sp.atanh(env[s]) - 2 * env[s]) / env[s]  # the polynomial's target (log1p.polynomial_error)
        env[kn.LOW] = value("log1p_low")
        env[kn.TAIL] = value("log1p_tail")
        head = sp.Symbol("head")
        env[kn.HEAD_ERR] = value("log1p_scaled") + value("log1p_twice") - head  # TwoSum: exact
        env[kn.HEAD_LOG] = head
        env[kn.SMALL] = value("log1p_small")
        return value("log1p_out").xreplace({ln2_lo: sp.log(2) - ln2_hi})

    expected = kn.KF_LOG * sp.log(2) + sp.log(g) + kn.CORRECTION / kn.W

    def residual(lines: dict[str, sp.Expr]) -> sp.Expr:
        return sp.simplify(sp.expand_log(sp.simplify((compose(lines).xreplace({f: g - 1}) - expected).rewrite(sp.log))))

    assert residual(pieces) == 0
    assert residual(dict(pieces, log1p_tail=fma(s, kn.R_LOG, kn.LOW))) == 0  # s_low = 0 here: the tail's other terms vanish
    assert residual(dict(pieces, log1p_tail=fma(s, -kn.R_LOG, kn.LOW))) != 0
    assert residual(dict(pieces, log1p_twice=s)) != 0
    series = pieces["log1p_series_out"].xreplace({kn.SERIES_LOW: pieces["log1p_series_low"]})
    series = series.xreplace({kn.SERIES_POLY: pieces["log1p_series_poly"]}).replace(fma, lambda a, b, c: a * b + c)
    u, u_lo = kn.U_LOG, kn.U_LO
    third = pieces["log1p_series_poly"].args[1]
    assert abs(third - sp.Rational(1, 3)) < sp.Rational(1, 2**54)
    assert sp.expand(series.xreplace({third: sp.Rational(1, 3)}) - (u + u_lo - u**2 / 2 + u**3 / 3)) == 0


OUT_FUNCTIONS = tuple(f.name for f in FUNCTIONS if f.has_out)
VALUES = st.one_of(st.floats(-800, 800), st.sampled_from([np.inf, -np.inf, np.nan, 0.0, -0.0]))


@TARGETS
@settings(max_examples=40 * SCALE, deadline=None)
@given(
    st.sampled_from(OUT_FUNCTIONS),
    st.sampled_from([np.float64, np.float32]),
    hnp.arrays(np.float64, st.tuples(st.integers(1, 20), st.integers(1, 40)), elements=VALUES),
)
@example("softmax", np.float64, np.full((9, 3), np.inf))  # a tile of +inf ties, in place
@example("log_softmax", np.float32, np.array([[0.0] * 20, [1.0] * 20]))  # long rows (the row path)
def test_out_and_in_place_equal_the_fresh_result(K, name: str, dtype: type, x: np.ndarray) -> None:
    """``out=`` (a separate array, or the input itself) gives the very values of a fresh call."""
    f = getattr(K, name)
    x = x.astype(dtype)
    with np.errstate(all="ignore"):
        fresh = f(x)
        out = np.empty_like(x)
        assert f(x, out=out) is out
        assert np.array_equal(out, fresh, equal_nan=True)
        y = x.copy()
        assert f(y, out=y) is y
        assert np.array_equal(y, fresh, equal_nan=True)
        strided = np.empty((x.shape[1], x.shape[0]), dtype=dtype).T  # not contiguous: computed, then copied
        assert f(x, out=strided) is strided
        assert np.array_equal(strided, fresh, equal_nan=True)


@TARGETS
def test_out_errors_name_the_fix(K) -> None:  # type: ignore[no-untyped-def]
    x = np.ones((3, 4))
    with pytest.raises(ValueError, match="dtype float64"):
        K.softmax(x, out=np.empty((3, 4), np.float32))
    with pytest.raises(ValueError, match=r"shape \(3, 4\)"):
        K.log_softmax(x, out=np.empty((4, 3)))
    with pytest.raises(TypeError, match="numpy.ndarray"):
        K.sigmoid(x, out=[0.0] * 12)
    with pytest.raises(ValueError, match="overlaps"):
        K.softmax(x[:, :3], out=x[:, 1:])
    frozen = np.empty((3, 4))
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        K.log_sigmoid(x, out=frozen)
    assert np.array_equal(x, np.ones((3, 4)))  # nothing written on error
