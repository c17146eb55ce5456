"""Triage policy and questionnaire validation: pure, no database."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from triage.rules import (
    BOOL_INVALID,
    DISTANCE_INVALID,
    MECHANISM_REFUSED,
    MECHANISM_REQUIRED,
    NPRS_INVALID,
    QUESTIONNAIRE_FIELDS,
    REQUIRED,
    Questionnaire,
    TriageResult,
    age_in_years,
    count_invalid,
    pathway_for,
    patient_advice_for,
    questionnaire_from_dict,
    red_flags_for,
    stop_running_for,
    suspected_conditions_for,
    triage,
    urgency_for,
    validate_questionnaire,
)

# --- Builders: a quiet case by default, so each test names only what it is about -------------


def intake(**overrides: Any) -> dict[str, Any]:
    """Raw answers of a runner with a mild, gradual, diffuse ankle pain and no safety sign."""
    answers: dict[str, Any] = {
        "onset": "gradual",
        "mechanism": None,
        "swelling": "none",
        "hematoma": False,
        "mobility": "normal",
        "weight_bearing": "normal",
        "pain_location": "diffuse",
        "side": "left",
        "pain_at_rest": 0,
        "pain_after_running": 3,
        "pain_duration_days": 30,
        "still_running": True,
        "weekly_distance_km": 25.0,
        "recent_training_change": False,
        "recent_shoe_change": False,
        "known_flat_feet": False,
        "previous_sprains": 0,
        "calf_pain_or_swelling": False,
        "fever_or_hot_red_joint": False,
        "numbness_or_cold_foot": False,
        "night_pain": False,
        "focal_bone_pain": False,
    }
    answers.update(overrides)
    return answers


def gradual(*, age: int | None = 35, **overrides: Any) -> Questionnaire:
    """A gradual (overuse) pain with nothing remarkable unless told."""
    return Questionnaire(**intake(**overrides), age=age)


def trauma(*, age: int | None = 35, **overrides: Any) -> Questionnaire:
    """A twist with mild swelling and no warning sign unless told."""
    answers = {"onset": "trauma", "mechanism": "twist", "swelling": "mild", **overrides}
    return Questionnaire(**intake(**answers), age=age)


# --- Pathway ----------------------------------------------------------------------------------


def test_it_puts_a_trauma_on_the_trauma_pathway() -> None:
    assert pathway_for(trauma())[0] == "trauma"


def test_it_puts_a_gradual_pain_on_the_overuse_pathway() -> None:
    assert pathway_for(gradual()) == (
        "overuse",
        ("The pain came on gradually, for no clear reason: overuse pathway.",),
    )


@pytest.mark.parametrize(
    ("mechanism", "words"),
    [
        ("fall", "a fall"),
        ("twist", "a twist of the ankle"),
        ("change_of_direction", "a sudden change of direction"),
        ("other", "an injury"),
    ],
)
def test_it_names_the_mechanism_in_the_pathway_sentence(mechanism: str, words: str) -> None:
    assert pathway_for(trauma(mechanism=mechanism))[1] == (
        f"The pain started with {words}: trauma pathway.",
    )


# --- Urgency ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sign", "words"),
    [
        ({"weight_bearing": "impossible"}, "inability to put weight on the foot"),
        ({"mobility": "impossible"}, "inability to move the ankle"),
        ({"hematoma": True}, "a bruise (hematoma)"),
        ({"swelling": "severe"}, "severe swelling"),
    ],
    ids=["weight_bearing", "mobility", "hematoma", "severe_swelling"],
)
def test_it_makes_a_trauma_urgent_on_each_warning_sign_alone(
    sign: dict[str, Any], words: str
) -> None:
    assert urgency_for(trauma(**sign)) == (
        "urgent",
        (f"Trauma with {words}: a doctor should see the patient today.",),
    )


def test_it_reads_the_hematoma_example_aloud() -> None:
    assert triage(trauma(hematoma=True)).rationale[1] == (
        "Trauma with a bruise (hematoma): a doctor should see the patient today."
    )


def test_it_names_every_warning_sign_in_one_urgency_sentence() -> None:
    q = trauma(weight_bearing="impossible", mobility="impossible", hematoma=True, swelling="severe")
    assert urgency_for(q) == (
        "urgent",
        (
            "Trauma with inability to put weight on the foot, inability to move the ankle, "
            "a bruise (hematoma) and severe swelling: a doctor should see the patient today.",
        ),
    )


@pytest.mark.parametrize(
    "short_of_urgent",
    [
        {"weight_bearing": "difficult"},
        {"mobility": "difficult"},
        {"swelling": "moderate"},
        {"swelling": "none"},
    ],
    ids=["difficult_weight_bearing", "difficult_mobility", "moderate_swelling", "no_swelling"],
)
def test_it_makes_a_trauma_without_warning_sign_soon(short_of_urgent: dict[str, Any]) -> None:
    urgency, why = urgency_for(trauma(**short_of_urgent))
    assert urgency == "soon"
    assert why == (
        "Trauma without a bruise, severe swelling, pain at the back of the ankle or "
        "inability to move or stand on the ankle: "
        "a doctor should see the patient within the week.",
    )


def test_it_makes_a_trauma_soon_even_without_pain_at_rest() -> None:
    assert urgency_for(trauma(pain_at_rest=0))[0] == "soon"


def test_it_makes_a_gradual_pain_of_5_at_rest_soon() -> None:
    assert urgency_for(gradual(pain_at_rest=5)) == (
        "soon",
        (
            "Gradual pain with a pain of 5/10 at rest: "
            "a doctor should see the patient within the week.",
        ),
    )


def test_it_makes_a_gradual_pain_of_4_at_rest_routine() -> None:
    assert urgency_for(gradual(pain_at_rest=4)) == (
        "routine",
        (
            "Gradual pain rated 4/10 at rest, with no warning sign: "
            "a routine appointment is enough.",
        ),
    )


def test_it_ignores_trauma_warning_signs_on_a_gradual_pain() -> None:
    q = gradual(weight_bearing="difficult", mobility="impossible", hematoma=True, swelling="severe")
    assert urgency_for(q)[0] == "routine"


def test_it_makes_a_gradual_pain_that_stops_weight_bearing_urgent() -> None:
    assert urgency_for(gradual(weight_bearing="impossible")) == (
        "urgent",
        (
            "A gradual pain that makes standing on the foot impossible: "
            "a doctor should see the patient today.",
        ),
    )


def test_it_keeps_a_gradual_pain_with_difficult_weight_bearing_routine() -> None:
    assert urgency_for(gradual(weight_bearing="difficult"))[0] == "routine"


def test_it_makes_a_posterior_trauma_urgent_as_a_suspected_rupture() -> None:
    assert urgency_for(trauma(pain_location="posterior")) == (
        "urgent",
        (
            "Trauma with pain at the back of the ankle (a suspected Achilles rupture): "
            "a doctor should see the patient today.",
        ),
    )


@pytest.mark.parametrize(
    ("sign", "words"),
    [
        ({"night_pain": True}, "pain that wakes the patient at night"),
        ({"focal_bone_pain": True}, "pain at one spot on a bone"),
    ],
    ids=["night_pain", "focal_bone_pain"],
)
def test_it_makes_a_gradual_pain_with_a_stress_fracture_sign_soon(
    sign: dict[str, Any], words: str
) -> None:
    assert urgency_for(gradual(**sign)) == (
        "soon",
        (f"Gradual pain with {words}: a doctor should see the patient within the week.",),
    )


def test_it_names_every_soon_sign_of_a_gradual_pain_in_one_sentence() -> None:
    q = gradual(pain_at_rest=7, night_pain=True, focal_bone_pain=True)
    assert urgency_for(q) == (
        "soon",
        (
            "Gradual pain with a pain of 7/10 at rest, pain that wakes the patient at night and "
            "pain at one spot on a bone: a doctor should see the patient within the week.",
        ),
    )


def test_it_keeps_a_trauma_with_a_stress_fracture_sign_soon_not_urgent() -> None:
    assert urgency_for(trauma(night_pain=True, focal_bone_pain=True))[0] == "soon"


def test_it_ignores_pain_after_running_for_urgency() -> None:
    assert urgency_for(gradual(pain_after_running=10))[0] == "routine"


# --- Stop running -----------------------------------------------------------------------------


def test_it_stops_running_after_every_trauma() -> None:
    assert stop_running_for(trauma(pain_at_rest=0, pain_after_running=0)) == (
        True,
        ("After an injury, the patient should stop running until a doctor has seen the ankle.",),
    )


def test_it_stops_running_when_a_gradual_pain_is_1_at_rest() -> None:
    assert stop_running_for(gradual(pain_at_rest=1, pain_after_running=0)) == (
        True,
        ("The ankle hurts even at rest (1/10): the patient should stop running for now.",),
    )


def test_it_lets_running_go_on_when_a_gradual_pain_is_0_at_rest_and_4_after() -> None:
    assert stop_running_for(gradual(pain_at_rest=0, pain_after_running=4)) == (
        False,
        (
            "The pain settles (0/10 at rest, 4/10 after running): "
            "no need to stop running before the appointment.",
        ),
    )


def test_it_stops_running_when_a_gradual_pain_is_5_after_running() -> None:
    assert stop_running_for(gradual(pain_at_rest=0, pain_after_running=5)) == (
        True,
        ("Running leaves a pain of 5/10 afterwards: the patient should stop running for now.",),
    )


def test_it_gives_both_reasons_to_stop_running_when_both_fire() -> None:
    stop, why = stop_running_for(gradual(pain_at_rest=2, pain_after_running=7))
    assert stop is True
    assert len(why) == 2
    assert "(2/10)" in why[0]
    assert "7/10" in why[1]


# --- Suspected conditions: trauma -------------------------------------------------------------


def test_it_suspects_only_a_sprain_after_a_plain_twist() -> None:
    assert suspected_conditions_for(trauma()) == (
        ("ankle_sprain",),
        ("An injury of the ankle: suspect a sprain.",),
    )


@pytest.mark.parametrize(
    "sign",
    [{"weight_bearing": "impossible"}, {"mobility": "impossible"}, {"hematoma": True}],
    ids=["weight_bearing", "mobility", "hematoma"],
)
def test_it_suspects_a_fracture_on_each_sign_alone(sign: dict[str, Any]) -> None:
    codes, why = suspected_conditions_for(trauma(**sign))
    assert codes == ("ankle_sprain", "ankle_fracture")
    assert why[1].endswith(": a fracture must be ruled out.")


def test_it_does_not_suspect_a_fracture_for_severe_swelling_alone() -> None:
    assert suspected_conditions_for(trauma(swelling="severe"))[0] == ("ankle_sprain",)


def test_it_does_not_suspect_a_fracture_when_weight_bearing_is_only_difficult() -> None:
    codes, _ = suspected_conditions_for(trauma(weight_bearing="difficult", mobility="difficult"))
    assert codes == ("ankle_sprain",)


def test_it_suspects_an_achilles_rupture_after_a_posterior_trauma() -> None:
    codes, why = suspected_conditions_for(trauma(pain_location="posterior"))
    assert codes == ("ankle_sprain", "achilles_rupture")
    assert why[1] == (
        "Pain at the back of the ankle after an injury: the Achilles tendon may be torn."
    )


def test_it_orders_trauma_conditions_sprain_fracture_rupture() -> None:
    q = trauma(pain_location="posterior", hematoma=True, weight_bearing="impossible")
    codes, why = suspected_conditions_for(q)
    assert codes == ("ankle_sprain", "ankle_fracture", "achilles_rupture")
    assert len(why) == 3


def test_it_ignores_overuse_causes_after_a_trauma() -> None:
    q = trauma(
        age=70,
        known_flat_feet=True,
        previous_sprains=5,
        recent_training_change=True,
        recent_shoe_change=True,
    )
    assert suspected_conditions_for(q)[0] == ("ankle_sprain",)


# --- Suspected conditions: overuse ------------------------------------------------------------


def test_it_suspects_achilles_tendinitis_for_a_posterior_gradual_pain() -> None:
    codes, why = suspected_conditions_for(gradual(pain_location="posterior"))
    assert codes == ("achilles_tendinitis",)
    assert why == ("Gradual pain at the back of the ankle: suspect Achilles tendinitis.",)


def test_it_suspects_flat_foot_when_flat_feet_are_known() -> None:
    assert suspected_conditions_for(gradual(known_flat_feet=True)) == (
        ("flat_foot",),
        ("Known flat feet overload the ankle: suspect flat foot as a cause.",),
    )


def test_it_suspects_a_muscular_imbalance_after_2_previous_sprains() -> None:
    assert suspected_conditions_for(gradual(previous_sprains=2)) == (
        ("muscular_imbalance",),
        ("2 previous ankle sprains: suspect a muscular imbalance around the ankle.",),
    )


def test_it_does_not_suspect_a_muscular_imbalance_after_1_previous_sprain() -> None:
    assert "muscular_imbalance" not in suspected_conditions_for(gradual(previous_sprains=1))[0]


def test_it_suspects_osteoarthritis_at_50() -> None:
    assert suspected_conditions_for(gradual(age=50)) == (
        ("ankle_osteoarthritis",),
        ("The patient is 50 (50 or older): suspect osteoarthritis of the ankle.",),
    )


def test_it_does_not_suspect_osteoarthritis_at_49() -> None:
    assert "ankle_osteoarthritis" not in suspected_conditions_for(gradual(age=49))[0]


def test_it_does_not_suspect_osteoarthritis_when_the_age_is_unknown() -> None:
    assert "ankle_osteoarthritis" not in suspected_conditions_for(gradual(age=None))[0]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"recent_training_change": True}, "training"),
        ({"recent_shoe_change": True}, "shoes"),
        ({"recent_training_change": True, "recent_shoe_change": True}, "training and shoes"),
    ],
    ids=["training", "shoes", "both"],
)
def test_it_suspects_poor_technique_once_after_a_recent_change(
    change: dict[str, Any], words: str
) -> None:
    assert suspected_conditions_for(gradual(**change)) == (
        ("poor_running_technique",),
        (f"A recent change in {words}: suspect running technique, shoes or training load.",),
    )


def test_it_falls_back_to_poor_technique_when_nothing_else_is_suspected() -> None:
    assert suspected_conditions_for(gradual()) == (
        ("poor_running_technique",),
        ("No specific cause stands out: suspect running technique, shoes or training load.",),
    )


def test_it_does_not_add_the_fallback_when_another_cause_is_suspected() -> None:
    assert suspected_conditions_for(gradual(known_flat_feet=True))[0] == ("flat_foot",)


def test_it_lists_every_overuse_cause_in_catalogue_order_without_duplicates() -> None:
    q = gradual(
        age=62,
        pain_location="posterior",
        known_flat_feet=True,
        previous_sprains=3,
        recent_training_change=True,
        recent_shoe_change=True,
    )
    codes, why = suspected_conditions_for(q)
    assert codes == (
        "achilles_tendinitis",
        "flat_foot",
        "muscular_imbalance",
        "ankle_osteoarthritis",
        "poor_running_technique",
    )
    assert len(set(codes)) == len(codes)
    assert len(why) == len(codes)


# --- Whole triage -----------------------------------------------------------------------------


def test_it_triages_an_urgent_posterior_trauma() -> None:
    result = triage(trauma(mechanism="fall", pain_location="posterior", hematoma=True))
    assert result == TriageResult(
        pathway="trauma",
        urgency="urgent",
        stop_running=True,
        suspected_conditions=("ankle_sprain", "ankle_fracture", "achilles_rupture"),
        rationale=(
            "The pain started with a fall: trauma pathway.",
            "Trauma with a bruise (hematoma) and pain at the back of the ankle (a suspected "
            "Achilles rupture): a doctor should see the patient today.",
            "After an injury, the patient should stop running until a doctor has seen the ankle.",
            "An injury of the ankle: suspect a sprain.",
            "Injury with a bruise (hematoma): a fracture must be ruled out.",
            "Pain at the back of the ankle after an injury: the Achilles tendon may be torn.",
        ),
        red_flags=(),
        patient_advice=(
            "You need to see a doctor today. We will find you an appointment with one of our "
            "doctors today; if we cannot, go to an urgent care centre or a hospital emergency "
            "department today. Please stop running until your ankle has been checked."
        ),
    )


def test_it_triages_a_quiet_overuse_pain_as_routine_and_keeps_running() -> None:
    result = triage(gradual())
    assert result.pathway == "overuse"
    assert result.urgency == "routine"
    assert result.stop_running is False
    assert result.suspected_conditions == ("poor_running_technique",)
    assert len(result.rationale) == 4


def test_it_gives_one_sentence_per_rule_that_fired() -> None:
    result = triage(gradual(pain_at_rest=6, pain_after_running=8, known_flat_feet=True, age=55))
    # pathway, urgency, two stop-running reasons, flat foot, osteoarthritis
    assert len(result.rationale) == 6
    assert all(sentence.endswith(".") for sentence in result.rationale)


def test_it_returns_a_json_able_dict() -> None:
    data = triage(trauma(hematoma=True)).as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["suspected_conditions"] == ["ankle_sprain", "ankle_fracture"]
    assert isinstance(data["rationale"], list)


def test_it_freezes_the_questionnaire_and_the_result() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        gradual().pain_at_rest = 9  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        triage(gradual()).urgency = "urgent"  # type: ignore[misc]


def test_it_builds_a_questionnaire_from_validated_answers() -> None:
    answers = intake(onset="trauma", mechanism="fall", unknown_key="ignored")
    q = questionnaire_from_dict(answers, age=51)
    assert q.mechanism == "fall"
    assert q.age == 51
    assert questionnaire_from_dict(intake(), age=None).mechanism is None


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(1975, 6, 15), date(2025, 6, 14), 49),
        (date(1975, 6, 15), date(2025, 6, 15), 50),
        (date(2000, 2, 29), date(2018, 2, 28), 17),
        (date(2000, 2, 29), date(2018, 3, 1), 18),
    ],
)
def test_it_counts_completed_years(born: date, on: date, age: int) -> None:
    assert age_in_years(born, on) == age


def test_it_refuses_an_age_before_birth() -> None:
    with pytest.raises(ValueError):
        age_in_years(date(2000, 1, 2), date(2000, 1, 1))


# --- Questionnaire validation -----------------------------------------------------------------


def test_it_accepts_a_valid_gradual_intake() -> None:
    assert validate_questionnaire(intake()) == {}


def test_it_accepts_a_valid_trauma_intake() -> None:
    assert validate_questionnaire(intake(onset="trauma", mechanism="twist")) == {}


def test_it_accepts_a_gradual_intake_without_a_mechanism_key() -> None:
    answers = intake()
    del answers["mechanism"]
    assert validate_questionnaire(answers) == {}


def test_it_ignores_keys_that_are_not_questionnaire_fields() -> None:
    assert validate_questionnaire(intake(age=40, notes="x")) == {}


@pytest.mark.parametrize("field", [f for f in QUESTIONNAIRE_FIELDS if f != "mechanism"])
def test_it_requires_every_answer(field: str) -> None:
    missing = intake()
    del missing[field]
    assert validate_questionnaire(missing)[field] == [REQUIRED]
    assert validate_questionnaire(intake(**{field: None}))[field] == [REQUIRED]


def test_it_requires_a_mechanism_for_a_trauma() -> None:
    assert validate_questionnaire(intake(onset="trauma", mechanism=None)) == {
        "mechanism": [MECHANISM_REQUIRED]
    }


def test_it_refuses_a_mechanism_for_a_gradual_pain() -> None:
    assert validate_questionnaire(intake(onset="gradual", mechanism="fall")) == {
        "mechanism": [MECHANISM_REFUSED]
    }


def test_it_refuses_an_unknown_mechanism() -> None:
    errors = validate_questionnaire(intake(onset="trauma", mechanism="kick"))
    assert errors == {
        "mechanism": [
            "'kick' is not a valid choice; expected one of: fall, twist, change_of_direction, "
            "other."
        ]
    }


def test_it_still_checks_the_mechanism_when_the_onset_is_invalid() -> None:
    errors = validate_questionnaire(intake(onset="sudden", mechanism="kick"))
    assert set(errors) == {"onset", "mechanism"}


@pytest.mark.parametrize(
    ("field", "choices"),
    [
        ("onset", "trauma, gradual"),
        ("swelling", "none, mild, moderate, severe"),
        ("mobility", "normal, difficult, impossible"),
        ("weight_bearing", "normal, difficult, impossible"),
        ("pain_location", "lateral, medial, posterior, anterior, diffuse"),
        ("side", "left, right, both"),
    ],
)
def test_it_refuses_a_value_outside_each_choice_list(field: str, choices: str) -> None:
    errors = validate_questionnaire(intake(**{field: "wrong"}))
    assert errors[field] == [f"'wrong' is not a valid choice; expected one of: {choices}."]


def test_it_refuses_a_choice_that_is_not_a_string() -> None:
    assert "side" in validate_questionnaire(intake(side=1))


@pytest.mark.parametrize("field", ["pain_at_rest", "pain_after_running"])
@pytest.mark.parametrize("value", [-1, 11, 5.5, 5.0, "5", True])
def test_it_refuses_an_nprs_outside_whole_0_to_10(field: str, value: Any) -> None:
    assert validate_questionnaire(intake(**{field: value})) == {field: [NPRS_INVALID]}


@pytest.mark.parametrize("field", ["pain_at_rest", "pain_after_running"])
@pytest.mark.parametrize("value", [0, 10])
def test_it_accepts_an_nprs_at_its_bounds(field: str, value: int) -> None:
    assert validate_questionnaire(intake(**{field: value})) == {}


@pytest.mark.parametrize("field", ["pain_duration_days", "previous_sprains"])
@pytest.mark.parametrize("value", [-1, 1.5, "2", False, 2**31])
def test_it_refuses_a_count_that_is_not_a_whole_number_in_range(field: str, value: Any) -> None:
    assert validate_questionnaire(intake(**{field: value})) == {field: [count_invalid(field)]}


@pytest.mark.parametrize(
    ("field", "most"), [("pain_duration_days", 3650), ("previous_sprains", 100)]
)
def test_it_bounds_each_count_as_the_design_does(field: str, most: int) -> None:
    assert validate_questionnaire(intake(**{field: 0})) == {}
    assert validate_questionnaire(intake(**{field: most})) == {}
    assert validate_questionnaire(intake(**{field: most + 1})) == {field: [count_invalid(field)]}
    assert count_invalid(field) == f"Must be a whole number from 0 to {most}."


@pytest.mark.parametrize(
    "value", [-0.1, 500.1, "10", True, float("nan"), float("inf"), Decimal("NaN"), [10]]
)
def test_it_refuses_a_weekly_distance_that_is_not_a_number_from_0_to_500(value: Any) -> None:
    assert validate_questionnaire(intake(weekly_distance_km=value)) == {
        "weekly_distance_km": [DISTANCE_INVALID]
    }


@pytest.mark.parametrize("value", [0, 12.5, 40, Decimal("21.1"), 500])
def test_it_accepts_a_weekly_distance_from_0_to_500(value: Any) -> None:
    assert validate_questionnaire(intake(weekly_distance_km=value)) == {}


@pytest.mark.parametrize(
    "field",
    [
        "hematoma",
        "still_running",
        "recent_training_change",
        "recent_shoe_change",
        "known_flat_feet",
    ],
)
@pytest.mark.parametrize("value", ["true", 1, 0, "no"])
def test_it_refuses_a_yes_no_answer_that_is_not_a_bool(field: str, value: Any) -> None:
    assert validate_questionnaire(intake(**{field: value})) == {field: [BOOL_INVALID]}


def test_it_reports_every_bad_field_at_once() -> None:
    errors = validate_questionnaire(
        intake(onset="trauma", swelling="huge", pain_at_rest=12, hematoma="yes")
    )
    assert errors == {
        "mechanism": [MECHANISM_REQUIRED],
        "swelling": [
            "'huge' is not a valid choice; expected one of: none, mild, moderate, severe."
        ],
        "hematoma": [BOOL_INVALID],
        "pain_at_rest": [NPRS_INVALID],
    }


# --- Red flags (NICE CKS) -----------------------------------------------------------------

RED_FLAG_ANSWERS = ["calf_pain_or_swelling", "fever_or_hot_red_joint", "numbness_or_cold_foot"]


def test_it_finds_no_red_flag_in_a_quiet_case() -> None:
    assert red_flags_for(gradual()) == ((), ())


@pytest.mark.parametrize("flag", RED_FLAG_ANSWERS)
@pytest.mark.parametrize("build", [gradual, trauma], ids=["gradual", "trauma"])
def test_it_makes_any_red_flag_urgent_and_stops_running_whatever_the_onset(flag, build) -> None:
    result = triage(build(**{flag: True}))
    assert result.red_flags == (flag,)
    assert result.urgency == "urgent"
    assert result.stop_running is True
    assert "A red flag: a doctor should see the patient today." in result.rationale
    assert (
        "A red flag: the patient should stop running until a doctor has seen it."
        in result.rationale
    )


def test_it_names_every_red_flag_in_one_sentence_in_a_fixed_order() -> None:
    q = gradual(numbness_or_cold_foot=True, calf_pain_or_swelling=True, fever_or_hot_red_joint=True)
    assert red_flags_for(q) == (
        ("calf_pain_or_swelling", "fever_or_hot_red_joint", "numbness_or_cold_foot"),
        (
            "Red flag: calf pain or swelling (possible deep-vein thrombosis), fever or a hot, "
            "red joint (possible infection) and numbness or a cold foot (possible nerve or "
            "circulation problem). A doctor must see the patient today.",
        ),
    )


@pytest.mark.parametrize("answer", ["night_pain", "focal_bone_pain"])
def test_it_does_not_count_night_or_focal_bone_pain_as_a_red_flag(answer: str) -> None:
    assert red_flags_for(gradual(**{answer: True})) == ((), ())


# --- Stop running: the revised reasons ----------------------------------------------------


@pytest.mark.parametrize("answer", ["night_pain", "focal_bone_pain"])
def test_it_stops_running_on_night_or_focal_bone_pain(answer: str) -> None:
    assert stop_running_for(gradual(**{answer: True})) == (
        True,
        (
            "Night pain or pain at one spot on a bone may be a stress fracture: "
            "the patient should stop running until a doctor has seen it.",
        ),
    )


def test_it_stops_running_on_a_red_flag_alone() -> None:
    assert stop_running_for(gradual(fever_or_hot_red_joint=True)) == (
        True,
        ("A red flag: the patient should stop running until a doctor has seen it.",),
    )


# --- The revised overuse suspicions ---------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "code", "sentence"),
    [
        (
            "lateral",
            "peroneal_tendinopathy",
            "Gradual pain on the outside of the ankle: suspect a peroneal tendinopathy.",
        ),
        (
            "medial",
            "tibialis_posterior_tendinopathy",
            "Gradual pain on the inside of the ankle: suspect a tibialis posterior tendinopathy.",
        ),
        (
            "posterior",
            "achilles_tendinitis",
            "Gradual pain at the back of the ankle: suspect Achilles tendinitis.",
        ),
    ],
)
def test_it_suspects_the_tendinopathy_of_the_painful_side(location, code, sentence) -> None:
    assert suspected_conditions_for(gradual(pain_location=location)) == ((code,), (sentence,))


@pytest.mark.parametrize("location", ["anterior", "diffuse"])
def test_it_suspects_no_tendinopathy_for_a_front_or_diffuse_pain(location: str) -> None:
    assert suspected_conditions_for(gradual(pain_location=location))[0] == (
        "poor_running_technique",
    )


def test_it_suspects_a_stress_fracture_on_focal_bone_pain() -> None:
    assert suspected_conditions_for(gradual(focal_bone_pain=True)) == (
        ("stress_fracture",),
        ("Gradual pain at one spot on a bone: suspect a stress fracture.",),
    )


def test_it_does_not_suspect_a_stress_fracture_on_night_pain_alone() -> None:
    # The design suspects a stress fracture on focal bone pain only; night pain makes it soon.
    assert suspected_conditions_for(gradual(night_pain=True))[0] == ("poor_running_technique",)


def test_it_does_not_suspect_overuse_conditions_after_a_trauma_with_bone_pain() -> None:
    codes, _ = suspected_conditions_for(trauma(focal_bone_pain=True, pain_location="lateral"))
    assert codes == ("ankle_sprain",)


def test_it_triages_a_runner_with_a_suspected_stress_fracture_soon_and_stops_running() -> None:
    result = triage(gradual(focal_bone_pain=True))
    assert (result.urgency, result.stop_running, result.red_flags) == ("soon", True, ())
    assert result.suspected_conditions == ("stress_fracture",)


# --- What reception reads aloud --------------------------------------------------------------

FORBIDDEN_WORDS = ("pathway", "suspect", "No rush", "tendinitis", "trauma")


@pytest.mark.parametrize(
    "q",
    [
        gradual(),
        gradual(pain_at_rest=2),
        gradual(pain_at_rest=6),
        gradual(focal_bone_pain=True),
        gradual(calf_pain_or_swelling=True),
        trauma(),
        trauma(pain_location="posterior"),
        trauma(numbness_or_cold_foot=True, fever_or_hot_red_joint=True),
    ],
    ids=["routine", "routine_stop", "soon", "stress", "dvt", "trauma", "rupture", "flags"],
)
def test_it_speaks_plain_words_to_the_patient(q: Questionnaire) -> None:
    advice = triage(q).patient_advice
    assert advice
    assert not [word for word in FORBIDDEN_WORDS if word.lower() in advice.lower()]


def test_it_tells_a_routine_runner_to_keep_running_gently() -> None:
    assert triage(gradual()).patient_advice == (
        "This does not need a doctor urgently: we will book you an appointment with a "
        "physiotherapist. You can keep running gently, as long as the pain does not get worse. "
        "If it does, stop and call us. If the pain gets much worse before then, call us or see "
        "a doctor."
    )


def test_it_tells_a_routine_runner_whose_pain_stays_to_stop_running() -> None:
    assert triage(gradual(pain_at_rest=2)).patient_advice == (
        "This does not need a doctor urgently: we will book you an appointment with a "
        "physiotherapist. Please stop running until your ankle has been checked. If the pain "
        "gets much worse before then, call us or see a doctor."
    )


def test_it_tells_a_soon_patient_a_doctor_this_week() -> None:
    assert triage(trauma()).patient_advice == (
        "A doctor should look at your ankle this week: we will book you an appointment. "
        "Please stop running until your ankle has been checked. If the pain gets much worse "
        "before then, call us or see a doctor."
    )


def test_it_tells_a_patient_with_calf_pain_where_to_get_a_doctor_today() -> None:
    assert triage(gradual(calf_pain_or_swelling=True)).patient_advice == (
        "You told us about pain or swelling in the calf. This must be checked by a doctor "
        "today. You need to see a doctor today. We will find you an appointment with one of our "
        "doctors today; if we cannot, go to an urgent care centre or a hospital emergency "
        "department today. If you become short of breath or have pain in your chest, call an "
        "ambulance at once. Please stop running until your ankle has been checked."
    )


def test_it_names_two_red_flags_in_the_patients_words() -> None:
    advice = patient_advice_for(
        urgency="urgent",
        stop_running=True,
        red_flags=("fever_or_hot_red_joint", "numbness_or_cold_foot"),
    )
    assert advice.startswith(
        "You told us about a fever or a hot, red ankle and a numb or cold foot. "
        "This must be checked by a doctor today."
    )
    assert "ambulance" not in advice
