"""Triage's word lists, each written once as plain data (no Django).

Each list is a ``Literal`` type for the pure rules (``triage.rules``, ``triage.ottawa``) and
its labels, in the patient's words where the patient answers, from which ``triage.models``
builds the ``TextChoices`` the forms, the admin and the API show (``clinic.models.text_choices``).
The values are the design's (docs/design.md); ``words`` refuses labels for any others.
The core's lists (the side, the urgency) are ``clinic.vocabulary``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

from clinic.vocabulary import Side, words

# --- The questionnaire ---------------------------------------------------------------------

Onset = Literal["trauma", "gradual"]
ONSET_LABELS: dict[Onset, str] = {
    "trauma": "Trauma — a fall, a twist or a sudden change of direction",
    "gradual": "Gradual — came on little by little, for no clear reason",
}
ONSETS = words(Onset, ONSET_LABELS)

Mechanism = Literal["fall", "twist", "change_of_direction", "other"]
MECHANISM_LABELS: dict[Mechanism, str] = {
    "fall": "A fall",
    "twist": "Twisted the ankle",
    "change_of_direction": "A sudden change of direction",
    "other": "Something else",
}
MECHANISMS = words(Mechanism, MECHANISM_LABELS)

Swelling = Literal["none", "mild", "moderate", "severe"]
SWELLING_LABELS: dict[Swelling, str] = {
    "none": "None",
    "mild": "Mild",
    "moderate": "Moderate",
    "severe": "Severe",
}
SWELLINGS = words(Swelling, SWELLING_LABELS)

# Moving the ankle, standing on the foot.
Ability = Literal["normal", "difficult", "impossible"]
ABILITY_LABELS: dict[Ability, str] = {
    "normal": "Normal",
    "difficult": "Difficult",
    "impossible": "Impossible",
}
ABILITIES = words(Ability, ABILITY_LABELS)

PainLocation = Literal["lateral", "medial", "posterior", "anterior", "diffuse"]
PAIN_LOCATION_LABELS: dict[PainLocation, str] = {
    "lateral": "Outside of the ankle",
    "medial": "Inside of the ankle",
    "posterior": "Back of the ankle (Achilles tendon)",
    "anterior": "Front of the ankle",
    "diffuse": "All over / hard to say",
}
PAIN_LOCATIONS = words(PainLocation, PAIN_LOCATION_LABELS)

# The five safety questions, each a required yes or no, as reception asks them. The first three
# are red flags (docs/triage.md): a doctor today, whatever the onset.
SafetyQuestion = Literal[
    "calf_pain_or_swelling",
    "fever_or_hot_red_joint",
    "numbness_or_cold_foot",
    "night_pain",
    "focal_bone_pain",
]
SAFETY_QUESTION_LABELS: dict[SafetyQuestion, str] = {
    "calf_pain_or_swelling": "Is there pain or swelling in the calf (the back of the lower leg)?",
    "fever_or_hot_red_joint": "Do you have a fever, or is the ankle hot and red?",
    "numbness_or_cold_foot": "Is the foot numb, tingling, cold or pale?",
    "night_pain": "Does the pain wake you at night?",
    "focal_bone_pain": "Does it hurt at one spot on a bone, when you press on it?",
}
SAFETY_QUESTIONS = words(SafetyQuestion, SAFETY_QUESTION_LABELS)

RedFlag = Literal["calf_pain_or_swelling", "fever_or_hot_red_joint", "numbness_or_cold_foot"]
# What each red flag may mean (for staff) and how the patient hears it (plain words).
RED_FLAG_LABELS: dict[RedFlag, str] = {
    "calf_pain_or_swelling": "calf pain or swelling (possible deep-vein thrombosis)",
    "fever_or_hot_red_joint": "fever or a hot, red joint (possible infection)",
    "numbness_or_cold_foot": "numbness or a cold foot (possible nerve or circulation problem)",
}
RED_FLAGS = words(RedFlag, RED_FLAG_LABELS)
RED_FLAG_PLAIN_WORDS: dict[RedFlag, str] = {
    "calf_pain_or_swelling": "pain or swelling in the calf",
    "fever_or_hot_red_joint": "a fever or a hot, red ankle",
    "numbness_or_cold_foot": "a numb or cold foot",
}

# --- What triage answers -------------------------------------------------------------------

Pathway = Literal["trauma", "overuse"]
PATHWAY_LABELS: dict[Pathway, str] = {"trauma": "Trauma", "overuse": "Overuse"}
PATHWAYS = words(Pathway, PATHWAY_LABELS)

# The catalogue codes triage may suspect (the catalogue itself is data: triage.Condition).
ConditionCode = Literal[
    "ankle_sprain",
    "ankle_fracture",
    "achilles_rupture",
    "achilles_tendinitis",
    "flat_foot",
    "muscular_imbalance",
    "ankle_osteoarthritis",
    "poor_running_technique",
    "stress_fracture",
    "syndesmosis_sprain",
    "peroneal_tendinopathy",
    "tibialis_posterior_tendinopathy",
]
CONDITION_CODES: tuple[str, ...] = get_args(ConditionCode)

# --- The exam and imaging ------------------------------------------------------------------

# A clinical test's result (the Thompson test, the anterior drawer, the squeeze and
# external-rotation tests of the syndesmosis).
TestResult = Literal["positive", "negative", "not_done"]
TEST_RESULT_LABELS: dict[TestResult, str] = {
    "positive": "Positive",
    "negative": "Negative",
    "not_done": "Not done",
}
TEST_RESULTS = words(TestResult, TEST_RESULT_LABELS)

# The studies an exam may recommend, in the order to do them, as a page names them.
ImagingStudy = Literal["ankle_xray", "foot_xray", "ultrasound", "mri"]
STUDY_LABELS: dict[ImagingStudy, str] = {
    "ankle_xray": "ankle X-ray",
    "foot_xray": "foot X-ray",
    "ultrasound": "ultrasound",
    "mri": "MRI",
}
IMAGING_STUDIES = words(ImagingStudy, STUDY_LABELS)

# When the Ottawa rules do not apply although the injury is recent (Stiell 1992/1993: the
# derivation and validation excluded these patients).
OttawaExclusion = Literal[
    "pregnancy", "intoxication", "head_injury", "distracting_injury", "reduced_sensation"
]
OTTAWA_EXCLUSION_LABELS: dict[OttawaExclusion, str] = {
    "pregnancy": "Pregnancy",
    "intoxication": "Intoxication",
    "head_injury": "Head injury",
    "distracting_injury": "Another, distracting injury",
    "reduced_sensation": "Reduced sensation in the leg",
}
OTTAWA_EXCLUSIONS = words(OttawaExclusion, OTTAWA_EXCLUSION_LABELS)


def study_labels(studies: Iterable[str]) -> list[str]:
    """The studies as a page names them (an unknown one as it is)."""
    return [STUDY_LABELS.get(study, study) for study in studies]


# Which side a diagnosis or an image is of; a case's side gives its default.
Laterality = Literal["left", "right", "bilateral"]
LATERALITY_LABELS: dict[Laterality, str] = {
    "left": "Left",
    "right": "Right",
    "bilateral": "Both sides",
}
LATERALITIES = words(Laterality, LATERALITY_LABELS)
LATERALITY_OF_SIDE: dict[Side, Laterality] = {"left": "left", "right": "right", "both": "bilateral"}


def laterality_of(side: str) -> str:
    """The laterality a case's side gives a diagnosis or an image; "" for a side not given."""
    return LATERALITY_OF_SIDE.get(side, "")
