"""The command line: exit codes, JSON shape, report, and errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from softproof.cli import app
from softproof.derive import Result

runner = CliRunner()
KEYS = {"id", "source", "quote", "statement", "status", "scope", "method", "counterexample", "correction", "seconds"}


@pytest.fixture
def decided(monkeypatch: pytest.MonkeyPatch, results: list[Result]) -> None:
    """``prove`` takes each claim's verdict from the run's shared verdicts (tests/test_claims.py checks them), so that
    these tests check the command's table, JSON, report and exit code without deciding the claims again."""
    import softproof.derive.claims as claims

    by_id = {result.claim.id: result for result in results}
    monkeypatch.setattr(claims, "run_claim", lambda claim: by_id[claim.id])


@pytest.mark.usefixtures("decided")
def test_prove_json_shape_and_exit_code() -> None:
    result = runner.invoke(app, ["prove", "--json", "--source", "004"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(set(r) == KEYS for r in rows)
    assert all(r["source"] == "004_46e911c3fc6df586.txt" for r in rows)
    for r in rows:
        if r["status"] == "refuted":
            assert r["counterexample"] and r["correction"]
        else:
            assert r["counterexample"] is None and r["correction"] is None


@pytest.mark.usefixtures("decided")
def test_prove_table_and_summary() -> None:
    result = runner.invoke(app, ["prove", "--only", "lse.chain_*"])
    assert result.exit_code == 0
    assert "lse.chain_third" in result.stdout and "refuted" in result.stdout
    assert "3 claims: 2 proved, 1 refuted, 0 unproved; all as expected" in result.stdout


@pytest.mark.usefixtures("decided")
def test_prove_writes_report(tmp_path: Path) -> None:
    report = tmp_path / "proofs.md"
    result = runner.invoke(app, ["prove", "--source", "003", "--report", str(report)])
    assert result.exit_code == 0
    text = report.read_text(encoding="utf-8")
    assert "## 003" in text and "[!WARNING]" in text and "sigmoid-two-class-first-row-correction" in text


def test_unexpected_verdict_exits_one(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import softproof.derive.claims as claims
    from softproof.derive import Status

    original = claims.run_claim

    def flipped(claim):  # type: ignore[no-untyped-def]
        result = original(claim)
        result.outcome.status = Status.UNPROVED
        return result

    monkeypatch.setattr(claims, "run_claim", flipped)
    result = runner.invoke(app, ["prove", "--only", "softmax.sums_to_one"])
    assert result.exit_code == 1
    assert "expected proved" in result.stdout


def test_bad_filters_fail_cleanly() -> None:
    for args in (["prove", "--only", "no-such-claim"], ["prove", "--source", "009"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert "error:" in result.output and "Traceback" not in result.output


def test_unwritable_report_fails_cleanly(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["prove", "--only", "softmax.sums_to_one", "--report", str(blocker / "r.md")])
    assert result.exit_code == 2
    assert "is not a folder" in result.output and "Traceback" not in result.output
