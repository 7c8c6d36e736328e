"""The catalogue: every claim of every family, in document order, by id or by pattern.

Each family module lists its claims in ``CLAIMS`` (importing a module registers nothing
anywhere); :data:`FAMILIES` names the modules, and the catalogue is built from them on first use.
"""

from __future__ import annotations

import fnmatch
from functools import cache
from types import ModuleType

from . import conventions, cross_entropy, exp_kernel, log1p_kernel, logsumexp, rewrites, sigmoid, softmax, state, temperature
from .claims import Claim
from .sources import CODEGEN, SEED_FILES

__all__ = ["FAMILIES", "catalogue", "claim", "select"]

FAMILIES: tuple[ModuleType, ...] = (conventions, cross_entropy, exp_kernel, log1p_kernel, logsumexp, rewrites, sigmoid, softmax, state, temperature)


@cache
def _by_id() -> dict[str, Claim]:
    out: dict[str, Claim] = {}
    for family in FAMILIES:
        for item in family.CLAIMS:
            if item.id in out:
                raise ValueError(f"claim id {item.id!r} is used twice ({family.__name__}); ids must be unique")
            out[item.id] = item
    return out


def catalogue() -> list[Claim]:
    """Every claim, in document order (sources in order, then each family's order)."""
    order = {name: pos for pos, name in enumerate((*SEED_FILES, CODEGEN))}
    return sorted(_by_id().values(), key=lambda c: order.get(c.source, len(order)))


def claim(claim_id: str) -> Claim:
    """The claim with this exact id; a ``KeyError`` naming the nearest ids otherwise."""
    try:
        return _by_id()[claim_id]
    except KeyError:
        near = [c for c in _by_id() if c.split(".")[0] == claim_id.split(".")[0]][:8]
        raise KeyError(f"no claim {claim_id!r}; ids of that family: {', '.join(near) or 'none'}") from None


def select(pattern: str | None = None, source: str | None = None, pool: list[Claim] | None = None) -> list[Claim]:
    """Claims of ``pool`` (default: the catalogue) whose id matches the glob ``pattern`` (or contains it)
    and whose source matches."""
    chosen = catalogue() if pool is None else pool
    if pattern:
        chosen = [c for c in chosen if fnmatch.fnmatch(c.id, pattern) or pattern in c.id]
    if source:
        chosen = [c for c in chosen if c.source == source or c.source.startswith(source)]
    return chosen
