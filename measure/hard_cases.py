"""The hard cases of the correctly rounded float32 kernels: the inputs that neither of their rounding tests decides.

Each correctly rounded float32 function (``codegen/kernels.py``, ``CorrectRounding``) rounds the float32 kernel's double
where its test decides, else the float64 kernel's, else looks the input up in a table. :func:`sweep` runs the C
library's audit entry point (``softproof_<name>_undecided_f``, the kernel's own stages as it runs them) over every
float32 x with |x| <= 670 (``CorrectRounding.sweep_limit``; the claims argue the tails), or over the function's domain
(``CorrectRounding.domains``), and returns those neither test decides, on the machine's threads; :func:`table` gives each found input its correctly rounded value from mpmath
(:func:`correctly_rounded`, rigorous: the enclosure of measure/reference.py's textbook definition in interval
arithmetic lies strictly between two float32 rounding boundaries); ``python -m softproof.measure.hard_cases`` writes them to ``codegen/backends/c/hard_cases.json``,
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

import mpmath

from ..codegen.kernels import CORRECT_ROUNDING
from ..derive.files import atomic_write_text
from . import reference

__all__ = ["sweep", "swept_ranges", "correctly_rounded", "table", "main"]

PATTERNS = 1 << 32
_CHUNK = 1 << 26  # patterns per call (64 calls over every float32)

# each function's sign on every real x of its domain, a fact of its definition (1/(1 + e^-x) > 0, log(1 + e^t) > 0,
# log(1 - e^x) < 0 for x < 0): an enclosure that holds 0 (1 + e^t rounded to 1 at the working precision) is cut to that
# side. 0: the sign changes (logit: negative below 1/2, 0 at 1/2, positive above) and the enclosure's own decides, the
# precision raised while it holds 0 and another number
SIGN: dict[str, int] = {"sigmoid": 1, "log_sigmoid": -1, "softplus": 1, "log1mexp": -1, "logit": 0}


def _audit(function: str) -> Callable[[int, int, int, int], int]:
    from ..generated.softmax_c import _KERNELS

    audit = getattr(_KERNELS.library, f"softproof_{function}_undecided_f")
    audit.argtypes = [ctypes.c_uint64, ctypes.c_uint64, ctypes.c_void_p, ctypes.c_size_t]
    audit.restype = ctypes.c_size_t
    return audit  # type: ignore[no-any-return]


def swept_ranges(function: str) -> tuple[tuple[int, int], ...]:
    r"""The bit patterns [first, last) of the float32 x of ``function``'s sweep, ``CORRECT_ROUNDING.swept(function)``
    (:math:`|x| \le` ``sweep_limit``, or the function's domain): the nonnegative ones from +0 up to the greatest, the
    negative ones from -0 down to the least (sign and magnitude: the patterns of each sign increase with |x|; -0 is
    swept wherever +0 is). The claims argue the rest (their tails, infinities; NaN gives NaN)."""
    low, high = CORRECT_ROUNDING.swept(function)
    for end in (low, high):
        if _float32(_bits32(end)) != end:
            raise ValueError(f"{function}: the sweep's end {end!r} is not a float32")
    ranges = []
    if high >= 0:
        ranges.append((_bits32(max(low, 0.0)), _bits32(high) + 1))
    if low <= 0:
        ranges.append((0x80000000 | _bits32(max(-high, 0.0)), 0x80000000 | (_bits32(-low) + 1)))
    return tuple(ranges)


def sweep(function: str, first: int | None = None, last: int | None = None, workers: int = 2) -> list[int]:
    """The float32 bit patterns in [first, last) (default: :func:`swept_ranges` of ``function``) that neither rounding test of the C
    kernel of ``function`` decides (NaN aside), increasing: those its table must hold. The library's audit runs the
    kernel's stages as the kernel does (ctypes releases the GIL: ``workers`` chunks at once)."""
    audit = _audit(function)
    capacity = 1 << 16
    ranges = swept_ranges(function) if first is None and last is None else ((first or 0, PATTERNS if last is None else last),)

    def chunk(bounds: tuple[int, int]) -> list[int]:
        found = (ctypes.c_uint32 * capacity)()
        count = audit(bounds[0], bounds[1], ctypes.addressof(found), capacity)
        if count > capacity:
            raise RuntimeError(f"{function}: {count} undecided inputs in one chunk, above {capacity}")
        return list(found[:count])

    chunks = [(start, min(start + _CHUNK, end)) for begin, end in ranges for start in range(begin, end, _CHUNK)]
    with ThreadPoolExecutor(max(1, workers)) as pool:
        parts = list(pool.map(chunk, chunks))
    return sorted(x for part in parts for x in part)


def _float32(bits: int) -> float:
    return float(struct.unpack("<f", struct.pack("<I", bits))[0])


def _bits32(value: float) -> int:
    return int(struct.unpack("<I", struct.pack("<f", value))[0])


def correctly_rounded(function: str, bits: int) -> int:
    """RN32(f(x)) for the float32 x with these bits, as bits: f's value in mpmath interval arithmetic at rising
    precision until the enclosure lies strictly inside one float32's rounding interval (between two midpoints, or
    on no midpoint at all), so that every point of it, the exact value among them, rounds to that float32. A negative
    function (:data:`SIGN`) is negated, rounded, and given the sign bit back (RN32 is odd; a result that rounds to zero
    is -0); an enclosure that holds 0 is cut at 0, on the function's side (so that e^-x beyond every precision, where
    1 + e^-x encloses as [1, 1 + 2^-p], still decides: below 2^-150 the result is a zero); where the sign changes
    (:data:`SIGN` 0), the enclosure's own sign, the precision raised while it holds numbers of both signs. An exact
    infinity (log1mexp(0), logit(0), logit(1)) is itself."""
    x = _float32(bits)
    for precision in (200, 400, 1000, 4000):
        saved, mpmath.iv.prec = mpmath.iv.prec, precision
        try:
            value = getattr(reference, function)(mpmath.iv.mpf(x), ctx=mpmath.iv)  # the textbook definition, enclosed
            negative = SIGN[function] < 0 if SIGN[function] else (value.b <= 0 and value.a < 0)
            straddles = not SIGN[function] and value.a < 0 < value.b
            sign = 0x80000000 if negative else 0
            ends = (-value.b, -value.a) if sign else (value.a, value.b)  # negation is exact at this precision
        finally:
            mpmath.iv.prec = saved
        if straddles:
            continue
        if value.a == value.b and mpmath.isinf(value.a):  # log1mexp(0), logit(0) and logit(1): exactly an infinity
            return 0xFF800000 if value.a < 0 else 0x7F800000
        with mpmath.workprec(precision):
            low, high = max(mpmath.mpf(ends[0]), mpmath.mpf(0)), mpmath.mpf(ends[1])  # the truth is above 0 (SIGN)
            near = _bits32(float(low))  # within a step of the answer (double rounding aside)
            for y in (near - 1, near, near + 1):  # nonnegative results: the bit patterns run in the values' order
                if y < 0:
                    continue
                here = mpmath.mpf(_float32(y))
                upper = (here + mpmath.mpf(_float32(y + 1))) / 2  # midpoints: exact at this precision
                # above the lower midpoint; for 0, any positive value below the first midpoint (2^-150) rounds to it
                above = low > (mpmath.mpf(_float32(y - 1)) + here) / 2 if y > 0 else low >= 0
                if above and high < upper:
                    return y | sign
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
