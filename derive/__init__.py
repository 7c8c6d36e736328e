"""softproof.derive: the claims of the seed documents, formalised and proved with SymPy."""

from .catalogue import catalogue, claim, select
from .claims import Claim, Result, run_claim, run_claims
from .engine import Outcome, Status
from .sources import CODEGEN, SEED_FILES

__all__ = [
    "CODEGEN", "SEED_FILES", "Claim", "Result", "Outcome", "Status", "catalogue", "claim", "run_claim", "run_claims", "select",
]
