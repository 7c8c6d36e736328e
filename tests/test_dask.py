"""softproof.dask: the softmax family on Dask arrays with the reduced axis split across many chunks,
against mpmath (the in-memory bounds), with the threaded scheduler and a LocalCluster of processes."""

from __future__ import annotations

import numpy as np
import pytest

da = pytest.importorskip("dask.array")

import oracle  # noqa: E402

import softproof.dask as sd  # noqa: E402 - after the skip
from softproof.generated import softmax_c  # noqa: E402
from softproof.measure.accuracy import BOUNDS, reference, ulp_distance  # noqa: E402

CHUNKINGS = [(5, 1000), (3, 97), (2, 7), (7, (1, 2, 3, 500, 494))]  # the class axis in 1, 11, 143 and 5 chunks


def _rows() -> np.ndarray:
    rng = np.random.default_rng(29)
    x = rng.normal(size=(7, 1000)) * 3
    x[1] -= 20  # a negative maximum
    x[2] *= 30
    x[3, 500] = 40.0  # one dominant logit in the middle chunk
    x[4] = np.round(x[4])  # ties across chunks
    x[5] = 1e6 + rng.normal(size=1000)
    x[6] = softmax_c.log_softmax(x[6])  # log-probabilities: LSE within an ulp or so of 0, m + log S cancels
    return x


@pytest.fixture(scope="module")
def truth() -> dict[str, np.ndarray]:
    x = _rows()
    targets = np.array([0, 999, 3, 500, 7, 250, 640])
    measured = ("softmax", "log_softmax", "logsumexp", "cross_entropy")
    per_row = [reference(row, "rows", "float64", np.array([t]), functions=measured) for row, t in zip(x, targets, strict=True)]
    out = {name: np.array([r[name] for r in per_row]).reshape(len(per_row), -1) for name in per_row[0]}
    out["cross_entropy_grad"] = np.array([oracle.cross_entropy_grad(list(row), int(t)) for row, t in zip(x, targets, strict=True)])
    return out | {"x": x, "targets": targets}


@pytest.mark.parametrize("chunks", CHUNKINGS, ids=lambda c: str(c))
def test_reductions_over_a_chunked_axis_keep_the_bounds(truth: dict[str, np.ndarray], chunks: tuple) -> None:  # type: ignore[type-arg]
    """logsumexp and cross_entropy (one read), softmax, log_softmax and the gradient (two), the class axis
    in 1 to 143 chunks (of 1 to 500 entries): within the in-memory bounds of the mpmath values."""
    x = da.from_array(truth["x"], chunks=chunks)
    t = truth["targets"]
    assert ulp_distance(sd.logsumexp(x).compute(), truth["logsumexp"][:, 0]).max() <= BOUNDS[("logsumexp", "float64")]
    assert ulp_distance(sd.softmax(x).compute(), truth["softmax"]).max() <= BOUNDS[("softmax", "float64")]
    assert ulp_distance(sd.log_softmax(x).compute(), truth["log_softmax"]).max() <= BOUNDS[("log_softmax", "float64")]
    assert ulp_distance(sd.cross_entropy(x, t).compute(), truth["cross_entropy"][:, 0]).max() <= BOUNDS[("cross_entropy", "float64")]
    assert ulp_distance(sd.cross_entropy_grad(x, t).compute(), truth["cross_entropy_grad"]).max() <= 3


def test_other_axes_temperatures_and_float32() -> None:
    """axis 0, a tuple of axes and None; T = 0.37; float32 in and out (rounded once): within 1 ULP of
    the in-memory kernels, which are within their own bounds."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(40, 6, 30)) * 4
    X = da.from_array(x, chunks=(7, 4, 11))
    for axis in (0, (0, 2), None):
        assert ulp_distance(sd.logsumexp(X, axis=axis).compute(), softmax_c.logsumexp(x, axis=axis)).max() <= 1
    assert ulp_distance(sd.softmax(X, axis=(0, 2), temperature=0.37).compute(), softmax_c.softmax(x, axis=(0, 2), temperature=0.37)).max() <= 2
    assert ulp_distance(sd.log_softmax(X, axis=0, temperature=0.37).compute(), softmax_c.log_softmax(x, axis=0, temperature=0.37)).max() <= 1
    single = X.astype(np.float32)
    got = sd.logsumexp(single, axis=0).compute()
    assert got.dtype == np.float32 and ulp_distance(got, softmax_c.logsumexp(x.astype(np.float32), axis=0)).max() <= 1
    assert sd.logsumexp(X, axis=1, keepdims=True).shape == (40, 1, 30)


def test_edges_across_chunks() -> None:
    """NaN, +inf ties in different chunks, an all -inf row: the in-memory results."""
    x = np.zeros((4, 9))
    x[0, 7] = np.nan
    x[1, [1, 8]] = np.inf
    x[2] = -np.inf
    t = np.array([0, 8, 0, 2])
    X = da.from_array(x, chunks=(2, 3))
    for dask_f, memory_f in ((sd.logsumexp, softmax_c.logsumexp), (sd.softmax, softmax_c.softmax), (sd.log_softmax, softmax_c.log_softmax)):
        assert np.array_equal(dask_f(X).compute(), memory_f(x), equal_nan=True), dask_f
    assert np.array_equal(sd.cross_entropy(X, t).compute(), softmax_c.cross_entropy(x, t), equal_nan=True)
    assert np.array_equal(sd.cross_entropy_grad(X, t).compute(), softmax_c.cross_entropy_grad(x, t), equal_nan=True)


def test_bad_input_is_named() -> None:
    X = da.zeros((2, 5), chunks=(1, 2))
    with pytest.raises(ValueError, match="finite temperature > 0"):
        sd.logsumexp(X, temperature=0.0)
    with pytest.raises(ValueError, match="target 5 is out of range for 5 classes"):
        sd.cross_entropy(X, np.array([0, 5])).compute()
    with pytest.raises(ValueError, match="target has shape"):
        sd.cross_entropy(X, np.array([0, 1, 2]))
    with pytest.raises(TypeError, match="integer class indices"):
        sd.cross_entropy(X, np.array([0.0, 1.0]))


def test_a_local_cluster_of_processes_gives_the_same_bits() -> None:
    """dask.distributed with two worker processes on loopback: the same graph, the same merge tree, so the
    same bits as the threaded scheduler."""
    distributed = pytest.importorskip("distributed")
    x = da.from_array(_rows(), chunks=(3, 97))
    t = np.array([0, 999, 3, 500, 7, 250, 640])
    threaded = [f.compute(scheduler="threads") for f in (sd.logsumexp(x), sd.cross_entropy(x, t), sd.softmax(x))]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as cluster, distributed.Client(cluster) as client:
        remote = [client.compute(f).result() for f in (sd.logsumexp(x), sd.cross_entropy(x, t), sd.softmax(x))]
    for a, b in zip(threaded, remote, strict=True):
        assert a.tobytes() == b.tobytes()
