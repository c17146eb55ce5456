"""POST/GET /api/v1/intakes/: one transaction for patient, case and questionnaire."""

from __future__ import annotations

import datetime

import pytest

from clinic.models import AuditEvent, Case, Patient
from tests.factories import PatientFactory
from triage.models import Intake

URL = "/api/v1/intakes/"

NEW_PATIENT = {
    "given_name": "Emma",
    "family_name": "Martin",
    "date_of_birth": "1991-03-14",
    "sex": "female",
    "email": "emma@example.org",
    "preferred_channel": "email",
    "reminder_consent": True,
}

TWISTED_ANKLE = {
    "onset": "trauma",
    "mechanism": "twist",
    "swelling": "moderate",
    "hematoma": True,
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

ACHING_ACHILLES = {
    **TWISTED_ANKLE,
    "onset": "gradual",
    "mechanism": None,
    "swelling": "none",
    "hematoma": False,
    "mobility": "normal",
    "weight_bearing": "normal",
    "pain_location": "posterior",
    "pain_at_rest": 2,
    "pain_after_running": 6,
    "pain_duration_days": 30,
    "still_running": True,
    "recent_training_change": True,
}


def nothing_written() -> bool:
    return not (Patient.objects.exists() or Case.objects.exists() or Intake.objects.exists())


def test_it_registers_the_patient_opens_the_case_and_triages_at_once(rita, api_as):
    response = api_as(rita).post(URL, {"new_patient": NEW_PATIENT, "questionnaire": TWISTED_ANKLE})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["triage"] == {
        "pathway": "trauma",
        "urgency": "urgent",
        "red_flags": [],
        "stop_running": True,
        "suspected_conditions": ["ankle_sprain", "ankle_fracture"],
        "rationale": body["triage"]["rationale"],
        "patient_advice": (
            "You need to see a doctor today. We will find you an appointment with one of our "
            "doctors today; if we cannot, go to an urgent care centre or a hospital emergency "
            "department today. Please stop running until your ankle has been checked."
        ),
    }
    assert body["triage"]["rationale"] and all(s.endswith(".") for s in body["triage"]["rationale"])
    case = Case.objects.get(pk=body["case"])
    assert (case.status, case.urgency, case.side) == ("triaged", "urgent", "left")
    assert case.patient_id == body["patient"] == Patient.objects.get().pk
    intake = Intake.objects.get(pk=body["id"])
    assert (intake.recorded_by, intake.mechanism, intake.hematoma) == (rita, "twist", True)
    assert str(intake.weekly_distance_km) == "35.5"


def test_it_takes_an_existing_patient(rita, api_as, patient):
    response = api_as(rita).post(URL, {"patient": patient.pk, "questionnaire": ACHING_ACHILLES})

    assert response.status_code == 201, response.json()
    triage = response.json()["triage"]
    assert (triage["pathway"], triage["urgency"], triage["stop_running"]) == (
        "overuse",
        "routine",
        True,
    )
    assert triage["suspected_conditions"] == ["achilles_tendinitis", "poor_running_technique"]
    assert Patient.objects.count() == 1
    assert Case.objects.get().status == "triaged"


def test_it_refuses_a_duplicate_new_patient_with_409_and_writes_nothing_more(rita, api_as):
    emma = PatientFactory(
        given_name="Emma", family_name="Martin", date_of_birth=datetime.date(1991, 3, 14)
    )

    response = api_as(rita).post(
        URL,
        {"new_patient": {**NEW_PATIENT, "family_name": "MARTIN"}, "questionnaire": TWISTED_ANKLE},
    )

    assert response.status_code == 409
    assert response.json()["match"] == emma.pk
    assert Patient.objects.count() == 1
    assert not Case.objects.exists()


@pytest.mark.parametrize("where", ["top", "new_patient"])
def test_it_registers_the_duplicate_when_asked_to(rita, api_as, where):
    PatientFactory(
        given_name="Emma", family_name="Martin", date_of_birth=datetime.date(1991, 3, 14)
    )
    body = {"new_patient": dict(NEW_PATIENT), "questionnaire": TWISTED_ANKLE}
    if where == "top":
        body["allow_duplicate"] = True
    else:
        body["new_patient"]["allow_duplicate"] = True

    response = api_as(rita).post(URL, body)

    assert response.status_code == 201
    assert Patient.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"onset": "slow"}, "onset"),
        ({"mechanism": None}, "mechanism"),  # trauma needs a mechanism
        ({"mechanism": "kick"}, "mechanism"),
        ({"swelling": "huge"}, "swelling"),
        ({"hematoma": "maybe"}, "hematoma"),
        ({"hematoma": "yes"}, "hematoma"),
        ({"still_running": 1}, "still_running"),
        ({"mobility": "bad"}, "mobility"),
        ({"weight_bearing": None}, "weight_bearing"),
        ({"pain_location": "heel"}, "pain_location"),
        ({"side": "middle"}, "side"),
        ({"pain_at_rest": 11}, "pain_at_rest"),
        ({"pain_at_rest": -1}, "pain_at_rest"),
        ({"pain_after_running": "a lot"}, "pain_after_running"),
        ({"pain_duration_days": -2}, "pain_duration_days"),
        ({"pain_duration_days": 2**31}, "pain_duration_days"),
        ({"pain_duration_days": 3651}, "pain_duration_days"),
        ({"weekly_distance_km": -5}, "weekly_distance_km"),
        ({"weekly_distance_km": 500.1}, "weekly_distance_km"),
        ({"weekly_distance_km": "35.5"}, "weekly_distance_km"),
        ({"weekly_distance_km": 1e308}, "weekly_distance_km"),
        ({"previous_sprains": -1}, "previous_sprains"),
        ({"previous_sprains": 101}, "previous_sprains"),
        ({"previous_sprains": 40_000}, "previous_sprains"),
        ({"known_flat_feet": None}, "known_flat_feet"),
    ],
)
def test_it_answers_400_naming_the_bad_field_and_writes_nothing(rita, api_as, change, field):
    response = api_as(rita).post(
        URL, {"new_patient": NEW_PATIENT, "questionnaire": {**TWISTED_ANKLE, **change}}
    )

    assert response.status_code == 400
    assert field in response.json()["questionnaire"]
    assert nothing_written()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("field", "most"),
    [("pain_duration_days", 3650), ("weekly_distance_km", 500), ("previous_sprains", 100)],
)
def test_it_takes_each_number_at_the_top_of_its_range(rita, api_as, field, most):
    body = {"new_patient": NEW_PATIENT, "questionnaire": {**TWISTED_ANKLE, field: most}}

    response = api_as(rita).post(URL, body)

    assert response.status_code == 201, response.json()
    assert response.json()["questionnaire"][field] == most


def test_it_keeps_the_weekly_distance_to_a_tenth_of_a_km_and_answers_a_number(rita, api_as):
    body = {
        "new_patient": NEW_PATIENT,
        "questionnaire": {**TWISTED_ANKLE, "weekly_distance_km": 35.55},
    }

    response = api_as(rita).post(URL, body)

    assert response.status_code == 201, response.json()
    assert response.json()["questionnaire"]["weekly_distance_km"] == 35.6
    assert str(Intake.objects.get().weekly_distance_km) == "35.6"


def test_it_refuses_a_mechanism_for_a_gradual_onset(rita, api_as):
    response = api_as(rita).post(
        URL, {"new_patient": NEW_PATIENT, "questionnaire": {**ACHING_ACHILLES, "mechanism": "fall"}}
    )

    assert response.status_code == 400
    assert "mechanism" in response.json()["questionnaire"]
    assert nothing_written()


def test_it_takes_a_gradual_onset_without_the_mechanism_key(rita, api_as):
    questionnaire = {k: v for k, v in ACHING_ACHILLES.items() if k != "mechanism"}

    response = api_as(rita).post(URL, {"new_patient": NEW_PATIENT, "questionnaire": questionnaire})

    assert response.status_code == 201, response.json()
    assert response.json()["questionnaire"]["mechanism"] is None
    assert response.json()["triage"]["pathway"] == "overuse"
    assert Intake.objects.get().mechanism == ""


def test_it_still_needs_the_mechanism_of_a_trauma_when_the_key_is_left_out(rita, api_as):
    questionnaire = {k: v for k, v in TWISTED_ANKLE.items() if k != "mechanism"}

    response = api_as(rita).post(URL, {"new_patient": NEW_PATIENT, "questionnaire": questionnaire})

    assert response.status_code == 400
    assert response.json()["questionnaire"] == {"mechanism": ["Required when the onset is trauma."]}
    assert nothing_written()


def test_it_answers_400_for_a_bad_new_patient_and_writes_nothing(rita, api_as):
    response = api_as(rita).post(
        URL,
        {
            "new_patient": {**NEW_PATIENT, "date_of_birth": "tomorrow"},
            "questionnaire": TWISTED_ANKLE,
        },
    )

    assert response.status_code == 400
    assert "date_of_birth" in response.json()["new_patient"]
    assert nothing_written()


@pytest.mark.parametrize("body", [{}, {"patient": 1, "new_patient": NEW_PATIENT}])
def test_it_needs_exactly_one_of_patient_and_new_patient(rita, api_as, patient, body):
    response = api_as(rita).post(URL, {**body, "questionnaire": TWISTED_ANKLE})

    assert response.status_code == 400
    assert "patient" in response.json()
    assert Case.objects.count() == 0


def test_it_does_not_let_a_physio_take_an_intake(paula, api_as, patient):
    response = api_as(paula).post(URL, {"patient": patient.pk, "questionnaire": TWISTED_ANKLE})

    assert response.status_code == 403
    assert not Case.objects.exists()


def test_it_lets_clinicians_read_intakes_within_their_reach(rita, dan, paula, oscar, api_as):
    created = (
        api_as(rita).post(URL, {"new_patient": NEW_PATIENT, "questionnaire": TWISTED_ANKLE}).json()
    )
    Case.objects.filter(pk=created["case"]).update(assigned_physio=paula)
    detail = f"{URL}{created['id']}/"

    assert api_as(dan).get(detail).json()["triage"]["urgency"] == "urgent"
    assert api_as(paula).get(detail).json()["questionnaire"]["mechanism"] == "twist"
    assert api_as(oscar).get(detail).status_code == 404
    assert api_as(oscar).get(URL).json()["results"] == []
    assert [i["id"] for i in api_as(rita).get(URL).json()["results"]] == [created["id"]]


def test_it_audits_the_creation_of_patient_case_and_intake(rita, api_as):
    body = (
        api_as(rita).post(URL, {"new_patient": NEW_PATIENT, "questionnaire": TWISTED_ANKLE}).json()
    )

    created = set(AuditEvent.objects.filter(action="create").values_list("object_type", flat=True))

    assert created == {"clinic.patient", "clinic.case", "triage.intake"}
    assert set(AuditEvent.objects.values_list("patient_id", flat=True)) == {body["patient"]}


def test_it_records_an_intake_in_pinned_queries(rita, api_as, patient, django_assert_num_queries):
    """The token, the patient, their discharged cases (recurrence), the case and its history
    row, one stale mark for the reports, the intake and its history row, the audit rows,
    and the request's savepoint pair: nothing twice (docs/benchmarks.md, "apipath")."""
    client = api_as(rita)

    with django_assert_num_queries(11) as captured:
        response = client.post(URL, {"patient": patient.pk, "questionnaire": TWISTED_ANKLE})

    assert response.status_code == 201
    marks = [q["sql"] for q in captured.captured_queries if "reports_stalemark" in q["sql"]]
    assert len(marks) == 1


def test_it_keeps_the_intake_list_to_a_constant_number_of_queries(
    rita, api_as, patient, django_assert_max_num_queries
):
    client = api_as(rita)
    client.post(URL, {"patient": patient.pk, "questionnaire": TWISTED_ANKLE})
    with django_assert_max_num_queries(6):
        client.get(URL)
    for _ in range(20):
        client.post(URL, {"patient": patient.pk, "questionnaire": ACHING_ACHILLES})
    with django_assert_max_num_queries(6):
        assert len(client.get(URL).json()["results"]) == 21


class DeclaredIntakeSerializer:
    """IntakeSerializer answering through its declared fields, not intake_json."""

    def __new__(cls, *args, **kwargs):
        from rest_framework import serializers

        from triage.api.intakes import IntakeSerializer

        class Declared(IntakeSerializer):
            def to_representation(self, instance):
                return serializers.ModelSerializer.to_representation(self, instance)

        return Declared(*args, **kwargs)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/New_York"])
def test_it_writes_an_intake_exactly_as_the_declared_fields_would(rita, api_as, settings, zone):
    """The answer (and the list, and a detail) is written by intake_json: same JSON, same
    key order, in any clinic zone, for an answer just made and one read back."""
    import json

    from rest_framework.renderers import JSONRenderer

    from triage.api.intakes import IntakeSerializer

    settings.TIME_ZONE = zone
    client = api_as(rita)
    created = client.post(URL, {"new_patient": NEW_PATIENT, "questionnaire": ACHING_ACHILLES})
    assert created.status_code == 201, created.json()
    client.post(URL, {"patient": created.json()["patient"], "questionnaire": TWISTED_ANKLE})

    intakes = list(Intake.objects.select_related("case").order_by("-recorded_at", "-id"))
    declared = [DeclaredIntakeSerializer(i).data for i in intakes]
    expected = [json.loads(JSONRenderer().render(data)) for data in declared]
    listed = client.get(URL).json()["results"]
    detail = client.get(f"{URL}{intakes[0].pk}/").json()

    assert created.json() == expected[1]
    assert list(created.json()["questionnaire"]) == list(expected[1]["questionnaire"])
    assert listed == expected
    assert detail == expected[0]
    assert detail["questionnaire"]["mechanism"] == "twist"
    assert expected[1]["questionnaire"]["mechanism"] is None
    assert expected[0]["questionnaire"]["weekly_distance_km"] == 35.5
    assert detail["recorded_at"].endswith("Z") == (zone == "UTC")
    # The same Python values too (a Decimal distance), as the idempotent replay stores them.
    assert [IntakeSerializer(i).data for i in intakes] == declared


def test_it_answers_where_the_new_intake_lives(rita, api_as):
    response = api_as(rita).post(URL, {"new_patient": NEW_PATIENT, "questionnaire": TWISTED_ANKLE})

    assert response.status_code == 201
    assert response["Location"] == f"{URL}{response.json()['id']}/"


# --- The safety questions and the revised triage, through the API ------------------------


@pytest.mark.parametrize(
    "question",
    [
        "calf_pain_or_swelling",
        "fever_or_hot_red_joint",
        "numbness_or_cold_foot",
        "night_pain",
        "focal_bone_pain",
    ],
)
def test_it_requires_each_safety_question(rita, api_as, question):
    questionnaire = {k: v for k, v in ACHING_ACHILLES.items() if k != question}

    response = api_as(rita).post(URL, {"new_patient": NEW_PATIENT, "questionnaire": questionnaire})

    assert response.status_code == 400
    assert response.json() == {"questionnaire": {question: ["This field is required."]}}
    assert nothing_written()


def test_it_refuses_a_null_safety_answer(rita, api_as):
    questionnaire = {**ACHING_ACHILLES, "night_pain": None}

    response = api_as(rita).post(URL, {"new_patient": NEW_PATIENT, "questionnaire": questionnaire})

    assert response.status_code == 400
    assert list(response.json()["questionnaire"]) == ["night_pain"]
    assert nothing_written()


def test_it_makes_a_quiet_gradual_pain_with_calf_swelling_urgent(rita, api_as):
    questionnaire = {**ACHING_ACHILLES, "calf_pain_or_swelling": True}

    response = api_as(rita).post(URL, {"new_patient": NEW_PATIENT, "questionnaire": questionnaire})

    assert response.status_code == 201
    triage = response.json()["triage"]
    assert (triage["urgency"], triage["red_flags"], triage["stop_running"]) == (
        "urgent",
        ["calf_pain_or_swelling"],
        True,
    )
    assert "call an ambulance" in triage["patient_advice"]
    assert Case.objects.get().urgency == "urgent"
    intake = Intake.objects.get()
    assert (intake.calf_pain_or_swelling, intake.red_flags) == (True, ["calf_pain_or_swelling"])
    again = api_as(rita).get(f"{URL}{intake.pk}/").json()
    assert again["questionnaire"]["calf_pain_or_swelling"] is True
    assert again["triage"] == triage


def test_it_makes_a_posterior_trauma_urgent_and_suspects_a_rupture(rita, api_as):
    questionnaire = {
        **TWISTED_ANKLE,
        "hematoma": False,
        "swelling": "mild",
        "pain_location": "posterior",
    }

    response = api_as(rita).post(URL, {"new_patient": NEW_PATIENT, "questionnaire": questionnaire})

    assert response.status_code == 201
    triage = response.json()["triage"]
    assert (triage["urgency"], triage["suspected_conditions"]) == (
        "urgent",
        ["ankle_sprain", "achilles_rupture"],
    )


def test_it_makes_a_gradual_pain_without_weight_bearing_urgent(rita, api_as):
    questionnaire = {**ACHING_ACHILLES, "weight_bearing": "impossible"}

    response = api_as(rita).post(URL, {"new_patient": NEW_PATIENT, "questionnaire": questionnaire})

    assert response.status_code == 201
    assert response.json()["triage"]["urgency"] == "urgent"


def test_it_suspects_a_stress_fracture_soon_and_stops_running(rita, api_as):
    questionnaire = {
        **ACHING_ACHILLES,
        "pain_location": "anterior",
        "pain_at_rest": 0,
        "pain_after_running": 3,
        "recent_training_change": False,
        "focal_bone_pain": True,
    }

    response = api_as(rita).post(URL, {"new_patient": NEW_PATIENT, "questionnaire": questionnaire})

    assert response.status_code == 201
    triage = response.json()["triage"]
    assert (triage["urgency"], triage["stop_running"], triage["suspected_conditions"]) == (
        "soon",
        True,
        ["stress_fracture"],
    )
    assert "suspect" not in triage["patient_advice"]
