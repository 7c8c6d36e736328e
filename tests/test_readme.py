"""The README's quick start: exactly two commands, the second one is what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^#+ [^\n]*quick ?start[^\n]*\n(.*?)(?=^#+ )", text, re.I | re.M | re.S)
    assert section, "README has no Quick start section"
    block = re.search(r"```sh\n(.*?)```", section.group(1), re.S)
    assert block, "Quick start has no sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_has_two_commands() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2
    assert "prove" in commands[0] and "pytest" in commands[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start_commands()[1] in ci.splitlines()


def test_the_quick_start_states_the_catalogue_size() -> None:
    """The figure is the catalogue's, not a typed-in number that drifts (it said 101 when there were 102)."""
    from softproof.codegen.backends.gappa.claims import CLAIMS
    from softproof.derive import catalogue

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"({len(catalogue())} claims," in text
    assert f"then the {len(CLAIMS)} floating-point claims" in text
    assert f"({len(catalogue()) + len(CLAIMS)} claims in all:" in text


def test_ci_runs_the_exhaustive_stage_and_its_list_names_tests() -> None:
    """The quick command leaves out the slow tests of tests/exhaustive.txt; CI runs them after it, and every line of the
    list names a test that exists (a renamed test would otherwise drift back into the quick stage unnoticed)."""
    import subprocess
    import sys

    from conftest import exhaustive_ids

    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ".venv/bin/python -m pytest --exhaustive -m exhaustive" in ci
    assert ci.index(".venv/bin/python -m pytest --exhaustive -m exhaustive") > ci.index(quick_start_commands()[1])
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0", "--exhaustive", "-m", "exhaustive"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    collected = [line for line in done.stdout.splitlines() if line.startswith("tests/")]
    for listed in exhaustive_ids():
        assert any(nodeid.startswith(listed) for nodeid in collected), f"tests/exhaustive.txt names no test: {listed}"
