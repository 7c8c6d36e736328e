"""softproof on Dask arrays (``pip install 'softproof[dask]'``): the softmax family over any axis, that
axis split across any number of chunks, by merging mergeable log-sum-exp states; works with Dask's
threaded scheduler and with ``dask.distributed`` (see :mod:`softproof.dask.arrays`)."""

from .arrays import cross_entropy, cross_entropy_grad, kernels, log_softmax, logsumexp, lse_state, softmax

__all__ = ["lse_state", "logsumexp", "softmax", "log_softmax", "cross_entropy", "cross_entropy_grad", "kernels"]
