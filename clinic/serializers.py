"""The base of every API serializer that reads input: JSON values of the type the schema says.

DRF converts loosely: a CharField takes ``0`` as ``"0"``, an IntegerField ``"5"`` and
``5.0``, a BooleanField ``1``, ``"yes"`` and ``"on"``, a related field ``"12"``. The schema
(and every client generated from it) says string, integer, boolean; a value of another type
is a client's bug, answered with a 400 naming the field rather than guessed at.

Only what the JSON type decides is checked here; ranges, formats and choices stay the
fields' own. A form body (the token endpoint's) carries only strings, which is what its
fields take.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import relations, serializers

MESSAGES = {
    bool: "Must be true or false.",
    int: "Must be a whole number.",
    "number": "Must be a number.",
    str: "Must be a string.",
    "id": "Must be an id (a whole number).",
}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def json_type_error(field: serializers.Field, value: Any) -> str | None:
    """The message for a value whose JSON type the field does not take; None if it does."""
    if value is None:
        return None  # allow_null is the field's to judge
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else MESSAGES[bool]
    if isinstance(field, serializers.MultipleChoiceField):
        return None
    if isinstance(field, serializers.ChoiceField):
        all_text = all(isinstance(key, str) for key in field.choices)
        return MESSAGES[str] if all_text and not isinstance(value, str) else None
    if isinstance(field, serializers.IntegerField):
        return None if _is_int(value) else MESSAGES[int]
    if isinstance(field, serializers.DecimalField | serializers.FloatField):
        number = _is_int(value) or isinstance(value, float | Decimal)
        return None if number else MESSAGES["number"]
    if isinstance(field, serializers.CharField | serializers.DateField | serializers.DateTimeField):
        return None if isinstance(value, str) else MESSAGES[str]
    if isinstance(field, relations.PrimaryKeyRelatedField):
        return None if _is_int(value) else MESSAGES["id"]
    if isinstance(field, relations.SlugRelatedField):
        return None if isinstance(value, str) else MESSAGES[str]
    return None


class JSONTypesMixin:
    """Refuses, field by field, a value whose JSON type is not the field's (see above)."""

    def to_internal_value(self, data):
        if hasattr(data, "get"):
            errors = {}
            for name, field in self.fields.items():
                if field.read_only or name not in data:
                    continue
                message = json_type_error(field, data.get(name))
                if message is not None:
                    errors[name] = [message]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class Serializer(JSONTypesMixin, serializers.Serializer):
    """An input serializer of the API."""


class ModelSerializer(JSONTypesMixin, serializers.ModelSerializer):
    """An input model serializer of the API."""

    # The fields given when a record is made that never change after (an exam's case, a
    # case's patient): read-only once the serializer holds a record.
    fixed_once_created: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            for name in self.fixed_once_created:
                fields[name].read_only = True
        return fields


def datetime_json(value, zone) -> str | None:
    """A datetime as DRF's DateTimeField writes it: in the clinic's zone, ISO 8601, Z for UTC.

    For the representations written without field objects (``clinic.api.case_json``, the
    timeline): DRF looks the current zone up for every value, a page of 50 cases has 150.
    Tests hold both to DRF's output (tests/clinic/test_cases_api.py, tests/triage/test_timeline.py).
    """
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
