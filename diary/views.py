"""The diary's pages: reception's day and week per practitioner or room, and "my day".

A booking names its patient only when the viewer may see the case (``cases_visible_to``);
any other shows as booked time. Every booking whose patient a page names is audited.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from clinic import audit, bounds, roles
from clinic.lookups import AnyOf
from clinic.selectors import cases_visible_to, practitioners
from clinic.views import role_required
from diary import feed, grid, rules, selectors
from diary.models import BookingType, Room, WaitlistEntry, WaitlistStatus
from diary.services import default_lengths
from diary.waitlist import waitlist_accept
from reminders.services.events import offer_entry_id

DESK = (roles.RECEPTION, roles.ADMIN)


@dataclass
class Entry:
    """One booking as a page shows it: its appointment, and its patient when in reach."""

    booking: selectors.GridBooking
    # The session or consultation, when the viewer may see its case.
    subject: selectors.GridSubject | None

    no_shows: int = 0

    @property
    def patient(self) -> selectors.GridPatient | None:
        return self.subject.patient if self.subject is not None else None

    @property
    def flagged(self) -> bool:
        return self.no_shows >= selectors.NO_SHOW_FLAG


def _day(request) -> dt.date:
    """The day asked for (?day=YYYY-MM-DD); today for a malformed one or one outside the
    clinic's calendar."""
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()
    return (
        day
        if bounds.in_clinic_days(day) and bounds.in_clinic_days(day + dt.timedelta(days=7))
        else timezone.localdate()
    )


def _entries(request, rows: list[selectors.GridBooking]) -> list[Entry]:
    """The page's bookings (``selectors.grid_bookings``), each with its appointment when the
    viewer may see its case, and its patient's missed appointments; the named ones audited."""
    case_ids = {row.subject.case_id for row in rows if row.subject is not None}
    # The page's case ids as one array parameter, not a placeholder each (clinic.lookups).
    visible = set(
        cases_visible_to(request.user).filter(AnyOf(F("pk"), case_ids)).values_list("pk", flat=True)
    )
    entries = [
        Entry(row, row.subject if row.subject and row.subject.case_id in visible else None)
        for row in rows
    ]
    missed = selectors.no_show_counts({e.subject.patient.pk for e in entries if e.subject})
    for entry in entries:
        if entry.subject is not None:
            entry.no_shows = missed.get(entry.subject.patient.pk, 0)
    audit.touch_refs(
        request,
        [(e.subject.label, e.subject.pk, e.subject.patient.pk) for e in entries if e.subject],
        "view",
    )
    return entries


def _span(day: dt.date, days: int) -> tuple[dt.datetime, dt.datetime]:
    return rules.at_minute(day, 0), rules.at_minute(day + dt.timedelta(days=days), 0)


@dataclass
class Column:
    """One column of the paper diary: a practitioner's or a room's day."""

    day: dt.date
    practitioner: object | None = None
    room: Room | None = None
    cells: list[grid.Cell] = field(default_factory=list)

    @property
    def booking_type(self) -> str:
        if self.practitioner is not None and roles.role_of(self.practitioner) == roles.DOCTOR:
            return BookingType.CONSULTATION
        return BookingType.SESSION

    @property
    def whose(self) -> str:
        """Whose column, in words (a practitioner's name, or a room's)."""
        if self.practitioner is None:
            return self.room.name
        return self.practitioner.get_full_name() or self.practitioner.username

    @property
    def role(self) -> str:
        if self.practitioner is None:
            return "room"
        return "doctor" if self.booking_type == BookingType.CONSULTATION else "physio"


def _book_targets(columns: list[Column]) -> list[str]:
    """Each column's booking form with whose (or which room's) it is: the part of its free
    quarters' links that does not change down the column (each form reversed once a page)."""
    sessions, consultations = reverse("rehab:session-book"), reverse("triage:consultation-new")
    targets = []
    for column in columns:
        if column.practitioner is None:
            targets.append(f"{sessions}?{urlencode({'room': column.room.pk})}")
        elif column.booking_type == BookingType.CONSULTATION:
            targets.append(f"{consultations}?{urlencode({'doctor': column.practitioner.pk})}")
        else:
            targets.append(f"{sessions}?{urlencode({'physio': column.practitioner.pk})}")
    return targets


def _book_when(day: dt.date) -> Callable[[int], str]:
    """A free quarter's ``at=`` in the booking form's format, from its minute of ``day``: the
    wall clock, except on a day the clocks change (there, the instant's own clock time)."""
    if rules.at_minute(day, 0).utcoffset() == rules.at_minute(day, grid.DAY_END).utcoffset():
        prefix = f"{day:%Y-%m-%d}T"
        return lambda minute: prefix + grid.clock(minute)
    return lambda minute: f"{timezone.localtime(rules.at_minute(day, minute)):%Y-%m-%dT%H:%M}"


def _fill(
    columns: list[Column], entries: list[Entry], away, *, bookable: bool
) -> tuple[list[tuple[int, list]], list[Column]]:
    """Lay the bookings, time off and free quarters of each column on the grid."""
    weeks = rules.weeks_of({c.practitioner.pk for c in columns if c.practitioner is not None})
    clinic_week = rules.clinic_week() if any(c.practitioner is None for c in columns) else {}
    zone = timezone.get_current_timezone()
    now = timezone.localtime(timezone=zone)
    usual = default_lengths()
    # Each booking and time off cut into days once, and filed under whose (or which room's)
    # it is and which day: a column reads its own, not every booking of the page.
    by_person: dict[tuple, list] = defaultdict(list)
    by_room: dict[tuple, list] = defaultdict(list)
    for entry in entries:
        booking = entry.booking
        for day, low, high in rules.day_pieces(booking.starts_at, booking.ends_at, zone):
            by_person[booking.practitioner_id, day].append((low, high, entry))
            if booking.room_id is not None:
                by_room[booking.room_id, day].append((low, high, entry))
    away_of: dict[tuple, list] = defaultdict(list)
    for off in away:
        for day, low, high in rules.day_pieces(off.starts_at, off.ends_at, zone):
            away_of[off.practitioner_id, day].append((low, high))
    specs = []
    for column in columns:
        person = column.practitioner
        week = weeks[person.pk] if person is not None else clinic_week
        spec = grid.ColumnSpec(
            windows=[(w.start, w.end) for w in week[column.day.weekday()]],
            bookings=(
                by_person.get((person.pk, column.day), [])
                if person is not None
                else by_room.get((column.room.pk, column.day), [])
            ),
            away=away_of.get((person.pk, column.day), []) if person is not None else [],
            now=(
                grid.DAY_END
                if column.day < now.date()
                else now.hour * 60 + now.minute
                if column.day == now.date()
                else -1
            ),
        )
        specs.append(spec)
    first, last = grid.span_of(specs, default=(8 * 60, 19 * 60))
    targets = _book_targets(columns) if bookable else []
    whens: dict[dt.date, Callable[[int], str]] = {}
    for n, (column, spec) in enumerate(zip(columns, specs, strict=True)):
        column.cells = grid.column_cells(spec, first, last, usual[column.booking_type])
        if not bookable:
            continue
        if column.day not in whens:
            whens[column.day] = _book_when(column.day)
        target, when = targets[n], whens[column.day]
        day = f"{column.day:%a} {column.day.day} {column.day:%b}"
        whose = column.whose
        for cell in column.cells:
            if cell.kind == grid.FREE:
                minutes = cell.free_minutes
                cell.url = f"{target}&at={when(cell.minute)}&duration={minutes}"
                cell.book_label = f"{day} {grid.clock(cell.minute)}, {whose}, {minutes} minutes"
    return grid.grid_rows([c.cells for c in columns], first, last), columns


def _diary_query(**params) -> str:
    return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


@role_required(*DESK)
def diary(request):
    """Reception's paper diary: a day with a column per practitioner (``?by=room``: per room),
    or ``?view=week``: one practitioner's (or room's) week, a column per day."""
    day = _day(request)
    week = request.GET.get("view") == "week" or request.GET.get("week") == "1"
    wanted_person = request.GET.get("practitioner", "")
    wanted_room = request.GET.get("room", "")
    # The radio button says which; without it, the one chosen (a room only if no one is).
    by_room = request.GET.get("by") == "room" or (
        "by" not in request.GET and wanted_room.isdigit() and not wanted_person.isdigit()
    )
    # Each column's role (a doctor's or a physio's) read with its person, not their groups.
    people = list(practitioners().annotate(widest_group=roles.role_subquery("pk")))
    for person in people:
        roles.remember_role(person, person.widest_group)
    open_rooms = list(selectors.rooms().filter(active=True))
    practitioner = room = None
    if by_room and wanted_room.isdigit():
        room = get_object_or_404(Room, pk=int(wanted_room))
    elif not by_room and wanted_person.isdigit():
        practitioner = next((p for p in people if p.pk == int(wanted_person)), None)
        if practitioner is None:
            raise Http404("No such practitioner.")
    if week:
        day -= dt.timedelta(days=day.weekday())
        # A week is one person's (or room's): the one chosen, else the first of the list.
        if by_room:
            room = room or (open_rooms[0] if open_rooms else None)
        else:
            practitioner = practitioner or (people[0] if people else None)
    days = [day + dt.timedelta(days=n) for n in range(7 if week else 1)]
    if week:
        columns = [Column(d, practitioner=practitioner, room=room) for d in days]
        columns = [c for c in columns if c.practitioner is not None or c.room is not None]
    elif by_room:
        columns = [Column(day, room=r) for r in ([room] if room else open_rooms)]
    else:
        columns = [
            Column(day, practitioner=p) for p in ([practitioner] if practitioner else people)
        ]
    start, end = _span(day, len(days))
    away = []
    if by_room:
        bookings = selectors.grid_bookings(start, end, rooms=[c.room for c in columns])
    else:
        bookings = selectors.grid_bookings(
            start, end, practitioners=[c.practitioner for c in columns]
        )
        away = list(
            selectors.time_off().filter(
                practitioner__in=[c.practitioner for c in columns],
                starts_at__lt=end,
                ends_at__gt=start,
            )
        )
    entries = _entries(request, bookings) if columns else []
    rows, columns = _fill(columns, entries, away, bookable=True)
    step = dt.timedelta(days=7 if week else 1)
    keep = {
        "view": "week" if week else "",
        "by": "room" if by_room else "",
        "practitioner": practitioner.pk if practitioner else "",
        "room": room.pk if room else "",
    }
    return render(
        request,
        "diary/diary.html",
        {
            "day": day,
            "today": timezone.localdate(),
            "week": week,
            "by_room": by_room,
            "days": days,
            "columns": columns,
            "rows": rows,
            "entries": entries,
            "practitioner": practitioner,
            "room": room,
            "practitioners": people,
            "rooms": open_rooms,
            "previous_url": _diary_query(**keep, day=(day - step).isoformat()),
            "next_url": _diary_query(**keep, day=(day + step).isoformat()),
            "today_url": _diary_query(**keep),
            "day_view_url": _diary_query(
                **{**keep, "view": ""},
                day=(
                    timezone.localdate() if week and timezone.localdate() in days else day
                ).isoformat(),
            ),
            "week_view_url": _diary_query(**{**keep, "view": "week"}, day=day.isoformat()),
        },
    )


@role_required(roles.DOCTOR, roles.PHYSIO)
def my_day(request):
    """A doctor's or physio's own column of the diary for a day."""
    day = _day(request)
    start, end = _span(day, 1)
    entries = _entries(request, selectors.grid_bookings(start, end, practitioners=[request.user]))
    away = list(
        selectors.time_off().filter(practitioner=request.user, starts_at__lt=end, ends_at__gt=start)
    )
    rows, columns = _fill([Column(day, practitioner=request.user)], entries, away, bookable=False)
    # A doctor's consultations of this day or an earlier one that still wait for their record
    # (the recording page itself asks the consultation service).
    to_record = [
        e
        for e in entries
        if e.booking.booking_type == BookingType.CONSULTATION
        and e.subject is not None
        and e.subject.status == "scheduled"
        and day <= timezone.localdate()
    ]
    return render(
        request,
        "diary/my_day.html",
        {
            "day": day,
            "today": timezone.localdate(),
            "entries": entries,
            "rows": rows,
            "columns": columns,
            "previous_url": _diary_query(day=(day - dt.timedelta(days=1)).isoformat()),
            "next_url": _diary_query(day=(day + dt.timedelta(days=1)).isoformat()),
            "to_record": to_record,
            "feed_url": request.build_absolute_uri(
                reverse("diary:feed", args=[feed.feed_token(request.user)])
            ),
        },
    )


def calendar_feed(request, token: str):
    """A practitioner's private calendar (no login: the signed address is the key)."""
    pk = feed.practitioner_id_of(token)
    practitioner = get_user_model().objects.filter(pk=pk, is_active=True).first() if pk else None
    if practitioner is None or roles.role_of(practitioner) not in (roles.DOCTOR, roles.PHYSIO):
        raise Http404("No such calendar.")
    response = HttpResponse(feed.feed_calendar(practitioner), content_type="text/calendar")
    response["Content-Disposition"] = 'attachment; filename="diary.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


def offer(request, token: str):
    """The waitlisted patient's link: GET shows the freed time (a link preview books nothing);
    POST takes it — the first acceptance books it, a later one is told it has gone."""
    entry_id = offer_entry_id(token)
    entry = (
        WaitlistEntry.objects.select_related("case__patient", "offered_booking__room")
        .filter(pk=entry_id)
        .first()
        if entry_id
        else None
    )
    if entry is None:
        return render(request, "diary/offer_invalid.html", status=400)
    if request.method == "POST":
        record = waitlist_accept(entry_id=entry.pk)
        if record is None:
            return render(request, "diary/offer_gone.html", {"entry": entry}, status=409)
        audit.touch(request, record, "create")
        return render(request, "diary/offer_booked.html", {"record": record})
    # The page shows the freed time and room, never who the patient is: nothing to audit.
    if entry.status != WaitlistStatus.OFFERED:
        return render(request, "diary/offer_gone.html", {"entry": entry}, status=409)
    return render(request, "diary/offer.html", {"entry": entry, "token": token})
