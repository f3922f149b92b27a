"""Runs of records held as columns, so that a bulk feed is mapped without a dict per line.

A reader that decodes most of its input at once (``filet.ingest.nmea``) hands over
``RecordBlock`` items among its records. A block stands for consecutive records, in
order: some kept as records, the others as the rows of one Arrow table. It can always
be read back as the very records it stands for (``records_of``), so anything that
wants records gets them; the ingest pipeline maps its table column by column instead
(``filet.ingest.columnar``). Batching and resuming count records, not items, so a
block counts for as many records as it holds and is split where a batch ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from filet.ingest.records import SourceRecord


class Rows(Protocol):
    """The records of a block's table rows, read back on demand."""

    def raw(self, row: int) -> str: ...

    def fields(self, row: int) -> dict[str, Any]: ...


@dataclass(frozen=True)
class RecordBlock:
    """``size`` consecutive records, most of them as the rows of ``table``.

    ``records`` are the records given as such, at ``places`` (increasing, from 0); the
    others are the rows of ``table`` in order, at ``lines``. A row holds exactly its
    record's fields, as the mapping reads them: a column per field any row has (null
    where a record lacks it), text as ``text_value`` writes it (trimmed), a timestamp the
    instant its field's ISO 8601 text names. Such a record has no problem; ``rows`` gives
    its raw text and fields as the record would.
    """

    size: int
    records: list[SourceRecord]
    places: NDArray[np.int64]
    table: pa.Table
    lines: NDArray[np.int64]
    rows: Rows
    offset: int = 0  # the first table row's number in ``rows``, after a split

    def __len__(self) -> int:
        return self.size

    @property
    def line(self) -> int:
        """The line of the block's last record, as ``SourceRecord.line``."""
        given_last = len(self.places) and self.places[-1] == self.size - 1
        return self.records[-1].line if given_last else int(self.lines[-1])

    def held(self) -> NDArray[np.int64]:
        """The places of the records held in ``table``."""
        held = np.ones(self.size, dtype=np.bool_)
        held[self.places] = False
        return np.flatnonzero(held)

    def given(self) -> Iterator[tuple[int, SourceRecord]]:
        """The records given as such, with their places."""
        return zip(self.places.tolist(), self.records, strict=True)

    def row_record(self, row: int) -> SourceRecord:
        """The record of ``table``'s row ``row``."""
        at = self.offset + row
        return SourceRecord(int(self.lines[row]), self.rows.raw(at), self.rows.fields(at))

    def expand(self) -> Iterator[SourceRecord]:
        given = dict(self.given())
        rows = iter(range(len(self.lines)))
        for place in range(self.size):
            record = given.get(place)
            yield self.row_record(next(rows)) if record is None else record

    def split(self, at: int) -> tuple[RecordBlock, RecordBlock]:
        """The first ``at`` records, and the others."""
        cut = int(np.searchsorted(self.places, at))
        held = at - cut
        return (
            RecordBlock(
                at,
                self.records[:cut],
                self.places[:cut],
                self.table.slice(0, held),
                self.lines[:held],
                self.rows,
                self.offset,
            ),
            RecordBlock(
                self.size - at,
                self.records[cut:],
                self.places[cut:] - at,
                self.table.slice(held),
                self.lines[held:],
                self.rows,
                self.offset + held,
            ),
        )


Item = SourceRecord | RecordBlock


def records_of(items: Iterable[Item]) -> Iterator[SourceRecord]:
    """The records the items stand for, blocks read back as records."""
    for item in items:
        if isinstance(item, RecordBlock):
            yield from item.expand()
        else:
            yield item


def count(items: Iterable[Item]) -> int:
    """How many records the items stand for."""
    return sum(len(item) if isinstance(item, RecordBlock) else 1 for item in items)


def skip(items: Iterable[Item], records: int) -> Iterator[Item]:
    """The items after the first ``records`` records (a block cut where they end)."""
    left = records
    for item in items:
        size = len(item) if isinstance(item, RecordBlock) else 1
        if left >= size:
            left -= size
            continue
        if left and isinstance(item, RecordBlock):
            item = item.split(left)[1]
        left = 0
        yield item


def batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """Lists of items standing for ``size`` records each (the last one fewer)."""
    batch: list[Item] = []
    room = size
    for item in items:
        while isinstance(item, RecordBlock) and len(item) > room:
            head, item = item.split(room)
            yield [*batch, head]
            batch, room = [], size
        if isinstance(item, RecordBlock) and not len(item):
            continue
        batch.append(item)
        room -= len(item) if isinstance(item, RecordBlock) else 1
        if not room:
            yield batch
            batch, room = [], size
    if batch:
        yield batch
