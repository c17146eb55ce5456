"""``/api/v1/reminders/``: read the outbox of reminders, and cancel a pending one."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from clinic import roles
from clinic.api import ErrorSerializer
from clinic.exceptions import Conflict
from clinic.filters import FilterSet, IdFilter, IsoDateTimeFilter
from clinic.permissions import READ
from clinic.viewsets import TalusViewSet
from reminders.models import Reminder, ReminderKind, ReminderStatus
from reminders.selectors import reminders_visible_to
from reminders.services import actions


class ReminderSerializer(serializers.ModelSerializer):
    patient = serializers.IntegerField(source="case.patient_id", read_only=True)

    class Meta:
        model = Reminder
        fields = [
            "id",
            "case",
            "patient",
            "kind",
            "channel",
            "recipient",
            "due_at",
            "status",
            "attempts",
            "next_attempt_at",
            "last_error",
            "skip_reason",
            "sent_at",
            "subject_type",
            "subject_id",
            "event_at",
            "location",
            "idempotency_key",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReminderFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ReminderStatus.choices)
    kind = django_filters.MultipleChoiceFilter(choices=ReminderKind.choices)
    case = IdFilter(field_name="case_id")
    due_after = IsoDateTimeFilter(field_name="due_at", lookup_expr="gte")
    due_before = IsoDateTimeFilter(field_name="due_at", lookup_expr="lt")

    class Meta:
        model = Reminder
        fields = ["status", "kind", "case", "due_after", "due_before"]


# Every role reads the reminders of the cases it can see, and may cancel a pending one:
# reception (the patient rang), doctors, admins, and the physio assigned to the case.
READ_CANCEL = READ | {"cancel"}


@extend_schema(tags=["reminders"])
class ReminderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TalusViewSet):
    """Reminders (the outbox): scoped to the cases the caller may see."""

    role_actions = {
        roles.RECEPTION: READ_CANCEL,
        roles.DOCTOR: READ_CANCEL,
        roles.PHYSIO: READ_CANCEL,
        roles.ADMIN: READ_CANCEL,
    }
    serializer_class = ReminderSerializer
    filterset_class = ReminderFilter
    search_fields = ["=case__patient__mrn"]
    ordering_fields = ["id", "due_at"]
    ordering = ["-id"]

    def get_queryset(self):
        # select_related: the serializer and the audit trail read case.patient_id.
        return reminders_visible_to(self.request.user).select_related("case")

    @extend_schema(
        request=None,
        responses={
            200: ReminderSerializer,
            409: OpenApiResponse(ErrorSerializer, "The reminder is no longer pending."),
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a pending reminder; anything else answers 409 and changes nothing."""
        reminder = self.get_object()
        try:
            reminder = actions.reminder_cancel(reminder=reminder)
        except actions.ReminderNotPending:
            raise Conflict(
                f"Only a pending reminder can be cancelled; this one is {reminder.status}.",
                code="not_pending",
            ) from None
        return Response(self.get_serializer(reminder).data)
