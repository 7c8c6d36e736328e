"""The default tier's tiles give each row the row path's statistics to the bit, by construction (tiles.c.j2,
tile_sum: the same additions of the same terms in the same order as row_sum, row_chain below SP_CHAIN_* entries):
tests/c/tile_sum_driver.c includes the C source and compares m, c, t and t_lo of every row of 57 600 tiles (float64
and float32, rows of 1 to SP_SHORT entries, terms over many binades, ties, three temperatures) with the row path's,
out of place and in place. The driver also sums each tile row in the one TwoSum chain every tile took before
2026-12-06 and counts where that differs from the row path: the comparison must see those differences, or it could
not see a wrong order either."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "generated" / "c" / "softmax.c"
DRIVER = ROOT / "tests" / "c" / "tile_sum_driver.c"
CC = shutil.which("gcc") or shutil.which("cc")
pytestmark = pytest.mark.skipif(CC is None, reason="no C compiler")


def _flag_sets() -> list[tuple[str, ...]]:
    from softproof.generated import _clib

    assert CC is not None
    return [_clib.NATIVE_FLAGS + _clib.wide_vectors(CC), _clib.PORTABLE_FLAGS]


@pytest.mark.parametrize("flags", _flag_sets(), ids=["native", "portable"])
def test_tiles_give_each_row_the_row_paths_sums(tmp_path: Path, flags: tuple[str, ...]) -> None:
    assert CC is not None
    exe = tmp_path / "tile_sum_driver"
    build = subprocess.run([CC, *flags, "-Wall", "-Wextra", "-I", str(SOURCE.parent), str(DRIVER), "-o", str(exe), "-lm"],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    done = subprocess.run([str(exe)], capture_output=True, text=True, timeout=600)
    last = done.stdout.strip().splitlines()[-1]
    found = re.fullmatch(r"comparisons (\d+) tiles (\d+) mismatches (\d+) chain_differs (\d+)", last)
    assert found is not None, done.stdout
    comparisons, tiles, mismatches, chain_differs = (int(v) for v in found.groups())
    assert comparisons == 12 * tiles  # per tile pair: 8 rows, float64 out of place and in place, float32
    assert tiles == 57_600
    assert mismatches == 0 and done.returncode == 0, done.stdout
    assert chain_differs > 10_000, done.stdout
