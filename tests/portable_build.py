"""Code run by the build without FMA hardware (``SOFTPROOF_PORTABLE=1``): in a process of its own, since the C library is
built and loaded once per process and the variable chooses its flags. JSON in on stdin, JSON out on stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any


def run_portable(code: str, payload: object) -> Any:
    """``code`` run by ``python -c`` with ``SOFTPROOF_PORTABLE=1``, ``payload`` as JSON on its stdin: what it prints, read
    as JSON (the test fails with its stderr where it fails)."""
    done = subprocess.run([sys.executable, "-c", code], input=json.dumps(payload), capture_output=True, text=True,
                          env={**os.environ, "SOFTPROOF_PORTABLE": "1"}, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
