"""Time arguments of the time series endpoints: timestamps (milliseconds or ``now``/``3d-ago``/``1w-ahead``)
and aggregate granularities (``1h``, ``30m``, ``day``). docs/datapoints.md, Timestamps and granularities."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pygen.emulator._errors import bad_request, show

#: The first and the last millisecond a datapoint may have: 1900-01-01T00:00:00.000Z, 2099-12-31T23:59:59.999Z.
MIN_TIMESTAMP = -2208988800000
MAX_TIMESTAMP = 4102444799999

UNIT_MS = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
_RELATIVE = re.compile(r"(\d{1,12})(s|m|h|d|w)-(ago|ahead)")
_GRANULARITY = re.compile(r"(\d{0,9})([a-z]+)")
_GRANULARITY_UNITS = {
    "s": "s", "sec": "s", "second": "s", "seconds": "s",
    "m": "m", "t": "m", "min": "m", "minute": "m", "minutes": "m",
    "h": "h", "hour": "h", "hours": "h",
    "d": "d", "day": "d", "days": "d",
}  # fmt: skip
_CALENDAR_UNITS = {"w", "week", "weeks", "mo", "month", "months", "q", "quarter", "quarters", "y", "year", "years"}


def parse_time(value: object, where: str, now: int) -> int:
    """A point in time as milliseconds since the epoch: an integer, ``now`` or ``<n><s|m|h|d|w>-ago|-ahead``."""
    if isinstance(value, bool):
        raise bad_request(f"{where}: expected a timestamp in milliseconds or a time like '2d-ago', got {show(value)}")
    if isinstance(value, int):
        moment = value
    elif isinstance(value, float) and value.is_integer():
        moment = int(value)
    elif isinstance(value, str):
        if value == "now":
            moment = now
        else:
            match = _RELATIVE.fullmatch(value)
            if match is None:
                raise bad_request(
                    f"{where}: {show(value)} is not a time; use milliseconds since the epoch, 'now', or "
                    f"<integer><s|m|h|d|w>-ago / -ahead (e.g. '2d-ago')"
                )
            shift = int(match[1]) * UNIT_MS[match[2]]
            moment = now - shift if match[3] == "ago" else now + shift
    else:
        raise bad_request(f"{where}: expected a timestamp in milliseconds or a time like '2d-ago', got {show(value)}")
    # One past the last valid timestamp is allowed (an exclusive end such as 2100-01-01T00:00:00Z).
    if not MIN_TIMESTAMP <= moment <= MAX_TIMESTAMP + 1:
        raise bad_request(
            f"{where}: {show(value)} is outside the supported time range "
            f"[{MIN_TIMESTAMP}, {MAX_TIMESTAMP + 1}] (1900-01-01 to 2100-01-01)"
        )
    return moment


@dataclass(frozen=True)
class Granularity:
    """``quantity`` units of ``unit_ms`` milliseconds (the unit also decides how the first bucket is aligned)."""

    text: str
    quantity: int
    unit_ms: int

    @property
    def ms(self) -> int:
        return self.quantity * self.unit_ms

    def align(self, start: int) -> int:
        """``start`` rounded down to a whole unit (UTC), as CDF aligns the first aggregate interval."""
        return start - start % self.unit_ms


def parse_granularity(value: object, where: str) -> Granularity:
    """``<quantity><unit>``: seconds, minutes, hours or days (``s``/``second(s)``, ``m``/``t``/``min``/``minute(s)``,
    ``h``/``hour(s)``, ``d``/``day(s)``); the quantity defaults to 1."""
    if not isinstance(value, str):
        raise bad_request(f"{where}: granularity must be a string like '1h', got {show(value)}")
    match = _GRANULARITY.fullmatch(value)
    if match is None or (match[2] not in _GRANULARITY_UNITS and match[2] not in _CALENDAR_UNITS):
        raise bad_request(
            f"{where}: invalid granularity {show(value)}: use <integer><unit> with the unit s, m, h or d (e.g. '1h')"
        )
    if match[2] in _CALENDAR_UNITS:
        raise bad_request(
            f"{where}: the calendar granularity {show(value)} (weeks, months, quarters, years) is not emulated; "
            "use s, m, h or d"
        )
    quantity = int(match[1]) if match[1] else 1
    if quantity < 1:
        raise bad_request(f"{where}: the granularity {show(value)} must be at least 1 unit")
    return Granularity(value, quantity, UNIT_MS[_GRANULARITY_UNITS[match[2]]])
