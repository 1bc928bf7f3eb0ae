"""Retry policy: which answers to retry and how long to wait, as small pure functions.

CDF asks clients to back off exponentially on 429 and 503 (and the official SDK also retries 502 and
504); pygen adds 408 because DMS returns it for graph queries that timed out under load. Every DMS
call is safe to repeat (applies are upserts, deletes of missing ids are no-ops, reads are reads), so
POSTs are retried too. 500 is *not* retried: CDF uses it for bugs that a retry does not fix.

The functions take everything they depend on (the current time, the random generator) as arguments,
so each rule is testable alone; the HTTP clients only call them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import timezone
from email.utils import parsedate_to_datetime

import httpx

__all__ = [
    "DEFAULT_RETRY_STATUSES",
    "RetryPolicy",
    "is_retryable_transport_error",
    "parse_retry_after",
    "retry_delay",
    "should_retry",
]

DEFAULT_RETRY_STATUSES: frozenset[int] = frozenset({408, 429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry throttled, timed-out and failed requests.

    ``max_retries`` counts retries after the first attempt (0 disables retrying). The wait before
    retry *n* (0-based) is ``Retry-After`` when the server sent a usable one, capped at
    ``retry_after_max``; otherwise a random value in ``[0, min(backoff_max, backoff_base * 2**n)]``
    ("full jitter", so many clients throttled at once do not retry in lockstep).

    Example:
        ```python
        config = ClientConfig.for_cluster("westeurope-1", "my-project", creds, retry=RetryPolicy(max_retries=3))
        ```
    """

    max_retries: int = 10
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    retry_after_max: float = 60.0
    statuses: frozenset[int] = field(default=DEFAULT_RETRY_STATUSES)

    def __post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int) or self.max_retries < 0:
            raise ValueError(f"RetryPolicy.max_retries must be an integer >= 0, got {self.max_retries!r}")
        for name in ("backoff_base", "backoff_max", "retry_after_max"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise ValueError(f"RetryPolicy.{name} must be a finite number of seconds >= 0, got {value!r}")
        # Accept any iterable of ints (e.g. a set literal) but store a frozenset so the policy stays hashable.
        object.__setattr__(self, "statuses", frozenset(self.statuses))


def should_retry(status: int, policy: RetryPolicy | None = None) -> bool:
    """Whether an HTTP status is worth retrying under ``policy`` (default: 408, 429, 502, 503, 504)."""
    statuses = policy.statuses if policy is not None else DEFAULT_RETRY_STATUSES
    return status in statuses


def is_retryable_transport_error(exc: httpx.RequestError) -> bool:
    """Whether a failure without an HTTP answer may succeed when repeated.

    Timeouts, network errors (connect/read/write/close) and a server dropping the connection
    (``RemoteProtocolError``) are transient. A bad URL scheme, a proxy misconfiguration, a protocol
    error on our side or an undecodable body would fail the same way again.
    """
    return isinstance(exc, (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError))


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait according to a ``Retry-After`` header value, or None if it is unusable.

    Accepts delta-seconds (``"2"``, also ``"1.5"``) and an HTTP-date (``"Wed, 21 Oct 2015 07:28:00 GMT"``,
    relative to ``now``, a POSIX timestamp; a date in the past means "now", 0.0). Garbage, negative,
    NaN and infinite values give None so the caller falls back to its own backoff. The result is not
    capped here; :func:`retry_delay` applies the policy's cap.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        if math.isnan(seconds) or math.isinf(seconds) or seconds < 0:
            return None
        return seconds
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" (zone unknown) gives a naive datetime; HTTP dates are GMT anyway
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now)


def retry_delay(attempt: int, retry_after: float | None, policy: RetryPolicy, rng: random.Random) -> float:
    """Seconds to sleep before retry number ``attempt`` (0 = first retry).

    A server-given ``retry_after`` wins (it knows when capacity frees up), capped at
    ``policy.retry_after_max`` so a confused proxy cannot park the client for hours. Otherwise full
    jitter: uniform in ``[0, min(backoff_max, backoff_base * 2**attempt)]``.
    """
    if retry_after is not None and math.isfinite(retry_after) and retry_after >= 0:
        return min(retry_after, policy.retry_after_max)
    # Cap the exponent: 2**attempt overflows float for large attempts and the cap is reached long before.
    ceiling = min(policy.backoff_max, policy.backoff_base * 2.0 ** min(attempt, 64))
    return rng.uniform(0.0, ceiling)
