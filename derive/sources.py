"""Where claims come from: the seed documents (a copy ships in ``derive/seeds``) and ``codegen``.

One place for the file names, their short names ``S000``..``S004`` and their titles.
"""

from __future__ import annotations

from importlib import resources

__all__ = ["CODEGEN", "SEED_FILES", "SEED_SHA256", "S000", "S001", "S002", "S003", "S004", "TITLES", "seed_text"]

S000 = "000_1e86d526dfabe206.txt"
S001 = "001_53ebf737894507db.txt"
S002 = "002_47792574109cb198.txt"
S003 = "003_06ee911ec9897575.txt"
S004 = "004_46e911c3fc6df586.txt"
SEED_FILES: tuple[str, ...] = (S000, S001, S002, S003, S004)
CODEGEN = "codegen"  # the stabilising rewrites the generated code relies on
# SHA-256 of each document as received (../shared/seeds); a test checks the copies in derive/seeds
SEED_SHA256: dict[str, str] = {
    S000: "f038ff6dd9d72df30d4e5ec3a65920b8e21b9c2797ffa277a2d599a365bb0b45",
    S001: "f045b9cead76d013438f49b123e6fa804b872d0c1148334d2b1f4f86bfcc0a02",
    S002: "3cab9d06a9bc4a6f95eca31a79db7aeb4a0e05d4987f480dfe75f6ed51a0495d",
    S003: "8d268332a0249a2e8e9e1d8db384840dc479577642b8761bfc34ea034f28f0a5",
    S004: "5c619eb79a5418799d2e8e60b8b2f32b1a6f03c3dd6c5b47b680393e4d284b6a",
}

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
