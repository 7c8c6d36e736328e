"""softproof command line: parses arguments and calls the library.

    python cli.py prove [--json] [--report FILE.md] [--only PATTERN] [--source FILE]
    python cli.py check LHS RHS [--relation REL] [--assume "n: positive integer" ...] [--json]
    python cli.py codegen --target c|numpy|all [--out DIR] [--check]
    python cli.py accuracy [--seed N] [--scale F] [--function NAME ...] [--json] [--plot FILE.png]
    python cli.py bench [--sizes ...] [--dtype ...] [--json] [--plot FILE.png]
    python cli.py plot [--out DIR]
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="softproof: prove the softmax family's identities, generate and verify its code.",
)


@app.callback()
def root() -> None:
    """softproof: prove the softmax family's identities, generate and verify its code."""


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-line error to stderr and exit (never a traceback)."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


@app.command()
def prove(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array, one object per claim.")] = False,
    report: Annotated[Path | None, typer.Option("--report", help="Write a Markdown report with LaTeX.")] = None,
    only: Annotated[str | None, typer.Option("--only", help="Claims whose id matches this glob or substring.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Claims of one seed file (or 'codegen').")] = None,
    timings: Annotated[bool, typer.Option("--timings/--no-timings", help="Show seconds and what varies between runs (Gappa's enclosures) in the report (off: deterministic).")] = True,
) -> None:
    """Prove or refute every claim of the seed documents; exit 1 if any verdict is unexpected, 4 on an internal error."""
    from softproof.codegen.backends.gappa.claims import CLAIMS as FP_CLAIMS
    from softproof.derive import CODEGEN, SEED_FILES, catalogue, run_claims, select
    from softproof.derive.files import atomic_write_text, unwritable
    from softproof.derive.report import render_report, render_table, summary_line
    from softproof.measure.progress import progress

    if source is not None and not any(s == source or s.startswith(source) for s in (*SEED_FILES, CODEGEN)):
        fail(f"unknown source {source!r}; use one of {', '.join((*SEED_FILES, CODEGEN))} (a prefix such as 003 works)")
    if report is not None and (why := unwritable(report)):
        fail(f"--report {str(report)!r}: {why}")
    claims = select(only, source, pool=[*catalogue(), *FP_CLAIMS])  # the seeds' and the rewrites' claims, then the fp.* ones
    if not claims:
        fail(f"no claim matches --only {only!r}" + (f" --source {source!r}" if source else "") + "; run without filters to list all")
    from softproof.derive.check import SoundnessError

    try:
        with progress(len(claims), "proving", enabled=not as_json) as tick:
            results = run_claims(claims, on_result=lambda r: tick(r.claim.id))
    except SoundnessError as exc:
        fail(str(exc), code=4)
    if as_json:
        typer.echo(json.dumps([r.to_json() for r in results], indent=2, ensure_ascii=False))
    else:
        typer.echo(render_table(results))
        typer.echo(summary_line(results))
    if report is not None:
        try:
            atomic_write_text(report, render_report(results, timings=timings))
        except OSError as exc:
            fail(f"cannot write the report to {str(report)!r}: {exc.strerror}; choose a writable path")
        if not as_json:
            typer.echo(f"report written to {report}")
    raise typer.Exit(0 if all(r.as_expected for r in results) else 1)


class SidesMayBeginWithMinus(TyperCommand):
    """A command whose arguments may begin with '-' ('-log(p)', '-exp(a)*b'): click would read such a
    word as a cluster of short options (and '-exp(a)' as '-a' with the value 'xp(a)'). The words are
    sorted before parsing: this command's options (with their values) first, then '--', then every
    other word as an argument. A word beginning with '--' that names no option stays an option, so
    that click refuses it; a short option with its value attached ('-r<=') is taken only for a
    relation, anything else beginning with one '-' is an argument."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # ctx: click's Context (typer may vendor click)
        from softproof.derive.check import RELATIONS

        takes_value = {"--help": False}
        for param in self.params:
            if param.param_type_name == "option":
                takes_value.update({name: not getattr(param, "is_flag", False) for name in (*param.opts, *param.secondary_opts)})
        options: list[str] = []
        arguments: list[str] = []
        words = iter(args)
        for word in words:
            name = word.split("=", 1)[0]
            if word == "--":
                arguments.extend(words)
            elif name in takes_value:
                options.append(word)
                value = next(words, None) if takes_value[name] and "=" not in word else None
                if value is not None:
                    options.append(value)
            elif word.startswith("--") or (word[:2] in takes_value and word[2:] in RELATIONS):
                options.append(word)
            else:
                arguments.append(word)
        return super().parse_args(ctx, [*options, "--", *arguments])


@app.command(cls=SidesMayBeginWithMinus)
def check(
    lhs: Annotated[str, typer.Argument(help="Left-hand side in SymPy syntax, e.g. 'diff(log(exp(a)+exp(b)), a)' or 'limit(sigmoid(x/T), T, oo)'.")],
    rhs: Annotated[str, typer.Argument(help="Right-hand side in SymPy syntax.")],
    relation: Annotated[str, typer.Option("--relation", "-r", help="One of ==, <=, <, >=, >.")] = "==",
    assume: Annotated[list[str] | None, typer.Option("--assume", "-a", help="e.g. 'n: positive integer', 'T: positive', 'p: unit' (0 < p < 1), 'x: > 1', 'x: 0 <= x < 1', 'T: in (0, 1]'.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    timeout: Annotated[str, typer.Option("--timeout", help="Give up (verdict unknown, exit 3) after this many seconds, 0 < s <= 86400.")] = "120",
) -> None:
    """Prove or refute LHS REL RHS. Exit 0 proved, 1 refuted, 2 bad input, 3 unknown, 4 internal error."""
    from softproof.derive.check import SoundnessError
    from softproof.derive.check import check as decide
    from softproof.derive.parsing import ExpressionError

    seconds = _positive_seconds(timeout)
    try:
        result = decide(lhs, rhs, relation, assume or [], timeout=seconds)
    except ExpressionError as exc:
        fail(str(exc))
    except SoundnessError as exc:
        fail(str(exc), code=4)
    except Exception as exc:  # noqa: BLE001 - a SymPy failure on an admitted input: one line and exit 4, never a traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        fail(f"internal error ({type(exc).__name__}: {first}); please report it with the command line", code=4)
    typer.echo(json.dumps(result.to_json(), indent=2) if as_json else result.text())
    raise typer.Exit(result.exit_code)


def _positive_seconds(text: str) -> float:
    """``--timeout``: a finite number of seconds in (0, 86400]; anything else is a one-line error."""
    try:
        value = float(text)
    except ValueError:
        fail(f"--timeout {text!r} is not a number of seconds; use e.g. --timeout 30")
    if not (math.isfinite(value) and 0 < value <= 86400):
        fail(f"--timeout {text} is out of range; use a number of seconds with 0 < s <= 86400")
    return value


AVAILABLE_TARGETS = ("numpy", "c", "gappa")


@app.command()
def codegen(
    target: Annotated[str, typer.Option("--target", help="numpy, c, gappa (the proof scripts of the fp.* claims), or all.")] = "all",
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (default: the clone's generated/).")] = None,
    check_only: Annotated[bool, typer.Option("--check", help="Regenerate in memory; exit 1 with a diff if OUT is stale.")] = False,
) -> None:
    """Generate kernels from the proved expressions into generated/ (atomically)."""
    from softproof.codegen.writer import OutputError, default_output, drift, render, write

    try:
        explicit = out
        out = out if out is not None else default_output()
    except OutputError as exc:
        fail(str(exc))
        return
    if target not in (*AVAILABLE_TARGETS, "all"):
        fail(f"unknown target {target!r}; use one of {', '.join((*AVAILABLE_TARGETS, 'all'))}")
    files: dict[str, str] = {}
    for name in AVAILABLE_TARGETS if target == "all" else (target,):
        files.update(render(name))
    if check_only:
        diff = drift(files, out)
        if diff:
            typer.echo(diff, nl=False)
            again = f"python cli.py codegen --target {target}" + ("" if explicit is None else f" --out {explicit}")
            typer.secho(f"{out} is stale; run: {again}", err=True, fg=typer.colors.RED)
            raise typer.Exit(1)
        typer.echo(f"{out}: {len(files)} file(s) up to date")
        return
    try:
        written = write(files, out)
    except OutputError as exc:
        fail(str(exc))
        return
    except OSError as exc:
        fail(f"cannot write to {str(out)!r}: {exc.strerror}; choose a writable --out folder")
        return
    for path in written:
        typer.echo(f"wrote {path}")


@app.command()
def plot(
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the PNG and SVG files (default: the clone's docs/figures).")] = None,
) -> None:
    """Draw the documents' figures (needs matplotlib)."""
    from softproof.derive.files import NotACheckoutError, checkout_path
    from softproof.measure.figures import MatplotlibMissingError, draw_all

    try:
        out = out if out is not None else checkout_path("docs", "figures")
    except NotACheckoutError as exc:
        fail(str(exc))
        return
    try:
        written = draw_all(out)
    except MatplotlibMissingError as exc:
        fail(str(exc))
        return
    except OSError as exc:
        fail(f"cannot write to {str(out)!r}: {exc.strerror}; choose a writable --out folder")
        return
    for path in written:
        typer.echo(f"wrote {path}")


PLOT_SUFFIXES = (".png", ".svg")


def check_plot_file(plot_file: Path | None) -> None:
    """Refuse a --plot file matplotlib cannot write, before any work is done."""
    from softproof.derive.files import unwritable

    if plot_file is None:
        return
    if plot_file.suffix.lower() not in PLOT_SUFFIXES:
        fail(f"--plot {str(plot_file)!r}: the file name must end in .png or .svg, e.g. --plot figure.png")
    if why := unwritable(plot_file):
        fail(f"--plot {str(plot_file)!r}: {why}")


def write_plot(draw: Callable[[], Path], plot_file: Path, quiet: bool) -> None:
    """Run ``draw`` (which writes ``plot_file``), turning a missing matplotlib or a bad path into an error line."""
    try:
        path = draw()
    except ImportError:
        fail("--plot needs matplotlib: pip install 'softproof[plot]'")
        return
    except OSError as exc:
        fail(f"cannot write {str(plot_file)!r}: {exc.strerror}; choose a writable path")
        return
    if not quiet:
        typer.echo(f"wrote {path}")


@app.command()
def accuracy(
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random inputs.")] = 0,
    scale: Annotated[float, typer.Option("--scale", help="Multiplies the sample sizes (1: rows up to 1e5 long).")] = 1.0,
    function: Annotated[list[str] | None, typer.Option("--function", help="Only these functions (repeatable).")] = None,
    dtype: Annotated[list[str] | None, typer.Option("--dtype", help="float64 and/or float32 (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON: every measurement and the summary.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the tables as Markdown.")] = False,
    plot_file: Annotated[Path | None, typer.Option("--plot", help="Draw ULP error against input (PNG or SVG).")] = None,
    plot_function: Annotated[str | None, typer.Option("--plot-function", help="The function drawn by --plot (default: the first --function, else softmax).")] = None,
    search_seconds: Annotated[float | None, typer.Option("--search", help="Instead: hill-climb on ULP error for this many seconds per function, target and dtype; print the worst input found.")] = None,
) -> None:
    """ULP error of the generated code (and scipy, torch) against a correctly rounded mpmath reference.

    Exit 1 if a softproof target is above a bound of the accuracy table.
    """
    from softproof.measure import accuracy as acc
    from softproof.measure.progress import tracked_by

    functions = tuple(function) if function else acc.FUNCTIONS
    dtypes = tuple(dtype) if dtype else ("float64", "float32")
    for name in functions:
        if name not in acc.FUNCTIONS:
            fail(f"unknown function {name!r}; use one of {', '.join(acc.FUNCTIONS)}")
    for name in dtypes:
        if name not in acc.BITS:
            fail(f"unknown dtype {name!r}; use float64 or float32")
    plot_function = plot_function or functions[0]
    if plot_function not in acc.FUNCTIONS:
        fail(f"unknown --plot-function {plot_function!r}; use one of {', '.join(acc.FUNCTIONS)}")
    if not 0 < scale < math.inf:
        fail(f"--scale must be a finite number > 0, got {scale}")
    if seed < 0:
        fail(f"--seed must be >= 0 (a NumPy seed), got {seed}")
    check_plot_file(plot_file)
    if search_seconds is not None:
        if not 0 < search_seconds <= 86400:
            fail(f"--search {search_seconds} is out of range; use a number of seconds with 0 < s <= 86400")
        _search_worst(functions, dtypes, search_seconds, seed)
        return

    tracked = tracked_by("measuring", lambda region: region.name, enabled=not as_json)
    try:
        measurements = acc.measure(seed, scale, functions, dtypes, progress=tracked)
    except MemoryError as exc:
        fail(f"not enough memory at --scale {scale} ({exc}); use a smaller --scale")
    if as_json:
        typer.echo(json.dumps(acc.to_json(measurements, seed, scale), indent=2))
    else:
        typer.echo(acc.region_table(measurements, markdown))
        typer.echo("")
        typer.echo(acc.summary_table(measurements, markdown))
    if plot_file is not None:

        def draw() -> Path:
            from softproof.measure.plots import plot_errors

            inputs, errors = acc.pointwise(plot_function, seed, min(scale, 0.25))
            return plot_errors(plot_function, inputs, errors, plot_file)

        write_plot(draw, plot_file, quiet=as_json)
    failing = acc.failures(measurements)
    if failing:
        for m in failing:
            typer.secho(f"above bound: {m.function} {m.dtype} {m.region} {m.implementation}: {m.max_ulp:g} ULP", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)


def _search_worst(functions: tuple[str, ...], dtypes: tuple[str, ...], seconds: float, seed: int) -> None:
    """``accuracy --search``: the worst input per function, target and dtype; exit 1 above a bound."""
    from softproof.measure import accuracy as acc
    from softproof.measure.search import search

    table = {name: impl for name, impl in acc.implementations().items() if name in acc.OURS}  # the fast tier where it has a kernel
    above = []
    for function in functions:
        for dtype in dtypes:
            for worst in search(function, {name: impls[function] for name, impls in table.items() if function in impls}, dtype, seconds, seed):
                typer.echo(worst.describe())
                bound = acc.bound_of(function, dtype, worst.target) if (function, dtype) in acc.BOUNDS else None
                if bound is not None and worst.ulps > bound:
                    above.append(f"above bound: {function} {dtype} {worst.target}: {worst.ulps:g} ULP (bound {bound})")
    for line in above:
        typer.secho(line, err=True, fg=typer.colors.RED)
    if above:
        raise typer.Exit(1)


@app.command()
def bench(
    sizes: Annotated[list[int] | None, typer.Option("--size", help="Array sizes (repeatable); default 1e3 1e5 1e6 1e7.")] = None,
    row_length: Annotated[int, typer.Option("--row-length", help="Also time rows of this length (0: no row cases).")] = 10,
    kernel: Annotated[list[str] | None, typer.Option("--kernel", help="Only these kernels (repeatable).")] = None,
    dtype: Annotated[list[str] | None, typer.Option("--dtype", help="float64 and/or float32 (repeatable).")] = None,
    repeats: Annotated[int, typer.Option("--repeats", help="Interleaved samples per implementation (median).")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON: one object per timing.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the table as Markdown.")] = False,
    plot_file: Annotated[Path | None, typer.Option("--plot", help="Draw ns per element against n (PNG or SVG).")] = None,
    plot_kernel: Annotated[str | None, typer.Option("--plot-kernel", help="The kernel drawn by --plot, float64 (default: the first --kernel).")] = None,
    threads: Annotated[int, typer.Option("--threads", help="Threads for softproof C and torch (scipy and NumPy have one).")] = 1,
    shape: Annotated[list[str] | None, typer.Option("--shape", help="Time these shapes instead of --size/--row-length: N, ROWSxN or more axes, e.g. 1e6, 4096x1000, 32x128x128 (repeatable).")] = None,
    axis: Annotated[int, typer.Option("--axis", help="With --shape: the axis softmax, log_softmax and logsumexp reduce (default the last; another leaves the other kernels out).")] = -1,
    pin: Annotated[bool, typer.Option("--pin", help="Run on one core: every library, JAX's thread pool included, gets one core.")] = False,
    only: Annotated[list[str] | None, typer.Option("--only", help="Time only these beside softproof C and the copy (repeatable): softproof NumPy, scipy.special, NumPy max-shift, torch, jax, 'softproof C, out='.")] = None,
    tier: Annotated[list[str] | None, typer.Option("--tier", help="accurate (default) and/or fast: time softproof C with precision='fast' too, with its own speed-up columns (repeatable).")] = None,
) -> None:
    """Time the generated kernels beside scipy.special, plain NumPy (and torch and jax when installed), with a copy as the memory floor."""
    from softproof.measure import bench as b
    from softproof.measure.progress import tracked_by

    kernels = tuple(kernel) if kernel else b.KERNELS
    dtypes = tuple(dtype) if dtype else ("float64", "float32")
    chosen_sizes = tuple(sizes) if sizes else (10**3, 10**5, 10**6, 10**7)
    for name in kernels:
        if name not in b.KERNELS:
            fail(f"unknown kernel {name!r}; use one of {', '.join(b.KERNELS)}")
    for name in dtypes:
        if name not in ("float64", "float32"):
            fail(f"unknown dtype {name!r}; use float64 or float32")
    if any(size < 1 for size in chosen_sizes) or repeats < 1 or row_length < 0:
        fail("--size and --repeats must be >= 1 and --row-length >= 0")
    if not 1 <= threads <= 4096:
        fail(f"--threads {threads}: use 1 to 4096")
    if max(chosen_sizes) > b.MAX_SIZE:
        fail(f"--size {max(chosen_sizes)} is more than {b.MAX_SIZE:.0e} entries; use a smaller size")
    plot_kernel = plot_kernel or kernels[0]
    if plot_kernel not in b.KERNELS:
        fail(f"unknown --plot-kernel {plot_kernel!r}; use one of {', '.join(b.KERNELS)}")
    check_plot_file(plot_file)
    if plot_file is not None and (plot_kernel not in kernels or "float64" not in dtypes):
        fail(f"--plot draws {plot_kernel} in float64, which this run does not time; add --kernel {plot_kernel} --dtype float64")

    shapes: tuple[tuple[int, ...], ...] = ()
    for text in shape or ():
        try:
            shapes += (b.parse_shape(text),)
        except ValueError as exc:
            fail(str(exc))
    if shapes and max(math.prod(s) for s in shapes) > b.MAX_SIZE:
        fail(f"a --shape has more than {b.MAX_SIZE:.0e} entries; use a smaller shape")
    for name in only or ():
        if name not in b.OPTIONAL:
            fail(f"--only {name!r}: use one of {', '.join(repr(k) for k in b.OPTIONAL)}")
    for name in tier or ():
        if name not in b.TIERS:
            fail(f"--tier {name!r}: use accurate or fast")
    if pin and threads != 1:
        fail("--pin runs everything on one core; leave out --threads (or use --threads 1)")
    if axis != -1 and not shapes:
        fail("--axis needs --shape (the sizes' rows reduce the last axis)")
    for dims in shapes:
        if not -len(dims) <= axis < len(dims):
            fail(f"--axis {axis} is out of range for --shape {'x'.join(map(str, dims))}; use -{len(dims)} to {len(dims) - 1}")
    chosen_cases = b.shape_cases(shapes, kernels, dtypes, axis) if shapes else b.cases(chosen_sizes, row_length, kernels, dtypes)
    if not chosen_cases:
        fail(f"nothing to time: along another axis only {', '.join(b.ALONG_AXIS)}; the cross-entropy kernels run on rows "
             "only (a --shape ROWSxN)" if shapes else
             "nothing to time: the cross-entropy kernels run on rows only; give --row-length >= 1 "
             "(and a --size at least 10 times it)")
    tracked = tracked_by("timing", lambda case: f"{case.kernel} {case.dtype} {case.label}", enabled=not as_json)
    b.use_threads(threads)
    if pin:
        try:
            b.pin_to_one_core()
        except (AttributeError, OSError) as exc:  # no sched_setaffinity here (macOS, Windows)
            fail(f"--pin needs os.sched_setaffinity (Linux): {exc}; time without --pin")
    try:
        timings = b.run(chosen_cases, repeats, progress=tracked, only=tuple(only or ()), tiers=tuple(tier or ("accurate",)))
    except MemoryError as exc:
        fail(f"not enough memory for the largest case ({exc}); use smaller sizes or shapes")
    if as_json:
        typer.echo(json.dumps([t.to_json() for t in timings], indent=2))
    else:
        typer.echo(b.table(timings, markdown))
    if plot_file is not None:

        def draw() -> Path:
            from softproof.measure.plots import plot_bench

            return plot_bench(plot_kernel, "float64", timings, plot_file)

        write_plot(draw, plot_file, quiet=as_json)


def main() -> Any:
    """Console-script entry point (``softproof``)."""
    return app()


if __name__ == "__main__":
    main()
