"""Ottawa/Thompson imaging rules of the exam: pure, no database."""

from __future__ import annotations

import json
from typing import Any

import pytest

from triage.ottawa import (
    ExamFindings,
    ImagingRecommendation,
    contradictions,
    imaging_recommendation,
    ottawa_applicability,
)

# --- Builders: a quiet exam by default, so each test names only what it is about -------------


def exam(**overrides: Any) -> ExamFindings:
    """An adult's exam with every Ottawa finding negative and no Thompson test."""
    findings: dict[str, Any] = {
        "malleolar_zone_pain": False,
        "midfoot_zone_pain": False,
        "lateral_malleolus_tenderness": False,
        "medial_malleolus_tenderness": False,
        "fifth_metatarsal_base_tenderness": False,
        "navicular_tenderness": False,
        "unable_to_bear_weight_immediately": False,
        "unable_to_bear_weight_at_exam": False,
        "thompson_test": "not_done",
        "age": 30,
    }
    findings.update(overrides)
    return ExamFindings(**findings)


def ankle_exam(**overrides: Any) -> ExamFindings:
    """An exam with pain in the malleolar zone."""
    return exam(malleolar_zone_pain=True, **overrides)


def foot_exam(**overrides: Any) -> ExamFindings:
    """An exam with pain in the midfoot zone."""
    return exam(midfoot_zone_pain=True, **overrides)


UNABLE_TO_BEAR_WEIGHT = {
    "unable_to_bear_weight_immediately": True,
    "unable_to_bear_weight_at_exam": True,
}
OTTAWA_NEGATIVE = "Ottawa rules negative: no X-ray needed."


# --- Ottawa ankle rule (Stiell 1993, refined) -------------------------------------------------


def test_it_orders_an_ankle_xray_for_lateral_malleolus_tenderness() -> None:
    rec = imaging_recommendation(ankle_exam(lateral_malleolus_tenderness=True))
    assert rec == ImagingRecommendation(
        studies=("ankle_xray",),
        rationale=(
            "Ottawa ankle rule: pain in the malleolar zone with tenderness at the posterior "
            "edge or tip of the lateral malleolus — ankle X-ray recommended.",
        ),
    )


def test_it_orders_an_ankle_xray_for_medial_malleolus_tenderness() -> None:
    rec = imaging_recommendation(ankle_exam(medial_malleolus_tenderness=True))
    assert rec.studies == ("ankle_xray",)
    assert rec.rationale == (
        "Ottawa ankle rule: pain in the malleolar zone with tenderness at the posterior "
        "edge or tip of the medial malleolus — ankle X-ray recommended.",
    )


def test_it_orders_an_ankle_xray_when_unable_to_bear_weight_then_and_at_exam() -> None:
    rec = imaging_recommendation(ankle_exam(**UNABLE_TO_BEAR_WEIGHT))
    assert rec.studies == ("ankle_xray",)
    assert rec.rationale == (
        "Ottawa ankle rule: pain in the malleolar zone with inability to bear weight (four "
        "steps) both immediately after the injury and at the exam — ankle X-ray recommended.",
    )


@pytest.mark.parametrize(
    "only_once",
    [{"unable_to_bear_weight_immediately": True}, {"unable_to_bear_weight_at_exam": True}],
    ids=["only_immediately", "only_at_exam"],
)
def test_it_does_not_count_inability_to_bear_weight_only_once(
    only_once: dict[str, bool],
) -> None:
    rec = imaging_recommendation(ankle_exam(**only_once))
    assert rec.studies == ()
    assert rec.rationale == (OTTAWA_NEGATIVE,)


def test_it_orders_no_ankle_xray_without_malleolar_zone_pain() -> None:
    rec = imaging_recommendation(exam(**UNABLE_TO_BEAR_WEIGHT))
    assert rec.studies == ()
    assert rec.rationale == (OTTAWA_NEGATIVE,)


@pytest.mark.parametrize(
    ("tenderness", "site"),
    [
        ({"lateral_malleolus_tenderness": True}, "lateral malleolus"),
        ({"medial_malleolus_tenderness": True}, "medial malleolus"),
    ],
    ids=["lateral", "medial"],
)
def test_it_names_malleolar_tenderness_without_zone_pain_as_a_contradiction(
    tenderness: dict[str, bool], site: str
) -> None:
    rec = imaging_recommendation(exam(**tenderness))
    assert rec.studies == ()
    assert rec.rationale == (
        f"Contradiction: tenderness at the {site} is ticked without pain in the malleolar zone; "
        "check the findings (the Ottawa rules cannot be read from them).",
    )
    assert OTTAWA_NEGATIVE not in rec.rationale


def test_it_orders_no_xray_for_malleolar_zone_pain_alone() -> None:
    rec = imaging_recommendation(ankle_exam())
    assert rec.studies == ()
    assert rec.primary is None
    assert rec.rationale == (OTTAWA_NEGATIVE,)


def test_it_has_no_age_criterion() -> None:
    # The 1992 derivation rule had "age 55 or over"; the refined 1993 rule dropped it.
    assert imaging_recommendation(ankle_exam(age=80)).studies == ()


def test_it_gives_one_sentence_per_ankle_criterion_met() -> None:
    rec = imaging_recommendation(
        ankle_exam(
            lateral_malleolus_tenderness=True,
            medial_malleolus_tenderness=True,
            **UNABLE_TO_BEAR_WEIGHT,
        )
    )
    assert rec.studies == ("ankle_xray",)
    assert len(rec.rationale) == 3
    assert all(s.startswith("Ottawa ankle rule:") for s in rec.rationale)


# --- Ottawa foot rule -------------------------------------------------------------------------


def test_it_orders_a_foot_xray_for_fifth_metatarsal_base_tenderness() -> None:
    rec = imaging_recommendation(foot_exam(fifth_metatarsal_base_tenderness=True))
    assert rec.studies == ("foot_xray",)
    assert rec.rationale == (
        "Ottawa foot rule: pain in the midfoot zone with tenderness at the base of the fifth "
        "metatarsal — foot X-ray recommended.",
    )


def test_it_orders_a_foot_xray_for_navicular_tenderness() -> None:
    rec = imaging_recommendation(foot_exam(navicular_tenderness=True))
    assert rec.studies == ("foot_xray",)
    assert rec.rationale == (
        "Ottawa foot rule: pain in the midfoot zone with tenderness at the navicular — "
        "foot X-ray recommended.",
    )


def test_it_orders_a_foot_xray_when_unable_to_bear_weight_then_and_at_exam() -> None:
    rec = imaging_recommendation(foot_exam(**UNABLE_TO_BEAR_WEIGHT))
    assert rec.studies == ("foot_xray",)


def test_it_does_not_count_foot_inability_to_bear_weight_only_immediately() -> None:
    rec = imaging_recommendation(foot_exam(unable_to_bear_weight_immediately=True))
    assert rec.studies == ()


@pytest.mark.parametrize(
    "tenderness",
    [{"fifth_metatarsal_base_tenderness": True}, {"navicular_tenderness": True}],
    ids=["fifth_metatarsal", "navicular"],
)
def test_it_orders_no_foot_xray_without_midfoot_zone_pain(tenderness: dict[str, bool]) -> None:
    rec = imaging_recommendation(ankle_exam(**tenderness))
    assert rec.studies == ()
    assert rec.rationale[0].startswith("Contradiction: tenderness at the ")
    assert "without pain in the midfoot zone" in rec.rationale[0]


def test_it_orders_no_xray_for_midfoot_zone_pain_alone() -> None:
    assert imaging_recommendation(foot_exam()).rationale == (OTTAWA_NEGATIVE,)


def test_it_does_not_cross_malleolar_tenderness_into_the_foot_rule() -> None:
    rec = imaging_recommendation(foot_exam(lateral_malleolus_tenderness=True))
    assert rec.studies == ()
    assert contradictions(foot_exam(lateral_malleolus_tenderness=True)) == rec.rationale


def test_it_orders_ankle_and_foot_xrays_together() -> None:
    rec = imaging_recommendation(
        exam(malleolar_zone_pain=True, midfoot_zone_pain=True, **UNABLE_TO_BEAR_WEIGHT)
    )
    assert rec.studies == ("ankle_xray", "foot_xray")
    assert rec.primary == "ankle_xray"
    assert rec.rationale[0].startswith("Ottawa ankle rule:")
    assert rec.rationale[1].startswith("Ottawa foot rule:")


# --- Thompson test ----------------------------------------------------------------------------


def test_it_orders_an_ultrasound_for_a_positive_thompson_test() -> None:
    rec = imaging_recommendation(exam(thompson_test="positive"))
    assert rec.studies == ("ultrasound",)
    assert rec.primary == "ultrasound"
    assert rec.rationale == (
        OTTAWA_NEGATIVE,
        "Positive Thompson test (Thompson & Doherty 1962: no plantar flexion when the calf is "
        "squeezed): suspected Achilles tendon rupture — ultrasound recommended.",
    )


@pytest.mark.parametrize("result", ["negative", "not_done"])
def test_it_orders_no_ultrasound_otherwise(result: str) -> None:
    assert imaging_recommendation(exam(thompson_test=result)).studies == ()


def test_it_keeps_the_study_order_ankle_foot_ultrasound() -> None:
    rec = imaging_recommendation(
        exam(
            malleolar_zone_pain=True,
            midfoot_zone_pain=True,
            lateral_malleolus_tenderness=True,
            navicular_tenderness=True,
            thompson_test="positive",
        )
    )
    assert rec.studies == ("ankle_xray", "foot_xray", "ultrasound")
    assert OTTAWA_NEGATIVE not in rec.rationale


# --- Age caution ------------------------------------------------------------------------------


def test_it_cautions_under_18_but_still_recommends() -> None:
    rec = imaging_recommendation(ankle_exam(lateral_malleolus_tenderness=True, age=17))
    assert rec.studies == ("ankle_xray",)
    assert rec.rationale[-1] == (
        "Caution: the patient is 17; the Ottawa rules were validated in adults (Stiell 1993). "
        "In children, see the Dowling 2009 meta-analysis."
    )


def test_it_cautions_a_child_even_when_the_rules_are_negative() -> None:
    rec = imaging_recommendation(exam(age=9))
    assert rec.rationale[0] == OTTAWA_NEGATIVE
    assert rec.rationale[1].startswith("Caution: the patient is 9;")


@pytest.mark.parametrize("age", [18, None])
def test_it_does_not_caution_adults_or_unknown_ages(age: int | None) -> None:
    rec = imaging_recommendation(exam(age=age))
    assert not any(s.startswith("Caution") for s in rec.rationale)


def test_it_returns_a_json_able_imaging_dict() -> None:
    data = imaging_recommendation(foot_exam(navicular_tenderness=True)).as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["studies"] == ["foot_xray"]
    assert data["primary"] == "foot_xray"


# docs/design.md: the recommendation's keys, each a bool.
DESIGN_KEYS = ("ottawa_applicable", "ankle_xray", "foot_xray", "ultrasound", "mri")


def test_it_answers_the_designs_keys_as_booleans() -> None:
    data = imaging_recommendation(foot_exam(navicular_tenderness=True)).as_dict()
    assert {key: data[key] for key in DESIGN_KEYS} == {
        "ottawa_applicable": True,
        "ankle_xray": False,
        "foot_xray": True,
        "ultrasound": False,
        "mri": False,
    }


def test_its_booleans_follow_the_studies_when_several_are_recommended() -> None:
    findings = foot_exam(navicular_tenderness=True, thompson_test="positive")
    data = imaging_recommendation(findings).as_dict()
    assert data["studies"] == ["foot_xray", "ultrasound"]
    assert [key for key in DESIGN_KEYS if data[key] is True] == [
        "ottawa_applicable",
        "foot_xray",
        "ultrasound",
    ]


# --- Where the Ottawa rules apply (Stiell 1992/1993, Dowling 2009) ---------------------------


def test_it_applies_the_rules_to_a_trauma_on_day_10() -> None:
    assert ottawa_applicability(exam(onset="trauma", days_since_injury=10)) == (True, ())


def test_it_applies_the_rules_to_a_case_without_a_questionnaire_or_a_known_delay() -> None:
    assert ottawa_applicability(exam(onset=None, days_since_injury=None)) == (True, ())


def test_it_does_not_apply_the_rules_on_day_11() -> None:
    rec = imaging_recommendation(
        ankle_exam(onset="trauma", days_since_injury=11, lateral_malleolus_tenderness=True)
    )
    assert rec.ottawa_applicable is False
    assert rec.studies == ()
    assert rec.rationale == (
        "The Ottawa rules do not apply: the injury is 11 days old (the rules cover the first "
        "10 days). Imaging is the doctor's judgement.",
    )


def test_it_does_not_apply_the_rules_to_a_gradual_pain() -> None:
    applicable, why = ottawa_applicability(exam(onset="gradual"))
    assert applicable is False
    assert why == (
        "The Ottawa rules do not apply: the pain came on gradually, not with an injury. "
        "Imaging is the doctor's judgement.",
    )


def test_it_does_not_apply_the_rules_to_a_child_of_4_nor_says_no_xray() -> None:
    rec = imaging_recommendation(exam(age=4))
    assert rec.ottawa_applicable is False
    assert rec.rationale == (
        "The Ottawa rules do not apply: the patient is 4 (the rules were validated from age 5). "
        "Imaging is the doctor's judgement.",
    )


def test_it_applies_the_rules_from_age_5_with_the_adult_caution() -> None:
    rec = imaging_recommendation(exam(age=5))
    assert rec.ottawa_applicable is True
    assert rec.rationale[0] == OTTAWA_NEGATIVE
    assert rec.rationale[1].startswith("Caution: the patient is 5;")


@pytest.mark.parametrize(
    ("exclusion", "words"),
    [
        ("pregnancy", "pregnancy"),
        ("intoxication", "intoxication"),
        ("head_injury", "head injury"),
        ("distracting_injury", "another, distracting injury"),
        ("reduced_sensation", "reduced sensation in the leg"),
    ],
)
def test_it_does_not_apply_the_rules_with_an_exclusion(exclusion: str, words: str) -> None:
    rec = imaging_recommendation(ankle_exam(exclusions=(exclusion,), **UNABLE_TO_BEAR_WEIGHT))
    assert (rec.ottawa_applicable, rec.studies) == (False, ())
    assert rec.rationale == (
        f"The Ottawa rules do not apply: an exclusion: {words}. Imaging is the doctor's judgement.",
    )


def test_it_names_every_reason_the_rules_do_not_apply_in_one_sentence() -> None:
    _, why = ottawa_applicability(
        exam(onset="gradual", days_since_injury=30, age=3, exclusions=("intoxication",))
    )
    assert why == (
        "The Ottawa rules do not apply: the pain came on gradually, not with an injury; the "
        "injury is 30 days old (the rules cover the first 10 days); the patient is 3 (the rules "
        "were validated from age 5); an exclusion: intoxication. Imaging is the doctor's "
        "judgement.",
    )


def test_it_still_orders_the_ultrasound_where_the_ottawa_rules_do_not_apply() -> None:
    rec = imaging_recommendation(exam(days_since_injury=20, thompson_test="positive"))
    assert (rec.ottawa_applicable, rec.studies) == (False, ("ultrasound",))


def test_it_answers_ottawa_applicable_false_in_the_dict() -> None:
    assert imaging_recommendation(exam(age=2)).as_dict()["ottawa_applicable"] is False


# --- The syndesmosis (Hopkinson 1990, Boytim 1991) --------------------------------------------


@pytest.mark.parametrize(
    ("test", "words"),
    [("squeeze_test", "squeeze test"), ("external_rotation_test", "external-rotation test")],
)
def test_it_orders_an_ankle_xray_for_a_positive_syndesmosis_test(test: str, words: str) -> None:
    rec = imaging_recommendation(exam(**{test: "positive"}))
    assert rec.studies == ("ankle_xray",)
    assert rec.rationale == (
        OTTAWA_NEGATIVE,
        f"Positive {words}: possible syndesmosis (high ankle) injury — ankle X-ray "
        "recommended, then an MRI if the X-ray is normal.",
    )
    assert rec.as_dict()["mri"] is False


def test_it_names_both_syndesmosis_tests_in_one_sentence() -> None:
    rec = imaging_recommendation(exam(squeeze_test="positive", external_rotation_test="positive"))
    assert rec.rationale[-1].startswith("Positive squeeze test and external-rotation test:")


@pytest.mark.parametrize("result", ["negative", "not_done"])
def test_it_orders_nothing_for_a_negative_or_undone_syndesmosis_test(result: str) -> None:
    rec = imaging_recommendation(exam(squeeze_test=result, external_rotation_test=result))
    assert rec.studies == ()


# --- A suspected stress fracture (ACR 2019) --------------------------------------------------


@pytest.mark.parametrize(
    ("tenderness", "studies"),
    [
        ({"lateral_malleolus_tenderness": True}, ("ankle_xray", "mri")),
        ({"medial_malleolus_tenderness": True}, ("ankle_xray", "mri")),
        ({"navicular_tenderness": True}, ("foot_xray", "mri")),
        ({"fifth_metatarsal_base_tenderness": True}, ("foot_xray", "mri")),
    ],
    ids=["lateral", "medial", "navicular", "fifth_metatarsal"],
)
def test_it_orders_xray_then_mri_for_a_gradual_onset_with_bone_tenderness(
    tenderness: dict[str, bool], studies: tuple[str, ...]
) -> None:
    rec = imaging_recommendation(
        exam(onset="gradual", malleolar_zone_pain=True, midfoot_zone_pain=True, **tenderness)
    )
    assert rec.ottawa_applicable is False
    assert rec.studies == studies
    assert rec.rationale[-1].startswith(
        "Suspected stress fracture (bone tenderness after a gradual onset): "
    )
    assert rec.rationale[-1].endswith(
        "first, then an MRI if it is normal (a stress fracture is often invisible on the first "
        "film)."
    )


def test_it_orders_no_imaging_for_a_gradual_onset_without_bone_tenderness() -> None:
    rec = imaging_recommendation(exam(onset="gradual", malleolar_zone_pain=True))
    assert rec.studies == ()


@pytest.mark.parametrize(
    ("zone", "studies"),
    [({"midfoot_zone_pain": True}, ("foot_xray", "mri")), ({}, ("ankle_xray", "mri"))],
    ids=["midfoot", "elsewhere"],
)
def test_it_orders_the_painful_zones_xray_then_mri_for_focal_bone_pain(
    zone: dict[str, bool], studies: tuple[str, ...]
) -> None:
    rec = imaging_recommendation(exam(onset="gradual", focal_bone_pain=True, **zone))
    assert rec.studies == studies
    assert "(pain at one spot on a bone)" in rec.rationale[-1]


def test_it_reads_the_stress_fracture_rule_after_a_trauma_too_when_bone_pain_is_focal() -> None:
    rec = imaging_recommendation(exam(onset="trauma", focal_bone_pain=True))
    assert rec.studies == ("ankle_xray", "mri")


def test_it_does_not_read_bone_tenderness_after_a_trauma_as_a_stress_fracture() -> None:
    rec = imaging_recommendation(ankle_exam(onset="trauma", lateral_malleolus_tenderness=True))
    assert rec.studies == ("ankle_xray",)
