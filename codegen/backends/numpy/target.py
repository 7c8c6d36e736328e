"""The NumPy target: ``generated/softmax_np.py`` (and the package's ``__init__.py``)."""

from __future__ import annotations

from typing import Any

import sympy as sp

from ...api import FUNCTIONS, STATE_API
from ...kernels import KERNELS, LOGSUMEXP_ERRORS, Kernel
from ..base import PACKAGE_FILES, OutputFile, Target
from .printer import print_numpy

__all__ = ["NumPyTarget", "kernel_code"]

def kernel_code(kernel: Kernel) -> str:
    """The kernel's lines as NumPy statements, common sub-expressions named, claims cited
    (the template indents them with Jinja's ``indent`` filter)."""
    out: list[str] = []
    cited = ""
    for line in kernel.lines:
        if isinstance(line.expr, sp.Symbol) and line.expr.name.startswith("_"):  # a skeleton helper call
            temps, expr = [], line.expr
        else:
            temps, (expr,) = sp.cse([line.expr], symbols=sp.numbered_symbols(f"_{line.name}_"), optimizations=None)
        if line.proof.id != cited:
            out.append(f"# proved: {line.proof.id}")
            cited = line.proof.id
        out += [f"{name} = {print_numpy(value)}" for name, value in temps]
        target = line.name.replace("st.ties", "st").replace(", st.t", "")
        value = expr.name if expr.is_Symbol and expr.name.startswith("_") else print_numpy(expr)
        out.append(f"{target} = {value}")
    return "\n".join(out)


class NumPyTarget(Target):
    name = "numpy"
    files = (
        *PACKAGE_FILES,
        OutputFile("softmax_np.py", "softmax_np.py.j2"),
    )

    def context(self) -> dict[str, Any]:
        return {
            "kernels": {name: kernel_code(kernel) for name, kernel in KERNELS.items()},
            # logsumexp prints its statistics only: m + T log1p((c - 1) + t) is taken in long double by
            # the skeleton's _logsumexp_finish, which cites the last line's claim
            "logsumexp_stats": kernel_code(Kernel(KERNELS["logsumexp"].lines[:1])),
            "logsumexp_proof": KERNELS["logsumexp"].lines[-1].proof.id,
            "functions": FUNCTIONS,
            "state_api": STATE_API,
            "signature": {f.name: f.typed_params for f in FUNCTIONS},
            "dispatch": {f.name: f.dispatch for f in FUNCTIONS},
            "logsumexp_errors": {name: repr(value) for name, value in vars(LOGSUMEXP_ERRORS).items()},
        }
