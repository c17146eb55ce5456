"""The base of every API FilterSet, built on django-filter's own extension points.

What every API filter shares:
- A filter on a related record (``?case=``, ``?patient=``, ``?physio=``…) takes any whole
  number a 64-bit id can be (past it, a 400 naming the filter) and filters on the id: an
  id outside the caller's reach and one that does not
  exist both give an empty page (django-filter's default, a choice among *all* records,
  answered 400 for one and 200 for the other).
- Date-time filters take ISO 8601 with a UTC offset a clock can have (±15:59 at most, as
  PostgreSQL does); beyond it, or outside the years a datetime can hold once in UTC, is a
  400 naming the filter.
- A filter of a type other than text sent empty (``?opened_before=``) is a 400 naming it
  (FilterBackend): django-filter ignores it, as an HTML form's empty field, but an API
  client that sends one has lost the value it meant.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db import models
from django_filters.fields import IsoDateTimeField as _IsoDateTimeField
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import SearchFilter

from clinic.names import is_mrn, name_key

# The range of a 64-bit id (PostgreSQL's bigint, SQLite's INTEGER): past it the database
# cannot even compare, and answers an error instead of "no such record".
ID_MIN, ID_MAX = -(2**63), 2**63 - 1

# PostgreSQL's limit on a timestamp's displacement; real zones stay within -12:00/+14:00.
MAX_UTC_OFFSET = datetime.timedelta(hours=15, minutes=59)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A related record's id: any 64-bit whole number; one out of reach matches nothing."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", ID_MIN)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class IsoDateTimeField(_IsoDateTimeField):
    """An ISO 8601 date-time with a possible UTC offset and a UTC value a datetime can hold."""

    default_error_messages = {
        "offset": "The UTC offset must be between -15:59 and +15:59.",
        "range": "This date-time is out of range.",
    }

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        offset = parsed.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise forms.ValidationError(self.error_messages["offset"], code="offset")
        try:
            parsed.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["range"], code="range") from None
        return parsed


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = IsoDateTimeField


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet with Talus's defaults: a related record's id is an IdFilter."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
    }


EMPTY_MESSAGE = "Give a value, or leave the parameter out."


def _parameters(name: str, filter_) -> list[str]:
    """The query parameters a filter reads: its name, or one per part of a range."""
    suffixes = getattr(getattr(filter_.field_class, "widget", None), "suffixes", None)
    return [f"{name}_{suffix}" for suffix in suffixes] if suffixes else [name]


def refuse_empty_values(filterset, params) -> None:
    """400 naming each non-text filter that was sent with an empty value."""
    empty = {key for key, values in params.lists() if "" in values}
    if not empty:
        return
    named = {
        parameter: [EMPTY_MESSAGE]
        for name, filter_ in filterset.filters.items()
        if not isinstance(filter_, django_filters.CharFilter)
        for parameter in _parameters(name, filter_)
        if parameter in empty
    }
    if named:
        raise ValidationError(named)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend for the API, refusing typed filters sent empty."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        refuse_empty_values(filterset, request.query_params)
        if not filterset.is_valid() and self.raise_exception:
            raise translate_validation(filterset.errors)
        return filterset.qs


class NameSearchFilter(SearchFilter):
    """``?search=`` with the names normalised as the pages search them (clinic.names): each
    term is lower-cased and stripped of accents and hyphens, so "martin" finds "Martín" and
    "MOREAU, Hugo" finds Hugo Moreau through the ``search_name`` column.

    An MRN (``T`` and eight digits) is looked up on the view's exact fields (``=mrn``) alone,
    and any other term on the name fields alone: one index each (the MRN's B-tree, the
    name's trigram), never an OR of both (EXPLAIN in docs/benchmarks.md)."""

    def get_search_fields(self, view, request):
        fields = super().get_search_fields(view, request) or []
        mrn = is_mrn(request.query_params.get(self.search_param, ""))
        return [field for field in fields if field.startswith("=") == mrn]

    def get_search_terms(self, request):
        terms = super().get_search_terms(request)
        return [word for term in terms for word in name_key(term).split()]

    def construct_search(self, field_name, queryset):
        # The column is already lower case: a plain LIKE, which its trigram index serves.
        if field_name.endswith("search_name"):
            return f"{field_name}__contains"
        return super().construct_search(field_name, queryset)
