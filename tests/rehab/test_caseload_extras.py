"""The caseload's adherence and latest run, read as values (rehab.selectors.caseload_extras):
each row's figures are what the programme's own rule (``programme_adherence`` over
``with_adherence``'s instances) and the case's last run in its order give."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clinic.models import Case
from rehab import selectors
from rehab.models import ExerciseProgramme, ProgrammeItem, Run
from rehab.services.programmes import exercise_log_record, programme_change
from rehab.services.runs import run_override
from tests.factories import CaseFactory, PatientFactory, programme_for, run_for, run_plan_for

pytestmark = pytest.mark.django_db


def _case(physio, name: str, *, opened_days_ago: int = 40) -> Case:
    case = CaseFactory(patient=PatientFactory(family_name=name), assigned_physio=physio)
    opened = timezone.now() - dt.timedelta(days=opened_days_ago)
    Case.objects.filter(pk=case.pk).update(opened_at=opened)
    case.refresh_from_db()
    return case


def _programme(case, physio, *, started_days_ago: int, per_week: int = 7):
    today = timezone.localdate()
    return programme_for(
        case, physio, per_week=per_week, starts_on=today - dt.timedelta(days=started_days_ago)
    )


def _log(programme, physio, days_ago: int, items) -> None:
    exercise_log_record(
        programme=programme,
        by=physio,
        date=timezone.localdate() - dt.timedelta(days=days_ago),
        completed=[item.pk for item in items],
    )


def _reference(cases) -> dict[int, dict]:
    ids = [case.pk for case in cases]
    programmes = selectors.with_adherence(
        ExerciseProgramme.objects.filter(case_id__in=ids, active=True)
    )
    adherence = {p.case_id: selectors.programme_adherence(p) for p in programmes}
    latest: dict[int, Run] = {}
    for run in Run.objects.filter(case_id__in=ids).order_by("case_id", "date", "id"):
        latest[run.case_id] = run
    return {
        pk: {
            "adherence": adherence.get(pk),
            "run_decision": latest[pk].effective_decision if pk in latest else "",
        }
        for pk in ids
    }


def test_each_rows_adherence_and_run_are_the_rules_own(paula, exercise_library):
    nothing = _case(paula, "Nothing")

    # Thirty days in: logs before the window do not count, nor ticks of an item since retired.
    long = _case(paula, "Long")
    programme = _programme(long, paula, started_days_ago=30, per_week=3)
    first, second = programme.items.order_by("id")
    _log(programme, paula, 20, [first, second])
    _log(programme, paula, 13, [first, second])
    _log(programme, paula, 3, [first])
    _log(programme, paula, 0, [second])
    ProgrammeItem.objects.filter(pk=second.pk).update(active=False)
    run_plan_for(long, paula, started_on=timezone.localdate() - dt.timedelta(days=5))
    earlier = run_for(long, paula, date=timezone.localdate() - dt.timedelta(days=1))
    run_override(run=earlier, by=paula, decision="step_back", reason="Knee sore.")
    run_for(long, paula, date=timezone.localdate() - dt.timedelta(days=2))

    # Started in the window: counted from its start.
    recent = _case(paula, "Recent")
    programme = _programme(recent, paula, started_days_ago=4)
    items = list(programme.items.order_by("id"))
    _log(programme, paula, 4, items)
    _log(programme, paula, 1, items[:1])
    run_plan_for(recent, paula)
    latest = run_for(recent, paula)
    run_override(run=latest, by=paula, decision="progress", reason="Felt fine.")

    # Started today, nothing logged yet; and a programme ended (not the row's).
    today = _case(paula, "Today")
    _programme(today, paula, started_days_ago=0)
    ended = _case(paula, "Ended")
    programme = _programme(ended, paula, started_days_ago=6)
    _log(programme, paula, 2, list(programme.items.all()))
    programme_change(programme=programme, by=paula, active=False)

    cases = [nothing, long, recent, today, ended]
    extras = selectors.caseload_extras(cases)

    assert extras == _reference(cases)
    # By hand: 3 days a week of the one active item over 14 days is 6 item-days; 2 were ticked.
    assert extras[long.pk] == {"adherence": 33, "run_decision": "step_back"}
    # Two items every day over 5 days is 10 item-days; 3 were ticked.
    assert extras[recent.pk] == {"adherence": 30, "run_decision": "progress"}
    assert extras[today.pk]["adherence"] == 0
    assert extras[nothing.pk] == {"adherence": None, "run_decision": ""}
    assert extras[ended.pk]["adherence"] is None


def test_it_reads_the_extras_in_three_queries_however_many_rows(
    paula, exercise_library, django_assert_num_queries
):
    cases = []
    for n in range(3):
        case = _case(paula, f"Row{n}")
        programme = _programme(case, paula, started_days_ago=3)
        _log(programme, paula, 1, list(programme.items.all()))
        run_plan_for(case, paula)
        run_for(case, paula)
        cases.append(case)

    with django_assert_num_queries(3):
        selectors.caseload_extras(cases[:1])
    with django_assert_num_queries(3):
        selectors.caseload_extras(cases)


def test_rows_without_a_programme_skip_the_ticks(paula, django_assert_num_queries):
    cases = [_case(paula, "Plain")]

    with django_assert_num_queries(2):
        extras = selectors.caseload_extras(cases)

    assert extras == {cases[0].pk: {"adherence": None, "run_decision": ""}}
