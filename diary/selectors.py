"""Reads of the diary: free start times, and a practitioner's or a room's bookings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from clinic.lookups import AnyOf
from clinic.selectors import cases_visible_to
from diary import rules
from diary.models import Availability, Booking, Room, TimeOff, WaitlistEntry
from diary.services import SUBJECTS

# A patient who missed this many appointments in NO_SHOW_DAYS is flagged where staff book.
NO_SHOW_FLAG = 2
NO_SHOW_DAYS = 90
# How far one free-slots question may look: a month of the diary.
FREE_SLOTS_MAX_DAYS = 31


def rooms() -> QuerySet[Room]:
    """Every room, by name (an inactive one is listed, and takes no new booking)."""
    return Room.objects.order_by("name")


def availability() -> QuerySet[Availability]:
    """Every practitioner's weekly windows (no patient data: the clinic's timetable)."""
    return Availability.objects.select_related("practitioner", "room")


def time_off() -> QuerySet[TimeOff]:
    """Every practitioner's time off."""
    return TimeOff.objects.select_related("practitioner")


def _busy(
    practitioner, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    bookings = Booking.objects.filter(
        practitioner=practitioner, live=True, starts_at__lt=end, ends_at__gt=start
    ).values_list("starts_at", "ends_at")
    away = TimeOff.objects.filter(
        practitioner=practitioner, starts_at__lt=end, ends_at__gt=start
    ).values_list("starts_at", "ends_at")
    return [*bookings, *away]


def free_slots(
    *, practitioner, first_day: dt.date, last_day: dt.date, duration_minutes: int
) -> list[dt.datetime]:
    """The practitioner's free start times, on the clinic-time 15-minute grid, from now on.

    A start is free when the whole booking fits one availability window (or the opening
    hours), overlaps no live booking and no time off: what ``booking_reserve`` would accept
    (a room is not part of the question).
    """
    week = rules.week_of(practitioner)
    start = rules.at_minute(first_day, 0)
    end = rules.at_minute(last_day + dt.timedelta(days=1), 0)
    busy = _busy(practitioner, start, end)
    now = timezone.now()
    length = dt.timedelta(minutes=duration_minutes)
    slots: list[dt.datetime] = []
    day = first_day
    while day <= last_day:
        for window in sorted(week[day.weekday()], key=lambda w: w.start):
            first = -(-window.start // rules.GRID_MINUTES) * rules.GRID_MINUTES
            for minute in range(first, window.end - duration_minutes + 1, rules.GRID_MINUTES):
                at = rules.at_minute(day, minute)
                if at < now or (slots and at <= slots[-1]):
                    continue
                if not any(low < at + length and at < high for low, high in busy):
                    slots.append(at)
        day += dt.timedelta(days=1)
    return slots


def bookings_between(start: dt.datetime, end: dt.datetime) -> QuerySet[Booking]:
    """The live bookings that start in a span, with their practitioner and room."""
    return Booking.objects.filter(
        live=True, starts_at__gte=start, starts_at__lt=end
    ).select_related("practitioner", "room")


def bookings_overlapping(start: dt.datetime, end: dt.datetime) -> QuerySet[Booking]:
    """The live bookings that take any of a span's time (one begun the evening before too)."""
    return Booking.objects.filter(live=True, starts_at__lt=end, ends_at__gt=start).select_related(
        "practitioner", "room"
    )


class GridPatient(NamedTuple):
    """A booked patient as the diary's grid names them."""

    pk: int
    mrn: str
    given_name: str
    family_name: str


class GridSubject(NamedTuple):
    """A booking's session or consultation as the grid shows it: its status (my day's
    consultations to record), its case and its patient."""

    label: str  # the model's ``app_label.model``: what the audit trail calls the record
    pk: int
    status: str
    case_id: int
    patient: GridPatient


class GridBooking(NamedTuple):
    """A live booking as the diary's grid lays it out."""

    pk: int
    booking_type: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    practitioner_id: int
    room_id: int | None
    room_name: str | None
    # The session or consultation of the booking's type (None: the booking holds none).
    subject: GridSubject | None


# What the grid reads of a booking's appointment, and of its case's patient. Nothing clinical
# is read: the grid has no use for a session's notes, and a receptionist's page never holds them.
_GRID_BOOKING_FIELDS = (
    "pk",
    "booking_type",
    "starts_at",
    "ends_at",
    "practitioner_id",
    "room_id",
    "room__name",
)
_GRID_SUBJECT_FIELDS = (
    "pk",
    "status",
    "case_id",
    "case__patient_id",
    "case__patient__mrn",
    "case__patient__given_name",
    "case__patient__family_name",
)


def grid_bookings(
    start: dt.datetime,
    end: dt.datetime,
    *,
    practitioners: Iterable | None = None,
    rooms: Iterable | None = None,
) -> list[GridBooking]:
    """The live bookings that take any of a span's time (of these practitioners, or rooms), in
    order, with what the diary's grid shows of each: its room's name, its session's or
    consultation's status, case and patient.

    Read as tuples, not models: a day of 220 bookings was ~900 model instances (the booking,
    its room, both appointment kinds, their cases and patients) for a dozen values each.
    """
    bookings = Booking.objects.filter(live=True, starts_at__lt=end, ends_at__gt=start)
    if practitioners is not None:
        bookings = bookings.filter(practitioner__in=practitioners)
    if rooms is not None:
        bookings = bookings.filter(room__in=rooms)
    kinds = list(SUBJECTS.items())
    rows = bookings.order_by("starts_at", "pk").values_list(
        *_GRID_BOOKING_FIELDS,
        *(f"{name}__{f}" for _, name in kinds for f in _GRID_SUBJECT_FIELDS),
    )
    base, width = len(_GRID_BOOKING_FIELDS), len(_GRID_SUBJECT_FIELDS)
    # Where each booking type's appointment sits in a row, and what the audit calls it.
    offsets = {
        kind: (base + n * width, Booking._meta.get_field(name).related_model._meta.label_lower)
        for n, (kind, name) in enumerate(kinds)
    }
    result = []
    for row in rows:
        at, label = offsets.get(row[1], (None, ""))
        subject = None
        if at is not None and row[at] is not None:
            pk, status, case_id, patient_id, mrn, given, family = row[at : at + width]
            subject = GridSubject(
                label, pk, status, case_id, GridPatient(patient_id, mrn, given, family)
            )
        result.append(GridBooking(*row[:base], subject))
    return result


def no_show_counts(patient_ids) -> dict[int, int]:
    """Each patient's appointments missed (``no_show``) in the last 90 days, sessions and
    consultations together: ``{patient_id: count}`` for those with any (one query).

    Counted apart, sessions and consultations, each from the patients' cases by index, and
    summed: one ``OR`` across the two made PostgreSQL read every booking of the 90 days and
    join both kinds to each (the fix ``annotate_no_show_count_90d`` made for the patients).
    """
    now = timezone.now()
    window = {"starts_at__gte": now - dt.timedelta(days=NO_SHOW_DAYS), "starts_at__lte": now}
    ids = list(patient_ids)

    def missed(path: str):
        # The ids as one array parameter, not a placeholder each (clinic.lookups).
        return (
            Booking.objects.filter(**window, **{f"{path}__status": "no_show"})
            .filter(AnyOf(F(f"{path}__case__patient_id"), ids))
            .values(patient=F(f"{path}__case__patient_id"))
            .annotate(missed=Count("id"))
            .order_by()
        )

    counts: dict[int, int] = {}
    for row in missed("physio_session").union(missed("consultation"), all=True):
        counts[row["patient"]] = counts.get(row["patient"], 0) + row["missed"]
    return counts


def annotate_no_show_count_90d(queryset):
    """Patients with ``no_show_count_90d`` (subqueries: the same query, whatever the page).

    Two counts, sessions and consultations, each joined from the patient's cases: with one
    ``OR`` across the two paths PostgreSQL could only scan every booking of the 90 days for
    each patient listed (4 ms a patient with 2,600 bookings in the window, 0.2 s a page of
    50); apart, each count starts from the patient's cases by index (docs/benchmarks.md).
    """
    now = timezone.now()
    window = {"starts_at__gte": now - dt.timedelta(days=NO_SHOW_DAYS), "starts_at__lte": now}

    def missed(path: str):
        return Coalesce(
            Subquery(
                Booking.objects.filter(
                    **window,
                    **{f"{path}__status": "no_show", f"{path}__case__patient": OuterRef("pk")},
                )
                .order_by()
                .annotate(group=Value(1))
                .values("group")
                .annotate(missed=Count("id"))
                .values("missed"),
                output_field=IntegerField(),
            ),
            0,
        )

    return queryset.annotate(no_show_count_90d=missed("physio_session") + missed("consultation"))


def waitlist_visible_to(user) -> QuerySet[WaitlistEntry]:
    """Waitlist entries of the cases the user may see."""
    return WaitlistEntry.objects.filter(case__in=cases_visible_to(user)).select_related("case")
