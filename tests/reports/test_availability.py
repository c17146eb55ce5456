"""Utilisation's denominator: the diary's windows (else opening hours), minus time off.

November 2026 (clinic time UTC) has 5 Mondays (2, 9, 16, 23, 30) and 4 Tuesdays.
"""

from __future__ import annotations

import datetime as dt

from diary.models import Availability, TimeOff
from reports.availability import available_minutes, weekday_counts

NOV_1, NOV_30 = dt.date(2026, 11, 1), dt.date(2026, 11, 30)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


def test_it_counts_the_weekdays_of_a_period():
    counts = weekday_counts(NOV_1, NOV_30)

    assert counts[0] == 5  # Mondays
    assert counts[1] == 4  # Tuesdays
    assert sum(counts.values()) == 30


def test_it_reads_the_practitioners_windows_minus_their_time_off(db, paula, oscar, settings):
    settings.CLINIC_OPENING_HOURS = "mon-fri 08:00-19:00"
    # Paula: Mondays 09:00-13:00 and 12:00-14:00 (overlapping: 09:00-14:00, 300 minutes).
    Availability.objects.create(
        practitioner=paula, weekday=0, start_time=dt.time(9), end_time=dt.time(13)
    )
    Availability.objects.create(
        practitioner=paula, weekday=0, start_time=dt.time(12), end_time=dt.time(14)
    )
    # Away on Monday 9 Nov 10:00-12:00 (120 minutes of her window), twice recorded as
    # overlapping spans, and on Tuesday 10 Nov (no window that day: nothing to take off).
    TimeOff.objects.create(practitioner=paula, starts_at=at(9, 10), ends_at=at(9, 11, 30))
    TimeOff.objects.create(practitioner=paula, starts_at=at(9, 11), ends_at=at(9, 12))
    TimeOff.objects.create(practitioner=paula, starts_at=at(10, 8), ends_at=at(10, 18))

    got = available_minutes(practitioner_ids=[paula.pk, oscar.pk], start=NOV_1, end=NOV_30)

    assert got == {
        paula.pk: 5 * 300 - 120,
        # Oscar has no window: the opening hours, 21 weekdays x 660 minutes.
        oscar.pk: 21 * 660,
    }


def test_utilisation_divides_by_the_diarys_minutes(db, api_as, dan, paula, settings, catalogue):
    from reports.tasks import refresh_aggregates
    from tests.factories import PatientFactory
    from tests.reports.test_reports_api import _case, _session

    settings.CLINIC_OPENING_HOURS = "mon-fri 08:00-19:00"
    Availability.objects.create(
        practitioner=paula, weekday=0, start_time=dt.time(9), end_time=dt.time(14)
    )
    case = _case(PatientFactory(), paula, "left", opened=at(1, 9))
    _session(case, paula, at(2, 9), minutes=60)
    refresh_aggregates()

    response = api_as(dan).get(
        f"/api/v1/reports/utilisation/?from=2026-11-01&to=2026-11-30&practitioner={paula.pk}"
    )

    assert response.status_code == 200
    (row,) = response.json()["rows"]
    assert (row["booked_minutes"], row["available_minutes"], row["utilisation"]) == (60, 1500, 4.0)
