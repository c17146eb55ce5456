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
