"""The Markdown report: every document, every claim, refutations linked to corrections."""

from __future__ import annotations

from softproof.derive import SEED_FILES, Result
from softproof.derive.report import render_report, summary_line


def test_report_covers_every_claim(results: list[Result]) -> None:
    text = render_report(results)
    for name in SEED_FILES:
        assert f"Source: `{name}`" in text
    for r in results:
        assert f"### `{r.claim.id}`" in text
    assert text.count("> [!WARNING]") == sum(1 for r in results if r.status.value == "refuted")


def test_report_without_timings_is_deterministic(results: list[Result]) -> None:
    assert render_report(results, timings=False) == render_report(results, timings=False)
    assert "<sub>" not in render_report(results, timings=False)


def test_summary_counts(results: list[Result]) -> None:
    line = summary_line(results)
    assert line.startswith(f"{len(results)} claims:") and "all as expected" in line


def test_committed_proof_report_is_current(results: list[Result], fp_results: list[Result], swept_results: list[Result]) -> None:
    """The report of ``prove``: the catalogue, then the fp.* claims (their verdicts need Gappa; the swept ones among
    them make this a test of the exhaustive stage)."""
    from pathlib import Path

    import pytest

    from softproof.codegen.backends.gappa.claims import CLAIMS

    if any(r.outcome.skipped for r in fp_results):
        pytest.skip("Gappa is not installed: the committed report holds its verdicts on the fp.* claims")
    fp = {r.claim.id: r for r in [*fp_results, *swept_results]}
    committed = Path(__file__).resolve().parent.parent / "docs" / "proofs.md"
    assert committed.read_text(encoding="utf-8") == render_report([*results, *(fp[c.id] for c in CLAIMS)], timings=False), (
        "docs/proofs.md is stale; run: python cli.py prove --report docs/proofs.md --no-timings"
    )


def test_run_dependent_observations_stay_out_of_the_deterministic_report(results: list[Result]) -> None:
    """What varies between runs (Gappa's enclosure inside the claim's bound: its search depends on heap
    addresses) is shown only in a timed report; CI once failed on a committed report that held it."""
    from dataclasses import replace

    first = next(r for r in results if r.status.value == "proved")
    seen = replace(first, outcome=replace(first.outcome, observed=["Gappa's enclosure of e: [-1e-16, 1e-16]"]))
    assert "[-1e-16, 1e-16]" in render_report([seen], timings=True)
    assert render_report([seen], timings=False) == render_report([first], timings=False)
