"""Where claims come from: the seed documents (a copy ships in ``derive/seeds``) and ``codegen``.

One place for the file names, their short names ``S000``..``S004`` and their titles.
"""

from __future__ import annotations

from importlib import resources

__all__ = ["CODEGEN", "SEED_FILES", "S000", "S001", "S002", "S003", "S004", "TITLES", "seed_text"]

S000 = "000_1e86d526dfabe206.txt"
S001 = "001_53ebf737894507db.txt"
S002 = "002_47792574109cb198.txt"
S003 = "003_06ee911ec9897575.txt"
S004 = "004_46e911c3fc6df586.txt"
SEED_FILES: tuple[str, ...] = (S000, S001, S002, S003, S004)
CODEGEN = "codegen"  # the stabilising rewrites the generated code relies on

TITLES: dict[str, str] = {
    S000: "000 - Softmax Unit (Deep Learning book notes)",
    S001: "001 - Softmax function, softmax regression",
    S002: "002 - Softmax as a smooth maximum (log-sum-exp)",
    S003: "003 - Softmax, sigmoid and cross-entropy (UIUC notes)",
    S004: "004 - Log-sum-exp, its gradient, and temperature",
    CODEGEN: "codegen - stabilising rewrites used by the generated code",
}


def seed_text(name: str) -> str:
    """The text of a seed document (from the package's ``derive/seeds``)."""
    return resources.files("softproof.derive").joinpath("seeds", name).read_text(encoding="utf-8")
