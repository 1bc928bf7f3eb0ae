"""Datapoints in SQLite as blocks: each row of ``datapoints`` holds up to :data:`BLOCK` consecutive datapoints of
one series, their timestamps packed as 64-bit integers and their values as doubles (numeric series) or a JSON
list (string series). The blocks of a series never overlap and are keyed by their first timestamp.

Why blocks rather than one row per datapoint: a million datapoints are then a few hundred rows, written and
read with one bind per block and unpacked in C (``array``), where a row per datapoint costs microseconds of
Python per datapoint each way. Writes merge the new datapoints into the blocks they touch (a later value
replaces the one at the same timestamp); appending rewrites only the last block.
"""

from __future__ import annotations

import json
import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from itertools import islice
from operator import lt
from typing import Any

from pygen.emulator._store import Store

#: The most datapoints in one block.
BLOCK = 8192
Run = tuple[list[int], list[Any]]  # ascending timestamps and their values
_SWAP = sys.byteorder == "big"  # blocks are little-endian, whatever the machine


def _pack_times(times: Sequence[int]) -> bytes:
    packed = array("q", times)
    if _SWAP:
        packed.byteswap()
    return packed.tobytes()


def _pack_values(values: Sequence[Any]) -> bytes | str:
    if values and isinstance(values[0], str):
        return json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    packed = array("d", values)
    if _SWAP:
        packed.byteswap()
    return packed.tobytes()


def _unpack(times: bytes, values: bytes | str) -> Run:
    unpacked = array("q")
    unpacked.frombytes(times)
    if _SWAP:
        unpacked.byteswap()
    if isinstance(values, str):
        return unpacked.tolist(), json.loads(values)
    doubles = array("d")
    doubles.frombytes(values)
    if _SWAP:
        doubles.byteswap()
    return unpacked.tolist(), doubles.tolist()


class DatapointStore:
    """Read, write and delete the datapoints of a series (by its internal id)."""

    def __init__(self, store: Store, block: int = BLOCK) -> None:
        self.store = store
        self.block = block  # the most datapoints in one block (smaller in tests)

    def _block_at_or_before(self, series: int, moment: int) -> int | None:
        """The first timestamp of the block that may hold ``moment``: the last block starting at or before it."""
        row = self.store.conn.execute(
            "SELECT max(first) FROM datapoints WHERE series = ? AND first <= ?", (series, moment)
        ).fetchone()
        return row[0] if row and row[0] is not None else None

    def _blocks(self, series: int, lo: int, hi: int) -> Iterator[tuple[int, Run]]:
        """The blocks that may hold datapoints in ``[lo, hi)``, ascending: ``(first, (times, values))``."""
        start = self._block_at_or_before(series, lo)
        cursor = self.store.conn.execute(
            "SELECT first, times, vals FROM datapoints WHERE series = ? AND first >= ? AND first < ? ORDER BY first",
            (series, lo if start is None else start, hi),
        )
        for first, times, values in cursor:
            yield first, _unpack(times, values)

    def runs(self, series: int, lo: int, hi: int) -> Iterator[Run]:
        """The datapoints in ``[lo, hi)``, ascending, a block (or the part of one inside the range) at a time."""
        for _, (times, values) in self._blocks(series, lo, hi):
            i, j = bisect_left(times, lo), bisect_left(times, hi)
            if i < j:
                yield (times[i:j], values[i:j]) if (i, j) != (0, len(times)) else (times, values)

    def points(self, series: int, lo: int, hi: int, limit: int) -> Run:
        """Up to ``limit`` datapoints of ``[lo, hi)``, ascending."""
        times: list[int] = []
        values: list[Any] = []
        for run_times, run_values in self.runs(series, lo, hi):
            room = limit - len(times)
            times += run_times[:room]
            values += run_values[:room]
            if len(times) >= limit:
                break
        return times, values

    def before(self, series: int, moment: int) -> tuple[int, Any] | None:
        """The last datapoint before ``moment``."""
        row = self.store.conn.execute(
            "SELECT times, vals FROM datapoints WHERE series = ? AND first < ? ORDER BY first DESC LIMIT 1",
            (series, moment),
        ).fetchone()
        if row is None:
            return None
        times, values = _unpack(row[0], row[1])
        index = bisect_left(times, moment) - 1
        return times[index], values[index]

    def at_or_after(self, series: int, moment: int) -> tuple[int, Any] | None:
        """The first datapoint at or after ``moment``."""
        for times, values in self.runs(series, moment, sys.maxsize):
            return times[0], values[0]
        return None

    def upsert(self, series: int, times: Sequence[int], values: Sequence[Any]) -> None:
        """Write datapoints (any order; for a timestamp given twice the later value wins) into the blocks."""
        if all(map(lt, times, islice(times, 1, None))):  # ascending without repeats: the common case
            new_times, new_values = list(times), list(values)
        else:
            fresh = dict(zip(times, values, strict=True))
            new_times = sorted(fresh)
            new_values = [fresh[t] for t in new_times]
        with self.store.transaction():
            touched = list(self._blocks(series, new_times[0], new_times[-1] + 1))
            if touched:
                old_times = [t for _, (block_times, _) in touched for t in block_times]
                old_values = [v for _, (_, block_values) in touched for v in block_values]
                if old_times[-1] < new_times[0]:  # an append
                    new_times, new_values = old_times + new_times, old_values + new_values
                else:
                    merged = dict(zip(old_times, old_values, strict=True))
                    merged.update(zip(new_times, new_values, strict=True))
                    new_times = sorted(merged)
                    new_values = [merged[t] for t in new_times]
                self.store.conn.execute(
                    "DELETE FROM datapoints WHERE series = ? AND first >= ? AND first <= ?",
                    (series, touched[0][0], touched[-1][0]),
                )
            self._write(series, new_times, new_values)

    def _write(self, series: int, times: list[int], values: list[Any]) -> None:
        size = self.block
        rows = [
            (series, times[i], times[min(i + size, len(times)) - 1], _pack_times(times[i : i + size]),
             _pack_values(values[i : i + size]))
            for i in range(0, len(times), size)
        ]  # fmt: skip
        self.store.conn.executemany(
            "INSERT INTO datapoints (series, first, last, times, vals) VALUES (?, ?, ?, ?, ?)", rows
        )

    def delete_range(self, series: int, lo: int, hi: int) -> None:
        """Delete the datapoints in ``[lo, hi)``."""
        with self.store.transaction():
            touched = list(self._blocks(series, lo, hi))
            if not touched:
                return
            kept_times: list[int] = []
            kept_values: list[Any] = []
            for _, (times, values) in touched:
                i, j = bisect_left(times, lo), bisect_left(times, hi)
                kept_times += times[:i] + times[j:]
                kept_values += values[:i] + values[j:]
            self.store.conn.execute(
                "DELETE FROM datapoints WHERE series = ? AND first >= ? AND first <= ?",
                (series, touched[0][0], touched[-1][0]),
            )
            if kept_times:
                self._write(series, kept_times, kept_values)

    def purge(self, series: int) -> None:
        """Delete all datapoints of a series."""
        self.store.conn.execute("DELETE FROM datapoints WHERE series = ?", (series,))
