"""The protobuf answer of ``/timeseries/data/list`` (``Accept: application/protobuf``, what ``cognite-sdk``
asks for), written by hand: a ``DataPointListResponse`` of the time series API's public ``.proto`` files.

Only the encoder of the messages the emulator answers with; field numbers as in docs/datapoints.md,
Protobuf answers. Proto3 rules: a field with its default value may be left out, so a missing number reads
as 0 and a missing string as "".
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from typing import Any

_DOUBLE = struct.Struct("<d")
_UINT64 = (1 << 64) - 1

# DataPointListItem
_ITEM_ID, _ITEM_XID, _ITEM_NUMERIC, _ITEM_STRING, _ITEM_AGGREGATE = 1, 2, 3, 4, 5
_ITEM_IS_STRING, _ITEM_IS_STEP, _ITEM_UNIT, _ITEM_CURSOR, _ITEM_UNIT_XID, _ITEM_INSTANCE, _ITEM_TYPE = (
    6, 7, 8, 9, 10, 11, 12
)  # fmt: skip
_TYPE_NUMERIC, _TYPE_STRING = 1, 2
# AggregateDatapoint: doubles by field number, and the two datapoint messages
AGGREGATE_FIELDS = {
    "average": 2, "max": 3, "min": 4, "count": 5, "sum": 6, "interpolation": 7, "stepInterpolation": 8,
}  # fmt: skip
_MAX_DATAPOINT, _MIN_DATAPOINT = 18, 19


def varint(value: int) -> bytes:
    """Base-128 varint of a (u)int64; negative numbers as their 64-bit two's complement (10 bytes)."""
    value &= _UINT64
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _key(field: int, wire_type: int) -> bytes:
    return varint(field << 3 | wire_type)


def _length_delimited(field: int, payload: bytes) -> bytes:
    return _key(field, 2) + varint(len(payload)) + payload


def _text(field: int, value: str) -> bytes:
    return _length_delimited(field, value.encode("utf-8"))


def _int(field: int, value: int) -> bytes:
    return _key(field, 0) + varint(value)


def _double(field: int, value: float) -> bytes:
    return _key(field, 1) + _DOUBLE.pack(value)


_TIMESTAMP_KEY = _key(1, 0)
_VALUE_DOUBLE_KEY = _key(2, 1)
_VALUE_TEXT_KEY = _key(2, 2)
_DATAPOINT_KEY = _key(1, 2)  # the repeated `datapoints` field of NumericDatapoints/StringDatapoints/...


# A timestamp t >= 2**14 is the two varint bytes of its low 14 bits followed by the varint of t >> 14, which
# consecutive timestamps share: both parts come from tables instead of a loop per byte per datapoint.
_LOW_BYTES = [bytes((low & 0x7F | 0x80, low >> 7 | 0x80)) for low in range(1 << 14)]
_NUMERIC_HEAD = [_DATAPOINT_KEY + bytes([size + 10]) + _TIMESTAMP_KEY for size in range(11)]
_NUMERIC_VALUE = struct.Struct("<Bd")  # the key of `value` (field 2, 64-bit) and the double


def _numeric_points(times: list[int], values: list[float]) -> bytes:
    """Repeated ``NumericDatapoint`` (timestamp, value) messages: the part of the answer that grows with the
    data, so written with as few Python steps per datapoint as possible."""
    high_bytes: dict[int, bytes] = {}
    parts: list[bytes] = []
    append = parts.append
    pack = _NUMERIC_VALUE.pack
    low_bytes, head, value_key = _LOW_BYTES, _NUMERIC_HEAD, _VALUE_DOUBLE_KEY[0]
    for timestamp, value in zip(times, values, strict=True):
        if timestamp >= 1 << 14:
            high = high_bytes.get(timestamp >> 14)
            if high is None:
                high = high_bytes[timestamp >> 14] = varint(timestamp >> 14)
            encoded = low_bytes[timestamp & 0x3FFF] + high
        else:
            encoded = varint(timestamp)
        append(head[len(encoded)] + encoded + pack(value_key, value))
    return b"".join(parts)


def _string_points(times: list[int], values: list[str]) -> bytes:
    out = bytearray()
    for timestamp, value in zip(times, values, strict=True):
        text = value.encode("utf-8")
        message = _TIMESTAMP_KEY + varint(timestamp) + _VALUE_TEXT_KEY + varint(len(text)) + text
        out += _DATAPOINT_KEY
        out += varint(len(message))
        out += message
    return bytes(out)


def _aggregate_points(rows: Iterable[dict[str, Any]]) -> bytes:
    out = bytearray()
    for row in rows:
        message = bytearray(_TIMESTAMP_KEY + varint(row["timestamp"]))
        for name, value in row.items():
            field = AGGREGATE_FIELDS.get(name)
            if field is not None:
                message += _double(field, float(value))
            elif name in ("maxDatapoint", "minDatapoint"):
                point = _TIMESTAMP_KEY + varint(value["timestamp"]) + _VALUE_DOUBLE_KEY + _DOUBLE.pack(value["value"])
                message += _length_delimited(_MAX_DATAPOINT if name == "maxDatapoint" else _MIN_DATAPOINT, point)
        out += _DATAPOINT_KEY
        out += varint(len(message))
        out += message
    return bytes(out)


def encode_item(item: dict[str, Any]) -> bytes:
    """One ``DataPointListItem`` from the JSON shape of a ``/timeseries/data/list`` answer item (with
    ``datapoints`` as ``(timestamps, values)`` lists for raw data, a list of dicts for aggregates)."""
    out = bytearray(_int(_ITEM_ID, item["id"]))
    if item.get("externalId"):
        out += _text(_ITEM_XID, item["externalId"])
    if item.get("instanceId"):
        instance = item["instanceId"]
        out += _length_delimited(_ITEM_INSTANCE, _text(1, instance["space"]) + _text(2, instance["externalId"]))
    out += _int(_ITEM_IS_STRING, int(item["isString"])) + _int(_ITEM_IS_STEP, int(item["isStep"]))
    out += _int(_ITEM_TYPE, _TYPE_STRING if item["isString"] else _TYPE_NUMERIC)
    if item.get("unit"):
        out += _text(_ITEM_UNIT, item["unit"])
    if item.get("unitExternalId"):
        out += _text(_ITEM_UNIT_XID, item["unitExternalId"])
    if item.get("nextCursor"):
        out += _text(_ITEM_CURSOR, item["nextCursor"])
    # The oneof is always set (an empty message for no datapoints), so that readers see which kind it is.
    if item.get("aggregated"):
        out += _length_delimited(_ITEM_AGGREGATE, _aggregate_points(item["datapoints"]))
    elif item["isString"]:
        out += _length_delimited(_ITEM_STRING, _string_points(*item["datapoints"]))
    else:
        out += _length_delimited(_ITEM_NUMERIC, _numeric_points(*item["datapoints"]))
    return bytes(out)


def encode_response(items: Iterable[dict[str, Any]]) -> bytes:
    """A ``DataPointListResponse``: the repeated ``items`` (field 1)."""
    out = bytearray()
    for item in items:
        out += _length_delimited(1, encode_item(item))
    return bytes(out)
