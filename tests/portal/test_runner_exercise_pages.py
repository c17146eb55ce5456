"""The runner's pages between visits: today's exercises (ticked once a day, sent again it
changes the day), a run and its decision in plain words, the next morning's pain; only their
own records, audited with the patient as the actor."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from clinic.models import AuditEvent
from portal.tokens import link_token
from rehab.models import Alert, ExerciseLog, Run
from reminders.messages import render
from reminders.models import Reminder
from tests.factories import CaseFactory, PatientFactory, programme_for, run_for, run_plan_for
from tests.portal.helpers import link_for, signed_in_runner

EMMA_DOB = "1991-03-14"
pytestmark = pytest.mark.django_db


def day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


@pytest.fixture(autouse=True)
def library(exercise_library):
    """The seeded exercises and walk-run progression (gone after a browser test's flush)."""


@pytest.fixture
def emma_case(patient, paula):
    case = CaseFactory(patient=patient, assigned_physio=paula)
    case.opened_at = timezone.now() - datetime.timedelta(days=30)
    case.save(update_fields=["opened_at"])
    return case


@pytest.fixture
def runner(emma_case, rita):
    return signed_in_runner(link_for(emma_case.patient, rita), EMMA_DOB)


def run_form(**overrides) -> dict:
    return {
        "date": day(0).isoformat(),
        "minutes": "30",
        "distance_km": "4.5",
        "pain_during": "2",
        "pain_after": "3",
        "after": "0",
        **overrides,
    }


# --- Today's exercises -------------------------------------------------------------------------


def test_it_shows_todays_exercises_with_instructions_and_dose(runner, emma_case, paula):
    programme = programme_for(emma_case, paula)
    first = programme.items.first()

    response = runner.get("/r/exercises/")

    assert response.status_code == 200
    page = response.content.decode()
    assert first.exercise.name in page
    assert first.exercise.instructions[:40] in page
    assert "3 sets of 15" in page
    assert 'type="checkbox" name="completed"' in page
    assert page.count('type="radio" name="pain"') == 11


def test_the_runner_ticks_the_day_and_a_second_send_changes_it(runner, emma_case, paula):
    programme = programme_for(emma_case, paula)
    first, second = programme.items.all()

    sent = runner.post("/r/exercises/", {"completed": [first.pk], "pain": "2"})
    again = runner.post("/r/exercises/", {"completed": [first.pk, second.pk], "pain": "4"})

    assert (sent.status_code, sent["Location"]) == (302, "/r/exercises/saved/")
    assert again.status_code == 302
    log = ExerciseLog.objects.get()
    assert (log.date, log.pain, log.source, log.logged_by) == (day(0), 4, "patient", None)
    assert sorted(log.completed.values_list("pk", flat=True)) == [first.pk, second.pk]
    pains = list(log.history.values_list("pain", flat=True).order_by("history_id"))
    assert (pains[0], pains[-1]) == (2, 4)  # the first ticks are kept in the history
    page = runner.get("/r/exercises/").content.decode()
    assert "You already saved today" in page
    assert page.count("checked") == 3  # both ticks and the pain 4


def test_it_says_in_plain_words_what_is_missing(runner, emma_case, paula):
    programme_for(emma_case, paula)

    response = runner.post("/r/exercises/", {"pain": "11"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Tick the exercises you did today." in page
    assert "Choose a number from 0 to 10." in page
    assert not ExerciseLog.objects.exists()


def test_another_patients_exercise_cannot_be_ticked(runner, emma_case, paula):
    programme = programme_for(emma_case, paula)
    other_case = CaseFactory(patient=PatientFactory(), assigned_physio=paula)
    theirs = programme_for(other_case, paula).items.first()

    response = runner.post("/r/exercises/", {"completed": [theirs.pk], "pain": "1"})

    assert response.status_code == 200
    assert "Tick only the exercises on this page." in response.content.decode()
    assert not ExerciseLog.objects.exists()
    assert programme.logs.count() == 0


def test_without_a_programme_it_says_none_is_given_yet(runner):
    response = runner.get("/r/exercises/")

    assert response.status_code == 200
    assert "has not given you home exercises yet" in response.content.decode()


def test_ticks_are_audited_with_the_patient_as_the_actor(runner, emma_case, paula):
    programme = programme_for(emma_case, paula)

    runner.post("/r/exercises/", {"completed": [programme.items.first().pk], "pain": "1"})

    event = AuditEvent.objects.get(object_type="rehab.exerciselog")
    assert (event.actor_id, event.actor_role, event.action, event.patient_id) == (
        None,
        "patient",
        "create",
        emma_case.patient_id,
    )


# --- A run ---------------------------------------------------------------------------------


def test_the_runner_logs_a_run_and_reads_the_next_stage(runner, emma_case, paula):
    run_plan_for(emma_case, paula, started_on=day(10), stage=2)

    response = runner.post("/r/runs/new/", run_form())

    run = Run.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/r/runs/{run.pk}/")
    assert (run.source, run.logged_by, run.decision, run.minutes) == ("patient", None, "stay", 30)
    page = runner.get(f"/r/runs/{run.pk}/").content.decode()
    assert "Stay at this stage." in page
    assert "Next time, repeat stage 2: run 2 min, walk 3 min, 6 times." in page
    assert "Tomorrow morning we will ask" in page
    assert "<dd>4.5 km</dd>" in page
    event = AuditEvent.objects.get(object_type="rehab.run", action="create")
    assert (event.actor_id, event.actor_role) == (None, "patient")


def test_a_pain_above_5_tells_the_runner_to_stop_and_that_the_physio_knows(
    runner, emma_case, paula
):
    run_plan_for(emma_case, paula, started_on=day(10), stage=2)

    response = runner.post("/r/runs/new/", run_form(pain_during="6"), follow=True)

    page = response.content.decode()
    assert "Stop running for now" in page
    assert "Your physio has been told" in page
    assert "Next time: run 1 min, walk 4 min, 6 times (stage 1)." in page
    assert Alert.objects.get(case=emma_case).kind == "high_pain"


def test_the_same_run_sent_twice_is_logged_once(runner, emma_case, paula):
    run_plan_for(emma_case, paula, started_on=day(10))

    first = runner.post("/r/runs/new/", run_form())
    again = runner.post("/r/runs/new/", run_form())
    # A second run the same day, from a fresh form, is a run of its own.
    fresh_after = str(Run.objects.get().pk)
    second_run = runner.post("/r/runs/new/", run_form(after=fresh_after))

    assert first["Location"] == again["Location"]
    assert second_run.status_code == 302
    assert Run.objects.count() == 2


def test_a_run_form_keeps_what_was_typed_and_names_each_problem(runner, emma_case, paula):
    run_plan_for(emma_case, paula, started_on=day(10))

    response = runner.post(
        "/r/runs/new/", run_form(minutes="", date=day(-1).isoformat(), pain_after="")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter how many minutes it took." in page
    assert "Choose a number from 0 to 10." in page
    assert 'value="4.5"' in page
    assert not Run.objects.exists()


def test_a_run_on_a_day_to_come_is_refused_beside_the_date(runner, emma_case, paula):
    run_plan_for(emma_case, paula, started_on=day(10))

    response = runner.post("/r/runs/new/", run_form(date=day(-1).isoformat()))

    assert response.status_code == 200
    assert "A day still to come cannot be recorded." in response.content.decode()
    assert not Run.objects.exists()


def test_without_a_plan_it_says_running_has_not_started(runner):
    response = runner.get("/r/runs/new/")

    assert "has not started your return to running yet" in response.content.decode()


# --- The next morning --------------------------------------------------------------------------


def test_the_next_morning_score_decides_yesterdays_run(runner, emma_case, paula):
    run_plan_for(emma_case, paula, started_on=day(10), stage=2)
    run_for(emma_case, paula, date=day(3), next_morning=2)
    yesterday = run_for(emma_case, paula, date=day(1), next_morning=None)
    home = runner.get("/r/").content.decode()
    assert f"/r/runs/{yesterday.pk}/morning/" in home

    response = runner.post(f"/r/runs/{yesterday.pk}/morning/", {"pain_next_morning": "2"})

    assert response["Location"] == f"/r/runs/{yesterday.pk}/"
    yesterday.refresh_from_db()
    assert (yesterday.pain_next_morning, yesterday.decision) == (2, "progress")
    page = runner.get(f"/r/runs/{yesterday.pk}/").content.decode()
    assert "Next time, move on to stage 3" in page
    assert f"/r/runs/{yesterday.pk}/morning/" not in runner.get("/r/").content.decode()


def test_a_morning_score_already_given_is_not_asked_again(runner, emma_case, paula):
    run_plan_for(emma_case, paula, started_on=day(10))
    run = run_for(emma_case, paula, date=day(1), next_morning=3)

    response = runner.post(f"/r/runs/{run.pk}/morning/", {"pain_next_morning": "7"})

    assert response["Location"] == f"/r/runs/{run.pk}/"
    run.refresh_from_db()
    assert run.pain_next_morning == 3


def test_another_patients_run_answers_404(runner, emma_case, paula):
    other_case = CaseFactory(
        patient=PatientFactory(),
        assigned_physio=paula,
        opened_at=timezone.now() - datetime.timedelta(days=30),
    )
    run_plan_for(other_case, paula)
    theirs = run_for(other_case, paula, next_morning=None)

    assert runner.get(f"/r/runs/{theirs.pk}/").status_code == 404
    assert runner.post(f"/r/runs/{theirs.pk}/morning/", {"pain_next_morning": "1"}).status_code == (
        404
    )
    theirs.refresh_from_db()
    assert theirs.pain_next_morning is None


# --- The runner's page ---------------------------------------------------------------------


def test_home_links_the_day_with_the_stage_and_the_cues(runner, emma_case, paula):
    programme_for(emma_case, paula)
    run_plan_for(
        emma_case,
        paula,
        started_on=day(10),
        stage=2,
        cadence_cue="Aim for 170-175 steps a minute.",
        shoe_model="Trail 3",
        shoe_km=420,
    )

    page = runner.get("/r/").content.decode()

    assert 'href="/r/exercises/"' in page
    assert 'href="/r/runs/new/"' in page
    assert "stage 2 — run 2 min, walk 3 min, 6 times" in page
    assert "Aim for 170-175 steps a minute." in page
    assert "Trail 3 (420 km on them)" in page


def test_the_pages_need_the_runners_session(emma_case, client):
    for url in ("/r/exercises/", "/r/runs/new/"):
        assert client.get(url).status_code == 403


# --- The morning's message ---------------------------------------------------------------------


@override_settings(SITE_URL="https://clinic.example")
def test_the_morning_message_opens_on_the_runs_morning_page(emma_case, paula, rita, client):
    link = link_for(emma_case.patient, rita)
    run_plan_for(emma_case, paula, started_on=day(10))
    run = run_for(emma_case, paula, date=day(0), next_morning=None)
    reminder = Reminder.objects.get(kind="run_next_morning", subject_id=run.pk)

    words = render(reminder)

    url = (
        f"https://clinic.example/r/{link_token(link.pk)}/?next=%2Fr%2Fruns%2F{run.pk}%2Fmorning%2F"
    )
    assert url in words.body
    assert url in words.sms
    opened = client.post(
        url.removeprefix("https://clinic.example"),
        {"date_of_birth": EMMA_DOB, "next": f"/r/runs/{run.pk}/morning/"},
    )
    assert (opened.status_code, opened["Location"]) == (302, f"/r/runs/{run.pk}/morning/")


def test_without_a_working_link_the_morning_message_names_the_runner_page(emma_case, paula):
    run_plan_for(emma_case, paula, started_on=day(10))
    run = run_for(emma_case, paula, date=day(0), next_morning=None)

    words = render(Reminder.objects.get(kind="run_next_morning", subject_id=run.pk))

    assert "on your runner page or to your physio" in words.body
    assert "/r/" not in words.body


@override_settings(SITE_URL="https://clinic.example")
def test_a_send_batch_builds_its_morning_links_in_two_queries_each_the_runners_own(
    emma_case, paula, rita, django_assert_num_queries
):
    from portal.tokens import run_morning_url
    from reminders.messages import links_for

    link_for(emma_case.patient, rita)
    run_plan_for(emma_case, paula, started_on=day(10))
    emmas = run_for(emma_case, paula, date=day(0), next_morning=None)
    # Another runner, with no working link: the message names the runner page instead.
    other_case = CaseFactory(
        patient=PatientFactory(),
        assigned_physio=paula,
        opened_at=timezone.now() - datetime.timedelta(days=30),
    )
    run_plan_for(other_case, paula, started_on=day(10))
    others = run_for(other_case, paula, date=day(0), next_morning=None)
    reminders = list(Reminder.objects.filter(kind="run_next_morning").select_related("case"))

    with django_assert_num_queries(2):
        links = links_for(reminders)

    by_run = {r.subject_id: links[r.pk] for r in reminders}
    assert by_run == {emmas.pk: run_morning_url(emmas.pk), others.pk: ""}
    assert f"?next=%2Fr%2Fruns%2F{emmas.pk}%2Fmorning%2F" in by_run[emmas.pk]


def test_a_link_never_sends_the_runner_to_another_site_or_a_staff_page(emma_case, rita, client):
    link = link_for(emma_case.patient, rita)

    for wanted in ("https://evil.example/", "//evil.example/r/", "/rehab/caseload/", "/r/leave/"):
        response = client.post(
            f"/r/{link_token(link.pk)}/", {"date_of_birth": EMMA_DOB, "next": wanted}
        )
        assert response["Location"] == "/r/", wanted


# --- After the treatment has ended -------------------------------------------------------------


@pytest.fixture
def discharged(emma_case):
    emma_case.status = "discharged"
    emma_case.discharged_at = timezone.now().replace(year=2026, month=11, day=3, hour=12)
    emma_case.save(update_fields=["status", "discharged_at"])
    return emma_case


@pytest.mark.parametrize(
    ("path", "not_begun"),
    [
        ("/r/exercises/", "has not given you home exercises yet"),
        ("/r/runs/new/", "has not started your return to running yet"),
    ],
)
def test_a_discharged_runner_is_told_treatment_ended_not_that_it_has_not_begun(
    runner, discharged, path, not_begun
):
    page = runner.get(path).content.decode()

    assert "Your treatment with the clinic ended on 3 November 2026" in page
    assert not_begun not in page


def test_a_discharged_runners_page_says_their_treatment_ended(runner, discharged):
    page = runner.get("/r/").content.decode()

    assert "Your treatment with the clinic ended on 3 November 2026" in page


def test_a_runner_treated_again_sees_the_new_case_not_the_ended_one(runner, discharged, paula):
    CaseFactory(patient=discharged.patient, assigned_physio=paula)

    home = runner.get("/r/").content.decode()
    exercises = runner.get("/r/exercises/").content.decode()

    assert "Your treatment with the clinic" not in home
    assert "has not given you home exercises yet" in exercises
