"""clinic.filters.FilterSet: django-filter's FilterSet with Talus's defaults, nothing patched."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from clinic.api import CaseFilter
from clinic.filters import FilterSet, IdFilter
from clinic.models import Case
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_it_filters_on_a_choice():
    opened = CaseFactory(status="open")
    CaseFactory(status="closed")
    filterset = CaseFilter(QueryDict("status=open"), queryset=Case.objects.all())
    assert list(filterset.qs) == [opened]


def test_it_makes_a_related_record_an_id_filter_that_matches_nothing_when_unknown():
    CaseFactory()
    assert isinstance(CaseFilter.base_filters["patient"], IdFilter)
    filterset = CaseFilter(QueryDict("patient=999999"), queryset=Case.objects.all())
    assert filterset.is_valid()
    assert list(filterset.qs) == []


def test_it_keeps_an_invalid_request_to_itself():
    bad = CaseFilter(QueryDict("status=nonsense"), queryset=Case.objects.all())
    assert not bad.is_valid()
    assert list(bad.errors) == ["status"]
    good = CaseFilter(QueryDict("status=open"), queryset=Case.objects.all())
    assert good.is_valid()


def test_it_is_django_filters_own_filterset_class():
    # No per-request copying or form-class caching of our own (docs/benchmarks.md, "Fast paths").
    assert "get_form_class" not in vars(FilterSet)
    assert "get_filters" not in vars(FilterSet)
