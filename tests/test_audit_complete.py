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


# --- Admin pages and the timeline --------------------------------------------------------------


def _patient_admins():
    """Every model admin whose records carry patient data (``audit_patient_id``)."""
    from django.contrib import admin

    return sorted(
        (
            (model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if hasattr(model, "audit_patient_id")
        ),
        key=lambda pair: pair[0]._meta.label_lower,
    )


PATIENT_ADMINS = _patient_admins()
ADMIN_IDS = [model._meta.label_lower for model, _admin in PATIENT_ADMINS]


@pytest.fixture
def admin_client(world, client):
    """Ada in admin, with her second factor verified (tests/conftest.py's ada)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    world.ada.otp_device = TOTPDevice.objects.create(user=world.ada, name="phone", confirmed=True)
    client.force_login(world.ada)
    return client


def _viewed(world, model) -> set[str]:
    return set(
        AuditEvent.objects.filter(
            actor=world.ada, action="view", object_type=model._meta.label_lower
        ).values_list("object_id", flat=True)
    )


def test_every_admin_of_patient_data_is_covered():
    labels = set(ADMIN_IDS)
    assert {
        "clinic.patient",
        "clinic.case",
        "triage.examination",
        "rehab.physiosession",
        "reminders.reminder",
    } <= labels


@pytest.mark.parametrize(("model", "model_admin"), PATIENT_ADMINS, ids=ADMIN_IDS)
def test_an_admin_changelist_audits_every_row_it_shows(world, admin_client, model, model_admin):
    client = admin_client
    opts = model._meta

    response = client.get(f"/admin/{opts.app_label}/{opts.model_name}/")

    assert response.status_code == 200
    shown = {str(obj.pk) for obj in response.context["cl"].result_list}
    assert shown, f"the world has no {opts.label}"
    assert _viewed(world, model) == shown


@pytest.mark.parametrize(("model", "model_admin"), PATIENT_ADMINS, ids=ADMIN_IDS)
@pytest.mark.parametrize("page", ["change", "history"])
def test_an_admin_change_or_history_page_audits_its_record(
    world, admin_client, model, model_admin, page
):
    client = admin_client
    opts = model._meta
    record = model.objects.order_by("pk").first()
    suffix = "change/" if page == "change" else "history/"

    response = client.get(f"/admin/{opts.app_label}/{opts.model_name}/{record.pk}/{suffix}")

    assert response.status_code == 200
    assert _viewed(world, model) == {str(record.pk)}
    event = AuditEvent.objects.get(actor=world.ada, object_type=opts.label_lower)
    assert event.patient_id == record.audit_patient_id


def test_a_past_version_page_audits_its_record(world, admin_client):
    client = admin_client
    version = world.patient.history.earliest()

    response = client.get(f"/admin/clinic/patient/{world.patient.pk}/history/{version.history_id}/")

    assert response.status_code == 200
    assert _viewed(world, world.patient._meta.model) == {str(world.patient.pk)}


@pytest.mark.parametrize("persona", ["doctor", "physio"])
def test_the_timeline_audits_every_record_it_shows(world, persona):
    from rest_framework.test import APIClient

    user = world.users[persona]
    client = APIClient()
    client.force_authenticate(user)

    response = client.get(f"/api/v1/cases/{world.case.pk}/timeline/")

    assert response.status_code == 200
    shown = {
        (entry["object_type"], str(entry["object_id"]))
        for entry in response.json()
        if entry["object_type"]
    }
    assert len(shown) > 10
    events = set(
        AuditEvent.objects.filter(actor=user, action="view").values_list("object_type", "object_id")
    )
    assert shown | {("clinic.case", str(world.case.pk))} == events
    assert set(AuditEvent.objects.filter(actor=user).values_list("patient_id", flat=True)) == {
        world.patient.pk
    }


def test_the_doctors_case_page_audits_every_timeline_record(world, client):
    from clinic.timeline import case_timeline

    client.force_login(world.dan)

    response = client.get(f"/cases/{world.case.pk}/")

    assert response.status_code == 200
    events = set(
        AuditEvent.objects.filter(actor=world.dan, action="view").values_list(
            "object_type", "object_id"
        )
    )
    shown = {
        (e.object_type, str(e.object_id))
        for e in case_timeline(world.case, world.dan)
        if e.object_type
    }
    assert shown <= events


def test_the_booking_day_list_audits_each_session_and_its_patient(world, client):
    client.force_login(world.rita)

    response = client.get(f"/rehab/sessions/?day={world.tomorrow.date().isoformat()}")

    assert response.status_code == 200
    events = set(
        AuditEvent.objects.filter(actor=world.rita, action="view").values_list(
            "object_type", "object_id"
        )
    )
    assert ("rehab.physiosession", str(world.session.pk)) in events
    assert ("clinic.patient", str(world.patient.pk)) in events


@pytest.mark.parametrize(
    "incoming",
    ["x" * 65, "short", "abc\ndef-ghij", "<script>alert(1)</script>", "id with spaces 123"],
)
def test_a_malformed_client_request_id_is_replaced_before_it_is_stored(world, client, incoming):
    client.force_login(world.dan)

    response = client.get(f"/cases/{world.case.pk}/", headers={"X-Request-ID": incoming})

    assert response.status_code == 200
    stored = set(AuditEvent.objects.values_list("request_id", flat=True))
    assert stored == {response["X-Request-ID"]}
    assert incoming not in stored
    assert len(response["X-Request-ID"]) == 32


def test_a_well_formed_client_request_id_is_kept(world, client):
    client.force_login(world.dan)

    response = client.get(f"/cases/{world.case.pk}/", headers={"X-Request-ID": "lb-7f3a9c.01"})

    assert response["X-Request-ID"] == "lb-7f3a9c.01"
    assert set(AuditEvent.objects.values_list("request_id", flat=True)) == {"lb-7f3a9c.01"}
