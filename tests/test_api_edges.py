"""Hostile values at the API: both targets answer alike, with a result or a clear error."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from softproof.generated import softmax_c, softmax_np

TARGETS = pytest.mark.parametrize("K", [softmax_np, softmax_c], ids=["numpy", "c"])


@TARGETS
def test_empty_batches_give_empty_results(K) -> None:  # type: ignore[no-untyped-def]
    x, t = np.zeros((0, 3)), np.zeros(0, dtype=np.int64)
    assert K.logsumexp(x).shape == (0,) and K.softmax(x).shape == (0, 3)
    assert K.cross_entropy(x, t).shape == (0,) and K.cross_entropy_grad(x, t).shape == (0, 3)
    assert K.softmax_backward(x, x).shape == (0, 3)


@TARGETS
def test_a_0d_input_is_a_one_entry_slice(K) -> None:  # type: ignore[no-untyped-def]
    """scipy's rule: softmax(3.0) = 1, log_softmax = 0, logsumexp(x) = x, for any temperature."""
    assert K.softmax(3.0) == 1.0 and K.log_softmax(np.float32(2.0)) == 0.0 and K.logsumexp(2.5) == 2.5
    assert K.logsumexp(2.5, temperature=0.5) == 2.5 and np.isnan(K.softmax(-np.inf))  # an all -inf slice
    assert K.softmax_backward(1.0, 4.0) == 0.0
    assert np.ndim(K.softmax(3.0)) == 0 and K.log_softmax(np.float32(2.0)).dtype == np.float32
    out = np.empty(())
    assert K.softmax(np.array(1.5), out=out) is out and out == 1.0
    with pytest.raises(ValueError, match="out of range"):
        K.softmax(1.0, axis=1)
    with pytest.raises(ValueError, match="at least one dimension"):
        K.cross_entropy(1.0, 0)


@TARGETS
@pytest.mark.parametrize("bad, error, says", [
    (10**400, ValueError, "too large for a float"), ("2", TypeError, "one real number"), (True, TypeError, "one real number"),
    (np.array([1.0, 2.0]), TypeError, "one real number"), (-1.0, ValueError, ">= 0"), (float("nan"), ValueError, ">= 0"),
])
def test_bad_temperatures_raise_one_clear_error(K, bad: object, error: type, says: str) -> None:  # type: ignore[no-untyped-def]
    for f in (K.softmax, K.log_softmax, K.logsumexp):
        with pytest.raises(error, match=says):
            f([1.0, 2.0], temperature=bad)
    assert K.softmax([1.0, 2.0], temperature=np.float64(2.0)).tolist() == K.softmax([1.0, 2.0], temperature=2.0).tolist()


@TARGETS
def test_big_endian_input_computes_in_its_native_precision(K) -> None:  # type: ignore[no-untyped-def]
    for order, native in ((">f4", np.float32), (">f8", np.float64)):
        x = np.array([1.0, 2.0, 3.0], dtype=order)
        got = K.softmax(x)
        assert got.dtype == native
        assert got.tolist() == K.softmax(x.astype(native)).tolist()
    with pytest.raises(ValueError, match="byte order"):
        K.softmax(np.ones(2), out=np.empty(2, ">f8"))


@TARGETS
def test_target_errors_name_the_index_and_the_valid_classes(K) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=r"^target = 3 is out of range: the valid classes are 0\.\.1$"):
        K.cross_entropy(np.array([1.0, 2.0]), 3)
    with pytest.raises(ValueError, match=r"target\[1\] = -1 is out of range: the valid classes are 0\.\.2"):
        K.cross_entropy(np.zeros((2, 3)), np.array([0, -1]))
    with pytest.raises(ValueError, match="no classes"):
        K.cross_entropy(np.zeros((2, 0)), np.array([0, 0]))


@TARGETS
def test_cross_entropy_with_infinite_logits_is_the_ties_limit(K) -> None:  # type: ignore[no-untyped-def]
    """+inf logits share the mass (temperature.ties_share_mass): the loss of a target among k infinite
    logits is -log(1/k) = log k >= 0 (it was -log k), +inf for a finite target, and its gradient 1/k - 1."""
    x = np.array([[np.inf, np.inf, 1.0], [np.inf, np.inf, 1.0], [np.inf, 2.0, 1.0], [np.inf, np.inf, np.inf]])
    target = np.array([0, 2, 0, 1])
    for dtype in (np.float64, np.float32):
        loss, grad = K.cross_entropy(x.astype(dtype), target), K.cross_entropy_grad(x.astype(dtype), target)
        assert np.array_equal(loss, np.array([np.log(2.0), np.inf, 0.0, np.log(3.0)], dtype=dtype))
        assert np.signbit(loss[2]) == np.False_  # log 1 = +0
        assert np.allclose(grad[0], [-0.5, 0.5, 0.0]) and np.allclose(grad[3], [1 / 3, -2 / 3, 1 / 3])
        assert np.array_equal(K.cross_entropy_with_grad(x.astype(dtype), target)[0], loss)


@TARGETS
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_cross_entropy_of_0_is_plus_0(K, dtype) -> None:  # type: ignore[no-untyped-def]
    """LSE - x_t rounds to +0 where it is 0 or below the range (one class; the target at the maximum, the rest
    below e^-745): the C target gave -0 (the negated log share), the NumPy target +0. Single rows, tiles, long rows."""
    for x in ([[5.0]], [[0.0, -800.0]] * 20, [[0.0, -800.0]] * 3, [[0.0] + [-1e4] * 5000] * 2):
        array = np.array(x, dtype)
        assert not np.signbit(K.cross_entropy(array, np.zeros(len(x), dtype=np.int64))).any(), len(x[0])
        assert not np.signbit(K.cross_entropy_with_grad(array, np.zeros(len(x), dtype=np.int64))[0]).any()


@TARGETS
def test_a_callers_strict_numpy_error_state_changes_nothing(K) -> None:  # type: ignore[no-untyped-def]
    """Under numpy.seterr(all="raise") and warnings as errors every public function gives its documented
    results: infinities, NaNs, underflows and casts beyond float16/float32 were FloatingPointError or
    RuntimeWarning from the NumPy target (sigmoid of -1e308, a subnormal logsumexp) and from the runtime
    options of both (binary cross-entropy at an infinite logit, normalise, b=)."""
    rows = [[0.0, -np.inf], [1e308, -1e308], [np.inf, 1.0], [0.0, -800.0], [5e-324, 0.0], [3e38, -3e38], [-65504.0, 65504.0]]
    with np.errstate(all="ignore"):
        cases = [(np.array(r).astype(dt), T) for r in rows for dt in (np.float64, np.float32, np.float16) for T in (1.0, 1e-320, 1e300)]
        prepared = [(x, T, -np.abs(x), np.clip(np.nan_to_num(np.abs(x)), 0, 1).astype(x.dtype)) for x, T in cases]
    expected = {}
    with np.errstate(all="ignore"):
        for i, (x, T, neg, unit) in enumerate(prepared):
            expected[i] = _every_function(K, x, T, neg, unit)
    old = np.seterr(all="raise")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for i, (x, T, neg, unit) in enumerate(prepared):
                got = _every_function(K, x, T, neg, unit)
                for name, value in got.items():
                    assert np.array_equal(np.asarray(value, dtype=np.float64), np.asarray(expected[i][name], dtype=np.float64), equal_nan=True), name
    finally:
        np.seterr(**old)


def _every_function(K, x: np.ndarray, T: float, neg: np.ndarray, unit: np.ndarray) -> dict[str, object]:  # type: ignore[no-untyped-def]
    ones = np.ones(x.size)
    return {
        "softmax": K.softmax(x, temperature=T), "log_softmax": K.log_softmax(x, temperature=T), "logsumexp": K.logsumexp(x, temperature=T),
        "softmin": K.softmin(x, temperature=T), "logmeanexp": K.logmeanexp(x), "lse_b": K.logsumexp(x, b=np.array([1.0, -1.0]), return_sign=True)[0],
        "sigmoid": K.sigmoid(x), "log_sigmoid": K.log_sigmoid(x), "softplus": K.softplus(x), "log1mexp": K.log1mexp(neg), "logit": K.logit(unit),
        "ce": K.cross_entropy(x[None, :], np.array([0])), "ce_grad": K.cross_entropy_grad(x[None, :], np.array([0]), label_smoothing=0.1),
        "ce_mean": K.cross_entropy(x[None, :], np.array([1]), reduction="mean", weight=ones),
        "bce": K.binary_cross_entropy_with_logits(x, np.zeros(x.size, x.dtype), reduction="mean"),
        "softmax_backward": K.softmax_backward(unit, x), "log_softmax_backward": K.log_softmax_backward(neg, x),
        "logsumexp_backward": K.logsumexp_backward(x, np.array(1.0, x.dtype)),
        "state": K.finish(K.merge(K.lse_state(x[:1], temperature=T), K.lse_state(x[1:], temperature=T))),
        "normalise": K.normalise(x, K.lse_state(x, temperature=T)), "nll": K.nll_loss(x[None, :], np.array([0])),
        "fast_softmax": K.softmax(x, temperature=T, precision="fast"), "fast_sigmoid": K.sigmoid(x, precision="fast"),
    }


@TARGETS
def test_a_masked_array_is_refused_since_its_mask_would_be_dropped(K) -> None:  # type: ignore[no-untyped-def]
    """numpy.asarray keeps a MaskedArray's data and drops its mask: softmax([1, --, 3]) would have come back as
    softmax([1, 2, 3]), a plain array. Every entry point refuses it with one line naming the fix (where=)."""
    masked = np.ma.array([[1.0, 2.0, 3.0]], mask=[[False, True, False]])
    probabilities, target = np.full((1, 3), 1 / 3), np.zeros(1, dtype=np.int64)
    calls = [lambda f=f: f(masked) for f in (K.softmax, K.log_softmax, K.logsumexp, K.sigmoid, K.log_sigmoid, K.softplus,
                                             K.softmin, K.logmeanexp, K.lse_state)]
    calls += [lambda: K.log1mexp(-masked), lambda: K.logit(masked / 4), lambda: K.cross_entropy(masked, target),
              lambda: K.cross_entropy_grad(masked, target), lambda: K.softmax_backward(masked, probabilities),
              lambda: K.softmax_backward(probabilities, masked), lambda: K.softmax(masked, precision="fast"),
              lambda: K.logsumexp(masked.astype(np.float32), precision="correct")]
    for call in calls:
        with pytest.raises(TypeError, match=r"MaskedArray, whose mask would be ignored; pass .*where="):
            call()
    kept = ~np.ma.getmaskarray(masked)
    assert K.softmax(masked.data, where=kept).tolist() == [[K.sigmoid(-2.0), 0.0, K.sigmoid(2.0)]]
