"""The API's OpenAPI schema says what the API answers, for every operation, in one place.

drf-spectacular documents each view's success; this AutoSchema adds what the shared
machinery answers around it, read from the view rather than declared per view:

- the error responses, each with the JSON error shape (clinic.exceptions): 400 (field errors
  or ``detail``/``code``), 401, 403 and 429 everywhere (any request may be malformed, carry a
  bad token, come from a role without the right, or be throttled); 404 where a record is looked
  up (a path id, a list's cursor, a body field that answers 404 for a record out of reach);
  409 for the actions a viewset names in ``conflict_actions``; 413 and 415 for a body;
  412 and 428 for writes that need an ETag (clinic.concurrency.ETagMixin);
- ``Location`` on a create's 201 (clinic.viewsets.TalusViewSet);
- the ETag headers: ``ETag`` on a detail's 200, ``If-None-Match`` (and its 304) on a
  retrieve, ``If-Match`` required on PUT and PATCH;
- an update's request without the fields the serializer makes read-only once a record exists
  (``case`` of an exam, ``patient`` of a case…): its own component, ``…UpdateRequest``.

Responses a view declares itself (a 409 with ``match``, say) are kept as declared; one
declared with a description only gets the error shape.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from clinic.concurrency import ETagMixin
from clinic.viewsets import TalusViewSet

ERRORS: dict[int, str] = {
    400: (
        'Bad input. Field errors (`{"field": ["message"]}`, nested like the body) or, for a '
        'malformed body or query string, `{"detail", "code"}`.'
    ),
    401: "No valid credentials: the token is missing, unknown or expired.",
    403: "The caller's role may not do this (or a session request lacks its CSRF token).",
    404: "No such record within the caller's reach (or an invalid cursor).",
    409: "This conflicts with the record's current state; nothing was changed.",
    412: "The record changed since the ETag sent in If-Match: read it again.",
    413: "The request body is larger than the server accepts.",
    415: "The request body is not JSON.",
    428: "PUT and PATCH need the record's ETag in If-Match.",
    429: "Too many requests (or too many failed logins): wait Retry-After seconds.",
}
ALWAYS = (400, 401, 403, 429)
WRITES = ("POST", "PUT", "PATCH")

# The field-error shape of a 400: every key a field (or non_field_errors), every value its
# messages, or the nested errors of an object or list.
FIELD_ERRORS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {
        "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]
    },
}


def answers_not_found(serializer) -> bool:
    """Whether a body field of this serializer answers 404 for a record out of reach."""
    serializer = force_instance(serializer)
    if not isinstance(serializer, serializers.Serializer):
        return False
    for field in serializer.fields.values():
        if field.read_only:
            continue
        if getattr(field, "answers_not_found", False):
            return True
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        if isinstance(field, serializers.Serializer) and answers_not_found(field):
            return True
    return False


def writable_fields(serializer) -> set[str]:
    return {name for name, field in serializer.fields.items() if not field.read_only}


class AutoSchema(SpectacularAutoSchema):
    def _uses_etag(self) -> bool:
        return isinstance(self.view, ETagMixin)

    def _has_body(self) -> bool:
        return self.method in WRITES and self.get_request_serializer() is not None

    def _error_codes(self) -> list[int]:
        codes = set(ALWAYS)
        paginated = self._is_list_view() and self._get_paginator() is not None
        body = self.get_request_serializer() if self.method in WRITES else None
        if "{" in self.path or paginated or answers_not_found(body):
            codes.add(404)
        if getattr(self.view, "action", None) in getattr(self.view, "conflict_actions", ()):
            codes.add(409)
        if self._has_body():
            codes.update((413, 415))
        if self._uses_etag() and self.method in ("PUT", "PATCH"):
            codes.update((412, 428))
        return sorted(codes)

    def _error_response(self, code: int, direction: str) -> dict:
        from clinic.api import ErrorSerializer  # clinic.api's views use this schema class

        if code != 400:
            return self._get_response_for_code(
                OpenApiResponse(ErrorSerializer, ERRORS[code]), str(code), direction=direction
            )
        error = self.resolve_serializer(ErrorSerializer, direction)
        component = ResolvedComponent(
            name="ValidationError",
            type=ResolvedComponent.SCHEMA,
            object="ValidationError",
            schema={"anyOf": [error.ref, FIELD_ERRORS]},
        )
        self.registry.register_on_missing(component)
        return self._get_response_for_code(component.ref, "400", direction=direction) | {
            "description": ERRORS[400]
        }

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self._uses_etag() and getattr(self.view, "action", None) == "retrieve":
            responses.setdefault(
                "304", {"description": "Not modified: If-None-Match named the current ETag."}
            )
        for code in self._error_codes():
            declared = responses.get(str(code))
            if declared is None:
                responses[str(code)] = self._error_response(code, direction)
            elif "content" not in declared:
                # A view's own description of the error, with the shape it answers.
                responses[str(code)] = self._error_response(code, direction) | declared
        return dict(sorted(responses.items()))

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if getattr(self.view, "action", None) == "create" and isinstance(self.view, TalusViewSet):
            parameters.append(
                OpenApiParameter(
                    "Location",
                    # A path relative to the server (RFC 3986 "uri-reference").
                    {"type": "string", "format": "uri-reference"},
                    OpenApiParameter.HEADER,
                    response=[201],
                    required=True,
                    description="The new record's path, e.g. /api/v1/patients/6/.",
                )
            )
        if self._uses_etag() and "{" in self.path:
            if self.method in ("PUT", "PATCH"):
                parameters.append(
                    OpenApiParameter(
                        "If-Match",
                        OpenApiTypes.STR,
                        OpenApiParameter.HEADER,
                        required=True,
                        description="The ETag of the version this change was made from.",
                    )
                )
            if getattr(self.view, "action", None) == "retrieve":
                parameters.append(
                    OpenApiParameter(
                        "If-None-Match",
                        OpenApiTypes.STR,
                        OpenApiParameter.HEADER,
                        description="An ETag already held: 304 if it is still current.",
                    )
                )
            # Every detail operation reads its record through ETagMixin.get_object.
            parameters.append(
                OpenApiParameter(
                    "ETag",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    response=[200],
                    required=True,
                    description="The record's version, for If-Match.",
                )
            )
        return parameters

    def get_request_serializer(self):
        """On PUT and PATCH, the serializer as it is for an existing record (its read-only
        fields read-only) when that differs from the one for a new record."""
        serializer = super().get_request_serializer()
        if self.method not in ("PUT", "PATCH"):
            return serializer
        serializer = force_instance(serializer)
        if not isinstance(serializer, serializers.ModelSerializer) or serializer.instance:
            return serializer
        update = type(serializer)(instance=serializer.Meta.model(), context=serializer.context)
        if writable_fields(update) == writable_fields(serializer):
            return serializer
        update._for_update = True
        return update

    def get_serializer_name(self, serializer, direction):
        name = super().get_serializer_name(serializer, direction)
        if getattr(serializer, "_for_update", False):
            return name.removesuffix("Serializer") + "UpdateSerializer"
        return name


class TokenScheme(KnoxTokenScheme):
    """``Authorization: Token …`` for our knox subclass (the contrib one matches knox's only)."""

    target_class = "clinic.security.tokens.TokenAuthentication"
    name = "tokenAuth"
