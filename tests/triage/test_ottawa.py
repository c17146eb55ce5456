"""Ottawa/Thompson imaging rules of the exam: pure, no database."""

from __future__ import annotations

import json
from typing import Any

import pytest

from triage.ottawa import ExamFindings, ImagingRecommendation, imaging_recommendation

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


@pytest.mark.parametrize(
    "tenderness",
    [
        {"lateral_malleolus_tenderness": True},
        {"medial_malleolus_tenderness": True},
        UNABLE_TO_BEAR_WEIGHT,
    ],
    ids=["lateral", "medial", "weight_bearing"],
)
def test_it_orders_no_ankle_xray_without_malleolar_zone_pain(tenderness: dict[str, bool]) -> None:
    rec = imaging_recommendation(exam(**tenderness))
    assert rec.studies == ()
    assert rec.rationale == (OTTAWA_NEGATIVE,)


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
    assert imaging_recommendation(ankle_exam(**tenderness)).studies == ()


def test_it_orders_no_xray_for_midfoot_zone_pain_alone() -> None:
    assert imaging_recommendation(foot_exam()).rationale == (OTTAWA_NEGATIVE,)


def test_it_does_not_cross_malleolar_tenderness_into_the_foot_rule() -> None:
    rec = imaging_recommendation(foot_exam(lateral_malleolus_tenderness=True))
    assert rec.studies == ()


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
