"""Pieces shared by the rehab API."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.exceptions import NotFound

from clinic.models import Case
from clinic.selectors import cases_visible_to


class VisibleCaseField(serializers.PrimaryKeyRelatedField):
    """A case id within the caller's reach; any other id answers 404 (no existence leak)."""

    # Read by clinic.schema: an operation whose body holds this field documents a 404.
    answers_not_found = True

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Case.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return cases_visible_to(request.user) if request is not None else Case.objects.none()

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        case = self.get_queryset().filter(pk=pk).first()
        if case is None:
            raise NotFound("No such case.")
        return case
