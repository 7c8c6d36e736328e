"""The C target: ``generated/c/softmax.{h,c}`` and the ctypes binding ``generated/softmax_c.py``."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import sympy as sp

from softproof.derive.exp_kernel import CLAMP, FAST_CLAMP, NORMAL_LIMIT, exp_kernel, fast_exp_kernel, raise_split
from softproof.derive.log1p_kernel import log1p_kernel

from ...api import FUNCTIONS, STATE_API
from ...kernels import CORRECT_ROUNDING, LOGSUMEXP_ERRORS, RAISED_STAGE, X
from ..base import PACKAGE_FILES, OutputFile, Target
from .pieces import (
    FAST_LOG1P_TINY,
    LOG1MEXP_NEAR,
    LOG1MEXP_SMALL,
    LOG1MEXP_SPLIT,
    LOG1MEXP_TINY,
    LOGMEANEXP_ETA,
    SERIES_LIMIT,
    SINGLE_SUFFIX,
    exp_constants,
    fast_exp_constants,
    logit_constants,
    pieces,
    printed_pieces,
)
from .printer import print_c

__all__ = ["CTarget"]


def _triple(value: object) -> str:
    """An mpmath number as three doubles h, m, l (each the rounding of what the previous left), C hex literals."""
    import mpmath

    parts = []
    rest = mpmath.mpf(value)
    for _ in range(3):
        part = float(rest)
        parts.append(part.hex() if part else "0.0")
        rest -= part
    return ", ".join(parts)


def triple_constants() -> dict[str, Any]:
    """ln 2, the inverse factorials 1/j! (j = 0..14) and 2^(j/64) (j = 0..63) as triples, for the
    triple-double exp (Tang's table method)."""
    import mpmath

    with mpmath.workprec(400):
        return {"ln2": _triple(mpmath.log(2)), "inverse_factorials": [_triple(1 / mpmath.factorial(j)) for j in range(15)],
                "powers": [_triple(mpmath.mpf(2) ** (mpmath.mpf(j) / 64)) for j in range(64)]}


HARD_CASES = Path(__file__).with_name("hard_cases.json")  # measure/hard_cases.py writes it


def hard_cases(function: str) -> list[tuple[int, int]]:
    """The float32 inputs of ``function`` that neither rounding test of its correctly rounded kernel decides, with their
    correctly rounded results, as bit patterns (increasing): :data:`HARD_CASES`, a file measure/hard_cases.py writes
    by running the tests over every float32 (none where it has not been run)."""
    import json

    if not HARD_CASES.is_file():
        return []
    table = json.loads(HARD_CASES.read_text(encoding="utf-8")).get(function, [])
    return sorted((int(x, 16), int(y, 16)) for x, y in table)


def _bits(value: float) -> int:
    """The IEEE binary64 bits of ``value``."""
    return int.from_bytes(struct.pack("<d", value), "little")


class CTarget(Target):
    name = "c"
    files = (
        OutputFile("c/softmax.h", "softmax.h.j2", "//"),
        OutputFile("c/softmax.c", "softmax.c.j2", "//"),
        *PACKAGE_FILES,
        OutputFile("_cache.py", "_cache.py", runtime=True),
        OutputFile("_clib.py", "_clib.py", runtime=True),
        OutputFile("softmax_c.py", "softmax_c.py.j2"),
    )

    def context(self) -> dict[str, Any]:
        functions, claims = printed_pieces()
        return {
            "piece_functions": functions,
            "decay_free": {name for name, piece in pieces().items() if piece.signature == (X,)},
            "piece_names": set(pieces()),
            "single_suffix": SINGLE_SUFFIX,
            "claims": claims,
            "functions": FUNCTIONS,
            "state_api": STATE_API,
            "exp_constants": [(name, print_c(sp.Float(value, 17))) for name, value in exp_constants()],
            "exp_clamp": print_c(sp.Float(CLAMP, 17)),
            "fast_constants": [(name, print_c(sp.Float(value, 17), single=True)) for name, value in fast_exp_constants()],
            "fast_clamp": print_c(sp.Float(FAST_CLAMP, 17), single=True),
            "fast_log1p_tiny": print_c(sp.Float(FAST_LOG1P_TINY, 17), single=True),
            "fast_shifter_bits": f"0x{struct.unpack('<I', struct.pack('<f', fast_exp_kernel().shifter))[0]:08X}u",
            "normal_limit": print_c(sp.Float(NORMAL_LIMIT, 17)),
            "logsumexp_errors": {name: print_c(sp.Float(value, 17)) for name, value in vars(LOGSUMEXP_ERRORS).items()},
            "raised_stage": {**{name: print_c(sp.Float(value, 17)) for name, value in vars(RAISED_STAGE).items()},
                             "ln2_hi": print_c(sp.Float(raise_split()[0], 17)), "ln2_lo": print_c(sp.Float(raise_split()[1], 17))},
            "correct_rounding_constants": {**{name: print_c(sp.Float(getattr(CORRECT_ROUNDING, name), 17)) for name in ("radius_single", "radius_double")},
                                       "margin_single": CORRECT_ROUNDING.margin_single, "margin_double": CORRECT_ROUNDING.margin_double,
                                       "sweep_limit": f"{CORRECT_ROUNDING.sweep_limit:g}", "one_stage": CORRECT_ROUNDING.one_stage,
                                       "double_decay": CORRECT_ROUNDING.double_decay,
                                       "swept": {name: CORRECT_ROUNDING.swept_text(name) for name in CORRECT_ROUNDING.functions}},
            "correct_rounding": {name: [(f"0x{x:08X}u", f"0x{y:08X}u") for x, y in hard_cases(name)] for name in CORRECT_ROUNDING.functions},
            "shifter_bits": f"0x{_bits(exp_kernel().shifter):016X}u",
            "sqrt_half_bits": f"0x{log1p_kernel().sqrt_half_bits:016X}u",
            "log1p_series": print_c(sp.Float(SERIES_LIMIT, 17)),
            "log1mexp_near": print_c(sp.Float(LOG1MEXP_NEAR, 17)),
            "log1mexp_split": print_c(sp.Float(LOG1MEXP_SPLIT, 17)),
            "log1mexp_small": print_c(sp.Float(LOG1MEXP_SMALL, 17)),
            "logmeanexp_eta": print_c(sp.Float(LOGMEANEXP_ETA, 17)),
            "log1mexp_tiny": print_c(sp.Float(LOG1MEXP_TINY, 17)),
            "logit_constants": [(name, print_c(sp.Float(value, 17))) for name, value in logit_constants()],
            "triples": triple_constants(),
        }
