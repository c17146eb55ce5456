"""exercises/, exercise-programmes/ and exercise-logs/: the library, the prescription, the log."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clinic.models import AuditEvent, Case
from rehab.models import Exercise, ExerciseLog, ExerciseProgramme, ProgrammeItem
from rehab.selectors import programme_adherence
from tests.conftest import patch_with_etag
from tests.factories import CaseFactory, programme_for

PROGRAMMES = "/api/v1/exercise-programmes/"
LOGS = "/api/v1/exercise-logs/"
TODAY = datetime.date.today


@pytest.fixture
def case(case):
    # Opened a month ago: a programme begun on paper may be back-dated to then.
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - datetime.timedelta(days=30))
    case.refresh_from_db()
    return case


def exercise(code: str) -> Exercise:
    return Exercise.objects.get(code=code)


def body(case, **overrides):
    return {
        "case": case.pk,
        "items": [
            {"exercise": exercise("heel_raise_single").pk, "sets": 3, "reps": 15, "per_week": 7},
            {
                "exercise": exercise("single_leg_stand").pk,
                "sets": 3,
                "hold_seconds": 30,
                "per_week": 3,
                "notes": "Eyes open first.",
            },
        ],
        **overrides,
    }


def test_the_library_holds_at_least_30_exercises_of_every_kind(db):
    assert Exercise.objects.count() >= 30
    assert set(Exercise.objects.values_list("category", flat=True)) == {
        "mobility",
        "isometric",
        "eccentric",
        "balance",
        "plyometric",
        "foot_intrinsics",
    }
    assert not Exercise.objects.filter(instructions="").exists()


def test_it_lists_the_library_to_clinicians_only(api_as, paula, rita):
    response = api_as(paula).get("/api/v1/exercises/?category=plyometric&page_size=50")

    assert response.status_code == 200
    assert {row["category"] for row in response.json()["results"]} == {"plyometric"}
    assert api_as(rita).get("/api/v1/exercises/").status_code == 403


def test_it_prescribes_a_programme_starting_today(api_as, paula, case):
    response = api_as(paula).post(PROGRAMMES, body(case), format="json")

    assert response.status_code == 201, response.json()
    programme = ExerciseProgramme.objects.get()
    assert (programme.case, programme.prescribed_by, programme.starts_on) == (case, paula, TODAY())
    assert [i.exercise.code for i in programme.items.all()] == [
        "heel_raise_single",
        "single_leg_stand",
    ]
    assert response.json()["adherence"] == 0
    assert AuditEvent.objects.filter(action="create", patient=case.patient).count() == 1


def test_it_back_dates_a_programme_begun_on_paper(api_as, paula, case):
    ten_days_ago = TODAY() - datetime.timedelta(days=10)

    response = api_as(paula).post(
        PROGRAMMES, body(case, starts_on=ten_days_ago.isoformat()), format="json"
    )

    assert response.status_code == 201
    assert ExerciseProgramme.objects.get().starts_on == ten_days_ago


def test_it_refuses_a_programme_starting_in_the_future(api_as, paula, case):
    tomorrow = TODAY() + datetime.timedelta(days=1)

    response = api_as(paula).post(
        PROGRAMMES, body(case, starts_on=tomorrow.isoformat()), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["starts_on"]
    assert not ExerciseProgramme.objects.exists()


def test_it_refuses_an_item_without_reps_or_hold(api_as, paula, case):
    items = [{"exercise": exercise("short_foot").pk, "sets": 3, "per_week": 7}]

    response = api_as(paula).post(PROGRAMMES, body(case, items=items), format="json")

    assert response.status_code == 400
    assert response.json() == {
        "items": {"0": {"reps": ["Give the repetitions, the seconds to hold, or both."]}}
    }
    assert not ExerciseProgramme.objects.exists()


def test_it_refuses_a_second_active_programme(api_as, paula, case):
    programme_for(case, paula)

    response = api_as(paula).post(PROGRAMMES, body(case), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "programme_exists"
    assert ExerciseProgramme.objects.count() == 1


def test_it_answers_404_for_a_case_outside_reach(api_as, oscar, case):
    response = api_as(oscar).post(PROGRAMMES, body(case), format="json")

    assert response.status_code == 404
    assert not ExerciseProgramme.objects.exists()


def test_it_honours_an_idempotency_key(api_as, paula, case):
    client = api_as(paula)
    first = client.post(PROGRAMMES, body(case), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(PROGRAMMES, body(case), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert ExerciseProgramme.objects.count() == 1


def test_it_changes_the_items_and_keeps_the_history(api_as, paula, case):
    programme = programme_for(case, paula)
    kept, dropped = programme.items.all()
    items = [
        {"id": kept.pk, "exercise": kept.exercise_id, "sets": 4, "reps": 12, "per_week": 5},
        {"exercise": exercise("pogo_double").pk, "sets": 2, "reps": 20, "per_week": 3},
    ]

    response = patch_with_etag(
        api_as(paula), f"{PROGRAMMES}{programme.pk}/", {"items": items}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert [row["sets"] for row in response.json()["items"]] == [4, 2]
    kept.refresh_from_db()
    dropped.refresh_from_db()
    assert (kept.sets, kept.active, dropped.active) == (4, True, False)
    assert list(kept.history.values_list("sets", flat=True).order_by("history_id")) == [3, 4]
    assert ProgrammeItem.objects.filter(programme=programme, active=True).count() == 2


def test_a_change_without_if_match_is_refused_with_428(api_as, paula, case):
    programme = programme_for(case, paula)

    response = api_as(paula).patch(f"{PROGRAMMES}{programme.pk}/", {"active": False})

    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"
    programme.refresh_from_db()
    assert programme.active is True


def test_a_change_from_a_stale_read_is_refused_with_412(api_as, paula, case):
    programme = programme_for(case, paula)
    first, _second = programme.items.all()
    url = f"{PROGRAMMES}{programme.pk}/"
    client = api_as(paula)
    stale = client.get(url)["ETag"]
    # The physio changes the programme on another screen in between.
    newer = [{"id": first.pk, "exercise": first.exercise_id, "sets": 4, "reps": 12, "per_week": 5}]
    assert patch_with_etag(client, url, {"items": newer}, format="json").status_code == 200

    response = client.patch(url, {"active": False}, format="json", HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    programme.refresh_from_db()
    assert programme.active is True
    assert programme.items.filter(active=True).get().sets == 4


def test_a_doctor_reads_but_does_not_change_a_programme(api_as, dan, paula, case):
    programme = programme_for(case, paula)

    assert api_as(dan).get(f"{PROGRAMMES}{programme.pk}/").status_code == 200
    response = api_as(dan).patch(f"{PROGRAMMES}{programme.pk}/", {"active": False}, format="json")
    assert response.status_code == 403


def test_the_physio_logs_a_day_from_a_paper_diary(api_as, paula, case):
    programme = programme_for(case, paula)
    first, _second = programme.items.all()

    response = api_as(paula).post(
        LOGS,
        {
            "programme": programme.pk,
            "date": TODAY().isoformat(),
            "completed": [first.pk],
            "pain": 3,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    log = ExerciseLog.objects.get()
    assert (log.date, log.pain, log.source, log.logged_by) == (TODAY(), 3, "clinic", paula)
    assert list(log.completed.all()) == [first]
    assert response.json()["completed"] == [first.pk]


def test_it_refuses_an_item_of_another_programme(api_as, paula, case):
    programme = programme_for(case, paula)
    other = programme_for(CaseFactory(assigned_physio=paula), paula)

    response = api_as(paula).post(
        LOGS,
        {
            "programme": programme.pk,
            "date": TODAY().isoformat(),
            "completed": [other.items.first().pk],
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["completed"]
    assert not ExerciseLog.objects.exists()


def test_it_refuses_a_day_to_come_and_a_second_log_of_a_day(api_as, paula, case):
    programme = programme_for(case, paula)
    client = api_as(paula)
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    future = client.post(
        LOGS, {"programme": programme.pk, "date": tomorrow, "completed": []}, format="json"
    )
    client.post(
        LOGS,
        {"programme": programme.pk, "date": TODAY().isoformat(), "completed": []},
        format="json",
    )
    twice = client.post(
        LOGS,
        {"programme": programme.pk, "date": TODAY().isoformat(), "completed": []},
        format="json",
    )

    assert future.status_code == 400
    assert list(future.json()) == ["date"]
    assert twice.status_code == 409
    assert twice.json()["code"] == "log_exists"
    assert ExerciseLog.objects.count() == 1


def test_it_answers_404_for_a_programme_outside_reach(api_as, oscar, paula, case):
    programme = programme_for(case, paula)

    response = api_as(oscar).post(
        LOGS,
        {"programme": programme.pk, "date": TODAY().isoformat(), "completed": []},
        format="json",
    )

    assert response.status_code == 404
    assert not ExerciseLog.objects.exists()


def test_adherence_is_logged_over_prescribed_item_days(api_as, paula, case):
    from rehab.services.programmes import exercise_log_record

    # Two items, 7 days a week, started 3 days ago: 2 x 7 x 4 / 7 = 8 item-days prescribed.
    programme = programme_for(case, paula, starts_on=TODAY() - datetime.timedelta(days=3))
    first, second = programme.items.all()
    for days_ago, done in ((3, [first, second]), (2, [first]), (0, [first, second])):
        exercise_log_record(
            programme=programme,
            by=paula,
            date=TODAY() - datetime.timedelta(days=days_ago),
            completed=[item.pk for item in done],
        )

    assert programme_adherence(programme) == 62  # 5 of 8
    response = api_as(paula).get(f"{PROGRAMMES}{programme.pk}/")
    assert response.json()["adherence"] == 62
