"""The diary grid's body as HTML, built in Python: a row per quarter hour, a ``<td>`` per cell.

The grid is the diary pages' hottest loop (a day of 20 columns is over a thousand cells): the
template engine spent about a millisecond per ten cells on it, and ``{% url %}`` reversed a
route per link. Here each cell is one f-string, every value escaped (patients' and
practitioners' names are user data), and each route of the grid's links is reversed once per
page, its id filled in per booking. The markup is the one ``templates/diary/_grid.html`` wrote
(it includes this body through ``{% diary_grid_rows %}``).

Every value from the database goes through ``escape``: the standard library's ``html.escape``,
the function Django's own ``escape`` wraps (``format_html`` per cell cost a tenth of the page's
time in Django's lazy-string checks for values that are never lazy).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from clinic.worklist_html import url_pattern
from diary import grid
from diary.models import BookingType


def _escaped_route(name: str) -> Callable[[int], str]:
    """``url_pattern(name)`` already escaped for an attribute: the route's text escaped once a
    page, the id (an integer) filled in per booking."""
    head, tail = (escape(part) for part in url_pattern(name)("\0").split("\0"))
    return lambda pk: f"{head}{pk:d}{tail}"


@dataclass(frozen=True)
class _Links:
    """What every cell of a page shares: the grid's routes, reversed and escaped once, each
    kind of booking's class and label escaped once, and the clinic's time zone (looked up
    once, not per booking)."""

    record: Callable[[int], str]
    move: dict[str, Callable[[int], str]]
    cancel: dict[str, Callable[[int], str]]
    # Per kind of booking: its CSS class suffix and its label, escaped.
    kinds: dict[str, tuple[str, str]]
    zone: dt.tzinfo

    @classmethod
    def reversed(cls) -> _Links:
        return cls(
            zone=timezone.get_current_timezone(),
            record=_escaped_route("patient-record"),
            move={
                BookingType.SESSION: _escaped_route("rehab:session-move"),
                BookingType.CONSULTATION: _escaped_route("triage:consultation-move"),
            },
            cancel={
                BookingType.SESSION: _escaped_route("rehab:session-cancel"),
                BookingType.CONSULTATION: _escaped_route("triage:consultation-cancel"),
            },
            kinds={kind: (escape(kind), escape(str(label))) for kind, label in _TYPE_LABEL.items()},
        )


# What a move or cancel link says to a screen reader, per kind of booking.
_NOUN = {BookingType.SESSION: "session", BookingType.CONSULTATION: "consultation"}
_TYPE_LABEL = dict(BookingType.choices)


def _hhmm(moment: dt.datetime, zone: dt.tzinfo) -> str:
    """``%H:%M`` of the moment in the zone (formatted from its fields: strftime took twice as
    long, twice a booking)."""
    local = moment.astimezone(zone)
    return f"{local.hour:02d}:{local.minute:02d}"


def _entry(entry, links: _Links, actions: bool) -> str:
    """One booking of a booked cell (its time, kind, patient or "Booked", room, actions)."""
    booking = entry.booking
    kind = booking.booking_type
    css, label = links.kinds.get(kind) or (escape(kind), escape(kind))
    start, end = _hhmm(booking.starts_at, links.zone), _hhmm(booking.ends_at, links.zone)
    html = (
        f'<div class="booking booking-{css}">\n'
        f'<span class="booking-when">{start}\N{EN DASH}{end} {label}</span>\n'
    )
    patient = entry.patient
    if patient is not None:
        html += (
            f'<a href="{links.record(patient.pk)}">'
            f"{escape(patient.family_name.upper())}, {escape(patient.given_name)}</a> "
            f'<span class="muted">{escape(patient.mrn)}</span>'
        )
        if entry.flagged:
            html += (
                f' <strong class="flag">Missed {entry.no_shows:d} appointments in 90 days</strong>'
            )
    else:
        html += '<span class="muted">Booked</span>'
    if booking.room_id is not None:
        html += f'\n<span class="muted">· {escape(booking.room_name)}</span>'
    if actions and entry.subject is not None and kind in _NOUN:
        pk, noun = entry.subject.pk, _NOUN[kind]
        html += (
            f'\n<span class="booking-actions"><a href="{links.move[kind](pk)}">Move'
            f'<span class="visually-hidden"> the {start} {noun}</span></a> · '
            f'<a href="{links.cancel[kind](pk)}">Cancel'
            f'<span class="visually-hidden"> the {start} {noun}</span></a></span>'
        )
    return html + "\n</div>"


def _cell(cell: grid.Cell, links: _Links, actions: bool) -> str:
    if cell.kind == grid.FREE:
        if cell.url:
            return (
                f'<td class="slot slot-free"><a class="slot-book" href="{escape(cell.url)}">Book'
                f'<span class="visually-hidden"> {escape(cell.book_label)}</span></a></td>'
            )
        return '<td class="slot slot-free"><span class="slot-label">Free</span></td>'
    if cell.kind == grid.BOOKED:
        entries = "\n".join(_entry(e, links, actions) for e in cell.entries)
        return f'<td rowspan="{cell.rows:d}" class="slot slot-booked">\n{entries}\n</td>'
    return (
        f'<td rowspan="{cell.rows:d}" class="slot slot-{escape(cell.kind)}">'
        f'<span class="slot-label">{escape(cell.label)}</span></td>'
    )


def rows_html(rows: Iterable[tuple[str, list[grid.Cell | None]]], *, actions: bool) -> SafeString:
    """The grid's ``<tr>`` rows: each quarter's time, then the cells that start on it (a cell
    spanning rows from above leaves none). ``actions``: each booking's move and cancel links."""
    links = _Links.reversed()
    html = []
    for clock, cells in rows:
        html.append(f'<tr>\n<th scope="row" class="diary-time">{escape(clock)}</th>')
        html.extend(_cell(cell, links, actions) for cell in cells if cell is not None)
        html.append("</tr>")
    # Safe: every value in it went through escape(), or is an integer.
    return mark_safe("\n".join(html))  # noqa: S308  # nosec B308 B703
