"""Shared base for every Talus API viewset: scoped, role-checked and audited."""

from __future__ import annotations

from rest_framework import viewsets

from clinic import audit
from clinic.models import AuditAction


class AuditedViewSetMixin:
    """Records an audit event for every record a successful request reads or writes.

    Works for the standard actions and for any custom action that fetches its
    record with ``get_object()``: no per-view code.
    """

    def _audit_action(self) -> str:
        method = self.request.method
        if method in ("GET", "HEAD", "OPTIONS"):
            return AuditAction.VIEW
        if method == "DELETE":
            return AuditAction.DELETE
        if method == "POST" and not self.detail:
            return AuditAction.CREATE
        return AuditAction.UPDATE

    def get_object(self):
        obj = super().get_object()
        audit.touch(self.request, obj, self._audit_action())
        return obj

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page and isinstance(page[0], dict):
            # A list that reads values() dicts rather than instances (CaseViewSet.list).
            audit.touch_rows(self.request, queryset.model, page, AuditAction.VIEW)
        elif page is not None:
            audit.touch_many(self.request, page, AuditAction.VIEW)
        return page

    def audit_created(self, obj) -> None:
        """Record a record created by a service (call from perform_create)."""
        audit.touch(self.request, obj, AuditAction.CREATE)


class TalusViewSet(AuditedViewSetMixin, viewsets.GenericViewSet):
    """Base viewset: subclasses set ``role_actions`` and a scoped ``get_queryset``."""

    role_actions: dict[str, frozenset[str]] = {}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            response.status_code == 201
            and getattr(self, "action", None) == "create"
            and isinstance(response.data, dict)
            and "id" in response.data
        ):
            # Where the new record lives (RFC 9110): clients, and the fuzzer's stateful
            # phase, follow it rather than guess the address.
            # A path, not an absolute URL: the same behind any proxy or host name.
            response["Location"] = self.reverse_action(
                "detail", kwargs={"pk": response.data["id"]}, request=None
            )
        # The events are written here, inside the request's transaction (ATOMIC_REQUESTS),
        # rather than by AuditMiddleware after its commit: a write and the record of it
        # commit together or not at all, and a creating POST flushes the WAL once, not twice.
        # The same rule as the middleware's (successes only); it finds nothing left to write.
        audit.flush(request._request, response)
        return response
