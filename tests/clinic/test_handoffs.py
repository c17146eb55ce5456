"""The hand-offs between roles: reception or a doctor assigns the physio; urgency is history
once a doctor has seen the patient; ended cases leave the default lists."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clinic import roles
from clinic.models import NO_URGENCY_RANK, AuditEvent, Case, CaseStatus
from tests.factories import CaseFactory, UserFactory, examination_for
from tests.test_role_matrix import QUESTIONNAIRE
from triage.services.intake import intake_create

pytestmark = pytest.mark.django_db

URGENT = {**QUESTIONNAIRE, "weight_bearing": "impossible"}


@pytest.fixture
def urgent_intake(rita, patient):
    return intake_create(recorded_by=rita, patient=patient, questionnaire=URGENT)


@pytest.fixture
def nina(db):
    """Nina is a physio with a full name; Ian is one who has left (inactive)."""
    return UserFactory(username="nina", first_name="Nina", last_name="Lopez", role=roles.PHYSIO)


@pytest.fixture
def ian(db):
    return UserFactory(
        username="ian", first_name="Ian", last_name="Gone", role=roles.PHYSIO, is_active=False
    )


def test_it_lets_reception_assign_the_physio_from_the_triage_result(
    client, rita, urgent_intake, nina
):
    client.force_login(rita)
    page = f"/reception/intakes/{urgent_intake.pk}/"

    response = client.post(
        f"/cases/{urgent_intake.case_id}/physio/", {"assigned_physio": nina.pk, "next": page}
    )

    assert response.status_code == 302
    assert response["Location"] == page
    assert Case.objects.get(pk=urgent_intake.case_id).assigned_physio == nina
    assert AuditEvent.objects.filter(
        action="update", object_type="clinic.case", object_id=str(urgent_intake.case_id)
    ).exists()


def test_it_lists_only_active_physios_by_full_name(client, rita, urgent_intake, nina, ian, dan):
    client.force_login(rita)

    html = client.get(f"/reception/intakes/{urgent_intake.pk}/").content.decode()

    assert f'<option value="{nina.pk}">Nina Lopez</option>' in html
    assert "Ian Gone" not in html
    assert f'<option value="{dan.pk}"' not in html


def test_it_refuses_an_inactive_physio_and_changes_nothing(client, rita, case, ian, paula):
    client.force_login(rita)

    response = client.post(f"/cases/{case.pk}/physio/", {"assigned_physio": ian.pk})

    assert response.status_code == 302
    assert response["Location"] == f"/patients/{case.patient_id}/"
    assert Case.objects.get(pk=case.pk).assigned_physio == paula


def test_it_lets_a_doctor_change_the_physio_from_the_case_page(client, dan, case, nina):
    client.force_login(dan)
    assert "Change the physio" in client.get(f"/cases/{case.pk}/").content.decode()

    response = client.post(
        f"/cases/{case.pk}/physio/", {"assigned_physio": nina.pk, "next": f"/cases/{case.pk}/"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assert Case.objects.get(pk=case.pk).assigned_physio == nina


def test_it_never_redirects_off_site(client, rita, case, nina):
    client.force_login(rita)

    response = client.post(
        f"/cases/{case.pk}/physio/",
        {"assigned_physio": nina.pk, "next": "https://evil.example/"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/patients/{case.patient_id}/"


def test_it_forbids_a_physio_to_assign(client, paula, case, nina):
    client.force_login(paula)

    response = client.post(f"/cases/{case.pk}/physio/", {"assigned_physio": nina.pk})

    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).assigned_physio == paula


def test_it_offers_no_assignment_on_an_ended_case(client, rita, case):
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.DISCHARGED, discharged_at=timezone.now()
    )
    client.force_login(rita)

    html = client.get(f"/patients/{case.patient_id}/").content.decode()

    assert "Change the physio" not in html


# --- Urgency: current until the first doctor visit -------------------------------------------


def test_urgency_is_current_until_a_doctor_examines(urgent_intake, dan):
    case = Case.objects.get(pk=urgent_intake.case_id)
    assert case.urgency == "urgent" and case.urgency_is_current

    examination_for(case, dan)

    case.refresh_from_db()
    assert case.seen_by_doctor_at is not None
    assert not case.urgency_is_current


def test_the_first_visit_is_kept_when_a_second_exam_comes(urgent_intake, dan):
    case = urgent_intake.case
    first = examination_for(case, dan)
    examination_for(case, dan)

    case.refresh_from_db()
    assert case.seen_by_doctor_at == first.examined_at


def test_an_ended_case_shows_urgency_as_history():
    case = Case(urgency="urgent", status=CaseStatus.CLOSED)

    assert not case.urgency_is_current


def test_pages_show_urgency_as_history_after_the_visit(client, dan, urgent_intake):
    client.force_login(dan)
    url = f"/cases/{urgent_intake.case_id}/"
    assert (
        "Urgent — see a doctor today"
        in client.get(f"/patients/{urgent_intake.case.patient_id}/").content.decode()
    )

    assert 'class="banner banner-urgent"' in client.get(url).content.decode()

    examination_for(urgent_intake.case, dan)

    html = client.get(url).content.decode()
    assert "Was urgent at triage" in html
    assert '<span class="urgency urgency-urgent">' not in html
    # The intake's triage stays on the case page, in the calm colours of history.
    assert 'class="banner banner-past"' in html
    assert 'class="banner banner-urgent"' not in html


# --- Ended cases leave the default lists -----------------------------------------------------


def test_the_doctors_list_hides_ended_cases_unless_asked(client, dan, patient):
    live = CaseFactory(patient=patient)
    ended = CaseFactory(patient=patient)
    Case.objects.filter(pk=ended.pk).update(
        status=CaseStatus.DISCHARGED, discharged_at=timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(dan)

    default = client.get("/cases/").context["cases"]
    with_ended = client.get("/cases/?include_ended=on").context["cases"]
    discharged = client.get("/cases/?status=discharged").context["cases"]

    assert [c.pk for c in default] == [live.pk]
    assert {c.pk for c in with_ended} == {live.pk, ended.pk}
    assert [c.pk for c in discharged] == [ended.pk]


def test_the_triage_result_says_when_its_urgency_is_history(client, rita, dan, urgent_intake):
    client.force_login(rita)
    url = f"/reception/intakes/{urgent_intake.pk}/"
    assert "A doctor must see the patient today." in client.get(url).content.decode()

    examination_for(urgent_intake.case, dan)

    html = client.get(url).content.decode()
    assert "This was the triage at intake." in html
    assert "A doctor must see the patient today." not in html


def test_the_migration_fills_the_visit_of_cases_examined_before(urgent_intake, dan):
    import importlib

    from django.apps import apps

    exam = examination_for(urgent_intake.case, dan)
    Case.objects.update(seen_by_doctor_at=None, urgency_rank=0)
    unseen = CaseFactory(patient=urgent_intake.case.patient)

    importlib.import_module("triage.migrations.0006_case_seen_from_examinations").backfill(
        apps, None
    )

    backfilled = Case.objects.get(pk=urgent_intake.case_id)
    assert backfilled.seen_by_doctor_at == exam.examined_at
    assert backfilled.urgency_rank == NO_URGENCY_RANK
    assert Case.objects.get(pk=unseen.pk).seen_by_doctor_at is None


def test_a_seen_case_leaves_the_head_of_the_doctors_list(client, rita, dan, urgent_intake):
    waiting = intake_create(
        recorded_by=rita, patient=urgent_intake.case.patient, questionnaire=QUESTIONNAIRE
    )
    assert waiting.urgency == "soon"
    client.force_login(dan)
    assert [c.pk for c in client.get("/cases/").context["cases"]] == [
        urgent_intake.case_id,
        waiting.case_id,
    ]

    examination_for(urgent_intake.case, dan)

    assert [c.pk for c in client.get("/cases/").context["cases"]] == [
        waiting.case_id,
        urgent_intake.case_id,
    ]
