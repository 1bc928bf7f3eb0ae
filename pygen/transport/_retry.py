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
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timezone
from email.utils import parsedate_to_datetime

import httpx

__all__ = [
    "DEFAULT_RETRY_STATUSES",
    "Deadline",
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

    Two deadlines bound how long a call keeps trying, where a call is one request or one bulk
    operation of many requests (an ``upsert`` or ``delete`` of any size):

    - ``progress_deadline`` (default 90 s): the call gives up once this long passed without any of its
      requests succeeding. A healthy call of hours never meets it; a call to a server that went away
      stops after about 90 s (plus the attempt in flight, at most ``ClientConfig.timeout``) whatever
      its size, instead of every batch retrying on its own. The default outlasts the longest wait a
      server can ask for (``retry_after_max``, 60 s) plus a timed-out attempt (30 s).
    - ``deadline`` (default None, no limit): the most a call may take in total.

    When either passes, no retry and no further batch starts; a bulk call reports what was written and
    what was not (see ``pygen.instances``). ``None`` turns a deadline off.

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
    progress_deadline: float | None = 90.0
    deadline: float | None = None

    def __post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int) or self.max_retries < 0:
            raise ValueError(f"RetryPolicy.max_retries must be an integer >= 0, got {self.max_retries!r}")
        for name in ("backoff_base", "backoff_max", "retry_after_max"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise ValueError(f"RetryPolicy.{name} must be a finite number of seconds >= 0, got {value!r}")
        for name in ("progress_deadline", "deadline"):
            check_deadline(f"RetryPolicy.{name}", getattr(self, name))
        # Accept any iterable of ints (e.g. a set literal) but store a frozenset so the policy stays hashable.
        object.__setattr__(self, "statuses", frozenset(self.statuses))


def check_deadline(name: str, value: object) -> None:
    """Raise a ValueError naming ``name`` unless ``value`` is None or a positive, finite number of seconds."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive, finite number of seconds or None, got {value!r}")


class Deadline:
    """When one call (a request, or a bulk operation of many) stops retrying and sending.

    Built from a :class:`RetryPolicy` (``total`` overrides its ``deadline`` for one call). Every
    successful request of the call calls :meth:`progress`; :meth:`remaining` is the time left before
    the earlier of the two limits. Safe to share between the threads or tasks of one call.
    """

    def __init__(
        self, policy: RetryPolicy, total: float | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        check_deadline("deadline", total)
        self._clock = clock
        self.total = total if total is not None else policy.deadline
        self.idle = policy.progress_deadline
        self._start = self._last = clock()
        self._given_up = False

    def progress(self) -> None:
        """A request of the call succeeded: the progress deadline starts again."""
        self._last = self._clock()

    def give_up(self) -> None:
        """A request of the call stopped retrying because the next try would come after the deadline:
        from now on the deadline counts as passed, so the call starts no further batch."""
        self._given_up = True

    def remaining(self) -> float:
        """Seconds before a deadline passes (``math.inf`` without deadlines; <= 0 once one passed)."""
        if self._given_up:
            return 0.0
        now = self._clock()
        left = math.inf
        if self.total is not None:
            left = self._start + self.total - now
        if self.idle is not None:
            left = min(left, self._last + self.idle - now)
        return left

    @property
    def passed(self) -> bool:
        """Whether a deadline has passed."""
        return self.remaining() <= 0

    def describe(self) -> str:
        """The deadline that binds, in words (for messages)."""
        if self.total is not None and (self.idle is None or self._start + self.total <= self._last + self.idle):
            return f"the call's deadline of {self.total:g} s"
        return f"{self.idle:g} s without a successful request (RetryPolicy.progress_deadline)"


#: Statuses whose request may have been carried out although its answer was an error: a gateway that
#: timed out or lost the backend (502, 504) or a request timeout (408) may come after the server applied it.
_MAYBE_APPLIED_STATUSES = frozenset({408, 502, 504})


def may_have_been_applied(outcome: int | BaseException) -> bool:
    """Whether a failed attempt (its HTTP status, or the error of an attempt without an answer) may
    have been carried out by the server, so that a retry's answer does not tell what the first one did.

    Failing to connect (or to get a pooled connection) means the request never left; a 429 or 503 is
    CDF refusing before doing anything. Anything else that lost the answer after sending (a read timeout,
    a dropped connection) or a gateway error may come after the server applied the request.
    """
    if isinstance(outcome, int):
        return outcome in _MAYBE_APPLIED_STATUSES
    return not isinstance(outcome, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))


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
