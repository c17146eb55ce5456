"""Imaging rules for the doctor's ankle exam: pure functions over plain data, no Django.

- The refined Ottawa ankle and foot rules (Stiell et al., JAMA 1993;269:1127-32), where they
  apply: a trauma examined within 10 days, aged 5 or over, with no exclusion (Stiell 1992/1993;
  Dowling 2009 for children).
- The squeeze and external-rotation tests of the syndesmosis (Hopkinson et al., Foot Ankle
  1990;10:325-30; Boytim et al., Am J Sports Med 1991;19:294-8).
- The Thompson test (Thompson & Doherty, J Trauma 1962;2:126-9).
- A suspected stress fracture: X-ray first, MRI when it is normal (ACR Appropriateness
  Criteria, stress fracture, 2019).

The API, the pages and the admin all recommend imaging through ``imaging_recommendation``;
the policy table and full references are in docs/triage.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from triage.vocabulary import (
    IMAGING_STUDIES,
    OTTAWA_EXCLUSION_LABELS,
    ImagingStudy,
    Onset,
    OttawaExclusion,
    TestResult,
)

# The Ottawa rules were derived and validated in adults (Stiell 1992, 1993).
OTTAWA_ADULT_AGE = 18
# They were validated in children from 5 years (Dowling 2009); younger children are outside them.
OTTAWA_MIN_AGE = 5
# Stiell's patients were seen within 10 days of the injury (Stiell 1992, 1993).
OTTAWA_MAX_DAYS = 10


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
    # The revised policy's inputs; the defaults are an acute trauma with nothing else known.
    squeeze_test: TestResult = "not_done"
    external_rotation_test: TestResult = "not_done"
    # From the intake: how the pain started (None: the case has no questionnaire) and whether
    # the patient reported pain at one spot on a bone.
    onset: Onset | None = None
    focal_bone_pain: bool = False
    days_since_injury: int | None = None
    exclusions: tuple[OttawaExclusion, ...] = ()


@dataclass(frozen=True)
class ImagingRecommendation:
    """The studies the published rules indicate, in a fixed order, and why.

    ``ottawa_applicable``: whether the Ottawa rules could be run for this exam
    (``ottawa_applicability``); when false they were not run and imaging is the doctor's call.
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


def ottawa_applicability(f: ExamFindings) -> tuple[bool, tuple[str, ...]]:
    """Whether the Ottawa rules apply to this exam, and if not, why (one sentence each).

    Stiell 1992/1993 derived and validated the rules on acute ankle injuries seen within 10
    days, and excluded pregnancy, intoxication, head injury, multiple (distracting) injuries
    and reduced sensation; Dowling 2009 validated them in children from 5 years. A gradual
    (overuse) pain is not an injury. A case without a questionnaire (``onset`` None) is taken
    as the injury the doctor is examining; an unknown delay does not exclude it.
    """
    reasons = []
    if f.onset == "gradual":
        reasons.append("the pain came on gradually, not with an injury")
    if f.days_since_injury is not None and f.days_since_injury > OTTAWA_MAX_DAYS:
        reasons.append(
            f"the injury is {f.days_since_injury} days old (the rules cover the first "
            f"{OTTAWA_MAX_DAYS} days)"
        )
    if f.age is not None and f.age < OTTAWA_MIN_AGE:
        reasons.append(f"the patient is {f.age} (the rules were validated from age 5)")
    for exclusion in f.exclusions:
        reasons.append(f"an exclusion: {OTTAWA_EXCLUSION_LABELS[exclusion].lower()}")
    if not reasons:
        return True, ()
    return False, (
        f"The Ottawa rules do not apply: {'; '.join(reasons)}. Imaging is the doctor's judgement.",
    )


_TENDER_WITHOUT_ZONE = (
    ("malleolar_zone_pain", "malleolar zone", "lateral_malleolus_tenderness", "lateral malleolus"),
    ("malleolar_zone_pain", "malleolar zone", "medial_malleolus_tenderness", "medial malleolus"),
    (
        "midfoot_zone_pain",
        "midfoot zone",
        "fifth_metatarsal_base_tenderness",
        "base of the fifth metatarsal",
    ),
    ("midfoot_zone_pain", "midfoot zone", "navicular_tenderness", "navicular"),
)


def contradictions(f: ExamFindings) -> tuple[str, ...]:
    """Tenderness ticked without the pain of its zone: named, never read as "no X-ray".

    Stiell 1993: the zone's pain is the rule's precondition and bone tenderness is examined in
    that zone, so tenderness without the zone's pain is a recording error to check.
    """
    return tuple(
        f"Contradiction: tenderness at the {site} is ticked without pain in the {zone_words}; "
        "check the findings (the Ottawa rules cannot be read from them)."
        for zone, zone_words, field, site in _TENDER_WITHOUT_ZONE
        if getattr(f, field) and not getattr(f, zone)
    )


def _syndesmosis(f: ExamFindings) -> tuple[str, ...]:
    """A positive squeeze or external-rotation test: possible syndesmosis (high ankle) sprain.

    Hopkinson 1990 (squeeze test), Boytim 1991 (external-rotation stress test): either suggests
    an injury of the distal tibiofibular syndesmosis; an ankle X-ray looks for a fracture and a
    widened mortise, and an MRI follows when the X-ray is normal (Sman et al., Br J Sports Med
    2013;47:620-8).
    """
    tests = []
    if f.squeeze_test == "positive":
        tests.append("squeeze test")
    if f.external_rotation_test == "positive":
        tests.append("external-rotation test")
    if not tests:
        return ()
    return (
        f"Positive {' and '.join(tests)}: possible syndesmosis (high ankle) injury — ankle "
        "X-ray recommended, then an MRI if the X-ray is normal.",
    )


def _stress_fracture(f: ExamFindings) -> tuple[tuple[ImagingStudy, ...], tuple[str, ...]]:
    """A gradual onset with bone tenderness, or focal bone pain: X-ray first, then MRI.

    ACR Appropriateness Criteria, stress fracture (2019): radiographs first; MRI when they are
    normal, since a stress fracture is often invisible on the first film. The X-ray is the
    tender bone's (ankle for a malleolus, foot for the navicular or the 5th-metatarsal base);
    focal bone pain without a tender site takes the X-ray of the painful zone (the foot for
    midfoot pain, the ankle otherwise).
    """
    ankle = f.lateral_malleolus_tenderness or f.medial_malleolus_tenderness
    foot = f.fifth_metatarsal_base_tenderness or f.navicular_tenderness
    gradual_tender = f.onset == "gradual" and (ankle or foot)
    if not (gradual_tender or f.focal_bone_pain):
        return (), ()
    if not (ankle or foot):
        foot = f.midfoot_zone_pain
        ankle = not foot
    studies: list[ImagingStudy] = []
    if ankle:
        studies.append("ankle_xray")
    if foot:
        studies.append("foot_xray")
    films = " and ".join(
        {"ankle_xray": "an ankle X-ray", "foot_xray": "a foot X-ray"}[s] for s in studies
    )
    why = (
        "bone tenderness after a gradual onset" if gradual_tender else "pain at one spot on a bone"
    )
    return (*studies, "mri"), (
        f"Suspected stress fracture ({why}): {films} first, then an MRI if it is normal "
        "(a stress fracture is often invisible on the first film).",
    )


def imaging_recommendation(f: ExamFindings) -> ImagingRecommendation:
    """Recommend imaging from the Ottawa rules (where they apply), the syndesmosis tests, the
    Thompson test and a suspected stress fracture; one rationale sentence per criterion met."""
    applicable, not_applicable = ottawa_applicability(f)
    contradicted = contradictions(f)
    rationale: list[str] = [*not_applicable, *contradicted]
    chosen: set[ImagingStudy] = set()
    if applicable:
        ankle, foot = _ottawa_ankle(f), _ottawa_foot(f)
        rationale.extend((*ankle, *foot))
        if ankle:
            chosen.add("ankle_xray")
        if foot:
            chosen.add("foot_xray")
        if not (ankle or foot or contradicted):
            rationale.append("Ottawa rules negative: no X-ray needed.")
    syndesmosis = _syndesmosis(f)
    if syndesmosis:
        chosen.add("ankle_xray")
        rationale.extend(syndesmosis)
    stress_studies, stress_why = _stress_fracture(f)
    chosen.update(stress_studies)
    rationale.extend(stress_why)
    thompson = _thompson(f)
    if thompson:
        chosen.add("ultrasound")
        rationale.extend(thompson)
    if applicable and f.age is not None and f.age < OTTAWA_ADULT_AGE:
        rationale.append(
            f"Caution: the patient is {f.age}; the Ottawa rules were validated in adults "
            "(Stiell 1993). In children, see the Dowling 2009 meta-analysis."
        )
    studies = tuple(study for study in IMAGING_STUDIES if study in chosen)
    return ImagingRecommendation(
        studies=studies, rationale=tuple(rationale), ottawa_applicable=applicable
    )
