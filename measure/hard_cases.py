"""The hard cases of the correctly rounded float32 kernels: the inputs that neither of their rounding tests decides.

Each correctly rounded float32 function (``codegen/kernels.py``, ``CorrectRounding``) rounds the float32 kernel's double
where its test decides, else the float64 kernel's, else looks the input up in a table. :func:`sweep` runs the C
library's audit entry point (``softproof_<name>_undecided_f``, the kernel's own stages as it runs them) over every
float32 bit pattern, NaN aside, and returns those neither test decides, on the machine's threads; :func:`table` gives each found input its correctly rounded
value from mpmath (:func:`correctly_rounded`, rigorous: the exact value's enclosure lies strictly between two float32
rounding boundaries); ``python -m softproof.measure.hard_cases`` writes them to ``codegen/backends/c/hard_cases.json``,
which codegen prints into the C source. The claim ``fp.<name>.float32.cr`` runs the sweep again on the library built
from the generated source and checks that the table holds every input it finds.
"""

from __future__ import annotations

import ctypes
import json
import struct
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import mpmath

from ..codegen.kernels import CORRECT_ROUNDING
from ..derive.files import atomic_write_text

__all__ = ["sweep", "correctly_rounded", "table", "EXACT", "main"]

PATTERNS = 1 << 32
_CHUNK = 1 << 26  # patterns per call (64 calls over every float32)

# the textbook definitions (the oracle, never the kernel's expression), in the mpmath context given (iv: intervals)
EXACT: dict[str, Callable[[Any, Any], Any]] = {"sigmoid": lambda ctx, x: 1 / (1 + ctx.exp(-x))}


def _audit(function: str) -> Callable[[int, int, int, int], int]:
    from ..generated.softmax_c import _KERNELS

    audit = getattr(_KERNELS.library, f"softproof_{function}_undecided_f")
    audit.argtypes = [ctypes.c_uint64, ctypes.c_uint64, ctypes.c_void_p, ctypes.c_size_t]
    audit.restype = ctypes.c_size_t
    return audit  # type: ignore[no-any-return]


def sweep(function: str, first: int = 0, last: int = PATTERNS, workers: int = 2) -> list[int]:
    """The float32 bit patterns in [first, last) that neither rounding test of the C kernel of ``function`` decides
    (NaN aside), increasing: those its table must hold. The library's audit runs the kernel's stages as the kernel does
    (ctypes releases the GIL: ``workers`` chunks at once)."""
    audit = _audit(function)
    capacity = 1 << 16

    def chunk(start: int) -> list[int]:
        found = (ctypes.c_uint32 * capacity)()
        count = audit(start, min(start + _CHUNK, last), ctypes.addressof(found), capacity)
        if count > capacity:
            raise RuntimeError(f"{function}: {count} undecided inputs in one chunk, above {capacity}")
        return list(found[:count])

    with ThreadPoolExecutor(max(1, workers)) as pool:
        parts = list(pool.map(chunk, range(first, last, _CHUNK)))
    return sorted(x for part in parts for x in part)


def _float32(bits: int) -> float:
    return float(struct.unpack("<f", struct.pack("<I", bits))[0])


def _bits32(value: float) -> int:
    return int(struct.unpack("<I", struct.pack("<f", value))[0])


def correctly_rounded(function: str, bits: int) -> int:
    """RN32(f(x)) for the float32 x with these bits, as bits: f's value in mpmath interval arithmetic at rising
    precision until the enclosure lies strictly inside one float32's rounding interval (between two midpoints, or
    on no midpoint at all), so that every point of it, the exact value among them, rounds to that float32."""
    x = _float32(bits)
    for precision in (200, 400, 1000, 4000):
        saved, mpmath.iv.prec = mpmath.iv.prec, precision
        try:
            value = EXACT[function](mpmath.iv, mpmath.iv.mpf(x))
            low, high = value.a, value.b
        finally:
            mpmath.iv.prec = saved
        with mpmath.workprec(precision):
            near = _bits32(float(mpmath.mpf(low)))  # within a step of the answer (double rounding aside)
            for y in (near - 1, near, near + 1):  # nonnegative results: the bit patterns run in the values' order
                if y < 0:
                    continue
                here = mpmath.mpf(_float32(y))
                lower = (mpmath.mpf(_float32(y - 1)) + here) / 2 if y > 0 else here  # midpoints: exact at this precision
                upper = (here + mpmath.mpf(_float32(y + 1))) / 2
                if mpmath.mpf(low) > lower and mpmath.mpf(high) < upper:
                    return y
    raise ArithmeticError(f"{function}({x!r}): the enclosure stays on a rounding boundary at 4000 bits")


def table(function: str, found: list[int]) -> list[tuple[str, str]]:
    """(x, RN32(f(x))) for the found inputs, as hexadecimal bit patterns."""
    return [(f"{x:08x}", f"{correctly_rounded(function, x):08x}") for x in found]


def main(argv: list[str] | None = None) -> int:
    """Sweep every correctly rounded function and write codegen/backends/c/hard_cases.json (run codegen after)."""
    from ..codegen.backends.c.target import HARD_CASES

    tables = {}
    for function in CORRECT_ROUNDING.functions:
        found = sweep(function)
        tables[function] = table(function, found)
        print(f"{function}: {len(found)} undecided float32 inputs", file=sys.stderr)
    lines = [f'  "{name}": [' + ",\n    ".join(json.dumps(list(pair)) for pair in rows) + "]" for name, rows in tables.items()]
    atomic_write_text(HARD_CASES, "{\n" + ",\n".join(lines) + "\n}\n")
    print(f"wrote {HARD_CASES}; run python cli.py codegen", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
