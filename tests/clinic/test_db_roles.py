"""The application's database role appends to the audit trail and reads it, and nothing more.

PostgreSQL only. The test creates an owner-less application role (roles are the cluster's:
the name is this run's own, and CREATE ROLE is rolled back with the test's transaction),
runs ``db_grants`` for it, then acts as it with ``SET ROLE``: privileges are then checked
as that role's, exactly as for a process that logged in with it.
"""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from clinic.models import AuditEvent, Patient

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Database roles and privileges are PostgreSQL's (SQLite has none).",
)


@pytest.fixture
def app_role(db):
    name = f"talus_app_test_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{name}" NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE')
    call_command("db_grants", app_role=name, stdout=io.StringIO())
    AuditEvent.objects.create(action="view", object_type="clinic.patient", object_id="1")
    return name


def as_role(role: str, statement: str, params=None):
    """Run one statement as ``role`` in a savepoint; answers its rows (or raises)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        cursor.execute(statement, params)
        rows = cursor.fetchall() if cursor.description else None
        cursor.execute("RESET ROLE")
        return rows


REFUSED = [
    "UPDATE clinic_auditevent SET action = 'delete'",
    "DELETE FROM clinic_auditevent",
    "TRUNCATE clinic_auditevent",
    "ALTER TABLE clinic_auditevent DISABLE TRIGGER clinic_auditevent_append_only",
    "ALTER TABLE clinic_auditevent DISABLE TRIGGER ALL",
    "DROP TRIGGER clinic_auditevent_append_only ON clinic_auditevent",
    "SET session_replication_role = replica",
    "DROP TABLE clinic_auditevent",
]


@pytest.mark.parametrize("statement", REFUSED, ids=[s.split(" clinic")[0] for s in REFUSED])
def test_the_app_role_cannot_change_the_audit_trail(app_role, statement):
    with pytest.raises(DatabaseError, match=r"permission denied|must be owner|must be superuser"):
        as_role(app_role, statement)

    assert AuditEvent.objects.filter(action="view").count() == 1


def test_the_app_role_appends_to_and_reads_the_audit_trail(app_role):
    as_role(
        app_role,
        "INSERT INTO clinic_auditevent (at, action, object_type, object_id, actor_role, "
        "ip, request_id) VALUES (now(), 'view', 'clinic.case', '2', '', NULL, 'r')",
    )

    rows = as_role(app_role, "SELECT count(*) FROM clinic_auditevent")

    assert rows == [(2,)]


def test_the_app_role_reads_and_writes_the_other_tables(app_role, patient):
    as_role(app_role, "UPDATE clinic_patient SET phone = '' WHERE id = %s", [patient.pk])

    assert as_role(app_role, "SELECT count(*) FROM clinic_patient") == [(1,)]
    assert Patient.objects.get(pk=patient.pk).phone == ""


def test_it_prints_the_sql_for_review(db):
    out = io.StringIO()

    call_command("db_grants", app_role="talus_app", print_only=True, stdout=out)

    sql = out.getvalue()
    assert 'GRANT SELECT, INSERT ON "clinic_auditevent" TO "talus_app";' in sql
    assert 'REVOKE ALL ON "clinic_auditevent" FROM "talus_app";' in sql
