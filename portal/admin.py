from django.contrib import admin

from clinic.admin import AuditedAdminMixin, ReadOnlyAdminMixin
from portal.models import IntakeInvitation, OutcomeRequest, PortalLink


@admin.register(PortalLink)
class PortalLinkAdmin(ReadOnlyAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Links' state only: no token is stored, none is shown; revoke through the API."""

    list_display = ["id", "patient", "state", "created_at", "expires_at", "failed_attempts"]
    list_filter = ["revoked_at", "locked_at"]
    raw_id_fields = ["patient", "case", "created_by", "revoked_by"]
    readonly_fields = ["created_at", "verified_at", "failed_attempts", "locked_at"]


@admin.register(OutcomeRequest)
class OutcomeRequestAdmin(ReadOnlyAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Written through the services (schedule, send, answer, expire): read here."""

    list_display = ["id", "case", "instrument", "due_at", "status"]
    list_filter = ["status", "instrument"]
    raw_id_fields = ["case", "link", "outcome", "created_by"]


@admin.register(IntakeInvitation)
class IntakeInvitationAdmin(ReadOnlyAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["id", "patient", "status", "created_at", "answered_at"]
    list_filter = ["status"]
    raw_id_fields = ["patient", "case", "link", "created_by", "confirmed_by"]
