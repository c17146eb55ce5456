"""Return-to-run checklists and their criteria: pure clinical rules over plain data.

No Django here. The checklist follows the case's condition: PAASS after an ankle sprain
(Smith 2021), the pain-monitoring model for Achilles tendinopathy (Silbernagel 2007). The
pages build their forms from ``RETURN_TO_RUN_CHECKLISTS`` and the service judges each value
with ``criterion_met``. Sources and decisions: docs/clinical.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from clinic.measures import is_nprs

CriterionKind = Literal["bool", "nprs", "number"]


@dataclass(frozen=True)
class Criterion:
    """One return-to-run criterion; `min_value`/`max_value` only where the source sets them."""

    code: str
    label: str
    kind: CriterionKind
    unit: str
    guidance: str
    domain: str = ""
    min_value: float | None = None
    max_value: float | None = None


SMITH_2021 = (
    "Smith MD, Vicenzino B, Bahr R, Bandholm T, Cooke R, Mendonça LM, Fourchet F, "
    "Glasgow P, Gribble PA, Herrington L, Hiller CE, Lee SY, Macaluso A, Meeusen R, "
    "Owoeye OBA, Reid D, Tassignon B, Terada M, Thorborg K, Verhagen E, Verschueren J, "
    "Wang D, Whiteley R, Wikstrom EA, Delahunt E. Return to sport decisions after an acute "
    "lateral ankle sprain injury: introducing the PAASS framework—an international "
    "multidisciplinary consensus. Br J Sports Med 2021;55(22):1270-6."
)
SILBERNAGEL_2007 = (
    "Silbernagel KG, Thomeé R, Eriksson BI, Karlsson J. Continued sports activity, using a "
    "pain-monitoring model, during rehabilitation in patients with Achilles tendinopathy: "
    "a randomized controlled study. Am J Sports Med 2007;35(6):897-906."
)

_NO_THRESHOLD = (
    "The consensus names this as an assessment item but sets no pass mark: tick it when "
    "you judge it satisfactory for a return to running."
)

_PAASS: tuple[Criterion, ...] = (
    Criterion(
        "pain_during_sport",
        "Pain during sport participation",
        "bool",
        "",
        "Ankle pain while running and during sport-specific drills (note the NPRS in the "
        "session). " + _NO_THRESHOLD,
        domain="pain",
    ),
    Criterion(
        "pain_last_24_hours",
        "Pain over the last 24 hours",
        "bool",
        "",
        "Ankle pain over the previous 24 hours, including after the last session. " + _NO_THRESHOLD,
        domain="pain",
    ),
    Criterion(
        "ankle_range_of_motion",
        "Ankle range of motion",
        "bool",
        "",
        "Compare with the uninjured side (e.g. weight-bearing dorsiflexion lunge). "
        + _NO_THRESHOLD,
        domain="ankle_impairments",
    ),
    Criterion(
        "ankle_strength",
        "Ankle muscle strength",
        "bool",
        "",
        "Evertor, invertor and plantar-flexor strength against the uninjured side. "
        + _NO_THRESHOLD,
        domain="ankle_impairments",
    ),
    Criterion(
        "ankle_endurance",
        "Ankle muscle endurance",
        "bool",
        "",
        "Repeated efforts, e.g. single-leg heel raises, against the uninjured side. "
        + _NO_THRESHOLD,
        domain="ankle_impairments",
    ),
    Criterion(
        "ankle_power",
        "Ankle muscle power",
        "bool",
        "",
        "Fast, loaded efforts such as hopping or jumping off the injured ankle. " + _NO_THRESHOLD,
        domain="ankle_impairments",
    ),
    Criterion(
        "ankle_confidence",
        "Perceived ankle confidence/reassurance and stability",
        "bool",
        "",
        "The athlete trusts the ankle and does not feel it giving way. " + _NO_THRESHOLD,
        domain="athlete_perception",
    ),
    Criterion(
        "psychological_readiness",
        "Psychological readiness to return",
        "bool",
        "",
        "The athlete feels ready, without undue fear of re-injury. " + _NO_THRESHOLD,
        domain="athlete_perception",
    ),
    Criterion(
        "proprioception",
        "Proprioception",
        "bool",
        "",
        "Joint position sense of the injured ankle. " + _NO_THRESHOLD,
        domain="sensorimotor_control",
    ),
    Criterion(
        "dynamic_postural_control",
        "Dynamic postural control/balance",
        "bool",
        "",
        "Single-leg balance and reach tasks against the uninjured side. " + _NO_THRESHOLD,
        domain="sensorimotor_control",
    ),
    Criterion(
        "hop_jump_agility",
        "Hopping, jumping and agility",
        "bool",
        "",
        "Hop and jump tests and changes of direction. " + _NO_THRESHOLD,
        domain="sport_functional_performance",
    ),
    Criterion(
        "sport_specific_drills",
        "Sport-specific drills",
        "bool",
        "",
        "For a runner: running drills, pace changes, uneven ground and turns. " + _NO_THRESHOLD,
        domain="sport_functional_performance",
    ),
    Criterion(
        "full_training_session",
        "Ability to complete a full training session",
        "bool",
        "",
        "A full usual training session completed without a flare-up. " + _NO_THRESHOLD,
        domain="sport_functional_performance",
    ),
)

_SILBERNAGEL: tuple[Criterion, ...] = (
    Criterion(
        "pain_during_activity",
        "Pain during running and exercise",
        "nprs",
        "/10",
        "Pain-monitoring model: pain during the activity may reach 5/10 but no higher.",
        domain="pain_monitoring",
        min_value=0,
        max_value=5,
    ),
    Criterion(
        "pain_after_activity",
        "Pain after running and exercise",
        "nprs",
        "/10",
        "Pain-monitoring model: pain after the session may reach 5/10 but no higher.",
        domain="pain_monitoring",
        min_value=0,
        max_value=5,
    ),
    Criterion(
        "pain_settled_next_morning",
        "Pain after activity has settled by the next morning",
        "bool",
        "",
        "Pain-monitoring model: pain provoked by the session must have subsided by the "
        "following morning.",
        domain="pain_monitoring",
    ),
    Criterion(
        "no_weekly_increase",
        "Pain and stiffness not increasing from week to week",
        "bool",
        "",
        "Pain-monitoring model: Achilles pain and morning stiffness must not increase from "
        "one week to the next.",
        domain="pain_monitoring",
    ),
    Criterion(
        "visa_a_improving",
        "VISA-A improving",
        "bool",
        "",
        "Compare with the case's first VISA-A: an improvement of at least 6.5 points "
        "(McCormack 2015) is clinically important; 100 = asymptomatic. No pass mark is set "
        "by the sources: the physio judges.",
        domain="function",
    ),
    Criterion(
        "heel_rise_endurance",
        "Single-leg heel-rise endurance",
        "bool",
        "",
        "Repeated single-leg heel rises on the injured side compared with the other side, "
        "without pain above the model's limits. No pass mark is set by the source: the physio "
        "judges.",
        domain="function",
    ),
)

RETURN_TO_RUN_CHECKLISTS: dict[str, tuple[Criterion, ...]] = {
    "ankle_sprain": _PAASS,
    "achilles_tendinopathy": _SILBERNAGEL,
}
RETURN_TO_RUN_CITATIONS: dict[str, str] = {
    "ankle_sprain": SMITH_2021,
    "achilles_tendinopathy": SILBERNAGEL_2007,
}


def criterion_met(criterion: Criterion, value: bool | float | None) -> bool:
    """Whether a recorded value meets the criterion; an unrecorded one (None) is not met."""
    if value is None:
        return False
    if criterion.kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{criterion.code} is ticked: expected true or false.")
        return value
    if criterion.kind == "nprs" and not is_nprs(value):
        raise ValueError(f"{criterion.code} is an NPRS rating: expected an integer 0 to 10.")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{criterion.code} is a number: expected a number.")
    if criterion.min_value is not None and value < criterion.min_value:
        return False
    return criterion.max_value is None or value <= criterion.max_value
