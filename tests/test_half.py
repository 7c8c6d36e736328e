"""float16 and bfloat16 in and out, both targets: computed in double, rounded once.

The C conversions (``softproof_to_double_{h,b}``, ``softproof_from_double_{h,b}``) are checked
exhaustively: every one of the 65536 patterns of each format widens exactly (against NumPy's float16
and ml_dtypes' bfloat16), and rounding every value, every midpoint between neighbours and the doubles
next to each midpoint gives the nearest value, ties to even (against an oracle built from the sorted
table of all values, not from the code under test)."""

from __future__ import annotations

import ctypes

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from softproof.codegen.api import names
from softproof.generated import softmax_c, softmax_np
from softproof.measure import accuracy as acc

ml_dtypes = pytest.importorskip("ml_dtypes")
# widening a NaN pattern and rounding past the largest value warn in NumPy; both are the point here
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered in cast", "ignore:overflow encountered in cast")
FORMATS = {"h": np.dtype(np.float16), "b": np.dtype(ml_dtypes.bfloat16)}
TARGETS = pytest.mark.parametrize("K", [softmax_np, softmax_c], ids=["numpy", "c"])


def _library() -> ctypes.CDLL:
    library = ctypes.CDLL(str(softmax_c.LIBRARY))
    for fmt in FORMATS:
        for name in (f"softproof_to_double_{fmt}", f"softproof_from_double_{fmt}"):
            getattr(library, name).argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
    return library


def widen(fmt: str, patterns: np.ndarray) -> np.ndarray:
    out = np.empty(patterns.size, np.float64)
    getattr(_library(), f"softproof_to_double_{fmt}")(patterns.ctypes.data, out.ctypes.data, patterns.size)
    return out


def narrow(fmt: str, values: np.ndarray) -> np.ndarray:
    values = np.ascontiguousarray(values, dtype=np.float64)
    out = np.empty(values.size, np.uint16)
    getattr(_library(), f"softproof_from_double_{fmt}")(values.ctypes.data, out.ctypes.data, values.size)
    return out


ALL = np.arange(65536, dtype=np.uint16)


@pytest.mark.parametrize("fmt", FORMATS)
def test_widening_is_exact_for_every_pattern(fmt: str) -> None:
    want = ALL.view(FORMATS[fmt]).astype(np.float64)
    got = widen(fmt, ALL)
    nan = np.isnan(want)
    np.testing.assert_array_equal(np.isnan(got), nan)
    np.testing.assert_array_equal(got[~nan].view(np.uint64), want[~nan].view(np.uint64))  # signed zeros too


def _oracle(fmt: str, values: np.ndarray) -> np.ndarray:
    """Round to nearest, ties to even, from the sorted table of every finite value of the format."""
    finite = ALL[np.isfinite(ALL.view(FORMATS[fmt]).astype(np.float64))]
    table = finite.view(FORMATS[fmt]).astype(np.float64)
    order = np.argsort(table, kind="stable")
    table, patterns = table[order], finite[order]
    keep = np.concatenate([[True], table[1:] != table[:-1]])  # +0 and -0: keep one, the sign is restored below
    table, patterns = table[keep], patterns[keep]
    top = table[-1]
    spacing = top - table[-2]
    above = np.searchsorted(table, values, side="left").clip(1, table.size - 1)
    low, high = table[above - 1], table[above]
    pick_high = (values - low > high - values) | ((values - low == high - values) & (patterns[above] % 2 == 0))
    out = np.where(pick_high, patterns[above], patterns[above - 1]).astype(np.uint16)
    out = np.where(values == high, patterns[above], out)
    out = np.where(values == low, patterns[above - 1], out)
    infinity = ALL[np.isposinf(ALL.view(FORMATS[fmt]).astype(np.float64))][0]
    out = np.where(np.abs(values) >= top + spacing / 2, infinity | np.where(values < 0, 0x8000, 0), out).astype(np.uint16)
    zero = out.view(FORMATS[fmt]).astype(np.float64) == 0
    return np.where(zero & np.signbit(values), out | 0x8000, np.where(zero, out & 0x7FFF, out)).astype(np.uint16)


@pytest.mark.parametrize("fmt", FORMATS)
def test_rounding_every_value_midpoint_and_neighbour(fmt: str) -> None:
    values = ALL.view(FORMATS[fmt]).astype(np.float64)
    finite = np.sort(np.unique(values[np.isfinite(values)]))
    midpoints = (finite[1:] + finite[:-1]) / 2  # exact in float64
    beyond = finite[-1] + (finite[-1] - finite[-2]) / 2
    points = np.concatenate([finite, midpoints, np.nextafter(midpoints, np.inf), np.nextafter(midpoints, -np.inf),
                             [beyond, -beyond, np.nextafter(beyond, 0), -np.nextafter(beyond, 0), 1e300, -1e300, 5e-324, -5e-324]])
    np.testing.assert_array_equal(narrow(fmt, points), _oracle(fmt, points))
    special = narrow(fmt, np.array([np.inf, -np.inf, np.nan, -0.0]))
    assert np.isposinf(special[:1].view(FORMATS[fmt]).astype(float)).all() and np.isneginf(special[1:2].view(FORMATS[fmt]).astype(float)).all()
    assert np.isnan(special[2:3].view(FORMATS[fmt]).astype(float)).all() and special[3] == 0x8000


def _ulps16(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance in units of the 16-bit format (consecutive values 1 apart), NaN = NaN."""
    def ordinal(v: np.ndarray) -> np.ndarray:
        bits = v.view(np.uint16).astype(np.int64)
        return np.where(bits & 0x8000, -(bits & 0x7FFF), bits)
    same = (a.astype(np.float64) == b.astype(np.float64)) | (np.isnan(a.astype(np.float64)) & np.isnan(b.astype(np.float64)))
    return np.where(same, 0, np.abs(ordinal(a) - ordinal(b)))


rows16 = st.lists(st.one_of(st.floats(-20, 20), st.floats(-60000, 60000)), min_size=1, max_size=24)


@TARGETS
@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=25, deadline=None)
@given(rows16)
def test_half_results_within_one_unit_of_the_correctly_rounded(K, fmt: str, values: list[float]) -> None:  # type: ignore[no-untyped-def]
    """Every row-wise and element-wise function, computed in double and rounded once: within one unit of
    the correctly rounded result (the mpmath reference rounded to float64, then to the format)."""
    dtype = FORMATS[fmt]
    x = np.array(values).astype(dtype)
    exact = x.astype(np.float64)
    batch, targets, rows = acc._batch_reference(exact, "float64", np.random.default_rng(0))
    for name in names(form="rows") + names(form="reduce") + names(form="target_reduce"):
        got = getattr(K, name)(batch.astype(dtype), targets) if acc.takes_targets(name) else getattr(K, name)(batch.astype(dtype))
        assert got.dtype == dtype, name
        assert _ulps16(np.ravel(got), rows[name].astype(dtype)).max() <= 1, (name, values)
    for group, inputs, _, ref in acc.element_batches(exact.astype(dtype), "float64", names(form="elementwise")):
        for name in group:
            got = getattr(K, name)(inputs)
            assert got.dtype == dtype and _ulps16(got, ref[name].astype(dtype)).max() <= 1, (name, values)


def test_the_naive_bfloat16_evaluation_loses_what_softproof_keeps() -> None:
    """Test the test: a bf16 sum of 1000 ones saturates at 256 (executorch #20090), so the bf16 logsumexp
    of 1000 zeros is log 256 = 5.55 instead of log 1000 = 6.91; softproof rounds log 1000 once."""
    zeros = np.zeros(1000, dtype=ml_dtypes.bfloat16)
    naive = np.log(np.sum(np.exp(zeros), dtype=ml_dtypes.bfloat16))
    assert float(naive) < 5.6
    for K in (softmax_np, softmax_c):
        assert K.logsumexp(zeros) == np.array(np.log(1000.0)).astype(ml_dtypes.bfloat16)
