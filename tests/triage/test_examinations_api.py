"""POST /api/v1/examinations/: the exam, the stored imaging recommendation, who may do it."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from clinic.models import AuditEvent
from tests.factories import CaseFactory, PatientFactory, examination_for, intake_for
from triage.models import Examination

URL = "/api/v1/examinations/"

# Worked example: lateral malleolus tender with malleolar pain → the Ottawa ankle rule fires.
ANKLE_XRAY = {"malleolar_zone_pain": True, "lateral_malleolus_tenderness": True}


def test_it_records_an_exam_and_stores_its_imaging_recommendation(dan, case, api_as):
    response = api_as(dan).post(
        URL,
        {
            "case": case.pk,
            **ANKLE_XRAY,
            "thompson_test": "negative",
            "anterior_drawer": "positive",
            "dorsiflexion_deg": 12,
            "foot_posture": "flat",
            "notes": "Tender ATFL.",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["imaging_recommendation"]["studies"] == ["ankle_xray"]
    assert body["imaging_recommendation"]["primary"] == "ankle_xray"
    assert "lateral malleolus" in body["imaging_recommendation"]["rationale"][0]
    exam = Examination.objects.get(pk=body["id"])
    assert exam.examined_by == dan
    assert exam.anterior_drawer == "positive" and exam.foot_posture == "flat"
    assert exam.imaging_recommendation["studies"] == ["ankle_xray"]
    assert AuditEvent.objects.filter(
        object_type="triage.examination", object_id=str(exam.pk), action="create"
    ).exists()


def test_it_recommends_no_xray_when_the_ottawa_rules_are_negative(dan, case, api_as):
    response = api_as(dan).post(URL, {"case": case.pk}, format="json")

    assert response.status_code == 201
    recommendation = response.json()["imaging_recommendation"]
    assert recommendation["studies"] == [] and recommendation["primary"] is None
    assert recommendation["rationale"] == ["Ottawa rules negative: no X-ray needed."]


def test_it_answers_the_designs_recommendation_keys_as_booleans(dan, case, api_as):
    response = api_as(dan).post(URL, {"case": case.pk, **ANKLE_XRAY}, format="json")

    assert response.status_code == 201
    recommendation = response.json()["imaging_recommendation"]
    assert recommendation == {
        "ottawa_applicable": True,
        "ankle_xray": True,
        "foot_xray": False,
        "ultrasound": False,
        "mri": False,
        "studies": ["ankle_xray"],
        "primary": "ankle_xray",
        "rationale": recommendation["rationale"],
    }
    listed = api_as(dan).get(URL).json()["results"][0]["imaging_recommendation"]
    assert listed == recommendation


def test_it_recommends_foot_xray_and_ultrasound_together(dan, case, api_as):
    findings = {
        "midfoot_zone_pain": True,
        "navicular_tenderness": True,
        "thompson_test": "positive",
    }

    response = api_as(dan).post(URL, {"case": case.pk, **findings}, format="json")

    assert response.json()["imaging_recommendation"]["studies"] == ["foot_xray", "ultrasound"]


def test_it_cautions_for_a_patient_under_18_on_the_day_of_the_exam(dan, api_as):
    teen = PatientFactory(date_of_birth=datetime.date(2008, 6, 15))
    case = CaseFactory(patient=teen)

    with time_machine.travel(datetime.datetime(2026, 6, 14, 12, tzinfo=datetime.UTC)):
        before = api_as(dan).post(URL, {"case": case.pk, **ANKLE_XRAY}, format="json").json()
    with time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC)):
        after = api_as(dan).post(URL, {"case": case.pk, **ANKLE_XRAY}, format="json").json()

    assert before["patient_age"] == 17
    assert "Caution: the patient is 17" in before["imaging_recommendation"]["rationale"][-1]
    assert before["imaging_recommendation"]["studies"] == ["ankle_xray"]
    assert after["patient_age"] == 18
    assert not any("Caution" in s for s in after["imaging_recommendation"]["rationale"])


def test_it_recomputes_the_recommendation_when_findings_are_corrected(dan, case, api_as):
    exam = examination_for(case, dan)

    response = api_as(dan).patch(f"{URL}{exam.pk}/", {"thompson_test": "positive"}, format="json")

    assert response.status_code == 200
    exam.refresh_from_db()
    assert exam.imaging_recommendation["studies"] == ["ultrasound"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"dorsiflexion_deg": 95}, "dorsiflexion_deg"),
        ({"dorsiflexion_deg": -40}, "dorsiflexion_deg"),
        ({"thompson_test": "maybe"}, "thompson_test"),
        ({"foot_posture": "round"}, "foot_posture"),
        ({"malleolar_zone_pain": "perhaps"}, "malleolar_zone_pain"),
        ({"malleolar_zone_pain": 1}, "malleolar_zone_pain"),
        ({"navicular_tenderness": "true"}, "navicular_tenderness"),
        ({"squeeze_test": "maybe"}, "squeeze_test"),
        ({"external_rotation_test": True}, "external_rotation_test"),
        ({"days_since_injury": -1}, "days_since_injury"),
        ({"days_since_injury": 3651}, "days_since_injury"),
        ({"ottawa_exclusions": ["drunk"]}, "ottawa_exclusions"),
        ({"ottawa_exclusions": ["pregnancy", "pregnancy"]}, "ottawa_exclusions"),
        ({"ottawa_exclusions": "pregnancy"}, "ottawa_exclusions"),
    ],
)
def test_it_refuses_bad_findings_field_by_field(dan, case, api_as, payload, field):
    response = api_as(dan).post(URL, {"case": case.pk, **payload}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Examination.objects.exists()


@pytest.mark.parametrize("persona", ["rita", "paula", "oscar"])
def test_it_lets_only_doctors_examine(persona, case, api_as, request):
    user = request.getfixturevalue(persona)

    response = api_as(user).post(URL, {"case": case.pk, **ANKLE_XRAY}, format="json")

    assert response.status_code == 403
    assert not Examination.objects.exists()


def test_it_shows_exams_to_the_assigned_physio_only(dan, paula, oscar, rita, case, api_as):
    exam = examination_for(case, dan, **ANKLE_XRAY)

    assert api_as(paula).get(f"{URL}{exam.pk}/").status_code == 200
    assert [e["id"] for e in api_as(paula).get(URL).json()["results"]] == [exam.pk]
    assert api_as(oscar).get(f"{URL}{exam.pk}/").status_code == 404
    assert api_as(oscar).get(URL).json()["results"] == []
    assert api_as(rita).get(URL).status_code == 403
    assert api_as(rita).get(f"{URL}{exam.pk}/").status_code == 403
    assert api_as(paula).patch(f"{URL}{exam.pk}/", {"notes": "x"}, format="json").status_code == 403


def test_it_filters_exams_by_case(dan, case, api_as):
    mine = examination_for(case, dan)
    examination_for(CaseFactory(), dan)

    listed = api_as(dan).get(URL, {"case": case.pk}).json()["results"]

    assert [e["id"] for e in listed] == [mine.pk]


def test_it_keeps_the_exam_list_to_a_constant_number_of_queries(
    dan, api_as, django_assert_max_num_queries
):
    client = api_as(dan)
    examination_for(CaseFactory(), dan)
    with django_assert_max_num_queries(5):
        client.get(URL)
    for _ in range(29):
        examination_for(CaseFactory(), dan)
    with django_assert_max_num_queries(5):
        assert len(client.get(URL).json()["results"]) == 30


# --- Where the Ottawa rules apply, the syndesmosis and the stress fracture, through the API ---

NOW = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)


def trauma_intake(case, rita, *, days_ago: int, pain_days: int, **answers):
    """A twisted ankle's questionnaire, recorded ``days_ago`` before NOW."""
    return intake_for(
        case,
        rita,
        onset="trauma",
        mechanism="twist",
        pain_location="lateral",
        pain_duration_days=pain_days,
        recorded_at=NOW - datetime.timedelta(days=days_ago),
        **answers,
    )


def test_it_defaults_the_new_findings_and_derives_the_days_from_the_intake(dan, rita, case, api_as):
    trauma_intake(case, rita, days_ago=3, pain_days=2)

    with time_machine.travel(NOW):
        response = api_as(dan).post(URL, {"case": case.pk, **ANKLE_XRAY}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["squeeze_test"], body["external_rotation_test"]) == ("not_done", "not_done")
    assert (body["days_since_injury"], body["ottawa_exclusions"]) == (5, [])
    assert body["imaging_recommendation"]["ottawa_applicable"] is True
    assert body["imaging_recommendation"]["ankle_xray"] is True
    assert Examination.objects.get().days_since_injury == 5


def test_it_leaves_imaging_to_the_doctor_for_an_injury_older_than_10_days(dan, rita, case, api_as):
    trauma_intake(case, rita, days_ago=4, pain_days=7)

    with time_machine.travel(NOW):
        response = api_as(dan).post(URL, {"case": case.pk, **ANKLE_XRAY}, format="json")

    assert response.status_code == 201
    recommendation = response.json()["imaging_recommendation"]
    assert response.json()["days_since_injury"] == 11
    assert (recommendation["ottawa_applicable"], recommendation["ankle_xray"]) == (False, False)
    assert recommendation["rationale"] == [
        "The Ottawa rules do not apply: the injury is 11 days old (the rules cover the first 10 "
        "days). Imaging is the doctor's judgement."
    ]


def test_it_takes_the_doctors_days_since_injury_over_the_intakes(dan, rita, case, api_as):
    trauma_intake(case, rita, days_ago=4, pain_days=7)

    with time_machine.travel(NOW):
        response = api_as(dan).post(
            URL, {"case": case.pk, **ANKLE_XRAY, "days_since_injury": 2}, format="json"
        )

    assert response.status_code == 201
    assert response.json()["imaging_recommendation"]["ankle_xray"] is True


def test_it_does_not_tell_a_3_year_old_that_no_xray_is_needed(dan, api_as):
    toddler = PatientFactory(date_of_birth=datetime.date(2023, 5, 1))
    case = CaseFactory(patient=toddler)

    with time_machine.travel(NOW):
        response = api_as(dan).post(URL, {"case": case.pk}, format="json")

    assert response.status_code == 201
    recommendation = response.json()["imaging_recommendation"]
    assert recommendation["ottawa_applicable"] is False
    assert "Ottawa rules negative: no X-ray needed." not in recommendation["rationale"]
    assert recommendation["rationale"][0].startswith(
        "The Ottawa rules do not apply: the patient is 3"
    )


def test_it_does_not_run_the_rules_for_an_intoxicated_patient(dan, case, api_as):
    response = api_as(dan).post(
        URL, {"case": case.pk, **ANKLE_XRAY, "ottawa_exclusions": ["intoxication"]}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["ottawa_exclusions"] == ["intoxication"]
    recommendation = response.json()["imaging_recommendation"]
    assert (recommendation["ottawa_applicable"], recommendation["studies"]) == (False, [])


def test_it_recommends_xray_then_mri_for_a_gradual_pain_with_bone_tenderness(
    dan, rita, case, api_as
):
    intake_for(case, rita)  # a gradual Achilles pain
    findings = {"midfoot_zone_pain": True, "navicular_tenderness": True}

    response = api_as(dan).post(URL, {"case": case.pk, **findings}, format="json")

    assert response.status_code == 201
    recommendation = response.json()["imaging_recommendation"]
    assert {k: recommendation[k] for k in ("ottawa_applicable", "foot_xray", "mri")} == {
        "ottawa_applicable": False,
        "foot_xray": True,
        "mri": True,
    }
    assert recommendation["studies"] == ["foot_xray", "mri"]


def test_it_recommends_xray_then_mri_for_the_intakes_focal_bone_pain(dan, rita, case, api_as):
    intake_for(case, rita, focal_bone_pain=True, pain_location="anterior")

    response = api_as(dan).post(URL, {"case": case.pk}, format="json")

    assert response.status_code == 201
    assert response.json()["imaging_recommendation"]["studies"] == ["ankle_xray", "mri"]


def test_it_orders_an_ankle_xray_for_a_positive_squeeze_test(dan, case, api_as):
    response = api_as(dan).post(URL, {"case": case.pk, "squeeze_test": "positive"}, format="json")

    assert response.status_code == 201
    recommendation = response.json()["imaging_recommendation"]
    assert recommendation["studies"] == ["ankle_xray"]
    assert "syndesmosis" in recommendation["rationale"][-1]
    assert Examination.objects.get().squeeze_test == "positive"


def test_it_names_tenderness_without_zone_pain_as_a_contradiction(dan, case, api_as):
    response = api_as(dan).post(
        URL, {"case": case.pk, "lateral_malleolus_tenderness": True}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["imaging_recommendation"]["rationale"] == [
        "Contradiction: tenderness at the lateral malleolus is ticked without pain in the "
        "malleolar zone; check the findings (the Ottawa rules cannot be read from them)."
    ]
