"""The peers' options (where=, b=, return_sign=, weights, ignore_index, reductions, label smoothing, soft
targets, nll_loss, binary cross-entropy, logmeanexp, softmin, the backward kernels), both targets,
against mpmath references written from the peers' documented formulas (``peer_reference.py``)."""

from __future__ import annotations

import mpmath
import numpy as np
import peer_reference as ref
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from softproof.generated import softmax_c, softmax_np

TARGETS = pytest.mark.parametrize("K", [softmax_np, softmax_c], ids=["numpy", "c"])
EPS = 2.0**-52


def close(got: float, want: mpmath.mpf, ulps: float = 4.0, absolute: float = 0.0) -> bool:
    """``got`` within ``ulps`` ULP of ``want`` (or ``absolute``), equal infinities and NaNs included."""
    if mpmath.isnan(want):
        return bool(np.isnan(got))
    if mpmath.isinf(want):
        return bool(got == float(want))
    return abs(mpmath.mpf(float(got)) - want) <= ulps * EPS * abs(want) + absolute + 2.0**-1074


# ----------------------------------------------------------------------------------------------- masks
@TARGETS
@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.integers(1, 7), st.integers(0, 2**32 - 1))
def test_a_masked_entry_is_left_out(K, rows: int, n: int, seed: int) -> None:  # type: ignore[no-untyped-def]
    """mask.entry_limit: softmax, log_softmax and logsumexp with where= equal the functions of the kept
    entries alone; a row with no kept entry gives 0, -inf and -inf (never NaN)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, n)) * 5
    keep = rng.random((rows, n)) < 0.6
    p, lp, lse = K.softmax(x, where=keep), K.log_softmax(x, where=keep), K.logsumexp(x, where=keep)
    for r in range(rows):
        if not keep[r].any():
            assert (p[r] == 0).all() and np.isneginf(lp[r]).all() and np.isneginf(lse[r])
            continue
        np.testing.assert_array_equal(p[r][keep[r]], K.softmax(x[r][keep[r]]))
        np.testing.assert_array_equal(lp[r][keep[r]], K.log_softmax(x[r][keep[r]]))
        assert (p[r][~keep[r]] == 0).all() and np.isneginf(lp[r][~keep[r]]).all()
        assert lse[r] == K.logsumexp(x[r][keep[r]])


@TARGETS
def test_where_broadcasts_and_is_checked(K) -> None:  # type: ignore[no-untyped-def]
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(K.softmax(x, where=np.array([True, False, True])), K.softmax(x, where=np.array([[True, False, True]] * 2)))
    np.testing.assert_array_equal(K.softmax(x, where=np.array(False)), np.zeros((2, 3)))
    with pytest.raises(TypeError, match="boolean mask"):
        K.softmax(x, where=np.array([1, 0, 1]))
    with pytest.raises(ValueError, match="does not broadcast"):
        K.log_softmax(x, where=np.array([True, False]))
    out = np.empty_like(x)
    assert K.softmax(x, out=out, where=np.array([True, True, False])) is out and out[0, 2] == 0
    assert K.softmax(x.astype(np.float32), where=np.array([True, True, False])).dtype == np.float32


# ----------------------------------------------------------------------------------------- logsumexp
weights = st.lists(st.tuples(st.floats(-30, 30), st.one_of(st.floats(0.01, 100), st.floats(-100, -0.01), st.just(0.0))),
                   min_size=1, max_size=12)


@TARGETS
@settings(max_examples=60, deadline=None)
@given(weights)
def test_weighted_logsumexp_and_its_sign(K, pairs: list[tuple[float, float]]) -> None:  # type: ignore[no-untyped-def]
    """lse.weighted_shift, lse.sign_split: log|sum b e^x| and the sign, within 1 ULP whatever the sum's condition
    number kappa (the slices the long double evaluation cannot certify are redone exactly)."""
    x, b = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    value, sign = K.logsumexp(x, b=b, return_sign=True)
    want, want_sign, kappa = ref.weighted_lse(x, b)
    assert sign == want_sign
    assert within_one_ulp(value, want), (value, want, kappa)
    plain = K.logsumexp(x, b=b)
    assert np.isnan(plain) if want_sign < 0 else plain == value  # scipy: a negative sum has no real log


@TARGETS
def test_weighted_logsumexp_edges(K) -> None:  # type: ignore[no-untyped-def]
    """Zero weights leave their entry out (even +inf), huge weights do not overflow, cancelling sums give
    -inf with sign 0, +inf entries take the sign of their weights (NaN when those cancel)."""
    assert K.logsumexp([1.0, np.inf], b=[1.0, 0.0]) == 1.0
    assert K.logsumexp([1.0, 1.0], b=[1.0, -1.0], return_sign=True) == (-np.inf, 0.0)
    assert K.logsumexp([np.inf, 0.0], b=[-2.0, 1.0], return_sign=True) == (np.inf, -1.0)
    assert np.isnan(K.logsumexp([np.inf, np.inf], b=[1.0, -1.0]))
    with mpmath.workprec(200):
        assert close(K.logsumexp([0.0, 0.0, 0.0], b=[1e308, 1e308, 1e308]), mpmath.log(3 * mpmath.mpf(1e308)))
        assert close(K.logsumexp([700.0], b=[1e-300]), mpmath.mpf(700) + mpmath.log(mpmath.mpf(1e-300)))
    rows = np.array([[1.0, 2.0], [3.0, 4.0]])
    value, sign = K.logsumexp(rows, b=np.array([1.0, 2.0]), keepdims=True, return_sign=True)
    assert value.shape == sign.shape == (2, 1)
    assert K.logsumexp(rows.astype(np.float32), b=np.array([1.0, 2.0], dtype=np.float32)).dtype == np.float32
    assert K.logsumexp(rows.astype(np.float32), b=[1, 2]).dtype == np.float64  # promoted with b, as scipy
    with pytest.raises(ValueError, match="finite temperature"):
        K.logsumexp(rows, b=[1.0, 2.0], temperature=0.0)
    with pytest.raises(ValueError, match="does not broadcast"):
        K.logsumexp(rows, b=[1.0, 2.0, 3.0])


def within_one_ulp(got: float, want: mpmath.mpf) -> bool:
    """``got`` within one unit in the last place of the double nearest ``want`` (equal infinities)."""
    if mpmath.isinf(want):
        return bool(got == float(want))
    return bool(abs(mpmath.mpf(float(got)) - want) <= float(np.spacing(abs(float(want)))))


def cancelling_rows(rng: np.random.Generator, count: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Rows whose weighted sum cancels to a relative 1e-6 ... 1e-14 of its terms, or whose result is near 0."""
    rows = []
    for k in range(count):
        n = int(rng.integers(2, 9))
        x = rng.standard_normal(n) * 4
        b = rng.standard_normal(n)
        rest = float(np.sum(b[:-1] * np.exp(x[:-1] - x[-1])))
        if k % 2:  # the whole sum cancels
            b[-1] = -rest * (1 + float(rng.choice([1e-6, 1e-10, 1e-14])) * rng.standard_normal())
        else:  # sum b e^x near 1: the log near 0
            b[-1] = (1 + 1e-9 * float(rng.standard_normal())) * np.exp(-x[-1]) - rest
        rows.append((x, b))
    return rows


@TARGETS
def test_weighted_logsumexp_of_cancelling_sums_is_within_one_ulp(K) -> None:  # type: ignore[no-untyped-def]
    """Sums that cancel (kappa up to 1e14) and results near 0: within 1 ULP, the sign right; equal entries whose
    weights cancel exactly give -inf and sign 0 (Lindemann-Weierstrass: nothing else can sum to 0 exactly)."""
    rng = np.random.default_rng(2026)
    for x, b in cancelling_rows(rng, 60):
        value, sign = K.logsumexp(x, b=b, return_sign=True)
        want, want_sign, kappa = ref.weighted_lse(x, b)
        assert sign == want_sign and within_one_ulp(value, want), (x.tolist(), b.tolist(), value, want, kappa)
    assert K.logsumexp([2.0, 1.0, 2.0], b=[0.75, 0.0, -0.75], return_sign=True) == (-np.inf, 0.0)
    value, sign = K.logsumexp([2.0, 1.0, 2.0], b=[0.75, 1e-300, -0.75], return_sign=True)
    assert sign == 1.0 and within_one_ulp(value, mpmath.log(mpmath.mpf(1e-300)) + 1)


def test_weighted_logsumexp_redone_where_the_double_evaluation_is_off() -> None:
    """Test the test: the double evaluation (scipy's, and this module's before) is many ULP off on the cancelling
    rows, where the certified one is within 1 ULP."""
    special = pytest.importorskip("scipy.special")
    rng = np.random.default_rng(2026)
    worst = 0.0
    for x, b in cancelling_rows(rng, 60):
        want, _, _ = ref.weighted_lse(x, b)
        peer, _ = special.logsumexp(x, b=b, return_sign=True)
        worst = max(worst, float(abs(mpmath.mpf(float(peer)) - want) / float(np.spacing(abs(float(want))))))
    assert worst > 100


def test_return_sign_without_weights_is_the_kernel() -> None:
    """return_sign alone: the kernel's value (its proved bound), sign 1, 0 for -inf, NaN for NaN."""
    x = np.array([[0.0, -1e-17, -40.0], [-np.inf, -np.inf, -np.inf], [np.nan, 0.0, 1.0]])
    value, sign = softmax_c.logsumexp(x, return_sign=True)
    np.testing.assert_array_equal(value, softmax_c.logsumexp(x))
    np.testing.assert_array_equal(sign, [1.0, 0.0, np.nan])


def test_weighted_logsumexp_beats_the_naive_log_of_the_sum() -> None:
    """Test the test: the textbook log(sum b e^x) overflows where the weighted shift does not."""
    x, b = np.array([800.0, 799.0]), np.array([2.0, 3.0])
    with np.errstate(over="ignore"):
        assert np.isinf(np.log(np.sum(b * np.exp(x))))
    want, _, _ = ref.weighted_lse(x, b)
    assert close(softmax_c.logsumexp(x, b=b), want)


@TARGETS
@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.floats(-40, 40), st.floats(-1e-6, 1e-6), st.floats(-800, 800)), min_size=1, max_size=20),
       st.integers(0, 2**32 - 1))
def test_logmeanexp_within_one_ulp(K, values: list[float], seed: int) -> None:  # type: ignore[no-untyped-def]
    """lse.logmeanexp_expm1: within 1 ULP, with and without a mask; equal entries give their value exactly."""
    x = np.array(values)
    keep = np.random.default_rng(seed).random(x.size) < 0.7
    for mask in (None, keep):
        got = K.logmeanexp(x, where=mask)
        assert close(got, ref.logmeanexp(x, [True] * x.size if mask is None else mask), 1), (values, mask)
    assert K.logmeanexp(np.full(7, x[0])) == x[0]


def _logmeanexp_rows() -> list[np.ndarray]:
    """Rows where logmeanexp is hard: near ties (the mean of e^(x - m) near 1), offsets far from 0 (the first stage
    certifies), m and the log cancelling (a result near 0: the second stage; about 1e-60: neither, mpmath), one entry,
    -inf entries, a dominant entry, lengths across the lanes (1 to 3000)."""
    rng = np.random.default_rng(41)
    rows = [rng.normal(size=n) for n in (1, 2, 3, 10, 33, 3000)]
    rows += [1e-10 * rng.normal(size=12), -1000.0 + rng.normal(size=50), 300.0 + 30.0 * rng.normal(size=20)]
    t = 0.5
    rows += [np.array([t, np.log(2.0 - np.exp(t))]), np.array([1e-30, -1e-30]), np.array([2.0, -np.inf, 1.0]),
             np.array([0.0, -800.0, -1e300]), np.array([-5.0])]
    return rows


def _logmeanexp_truth(x: np.ndarray) -> mpmath.mpf:
    """log((1/n) sum e^x) at 3000 bits (the rows above need about 200: results near 1e-60 from entries near 1)."""
    with mpmath.workprec(3000):
        return mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(float(v))) for v in x) / len(x))


def test_c_logmeanexp_kernel_certifies_or_flags_every_row() -> None:
    """softproof_logmeanexp_d (fp.logmeanexp.certified.*): every row within 1 ULP of the correctly rounded mpmath value,
    both dtypes, the rows neither stage certifies flagged and redone exactly (here the row whose result is about 1e-60);
    the ordinary rows are not flagged. The edges: NaN, +inf and a row of -inf. Test of the test: log(mean(exp(x))) is
    thousands of ULP off on the near ties and the cancelling row, and overflows at x = 800."""
    library = softmax_c._KERNELS
    rows = _logmeanexp_rows()
    for x in rows:
        want = _logmeanexp_truth(x)
        assert close(softmax_c.logmeanexp(x), want, 1), x
        _, flagged = library.logmeanexp_rows(np.ascontiguousarray(x[None, :]))
        assert bool(flagged[0]) == (x.size == 2 and x[0] == 1e-30), x
        with np.errstate(over="ignore"):
            single = x.astype(np.float32)  # -1e300 becomes -inf
        got32 = softmax_c.logmeanexp(single)
        assert got32.dtype == np.float32
        want32 = np.float32(float(_logmeanexp_truth(single.astype(np.float64))))
        assert abs(float(got32) - float(want32)) <= abs(float(np.spacing(want32))) or got32 == want32, x
    edges = softmax_c.logmeanexp(np.array([[1.0, np.nan], [np.inf, 0.0], [-np.inf, -np.inf]]))
    assert np.isnan(edges[0]) and edges[1] == np.inf and edges[2] == -np.inf
    near, cancelling = rows[6], rows[9]
    for x in (near, cancelling):
        naive = float(np.log(np.mean(np.exp(x))))
        assert not close(naive, _logmeanexp_truth(x), 1000), x
    with np.errstate(over="ignore"):
        assert np.isinf(np.log(np.mean(np.exp(np.array([800.0, 799.0])))))


# ----------------------------------------------------------------------------------------- cross-entropy
@st.composite
def loss_cases(draw):  # type: ignore[no-untyped-def]
    rows, n = draw(st.integers(1, 4)), draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, n)) * draw(st.sampled_from([1.0, 10.0]))
    soft = draw(st.booleans())
    if soft:
        target = rng.dirichlet(np.ones(n), rows)
        target[rng.random((rows, n)) < 0.2] = 0.0
    else:
        target = rng.integers(0, n, rows)
        target[rng.random(rows) < 0.25] = -100
    weight = rng.uniform(0.2, 3.0, n) if draw(st.booleans()) else None
    keep = rng.random((rows, n)) < 0.8 if draw(st.booleans()) else None
    if keep is not None and not soft:  # the target stays kept (a masked target's loss is +inf, tested apart)
        for r, t in enumerate(target):
            if t >= 0:
                keep[r, t] = True
    return x, target, weight, keep, draw(st.sampled_from([0.0, 0.1, 0.6])), draw(st.sampled_from(["none", "mean", "sum"]))


@TARGETS
@settings(max_examples=40, deadline=None)
@given(loss_cases())
def test_cross_entropy_options_match_torch_formulas(K, case) -> None:  # type: ignore[no-untyped-def]
    """ce.label_smoothing_mix, ce.mean_reduction_split, ce.weighted_smoothing_grad, ce.soft_target_grad:
    every option combination against torch's documented definition in mpmath (the gradient by
    central differences at 400 bits)."""
    x, target, weight, keep, eps, reduction = case
    keep_rows = np.ones(x.shape, dtype=bool) if keep is None else keep
    t = [list(map(float, row)) for row in target] if target.dtype.kind == "f" else [int(v) for v in target]
    losses, total, denominator = ref.cross_entropy_rows(x.tolist(), t, None if weight is None else weight.tolist(), -100, eps, keep_rows.tolist())
    got = K.cross_entropy(x, target, weight=weight, reduction=reduction, label_smoothing=eps, where=keep)
    if reduction == "none":
        assert all(close(g, w, 8, 2**-50) for g, w in zip(np.ravel(got), losses, strict=True)), (got, losses)
    elif reduction == "sum":
        assert close(got, total, 8, 2**-50 * len(losses))
    elif denominator == 0:
        assert np.isnan(got)  # every row ignored: torch's 0/0
    else:
        assert close(got, total / denominator, 8, 2**-50 * len(losses))
    grad = K.cross_entropy_grad(x, target, weight=weight, reduction=reduction, label_smoothing=eps, where=keep)
    want = ref.cross_entropy_grad_rows(x.tolist(), t, None if weight is None else weight.tolist(), -100, eps, keep_rows.tolist())
    scale = denominator if reduction == "mean" else 1
    if scale:
        for g_row, w_row in zip(grad, want, strict=True):
            assert all(close(g, w / scale, 16, 2**-48) for g, w in zip(g_row, w_row, strict=True)), (g_row, w_row)
    else:  # the mean's 0/0: an ignored row is in no term, its gradient 0 (torch's autograd); a kept one NaN, as there
        ignored = np.zeros(len(grad), dtype=bool) if target.dtype.kind == "f" else np.asarray(target) == -100
        assert np.all(grad[ignored] == 0) and np.all(np.isnan(grad[~ignored])), (target, grad)
    loss2, grad2 = K.cross_entropy_with_grad(x, target, weight=weight, reduction=reduction, label_smoothing=eps, where=keep)
    np.testing.assert_array_equal(loss2, got)
    np.testing.assert_array_equal(grad2, grad)


@TARGETS
def test_cross_entropy_edges(K) -> None:  # type: ignore[no-untyped-def]
    """Fully masked rows: loss 0, gradient 0. A masked target: +inf (the limit). ignore_index may be a
    valid class. Bad options: one-line errors naming the value."""
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    t = np.array([0, 1])
    masked = np.array([[True, True, False], [False, False, False]])
    np.testing.assert_array_equal(K.cross_entropy(x, t, where=masked)[1:], [0.0])
    np.testing.assert_array_equal(K.cross_entropy_grad(x, t, where=masked)[1], [0.0, 0.0, 0.0])
    assert np.isposinf(K.cross_entropy(x, np.array([2, 1]), where=masked)[0])
    np.testing.assert_array_equal(K.cross_entropy(x, t, ignore_index=1), [K.cross_entropy(x[:1], t[:1])[0], 0.0])
    assert np.isnan(K.cross_entropy(x, np.array([-100, -100]), reduction="mean"))
    assert K.cross_entropy(x, np.array([-100, -100]), reduction="sum") == 0.0
    np.testing.assert_array_equal(K.cross_entropy_grad(x, np.array([-100, 1]))[0], [0.0, 0.0, 0.0])
    soft = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert np.isfinite(K.cross_entropy(np.array([[-np.inf, 0.0], [0.0, -np.inf]]), soft)).all()  # 0 log 0 = 0 (torch: NaN)
    for kwargs, message in (({"reduction": "avg"}, "reduction must be one of"), ({"label_smoothing": 1.5}, r"label_smoothing must lie in \[0, 1\]"),
                            ({"weight": [1.0, 2.0]}, "one weight per class")):
        with pytest.raises(ValueError, match=message):
            K.cross_entropy(x, t, **kwargs)
    with pytest.raises(ValueError, match="out of range"):
        K.cross_entropy(x, np.array([0, 3]), reduction="mean")
    with pytest.raises(ValueError, match="probability targets must have the logits' shape"):
        K.cross_entropy(x, np.ones((2, 2)))


@TARGETS
def test_nll_loss_and_binary_cross_entropy(K) -> None:  # type: ignore[no-untyped-def]
    """nll_loss against its definition; binary_cross_entropy_with_logits against torch's definition in mpmath,
    with a loss of 4.2e-18 where torch's own formula returns 0."""
    rng = np.random.default_rng(3)
    lp = softmax_np.log_softmax(rng.standard_normal((5, 4)))
    t = np.array([0, 3, -100, 2, 1])
    w = rng.uniform(0.5, 2, 4)
    picked = -lp[[0, 1, 3, 4], [0, 3, 2, 1]] * w[[0, 3, 2, 1]]
    assert close(K.nll_loss(lp, t, weight=w, reduction="mean"), mpmath.fsum(map(mpmath.mpf, picked)) / mpmath.fsum(map(mpmath.mpf, w[[0, 3, 2, 1]])))
    np.testing.assert_array_equal(K.nll_loss(lp, t)[2], 0.0)
    x = np.array([-40.0, -800.0, 3.0, 0.5, 30.0, -2.0])
    y = np.array([0.0, 0.0, 1.0, 0.3, 0.9, 1.0])
    pw, weight = 2.5, np.array([1.0, 1.0, 0.5, 2.0, 1.0, 1.0])
    got = K.binary_cross_entropy_with_logits(x, y, pos_weight=np.array(pw), weight=weight)
    for g, xi, yi, wi in zip(got, x, y, weight, strict=True):
        assert close(g, ref.bce(xi, yi, pw, wi), 4), (xi, yi, g)
    with np.errstate(over="ignore"):
        torch_form = (1 - y) * x + (1 + (pw - 1) * y) * np.logaddexp(0, -x)
    assert torch_form[0] == 0.0 and got[0] > 4e-18  # test the test: torch's form cancels to 0
    assert close(K.binary_cross_entropy_with_logits(x, y, reduction="mean"), mpmath.fsum(ref.bce(a, b, 1, 1) for a, b in zip(x, y, strict=True)) / 6)



@TARGETS
@pytest.mark.parametrize("weight", [[1e308, 5e307, 1.7e308], [1e-320, 3e-320, 7e-321], [1e300, 1e-300, 1.0]], ids=["huge", "subnormal", "spread"])
def test_mean_reductions_with_weights_near_the_ends_of_the_range(K, weight) -> None:  # type: ignore[no-untyped-def]
    """The weighted means (sum w_t l / sum w_t for index targets, the row mean for probabilities) and the mean's
    gradient against mpmath where the weights are near DBL_MAX or subnormal: the terms and the denominator
    overflowed (0, NaN) or rounded on the subnormal grid (1e-3 relative) before. Test the test: the plain
    formula fails on the first two."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal((4, 3)) * 3
    index, probs = np.array([0, 2, 1, 2]), rng.dirichlet(np.ones(3), 4)
    w = np.array(weight)
    for smoothing in (0.0, 0.1):
        for target in (index, probs):
            t = target.tolist()
            losses, total, denominator = ref.cross_entropy_rows(x.tolist(), t, weight, -100, smoothing, [[True] * 3] * 4)
            got, grad = K.cross_entropy_with_grad(x, target, weight=w, reduction="mean", label_smoothing=smoothing)
            if total / denominator > mpmath.mpf(2) ** 1024:  # the mean itself overflows (probability targets, huge weights)
                assert got == np.inf
            else:
                assert close(got, total / denominator, 8), (smoothing, target.dtype, got, total / denominator)
            want = ref.cross_entropy_grad_rows(x.tolist(), t, weight, -100, smoothing, [[True] * 3] * 4)
            scale = max(abs(v) for row in want for v in row) / denominator
            for g, v in zip(grad.ravel(), (v / denominator for row in want for v in row), strict=True):
                assert close(g, v, 8, absolute=2.0**-50 * scale), (smoothing, target.dtype, g, v)
    lp = softmax_np.log_softmax(x)
    picked = [-mpmath.mpf(lp[r, c]) * mpmath.mpf(weight[c]) for r, c in enumerate(index)]
    assert close(K.nll_loss(lp, index, weight=w, reduction="mean"), mpmath.fsum(picked) / mpmath.fsum(mpmath.mpf(weight[c]) for c in index), 4)
    if weight[2] != 1.0:
        with np.errstate(all="ignore"):
            plain = np.sum(-lp[np.arange(4), index] * w[index]) / np.sum(w[index])
        assert not close(plain, mpmath.fsum(picked) / mpmath.fsum(mpmath.mpf(weight[c]) for c in index), 4)


@TARGETS
def test_label_smoothing_where_the_class_sums_overflow(K) -> None:  # type: ignore[no-untyped-def]
    """Label smoothing's eps/n times the sum over the classes of w (-log p), with logits near -DBL_MAX masking two
    classes (each -log p near 1e308): the sum overflows, the loss does not (9e306, inf before); its gradient's sum
    of class weights near DBL_MAX likewise (-6e307, 3e307, 3e307; inf and NaN before). Against mpmath."""
    x = np.array([[0.0, -1e308, -1.7e308], [2.0, -1.5e308, -1.5e308]])
    t = np.array([0, 0])
    losses, _, _ = ref.cross_entropy_rows(x.tolist(), t.tolist(), None, -100, 0.1, [[True] * 3] * 2)
    for got, want in zip(K.cross_entropy(x, t, label_smoothing=0.1), losses, strict=True):
        assert close(got, want, 4), (got, want)
    w = np.array([1e308, 1e308, 1.5e308])
    zeros = np.zeros((1, 3))
    want_grad = ref.cross_entropy_grad_rows(zeros.tolist(), [0], w.tolist(), -100, 0.1, [[True] * 3])[0]
    for got, want in zip(K.cross_entropy_grad(zeros, np.array([0]), weight=w, label_smoothing=0.1)[0], want_grad, strict=True):
        assert close(got, want, 8, absolute=2.0**-40 * 1e308), (got, want)


# rows whose label-smoothed loss the double composition (every product and sum rounded in double, before
# 2026-12-07) got more than 2 ULP off (a seeded search of 12,000 rows: 7 such rows)
_SMOOTHED_HARD = [([-4.144780046202137, -1.1384454263827957, -0.12857784351240442], 2, 0.9),
                  ([-3.0217739870412643, -3.789176897473068], 0, 0.3),
                  ([0.9936129791548665, -0.4175976247153951, 0.5552090716102961, -0.5766040342959093, -0.3622242495148037], 3, 0.9),
                  ([-1.467223078871715, 0.25370434008926307, 4.13845325443607], 2, 0.3)]


def _smoothed_truth(x: np.ndarray, target: int, eps: float, weight: np.ndarray, keep: np.ndarray) -> mpmath.mpf:
    """(1 - eps) w_t (LSE - x_t) + (eps/K) sum_j w_j (LSE - x_j) over the kept classes, at 200 bits."""
    with mpmath.workprec(200):
        xs = [mpmath.mpf(float(v)) for v, k in zip(x, keep, strict=True) if k]
        ws = [mpmath.mpf(float(w)) for w, k in zip(weight, keep, strict=True) if k]
        top = max(xs)
        lse = top + mpmath.log(mpmath.fsum(mpmath.exp(v - top) for v in xs))
        e = mpmath.mpf(eps)
        share = e / len(xs) * mpmath.fsum(w * (lse - v) for w, v in zip(ws, xs, strict=True))
        return (1 - e) * mpmath.mpf(float(weight[target])) * (lse - mpmath.mpf(float(x[target]))) + share


@TARGETS
def test_label_smoothing_is_within_its_proved_bound(K) -> None:  # type: ignore[no-untyped-def]
    """fp.cross_entropy.label_smoothing.float64 (3 ULP) and .float32 (1 ULP): the loss with label smoothing, composed in
    long double from the kernels' values, against mpmath on rows of near-equal, standard-normal, wide and near-tied
    logits (2 to 11 classes), smoothing from 0.01 to 1, without and with class weights and a mask, and the rows above.
    Measured here: at most 1.1 ULP on the C target, 1.5 on NumPy's, 0.5 for float32. Test of the test: the double composition it replaced,
    evaluated from the same kernel values, is more than 2 ULP off on the rows above."""
    from softproof.generated import _options

    if not _options._WIDE_EXTENDED:
        pytest.skip("numpy.longdouble is not x86's extended format here: the composition is in double")
    rng = np.random.default_rng(31)
    cases = [(np.array(x), t, eps, np.ones(len(x)), np.ones(len(x), bool)) for x, t, eps in _SMOOTHED_HARD]
    for trial in range(160):
        n = int(rng.integers(2, 12))
        x = rng.normal(size=n) * (1e-3, 1.0, 10.0, 0.25)[trial % 4]
        weight = rng.uniform(0.2, 3.0, n) if trial % 3 == 0 else np.ones(n)
        keep = rng.random(n) < 0.8 if trial % 5 == 0 else np.ones(n, bool)
        t = int(rng.integers(0, n))
        keep[t] = True
        cases.append((x, t, float(rng.choice([0.01, 0.1, 0.3, 0.9, 1.0])), weight, keep))
    worst = {np.float64: 0.0, np.float32: 0.0}
    for x, t, eps, weight, keep in cases:
        want = _smoothed_truth(x, t, eps, weight, keep)
        for dtype in (np.float64, np.float32):
            got = K.cross_entropy(x.astype(dtype)[None, :], np.array([t]), weight=weight, where=keep[None, :], label_smoothing=eps)[0]
            if dtype is np.float32:
                want32 = _smoothed_truth(x.astype(np.float32), t, eps, weight, keep)
                spacing = np.spacing(np.float32(abs(float(want32))))
                error = float(abs(mpmath.mpf(float(got)) - want32) / mpmath.mpf(float(spacing)))
            else:
                error = float(abs(mpmath.mpf(float(got)) - want) / mpmath.mpf(float(np.spacing(abs(float(want))))))
            worst[dtype] = max(worst[dtype], error)
    assert worst[np.float64] <= 3 and worst[np.float32] <= 1, worst
    for x, t, eps in _SMOOTHED_HARD:  # the double composition, from the same kernel values
        row = np.array(x)[None, :]
        share = np.squeeze(_options._sum_times(-K.log_softmax(row), (1,), eps / row.shape[1]), axis=1)
        plain = float(((1 - eps) * K.cross_entropy(row, np.array([t])) + share)[0])
        want = _smoothed_truth(np.array(x), t, eps, np.ones(len(x)), np.ones(len(x), bool))
        if K is softmax_c:
            assert abs(mpmath.mpf(plain) - want) > 2 * mpmath.mpf(float(np.spacing(abs(float(want))))), (x, plain)


@TARGETS
def test_a_mean_over_weights_far_apart_keeps_an_infinite_loss_infinite(K) -> None:  # type: ignore[no-untyped-def]
    """A masked target's loss is +inf; with class weights 1e300 and 1e-300 in one call, scaling the weights for the
    mean sent 1e-300 to 0 and 0 times inf made the mean NaN (found by a fuzz of the options against mpmath); the
    flushed weight is kept at the smallest subnormal, so the mean is +inf, the truth."""
    x = np.array([[0.3, -1.2, 0.4], [1.7, 0.2, 0.5]])
    keep = np.array([[True, True, True], [True, False, True]])
    for smoothing in (0.0, 0.1):
        got = K.cross_entropy(x, np.array([0, 1]), weight=np.array([0.5, 1e-300, 1e300]), where=keep, reduction="mean", label_smoothing=smoothing)
        assert got == np.inf, (smoothing, got)


@TARGETS
def test_full_label_smoothing_ignores_the_target_class(K) -> None:  # type: ignore[no-untyped-def]
    """label_smoothing=1 makes the target the uniform distribution over the kept classes, so the target's own term has
    coefficient 0: a masked target (its -log p is +inf) or a weight of 1e300 on a target whose loss is ~1e300 gave
    0 times inf = NaN; the loss is the mean of w (-log p) over the kept classes (mpmath)."""
    x = np.array([[0.3, -1.2, 0.4], [1.7, 0.2, 0.5]])
    keep = np.array([[False, True, True], [True, True, True]])
    losses, _, _ = ref.cross_entropy_rows(x.tolist(), [0, 1], None, -100, 1.0, keep.tolist())
    for got, want in zip(K.cross_entropy(x, np.array([0, 1]), where=keep, label_smoothing=1.0), losses, strict=True):
        assert np.isfinite(got) and close(got, want, 8), (got, want)
    huge = np.array([[-1.7e300, 2.0e300, -1.0e300]])
    assert K.cross_entropy(huge, np.array([0]), weight=np.array([1e300, 1.0, 1.0]), label_smoothing=1.0)[0] == np.inf  # the share overflows


@TARGETS
def test_a_weighted_loss_below_the_double_range_lifted_by_its_weight(K) -> None:  # type: ignore[no-untyped-def]
    """cross_entropy with class weights up to 2^1000 on rows whose target leads every other logit by 700 to 1500: the
    loss log1p(sum e^(x_j - x_t)) is below the double range (0 or subnormal), w times it is not (class weight 1e300 on
    [0, -800]: 3.7e-48, not 0). Within 4 u of mpmath wherever the result is normal; the plain product fails (test the test)."""
    rng = np.random.default_rng(23)
    checked = plain_wrong = 0
    for _ in range(60):
        n, t = int(rng.integers(2, 6)), int(rng.integers(0, 2))
        x = -rng.uniform(700, 1500, (1, n))
        x[0, t] = rng.uniform(-5, 5)
        w = 2.0 ** rng.uniform(0, 1000, n)
        got = K.cross_entropy(x, np.array([t]), weight=w)[0]
        with mpmath.workprec(200):
            X = [mpmath.mpf(v) for v in x[0]]
            truth = mpmath.mpf(w[t]) * mpmath.log1p(mpmath.fsum(mpmath.exp(v - X[t]) for j, v in enumerate(X) if j != t))
        if truth < mpmath.mpf(2) ** -1022:
            continue
        checked += 1
        assert close(got, truth, 2), (x.tolist(), t, w[t], got, truth)
        plain_wrong += not close(w[t] * K.cross_entropy(x, np.array([t]))[0], truth, 2)
    assert checked > 20 and plain_wrong > 10, (checked, plain_wrong)


@TARGETS
def test_means_whose_sum_overflows(K) -> None:  # type: ignore[no-untyped-def]
    """A mean of losses whose sum exceeds DBL_MAX while the mean does not (1.5e308 and 1.5e308: 1.5e308, not inf or NaN)."""
    x = np.array([[0.0, -1.5e308], [-1.5e308, 0.0]])
    assert K.cross_entropy(x, np.array([1, 0]), reduction="mean") == 1.5e308
    assert K.cross_entropy(x, np.array([1, 0]), reduction="sum") == np.inf
    assert K.binary_cross_entropy_with_logits(np.array([1.5e308, 1.5e308]), np.array([0.0, 0.0]), reduction="mean") == 1.5e308
    assert K.binary_cross_entropy_with_logits(np.array([1.5e308, -1.5e308]), np.array([0.0, 1.0]), reduction="mean") == 1.5e308


def _bce_truth(x: float, y: float, pos_weight: float, weight: float) -> mpmath.mpf:
    """The textbook loss -w [p y log sigma(x) + (1 - y) log(1 - sigma(x))], 1 - sigma(x) taken as sigma(-x), at 300 bits."""
    with mpmath.workprec(300):
        X, Y = mpmath.mpf(x), mpmath.mpf(y)
        positive = -mpmath.log1p(mpmath.exp(-X)) if Y != 0 else 0  # log sigma(x) = -log(1 + e^-x)
        negative = -mpmath.log1p(mpmath.exp(X)) if Y != 1 else 0  # log sigma(-x)
        return -mpmath.mpf(weight) * (mpmath.mpf(pos_weight) * Y * positive + (1 - Y) * negative)


def _bce_within_bound(got: float, want: mpmath.mpf) -> bool:
    """The documented bound: 2^-51 + 6 u relative (under 2^-49.5) for normal results, 2^-1073 absolute below
    the normal range; +-inf where the truth rounds to an infinity."""
    if abs(want) >= mpmath.mpf(2) ** 1024 * (1 - mpmath.mpf(2) ** -54):
        return bool(got == (np.inf if want > 0 else -np.inf))
    return bool(abs(mpmath.mpf(float(got)) - want) <= max(2.0**-49.5 * abs(want), mpmath.mpf(2) ** -1073))


@TARGETS
def test_binary_cross_entropy_where_the_products_leave_the_double_range(K) -> None:  # type: ignore[no-untyped-def]
    """Logits from ordinary to saturated to far beyond, targets in [0, 1], weights and pos_weights from 1e-300
    to 1e300: every loss within its bound of the mpmath oracle. The plain products fail here (test the test):
    pos_weight 1e300 times weight 1e-300 overflows in between, and a softplus below the double range (x = -800)
    is lost though a weight of 1e300 lifts the loss to 3.7e-48."""
    logits = [0.5, -3.0, 40.0, 650.0, 700.0, 745.5, 800.0, 1000.0, 1399.0, 1401.0, 3000.0, 6000.0, 1e10, 1e300]
    grid = np.array(np.meshgrid(logits + [-v for v in logits], [0.0, 1.0, 0.5, 1e-300, 1 - 2.0**-53],
                                [1.0, 3.0, 1e-300, 1e300], [1.0, 1e-300, 1e300, 2.0**-60])).reshape(4, -1)
    x, y, pos_weight, weight = grid
    got = K.binary_cross_entropy_with_logits(x, y, pos_weight=pos_weight, weight=weight)
    truth = [_bce_truth(*entry) for entry in grid.T]
    wrong = [(entry, g) for entry, g, t in zip(grid.T, got, truth, strict=True) if not _bce_within_bound(g, t)]
    assert not wrong, wrong[:5]
    with np.errstate(all="ignore"):
        plain = weight * ((1 - y) * np.logaddexp(0, x) + pos_weight * y * np.logaddexp(0, -x))
    plain_wrong = [entry for entry, g, t in zip(grid.T, plain, truth, strict=True) if not _bce_within_bound(g, t)]
    assert len(plain_wrong) >= 50, len(plain_wrong)  # 69 of the 2,240
    single = K.binary_cross_entropy_with_logits(np.float32([-800.0, 30.0]), np.float32([0.0, 1.0]), weight=np.float32([1e30, 1.0]))
    assert single.dtype == np.float32 and single[0] == np.float32(1e30 * mpmath.exp(-800))


@TARGETS
@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_backward_kernels(K, rows: int, n: int, seed: int) -> None:  # type: ignore[no-untyped-def]
    """backward.log_softmax and backward.logsumexp against mpmath's derivatives of the textbook forms;
    a slice of -inf entries gets 0, never NaN."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, n)) * 3
    g = rng.standard_normal((rows, n))
    g1 = rng.standard_normal(rows)
    back = K.log_softmax_backward(K.log_softmax(x), g)
    lse_back = K.logsumexp_backward(x, g1)
    with mpmath.workprec(200):
        for r in range(rows):
            e = [mpmath.exp(mpmath.mpf(v)) for v in x[r]]
            s = mpmath.fsum(e)
            for j in range(n):
                want = mpmath.mpf(g[r, j]) - e[j] / s * mpmath.fsum(map(mpmath.mpf, g[r]))
                assert close(back[r, j], want, 8, 8 * EPS * float(mpmath.fsum(abs(mpmath.mpf(v)) for v in g[r]))), (r, j)
                assert close(lse_back[r, j], mpmath.mpf(g1[r]) * e[j] / s, 4)
    np.testing.assert_array_equal(K.logsumexp_backward(np.full((2, 3), -np.inf), np.ones(2)), np.zeros((2, 3)))
    np.testing.assert_array_equal(K.log_softmax_backward(np.full(3, -np.inf), np.ones(3)), np.zeros(3))
    # an entry of probability 0 takes no share of an infinite sum of g
    np.testing.assert_array_equal(K.log_softmax_backward(np.array([0.0, -np.inf]), np.array([np.inf, 2.0])), [np.nan, 2.0])
    np.testing.assert_array_equal(K.log_softmax_backward(np.array([[0.0, -np.inf]], dtype=np.float32), np.array([[1.0, 2.0]], dtype=np.float32)),
                                  np.array([[-2.0, 2.0]], dtype=np.float32))
    np.testing.assert_array_equal(K.softmin(x), K.softmax(-x))


@TARGETS
@pytest.mark.parametrize("shape", [(3, 5), (17, 4), (9, 40), (2, 70000)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cross_entropy_with_grad_is_the_two_kernels_in_one(K, shape: tuple[int, int], dtype: type) -> None:  # type: ignore[no-untyped-def]
    """The C target reads each row once for both (tiles of short rows, one softmax pass for the others,
    the loss finished from its statistics): the same bits as cross_entropy and cross_entropy_grad,
    edge rows included."""
    rng = np.random.default_rng(sum(shape))
    x = (rng.standard_normal(shape) * 10).astype(dtype)
    x[0, :3] = [np.inf, 1.0, np.inf]
    x[1, 0] = 80.0
    if shape[0] > 2:
        x[2] = -np.inf
    t = rng.integers(0, shape[1], shape[0])
    t[1] = 0
    loss, grad = K.cross_entropy_with_grad(x, t)
    np.testing.assert_array_equal(loss, K.cross_entropy(x, t))
    np.testing.assert_array_equal(grad, K.cross_entropy_grad(x, t))
    assert loss.dtype == grad.dtype == dtype


@TARGETS
@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["none", "mean", "sum"]), st.booleans(), st.booleans())
def test_options_along_any_axis(K, seed: int, reduction: str, soft: bool, masked: bool) -> None:  # type: ignore[no-untyped-def]
    """The class axis anywhere (torch's (N, C, d) layout is axis=1): the same as moving it last; a mask and
    a temperature over a tuple of axes: the same as flattening those axes into one."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((3, 4, 5)) * 4
    keep = rng.random(x.shape) < 0.7 if masked else None
    target = np.moveaxis(rng.dirichlet(np.ones(4), (3, 5)), -1, 1) if soft else rng.integers(0, 4, (3, 5))
    options = {"weight": rng.uniform(0.5, 2, 4), "reduction": reduction, "label_smoothing": 0.1, "where": keep}
    last = dict(options, where=None if keep is None else np.moveaxis(keep, 1, -1))
    moved_target = np.moveaxis(target, 1, -1) if soft else target
    loss, grad = K.cross_entropy_with_grad(x, target, axis=1, **options)
    loss_last, grad_last = K.cross_entropy_with_grad(np.moveaxis(x, 1, -1), moved_target, axis=-1, **last)
    np.testing.assert_allclose(loss, loss_last, rtol=1e-14)
    np.testing.assert_allclose(grad, np.moveaxis(grad_last, -1, 1), rtol=1e-13, atol=1e-300)
    flat = x.reshape(3, 20)
    flat_keep = None if keep is None else keep.reshape(3, 20)
    np.testing.assert_array_equal(K.softmax(x, axis=(1, 2), temperature=2.5, where=keep).reshape(3, 20),
                                  K.softmax(flat, axis=-1, temperature=2.5, where=flat_keep))
    np.testing.assert_array_equal(K.logsumexp(x, axis=(1, 2), where=keep), K.logsumexp(flat, where=flat_keep))
    np.testing.assert_array_equal(K.logmeanexp(x, axis=(1, 2), where=keep), K.logmeanexp(flat, where=flat_keep))
