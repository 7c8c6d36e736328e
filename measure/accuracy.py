r"""Accuracy in ULPs against a correctly rounded mpmath reference, the way Herbie measures.

The reference evaluates the textbook definitions of documents 000-003 (softmax
:math:`e^{x_i}/\sum_j e^{x_j}`, log-softmax :math:`x_i - \log\sum_j e^{x_j}`, LSE,
:math:`\sigma(x) = 1/(1 + e^{-x})`, :math:`\log\sigma(x) = -\operatorname{log1p}(e^{-x})`,
cross-entropy :math:`\mathrm{LSE}(x) - x_t`) with mpmath, raising the precision until the
value rounded to the target format stops changing. The error of a result is its distance
to that rounded reference in units in the last place (consecutive floats are 1 apart,
subnormals included). No SymPy and no generated code is involved in the reference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

import mpmath
import numpy as np

from softproof.codegen.api import by_name, measured

from . import reference as textbook
from .implementations import FAST_TIER, SOFTPROOF
from .implementations import implementations as all_implementations

__all__ = ["BOUNDS", "OURS", "bound_of", "Region", "Measurement", "regions", "measure", "ulp_distance", "reference", "implementations", "ROW_FUNCTIONS", "TEMPERED", "in_domain", "element_groups", "element_batches"]

# the functions with an accuracy contract (codegen/api.py), row-wise and element-wise
ROW_FUNCTIONS = tuple(f.name for f in measured() if f.form.row_wise)
ELEMENT_FUNCTIONS = tuple(f.name for f in measured() if not f.form.row_wise)
FUNCTIONS = ROW_FUNCTIONS + ELEMENT_FUNCTIONS
# max ULP for (function, dtype): the bounds of the function table
BOUNDS = {(f.name, dtype): bound for f in measured() for dtype, bound in (f.bounds or {}).items()}
OURS = (*SOFTPROOF, FAST_TIER)  # the implementations held to a bound
STRETCH: set[tuple[str, str, str]] = set()  # (function, dtype, region) reported but not required: none since logsumexp is certified
BITS = {"float64": 53, "float32": 24}


def bound_of(function: str, dtype: str, implementation: str) -> float:
    """The bound ``implementation`` is held to: the fast tier's proved float32 bound (fp.<function>.fast.float32) for
    softproof C with precision="fast", else the function table's."""
    if implementation == FAST_TIER and dtype == "float32":
        from softproof.codegen.backends.gappa.claims import proved_fast_ulps

        fast = proved_fast_ulps(function)
        if fast is not None:
            return fast
    return BOUNDS[(function, dtype)]


@dataclass(frozen=True)
class Region:
    name: str
    kind: str  # "rows", "elements", or "tempered" (rows with one temperature each, for the functions that take one)
    rows: tuple[np.ndarray, ...]  # float64 values (exactly representable in float32 for that dtype)
    temperatures: tuple[float, ...] = ()  # kind "tempered": the temperature of each row


def regions(seed: int = 0, scale: float = 1.0) -> list[Region]:
    """The input regions of the accuracy issue; ``scale`` multiplies the sample sizes."""
    rng = np.random.default_rng(seed)

    def count(k: int) -> int:
        return max(1, int(round(k * scale)))

    lengths = (2, 10, 1000)
    long_rows = (100_000,) if scale >= 1 else (max(2_000, int(100_000 * scale)),)  # 1e5 at scale 1, shorter below
    out = [
        Region("randn", "rows", tuple(rng.standard_normal(n) for n in (*lengths, *long_rows) for _ in range(count(2)))),
        Region("randn*30", "rows", tuple(30 * rng.standard_normal(n) for n in lengths for _ in range(count(2)))),
        Region("randn*300", "rows", tuple(300 * rng.standard_normal(n) for n in (2, 10, 300) for _ in range(count(2)))),
        Region("dominant gap 20..700", "rows", tuple(
            np.concatenate([[0.0], -gap + rng.standard_normal(n - 1)]) for gap in (20, 37, 50, 100, 300, 700) for n in (2, 10, 1000)
        )),
        Region("near ties", "rows", tuple(5.0 + 1e-12 * rng.standard_normal(n) for n in lengths for _ in range(count(2)))),
        Region("offset 1e6+randn", "rows", tuple(1e6 + rng.standard_normal(n) for n in lengths for _ in range(count(2)))),
        Region("huge +-1e300", "rows", tuple(rng.uniform(-1e300, 1e300, n) for n in (2, 10, 100) for _ in range(count(2)))),
        Region("short rows", "rows", tuple(5 * rng.standard_normal((count(40), n)) for n in (2, 3, 5, 10, 16, 17, 33, 40, 64, 65))),
        Region("log-probabilities", "rows", tuple(np.log(rng.dirichlet(np.ones(n))) for n in lengths for _ in range(count(2)))),
        _tempered(rng, count(60)),
        Region("uniform [-745, 40]", "elements", (rng.uniform(-745, 40, count(2000)),)),
        Region("subnormal outputs [-745, -709]", "elements", (rng.uniform(-745, -709, count(1000)),)),
        Region("tiny |x|", "elements", (rng.choice([-1, 1], count(1000)) * 10.0 ** rng.uniform(-300, -5, count(1000)),)),
        Region("randn*10", "elements", (10 * rng.standard_normal(count(1000)),)),
        Region("uniform [-745, 745]", "elements", (rng.uniform(-745, 745, count(2000)),)),
    ]
    return out


TEMPERED = ("softmax", "log_softmax", "logsumexp")  # the row functions with a temperature


def _tempered(rng: np.random.Generator, rows: int) -> Region:
    """Short rows (2 to 17 entries, half of them with a negative maximum) at temperatures drawn
    log-uniformly from 1e-2 to 1e2: where the rounding of (x - m)/T and of m + T L used to hide."""
    lengths = rng.choice([2, 3, 4, 5, 8, 10, 17], rows)
    values = tuple(rng.standard_normal(int(n)) * float(10 ** rng.uniform(-1, 1.5)) - (float(rng.uniform(0, 5)) if i % 2 else 0.0)
                   for i, n in enumerate(lengths))
    return Region("random temperatures", "tempered", values, tuple(float(10 ** rng.uniform(-2, 2)) for _ in range(rows)))


def _round(value: mpmath.mpf, bits: int) -> float:
    """Round to ``bits`` significant bits (binary64 or binary32, subnormals included)."""
    if not mpmath.isfinite(value) or value == 0:
        return float(value)
    emin = -1074 if bits == 53 else -149
    _, _, exp, bc = value._mpf_  # value = man * 2**exp with bc bits in man: floor(log2 |value|) = exp + bc - 1, exactly
    exponent = exp + bc - 1
    if -1022 <= exponent <= 1023 and bits == 53:  # a normal double: mpmath's own rounding to 53 bits, to nearest even, is exact
        return float(mpmath.libmp.to_float(mpmath.libmp.normalize1(*value._mpf_, 53, mpmath.libmp.round_nearest)))
    quantum = max(exponent - bits + 1, emin)
    return float(mpmath.nint(mpmath.ldexp(value, -quantum)) * mpmath.ldexp(1, quantum))


def takes_targets(function: str) -> bool:
    """True for the functions called with one class index per row (``f(x, t)``)."""
    return by_name(function).form.name.startswith("target")


def _row_values(x: np.ndarray, targets: np.ndarray | None, functions: tuple[str, ...],
                temperature: float | None = None) -> dict[str, list[mpmath.mpf]]:
    """The textbook value of each of ``functions`` (row functions), entry by entry (one per row for a reduction);
    with a ``temperature``, the functions that take one (:data:`TEMPERED`) at it."""
    values = textbook.row(x)
    tempered = () if temperature is None else (mpmath.mpf(temperature),)
    out: dict[str, list[mpmath.mpf]] = {}
    for name in functions:
        definition = textbook.ROW[name]
        if takes_targets(name):
            out[name] = [definition(values, int(t)) for t in targets]  # type: ignore[union-attr]
        else:
            value = definition(values, *tempered)
            out[name] = value if isinstance(value, list) else [value]
    return out


def _element_values(x: np.ndarray, functions: tuple[str, ...]) -> dict[str, list[mpmath.mpf]]:
    values = textbook.row(x)
    return {name: [textbook.ELEMENT[name](v) for v in values] for name in functions}


def in_domain(function: str, x: np.ndarray) -> np.ndarray:
    """``x`` (any reals) carried into the domain of an element-wise ``function`` (``Function.domain``),
    in ``x``'s dtype: ``nonpositive`` takes :math:`-|x|`; ``probability`` the logistic
    :math:`1/(1 + e^{-x})` rounded (so tiny, near-1/2 and near-1 probabilities all occur); ``real``
    leaves it. Deterministic, so the reference is taken at the very inputs the targets get."""
    domain = by_name(function).domain
    if domain == "nonpositive":
        nonpositive: np.ndarray = -np.abs(x)
        return nonpositive
    if domain == "probability":
        with np.errstate(over="ignore"):
            logistic: np.ndarray = (1.0 / (1.0 + np.exp(-x.astype(np.float64)))).astype(x.dtype)
        return logistic
    return x


def element_groups(functions: tuple[str, ...] | list[str]) -> dict[str, tuple[str, ...]]:
    """The element-wise functions among ``functions`` grouped by domain (one input and one reference per group)."""
    groups: dict[str, tuple[str, ...]] = {}
    for name in functions:
        if name in ELEMENT_FUNCTIONS:
            groups[by_name(name).domain] = groups.get(by_name(name).domain, ()) + (name,)
    return groups


Batch = tuple[tuple[str, ...], np.ndarray, np.ndarray | None, dict[str, np.ndarray]]


def element_batches(x: np.ndarray, dtype: str, functions: tuple[str, ...] | list[str]) -> list[Batch]:
    """(functions, their input, no targets, the references) per domain group of the element-wise
    ``functions``: ``x`` carried into the group's domain once, and its correctly rounded references."""
    out: list[Batch] = []
    for names in element_groups(functions).values():
        batch = in_domain(names[0], x)
        out.append((names, batch, None, reference(batch.astype(np.float64), "elements", dtype, functions=names)))
    return out


def reference(x: np.ndarray, kind: str, dtype: str, targets: np.ndarray | None = None, temperature: float = 1.0,
              functions: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """Correctly rounded reference values: the precision doubles until the rounding is stable.

    Agreement between two precisions can be the agreement of two equally truncated sums, so
    the starting precision covers what the definitions need before any digit is right: the
    dynamic range of the terms (1 + e^{-700} needs about 1010 bits before the small term
    registers; terms below 2^-1200 of the largest cannot change a representable result), tiny
    inputs (log(e^x) - x with |x| = 2^-k needs 2k bits) and large ones (x - log(2 e^x) with
    |x| = 2^k needs k bits for the integer part). Then the precision doubles.

    A ``temperature`` other than 1 (rows only) gives the :data:`TEMPERED` functions at that
    temperature, the rules above applied to x/T. ``functions``: the functions to evaluate, and the
    keys of the result (default: every row function, every tempered one at T != 1, or every
    element-wise one; elements must lie in their domain, :func:`in_domain`).
    """
    bits = BITS[dtype]
    previous: dict[str, list[float]] | None = None
    tempered = temperature != 1.0
    if tempered and kind != "rows":
        raise ValueError(f"a temperature ({temperature}) applies to rows only, not to {kind}")
    offered = TEMPERED if tempered else ROW_FUNCTIONS if kind == "rows" else ELEMENT_FUNCTIONS
    chosen = functions or offered
    if unknown := [f for f in chosen if f not in offered]:
        raise ValueError(f"no {kind} reference for {', '.join(unknown)}{' at T != 1' if tempered else ''}; use some of {', '.join(offered)}")
    with np.errstate(over="ignore", divide="ignore", under="ignore"):
        finite = x[np.isfinite(x)] / temperature
    with np.errstate(invalid="ignore"):  # inf - inf
        span = float(finite.max() - finite.min()) if kind == "rows" and finite.size else float(np.abs(finite).max(initial=0.0))
    if not np.isfinite(span):  # x/T overflowed (x = -1e137 at T = 6e-292): the cap below, not int(NaN)
        span = 1200.0
    written = np.abs(x[np.isfinite(x) & (x != 0)])
    # e^x = 1 + x + x^2/2 + ...: with |x/T| = 2^-k the x^2 term needs 2k bits before log(e^x) - x is not 0 (k from the
    # logarithms: x/T itself may underflow, as x = 1e-301 at T = 1e200 does, whose LSE is x to the last bit)
    small = max(0.0, float(np.log2(temperature)) - float(np.log2(written.min()))) if written.size else 0.0
    # x_i - log(sum e^x) with |x_i| = 2^k: k bits go to the integer part before any fraction
    with np.errstate(divide="ignore"):  # every x/T underflowed to 0: no integer part
        large = max(0.0, float(np.log2(np.abs(finite).max()))) if written.size else 0.0
    prec = 128 + int(min(span, 1200.0) * 1.4427) + 2 * int(min(small, 2200.0)) + int(min(large, 1100.0))
    while True:
        with mpmath.workprec(prec):
            if kind == "rows":
                exact = _row_values(x, targets, chosen, temperature if tempered else None)
            else:
                exact = _element_values(x, chosen)
            rounded = {k: [_round(v, bits) for v in vs] for k, vs in exact.items()}
        if previous is not None and all(np.array_equal(previous[k], rounded[k], equal_nan=True) for k in rounded):
            return {k: np.array(v, dtype=dtype) for k, v in rounded.items()}
        previous, prec = rounded, prec * 2
        if prec > 1 << 17:
            raise ArithmeticError("reference did not stabilise")


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Number of floats between ``a`` and ``b`` (same dtype); equal NaNs and infinities are 0 apart."""
    a, b = np.asarray(a), np.asarray(b)
    signed, width = (np.int64, 64) if a.dtype == np.float64 else (np.int32, 32)
    def ordinal(v: np.ndarray) -> np.ndarray:
        bits = v.view(signed).astype(np.int64)
        return np.where(bits < 0, -(bits & ((1 << (width - 1)) - 1)), bits)
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    oa, ob = ordinal(a), ordinal(b)
    same_sign = (oa >= 0) == (ob >= 0)  # int64 difference is exact there; otherwise add magnitudes
    dist = np.where(same_sign, np.abs(np.where(same_sign, oa - ob, 0)).astype(np.float64),
                    np.abs(oa).astype(np.float64) + np.abs(ob).astype(np.float64))
    dist = np.where(np.isnan(a) != np.isnan(b), np.inf, dist)
    return np.where(same, 0.0, dist)


def implementations() -> dict[str, dict[str, Callable[..., np.ndarray]]]:
    """name -> function name -> callable(x) or callable(x, targets): softproof's targets, scipy and torch if installed."""
    return all_implementations(textbook=False)


@dataclass
class Measurement:
    function: str
    implementation: str
    dtype: str
    region: str
    max_ulp: float
    mean_ulp: float
    count: int

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _batch_reference(x: np.ndarray, dtype: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """(batch of rows, one target per row, references flattened row by row) for a row or a 2-D batch.

    A single row is evaluated as a batch of two copies: one with a random target and one with
    the target at the argmax (cross-entropy "also with the target at the argmax").
    """
    if x.ndim == 1:
        targets = _targets(x, rng)
        ref = reference(x.astype(np.float64), "rows", dtype, targets)
        batch = np.stack([x, x])
        return batch, targets, {
            name: ref[name] if takes_targets(name) else np.concatenate([ref[name]] * 2) for name in ROW_FUNCTIONS
        }
    targets = np.array([int(rng.integers(0, x.shape[1])) if i % 2 else int(np.argmax(r)) for i, r in enumerate(x)], dtype=np.int64)
    refs = [reference(r.astype(np.float64), "rows", dtype, targets[i:i + 1]) for i, r in enumerate(x)]
    return x, targets, {f: np.concatenate([r[f] for r in refs]) for f in ROW_FUNCTIONS}


def _targets(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One random target and the argmax (cross-entropy 'also with the target at the argmax')."""
    return np.array([int(rng.integers(0, x.size)), int(np.argmax(x))], dtype=np.int64)


def measure(
    seed: int = 0, scale: float = 1.0, functions: tuple[str, ...] = FUNCTIONS, dtypes: tuple[str, ...] = ("float64", "float32"),
    progress: Callable[[Iterator[Region], int], Iterator[Region]] | None = None,
) -> list[Measurement]:
    """Max and mean ULP error per (function, implementation, dtype, region)."""
    impls = implementations()
    chosen = regions(seed, scale)
    iterator: Iterator[Region] = iter(chosen) if progress is None else progress(iter(chosen), len(chosen))
    errors: dict[tuple[str, str, str, str], list[np.ndarray]] = {}
    rng = np.random.default_rng(seed + 1)
    for region in iterator:
        if region.kind == "tempered":
            _measure_tempered(region, impls, [f for f in functions if f in TEMPERED], dtypes, errors)
            continue
        wanted = [f for f in functions if f in (ROW_FUNCTIONS if region.kind == "rows" else ELEMENT_FUNCTIONS)]
        if not wanted:
            continue
        for dtype in dtypes:
            for row in region.rows:
                # float32 has no room for 1e300: the huge region is scaled to +-1e38 there
                x = (row * 1e-262 if dtype == "float32" and region.name.startswith("huge") else row).astype(dtype)
                groups: list[Batch]
                if region.kind == "rows":
                    groups = [(tuple(wanted), *_batch_reference(x, dtype, rng))]
                else:
                    groups = element_batches(x, dtype, wanted)
                for names, batch, targets, ref in groups:
                    for impl, funcs in impls.items():
                        for f in names:
                            if f not in funcs:
                                continue  # a comparator without this function
                            with np.errstate(all="ignore"):
                                got = funcs[f](batch, targets) if takes_targets(f) else funcs[f](batch)
                            got = np.asarray(got, dtype=dtype).reshape(-1)
                            errors.setdefault((f, impl, dtype, region.name), []).append(ulp_distance(got, ref[f]))
    out = []
    for (f, impl, dtype, region_name), parts in errors.items():
        err = np.concatenate(parts)
        out.append(Measurement(f, impl, dtype, region_name, float(err.max()), float(err.mean()), int(err.size)))
    return out


def _measure_tempered(region: Region, impls: dict[str, dict[str, Callable[..., np.ndarray]]], wanted: list[str],
                      dtypes: tuple[str, ...], errors: dict[tuple[str, str, str, str], list[np.ndarray]]) -> None:
    """The tempered rows: softproof's targets called with ``temperature=T``; a comparator without a
    temperature parameter on x/T (and logsumexp times T), which is what its users write."""
    for dtype in dtypes:
        for row, T in zip(region.rows, region.temperatures, strict=True):
            x = row.astype(dtype)
            for f in wanted:
                ref = reference(x.astype(np.float64), "rows", dtype, temperature=T, functions=(f,))[f]
                for impl, funcs in impls.items():
                    if f not in funcs:
                        continue
                    with np.errstate(all="ignore"):
                        if impl in OURS:
                            got = funcs[f](x, temperature=T)
                        else:
                            got = funcs[f](x / np.asarray(T, dtype=dtype))
                            got = np.asarray(got) * T if f == "logsumexp" else got
                    got = np.asarray(got, dtype=dtype).reshape(-1)
                    errors.setdefault((f, impl, dtype, region.name), []).append(ulp_distance(got, ref))


def summary(measurements: list[Measurement]) -> dict[tuple[str, str, str], float]:
    """(function, implementation, dtype) -> max ULP over every region (the stretch regions apart)."""
    out: dict[tuple[str, str, str], float] = {}
    for m in measurements:
        if (m.function, m.dtype, m.region) in STRETCH:
            continue
        key = (m.function, m.implementation, m.dtype)
        out[key] = max(out.get(key, 0.0), m.max_ulp)
    return out


def violations(measurements: list[Measurement], implementation: str) -> list[Measurement]:
    """The measurements of ``implementation`` above their bound (stretch regions excluded)."""
    return [
        m for m in measurements
        if m.implementation == implementation and (m.function, m.dtype, m.region) not in STRETCH
        and m.max_ulp > bound_of(m.function, m.dtype, implementation)
    ]


def to_json(measurements: list[Measurement], seed: int, scale: float) -> dict[str, object]:
    """Every measurement, the bounds and the worst case per (function, implementation, dtype)."""
    worst = summary(measurements)
    return {
        "seed": seed, "scale": scale, "bounds": {f"{f} {d}": b for (f, d), b in BOUNDS.items()},
        "measurements": [m.to_json() for m in measurements],
        "summary": [{"function": f, "implementation": i, "dtype": d, "max_ulp": v} for (f, i, d), v in sorted(worst.items())],
    }


def failures(measurements: list[Measurement]) -> list[Measurement]:
    """The measurements of softproof's own targets above their bound."""
    return [m for implementation in OURS for m in violations(measurements, implementation)]


def region_table(measurements: list[Measurement], markdown: bool = False) -> str:
    """One line per (function, dtype, region): max / mean ULP of every implementation."""
    from .tables import render

    impls = sorted({m.implementation for m in measurements}, key=_impl_order)
    cells: dict[tuple[str, str, str], dict[str, Measurement]] = {}
    for m in measurements:
        cells.setdefault((m.function, m.dtype, m.region), {})[m.implementation] = m
    order = {name: i for i, name in enumerate(FUNCTIONS)}
    rows = []
    for (function, dtype, region), by_impl in sorted(cells.items(), key=lambda kv: (order[kv[0][0]], kv[0][1] != "float64", kv[0][2])):
        rows.append([function, dtype, region, *(
            f"{_num(by_impl[i].max_ulp)} / {by_impl[i].mean_ulp:.2f}" if i in by_impl else "-" for i in impls
        )])
    return render(["function", "dtype", "region", *(f"{i} max / mean" for i in impls)], rows, markdown)


def summary_table(measurements: list[Measurement], markdown: bool = False) -> str:
    """Max ULP over every region per (function, dtype) beside the bound of the accuracy issue and what the
    fp.* claims prove of the C target (``prove`` decides them; they need Gappa)."""
    from softproof.codegen.backends.gappa.claims import PROVED_FAST_ULPS, proved_column, proved_fast_ulps

    from .tables import render

    worst = summary(measurements)
    impls = sorted({m.implementation for m in measurements}, key=_impl_order)
    rows = []
    for function in FUNCTIONS:
        for dtype in ("float64", "float32"):
            if not any((function, i, dtype) in worst for i in impls):
                continue
            bound = BOUNDS[(function, dtype)]
            ours = [(i, worst.get((function, i, dtype))) for i in impls if i in OURS and (function, i, dtype) in worst]
            verdict = "ok" if all(v is not None and v <= bound_of(function, dtype, i) for i, v in ours) else "ABOVE BOUND"
            fast = proved_fast_ulps(function) if dtype == "float32" else None
            rows.append([function, dtype, f"<= {bound}", proved_column(function, dtype),
                         f"{fast} ({PROVED_FAST_ULPS[function].id})" if fast is not None else "-",
                         *(_num(worst[(function, i, dtype)]) if (function, i, dtype) in worst else "-" for i in impls), verdict])
    return render(["function", "dtype", "bound", "proved (C)", "proved, fast (C)", *impls, "softproof"], rows, markdown)


def _impl_order(name: str) -> tuple[int, str]:
    return (0 if name.startswith("softproof") else 1, name)


def _num(value: float) -> str:
    if value == int(value) and value < 1e6:
        return str(int(value))
    return f"{value:.2e}"


def pointwise(function: str, seed: int = 0, scale: float = 1.0) -> tuple[list[float], dict[str, list[float]]]:
    """(inputs, implementation -> ULP errors), float64, over every region of ``function``.

    The input of an entry is x_i - max_j x_j for the row functions (x for sigmoid and log_sigmoid;
    the row's max for logsumexp and cross_entropy).
    """
    impls = {name: funcs for name, funcs in implementations().items() if name != FAST_TIER}  # float64: the fast tier is C's
    kind = "rows" if function in ROW_FUNCTIONS else "elements"
    xs: list[float] = []
    errs: dict[str, list[float]] = {name: [] for name in impls}
    rng = np.random.default_rng(seed + 1)
    for region in regions(seed, scale):
        if region.kind != kind:
            continue
        for x in region.rows:
            if kind == "rows":
                batch, targets, refs = _batch_reference(x, "float64", rng)
                ref = refs[function]
                if function in ("softmax", "log_softmax"):
                    xs += list((batch - batch.max(axis=-1, keepdims=True)).reshape(-1))
                else:
                    xs += list(batch.max(axis=-1))
            else:
                batch, targets = in_domain(function, x), None
                ref = reference(batch, kind, "float64", functions=(function,))[function]
                xs += list(batch)
            for name, funcs in impls.items():
                if function not in funcs:
                    continue
                with np.errstate(all="ignore"):
                    got = funcs[function](batch, targets) if takes_targets(function) else funcs[function](batch)
                errs[name] += list(ulp_distance(np.asarray(got, dtype=np.float64).reshape(-1), ref))
    return xs, errs
