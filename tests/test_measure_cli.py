"""The accuracy and bench commands: output shape, exit codes, errors without tracebacks (no timing assertions)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from softproof.cli import app

runner = CliRunner()


def test_accuracy_json_and_plot(tmp_path: Path) -> None:
    figure = tmp_path / "errors.png"
    result = runner.invoke(app, ["accuracy", "--scale", "0.02", "--function", "sigmoid", "--json", "--plot", str(figure)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"seed", "scale", "bounds", "measurements", "summary"}
    regions = {m["region"] for m in report["measurements"]}
    assert {"subnormal outputs [-745, -709]", "tiny |x|", "uniform [-745, 40]"} <= regions
    assert {m["implementation"] for m in report["measurements"]} >= {"softproof C", "softproof NumPy", "scipy.special"}
    assert figure.stat().st_size > 10_000


def test_accuracy_table_names_bounds_and_verdicts() -> None:
    result = runner.invoke(app, ["accuracy", "--scale", "0.02", "--function", "logsumexp", "--dtype", "float32"])
    assert result.exit_code == 0, result.output
    assert "bound" in result.stdout and "<= 1" in result.stdout and "ok" in result.stdout
    assert "proved (C)" in result.stdout and "correctly rounded where decided (fp.logsumexp.float32.cr)" in result.stdout


def test_the_proved_column_names_the_claims() -> None:
    from softproof.codegen.backends.gappa.claims import proved_column

    assert proved_column("sigmoid", "float64") == "3 (fp.sigmoid.float64)"
    assert proved_column("sigmoid", "float32") == "correctly rounded (fp.sigmoid.float32.cr)"
    assert proved_column("logsumexp", "float64") == "1 where certified (fp.logsumexp.certified.float64)"
    assert proved_column("softmax", "float64") == "3 (fp.softmax.float64)"


def test_accuracy_rejects_bad_input_with_a_message() -> None:
    for args, fragment in ((["--function", "softmaxx"], "unknown function 'softmaxx'"), (["--dtype", "float16"], "unknown dtype"),
                           (["--scale", "0"], "--scale must be a finite number > 0"),
                           (["--scale", "inf"], "--scale must be a finite number > 0"), (["--seed", "-1"], "--seed must be >= 0")):
        result = runner.invoke(app, ["accuracy", *args])
        assert result.exit_code == 2 and fragment in result.output, result.output
        assert "Traceback" not in result.output


def test_bench_json_shape() -> None:
    result = runner.invoke(app, ["bench", "--size", "1000", "--kernel", "softmax", "--kernel", "cross_entropy",
                                 "--dtype", "float32", "--repeats", "1", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["implementation"] for r in rows} >= {"softproof C", "softproof NumPy", "scipy.special", "NumPy max-shift", "copy (memory floor)"}
    assert {tuple(r["shape"]) for r in rows} == {(1000,), (100, 10)}
    assert {r["kernel"] for r in rows} == {"softmax", "cross_entropy"}
    assert all(r["seconds"] > 0 and r["dtype"] == "float32" for r in rows)


def test_bench_table_and_errors() -> None:
    result = runner.invoke(app, ["bench", "--size", "200", "--row-length", "0", "--kernel", "sigmoid", "--dtype", "float64", "--repeats", "1"])
    assert result.exit_code == 0, result.output
    assert "C vs scipy" in result.stdout and "n = 2e2" in result.stdout
    result = runner.invoke(app, ["bench", "--kernel", "tanh"])
    assert result.exit_code == 2 and "unknown kernel 'tanh'" in result.output
    result = runner.invoke(app, ["bench", "--size", str(10**12), "--kernel", "sigmoid", "--dtype", "float64", "--row-length", "0"])
    assert result.exit_code == 2 and "use a smaller size" in result.output, result.output


def test_bench_shapes_and_the_peers_columns() -> None:
    """--shape times exactly the shapes given (a loss needs rows); every peer that ran has a speed-up column."""
    result = runner.invoke(app, ["bench", "--shape", "3x40", "--shape", "1e2", "--kernel", "softmax", "--kernel", "cross_entropy",
                                 "--dtype", "float64", "--repeats", "1", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {(r["kernel"], tuple(r["shape"])) for r in rows} == {("softmax", (3, 40)), ("softmax", (100,)), ("cross_entropy", (3, 40))}
    result = runner.invoke(app, ["bench", "--shape", "3x40", "--kernel", "softmax", "--dtype", "float32", "--repeats", "1"])
    assert result.exit_code == 0 and "3 rows x 40" in result.stdout and "C vs scipy" in result.stdout, result.output
    result = runner.invoke(app, ["bench", "--shape", "3x40", "--kernel", "softmax", "--dtype", "float64", "--repeats", "1",
                                 "--only", "NumPy max-shift", "--json"])
    assert {r["implementation"] for r in json.loads(result.stdout)} == {"softproof C", "NumPy max-shift", "copy (memory floor)"}
    for args, fragment in ((["--shape", "4096x"], "use N, ROWSxN"), (["--only", "tourch"], "use one of"), (["--shape", "2.5"], "whole numbers"),
                           (["--shape", "1x0x3"], "whole numbers"), (["--shape", "1e12"], "smaller shape"),
                           (["--shape", "100", "--kernel", "cross_entropy"], "a --shape ROWSxN"),
                           (["--pin", "--threads", "2"], "leave out --threads")):
        result = runner.invoke(app, ["bench", *args])
        assert result.exit_code == 2 and fragment in result.output and "Traceback" not in result.output, (args, result.output)


def test_bench_along_another_axis() -> None:
    """--axis with --shape times softmax, log_softmax and logsumexp along that axis (every implementation given the
    axis), leaves the other kernels out, and labels the case with it; an axis out of range or without --shape is one
    line."""
    result = runner.invoke(app, ["bench", "--shape", "6x5x4", "--axis", "1", "--kernel", "softmax", "--kernel", "logsumexp",
                                 "--kernel", "sigmoid", "--dtype", "float32", "--repeats", "1", "--only", "NumPy max-shift", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {(r["kernel"], tuple(r["shape"]), r["axis"]) for r in rows} == {("softmax", (6, 5, 4), 1), ("logsumexp", (6, 5, 4), 1)}
    result = runner.invoke(app, ["bench", "--shape", "6x5x4", "--axis", "0", "--kernel", "log_softmax", "--dtype", "float64", "--repeats", "1"])
    assert result.exit_code == 0 and "6 x 5 x 4, axis 0" in result.stdout, result.output
    for args, fragment in ((["--shape", "6x5", "--axis", "2"], "out of range for --shape 6x5"), (["--axis", "0"], "--axis needs --shape"),
                           (["--shape", "6x5", "--axis", "0", "--kernel", "sigmoid"], "along another axis only")):
        result = runner.invoke(app, ["bench", *args])
        assert result.exit_code == 2 and fragment in result.output and "Traceback" not in result.output, (args, result.output)


def test_the_textbook_row_functions_take_an_axis() -> None:
    """The bench's NumPy max-shift formulas along an axis agree with softproof's (so a timing along an axis times the
    same computation on every side)."""
    import numpy as np

    from softproof.generated import softmax_c
    from softproof.measure.implementations import textbook_numpy

    x = np.random.default_rng(3).standard_normal((4, 6, 5))
    textbook = textbook_numpy()
    for name in ("softmax", "log_softmax", "logsumexp"):
        np.testing.assert_allclose(textbook[name](x, axis=1), getattr(softmax_c, name)(x, axis=1), rtol=1e-13, atol=1e-15)


def test_bench_fast_tier_has_its_own_columns() -> None:
    """--tier fast times softproof C with precision="fast" beside the default tier (only the kernels that have a fast
    kernel), with its own speed-up columns; a bad tier is one line."""
    result = runner.invoke(app, ["bench", "--shape", "3x40", "--kernel", "softmax", "--kernel", "log1mexp", "--dtype", "float32",
                                 "--repeats", "1", "--tier", "fast", "--only", "NumPy max-shift", "--json"])
    assert result.exit_code == 0, result.output
    timed = {(r["kernel"], r["implementation"]) for r in json.loads(result.stdout)}
    assert ("softmax", "softproof C, fast") in timed and ("log1mexp", "softproof C, fast") not in timed
    result = runner.invoke(app, ["bench", "--shape", "3x40", "--kernel", "softmax", "--dtype", "float32", "--repeats", "1", "--tier", "fast"])
    assert result.exit_code == 0 and "fast vs scipy" in result.stdout and "softproof C, fast ms" in result.stdout, result.output
    result = runner.invoke(app, ["bench", "--tier", "quick"])
    assert result.exit_code == 2 and "use accurate or fast" in result.output and "Traceback" not in result.output


def test_bench_pin_runs_on_one_core() -> None:
    """--pin: the whole process on one core (a child process, so that this worker keeps its cores)."""
    import os
    import subprocess
    import sys

    program = ("import os; from typer.testing import CliRunner; from softproof.cli import app; "
               "r = CliRunner().invoke(app, ['bench', '--pin', '--shape', '50', '--kernel', 'sigmoid', '--dtype', 'float64', '--repeats', '1']); "
               "print(r.exit_code, len(os.sched_getaffinity(0)))")
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120, env=os.environ)
    assert run.stdout.split() == ["0", "1"], run.stdout + run.stderr


def test_plot_files_and_kernels_are_checked_before_any_work(tmp_path: Path) -> None:
    """A --plot that matplotlib cannot write (its format from the suffix), or a bench plot of a
    kernel or dtype the run does not time, is refused up front: exit 2, one line, no traceback."""
    cases = (
        (["accuracy", "--plot", str(tmp_path / "errors.txt")], "must end in .png or .svg"),
        (["bench", "--plot", str(tmp_path / "speed.jpg")], "must end in .png or .svg"),
        (["bench", "--kernel", "sigmoid", "--plot-kernel", "softmax", "--plot", str(tmp_path / "a.png")], "add --kernel softmax"),
        (["bench", "--dtype", "float32", "--plot", str(tmp_path / "b.png")], "--dtype float64"),
    )
    for args, fragment in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and fragment in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert not list(tmp_path.iterdir())


def test_bench_plot_defaults_to_the_timed_kernel(tmp_path: Path) -> None:
    figure = tmp_path / "sigmoid.svg"
    result = runner.invoke(app, ["bench", "--size", "100", "--size", "1000", "--row-length", "0", "--kernel", "sigmoid",
                                 "--dtype", "float64", "--repeats", "1", "--plot", str(figure)])
    assert result.exit_code == 0, result.output
    assert "sigmoid" in figure.read_text()


def test_bench_softmax_backward_has_no_scipy_column() -> None:
    """scipy has no softmax_backward: the implementations that lack a kernel are left out of its row."""
    result = runner.invoke(app, ["bench", "--size", "1000", "--kernel", "softmax_backward", "--dtype", "float64", "--repeats", "1", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    names = {r["implementation"] for r in rows}
    assert {"softproof C", "softproof NumPy", "NumPy max-shift", "copy (memory floor)"} <= names
    assert "scipy.special" not in names
