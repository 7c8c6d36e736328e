"""softproof: proved softmax-family identities, and the code generated from them.

Subpackages: :mod:`softproof.derive` (the claims and the proof engine),
:mod:`softproof.codegen` (printers, templates, writer), :mod:`softproof.generated`
(the generated NumPy and C kernels) and :mod:`softproof.measure` (accuracy and speed).
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
