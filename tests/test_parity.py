"""Parity with torch and JAX where they are importable (not in CI: they are large; run it with them
installed). Every option combination on random inputs: softproof gives the peer's semantics (the
same value up to the peer's own error) and is at least as close to the mpmath value as the peer.
Without them, ``test_options.py`` tests the same semantics against mpmath references written from
the peers' documented formulas."""

from __future__ import annotations

import itertools

import mpmath
import numpy as np
import peer_reference as ref
import pytest

from softproof.generated import softmax_c, softmax_np

TARGETS = pytest.mark.parametrize("K", [softmax_np, softmax_c], ids=["numpy", "c"])


def _error(got: float, want: mpmath.mpf) -> float:
    if not mpmath.isfinite(want):
        return 0.0 if got == float(want) or (mpmath.isnan(want) and np.isnan(got)) else float("inf")
    return float(abs(mpmath.mpf(float(got)) - want))


def at_least_as_close(ours: float, theirs: float, want: mpmath.mpf) -> bool:
    """softproof's error is at most the peer's, or within 2 ULP of the value (both then round alike)."""
    slack = 2 * float(np.spacing(abs(float(want)))) if mpmath.isfinite(want) else 0.0
    return _error(ours, want) <= max(_error(theirs, want), slack)


@TARGETS
def test_cross_entropy_options_like_torch(K) -> None:  # type: ignore[no-untyped-def]
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    rng = np.random.default_rng(11)
    for weighted, eps, reduction, soft, ignore in itertools.product((False, True), (0.0, 0.15), ("none", "mean", "sum"), (False, True), (False, True)):
        x = rng.standard_normal((6, 5)) * 4
        target = rng.dirichlet(np.ones(5), 6) if soft else rng.integers(0, 5, 6)
        if ignore and not soft:
            target[[1, 4]] = -100
        weight = rng.uniform(0.3, 2.0, 5) if weighted else None
        xt = torch.tensor(x, requires_grad=True)
        peer = functional.cross_entropy(xt, torch.tensor(target), weight=None if weight is None else torch.tensor(weight),
                                        reduction=reduction, label_smoothing=eps)
        peer.sum().backward()
        loss, grad = K.cross_entropy_with_grad(x, target, weight=weight, reduction=reduction, label_smoothing=eps)
        np.testing.assert_allclose(loss, peer.detach().numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(grad, xt.grad.numpy(), rtol=1e-10, atol=1e-14)
        t = [list(map(float, r)) for r in target] if soft else [int(v) for v in target]
        losses, _, _ = ref.cross_entropy_rows(x.tolist(), t, None if weight is None else weight.tolist(), -100, eps, [[True] * 5] * 6)
        if reduction == "none":
            for ours, theirs, want in zip(loss, peer.detach().numpy(), losses, strict=True):
                assert at_least_as_close(ours, theirs, want), (ours, theirs, want)


@TARGETS
def test_masks_and_weights_like_jax_and_scipy(K) -> None:  # type: ignore[no-untyped-def]
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    special = pytest.importorskip("scipy.special")
    rng = np.random.default_rng(12)
    for _ in range(30):
        x = rng.standard_normal((4, 7)) * 6
        keep = rng.random((4, 7)) < 0.6
        keep[0] = False  # a fully masked row
        lp = K.log_softmax(x, where=keep)
        peer_lp = np.asarray(jax.nn.log_softmax(jnp.asarray(x), where=jnp.asarray(keep)))
        np.testing.assert_array_equal(np.isneginf(lp), np.isneginf(peer_lp))  # the same masked entries
        for row in range(1, 4):
            exact = ref.log_probs(x[row], keep[row])
            assert all(at_least_as_close(a, b, w) for a, b, w in zip(lp[row], peer_lp[row], exact, strict=True))
        np.testing.assert_allclose(K.softmax(x, where=keep), np.asarray(jax.nn.softmax(jnp.asarray(x), where=jnp.asarray(keep))), rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(K.logsumexp(x, where=keep), np.asarray(jax.nn.logsumexp(jnp.asarray(x), axis=-1, where=jnp.asarray(keep))), rtol=1e-13)
        np.testing.assert_allclose(K.logmeanexp(x[1:], where=keep[1:]), np.asarray(jax.nn.logmeanexp(jnp.asarray(x[1:]), axis=-1, where=jnp.asarray(keep[1:]))), rtol=1e-13)
        b = rng.standard_normal((4, 7))
        value, sign = K.logsumexp(x, b=b, return_sign=True)
        peer_value, peer_sign = special.logsumexp(x, axis=-1, b=b, return_sign=True)
        np.testing.assert_array_equal(sign, peer_sign)
        for row in range(4):
            want, _, _ = ref.weighted_lse(x[row], b[row])
            assert at_least_as_close(value[row], peer_value[row], want)
    points = np.array([0.1, 1.0, 30.0, 1e-5])
    with mpmath.workprec(200):  # jax.nn.log1mexp(x) is log(1 - e^-x): softproof's log1mexp(-x)
        for ours, theirs, x_value in zip(K.log1mexp(-points), np.asarray(jax.nn.log1mexp(jnp.asarray(points))), points, strict=True):
            assert at_least_as_close(ours, theirs, mpmath.log(1 - mpmath.exp(-mpmath.mpf(x_value))))


@TARGETS
def test_binary_cross_entropy_and_backward_like_torch(K) -> None:  # type: ignore[no-untyped-def]
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    rng = np.random.default_rng(13)
    x, y = rng.standard_normal((5, 3)) * 10, rng.random((5, 3))
    pos, weight = rng.uniform(0.5, 3, 3), rng.uniform(0.5, 2, (5, 3))
    for reduction in ("none", "mean", "sum"):
        peer = functional.binary_cross_entropy_with_logits(torch.tensor(x), torch.tensor(y), weight=torch.tensor(weight),
                                                           pos_weight=torch.tensor(pos), reduction=reduction)
        np.testing.assert_allclose(K.binary_cross_entropy_with_logits(x, y, weight=weight, pos_weight=pos, reduction=reduction),
                                   peer.numpy(), rtol=1e-12)
    xt = torch.tensor(x, requires_grad=True)
    out = torch.log_softmax(xt, -1)
    g = rng.standard_normal(x.shape)
    out.backward(torch.tensor(g))
    np.testing.assert_allclose(K.log_softmax_backward(out.detach().numpy(), g), xt.grad.numpy(), rtol=1e-12, atol=1e-15)
    xt = torch.tensor(x, requires_grad=True)
    g1 = rng.standard_normal(5)
    torch.logsumexp(xt, -1).backward(torch.tensor(g1))
    np.testing.assert_allclose(K.logsumexp_backward(x, g1), xt.grad.numpy(), rtol=1e-13)
    np.testing.assert_allclose(K.logit(y), torch.special.logit(torch.tensor(y)).numpy(), rtol=1e-14)
    np.testing.assert_allclose(K.softmin(x), functional.softmin(torch.tensor(x), -1).numpy(), rtol=1e-14)
