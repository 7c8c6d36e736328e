"""Import every family module so that its claims register (order = catalogue order)."""

from . import softmax  # noqa: F401
from . import logsumexp  # noqa: F401
