"""The reports' aggregates: marked stale by each change, rebuilt by SQL, idempotent.

Paula's ankle patient Emma has sessions on 3 and 4 November 2026 (clinic time UTC); each test
changes one record and checks what the refresh rebuilt.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from clinic.privacy import patient_restrict
from rehab.models import PhysioSession, ReturnToRun
from reports import aggregates
from reports.models import EpisodeDay, EpisodeFact, OutcomeFact, SessionDay, StaleMark
from reports.tasks import refresh_aggregates
from tests.factories import CaseFactory, PatientFactory, intake_for
from tests.reports.helpers import measure

NOV_2, NOV_3 = dt.date(2026, 11, 2), dt.date(2026, 11, 3)
NOV_4, NOV_9 = dt.date(2026, 11, 4), dt.date(2026, 11, 9)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def session_counts(day: dt.date) -> list[tuple]:
    return list(
        SessionDay.objects.filter(day=day)
        .order_by("physio_id")
        .values_list("physio_id", "booked", "attended", "no_show", "cancelled", "kept_minutes")
    )


def every_row() -> dict[str, list[tuple]]:
    """Every aggregate row, without the surrogate ids (which a rebuild renews)."""

    def rows(model, *fields):
        return sorted(model.objects.values_list(*fields))

    return {
        "sessions": rows(
            SessionDay,
            "day",
            "physio_id",
            "assigned_physio_id",
            "condition",
            "restricted",
            "booked",
            "scheduled",
            "attended",
            "no_show",
            "cancelled",
            "kept",
            "kept_minutes",
        ),
        "outcomes": rows(
            OutcomeFact,
            "case_id",
            "day",
            "instrument",
            "assigned_physio_id",
            "restricted",
            "reached",
        ),
        "episodes": rows(
            EpisodeFact,
            "case_id",
            "opened_on",
            "restricted",
            "has_side",
            "visits",
            "to_first_visit",
            "recurrent",
        ),
        "episode_days": rows(
            EpisodeDay,
            "day",
            "condition",
            "assigned_physio_id",
            "restricted",
            "episodes",
            "visits",
            "first_visits",
            "to_first_visit",
            "cleared",
            "clearances",
            "to_clearance",
            "sided",
            "recurrences",
        ),
    }


@pytest.fixture
def emma_case(db, paula):
    case = CaseFactory(
        patient=PatientFactory(given_name="Emma"), assigned_physio=paula, side="left"
    )
    case.opened_at = at(NOV_2, 9)
    case.save()
    return case


def _session(case, physio, when, status="attended", minutes=45) -> PhysioSession:
    return PhysioSession.objects.create(
        case=case, physio=physio, scheduled_at=when, status=status, duration_minutes=minutes
    )


def test_it_rebuilds_a_days_counts_from_the_sessions(emma_case, paula):
    _session(emma_case, paula, at(NOV_3))
    _session(emma_case, paula, at(NOV_3, 14), "no_show", minutes=30)
    _session(emma_case, paula, at(NOV_3, 16), "cancelled")
    _session(emma_case, paula, at(NOV_4))

    refresh_aggregates()

    # booked, attended, no-show, cancelled, minutes of those not cancelled
    assert session_counts(NOV_3) == [(paula.pk, 3, 1, 1, 1, 75)]
    assert session_counts(NOV_4) == [(paula.pk, 1, 1, 0, 0, 45)]
    assert not StaleMark.objects.exists()


def test_a_changed_session_marks_its_case_and_day_and_the_refresh_folds_it_in(emma_case, paula):
    session = _session(emma_case, paula, at(NOV_3), "scheduled")
    refresh_aggregates()

    session.status = "no_show"
    session.save()

    assert list(StaleMark.objects.values_list("case_id", "day")) == [
        (emma_case.pk, NOV_3),  # the day it was on (read from the row before the update)
        (emma_case.pk, NOV_3),  # and the one it is on now
    ]
    refresh_aggregates()
    assert session_counts(NOV_3) == [(paula.pk, 1, 0, 1, 0, 45)]


def test_a_moved_session_leaves_its_old_day(emma_case, paula):
    session = _session(emma_case, paula, at(NOV_3))
    refresh_aggregates()

    session.scheduled_at = at(NOV_9)
    session.save(update_fields=["scheduled_at"])
    refresh_aggregates()

    assert session_counts(NOV_3) == []
    assert session_counts(NOV_9) == [(paula.pk, 1, 1, 0, 0, 45)]


def test_a_deleted_session_is_no_longer_counted(emma_case, paula):
    _session(emma_case, paula, at(NOV_3))
    gone = _session(emma_case, paula, at(NOV_3, 12))
    refresh_aggregates()

    gone.delete()
    refresh_aggregates()

    assert session_counts(NOV_3) == [(paula.pk, 1, 1, 0, 0, 45)]
    assert EpisodeFact.objects.get(case_id=emma_case.pk).visits == 1


def test_a_restriction_marks_the_patients_cases(emma_case, paula):
    _session(emma_case, paula, at(NOV_3))
    refresh_aggregates()
    assert SessionDay.objects.get(day=NOV_3).restricted is False

    patient_restrict(patient=emma_case.patient)

    assert list(StaleMark.objects.values_list("case_id", flat=True)) == [emma_case.pk]
    refresh_aggregates()
    assert SessionDay.objects.get(day=NOV_3).restricted is True
    assert EpisodeFact.objects.get(case_id=emma_case.pk).restricted is True


def test_an_outcome_measure_is_folded_into_its_cases_rows(emma_case, paula):
    measure(emma_case, paula, at(NOV_4), True)
    refresh_aggregates()

    assert list(OutcomeFact.objects.values_list("case_id", "day", "instrument", "reached")) == [
        (emma_case.pk, NOV_4, "nprs", True)
    ]


def test_refreshing_twice_gives_the_same_rows_and_a_full_rebuild_agrees(emma_case, paula, oscar):
    _session(emma_case, paula, at(NOV_3))
    _session(emma_case, oscar, at(NOV_4), "no_show")
    _session(emma_case, paula, at(NOV_9), "cancelled")
    refresh_aggregates()
    once = every_row()

    # The same marks again (as if a change were marked twice), and a run with none.
    for day in (NOV_3, NOV_4, NOV_9):
        aggregates.mark_stale(case_id=emma_case.pk, day=day)
    refresh_aggregates()
    refresh_aggregates()

    assert every_row() == once
    aggregates.rebuild_all()
    assert every_row() == once
    assert len(once["sessions"]) == 3


def test_it_keeps_a_mark_written_after_the_batch_was_read(emma_case, paula, monkeypatch):
    """A change committed while a refresh runs is not dropped with the marks it read."""
    _session(emma_case, paula, at(NOV_3))
    real = aggregates.rebuild_session_days

    def a_change_lands_meanwhile(start, end):
        real(start, end)
        if not StaleMark.objects.filter(day=NOV_9).exists():
            aggregates.mark_stale(day=NOV_9)

    monkeypatch.setattr(aggregates, "rebuild_session_days", a_change_lands_meanwhile)
    aggregates.refresh_pending(today=NOV_4)

    assert list(StaleMark.objects.values_list("day", flat=True)) == [NOV_9]


def test_it_merges_close_days_into_one_range():
    days = [NOV_9, NOV_3, NOV_4, dt.date(2026, 12, 20)]

    assert aggregates.day_ranges(days) == [(NOV_3, NOV_9), (dt.date(2026, 12, 20),) * 2]


def test_the_beat_refreshes_the_aggregates_every_two_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-report-aggregates"]

    assert entry["task"] == refresh_aggregates.name == "reports.refresh_aggregates"
    assert entry["schedule"] == 120.0


@pytest.mark.parametrize(
    ("period", "followed", "reached"),
    [
        ("from=2026-11-01&to=2026-11-30", 1, 1),  # four measures in November: one case
        ("from=2026-11-03&to=2026-11-03", 1, 0),  # only the one not reaching the MCID
        ("from=2026-11-04&to=2026-11-09", 1, 1),  # reached twice (and twice on the 4th)
        ("from=2026-10-01&to=2026-10-31", 1, 1),  # the first follow-up, in October
        ("from=2026-11-10&to=2026-11-30", 0, 0),
    ],
)
def test_outcomes_count_a_case_once_however_often_it_was_measured(
    emma_case, paula, api_as, dan, period, followed, reached
):
    measure(emma_case, paula, at(dt.date(2026, 10, 20)), True)
    measure(emma_case, paula, at(NOV_3), False)
    measure(emma_case, paula, at(NOV_4), True)
    measure(emma_case, paula, at(NOV_4), True)  # the same moment: still one case
    measure(emma_case, paula, at(NOV_9), True)
    measure(emma_case, paula, at(NOV_3, 8), None)  # not judged (a baseline): never counted
    refresh_aggregates()

    response = api_as(dan).get(f"/api/v1/reports/outcomes/?{period}")

    assert response.status_code == 200
    assert [(r["cases"], r["reached"]) for r in response.json()["rows"]] == (
        [(followed, reached)] if followed else []
    )


# --- The case facts summed per opened day (EpisodeDay) ----------------------------------------


def episode_days() -> list[tuple]:
    return list(
        EpisodeDay.objects.order_by("day", "assigned_physio_id", "restricted").values_list(
            "day", "assigned_physio_id", "restricted", "episodes", "visits", "sided"
        )
    )


def _case_opened(patient_name, physio, day, side="left"):
    case = CaseFactory(
        patient=PatientFactory(given_name=patient_name), assigned_physio=physio, side=side
    )
    case.opened_at = at(day, 9)
    case.save()
    return case


def test_it_sums_the_case_facts_of_a_day_into_one_row_per_group(emma_case, paula, oscar):
    _session(emma_case, paula, at(NOV_3))
    _session(emma_case, paula, at(NOV_4))
    _case_opened("Fay", paula, NOV_2, side="")  # no side: an episode, not a recurrence case
    _case_opened("Gus", oscar, NOV_2)
    refresh_aggregates()

    # day, assigned physio, restricted, episodes, attended visits, cases with a side
    assert episode_days() == sorted(
        [(NOV_2, paula.pk, False, 2, 2, 1), (NOV_2, oscar.pk, False, 1, 0, 1)],
        key=lambda row: row[1],
    )


def test_it_sums_the_durations_the_means_divide(emma_case, paula):
    intake_for(emma_case, paula)
    emma_case.intake.__class__.objects.filter(pk=emma_case.intake.pk).update(
        recorded_at=at(NOV_2, 10)
    )
    _session(emma_case, paula, at(NOV_3, 16))  # 1 day 6 hours after the intake
    # Fay: no intake, no visit, cleared: an episode and a clearance, in neither mean.
    fay = _case_opened("Fay", paula, NOV_2)
    for case in (emma_case, fay):
        ReturnToRun.objects.create(
            case=case,
            checklist="ankle_sprain",
            decision="cleared",
            decided_on=NOV_9,
            reason="PAASS met.",
            decided_by=paula,
        )
    refresh_aggregates()

    day = EpisodeDay.objects.get()
    assert (day.episodes, day.first_visits, day.cleared, day.clearances) == (2, 1, 2, 1)
    assert day.to_first_visit == dt.timedelta(days=1, hours=6)
    assert day.to_clearance == dt.timedelta(days=7)


def test_a_case_moved_to_another_day_leaves_its_old_days_row(emma_case, paula):
    refresh_aggregates()
    assert [row[0] for row in episode_days()] == [NOV_2]

    emma_case.opened_at = at(NOV_9, 9)
    emma_case.save()
    refresh_aggregates()

    assert episode_days() == [(NOV_9, paula.pk, False, 1, 0, 1)]


def test_a_deleted_case_is_no_longer_summed(emma_case, paula):
    other = _case_opened("Fay", paula, NOV_2)
    refresh_aggregates()
    assert episode_days()[0][3] == 2

    other.delete()
    refresh_aggregates()

    assert episode_days() == [(NOV_2, paula.pk, False, 1, 0, 1)]


def test_a_restricted_patients_case_moves_to_the_restricted_row(emma_case, paula, api_as, dan, ada):
    _case_opened("Fay", paula, NOV_2)
    refresh_aggregates()

    patient_restrict(patient=emma_case.patient)
    refresh_aggregates()

    assert [row[2:4] for row in episode_days()] == [(False, 1), (True, 1)]
    period = "from=2026-11-01&to=2026-11-30"
    for user, episodes in ((dan, 1), (ada, 2)):
        response = api_as(user).get(f"/api/v1/reports/episodes/?{period}")
        assert response.status_code == 200
        assert [row["episodes"] for row in response.json()["rows"]] == [episodes]


def test_an_intake_marks_its_new_case_once_and_the_refresh_folds_it_in(rita):
    from tests.triage.test_intake_api import TWISTED_ANKLE
    from triage.services.intake import intake_create

    intake = intake_create(
        recorded_by=rita, patient=PatientFactory(given_name="Emma"), questionnaire=TWISTED_ANKLE
    )

    # The case's save marks it; the intake written with it adds no second mark.
    assert list(StaleMark.objects.values_list("case_id", "day")) == [(intake.case_id, None)]
    refresh_aggregates()
    assert EpisodeFact.objects.get(case_id=intake.case_id).has_side is True


def test_an_intake_of_an_open_case_marks_that_case_once(rita, emma_case):
    from tests.triage.test_intake_api import TWISTED_ANKLE
    from triage.services.intake import intake_create

    emma_case.status = "open"
    emma_case.save()
    StaleMark.objects.all().delete()

    intake_create(
        recorded_by=rita,
        patient=emma_case.patient,
        questionnaire=TWISTED_ANKLE,
        case=emma_case,
    )

    assert list(StaleMark.objects.values_list("case_id", flat=True)) == [emma_case.pk]


def test_a_changed_intake_marks_its_case(rita):
    from tests.triage.test_intake_api import TWISTED_ANKLE
    from triage.services.intake import intake_create

    intake = intake_create(
        recorded_by=rita, patient=PatientFactory(given_name="Emma"), questionnaire=TWISTED_ANKLE
    )
    refresh_aggregates()

    intake.pain_at_rest = 2
    intake.save()

    assert list(StaleMark.objects.values_list("case_id", flat=True)) == [intake.case_id]
