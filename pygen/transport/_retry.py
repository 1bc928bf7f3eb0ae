"""Retry policy: which answers to retry and how long to wait, as small pure functions.

CDF asks clients to back off exponentially on 429 and 503 (and the official SDK also retries 502 and
504); pygen adds 408 because DMS returns it for graph queries that timed out under load. Every DMS
call is safe to repeat (applies are upserts, deletes of missing ids are no-ops, reads are reads), so
POSTs are retried too. 500 is *not* retried: CDF uses it for bugs that a retry does not fix.

The functions take everything they depend on (the current time, the random generator) as arguments,
so each rule is testable alone; the HTTP clients only call them. The TypeScript runtime
(``pygen/ts_runtime/retry.ts``) implements the same rules: ``tests/data/retry_rules.json`` holds
them as cases that both runtimes are tested against.
"""

from __future__ import annotations

import math
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

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
        >>> from pygen.transport import ClientConfig, Token
        >>> retry = RetryPolicy(max_retries=3)
        >>> config = ClientConfig.for_cluster("westeurope-1", "my-project", Token("my-token"), retry=retry)
        >>> config.retry.max_retries, config.retry.progress_deadline
        (3, 90.0)
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
        #: Which deadline passed, in words; set once, and from then on the deadline stays passed.
        self._passed: str | None = None

    def progress(self) -> None:
        """A request of the call succeeded: the progress deadline starts again (unless one already passed)."""
        self._last = self._clock()

    def give_up(self) -> None:
        """A request of the call stopped retrying because the next try would come after the deadline:
        from now on the deadline counts as passed, so the call starts no further batch."""
        if self._passed is None:
            self._passed = self._binding()

    def remaining(self) -> float:
        """Seconds before a deadline passes (``math.inf`` without deadlines; 0.0 once one passed).

        A deadline that passed stays passed, even if a request of the call still in flight succeeds afterwards.
        """
        if self._passed is not None:
            return 0.0
        now = self._clock()
        left = math.inf
        if self.total is not None:
            left = self._start + self.total - now
        if self.idle is not None:
            left = min(left, self._last + self.idle - now)
        if left > 0:
            return left
        self._passed = self._binding()
        return 0.0

    @property
    def passed(self) -> bool:
        """Whether a deadline has passed."""
        return self.remaining() <= 0

    def describe(self) -> str:
        """The deadline that passed (or binds now), in words (for messages)."""
        return self._passed if self._passed is not None else self._binding()

    def _binding(self) -> str:
        if self.total is not None and (self.idle is None or self._start + self.total <= self._last + self.idle):
            return f"the call's deadline of {self.total:g} s"
        return f"{self.idle or 0:g} s without a successful request (RetryPolicy.progress_deadline)"


#: Statuses whose request may have been carried out although its answer was an error: a gateway that
#: timed out or lost the backend (502, 504) or a request timeout (408) may come after the server applied it.
_MAYBE_APPLIED_STATUSES = frozenset({408, 502, 504})


def may_have_been_applied(outcome: int | BaseException) -> bool:
    """Whether a failed attempt (its HTTP status, or the error of an attempt without an answer) may
    have been carried out by the server, so that a retry's answer does not tell what the first one did.

    Failing to connect (or to get a pooled connection, or to go through the proxy), or a URL scheme httpx
    cannot send, means the request never left; a 429 or 503 is CDF refusing before doing anything. Anything
    else that lost the answer after sending (a read or write timeout, a dropped connection) or a gateway
    error may come after the server applied the request.
    """
    if isinstance(outcome, int):
        return outcome in _MAYBE_APPLIED_STATUSES
    return not isinstance(outcome, _NOT_SENT_ERRORS)


#: Transport errors of a request that never left this process: nothing of it reached the server.
_NOT_SENT_ERRORS = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
)


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


# delay-seconds as Python's float() reads ASCII text: "2", "1.5", ".5", "5.", "1e3", "+2", "1_000" (a negative value is
# refused below). The TypeScript runtime reads the same grammar (retry.ts, DELAY_SECONDS).
# The patterns are compiled on first use (re caches them), not when the transport is imported.
_DELAY_SECONDS = r"[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?"
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_LONG_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH = "(?P<month>" + "|".join(_MONTHS) + ")"
_TIME = r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})"
# The three HTTP-date forms of RFC 9110 section 5.6.7, case-sensitive as the RFC writes them: IMF-fixdate
# ("Sun, 06 Nov 1994 08:49:37 GMT"), the obsolete RFC 850 form ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime
# ("Sun Nov  6 08:49:37 1994").
_HTTP_DATES = (
    rf"{_DAY}, (?P<day>\d{{2}}) {_MONTH} (?P<year>\d{{4}}) {_TIME} GMT",
    rf"{_LONG_DAY}, (?P<day>\d{{2}})-{_MONTH}-(?P<yy>\d{{2}}) {_TIME} GMT",
    rf"{_DAY} {_MONTH} (?P<day>[ \d]\d) {_TIME} (?P<year>\d{{4}})",
)


def _http_date(text: str, now: float) -> float | None:
    """The POSIX time of an HTTP-date, or None when ``text`` is not one (or names no real moment)."""
    for pattern in _HTTP_DATES:
        match = re.fullmatch(pattern, text, re.ASCII)
        if match is None:
            continue
        parts = match.groupdict()
        if parts.get("year") is not None:
            year = int(parts["year"])
        else:
            # Two-digit years (RFC 850): a year more than 50 years in the future is in the past century.
            year = 2000 + int(parts["yy"])
            if year > datetime.fromtimestamp(now, timezone.utc).year + 50:
                year -= 100
        try:
            when = datetime(
                year,
                _MONTHS.index(parts["month"]) + 1,
                int(parts["day"]),
                int(parts["hour"]),
                int(parts["minute"]),
                int(parts["second"]),  # 60 (a leap second) is refused, as every impossible date is
                tzinfo=timezone.utc,
            )
        except ValueError:
            return None
        return when.timestamp()
    return None


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait according to a ``Retry-After`` header value, or None if it is unusable.

    Accepts delta-seconds as ``float()`` reads ASCII text (``"2"``, also ``"1.5"``, ``".5"``, ``"1e3"``) and
    the three HTTP-date forms of RFC 9110 (``"Wed, 21 Oct 2015 07:28:00 GMT"``, the RFC 850 and asctime
    forms), relative to ``now``, a POSIX timestamp; a date in the past means "now", 0.0. Anything else gives
    None, so the caller falls back to its own backoff: garbage, negative, NaN and infinite values, other
    date formats (numeric zones, no weekday, lowercase), impossible dates (31 Feb, 25:00, a leap second).
    The result is not capped here; :func:`retry_delay` applies the policy's cap. ``tests/data/retry_rules.json``
    lists the cases, which the TypeScript runtime reads the same way.
    """
    if value is None:
        return None
    text = value.strip()
    if re.fullmatch(_DELAY_SECONDS, text, re.ASCII):
        seconds = float(text)
        if math.isnan(seconds) or math.isinf(seconds) or seconds < 0:
            return None
        return seconds + 0.0  # -0.0 is 0.0
    when = _http_date(text, now)
    return None if when is None else max(0.0, when - now)


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
