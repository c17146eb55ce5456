"""The paper diary's grid: a column per practitioner, room or day, a row per quarter hour.

Pure: it is given each column's open windows, time off and bookings in minutes of the day
(no ORM), and answers the table to render, cell by cell. A booking spans its rows (its start
rounded down, its end up, to the quarter); bookings whose rounded spans touch share one cell.
Unavailable time, time off and the past are one shaded cell per run; each free quarter is its
own cell, bookable for the length it has free (at most the booking type's usual length).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

QUARTER = 15
DAY_END = 24 * 60

FREE = "free"
BOOKED = "booked"
CLOSED = "closed"  # outside the column's availability (or the clinic's hours)
AWAY = "away"  # the practitioner's time off
PAST = "past"  # open, but already gone

LABELS = {CLOSED: "Not working", AWAY: "Time off", PAST: "Past", FREE: "Free"}


@dataclass
class ColumnSpec:
    """What one column holds, in minutes since the clinic's midnight of its day."""

    windows: list[tuple[int, int]]
    away: list[tuple[int, int]] = field(default_factory=list)
    # (start minute, end minute, what the page shows for it), clipped to the day.
    bookings: list[tuple[int, int, Any]] = field(default_factory=list)
    # Quarters that start before this minute are past (-1: none; a later day).
    now: int = -1


@dataclass(slots=True)
class Cell:
    """One ``<td>``: ``rows`` quarters tall, from ``minute``.

    A day of 25 columns holds several hundred: slotted, and only a booked cell holds a list
    of entries (fewer objects for the garbage collector to count and walk)."""

    kind: str
    minute: int
    rows: int = 1
    entries: Sequence[Any] = ()
    # A free cell: the minutes a booking starting here may take (up to the usual length).
    free_minutes: int = 0
    # Where a free cell's booking control leads (the page fills it in; empty: not bookable).
    url: str = ""

    # A free cell's control, read aloud: when, whose, how long (the page fills it in).
    book_label: str = ""

    @property
    def label(self) -> str:
        return LABELS.get(self.kind, "")

    @property
    def clock(self) -> str:
        return clock(self.minute)


def clock(minute: int) -> str:
    """``HH:MM`` for minutes since midnight."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _floor(minute: int) -> int:
    return minute // QUARTER * QUARTER


def _ceil(minute: int) -> int:
    return -(-minute // QUARTER) * QUARTER


def span_of(specs: list[ColumnSpec], default: tuple[int, int]) -> tuple[int, int]:
    """The rows the grid needs: every window and booking of every column (else ``default``)."""
    starts = [s for spec in specs for s, _ in spec.windows] + [
        s for spec in specs for s, _, _ in spec.bookings
    ]
    ends = [e for spec in specs for _, e in spec.windows] + [
        e for spec in specs for _, e, _ in spec.bookings
    ]
    if not starts:
        return default
    return _floor(min(starts)), _ceil(max(ends))


def _blocks(spec: ColumnSpec, first: int, last: int) -> list[tuple[int, int, list[Any]]]:
    """The column's bookings on the quarter grid, touching ones merged into one block."""
    blocks: list[tuple[int, int, list[Any]]] = []
    for start, end, entry in sorted(spec.bookings, key=lambda b: (b[0], b[1])):
        low = max(first, _floor(start))
        high = min(last, max(_ceil(end), low + QUARTER))
        if high <= low:
            continue
        if blocks and low < blocks[-1][1]:
            blocks[-1] = (blocks[-1][0], max(blocks[-1][1], high), [*blocks[-1][2], entry])
        else:
            blocks.append((low, high, [entry]))
    return blocks


def _kind(spec: ColumnSpec, quarter: int) -> str:
    end = quarter + QUARTER
    if any(low < end and quarter < high for low, high in spec.away):
        return AWAY
    if not any(low <= quarter and end <= high for low, high in spec.windows):
        return CLOSED
    return PAST if quarter < spec.now else FREE


def _kinds(spec: ColumnSpec, first: int, count: int) -> list[str]:
    """``_kind`` of each of the ``count`` quarters from ``first``, marked window by window
    and time off by time off (a column's few spans) rather than asked quarter by quarter."""
    kinds = [CLOSED] * count

    def index(minute: int) -> int:  # the first quarter that starts at or after ``minute``
        return min(max(-(-(minute - first) // QUARTER), 0), count)

    for low, high in spec.windows:
        start, stop = index(low), index(high - QUARTER + 1)
        kinds[start:stop] = [FREE] * max(stop - start, 0)
    for n in range(index(spec.now)):
        if kinds[n] == FREE:
            kinds[n] = PAST
    for low, high in spec.away:
        start, stop = index(low - QUARTER + 1), index(high)
        kinds[start:stop] = [AWAY] * max(stop - start, 0)
    return kinds


def column_cells(spec: ColumnSpec, first: int, last: int, usual_minutes: int) -> list[Cell]:
    """The column's cells from ``first`` to ``last``, top to bottom."""
    starts = {low: (high, entries) for low, high, entries in _blocks(spec, first, last)}
    kinds = _kinds(spec, first, -(-(last - first) // QUARTER))
    cells: list[Cell] = []
    quarter = first
    while quarter < last:
        if quarter in starts:
            high, entries = starts[quarter]
            cells.append(Cell(BOOKED, quarter, (high - quarter) // QUARTER, entries))
            quarter = high
            continue
        offset, off_grid = divmod(quarter - first, QUARTER)
        kind = _kind(spec, quarter) if off_grid else kinds[offset]
        previous = cells[-1] if cells else None
        if (
            kind != FREE
            and previous is not None
            and previous.kind == kind
            and previous.minute + previous.rows * QUARTER == quarter
        ):
            previous.rows += 1
        else:
            cells.append(Cell(kind, quarter))
        quarter += QUARTER
    # A free quarter may take as many minutes as are free after it, up to the usual length.
    run = 0
    for cell in reversed(cells):
        run = run + QUARTER if cell.kind == FREE else 0
        if cell.kind == FREE:
            cell.free_minutes = min(run, usual_minutes)
    return cells


def grid_rows(columns: list[list[Cell]], first: int, last: int) -> list[tuple[str, list[Cell]]]:
    """Row by row: each quarter's minute and the cells that start on it, column by column
    (a column whose cell above spans this row has none: the ``rowspan`` covers it)."""
    by_minute = [{cell.minute: cell for cell in cells} for cells in columns]
    rows = []
    for minute in range(first, last, QUARTER):
        rows.append((clock(minute), [column.get(minute) for column in by_minute]))
    return rows
