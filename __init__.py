"""softproof: proved softmax-family identities, and the code generated from them.

The public functions are importable from here: ``from softproof import softmax, logsumexp``.
They are the C kernels (:mod:`softproof.generated.softmax_c`, compiled on first use) when a C
compiler is available, else the NumPy ones (:mod:`softproof.generated.softmax_np`); both have
the same signatures and edge semantics. Importing ``softproof`` itself loads neither.

Subpackages: :mod:`softproof.derive` (the claims and the proof engine), :mod:`softproof.codegen`
(the function table, printers, templates, writer), :mod:`softproof.generated` (the generated
kernels) and :mod:`softproof.measure` (accuracy and speed).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

__version__ = "0.1.0"


def kernels() -> ModuleType:
    """The module the public functions come from: the C kernels, or NumPy without a C compiler."""
    from .generated._clib import CompilerNotFoundError

    try:
        from .generated import softmax_c
    except CompilerNotFoundError:
        from .generated import softmax_np

        return softmax_np
    return softmax_c


def _public() -> list[str]:
    from .generated import softmax_np  # NumPy only: cheap, and its __all__ is the function table's

    return list(softmax_np.__all__)


def __getattr__(name: str) -> Any:
    if not name.startswith("_") and name in _public():
        return getattr(kernels(), name)
    raise AttributeError(f"module 'softproof' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_public()})
