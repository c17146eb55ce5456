"""Return-to-run checklists and their criteria: pure clinical rules over plain data.

No Django here. The checklist follows the case's condition (``checklist_for``): the
pain-monitoring model for the tendinopathies (Silbernagel 2007), the rupture's own criteria
after an Achilles rupture (Zellers 2016, Silbernagel 2012), PAASS for the others (Smith 2021).
The pages build their forms from ``RETURN_TO_RUN_CHECKLISTS`` and the service judges each value
with ``criterion_met``; ``checklist_met`` says whether the whole list is met, and
``limb_symmetry_index`` compares the two sides' objective measures. Sources and decisions:
docs/clinical.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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

ZELLERS_2016 = (
    "Zellers JA, Carmont MR, Grävare Silbernagel K. Return to play post-Achilles tendon "
    "rupture: a systematic review and meta-analysis of rate and measures of return to play. "
    "Br J Sports Med 2016;50(21):1325-32."
)
SILBERNAGEL_2012 = (
    "Silbernagel KG, Nilsson-Helander K, Thomeé R, Eriksson BI, Karlsson J. A new measurement "
    "of heel-rise endurance with the ability to detect functional deficits in patients with "
    "Achilles tendon rupture. Knee Surg Sports Traumatol Arthrosc 2010;18(2):258-64; and "
    "Silbernagel KG et al., Am J Sports Med 2012;40(7):1564-71 (heel-rise height index)."
)

_RUPTURE_NO_THRESHOLD = (
    "The sources report this as a return measure but set no single pass mark: tick it when "
    "you judge it satisfactory."
)

_RUPTURE: tuple[Criterion, ...] = (
    Criterion(
        "protocol_allows_running",
        "The treating doctor's protocol allows running",
        "bool",
        "",
        "Running after a rupture starts when the surgeon's or doctor's protocol allows it "
        "(commonly not before 12 weeks; Zellers 2016). " + _RUPTURE_NO_THRESHOLD,
        domain="healing",
    ),
    Criterion(
        "tendon_in_continuity",
        "Tendon in continuity, no excessive lengthening",
        "bool",
        "",
        "Negative Thompson test and a resting ankle angle close to the other side's. "
        + _RUPTURE_NO_THRESHOLD,
        domain="healing",
    ),
    Criterion(
        "single_leg_heel_rise",
        "Single-leg heel rises on the injured side",
        "bool",
        "",
        "Repeated single-leg heel rises; compare the number, height and work with the other "
        "side (Silbernagel 2010/2012; record them as objective measures). " + _RUPTURE_NO_THRESHOLD,
        domain="function",
    ),
    Criterion(
        "heel_rise_height",
        "Heel-rise height close to the other side",
        "bool",
        "",
        "The heel-rise height index (injured ÷ other side) shows the tendon's elongation "
        "(Silbernagel 2012). " + _RUPTURE_NO_THRESHOLD,
        domain="function",
    ),
    Criterion(
        "hopping_without_pain",
        "Hopping on the injured leg without pain",
        "bool",
        "",
        "Repeated single-leg hops (record the hop distance as an objective measure). "
        + _RUPTURE_NO_THRESHOLD,
        domain="function",
    ),
    Criterion(
        "psychological_readiness",
        "Psychological readiness to return",
        "bool",
        "",
        "The runner feels ready, without undue fear of re-rupture. " + _RUPTURE_NO_THRESHOLD,
        domain="athlete_perception",
    ),
)

RETURN_TO_RUN_CHECKLISTS: dict[str, tuple[Criterion, ...]] = {
    "ankle_sprain": _PAASS,
    "achilles_tendinopathy": _SILBERNAGEL,
    "achilles_rupture": _RUPTURE,
}
RETURN_TO_RUN_CITATIONS: dict[str, str] = {
    "ankle_sprain": SMITH_2021,
    "achilles_tendinopathy": SILBERNAGEL_2007,
    "achilles_rupture": f"{ZELLERS_2016} {SILBERNAGEL_2012}",
}

# The tendinopathies follow the pain-monitoring model (Silbernagel 2007); the rupture has its
# own criteria; every other condition (sprains, fractures, overuse causes) follows PAASS.
CHECKLIST_OF_CONDITION: dict[str, str] = {
    "achilles_tendinitis": "achilles_tendinopathy",
    "peroneal_tendinopathy": "achilles_tendinopathy",
    "tibialis_posterior_tendinopathy": "achilles_tendinopathy",
    "achilles_rupture": "achilles_rupture",
}
DEFAULT_CHECKLIST = "ankle_sprain"


def checklist_for(
    *,
    confirmed: Sequence[str] = (),
    provisional: Sequence[str] = (),
    suspected: Sequence[str] = (),
) -> str:
    """The checklist of the case's condition: the confirmed diagnosis, else the provisional one,
    else the triage suspicion (each list newest or most likely first).

    Design ("Return to run and discharge"): tendinopathies → Silbernagel 2007; the rupture →
    its own criteria (Zellers 2016); others → PAASS (Smith 2021). Within a list, the first
    code with a checklist of its own wins; a list with none of them gives PAASS, and a later
    list is read only when the earlier ones are empty.
    """
    for codes in (confirmed, provisional, suspected):
        if codes:
            for code in codes:
                if code in CHECKLIST_OF_CONDITION:
                    return CHECKLIST_OF_CONDITION[code]
            return DEFAULT_CHECKLIST
    return DEFAULT_CHECKLIST


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


def checklist_met(checklist: str, met: Mapping[str, bool]) -> bool:
    """Whether every criterion of the checklist is recorded and met (``met``: code → met).

    Design: "cleared" needs the checklist met, or an override with its reason.
    """
    return all(met.get(criterion.code, False) for criterion in RETURN_TO_RUN_CHECKLISTS[checklist])


# --- Objective measures, per side --------------------------------------------------------------

MeasureCode = Literal["single_leg_heel_raises", "single_leg_hop_distance", "knee_to_wall"]


@dataclass(frozen=True)
class Measure:
    """An objective return-to-run measure, taken on each side."""

    code: MeasureCode
    label: str
    unit: str
    max_value: float


MEASURES: tuple[Measure, ...] = (
    Measure("single_leg_heel_raises", "Single-leg heel raises", "repetitions", 200),
    Measure("single_leg_hop_distance", "Single-leg hop distance", "cm", 400),
    Measure("knee_to_wall", "Knee-to-wall lunge", "cm", 30),
)
MEASURE_CODES: tuple[str, ...] = tuple(m.code for m in MEASURES)
# The usual return-to-sport mark for a limb symmetry index (Thomeé et al., Knee Surg Sports
# Traumatol Arthrosc 2011;19:1798-805, written for the knee; the clinic shows it for the ankle
# as a guide, not a pass mark: the ankle sources set none).
LSI_TARGET = 90.0


def limb_symmetry_index(*, involved: float, uninvolved: float) -> float | None:
    """Involved side / uninvolved side * 100, to one decimal; None when the other side is 0.

    Thomeé 2011: the limb symmetry index; 90 % or more is the usual return-to-sport mark
    (``LSI_TARGET``, shown as a guide).
    """
    if uninvolved <= 0:
        return None
    return round(involved / uninvolved * 100, 1)
