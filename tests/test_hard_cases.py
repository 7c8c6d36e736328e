"""The correctly rounded float32 sigmoid, log_sigmoid, softplus, log1mexp and logit (measure/hard_cases.py,
fp.<name>.float32.cr): their results against mpmath's interval enclosure of the textbook definitions, the naive
roundings failing where they do not, and the claims failing where a table or a test would not hold."""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Callable
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
FUNCTIONS = CORRECT_ROUNDING.functions
CLAIMS = {"sigmoid": gc.SIGMOID_SINGLE_CR, "log_sigmoid": gc.LOG_SIGMOID_SINGLE_CR, "softplus": gc.SOFTPLUS_SINGLE_CR,
          "log1mexp": gc.LOG1MEXP_SINGLE_CR, "logit": gc.LOGIT_SINGLE_CR}
# the naive double formulas (NumPy), rounded to float32 once more
NAIVE: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "log_sigmoid": lambda x: -np.log1p(np.exp(-x)),
    "softplus": lambda x: np.log1p(np.exp(x)),
    "log1mexp": lambda x: np.log(-np.expm1(x)),
    "logit": lambda x: np.log(x / (1 - x)),
}


def _floats(bits: list[int]) -> np.ndarray:
    return np.array(bits, dtype=np.uint32).view(np.float32)


def _inputs(function: str) -> np.ndarray:
    """The function's table inputs and their float32 neighbours, random float32 over the ranges where its result is
    neither 0 nor 1 nor x to float32 (the float32 subnormal results among them: -104 < x < -87 for sigmoid and softplus,
    87 < x < 104 for log_sigmoid) and near 0, and the ends: results 0 and the smallest subnormal, 1/2 or log 2 at +-0
    and +-2^-149, 1 or x; both sides of the sweep's limit, 670. log1mexp and logit: :func:`_domain_inputs`."""
    rng = np.random.default_rng(20261204)
    table = sorted(dict(hard_cases(function)))
    near = [b + d for b in table[:: 7 if len(table) > 50 else 1] for d in (-1, 1)]
    if function in ("log1mexp", "logit"):
        return np.concatenate([_floats(table), _floats(near), _domain_inputs(function, rng)])
    sign = -1.0 if function == "log_sigmoid" else 1.0  # its results are tiny for x > 0 (-e^-x), the others' for x < 0
    ranges = [sign * rng.uniform(-104, 17, 600), sign * rng.uniform(-104, -87, 200), rng.standard_normal(300), rng.uniform(-1e-3, 1e-3, 200),
              np.ldexp(rng.uniform(0.5, 1, 100), rng.integers(-40, -10, 100)) * rng.choice([-1, 1], 100)]
    ends = np.array([0.0, -0.0, -103.3, -103.9, -104.0, -110.0, -669.9, -670.0, -670.1, -1e30, 16.0, 17.0, 20.0, 103.5, 110.0,
                     669.9, 670.0, 670.1, 1e30, 2.0**-149, -(2.0**-149)])
    return np.concatenate([_floats(table), _floats(near), *(r.astype(np.float32) for r in (*ranges, ends))])


def _domain_inputs(function: str, rng: np.random.Generator) -> np.ndarray:
    """log1mexp (x <= 0): every binade of t = -x from 2^-149 (results near log t, the tables' kind) up to 104 (results
    down to the float32 subnormals and 0), uniform in [-20, 0] and near its far branch's split 2^-10, the ends 0, -0,
    -2^-149, -103.97 (the result 2^-150), -670 and beyond, -inf. logit (0 < x < 1): every binade of x and of 1 - x (results
    near log x and -log(1 - x)), uniform in (0, 1), 1/2 and its neighbours, the ends 0, 2^-149, 1 - 2^-24, 1."""
    binades = np.ldexp(rng.uniform(1, 2, 1500), rng.integers(-149, 0, 1500))
    if function == "log1mexp":
        ends = [0.0, -0.0, -(2.0**-149), -(2.0**-10), -103.97, -104.0, -669.9, -670.0, -670.1, -1e30, -np.inf]
        parts = [-binades, -rng.uniform(0, 20, 600), -rng.uniform(2.0**-11, 2.0**-9, 200), -rng.uniform(87, 104, 200), ends]
    else:
        half = np.float32(0.5)
        ends = [0.0, 2.0**-149, 2.0**-126, float(np.nextafter(half, np.float32(0))), 0.5, float(np.nextafter(half, np.float32(1))),
                1 - 2.0**-24, 1.0]
        parts = [binades, 1 - np.ldexp(rng.uniform(1, 2, 300), rng.integers(-24, -1, 300)), rng.uniform(0, 1, 600), ends]
    return np.concatenate([np.asarray(part, dtype=np.float64).astype(np.float32) for part in parts])


@pytest.mark.parametrize("function", FUNCTIONS)
def test_in_place_outputs_give_the_fresh_results(function: str) -> None:
    """out= the input itself, over the table's inputs among others: the later stages read x after the first wrote
    out, so an aliased input is read from a copy (in place, the float32 sigmoid of 1.1920929e-07 was the table's value
    for its own first result, 0.62245935 for 0.5). The oracle is the fresh call, which the next test checks against
    mpmath; an out= that overlaps x otherwise is refused."""
    x = _inputs(function)
    f = getattr(c_target, function)
    fresh = f(x).view(np.uint32)
    same = x.copy()
    assert f(same, out=same) is same
    assert np.array_equal(same.view(np.uint32), fresh)
    buffer = np.concatenate([x, x[:1]])
    with pytest.raises(ValueError, match="overlaps"):
        f(buffer[:-1], out=buffer[1:])


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_result_is_the_correctly_rounded_one_and_the_naive_roundings_are_not(function: str) -> None:
    """The oracle is mpmath on the textbook definition in interval arithmetic (hc.correctly_rounded), never the kernel.
    Test of the test: rounding the naive double formula to float32 (two roundings) misses some of the table's inputs
    (the table's reason to exist)."""
    x = _inputs(function)
    got = getattr(c_target, function)(x).view(np.uint32)
    truth = np.array([hc.correctly_rounded(function, int(b)) for b in x.view(np.uint32)], dtype=np.uint32)
    assert np.array_equal(got, truth), x[got != truth][:5]
    table = dict(hard_cases(function))
    table_x = _floats(sorted(table))
    expected = np.array([table[b] for b in sorted(table)], dtype=np.uint32)
    with np.errstate(divide="ignore", invalid="ignore"):
        naive = NAIVE[function](table_x.astype(np.float64)).astype(np.float32).view(np.uint32)
    assert (naive != expected).sum() >= (10 if function == "sigmoid" else 1)  # the double, within an ulp, rounds wrong there
    assert np.array_equal(getattr(c_target, function)(table_x).view(np.uint32), expected)


def test_the_tails_beyond_the_sweep_round_to_zero_one_or_x() -> None:
    """Beyond |x| = 670 (log1mexp: x < -670) the claims argue instead of sweeping: the results are a zero of the
    function's sign, 1, or x; outside log1mexp's and logit's domains every path gives NaN."""
    x = np.array([670.5, 700.0, 1e4, 3e38, np.inf], dtype=np.float32)
    assert np.all(c_target.sigmoid(x) == 1) and np.all(c_target.sigmoid(-x) == 0) and not np.signbit(c_target.sigmoid(-x)).any()
    assert np.all(c_target.log_sigmoid(x) == 0) and np.signbit(c_target.log_sigmoid(x)).all()
    assert np.array_equal(c_target.log_sigmoid(-x), -x) and np.array_equal(c_target.softplus(x), x)
    assert np.all(c_target.softplus(-x) == 0) and not np.signbit(c_target.softplus(-x)).any()
    assert np.all(c_target.log1mexp(-x) == 0) and np.signbit(c_target.log1mexp(-x)).all()
    outside = np.array([2.0**-149, 1.0, 700.0, np.inf, np.nan], dtype=np.float32)
    assert np.isnan(c_target.log1mexp(outside)).all() and np.isnan(c_target.logit(np.append(-outside, outside[1:] + 1))).all()


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_tests_radii_cover_the_proved_bounds_and_a_smaller_one_would_not(function: str) -> None:
    strategy = CLAIMS[function].strategy
    assert isinstance(strategy, gc.CorrectlyRounded)
    bounds = strategy.stage_bounds()
    rho_single, rho_double = bounds[0], (bounds[1] if len(bounds) > 1 else None)
    assert (rho_double is None) == (function in CORRECT_ROUNDING.one_stage)
    radius, margin = ((CORRECT_ROUNDING.radius_double, CORRECT_ROUNDING.margin_double) if rho_double is None else
                      (CORRECT_ROUNDING.radius_single, CORRECT_ROUNDING.margin_single))
    assert gc.rounding_test_covers(Fraction(radius), rho_single)
    assert gc.boundary_test_covers(margin, rho_single)
    assert not gc.rounding_test_covers(rho_single, rho_single)  # no room for the ends' own roundings
    assert not gc.boundary_test_covers(int(rho_single * 2**53), rho_single)
    if rho_double is not None:
        assert gc.rounding_test_covers(Fraction(CORRECT_ROUNDING.radius_double), rho_double)
        assert not gc.rounding_test_covers(rho_double, rho_double)


def test_log1mexp_stage_1_needs_the_float64_exp(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the float32 exp's decay (2^-37), 1 - e^x near the far branch's split (x = -2^-10) makes stage 1's bound
    2^-27, which no radius of 2^-36 covers: the reason for CorrectRounding.double_decay."""
    assert "log1mexp" in CORRECT_ROUNDING.double_decay and gc.log1mexp_stage_relative(True) < 2**-42
    monkeypatch.setattr("softproof.codegen.kernels.CORRECT_ROUNDING", dataclasses.replace(CORRECT_ROUNDING, double_decay=()))
    rho = gc.log1mexp_stage_relative(True)
    assert rho > 2**-28 and not gc.rounding_test_covers(Fraction(CORRECT_ROUNDING.radius_single), rho)


@pytest.mark.parametrize("fault", ["missing", "wrong"])
@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_claim_fails_where_the_table_lacks_an_input_or_holds_a_wrong_value(function: str, fault: str,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The claim on a sweep of one undecided input (the real sweep runs every float32 of CorrectRounding.swept): proved with the
    table; a table without that input, or with a value one float32 off, proves nothing. The parts (the kernels' Gappa
    claims, which test_every_fp_claim_is_proved_by_gappa decides) are taken as proved here: the subject is the table."""
    monkeypatch.setattr(gc, "_first_unproved", lambda parts: None)
    table = dict(hard_cases(function))
    first = min(table)
    real_sweep = hc.sweep
    monkeypatch.setattr(hc, "sweep", lambda name: real_sweep(name, first=first, last=first + 1))
    assert hc.sweep(function) == [first]
    claim = CLAIMS[function]
    assert claim.strategy.run(claim.statement).status is Status.PROVED
    broken = {k: v for k, v in table.items() if k != first} if fault == "missing" else {**table, first: table[first] + 1}
    monkeypatch.setattr("softproof.codegen.backends.c.target.hard_cases", lambda name: sorted(broken.items()))
    outcome = claim.strategy.run(claim.statement)
    assert outcome.status is Status.UNPROVED and ("not in the table" in outcome.steps[-1] or "not the correctly rounded" in outcome.steps[-1])


def test_the_sweep_covers_every_float32_up_to_its_limit_and_both_signs() -> None:
    """swept_ranges: from +0 and -0 up to 670 in magnitude, both ends included; beyond it the claims' own argument.
    log1mexp: +0, and -0 down to -670; logit: +0 up to 1, and -0."""
    (low, high), (neg_low, neg_high) = hc.swept_ranges("sigmoid")
    top = _floats([high - 1, high, neg_high - 1])
    assert (low, neg_low) == (0, 0x80000000) and top[0] == 670.0 and top[1] > 670.0 and top[2] == -670.0
    assert hc.swept_ranges("log1mexp") == ((0, 1), (0x80000000, neg_high))
    assert hc.swept_ranges("logit") == ((0, 0x3F800001), (0x80000000, 0x80000001))


def test_a_table_value_is_decided_by_a_rigorous_enclosure() -> None:
    """sigmoid(1.5 2^-22) = 1/2 + 1.5 2^-24 - (x^3/48 ...) lies just below a float32 rounding boundary: its double rounds
    onto the boundary (and then to even, up), the enclosure decides down."""
    x = 0x34C00000
    assert struct.unpack("<f", struct.pack("<I", x))[0] == 1.5 * 2.0**-22
    y = hc.correctly_rounded("sigmoid", x)
    assert y == 0x3F000001 and TABLE[x] == y
    double = 1 / (1 + np.exp(-np.float64(1.5 * 2.0**-22)))
    assert np.float32(double).view(np.uint32) == 0x3F000002  # the naive rounding: one float32 up
