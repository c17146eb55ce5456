"""Reception books a doctor's consultation from a free time, and cancels it with a reason."""

from __future__ import annotations

from django.urls import reverse

from clinic.idempotency import FORM_FIELD
from triage.models import Consultation
from triage.services.consultations import consultation_book


def test_it_books_a_consultation_from_the_doctors_free_time(client, rita, dan, case, monday, at):
    client.force_login(rita)
    day = client.get(reverse("diary:diary"), {"day": monday.isoformat(), "practitioner": dan.pk})
    link = f"{reverse('triage:consultation-new')}?doctor={dan.pk}&amp;at={monday.isoformat()}T08:00"
    assert link in day.content.decode()

    form = client.get(link.replace("&amp;", "&"))
    assert form.status_code == 200
    booked = client.post(
        reverse("triage:consultation-new"),
        {
            "case": case.pk,
            "doctor": dan.pk,
            "scheduled_at": f"{monday.isoformat()}T08:00",
            FORM_FIELD: "c" * 32,
        },
    )

    assert booked.status_code == 302
    consultation = Consultation.objects.get()
    assert (consultation.case, consultation.doctor) == (case, dan)
    assert consultation.scheduled_at == at("08:00")
    assert consultation.duration_minutes == 20
    assert booked["Location"] == (
        f"{reverse('diary:diary')}?day={monday.isoformat()}&practitioner={dan.pk}"
    )


def test_it_shows_the_clash_beside_the_time(client, rita, dan, case, monday, at):
    consultation_book(case=case, doctor=dan, scheduled_at=at("08:00"), by=rita)
    client.force_login(rita)

    response = client.post(
        reverse("triage:consultation-new"),
        {"case": case.pk, "doctor": dan.pk, "scheduled_at": f"{monday.isoformat()}T08:10"},
    )

    assert response.status_code == 200
    assert "already booked" in response.context["form"].errors["scheduled_at"][0]
    assert Consultation.objects.count() == 1


def test_it_cancels_with_the_desks_reason(client, rita, dan, case, at):
    consultation = consultation_book(case=case, doctor=dan, scheduled_at=at("08:00"), by=rita)
    client.force_login(rita)
    url = reverse("triage:consultation-cancel", args=[consultation.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Called in sick"})

    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == "cancelled"
    assert consultation.booking.live is False
    assert consultation.booking.cancel_reason == "Called in sick"
    again = client.post(url, {"reason": "twice"})
    assert again.status_code == 409


def test_it_moves_a_consultation_by_picking_a_free_time(client, rita, dan, case, monday, at):
    consultation = consultation_book(case=case, doctor=dan, scheduled_at=at("08:00"), by=rita)
    client.force_login(rita)
    url = reverse("triage:consultation-move", args=[consultation.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert at("08:00") not in page.context["free"]
    moved = client.post(url, {"doctor": dan.pk, "scheduled_at": at("09:15").isoformat()})

    assert moved.status_code == 302
    consultation.refresh_from_db()
    assert consultation.scheduled_at == at("09:15")
    assert (consultation.booking.starts_at, consultation.booking.ends_at) == (
        at("09:15"),
        at("09:35"),
    )


def test_it_refuses_a_move_outside_the_doctors_hours(client, rita, dan, case, at):
    consultation = consultation_book(case=case, doctor=dan, scheduled_at=at("08:00"), by=rita)
    client.force_login(rita)

    response = client.post(
        reverse("triage:consultation-move", args=[consultation.pk]),
        {"doctor": dan.pk, "scheduled_at": at("07:00").isoformat()},
    )

    assert response.status_code == 409
    consultation.refresh_from_db()
    assert consultation.scheduled_at == at("08:00")
