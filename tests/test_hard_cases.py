"""The correctly rounded float32 sigmoid (measure/hard_cases.py, fp.sigmoid.float32.cr): its results against mpmath's
interval enclosure of the textbook 1/(1 + e^-x), the naive roundings failing where it does not, and the claim failing
where its table or its tests would not hold."""

from __future__ import annotations

import struct
from fractions import Fraction

import numpy as np
import pytest

import softproof.generated.softmax_c as c_target
from softproof.codegen.backends.c.target import hard_cases
from softproof.codegen.backends.gappa import claims as gc
from softproof.codegen.kernels import CORRECT_ROUNDING
from softproof.derive import Status
from softproof.measure import hard_cases as hc

TABLE = dict(hard_cases("sigmoid"))


def _floats(bits: list[int]) -> np.ndarray:
    return np.array(bits, dtype=np.uint32).view(np.float32)


def _inputs() -> np.ndarray:
    """The table's inputs and their float32 neighbours, random float32 over the ranges where sigmoid is not 0 or 1
    to float32 (the float32 subnormal results, -104 < x < -87, among them) and near 0, and the ends (results 0, the
    smallest subnormal, 1/2 at +-0 and at +-2^-149, 1)."""
    rng = np.random.default_rng(20261204)
    table = sorted(TABLE)
    near = [b + d for b in table[::7] for d in (-1, 1)]
    ranges = [rng.uniform(-104, 17, 600), rng.uniform(-104, -87, 200), rng.standard_normal(300), rng.uniform(-1e-3, 1e-3, 200),
              np.ldexp(rng.uniform(0.5, 1, 100), rng.integers(-40, -10, 100)) * rng.choice([-1, 1], 100)]
    ends = np.array([0.0, -0.0, -103.3, -103.9, -104.0, -110.0, -1e30, 16.0, 17.0, 20.0, 1e30, 2.0**-149, -(2.0**-149)])
    return np.concatenate([_floats(table), _floats(near), *(r.astype(np.float32) for r in (*ranges, ends))])


def test_every_result_is_the_correctly_rounded_one_and_the_naive_roundings_are_not() -> None:
    """The oracle is mpmath on the textbook definition in interval arithmetic (hc.correctly_rounded), never the kernel.
    Test of the test: rounding the double 1/(1 + e^-x) to float32 (two roundings) misses some of the table's inputs,
    and so does the float32 kernel's own double v rounded once (the table's reason to exist)."""
    x = _inputs()
    got = c_target.sigmoid(x).view(np.uint32)
    truth = np.array([hc.correctly_rounded("sigmoid", int(b)) for b in x.view(np.uint32)], dtype=np.uint32)
    assert np.array_equal(got, truth), x[got != truth][:5]
    table_x = _floats(sorted(TABLE))
    naive = (1 / (1 + np.exp(-table_x.astype(np.float64)))).astype(np.float32).view(np.uint32)
    expected = np.array([TABLE[b] for b in sorted(TABLE)], dtype=np.uint32)
    assert (naive != expected).sum() >= 10  # the double, correct to 1/2 ulp of binary64, still rounds wrong there
    assert np.array_equal(c_target.sigmoid(table_x).view(np.uint32), expected)


def test_the_tests_radii_cover_the_proved_bounds_and_a_smaller_one_would_not() -> None:
    rho_single = gc._largest_bound(gc.SINGLE_SIGMOID_BRANCHES)
    rho_double = gc._largest_bound(gc.SIGMOID_RELATIVE)
    assert gc.rounding_test_covers(Fraction(CORRECT_ROUNDING.radius_single), rho_single)
    assert gc.rounding_test_covers(Fraction(CORRECT_ROUNDING.radius_double), rho_double)
    assert gc.boundary_test_covers(CORRECT_ROUNDING.margin_single, rho_single)
    assert not gc.rounding_test_covers(rho_double, rho_double)  # no room for the ends' own roundings
    assert not gc.boundary_test_covers(int(rho_single * 2**53), rho_single)


@pytest.mark.parametrize("fault", ["missing", "wrong"])
def test_the_claim_fails_where_the_table_lacks_an_input_or_holds_a_wrong_value(fault: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The claim on a sweep of one undecided input (the real sweep runs every float32): proved with the table; a table
    without that input, or with a value one float32 off, proves nothing."""
    first = min(TABLE)
    real_sweep = hc.sweep
    monkeypatch.setattr(hc, "sweep", lambda function: real_sweep(function, first=first, last=first + 1))
    assert hc.sweep("sigmoid") == [first]
    claim = gc.SIGMOID_SINGLE_CR
    assert claim.strategy.run(claim.statement).status is Status.PROVED
    broken = {k: v for k, v in TABLE.items() if k != first} if fault == "missing" else {**TABLE, first: TABLE[first] + 1}
    monkeypatch.setattr("softproof.codegen.backends.c.target.hard_cases", lambda function: sorted(broken.items()))
    outcome = claim.strategy.run(claim.statement)
    assert outcome.status is Status.UNPROVED and ("not in the table" in outcome.steps[-1] or "not the correctly rounded" in outcome.steps[-1])


def test_a_table_value_is_decided_by_a_rigorous_enclosure() -> None:
    """sigmoid(1.5 2^-22) = 1/2 + 1.5 2^-24 - (x^3/48 ...) lies just below a float32 rounding boundary: its double rounds
    onto the boundary (and then to even, up), the enclosure decides down."""
    x = 0x34C00000
    assert struct.unpack("<f", struct.pack("<I", x))[0] == 1.5 * 2.0**-22
    y = hc.correctly_rounded("sigmoid", x)
    assert y == 0x3F000001 and TABLE[x] == y
    double = 1 / (1 + np.exp(-np.float64(1.5 * 2.0**-22)))
    assert np.float32(double).view(np.uint32) == 0x3F000002  # the naive rounding: one float32 up
