"""Return-to-run checklists and their criteria: plain pytest, no Django."""

from __future__ import annotations

from typing import Any

import pytest

from rehab.return_to_run_rules import (
    RETURN_TO_RUN_CHECKLISTS,
    RETURN_TO_RUN_CITATIONS,
    Criterion,
    checklist_for,
    checklist_met,
    criterion_met,
    limb_symmetry_index,
)


def test_it_keeps_a_checklist_per_condition_with_its_source() -> None:
    assert set(RETURN_TO_RUN_CHECKLISTS) == {
        "ankle_sprain",
        "achilles_tendinopathy",
        "achilles_rupture",
    }
    assert "PAASS" in RETURN_TO_RUN_CITATIONS["ankle_sprain"]
    assert "pain-monitoring model" in RETURN_TO_RUN_CITATIONS["achilles_tendinopathy"]
    assert "Achilles tendon rupture" in RETURN_TO_RUN_CITATIONS["achilles_rupture"]
    for criteria in RETURN_TO_RUN_CHECKLISTS.values():
        codes = [criterion.code for criterion in criteria]
        assert len(codes) == len(set(codes))
        assert all(criterion.label and criterion.guidance for criterion in criteria)


def test_it_covers_the_five_paass_domains_with_ticked_criteria() -> None:
    criteria = RETURN_TO_RUN_CHECKLISTS["ankle_sprain"]
    assert {c.domain for c in criteria} == {
        "pain",
        "ankle_impairments",
        "athlete_perception",
        "sensorimotor_control",
        "sport_functional_performance",
    }
    # The consensus names what to assess, not pass marks: every item is the physio's tick.
    assert {c.kind for c in criteria} == {"bool"}


def test_it_encodes_the_pain_monitoring_models_5_of_10_limit() -> None:
    criteria = {c.code: c for c in RETURN_TO_RUN_CHECKLISTS["achilles_tendinopathy"]}
    for code in ("pain_during_activity", "pain_after_activity"):
        criterion = criteria[code]
        assert criterion.kind == "nprs"
        assert criterion_met(criterion, 0) is True
        assert criterion_met(criterion, 5) is True
        assert criterion_met(criterion, 6) is False
        assert criterion_met(criterion, 10) is False
    assert criteria["pain_settled_next_morning"].kind == "bool"
    assert criteria["no_weekly_increase"].kind == "bool"


def test_it_reads_a_ticked_criterion_as_met_and_an_unticked_one_as_not() -> None:
    criterion = RETURN_TO_RUN_CHECKLISTS["ankle_sprain"][0]
    assert criterion_met(criterion, True) is True
    assert criterion_met(criterion, False) is False
    assert criterion_met(criterion, None) is False


@pytest.mark.parametrize("bad", [1, 0, "yes", 1.0])
def test_it_refuses_a_non_boolean_for_a_ticked_criterion(bad: Any) -> None:
    with pytest.raises(ValueError, match="true or false"):
        criterion_met(RETURN_TO_RUN_CHECKLISTS["ankle_sprain"][0], bad)


@pytest.mark.parametrize("bad", [11, -1, True, 4.5, "3"])
def test_it_refuses_an_nprs_criterion_value_outside_0_to_10(bad: Any) -> None:
    criterion = RETURN_TO_RUN_CHECKLISTS["achilles_tendinopathy"][0]
    with pytest.raises(ValueError, match="NPRS"):
        criterion_met(criterion, bad)


def test_it_reads_an_unrecorded_nprs_criterion_as_not_met() -> None:
    assert criterion_met(RETURN_TO_RUN_CHECKLISTS["achilles_tendinopathy"][0], None) is False


def test_it_compares_a_number_criterion_with_its_bounds() -> None:
    criterion = Criterion("x", "A measured value", "number", "s", "", min_value=1, max_value=3)
    assert criterion_met(criterion, 0.5) is False
    assert criterion_met(criterion, 1) is True
    assert criterion_met(criterion, 2.5) is True
    assert criterion_met(criterion, 3.5) is False
    with pytest.raises(ValueError, match="number"):
        criterion_met(criterion, "2")
    with pytest.raises(ValueError, match="number"):
        criterion_met(criterion, True)


# --- Which checklist (design: confirmed, else provisional, else suspected) -------------------


@pytest.mark.parametrize(
    ("code", "checklist"),
    [
        ("achilles_tendinitis", "achilles_tendinopathy"),
        ("peroneal_tendinopathy", "achilles_tendinopathy"),
        ("tibialis_posterior_tendinopathy", "achilles_tendinopathy"),
        ("achilles_rupture", "achilles_rupture"),
        ("ankle_sprain", "ankle_sprain"),
        ("syndesmosis_sprain", "ankle_sprain"),
        ("stress_fracture", "ankle_sprain"),
        ("flat_foot", "ankle_sprain"),
    ],
)
def test_it_picks_the_checklist_of_the_confirmed_diagnosis(code: str, checklist: str) -> None:
    assert checklist_for(confirmed=[code]) == checklist


def test_it_gives_the_rupture_its_own_checklist_not_the_tendinopathy_one() -> None:
    assert checklist_for(suspected=["achilles_rupture"]) == "achilles_rupture"


def test_it_prefers_the_confirmed_diagnosis_to_the_provisional_and_the_suspicion() -> None:
    assert (
        checklist_for(
            confirmed=["ankle_sprain"],
            provisional=["achilles_rupture"],
            suspected=["achilles_tendinitis"],
        )
        == "ankle_sprain"
    )


def test_it_prefers_the_provisional_diagnosis_to_the_suspicion() -> None:
    assert (
        checklist_for(provisional=["achilles_rupture"], suspected=["ankle_sprain"])
        == "achilles_rupture"
    )


def test_it_falls_back_to_the_suspicion_then_to_paass() -> None:
    assert checklist_for(suspected=["ankle_sprain", "achilles_rupture"]) == "achilles_rupture"
    assert checklist_for() == "ankle_sprain"


# --- Checklist met, limb symmetry index -------------------------------------------------------


def test_it_meets_a_checklist_only_when_every_criterion_is_recorded_and_met() -> None:
    codes = [c.code for c in RETURN_TO_RUN_CHECKLISTS["achilles_rupture"]]
    assert checklist_met("achilles_rupture", dict.fromkeys(codes, True)) is True
    assert checklist_met("achilles_rupture", dict.fromkeys(codes[:-1], True)) is False
    assert checklist_met("achilles_rupture", {**dict.fromkeys(codes, True), codes[0]: False}) is (
        False
    )


@pytest.mark.parametrize(
    ("involved", "uninvolved", "lsi"),
    [(18, 20, 90.0), (25, 20, 125.0), (0, 20, 0.0), (1, 3, 33.3), (5, 0, None)],
)
def test_it_computes_the_limb_symmetry_index(involved, uninvolved, lsi) -> None:
    assert limb_symmetry_index(involved=involved, uninvolved=uninvolved) == lsi
