"""The C kernels under AddressSanitizer and UBSan: the C test program and a random driver over
every entry point (tests/c/fuzz_driver.c), built with the production loop flags; zero findings."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "generated" / "c" / "softmax.c"
CC = shutil.which("gcc") or shutil.which("cc")
SANITIZE = ("-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer", "-g")
# the production build's loop flags (vectorised paths included), at -O2 to keep the build short
FLAGS = ("-std=c99", "-O2", "-fno-trapping-math", "-fopenmp-simd", "-DSOFTPROOF_OMP_SIMD")
pytestmark = pytest.mark.skipif(CC is None, reason="no C compiler")


@pytest.fixture(scope="module")
def kernels_object(tmp_path_factory: pytest.TempPathFactory, computed_once: Callable[[str, Callable[[], Any]], Any]) -> Path:
    """The kernels built with the sanitizers (about 25 s), once per run whichever worker asks first."""
    def build() -> Path:
        out = tmp_path_factory.mktemp("asan") / "softmax.o"
        done = subprocess.run([CC, *FLAGS, *SANITIZE, "-c", str(SOURCE), "-o", str(out)], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return out

    return computed_once("asan-object", build)  # type: ignore[no-any-return]


def _run(program: str, kernels_object: Path, *args: str) -> str:
    exe = kernels_object.parent / f"{program}-{os.getpid()}"  # the workers share the object, not the programs
    build = subprocess.run([CC, *FLAGS, *SANITIZE, "-I", str(SOURCE.parent), str(ROOT / "tests" / "c" / f"{program}.c"),
                            str(kernels_object), "-o", str(exe), "-lm"], capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    env = {"ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0", "UBSAN_OPTIONS": "print_stacktrace=1"}
    done = subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0 and "runtime error" not in done.stderr and "Sanitizer" not in done.stderr, done.stdout + done.stderr
    return done.stdout


def test_c_program_is_clean_under_the_sanitizers(kernels_object: Path) -> None:
    _run("test_softmax", kernels_object)


@pytest.mark.parametrize("seed", ["1", "20261201"])
def test_random_calls_of_every_entry_point_are_clean(kernels_object: Path, seed: str) -> None:
    assert "0 bad statuses" in _run("fuzz_driver", kernels_object, "600", seed)


def test_the_driver_calls_every_entry_point() -> None:
    header = (ROOT / "generated" / "c" / "softmax.h").read_text()
    driver = (ROOT / "tests" / "c" / "fuzz_driver.c").read_text()
    entry_points = set(re.findall(r"\b(softproof_\w+_[dfhb])\(", header))
    # the 16-bit entry points are called through one macro per format: softproof_<name>_##F(...)
    called = {name for name in entry_points if f"{name}(" in driver or (name[-1] in "hb" and f"{name[:-2]}_##F(" in driver)}
    assert entry_points and called == entry_points, entry_points - called


def test_the_sanitizer_build_catches_an_out_of_bounds_read(tmp_path: Path) -> None:
    """The test of the test: the same flags turn a one-past-the-end read into a failure."""
    bad = tmp_path / "bad.c"
    bad.write_text("#include <stdlib.h>\nint main(void) { volatile double *p = malloc(4 * sizeof *p); double v = p[4]; free((void *)p); return v > 0; }\n")
    exe = tmp_path / "bad"
    assert subprocess.run([CC, *FLAGS, *SANITIZE, str(bad), "-o", str(exe)], capture_output=True).returncode == 0
    done = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and ("heap-buffer-overflow" in done.stderr or "runtime error" in done.stderr)
