"""Query counts of every API list and detail endpoint: pinned, and the same for 1 row and 50.

Each prefix registered on the API router (``clinic.urls.router``) has an entry in
ENDPOINTS: who reads it, how to make one of its records, and the most queries a list
page or a detail may take. A new endpoint without an entry fails
``test_it_covers_every_registered_endpoint``: pin its queries before it ships.

The bounds count everything a request does (token/session auth, role lookup, the
page, its related rows, the audit INSERT and the transaction's savepoints in tests).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest

from clinic.urls import router
from tests.factories import (
    CaseFactory,
    examination_for,
    intake_for,
    outcome_for,
    plan_for,
    programme_for,
    referral_for,
    run_for,
    run_plan_for,
    session_for,
)


@dataclass(frozen=True)
class Endpoint:
    persona: str  # a fixture of tests/conftest.py
    make: Any  # make(context) -> a record the persona may read
    list_max: int
    detail_max: int


def _case(ctx):
    return CaseFactory(assigned_physio=ctx["paula"])


def _diagnosis(ctx):
    from triage.models import Condition
    from triage.services.diagnoses import diagnosis_create

    return diagnosis_create(
        case=_case(ctx),
        condition=Condition.objects.get(code="ankle_sprain"),
        laterality="left",
        diagnosed_by=ctx["dan"],
    )


_session_ids = itertools.count(1)


def _reminder(ctx):
    import datetime

    from django.utils import timezone

    from reminders.services.events import reminders_for_session_scheduled

    return reminders_for_session_scheduled(
        case=_case(ctx),
        session_id=next(_session_ids),  # one reminder per (fictitious) session
        scheduled_at=timezone.now() + datetime.timedelta(days=3),
    )


_alert_causes = itertools.count(1)


def _alert(ctx):
    from rehab.services.alerts import alert_raise

    return alert_raise(case=_case(ctx), kind="high_pain", cause=f"test:{next(_alert_causes)}")


def _portal_link(ctx):
    from portal.services import portal_link_create

    return portal_link_create(patient=_case(ctx).patient, by=ctx["rita"])


def _outcome_request(ctx):
    from django.utils import timezone

    from portal.services import outcome_request_create

    return outcome_request_create(
        case=_case(ctx), instrument="lefs", due_at=timezone.now(), by=ctx["paula"]
    )


def _invitation(ctx):
    from portal.services import intake_invitation_create
    from tests.factories import PatientFactory

    return intake_invitation_create(patient=PatientFactory(), by=ctx["rita"])


def _condition(ctx):
    from triage.models import Condition

    # The catalogue is fixed (a data migration): the list is always all of it.
    return Condition.objects.order_by("id").first()


def _exercise(ctx):
    from rehab.models import Exercise

    # The library is seeded (a data migration): the list is always all of it.
    return Exercise.objects.order_by("id").first()


def _programme(ctx):
    return programme_for(_case(ctx), ctx["paula"])


def _exercise_log(ctx):
    import datetime

    from rehab.services.programmes import exercise_log_record

    programme = _programme(ctx)
    return exercise_log_record(
        programme=programme,
        by=ctx["paula"],
        date=datetime.date.today(),
        completed=[item.pk for item in programme.items.all()],
    )


def _run_plan(ctx):
    return run_plan_for(_case(ctx), ctx["paula"])


def _run(ctx):
    case = _case(ctx)
    run_plan_for(case, ctx["paula"])
    return run_for(case, ctx["paula"])


def _consultation(ctx):
    import datetime

    from django.utils import timezone

    from diary.services import booking_reserve
    from triage.models import Consultation

    # Each on its own (fictitious) past hour: recorded, so the opening hours do not apply.
    began = timezone.now() - datetime.timedelta(hours=next(_hours))
    booking = booking_reserve(
        booking_type="consultation",
        practitioner=ctx["dan"],
        starts_at=began,
        duration_minutes=20,
        keep_hours=False,
    )
    return Consultation.objects.create(
        case=_case(ctx), doctor=ctx["dan"], scheduled_at=began, booking=booking
    )


_hours = itertools.count(1)
_names = itertools.count(1)


def _room(ctx):
    from diary.models import Room

    return Room.objects.create(name=f"Room {next(_names)}")


def _availability(ctx):
    import datetime

    from diary.models import Availability

    return Availability.objects.create(
        practitioner=ctx["paula"],
        weekday=0,
        start_time=datetime.time(8),
        end_time=datetime.time(9),
        room=_room(ctx),
    )


def _time_off(ctx):
    import datetime

    from django.utils import timezone

    from diary.models import TimeOff

    start = timezone.now() + datetime.timedelta(days=next(_hours))
    return TimeOff.objects.create(
        practitioner=ctx["paula"], starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )


def _kind(ctx):
    from diary.models import AppointmentKind

    # The kinds are seeded (a data migration): the list is always all of them.
    return AppointmentKind.objects.order_by("id").first() or AppointmentKind.objects.create(
        code="session", name="Session", booking_type="session", duration_minutes=45
    )


def _waitlist(ctx):
    import datetime

    from django.utils import timezone

    from diary.models import WaitlistEntry

    now = timezone.now()
    return WaitlistEntry.objects.create(
        case=_case(ctx), earliest=now, latest=now + datetime.timedelta(days=2)
    )


def _report_data(ctx):
    """A booked session (what the attendance report counts); the record named is the report."""
    from types import SimpleNamespace

    session_for(_case(ctx), ctx["paula"], days_ago=1)
    return SimpleNamespace(name="attendance")


ENDPOINTS: dict[str, Endpoint] = {
    "patients": Endpoint("dan", lambda ctx: _case(ctx).patient, 6, 6),
    "cases": Endpoint("dan", _case, 6, 6),
    "intakes": Endpoint("dan", lambda ctx: intake_for(_case(ctx), ctx["rita"]), 6, 6),
    "examinations": Endpoint("dan", lambda ctx: examination_for(_case(ctx), ctx["dan"]), 6, 6),
    "diagnoses": Endpoint("dan", _diagnosis, 6, 6),
    "imaging-referrals": Endpoint("dan", lambda ctx: referral_for(_case(ctx), ctx["dan"]), 6, 6),
    "conditions": Endpoint("dan", _condition, 5, 5),
    "treatment-plans": Endpoint("paula", lambda ctx: plan_for(_case(ctx), ctx["paula"]), 6, 6),
    "sessions": Endpoint("paula", lambda ctx: session_for(_case(ctx), ctx["paula"]), 6, 6),
    "outcomes": Endpoint("paula", lambda ctx: outcome_for(_case(ctx), ctx["paula"]), 6, 6),
    "reminders": Endpoint("rita", _reminder, 6, 6),
    "exercises": Endpoint("paula", _exercise, 5, 5),
    "exercise-programmes": Endpoint("paula", _programme, 9, 9),
    "exercise-logs": Endpoint("paula", _exercise_log, 7, 7),
    "run-plans": Endpoint("paula", _run_plan, 7, 7),
    "runs": Endpoint("paula", _run, 7, 7),
    "consultations": Endpoint("rita", _consultation, 6, 6),
    "rooms": Endpoint("rita", _room, 4, 4),
    "availability": Endpoint("rita", _availability, 4, 4),
    "time-off": Endpoint("rita", _time_off, 4, 4),
    "appointment-kinds": Endpoint("rita", _kind, 4, 4),
    "waitlist": Endpoint("rita", _waitlist, 6, 6),
    "reports": Endpoint("dan", _report_data, 5, 8),
    "alerts": Endpoint("paula", _alert, 6, 6),
    "portal-links": Endpoint("rita", _portal_link, 6, 6),
    "outcome-requests": Endpoint("paula", _outcome_request, 6, 6),
    "intake-invitations": Endpoint("rita", _invitation, 6, 6),
}

# Routes that only create (no list, no detail to read): nothing to pin.
CREATE_ONLY = {r"patients/(?P<patient_pk>[0-9]+)/portal-link"}

# The physio's view of patients and cases is scoped by a subquery: pinned as well.
SCOPED = {"patients": Endpoint("paula", lambda ctx: _case(ctx).patient, 6, 6)}


def test_it_covers_every_registered_endpoint():
    registered = {prefix for prefix, _viewset, _basename in router.registry} - CREATE_ONLY
    assert registered == set(ENDPOINTS), (
        "Pin the query counts of the new endpoint(s) in tests/test_query_counts.py: "
        f"{sorted(registered ^ set(ENDPOINTS))}"
    )


@pytest.fixture
def ctx(rita, dan, paula, catalogue):
    return {"rita": rita, "dan": dan, "paula": paula}


def _count(client, url, django_assert_max_num_queries, bound) -> int:
    # A fresh user object per request, as in production (the role is cached on the object).
    user = client.handler._force_user
    client.force_authenticate(type(user).objects.get(pk=user.pk))
    with django_assert_max_num_queries(bound) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(captured)


CASES = [(prefix, e) for prefix, e in ENDPOINTS.items()] + [
    (f"{prefix} (as physio)", e) for prefix, e in SCOPED.items()
]


@pytest.mark.parametrize(("name", "endpoint"), CASES, ids=[name for name, _ in CASES])
def test_it_lists_in_the_same_queries_for_one_row_and_fifty(
    name, endpoint, ctx, api_as, request, django_assert_max_num_queries
):
    prefix = name.split(" ")[0]
    client = api_as(request.getfixturevalue(endpoint.persona))
    url = f"/api/v1/{prefix}/?page_size=50"
    endpoint.make(ctx)
    one = _count(client, url, django_assert_max_num_queries, endpoint.list_max)
    for _ in range(49):
        endpoint.make(ctx)
    fifty = _count(client, url, django_assert_max_num_queries, endpoint.list_max)
    assert fifty == one, f"{prefix}: {one} queries for one row, {fifty} for fifty"


@pytest.mark.parametrize(("name", "endpoint"), CASES, ids=[name for name, _ in CASES])
def test_it_reads_a_detail_in_pinned_queries(
    name, endpoint, ctx, api_as, request, django_assert_max_num_queries
):
    prefix = name.split(" ")[0]
    client = api_as(request.getfixturevalue(endpoint.persona))
    record = endpoint.make(ctx)
    viewset = next(v for p, v, _b in router.registry if p == prefix)
    key = getattr(record, viewset.lookup_field)  # conditions are looked up by code
    _count(client, f"/api/v1/{prefix}/{key}/", django_assert_max_num_queries, endpoint.detail_max)


def test_it_builds_a_case_timeline_in_pinned_queries(ctx, api_as, django_assert_max_num_queries):
    case = _case(ctx)
    intake_for(case, ctx["rita"])
    examination_for(case, ctx["dan"])
    referral_for(case, ctx["dan"], status="reviewed")
    for days in range(1, 6):
        session_for(case, ctx["paula"], days_ago=days)
        outcome_for(case, ctx["paula"], pain=days)
    # No join of the user table: the practitioners' names are one query (clinic.timeline);
    # the intake, the rehab plan and the discharge are joined to the case's own query
    # (register_case_relation); the recorded consultations are a source of their own.
    _count(
        api_as(ctx["dan"]), f"/api/v1/cases/{case.pk}/timeline/", django_assert_max_num_queries, 12
    )


def _full_case(ctx, *, each: int):
    """A case with ``each`` of every record its page lists (exams, diagnoses, referrals,
    consultations, sessions, outcomes, questionnaires asked from home) and one of those a case
    has once (intake, plan, programme, run plan and a run)."""
    import datetime

    from django.utils import timezone

    from diary.services import booking_reserve
    from portal.services import outcome_request_create
    from triage.models import Condition, Consultation
    from triage.services.diagnoses import diagnosis_create

    case = _case(ctx)
    intake_for(case, ctx["rita"])
    plan_for(case, ctx["paula"])
    programme_for(case, ctx["paula"])
    run_plan_for(case, ctx["paula"])
    run_for(case, ctx["paula"])
    sprain = Condition.objects.get(code="ankle_sprain")
    for n in range(each):
        examination_for(case, ctx["dan"], malleolar_zone_pain=True)
        diagnosis_create(case=case, condition=sprain, laterality="left", diagnosed_by=ctx["dan"])
        referral_for(case, ctx["dan"], status="reviewed")
        began = timezone.now() - datetime.timedelta(hours=next(_hours))
        booking = booking_reserve(
            booking_type="consultation",
            practitioner=ctx["dan"],
            starts_at=began,
            duration_minutes=20,
            keep_hours=False,
        )
        Consultation.objects.create(
            case=case,
            doctor=ctx["dan"],
            scheduled_at=began,
            booking=booking,
            status="attended",
            notes="Seen.",
        )
        session_for(case, ctx["paula"], days_ago=n + 1)
        outcome_for(case, ctx["paula"], pain=n % 10)
        outcome_request_create(case=case, instrument="lefs", due_at=timezone.now(), by=ctx["paula"])
    return case


def test_it_builds_the_doctors_case_page_in_the_same_queries_for_one_record_and_eight(
    ctx, client, django_assert_max_num_queries
):
    # Each section and the timeline read the case's records once, together: the page's
    # queries do not grow with the records it shows (triage.timeline, rehab.panels): each of
    # the case's relations is read once (before, the page and its timeline each read them).
    small, full = _full_case(ctx, each=1), _full_case(ctx, each=8)
    client.force_login(ctx["dan"])
    client.get(f"/cases/{small.pk}/")  # the session's first request writes more
    counts = []
    for case in (small, full):
        with django_assert_max_num_queries(29) as captured:
            response = client.get(f"/cases/{case.pk}/")
        assert response.status_code == 200
        counts.append(len(captured))

    assert counts[0] == counts[1]
    assert response.content.decode().count('class="tl-referralreviewed"') == 8


def test_it_audits_each_questionnaire_the_case_page_shows_with_its_patient(ctx, client):
    # The questionnaires are read through the case (portal.selectors.case_outcome_requests),
    # so their audit rows name the patient without reading the case again for each.
    from clinic.models import AuditEvent
    from portal.models import OutcomeRequest

    case = _full_case(ctx, each=3)
    client.force_login(ctx["dan"])
    response = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    asked = {
        str(pk) for pk in OutcomeRequest.objects.filter(case=case).values_list("pk", flat=True)
    }
    audited = AuditEvent.objects.filter(
        object_type="portal.outcomerequest", action="view", actor=ctx["dan"]
    )
    assert {event.object_id for event in audited} == asked
    assert {event.patient_id for event in audited} == {case.patient_id}
