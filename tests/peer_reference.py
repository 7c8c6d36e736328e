"""mpmath references of the peers' options, written from their documented formulas (not from softproof's code).

* torch.nn.functional.cross_entropy (docs: "the loss can be described as ... l_n = -w_{y_n} log p_{n,y_n}";
  with label smoothing the target becomes (1 - eps) onehot + eps/C; "mean" divides by sum_n w_{y_n}
  over the non-ignored n for class indices, by N for probabilities), nll_loss, and
  binary_cross_entropy_with_logits (l_n = -w_n [p_c y_n log sigma(x_n) + (1 - y_n) log(1 - sigma(x_n))]);
* scipy.special.logsumexp(b=, return_sign=) and jax.nn.{softmax, log_softmax, logsumexp, logmeanexp}(where=):
  the sums over the kept entries.

Each takes plain Python floats and returns floats rounded from a value computed at ``PREC`` bits.
"""

from __future__ import annotations

from collections.abc import Sequence

import mpmath

PREC = 400  # bits: far above the cancellation of any test input here (|x| <= 1e3, weights near 1)


def _mp(values: Sequence[float]) -> list[mpmath.mpf]:
    return [mpmath.mpf(v) for v in values]  # exact for floats and for mpf (the shifted points of a difference)


def log_probs(row: Sequence[float], keep: Sequence[bool]) -> list[mpmath.mpf]:
    """log softmax over the kept entries (-inf at the others), at PREC bits (or more, if the caller's)."""
    with mpmath.workprec(max(PREC, mpmath.mp.prec)):
        x = _mp(row)
        total = mpmath.fsum(mpmath.exp(v) for v, k in zip(x, keep, strict=True) if k)
        return [v - mpmath.log(total) if k else mpmath.ninf for v, k in zip(x, keep, strict=True)]


def cross_entropy_rows(x: list[list[float]], target: list[int] | list[list[float]], weight: list[float] | None, ignore_index: int,
                       smoothing: float, keep: list[list[bool]]) -> tuple[list[mpmath.mpf], mpmath.mpf, mpmath.mpf]:
    """(per-row losses, their sum, the mean's denominator), torch's definition over the kept classes."""
    with mpmath.workprec(PREC):
        losses, denominator = [], mpmath.mpf(0)
        for row, t, k in zip(x, target, keep, strict=True):
            classes = sum(k)
            w = [mpmath.mpf(1)] * len(row) if weight is None else _mp(weight)
            if isinstance(t, list):  # probabilities
                q = [((1 - mpmath.mpf(smoothing)) * mpmath.mpf(tc) + mpmath.mpf(smoothing) / classes) if kc else 0
                     for tc, kc in zip(t, k, strict=True)] if classes else [0] * len(row)
                denominator += 1
            else:
                if t == ignore_index:
                    losses.append(mpmath.mpf(0))
                    continue
                q = [((1 - mpmath.mpf(smoothing)) * (1 if c == t else 0)) for c in range(len(row))]
                denominator += w[t]
                if classes:
                    q = [qc + (mpmath.mpf(smoothing) / classes if kc else 0) for qc, kc in zip(q, k, strict=True)]
            if not classes:
                losses.append(mpmath.mpf(0))
                continue
            lp = log_probs(row, k)
            if isinstance(t, list):
                losses.append(-mpmath.fsum(qc * wc * lc for qc, wc, lc, kc in zip(q, w, lp, k, strict=True) if kc and qc != 0))
            else:
                # q = (1 - eps) onehot + eps/n: with eps = 1 the onehot part is absent (0, even where lp[t] = -inf)
                target_term = -(1 - mpmath.mpf(smoothing)) * w[t] * lp[t] if smoothing != 1 else mpmath.mpf(0)
                smooth_term = -mpmath.fsum(mpmath.mpf(smoothing) / classes * wc * lc for wc, lc, kc in zip(w, lp, k, strict=True) if kc)
                losses.append(target_term + smooth_term if mpmath.isfinite(lp[t]) or smoothing == 1 else mpmath.inf)
        return losses, mpmath.fsum(losses), denominator


def cross_entropy_grad_rows(x: list[list[float]], target: list[int] | list[list[float]], weight: list[float] | None,
                            ignore_index: int, smoothing: float, keep: list[list[bool]]) -> list[list[mpmath.mpf]]:
    """d(sum of the per-row losses)/dx by central differences of the mpmath loss at 400 bits (h = 2^-100)."""
    h = mpmath.mpf(2) ** -100
    out = []
    with mpmath.workprec(PREC):
        for _r, (row, t, k) in enumerate(zip(x, target, keep, strict=True)):
            grads = []
            for c in range(len(row)):
                if not k[c] or (not isinstance(t, list) and t == ignore_index) or not sum(k):
                    grads.append(mpmath.mpf(0))
                    continue
                values = []
                for sign in (1, -1):
                    shifted = [mpmath.mpf(v) + (sign * h if j == c else 0) for j, v in enumerate(row)]
                    values.append(cross_entropy_rows([shifted], [t], weight, ignore_index, smoothing, [k])[0][0])  # type: ignore[list-item]
                grads.append((values[0] - values[1]) / (2 * h))
            out.append(grads)
    return out


def bce(x: float, y: float, pos_weight: float, weight: float) -> mpmath.mpf:
    """torch's l = -w [p_c y log sigma(x) + (1 - y) log(1 - sigma(x))]."""
    with mpmath.workprec(PREC):
        sig = 1 / (1 + mpmath.exp(-mpmath.mpf(x)))
        yy = mpmath.mpf(y)
        positive = pos_weight * yy * mpmath.log(sig) if yy else 0
        negative = (1 - yy) * mpmath.log(1 - sig) if yy != 1 else 0
        return -mpmath.mpf(weight) * (positive + negative)


def weighted_lse(x: Sequence[float], b: Sequence[float]) -> tuple[mpmath.mpf, int, mpmath.mpf]:
    """(log|sum b e^x|, its sign, the condition number sum |b| e^x / |sum b e^x|) at PREC + 1100 bits: a sum near 1
    whose log is subnormal (x = 2.2e-311, b = -1: log|-e^x| = x) keeps that x (at PREC bits e^x rounded to 1, log 0)."""
    with mpmath.workprec(PREC + 1100):
        terms = [mpmath.mpf(bi) * mpmath.exp(mpmath.mpf(xi)) for xi, bi in zip(x, b, strict=True)]
        total = mpmath.fsum(terms)
        if total == 0:
            return mpmath.ninf, 0, mpmath.inf
        kappa = mpmath.fsum(abs(v) for v in terms) / abs(total)
        return mpmath.log(abs(total)), (1 if total > 0 else -1), kappa


def logmeanexp(x: Sequence[float], keep: Sequence[bool]) -> mpmath.mpf:
    """log of the mean of e^x over the kept entries; log(e^x) with |x| = 2^-k needs 2k bits before x registers."""
    tiny = [abs(float(v)) for v in x if v != 0]
    extra = 2 * max(0, -int(mpmath.floor(mpmath.log(min(tiny), 2)))) if tiny else 0
    with mpmath.workprec(PREC + extra):
        kept = [mpmath.mpf(v) for v, k in zip(x, keep, strict=True) if k]
        return mpmath.log(mpmath.fsum(mpmath.exp(v) for v in kept) / len(kept)) if kept else mpmath.nan
