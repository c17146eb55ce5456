"""The waitlist: a freed time is offered to the oldest fitting patient; the first acceptance
books it, a later one is told it has gone."""

from __future__ import annotations

from django.urls import reverse

from diary.models import WaitlistEntry
from rehab.models import PhysioSession
from rehab.services.sessions import session_cancel, session_schedule
from reminders.models import Reminder
from reminders.services.events import offer_token
from tests.factories import CaseFactory, PatientFactory


def _wait(api, case, earliest, latest, **extra):
    return api.post(
        "/api/v1/waitlist/",
        {"case": case.pk, "earliest": earliest.isoformat(), "latest": latest.isoformat(), **extra},
        format="json",
    )


def test_it_offers_a_cancelled_time_to_the_oldest_fitting_entry(api_as, rita, paula, at):
    client = api_as(rita)
    booked = session_schedule(
        case=CaseFactory(assigned_physio=paula), scheduled_at=at("10:00"), by=rita
    )
    first = CaseFactory(assigned_physio=paula, patient=PatientFactory(reminder_consent=True))
    second = CaseFactory(assigned_physio=paula)
    narrow = CaseFactory(assigned_physio=paula)
    # The oldest entry's window does not hold 10:00-10:45: it is passed over.
    assert _wait(client, narrow, at("11:00"), at("18:00")).status_code == 201
    made = _wait(client, first, at("08:00"), at("12:00"), practitioner=paula.pk)
    assert made.status_code == 201, made.content
    assert _wait(client, second, at("08:00"), at("12:00")).status_code == 201

    session_cancel(session=booked, by=rita)

    entry = WaitlistEntry.objects.get(pk=made.json()["id"])
    assert entry.status == "offered"
    assert WaitlistEntry.objects.filter(status="waiting").count() == 2
    offer = Reminder.objects.get(kind="slot_offer")
    assert (offer.case_id, offer.subject_id, offer.event_at) == (first.pk, entry.pk, at("10:00"))


def test_the_first_acceptance_books_and_a_later_one_is_told_it_has_gone(client, rita, paula, at):
    booked = session_schedule(
        case=CaseFactory(assigned_physio=paula), scheduled_at=at("10:00"), by=rita
    )
    waiting = CaseFactory(assigned_physio=paula)
    entry = WaitlistEntry.objects.create(case=waiting, earliest=at("08:00"), latest=at("12:00"))
    session_cancel(session=booked, by=rita)
    url = reverse("diary:offer", args=[offer_token(entry.pk)])

    shown = client.get(url)
    accepted = client.post(url)
    again = client.post(url)

    assert shown.status_code == 200
    assert "Take this time" in shown.content.decode()
    assert accepted.status_code == 200
    assert "You are booked" in accepted.content.decode()
    session = PhysioSession.objects.get(case=waiting)
    assert (session.physio, session.scheduled_at, session.status) == (
        paula,
        at("10:00"),
        "scheduled",
    )
    entry.refresh_from_db()
    assert entry.status == "booked"
    assert again.status_code == 409
    assert "this time has gone" in again.content.decode()
    assert PhysioSession.objects.filter(case=waiting).count() == 1


def test_a_time_taken_meanwhile_has_gone_and_the_entry_waits_again(client, rita, paula, at):
    booked = session_schedule(
        case=CaseFactory(assigned_physio=paula), scheduled_at=at("10:00"), by=rita
    )
    entry = WaitlistEntry.objects.create(
        case=CaseFactory(assigned_physio=paula), earliest=at("08:00"), latest=at("12:00")
    )
    session_cancel(session=booked, by=rita)
    # Reception books the freed time for someone else before the patient answers.
    session_schedule(case=CaseFactory(assigned_physio=paula), scheduled_at=at("10:15"), by=rita)

    response = client.post(reverse("diary:offer", args=[offer_token(entry.pk)]))

    assert response.status_code == 409
    entry.refresh_from_db()
    assert entry.status == "waiting"
    assert not PhysioSession.objects.filter(case=entry.case).exists()


def test_it_refuses_a_forged_link(client, db):
    response = client.get(reverse("diary:offer", args=["forged:token"]))

    assert response.status_code == 400


def test_reception_withdraws_an_entry(api_as, rita, case, at):
    client = api_as(rita)
    made = _wait(client, case, at("08:00"), at("12:00")).json()

    response = client.patch(
        f"/api/v1/waitlist/{made['id']}/", {"status": "withdrawn"}, format="json"
    )

    assert response.status_code == 200
    assert WaitlistEntry.objects.get(pk=made["id"]).status == "withdrawn"


def test_it_hides_an_entry_out_of_reach(api_as, rita, oscar, case, at):
    made = _wait(api_as(rita), case, at("08:00"), at("12:00")).json()

    assert api_as(oscar).get(f"/api/v1/waitlist/{made['id']}/").status_code == 404


def test_the_offer_message_carries_the_signed_link(rita, paula, at, settings):
    from reminders.messages import render

    booked = session_schedule(
        case=CaseFactory(assigned_physio=paula), scheduled_at=at("10:00"), by=rita
    )
    entry = WaitlistEntry.objects.create(
        case=CaseFactory(assigned_physio=paula), earliest=at("08:00"), latest=at("12:00")
    )
    session_cancel(session=booked, by=rita)

    message = render(Reminder.objects.get(kind="slot_offer"), channel="email")

    link = settings.SITE_URL + reverse("diary:offer", args=[offer_token(entry.pk)])
    assert link in message.body
    assert message.subject.startswith("A time has come free")
