"""The vocabulary, once: the pure rules' Literal types and the models' TextChoices are the same
words, from triage.vocabulary and clinic.vocabulary."""

from __future__ import annotations

from typing import Literal

import pytest

from clinic import models as clinic_models
from clinic import vocabulary as core
from triage import models, vocabulary


def test_it_exposes_the_design_vocabulary() -> None:
    assert vocabulary.ONSETS == ("trauma", "gradual")
    assert vocabulary.MECHANISMS == ("fall", "twist", "change_of_direction", "other")
    assert vocabulary.SWELLINGS == ("none", "mild", "moderate", "severe")
    assert vocabulary.ABILITIES == ("normal", "difficult", "impossible")
    assert vocabulary.PAIN_LOCATIONS == ("lateral", "medial", "posterior", "anterior", "diffuse")
    assert core.SIDES == ("left", "right", "both")
    assert core.URGENCIES == ("urgent", "soon", "routine")
    assert vocabulary.CONDITION_CODES == (
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
    )


@pytest.mark.parametrize(
    ("choices", "labels"),
    [
        (models.Onset, vocabulary.ONSET_LABELS),
        (models.Mechanism, vocabulary.MECHANISM_LABELS),
        (models.Swelling, vocabulary.SWELLING_LABELS),
        (models.Ability, vocabulary.ABILITY_LABELS),
        (models.PainLocation, vocabulary.PAIN_LOCATION_LABELS),
        (models.Pathway, vocabulary.PATHWAY_LABELS),
        (models.TestResult, vocabulary.TEST_RESULT_LABELS),
        (models.Laterality, vocabulary.LATERALITY_LABELS),
        (clinic_models.Side, core.SIDE_LABELS),
        (clinic_models.Urgency, core.URGENCY_LABELS),
    ],
)
def test_the_models_choices_are_the_vocabularys_words(choices, labels) -> None:
    assert choices.choices == list(labels.items())


def test_the_intakes_side_and_the_cases_side_are_one_list() -> None:
    intake_side = models.Intake._meta.get_field("side").choices
    case_side = clinic_models.Case._meta.get_field("side").choices

    assert intake_side == case_side == list(core.SIDE_LABELS.items())


def test_it_names_members_by_their_value_in_capitals() -> None:
    assert models.TestResult.NOT_DONE == "not_done"
    assert models.TestResult.NOT_DONE.label == "Not done"
    assert clinic_models.Urgency.URGENT.label == "Urgent — see a doctor today"


def test_it_refuses_labels_that_name_other_words() -> None:
    with pytest.raises(ValueError, match="labels"):
        core.words(Literal["left", "right"], {"left": "Left", "sideways": "Sideways"})


@pytest.mark.parametrize(
    ("side", "laterality"), [("left", "left"), ("right", "right"), ("both", "bilateral"), ("", "")]
)
def test_a_cases_side_gives_its_laterality(side, laterality) -> None:
    assert vocabulary.laterality_of(side) == laterality


def test_each_urgency_has_its_label_and_reception_wording() -> None:
    assert set(core.URGENCY_WORDING) == set(core.URGENCIES)
    assert core.URGENCY_WORDING["urgent"].next_step == "A doctor must see the patient today."
