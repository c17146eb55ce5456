"""Triage rules: pure functions over plain data, shared by the API, pages and admin.

No Django here on purpose: the clinic's policy must read, and test, on its own. Its words
(onsets, swellings, pathways…) are the vocabulary's, ``triage.vocabulary``.

Triage follows the clinic's article "Ankle pain after running" (docs/design.md, "The article's
questionnaire"): trauma versus gradual onset, the warning signs that need a doctor, the overuse
causes, and the advice to stop running. The exam's imaging rules (Ottawa, Thompson) are
``triage.ottawa``.

The policy table and full references are in docs/triage.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from clinic.measures import is_nprs, is_whole_number
from clinic.vocabulary import SIDES, Side, Urgency
from triage.vocabulary import (
    ABILITIES,
    MECHANISMS,
    ONSETS,
    PAIN_LOCATIONS,
    RED_FLAG_LABELS,
    RED_FLAG_PLAIN_WORDS,
    RED_FLAGS,
    SAFETY_QUESTIONS,
    SWELLINGS,
    Ability,
    ConditionCode,
    Mechanism,
    Onset,
    PainLocation,
    Pathway,
    RedFlag,
    Swelling,
)

# --- Thresholds (the clinic's policy; change them here and in docs/triage.md) -------------------

# The questionnaire's other numbers (docs/design.md); past these a number is a typing error.
PAIN_DURATION_DAYS_MAX = 3650  # ten years
PREVIOUS_SPRAINS_MAX = 100
WEEKLY_DISTANCE_KM_MAX = 500
SOON_PAIN_AT_REST = 5
STOP_PAIN_AT_REST = 1
STOP_PAIN_AFTER_RUNNING = 5
IMBALANCE_PREVIOUS_SPRAINS = 2
OSTEOARTHRITIS_AGE = 50


# --- Triage ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Questionnaire:
    """The article's intake questionnaire as the patient answered it, plus their age."""

    onset: Onset
    mechanism: Mechanism | None
    swelling: Swelling
    hematoma: bool
    mobility: Ability
    weight_bearing: Ability
    pain_location: PainLocation
    side: Side
    pain_at_rest: int
    pain_after_running: int
    pain_duration_days: int
    still_running: bool
    weekly_distance_km: float | Decimal
    recent_training_change: bool
    recent_shoe_change: bool
    known_flat_feet: bool
    previous_sprains: int
    # The five safety questions (triage.vocabulary.SAFETY_QUESTIONS), each a required yes/no.
    calf_pain_or_swelling: bool
    fever_or_hot_red_joint: bool
    numbness_or_cold_foot: bool
    night_pain: bool
    focal_bone_pain: bool
    # Completed years at intake (see age_in_years); None when the date of birth is unknown.
    age: int | None


QUESTIONNAIRE_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(Questionnaire) if f.name != "age"
)


@dataclass(frozen=True)
class TriageResult:
    """What triage answers: pathway, urgency, red flags, running advice, suspicions and why.

    ``rationale`` is for staff (one sentence per rule that fired); ``patient_advice`` is what
    reception reads aloud to the patient, in plain words.
    """

    pathway: Pathway
    urgency: Urgency
    stop_running: bool
    suspected_conditions: tuple[ConditionCode, ...]
    rationale: tuple[str, ...]
    red_flags: tuple[RedFlag, ...] = ()
    patient_advice: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict (tuples become lists)."""
        return {
            "pathway": self.pathway,
            "urgency": self.urgency,
            "red_flags": list(self.red_flags),
            "stop_running": self.stop_running,
            "suspected_conditions": list(self.suspected_conditions),
            "rationale": list(self.rationale),
            "patient_advice": self.patient_advice,
        }


_MECHANISM_WORDS: dict[str | None, str] = {
    "fall": "a fall",
    "twist": "a twist of the ankle",
    "change_of_direction": "a sudden change of direction",
    "other": "an injury",
    None: "an injury",
}


def _join(items: Iterable[str]) -> str:
    """Join phrases as a sentence would: 'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _is_trauma(q: Questionnaire) -> bool:
    """Tell whether the pain started with an injury."""
    return q.onset == "trauma"


def pathway_for(q: Questionnaire) -> tuple[Pathway, tuple[str, ...]]:
    """Trauma pathway when the pain started with an injury, overuse pathway otherwise.

    Article: pain after a fall, a twist or a sudden change of direction is a trauma; pain that
    appears progressively, for no apparent reason, is an overuse injury.
    """
    if _is_trauma(q):
        words = _MECHANISM_WORDS.get(q.mechanism, "an injury")
        return "trauma", (f"The pain started with {words}: trauma pathway.",)
    return "overuse", ("The pain came on gradually, for no clear reason: overuse pathway.",)


def red_flags_for(q: Questionnaire) -> tuple[tuple[RedFlag, ...], tuple[str, ...]]:
    """The red flags among the safety answers, in a fixed order, with one sentence for staff.

    Sources: NICE Clinical Knowledge Summaries, "Sprains and strains" (2020) and "Deep vein
    thrombosis" (2023): calf pain or swelling, above all after immobilisation in a boot or
    cast, may be a deep-vein thrombosis; fever or a hot, red, swollen joint a septic arthritis;
    numbness, pins and needles, a cold or pale foot a nerve or vascular injury. Each needs a
    doctor the same day, whatever the onset.
    """
    flags = tuple(flag for flag in RED_FLAGS if getattr(q, flag))
    if not flags:
        return (), ()
    names = _join(RED_FLAG_LABELS[flag] for flag in flags)
    return flags, (f"Red flag: {names}. A doctor must see the patient today.",)


def _fracture_signs(q: Questionnaire) -> list[str]:
    """Name the signs after a trauma that mean more than a sprain: no weight, no motion, bleeding.

    Article: a hematoma (a sign of bleeding) and trouble moving the ankle or putting weight on
    it after a trauma mean a doctor must see it.
    """
    signs = []
    if q.weight_bearing == "impossible":
        signs.append("inability to put weight on the foot")
    if q.mobility == "impossible":
        signs.append("inability to move the ankle")
    if q.hematoma:
        signs.append("a bruise (hematoma)")
    return signs


def _trauma_warning_signs(q: Questionnaire) -> list[str]:
    """Name the signs after a trauma that send the patient to a doctor today.

    Article: after a trauma, swelling, a hematoma (bleeding) or trouble moving the ankle or
    bearing weight mean a doctor must see it; the clinic counts severe swelling as urgent.
    A posterior pain after a trauma is a suspected Achilles rupture, which is treated best
    when it is diagnosed at once (AAOS clinical practice guideline on acute Achilles tendon
    rupture, 2010; Maffulli, Am J Sports Med 1998: a quarter are missed at first).
    """
    signs = _fracture_signs(q)
    if q.swelling == "severe":
        signs.append("severe swelling")
    if q.pain_location == "posterior":
        signs.append("pain at the back of the ankle (a suspected Achilles rupture)")
    return signs


def _overuse_soon_signs(q: Questionnaire) -> list[str]:
    """Name what makes a gradual pain need a doctor within the week.

    Article: an overuse pain needs a doctor quickly when it hurts even at rest. Night pain and
    pain at one spot on a bone are the signs of a stress fracture (ACR Appropriateness
    Criteria, "Stress (fatigue/insufficiency) fracture", 2019).
    """
    signs = []
    if q.pain_at_rest >= SOON_PAIN_AT_REST:
        signs.append(f"a pain of {q.pain_at_rest}/10 at rest")
    if q.night_pain:
        signs.append("pain that wakes the patient at night")
    if q.focal_bone_pain:
        signs.append("pain at one spot on a bone")
    return signs


def urgency_for(q: Questionnaire) -> tuple[Urgency, tuple[str, ...]]:
    """Urgent for a red flag, a trauma warning sign or a gradual pain that stops standing.

    Urgent (a doctor today): any red flag, whatever the onset (``red_flags_for``); a trauma
    with impossible weight bearing or motion, a hematoma, severe swelling or a posterior pain
    (the article; AAOS 2010 for the rupture); a gradual pain that makes standing on the foot
    impossible (NICE CKS "Sprains and strains": inability to bear weight needs assessment the
    same day). Soon (within the week): any other trauma, and a gradual pain with a rest pain of
    5 or more, night pain or focal bone pain (ACR 2019). Routine otherwise.
    """
    flags, _ = red_flags_for(q)
    reasons: list[str] = []
    if flags:
        reasons.append("A red flag: a doctor should see the patient today.")
    if _is_trauma(q):
        signs = _trauma_warning_signs(q)
        if signs:
            reasons.append(f"Trauma with {_join(signs)}: a doctor should see the patient today.")
    elif q.weight_bearing == "impossible":
        reasons.append(
            "A gradual pain that makes standing on the foot impossible: "
            "a doctor should see the patient today."
        )
    if reasons:
        return "urgent", tuple(reasons)
    if _is_trauma(q):
        return "soon", (
            "Trauma without a bruise, severe swelling, pain at the back of the ankle or "
            "inability to move or stand on the ankle: "
            "a doctor should see the patient within the week.",
        )
    soon_signs = _overuse_soon_signs(q)
    if soon_signs:
        return "soon", (
            f"Gradual pain with {_join(soon_signs)}: "
            "a doctor should see the patient within the week.",
        )
    return "routine", (
        f"Gradual pain rated {q.pain_at_rest}/10 at rest, with no warning sign: "
        "a routine appointment is enough.",
    )


def stop_running_for(q: Questionnaire) -> tuple[bool, tuple[str, ...]]:
    """Stop running after any trauma, on a red flag or a stress-fracture sign, or a pain that stays.

    Article: the advice is to stop running until medical advice when the ankle hurts: after a
    trauma until a doctor has seen it, and for an overuse pain that is there at rest or strong
    after running. A red flag (NICE CKS) and night or focal bone pain (a suspected stress
    fracture, which running can complete: ACR 2019) stop running too.
    """
    reasons = []
    if _is_trauma(q):
        reasons.append(
            "After an injury, the patient should stop running until a doctor has seen the ankle."
        )
    if red_flags_for(q)[0]:
        reasons.append("A red flag: the patient should stop running until a doctor has seen it.")
    if q.night_pain or q.focal_bone_pain:
        reasons.append(
            "Night pain or pain at one spot on a bone may be a stress fracture: "
            "the patient should stop running until a doctor has seen it."
        )
    if not _is_trauma(q):
        if q.pain_at_rest >= STOP_PAIN_AT_REST:
            reasons.append(
                f"The ankle hurts even at rest ({q.pain_at_rest}/10): "
                "the patient should stop running for now."
            )
        if q.pain_after_running >= STOP_PAIN_AFTER_RUNNING:
            reasons.append(
                f"Running leaves a pain of {q.pain_after_running}/10 afterwards: "
                "the patient should stop running for now."
            )
    if reasons:
        return True, tuple(reasons)
    return False, (
        f"The pain settles ({q.pain_at_rest}/10 at rest, {q.pain_after_running}/10 after "
        "running): no need to stop running before the appointment.",
    )


# Each condition rule returns the sentence to read aloud when it fires, None otherwise.
ConditionRule = Callable[[Questionnaire], str | None]


def _sprain_rule(q: Questionnaire) -> str | None:
    """Every ankle trauma is a suspected sprain.

    Article: a fall, a twist or a sudden change of direction sprains the ankle.
    """
    return "An injury of the ankle: suspect a sprain."


def _fracture_rule(q: Questionnaire) -> str | None:
    """Suspect a fracture when the ankle cannot bear weight or move, or bleeds into a bruise.

    Article: a hematoma (bleeding) and trouble moving or bearing weight after a trauma mean the
    injury may be more than a sprain, and a doctor must see it.
    """
    signs = _fracture_signs(q)
    if not signs:
        return None
    return f"Injury with {_join(signs)}: a fracture must be ruled out."


def _rupture_rule(q: Questionnaire) -> str | None:
    """Suspect an Achilles rupture when a trauma hurts at the back of the ankle.

    Article: the Achilles tendon runs at the back of the ankle; a sudden injury there can tear
    it (AAOS clinical practice guideline on acute Achilles tendon rupture, 2010).
    """
    if q.pain_location != "posterior":
        return None
    return "Pain at the back of the ankle after an injury: the Achilles tendon may be torn."


def _tendinitis_rule(q: Questionnaire) -> str | None:
    """Suspect Achilles tendinitis when a gradual pain sits at the back of the ankle.

    Article: Achilles tendinitis is a common overuse cause of ankle pain in runners.
    """
    if q.pain_location != "posterior":
        return None
    return "Gradual pain at the back of the ankle: suspect Achilles tendinitis."


def _peroneal_rule(q: Questionnaire) -> str | None:
    """Suspect a peroneal tendinopathy when a gradual pain sits on the outside of the ankle.

    Source: the peroneal tendons run behind the lateral malleolus; their overuse tendinopathy
    is the usual gradual lateral ankle pain of runners (Heckman et al., J Bone Joint Surg Am
    2008;90:404-18).
    """
    if q.pain_location != "lateral":
        return None
    return "Gradual pain on the outside of the ankle: suspect a peroneal tendinopathy."


def _tibialis_posterior_rule(q: Questionnaire) -> str | None:
    """Suspect a tibialis posterior tendinopathy when a gradual pain sits on the inside.

    Source: the tibialis posterior tendon runs behind the medial malleolus; its tendinopathy
    is the usual gradual medial ankle pain (Kohls-Gatzoulis et al., BMJ 2004;329:1328-33).
    """
    if q.pain_location != "medial":
        return None
    return "Gradual pain on the inside of the ankle: suspect a tibialis posterior tendinopathy."


def _stress_fracture_rule(q: Questionnaire) -> str | None:
    """Suspect a stress fracture when a gradual pain hurts at one spot on a bone.

    Source: focal bone tenderness in a runner with a gradual pain is the classic presentation
    of a stress fracture (ACR Appropriateness Criteria, "Stress (fatigue/insufficiency)
    fracture", 2019; Kiel & Kaiser, StatPearls 2023).
    """
    if not q.focal_bone_pain:
        return None
    return "Gradual pain at one spot on a bone: suspect a stress fracture."


def _flat_foot_rule(q: Questionnaire) -> str | None:
    """Suspect flat foot when the patient knows they have flat feet.

    Article: flat feet overload the ankle of a runner.
    """
    if not q.known_flat_feet:
        return None
    return "Known flat feet overload the ankle: suspect flat foot as a cause."


def _imbalance_rule(q: Questionnaire) -> str | None:
    """Suspect a muscular imbalance after two or more previous sprains.

    Article: repeated sprains leave a muscular imbalance that keeps hurting the ankle.
    """
    if q.previous_sprains < IMBALANCE_PREVIOUS_SPRAINS:
        return None
    return (
        f"{q.previous_sprains} previous ankle sprains: "
        "suspect a muscular imbalance around the ankle."
    )


def _osteoarthritis_rule(q: Questionnaire) -> str | None:
    """Suspect ankle osteoarthritis from age 50; an unknown age does not fire.

    Article: osteoarthritis of the ankle becomes a cause of pain with age.
    """
    if q.age is None or q.age < OSTEOARTHRITIS_AGE:
        return None
    return f"The patient is {q.age} (50 or older): suspect osteoarthritis of the ankle."


def _technique_rule(q: Questionnaire) -> str | None:
    """Suspect technique, shoes or training when training or shoes changed recently.

    Article: poor running technique, unsuitable shoes and sudden training changes cause overuse
    pain.
    """
    changes = []
    if q.recent_training_change:
        changes.append("training")
    if q.recent_shoe_change:
        changes.append("shoes")
    if not changes:
        return None
    return (
        f"A recent change in {_join(changes)}: suspect running technique, shoes or training load."
    )


_TRAUMA_RULES: tuple[tuple[ConditionCode, ConditionRule], ...] = (
    ("ankle_sprain", _sprain_rule),
    ("ankle_fracture", _fracture_rule),
    ("achilles_rupture", _rupture_rule),
)
_OVERUSE_RULES: tuple[tuple[ConditionCode, ConditionRule], ...] = (
    ("achilles_tendinitis", _tendinitis_rule),
    ("peroneal_tendinopathy", _peroneal_rule),
    ("tibialis_posterior_tendinopathy", _tibialis_posterior_rule),
    ("stress_fracture", _stress_fracture_rule),
    ("flat_foot", _flat_foot_rule),
    ("muscular_imbalance", _imbalance_rule),
    ("ankle_osteoarthritis", _osteoarthritis_rule),
    ("poor_running_technique", _technique_rule),
)
_OVERUSE_FALLBACK: ConditionCode = "poor_running_technique"


def suspected_conditions_for(
    q: Questionnaire,
) -> tuple[tuple[ConditionCode, ...], tuple[str, ...]]:
    """Suspected catalogue codes in a stable order, without duplicates, with their reasons.

    Article: trauma points to a sprain, a fracture or an Achilles rupture; a gradual pain to
    Achilles tendinitis, flat feet, a muscular imbalance after sprains, osteoarthritis with age,
    or poor technique, shoes or training changes — the last being the usual cause when nothing
    else stands out. The clinic adds the tendinopathies by site (peroneal when lateral,
    tibialis posterior when medial) and the stress fracture on focal bone pain (see each rule).
    """
    rules = _TRAUMA_RULES if _is_trauma(q) else _OVERUSE_RULES
    codes: list[ConditionCode] = []
    rationale: list[str] = []
    for code, rule in rules:
        sentence = rule(q)
        if sentence is not None and code not in codes:
            codes.append(code)
            rationale.append(sentence)
    if not codes and not _is_trauma(q):
        codes.append(_OVERUSE_FALLBACK)
        rationale.append(
            "No specific cause stands out: suspect running technique, shoes or training load."
        )
    return tuple(codes), tuple(rationale)


# --- What reception reads aloud ---------------------------------------------------------------

ADVICE_URGENT = (
    "You need to see a doctor today. We will find you an appointment with one of our doctors "
    "today; if we cannot, go to an urgent care centre or a hospital emergency department today."
)
ADVICE_SOON = "A doctor should look at your ankle this week: we will book you an appointment."
ADVICE_ROUTINE = (
    "This does not need a doctor urgently: we will book you an appointment with a physiotherapist."
)
ADVICE_STOP_RUNNING = "Please stop running until your ankle has been checked."
ADVICE_KEEP_RUNNING = (
    "You can keep running gently, as long as the pain does not get worse. "
    "If it does, stop and call us."
)
ADVICE_CALF = "If you become short of breath or have pain in your chest, call an ambulance at once."
ADVICE_WORSE = "If the pain gets much worse before then, call us or see a doctor."


def patient_advice_for(
    *, urgency: Urgency, stop_running: bool, red_flags: tuple[RedFlag, ...]
) -> str:
    """What reception reads aloud: plain words, the urgency's step, then the running advice.

    No rule names ("pathway", "suspect"): the patient hears what to do now. It follows the
    triage's urgency and running advice, so the two can never disagree; a red flag is named in
    the patient's words, with the DVT safety net (NICE CKS "Deep vein thrombosis", 2023:
    breathlessness or chest pain may be a pulmonary embolism, an emergency).
    """
    sentences: list[str] = []
    if red_flags:
        plain = _join(RED_FLAG_PLAIN_WORDS[flag] for flag in red_flags)
        sentences.append(f"You told us about {plain}. This must be checked by a doctor today.")
    sentences.append(
        {"urgent": ADVICE_URGENT, "soon": ADVICE_SOON, "routine": ADVICE_ROUTINE}[urgency]
    )
    if "calf_pain_or_swelling" in red_flags:
        sentences.append(ADVICE_CALF)
    sentences.append(ADVICE_STOP_RUNNING if stop_running else ADVICE_KEEP_RUNNING)
    if urgency != "urgent":
        sentences.append(ADVICE_WORSE)
    return " ".join(sentences)


def triage(q: Questionnaire) -> TriageResult:
    """Apply the clinic's triage policy to one questionnaire."""
    pathway, pathway_why = pathway_for(q)
    red_flags, red_flags_why = red_flags_for(q)
    urgency, urgency_why = urgency_for(q)
    stop_running, stop_why = stop_running_for(q)
    conditions, conditions_why = suspected_conditions_for(q)
    return TriageResult(
        pathway=pathway,
        urgency=urgency,
        stop_running=stop_running,
        suspected_conditions=conditions,
        rationale=pathway_why + red_flags_why + urgency_why + stop_why + conditions_why,
        red_flags=red_flags,
        patient_advice=patient_advice_for(
            urgency=urgency, stop_running=stop_running, red_flags=red_flags
        ),
    )


def questionnaire_answers(data: Mapping[str, Any]) -> dict[str, Any]:
    """Every questionnaire field of raw answers, an omitted one as None (the same as null).

    Clients leave out what does not apply (the mechanism of a gradual pain); extra keys are
    dropped.
    """
    return {name: data.get(name) for name in QUESTIONNAIRE_FIELDS}


def questionnaire_from_dict(data: Mapping[str, Any], *, age: int | None) -> Questionnaire:
    """Build a Questionnaire from validated answers (extra keys ignored, omitted ones None)."""
    return Questionnaire(**questionnaire_answers(data), age=age)


def age_in_years(date_of_birth: date, on: date) -> int:
    """Completed years on a date; a 29 February birthday is reached on 1 March."""
    if on < date_of_birth:
        raise ValueError("The date is before the date of birth.")
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - int(before_birthday)


# --- Questionnaire validation ------------------------------------------------------------------

_CHOICES: dict[str, tuple[str, ...]] = {
    "onset": ONSETS,
    "swelling": SWELLINGS,
    "mobility": ABILITIES,
    "weight_bearing": ABILITIES,
    "pain_location": PAIN_LOCATIONS,
    "side": SIDES,
}
_NPRS_FIELDS = ("pain_at_rest", "pain_after_running")
# Whole numbers from 0 to their maximum.
COUNT_MAXIMA: dict[str, int] = {
    "pain_duration_days": PAIN_DURATION_DAYS_MAX,
    "previous_sprains": PREVIOUS_SPRAINS_MAX,
}
_DISTANCE_FIELDS = ("weekly_distance_km",)
_BOOL_FIELDS = (
    "hematoma",
    "still_running",
    "recent_training_change",
    "recent_shoe_change",
    "known_flat_feet",
    *SAFETY_QUESTIONS,
)

REQUIRED = "This field is required."
MECHANISM_REQUIRED = "Required when the onset is trauma."
MECHANISM_REFUSED = "Must be empty when the onset is gradual."
NPRS_INVALID = "Must be a whole number from 0 to 10."
DISTANCE_INVALID = f"Must be a number from 0 to {WEEKLY_DISTANCE_KM_MAX}."
BOOL_INVALID = "Must be true or false."


def count_invalid(name: str) -> str:
    """The message for a count outside its range."""
    return f"Must be a whole number from 0 to {COUNT_MAXIMA[name]}."


def _choice_error(value: Any, choices: tuple[str, ...]) -> str | None:
    """Name the allowed values when value is not one of them."""
    if isinstance(value, str) and value in choices:
        return None
    return f"{value!r} is not a valid choice; expected one of: {', '.join(choices)}."


def _is_number(value: Any) -> bool:
    """Tell whether value is a finite int, float or Decimal, not a bool."""
    if isinstance(value, Decimal):
        return value.is_finite()
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


def _field_error(name: str, value: Any) -> str | None:
    """Check one present, non-null answer against its field's type and range."""
    if name in _CHOICES:
        return _choice_error(value, _CHOICES[name])
    if name in _NPRS_FIELDS:
        return None if is_nprs(value) else NPRS_INVALID
    if name in COUNT_MAXIMA:
        in_range = is_whole_number(value) and 0 <= value <= COUNT_MAXIMA[name]
        return None if in_range else count_invalid(name)
    if name in _DISTANCE_FIELDS:
        in_range = _is_number(value) and 0 <= value <= WEEKLY_DISTANCE_KM_MAX
        return None if in_range else DISTANCE_INVALID
    if name in _BOOL_FIELDS:
        return None if isinstance(value, bool) else BOOL_INVALID
    raise AssertionError(f"No validation rule for {name}.")  # pragma: no cover


def _mechanism_error(onset: Any, mechanism: Any) -> str | None:
    """Require a mechanism for trauma, refuse one for gradual pain."""
    if onset == "trauma" and mechanism is None:
        return MECHANISM_REQUIRED
    if onset == "gradual" and mechanism is not None:
        return MECHANISM_REFUSED
    if mechanism is None:
        return None
    return _choice_error(mechanism, MECHANISMS)


def validate_questionnaire(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field-level error messages for raw questionnaire answers; empty when valid.

    Values must already have their JSON types (a bool is true/false, not "yes"); keys that are
    not questionnaire fields are ignored. A missing key and null both count as missing.
    """
    errors: dict[str, list[str]] = {}
    for name in QUESTIONNAIRE_FIELDS:
        value = data.get(name)
        if name == "mechanism":
            message = _mechanism_error(data.get("onset"), value)
        elif value is None:
            message = REQUIRED
        else:
            message = _field_error(name, value)
        if message is not None:
            errors[name] = [message]
    return errors
