"""The doctor records a consultation from a page: attended with notes, or did not attend."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from clinic import roles
from clinic.idempotency import FORM_FIELD
from clinic.models import AuditEvent
from tests.factories import UserFactory
from triage.models import Consultation
from triage.services.consultations import consultation_book

NOTES = "Inversion injury yesterday; tender ATFL, Ottawa positive, X-ray ordered."


def booked(case, dan, rita, at, clock="09:00"):
    """Dan's consultation with Emma next Monday, booked the week before."""
    with time_machine.travel(at("08:00", day=-7), tick=False):
        return consultation_book(case=case, doctor=dan, scheduled_at=at(clock), by=rita)


def test_it_records_an_attended_consultation_from_my_day(client, rita, dan, case, at, monday):
    consultation = booked(case, dan, rita, at)
    record = reverse("triage:consultation-record", args=[consultation.pk])
    with time_machine.travel(at("09:25"), tick=False):
        client.force_login(dan)
        day = client.get(reverse("diary:my-day"))
        assert day.status_code == 200
        assert [e.subject.pk for e in day.context["to_record"]] == [consultation.pk]
        assert f'href="{record}"' in day.content.decode()
        assert client.get(record).status_code == 200

        response = client.post(record, {"status": "attended", "notes": NOTES, FORM_FIELD: "r" * 32})

        assert response.status_code == 302
        assert response["Location"] == reverse("triage:case-detail", args=[case.pk])
        consultation.refresh_from_db()
        assert (consultation.status, consultation.notes) == ("attended", NOTES)
        assert AuditEvent.objects.filter(
            actor=dan,
            action="update",
            object_type="triage.consultation",
            object_id=str(consultation.pk),
        ).exists()
        # Recorded: my day no longer lists it to record; the case page shows the notes.
        assert client.get(reverse("diary:my-day")).context["to_record"] == []
        assert NOTES in client.get(response["Location"]).content.decode()


def test_it_writes_once_when_the_form_is_sent_again(client, rita, dan, case, at):
    consultation = booked(case, dan, rita, at)
    record = reverse("triage:consultation-record", args=[consultation.pk])
    with time_machine.travel(at("09:25"), tick=False):
        client.force_login(dan)
        form = {"status": "attended", "notes": NOTES, FORM_FIELD: "t" * 32}
        first = client.post(record, form)
        again = client.post(record, form)

    assert (first.status_code, again.status_code) == (302, 302)
    assert again["Location"] == first["Location"]
    assert (
        AuditEvent.objects.filter(
            action="update", object_type="triage.consultation", object_id=str(consultation.pk)
        ).count()
        == 1
    )


def test_it_records_a_no_show_but_not_with_notes(client, rita, dan, case, at):
    consultation = booked(case, dan, rita, at)
    record = reverse("triage:consultation-record", args=[consultation.pk])
    with time_machine.travel(at("09:40"), tick=False):
        client.force_login(dan)
        refused = client.post(record, {"status": "no_show", "notes": "Waited 20 minutes."})

        assert refused.status_code == 400
        assert refused.context["form"].errors["notes"] == [
            "A consultation the patient missed has no notes."
        ]
        consultation.refresh_from_db()
        assert consultation.status == "scheduled"

        missed = client.post(record, {"status": "no_show", "notes": ""})

    assert missed.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.status, consultation.notes) == ("no_show", "")


def test_it_waits_for_the_day_of_the_consultation(client, rita, dan, case, at):
    consultation = booked(case, dan, rita, at)
    record = reverse("triage:consultation-record", args=[consultation.pk])
    with time_machine.travel(at("17:00", day=-3), tick=False):
        client.force_login(dan)
        case_page = client.get(reverse("triage:case-detail", args=[case.pk])).content.decode()
        assert record not in case_page
        assert "Record attendance" not in client.get(record).content.decode()

        response = client.post(record, {"status": "attended", "notes": NOTES})

    assert response.status_code == 400
    assert "cannot be recorded yet" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == "scheduled"


def test_it_offers_the_action_to_the_consultations_own_doctor_only(client, rita, dan, case, at):
    consultation = booked(case, dan, rita, at)
    amira = UserFactory(username="amira", role=roles.DOCTOR)
    record = reverse("triage:consultation-record", args=[consultation.pk])
    case_page = reverse("triage:case-detail", args=[case.pk])
    with time_machine.travel(at("09:25"), tick=False):
        client.force_login(dan)
        assert record in client.get(case_page).content.decode()
        client.force_login(amira)
        assert record not in client.get(case_page).content.decode()
        assert client.get(reverse("diary:my-day")).context["to_record"] == []


def test_it_keeps_reception_and_physios_away_from_the_notes(client, rita, dan, paula, case, at):
    consultation = booked(case, dan, rita, at)
    record = reverse("triage:consultation-record", args=[consultation.pk])
    with time_machine.travel(at("09:25"), tick=False):
        for user in (rita, paula):
            client.force_login(user)
            assert client.post(record, {"status": "attended", "notes": NOTES}).status_code == 403
    assert Consultation.objects.get().notes == ""


def test_the_case_timeline_tells_the_recorded_consultation(client, rita, dan, case, at, api_as):
    consultation = booked(case, dan, rita, at)
    with time_machine.travel(at("09:25"), tick=False):
        client.force_login(dan)
        client.post(
            reverse("triage:consultation-record", args=[consultation.pk]),
            {"status": "attended", "notes": NOTES},
        )
        entries = api_as(dan).get(f"/api/v1/cases/{case.pk}/timeline/").json()
        desk = api_as(rita).get(f"/api/v1/cases/{case.pk}/timeline/").json()

    ours = [e for e in entries if e["object_type"] == "triage.consultation"]
    assert [(e["kind"], e["detail"]) for e in ours] == [("consultation.attended", NOTES)]
    assert ours[0]["title"] == f"Consultation with {dan.get_full_name() or dan.username}: attended"
    assert [e for e in desk if e["object_type"] == "triage.consultation"] == []
