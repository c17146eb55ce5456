"""The base of every API FilterSet: django-filter's, with its form class built once.

django-filter builds a new form class on every request: each filter makes its form field,
with a translated label, and ``type()`` makes a class of them. On a page of 50 cases that
was about a tenth of the request's time (docs/benchmarks.md). The class depends only on
the FilterSet class and the active language, unless a filter takes its queryset from the
request (a callable ``queryset``): such a FilterSet keeps django-filter's behaviour.
Each form *instance* still deep-copies its fields, as every Django form does, so no state
is shared between requests.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import get_language

_FORM_CLASSES: dict[tuple[type, str | None], type] = {}


def _per_request(filterset_class: type[django_filters.FilterSet]) -> bool:
    return any(
        callable(getattr(filter_, "queryset", None))
        for filter_ in filterset_class.base_filters.values()
    )


class FilterSet(django_filters.FilterSet):
    def get_form_class(self):
        key = (type(self), get_language())
        form_class = _FORM_CLASSES.get(key)
        if form_class is None:
            form_class = super().get_form_class()
            if not _per_request(type(self)):
                _FORM_CLASSES[key] = form_class
        return form_class
