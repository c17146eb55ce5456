"""docs/design.md's role matrix, proven: every API action and every page, for every persona.

One row of ``TABLE`` per ``(method, URL name)``: the status each persona gets, how to build
the request from a world of records (all of Emma's, on a case assigned to Paula), and what
the audit trail must record when the call succeeds (tests/test_audit_complete.py).

- Allowed: 2xx (3xx for a page that redirects after a write).
- A role that may not use an endpoint at all gets 403 whatever the id (nothing leaks).
- A record outside the user's reach (Oscar on Paula's case) answers 404, not 403.
- Anonymous: 401 on the API, a redirect to the login page for pages.
- Nothing clinical ever reaches Rita (reception): every clinical text of the world carries
  ``MARKER``, and no response she receives may contain it, nor a clinical field's key.

The routes are discovered from the router and the URL resolver: a new endpoint or page
fails ``test_it_covers_every_route`` until its row is added here.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from clinic import roles, services
from clinic.models import Case
from clinic.urls import router
from diary.feed import feed_token
from diary.models import AppointmentKind, Availability, Room, TimeOff, WaitlistEntry
from portal.services import (
    intake_invitation_answer,
    intake_invitation_create,
    outcome_request_create,
    portal_link_create,
)
from portal.tokens import link_token
from rehab.services.alerts import alert_raise
from rehab.services.discharge import case_discharge
from rehab.services.outcomes import outcome_record
from rehab.services.plans import plan_create
from rehab.services.programmes import exercise_log_record
from rehab.services.return_to_run import return_to_run_update
from rehab.services.sessions import session_record, session_schedule
from reminders.messages import stop_token
from reminders.models import Reminder
from reminders.services.events import offer_token
from tests.conftest import token_for, totp_code
from tests.factories import (
    PatientFactory,
    UserFactory,
    examination_for,
    programme_for,
    run_for,
    run_plan_for,
)
from triage.models import Condition
from triage.services import diagnoses, referrals
from triage.services.consultations import consultation_book
from triage.services.intake import intake_create

MARKER = "CLINICAL-NOTE-7f3a"

# Personas, in the order of the table's columns.
R, P, O, D, A, N = "reception", "physio", "outsider", "doctor", "admin", "anonymous"  # noqa: E741
PERSONAS = (R, P, O, D, A, N)
LOGIN = "login"  # expected for a page: a redirect to the login page

# Keys that only clinical serializers have: none may appear in a JSON answer to reception.
CLINICAL_KEYS = frozenset(
    {
        "notes",
        "summary",
        "report",
        "review_note",
        "cancel_reason",
        "override_reason",
        "reason",
        "interventions",
        "pain_before",
        "pain_after",
        "dorsiflexion_deg",
        "home_exercises",
        "goals",
        "answers",
        "score",
        "interpretation",
        "imaging_recommendation",
        "thompson_test",
        "anterior_drawer",
        "pain_during",
        "pain_next_morning",
        "technique_cues",
    }
)

QUESTIONNAIRE = {
    "onset": "trauma",
    "mechanism": "twist",
    "swelling": "moderate",
    "hematoma": False,
    "mobility": "difficult",
    "weight_bearing": "difficult",
    "pain_location": "lateral",
    "side": "left",
    "pain_at_rest": 4,
    "pain_after_running": 7,
    "pain_duration_days": 1,
    "still_running": False,
    "weekly_distance_km": 35.5,
    "recent_training_change": False,
    "recent_shoe_change": False,
    "known_flat_feet": False,
    "previous_sprains": 1,
    "calf_pain_or_swelling": False,
    "fever_or_hot_red_joint": False,
    "numbness_or_cold_foot": False,
    "night_pain": False,
    "focal_bone_pain": False,
}


def S(reception, physio, outsider, doctor, admin, anonymous) -> dict[str, Any]:
    """The expected answer of each persona, in the order of PERSONAS."""
    return dict(zip(PERSONAS, (reception, physio, outsider, doctor, admin, anonymous), strict=True))


# --- The world -----------------------------------------------------------------------------


def build_world() -> SimpleNamespace:
    """Emma's record, complete, every clinical text marked; Paula treats, Oscar does not."""
    w = SimpleNamespace()
    w.rita = UserFactory(username="rita", role=roles.RECEPTION)
    w.dan = UserFactory(username="dan", role=roles.DOCTOR)
    w.paula = UserFactory(username="paula", role=roles.PHYSIO)
    w.oscar = UserFactory(username="oscar", role=roles.PHYSIO)
    w.ada = UserFactory(username="ada", role=roles.ADMIN, is_staff=True, is_superuser=True)
    # An admin must have a second factor: force_login gives her a verified session
    # (tests/conftest.py), and the token request sends her code.
    w.ada.otp_device = TOTPDevice.objects.create(user=w.ada, name="Ada's phone", confirmed=True)
    w.users = {R: w.rita, P: w.paula, O: w.oscar, D: w.dan, A: w.ada, N: None}
    w.patient = PatientFactory(
        given_name="Emma", family_name="Martin", date_of_birth=datetime.date(1991, 3, 14)
    )
    now = timezone.now()
    w.tomorrow = (now + datetime.timedelta(days=1)).replace(microsecond=0)

    w.intake = intake_create(
        recorded_by=w.rita,
        patient=w.patient,
        questionnaire={**QUESTIONNAIRE, "weekly_distance_km": Decimal("35.5")},
    )
    w.case = services.case_update(case=w.intake.case, assigned_physio=w.paula)
    w.exam = examination_for(
        w.case,
        w.dan,
        malleolar_zone_pain=True,
        lateral_malleolus_tenderness=True,
        notes=MARKER,
    )
    w.diagnosis = diagnoses.diagnosis_create(
        case=w.case,
        diagnosed_by=w.dan,
        condition=Condition.objects.get(code="ankle_sprain"),
        laterality="left",
        notes=MARKER,
    )

    def referral(status: str):
        made = referrals.referral_create(
            case=w.case,
            requested_by=w.dan,
            modality="xray",
            body_site="ankle",
            laterality="left",
            reason=MARKER,
        )
        steps = [
            ("scheduled", referrals.referral_schedule, {"scheduled_for": w.tomorrow}),
            ("performed", referrals.referral_perform, {}),
            ("reported", referrals.referral_report, {"report": MARKER}),
            ("reviewed", referrals.referral_review, {"review_note": MARKER}),
        ]
        if status == "cancelled":
            referrals.referral_cancel(referral=made, by=w.dan, reason=MARKER)
            return made
        for name, step, kwargs in steps:
            if status == "requested":
                break
            step(referral=made, by=w.dan, **kwargs)
            if name == status:
                break
        return made

    w.referral_requested = referral("requested")
    w.referral_scheduled = referral("scheduled")
    w.referral_performed = referral("performed")
    w.referral_reported = referral("reported")
    w.referral_reviewed = referral("reviewed")
    w.referral_cancelled = referral("cancelled")

    w.plan = plan_create(
        case=w.case,
        by=w.paula,
        goals=MARKER,
        planned_sessions=8,
        frequency=2,
        started_on=timezone.localdate(),
        home_exercises=MARKER,
    )
    w.session_attended = session_record(
        case=w.case,
        by=w.paula,
        scheduled_at=now - datetime.timedelta(minutes=5),
        status="attended",
        interventions=["massage", "proprioception"],
        pain_before=5,
        pain_after=3,
        notes=MARKER,
        home_exercises=MARKER,
    )
    w.session = session_schedule(case=w.case, scheduled_at=w.tomorrow, by=w.rita)
    w.consultation = consultation_book(
        case=w.case, doctor=w.dan, scheduled_at=w.tomorrow + datetime.timedelta(hours=6), by=w.rita
    )
    # The timetable: a room, and Oscar's week (Paula and Dan work the opening hours).
    w.room = Room.objects.create(name="Room 1")
    w.availability = Availability.objects.create(
        practitioner=w.oscar, weekday=0, start_time=datetime.time(9), end_time=datetime.time(12)
    )
    w.time_off = TimeOff.objects.create(
        practitioner=w.oscar,
        starts_at=now + datetime.timedelta(days=30),
        ends_at=now + datetime.timedelta(days=31),
        reason="Conference",
    )
    w.waitlist = WaitlistEntry.objects.create(
        case=w.case,
        earliest=now + datetime.timedelta(days=1),
        latest=now + datetime.timedelta(days=3),
        status="offered",
        offered_booking=w.consultation.booking,
        offered_at=now,
    )
    # Booking the session wrote its reminder (the outbox) in the same transaction.
    w.reminder = Reminder.objects.get(kind="session_reminder", subject_id=w.session.pk)
    w.outcome = outcome_record(case=w.case, instrument="nprs", answers=[4], by=w.paula)
    w.alert = alert_raise(case=w.case, kind="high_pain", detail=MARKER, cause="world")
    w.link = portal_link_create(patient=w.patient, by=w.rita)
    w.outcome_request = outcome_request_create(
        case=w.case, instrument="lefs", due_at=w.tomorrow, by=w.paula
    )
    # Noah answered the intake questions from home before his first visit.
    w.noah = PatientFactory(given_name="Noah", family_name="Leroy")
    w.invitation = intake_invitation_create(patient=w.noah, by=w.rita)
    services.case_update(case=w.invitation.case, assigned_physio=w.paula)
    intake_invitation_answer(invitation=w.invitation, questionnaire=dict(QUESTIONNAIRE))
    w.rtr = return_to_run_update(
        case=w.case,
        by=w.paula,
        checklist="ankle_sprain",
        values={"pain_during_sport": True},
        decision="not_yet",
        reason=MARKER,
    )
    # The runner between visits: a programme begun on paper two days ago, a day's log, the
    # walk-run plan and yesterday's run (its next-morning pain not in yet).
    Case.objects.filter(pk=w.case.pk).update(opened_at=now - datetime.timedelta(days=3))
    two_days_ago = timezone.localdate() - datetime.timedelta(days=2)
    w.programme = programme_for(w.case, w.paula, starts_on=two_days_ago)
    w.item = w.programme.items.first()
    w.exercise_log = exercise_log_record(
        programme=w.programme, by=w.paula, date=two_days_ago, completed=[w.item.pk], pain=2
    )
    w.run_plan = run_plan_for(w.case, w.paula, started_on=two_days_ago, technique_cues=MARKER)
    w.run = run_for(
        w.case, w.paula, date=two_days_ago + datetime.timedelta(days=1), next_morning=None
    )
    # An earlier episode, discharged with its summary, and a fresh one with nothing on it yet.
    w.old_case = services.case_create(
        patient=w.patient,
        side="right",
        assigned_physio=w.paula,
        referrer_name="Dr Claire Dubois",
        referrer_email="c.dubois@gp.example",
    )
    w.discharge = case_discharge(case=w.old_case, by=w.paula, summary=MARKER)
    w.fresh_case = services.case_create(patient=w.patient, side="left", assigned_physio=w.paula)
    return w


# --- The table -----------------------------------------------------------------------------

Url = Callable[[SimpleNamespace], str]
Data = Callable[[SimpleNamespace], dict]


@dataclass(frozen=True)
class Call:
    """One (method, URL name): how to call it and what each persona must get.

    ``audit``: the AuditEvent action a successful call writes for Emma (``None`` when the
    route touches no patient data; then ``why`` says so). ``audit_patient``, when set, names
    the patient the event is about from the response (a newly registered patient).
    """

    url: Url
    expect: dict[str, Any]
    audit: str | None
    data: Data | None = None
    why: str = ""
    audit_patient: Callable[[SimpleNamespace, Any], int] | None = None
    api: bool = True
    headers: dict[str, str] = field(default_factory=dict)
    # False where a key of CLINICAL_KEYS means something else (the timetable's ``reason``,
    # why a practitioner is away); the marker check still applies.
    clinical_keys: bool = True


def api(path: str) -> str:
    return f"/api/v1/{path}"


def tomorrow_iso(w) -> str:
    return w.tomorrow.isoformat()


IF_MATCH = {"HTTP_IF_MATCH": "*"}
NOT_PATIENT_DATA = None

TABLE: dict[tuple[str, str], Call] = {
    # --- API: patients ---------------------------------------------------------------------
    ("GET", "patient-list"): Call(
        lambda w: api("patients/"), S(200, 200, 200, 200, 200, 401), "view"
    ),
    ("POST", "patient-list"): Call(
        lambda w: api("patients/"),
        S(201, 403, 403, 403, 201, 401),
        "create",
        data=lambda w: {
            "given_name": "Noah",
            "family_name": "Leroy",
            "date_of_birth": "1985-06-01",
            "sex": "male",
        },
        audit_patient=lambda w, response: response.json()["id"],
    ),
    ("GET", "patient-detail"): Call(
        lambda w: api(f"patients/{w.patient.pk}/"), S(200, 200, 404, 200, 200, 401), "view"
    ),
    ("PUT", "patient-detail"): Call(
        lambda w: api(f"patients/{w.patient.pk}/"),
        S(200, 403, 404, 403, 200, 401),
        "update",
        data=lambda w: {
            "given_name": "Emma",
            "family_name": "Martin",
            "date_of_birth": "1991-03-14",
            "phone": "+33 6 00 00 00 00",
        },
        headers=IF_MATCH,
    ),
    ("PATCH", "patient-detail"): Call(
        lambda w: api(f"patients/{w.patient.pk}/"),
        S(200, 403, 404, 403, 200, 401),
        "update",
        data=lambda w: {"phone": "+33 6 00 00 00 00"},
        headers=IF_MATCH,
    ),
    ("GET", "patient-fhir"): Call(
        lambda w: api(f"patients/{w.patient.pk}/fhir/"), S(403, 200, 404, 200, 200, 401), "export"
    ),
    ("GET", "patient-export"): Call(
        lambda w: api(f"patients/{w.patient.pk}/export/"),
        S(403, 403, 404, 200, 200, 401),
        "export",
    ),
    # --- API: cases ------------------------------------------------------------------------
    ("GET", "case-list"): Call(lambda w: api("cases/"), S(200, 200, 200, 200, 200, 401), "view"),
    ("POST", "case-list"): Call(
        lambda w: api("cases/"),
        S(201, 403, 403, 403, 201, 401),
        "create",
        data=lambda w: {"patient": w.patient.pk, "side": "right"},
    ),
    ("GET", "case-detail"): Call(
        lambda w: api(f"cases/{w.case.pk}/"), S(200, 200, 404, 200, 200, 401), "view"
    ),
    # Reception and doctors assign the physio; a physio does not.
    ("PUT", "case-detail"): Call(
        lambda w: api(f"cases/{w.case.pk}/"),
        S(200, 403, 404, 200, 200, 401),
        "update",
        data=lambda w: {"assigned_physio": w.oscar.pk},
        headers=IF_MATCH,
    ),
    ("PATCH", "case-detail"): Call(
        lambda w: api(f"cases/{w.case.pk}/"),
        S(200, 403, 404, 200, 200, 401),
        "update",
        data=lambda w: {"assigned_physio": w.oscar.pk},
        headers=IF_MATCH,
    ),
    ("GET", "case-timeline"): Call(
        lambda w: api(f"cases/{w.case.pk}/timeline/"), S(200, 200, 404, 200, 200, 401), "view"
    ),
    # --- API: intakes (the patient's words, asked by reception: not a clinical note) --------
    ("GET", "intake-list"): Call(
        lambda w: api("intakes/"), S(200, 200, 200, 200, 200, 401), "view"
    ),
    ("POST", "intake-list"): Call(
        lambda w: api("intakes/"),
        S(201, 403, 403, 403, 403, 401),
        "create",
        data=lambda w: {"patient": w.patient.pk, "questionnaire": QUESTIONNAIRE},
    ),
    ("GET", "intake-detail"): Call(
        lambda w: api(f"intakes/{w.intake.pk}/"), S(200, 200, 404, 200, 200, 401), "view"
    ),
    # --- API: examinations -----------------------------------------------------------------
    ("GET", "examination-list"): Call(
        lambda w: api("examinations/"), S(403, 200, 200, 200, 200, 401), "view"
    ),
    ("POST", "examination-list"): Call(
        lambda w: api("examinations/"),
        S(403, 403, 403, 201, 201, 401),
        "create",
        data=lambda w: {"case": w.case.pk, "thompson_test": "negative"},
    ),
    ("GET", "examination-detail"): Call(
        lambda w: api(f"examinations/{w.exam.pk}/"), S(403, 200, 404, 200, 200, 401), "view"
    ),
    ("PUT", "examination-detail"): Call(
        lambda w: api(f"examinations/{w.exam.pk}/"),
        S(403, 403, 404, 200, 200, 401),
        "update",
        data=lambda w: {"notes": "Reviewed."},
    ),
    ("PATCH", "examination-detail"): Call(
        lambda w: api(f"examinations/{w.exam.pk}/"),
        S(403, 403, 404, 200, 200, 401),
        "update",
        data=lambda w: {"notes": "Reviewed."},
    ),
    # --- API: diagnoses --------------------------------------------------------------------
    ("GET", "diagnosis-list"): Call(
        lambda w: api("diagnoses/"), S(403, 200, 200, 200, 200, 401), "view"
    ),
    ("POST", "diagnosis-list"): Call(
        lambda w: api("diagnoses/"),
        S(403, 403, 403, 201, 201, 401),
        "create",
        data=lambda w: {"case": w.case.pk, "condition": "ankle_fracture", "laterality": "left"},
    ),
    ("GET", "diagnosis-detail"): Call(
        lambda w: api(f"diagnoses/{w.diagnosis.pk}/"), S(403, 200, 404, 200, 200, 401), "view"
    ),
    ("PUT", "diagnosis-detail"): Call(
        lambda w: api(f"diagnoses/{w.diagnosis.pk}/"),
        S(403, 403, 404, 200, 200, 401),
        "update",
        data=lambda w: {"laterality": "left", "notes": "Reviewed."},
        headers=IF_MATCH,
    ),
    ("PATCH", "diagnosis-detail"): Call(
        lambda w: api(f"diagnoses/{w.diagnosis.pk}/"),
        S(403, 403, 404, 200, 200, 401),
        "update",
        data=lambda w: {"notes": "Reviewed."},
        headers=IF_MATCH,
    ),
    ("POST", "diagnosis-confirm"): Call(
        lambda w: api(f"diagnoses/{w.diagnosis.pk}/confirm/"),
        S(403, 403, 404, 200, 200, 401),
        "update",
    ),
    ("POST", "diagnosis-refute"): Call(
        lambda w: api(f"diagnoses/{w.diagnosis.pk}/refute/"),
        S(403, 403, 404, 200, 200, 401),
        "update",
    ),
    # --- API: imaging referrals (only a doctor reviews a report) ---------------------------
    ("GET", "imagingreferral-list"): Call(
        lambda w: api("imaging-referrals/"), S(403, 200, 200, 200, 200, 401), "view"
    ),
    ("POST", "imagingreferral-list"): Call(
        lambda w: api("imaging-referrals/"),
        S(403, 403, 403, 201, 201, 401),
        "create",
        data=lambda w: {
            "case": w.case.pk,
            "modality": "mri",
            "body_site": "ankle",
            "laterality": "left",
            "reason": "Persistent pain.",
        },
    ),
    ("GET", "imagingreferral-detail"): Call(
        lambda w: api(f"imaging-referrals/{w.referral_reported.pk}/"),
        S(403, 200, 404, 200, 200, 401),
        "view",
    ),
    ("POST", "imagingreferral-schedule"): Call(
        lambda w: api(f"imaging-referrals/{w.referral_requested.pk}/schedule/"),
        S(403, 403, 404, 200, 200, 401),
        "update",
        data=lambda w: {"scheduled_for": tomorrow_iso(w)},
    ),
    ("POST", "imagingreferral-perform"): Call(
        lambda w: api(f"imaging-referrals/{w.referral_scheduled.pk}/perform/"),
        S(403, 403, 404, 200, 200, 401),
        "update",
    ),
    ("POST", "imagingreferral-report"): Call(
        lambda w: api(f"imaging-referrals/{w.referral_performed.pk}/report/"),
        S(403, 403, 404, 200, 200, 401),
        "update",
        data=lambda w: {"report": "No fracture."},
    ),
    ("POST", "imagingreferral-review"): Call(
        lambda w: api(f"imaging-referrals/{w.referral_reported.pk}/review/"),
        S(403, 403, 404, 200, 403, 401),
        "update",
    ),
    ("POST", "imagingreferral-cancel"): Call(
        lambda w: api(f"imaging-referrals/{w.referral_requested.pk}/cancel/"),
        S(403, 403, 404, 200, 200, 401),
        "update",
        data=lambda w: {"reason": "Declined."},
    ),
    # --- API: the condition catalogue (not patient data) -----------------------------------
    ("GET", "condition-list"): Call(
        lambda w: api("conditions/"),
        S(403, 200, 200, 200, 200, 401),
        NOT_PATIENT_DATA,
        why="the catalogue of conditions",
    ),
    ("GET", "condition-detail"): Call(
        lambda w: api("conditions/ankle_sprain/"),
        S(403, 200, 200, 200, 200, 401),
        NOT_PATIENT_DATA,
        why="the catalogue of conditions",
    ),
    # --- API: treatment plans --------------------------------------------------------------
    ("GET", "treatment-plan-list"): Call(
        lambda w: api("treatment-plans/"), S(403, 200, 200, 200, 200, 401), "view"
    ),
    ("POST", "treatment-plan-list"): Call(
        lambda w: api("treatment-plans/"),
        S(403, 201, 404, 403, 403, 401),
        "create",
        data=lambda w: {
            "case": w.fresh_case.pk,
            "goals": "Run 5 km.",
            "planned_sessions": 6,
            "frequency": 2,
            "started_on": timezone.localdate().isoformat(),
        },
    ),
    ("GET", "treatment-plan-detail"): Call(
        lambda w: api(f"treatment-plans/{w.plan.pk}/"), S(403, 200, 404, 200, 200, 401), "view"
    ),
    ("PUT", "treatment-plan-detail"): Call(
        lambda w: api(f"treatment-plans/{w.plan.pk}/"),
        S(403, 200, 404, 403, 403, 401),
        "update",
        data=lambda w: {
            "goals": "Run 10 km.",
            "planned_sessions": 10,
            "frequency": 2,
            "started_on": w.plan.started_on.isoformat(),
        },
        headers=IF_MATCH,
    ),
    ("PATCH", "treatment-plan-detail"): Call(
        lambda w: api(f"treatment-plans/{w.plan.pk}/"),
        S(403, 200, 404, 403, 403, 401),
        "update",
        data=lambda w: {"planned_sessions": 10},
        headers=IF_MATCH,
    ),
    # --- API: sessions (reception books without clinical fields) ---------------------------
    ("GET", "session-list"): Call(
        lambda w: api("sessions/"), S(200, 200, 200, 200, 200, 401), "view"
    ),
    ("POST", "session-list"): Call(
        lambda w: api("sessions/"),
        S(201, 201, 404, 403, 403, 401),
        "create",
        data=lambda w: {
            "case": w.fresh_case.pk,
            "scheduled_at": (w.tomorrow + datetime.timedelta(hours=4)).isoformat(),
        },
    ),
    ("POST", "session-series"): Call(
        lambda w: api("sessions/series/"),
        S(201, 201, 404, 403, 403, 401),
        "create",
        data=lambda w: {
            "case": w.fresh_case.pk,
            "first_at": (w.tomorrow + datetime.timedelta(hours=12)).isoformat(),
            "count": 3,
            "interval_days": 2,
        },
    ),
    ("GET", "session-detail"): Call(
        lambda w: api(f"sessions/{w.session_attended.pk}/"),
        S(200, 200, 404, 200, 200, 401),
        "view",
    ),
    ("PUT", "session-detail"): Call(
        lambda w: api(f"sessions/{w.session.pk}/"),
        S(200, 200, 404, 403, 403, 401),
        "update",
        data=lambda w: {"scheduled_at": (w.tomorrow + datetime.timedelta(hours=2)).isoformat()},
        headers=IF_MATCH,
    ),
    ("PATCH", "session-detail"): Call(
        lambda w: api(f"sessions/{w.session.pk}/"),
        S(200, 200, 404, 403, 403, 401),
        "update",
        data=lambda w: {"scheduled_at": (w.tomorrow + datetime.timedelta(hours=2)).isoformat()},
        headers=IF_MATCH,
    ),
    # --- API: consultations (reception and doctors book; the doctor writes the notes) ------
    ("GET", "consultation-list"): Call(
        lambda w: api("consultations/"), S(200, 200, 200, 200, 200, 401), "view"
    ),
    ("POST", "consultation-list"): Call(
        lambda w: api("consultations/"),
        S(201, 403, 403, 201, 403, 401),
        "create",
        data=lambda w: {
            "case": w.fresh_case.pk,
            "doctor": w.dan.pk,
            "scheduled_at": (w.tomorrow + datetime.timedelta(hours=8)).isoformat(),
        },
    ),
    ("GET", "consultation-detail"): Call(
        lambda w: api(f"consultations/{w.consultation.pk}/"),
        S(200, 200, 404, 200, 200, 401),
        "view",
    ),
    ("PUT", "consultation-detail"): Call(
        lambda w: api(f"consultations/{w.consultation.pk}/"),
        S(200, 403, 404, 200, 403, 401),
        "update",
        data=lambda w: {"scheduled_at": (w.tomorrow + datetime.timedelta(hours=7)).isoformat()},
        headers=IF_MATCH,
    ),
    ("PATCH", "consultation-detail"): Call(
        lambda w: api(f"consultations/{w.consultation.pk}/"),
        S(200, 403, 404, 200, 403, 401),
        "update",
        data=lambda w: {"scheduled_at": (w.tomorrow + datetime.timedelta(hours=7)).isoformat()},
        headers=IF_MATCH,
    ),
    # --- API: the diary's timetable (reception and admins set it; clinicians read) ----
    ("GET", "room-list"): Call(
        lambda w: api("rooms/"),
        S(200, 200, 200, 200, 200, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        clinical_keys=False,
    ),
    ("POST", "room-list"): Call(
        lambda w: api("rooms/"),
        S(201, 403, 403, 403, 201, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        data=lambda w: {"name": "Room 2"},
        clinical_keys=False,
    ),
    ("GET", "room-detail"): Call(
        lambda w: api(f"rooms/{w.room.pk}/"),
        S(200, 200, 200, 200, 200, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        clinical_keys=False,
    ),
    ("PUT", "room-detail"): Call(
        lambda w: api(f"rooms/{w.room.pk}/"),
        S(200, 403, 403, 403, 200, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        data=lambda w: {"name": "Room 2"},
        clinical_keys=False,
    ),
    ("PATCH", "room-detail"): Call(
        lambda w: api(f"rooms/{w.room.pk}/"),
        S(200, 403, 403, 403, 200, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        data=lambda w: {"active": False},
        clinical_keys=False,
    ),
    ("DELETE", "room-detail"): Call(
        lambda w: api(f"rooms/{w.room.pk}/"),
        S(204, 403, 403, 403, 204, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        clinical_keys=False,
    ),
    ("GET", "availability-list"): Call(
        lambda w: api("availability/"),
        S(200, 200, 200, 200, 200, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        clinical_keys=False,
    ),
    ("POST", "availability-list"): Call(
        lambda w: api("availability/"),
        S(201, 403, 403, 403, 201, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        data=lambda w: {
            "practitioner": w.oscar.pk,
            "weekday": 1,
            "start_time": "13:00",
            "end_time": "17:00",
        },
        clinical_keys=False,
    ),
    ("GET", "availability-detail"): Call(
        lambda w: api(f"availability/{w.availability.pk}/"),
        S(200, 200, 200, 200, 200, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        clinical_keys=False,
    ),
    ("PUT", "availability-detail"): Call(
        lambda w: api(f"availability/{w.availability.pk}/"),
        S(200, 403, 403, 403, 200, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        data=lambda w: {
            "practitioner": w.oscar.pk,
            "weekday": 1,
            "start_time": "13:00",
            "end_time": "17:00",
        },
        clinical_keys=False,
    ),
    ("PATCH", "availability-detail"): Call(
        lambda w: api(f"availability/{w.availability.pk}/"),
        S(200, 403, 403, 403, 200, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        data=lambda w: {"end_time": "12:30"},
        clinical_keys=False,
    ),
    ("DELETE", "availability-detail"): Call(
        lambda w: api(f"availability/{w.availability.pk}/"),
        S(204, 403, 403, 403, 204, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        clinical_keys=False,
    ),
    ("GET", "timeoff-list"): Call(
        lambda w: api("time-off/"),
        S(200, 200, 200, 200, 200, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        clinical_keys=False,
    ),
    ("POST", "timeoff-list"): Call(
        lambda w: api("time-off/"),
        S(201, 403, 403, 403, 201, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        data=lambda w: {
            "practitioner": w.oscar.pk,
            "starts_at": (w.tomorrow + datetime.timedelta(days=40)).isoformat(),
            "ends_at": (w.tomorrow + datetime.timedelta(days=41)).isoformat(),
            "reason": "Leave",
        },
        clinical_keys=False,
    ),
    ("GET", "timeoff-detail"): Call(
        lambda w: api(f"time-off/{w.time_off.pk}/"),
        S(200, 200, 200, 200, 200, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        clinical_keys=False,
    ),
    ("PUT", "timeoff-detail"): Call(
        lambda w: api(f"time-off/{w.time_off.pk}/"),
        S(200, 403, 403, 403, 200, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        data=lambda w: {
            "practitioner": w.oscar.pk,
            "starts_at": (w.tomorrow + datetime.timedelta(days=40)).isoformat(),
            "ends_at": (w.tomorrow + datetime.timedelta(days=41)).isoformat(),
            "reason": "Leave",
        },
        clinical_keys=False,
    ),
    ("PATCH", "timeoff-detail"): Call(
        lambda w: api(f"time-off/{w.time_off.pk}/"),
        S(200, 403, 403, 403, 200, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        data=lambda w: {"reason": "Leave"},
        clinical_keys=False,
    ),
    ("DELETE", "timeoff-detail"): Call(
        lambda w: api(f"time-off/{w.time_off.pk}/"),
        S(204, 403, 403, 403, 204, 401),
        NOT_PATIENT_DATA,
        why="the clinic's timetable",
        clinical_keys=False,
    ),
    ("GET", "appointmentkind-list"): Call(
        lambda w: api("appointment-kinds/"),
        S(200, 200, 200, 200, 200, 401),
        NOT_PATIENT_DATA,
        why="the kinds of appointment and their lengths",
    ),
    ("GET", "appointmentkind-detail"): Call(
        lambda w: api(f"appointment-kinds/{AppointmentKind.objects.get(code='session').pk}/"),
        S(200, 200, 200, 200, 200, 401),
        NOT_PATIENT_DATA,
        why="the kinds of appointment and their lengths",
    ),
    ("GET", "waitlist-list"): Call(
        lambda w: api("waitlist/"), S(200, 200, 200, 200, 200, 401), "view"
    ),
    ("POST", "waitlist-list"): Call(
        lambda w: api("waitlist/"),
        S(201, 403, 403, 403, 201, 401),
        "create",
        data=lambda w: {
            "case": w.fresh_case.pk,
            "earliest": w.tomorrow.isoformat(),
            "latest": (w.tomorrow + datetime.timedelta(days=2)).isoformat(),
        },
    ),
    ("GET", "waitlist-detail"): Call(
        lambda w: api(f"waitlist/{w.waitlist.pk}/"), S(200, 200, 404, 200, 200, 401), "view"
    ),
    ("PUT", "waitlist-detail"): Call(
        lambda w: api(f"waitlist/{w.waitlist.pk}/"),
        S(200, 403, 404, 403, 200, 401),
        "update",
        data=lambda w: {"status": "withdrawn"},
    ),
    ("PATCH", "waitlist-detail"): Call(
        lambda w: api(f"waitlist/{w.waitlist.pk}/"),
        S(200, 403, 404, 403, 200, 401),
        "update",
        data=lambda w: {"status": "withdrawn"},
    ),
    ("GET", "free-slots"): Call(
        lambda w: api(f"free-slots/?practitioner={w.dan.pk}"),
        S(200, 200, 200, 200, 200, 401),
        NOT_PATIENT_DATA,
        why="free start times: no booking's patient is named",
    ),
    # --- API: outcome measures -------------------------------------------------------------
    ("GET", "outcome-list"): Call(
        lambda w: api("outcomes/"), S(403, 200, 200, 200, 200, 401), "view"
    ),
    ("POST", "outcome-list"): Call(
        lambda w: api("outcomes/"),
        S(403, 201, 404, 403, 403, 401),
        "create",
        data=lambda w: {"case": w.case.pk, "instrument": "nprs", "answers": [3]},
    ),
    ("GET", "outcome-detail"): Call(
        lambda w: api(f"outcomes/{w.outcome.pk}/"), S(403, 200, 404, 200, 200, 401), "view"
    ),
    # --- API: the exercise library (not patient data) ---------------------------------------
    ("GET", "exercise-list"): Call(
        lambda w: api("exercises/"),
        S(403, 200, 200, 200, 200, 401),
        NOT_PATIENT_DATA,
        why="the clinic's exercise library",
    ),
    ("GET", "exercise-detail"): Call(
        lambda w: api(f"exercises/{w.item.exercise_id}/"),
        S(403, 200, 200, 200, 200, 401),
        NOT_PATIENT_DATA,
        why="the clinic's exercise library",
    ),
    # --- API: home exercise programmes and their logs -------------------------------------
    ("GET", "exercise-programme-list"): Call(
        lambda w: api("exercise-programmes/"), S(403, 200, 200, 200, 200, 401), "view"
    ),
    ("POST", "exercise-programme-list"): Call(
        lambda w: api("exercise-programmes/"),
        S(403, 201, 404, 403, 403, 401),
        "create",
        data=lambda w: {
            "case": w.fresh_case.pk,
            "items": [{"exercise": w.item.exercise_id, "sets": 3, "reps": 15, "per_week": 7}],
        },
    ),
    ("GET", "exercise-programme-detail"): Call(
        lambda w: api(f"exercise-programmes/{w.programme.pk}/"),
        S(403, 200, 404, 200, 200, 401),
        "view",
    ),
    ("PUT", "exercise-programme-detail"): Call(
        lambda w: api(f"exercise-programmes/{w.programme.pk}/"),
        S(403, 200, 404, 403, 403, 401),
        "update",
        data=lambda w: {
            "items": [
                {
                    "id": w.item.pk,
                    "exercise": w.item.exercise_id,
                    "sets": 4,
                    "reps": 12,
                    "per_week": 5,
                }
            ],
        },
        headers=IF_MATCH,
    ),
    ("PATCH", "exercise-programme-detail"): Call(
        lambda w: api(f"exercise-programmes/{w.programme.pk}/"),
        S(403, 200, 404, 403, 403, 401),
        "update",
        data=lambda w: {"active": True},
        headers=IF_MATCH,
    ),
    ("GET", "exercise-log-list"): Call(
        lambda w: api("exercise-logs/"), S(403, 200, 200, 200, 200, 401), "view"
    ),
    ("POST", "exercise-log-list"): Call(
        lambda w: api("exercise-logs/"),
        S(403, 201, 404, 403, 403, 401),
        "create",
        data=lambda w: {
            "programme": w.programme.pk,
            "date": timezone.localdate().isoformat(),
            "completed": [w.item.pk],
            "pain": 1,
        },
    ),
    ("GET", "exercise-log-detail"): Call(
        lambda w: api(f"exercise-logs/{w.exercise_log.pk}/"),
        S(403, 200, 404, 200, 200, 401),
        "view",
    ),
    # --- API: the return-to-run plan and its log --------------------------------------------
    ("GET", "run-plan-list"): Call(
        lambda w: api("run-plans/"), S(403, 200, 200, 200, 200, 401), "view"
    ),
    ("POST", "run-plan-list"): Call(
        lambda w: api("run-plans/"),
        S(403, 201, 404, 403, 403, 401),
        "create",
        data=lambda w: {"case": w.fresh_case.pk, "template": w.run_plan.template_id},
    ),
    ("GET", "run-plan-detail"): Call(
        lambda w: api(f"run-plans/{w.run_plan.pk}/"), S(403, 200, 404, 200, 200, 401), "view"
    ),
    ("PUT", "run-plan-detail"): Call(
        lambda w: api(f"run-plans/{w.run_plan.pk}/"),
        S(403, 200, 404, 403, 403, 401),
        "update",
        data=lambda w: {"template": w.run_plan.template_id, "stage": 2, "shoe_km": 300},
        headers=IF_MATCH,
    ),
    ("PATCH", "run-plan-detail"): Call(
        lambda w: api(f"run-plans/{w.run_plan.pk}/"),
        S(403, 200, 404, 403, 403, 401),
        "update",
        data=lambda w: {"cadence_cue": "Quick light steps."},
        headers=IF_MATCH,
    ),
    ("GET", "run-list"): Call(lambda w: api("runs/"), S(403, 200, 200, 200, 200, 401), "view"),
    ("POST", "run-list"): Call(
        lambda w: api("runs/"),
        S(403, 201, 404, 403, 403, 401),
        "create",
        data=lambda w: {
            "case": w.case.pk,
            "date": timezone.localdate().isoformat(),
            "minutes": 30,
            "pain_during": 2,
            "pain_after": 2,
        },
    ),
    ("GET", "run-detail"): Call(
        lambda w: api(f"runs/{w.run.pk}/"), S(403, 200, 404, 200, 200, 401), "view"
    ),
    ("POST", "run-next-morning"): Call(
        lambda w: api(f"runs/{w.run.pk}/next-morning/"),
        S(403, 200, 404, 403, 403, 401),
        "update",
        data=lambda w: {"pain_next_morning": 2},
    ),
    ("POST", "run-override"): Call(
        lambda w: api(f"runs/{w.run.pk}/override/"),
        S(403, 200, 404, 403, 403, 401),
        "update",
        data=lambda w: {"decision": "stay", "reason": MARKER},
    ),
    # --- API: alerts (reception sees that one exists; the assigned physio acknowledges) -----
    ("GET", "alert-list"): Call(lambda w: api("alerts/"), S(200, 200, 200, 200, 200, 401), "view"),
    ("GET", "alert-detail"): Call(
        lambda w: api(f"alerts/{w.alert.pk}/"), S(200, 200, 404, 200, 200, 401), "view"
    ),
    ("POST", "alert-acknowledge"): Call(
        lambda w: api(f"alerts/{w.alert.pk}/acknowledge/"),
        S(403, 200, 404, 403, 403, 401),
        "update",
    ),
    # --- API: the runner's links and questionnaires from home -------------------------------
    ("POST", "patient-portal-link-list"): Call(
        lambda w: api(f"patients/{w.patient.pk}/portal-link/"),
        S(201, 201, 404, 201, 403, 401),
        "create",
    ),
    ("GET", "portal-link-list"): Call(
        lambda w: api("portal-links/"), S(200, 200, 200, 200, 200, 401), "view"
    ),
    ("GET", "portal-link-detail"): Call(
        lambda w: api(f"portal-links/{w.link.pk}/"), S(200, 200, 404, 200, 200, 401), "view"
    ),
    ("POST", "portal-link-revoke"): Call(
        lambda w: api(f"portal-links/{w.link.pk}/revoke/"),
        S(200, 200, 404, 200, 200, 401),
        "update",
    ),
    ("GET", "outcome-request-list"): Call(
        lambda w: api("outcome-requests/"), S(403, 200, 200, 200, 200, 401), "view"
    ),
    ("POST", "outcome-request-list"): Call(
        lambda w: api("outcome-requests/"),
        S(403, 201, 404, 403, 403, 401),
        "create",
        data=lambda w: {"case": w.case.pk, "instrument": "lefs", "due_at": tomorrow_iso(w)},
    ),
    ("GET", "outcome-request-detail"): Call(
        lambda w: api(f"outcome-requests/{w.outcome_request.pk}/"),
        S(403, 200, 404, 200, 200, 401),
        "view",
    ),
    ("POST", "outcome-request-cancel"): Call(
        lambda w: api(f"outcome-requests/{w.outcome_request.pk}/cancel/"),
        S(403, 200, 404, 403, 403, 401),
        "update",
    ),
    ("GET", "intake-invitation-list"): Call(
        lambda w: api("intake-invitations/"),
        S(200, 200, 200, 200, 200, 401),
        "view",
        audit_patient=lambda w, response: w.noah.pk,
    ),
    ("POST", "intake-invitation-list"): Call(
        lambda w: api("intake-invitations/"),
        S(201, 403, 403, 403, 201, 401),
        "create",
        data=lambda w: {"patient": w.patient.pk},
    ),
    ("GET", "intake-invitation-detail"): Call(
        lambda w: api(f"intake-invitations/{w.invitation.pk}/"),
        S(200, 200, 404, 200, 200, 401),
        "view",
        audit_patient=lambda w, response: w.noah.pk,
    ),
    ("POST", "intake-invitation-confirm"): Call(
        lambda w: api(f"intake-invitations/{w.invitation.pk}/confirm/"),
        S(200, 403, 404, 403, 200, 401),
        "update",
        audit_patient=lambda w, response: w.noah.pk,
    ),
    # --- API: reminders (every role reads within its reach; the care team cancels) ---------
    ("GET", "reminder-list"): Call(
        lambda w: api("reminders/"), S(200, 200, 200, 200, 200, 401), "view"
    ),
    ("GET", "reminder-detail"): Call(
        lambda w: api(f"reminders/{w.reminder.pk}/"), S(200, 200, 404, 200, 200, 401), "view"
    ),
    ("POST", "reminder-cancel"): Call(
        lambda w: api(f"reminders/{w.reminder.pk}/cancel/"),
        S(200, 200, 404, 200, 200, 401),
        "update",
    ),
    # --- API: reports (counts over every visible case; never a patient) -------------------
    ("GET", "report-list"): Call(
        lambda w: api("reports/"),
        S(403, 403, 403, 200, 200, 401),
        NOT_PATIENT_DATA,
        why="the names of the reports",
    ),
    ("GET", "report-detail"): Call(
        lambda w: api("reports/attendance/"),
        S(403, 403, 403, 200, 200, 401),
        NOT_PATIENT_DATA,
        why="counts about no one patient, audited as reports.<name> (tests/reports)",
    ),
    # --- API: the discharge letter (a PDF of the clinical record, for the referrer) -------
    ("GET", "case-discharge-letter"): Call(
        lambda w: api(f"cases/{w.old_case.pk}/discharge-letter/"),
        S(403, 200, 404, 200, 200, 401),
        "export",
    ),
    ("POST", "case-discharge-letter-send"): Call(
        lambda w: api(f"cases/{w.old_case.pk}/discharge-letter/send/"),
        S(403, 201, 404, 201, 201, 401),
        "create",
        data=lambda w: {"consent": True},
    ),
    # --- API: outside the router -----------------------------------------------------------
    ("GET", "api-root"): Call(
        lambda w: api(""),
        S(200, 200, 200, 200, 200, 401),
        NOT_PATIENT_DATA,
        why="the list of endpoints",
    ),
    ("POST", "api-token"): Call(
        lambda w: api("auth/token/"),
        S(200, 200, 200, 200, 200, 400),
        NOT_PATIENT_DATA,
        why="credentials for a token",
    ),
    ("DELETE", "api-token"): Call(
        lambda w: api("auth/token/"),
        S(204, 204, 204, 204, 204, 401),
        NOT_PATIENT_DATA,
        why="revokes the caller's token",
    ),
    ("POST", "api-logout-all"): Call(
        lambda w: api("auth/logout-all/"),
        S(204, 204, 204, 204, 204, 401),
        NOT_PATIENT_DATA,
        why="ends the caller's own tokens and sessions",
    ),
    # --- Pages: the clinic core ------------------------------------------------------------
    ("GET", "home"): Call(
        lambda w: "/", S(302, 302, 302, 302, 302, LOGIN), None, why="a redirect", api=False
    ),
    ("GET", "login"): Call(
        lambda w: reverse("login"),
        S(302, 302, 302, 302, 302, 200),
        NOT_PATIENT_DATA,
        why="the login form",
        api=False,
    ),
    ("POST", "logout"): Call(
        lambda w: reverse("logout"),
        S(302, 302, 302, 302, 302, 302),
        NOT_PATIENT_DATA,
        why="ends the session",
        api=False,
    ),
    ("GET", "two-factor-setup"): Call(
        lambda w: reverse("two-factor-setup"),
        S(200, 200, 200, 200, 200, LOGIN),
        NOT_PATIENT_DATA,
        why="the user's own authenticator device",
        api=False,
    ),
    ("GET", "security"): Call(
        lambda w: reverse("security"),
        S(200, 200, 200, 200, 200, LOGIN),
        NOT_PATIENT_DATA,
        why="the user's own two-factor state and sign-ins",
        api=False,
    ),
    ("POST", "logout-everywhere"): Call(
        lambda w: reverse("logout-everywhere"),
        S(302, 302, 302, 302, 302, LOGIN),
        NOT_PATIENT_DATA,
        why="ends the caller's own sessions and tokens",
        api=False,
    ),
    ("GET", "two-factor-verify"): Call(
        lambda w: reverse("two-factor-verify"),
        S(302, 302, 302, 302, 302, LOGIN),
        NOT_PATIENT_DATA,
        why="no device yet: nothing to verify, back home",
        api=False,
    ),
    ("GET", "reminders:stop"): Call(
        lambda w: reverse("reminders:stop", args=[stop_token(w.patient.pk)]),
        S(200, 200, 200, 200, 200, 200),
        NOT_PATIENT_DATA,
        why="the patient's own opt-out link: a confirmation that names nobody",
        api=False,
    ),
    # --- Pages: the runner's (/r/): no staff login opens them (tests/portal) ----------------
    ("GET", "portal:open"): Call(
        lambda w: reverse("portal:open", args=[link_token(w.link.pk)]),
        S(200, 200, 200, 200, 200, 200),
        NOT_PATIENT_DATA,
        why="the private link's birth-date form: it names nobody",
        api=False,
    ),
    ("GET", "portal:home"): Call(
        lambda w: reverse("portal:home"),
        S(403, 403, 403, 403, 403, 403),
        NOT_PATIENT_DATA,
        why="without a runner session: the 'open your link again' page",
        api=False,
    ),
    ("GET", "portal:answer"): Call(
        lambda w: reverse("portal:answer", args=[w.outcome_request.pk]),
        S(403, 403, 403, 403, 403, 403),
        NOT_PATIENT_DATA,
        why="without a runner session: the 'open your link again' page",
        api=False,
    ),
    ("GET", "portal:intake"): Call(
        lambda w: reverse("portal:intake", args=[w.invitation.pk]),
        S(403, 403, 403, 403, 403, 403),
        NOT_PATIENT_DATA,
        why="without a runner session: the 'open your link again' page",
        api=False,
    ),
    ("GET", "portal:exercises"): Call(
        lambda w: reverse("portal:exercises"),
        S(403, 403, 403, 403, 403, 403),
        NOT_PATIENT_DATA,
        why="without a runner session: the 'open your link again' page",
        api=False,
    ),
    ("POST", "portal:exercises"): Call(
        lambda w: reverse("portal:exercises"),
        S(403, 403, 403, 403, 403, 403),
        NOT_PATIENT_DATA,
        why="without a runner session: the 'open your link again' page",
        api=False,
    ),
    ("GET", "portal:exercises-saved"): Call(
        lambda w: reverse("portal:exercises-saved"),
        S(403, 403, 403, 403, 403, 403),
        NOT_PATIENT_DATA,
        why="without a runner session: the 'open your link again' page",
        api=False,
    ),
    ("GET", "portal:run-new"): Call(
        lambda w: reverse("portal:run-new"),
        S(403, 403, 403, 403, 403, 403),
        NOT_PATIENT_DATA,
        why="without a runner session: the 'open your link again' page",
        api=False,
    ),
    ("POST", "portal:run-new"): Call(
        lambda w: reverse("portal:run-new"),
        S(403, 403, 403, 403, 403, 403),
        NOT_PATIENT_DATA,
        why="without a runner session: the 'open your link again' page",
        api=False,
    ),
    ("GET", "portal:run"): Call(
        lambda w: reverse("portal:run", args=[w.run.pk]),
        S(403, 403, 403, 403, 403, 403),
        NOT_PATIENT_DATA,
        why="without a runner session: the 'open your link again' page",
        api=False,
    ),
    ("GET", "portal:run-morning"): Call(
        lambda w: reverse("portal:run-morning", args=[w.run.pk]),
        S(403, 403, 403, 403, 403, 403),
        NOT_PATIENT_DATA,
        why="without a runner session: the 'open your link again' page",
        api=False,
    ),
    ("POST", "portal:run-morning"): Call(
        lambda w: reverse("portal:run-morning", args=[w.run.pk]),
        S(403, 403, 403, 403, 403, 403),
        NOT_PATIENT_DATA,
        why="without a runner session: the 'open your link again' page",
        api=False,
    ),
    ("GET", "portal:intakes-to-confirm"): Call(
        lambda w: reverse("portal:intakes-to-confirm"),
        S(200, 403, 403, 403, 200, LOGIN),
        "view",
        audit_patient=lambda w, response: w.noah.pk,
        api=False,
    ),
    ("POST", "portal:intake-confirm"): Call(
        lambda w: reverse("portal:intake-confirm", args=[w.invitation.pk]),
        S(302, 403, 403, 403, 302, LOGIN),
        "update",
        audit_patient=lambda w, response: w.noah.pk,
        api=False,
    ),
    ("POST", "portal:case-ask"): Call(
        lambda w: reverse("portal:case-ask", args=[w.case.pk]),
        S(403, 302, 404, 403, 403, LOGIN),
        "create",
        data=lambda w: {"instrument": "nprs"},
        api=False,
    ),
    ("POST", "portal:case-link"): Call(
        lambda w: reverse("portal:case-link", args=[w.case.pk]),
        S(403, 302, 404, 302, 403, LOGIN),
        "create",
        api=False,
    ),
    ("POST", "portal:leave"): Call(
        lambda w: reverse("portal:leave"),
        S(200, 200, 200, 200, 200, 200),
        NOT_PATIENT_DATA,
        why="ends the runner's session on this device",
        api=False,
    ),
    ("GET", "healthz"): Call(
        lambda w: reverse("healthz"),
        S(200, 200, 200, 200, 200, 200),
        NOT_PATIENT_DATA,
        why="the health check",
        api=False,
    ),
    ("GET", "fhir-code-system"): Call(
        lambda w: reverse("fhir-code-system", args=["talus-condition"]),
        S(200, 200, 200, 200, 200, 200),
        NOT_PATIENT_DATA,
        why="a published vocabulary that exported bundles name",
        api=False,
    ),
    ("GET", "fhir-questionnaire"): Call(
        lambda w: reverse("fhir-questionnaire", args=["ankle-pain-intake"]),
        S(200, 200, 200, 200, 200, 200),
        NOT_PATIENT_DATA,
        why="the intake Questionnaire's wording, which exported answers point to",
        api=False,
    ),
    ("GET", "patient-search"): Call(
        lambda w: reverse("patient-search") + "?q=Martin",
        S(200, 200, 200, 200, 200, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "patient-record"): Call(
        lambda w: reverse("patient-record", args=[w.patient.pk]),
        S(200, 200, 404, 200, 200, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "patient-edit"): Call(
        lambda w: reverse("patient-edit", args=[w.patient.pk]),
        S(200, 403, 403, 403, 200, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "keep-alive"): Call(
        lambda w: reverse("keep-alive"),
        S(204, 204, 204, 204, 204, LOGIN),
        NOT_PATIENT_DATA,
        why="restarts the session's idle time",
        api=False,
    ),
    # Reception and doctors assign or change the physio from the pages, as on the API.
    ("POST", "case-assign-physio"): Call(
        lambda w: reverse("case-assign-physio", args=[w.case.pk]),
        S(302, 403, 403, 302, 302, LOGIN),
        "update",
        data=lambda w: {"assigned_physio": w.oscar.pk},
        api=False,
    ),
    # --- Pages: reports (doctors and admins; counts, no patient) ---------------------------
    ("GET", "reports:index"): Call(
        lambda w: reverse("reports:index"),
        S(403, 403, 403, 200, 200, LOGIN),
        NOT_PATIENT_DATA,
        why="counts about no one patient, audited as reports.<name> (tests/reports)",
        api=False,
    ),
    ("GET", "reports:letter-send"): Call(
        lambda w: reverse("reports:letter-send", args=[w.old_case.pk]),
        S(403, 200, 404, 200, 200, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "reports:detail"): Call(
        lambda w: reverse("reports:detail", args=["recurrence"]),
        S(403, 403, 403, 200, 200, LOGIN),
        NOT_PATIENT_DATA,
        why="counts about no one patient, audited as reports.<name> (tests/reports)",
        api=False,
    ),
    # --- Pages: reception intake -----------------------------------------------------------
    ("GET", "triage:reception-home"): Call(
        lambda w: reverse("triage:reception-home"),
        S(200, 403, 403, 403, 200, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "triage:patient-register"): Call(
        lambda w: reverse("triage:patient-register"),
        S(200, 403, 403, 403, 200, LOGIN),
        NOT_PATIENT_DATA,
        why="an empty registration form",
        api=False,
    ),
    ("GET", "triage:intake-new"): Call(
        lambda w: reverse("triage:intake-new", args=[w.patient.pk]),
        S(200, 403, 403, 403, 200, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "triage:intake-result"): Call(
        lambda w: reverse("triage:intake-result", args=[w.intake.pk]),
        S(200, 403, 403, 200, 200, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "triage:consultation-new"): Call(
        lambda w: reverse("triage:consultation-new"),
        S(200, 403, 403, 200, 200, LOGIN),
        "view",
        api=False,
    ),
    ("POST", "triage:consultation-new"): Call(
        lambda w: reverse("triage:consultation-new"),
        S(302, 403, 403, 302, 302, LOGIN),
        "create",
        data=lambda w: {
            "case": w.fresh_case.pk,
            "doctor": w.dan.pk,
            "scheduled_at": (w.tomorrow + datetime.timedelta(hours=10)).strftime("%Y-%m-%dT%H:%M"),
        },
        api=False,
    ),
    ("GET", "triage:consultation-move"): Call(
        lambda w: reverse("triage:consultation-move", args=[w.consultation.pk]),
        S(200, 403, 403, 200, 200, LOGIN),
        "view",
        api=False,
    ),
    ("POST", "triage:consultation-move"): Call(
        lambda w: reverse("triage:consultation-move", args=[w.consultation.pk]),
        S(302, 403, 403, 302, 302, LOGIN),
        "update",
        data=lambda w: {
            "doctor": w.dan.pk,
            "scheduled_at": (w.tomorrow + datetime.timedelta(hours=9)).isoformat(),
        },
        api=False,
    ),
    ("GET", "triage:consultation-cancel"): Call(
        lambda w: reverse("triage:consultation-cancel", args=[w.consultation.pk]),
        S(200, 403, 403, 200, 200, LOGIN),
        "view",
        api=False,
    ),
    ("POST", "triage:consultation-cancel"): Call(
        lambda w: reverse("triage:consultation-cancel", args=[w.consultation.pk]),
        S(302, 403, 403, 302, 302, LOGIN),
        "update",
        data=lambda w: {"reason": "Called in sick"},
        api=False,
    ),
    ("GET", "triage:consultation-record"): Call(
        lambda w: reverse("triage:consultation-record", args=[w.consultation.pk]),
        S(403, 403, 403, 200, 403, LOGIN),
        "view",
        api=False,
    ),
    # The world's consultation is tomorrow: the doctor reaches the service, which refuses to
    # record it yet (tests/diary/test_consultation_record.py records one on its day).
    ("POST", "triage:consultation-record"): Call(
        lambda w: reverse("triage:consultation-record", args=[w.consultation.pk]),
        S(403, 403, 403, 400, 403, LOGIN),
        "update",
        data=lambda w: {"status": "attended", "notes": MARKER},
        api=False,
    ),
    ("POST", "triage:consultation-urgent"): Call(
        lambda w: reverse("triage:consultation-urgent", args=[w.intake.pk]),
        S(302, 403, 403, 302, 302, LOGIN),
        "create",
        data=lambda w: {
            "doctor": w.dan.pk,
            "scheduled_at": (w.tomorrow + datetime.timedelta(hours=10)).isoformat(),
        },
        api=False,
    ),
    # --- Pages: the diary ------------------------------------------------------------------
    ("GET", "diary:diary"): Call(
        lambda w: reverse("diary:diary") + f"?day={w.tomorrow.date().isoformat()}",
        S(200, 403, 403, 403, 200, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "diary:my-day"): Call(
        lambda w: reverse("diary:my-day") + f"?day={w.tomorrow.date().isoformat()}",
        S(403, 200, 200, 200, 403, LOGIN),
        NOT_PATIENT_DATA,
        why="the practitioner's own day: Paula's session names Emma (audited, "
        "tests/diary/test_diary_pages.py); Dan's consultation too; Oscar's day is empty",
        api=False,
    ),
    ("GET", "diary:offer"): Call(
        lambda w: reverse("diary:offer", args=[offer_token(w.waitlist.pk)]),
        S(200, 200, 200, 200, 200, 200),
        NOT_PATIENT_DATA,
        why="the patient's own offer link: the freed time and room, naming nobody",
        api=False,
    ),
    ("POST", "diary:offer"): Call(
        lambda w: reverse("diary:offer", args=[offer_token(w.waitlist.pk)]),
        S(409, 409, 409, 409, 409, 409),
        NOT_PATIENT_DATA,
        why="the offered time is Dan's live consultation here: gone, nothing booked "
        "(acceptance is audited as a create: tests/diary/test_waitlist.py)",
        api=False,
    ),
    ("GET", "diary:feed"): Call(
        lambda w: reverse("diary:feed", args=[feed_token(w.paula)]),
        S(200, 200, 200, 200, 200, 200),
        NOT_PATIENT_DATA,
        why="Paula's calendar app reads it by its signed address: times, rooms and initials, "
        "no name, MRN or clinical text (tests/diary/test_feed.py)",
        api=False,
    ),
    # --- Pages: doctors --------------------------------------------------------------------
    ("GET", "triage:case-list"): Call(
        lambda w: reverse("triage:case-list"),
        S(403, 403, 403, 200, 200, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "triage:case-detail"): Call(
        lambda w: reverse("triage:case-detail", args=[w.case.pk]),
        S(403, 200, 404, 200, 200, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "triage:exam-new"): Call(
        lambda w: reverse("triage:exam-new", args=[w.case.pk]),
        S(403, 403, 403, 200, 200, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "triage:diagnosis-new"): Call(
        lambda w: reverse("triage:diagnosis-new", args=[w.case.pk]),
        S(403, 403, 403, 200, 200, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "triage:referral-new"): Call(
        lambda w: reverse("triage:referral-new", args=[w.case.pk]),
        S(403, 403, 403, 200, 200, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "triage:exam-detail"): Call(
        lambda w: reverse("triage:exam-detail", args=[w.exam.pk]),
        S(403, 200, 404, 200, 200, LOGIN),
        "view",
        api=False,
    ),
    ("POST", "triage:exam-order"): Call(
        lambda w: reverse("triage:exam-order", args=[w.exam.pk]),
        S(403, 403, 403, 302, 302, LOGIN),
        "create",
        data=lambda w: {"study": "ankle_xray"},
        api=False,
    ),
    ("POST", "triage:diagnosis-status"): Call(
        lambda w: reverse("triage:diagnosis-status", args=[w.diagnosis.pk, "confirmed"]),
        S(403, 403, 403, 302, 302, LOGIN),
        "update",
        api=False,
    ),
    ("GET", "triage:referral-detail"): Call(
        lambda w: reverse("triage:referral-detail", args=[w.referral_reviewed.pk]),
        S(403, 200, 404, 200, 200, LOGIN),
        "view",
        api=False,
    ),
    ("POST", "triage:referral-step"): Call(
        lambda w: reverse("triage:referral-step", args=[w.referral_requested.pk, "cancel"]),
        S(403, 403, 403, 302, 302, LOGIN),
        "update",
        data=lambda w: {"cancel-reason": "Declined."},
        api=False,
    ),
    ("GET", "triage:reports-to-review"): Call(
        lambda w: reverse("triage:reports-to-review"),
        S(403, 403, 403, 200, 200, LOGIN),
        "view",
        api=False,
    ),
    # --- Pages: physios --------------------------------------------------------------------
    ("GET", "rehab:caseload"): Call(
        lambda w: reverse("rehab:caseload"),
        S(403, 200, 200, 403, 403, LOGIN),
        "view",
        api=False,
    ),
    ("POST", "rehab:alert-acknowledge"): Call(
        lambda w: reverse("rehab:alert-acknowledge", args=[w.alert.pk]),
        S(403, 302, 404, 403, 403, LOGIN),
        "update",
        api=False,
    ),
    ("GET", "rehab:case"): Call(
        lambda w: reverse("rehab:case", args=[w.case.pk]),
        S(403, 200, 404, 200, 200, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "rehab:plan"): Call(
        lambda w: reverse("rehab:plan", args=[w.case.pk]),
        S(403, 200, 404, 403, 403, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "rehab:session-record"): Call(
        lambda w: reverse("rehab:session-record", args=[w.case.pk]),
        S(403, 200, 404, 403, 403, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "rehab:outcome-new"): Call(
        lambda w: reverse("rehab:outcome-new", args=[w.case.pk]),
        S(403, 200, 404, 403, 403, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "rehab:return-to-run"): Call(
        lambda w: reverse("rehab:return-to-run", args=[w.case.pk]),
        S(403, 200, 404, 403, 403, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "rehab:discharge"): Call(
        lambda w: reverse("rehab:discharge", args=[w.case.pk]),
        S(403, 200, 404, 403, 403, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "rehab:programme"): Call(
        lambda w: reverse("rehab:programme", args=[w.case.pk]),
        S(403, 200, 404, 403, 403, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "rehab:programme-print"): Call(
        lambda w: reverse("rehab:programme-print", args=[w.case.pk]),
        S(403, 200, 404, 200, 200, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "rehab:exercise-log-new"): Call(
        lambda w: reverse("rehab:exercise-log-new", args=[w.case.pk]),
        S(403, 200, 404, 403, 403, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "rehab:run-plan"): Call(
        lambda w: reverse("rehab:run-plan", args=[w.case.pk]),
        S(403, 200, 404, 403, 403, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "rehab:run-new"): Call(
        lambda w: reverse("rehab:run-new", args=[w.case.pk]),
        S(403, 200, 404, 403, 403, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "rehab:run-override"): Call(
        lambda w: reverse("rehab:run-override", args=[w.run.pk]),
        S(403, 200, 404, 403, 403, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "rehab:session-log"): Call(
        lambda w: reverse("rehab:session-log", args=[w.session_attended.pk]),
        S(403, 200, 404, 403, 403, LOGIN),
        "view",
        api=False,
    ),
    # --- Pages: session booking (reception and physios) ------------------------------------
    ("GET", "rehab:sessions"): Call(
        lambda w: (
            reverse("rehab:sessions")
            + f"?day={timezone.localdate(w.session_attended.scheduled_at).isoformat()}"
        ),
        S(200, 200, 200, 403, 403, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "rehab:session-book"): Call(
        lambda w: reverse("rehab:session-book"),
        S(200, 200, 200, 403, 403, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "rehab:session-series"): Call(
        lambda w: reverse("rehab:session-series") + f"?case={w.case.pk}",
        S(200, 200, 200, 403, 403, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "rehab:session-move"): Call(
        lambda w: reverse("rehab:session-move", args=[w.session.pk]),
        S(200, 200, 404, 403, 403, LOGIN),
        "view",
        api=False,
    ),
    ("GET", "rehab:session-cancel"): Call(
        lambda w: reverse("rehab:session-cancel", args=[w.session.pk]),
        S(200, 200, 404, 403, 403, LOGIN),
        "view",
        api=False,
    ),
    ("POST", "rehab:session-cancel"): Call(
        lambda w: reverse("rehab:session-cancel", args=[w.session.pk]),
        S(302, 302, 404, 403, 403, LOGIN),
        "update",
        api=False,
    ),
}


# --- Route discovery -----------------------------------------------------------------------

# Not part of the matrix: Django admin (its own permission system, covered in
# tests/clinic/test_privacy_admin.py), the schema and its UI (no patient data), static files.
EXCLUDED_PREFIXES = ("admin/", "api/schema/", "api/docs/", "static/")

STANDARD_ACTIONS = {
    "list": ("GET", "list"),
    "create": ("POST", "list"),
    "retrieve": ("GET", "detail"),
    "update": ("PUT", "detail"),
    "partial_update": ("PATCH", "detail"),
    "destroy": ("DELETE", "detail"),
}


def discovered_api_routes() -> set[tuple[str, str]]:
    """(method, URL name) of every action of every viewset in the router, extra ones included."""
    routes = set()
    for _prefix, viewset, basename in router.registry:
        for action, (method, suffix) in STANDARD_ACTIONS.items():
            if hasattr(viewset, action):
                routes.add((method, f"{basename}-{suffix}"))
        for extra in viewset.get_extra_actions():
            for method in extra.mapping:
                routes.add((method.upper(), f"{basename}-{extra.url_name}"))
    return routes


def router_url_names() -> set[str]:
    names = set()
    for _prefix, viewset, basename in router.registry:
        names |= {f"{basename}-list", f"{basename}-detail"}
        names |= {f"{basename}-{extra.url_name}" for extra in viewset.get_extra_actions()}
    return names


def discovered_url_names() -> set[str]:
    """Every named URL pattern outside the router and the excluded prefixes."""
    found: set[str] = set()

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(EXCLUDED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"The URL {route!r} has no name: give it one."
                found.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "", "")
    return found - router_url_names()


def test_it_covers_every_route():
    api_rows = {key for key in TABLE if key[1] in router_url_names()}
    other_rows = {name for _method, name in TABLE} - router_url_names()

    assert discovered_api_routes() == api_rows
    assert discovered_url_names() == other_rows


def test_it_explains_every_route_without_audit():
    unexplained = [key for key, call in TABLE.items() if call.audit is None and not call.why]

    assert unexplained == []


# --- Running a call --------------------------------------------------------------------------


def perform(w: SimpleNamespace, key: tuple[str, str], persona: str):
    """Make the call of a row as a persona; returns the response."""
    method, _name = key
    call = TABLE[key]
    user = w.users[persona]
    data = call.data(w) if call.data else {}
    if call.api:
        client = APIClient()
        if key == ("POST", "api-token"):
            password = "correct horse battery" if user else "wrong"
            data = {"username": user.username if user else "rita", "password": password}
            if user is not None and hasattr(user, "otp_device"):
                data["otp_token"] = totp_code(user.otp_device)
        elif key == ("DELETE", "api-token") and user is not None:
            # Ends the token the request was made with: a real one.
            client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        elif user is not None:
            client.force_authenticate(user)
        return client.generic(
            method,
            call.url(w),
            json.dumps(data) if data else "",
            content_type="application/json",
            **call.headers,
        )
    client = Client()
    if user is not None:
        client.force_login(user)
    if method == "GET":
        return client.get(call.url(w))
    return client.post(call.url(w), data)


def status_matches(response, expected) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and response["Location"].startswith(
            reverse("login") + "?next="
        )
    return response.status_code == expected


def clinical_leaks(response, *, keys: bool = True) -> list[str]:
    """What of the clinical record this response carries (for reception: must be nothing)."""
    body = response.content.decode(errors="replace")
    leaks = [f"the marker {MARKER!r}"] if MARKER in body else []
    if keys and response.get("Content-Type", "").startswith(
        ("application/json", "application/fhir")
    ):

        def keys_of(value):
            if isinstance(value, dict):
                for k, v in value.items():
                    yield k
                    yield from keys_of(v)
            elif isinstance(value, list):
                for v in value:
                    yield from keys_of(v)

        found = set(keys_of(json.loads(body or "null"))) & CLINICAL_KEYS
        leaks += [f"the clinical field {k!r}" for k in sorted(found)]
    return leaks


def each_persona(w: SimpleNamespace, key: tuple[str, str]):
    """Yield (persona, response) for every persona, each call rolled back afterwards."""
    for persona in PERSONAS:
        with transaction.atomic():
            response = perform(w, key, persona)
            yield persona, response
            transaction.set_rollback(True)


# --- The matrix ----------------------------------------------------------------------------


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize("key", list(TABLE), ids=[f"{m} {n}" for m, n in TABLE])
def test_the_role_matrix(world, key):
    call = TABLE[key]
    wrong = []
    for persona, response in each_persona(world, key):
        expected = call.expect[persona]
        if not status_matches(response, expected):
            detail = response.content[:200].decode(errors="replace")
            wrong.append(f"{persona}: expected {expected}, got {response.status_code} {detail}")
        if persona == R:
            leaks = clinical_leaks(response, keys=call.clinical_keys)
            wrong += [f"reception received {leak}" for leak in leaks]

    assert wrong == []


def test_it_plants_the_marker_where_clinicians_read_it(world, api_as):
    """The leak check means something: the marker is really on the record."""
    dan = api_as(world.dan)

    assert MARKER in dan.get(api(f"examinations/{world.exam.pk}/")).content.decode()
    assert MARKER in dan.get(api(f"sessions/{world.session_attended.pk}/")).content.decode()
    assert MARKER in dan.get(api(f"patients/{world.patient.pk}/export/")).content.decode()


def test_it_answers_a_forbidden_role_the_same_for_a_record_that_does_not_exist(world, api_as):
    """A role's 403 on an endpoint depends on nothing but the role: no existence leak."""
    rita = api_as(world.rita)

    assert rita.get(api(f"examinations/{world.exam.pk}/")).status_code == 403
    assert rita.get(api("examinations/999999/")).status_code == 403
