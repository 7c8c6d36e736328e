"""The Gappa backend: the printer keeps C's operations and order, the fp.* claims are proved by Gappa
(skipped, and said so, where Gappa is not installed), and a bound tighter than the truth is not."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import oracle
import pytest
import sympy as sp
from conftest import swept
from portable_build import run_portable
from sympy.codegen.cfunctions import fma

from softproof.codegen.backends.c.pieces import pieces
from softproof.codegen.backends.c.printer import exp_head, print_c
from softproof.codegen.backends.gappa.claims import (
    CLAIMS,
    PORTABLE_CLAIMS,
    PORTABLE_ULPS,
    PROVED_ULPS,
    SOFTMAX_ASSEMBLY,
    ComposedBound,
    GappaBound,
    proved_ulps,
    ulps_after_rounding,
    ulps_from_absolute,
    ulps_from_relative,
)
from softproof.codegen.backends.gappa.printer import GappaSyntaxError, portable_build, print_gappa, to_gappa
from softproof.codegen.backends.gappa.prover import GAPPA_MISSING, gappa_executable, run_gappa, unequal_hints
from softproof.codegen.backends.gappa.scripts import (
    EXP_HEAD_LINES,
    PORTABLE_SCRIPTS,
    PORTABLE_SUFFIX,
    SCRIPTS,
    render,
    same_in_both_builds,
    script,
)
from softproof.derive import Result, Status, run_claim
from softproof.derive.report import summary_line
from softproof.measure.accuracy import Measurement, ulp_distance

needs_gappa = pytest.mark.skipif(gappa_executable() is None, reason=GAPPA_MISSING)


def test_every_c_operation_is_rounded_once_left_to_right() -> None:
    assert to_gappa("a + b + c") == "rnd(rnd(a + b) + c)"
    assert to_gappa("a - b*c/d") == "rnd(a - rnd(rnd(b * c) / d))"
    assert to_gappa("SP_FMA(a, b, c) + 1") == "rnd(rnd(a * b + c) + 1)"  # one rounding for the fused operation
    assert to_gappa("-x*0x1.8p-1") == "rnd(-(x) * 0x1.8p-1)"
    assert to_gappa("a + b", rounded=False) == "(a + b)"


def test_the_portable_build_rounds_each_sp_fma_twice() -> None:
    """Without FMA hardware SP_FMA is the macro a*b + c: the product rounds, then the sum. SP_EXACT_FMA (Dekker's
    product there, the same bits) and C99's fma (correctly rounded in software too) stay one rounding; the fast tier's
    SP_FMAF is (float)((double)a * b + c) there: the exact product's sum rounded to binary64, then to the script's
    binary32 (rnd64, which a script that uses it defines). SP_FINAL_FMA is sp_final_fma there: Dekker's product
    P + (a*b - P) and P + rndx((a*b - P) + c), rndx binary64 without underflow (its scale), scaled back by rnd."""
    assert to_gappa("SP_FMA(a, b, c) + 1", fused=False) == "rnd(rnd(rnd(a * b) + c) + 1)"
    assert to_gappa("SP_FINAL_FMA(a, b, c)") == "rnd(a * b + c)"
    assert to_gappa("SP_FINAL_FMA(a, b, c)", fused=False) == "rnd(rndx(rndx(a * b) + rndx((a * b - rndx(a * b)) + c)))"
    assert to_gappa("SP_FINAL_FMA(a, b, c)", rounded=False, fused=False) == "(a * b + c)"
    assert "@rndx = float<53,-9000,ne>;" in render(script("fp_sigmoid_negative" + PORTABLE_SUFFIX))
    assert "rndx" not in render(script("fp_sigmoid_negative"))
    assert to_gappa("SP_EXACT_FMA(a, b, c)", fused=False) == to_gappa("fma(a, b, c)", fused=False) == "rnd(a * b + c)"
    half = "0x1.0000000000000p-1"  # SP_EXP_HEAD(a, b, r) = r + a (1/2 + b r): two FMAs, or sp_exp_head's Fast2Sum
    assert to_gappa("SP_EXP_HEAD(a, b, r)") == f"rnd(a * rnd(b * r + {half}) + r)"
    assert to_gappa("SP_EXP_HEAD(a, b, r)", rounded=False, fused=False) == f"(a * (b * r + {half}) + r)"
    assert to_gappa("SP_EXP_HEAD(a, b, r)", fused=False) == (
        f"rnd(rnd(r + rnd(a * {half})) + rnd(((r + rnd(a * {half})) - rnd(r + rnd(a * {half}))) + rnd(a * rnd(b * r))))")
    assert to_gappa("SP_FMAF(a, b, c)", fused=False) == "rnd(rnd64(a * b + c))"
    assert to_gappa("SP_FMAF(a, b, c)") == "rnd(a * b + c)"
    assert "@rnd64 = float<ieee_64, ne>;" in render(script("fp_fast_exp_poly" + PORTABLE_SUFFIX))
    assert "rnd64" not in render(script("fp_fast_exp_poly"))
    with portable_build():
        assert to_gappa("SP_FMA(a, b, c)") == "rnd(rnd(a * b) + c)"
    assert to_gappa("SP_FMA(a, b, c)") == "rnd(a * b + c)"  # the fused printing again outside


def test_the_written_portable_scripts_are_those_the_portable_claims_run() -> None:
    """Each fp.*.portable claim's Gappa parts run a written twin, and every written twin is run; a twin states what
    its script states (hypotheses and goal), about the portable printing: each of its definitions rounds at least as
    often as the fused one, more often where that one prints an SP_FMA (the exp polynomial: one more per SP_FMA).
    Where they differ, only as that build's proofs say: sp_final_fma's lines (P, Qx, Q, Yb) come with the standard
    model of their rounding, and sp_exp_head's (scripts.EXP_HEAD_LINES) name its values, together rounding more often
    than the fused polynomial. A twin that runs its fused claim's own script does so because that script prints alike
    for the portable build (same_in_both_builds), and no file is written for it."""
    used = {c.strategy.script_name for c in PORTABLE_CLAIMS if isinstance(c.strategy, GappaBound)}
    shared = {name for name in used if not name.endswith(PORTABLE_SUFFIX)}
    assert used - shared == set(PORTABLE_SCRIPTS)
    assert {"fp_triple_mul", "fp_triple_exp_poly", "fp_logsumexp_wide_term", "fp_state_merge"} <= shared
    assert all(same_in_both_builds(name) for name in shared) and not any(same_in_both_builds(name) for name in SCRIPTS
                                                                           if name + PORTABLE_SUFFIX in PORTABLE_SCRIPTS)
    assert not same_in_both_builds("fp_exp_poly") and not same_in_both_builds("fp_softmax_assembly")
    final_lines, standard_model = {"P", "Qx", "Q", "Yb"}, "Q -/ Qx in [-1b-53, 1b-53]"
    for name in PORTABLE_SCRIPTS:
        twin, fused = script(name), script(name.removesuffix(PORTABLE_SUFFIX))
        hypotheses = tuple(h for h in twin.hypotheses if h != standard_model)
        assert (twin.goal, twin.extra_goals) == (fused.goal, fused.extra_goals) and len(hypotheses) == len(fused.hypotheses)
        for mine, theirs in zip(hypotheses, fused.hypotheses, strict=True):  # decay's error: the exp's bound, + 2^-1075 below
            assert mine == theirs or ("decay - Md" in mine and mine.split("<=")[0] == theirs.split("<=")[0]), (name, mine)
        twin_lines = dict(twin.definitions)
        assert [n for n, _ in twin.definitions if n not in final_lines | set(EXP_HEAD_LINES)] == [n for n, _ in fused.definitions]
        assert (standard_model in twin.hypotheses) == ("Qx" in twin_lines and "Yb" in twin_lines)
        if set(EXP_HEAD_LINES) <= set(twin_lines):  # sp_exp_head: y = rnd(Vh + 1), Vh's roundings on the lines above
            assert name == "fp_exp_poly" + PORTABLE_SUFFIX
            assert sum(v.count("rnd(") for v in twin_lines.values()) > sum(f.count("rnd(") for _, f in fused.definitions)
        else:
            assert all(twin_lines[n].count("rnd(") >= f.count("rnd(") for n, f in fused.definitions)
    poly = dict(script("fp_exp_poly_single" + PORTABLE_SUFFIX).definitions)["y"], dict(script("fp_exp_poly_single").definitions)["y"]
    fmas = print_c(pieces()["exp_poly_single"].expr).count("SP_FMA(")
    assert fmas >= 6 and poly[0].count("rnd(") == poly[1].count("rnd(") + fmas  # each of its SP_FMAs rounded twice
    assert all(c.id.endswith(".portable") for c in PORTABLE_CLAIMS) and set(PORTABLE_ULPS.values()) <= set(PORTABLE_CLAIMS)


def test_the_printer_refuses_what_it_cannot_translate() -> None:
    for text in ("(x < 0) ? a : b", "sp_log1p(x)", "a +"):
        with pytest.raises(GappaSyntaxError):
            to_gappa(text)


def test_each_translated_piece_keeps_the_c_operands_and_operators_in_order() -> None:
    """Strip the rounding, the parentheses and the commas of the fused calls: the operands and the
    operators come in the same order as in the C text (an FMA's ``,`` reads as ``*`` then ``+``)."""
    def tokens(text: str) -> list[str]:
        found = re.findall(r"0x[0-9a-fA-F.]+p[-+]?\d+|\b(?:rnd|SP_FMA|SP_EXACT_FMA|SP_FINAL_FMA|fma)\b|[A-Za-z_][A-Za-z0-9_.]*|\d+\.?\d*|[-+*/,()]", text)
        out: list[str] = []
        calls: list[int] = []  # per open parenthesis: -1, or the commas seen so far in a fused call
        fused_next = False
        for token in found:
            if token in ("rnd", "SP_FMA", "SP_EXACT_FMA", "SP_FINAL_FMA", "fma"):
                fused_next = token != "rnd"
            elif token == "(":
                calls.append(0 if fused_next else -1)
                fused_next = False
            elif token == ")":
                calls.pop()
            elif token == ",":
                out.append("*" if calls[-1] == 0 else "+")
                calls[-1] += 1
            else:
                out.append(token)
        return out

    translated = 0
    for piece in pieces().values():
        if piece.wide:
            continue
        try:
            gappa = print_gappa(piece.expr)
        except GappaSyntaxError:
            continue  # selects and calls: proved as branches, or not at all
        two_fmas = piece.expr.replace(exp_head, lambda a, b, r: fma(a, fma(b, r, sp.Float(0.5)), r))  # SP_EXP_HEAD with FMAs
        assert tokens(gappa) == tokens(print_c(two_fmas)), piece.name
        translated += 1
    assert translated >= 15


@needs_gappa
def test_every_fp_claim_is_proved_by_gappa(fp_results: list[Result]) -> None:
    """The swept ones aside (the next test's, in the exhaustive stage)."""
    assert [r.claim.id for r in fp_results] == [c.id for c in CLAIMS if not swept(c)]
    for result in fp_results:
        assert result.status is Status.PROVED, (result.claim.id, result.outcome.steps)
        assert "Gappa proved" in result.outcome.steps[0] or "combined bound" in result.outcome.steps[-1]


@needs_gappa
def test_every_float32_sweep_proves_correct_rounding(swept_results: list[Result]) -> None:
    """fp.*.float32.cr and their portable twins: the rounding tests over Gappa's bounds, the sweep of every float32, the
    table of the inputs neither test decides."""
    assert len(swept_results) >= 10 and all(r.claim.id.endswith((".cr", ".cr.portable")) for r in swept_results)
    for result in swept_results:
        assert result.status is Status.PROVED, (result.claim.id, result.outcome.steps)
        assert "each table value is the correctly rounded one" in result.outcome.steps[-1]


@needs_gappa
def test_a_bound_tighter_than_the_truth_is_not_proved(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test of the test: half of the exp polynomial's proved error, or 1 ulp of a Horner step, fails."""
    import dataclasses

    monkeypatch.setattr("softproof.codegen.backends.gappa.claims.GAPPA_RUNS", 1)  # one run each: half the truth is far
    for fp_claim in CLAIMS:
        strategy = fp_claim.strategy
        if isinstance(strategy, GappaBound):
            tight = dataclasses.replace(strategy, bound=strategy.bound / 2)
            assert tight.run(fp_claim.statement).status is Status.UNPROVED, fp_claim.id
    enclosures, _ = run_gappa("@rnd = float<ieee_64, ne>;\nx = rnd(x_);\ny = rnd(x * x);\n{ x in [1, 2] -> y - x * x in ? }\n")
    assert enclosures and enclosures[0].magnitude > 0 and enclosures[0].magnitude <= Fraction(2, 2**53)


@needs_gappa
def test_a_hint_that_is_not_an_identity_proves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Gappa only warns about a rewriting hint whose sides differ and then rewrites with it: y - x^2 -> 0 "proves"
    rnd(x^2) - x^2 in [0, 0]. Such a run gives no enclosure, and a claim on it is unproved. The real case: softmax's
    assembly printed for the portable build with the hints written for the FMA "proved" 2^-100.8 where the product
    rounded at 2^-53 (the macro a*b + c, before SP_FINAL_FMA); now the FMA's hints leave out sp_final_fma's inner
    rounding Q - Qx. Test of the test: without the check both are accepted."""
    import dataclasses

    false_hint = "@rnd = float<ieee_64, ne>;\nx = rnd(x_);\ny = rnd(x * x);\n{ x in [1, 2] -> y - x * x in ? }\ny - x * x -> 0;\n"
    enclosures, output = run_gappa(false_hint)
    assert unequal_hints(output) == ["y - x * x and 0 are not trivially equal."] and enclosures == []
    fused, twin = script("fp_softmax_assembly"), script("fp_softmax_assembly" + PORTABLE_SUFFIX)
    wrong = dataclasses.replace(twin, hints=fused.hints)  # the portable printing, the FMA's hints
    monkeypatch.setattr("softproof.codegen.backends.gappa.claims.script", lambda name: wrong)
    monkeypatch.setattr("softproof.codegen.backends.gappa.claims.GAPPA_RUNS", 1)
    assembly = GappaBound(twin.name, Fraction(1, 2**100), (Fraction(1, 2**100),))
    outcome = assembly.run(SOFTMAX_ASSEMBLY.statement)
    assert outcome.status is Status.UNPROVED and "not an identity" in outcome.steps[0]
    monkeypatch.setattr("softproof.codegen.backends.gappa.prover.unequal_hints", lambda output: [])
    monkeypatch.setattr("softproof.codegen.backends.gappa.claims._RUNS", {})
    enclosures, _ = run_gappa(false_hint)
    assert enclosures and enclosures[0].magnitude == 0  # the false "proof"
    assert assembly.run(SOFTMAX_ASSEMBLY.statement).status is Status.PROVED  # and the false 2^-100


def test_a_composition_reads_the_bounds_of_the_build_it_proves() -> None:
    """Soundness of the portable twins' compositions: where a part's bound differs in the portable build (sp_exp_dd's
    tail and total, expm1's tail), no function body names the fused constant (each reads it through its accessor, which
    gives the portable bound inside portable_build(), where a twin's combine runs), and each such twin states what its
    accessor gives there. The float64 exp's bound is the same in both builds (SP_EXP_HEAD rounds its head once there
    too), and its twin states it. Test of the test: the double-double terms over the portable sp_exp_dd exceed the fused
    build's, so reading the fused constant there would be wrong."""
    import ast
    import inspect

    from softproof.codegen.backends.gappa import claims as gc

    fused_constants = {"EXP_TAIL_BOUND", "EXP_DD_BOUND", "EXPM1_TAIL_BOUND"}
    accessors = {"exp_tail_bound", "exp_dd_bound", "expm1_tail_bound"}
    tree = ast.parse(inspect.getsource(gc))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.Lambda)) and getattr(node, "name", "") not in accessors:
            named = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} & fused_constants
            assert not named, f"{getattr(node, 'name', 'a lambda')} (line {node.lineno}) names {named}: read the build's bound"
    twins = {"fp.exp.poly_tail.float64": gc.exp_tail_bound, "fp.exp.dd.float64": gc.exp_dd_bound, "fp.expm1.tail": gc.expm1_tail_bound}
    for claim_id, accessor in twins.items():
        (fused,) = [c for c in CLAIMS if c.id == claim_id]
        twin = gc.portable_twin(fused)
        assert fused.strategy.bound == accessor()
        with portable_build():
            assert twin.strategy.bound == accessor() > fused.strategy.bound
    (exp,) = [c for c in CLAIMS if c.id == "fp.exp.float64"]
    assert gc.portable_twin(exp).strategy.bound == exp.strategy.bound == gc.EXP_BOUND
    with portable_build():
        portable = gc._terms_dd_total()
    assert gc._terms_dd_total() < portable <= gc.portable_twin(next(c for c in CLAIMS if c.id == "fp.logsumexp.terms_dd.float64")).strategy.bound


def test_a_twin_is_refused_where_the_proof_does_not_carry_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """portable_twin refuses a claim listed as not carried over (none is now: logmeanexp's certificate was, until its
    underflow argument counted the portable build's extra rounding and the Dekker product's exactness there), and
    logmeanexp's certificates have twins. The float64 softmax's twin states the fused claim's 3 ULP: its exp is within
    1.4375 u there too (SP_EXP_HEAD), where the macro's rounded product r^2 q made it 1.5 u and the softmax 4 ULP."""
    from softproof.codegen.backends.gappa import claims as gc

    assert {c.id for c in PORTABLE_CLAIMS} >= {"fp.logmeanexp.certified.float64.portable", "fp.logmeanexp.certified.float32.portable"}
    refused = next(c for c in CLAIMS if c.id == "fp.log1p.float64")
    monkeypatch.setattr(gc, "_NOT_CARRIED", {refused.id: "a reason"})
    monkeypatch.setattr(gc, "_TWINS", {})
    with pytest.raises(ValueError, match="has no portable twin: a reason"):
        gc.portable_twin(refused)
    assert gc.SOFTMAX.strategy.bound == gc.portable_twin(gc.SOFTMAX).strategy.bound == 3
    assert "within 3 ULP" in gc.portable_twin(gc.SOFTMAX).quote and "within 3 ULP" in gc.SOFTMAX.quote
    with portable_build():
        assert gc.softmax_relative(Fraction(3, 2) * gc.U, gc._terms_total() + gc.U / 16, gc.SHIFT_BOUND, gc.SOFTMAX_ROWS) > 3 * gc.U


_PORTABLE_SEARCH = """
import json, sys
import softproof.generated.softmax_c as c
from softproof.measure.search import search
worst = {}
for function, dtype in json.loads(sys.stdin.read()):
    (found,) = search(function, {"c": getattr(c, function)}, dtype, seconds=1.5, seed=11)
    worst[f"{function} {dtype}"] = [found.ulps, found.describe()]
print(json.dumps(worst))
"""


@pytest.fixture(scope="module")
def portable_worst() -> dict[str, list[Any]]:
    """The worst input the search finds for each (function, dtype) of PORTABLE_ULPS in the build without FMA hardware
    (SOFTPROOF_PORTABLE=1, one process of its own for all)."""
    found: dict[str, list[Any]] = run_portable(_PORTABLE_SEARCH, sorted(PORTABLE_ULPS))
    return found


@pytest.fixture(scope="module")
def portable_ulps_results(tmp_path_factory: pytest.TempPathFactory) -> list[Result]:
    """The verdicts of the PORTABLE_ULPS claims alone (shared with the run's other fixtures by claim): the exhaustive
    stage, where this test runs, need not decide the whole fp catalogue again (its sweeps of every float32 among it)."""
    from conftest import _shared_verdicts

    return _shared_verdicts(list(PORTABLE_ULPS.values()), tmp_path_factory)


@needs_gappa
@pytest.mark.parametrize("key", sorted(PORTABLE_ULPS), ids=["-".join(k) for k in sorted(PORTABLE_ULPS)])
def test_the_portable_build_measures_within_its_proved_bound(key: tuple[str, str], portable_ulps_results: list[Result],
                                                             portable_worst: dict[str, list[Any]]) -> None:
    """Measurement and proof agree for the build without FMA hardware: the worst input the search finds there is
    within the bound its fp.*.portable claim proves."""
    (verdict,) = [r for r in portable_ulps_results if r.claim.id == PORTABLE_ULPS[key].id]
    assert verdict.status is Status.PROVED
    strategy = PORTABLE_ULPS[key].strategy
    assert isinstance(strategy, ComposedBound) and strategy.in_ulps
    worst, described = portable_worst[" ".join(key)]
    assert worst <= strategy.bound, described


_PORTABLE_LOGMEANEXP = """
import json, sys
import numpy as np
import softproof.generated.softmax_c as c
print(json.dumps([float(c.logmeanexp(np.array(row))) for row in json.loads(sys.stdin.read())]))
"""


def test_the_portable_logmeanexp_is_within_1_ulp_where_its_ratio_underflows() -> None:
    """fp.logmeanexp.certified.*.portable covers the rows whose ratio u = -S/P lies in [2^-968, 2^-916], where the
    quotient's remainder and low part fall below the normal range (the reason the twin was once refused): rows of 0 and
    entries -d with d from 2^-967 to 2^-915, two to four entries, the portable build against mpmath (tests/oracle.py).
    Test of the test: the naive log(mean(exp(x))) in double gives 0 there, 2^-950 away."""
    rows = [[0.0, -(2.0**-k) * c] for k in range(915, 968, 4) for c in (1.0, 1.37, 1.99)]
    rows += [[0.0, -(2.0**-k), -(2.0**-(k + 3)), 0.0] for k in range(916, 966, 7)] + [[-(2.0**-930), 0.0, -(2.0**-940)]]
    got = np.array(run_portable(_PORTABLE_LOGMEANEXP, rows))
    truth = np.array([oracle.logmeanexp(row) for row in rows])
    assert (truth < 0).all() and (np.abs(truth) < 2.0**-900).all()
    assert ulp_distance(got, truth).max() <= 1, np.array(rows, dtype=object)[ulp_distance(got, truth) > 1]
    naive = np.array([np.log(np.mean(np.exp(row))) for row in rows])
    assert (ulp_distance(naive, truth) > 2**40).all()


@pytest.mark.parametrize("runs, proved", [([1, 0], True), ([1, 1, 1, 1, 1], False), ([0], True)])
def test_a_claim_is_proved_by_any_run_that_meets_its_bound(monkeypatch: pytest.MonkeyPatch, runs: list[int],
                                                           proved: bool) -> None:
    """Gappa's search varies between runs: a wide enclosure (1) then a tight one (0) proves the claim, as
    the second run is a theorem too; five wide ones do not; the runs stop at the first that proves."""
    from softproof.codegen.backends.gappa import claims as gappa_claims
    from softproof.codegen.backends.gappa.prover import Enclosure

    claim = next(c for c in CLAIMS if isinstance(c.strategy, GappaBound) and not c.strategy.extra and not c.strategy.requires)
    strategy = claim.strategy
    assert isinstance(strategy, GappaBound)
    goal = gappa_claims.script(strategy.script_name).goal
    calls: list[int] = []

    def fake_run(text: str, timeout: float = 120.0, precision: int = 60) -> tuple[list[Enclosure], str]:
        wide = runs[len(calls)]
        calls.append(wide)
        half = strategy.bound * (2 if wide else Fraction(1, 2))
        return [Enclosure(goal, -half, half)], "Results: ..."

    monkeypatch.setattr(gappa_claims, "run_gappa", fake_run)
    monkeypatch.setattr(gappa_claims.prover, "gappa_executable", lambda: "/fake/gappa")
    monkeypatch.setattr(gappa_claims, "_RUNS", {})
    outcome = strategy.run(claim.statement)
    assert (outcome.status is Status.PROVED) == proved, outcome.steps
    assert calls == runs


def test_without_gappa_the_claims_are_skipped_not_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every claim that rests on a Gappa script is skipped (unproved, said so, not a failure); the two that rest on none
    (triple_renorm's normalisation, an argument in exact rationals; the triple constants, mpmath's intervals) and their
    portable twins are proved all the same."""
    monkeypatch.setattr("softproof.codegen.backends.gappa.prover.gappa_executable", lambda: None)
    results = [run_claim(c) for c in CLAIMS]
    free = {c.id for c in CLAIMS if isinstance(c.strategy, ComposedBound) and not c.strategy.parts}
    assert free == {"fp.triple.renorm", "fp.triple.exp.table", "fp.triple.renorm.portable", "fp.triple.exp.table.portable"}
    assert all(r.status is Status.PROVED if r.claim.id in free else
               (r.status is Status.UNPROVED and r.outcome.skipped == GAPPA_MISSING and r.as_expected) for r in results)
    assert f"{len(CLAIMS) - len(free)} of them skipped: {GAPPA_MISSING}" in summary_line(results)


@needs_gappa
@pytest.mark.parametrize("key", sorted(PROVED_ULPS), ids=["-".join(k) for k in sorted(PROVED_ULPS)])
def test_measured_error_is_within_the_proved_bound(key: tuple[str, str], fp_results: list[Result],
                                                    measurements: list[Measurement]) -> None:
    """Measurement and proof agree: the largest error measured on the accuracy regions (the run's shared
    measurement, tests/conftest.py), and found by the search, is at most the bound Gappa proves for every input."""
    import softproof.generated.softmax_c as c_target
    from softproof.measure.search import search

    function, dtype = key
    (verdict,) = [r for r in fp_results if r.claim.id == PROVED_ULPS[key].id]  # decided once per session
    assert verdict.status is Status.PROVED
    bound = proved_ulps(function, dtype)
    assert bound is not None
    measured = max(m.max_ulp for m in measurements if (m.function, m.dtype, m.implementation) == (function, dtype, "softproof C"))
    (worst,) = search(function, {"c": getattr(c_target, function)}, dtype, seconds=1, seed=11)
    assert max(measured, worst.ulps) <= bound, (measured, worst.describe())


def test_the_ulp_conversions() -> None:
    u = Fraction(1, 2**53)
    assert ulps_from_relative(u / 2) == 1 and ulps_from_relative(Fraction(2977, 1000) * u) == 3
    assert ulps_from_relative(Fraction(3954, 1000) * u) == 4
    assert ulps_from_absolute(Fraction(1, 2**1075), Fraction(1, 2**1074)) == 1
    assert ulps_from_absolute(Fraction(1, 2**60), Fraction(1, 2**53)) == 0
    # one rounding of a value within rho: fp.softmax.float64's 2.98 u leaves 3 boundaries, the 3.9 u before the fix 4
    assert ulps_after_rounding(Fraction(298, 100) * u) == 3 and ulps_after_rounding(Fraction(39, 10) * u) == 4
    assert ulps_after_rounding(Fraction(1, 2**35), Fraction(1, 2**24)) == 1


def test_the_log1mexp_argument_needs_its_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """fp.log1mexp.float64's composition: 2 ULP with sp_exp_dd's 2^-54 and the split at -0.34; an e^x only as good as the
    exp kernel's 1.4375 u (1 - e^x amplifies it by up to 2.5) or a split beyond the tail's interval (|x| <= 0.35) does not
    prove it; the near branch alone (expm1's tail) is within about 0.8 u before the log."""
    from softproof.codegen.backends.gappa import claims as gappa_claims

    assert gappa_claims.log1mexp_ulps() == 2 and gappa_claims.log1mexp_relative() < 2 * gappa_claims.U
    monkeypatch.setattr(gappa_claims, "EXP_DD_BOUND", gappa_claims.EXP_BOUND)
    assert gappa_claims.log1mexp_ulps() > 2
    monkeypatch.undo()
    monkeypatch.setattr(gappa_claims, "LOG1MEXP_SPLIT_T", Fraction(1, 2))
    assert gappa_claims.log1mexp_ulps() > 2


def test_no_script_gives_gappa_two_rewritings_of_one_expression() -> None:
    """Gappa picks among several ``->`` hints of one expression in no fixed order: with two for
    (p - decay r_lo)/decay in one script, 1 run in 40 proved 3.45 u instead of 2.954 u (and the claim
    failed). Each script has at most one rewriting per expression (a range split goes to two scripts)."""
    from softproof.codegen.backends.gappa.scripts import scripts

    for item in scripts():
        targets = [hint.split("->")[0].replace(" ", "") for hint in item.hints if "->" in hint]
        assert len(targets) == len(set(targets)), (item.name, sorted(t for t in targets if targets.count(t) > 1))


def test_the_certificate_argument_needs_its_margin() -> None:
    """fp.logsumexp.certified.float64's conversion: 2^-53.5 (SP_WITHIN_ULP_D) leaves one rounding boundary at
    most between the computed and the exact value; a threshold of 2^-53 would not (two ULPs)."""
    from pathlib import Path

    from softproof.codegen.backends.gappa.claims import WITHIN_ULP, WITHIN_ULP_SINGLE, certified_ulps

    assert certified_ulps() == 1 and certified_ulps(WITHIN_ULP_SINGLE, single=True) == 1
    source = (Path(__file__).resolve().parent.parent / "generated" / "c" / "softmax.c").read_text(encoding="utf-8")
    printed = dict(re.findall(r"^#define (SP_WITHIN_ULP_[DF]) (0x[0-9a-fp.+-]+)", source, re.MULTILINE))
    assert Fraction(float.fromhex(printed["SP_WITHIN_ULP_D"])) == WITHIN_ULP  # the claim reads the thresholds the C compares with
    assert Fraction(float.fromhex(printed["SP_WITHIN_ULP_F"])) == WITHIN_ULP_SINGLE
    assert certified_ulps(Fraction(1, 2**53)) == 2 and certified_ulps(Fraction(1, 2**24), single=True) == 2


def test_row_sums_are_within_the_terms_bound() -> None:
    """fp.logsumexp.terms.float64 against mpmath: a state's t_hi + t_lo (the kernels' own row statistics, C
    target) is within (2^-52 + gamma^2) of the exact sum of e^((x_j - m)/T), plus n 2^-1074, on rows of
    1 to 300 000 entries (lanes, split rows, rows read once), temperatures and entries far below the max
    (a row whose own LSE does not certify itself has its sum redone more precisely, within the bound too).
    Test of the test: a bound of 2^-54 (what the exp kernel alone does not hold) fails."""
    import mpmath
    import numpy as np

    import softproof.generated.softmax_c as c_target

    rng = np.random.default_rng(8)
    worst = 0.0
    cases = [(n, T, spread, np.float64, 2.0**-52) for n, T, spread in
             ((2, 1.0, 3.0), (3, 0.37, 10.0), (17, 1.0, 700.0), (100, 3.3, 30.0), (40_000, 1.0, 5.0), (300_000, 1.0, 3.0))]
    cases += [(n, 1.0, 3.0, np.float32, 2.0**-36) for n in (5, 5000)]  # fp.logsumexp.terms.float32: plain sums of 256 blocks
    for n, T, spread, dtype, bound in cases:
        for _ in range(1 if n > 1000 else 40):
            x = (rng.standard_normal(n) * spread).astype(dtype)
            state = c_target.lse_state(x, temperature=T)
            got = mpmath.mpf(float(state["t_hi"])) + mpmath.mpf(float(state["t_lo"])) + mpmath.mpf(float(state["t_ll"]))
            m = float(x.max())
            with mpmath.workprec(120):
                exact = mpmath.fsum(mpmath.exp((mpmath.mpf(float(v)) - float(m)) / T) for v in x if v != m)
                gamma = (n - 1) * 2.0**-53 / (1 - (n - 1) * 2.0**-53)
                error = abs(got - exact)
                assert error <= (bound + gamma**2) * exact + n * 2.0**-1074, (n, T, dtype, float(error / exact))
                worst = max(worst, float(error / exact)) if exact > 0 and dtype is np.float64 else worst
    assert worst > 2.0**-54  # the terms' error is real: a 2^-54 bound would be false



def test_the_logit_argument_reads_the_printed_constants() -> None:
    """fp.logit.*'s argument (logit_relative) states two facts about sp_logit's constants as printed into the C source:
    SP_LOGIT_SHIFT_HI + SP_LOGIT_SHIFT_LO is 64 ln 2 to LN2_PAIR_ERROR, and below SP_LOGIT_TINY the scaling's
    error log1p(-x) - log1p(-2^64 x) is under LOGIT_SCALING_ERROR of |logit(x)| (checked at the threshold, where it is
    largest: it grows with x while |logit(x)| falls). Test of the test: the low part cut to 20 bits is not within."""
    import math
    from pathlib import Path

    import mpmath

    from softproof.codegen.backends.gappa.claims import LN2_PAIR_ERROR, LOGIT_SCALING_ERROR

    source = (Path(__file__).resolve().parent.parent / "generated" / "c" / "softmax.c").read_text(encoding="utf-8")
    printed = {name: float.fromhex(value) for name, value in re.findall(r"^static const double (SP_LOGIT_\w+) = (0x[0-9a-fp.+-]+);",
                                                                        source, re.MULTILINE)}
    assert printed["SP_LOGIT_SCALE"] == 2.0**64
    hi, lo = printed["SP_LOGIT_SHIFT_HI"], printed["SP_LOGIT_SHIFT_LO"]
    mantissa, exponent = math.frexp(lo)
    cut = math.ldexp(math.floor(math.ldexp(mantissa, 20)), exponent - 20)
    with mpmath.workprec(400):
        shift = 64 * mpmath.log(2)

        def within(bound: Fraction, value: mpmath.mpf) -> bool:
            return bool(value <= mpmath.mpf(bound.numerator) / bound.denominator)

        assert within(LN2_PAIR_ERROR, abs(shift - hi - lo) / shift)
        assert not within(LN2_PAIR_ERROR, abs(shift - hi - cut) / shift)
        x = mpmath.mpf(printed["SP_LOGIT_TINY"])
        assert within(LOGIT_SCALING_ERROR, abs(mpmath.log1p(-x) - mpmath.log1p(-x * 2**64)) / abs(mpmath.log(x / (1 - x))))


def _backward_rows(dtype: type) -> list[tuple[np.ndarray, np.ndarray]]:
    """(p, g) rows where the backward kernels' results cancel: g_i near <g, p> (a constant plus tiny noise), upstream
    entries of both signs and of every scale (sums that cancel), a dominant probability, lengths across the lane and tile
    paths (1 to 3000 entries)."""
    import softproof.generated.softmax_c as c_target

    rng = np.random.default_rng(31)
    rows = []
    for n in (1, 2, 3, 7, 31, 32, 33, 100, 257, 1000, 3000):
        x = rng.normal(scale=3.0, size=n)
        p = c_target.softmax(x.astype(dtype))
        for g in (rng.normal(size=n), 5.0 + rng.normal(scale=1e-9, size=n), rng.normal(size=n) * 10.0 ** rng.uniform(-8, 8, n),
                  np.where(rng.random(n) < 0.5, 1e6, -1e6) + rng.normal(size=n)):
            rows.append((p, g.astype(dtype)))
    return rows


def _fraction(value: float) -> Fraction:
    return Fraction(float(value))


def _exp_fraction(value: float) -> Fraction:
    """e^value to 2^-250 relative, as a rational (mpmath at 260 bits)."""
    with mpmath.workprec(260):
        mantissa, exponent = mpmath.exp(mpmath.mpf(value)).man_exp
    return Fraction(int(mantissa)) * Fraction(2) ** int(exponent)


def test_backward_kernels_are_within_their_proved_mixed_bounds() -> None:
    """fp.softmax_backward.* and fp.log_softmax_backward.*: every entry of the C kernels within c (|the result's parts|) of
    the exact value, computed in rationals from the very inputs, on rows that cancel. Test of the test: the same formulas
    with a plain left-to-right sum (no TwoSum) break the float64 bounds on these rows."""
    import softproof.generated.softmax_c as c_target
    from softproof.codegen.backends.gappa.claims import LOG_SOFTMAX_BACKWARD_BOUNDS, SOFTMAX_BACKWARD_BOUNDS

    naive_over = 0
    for dtype, name, floor in ((np.float64, "float64", Fraction(1, 2**1074)), (np.float32, "float32", Fraction(1, 2**149))):
        c_soft, c_log = SOFTMAX_BACKWARD_BOUNDS[name], LOG_SOFTMAX_BACKWARD_BOUNDS[name]
        for p, g in _backward_rows(dtype):
            n = p.size
            P, G = [_fraction(v) for v in p], [_fraction(v) for v in g]
            D, A = sum((a * b for a, b in zip(P, G, strict=True)), Fraction(0)), sum((a * abs(b) for a, b in zip(P, G, strict=True)), Fraction(0))
            out = c_target.softmax_backward(p[None, :], g[None, :])[0]
            plain = 0.0
            for a, b in zip(p.astype(np.float64), g.astype(np.float64), strict=True):
                plain += a * b
            for i in range(n):
                exact = P[i] * (G[i] - D)
                allowed = c_soft * P[i] * (abs(G[i] - D) + A) + (n + 1) * floor
                assert abs(_fraction(out[i]) - exact) <= allowed, (name, n, i)
                if dtype is np.float64:
                    naive_over += abs(_fraction(float(p[i]) * (float(g[i]) - plain)) - exact) > allowed
            lp = np.log(p.astype(np.float64)).astype(dtype)
            E = [_exp_fraction(float(v)) for v in lp] if n <= 100 else None
            if E is None:
                continue
            total, size = sum(G, Fraction(0)), sum((abs(b) for b in G), Fraction(0))
            out = c_target.log_softmax_backward(lp[None, :], g[None, :])[0]
            for j in range(n):
                exact = G[j] - E[j] * total
                allowed = c_log * (abs(exact) + E[j] * size) + (size + 1) * floor + Fraction(1, 2**200) * E[j] * size
                assert abs(_fraction(out[j]) - exact) <= allowed, (name, n, j)
    assert naive_over > 0


def _lse_backward_reference(x: np.ndarray, g: float, temperature: float, bits: int) -> list[float]:
    """g e^(x_i/T) / sum_j e^(x_j/T), correctly rounded to ``bits`` (mpmath; the precision doubled until stable)."""
    from softproof.measure.accuracy import _round

    previous: list[float] | None = None
    prec = 256 + int(float(np.ptp(x)) / temperature * 1.45)
    while True:
        with mpmath.workprec(prec):
            terms = [mpmath.exp(mpmath.mpf(float(v)) / mpmath.mpf(temperature)) for v in x]
            total = mpmath.fsum(terms)
            rounded = [_round(mpmath.mpf(float(g)) * t / total, bits) for t in terms]
        if rounded == previous:
            return rounded
        previous, prec = rounded, prec * 2


def test_logsumexp_backward_is_within_its_proved_bounds() -> None:
    """fp.logsumexp_backward.float64/float32 against mpmath on rows with a negative maximum, dominant logits (probabilities
    down to about 1e-300), random temperatures and upstream values of every scale and sign. Test of the test: the plain
    formula g e^x / sum e^x overflows to NaN on the rows with logits near 1000, where softproof stays within its bound."""
    import softproof.generated.softmax_c as c_target
    from softproof.codegen.backends.gappa.claims import LOGSUMEXP_BACKWARD, LOGSUMEXP_BACKWARD_SINGLE
    from softproof.measure.accuracy import ulp_distance

    bound64 = int(LOGSUMEXP_BACKWARD.strategy.bound)  # type: ignore[attr-defined]
    bound32 = int(LOGSUMEXP_BACKWARD_SINGLE.strategy.bound)  # type: ignore[attr-defined]
    rng = np.random.default_rng(5)
    worst = {"float64": 0.0, "float32": 0.0}
    naive_broke = 0
    for trial in range(60):
        n = int(rng.choice((1, 2, 3, 5, 17, 64)))
        x = rng.normal(scale=float(rng.choice((1.0, 10.0, 200.0))), size=n) + float(rng.choice((0.0, -3.0, 1000.0)))
        temperature = float(10 ** rng.uniform(-1, 1)) if trial % 3 == 0 else 1.0
        g = float(rng.choice((1.0, -2.5, 1e-300, 3e300))) * float(rng.uniform(0.5, 2.0))
        for dtype, bits, bound in ((np.float64, 53, bound64), (np.float32, 24, bound32)):
            xs, gs = x.astype(dtype), np.asarray(min(g, 1e38) if dtype is np.float32 else g, dtype=dtype)
            out = c_target.logsumexp_backward(xs[None, :], gs[None], temperature=temperature)[0]
            exact = np.array(_lse_backward_reference(xs.astype(np.float64), float(gs), temperature, bits), dtype=dtype)
            with np.errstate(all="ignore"):
                probability = np.exp(xs.astype(np.float64) / temperature - np.max(xs.astype(np.float64) / temperature))
                probability /= probability.sum()
            checked = probability >= 2.0**-1018 if dtype is np.float64 else np.ones(n, dtype=bool)
            distance = ulp_distance(out[checked], exact[checked])
            worst[np.dtype(dtype).name] = max(worst[np.dtype(dtype).name], float(distance.max(initial=0.0)))
            assert distance.max(initial=0.0) <= bound, (dtype, trial, x, g, temperature, out, exact)
            if dtype is np.float64 and x.max() > 900:
                with np.errstate(all="ignore"):
                    plain = g * np.exp(x / temperature) / np.exp(x / temperature).sum()
                naive_broke += bool(np.isnan(plain).any() or (ulp_distance(plain, exact) > bound).any())
    assert naive_broke > 0 and worst["float32"] <= 1, worst


def test_the_later_stages_compositions_need_their_parts_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The compositions of fp.logsumexp.certified_triple.float64, fp.logmeanexp.certified_triple.float64 and
    fp.logsumexp.certified_wide.float64 are not vacuous: with a part's bound looser than proved (the exp at 2^-130,
    triple_add at 2^-139 per entry, a long double term's argument at 2^-60), or an assumption on the C library weaker
    (log within 2^-20, expl and logl within 4 ulp), they no longer give 1 ULP under the C's certificates."""
    from softproof.codegen.backends.gappa import triple_bounds as tb
    from softproof.codegen.backends.gappa import wide_bounds as wb

    assert tb.triple_stage_ulps() == tb.mean_stage_ulps() == wb.wide_stage_ulps() == 1
    for name, loose in (("EXP_BOUND", Fraction(1, 2**130)), ("ADD_BOUND", Fraction(1, 2**139)), ("LIBM_LOG", Fraction(1, 2**20))):
        with monkeypatch.context() as patched:
            patched.setattr(tb, name, loose)
            assert tb.triple_stage_ulps() == tb.mean_stage_ulps() == 2, name
    for name, loose in (("TERM_ARGUMENT", Fraction(1, 2**60)), ("LIBRARY", Fraction(1, 2**61))):
        with monkeypatch.context() as patched:
            patched.setattr(wb, name, loose)
            assert wb.wide_stage_ulps() == 2, name


def test_the_later_stages_float32_decisions_need_their_margins(monkeypatch: pytest.MonkeyPatch) -> None:
    """fp.logsumexp.certified_{raised,wide,triple}.float32.cr: each float32 decision covers its stage's error, and not
    vacuously: the ends test fails over a stage error 2^-44 of E larger or 2^-44 of |out| beyond E; the triple stage's
    own test fails without its slack on B (B's roundings), with a relative margin of 2^-102 (below the remainder's
    2^-101) or with an absolute margin of 2^-1070 (below the stage's 2^-1068); and each fails with its stage's parts
    looser than proved, as the float64 claims do."""
    import dataclasses

    from softproof.codegen.backends.gappa import claims
    from softproof.codegen.backends.gappa import triple_bounds as tb
    from softproof.codegen.backends.gappa import wide_bounds as wb
    from softproof.codegen.backends.gappa.decisions import ends_decision_covers

    assert claims.raised_single_covers() and wb.wide_single_covers() and tb.triple_single_decided() and claims.decision_covers()
    assert ends_decision_covers(1 / (1 - claims.U) ** 6, Fraction(0))
    assert not ends_decision_covers(1 + Fraction(1, 2**44), Fraction(0))
    assert not ends_decision_covers(Fraction(1), Fraction(1, 2**44))
    for field, weak in (("triple_float32_slack", Fraction(0)), ("triple_float32_relative", Fraction(1, 2**102)),
                        ("triple_float32_absolute", Fraction(1, 2**1070))):
        with monkeypatch.context() as patched:
            patched.setattr(tb, "LOGSUMEXP_ERRORS", dataclasses.replace(tb.LOGSUMEXP_ERRORS, **{field: float(weak)}))
            assert not tb.triple_single_decided(), field
    with monkeypatch.context() as patched:
        patched.setattr(tb, "EXP_BOUND", Fraction(1, 2**130))
        assert not tb.triple_single_decided()
    with monkeypatch.context() as patched:
        patched.setattr(wb, "LIBRARY", Fraction(1, 2**61))
        assert not wb.wide_single_covers()
    with monkeypatch.context() as patched:
        patched.setattr(claims, "RAISED_STAGE", dataclasses.replace(claims.RAISED_STAGE, error=2.0**-100))
        assert not claims.raised_single_covers()


def test_the_states_triple_double_compositions_need_their_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """fp.state.refine_triple, fp.state.merge_triple and fp.state.finish_triple are not vacuous: each holds with the
    proved parts and fails with one looser (the exp at 2^-130, the product's absolute part four times larger, the C
    library's log within 2^-20); and the merge's bound the C took until 2026-12-07, 2^-134, is below what the parts give
    (2^-133.09: the product's subnormal parts against F S_b near 2^-938)."""
    from softproof.codegen.backends.gappa import triple_bounds as tb
    from softproof.codegen.kernels import LOGSUMEXP_ERRORS

    per_entry = Fraction(LOGSUMEXP_ERRORS.triple_per_entry)
    merge, finish = Fraction(LOGSUMEXP_ERRORS.state_triple_merge), Fraction(LOGSUMEXP_ERRORS.state_finish_triple)
    assert tb.state_refine_total() <= per_entry and tb.state_merge_triple_total() <= merge and tb.state_finish_triple_total() <= finish
    assert tb.state_merge_triple_total() > Fraction(1, 2**134)
    with monkeypatch.context() as patched:
        patched.setattr(tb, "EXP_BOUND", Fraction(1, 2**130))
        assert tb.state_refine_total() > per_entry and tb.state_merge_triple_total() > merge
    with monkeypatch.context() as patched:
        patched.setattr(tb, "MUL_ABSOLUTE", 4 * tb.MUL_ABSOLUTE)
        assert tb.state_merge_triple_total() > merge
    with monkeypatch.context() as patched:
        patched.setattr(tb, "LIBM_LOG", Fraction(1, 2**20))
        assert tb.state_finish_triple_total() > finish
