"""Report figures kept until the aggregates change (reports.memo): the outcomes' counts read
once per query, role and generation of the aggregates; a refresh moves the generation on and
the figures with it; a doctor's figures (no restricted patient) are never an admin's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.privacy import patient_restrict
from reports import memo
from reports.models import AggregateState
from reports.tasks import refresh_aggregates
from tests.factories import CaseFactory, PatientFactory
from tests.reports.helpers import measure

pytestmark = pytest.mark.django_db

NOVEMBER = "from=2026-11-01&to=2026-11-30"


def measured(case, physio, day: int, reached: bool = True):
    return measure(case, physio, dt.datetime(2026, 11, day, 10, tzinfo=dt.UTC), reached)


def followed(client) -> list[tuple[int, int]]:
    response = client.get(f"/api/v1/reports/outcomes/?{NOVEMBER}")
    assert response.status_code == 200
    return [(r["cases"], r["reached"]) for r in response.json()["rows"]]


def fact_reads(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        followed(client)
    return sum('FROM "reports_outcomefact"' in q["sql"] for q in queries)


@pytest.fixture
def two_cases(paula):
    first, second = CaseFactory(assigned_physio=paula), CaseFactory(assigned_physio=paula)
    measured(first, paula, 3)
    measured(second, paula, 4, reached=False)
    refresh_aggregates()
    return first, second


def test_the_outcomes_are_read_once_while_the_aggregates_stay_as_they_are(two_cases, api_as, dan):
    client = api_as(dan)

    assert fact_reads(client) == 1
    assert fact_reads(client) == 0
    assert followed(client) == [(2, 1)]


def test_a_refresh_moves_the_generation_on_and_the_figures_with_it(two_cases, api_as, dan, paula):
    client = api_as(dan)
    assert followed(client) == [(2, 1)]
    before = AggregateState.objects.get().generation

    measured(CaseFactory(assigned_physio=paula), paula, 9)
    assert followed(client) == [(2, 1)]  # not folded in yet: the report is as of its refresh
    refresh_aggregates()

    assert AggregateState.objects.get().generation == before + 1
    assert followed(client) == [(3, 2)]


def test_a_doctor_never_gets_the_admins_figures_with_a_restricted_patient(
    two_cases, api_as, dan, ada, paula
):
    hidden = CaseFactory(patient=PatientFactory(), assigned_physio=paula)
    measured(hidden, paula, 5)
    patient_restrict(patient=hidden.patient)
    refresh_aggregates()

    assert followed(api_as(ada)) == [(3, 2)]  # the admin counts every patient
    assert followed(api_as(dan)) == [(2, 1)]  # the doctor, after the admin: not theirs
    assert followed(api_as(ada)) == [(3, 2)]


def test_it_keeps_at_most_its_size_dropping_the_least_recently_used(monkeypatch):
    monkeypatch.setattr(memo, "SIZE", 2)
    work = []

    def figure(name):
        return lambda: work.append(name) or name

    memo.kept("a", 1, figure("a"))
    memo.kept("b", 1, figure("b"))
    memo.kept("a", 1, figure("a"))  # kept: a is now the most recently used
    memo.kept("c", 1, figure("c"))  # drops b
    memo.kept("a", 1, figure("a"))
    memo.kept("b", 1, figure("b"))

    assert work == ["a", "b", "c", "b"]


def test_nothing_is_kept_before_the_aggregates_were_ever_built():
    work = []

    memo.kept("a", None, lambda: work.append(1))
    memo.kept("a", None, lambda: work.append(1))

    assert work == [1, 1]
