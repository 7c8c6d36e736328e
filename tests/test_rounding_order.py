"""The rounding order is the source's (issue 16): the generated C gives the same bits whatever the
dialect, compiler and optimisation level on one machine.

tests/c/fuzz_driver.c calls every entry point on random rows (temperatures 0 to inf, NaN,
infinities, subnormals, lengths across the tile and chunk boundaries) and prints a digest of
every output bit. It is built with each flag set below; within one instruction set (with FMA
hardware, and without) every digest must be the same. GCC outside ISO mode and clang in every
mode contract a*b + c into FMAs unless the source forbids it (the pragmas of config.c.j2).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from softproof.generated import _clib

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "generated" / "c" / "softmax.c"
GCC, CLANG = shutil.which("gcc"), shutil.which("clang")
NATIVE = ("-march=native",)
# the vector width GCC's library build asks for on x86-64 (512 bits), tried with clang too, and the compilers' own
WIDE = _clib.wide_vectors(GCC or "gcc")
# (compiler, flags): GNU dialect (the compilers' default), ISO C99, -O2 / -O3, the production loop flags, OpenMP, widths
BUILDS = {
    "native": [("gcc", ("-std=c99", "-O2")), ("gcc", ("-O3", "-fno-trapping-math", "-fopenmp-simd", "-DSOFTPROOF_OMP_SIMD", "-fopenmp", *WIDE)),
               ("clang", ("-O2", *WIDE))],
    "baseline": [("gcc", ("-O2",)), ("clang", ("-std=c99", "-O2"))],
}


def _digest(compiler: str, flags: tuple[str, ...], out: Path) -> str:
    build = subprocess.run([compiler, *flags, "-I", str(SOURCE.parent), str(ROOT / "tests" / "c" / "fuzz_driver.c"), str(SOURCE),
                            "-o", str(out), "-lm"], capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    run = subprocess.run([str(out), "120", "16"], capture_output=True, text=True, timeout=600, env={"OMP_NUM_THREADS": "2"})
    assert run.returncode == 0, run.stdout
    found = re.search(r"digest ([0-9a-f]{16})", run.stdout)
    assert found, run.stdout
    return found.group(1)


def _native_has_fma() -> bool:
    done = subprocess.run([GCC or "cc", "-march=native", "-dM", "-E", "-x", "c", "-"], input="", capture_output=True, text=True)
    return "__FMA__" in done.stdout


@pytest.mark.skipif(GCC is None, reason="no gcc")
@pytest.mark.parametrize("instruction_set", ["native", "baseline"])
def test_every_dialect_compiler_and_level_gives_the_same_bits(instruction_set: str, tmp_path: Path) -> None:
    extra = NATIVE if instruction_set == "native" else ()
    digests = {}
    for k, (name, flags) in enumerate(BUILDS[instruction_set]):
        compiler = GCC if name == "gcc" else CLANG
        if compiler is None:
            continue
        digests[(name, *flags)] = _digest(compiler, (*extra, *flags), tmp_path / f"driver{k}")
    assert len(set(digests.values())) == 1, digests


@pytest.mark.skipif(GCC is None, reason="no gcc")
def test_contraction_would_change_the_bits(tmp_path: Path) -> None:
    """The test of the test: with the pragmas taken out, GCC's GNU mode (contraction on) and ISO mode
    (off) disagree on a machine with FMA hardware, so the digests do see contraction."""
    if not _native_has_fma():
        pytest.skip("no FMA hardware here: nothing to contract")
    text = SOURCE.read_text()
    stripped = re.sub(r"#pragma (STDC FP_CONTRACT OFF|GCC optimize\(\"fp-contract=off\"\))", "", text)
    assert stripped != text
    copy = tmp_path / "softmax.c"
    copy.write_text(stripped)
    shutil.copy(SOURCE.parent / "softmax.h", tmp_path / "softmax.h")
    digests = set()
    for k, flags in enumerate((("-std=c99", "-O2"), ("-O2",))):
        exe = tmp_path / f"stripped{k}"
        build = subprocess.run([GCC, *NATIVE, *flags, "-I", str(tmp_path), str(ROOT / "tests" / "c" / "fuzz_driver.c"), str(copy),
                                "-o", str(exe), "-lm"], capture_output=True, text=True, timeout=600)
        assert build.returncode == 0, build.stderr
        run = subprocess.run([str(exe), "120", "16"], capture_output=True, text=True, timeout=600)
        digests.add(re.search(r"digest ([0-9a-f]{16})", run.stdout).group(1))  # type: ignore[union-attr]
    assert len(digests) == 2
