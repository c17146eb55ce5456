"""Two clinicians never silently overwrite each other: ETag out, If-Match in."""

from __future__ import annotations

import pytest

URLS = {"patient": "/api/v1/patients/{}/", "case": "/api/v1/cases/{}/"}
CHANGES = {"patient": {"phone": "+33612345678"}, "case": {"side": "right"}}


def url_of(kind, case):
    return URLS[kind].format(case.patient_id if kind == "patient" else case.pk)


@pytest.mark.parametrize("kind", ["patient", "case"])
def test_it_gives_an_etag_with_the_detail(rita, api_as, case, kind):
    response = api_as(rita).get(url_of(kind, case))

    assert response.status_code == 200
    assert response["ETag"].startswith('"') and len(response["ETag"]) > 10


@pytest.mark.parametrize("kind", ["patient", "case"])
def test_it_answers_428_to_a_change_without_if_match(rita, api_as, case, kind):
    response = api_as(rita).patch(url_of(kind, case), CHANGES[kind])

    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"
    case.refresh_from_db()
    assert case.side == "left"


@pytest.mark.parametrize("kind", ["patient", "case"])
def test_it_refuses_a_stale_change_with_412(rita, dan, api_as, case, kind, paula):
    reader = api_as(rita)
    stale = reader.get(url_of(kind, case))["ETag"]
    # Someone else changes the record in between.
    other = api_as(rita)
    fresh = other.get(url_of(kind, case))["ETag"]
    assert other.patch(url_of(kind, case), CHANGES[kind], HTTP_IF_MATCH=fresh).status_code == 200

    response = reader.patch(
        url_of(kind, case),
        {"phone": "+33699999999"} if kind == "patient" else {"side": "both"},
        HTTP_IF_MATCH=stale,
    )

    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    case.refresh_from_db()
    case.patient.refresh_from_db()
    assert case.side == ("left" if kind == "patient" else "right")
    assert case.patient.phone == ("+33612345678" if kind == "patient" else "")


def test_it_returns_the_new_etag_after_a_change(rita, api_as, case):
    client = api_as(rita)
    first = client.get(url_of("case", case))["ETag"]

    response = client.patch(url_of("case", case), {"side": "both"}, HTTP_IF_MATCH=first)

    assert response.status_code == 200
    assert response["ETag"] != first
    assert response["ETag"] == client.get(url_of("case", case))["ETag"]


def test_it_answers_304_when_nothing_changed(rita, api_as, case):
    client = api_as(rita)
    etag = client.get(url_of("case", case))["ETag"]

    assert client.get(url_of("case", case), HTTP_IF_NONE_MATCH=etag).status_code == 304


def _clinical_record(kind, case, dan, paula):
    """(url, writer, change) for a plan, a session or a diagnosis on Emma's case."""
    import datetime

    from django.utils import timezone

    from rehab.services.plans import plan_create
    from rehab.services.sessions import session_schedule
    from triage.models import Condition
    from triage.services.diagnoses import diagnosis_create

    if kind == "plan":
        plan = plan_create(
            case=case,
            by=paula,
            goals="Run 5 km pain-free.",
            planned_sessions=6,
            frequency=2,
            started_on=timezone.localdate(),
        )
        return f"/api/v1/treatment-plans/{plan.pk}/", paula, {"planned_sessions": 8}
    if kind == "session":
        session = session_schedule(
            case=case, by=paula, scheduled_at=timezone.now() + datetime.timedelta(days=2)
        )
        later = (session.scheduled_at + datetime.timedelta(hours=1)).isoformat()
        return f"/api/v1/sessions/{session.pk}/", paula, {"scheduled_at": later}
    diagnosis = diagnosis_create(
        case=case,
        condition=Condition.objects.get(code="ankle_sprain"),
        laterality="left",
        diagnosed_by=dan,
    )
    return f"/api/v1/diagnoses/{diagnosis.pk}/", dan, {"notes": "Grade II, lateral ligaments."}


@pytest.mark.parametrize("kind", ["plan", "session", "diagnosis"])
def test_it_protects_clinical_records_from_lost_updates(kind, api_as, case, dan, paula, catalogue):
    url, writer, change = _clinical_record(kind, case, dan, paula)
    client = api_as(writer)
    stale = client.get(url)["ETag"]

    without = client.patch(url, change)
    first = client.patch(url, change, HTTP_IF_MATCH=stale)
    second = client.patch(url, change, HTTP_IF_MATCH=stale)

    assert without.status_code == 428
    assert first.status_code == 200, first.json()
    assert first["ETag"] != stale
    assert second.status_code == 412
