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
    SWELLINGS,
    Ability,
    ConditionCode,
    Mechanism,
    Onset,
    PainLocation,
    Pathway,
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
    # Completed years at intake (see age_in_years); None when the date of birth is unknown.
    age: int | None


QUESTIONNAIRE_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(Questionnaire) if f.name != "age"
)


@dataclass(frozen=True)
class TriageResult:
    """What triage answers: pathway, urgency, running advice, suspected conditions and why."""

    pathway: Pathway
    urgency: Urgency
    stop_running: bool
    suspected_conditions: tuple[ConditionCode, ...]
    rationale: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict (tuples become lists)."""
        return {
            "pathway": self.pathway,
            "urgency": self.urgency,
            "stop_running": self.stop_running,
            "suspected_conditions": list(self.suspected_conditions),
            "rationale": list(self.rationale),
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
    """
    signs = _fracture_signs(q)
    if q.swelling == "severe":
        signs.append("severe swelling")
    return signs


def urgency_for(q: Questionnaire) -> tuple[Urgency, tuple[str, ...]]:
    """Urgent for trauma with a warning sign, soon for other trauma or strong rest pain.

    Article: a trauma with swelling, a hematoma (bleeding) or trouble moving or bearing weight
    needs a doctor; a gradual pain is an overuse injury, which only needs a doctor quickly when
    it hurts even at rest.
    """
    if _is_trauma(q):
        signs = _trauma_warning_signs(q)
        if signs:
            return "urgent", (
                f"Trauma with {_join(signs)}: a doctor should see the patient today.",
            )
        return "soon", (
            "Trauma without a bruise, severe swelling or inability to move or stand on the ankle: "
            "a doctor should see the patient within the week.",
        )
    if q.pain_at_rest >= SOON_PAIN_AT_REST:
        return "soon", (
            f"Gradual pain rated {q.pain_at_rest}/10 at rest: "
            "a doctor should see the patient within the week.",
        )
    return "routine", (
        f"Gradual pain rated {q.pain_at_rest}/10 at rest: a routine appointment is enough.",
    )


def stop_running_for(q: Questionnaire) -> tuple[bool, tuple[str, ...]]:
    """Stop running after any trauma, and when a gradual pain does not settle.

    Article: the advice is to stop running when the ankle hurts; after a trauma until a doctor
    has seen it, and for an overuse pain that is there at rest or strong after running.
    """
    if _is_trauma(q):
        return True, (
            "After an injury, the patient should stop running until a doctor has seen the ankle.",
        )
    reasons = []
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

    Article: the Achilles tendon runs at the back of the ankle; a sudden injury there can tear it.
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
    else stands out.
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


def triage(q: Questionnaire) -> TriageResult:
    """Apply the clinic's triage policy to one questionnaire."""
    pathway, pathway_why = pathway_for(q)
    urgency, urgency_why = urgency_for(q)
    stop_running, stop_why = stop_running_for(q)
    conditions, conditions_why = suspected_conditions_for(q)
    return TriageResult(
        pathway=pathway,
        urgency=urgency,
        stop_running=stop_running,
        suspected_conditions=conditions,
        rationale=pathway_why + urgency_why + stop_why + conditions_why,
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
