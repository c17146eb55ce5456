"""``AnyOf``: the rows ``__in`` finds, the values sent as one parameter (clinic/lookups.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from clinic.lookups import AnyOf
from clinic.models import Case
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_it_finds_the_rows_whose_column_is_one_of_the_values():
    first, second, _other = CaseFactory(), CaseFactory(), CaseFactory()
    wanted = [first.pk, second.pk, 10**12]  # an id no row has, past a 32-bit integer

    found = Case.objects.filter(AnyOf(F("pk"), wanted))

    assert set(found.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert set(found) == set(Case.objects.filter(pk__in=wanted))


def test_it_follows_a_relation_and_takes_any_iterable():
    case = CaseFactory()
    CaseFactory()

    found = Case.objects.filter(AnyOf(F("patient_id"), {case.patient_id}))

    assert list(found) == [case]


def test_no_values_find_no_rows():
    CaseFactory()

    assert list(Case.objects.filter(AnyOf(F("pk"), []))) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array form is PostgreSQL's")
def test_the_values_travel_as_one_array_parameter():
    cases = [CaseFactory() for _ in range(3)]

    with CaptureQueriesContext(connection) as queries:
        list(Case.objects.filter(AnyOf(F("pk"), [c.pk for c in cases])))

    (query,) = queries.captured_queries
    assert '"clinic_case"."id" = ANY(' in query["sql"]
    assert " IN (" not in query["sql"]
