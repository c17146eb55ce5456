"""Imaging rules for the doctor's ankle exam: pure functions over plain data, no Django.

- The refined Ottawa ankle and foot rules (Stiell et al., JAMA 1993;269:1127-32).
- The Thompson test (Thompson & Doherty, J Trauma 1962;2:126-9).

The API, the pages and the admin all recommend imaging through ``imaging_recommendation``;
the policy table and full references are in docs/triage.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from triage.vocabulary import IMAGING_STUDIES, ImagingStudy, TestResult

# The Ottawa rules were derived and validated in adults (Stiell 1992, 1993).
OTTAWA_ADULT_AGE = 18


@dataclass(frozen=True, kw_only=True)
class ExamFindings:
    """The doctor's Ottawa findings and Thompson test, plus the patient's age."""

    malleolar_zone_pain: bool
    midfoot_zone_pain: bool
    # Bone tenderness at the posterior edge or tip of the malleolus (distal 6 cm).
    lateral_malleolus_tenderness: bool
    medial_malleolus_tenderness: bool
    fifth_metatarsal_base_tenderness: bool
    navicular_tenderness: bool
    # Inability to take four steps (two on each foot, limping allowed).
    unable_to_bear_weight_immediately: bool
    unable_to_bear_weight_at_exam: bool
    thompson_test: TestResult
    age: int | None


@dataclass(frozen=True)
class ImagingRecommendation:
    """The studies the published rules indicate, in a fixed order, and why.

    ``ottawa_applicable``: whether the Ottawa rules could be run for this exam; today's rules
    have no exclusion, so it is always true.
    """

    studies: tuple[ImagingStudy, ...]
    rationale: tuple[str, ...]
    ottawa_applicable: bool = True

    @property
    def primary(self) -> ImagingStudy | None:
        """Return the first recommended study, or None when no imaging is indicated."""
        return self.studies[0] if self.studies else None

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict (tuples become lists): one bool per study of the design,
        ``ottawa_applicable``, and the same studies as an ordered list with the first one."""
        return {
            **recommendation_flags(self.studies, ottawa_applicable=self.ottawa_applicable),
            "studies": list(self.studies),
            "primary": self.primary,
            "rationale": list(self.rationale),
        }


def recommendation_flags(
    studies: Iterable[str], *, ottawa_applicable: bool = True
) -> dict[str, bool]:
    """The design's keys of a recommendation: ``ottawa_applicable`` and a bool per study."""
    chosen = set(studies)
    return {
        "ottawa_applicable": ottawa_applicable,
        **{study: study in chosen for study in IMAGING_STUDIES},
    }


_WEIGHT_BEARING_CRITERION = (
    "inability to bear weight (four steps) both immediately after the injury and at the exam"
)


def _unable_to_bear_weight(f: ExamFindings) -> bool:
    """Ottawa weight-bearing criterion: it counts only when true both then and now."""
    return f.unable_to_bear_weight_immediately and f.unable_to_bear_weight_at_exam


def _ottawa_ankle(f: ExamFindings) -> tuple[str, ...]:
    """Refined Ottawa ankle rule (Stiell et al., JAMA 1993): one sentence per criterion met.

    Ankle X-ray only if pain in the malleolar zone AND any of: bone tenderness at the posterior
    edge or tip of the lateral or the medial malleolus, or inability to bear weight both
    immediately and at the exam. No age criterion.
    """
    if not f.malleolar_zone_pain:
        return ()
    criteria = []
    if f.lateral_malleolus_tenderness:
        criteria.append("tenderness at the posterior edge or tip of the lateral malleolus")
    if f.medial_malleolus_tenderness:
        criteria.append("tenderness at the posterior edge or tip of the medial malleolus")
    if _unable_to_bear_weight(f):
        criteria.append(_WEIGHT_BEARING_CRITERION)
    return tuple(
        f"Ottawa ankle rule: pain in the malleolar zone with {c} — ankle X-ray recommended."
        for c in criteria
    )


def _ottawa_foot(f: ExamFindings) -> tuple[str, ...]:
    """Ottawa foot rule (Stiell et al., JAMA 1993): one sentence per criterion met.

    Foot X-ray only if pain in the midfoot zone AND any of: bone tenderness at the base of the
    fifth metatarsal or at the navicular, or inability to bear weight both immediately and at
    the exam.
    """
    if not f.midfoot_zone_pain:
        return ()
    criteria = []
    if f.fifth_metatarsal_base_tenderness:
        criteria.append("tenderness at the base of the fifth metatarsal")
    if f.navicular_tenderness:
        criteria.append("tenderness at the navicular")
    if _unable_to_bear_weight(f):
        criteria.append(_WEIGHT_BEARING_CRITERION)
    return tuple(
        f"Ottawa foot rule: pain in the midfoot zone with {c} — foot X-ray recommended."
        for c in criteria
    )


def _thompson(f: ExamFindings) -> tuple[str, ...]:
    """Thompson test (Thompson & Doherty, J Trauma 1962): positive suggests Achilles rupture."""
    if f.thompson_test != "positive":
        return ()
    return (
        "Positive Thompson test (Thompson & Doherty 1962: no plantar flexion when the calf is "
        "squeezed): suspected Achilles tendon rupture — ultrasound recommended.",
    )


def imaging_recommendation(f: ExamFindings) -> ImagingRecommendation:
    """Recommend imaging from the Ottawa ankle and foot rules and the Thompson test."""
    ankle, foot, thompson = _ottawa_ankle(f), _ottawa_foot(f), _thompson(f)
    studies: list[ImagingStudy] = []
    rationale: list[str] = [*ankle, *foot]
    if ankle:
        studies.append("ankle_xray")
    if foot:
        studies.append("foot_xray")
    if not (ankle or foot):
        rationale.append("Ottawa rules negative: no X-ray needed.")
    if thompson:
        studies.append("ultrasound")
        rationale.extend(thompson)
    if f.age is not None and f.age < OTTAWA_ADULT_AGE:
        rationale.append(
            f"Caution: the patient is {f.age}; the Ottawa rules were validated in adults "
            "(Stiell 1993). In children, see the Dowling 2009 meta-analysis."
        )
    return ImagingRecommendation(studies=tuple(studies), rationale=tuple(rationale))
