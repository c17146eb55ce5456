from django.contrib import admin

from portal.models import OutcomeRequest, PortalLink


@admin.register(PortalLink)
class PortalLinkAdmin(admin.ModelAdmin):
    """Links' state only: no token is stored, none is shown."""

    list_display = ["id", "patient", "state", "created_at", "expires_at", "failed_attempts"]
    list_filter = ["revoked_at", "locked_at"]
    raw_id_fields = ["patient", "case", "created_by", "revoked_by"]
    readonly_fields = ["created_at", "verified_at", "failed_attempts", "locked_at"]


@admin.register(OutcomeRequest)
class OutcomeRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "case", "instrument", "due_at", "status"]
    list_filter = ["status", "instrument"]
    raw_id_fields = ["case", "link", "outcome", "created_by"]
