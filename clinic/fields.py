"""Serializer fields for a record named in a request body by its id, looked up within reach.

``ScopedRecordField`` looks the id up in a scoping selector's queryset for the caller
(``clinic.selectors.cases_visible_to``, an app's ``examinations_visible_to``…): an id outside
it answers 404, exactly as an id that does not exist, in every app (no existence leak).
``VisibleCaseField`` is the case named in a body; its ``scope`` narrows it where a record
needs more than seeing the case (a clinical record: ``clinical_cases_visible_to``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from rest_framework import serializers

from clinic import errors
from clinic.models import Case
from clinic.selectors import cases_visible_to

Scope = Callable[[Any], QuerySet]


class ScopedRecordField(serializers.PrimaryKeyRelatedField):
    """An id of a ``model`` record within ``scope(user)``; any other id answers 404."""

    # Read by clinic.schema: an operation whose body holds this field documents a 404.
    answers_not_found = True

    def __init__(self, *, model: type[Model], scope: Scope, not_found: str, **kwargs) -> None:
        self.scope = scope
        self.not_found = not_found
        kwargs.setdefault("queryset", model._default_manager.all())
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        if request is None:
            return self.queryset.none()
        return self.scope(request.user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        record = self.get_queryset().filter(pk=pk).first()
        if record is None:
            raise errors.NotFound(self.not_found)
        return record


class VisibleCaseField(ScopedRecordField):
    """A case id within the caller's reach (``scope``: cases_visible_to unless narrowed)."""

    def __init__(self, *, scope: Scope = cases_visible_to, **kwargs) -> None:
        super().__init__(model=Case, scope=scope, not_found="No such case.", **kwargs)
