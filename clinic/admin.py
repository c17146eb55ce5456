"""Django admin for the clinic core: patients, cases and the (read-only) audit trail."""

from django.contrib import admin

from clinic import services
from clinic.models import AuditEvent, Case, Patient


class CaseInline(admin.TabularInline):
    model = Case
    extra = 0
    fields = ["side", "status", "urgency", "assigned_physio", "opened_at", "discharged_at"]
    readonly_fields = ["status", "urgency", "opened_at", "discharged_at"]
    show_change_link = True


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = [
        "mrn",
        "family_name",
        "given_name",
        "date_of_birth",
        "preferred_channel",
        "reminder_consent",
        "created_at",
    ]
    list_filter = ["sex", "preferred_channel", "reminder_consent"]
    search_fields = ["=mrn", "family_name", "given_name", "email", "phone"]
    readonly_fields = ["mrn", "reminder_consent_at", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [CaseInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.mrn is None:
            # Same rule as the service: the MRN derives from the never-reused id.
            obj.mrn = services.mrn_for(obj.pk)
            obj.save(update_fields=["mrn"])


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "patient",
        "side",
        "status",
        "urgency",
        "assigned_physio",
        "opened_at",
        "discharged_at",
    ]
    list_filter = ["status", "urgency", "side", "assigned_physio"]
    search_fields = ["=patient__mrn", "patient__family_name", "patient__given_name"]
    list_select_related = ["patient", "assigned_physio"]
    raw_id_fields = ["patient"]
    date_hierarchy = "opened_at"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "actor",
        "actor_role",
        "action",
        "object_type",
        "object_id",
        "patient",
        "ip",
        "request_id",
    ]
    list_filter = ["action", "actor_role", "object_type", "at"]
    search_fields = ["=patient__mrn", "=object_id", "=request_id", "actor__username"]
    list_select_related = ["actor", "patient"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
