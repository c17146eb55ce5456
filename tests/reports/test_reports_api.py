"""GET /api/v1/reports/<name>/: each report's numbers on a small clinic counted by hand.

November 2026 (from 2026-11-01 to 2026-11-30, clinic time UTC):
- Emma (left ankle, Paula, ankle sprain confirmed): discharged from an earlier left case on
  1 March 2026, so her November case is a recurrence. Intake 2 Nov 10:00; sessions: attended
  4, 11 and 18 Nov, a no-show 13 Nov, a cancelled 16 Nov, one still scheduled 27 Nov and one on
  2 December (outside the period); cleared to run on 20 Nov. LEFS 40 then 50 (MCID reached).
  X-ray from the exam as recommended: performed 5 Nov, reported 6 Nov, reviewed 8 Nov.
- Bob (right, Oscar, Achilles tendinitis provisional): an earlier right case discharged on
  1 Oct 2025 (more than 12 months before). Intake 3 Nov 09:00; attended 6 Nov 09:00 (60 min).
  NPRS 6 then 5 (MCID not reached). MRI from the exam against its recommendation; an X-ray
  without an exam, cancelled.
- Carol (right, Paula, no diagnosis): a left case discharged in October: another side.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from clinic.models import AuditEvent, Case, CaseStatus
from clinic.privacy import patient_restrict
from rehab.models import OutcomeMeasure, PhysioSession, ReturnToRun
from reports.tasks import refresh_aggregates
from tests.factories import CaseFactory, PatientFactory, examination_for, intake_for
from triage.models import Condition, Diagnosis, ImagingReferral

NOVEMBER = "from=2026-11-01&to=2026-11-30"


def at(day: int, hour: int = 10, month: int = 11, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


def _case(patient, physio, side, *, opened, discharged=None) -> Case:
    return CaseFactory(
        patient=patient,
        assigned_physio=physio,
        side=side,
        opened_at=opened,
        status=CaseStatus.DISCHARGED if discharged else CaseStatus.IN_REHAB,
        discharged_at=discharged,
    )


def _session(case, physio, when, status="attended", minutes=45) -> PhysioSession:
    return PhysioSession.objects.create(
        case=case, physio=physio, scheduled_at=when, status=status, duration_minutes=minutes
    )


def _outcome(case, physio, instrument, score, when, mcid) -> OutcomeMeasure:
    return OutcomeMeasure.objects.create(
        case=case,
        instrument=instrument,
        answers=[],
        score=score,
        score_max=80 if instrument == "lefs" else 10,
        interpretation="",
        mcid_reached=mcid,
        recorded_by=physio,
        recorded_at=when,
    )


@pytest.fixture
def clinic(db, rita, dan, paula, oscar, catalogue):
    paula.first_name, paula.last_name = "Paula", "Petit"
    paula.save()
    oscar.first_name, oscar.last_name = "Oscar", "Olsen"
    oscar.save()
    emma, bob, carol = (PatientFactory(given_name=n) for n in ("Emma", "Bob", "Carol"))
    sprain = Condition.objects.get(code="ankle_sprain")
    tendinitis = Condition.objects.get(code="achilles_tendinitis")

    _case(emma, paula, "left", opened=at(1, month=1), discharged=at(1, month=3))
    _case(bob, oscar, "right", opened=at(1, month=8, year=2025), discharged=at(1, 10, 10, 2025))
    _case(carol, paula, "left", opened=at(1, month=9), discharged=at(15, month=10))

    c1 = _case(emma, paula, "left", opened=at(2, 9))
    c2 = _case(bob, oscar, "right", opened=at(3, 8))
    c3 = _case(carol, paula, "right", opened=at(10))
    for case, when in ((c1, at(2, 10)), (c2, at(3, 9)), (c3, at(10, 11))):
        intake_for(case, rita)
        case.intake.__class__.objects.filter(pk=case.intake.pk).update(recorded_at=when)
    Diagnosis.objects.create(
        case=c1,
        condition=tendinitis,
        laterality="left",
        status="refuted",
        diagnosed_by=dan,
        refuted_by=dan,
        refuted_at=at(3),
    )
    Diagnosis.objects.create(
        case=c1,
        condition=sprain,
        laterality="left",
        status="confirmed",
        diagnosed_by=dan,
        confirmed_by=dan,
        confirmed_at=at(3),
    )
    Diagnosis.objects.create(
        case=c2, condition=tendinitis, laterality="right", status="provisional", diagnosed_by=dan
    )

    for day in (4, 11, 18):
        _session(c1, paula, at(day))
    _session(c1, paula, at(13), "no_show")
    _session(c1, paula, at(16), "cancelled")
    _session(c1, paula, at(27), "scheduled")
    _session(c1, paula, at(2, month=12), "scheduled")
    _session(c2, oscar, at(6, 9), minutes=60)
    ReturnToRun.objects.create(
        case=c1,
        checklist="ankle_sprain",
        decision="cleared",
        decided_on=dt.date(2026, 11, 20),
        reason="PAASS met.",
        decided_by=paula,
    )

    _outcome(c1, paula, "lefs", 40, at(4), None)
    _outcome(c1, paula, "lefs", 50, at(18), True)
    _outcome(c2, oscar, "nprs", 6, at(6), None)
    _outcome(c2, oscar, "nprs", 5, at(20), False)

    stamps = {"scheduled_for": at(5, 8), "scheduled_at": at(4, 12), "scheduled_by": dan}
    ImagingReferral.objects.create(
        case=c1,
        requested_by=dan,
        requested_at=at(4, 11),
        modality="xray",
        body_site="ankle",
        laterality="left",
        reason="Ottawa positive.",
        examination=_exam(c1, dan),
        status="reviewed",
        performed_at=at(5),
        report="No fracture.",
        reported_at=at(6),
        reviewed_at=at(8),
        **stamps,
    )
    ImagingReferral.objects.create(
        case=c2,
        requested_by=dan,
        requested_at=at(6, 12),
        modality="mri",
        body_site="Achilles tendon",
        laterality="right",
        reason="Persistent pain.",
        examination=_exam(c2, dan),
        override_reason="Persistent pain despite a normal exam.",
    )
    ImagingReferral.objects.create(
        case=c2,
        requested_by=dan,
        requested_at=at(7, 12),
        modality="xray",
        body_site="ankle",
        laterality="right",
        reason="Requested by the patient.",
        status="cancelled",
        cancelled_at=at(7, 13),
        cancelled_by=dan,
    )
    # The reports read the aggregates: the beat task folds the changes in (called here).
    refresh_aggregates()
    return {"c1": c1, "c2": c2, "c3": c3}


def _exam(case, doctor):
    return examination_for(case, doctor)


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    return response.json()["rows"]


def test_it_counts_attendance_per_practitioner(clinic, api_as, dan, paula, oscar):
    got = rows(api_as(dan).get(f"/api/v1/reports/attendance/?{NOVEMBER}"))

    assert got == [
        {
            "practitioner_id": oscar.pk,
            "practitioner": "Oscar Olsen",
            "booked": 1,
            "scheduled": 0,
            "attended": 1,
            "no_show": 0,
            "cancelled": 0,
            "no_show_rate": 0.0,
        },
        {
            "practitioner_id": paula.pk,
            "practitioner": "Paula Petit",
            "booked": 6,
            "scheduled": 1,
            "attended": 3,
            "no_show": 1,
            "cancelled": 1,
            "no_show_rate": 25.0,
        },
    ]


def test_it_filters_attendance_by_practitioner_and_by_condition(clinic, api_as, dan, paula, oscar):
    client = api_as(dan)

    by_oscar = rows(client.get(f"/api/v1/reports/attendance/?{NOVEMBER}&practitioner={oscar.pk}"))
    by_tendinitis = rows(
        client.get(f"/api/v1/reports/attendance/?{NOVEMBER}&condition=achilles_tendinitis")
    )
    by_paula = rows(client.get(f"/api/v1/reports/attendance/?{NOVEMBER}&practitioner={paula.pk}"))

    assert [(r["practitioner"], r["booked"]) for r in by_oscar] == [("Oscar Olsen", 1)]
    assert [(r["practitioner"], r["booked"]) for r in by_tendinitis] == [("Oscar Olsen", 1)]
    assert [(r["practitioner"], r["booked"]) for r in by_paula] == [("Paula Petit", 6)]


def test_it_measures_utilisation_against_the_opening_hours(
    clinic, api_as, dan, paula, oscar, settings
):
    settings.CLINIC_OPENING_HOURS = "mon-fri 08:00-19:00"  # the default (the suite opens 24/7)
    got = rows(api_as(dan).get(f"/api/v1/reports/utilisation/?{NOVEMBER}"))

    # November 2026 has 21 weekdays of 08:00-19:00: 21 x 660 = 13,860 minutes.
    assert got == [
        {
            "practitioner_id": oscar.pk,
            "practitioner": "Oscar Olsen",
            "sessions": 1,
            "booked_minutes": 60,
            "available_minutes": 13860,
            "utilisation": 0.4,
        },
        {
            "practitioner_id": paula.pk,
            "practitioner": "Paula Petit",
            "sessions": 5,
            "booked_minutes": 225,
            "available_minutes": 13860,
            "utilisation": 1.6,
        },
    ]


def test_it_sums_up_episodes_per_condition(clinic, api_as, dan):
    got = rows(api_as(dan).get(f"/api/v1/reports/episodes/?{NOVEMBER}"))

    assert got == [
        {
            "condition": "achilles_tendinitis",
            "condition_title": "Achilles tendinitis",
            "episodes": 1,
            "visits_mean": 1.0,
            "days_to_first_visit": 3.0,
            "cleared": 0,
            "days_to_clearance": None,
        },
        {
            "condition": "ankle_sprain",
            "condition_title": "Sprain and strain of ankle",
            "episodes": 1,
            "visits_mean": 3.0,
            "days_to_first_visit": 2.0,
            "cleared": 1,
            "days_to_clearance": 18.0,
        },
        {
            "condition": None,
            "condition_title": "Not diagnosed",
            "episodes": 1,
            "visits_mean": 0.0,
            "days_to_first_visit": None,
            "cleared": 0,
            "days_to_clearance": None,
        },
    ]


def test_it_shares_the_cases_reaching_the_mcid(clinic, api_as, dan, paula, oscar):
    got = rows(api_as(dan).get(f"/api/v1/reports/outcomes/?{NOVEMBER}"))

    assert [
        (
            r["instrument"],
            r["condition"],
            r["practitioner_id"],
            r["cases"],
            r["reached"],
            r["share"],
        )
        for r in got
    ] == [
        ("lefs", "ankle_sprain", paula.pk, 1, 1, 100.0),
        ("nprs", "achilles_tendinitis", oscar.pk, 1, 0, 0.0),
    ]


def test_it_counts_imaging_against_the_recommendation_and_its_turnaround(clinic, api_as, dan):
    got = rows(api_as(dan).get(f"/api/v1/reports/imaging/?{NOVEMBER}"))

    assert got == [
        {
            "modality": "mri",
            "ordered": 1,
            "from_exam": 1,
            "against": 1,
            "against_share": 100.0,
            "cancelled": 0,
            "days_performed_to_reported": None,
            "days_reported_to_reviewed": None,
        },
        {
            "modality": "xray",
            "ordered": 2,
            "from_exam": 1,
            "against": 0,
            "against_share": 0.0,
            "cancelled": 1,
            "days_performed_to_reported": 1.0,
            "days_reported_to_reviewed": 2.0,
        },
    ]


def test_it_counts_recurrences_on_the_same_side_within_twelve_months(clinic, api_as, dan):
    got = rows(api_as(dan).get(f"/api/v1/reports/recurrence/?{NOVEMBER}"))

    assert [(r["condition"], r["cases"], r["recurrences"], r["rate"]) for r in got] == [
        ("achilles_tendinitis", 1, 0, 0.0),
        ("ankle_sprain", 1, 1, 100.0),
        (None, 1, 0, 0.0),
    ]


def test_it_counts_a_bilateral_discharge_as_the_same_side(db, api_as, dan, paula, catalogue):
    eve = PatientFactory()
    _case(eve, paula, "both", opened=at(1, month=2), discharged=at(1, month=6))
    _case(eve, paula, "right", opened=at(12))
    refresh_aggregates()

    got = rows(api_as(dan).get(f"/api/v1/reports/recurrence/?{NOVEMBER}"))

    assert [(r["cases"], r["recurrences"]) for r in got] == [(1, 1)]


def test_it_answers_csv_with_a_header_row(clinic, api_as, dan):
    response = api_as(dan).get(f"/api/v1/reports/attendance/?{NOVEMBER}&format=csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="attendance-20261101-20261130.csv"'
    )
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table == [
        [
            "Practitioner",
            "Booked (sessions)",
            "Still scheduled (sessions)",
            "Attended (sessions)",
            "No-show (sessions)",
            "Cancelled (sessions)",
            "No-show rate (%)",
        ],
        ["Oscar Olsen", "1", "0", "1", "0", "0", "0.0"],
        ["Paula Petit", "6", "1", "3", "1", "1", "25.0"],
    ]


@pytest.mark.parametrize("persona", ["rita", "paula"])
def test_it_refuses_reception_and_physios(clinic, api_as, request, persona):
    response = api_as(request.getfixturevalue(persona)).get(
        f"/api/v1/reports/attendance/?{NOVEMBER}"
    )

    assert response.status_code == 403
    assert not AuditEvent.objects.exists()


def test_it_lets_admins_read_a_report(clinic, api_as, ada):
    assert api_as(ada).get(f"/api/v1/reports/imaging/?{NOVEMBER}").status_code == 200


def test_it_audits_a_report_without_naming_a_patient(clinic, api_as, dan):
    api_as(dan).get(f"/api/v1/reports/episodes/?{NOVEMBER}&condition=ankle_sprain")

    assert list(
        AuditEvent.objects.values_list("action", "object_type", "object_id", "patient")
    ) == [("view", "reports.episodes", "2026-11-01..2026-11-30 c=ankle_sprain", None)]


def test_it_leaves_out_a_restricted_patient_for_doctors_not_for_admins(clinic, api_as, dan, ada):
    patient_restrict(patient=clinic["c2"].patient)
    refresh_aggregates()

    as_dan = rows(api_as(dan).get(f"/api/v1/reports/attendance/?{NOVEMBER}"))
    as_ada = rows(api_as(ada).get(f"/api/v1/reports/attendance/?{NOVEMBER}"))

    assert [r["practitioner"] for r in as_dan] == ["Paula Petit"]
    assert [r["practitioner"] for r in as_ada] == ["Oscar Olsen", "Paula Petit"]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("from=2026-13-01", {"from": ["Enter a valid date."]}),
        (
            "from=2026-11-30&to=2026-11-01",
            {"to": ["The end of the period must not be before its start."]},
        ),
        ("from=2000-01-01&to=2026-11-30", {"from": ["A report covers 3660 days at most."]}),
        ("practitioner=abc", {"practitioner": ["Enter a whole number."]}),
        ("practitioner=999999", {"practitioner": ["No physio or doctor has this id."]}),
        ("condition=sore_toe", {"condition": ["No condition of the catalogue has this code."]}),
    ],
)
def test_it_answers_a_bad_query_with_the_field_named(clinic, api_as, dan, query, errors):
    response = api_as(dan).get(f"/api/v1/reports/attendance/?{query}")

    assert response.status_code == 400
    assert response.json() == errors


def test_it_answers_404_for_a_report_that_does_not_exist(clinic, api_as, dan):
    assert api_as(dan).get("/api/v1/reports/patients/").status_code == 404


def test_it_lists_the_reports(clinic, api_as, dan):
    response = api_as(dan).get("/api/v1/reports/")

    assert response.status_code == 200
    assert [r["name"] for r in response.json()] == [
        "attendance",
        "utilisation",
        "episodes",
        "outcomes",
        "imaging",
        "recurrence",
    ]


@pytest.mark.parametrize(
    "name", ["attendance", "utilisation", "episodes", "outcomes", "imaging", "recurrence"]
)
def test_it_answers_in_the_same_queries_for_a_small_clinic_and_a_larger_one(
    clinic, api_as, dan, paula, name
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(dan)
    url = f"/api/v1/reports/{name}/?{NOVEMBER}"

    def count() -> int:
        # A fresh user per request, as in production (the role is cached on the object).
        client.force_authenticate(type(dan).objects.get(pk=dan.pk))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = count()
    for index in range(10):
        case = _case(PatientFactory(), paula, "left", opened=at(5 + index))
        intake_for(case, dan)
        _session(case, paula, at(6 + index))
        _outcome(case, paula, "nprs", 6, at(6 + index), None)
        _outcome(case, paula, "nprs", 3, at(7 + index), True)
    refresh_aggregates()
    larger = count()

    assert larger == small
    # Authentication, the role, the aggregate, when it was refreshed, the titles, the audit
    # (imaging: JIT off instead of the refresh time); utilisation also reads the physios, the
    # diary's windows and the time off; outcomes the physios' names.
    assert small <= {"utilisation": 9, "outcomes": 8}.get(name, 7)


def test_it_answers_a_format_it_cannot_write_with_a_400_naming_format(api_as, dan):
    client = api_as(dan)

    listed = client.get("/api/v1/reports/?format=AAA")
    one = client.get("/api/v1/reports/attendance/?format=xml")

    assert listed.status_code == 400
    assert listed.json() == {"format": ["Choose one of: json, csv."]}
    assert one.status_code == 400
    assert list(one.json()) == ["format"]
