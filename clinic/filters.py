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
"""

from __future__ import annotations

import copy

import django_filters
from django.utils.translation import get_language
from django_filters.filters import FilterMethod

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
