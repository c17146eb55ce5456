"""Every call that reads or writes patient data leaves an AuditEvent: the matrix, replayed.

For each row of tests/test_role_matrix.TABLE and each persona: a successful call on Emma's
record writes an event with the row's action about Emma (or about the patient it created);
a refused call writes nothing; Oscar, who may see nothing of Emma, never leaves an event about
her. The trail is append-only, down to the database on PostgreSQL.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from clinic.models import AuditEvent
from tests.test_role_matrix import TABLE, N, O, build_world, each_persona


@pytest.fixture
def world(db):
    return build_world()


def _succeeded(response) -> bool:
    return response.status_code < 400


@pytest.mark.parametrize("key", list(TABLE), ids=[f"{m} {n}" for m, n in TABLE])
def test_every_call_on_patient_data_is_audited(world, key):
    call = TABLE[key]
    wrong = []
    for persona, response in each_persona(world, key):
        # The world was built through services, not requests: every event is this call's.
        events = list(
            AuditEvent.objects.values_list("action", "patient_id", "actor_id").order_by("id")
        )
        if persona == N:
            if events:
                wrong.append(f"anonymous: events written for a caller who is nobody: {events}")
            continue
        ours = [e for e in events if e[2] == world.users[persona].pk]
        if not _succeeded(response):
            if ours:
                wrong.append(f"{persona}: a refused call ({response.status_code}) wrote {ours}")
            continue
        if persona == O:
            about_emma = [e for e in ours if e[1] == world.patient.pk]
            if about_emma:
                wrong.append(f"outsider: events about a patient out of reach: {about_emma}")
            continue
        if call.audit is None:
            continue
        patient_id = call.audit_patient(world, response) if call.audit_patient else world.patient.pk
        if (call.audit, patient_id) not in {(action, patient) for action, patient, _ in ours}:
            wrong.append(f"{persona}: no {call.audit!r} event for patient {patient_id}: {ours}")

    assert wrong == []


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The append-only trigger is PostgreSQL's; SQLite relies on the model and queryset.",
)
def test_the_database_refuses_to_change_or_delete_an_event(world):
    AuditEvent.objects.create(action="view", object_type="clinic.patient", object_id="1")

    for statement in (
        "UPDATE clinic_auditevent SET action = 'delete'",
        "DELETE FROM clinic_auditevent",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)

    assert AuditEvent.objects.filter(action="view").exists()
