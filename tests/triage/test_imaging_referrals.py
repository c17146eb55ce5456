"""/api/v1/imaging-referrals/: ordering from an exam, overrides, the forward-only lifecycle."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from clinic.errors import InvalidTransition, NotAllowed
from clinic.models import AuditEvent
from tests.factories import CaseFactory, examination_for, referral_for
from triage.models import ImagingReferral
from triage.services import referrals as services

URL = "/api/v1/imaging-referrals/"
ANKLE_XRAY = {"malleolar_zone_pain": True, "lateral_malleolus_tenderness": True}

# The lifecycle, written out independently of the code: step -> statuses it may start from.
ALLOWED = {
    "schedule": {"requested"},
    "perform": {"scheduled"},
    "report": {"performed"},
    "review": {"reported"},
    "cancel": {"requested", "scheduled", "performed"},
}
REACHES = {
    "schedule": "scheduled",
    "perform": "performed",
    "report": "reported",
    "review": "reviewed",
    "cancel": "cancelled",
}
# An appointment a month ahead: within the clinic's calendar (clinic.bounds).
APPOINTMENT = (timezone.now() + datetime.timedelta(days=30)).replace(
    hour=9, minute=30, second=0, microsecond=0
)
PAYLOADS = {
    "schedule": {"scheduled_for": APPOINTMENT.isoformat()},
    "perform": {},
    "report": {"report": "Undisplaced fracture of the lateral malleolus (Weber A)."},
    "review": {"review_note": "Discussed with the patient."},
    "cancel": {"reason": "Patient declined."},
}
STATUSES = ["requested", "scheduled", "performed", "reported", "reviewed", "cancelled"]
ILLEGAL = [(s, a) for s in STATUSES for a in ALLOWED if s not in ALLOWED[a]]
LEGAL = [(s, a) for s in STATUSES for a in ALLOWED if s in ALLOWED[a]]


def test_it_orders_the_recommended_xray_from_an_exam_and_keeps_the_recommendation(
    dan, case, api_as
):
    exam = examination_for(case, dan, **ANKLE_XRAY)

    response = api_as(dan).post(
        URL,
        {"case": case.pk, "examination": exam.pk, "modality": "xray", "body_site": "ankle"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "requested"
    assert body["laterality"] == "left"  # the case's side
    assert body["recommendation"]["studies"] == ["ankle_xray"]
    assert body["against_recommendation"] is False
    referral = ImagingReferral.objects.get(pk=body["id"])
    assert referral.requested_by == dan and referral.examination == exam
    assert "Ottawa ankle rule" in referral.reason
    assert AuditEvent.objects.filter(
        object_type="triage.imagingreferral", object_id=str(referral.pk), action="create"
    ).exists()


@pytest.mark.parametrize(
    ("findings", "modality", "body_site"),
    [
        ({}, "xray", "ankle"),  # nothing recommended
        (ANKLE_XRAY, "mri", "ankle"),  # another modality
        (ANKLE_XRAY, "xray", "foot"),  # another site
    ],
)
def test_it_requires_a_reason_to_order_against_the_recommendation(
    dan, case, api_as, findings, modality, body_site
):
    exam = examination_for(case, dan, **findings)
    payload = {
        "case": case.pk,
        "examination": exam.pk,
        "modality": modality,
        "body_site": body_site,
        "laterality": "left",
        "reason": "Persistent pain at 6 weeks.",
    }

    refused = api_as(dan).post(URL, payload, format="json")
    accepted = api_as(dan).post(
        URL, {**payload, "override_reason": "Suspected osteochondral lesion."}, format="json"
    )

    assert refused.status_code == 400
    assert "override_reason" in refused.json()
    assert accepted.status_code == 201
    assert accepted.json()["against_recommendation"] is True
    referral = ImagingReferral.objects.get()
    assert referral.override_reason == "Suspected osteochondral lesion."
    assert referral.recommendation == exam.imaging_recommendation


def test_it_refuses_an_exam_from_another_case(dan, case, api_as):
    other_exam = examination_for(CaseFactory(), dan, **ANKLE_XRAY)

    response = api_as(dan).post(
        URL,
        {"case": case.pk, "examination": other_exam.pk, "modality": "xray", "body_site": "ankle"},
        format="json",
    )

    assert response.status_code == 400
    assert "examination" in response.json()
    assert not ImagingReferral.objects.exists()


def test_it_walks_a_referral_through_its_whole_lifecycle(dan, case, api_as):
    client = api_as(dan)
    referral = referral_for(case, dan)

    for step in ("schedule", "perform", "report", "review"):
        response = client.post(f"{URL}{referral.pk}/{step}/", PAYLOADS[step], format="json")
        assert response.status_code == 200, (step, response.json())
        assert response.json()["status"] == REACHES[step]

    referral.refresh_from_db()
    assert referral.status == "reviewed"
    assert referral.scheduled_for == APPOINTMENT
    assert referral.performed_at and referral.performed_by == dan
    assert referral.report.startswith("Undisplaced") and referral.reported_at
    assert referral.reviewed_by == dan and referral.review_note == "Discussed with the patient."


@pytest.mark.parametrize(("start", "step"), LEGAL)
def test_it_allows_each_legal_step(dan, case, api_as, start, step):
    referral = referral_for(case, dan, status=start)

    response = api_as(dan).post(f"{URL}{referral.pk}/{step}/", PAYLOADS[step], format="json")

    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.status == REACHES[step]


@pytest.mark.parametrize(("start", "step"), ILLEGAL)
def test_it_refuses_every_step_out_of_order_and_changes_nothing(dan, case, api_as, start, step):
    referral = referral_for(case, dan, status=start)
    before = ImagingReferral.objects.filter(pk=referral.pk).values().get()

    response = api_as(dan).post(f"{URL}{referral.pk}/{step}/", PAYLOADS[step], format="json")
    without_payload = api_as(dan).post(f"{URL}{referral.pk}/{step}/", {}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["status"] == start
    assert without_payload.status_code == 409
    assert ImagingReferral.objects.filter(pk=referral.pk).values().get() == before


@pytest.mark.parametrize(
    ("step", "payload", "field"),
    [
        ("schedule", {}, "scheduled_for"),
        ("schedule", {"scheduled_for": "next tuesday"}, "scheduled_for"),
        ("cancel", {}, "reason"),
        ("cancel", {"reason": "   "}, "reason"),
    ],
)
def test_it_refuses_a_legal_step_with_a_bad_payload(dan, case, api_as, step, payload, field):
    referral = referral_for(case, dan)

    response = api_as(dan).post(f"{URL}{referral.pk}/{step}/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    referral.refresh_from_db()
    assert referral.status == "requested"


def test_it_refuses_an_empty_report(dan, case, api_as):
    referral = referral_for(case, dan, status="performed")

    response = api_as(dan).post(f"{URL}{referral.pk}/report/", {"report": " "}, format="json")

    assert response.status_code == 400
    assert "report" in response.json()
    referral.refresh_from_db()
    assert referral.status == "performed"


def test_it_lets_only_a_doctor_review_a_report(ada, dan, case, api_as):
    referral = referral_for(case, dan, status="reported")

    response = api_as(ada).post(f"{URL}{referral.pk}/review/", {}, format="json")

    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == "reported"


def test_the_service_lets_only_a_doctor_review_a_report(ada, dan, case):
    referral = referral_for(case, dan, status="reported")

    with pytest.raises(NotAllowed, match=r"Only a doctor reviews a report\."):
        services.referral_review(referral=referral, by=ada)

    referral.refresh_from_db()
    assert (referral.status, referral.reviewed_at) == ("reported", None)


def test_the_review_page_tells_an_admin_only_a_doctor_reviews(client, ada, dan, case):
    referral = referral_for(case, dan, status="reported")
    client.force_login(ada)

    page = client.get(f"/imaging/{referral.pk}/").content.decode()
    response = client.post(f"/imaging/{referral.pk}/review/", follow=True)

    assert "Mark report reviewed" not in page
    assert "Only a doctor reviews a report." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "reported"


@pytest.mark.parametrize(
    ("status", "doctor_steps", "admin_steps"),
    [
        ("requested", ("schedule", "cancel"), ("schedule", "cancel")),
        ("scheduled", ("perform", "cancel"), ("perform", "cancel")),
        ("performed", ("report", "cancel"), ("report", "cancel")),
        ("reported", ("review",), ()),
        ("reviewed", (), ()),
        ("cancelled", (), ()),
    ],
)
def test_it_offers_the_next_steps_the_status_allows_to_whoever_may_take_them(
    ada, dan, case, status, doctor_steps, admin_steps
):
    referral = referral_for(case, dan, status=status)

    assert services.next_steps(referral=referral, by=dan) == doctor_steps
    assert services.next_steps(referral=referral, by=ada) == admin_steps


@pytest.mark.parametrize("persona", ["rita", "paula", "oscar"])
def test_it_lets_only_doctors_order_imaging(persona, case, api_as, request):
    payload = {"case": case.pk, "modality": "xray", "body_site": "ankle", "reason": "Pain"}

    response = api_as(request.getfixturevalue(persona)).post(URL, payload, format="json")

    assert response.status_code == 403
    assert not ImagingReferral.objects.exists()


def test_it_scopes_referrals_like_their_case(dan, paula, oscar, rita, case, api_as):
    referral = referral_for(case, dan, status="performed")

    assert api_as(paula).get(f"{URL}{referral.pk}/").status_code == 200
    assert api_as(paula).post(f"{URL}{referral.pk}/report/", PAYLOADS["report"]).status_code == 403
    assert api_as(oscar).get(f"{URL}{referral.pk}/").status_code == 404
    assert api_as(oscar).post(f"{URL}{referral.pk}/report/", PAYLOADS["report"]).status_code == 404
    assert api_as(rita).get(URL).status_code == 403
    assert api_as(rita).get(f"{URL}{referral.pk}/").status_code == 403
    referral.refresh_from_db()
    assert referral.status == "performed"


def test_it_filters_referrals_by_status_and_modality(dan, case, api_as):
    reported = referral_for(case, dan, status="reported")
    referral_for(case, dan, modality="mri")

    listed = api_as(dan).get(URL, {"status": "reported", "modality": "xray"}).json()["results"]

    assert [r["id"] for r in listed] == [reported.pk]


def test_it_keeps_the_referral_list_to_a_constant_number_of_queries(
    dan, api_as, django_assert_max_num_queries
):
    client = api_as(dan)
    referral_for(CaseFactory(), dan, status="reviewed")
    with django_assert_max_num_queries(5):
        client.get(URL)
    for _ in range(29):
        referral_for(CaseFactory(), dan, status="reviewed")
    with django_assert_max_num_queries(5):
        assert len(client.get(URL).json()["results"]) == 30


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Row locks need PostgreSQL: SQLite serialises whole-database writes and ignores "
    "SELECT … FOR UPDATE. Run with DATABASE_URL=postgres://… (CI does).",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step", ["perform", "cancel"])
def test_it_makes_one_transition_when_two_requests_race(dan, case, step):
    referral = referral_for(case, dan, status="scheduled")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    call = {
        "perform": lambda r: services.referral_perform(referral=r, by=dan),
        "cancel": lambda r: services.referral_cancel(referral=r, by=dan, reason="Duplicate."),
    }[step]

    def attempt():
        try:
            mine = ImagingReferral.objects.get(pk=referral.pk)  # both read "scheduled"
            barrier.wait(timeout=10)
            call(mine)
            outcomes.append("ok")
        except InvalidTransition:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["conflict", "ok"]
    referral.refresh_from_db()
    assert referral.status == REACHES[step]
