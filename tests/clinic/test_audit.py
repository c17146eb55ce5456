"""Every read and write of patient data leaves an AuditEvent; the trail is append-only."""

from __future__ import annotations

import pytest

from clinic.models import AuditEvent


def test_it_audits_an_api_read(dan, api_as, case):
    response = api_as(dan).get(f"/api/v1/cases/{case.pk}/", HTTP_X_REQUEST_ID="req-12345678")

    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.actor, event.actor_role, event.action) == (dan, "doctor", "view")
    assert (event.object_type, event.object_id) == ("clinic.case", str(case.pk))
    assert event.patient_id == case.patient_id
    assert event.request_id == "req-12345678"
    assert event.ip == "127.0.0.1"


def test_it_audits_an_api_write(rita, api_as, patient):
    response = api_as(rita).post("/api/v1/cases/", {"patient": patient.pk, "side": "left"})

    assert response.status_code == 201
    event = AuditEvent.objects.get(action="create")
    assert event.object_id == str(response.json()["id"])
    assert event.patient_id == patient.pk


@pytest.mark.django_db(transaction=True)
def test_an_api_write_and_its_audit_events_commit_in_one_transaction(rita, api_as, patient):
    """Each request is its own transaction here (no test-wide one): the events are in the
    write's, so neither can be committed without the other."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("xmin, the id of the transaction that wrote a row, is PostgreSQL's")

    response = api_as(rita).post("/api/v1/cases/", {"patient": patient.pk, "side": "left"})

    assert response.status_code == 201
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM clinic_case WHERE id = %s", [response.json()["id"]])
        (case_transaction,) = cursor.fetchone()
        cursor.execute("SELECT DISTINCT xmin::text FROM clinic_auditevent")
        audit_transactions = [row[0] for row in cursor.fetchall()]
    assert audit_transactions == [case_transaction]


def test_it_audits_every_row_of_a_list(rita, api_as, case):
    api_as(rita).get("/api/v1/patients/")

    assert list(AuditEvent.objects.values_list("action", "patient_id")) == [
        ("view", case.patient_id)
    ]


def test_it_audits_a_page_read(client, rita, patient):
    client.force_login(rita)

    response = client.get(f"/patients/{patient.pk}/")

    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.patient_id) == (rita, "view", patient.pk)


def test_it_writes_nothing_for_a_refused_request(oscar, api_as, case):
    api_as(oscar).get(f"/api/v1/cases/{case.pk}/")

    assert AuditEvent.objects.count() == 0


def test_it_refuses_to_change_or_delete_an_event(dan, api_as, case):
    api_as(dan).get(f"/api/v1/cases/{case.pk}/")
    event = AuditEvent.objects.get()

    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="delete")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().action == "view"


def test_it_shows_the_trail_read_only_in_admin(client, ada, dan, api_as, case):
    api_as(dan).get(f"/api/v1/cases/{case.pk}/")
    event = AuditEvent.objects.get()
    client.force_login(ada)

    listing = client.get("/admin/clinic/auditevent/")
    change = client.post(f"/admin/clinic/auditevent/{event.pk}/change/", {"action": "delete"})
    delete = client.post(f"/admin/clinic/auditevent/{event.pk}/delete/", {"post": "yes"})

    assert listing.status_code == 200
    assert change.status_code == 403
    assert delete.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, action="view").exists()


def test_it_writes_to_the_table_the_bulk_insert_names():
    # clinic.audit's PostgreSQL fast path names the table literally.
    assert AuditEvent._meta.db_table == "clinic_auditevent"


def test_a_user_with_audit_events_cannot_be_deleted(dan, api_as, case):
    """The actor has no database constraint (docs/benchmarks.md); Django's PROTECT remains."""
    from django.db.models import ProtectedError

    api_as(dan).get(f"/api/v1/cases/{case.pk}/")
    assert AuditEvent.objects.filter(actor=dan).exists()
    with pytest.raises(ProtectedError):
        dan.delete()
    dan.refresh_from_db()
