"""Alerts on a case: raised by a worsening or a high pain, read within reach, acknowledged
by the assigned physio; reception sees that one exists, never what it says."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rehab import alert_rules
from rehab.instruments.scoring import worsened_by_mcid
from rehab.models import Alert
from rehab.services.alerts import alert_raise
from rehab.services.outcomes import outcome_record
from reminders.models import Reminder

LEFS_ALL = 3  # each of the 20 items answered 3: LEFS 60/80


def lefs(points: int, *, low_items: int = 0) -> list[int]:
    """A LEFS whose first ``low_items`` items are 0 and the rest ``points``."""
    return [0] * low_items + [points] * (20 - low_items)


# --- The rules (pure) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "previous", "new", "worse"),
    [
        ("lefs", 60, 51, True),  # down by exactly the MCID (9)
        ("lefs", 60, 52, False),  # down by 8: below the MCID
        ("lefs", 50, 70, False),  # better
        ("nprs", 3, 5, True),  # pain up by the MCID (2): worse on the NPRS
        ("nprs", 5, 3, False),  # pain down: better
        ("nprs", 3, 4, False),
        ("faam_adl", Decimal("80.00"), Decimal("72.00"), True),  # MCID 8
        ("cait", 28, 10, False),  # no MCID: never "worsened"
        ("lefs", None, 10, False),  # the first measure
    ],
)
def test_it_judges_a_worsening_in_the_instruments_direction(instrument, previous, new, worse):
    assert worsened_by_mcid(instrument, previous, new) is worse


@pytest.mark.parametrize(("pain", "kinds"), [(6, []), (7, ["high_pain"]), (10, ["high_pain"])])
def test_it_raises_high_pain_from_an_nprs_of_seven(pain, kinds):
    raised = alert_rules.outcome_alerts("nprs", None, pain)

    assert [kind for kind, _detail in raised] == kinds


# --- Raised by measures, through the API ------------------------------------------------------


@pytest.mark.django_db
def test_it_raises_worsened_when_a_lefs_drops_by_the_mcid(case, paula, api_as):
    paula.email = "paula@clinic.example"
    paula.save()
    outcome_record(case=case, instrument="lefs", answers=lefs(3), by=paula)  # 60

    response = api_as(paula).post(
        "/api/v1/outcomes/",
        {"case": case.pk, "instrument": "lefs", "answers": lefs(3, low_items=3)},  # 51
        format="json",
    )

    assert response.status_code == 201
    alert = Alert.objects.get(case=case)
    assert (alert.kind, alert.detail) == (
        "worsened",
        "LEFS 51, was 60: worse by at least the MCID.",
    )
    reminder = Reminder.objects.get(kind="care_alert", subject_id=alert.pk)
    assert (reminder.channel, reminder.recipient) == ("email", "paula@clinic.example")
    listed = api_as(paula).get("/api/v1/alerts/?open=true").json()["results"]
    assert [(row["id"], row["kind"]) for row in listed] == [(alert.pk, "worsened")]


@pytest.mark.django_db
def test_it_raises_high_pain_for_an_nprs_of_seven(case, paula, api_as):
    response = api_as(paula).post(
        "/api/v1/outcomes/", {"case": case.pk, "instrument": "nprs", "answers": [7]}, format="json"
    )

    assert response.status_code == 201
    assert list(Alert.objects.values_list("kind", "detail")) == [("high_pain", "Pain 7/10 (NPRS).")]


@pytest.mark.django_db
def test_it_raises_nothing_for_a_small_change(case, paula):
    outcome_record(case=case, instrument="lefs", answers=lefs(3), by=paula)
    outcome_record(case=case, instrument="lefs", answers=lefs(3, low_items=2), by=paula)  # 54

    assert Alert.objects.count() == 0


@pytest.mark.django_db
def test_it_raises_one_alert_per_cause(case):
    first = alert_raise(case=case, kind="high_pain", detail="Pain 8/10.", cause="run:1")
    again = alert_raise(case=case, kind="high_pain", detail="Pain 8/10.", cause="run:1")

    assert again.pk == first.pk
    assert Alert.objects.count() == 1
    assert Reminder.objects.filter(kind="care_alert").count() == 1


# --- Reading and acknowledging ----------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_reception_only_that_an_alert_exists(case, rita, api_as):
    alert = alert_raise(case=case, kind="worsened", detail="LEFS 40, was 60.", cause="outcome:1")

    response = api_as(rita).get(f"/api/v1/alerts/{alert.pk}/")

    assert response.status_code == 200
    assert sorted(response.json()) == ["acknowledged_at", "case", "created_at", "id"]


@pytest.mark.django_db
def test_it_does_not_let_reception_filter_by_kind(case, rita, api_as):
    alert_raise(case=case, kind="worsened", cause="outcome:1")

    rows = api_as(rita).get("/api/v1/alerts/?kind=red_flag").json()["results"]

    assert len(rows) == 1  # the filter does not exist for reception: nothing to learn


@pytest.mark.django_db
def test_it_hides_alerts_of_other_physios_cases(case, oscar, api_as):
    alert = alert_raise(case=case, kind="high_pain", cause="outcome:1")

    assert api_as(oscar).get(f"/api/v1/alerts/{alert.pk}/").status_code == 404
    assert api_as(oscar).get("/api/v1/alerts/").json()["results"] == []


@pytest.mark.django_db
def test_it_lets_the_assigned_physio_acknowledge_once(case, paula, api_as):
    alert = alert_raise(case=case, kind="high_pain", cause="outcome:1")
    client = api_as(paula)

    first = client.post(f"/api/v1/alerts/{alert.pk}/acknowledge/")
    second = client.post(f"/api/v1/alerts/{alert.pk}/acknowledge/")

    assert first.status_code == 200
    assert first.json()["acknowledged_by"] == paula.pk
    assert second.status_code == 409
    assert second.json()["code"] == "already_acknowledged"
    alert.refresh_from_db()
    assert alert.acknowledged_by == paula


@pytest.mark.django_db
def test_it_lets_no_doctor_acknowledge(case, dan, api_as):
    alert = alert_raise(case=case, kind="high_pain", cause="outcome:1")

    response = api_as(dan).post(f"/api/v1/alerts/{alert.pk}/acknowledge/")

    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


@pytest.mark.django_db
def test_it_puts_alerted_cases_first_on_the_caseload(client, paula, case):
    from tests.factories import CaseFactory

    quiet = CaseFactory(assigned_physio=paula)
    alert_raise(case=case, kind="high_pain", detail="Pain 8/10 (NPRS).", cause="outcome:1")
    client.force_login(paula)

    response = client.get("/rehab/caseload/")

    assert response.status_code == 200
    assert [c.pk for c in response.context["cases"]] == [case.pk, quiet.pk]
    assert "ALERT — High pain" in response.content.decode()


@pytest.mark.django_db
def test_it_reads_a_red_flag_alert_through_the_api(case, paula, rita, api_as):
    # Raised with the words the runner's self-intake uses (triage.rules' red flags).
    alert = alert_raise(
        case=case,
        kind="red_flag",
        detail="Red flag in the answers: calf pain or swelling.",
        cause="intake:1",
    )

    mine = api_as(paula).get(f"/api/v1/alerts/{alert.pk}/")
    reception = api_as(rita).get(f"/api/v1/alerts/{alert.pk}/")

    assert mine.status_code == 200
    assert (mine.json()["kind"], mine.json()["detail"]) == (
        "red_flag",
        "Red flag in the answers: calf pain or swelling.",
    )
    assert reception.status_code == 200
    assert "kind" not in reception.json()
    assert "calf" not in reception.content.decode()
