"""Reads of the diary: free start times, and a practitioner's or a room's bookings."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

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


# What the diary's grid shows of a booking's appointment: its status (my day's consultations
# to record), its case and the patient's name and MRN. Nothing clinical is read: the grid has no
# use for a session's notes, and a receptionist's page never holds them.
_GRID_SUBJECT_FIELDS = (
    "status",
    "case__patient__mrn",
    "case__patient__given_name",
    "case__patient__family_name",
)


def grid_bookings(start: dt.datetime, end: dt.datetime) -> QuerySet[Booking]:
    """The live bookings that take any of a span's time, in order, with what the diary's grid
    shows of each: its room's name, its session's or consultation's case and patient."""
    return (
        Booking.objects.filter(live=True, starts_at__lt=end, ends_at__gt=start)
        .select_related("room", *(f"{name}__case__patient" for name in SUBJECTS.values()))
        .only(
            "booking_type",
            "starts_at",
            "ends_at",
            "practitioner_id",
            "room__name",
            *(f"{name}__{f}" for name in SUBJECTS.values() for f in _GRID_SUBJECT_FIELDS),
        )
        .order_by("starts_at", "pk")
    )


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
        return (
            Booking.objects.filter(
                **window, **{f"{path}__status": "no_show", f"{path}__case__patient__in": ids}
            )
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
