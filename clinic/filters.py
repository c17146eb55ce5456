"""The base of every API FilterSet: django-filter's, with less rebuilt on every request.

django-filter builds a new form class on every request (each filter makes its form field,
with a translated label) and deep-copies every filter, then Django deep-copies every form
field: together the largest Python cost of a page of 50 cases (docs/benchmarks.md).

Here the form class is built once per FilterSet class and language, unless a filter takes
its queryset from the request (a callable ``queryset``: that FilterSet keeps
django-filter's behaviour). The per-request copies of filters and form fields are
shallow, each filter with its own ``extra`` (the one container django-filter fills in
place) and a ``method`` filter rebound to its copy. Nothing in a request mutates the
shared parts: querysets are cloned by every use, choices are only read, errors live on
the form.

What every API filter shares:
- A filter on a related record (``?case=``, ``?patient=``, ``?physio=``…) takes any whole
  number and filters on the id: an id outside the caller's reach and one that does not
  exist both give an empty page (django-filter's default, a choice among *all* records,
  answered 400 for one and 200 for the other).
- Date-time filters take ISO 8601 with a UTC offset a clock can have (±15:59 at most, as
  PostgreSQL does); beyond it, or outside the years a datetime can hold once in UTC, is a
  400 naming the filter.
"""

from __future__ import annotations

import copy
import datetime

import django_filters
from django import forms
from django.db import models
from django.utils.translation import get_language
from django_filters.fields import IsoDateTimeField as _IsoDateTimeField
from django_filters.filters import FilterMethod
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

# PostgreSQL's limit on a timestamp's displacement; real zones stay within -12:00/+14:00.
MAX_UTC_OFFSET = datetime.timedelta(hours=15, minutes=59)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A related record's id: any whole number; one out of reach matches nothing."""

    field_class = forms.IntegerField


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


_FORM_CLASSES: dict[tuple[type, str | None], type] = {}


def _per_request(filterset_class: type[django_filters.FilterSet]) -> bool:
    return any(
        callable(getattr(filter_, "queryset", None))
        for filter_ in filterset_class.base_filters.values()
    )


def _copy_filter(filter_):
    new = copy.copy(filter_)
    new.extra = dict(filter_.extra)
    if isinstance(filter_.__dict__.get("filter"), FilterMethod):
        new.method = filter_.method  # a FilterMethod bound to the copy, not the original
    return new


class _Filters(dict):
    """A FilterSet's base filters; django-filter deep-copies them for every request."""

    def __deepcopy__(self, memo):
        return {name: _copy_filter(filter_) for name, filter_ in self.items()}


class _Fields(dict):
    """A cached form class's base fields; Django's forms deep-copy them for every form."""

    def __deepcopy__(self, memo):
        return {name: copy.copy(field) for name, field in self.items()}


class FilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
    }

    @classmethod
    def get_filters(cls):
        return _Filters(super().get_filters())

    def get_form_class(self):
        key = (type(self), get_language())
        form_class = _FORM_CLASSES.get(key)
        if form_class is None:
            form_class = super().get_form_class()
            if not _per_request(type(self)):
                form_class.base_fields = _Fields(form_class.base_fields)
                _FORM_CLASSES[key] = form_class
        return form_class
