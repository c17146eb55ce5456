"""Return to run (checklist, decision), discharge and the timeline sources."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clinic.errors import Conflict, Invalid, NotAllowed
from clinic.models import Case
from rehab import timeline
from rehab.models import Discharge, PhysioSession, ReturnToRun
from rehab.services.discharge import case_discharge
from rehab.services.outcomes import outcome_record
from rehab.services.plans import plan_create
from rehab.services.return_to_run import default_checklist, return_to_run_update
from rehab.services.sessions import session_log, session_schedule
from tests.factories import session_booked_before
from triage.models import Intake

TIMELINE_KEYS = {"at", "kind", "title", "detail", "object_type", "object_id", "clinical"}


def add_intake(case, rita, suspected):
    return Intake.objects.create(
        case=case,
        recorded_by=rita,
        onset="gradual",
        swelling="none",
        hematoma=False,
        mobility="normal",
        weight_bearing="normal",
        pain_location="posterior",
        side="left",
        pain_at_rest=2,
        pain_after_running=5,
        pain_duration_days=30,
        still_running=True,
        weekly_distance_km=30,
        recent_training_change=False,
        recent_shoe_change=False,
        known_flat_feet=False,
        previous_sprains=0,
        calf_pain_or_swelling=False,
        fever_or_hot_red_joint=False,
        numbness_or_cold_foot=False,
        night_pain=False,
        focal_bone_pain=False,
        pathway="overuse",
        urgency="soon",
        stop_running=True,
        suspected_conditions=suspected,
    )


def test_it_defaults_to_the_ankle_sprain_checklist(case):
    assert default_checklist(case) == "ankle_sprain"


def test_it_defaults_to_the_achilles_checklist_after_an_achilles_triage(case, rita):
    add_intake(case, rita, ["achilles_tendinitis"])
    case.refresh_from_db()

    assert default_checklist(case) == "achilles_tendinopathy"


def test_it_computes_met_for_each_criterion(case, paula):
    rtr = return_to_run_update(
        case=case,
        by=paula,
        checklist="achilles_tendinopathy",
        values={"pain_during_activity": 3, "pain_after_activity": 7, "visa_a_improving": True},
    )

    met = {row.code: row.met for row in rtr.criteria.all()}
    assert met == {
        "pain_during_activity": True,
        "pain_after_activity": False,
        "visa_a_improving": True,
    }
    assert all(row.recorded_by == paula for row in rtr.criteria.all())


def test_it_records_a_decision_with_date_and_reason(case, paula):
    rtr = return_to_run_update(
        case=case,
        by=paula,
        checklist="ankle_sprain",
        values={"pain_during_sport": True},
        decision="graded_return",
        reason="Walk-run programme.",
    )

    rtr.refresh_from_db()
    assert (rtr.decision, rtr.decided_on, rtr.decided_by) == (
        "graded_return",
        timezone.localdate(),
        paula,
    )


def test_it_refuses_a_decision_without_reason_and_bad_values(case, paula):
    with pytest.raises(Invalid) as caught:
        return_to_run_update(
            case=case,
            by=paula,
            checklist="achilles_tendinopathy",
            values={"pain_during_activity": 12, "unknown": True},
            decision="cleared",
        )

    assert set(caught.value.errors) == {"pain_during_activity", "unknown", "reason"}
    assert ReturnToRun.objects.count() == 0


def test_it_drops_values_when_the_checklist_changes(case, paula):
    return_to_run_update(
        case=case, by=paula, checklist="ankle_sprain", values={"pain_during_sport": True}
    )
    rtr = return_to_run_update(
        case=case, by=paula, checklist="achilles_tendinopathy", values={"visa_a_improving": False}
    )

    assert [row.code for row in rtr.criteria.all()] == ["visa_a_improving"]


def test_it_lets_only_the_assigned_physio_tick_the_checklist(case, oscar):
    with pytest.raises(NotAllowed):
        return_to_run_update(case=case, by=oscar, checklist="ankle_sprain", values={})


def test_it_discharges_a_case_and_cancels_its_booked_sessions(case, paula, rita):
    future = session_schedule(
        case=case, scheduled_at=timezone.now() + datetime.timedelta(days=3), by=rita
    )

    discharge = case_discharge(case=case, by=paula, summary="Back to 10 km pain-free.")

    case.refresh_from_db()
    assert (case.status, case.discharged_at) == ("discharged", discharge.discharged_at)
    assert Discharge.objects.get().summary == "Back to 10 km pain-free."
    assert PhysioSession.objects.get(pk=future.pk).status == "cancelled"


def test_it_answers_409_to_a_second_discharge(case, paula):
    case_discharge(case=case, by=paula, summary="Done.")

    with pytest.raises(Conflict):
        case_discharge(case=case, by=paula, summary="Again.")

    assert Discharge.objects.count() == 1


def test_it_lets_only_the_assigned_physio_discharge(case, oscar, dan):
    for someone in (oscar, dan):
        with pytest.raises(NotAllowed):
            case_discharge(case=case, by=someone, summary="x")

    assert Case.objects.get(pk=case.pk).status == "open"


def test_it_refuses_an_empty_summary(case, paula):
    with pytest.raises(Invalid):
        case_discharge(case=case, by=paula, summary="  ")

    assert Case.objects.get(pk=case.pk).status == "open"


def test_it_gives_timeline_entries_for_every_rehab_event(case, paula, rita):
    plan_create(
        case=case,
        by=paula,
        goals="Run again.",
        planned_sessions=6,
        frequency=2,
        started_on=timezone.localdate(),
    )
    session = session_booked_before(
        case, rita, scheduled_at=timezone.now() - datetime.timedelta(hours=1)
    )
    session_log(
        session=session,
        by=paula,
        status="attended",
        pain_before=5,
        pain_after=3,
        interventions=["taping"],
    )
    booked = session_schedule(
        case=case, scheduled_at=timezone.now() + datetime.timedelta(days=2), by=rita
    )
    outcome_record(case=case, instrument="nprs", answers=[4], by=paula)
    case_discharge(case=case, by=paula, summary="Discharged well.")

    entries = (
        timeline.plan_timeline(case)
        + timeline.sessions_timeline(case)
        + timeline.outcomes_timeline(case)
        + timeline.discharge_timeline(case)
    )

    assert all(set(entry) == TIMELINE_KEYS for entry in entries)
    kinds = [entry["kind"] for entry in entries]
    assert kinds == ["plan", "session", "session", "outcome", "discharge"]
    by_id = {entry["object_id"]: entry for entry in entries if entry["kind"] == "session"}
    assert by_id[session.pk]["clinical"] is True
    assert "Pain 5/10 before, 3/10 after" in by_id[session.pk]["detail"]
    assert by_id[booked.pk]["clinical"] is False  # cancelled by the discharge: no clinical data
    assert "cancelled" in by_id[booked.pk]["title"]


# --- The revised policy: checklist by diagnosis, cleared needs the list or an override ------


def diagnose(case, dan, code, status):
    from triage.models import Condition
    from triage.services.diagnoses import diagnosis_create

    return diagnosis_create(
        case=case,
        condition=Condition.objects.get(code=code),
        laterality="left",
        diagnosed_by=dan,
        status=status,
    )


def test_it_follows_the_confirmed_diagnosis_over_the_triage_suspicion(case, rita, dan):
    add_intake(case, rita, ["achilles_tendinitis"])
    diagnose(case, dan, "achilles_rupture", "confirmed")
    case.refresh_from_db()

    assert default_checklist(case) == "achilles_rupture"


def test_it_follows_the_provisional_diagnosis_when_none_is_confirmed(case, rita, dan):
    add_intake(case, rita, ["achilles_tendinitis"])
    diagnose(case, dan, "ankle_sprain", "provisional")
    case.refresh_from_db()

    assert default_checklist(case) == "ankle_sprain"


def test_it_gives_a_suspected_rupture_its_own_checklist(case, rita):
    add_intake(case, rita, ["ankle_sprain", "achilles_rupture"])
    case.refresh_from_db()

    assert default_checklist(case) == "achilles_rupture"


def test_it_refuses_to_clear_on_an_unmet_checklist_without_an_override(case, paula):
    with pytest.raises(Invalid) as caught:
        return_to_run_update(
            case=case,
            by=paula,
            checklist="ankle_sprain",
            values={"pain_during_sport": True},
            decision="cleared",
            reason="Feels ready.",
        )

    assert list(caught.value.errors) == ["override_reason"]
    assert ReturnToRun.objects.count() == 0


def test_it_clears_on_an_unmet_checklist_with_the_overrides_reason(case, paula):
    rtr = return_to_run_update(
        case=case,
        by=paula,
        checklist="ankle_sprain",
        values={"pain_during_sport": True},
        decision="cleared",
        reason="Feels ready.",
        override_reason="Elite runner, race in two weeks, agreed with the doctor.",
    )

    rtr.refresh_from_db()
    assert (rtr.decision, rtr.override_reason) == (
        "cleared",
        "Elite runner, race in two weeks, agreed with the doctor.",
    )


def test_it_clears_a_met_checklist_without_an_override(case, paula):
    from rehab.return_to_run_rules import RETURN_TO_RUN_CHECKLISTS

    codes = [c.code for c in RETURN_TO_RUN_CHECKLISTS["achilles_rupture"]]
    return_to_run_update(
        case=case, by=paula, checklist="achilles_rupture", values=dict.fromkeys(codes[:3], True)
    )
    rtr = return_to_run_update(
        case=case,
        by=paula,
        checklist="achilles_rupture",
        values=dict.fromkeys(codes[3:], True),
        decision="cleared",
        reason="Every criterion met.",
    )

    assert (rtr.decision, rtr.override_reason) == ("cleared", "")


def test_it_records_objective_measures_per_side_with_the_limb_symmetry_index(case, paula):
    from rehab.services.return_to_run import return_to_run_measure

    row = return_to_run_measure(
        case=case, by=paula, measure="single_leg_heel_raises", left=18, right=20
    )
    again = return_to_run_measure(
        case=case, by=paula, measure="single_leg_heel_raises", left=19, right=20
    )

    assert case.side == "left"
    assert (str(row.left), str(row.right), str(row.limb_symmetry_index)) == ("18", "20", "90.0")
    assert again.pk == row.pk
    row.refresh_from_db()
    assert str(row.limb_symmetry_index) == "95.0"


def test_it_has_no_symmetry_index_when_both_ankles_hurt(case, paula):
    from rehab.services.return_to_run import return_to_run_measure

    case.side = "both"
    case.save(update_fields=["side"])

    row = return_to_run_measure(case=case, by=paula, measure="knee_to_wall", left=9, right=10)

    assert row.limb_symmetry_index is None


@pytest.mark.parametrize(
    ("measure", "left", "right", "field"),
    [
        ("sit_ups", 1, 1, "measure"),
        ("knee_to_wall", -1, 10, "left"),
        ("knee_to_wall", 10, 31, "right"),
        ("single_leg_hop_distance", "far", 100, "left"),
    ],
)
def test_it_refuses_a_bad_measure_field_by_field(case, paula, measure, left, right, field):
    from rehab.models import ReturnToRunMeasure
    from rehab.services.return_to_run import return_to_run_measure

    with pytest.raises(Invalid) as caught:
        return_to_run_measure(case=case, by=paula, measure=measure, left=left, right=right)

    assert list(caught.value.errors) == [field]
    assert not ReturnToRunMeasure.objects.exists()


def test_it_records_at_discharge_whether_the_runner_was_cleared(case, paula):
    return_to_run_update(
        case=case,
        by=paula,
        checklist="ankle_sprain",
        values={},
        decision="cleared",
        reason="Ready.",
        override_reason="Agreed with the doctor.",
    )

    discharge = case_discharge(case=case, by=paula, summary="Back to running.")

    assert discharge.cleared_to_run is True


def test_it_records_at_discharge_a_runner_never_cleared(case, paula):
    discharge = case_discharge(case=case, by=paula, summary="Moved away.")

    assert discharge.cleared_to_run is False
