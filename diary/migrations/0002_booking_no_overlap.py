"""No two live bookings of one practitioner, or of one room, overlap: PostgreSQL holds it.

Exclusion constraints over the booking's half-open span ``[starts_at, ends_at)`` (btree_gist
gives the ``=`` on the practitioner and room ids). SQLite has no such constraint: there the
booking service's check is what holds (``diary.services``).
"""

from django.db import migrations

from clinic.db_operations import RunSQLOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [("diary", "0001_initial")]

    operations = [
        RunSQLOnPostgreSQL(
            sql=[
                "CREATE EXTENSION IF NOT EXISTS btree_gist;",
                # Serves the rule "a practitioner is in one appointment at a time".
                "ALTER TABLE diary_booking ADD CONSTRAINT booking_practitioner_no_overlap "
                "EXCLUDE USING gist (practitioner_id WITH =, "
                "tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (live);",
                # Serves the rule "a room holds one appointment at a time".
                "ALTER TABLE diary_booking ADD CONSTRAINT booking_room_no_overlap "
                "EXCLUDE USING gist (room_id WITH =, "
                "tstzrange(starts_at, ends_at, '[)') WITH &&) "
                "WHERE (live AND room_id IS NOT NULL);",
            ],
            reverse_sql=[
                "ALTER TABLE diary_booking DROP CONSTRAINT booking_room_no_overlap;",
                "ALTER TABLE diary_booking DROP CONSTRAINT booking_practitioner_no_overlap;",
            ],
        ),
    ]
