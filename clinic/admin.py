"""Django admin for the clinic core: patients, cases and the (read-only) audit trail."""

import csv

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from clinic import audit, privacy, services
from clinic.forms import CaseAdminForm, PatientAdminForm
from clinic.models import AuditAction, AuditEvent, Case, Patient


class AuditedAdminMixin:
    """Admin pages read and write patient data too: audit every record a page shows.

    The change page (and its POST), each row of a changelist page, and the record whose
    history is shown (simple-history's history page and one past version of it read the
    record without ``get_object``).
    """

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # A POST to a change page changes the record (never creates it).
            action = AuditAction.VIEW if request.method in ("GET", "HEAD") else AuditAction.UPDATE
            audit.touch(request, obj, action)
        return obj

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            audit.touch_many(request, changelist.result_list, AuditAction.VIEW)
        return response

    def history_view(self, request, object_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        return super().history_form_view(request, object_id, version_id, extra_context)


class ClinicalHistoryAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    """Audited, with the record's change history (who changed what, when) one click away."""


class ReadOnlyAdminMixin:
    """Viewable by admins, never added, changed or deleted here: such records are written only
    through their services (which keep the rules), or never (the audit trail)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyHistoryAdmin(ReadOnlyAdminMixin, ClinicalHistoryAdmin):
    """A clinical record read in admin, with its change history, and written elsewhere."""


ACCESS_REPORT_COLUMNS = [
    "at",
    "actor",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "patient_mrn",
    "ip",
    "request_id",
]


def access_report_csv(request, patients) -> HttpResponse:
    """The access report of some patients as CSV; itself audited as an export of each."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="access-report-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(ACCESS_REPORT_COLUMNS)
    for patient in patients:
        for event in privacy.patient_access_report(patient=patient):
            writer.writerow(
                [
                    event.at.isoformat(),
                    event.actor.get_username() if event.actor else "",
                    event.actor_role,
                    event.action,
                    event.object_type,
                    event.object_id,
                    patient.pk,
                    patient.mrn,
                    event.ip or "",
                    event.request_id,
                ]
            )
        audit.touch(request, patient, AuditAction.EXPORT)
    return response


class CaseInline(admin.TabularInline):
    model = Case
    extra = 0
    fields = ["side", "status", "urgency", "assigned_physio", "opened_at", "discharged_at"]
    readonly_fields = ["status", "urgency", "opened_at", "discharged_at"]
    show_change_link = True


@admin.register(Patient)
class PatientAdmin(ClinicalHistoryAdmin):
    form = PatientAdminForm
    list_display = [
        "mrn",
        "family_name",
        "given_name",
        "date_of_birth",
        "preferred_channel",
        "reminder_consent",
        "restricted",
        "created_at",
    ]
    list_filter = ["sex", "preferred_channel", "reminder_consent", "restricted"]
    search_fields = ["=mrn", "family_name", "given_name", "email", "phone"]
    readonly_fields = [
        "mrn",
        "reminder_consent_at",
        "restricted",
        "restricted_at",
        "anonymised_at",
        "access_history",
        "created_at",
        "updated_at",
    ]
    date_hierarchy = "created_at"
    inlines = [CaseInline]
    actions = [
        "export_access_report",
        "restrict_processing",
        "lift_restriction",
        "anonymise_after_retention",
    ]

    @admin.display(description="Access history")
    def access_history(self, obj):
        if obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">Who looked at or changed this record</a> · <a href="{}">CSV</a>',
            reverse("admin:clinic_patient_access", args=[obj.pk]),
            reverse("admin:clinic_patient_access_csv", args=[obj.pk]),
        )

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/access/",
                self.admin_site.admin_view(self.access_view),
                name="clinic_patient_access",
            ),
            path(
                "<path:object_id>/access.csv",
                self.admin_site.admin_view(self.access_csv_view),
                name="clinic_patient_access_csv",
            ),
        ]
        return own + super().get_urls()

    def _patient_for_report(self, request, object_id) -> Patient:
        patient = get_object_or_404(Patient, pk=object_id)
        if not self.has_view_permission(request, patient):
            raise PermissionDenied
        return patient

    def access_view(self, request, object_id):
        """Who looked at or changed this patient's record, and when (newest first)."""
        patient = self._patient_for_report(request, object_id)
        events = list(privacy.patient_access_report(patient=patient)[:500])
        audit.touch(request, patient)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": patient,
            "title": f"Access history: {patient}",
            "events": events,
        }
        return TemplateResponse(request, "admin/clinic/patient/access_history.html", context)

    def access_csv_view(self, request, object_id):
        """The patient's access report as CSV (audited as an export)."""
        return access_report_csv(request, [self._patient_for_report(request, object_id)])

    @admin.action(description="Export the access report (CSV) of the selected patients")
    def export_access_report(self, request, queryset):
        return access_report_csv(request, list(queryset.order_by("pk")))

    @admin.action(description="Restrict processing of the selected patients")
    def restrict_processing(self, request, queryset):
        for patient in queryset:
            audit.touch(request, privacy.patient_restrict(patient=patient), AuditAction.UPDATE)
        self.message_user(request, "Processing restricted: hidden from every role but admin.")

    @admin.action(description="Lift the restriction of processing")
    def lift_restriction(self, request, queryset):
        for patient in queryset:
            patient = privacy.patient_lift_restriction(patient=patient)
            audit.touch(request, patient, AuditAction.UPDATE)
        self.message_user(request, "Restriction lifted.")

    @admin.action(description="Anonymise (only once the retention period has passed)")
    def anonymise_after_retention(self, request, queryset):
        done = 0
        for patient in queryset:
            try:
                privacy.patient_anonymise(patient=patient)
            except privacy.RetentionNotOver as exc:
                self.message_user(request, f"{patient.mrn}: {exc}", messages.ERROR)
            else:
                audit.touch(request, patient, AuditAction.UPDATE)
                done += 1
        if done:
            self.message_user(request, f"{done} patient(s) anonymised.")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.mrn is None:
            # Same rule as the service: the MRN derives from the never-reused id.
            obj.mrn = services.mrn_for(obj.pk)
            obj.save(update_fields=["mrn"])


@admin.register(Case)
class CaseAdmin(ClinicalHistoryAdmin):
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
    form = CaseAdminForm


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
