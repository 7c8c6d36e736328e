"""Mergeable log-sum-exp states (generated/_state.py, C softproof_lse_state): any split of a row, merged
in any tree and order, finishes within 1 ULP of the mpmath value where its bound certifies it, and the
bound is never below the true error; edges, errors and the C struct's layout."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from softproof.generated import softmax_c, softmax_np
from softproof.generated._state import PRECISE_ERROR
from softproof.measure.accuracy import reference, ulp_distance

TARGETS = {"c": softmax_c, "numpy": softmax_np}
CERTIFIED = 2.0**-53.5  # finish's bound below this times |LSE|: within 1 ULP


def _rows(rng: np.random.Generator) -> list[tuple[np.ndarray, float]]:
    """Rows of several kinds (lengths 1 to 300), each with a temperature, among them rows whose m + T log S
    cancels: log-probabilities (LSE within an ulp or so of 0), short rows with a negative max, and rows
    with a far-below part."""
    out = []
    for _ in range(6):
        n = int(rng.integers(1, 300))
        T = float(rng.choice([0.37, 3.3]))
        out += [
            (rng.normal(size=n), 1.0),
            (rng.normal(size=n) * 3 - 9, 1.0),  # a negative maximum: m + L cancels partly
            (rng.normal(size=n) * 30, T),
            (1e6 + rng.normal(size=n), 1.0),
            (np.round(rng.normal(size=n)), 0.5),  # ties
            (softmax_c.log_softmax(rng.normal(size=n) * 3), 1.0),  # log-probabilities: LSE about 1e-17
            (T * softmax_c.log_softmax(rng.normal(size=n) * 2, temperature=T), T),  # the same at T
            (rng.normal(size=int(rng.integers(2, 4))) - 1.5, 1.0),  # short, max negative: |LSE| below T
            (np.concatenate([softmax_c.log_softmax(rng.normal(size=n)), rng.normal(size=9) - 400]), 1.0),  # a part far below
            (T * np.concatenate([softmax_c.log_softmax(rng.normal(size=n)), rng.normal(size=3) - 300]), T),
            (np.concatenate([[0.0], rng.normal(size=n) - 300]), 1.0),  # one certain class: LSE = log1p(t), t near e^-300
        ]
    return out


def _split(x: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """1 to 6 parts at random cuts, empty parts included."""
    cuts = np.sort(rng.integers(0, x.size + 1, size=int(rng.integers(0, 6))))
    return np.split(x, cuts)


def _merge_randomly(module: Any, states: list[Any], rng: np.random.Generator) -> Any:
    """Merge in a random tree: two random states of the pool at a time, in a random order."""
    pool = list(states)
    while len(pool) > 1:
        i, j = sorted(rng.choice(len(pool), size=2, replace=False))
        b, a = pool.pop(j), pool.pop(i)
        pool.append(module.merge(a, b) if rng.random() < 0.5 else module.merge(b, a))
    return pool[0]


@pytest.mark.parametrize("target", list(TARGETS))
def test_any_split_merged_in_any_order_finishes_within_1_ulp(target: str) -> None:
    """state.finish_of_merge in floating point: the LSE of the whole row, within its bound plus half an ulp
    of the truth always, and within 1 ULP with a certifying bound for every row, those whose m + T log S
    cancels included (their parts' sums precise, merged and finished in triple-double or with mpmath)."""
    module = TARGETS[target]
    rng = np.random.default_rng(19)
    for x, T in _rows(rng):
        parts = _split(x, rng)
        merged = _merge_randomly(module, [module.lse_state(part, temperature=T) for part in parts], rng)
        value, bound = module.finish(merged, return_bound=True)
        truth = reference(x, "rows", "float64", np.array([0]), temperature=T)["logsumexp"][0]
        assert abs(value - truth) <= bound + np.spacing(abs(truth)), (target, x[:4], T, len(parts), bound)  # sound
        assert bound <= CERTIFIED * abs(value), (target, x[:4], T, len(parts), value, bound)
        assert ulp_distance(np.atleast_1d(value), np.atleast_1d(truth)).max() <= 1, (target, x[:4], T, len(parts))
        assert merged["error"] < 2.0**-49  # the terms' error plus 2^-98 per merge (fp.state.merge)


def test_a_double_double_state_cannot_certify_log_probabilities() -> None:
    """The test of the test: a row of log-probabilities whose merged state has its sum moved by the exp
    kernel's 2^-52 and records that error (what a state of first-stage terms is) finishes over 1 ULP off,
    with a bound that says so; the precise state certifies 1 ULP."""
    x = softmax_c.log_softmax(np.random.default_rng(4).normal(size=200) * 3)
    truth = reference(x, "rows", "float64", np.array([0]))["logsumexp"]
    state = softmax_c.merge(softmax_c.lse_state(x[:70]), softmax_c.lse_state(x[70:]))
    assert state["error"] <= PRECISE_ERROR and ulp_distance(np.atleast_1d(softmax_c.finish(state)), truth).max() <= 1
    cut = state.copy()
    cut["t_hi"], cut["t_lo"], cut["t_ll"], cut["error"] = cut["t_hi"] * (1 + 2.0**-52), 0.0, 0.0, 2.0**-51
    value, bound = softmax_c.finish(cut, return_bound=True)
    assert bound > CERTIFIED * abs(value) and ulp_distance(np.atleast_1d(value), truth).max() > 1


@pytest.mark.parametrize("target", list(TARGETS))
def test_states_over_an_axis_and_across_targets(target: str) -> None:
    """A 3-d array's states over axis 1 (shape of the other axes), merged along a split of that axis;
    a state from one target finishes on the other within 1 ULP of the kernel's logsumexp."""
    module, other = TARGETS[target], TARGETS["numpy" if target == "c" else "c"]
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 40, 5)) * 4
    merged = module.merge(module.lse_state(x[:, :17], axis=1), module.lse_state(x[:, 17:], axis=1))
    assert merged.shape == (3, 5) and merged.dtype == module.STATE_DTYPE
    expected = softmax_c.logsumexp(x, axis=1)
    assert ulp_distance(module.finish(merged), expected).max() <= 1
    assert ulp_distance(other.finish(merged), expected).max() <= 1
    whole = module.lse_state(x, axis=(0, 2))
    assert whole.shape == (40,) and ulp_distance(module.finish(whole), softmax_c.logsumexp(x, axis=(0, 2))).max() <= 1


@pytest.mark.parametrize("target", list(TARGETS))
def test_normalise_gives_the_rows_softmax(target: str) -> None:
    """normalise(part, state of the whole row) is the row's softmax (log_softmax) on that part, within the
    kernels' bounds of the mpmath values, at T = 1 and T = 0.37."""
    module = TARGETS[target]
    rng = np.random.default_rng(5)
    for T in (1.0, 0.37):
        x = rng.normal(size=60) * 5
        state = module.merge(module.lse_state(x[:25], temperature=T), module.lse_state(x[25:], temperature=T))
        truth = reference(x, "rows", "float64", np.array([0]), temperature=T)
        p = np.concatenate([module.normalise(x[:25], state), module.normalise(x[25:], state)])
        lp = np.concatenate([module.normalise(x[:25], state, log=True), module.normalise(x[25:], state, log=True)])
        assert ulp_distance(p, truth["softmax"]).max() <= 3
        assert ulp_distance(lp, truth["log_softmax"]).max() <= 2


@pytest.mark.parametrize("target", list(TARGETS))
def test_normalise_at_subnormal_temperatures(target: str) -> None:
    """Rows of subnormal entries at a subnormal T, split and merged: the C states' triple-double terms divided by T
    without the shift's scaling, so t carried the division's underflowed remainders (28 u at T = 3.2e-313, 42 ULP of
    normalise's log_softmax at the maximum, where it is -t); within the kernels' bounds of mpmath now."""
    module = TARGETS[target]
    rng = np.random.default_rng(8)
    rows = [(np.array([-4.1950387749405e-311, -1.8874506586864e-311]), 3.2313144325e-313)]
    for _ in range(12):
        T = 2.0 ** rng.uniform(-1074, -1023)
        n = int(rng.integers(2, 40))
        rows.append((-T * rng.uniform(0, 120, n), T))
    for x, T in rows:
        cut = int(rng.integers(0, x.size + 1))
        state = module.merge(module.lse_state(x[:cut], temperature=T), module.lse_state(x[cut:], temperature=T))
        truth = reference(x, "rows", "float64", np.array([0]), temperature=T)
        p = np.concatenate([module.normalise(x[:cut], state), module.normalise(x[cut:], state)])
        lp = np.concatenate([module.normalise(x[:cut], state, log=True), module.normalise(x[cut:], state, log=True)])
        assert ulp_distance(p, truth["softmax"]).max() <= 3, (x.tolist(), T)
        assert ulp_distance(lp, truth["log_softmax"]).max() <= 2, (x.tolist(), T)


@pytest.mark.parametrize("target", list(TARGETS))
def test_edges(target: str) -> None:
    """NaN spreads; an empty or all -inf slice adds nothing; +inf entries are ties (LSE +inf, shares 1/k)."""
    module = TARGETS[target]
    rows = np.array([[np.nan, 1.0], [-np.inf, -np.inf], [np.inf, 2.0], [np.inf, np.inf]])
    s = module.lse_state(rows)
    assert np.array_equal(s["ties"], [0, 0, 1, 2])
    assert np.array_equal(module.finish(s), [np.nan, -np.inf, np.inf, np.inf], equal_nan=True)
    ordinary = module.lse_state(np.array([[0.0], [0.0], [0.0], [5.0]]))
    merged = module.merge(s, ordinary)
    assert np.array_equal(module.finish(merged), [np.nan, 0.0, np.inf, np.inf], equal_nan=True)
    assert merged[1].tobytes() == ordinary[1].tobytes()  # -inf adds nothing, bit for bit
    assert module.merge(s[3], s[3])["ties"] == 4
    empty = module.lse_state(np.zeros((2, 0)))
    assert np.array_equal(module.finish(empty), [-np.inf, -np.inf])
    one = module.lse_state(np.array([[3.0, 1.0]]))
    assert module.merge(empty[:1], one)[0].tobytes() == one[0].tobytes()
    assert np.array_equal(module.normalise(np.array([np.inf, 2.0, np.inf]), module.lse_state(np.array([np.inf, 2.0, np.inf]))), [0.5, 0.0, 0.5])


@pytest.mark.parametrize("target", list(TARGETS))
def test_bad_input_is_named(target: str) -> None:
    module = TARGETS[target]
    a = module.lse_state(np.zeros(3))
    with pytest.raises(ValueError, match="one temperature"):
        module.merge(a, module.lse_state(np.zeros(3), temperature=2.0))
    with pytest.raises(ValueError, match="finite temperature > 0"):
        module.lse_state(np.zeros(3), temperature=0.0)
    with pytest.raises(ValueError, match="finite temperature > 0"):
        module.lse_state(np.zeros(3), temperature=np.inf)
    with pytest.raises(TypeError, match="states from lse_state"):
        module.merge(a, np.zeros(3))
    with pytest.raises(ValueError, match="state has shape"):
        module.normalise(np.zeros((2, 3)), a)


def test_the_state_is_the_c_struct() -> None:
    """STATE_DTYPE is seven float64 without padding, and the C functions read and write it as such: a state
    written by NumPy and finished by C (and the reverse) gives the same LSE as on its own target."""
    assert softmax_c.STATE_DTYPE.itemsize == 56 and softmax_c.STATE_DTYPE is softmax_np.STATE_DTYPE
    from softproof.generated import _clib

    text = _clib.source_files()["softmax.h"].decode()
    assert "double m, ties, t_hi, t_lo, t_ll, error, temperature;" in text
    x = np.random.default_rng(0).normal(size=(4, 9))
    for state in (softmax_np.lse_state(x), softmax_c.lse_state(x)):
        assert ulp_distance(softmax_c.finish(state), softmax_np.finish(state)).max() <= 1


def test_the_bound_check_can_fail() -> None:
    """The test of the test: a state whose sum is off by 2^-40 while its recorded error says 2^-52 finishes
    more than 1 ULP off with a bound that claims certification: the checks above would catch it."""
    x = np.random.default_rng(2).normal(size=50)
    state = softmax_c.lse_state(x)
    state["t_hi"] *= 1 + 2.0**-40
    value, bound = softmax_c.finish(state, return_bound=True)
    truth = reference(x, "rows", "float64", np.array([0]))["logsumexp"]
    assert bound <= CERTIFIED * abs(value) and ulp_distance(np.atleast_1d(value), truth).max() > 1


@pytest.mark.parametrize("target", list(TARGETS))
def test_finish_bounds_stay_true_where_the_terms_fall_below_the_double_range(target: str) -> None:
    """Rows with one maximum whose other terms lie below e^-600, many below the double range, at temperatures up to
    2^1020, so that T t is far from 0 while t is not a double (a state cannot keep it): finish's bound must still
    cover the truth (mpmath on the textbook sum), for the state of the row and for its parts merged in a random
    tree. Test of the test: the old state of the first row (t = 0 and an error of 2^-52) finishes to 0 with a bound
    of 0, 1.8e-271 from the truth."""
    import mpmath

    module = TARGETS[target]
    rng = np.random.default_rng(41)
    rows = [(np.array([0.0, -970.0 * 2.0**500]), 2.0**500), (np.array([0.0, -800.0, -1e4]), 1.0)]
    for _ in range(25):
        n = int(rng.integers(2, 8))
        T = float(2.0 ** rng.uniform(-3.0, 1020.0))
        m = float(rng.choice([0.0, 1e-300, -1.0])) * (T if rng.random() < 0.3 else 1.0)
        x = np.array([m] + [m + T * rng.uniform(-1500.0, -600.0) for _ in range(n - 1)])
        if np.isfinite(x).all():
            rows.append((rng.permutation(x), T))
    for x, T in rows:
        with mpmath.workprec(4000):
            top = mpmath.mpf(float(x.max()))
            truth = top + T * mpmath.log(mpmath.fsum(mpmath.exp((mpmath.mpf(float(v)) - top) / T) for v in x))
        whole = module.lse_state(x, temperature=T)
        merged = _merge_randomly(module, [module.lse_state(part, temperature=T) for part in _split(x, rng)], rng)
        for state in (whole, merged):
            value, bound = module.finish(state, return_bound=True)
            half_ulp = float(np.spacing(abs(value))) / 2
            assert abs(mpmath.mpf(float(value)) - truth) <= mpmath.mpf(float(bound)) + half_ulp, (x.tolist(), T, value, bound, float(truth))
    old = module.lse_state(rows[0][0], temperature=rows[0][1])
    old["t_hi"], old["error"] = 0.0, 2.0**-52
    value, bound = module.finish(old, return_bound=True)
    assert value == 0.0 and bound == 0.0


@pytest.mark.parametrize("target", list(TARGETS))
def test_a_merge_of_maxima_further_apart_than_dbl_max(target: str) -> None:
    """States of [1e308] and [-1e308] at T = 1e308: their factor is e^-2, not 0 (the difference of the maxima overflows;
    it was taken as -inf, and the merge gave 1e308), in either order, within 1 ULP of the row's logsumexp (mpmath)."""
    import mpmath

    module, T = TARGETS[target], 1e308
    a, b = module.lse_state(np.array([1e308]), temperature=T), module.lse_state(np.array([-1e308]), temperature=T)
    with mpmath.workprec(200):
        truth = np.array([float(1e308 + T * mpmath.log1p(mpmath.exp((mpmath.mpf(-1e308) - mpmath.mpf(1e308)) / T)))])
    for merged in (module.merge(a, b), module.merge(b, a)):
        assert ulp_distance(np.atleast_1d(module.finish(merged)), truth).max() <= 1, (module.finish(merged), truth)
    assert float(module.finish(a)) == 1e308  # the test of the test: without b's share the result is off
    assert ulp_distance(np.array([1e308]), truth).max() > 1


@pytest.mark.parametrize("target", list(TARGETS))
def test_a_merge_factor_whose_low_parts_are_subnormal_keeps_its_error_bound(target: str) -> None:
    """merge(a, b) with F = e^((m_b - m_a)/T) between e^-708 and e^-650: the C factor's low parts lie on the subnormal
    grid there (fp.state.merge_factor covers y >= -650 only), so the merged state's error must carry their roundings
    (merge_finite's absolute error, below SP_MERGE_FACTOR_FLOOR since 2026-12-06; it was below -708 only: a merge of
    [0] with [-707.9] recorded 2^-134 relative against a true 2^-54.6, and finish's bound fell short of the truth on 11
    of 400 such merges at y in [-708, -700]). The NumPy target stores the merged t in three doubles, whose low parts
    fall onto the subnormal grid below 2^-916 (a merge of [0] with [-703.7] recorded 2^-134 against a true 2^-63.0):
    the same floor. Checked: the merged t against the exact t_a + F S_b, within the recorded
    error, and finish's value within its bound (plus half an ulp) of the exact log-sum-exp (mpmath)."""
    import mpmath

    from softproof.codegen.kernels import LOGSUMEXP_ERRORS
    from softproof.generated import _state

    assert _state._MERGE_FACTOR_FLOOR == LOGSUMEXP_ERRORS.merge_factor_floor  # the NumPy target's floor is the C's
    module = TARGETS[target]
    rng = np.random.default_rng(19)
    for y in list(-rng.uniform(650.0, 708.0, 60)) + [-707.9, -650.5]:
        b = y + np.concatenate([[0.0], -rng.uniform(0.0, 1.0, int(rng.integers(0, 4)))])
        merged = module.merge(module.lse_state(np.array([0.0])), module.lse_state(b))
        value, bound = module.finish(merged, return_bound=True)
        with mpmath.workprec(400):
            exact = mpmath.fsum(mpmath.exp(mpmath.mpf(float(v))) for v in b)
            got = mpmath.mpf(float(merged["t_hi"])) + mpmath.mpf(float(merged["t_lo"])) + mpmath.mpf(float(merged["t_ll"]))
            assert abs(got - exact) <= mpmath.mpf(float(merged["error"])) * got, (y, float(abs(got - exact) / exact), float(merged["error"]))
            half_ulp = mpmath.mpf(float(np.spacing(abs(float(value))))) / 2
            assert abs(mpmath.mpf(float(value)) - mpmath.log1p(exact)) <= mpmath.mpf(float(bound)) + half_ulp, (y, float(value), float(bound))


@pytest.mark.parametrize("target", list(TARGETS))
def test_a_precise_merge_near_the_factor_floor_keeps_its_error_bound(target: str) -> None:
    """merge(a, b) of precise states (b's own LSE in (-128 T, 0], its terms in triple-double: fp.state.refine_triple; a one
    entry) with y = (m_b - m_a)/T in [-660, -640], where F S_b is near 2^-938 and the triple product's subnormal parts
    weigh most (fp.state.merge_triple: 2^-133.09 of F S_b at y = -650; the C took 2^-134 until 2026-12-07, now 2^-132):
    the merge stays precise (its recorded error below PRECISE_ERROR) and the merged t is within that error of the exact
    t_a + F S_b (mpmath, 500 bits), relative to the stored t as the states carry it."""
    import mpmath

    module = TARGETS[target]
    rng = np.random.default_rng(29)
    for _ in range(40):
        T = float(rng.choice([1.0, 0.37, 3.3]))
        b = T * (softmax_c.log_softmax(rng.normal(size=int(rng.integers(2, 40))) * 2) - 100.0)
        a = np.array([b.max() + rng.uniform(640.0, 660.0) * T])
        state_a, state_b = module.lse_state(a, temperature=T), module.lse_state(b, temperature=T)
        merged = module.merge(state_a, state_b)
        assert float(merged["error"]) <= PRECISE_ERROR, (T, float(merged["error"]))
        with mpmath.workprec(500):
            m_a, m_b = mpmath.mpf(float(state_a["m"])), mpmath.mpf(float(state_b["m"]))
            exact = mpmath.exp((m_b - m_a) / T) * mpmath.fsum(mpmath.exp((mpmath.mpf(float(v)) - m_b) / T) for v in b)
            got = mpmath.fsum(mpmath.mpf(float(merged[part])) for part in ("t_hi", "t_lo", "t_ll"))
            assert abs(got - exact) <= mpmath.mpf(float(merged["error"])) * got, (T, float(abs(got - exact) / got), float(merged["error"]))
