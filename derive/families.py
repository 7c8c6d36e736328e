"""Import every family module so that its claims register (order = catalogue order)."""

from . import (
    cross_entropy,  # noqa: F401
    exp_kernel,  # noqa: F401
    log1p_kernel,  # noqa: F401
    logsumexp,  # noqa: F401
    rewrites,  # noqa: F401
    sigmoid,  # noqa: F401
    softmax,  # noqa: F401
    temperature,  # noqa: F401
)
