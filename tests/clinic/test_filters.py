"""clinic.filters.FilterSet: the form class is built once, the forms stay per request."""

from __future__ import annotations

import django_filters
import pytest
from django.http import QueryDict

from clinic.api import CaseFilter
from clinic.filters import FilterSet
from clinic.models import Case, Patient
from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db


def test_form_class_is_built_once_per_filterset_class():
    first = CaseFilter(QueryDict("status=open"), queryset=Case.objects.all())
    second = CaseFilter(QueryDict("status=closed"), queryset=Case.objects.all())
    assert first.get_form_class() is second.get_form_class()
    # Each request still validates its own data in its own form.
    assert first.form is not second.form
    assert first.form.is_valid() and second.form.is_valid()
    assert first.form.cleaned_data["status"] == ["open"]
    assert second.form.cleaned_data["status"] == ["closed"]


def test_an_invalid_request_does_not_leak_its_errors_into_the_next():
    bad = CaseFilter(QueryDict("status=nonsense"), queryset=Case.objects.all())
    assert not bad.form.is_valid()
    assert "status" in bad.form.errors
    good = CaseFilter(QueryDict("status=open"), queryset=Case.objects.all())
    assert good.form.is_valid(), good.form.errors


def test_filtering_still_filters():
    opened = CaseFactory(status="open")
    CaseFactory(status="closed")
    filterset = CaseFilter(QueryDict("status=open"), queryset=Case.objects.all())
    assert list(filterset.qs) == [opened]


class _PerRequestFilter(FilterSet):
    """A filter whose choices depend on the request: never cached."""

    patient = django_filters.ModelChoiceFilter(
        queryset=lambda request: Patient.objects.filter(family_name=request.family)
    )

    class Meta:
        model = Case
        fields = ["patient"]


class _Request:
    def __init__(self, family):
        self.family = family


def test_a_filter_with_a_per_request_queryset_gets_a_fresh_form_each_time():
    smith = PatientFactory(family_name="Smith")
    case = CaseFactory(patient=smith)
    data = QueryDict(f"patient={smith.pk}")
    as_smiths = _PerRequestFilter(data, queryset=Case.objects.all(), request=_Request("Smith"))
    as_jones = _PerRequestFilter(data, queryset=Case.objects.all(), request=_Request("Jones"))
    assert as_smiths.get_form_class() is not as_jones.get_form_class()
    assert list(as_smiths.qs) == [case]
    # For the second request Smith is not a choice: the form refuses it.
    assert not as_jones.form.is_valid()
    assert "patient" in as_jones.form.errors


class _MethodFilter(FilterSet):
    """A ``method`` filter resolves its method on the FilterSet of its own request."""

    side = django_filters.CharFilter(method="by_side")

    class Meta:
        model = Case
        fields = ["side"]

    def by_side(self, queryset, name, value):
        self.seen = value
        return queryset.filter(side=value)


def test_a_method_filter_runs_on_its_own_filterset():
    left = CaseFactory(side="left")
    CaseFactory(side="right")
    first = _MethodFilter(QueryDict("side=left"), queryset=Case.objects.all())
    second = _MethodFilter(QueryDict("side=right"), queryset=Case.objects.all())
    assert list(first.qs) == [left]
    assert first.seen == "left" and not hasattr(second, "seen")
    assert first.filters["side"].filter.f is first.filters["side"]
    assert not hasattr(_MethodFilter.base_filters["side"], "parent")


def test_requests_share_no_filter_or_field_state():
    first = CaseFilter(QueryDict("status=open"), queryset=Case.objects.all())
    second = CaseFilter(QueryDict("status=open"), queryset=Case.objects.all())
    assert first.filters["status"] is not second.filters["status"]
    assert first.filters["status"].extra is not second.filters["status"].extra
    assert first.filters["status"].parent is first
    assert first.form.fields["status"] is not second.form.fields["status"]
    first.form.fields["status"].label = "changed for this request only"
    assert second.form.fields["status"].label != "changed for this request only"
