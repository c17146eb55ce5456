"""An urgent triage offers the first free doctor's consultation today, booked in one click."""

from __future__ import annotations

import time_machine
from django.urls import reverse
from django.utils import timezone

from clinic import roles
from clinic.idempotency import FORM_FIELD
from tests.factories import CaseFactory, UserFactory, intake_for
from triage.models import Consultation
from triage.services.consultations import consultation_book


def urgent_case():
    """A case as an urgent triage leaves it: urgent, waiting for its first doctor visit."""
    case = CaseFactory()
    case.set_urgency("urgent")
    case.save()
    return case


def test_it_offers_and_books_the_first_free_doctor_today(client, rita, dan, at):
    amira = UserFactory(username="amira", first_name="Amira", last_name="Benali", role=roles.DOCTOR)
    with time_machine.travel(at("09:50"), tick=False):
        # Dan is busy from 10:00 to 10:20; Amira is free at 10:00 too: the first doctor by
        # name (Benali) gets it.
        consultation_book(case=CaseFactory(), doctor=dan, scheduled_at=at("10:00"), by=rita)
        intake = intake_for(urgent_case(), rita, urgency="urgent")
        client.force_login(rita)
        url = reverse("triage:intake-result", args=[intake.pk])

        page = client.get(url)
        assert page.status_code == 200
        assert page.context["offer"] == (amira, at("10:00"))
        assert "Book Amira Benali today at 10:00" in page.content.decode()

        booked = client.post(
            reverse("triage:consultation-urgent", args=[intake.pk]),
            {"doctor": amira.pk, "scheduled_at": at("10:00").isoformat(), FORM_FIELD: "k" * 32},
        )
        assert booked.status_code == 302
        assert booked["Location"] == url
        consultation = Consultation.objects.get(case=intake.case)
        assert (consultation.doctor, consultation.scheduled_at) == (amira, at("10:00"))
        assert consultation.booking.live is True

        again = client.get(url)
        assert again.context["offer"] is None
        assert "Booked:" in again.content.decode()


def test_it_offers_the_next_one_when_the_slot_was_taken_meanwhile(client, rita, dan, at):
    with time_machine.travel(at("09:50"), tick=False):
        intake = intake_for(urgent_case(), rita, urgency="urgent")
        client.force_login(rita)
        url = reverse("triage:intake-result", args=[intake.pk])
        assert client.get(url).context["offer"] == (dan, at("10:00"))
        # Someone else books Dan at 10:00 before Rita clicks.
        consultation_book(case=CaseFactory(), doctor=dan, scheduled_at=at("10:00"), by=rita)

        response = client.post(
            reverse("triage:consultation-urgent", args=[intake.pk]),
            {"doctor": dan.pk, "scheduled_at": at("10:00").isoformat()},
            follow=True,
        )

        assert response.status_code == 200
        assert not Consultation.objects.filter(case=intake.case).exists()
        assert response.context["offer"] == (dan, at("10:30"))
        assert "Here is the next free one." in response.content.decode()


def test_it_offers_nothing_for_a_routine_case(client, rita, dan, at):
    with time_machine.travel(at("09:50"), tick=False):
        intake = intake_for(CaseFactory(), rita, urgency="routine")
        client.force_login(rita)

        page = client.get(reverse("triage:intake-result", args=[intake.pk]))

        assert page.status_code == 200
        assert page.context["offer"] is None
        assert timezone.now() == at("09:50")
