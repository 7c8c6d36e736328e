"""Import every family module so that its claims register (order = catalogue order)."""

from . import softmax  # noqa: F401
from . import logsumexp  # noqa: F401
from . import temperature  # noqa: F401
from . import sigmoid  # noqa: F401
from . import cross_entropy  # noqa: F401
from . import rewrites  # noqa: F401
