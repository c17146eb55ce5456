"""Questionnaires from home: asked by the physio or by the plan's default schedule, sent
through the outbox with a link, answered on the phone with the clinic's scoring, expired
into a ``no_response`` alert; a link shows its patient's own items only."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from portal import schedule
from portal.models import OutcomeRequest
from portal.services import outcome_request_create, outcome_requests_tick
from portal.tokens import link_token
from rehab.models import Alert, OutcomeMeasure
from rehab.services.outcomes import outcome_record
from reminders.messages import render
from reminders.models import Reminder
from tests.factories import CaseFactory, PatientFactory, plan_for
from tests.portal.helpers import signed_in_runner

EMMA_DOB = "1991-03-14"
D = datetime.date


def lefs_form(points: int, *, low_items: int = 0) -> dict[str, str]:
    """The LEFS page's POST: each item's radio is the choice's position (0-4 = points)."""
    values = [0] * low_items + [points] * (20 - low_items)
    return {f"item_{n}": str(value) for n, value in enumerate(values, start=1)}


def sent_request(case, paula, instrument="lefs", **fields) -> OutcomeRequest:
    made = outcome_request_create(
        case=case, instrument=instrument, due_at=timezone.now(), by=paula, **fields
    )
    outcome_requests_tick()
    made.refresh_from_db()
    return made


# --- The default schedule (pure) --------------------------------------------------------------


def test_it_asks_at_the_plans_start_and_every_14_days_in_rehab():
    assert schedule.due_dates(
        started_on=D(2026, 1, 1), discharged_on=None, until=D(2026, 1, 29)
    ) == [
        ("plan-start", D(2026, 1, 1)),
        ("rehab-14", D(2026, 1, 15)),
        ("rehab-28", D(2026, 1, 29)),
    ]


def test_it_asks_at_discharge_6_weeks_and_3_months_after_and_stops_the_rehab_series():
    found = schedule.due_dates(
        started_on=D(2026, 1, 1), discharged_on=D(2026, 1, 20), until=D(2026, 6, 1)
    )

    assert found == [
        ("plan-start", D(2026, 1, 1)),
        ("rehab-14", D(2026, 1, 15)),
        ("discharge-0", D(2026, 1, 20)),
        ("discharge-42", D(2026, 3, 3)),
        ("discharge-91", D(2026, 4, 21)),
    ]


def test_it_names_nothing_not_yet_due():
    assert schedule.due_dates(
        started_on=D(2026, 1, 1), discharged_on=None, until=D(2026, 1, 14)
    ) == [("plan-start", D(2026, 1, 1))]


# --- Through the API --------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lets_the_assigned_physio_ask_a_questionnaire(case, paula, api_as):
    due = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0)

    response = api_as(paula).post(
        "/api/v1/outcome-requests/",
        {"case": case.pk, "instrument": "lefs", "due_at": due.isoformat()},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert OutcomeRequest.objects.get().due_at == due


@pytest.mark.django_db
def test_it_refuses_a_cait_without_a_side(case, paula, api_as):
    response = api_as(paula).post(
        "/api/v1/outcome-requests/",
        {"case": case.pk, "instrument": "cait", "due_at": timezone.now().isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["side"]
    assert OutcomeRequest.objects.count() == 0


@pytest.mark.django_db
def test_it_answers_404_for_a_case_out_of_reach(case, oscar, api_as):
    response = api_as(oscar).post(
        "/api/v1/outcome-requests/",
        {"case": case.pk, "instrument": "lefs", "due_at": timezone.now().isoformat()},
        format="json",
    )

    assert response.status_code == 404
    assert OutcomeRequest.objects.count() == 0


@pytest.mark.django_db
def test_it_keeps_requests_from_reception(case, paula, rita, api_as):
    made = outcome_request_create(case=case, instrument="lefs", due_at=timezone.now(), by=paula)

    assert api_as(rita).get("/api/v1/outcome-requests/").status_code == 403
    assert api_as(rita).get(f"/api/v1/outcome-requests/{made.pk}/").status_code == 403


# --- Sent, answered, expired ------------------------------------------------------------------


@pytest.mark.django_db
def test_it_sends_a_due_request_with_a_link_through_the_outbox(case, paula):
    made = sent_request(case, paula)

    assert made.status == "sent"
    assert made.link.patient_id == case.patient_id
    reminder = Reminder.objects.get(kind="outcome_request")
    assert reminder.subject_id == made.link_id
    assert f"/r/{link_token(made.link_id)}/" in render(reminder).body


@pytest.mark.django_db
def test_it_scores_the_runners_answers_like_the_clinics(case, paula):
    outcome_record(case=case, instrument="lefs", answers=[3] * 20, by=paula)  # 60/80
    made = sent_request(case, paula)
    runner = signed_in_runner(made.link, EMMA_DOB)

    page = runner.get(f"/r/questionnaires/{made.pk}/")
    sent = runner.post(f"/r/questionnaires/{made.pk}/", lefs_form(3, low_items=3))  # 51
    thanks = runner.get(f"/r/questionnaires/{made.pk}/")

    assert page.status_code == 200
    assert "1. Any of your usual work, housework or school activities." in page.content.decode()
    assert sent.status_code == 302
    made.refresh_from_db()
    assert made.status == "completed"
    measure = made.outcome
    assert (measure.instrument, measure.score, measure.source) == ("lefs", 51, "patient")
    assert measure.recorded_by is None
    assert measure.answers == [0, 0, 0] + [3] * 17
    assert "51 out of 80" in thanks.content.decode()
    assert list(Alert.objects.values_list("kind", flat=True)) == ["worsened"]


@pytest.mark.django_db
def test_it_takes_an_answer_once(case, paula):
    made = sent_request(case, paula)
    runner = signed_in_runner(made.link, EMMA_DOB)
    runner.post(f"/r/questionnaires/{made.pk}/", lefs_form(3))

    again = runner.post(f"/r/questionnaires/{made.pk}/", lefs_form(1))

    assert again.status_code == 200  # the "already answered" page
    assert OutcomeMeasure.objects.count() == 1


@pytest.mark.django_db
def test_it_shows_the_missing_items_beside_them(case, paula):
    made = sent_request(case, paula)
    runner = signed_in_runner(made.link, EMMA_DOB)
    answers = lefs_form(3)
    del answers["item_7"]

    response = runner.post(f"/r/questionnaires/{made.pk}/", answers)

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    made.refresh_from_db()
    assert made.status == "sent"
    assert OutcomeMeasure.objects.count() == 0


@pytest.mark.django_db
def test_it_expires_an_unanswered_request_into_a_no_response_alert(case, paula, api_as):
    made = sent_request(case, paula)

    outcome_requests_tick(now=made.expires_at + datetime.timedelta(minutes=1))

    made.refresh_from_db()
    assert made.status == "expired"
    alerts = api_as(paula).get("/api/v1/alerts/?kind=no_response").json()["results"]
    assert [a["case"] for a in alerts] == [case.pk]
    assert made.link.expires_at == made.expires_at  # its link closes with it


@pytest.mark.django_db
def test_it_writes_the_plans_default_requests_once(case, paula):
    case.status = "in_rehab"
    case.save()
    plan_for(case, paula)

    first = outcome_requests_tick()
    second = outcome_requests_tick()

    assert (first["scheduled"], first["sent"]) == (1, 1)
    assert (second["scheduled"], second["sent"]) == (0, 0)
    assert list(OutcomeRequest.objects.values_list("schedule_key", "instrument", "status")) == [
        ("plan-start:lefs", "lefs", "sent")
    ]


# --- Privacy: a link shows its own patient's items only --------------------------------------


@pytest.mark.django_db
def test_it_answers_404_for_another_patients_questionnaire(case, paula):
    mine = sent_request(case, paula)
    other_case = CaseFactory(patient=PatientFactory(), assigned_physio=paula)
    theirs = sent_request(other_case, paula)
    runner = signed_in_runner(mine.link, EMMA_DOB)

    assert runner.get(f"/r/questionnaires/{mine.pk}/").status_code == 200
    assert runner.get(f"/r/questionnaires/{theirs.pk}/").status_code == 404
    assert runner.post(f"/r/questionnaires/{theirs.pk}/", lefs_form(3)).status_code == 404
    assert runner.get("/r/questionnaires/999999/").status_code == 404
    home = runner.get("/r/").content.decode()
    assert f"/r/questionnaires/{theirs.pk}/" not in home
    theirs.refresh_from_db()
    assert theirs.status == "sent"


@pytest.mark.django_db
def test_it_puts_the_six_week_questionnaire_in_the_discharge_check_in(case, paula):
    from rehab.services.discharge import case_discharge

    case.status = "in_rehab"
    case.save()
    plan_for(case, paula)
    outcome_requests_tick()
    discharge = case_discharge(case=case, by=paula, summary="Back to running.")
    six_weeks = discharge.discharged_at + datetime.timedelta(days=42)

    outcome_requests_tick(now=six_weeks)

    asked = OutcomeRequest.objects.get(schedule_key="discharge-42:lefs")
    assert asked.status == "sent"
    # One message that day: the check-in carries the link, the request writes none.
    assert not Reminder.objects.filter(kind="outcome_request", subject_id=asked.link_id).exists()
    checkin = Reminder.objects.get(kind="discharge_checkin", idempotency_key__endswith=":42")
    words = render(checkin)
    assert f"/r/{link_token(asked.link_id)}/" in words.body
    assert f"/r/{link_token(asked.link_id)}/" in words.sms


@pytest.mark.django_db
def test_a_send_batch_reads_its_check_ins_links_in_one_query_each_its_own_cases(
    case, paula, django_assert_num_queries
):
    from portal.tokens import case_questionnaire_url
    from reminders.messages import links_for
    from tests.reminders.helpers import make_reminder

    asked = sent_request(case, paula)
    newer = sent_request(case, paula, instrument="psfs")
    other = CaseFactory(assigned_physio=paula)
    mine = sent_request(other, paula)
    nothing_asked = CaseFactory(assigned_physio=paula)
    checkins = [
        make_reminder(c, kind="discharge_checkin", subject_type="case", subject_id=c.pk)
        for c in (case, other, nothing_asked)
    ]

    with django_assert_num_queries(1):
        links = links_for(checkins)

    assert links == {r.pk: case_questionnaire_url(r.subject_id) for r in checkins}
    # The case's newest open questionnaire, as for a single message.
    assert links[checkins[0].pk].endswith(f"/r/{link_token(newer.link_id)}/")
    assert asked.link_id != newer.link_id
    assert links[checkins[1].pk].endswith(f"/r/{link_token(mine.link_id)}/")
    assert links[checkins[2].pk] == ""


@pytest.mark.django_db
def test_it_sends_the_check_in_without_a_link_when_nothing_is_asked(case, paula):
    from rehab.services.discharge import case_discharge

    case_discharge(case=case, by=paula, summary="Back to running.")

    checkin = Reminder.objects.get(kind="discharge_checkin", idempotency_key__endswith=":14")
    assert "/r/" not in render(checkin).body


@pytest.mark.django_db
def test_it_asks_nothing_more_after_the_three_month_follow_up(case, paula):
    from rehab.services.discharge import case_discharge

    case.status = "in_rehab"
    case.save()
    plan_for(case, paula)
    discharge = case_discharge(case=case, by=paula, summary="Back to running.")
    outcome_requests_tick(now=discharge.discharged_at + datetime.timedelta(days=91))
    asked = OutcomeRequest.objects.count()

    later = outcome_requests_tick(now=discharge.discharged_at + datetime.timedelta(days=200))

    assert later["scheduled"] == 0
    assert OutcomeRequest.objects.count() == asked


# --- The case page's section ------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lets_the_assigned_physio_ask_from_the_case_page(client, case, paula):
    client.force_login(paula)

    page = client.get(f"/rehab/cases/{case.pk}/")
    asked = client.post(f"/portal/cases/{case.pk}/ask/", {"instrument": "lefs"})

    assert "Questionnaires from home" in page.content.decode()
    assert asked.status_code == 302
    made = OutcomeRequest.objects.get()
    assert (made.case_id, made.instrument, made.status, made.created_by) == (
        case.pk,
        "lefs",
        "pending",
        paula,
    )


@pytest.mark.django_db
def test_it_asks_the_cait_on_the_cases_side(client, case, paula):
    client.force_login(paula)

    client.post(f"/portal/cases/{case.pk}/ask/", {"instrument": "cait"})

    assert OutcomeRequest.objects.get().side == "left"


@pytest.mark.django_db
def test_it_sends_the_link_from_the_case_page(client, case, dan):
    client.force_login(dan)

    response = client.post(f"/portal/cases/{case.pk}/link/")

    assert response.status_code == 302
    assert Reminder.objects.filter(kind="portal_link").count() == 1
