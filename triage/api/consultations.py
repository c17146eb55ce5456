"""``/api/v1/consultations/``: doctors' appointments, booked in the diary.

Reception and doctors book (``POST``), move (``PATCH`` ``scheduled_at``, ``duration_minutes``,
``doctor``, ``room``) and cancel (``PATCH`` ``status: cancelled``); a doctor records one as
``attended`` (with ``notes``, clinical) or ``no_show``. Reception's serializer has no ``notes``.
The time obeys the diary's booking rule (``diary.services``): 409 ``outside_availability``,
``practitioner_busy`` or ``room_busy`` (with ``clash``), 400 for a time in the past; 409
``patient_busy`` when the patient is booked elsewhere then, unless ``allow_patient_clash``.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from clinic import bounds, roles
from clinic import serializers as api_serializers
from clinic.concurrency import ETagMixin
from clinic.fields import VisibleCaseField
from clinic.filters import FilterSet
from clinic.idempotency import idempotent
from clinic.permissions import READ, READ_WRITE
from clinic.selectors import doctors
from clinic.viewsets import TalusViewSet
from diary.api import allow_patient_clash_field
from diary.models import BOOKING_MINUTES_MAX, BOOKING_MINUTES_MIN, Room
from triage import selectors
from triage.models import Consultation, ConsultationStatus
from triage.services import consultations as services


class ConsultationBookingSerializer(api_serializers.ModelSerializer):
    """A consultation as reception sees it: when, with whom, where, and its status."""

    fixed_once_created = ("case",)

    case = VisibleCaseField()
    doctor = serializers.PrimaryKeyRelatedField(queryset=doctors())
    duration_minutes = serializers.IntegerField(
        min_value=BOOKING_MINUTES_MIN,
        max_value=BOOKING_MINUTES_MAX,
        required=False,
        help_text="Defaults to the consultation kind's length (20 minutes).",
    )
    room = serializers.PrimaryKeyRelatedField(
        queryset=Room.objects.all(),
        allow_null=True,
        required=False,
        help_text="Defaults to the room of the doctor's availability window, if it names one.",
    )
    status = serializers.ChoiceField(choices=ConsultationStatus.choices, required=False)
    allow_patient_clash = allow_patient_clash_field()

    class Meta:
        model = Consultation
        fields = [
            "id",
            "case",
            "doctor",
            "scheduled_at",
            "duration_minutes",
            "allow_patient_clash",
            "room",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"scheduled_at": {"validators": [bounds.validate_clinic_datetime]}}


class ConsultationSerializer(ConsultationBookingSerializer):
    """A consultation as clinicians see it, with the doctor's notes."""

    notes = serializers.CharField(required=False, allow_blank=True)

    class Meta(ConsultationBookingSerializer.Meta):
        fields = [*ConsultationBookingSerializer.Meta.fields, "notes"]


class ConsultationFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ConsultationStatus.choices, distinct=False)
    scheduled_at = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Consultation
        fields = ["case", "doctor", "status", "scheduled_at"]


def _is_reception(request) -> bool:
    return roles.role_of(request.user) == roles.RECEPTION


@extend_schema(tags=["triage"])
class ConsultationViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TalusViewSet,
):
    """Doctors' consultations. Status: scheduled → attended | no_show, or → cancelled."""

    role_actions = {
        roles.RECEPTION: READ_WRITE,
        roles.DOCTOR: READ_WRITE,
        roles.PHYSIO: READ,
        roles.ADMIN: READ,
    }
    conflict_actions = frozenset({"create", "update", "partial_update"})
    filterset_class = ConsultationFilter
    ordering_fields = ["id", "scheduled_at"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.consultations_visible_to(self.request.user)

    def get_serializer_class(self):
        if _is_reception(self.request):
            return ConsultationBookingSerializer
        return ConsultationSerializer

    @staticmethod
    def _refuse_notes(request) -> None:
        if _is_reception(request) and hasattr(request.data, "keys") and "notes" in request.data:
            raise serializers.ValidationError(
                {"notes": ["Reception books consultations; the doctor writes the notes."]}
            )

    @idempotent
    def create(self, request, *args, **kwargs):
        self._refuse_notes(request)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("status", ConsultationStatus.SCHEDULED) != ConsultationStatus.SCHEDULED:
            raise serializers.ValidationError(
                {"status": ["A new consultation is scheduled; record it once it took place."]}
            )
        if data.get("notes"):
            raise serializers.ValidationError(
                {"notes": ["Notes are written when the consultation is recorded."]}
            )
        consultation = services.consultation_book(
            case=data["case"],
            doctor=data["doctor"],
            scheduled_at=data["scheduled_at"],
            duration_minutes=data.get("duration_minutes"),
            room=data.get("room"),
            allow_patient_clash=data.get("allow_patient_clash", False),
            by=request.user,
        )
        self.audit_created(consultation)
        return Response(self.get_serializer(consultation).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        consultation = self.get_object()
        self._refuse_notes(request)
        serializer = self.get_serializer(consultation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        wanted = data.pop("status", None)
        by = request.user
        if wanted == ConsultationStatus.CANCELLED:
            consultation = services.consultation_cancel(consultation=consultation, by=by)
            return Response(self.get_serializer(consultation).data)
        moved = {
            "scheduled_at": data.get("scheduled_at", consultation.scheduled_at),
            "duration_minutes": data.get("duration_minutes", consultation.duration_minutes),
            "doctor": data.get("doctor", consultation.doctor),
            "room": data.get("room", consultation.room),
        }
        current = {
            "scheduled_at": consultation.scheduled_at,
            "duration_minutes": consultation.duration_minutes,
            "doctor": consultation.doctor,
            "room": consultation.room,
        }
        if moved != current:
            consultation = services.consultation_move(
                consultation=consultation,
                by=by,
                allow_patient_clash=data.get("allow_patient_clash", False),
                **moved,
            )
        if wanted in services.LOGGED_STATUSES or "notes" in data:
            if _is_reception(request):
                raise serializers.ValidationError(
                    {"status": ["Reception books and cancels; the doctor records."]}
                )
            consultation = services.consultation_log(
                consultation=consultation,
                by=by,
                status=wanted or consultation.status,
                notes=data.get("notes", consultation.notes),
            )
        elif wanted not in (None, ConsultationStatus.SCHEDULED) or (
            wanted == ConsultationStatus.SCHEDULED
            and consultation.status != ConsultationStatus.SCHEDULED
        ):
            raise serializers.ValidationError(
                {"status": ["Change it to attended, no_show or cancelled."]}
            )
        return Response(self.get_serializer(consultation).data)
