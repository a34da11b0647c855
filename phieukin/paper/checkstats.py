"""How wrong the scan reader may be, from the items people typed blind. Pure: no Django.

A random check compares the reader with the paper on ``trials`` items and finds
``errors`` that differ. The observed share says little when it is 0 or 1 of a few
hundred; what an office needs is how high the reader's error rate could still be. That is
the one-sided Clopper–Pearson upper limit: the rate ``p`` at which seeing ``errors`` or
fewer in ``trials`` would happen only ``1 - confidence`` of the time,

    P(X <= errors | trials, p) = 1 - confidence,  X ~ Binomial(trials, p).

The binomial distribution function falls as ``p`` rises, so the limit is found by
bisection on ``p`` (to well under a millionth), summing the distribution in log space so
that tens of thousands of items never overflow.
"""

from __future__ import annotations

import math

CONFIDENCE = 0.95
_STEPS = 60  # bisection halvings: 2⁻⁶⁰ is far below any rate worth printing


def _binomial_cdf(errors: int, trials: int, p: float) -> float:
    """Return P(X <= errors) for X ~ Binomial(trials, p)."""
    if p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 1.0 if errors >= trials else 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    log_n = math.lgamma(trials + 1)
    total = 0.0
    for k in range(errors + 1):
        log_term = (
            log_n
            - math.lgamma(k + 1)
            - math.lgamma(trials - k + 1)
            + k * log_p
            + (trials - k) * log_q
        )
        total += math.exp(log_term)
    return min(total, 1.0)


def upper_error_rate(errors: int, trials: int, confidence: float = CONFIDENCE) -> float | None:
    """Return the one-sided upper limit of the error rate, or None with no trial.

    ``errors`` must lie in ``0..trials``; with ``errors == trials`` the limit is 1.
    """
    if trials < 0 or not 0 <= errors <= max(trials, 0):
        raise ValueError(f"errors {errors} of {trials} trials")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence {confidence}")
    if trials == 0:
        return None
    if errors == trials:
        return 1.0
    alpha = 1.0 - confidence
    low, high = errors / trials, 1.0
    for _ in range(_STEPS):
        middle = (low + high) / 2
        if _binomial_cdf(errors, trials, middle) > alpha:
            low = middle
        else:
            high = middle
    return high
