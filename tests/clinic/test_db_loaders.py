"""clinic.db_loaders: PostgreSQL timestamps parsed in C, with Django's zone rule."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from clinic import db_loaders
from clinic.models import Case
from tests.factories import CaseFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a psycopg loader: PostgreSQL only"
    ),
]


def _loader():
    connection.ensure_connection()
    return connection.connection.adapters.get_loader(
        db_loaders.TIMESTAMPTZ_OID, db_loaders.pq.Format.TEXT
    )


def test_connections_use_the_loader():
    assert issubclass(_loader(), db_loaders.TzLoader)
    assert _loader().timezone == datetime.UTC


def test_it_reads_what_django_wrote_with_the_zone_object_django_gives():
    at = datetime.datetime(2024, 3, 31, 1, 30, 5, 123456, tzinfo=ZoneInfo("Europe/Paris"))
    case = CaseFactory(opened_at=at)
    read = Case.objects.values_list("opened_at", "discharged_at").get(pk=case.pk)
    assert read == (at, None)
    assert read[0].tzinfo is datetime.UTC
    assert read[0].isoformat() == "2024-03-31T00:30:05.123456+00:00"


def test_a_cursor_in_another_zone_gets_that_zone_as_django_arranges():
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    with connection.cursor() as cursor:
        raw = cursor.cursor
        raw.execute("SET LOCAL TIME ZONE 'Europe/Paris'")
        register_tzloader(ZoneInfo("Europe/Paris"), raw)
        raw.execute("SELECT '2024-07-01 10:00:00+00'::timestamptz")
        value = raw.fetchone()[0]
    assert value == datetime.datetime(2024, 7, 1, 10, tzinfo=datetime.UTC)
    assert value.tzinfo == ZoneInfo("Europe/Paris")
    assert value.hour == 12
