"""Along another axis (codegen/backends/c/templates/parts/columns.c.j2, ``Kernels.columns``): the C binding takes
softmax, log_softmax, logsumexp and the cross-entropy kernels along an axis that is not the last by gathering blocks
of columns into rows in cache (softproof_columns[_target|_both]_<d|f>) instead of a transposed copy of the whole
array. Every result must be bit for bit
the row kernel's on that column moved last (the oracle here: numpy's moveaxis and the last-axis kernel, the path the
binding took before), and the values right (an independent float64 reference on the textbook definition)."""

from __future__ import annotations

import ctypes

import numpy as np
import pytest
from test_c_target import _define

from softproof.generated import softmax_c

LONG_BYTES = _define("SP_COLS_LONG_BYTES")
TILE_ROWS = _define("SP_FAST_TILE_ROWS")  # the fast tiles down the columns take axes shorter than this
KERNELS = ("softmax", "log_softmax", "logsumexp")


def _moved_last(name: str, x: np.ndarray, axis: int, **options: object) -> np.ndarray:
    """The kernel on the axis moved last (a contiguous copy), its result moved back: the oracle of the bits."""
    rows = np.ascontiguousarray(np.moveaxis(x, axis, -1))
    result = getattr(softmax_c, name)(rows, axis=-1, **options)
    return np.asarray(result) if name == "logsumexp" else np.moveaxis(result, -1, axis)


def _hard(shape: tuple[int, ...], dtype: type, seed: int) -> np.ndarray:
    """Normal entries at a few scales, with signed zeros, a NaN, infinities and ties along the way."""
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * rng.choice([0.5, 4.0, 40.0], size=shape)).astype(dtype)
    flat = x.reshape(-1)
    flat[::29] = 0.0
    flat[7::31] = -0.0
    if flat.size > 60:
        flat[11], flat[23], flat[37] = np.nan, np.inf, -np.inf
        flat[41:45] = flat[41]
    return x


# (shape, axis): several blocks per outer index, blocks across outer indices (inner < a block), one column per outer
# index, an axis of one entry, a 4-d array, a negative axis, a long axis (fewer than 16 columns a block)
SHAPES = [((37, 70), 0), ((5, 33, 300), 1), ((400, 9, 3), 1), ((3, 50, 1), 1), ((6, 1, 40), 1), ((2, 3, 17, 19), 1),
          ((4, 5, 6), -3), ((3, 2, 11), 0)]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("shape", "axis"), SHAPES)
def test_along_another_axis_gives_the_bits_of_the_rows(shape: tuple[int, ...], axis: int, dtype: type) -> None:
    """softmax, log_softmax and logsumexp along ``axis``, both tiers, T = 1, 0.3, 0 (the argmax limit) and inf (the
    uniform one): the bits of the moved rows, the same shape, dtype and (softmax) layout as before: a view of rows with
    the axis moved back."""
    x = _hard(shape, dtype, seed=len(shape) * 1000 + shape[0])
    for name in KERNELS:
        for precision in ("accurate", "fast"):
            for temperature in (1.0, 0.3, 0.0, np.inf):
                got = getattr(softmax_c, name)(x, axis=axis, temperature=temperature, precision=precision)
                want = _moved_last(name, x, axis, temperature=temperature, precision=precision)
                assert got.shape == want.shape and got.dtype == want.dtype, (name, got.shape, want.shape)
                np.testing.assert_array_equal(np.ascontiguousarray(got).view(np.uint8), np.ascontiguousarray(want).view(np.uint8),
                                              err_msg=f"{name} {precision} T={temperature} {shape} axis={axis}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("shape", "axis"), [((6, 21, 9, 7), 1), ((40, 5), 0), ((3, 11, 2), -2), ((300, 7, 1), 1)])
def test_the_cross_entropy_kernels_along_a_class_axis_give_the_bits_of_the_rows(shape: tuple[int, ...], axis: int, dtype: type) -> None:
    """cross_entropy, its gradient and cross_entropy_with_grad with the classes on axis 1 of (N, C, H, W) logits (the
    segmentation layout) and others: softproof_columns_target / _both, each class index taken with its column."""
    x = _hard(shape, dtype, seed=shape[0] + 7)
    ax = axis % x.ndim
    target = np.random.default_rng(1).integers(0, shape[ax], shape[:ax] + shape[ax + 1:])
    moved = np.ascontiguousarray(np.moveaxis(x, ax, -1))
    for precision in ("accurate", "fast"):
        loss = softmax_c.cross_entropy(x, target, axis=axis, precision=precision)
        np.testing.assert_array_equal(loss, softmax_c.cross_entropy(moved, target, precision=precision), err_msg=precision)
        grad = softmax_c.cross_entropy_grad(x, target, axis=axis, precision=precision)
        assert grad.shape == x.shape
        np.testing.assert_array_equal(grad, np.moveaxis(softmax_c.cross_entropy_grad(moved, target, precision=precision), -1, ax))
        both = softmax_c.cross_entropy_with_grad(x, target, axis=axis, precision=precision)
        alone = softmax_c.cross_entropy_with_grad(moved, target, precision=precision)
        np.testing.assert_array_equal(both[0], alone[0])
        np.testing.assert_array_equal(both[1], np.moveaxis(alone[1], -1, ax))
    bad = target.copy()
    bad.reshape(-1)[-1] = shape[ax]
    with pytest.raises(ValueError, match="out of range"):
        softmax_c.cross_entropy(x, bad, axis=axis)


def test_a_long_axis_takes_fewer_columns_a_block_and_the_same_bits() -> None:
    """An axis so long that 16 rows of it pass SP_COLS_LONG_BYTES: blocks of fewer columns (here 2 and 1)."""
    n = LONG_BYTES // 8 // 16 * 2  # float64: 2 rows fit the long budget, 16 do not
    rng = np.random.default_rng(5)
    x = rng.standard_normal((n, 3)) * 3
    for name in KERNELS:
        np.testing.assert_array_equal(getattr(softmax_c, name)(x, axis=0), _moved_last(name, x, 0), err_msg=name)


def test_the_values_along_another_axis_are_right() -> None:
    """Against the textbook definition in float64 (not the kernels): softmax and logsumexp over axis 1 of a 3-d
    array within a few ULP, so a wrong gather (a column from the wrong place) cannot pass as bits equal to a wrong
    oracle. Test of the test: the same comparison over axis 2 (another reduction) fails."""
    rng = np.random.default_rng(9)
    x = rng.standard_normal((4, 30, 50))
    shifted = x - x.max(axis=1, keepdims=True)
    exact_p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    exact_lse = x.max(axis=1) + np.log(np.exp(shifted).sum(axis=1))
    p = softmax_c.softmax(x, axis=1)
    np.testing.assert_allclose(p, exact_p, rtol=2e-15, atol=0)
    np.testing.assert_allclose(softmax_c.logsumexp(x, axis=1), exact_lse, rtol=2e-15, atol=0)
    assert not np.allclose(softmax_c.softmax(x, axis=2)[:, :30, :30], exact_p[:, :, :30], rtol=1e-3)


def test_rows_already_in_place_are_read_as_they_are() -> None:
    """A transposed view (Fortran order) whose reduced axis is already the rows' contiguous one takes the row kernel
    on it directly (no gather, no copy): the same bits as the rows themselves, and the result is then a view of them.
    Test of the test: the C-ordered copy of that view takes the gather, and gives the same bits too."""
    rng = np.random.default_rng(8)
    rows = rng.standard_normal((300, 70))
    view = rows.T  # axis 0 of the view is the rows' last axis
    for name in KERNELS:
        direct = getattr(softmax_c, name)(rows, axis=-1)
        along = getattr(softmax_c, name)(view, axis=0)
        np.testing.assert_array_equal(along if name == "logsumexp" else along.T, direct)
        copied = getattr(softmax_c, name)(np.ascontiguousarray(view), axis=0)
        np.testing.assert_array_equal(copied, along)


def test_keepdims_and_out_along_another_axis() -> None:
    rng = np.random.default_rng(2)
    x = rng.standard_normal((6, 40, 7)).astype(np.float32)
    kept = softmax_c.logsumexp(x, axis=1, keepdims=True)
    assert kept.shape == (6, 1, 7)
    np.testing.assert_array_equal(kept[:, 0, :], softmax_c.logsumexp(x, axis=1))
    out = np.empty_like(x)
    assert softmax_c.log_softmax(x, axis=1, out=out) is out
    np.testing.assert_array_equal(out, softmax_c.log_softmax(x, axis=1))


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_along_another_axis_every_thread_count_gives_the_same_bits(threads: int) -> None:
    """Above 65536 entries the blocks run in parallel, each thread with its own buffer; the fast tier's short columns
    (axis of 20) in tiles of 16 columns, the last of each block overlapping the one before (40 columns), in runs of
    tiles cut so that no two threads write one column."""
    before = softmax_c.num_threads()
    try:
        softmax_c.set_num_threads(threads)
        for x in (_hard((300, 130, 24), np.float32, seed=4), _hard((300, 20, 40), np.float32, seed=6)):
            for name in KERNELS:
                for precision in ("accurate", "fast"):
                    np.testing.assert_array_equal(getattr(softmax_c, name)(x, axis=1, precision=precision),
                                                  _moved_last(name, x, 1, precision=precision), err_msg=f"{name} {precision} {x.shape}")
    finally:
        softmax_c.set_num_threads(before)


def _declining(shape: tuple[int, int, int], seed: int) -> np.ndarray:
    """float32 columns (axis 1) the fast tiles hand to the accurate kernel, among ordinary ones: an infinity, a NaN, a
    column dominated by one entry (log_softmax's L below 2^-80), and log-probability columns (logsumexp near 0, where
    m + L cancels), more than a tile's worth of them (8) so that they are handed on in full tiles and one at a time."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 3
    x[:, :, 1] = np.inf
    x[:, 2, 2] = np.nan
    x[:, :, 3] = -80.0
    x[:, 0, 3] = 80.0
    logp = x[:, :, 5:16] - np.log(np.exp(x[:, :, 5:16]).sum(axis=1, keepdims=True))
    x[:, :, 5:16] = logp
    return x.astype(np.float32)


@pytest.mark.parametrize("shape", [(3, 7, 16), (2, 40, 37), (4, 100, 20), (2, 150, 17), (2, 200, 20)])
def test_the_tiles_down_the_columns_hand_on_the_same_columns_as_the_rows(shape: tuple[int, int, int]) -> None:
    """Short columns taken where they are (softproof_columns_direct_*; the fast tier's tiles, the accurate ones in both
    dtypes up to SP_SHORT, also where the row kernels take such rows one at a time, as softmax over 100 and 150 in
    float64 and 150 in float32): every kernel and temperature gives the bits of the rows, declined columns
    included (a tile of the accurate kernels with one is taken column by column), and the results are C-contiguous in
    x's layout (no view);
    the log-probability columns' logsumexp is near 0 (so m + L cancels there: the ones the fast tier hands on; along an
    axis of 200, longer than the accurate tiles take, one at a time)."""
    target = np.zeros((shape[0], shape[2]), np.int64)
    target[:, ::3] = shape[1] - 1
    for dtype, precision in ((np.float32, "fast"), (np.float32, "accurate"), (np.float64, "accurate")):
        x = _declining(shape, seed=shape[1]).astype(dtype)
        for name in KERNELS:
            for temperature in (1.0, 0.3, 3.0):
                got = getattr(softmax_c, name)(x, axis=1, temperature=temperature, precision=precision)
                want = _moved_last(name, x, 1, temperature=temperature, precision=precision)
                np.testing.assert_array_equal(got, want, err_msg=f"{name} {precision} T={temperature} {shape}")
        moved = np.ascontiguousarray(np.moveaxis(x, 1, -1))
        both = softmax_c.cross_entropy_with_grad(x, target, axis=1, precision=precision)
        alone = softmax_c.cross_entropy_with_grad(moved, target, precision=precision)
        np.testing.assert_array_equal(both[0], alone[0])
        np.testing.assert_array_equal(both[1], np.moveaxis(alone[1], -1, 1))
        np.testing.assert_array_equal(softmax_c.cross_entropy(x, target, axis=1, precision=precision),
                                      softmax_c.cross_entropy(moved, target, precision=precision))
        np.testing.assert_array_equal(softmax_c.cross_entropy_grad(x, target, axis=1, precision=precision),
                                      np.moveaxis(softmax_c.cross_entropy_grad(moved, target, precision=precision), -1, 1))
    x = _declining(shape, seed=shape[1])
    assert all(getattr(softmax_c, name)(x, axis=1, precision="fast").flags.c_contiguous for name in ("softmax", "log_softmax"))
    lse = softmax_c.logsumexp(x[:, :, 5:16], axis=1, precision="fast")
    assert (np.abs(lse) < 1e-5).all()  # the log-probability columns: m + L cancels, the fast tier declines them


def _direct(name: str, n: int, inner: int, temperature: float = 1.0, sfx: str = "f") -> bool:
    """softproof_columns_direct_<sfx> for the kernel softproof_<name>_<sfx> in its slot (rows, target or both)."""
    library = softmax_c._KERNELS.library
    query = getattr(library, f"softproof_columns_direct_{sfx}")
    query.argtypes = [ctypes.c_void_p] * 3 + [ctypes.c_size_t, ctypes.c_size_t, ctypes.c_double]
    query.restype = ctypes.c_int
    kernel = ctypes.cast(getattr(library, f"softproof_{name}_{sfx}"), ctypes.c_void_p)
    slot = 2 if "with_grad" in name else 1 if name.startswith("cross_entropy") else 0
    return bool(query(*[kernel if k == slot else None for k in range(3)], n, inner, temperature))


def test_which_kernels_run_down_the_columns() -> None:
    """The fast tier's tiles where the axis is shorter than a tile's capacity, at least 16 columns, a temperature the
    fast tier takes; the accurate kernels' tiles up to their capacity SP_SHORT (softmax and log_softmax too, whose row
    kernels take rows above SP_SHORT_SHARES_F / _D one at a time), at least 8 columns, 0 < T < inf."""
    last, short = TILE_ROWS - 1, _define("SP_SHORT")
    shares_f, shares_d = _define("SP_SHORT_SHARES_F"), _define("SP_SHORT_SHARES_D")
    assert _direct("softmax_fast", 1, 16) and _direct("log_softmax_fast", last, 16) and _direct("logsumexp_fast", 128, 99)
    assert _direct("cross_entropy_fast", 20, 16) and _direct("cross_entropy_grad_fast", 63, 16)
    assert _direct("cross_entropy_with_grad_fast", last, 17)
    assert not _direct("softmax_fast", TILE_ROWS, 16) and not _direct("softmax_fast", 2, 2, 2.0**-21)
    assert not _direct("softmax_fast", 20, 15)  # fewer than 16 columns: the gather
    assert _direct("softmax", shares_f + 1, 8) and _direct("softmax", short, 8) and not _direct("softmax", short + 1, 8)
    assert _direct("log_softmax", shares_d + 1, 8, sfx="d") and not _direct("log_softmax", short + 1, 8, sfx="d")
    assert not _direct("softmax", 20, 7)
    assert _direct("logsumexp", short, 8, 0.5, sfx="d") and not _direct("logsumexp", short + 1, 8, sfx="d")
    assert _direct("cross_entropy_with_grad", short, 9) and _direct("cross_entropy_grad", 3, 8, sfx="d")
    assert not _direct("softmax", 20, 16, 0.0) and not _direct("softmax", 20, 16, np.inf) and not _direct("softmax", 0, 16)


@pytest.mark.parametrize(("name", "n"), [("softmax_fast", 20), ("softmax", 20), ("softmax", 170)])
def test_both_layouts_give_the_same_bits(name: str, n: int) -> None:
    """softproof_columns_f with SOFTPROOF_AS_ROWS (0: the rows of the columns) and SOFTPROOF_AS_INPUT (1: x's layout):
    the tiles down the columns (the fast tier; the accurate tiles, n = 20; with AS_ROWS they gather the columns) and
    the gather (n = 170, beyond the tiles; with AS_INPUT its results are scattered back) give the same bits, the rows'
    (40 columns: a last tile that overlaps)."""
    library = softmax_c._KERNELS.library
    driver = library.softproof_columns_f
    driver.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t,
                       ctypes.c_size_t, ctypes.c_double, ctypes.c_int]
    x = _hard((3, n, 40), np.float32, seed=11)
    kernel = ctypes.cast(getattr(library, f"softproof_{name}_f"), ctypes.c_void_p)
    as_rows, as_input = np.empty((3, 40, n), np.float32), np.empty_like(x)
    assert driver(kernel, 0, x.ctypes.data, as_rows.ctypes.data, 3, n, 40, 0.7, 0) == 0
    assert driver(kernel, 0, x.ctypes.data, as_input.ctypes.data, 3, n, 40, 0.7, 1) == 0
    want = _moved_last(name.removesuffix("_fast"), x, 1, temperature=0.7, precision="fast" if name.endswith("fast") else "accurate")
    np.testing.assert_array_equal(np.moveaxis(as_rows, -1, 1), want)
    np.testing.assert_array_equal(as_input, want)

# a row of 100 float32 entries (bit patterns) found by searching 2 * 10^8 entries of random rows: a tile that summed its
# lane in order (one chain of double additions) rounded its t differently from the row path's 16 lanes and tree, and
# entry 35 of its softmax the other way
ORDER_SENSITIVE_ROW = np.array([int(word, 16) for word in (
    "c080a968 40afc401 3ff6db97 c155790c c0a34fd5 41229e24 41483bf1 410ae287 c0c17008 c1a6b721 "
    "3ee2eae4 c11e4ea6 40813a55 c19b5ca9 c1ce0e93 40dfc032 c04460b0 c018e355 bff09564 c03056c4 "
    "c0802b2f c123b7cf 40c289ab 4126e036 41304453 c13472d4 41418e5c 414ecd94 415e9ff6 40af534d "
    "3eddcb7d c0a89ecc 3f5c3a28 407f38b9 bfd9078c c0b5a79b 4047c36c c08dc582 3fe81ec8 c0256ac3 "
    "c04d9b35 c0f346a7 bfe6565e c0a7ad30 3f045ab8 3fc62d5e c143201c 3fca4524 408c4fee 40705c74 "
    "3fd6fe14 c1288906 c03dabd7 c13abdd7 c19b562f 41959999 bfa2e4fb 40a4cd63 c197ac65 3fe811fc "
    "c10929e0 c04e5789 c17afb66 411cf66a 3f7994ea bed10cde 3ec140db 416053e1 c09518d4 415e8f38 "
    "bf953089 c123bf78 c09ee710 3fe7c78c 3f32641f bfc6d28b c1571286 bf643430 411cbf9a 3f6d4bde "
    "40642656 bf993208 4137a0e8 40a7b6c3 40e36c93 406b55d2 c16f7f93 c0311bf0 40e34f78 c1206a8e "
    "408c16cf c08bf1ac c156056d c058b03b 3fdcd146 bfe81e53 bfd746ad c1beab49 c0aa2e90 3fa294e1"
).split()], np.uint32).view(np.float32)


def test_the_tiles_sum_a_row_as_the_row_path_does() -> None:
    """Down the columns an axis of 100 entries goes in fast tiles, while rows of 100 take the row path: the same bits
    only because the tile's lane adds term j into slot j mod 16 and folds the slots by the row path's tree (an in-order
    sum gave entry 35 of this row one ULP off the row path's). Every kernel, the row in each of 16 columns."""
    column = ORDER_SENSITIVE_ROW.reshape(1, -1, 1)
    x = np.ascontiguousarray(np.repeat(column, 16, axis=2))
    for name in KERNELS:
        got = getattr(softmax_c, name)(x, axis=1, precision="fast")
        want = getattr(softmax_c, name)(ORDER_SENSITIVE_ROW[None], precision="fast")
        for c in range(16):
            np.testing.assert_array_equal(got[..., c].reshape(-1), np.asarray(want).reshape(-1), err_msg=f"{name} column {c}")
