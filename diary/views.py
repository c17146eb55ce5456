"""The diary's pages: reception's day and week per practitioner or room, and "my day".

A booking names its patient only when the viewer may see the case (``cases_visible_to``);
any other shows as booked time. Every booking whose patient a page names is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from clinic import audit, bounds, roles
from clinic.selectors import cases_visible_to, practitioners
from clinic.views import role_required
from diary import feed, rules, selectors
from diary.models import Booking, BookingType, Room, WaitlistEntry, WaitlistStatus
from diary.services import SUBJECTS, default_minutes
from diary.waitlist import waitlist_accept
from reminders.services.events import offer_entry_id

DESK = (roles.RECEPTION, roles.ADMIN)


@dataclass
class Entry:
    """One booking as a page shows it: its appointment, and its patient when in reach."""

    booking: Booking
    subject: object | None  # the session or consultation, when the viewer may see its case

    no_shows: int = 0

    @property
    def patient(self):
        return self.subject.case.patient if self.subject else None

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


def _entries(request, bookings) -> list[Entry]:
    rows = list(
        bookings.select_related(*(f"{name}__case__patient" for name in SUBJECTS.values())).order_by(
            "starts_at"
        )
    )
    # A reverse one-to-one without its row raises an AttributeError: getattr's default.
    subjects = {row.pk: getattr(row, SUBJECTS[row.booking_type], None) for row in rows}
    case_ids = {s.case_id for s in subjects.values() if s is not None}
    visible = set(
        cases_visible_to(request.user).filter(pk__in=case_ids).values_list("pk", flat=True)
    )
    entries = [
        Entry(
            row,
            subjects[row.pk] if subjects[row.pk] and subjects[row.pk].case_id in visible else None,
        )
        for row in rows
    ]
    missed = selectors.no_show_counts([e.patient.pk for e in entries if e.patient])
    for entry in entries:
        if entry.patient:
            entry.no_shows = missed.get(entry.patient.pk, 0)
    audit.touch_many(request, [e.subject for e in entries if e.subject], "view")
    return entries


def _span(day: dt.date, days: int) -> tuple[dt.datetime, dt.datetime]:
    return rules.at_minute(day, 0), rules.at_minute(day + dt.timedelta(days=days), 0)


def _free(practitioner, day: dt.date) -> list[dt.datetime]:
    booking_type = (
        BookingType.CONSULTATION
        if roles.role_of(practitioner) == roles.DOCTOR
        else BookingType.SESSION
    )
    return selectors.free_slots(
        practitioner=practitioner,
        first_day=day,
        last_day=day,
        duration_minutes=default_minutes(booking_type),
    )


@role_required(*DESK)
def diary(request):
    """Reception's diary: a day (or ``?week=1``) for one practitioner or room, or everyone's."""
    day = _day(request)
    week = request.GET.get("week") == "1"
    if week:
        day -= dt.timedelta(days=day.weekday())
    start, end = _span(day, 7 if week else 1)
    bookings = selectors.bookings_between(start, end)
    practitioner = room = None
    if request.GET.get("practitioner", "").isdigit():
        practitioner = get_object_or_404(practitioners(), pk=int(request.GET["practitioner"]))
        bookings = bookings.filter(practitioner=practitioner)
    elif request.GET.get("room", "").isdigit():
        room = get_object_or_404(Room, pk=int(request.GET["room"]))
        bookings = bookings.filter(room=room)
    entries = _entries(request, bookings)
    days = [day + dt.timedelta(days=n) for n in range(7 if week else 1)]
    return render(
        request,
        "diary/diary.html",
        {
            "day": day,
            "today": timezone.localdate(),
            "week": week,
            "days": [
                (d, [e for e in entries if timezone.localdate(e.booking.starts_at) == d])
                for d in days
            ],
            "practitioner": practitioner,
            "room": room,
            "practitioners": practitioners(),
            "rooms": selectors.rooms().filter(active=True),
            "free": _free(practitioner, day) if practitioner and not week else [],
            "is_physio": practitioner is not None and roles.role_of(practitioner) == roles.PHYSIO,
        },
    )


@role_required(roles.DOCTOR, roles.PHYSIO)
def my_day(request):
    """A doctor's or physio's own bookings of a day."""
    day = _day(request)
    start, end = _span(day, 1)
    bookings = selectors.bookings_between(start, end).filter(practitioner=request.user)
    entries = _entries(request, bookings)
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
