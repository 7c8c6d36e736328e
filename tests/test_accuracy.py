"""The accuracy bounds (in ULPs) of both generated targets, and the measuring instrument itself.

The reference is mpmath evaluating the textbook definitions (measure.accuracy.reference),
rounded correctly to the target format: no SymPy, no generated code. The bounds are the
accuracy table of the README; a regression fails here.
"""

from __future__ import annotations

import os
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from softproof.generated import softmax_c, softmax_np
from softproof.measure import accuracy as acc

SCALE = int(os.environ.get("SOFTPROOF_EXAMPLES_SCALE", "1"))
TARGETS = pytest.mark.parametrize("K", [softmax_np, softmax_c], ids=["numpy", "c"])
DTYPES = pytest.mark.parametrize("dtype", ["float64", "float32"])


@pytest.mark.parametrize("implementation", ["softproof C", "softproof NumPy", "softproof C, fast"])
def test_every_region_within_the_bounds(measurements: list[acc.Measurement], implementation: str) -> None:
    mine = [m for m in measurements if m.implementation == implementation]
    assert {m.region for m in mine} == {r.name for r in acc.regions(7, 0.05)}
    assert not acc.violations(measurements, implementation)


def test_the_instrument_sees_scipy_fail_where_the_issue_says(measurements: list[acc.Measurement]) -> None:
    """Test the test: the same measurement puts the naive evaluations far above the bounds."""
    scipy = {(m.function, m.dtype, m.region): m.max_ulp for m in measurements if m.implementation == "scipy.special"}
    assert scipy[("softmax", "float64", "randn*30")] > 3  # the rounding of x - m, amplified by exp
    assert scipy[("log_softmax", "float64", "dominant gap 20..700")] > 1e6  # log(1 + tiny) loses every digit
    assert scipy[("cross_entropy", "float64", "dominant gap 20..700")] > 1e6
    assert scipy[("sigmoid", "float64", "subnormal outputs [-745, -709]")] > 1e6  # expit returns 0


# ------------------------------------------------------------------ property tests, both targets
def _errors(K, x: np.ndarray, dtype: str, functions: tuple[str, ...]) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    """ULP errors of one row (or of a 2-D batch of rows, the short-row path), one reference for all."""
    x = x.astype(dtype)
    if functions[0] in acc.ROW_FUNCTIONS:
        groups = [(functions, *acc._batch_reference(x, dtype, np.random.default_rng(0)))]
    else:  # each element-wise function at x carried into its domain (acc.in_domain)
        groups = acc.element_batches(x, dtype, functions)
    out = {}
    for names, batch, targets, refs in groups:
        for function in names:
            with np.errstate(all="ignore"):
                got = getattr(K, function)(batch, targets) if acc.takes_targets(function) else getattr(K, function)(batch)
            out[function] = acc.ulp_distance(np.asarray(got, dtype=dtype).reshape(-1), refs[function])
    return out


rows = st.one_of(
    st.lists(st.floats(-50, 50), min_size=1, max_size=40),
    st.lists(st.floats(-800, 800), min_size=1, max_size=20),
    st.lists(st.floats(-1e300, 1e300), min_size=1, max_size=6),
    st.builds(lambda gap, tail: [0.0] + [-gap + t for t in tail], st.floats(20, 700), st.lists(st.floats(-1, 1), min_size=1, max_size=20)),
    st.builds(lambda c, eps: [c + e for e in eps], st.floats(-1e6, 1e6), st.lists(st.floats(-1e-9, 1e-9), min_size=2, max_size=20)),
)


@TARGETS
@DTYPES
@settings(max_examples=25 * SCALE, deadline=None)
@given(rows)
@example([0.0, 1.0, 2.0])  # randn-like
@example(list(30 * np.random.default_rng(1).standard_normal(50)))  # wide spread
@example(list(300 * np.random.default_rng(2).standard_normal(20)))  # wider
@example([0.0, -37.0, -38.0])  # one dominant logit: log1p, not log(1 + t)
@example([0.0, -700.0, -701.5, -699.0])  # gap 700: t is subnormal-scale
@example([5.0, 5.0 + 1e-12, 5.0 - 1e-12])  # near ties
@example(list(1e6 + np.random.default_rng(3).standard_normal(30)))  # large offset
@example([1e300, -1e300, 5e299])  # huge magnitudes
@example(list(np.log(np.random.default_rng(4).dirichlet(np.ones(30)))))  # log-probabilities
@example([3.0, 3.0, 3.0, -1.0])  # exact ties with the max
@example([1.157920892373162e77, 1.157920892373162e77])  # found by hypothesis: the reference needs bits for the integer part
def test_row_functions_within_bounds(K, dtype: str, row: list[float]) -> None:  # type: ignore[no-untyped-def]
    x = np.asarray(row, dtype=np.float64)
    if dtype == "float32":
        x = np.clip(x, -1e38, 1e38)
    all_errors = _errors(K, x, dtype, acc.ROW_FUNCTIONS)
    for function in acc.ROW_FUNCTIONS:
        errors = all_errors[function]
        assert errors.max() <= acc.BOUNDS[(function, dtype)], (function, dtype, row, errors.max())


@TARGETS
@DTYPES
@settings(max_examples=30 * SCALE, deadline=None)
@given(st.lists(st.one_of(st.floats(-745, 745), st.floats(-745, -709), st.floats(709, 745), st.floats(-1e-5, 1e-5),
                         st.floats(-1e300, 1e300)), min_size=1, max_size=30))
@example([-744.5, -720.0, -709.1, -708.0])  # subnormal outputs
@example([744.5, 720.0, 709.1, 708.0])  # softplus(-x) = e^-x subnormal mirrored
@example([5e-324, -5e-324, 1e-300, -1e-20])  # tiny |x|
@example([36.0, 37.0, 40.0, -40.0])  # saturation
@example([0.6931471805599453, -0.6931471805599453, 0.5, -0.5])  # softplus's sum of two terms of one size
def test_element_wise_functions_within_bounds(K, dtype: str, values: list[float]) -> None:  # type: ignore[no-untyped-def]
    x = np.asarray(values, dtype=np.float64)
    if dtype == "float32":
        x = np.clip(x, -1e38, 1e38)
    all_errors = _errors(K, x, dtype, acc.ELEMENT_FUNCTIONS)
    for function in acc.ELEMENT_FUNCTIONS:
        errors = all_errors[function]
        assert errors.max() <= acc.BOUNDS[(function, dtype)], (function, dtype, values, errors.max())


batches = st.integers(2, 161).flatmap(lambda n: st.lists(
    st.lists(st.one_of(st.floats(-40, 40), st.floats(-1000, 1000)), min_size=n, max_size=n), min_size=1, max_size=9))  # a tile of 8 and one more


@TARGETS
@DTYPES
@settings(max_examples=4 * SCALE, deadline=None)  # 4 random batches + the @examples (tuned for a 5-minute suite)
@given(batches)
@example([[0.0, 1.0]] * 9)  # a full tile of 8 rows and one more
@example([[0.0, -800.0, 3.0, 3.0]] * 8 + [[np.nan, 0.0, 1.0, 2.0]] * 8)  # wide range; a NaN row sends its tile to the row path
@example([[-1.0, -2.0, 5e-324]] * 16)
def test_batches_of_short_rows_within_bounds(K, dtype: str, rows: list[list[float]]) -> None:  # type: ignore[no-untyped-def]
    """Rows of up to 160 entries go through tiles of 8 rows in the C kernels (softmax and log_softmax:
    up to 104 in float32, 64 in float64): the same bounds hold there."""
    x = np.asarray(rows, dtype=np.float64)
    finite_rows = np.isfinite(x).all(axis=1)
    all_errors = _errors(K, x, dtype, acc.ROW_FUNCTIONS)
    for function in acc.ROW_FUNCTIONS:
        errors = all_errors[function].reshape(x.shape[0], -1)
        for i, row in enumerate(x):
            if finite_rows[i]:
                assert errors[i].max() <= acc.BOUNDS[(function, dtype)], (function, dtype, row, errors[i])
            else:
                assert errors[i].max() == 0, (function, dtype, row, errors[i])  # NaN where the reference is NaN


def test_a_plain_max_shift_softmax_fails_the_bound() -> None:
    """Test the test without scipy: exp(x - m)/sum, the textbook stable form, is not within 3 ULP."""
    x = 30 * np.random.default_rng(0).standard_normal(200)
    e = np.exp(x - x.max())
    ref = acc.reference(x, "rows", "float64", np.zeros(2, np.int64))["softmax"]
    assert acc.ulp_distance(e / e.sum(), ref).max() > 3
    assert acc.ulp_distance(softmax_c.softmax(x), ref).max() <= 3


# ------------------------------------------------------------------ the instrument
def test_ulp_distance_counts_floats_between() -> None:
    one = np.array([1.0])
    assert acc.ulp_distance(one, np.nextafter(one, 2)) == 1
    assert acc.ulp_distance(np.array([5e-324]), np.array([-5e-324])) == 2  # across zero, subnormals included
    assert acc.ulp_distance(np.array([0.0]), np.array([-0.0])) == 0
    assert acc.ulp_distance(np.array([np.nan]), np.array([np.nan])) == 0
    assert acc.ulp_distance(np.array([np.nan]), np.array([1.0])) == np.inf
    f = np.array([1.0], dtype=np.float32)
    assert acc.ulp_distance(f, np.nextafter(f, np.float32(0))) == 1
    big = np.array([1e300])
    assert acc.ulp_distance(big, np.nextafter(big, 0)) == 1  # exact in int64, not rounded through float64


def test_reference_is_correctly_rounded_where_cancellation_hides_the_answer() -> None:
    # log_softmax of the max of [0, -700]: -log(1 + e^-700) = -e^-700 (1 - ...), far below the ulp of 1
    ref = acc.reference(np.array([0.0, -700.0]), "rows", "float64", np.zeros(2, np.int64))
    with mpmath.workprec(3000):  # terms down to e^-2000 of the largest
        exact = -mpmath.log1p(mpmath.exp(-700))
    assert ref["log_softmax"][0] == float(exact)
    assert ref["logsumexp"][0] == float(-exact)


def test_reference_of_chosen_functions_only() -> None:
    """``functions`` picks the references computed (the same values as computing all of them); a function
    without a reference of that kind is refused by name."""
    import pytest

    x, targets = np.array([0.5, -1.25, 3.0]), np.array([1])
    everything = acc.reference(x, "rows", "float64", targets)
    chosen = acc.reference(x, "rows", "float64", targets, functions=("cross_entropy", "logsumexp"))
    assert set(chosen) == {"cross_entropy", "logsumexp"}
    assert all(np.array_equal(chosen[k], everything[k]) for k in chosen)
    assert set(acc.reference(x, "rows", "float64", temperature=0.5, functions=("softmax",))) == {"softmax"}
    for kind, functions, temperature in (("rows", ("sigmoid",), 1.0), ("elements", ("softmax",), 1.0), ("rows", ("cross_entropy",), 0.5)):
        with pytest.raises(ValueError, match="no .* reference for"):
            acc.reference(x, kind, "float64", targets, temperature=temperature, functions=functions)


def test_reference_sizes_its_precision_by_x_over_t_even_where_that_underflows() -> None:
    """A one-entry row's logsumexp is the entry at any T; at T = 1e200 and x = -2.8e-301, x/T underflows in
    float64, and the precision sized from it left 1 + x/T = 1 at two precisions: 0.0, agreed (found by a search)."""
    x = np.array([-2.837981802135376e-301])
    assert acc.reference(x, "rows", "float64", np.zeros(1, np.int64), temperature=1e200)["logsumexp"][0] == x[0]


def test_reference_takes_rows_whose_x_over_t_overflows() -> None:
    """x = -1.04e137 at T = 5.8e-292: x/T overflows, and the precision sized from the span (inf - inf) was int(NaN), an
    error (found by a fuzz); a one-entry row's logsumexp is the entry, its softmax 1, and beside 3.0 it has no mass."""
    x = np.array([-1.0389647960619269e137])
    one = acc.reference(x, "rows", "float64", temperature=5.843126630466753e-292)
    assert one["logsumexp"][0] == x[0] and one["softmax"][0] == 1.0
    two = acc.reference(np.array([x[0], 3.0]), "rows", "float64", temperature=5.843126630466753e-292)
    assert two["logsumexp"][0] == 3.0 and list(two["softmax"]) == [0.0, 1.0]


def test_reference_keeps_the_fraction_of_huge_logits() -> None:
    ref = acc.reference(np.array([1e77, 1e77]), "rows", "float64", np.zeros(2, np.int64))
    assert ref["log_softmax"][0] == -np.log(2.0)


def test_reference_rounds_float32_once() -> None:
    # a value whose rounding to float32 differs from rounding first to float64 (double rounding)
    value = Fraction(1) + Fraction(1, 2**24) + Fraction(1, 2**60)
    with mpmath.workprec(200):
        v = mpmath.mpf(value.numerator) / value.denominator
        assert acc._round(v, 24) == 1.0 + 2.0**-23
    assert float(np.float32(float(v))) == 1.0  # what double rounding would give


@settings(max_examples=200 * SCALE, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False), st.floats(allow_nan=False, allow_infinity=False))
def test_two_diff_is_exact(a: float, b: float) -> None:
    """TwoSum (Knuth TAOCP 4.2.2 Theorem B), as the NumPy kernels use it: d + l = a - b exactly."""
    d, error = softmax_np._two_diff(np.float64(a), np.float64(b))
    if np.isfinite(d):
        assert Fraction(float(d)) + Fraction(float(error)) == Fraction(a) - Fraction(b)


@TARGETS
@settings(max_examples=3 * SCALE, deadline=None)  # tuned for a 5-minute suite; SOFTPROOF_EXAMPLES_SCALE raises it
@given(batches, st.data())
@example([[0.0, -40.0, -41.0]] * 9, None)  # p_t = 1 - 4e-18 at the argmax: p_t - 1 would be 0
@example([[2.0, 2.0, -30.0, 1.0]] * 8, None)  # tied maxima, target among them
def test_cross_entropy_grad_within_3_ulp(K, rows: list[list[float]], data) -> None:  # type: ignore[no-untyped-def]
    """p - onehot(t), the target at the argmax included, on single rows' batches and on tiles."""
    x = np.asarray(rows, dtype=np.float64)
    x = x[np.isfinite(x).all(axis=1)]
    if not x.size:
        return
    if data is None:
        targets = np.argmax(x, axis=1)
    else:
        targets = np.array([data.draw(st.integers(0, x.shape[1] - 1)) for _ in range(x.shape[0])], dtype=np.int64)
    got = K.cross_entropy_grad(x, targets)
    for i, row in enumerate(x):
        probabilities = acc.reference(row, "rows", "float64", np.zeros(2, np.int64))["softmax"]
        with mpmath.workprec(3000):  # terms down to e^-2000 of the largest
            e = [mpmath.exp(mpmath.mpf(float(v))) for v in row]
            grad_target = float(-mpmath.fsum(e[:targets[i]] + e[targets[i] + 1:]) / mpmath.fsum(e))
        expected = probabilities.copy()
        expected[targets[i]] = grad_target
        assert acc.ulp_distance(got[i], expected).max() <= 3, (row, targets[i], got[i], expected)
