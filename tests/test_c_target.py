"""The C target: strict C99 compile, and a C program using the header directly."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import ctypes

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "generated" / "c" / "softmax.c"
CC = shutil.which("cc") or shutil.which("gcc")
pytestmark = pytest.mark.skipif(CC is None, reason="no C compiler")


def test_compiles_without_warnings_under_strict_c99(tmp_path: Path) -> None:
    flags = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-Wshadow", "-Wconversion", "-O2"]
    result = subprocess.run([CC, *flags, "-c", str(SOURCE), "-o", str(tmp_path / "softmax.o")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_where_long_double_is_double_the_two_pass_path_compiles_and_passes(tmp_path: Path) -> None:
    """Long rows are read once only where long double has a 64-bit significand (the segment scales);
    elsewhere (emulated by gcc's -mlong-double-64 on x86) the source still compiles cleanly and passes.
    (glibc's expl/logl keep the 80-bit ABI under that flag, so the C program's reference is in double.)"""
    probe = subprocess.run([CC, "-mlong-double-64", "-x", "c", "-c", "-", "-o", str(tmp_path / "probe.o")],
                           input="int main(void) { return 0; }", capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("the compiler has no -mlong-double-64")
    exe = tmp_path / "test_softmax_ld64"
    flags = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-Wshadow", "-O2", "-mlong-double-64"]
    build = subprocess.run([CC, *flags, "-I", str(SOURCE.parent), str(ROOT / "tests" / "c" / "test_softmax.c"), str(SOURCE),
                            "-o", str(exe), "-lm"], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    run = subprocess.run([str(exe)], capture_output=True, text=True)
    assert run.returncode == 0 and "1 passed, 0 failed" in run.stdout, run.stdout


@pytest.mark.parametrize("extra", [[], ["-O0"], ["-O3", "-march=native"]])
def test_c_program_against_the_header(tmp_path: Path, extra: list[str]) -> None:
    exe = tmp_path / "test_softmax"
    build = subprocess.run(
        [CC, "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", *extra, "-I", str(SOURCE.parent),
         str(ROOT / "tests" / "c" / "test_softmax.c"), str(SOURCE), "-o", str(exe), "-lm"],
        capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stderr
    run = subprocess.run([str(exe)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout
    assert "1 passed, 0 failed" in run.stdout


VALUE_CHANGING = ("-ffast-math", "-Ofast", "-funsafe-math-optimizations", "-ffinite-math-only", "-fassociative-math",
                  "-freciprocal-math", "-fno-signed-zeros")


def test_no_value_changing_flag_in_any_build(monkeypatch: pytest.MonkeyPatch) -> None:
    from softproof.generated import _clib

    for env in ({}, {"SOFTPROOF_PORTABLE": "1"}, {"SOFTPROOF_OPENMP": "1"}):
        for key in ("SOFTPROOF_PORTABLE", "SOFTPROOF_OPENMP"):
            monkeypatch.delenv(key, raising=False)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        for flags in _clib.flag_sets():
            assert not set(flags) & set(VALUE_CHANGING), flags
    source = SOURCE.read_text(encoding="utf-8")
    # no pragma switches one on either: the one optimize pragma turns contraction off (tests/test_rounding_order.py)
    assert source.count("optimize") == source.count('#pragma GCC optimize("fp-contract=off")') == 1 and "fast-math" not in source


def test_wide_vectors_are_asked_of_gcc_on_x86_64_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """512-bit vectors (the bits do not depend on the width: tests/test_rounding_order.py) for GCC on x86-64, in the
    first native flag sets and not in the next (a compiler that does not know the option); nothing for Clang or
    another architecture."""
    from softproof.generated import _clib

    for key in ("SOFTPROOF_PORTABLE", "SOFTPROOF_OPENMP"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setattr(_clib.platform, "machine", lambda: "x86_64")
    assert _clib.wide_vectors("gcc") == _clib.WIDE_VECTORS and _clib.wide_vectors("clang") == ()
    sets = _clib.flag_sets("gcc")
    assert sets[:3] == [(*_clib.NATIVE_FLAGS, *_clib.WIDE_VECTORS, "-fopenmp"), (*_clib.NATIVE_FLAGS, *_clib.WIDE_VECTORS),
                        (*_clib.NATIVE_FLAGS, "-fopenmp")]
    assert not set(_clib.WIDE_VECTORS) & {flag for flags in _clib.flag_sets("clang") for flag in flags}
    monkeypatch.setattr(_clib.platform, "machine", lambda: "aarch64")
    assert _clib.wide_vectors("gcc") == () and _clib.flag_sets("gcc")[0] == (*_clib.NATIVE_FLAGS, "-fopenmp")


def test_portable_build_without_native_flags_passes_the_c_program(tmp_path: Path) -> None:
    """The same source compiles and passes with the baseline instruction set (no AVX)."""
    from softproof.generated import _clib

    exe = tmp_path / "test_softmax_portable"
    build = subprocess.run(
        [CC, *_clib.PORTABLE_FLAGS, "-Wall", "-Wextra", "-Werror", "-I", str(SOURCE.parent),
         str(ROOT / "tests" / "c" / "test_softmax.c"), str(SOURCE), "-o", str(exe), "-lm"],
        capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stderr
    run = subprocess.run([str(exe)], capture_output=True, text=True)
    assert run.returncode == 0 and "1 passed, 0 failed" in run.stdout, run.stdout


def test_openmp_build_passes_the_c_program(tmp_path: Path) -> None:
    """The OpenMP build (the default; rows in parallel, long rows in fixed chunks): the same program passes."""
    from softproof.generated import _clib

    exe = tmp_path / "test_softmax_openmp"
    flags = [*_clib.NATIVE_FLAGS, "-fopenmp"]
    build = subprocess.run(
        [CC, *flags, "-Wall", "-Wextra", "-Werror", "-I", str(SOURCE.parent),
         str(ROOT / "tests" / "c" / "test_softmax.c"), str(SOURCE), "-o", str(exe), "-lm"],
        capture_output=True, text=True,
    )
    if build.returncode != 0 and "fopenmp" in build.stderr:
        pytest.skip("the compiler has no OpenMP")
    assert build.returncode == 0, build.stderr
    run = subprocess.run([str(exe)], capture_output=True, text=True, env={"OMP_NUM_THREADS": "2"})
    assert run.returncode == 0 and "1 passed, 0 failed" in run.stdout, run.stdout


@pytest.fixture(scope="module", params=[True, False], ids=["native", "portable"])
def piece_shim(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> ctypes.CDLL:
    """The kernels' pieces callable one input at a time: sp_log1p, sp_log1p_dd and reciprocal_of_sum, from
    the generated source built natively (vectorised, FMA) or portably (-O2, no FMA); one build per flavour."""
    import ctypes

    native = request.param
    folder = tmp_path_factory.mktemp("native" if native else "portable")
    shim = folder / "shim.c"
    shim.write_text(f'#include "{SOURCE}"\n'
                    "void shim_log1p(const double *u, double *out, size_t n)\n"
                    "{ size_t i; SP_SIMD for (i = 0; i < n; ++i) out[i] = sp_log1p(u[i]); }\n"
                    "void shim_log1p_dd(const double *u, const double *u_lo, double *out, double *lo, size_t n)\n"
                    "{ size_t i; SP_SIMD for (i = 0; i < n; ++i) out[i] = sp_log1p_dd(u[i], u_lo[i], lo + i); }\n"
                    "void shim_reciprocal(const double *c, const double *t, const double *t_lo, double *hi, double *lo, size_t n)\n"
                    "{ size_t i; for (i = 0; i < n; ++i) reciprocal_of_sum(c[i], t[i], t_lo[i], hi + i, lo + i); }\n")
    flags = ["-march=native", "-O3", "-fopenmp-simd", "-DSOFTPROOF_OMP_SIMD"] if native else ["-O2"]
    library = folder / "shim.so"
    build = subprocess.run([CC, "-std=c99", "-shared", "-fPIC", "-fno-trapping-math", *flags, str(shim), "-o", str(library), "-lm"],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    lib = ctypes.CDLL(str(library))
    lib.shim_log1p.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
    lib.shim_log1p_dd.argtypes = [ctypes.c_void_p] * 4 + [ctypes.c_size_t]
    lib.shim_reciprocal.argtypes = [ctypes.c_void_p] * 5 + [ctypes.c_size_t]
    lib.native = native
    return lib


def test_derived_log1p_is_within_one_ulp_of_mpmath(piece_shim: ctypes.CDLL) -> None:
    """sp_log1p (derive/log1p_kernel.py) against mpmath's log1p, correctly rounded, on u >= 0 of every scale."""
    import mpmath
    import numpy as np

    from softproof.measure.accuracy import ulp_distance

    rng = np.random.default_rng(7)
    u = np.concatenate([
        10 ** rng.uniform(-20, 15, 4000), rng.uniform(0, 1, 2000), rng.uniform(0.40, 0.43, 1000),  # around sqrt(2) - 1
        rng.integers(0, 1 << 20, 1000).astype(float),  # (c - 1) + t with t = 0: tied maxima only
        np.array([0.0, 5e-324, 1e-300, 2.0**-53, 1.0, np.sqrt(2) - 1, np.sqrt(0.5) * 2 - 1, 2.0**53, 1e300]),
    ])
    out = np.empty_like(u)
    piece_shim.shim_log1p(u.ctypes.data, out.ctypes.data, u.size)
    with mpmath.workprec(200):
        exact = np.array([float(mpmath.log1p(mpmath.mpf(float(v)))) for v in u])
    distance = ulp_distance(out, exact)
    assert out[u == 0.0][0] == 0.0
    assert distance.max() <= 1, (u[distance.argmax()], out[distance.argmax()], exact[distance.argmax()])
    assert distance.mean() < (0.02 if piece_shim.native else 0.05)  # without a fused multiply-add, f^2/2 is not split exactly


def test_double_double_log1p_is_within_its_proved_bound(piece_shim: ctypes.CDLL) -> None:
    """sp_log1p_dd's out + lo against mpmath's log1p(u + u_lo) at 200 bits: within fp.log1p.float64's
    2^-56 (relative, u >= 2^-968) on u of every scale, u_lo up to ulp(u)/2, the series threshold 2^-30
    and the ends of 1 + f's range included. Test of the test: one rounding of the result, log1p(u) as a
    double, is 2^-54 off on the same inputs, and so was the kernel before its series and s + s_low
    (2^-52.7 for u < 2^-50, 2^-55 near f = 0.41: logsumexp 2 ULP off on [-4.2e-18, -37.39])."""
    import mpmath
    import numpy as np

    from softproof.codegen.backends.gappa.claims import LOG1P_BOUND

    rng = np.random.default_rng(11)
    u = np.concatenate([
        2.0 ** rng.uniform(-968, 30, 3000), 2.0 ** rng.uniform(-60, -20, 3000), rng.uniform(0.40, 0.4143, 1000),
        2.0**-30 * (1 + rng.uniform(-1e-3, 1e-3, 500)), np.sqrt(2) * 2.0 ** rng.integers(-2, 40, 500) * (1 + rng.uniform(-1e-9, 1e-9, 500)),
        np.array([2.0**-968, 2.0**-30, np.nextafter(2.0**-30, 0), 2.0**-53, 1.0, np.sqrt(2) - 1, 2.0**53, 1e300]),
    ])
    u_lo = rng.uniform(-0.5, 0.5, u.size) * np.spacing(u) * (rng.random(u.size) < 0.7)
    out, lo = np.empty_like(u), np.empty_like(u)
    piece_shim.shim_log1p_dd(u.ctypes.data, u_lo.ctypes.data, out.ctypes.data, lo.ctypes.data, u.size)
    bound = float(LOG1P_BOUND)
    with mpmath.workprec(200):
        exact = [mpmath.log1p(mpmath.mpf(float(a)) + mpmath.mpf(float(b))) for a, b in zip(u, u_lo, strict=True)]
        error = np.array([float(abs((mpmath.mpf(float(o)) + mpmath.mpf(float(low)) - e) / e)) for o, low, e in zip(out, lo, exact, strict=True)])
        rounded = np.array([float(abs((mpmath.mpf(float(e)) - e) / e)) for e in exact])  # log1p(u + u_lo) rounded once
    assert error.max() <= bound, (u[error.argmax()], u_lo[error.argmax()], error.max() / bound)
    assert rounded.max() > bound  # a double alone cannot hold the bound: the test can fail


def test_reciprocal_of_sum_is_within_its_proved_bound(piece_shim: ctypes.CDLL) -> None:
    """reciprocal_of_sum's inv_hi + inv_lo against 1/(c + t + t_lo) in exact rationals: within
    fp.softmax.assembly.float64's 2^-100, for tie counts c >= 1, t of every scale and |t_lo| <= ulp(t)/2.
    Test of the test: the reciprocal of c + t alone (t_lo left out, as before the claim) is 2^-60 off."""
    from fractions import Fraction

    import numpy as np

    from softproof.codegen.backends.gappa.claims import SOFTMAX_ASSEMBLY_BOUND

    rng = np.random.default_rng(5)
    size = 4000
    c = rng.integers(1, 1 << 20, size).astype(float)
    c[: size // 2] = 1.0
    t = 2.0 ** rng.uniform(-60, 31, size)
    t_lo = rng.uniform(-0.5, 0.5, size) * np.spacing(t)
    hi, lo = np.empty(size), np.empty(size)
    piece_shim.shim_reciprocal(*(a.ctypes.data for a in (c, t, t_lo, hi, lo)), size)
    worst = without = Fraction(0)
    for ci, ti, tli, h, low in zip(c, t, t_lo, hi, lo, strict=True):
        exact = 1 / (Fraction(ci) + Fraction(ti) + Fraction(tli))
        worst = max(worst, abs((Fraction(h) + Fraction(low)) / exact - 1))
        without = max(without, abs(Fraction(1) / (Fraction(ci) + Fraction(ti)) / exact - 1))
    assert worst <= SOFTMAX_ASSEMBLY_BOUND, float(worst)
    assert without > Fraction(1, 2**60)


_LONG_ROWS = r"""
import json, sys
import numpy as np
from softproof.generated import softmax_c as C
rng = np.random.default_rng(3)
result = {"openmp": "gomp" in open("/proc/self/maps").read()}
for dtype in ("float64", "float32"):
    x = (5 * rng.standard_normal(300_001)).astype(dtype)
    x[123_456] = 40.0  # the maximum in one chunk only
    result[dtype] = {
        "softmax": C.softmax(x).tolist(), "log_softmax": C.log_softmax(x, temperature=0.7).tolist(),
        "logsumexp": [float(C.logsumexp(x))], "cross_entropy": C.cross_entropy(x[None, :], [5]).tolist(),
    }
    with_nan = x.copy()
    with_nan[250_000] = np.nan
    with_inf = x.copy()
    with_inf[[7, 299_999]] = np.inf
    result[dtype]["edges"] = [bool(np.isnan(C.softmax(with_nan)).all()), C.softmax(with_inf)[[7, 299_999, 0]].tolist()]
print(json.dumps(result))
"""


def test_one_long_row_split_across_openmp_threads_matches_the_serial_kernels() -> None:
    """The OpenMP build cuts one long row into fixed chunks (max, sums in chunk order, normalisation): the
    values are those of the build without OpenMP, to 1 ULP (2 for float64 softmax), for 2 and 3 threads,
    edges included (tests/test_threads.py: every thread count gives the same bits)."""
    import json
    import os
    import sys

    import numpy as np

    from softproof.measure.accuracy import ulp_distance

    def run(env: dict[str, str]) -> dict:  # type: ignore[type-arg]
        done = subprocess.run([sys.executable, "-c", _LONG_ROWS], env={**os.environ, **env}, cwd=ROOT,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    serial = run({"SOFTPROOF_OPENMP": "0"})
    for threads in ("2", "3"):
        split = run({"SOFTPROOF_OPENMP": "1", "SOFTPROOF_NUM_THREADS": threads})
        if not split["openmp"]:
            pytest.skip("the compiler has no OpenMP")
        for dtype in ("float64", "float32"):
            for name in ("softmax", "log_softmax", "logsumexp", "cross_entropy"):
                a, b = (np.array(r[dtype][name], dtype=dtype) for r in (serial, split))
                # serial float64 reads the row once (e_j relative to its segment's shift, then scaled),
                # the split takes two passes: two roundings of e_j apart, so 2 ULP for softmax
                tolerance = 2 if (dtype, name) == ("float64", "softmax") else 1
                assert ulp_distance(a, b).max() <= tolerance, (threads, dtype, name)
            assert split[dtype]["edges"] == serial[dtype]["edges"]
    assert serial["float64"]["edges"][1] == [0.5, 0.5, 0.0]


# ------------------------------------------------------------------ long rows read once
def _define(name: str) -> int:
    """A size the C source defines (#define NAME value), so that the tests follow the source."""
    import re

    found = re.search(rf"^#define {name} (\d+)", SOURCE.read_text(encoding="utf-8"), re.MULTILINE)
    assert found, name
    return int(found.group(1))


SCAN, CHUNK = _define("SP_SCAN"), _define("SP_CHUNK")  # rows read once, chunk by chunk


def _scanned_rows() -> dict:  # type: ignore[type-arg]
    """Rows long enough to be read once: a new max in every chunk (one segment per chunk), one at the
    start, -inf over a whole chunk and at the end, tied maxima in the last, partial chunk."""
    import numpy as np

    rng = np.random.default_rng(7)
    n = SCAN + CHUNK // 2 + 5
    runs = rng.normal(size=n)
    runs[3 * CHUNK: 4 * CHUNK + 7] = -np.inf
    runs[-300:] = -np.inf
    ties = rng.normal(size=n)
    ties[[-9, -4, -1]] = 6.0
    leading = rng.normal(size=n)
    leading[: CHUNK + 100] = -np.inf  # the first chunk all -inf: the scan declines, two passes
    return {
        "ascending": np.sort(rng.normal(size=n) * 4),
        "ascending, span 90": np.linspace(-60.0, 30.0, n),
        "descending": -np.sort(rng.normal(size=n) * 4),
        "shuffled": rng.normal(size=n) * 4,
        "-inf runs": runs,
        "ties in the last chunk": ties,
        "leading -inf": leading,
    }


@pytest.fixture(scope="module")
def scanned_references(computed_once: Callable[[str, Callable[[], Any]], Any]) -> dict:  # type: ignore[type-arg]
    """The mpmath references of the scanned rows, computed once per run (about 30 s)."""
    def compute() -> dict:  # type: ignore[type-arg]
        import numpy as np

        from softproof.measure.accuracy import reference

        rows = _scanned_rows()
        targets = np.array([0, len(rows["shuffled"]) // 2, len(rows["shuffled"]) - 1])
        measured = ("softmax", "log_softmax", "logsumexp", "cross_entropy")
        return {name: (x, targets, reference(x, "rows", "float64", targets, functions=measured)) for name, x in rows.items()}

    return computed_once("scanned-references", compute)  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", list(_scanned_rows()))
def test_long_rows_read_once_are_within_the_bounds(scanned_references: dict, name: str) -> None:  # type: ignore[type-arg]
    """rewrite.blocked_shift: each segment summed with its own shift and scaled once; the results keep
    the accuracy bounds of the two-pass kernels against mpmath, whatever the number of segments."""
    import numpy as np

    from softproof.generated import softmax_c
    from softproof.measure.accuracy import BOUNDS, reference, ulp_distance

    x, targets, ref = scanned_references[name]
    got = {
        "softmax": softmax_c.softmax(x),
        "log_softmax": softmax_c.log_softmax(x),
        "logsumexp": np.atleast_1d(softmax_c.logsumexp(x)),
        "cross_entropy": np.array([softmax_c.cross_entropy(x[None, :], np.array([t]))[0] for t in targets]),
    }
    for function, values in got.items():
        assert ulp_distance(values, ref[function]).max() <= BOUNDS[(function, "float64")], (name, function)
    # T = 1/2: the same row scaled by 2 (exact), so the textbook reference applies
    scaled_ref = reference(2.0 * x, "rows", "float64", targets, functions=("softmax", "log_softmax")) if name == "ascending" else None
    if scaled_ref is not None:
        assert ulp_distance(softmax_c.softmax(x, temperature=0.5), scaled_ref["softmax"]).max() <= BOUNDS[("softmax", "float64")]
        assert ulp_distance(softmax_c.log_softmax(x, temperature=0.5), scaled_ref["log_softmax"]).max() <= 1


@pytest.mark.parametrize("in_place", [False, True])
def test_long_row_with_a_late_nan_or_inf_falls_back_to_two_passes(in_place: bool) -> None:
    """A NaN or +inf met after some chunks were summed: the scan stops and the two passes give the edge
    results; in place the chunks already summed hold finite e_j, which do not change them."""
    import numpy as np

    from softproof.generated import softmax_c

    n = SCAN + 3 * CHUNK
    x = np.random.default_rng(3).normal(size=n)
    x[[-10, -3]] = np.inf
    expected = np.where(np.isposinf(x), 0.5, 0.0)
    y = x.copy()
    p = softmax_c.softmax(y, out=y) if in_place else softmax_c.softmax(y)
    assert np.array_equal(p, expected)
    y = x.copy()
    lp = softmax_c.log_softmax(y, out=y) if in_place else softmax_c.log_softmax(y)
    with np.errstate(divide="ignore"):
        assert np.array_equal(lp, np.log(expected))
    assert softmax_c.logsumexp(x) == np.inf
    x[-CHUNK - 1] = np.nan
    y = x.copy()
    p = softmax_c.softmax(y, out=y) if in_place else softmax_c.softmax(y)
    assert np.isnan(p).all()
    assert np.isnan(softmax_c.logsumexp(x))


def test_log_sigmoid_and_softplus_round_once() -> None:
    """log_sigmoid and softplus take log1p(e^-|x|) in double-double and add min(x, 0) (max(x, 0)) by Fast2Sum
    (sp_log1p_diff; fp.log_sigmoid.*, fp.softplus.*): against mpmath on a dense sample of [-3, 3], [0.3, 1.5],
    [-1.5, -0.3], [-40, 40] and [-745, 745], within 1 ULP (measured; the proved bounds fp.softplus.float64 and
    fp.log_sigmoid.float64 are 2: the exp kernel's 1.4375 u passes through log1p(e^x) for x < 0).
    softplus(-0.44127099428200367) was 2 ULP off before (libm's log1p rounded, then the sum)."""
    import mpmath
    import numpy as np

    import softproof.generated.softmax_c as c_target
    from softproof.measure.accuracy import ulp_distance

    rng = np.random.default_rng(4)
    x = np.concatenate([rng.uniform(-3, 3, 6000), rng.uniform(0.3, 1.5, 3000), rng.uniform(-1.5, -0.3, 3000),
                        rng.uniform(-40, 40, 3000), rng.uniform(-745, 745, 3000), [-0.44127099428200367, 0.0, 1e-300, -1e-300]])
    with mpmath.workprec(120):
        softplus = np.array([float(mpmath.log1p(mpmath.exp(mpmath.mpf(float(v))))) for v in x])
    assert ulp_distance(c_target.softplus(x), softplus).max() <= 1
    assert ulp_distance(c_target.log_sigmoid(-x), -softplus).max() <= 1  # log_sigmoid(-x) = -softplus(x), measured 1
    x32 = x.astype(np.float32)
    with mpmath.workprec(120):
        softplus32 = np.array([float(mpmath.log1p(mpmath.exp(mpmath.mpf(float(v))))) for v in x32]).astype(np.float32)
    assert ulp_distance(c_target.softplus(x32), softplus32).max() <= 1
    assert ulp_distance(c_target.log_sigmoid(-x32), -softplus32).max() <= 1
