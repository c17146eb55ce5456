"""Django admin for reminders: find, retry and cancel. Rows are written by services only."""

from __future__ import annotations

from django.contrib import admin, messages

from clinic import audit
from clinic.admin import AuditedAdminMixin
from clinic.models import AuditAction
from reminders.models import Reminder
from reminders.services import actions


@admin.register(Reminder)
class ReminderAdmin(AuditedAdminMixin, admin.ModelAdmin):
    # Each row names the patient (its case) and where and when their session is.
    list_display = [
        "id",
        "kind",
        "case",
        "channel",
        "due_at",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "kind", "channel", ("due_at", admin.DateFieldListFilter)]
    search_fields = ["=case__patient__mrn", "=idempotency_key"]
    list_select_related = ["case__patient"]
    date_hierarchy = "due_at"
    ordering = ["-due_at", "-id"]
    actions = ["retry", "cancel"]
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request) -> bool:
        # A reminder belongs to an event (a session, a referral, a discharge).
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Viewable, never edited in place: the actions below go through the services.
        return request.method in ("GET", "HEAD") and super().has_view_permission(request, obj)

    @admin.action(description="Retry (failed, skipped or cancelled → pending)")
    def retry(self, request, queryset):
        audit.touch_many(request, queryset, AuditAction.UPDATE)
        done = sum(actions.reminder_retry(reminder=reminder) for reminder in queryset)
        skipped = queryset.count() - done
        self.message_user(request, f"{done} reminder(s) queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} reminder(s) were pending or sent: left as they were."
            )

    @admin.action(description="Cancel (pending → cancelled)")
    def cancel(self, request, queryset):
        audit.touch_many(request, queryset, AuditAction.UPDATE)
        done = 0
        for reminder in queryset:
            try:
                actions.reminder_cancel(reminder=reminder)
                done += 1
            except actions.ReminderNotPending:
                continue
        self.message_user(request, f"{done} reminder(s) cancelled.", messages.SUCCESS)
        if done < len(queryset):
            self.message_user(
                request, f"{len(queryset) - done} reminder(s) were not pending: left as they were."
            )
