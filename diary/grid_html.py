"""The diary grid's body as HTML, built in Python: a row per quarter hour, a ``<td>`` per cell.

The grid is the diary pages' hottest loop (a day of 20 columns is over a thousand cells): the
template engine spent about a millisecond per ten cells on it, and ``{% url %}`` reversed a
route per link. Here each cell is one ``format_html`` (every value escaped: patients' and
practitioners' names are user data), and each route of the grid's links is reversed once per
page, its id filled in per booking. The markup is the one ``templates/diary/_grid.html`` wrote
(it includes this body through ``{% diary_grid_rows %}``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from diary import grid
from diary.models import BookingType

# An id no row has, to reverse a route once and split its URL around the id.
_MARKER = 987654321987654321


def url_pattern(name: str) -> Callable[[object], str]:
    """``reverse(name, args=[pk])`` for any ``pk``, from one ``reverse`` call."""
    head, tail = reverse(name, args=[_MARKER]).split(str(_MARKER))
    return lambda pk: f"{head}{pk}{tail}"


@dataclass(frozen=True)
class _Links:
    """The grid's routes, reversed once per page."""

    record: Callable[[object], str]
    move: dict[str, Callable[[object], str]]
    cancel: dict[str, Callable[[object], str]]

    @classmethod
    def reversed(cls) -> _Links:
        return cls(
            record=url_pattern("patient-record"),
            move={
                BookingType.SESSION: url_pattern("rehab:session-move"),
                BookingType.CONSULTATION: url_pattern("triage:consultation-move"),
            },
            cancel={
                BookingType.SESSION: url_pattern("rehab:session-cancel"),
                BookingType.CONSULTATION: url_pattern("triage:consultation-cancel"),
            },
        )


# What a move or cancel link says to a screen reader, per kind of booking.
_NOUN = {BookingType.SESSION: "session", BookingType.CONSULTATION: "consultation"}
_TYPE_LABEL = dict(BookingType.choices)


def _entry(entry, links: _Links, actions: bool) -> str:
    """One booking of a booked cell (its time, kind, patient or "Booked", room, actions)."""
    booking = entry.booking
    kind = booking.booking_type
    start = f"{timezone.localtime(booking.starts_at):%H:%M}"
    end = f"{timezone.localtime(booking.ends_at):%H:%M}"
    parts = [
        format_html(
            '<div class="booking booking-{}">\n'
            '<span class="booking-when">{}\N{EN DASH}{} {}</span>\n',
            kind,
            start,
            end,
            _TYPE_LABEL.get(kind, kind),
        )
    ]
    patient = entry.patient
    if patient is not None:
        parts.append(
            format_html(
                '<a href="{}">{}, {}</a> <span class="muted">{}</span>',
                links.record(patient.pk),
                patient.family_name.upper(),
                patient.given_name,
                patient.mrn,
            )
        )
        if entry.flagged:
            parts.append(
                format_html(
                    ' <strong class="flag">Missed {} appointments in 90 days</strong>',
                    entry.no_shows,
                )
            )
    else:
        parts.append('<span class="muted">Booked</span>')
    if booking.room_id is not None:
        parts.append(format_html('\n<span class="muted">· {}</span>', booking.room.name))
    if actions and entry.subject is not None and kind in _NOUN:
        pk, noun = entry.subject.pk, _NOUN[kind]
        parts.append(
            format_html(
                '\n<span class="booking-actions"><a href="{}">Move<span class="visually-hidden">'
                " the {} {}</span></a> · "
                '<a href="{}">Cancel<span class="visually-hidden"> the {} {}</span></a></span>',
                links.move[kind](pk),
                start,
                noun,
                links.cancel[kind](pk),
                start,
                noun,
            )
        )
    parts.append("\n</div>")
    return "".join(parts)


def _cell(cell: grid.Cell, links: _Links, actions: bool) -> str:
    if cell.kind == grid.BOOKED:
        entries = "\n".join(_entry(e, links, actions) for e in cell.entries)
        return f'<td rowspan="{cell.rows:d}" class="slot slot-booked">\n{entries}\n</td>'
    if cell.kind == grid.FREE:
        if cell.url:
            return format_html(
                '<td class="slot slot-free"><a class="slot-book" href="{}">Book'
                '<span class="visually-hidden"> {}</span></a></td>',
                cell.url,
                cell.book_label,
            )
        return '<td class="slot slot-free"><span class="slot-label">Free</span></td>'
    return format_html(
        '<td rowspan="{}" class="slot slot-{}"><span class="slot-label">{}</span></td>',
        cell.rows,
        cell.kind,
        cell.label,
    )


def rows_html(rows: Iterable[tuple[str, list[grid.Cell | None]]], *, actions: bool) -> SafeString:
    """The grid's ``<tr>`` rows: each quarter's time, then the cells that start on it (a cell
    spanning rows from above leaves none). ``actions``: each booking's move and cancel links."""
    links = _Links.reversed()
    html = []
    for clock, cells in rows:
        html.append(format_html('<tr>\n<th scope="row" class="diary-time">{}</th>', clock))
        html.extend(_cell(cell, links, actions) for cell in cells if cell is not None)
        html.append("</tr>")
    # Safe: every piece is a literal, an integer or format_html's output (its values escaped).
    return mark_safe("\n".join(html))  # noqa: S308  # nosec B308 B703
