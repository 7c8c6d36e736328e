"""softproof.derive: the claims of the seed documents, formalised and proved with SymPy."""

from .claims import CODEGEN, SEED_FILES, Claim, Result, catalogue, run_claim, run_claims, select
from .engine import Outcome, Status

__all__ = ["CODEGEN", "SEED_FILES", "Claim", "Result", "Outcome", "Status", "catalogue", "run_claim", "run_claims", "select"]
