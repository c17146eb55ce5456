"""The physio's pages and reception's session pages."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clinic.models import AuditEvent
from rehab.models import Discharge, OutcomeMeasure, PhysioSession, ReturnToRun, TreatmentPlan
from rehab.services.outcomes import outcome_record
from rehab.services.sessions import session_log, session_schedule
from tests.factories import session_booked_before


@pytest.fixture
def logged(case, paula, rita):
    session = session_booked_before(
        case, rita, scheduled_at=timezone.now() - datetime.timedelta(hours=1)
    )
    return session_log(
        session=session,
        by=paula,
        status="attended",
        pain_before=6,
        pain_after=3,
        interventions=["taping"],
        notes="Confidential note",
    )


def test_it_lands_the_physio_on_their_caseload(client, paula, case, logged, rita):
    session_schedule(case=case, scheduled_at=timezone.now() + datetime.timedelta(days=1), by=rita)
    client.force_login(paula)

    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0] == "/rehab/caseload/"
    content = response.content.decode()
    assert "MARTIN, Emma" in content
    assert "3/10" in content


def test_it_shows_the_case_page_with_charts(client, paula, case, logged):
    outcome_record(case=case, instrument="lefs", answers=[2] * 20, by=paula)
    client.force_login(paula)

    response = client.get(f"/rehab/cases/{case.pk}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert case.patient.mrn in content
    assert "<svg" in content and "Pain (NPRS 0-10)" in content
    assert "Lower Extremity Functional Scale" in content
    assert AuditEvent.objects.filter(object_type="rehab.outcomemeasure").exists()


def test_it_hides_the_case_page_from_an_outsider_physio(client, oscar, case):
    client.force_login(oscar)

    assert client.get(f"/rehab/cases/{case.pk}/").status_code == 404
    assert client.get(f"/rehab/cases/{case.pk}/plan/").status_code == 404


def test_it_lets_a_doctor_read_the_case_page_but_not_write(client, dan, case, logged):
    client.force_login(dan)

    assert client.get(f"/rehab/cases/{case.pk}/").status_code == 200
    assert client.get(f"/rehab/cases/{case.pk}/plan/").status_code == 403


def test_it_writes_the_plan_from_the_page(client, paula, case):
    client.force_login(paula)

    response = client.post(
        f"/rehab/cases/{case.pk}/plan/",
        {
            "goals": "Run 5 km",
            "planned_sessions": "6",
            "frequency": "2",
            "home_exercises": "",
            "started_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 302
    assert TreatmentPlan.objects.get().goals == "Run 5 km"
    case.refresh_from_db()
    assert case.status == "in_rehab"


def test_it_keeps_what_was_typed_and_shows_errors(client, paula, case):
    client.force_login(paula)

    response = client.post(
        f"/rehab/cases/{case.pk}/plan/",
        {"goals": "Run 5 km", "planned_sessions": "0", "frequency": "2", "started_on": ""},
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "error-summary" in content
    assert "Run 5 km" in content
    assert TreatmentPlan.objects.count() == 0


def test_it_logs_a_session_from_the_page(client, paula, case):
    client.force_login(paula)

    response = client.post(
        f"/rehab/cases/{case.pk}/sessions/new/",
        {
            "scheduled_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "45",
            "status": "attended",
            "interventions": ["mobilization", "education"],
            "pain_before": "5",
            "pain_after": "2",
            "notes": "Better",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    session = PhysioSession.objects.get()
    assert (session.status, session.interventions, session.pain_after) == (
        "attended",
        ["mobilization", "education"],
        2,
    )


def test_it_scores_a_questionnaire_from_the_form(client, paula, case):
    client.force_login(paula)
    # CAIT: every radio's value is the position of its choice; position 0 is the best answer.
    data = {"instrument": "cait", **{f"item_{n}": "0" for n in range(1, 10)}}

    page = client.get(f"/rehab/cases/{case.pk}/outcomes/new/", {"instrument": "cait"})
    sideless = client.post(f"/rehab/cases/{case.pk}/outcomes/new/?instrument=cait", data)
    response = client.post(
        f"/rehab/cases/{case.pk}/outcomes/new/?instrument=cait", {**data, "side": "right"}
    )

    assert "My ankle feels UNSTABLE when standing on ONE leg" in page.content.decode()
    assert sideless.status_code == 200
    assert sideless.context["form"].errors["side"] == ["This field is required."]
    assert response.status_code == 302
    measure = OutcomeMeasure.objects.get()
    assert (measure.score, measure.answers, measure.side) == (
        30,
        [5, 4, 3, 3, 2, 3, 4, 3, 3],
        "right",
    )


def test_it_back_dates_a_paper_questionnaire_but_never_into_the_future(client, paula, case):
    import datetime

    from django.utils import timezone

    client.force_login(paula)
    case.opened_at = timezone.now() - datetime.timedelta(days=30)
    case.save(update_fields=["opened_at"])
    url = f"/rehab/cases/{case.pk}/outcomes/new/?instrument=nprs"
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    future = client.post(url, {"item_1": "4", "filled_on": tomorrow.isoformat()})
    saved = client.post(url, {"item_1": "4", "filled_on": last_week.isoformat()})

    assert future.status_code == 200
    assert future.context["form"].errors["filled_on"] == ["Cannot be in the future."]
    assert saved.status_code == 302
    measure = OutcomeMeasure.objects.get()
    assert timezone.localtime(measure.recorded_at).date() == last_week


def test_it_lays_visa_a_scales_out_in_a_row(client, paula, case):
    client.force_login(paula)

    page = client.get(f"/rehab/cases/{case.pk}/outcomes/new/", {"instrument": "visa_a"})

    html = page.content.decode()
    assert html.count('<div class="scale">') == 6
    assert "Date filled in" in html


def test_it_scores_visa_a_item_8_from_the_form(client, paula, case):
    client.force_login(paula)
    data = {f"item_{n}": "10" for n in range(1, 7)}
    data.update(item_7="3", item_8_branch="A", item_8_minutes="30+")

    response = client.post(f"/rehab/cases/{case.pk}/outcomes/new/?instrument=visa_a", data)

    assert response.status_code == 302
    assert OutcomeMeasure.objects.get().score == 100


def test_it_shows_faam_errors_beside_the_form(client, paula, case):
    client.force_login(paula)
    na = "5"  # N/A is the sixth FAAM choice
    data = {f"item_{n}": na for n in range(1, 9)}

    response = client.post(f"/rehab/cases/{case.pk}/outcomes/new/?instrument=faam_sports", data)

    assert response.status_code == 200
    assert "At least 7 of the 8 items" in response.content.decode()
    assert OutcomeMeasure.objects.count() == 0


def test_it_saves_the_return_to_run_check_from_the_page(client, paula, case):
    client.force_login(paula)

    response = client.post(
        f"/rehab/cases/{case.pk}/return-to-run/",
        {
            "checklist": "ankle_sprain",
            "criterion_pain_during_sport": "yes",
            "criterion_ankle_strength": "no",
            "decision": "not_yet",
            "reason": "Strength deficit.",
        },
    )

    assert response.status_code == 302
    rtr = ReturnToRun.objects.get()
    assert rtr.decision == "not_yet"
    assert {r.code: r.met for r in rtr.criteria.all()} == {
        "pain_during_sport": True,
        "ankle_strength": False,
    }


def test_it_records_measures_per_side_and_clears_only_with_an_override(client, paula, case):
    client.force_login(paula)
    body = {
        "checklist": "ankle_sprain",
        "criterion_pain_during_sport": "yes",
        "measure_single_leg_heel_raises_left": "18",
        "measure_single_leg_heel_raises_right": "20",
        "decision": "cleared",
        "reason": "Runs pain-free.",
    }

    refused = client.post(f"/rehab/cases/{case.pk}/return-to-run/", body)
    saved = client.post(
        f"/rehab/cases/{case.pk}/return-to-run/",
        {**body, "override_reason": "Agreed with the doctor: a graded plan at home."},
    )
    page = client.get(f"/rehab/cases/{case.pk}/return-to-run/")

    assert refused.status_code == 200
    assert "give the reason to clear the runner anyway" in refused.content.decode()
    assert saved.status_code == 302
    rtr = ReturnToRun.objects.get()
    assert (rtr.decision, rtr.override_reason) == (
        "cleared",
        "Agreed with the doctor: a graded plan at home.",
    )
    measure = rtr.measures.get()
    assert (str(measure.left), str(measure.right), str(measure.limb_symmetry_index)) == (
        "18.0",
        "20.0",
        "90.0",
    )
    assert "90.0 %" in page.content.decode()


def test_it_asks_for_both_sides_of_a_measure(client, paula, case):
    client.force_login(paula)

    response = client.post(
        f"/rehab/cases/{case.pk}/return-to-run/",
        {"checklist": "ankle_sprain", "measure_knee_to_wall_left": "9"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["measure_knee_to_wall_right"] == [
        "Give both sides, or neither."
    ]
    assert not ReturnToRun.objects.exists()


def test_it_discharges_from_the_page_once(client, paula, case):
    client.force_login(paula)

    first = client.post(f"/rehab/cases/{case.pk}/discharge/", {"summary": "Done."})
    second = client.post(f"/rehab/cases/{case.pk}/discharge/", {"summary": "Again."}, follow=True)

    assert first.status_code == 302
    assert Discharge.objects.count() == 1
    assert "already discharged" in second.content.decode()


def test_it_lets_reception_book_move_and_cancel_without_clinical_fields(client, rita, case, logged):
    client.force_login(rita)
    when = timezone.localtime() + datetime.timedelta(days=1)

    day_page = client.get("/rehab/sessions/", {"day": timezone.localdate().isoformat()})
    booked = client.post(
        "/rehab/sessions/book/",
        {"case": case.pk, "scheduled_at": when.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 30},
    )
    session = PhysioSession.objects.get(status="scheduled")
    moved = client.post(
        f"/rehab/sessions/{session.pk}/move/",
        {
            "scheduled_at": (when + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 30,
        },
    )
    cancelled = client.post(f"/rehab/sessions/{session.pk}/cancel/")

    assert (day_page.status_code, booked.status_code) == (200, 302)
    assert (moved.status_code, cancelled.status_code) == (302, 302)
    session.refresh_from_db()
    assert session.status == "cancelled"
    content = day_page.content.decode()
    assert "MARTIN, Emma" in content
    assert "Confidential note" not in content and "taping" not in content.lower()


def test_it_shows_reception_the_panel_without_clinical_data(rf, rita, case, logged):
    from django.template.loader import render_to_string

    from clinic.panels import case_panels, shown_records

    request = rf.get("/")
    request.user = rita
    panels = case_panels(case, rita)
    html = render_to_string("cases/_panels.html", {"panels": panels}, request=request)

    assert "Sessions" in html
    assert "Confidential note" not in html
    assert "<svg" not in html
    assert "Treatment plan" not in html
    assert {type(record).__name__ for record in shown_records(panels)} == {"PhysioSession"}


def test_it_names_every_clinical_record_the_panel_shows_for_the_view_to_audit(paula, case, logged):
    from clinic.panels import case_panels, shown_records
    from tests.factories import outcome_for, plan_for

    plan, measure = plan_for(case, paula), outcome_for(case, paula)

    shown = shown_records(case_panels(case, paula))

    assert set(shown) == {logged, plan, measure}


def test_it_refuses_reception_on_physio_pages(client, rita, case):
    client.force_login(rita)

    assert client.get("/rehab/caseload/").status_code == 403
    assert client.get(f"/rehab/cases/{case.pk}/").status_code == 403


def _plan_form(goals: str, version: str) -> dict:
    return {
        "goals": goals,
        "planned_sessions": "6",
        "frequency": "2",
        "home_exercises": "",
        "started_on": timezone.localdate().isoformat(),
        "version": version,
    }


def _version(html: str) -> str:
    import re

    return re.search(r'name="version" value="([^"]+)"', html).group(1).replace("&quot;", '"')


def test_it_refuses_a_stale_plan_form_and_shows_the_other_change(client, paula, case):
    client.force_login(paula)
    url = f"/rehab/cases/{case.pk}/plan/"
    client.post(url, _plan_form("Run 5 km", ""))
    stale = _version(client.get(url).content.decode())
    fresh = _version(client.get(url).content.decode())
    assert client.post(url, _plan_form("Run 10 km by June", fresh)).status_code == 302

    response = client.post(url, _plan_form("Walk without pain", stale))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this while you were editing" in html
    assert "Run 10 km by June" in html  # their version, shown
    assert "Walk without pain" in html  # our typing, kept
    assert TreatmentPlan.objects.get().goals == "Run 10 km by June"


def test_it_shows_the_measures_the_override_and_the_clearance_on_the_case(client, paula, case):
    from rehab.services.discharge import case_discharge
    from rehab.services.return_to_run import return_to_run_measure, return_to_run_update

    return_to_run_measure(case=case, by=paula, measure="knee_to_wall", left=9, right=10)
    return_to_run_update(
        case=case,
        by=paula,
        checklist="ankle_sprain",
        values={},
        decision="cleared",
        reason="Ready.",
        override_reason="Agreed with the doctor.",
    )
    case_discharge(case=case, by=paula, summary="Back to running.")
    client.force_login(paula)

    html = client.get(f"/rehab/cases/{case.pk}/").content.decode()

    assert "Knee-to-wall lunge" in html and "90.0 %" in html
    assert "Cleared against the checklist:</strong> Agreed with the doctor." in html
    assert "Cleared to run." in html
