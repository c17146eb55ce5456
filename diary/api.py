"""``/api/v1/rooms/``, ``availability/``, ``time-off/``, ``appointment-kinds/`` and
``free-slots/``: the clinic's timetable. None of it is patient data: not audited.

Reception runs the diary and sets its timetable (rooms, hours, time off), as admins do;
doctors and physios read it. The kinds are edited in Django admin.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic import bounds, roles
from clinic import serializers as api_serializers
from clinic.fields import VisibleCaseField
from clinic.filters import FilterSet
from clinic.idempotency import idempotent
from clinic.permissions import READ, READ_WRITE, RolePermission
from clinic.selectors import practitioners
from clinic.viewsets import AuditedViewSetMixin, TalusViewSet
from diary import selectors, waitlist
from diary.models import (
    BOOKING_MINUTES_MAX,
    BOOKING_MINUTES_MIN,
    AppointmentKind,
    Availability,
    BookingType,
    Room,
    TimeOff,
    WaitlistEntry,
    WaitlistStatus,
)
from diary.rules import GRID_MINUTES
from diary.services import default_minutes

WRITE = READ_WRITE | {"destroy"}
TIMETABLE_ROLES = {
    roles.RECEPTION: WRITE,
    roles.ADMIN: WRITE,
    roles.DOCTOR: READ,
    roles.PHYSIO: READ,
}


def allow_patient_clash_field() -> serializers.BooleanField:
    """The booking serializers' override of the patient's clash (the one booking rule,
    diary.services): write-only, off unless the desk says so."""
    return serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=(
            "Book even though the patient has another booking at that time (else 409 "
            "patient_busy with clash)."
        ),
    )


class NotAuditedMixin:
    """The timetable names no patient: its reads and writes write no audit event."""

    def get_object(self):
        return super(AuditedViewSetMixin, self).get_object()

    def paginate_queryset(self, queryset):
        return super(AuditedViewSetMixin, self).paginate_queryset(queryset)


class TimetableViewSet(
    NotAuditedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    TalusViewSet,
):
    role_actions = TIMETABLE_ROLES


class RoomSerializer(api_serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name", "active"]


@extend_schema(tags=["diary"])
class RoomViewSet(TimetableViewSet):
    """The clinic's rooms. A room with bookings is closed (``active: false``), not deleted."""

    serializer_class = RoomSerializer
    ordering = ["name"]

    def get_queryset(self):
        return selectors.rooms()

    def perform_destroy(self, instance):
        if instance.bookings.exists():
            raise serializers.ValidationError(
                {"non_field_errors": ["This room has bookings: close it (active: false)."]}
            )
        instance.delete()


class AvailabilitySerializer(api_serializers.ModelSerializer):
    practitioner = serializers.PrimaryKeyRelatedField(queryset=practitioners())
    room = serializers.PrimaryKeyRelatedField(
        queryset=Room.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Availability
        fields = ["id", "practitioner", "weekday", "start_time", "end_time", "room"]

    def validate(self, attrs):
        start = attrs.get("start_time", getattr(self.instance, "start_time", None))
        end = attrs.get("end_time", getattr(self.instance, "end_time", None))
        if start is not None and end is not None and start >= end:
            raise serializers.ValidationError({"end_time": ["Ends after it starts."]})
        return attrs


class AvailabilityFilter(FilterSet):
    class Meta:
        model = Availability
        fields = ["practitioner", "weekday", "room"]


@extend_schema(tags=["diary"])
class AvailabilityViewSet(TimetableViewSet):
    """Each practitioner's weekly windows (clinic time; 0 = Monday). None: the opening hours."""

    serializer_class = AvailabilitySerializer
    filterset_class = AvailabilityFilter
    ordering = ["practitioner", "weekday", "start_time"]

    def get_queryset(self):
        return selectors.availability()


class TimeOffSerializer(api_serializers.ModelSerializer):
    practitioner = serializers.PrimaryKeyRelatedField(queryset=practitioners())

    class Meta:
        model = TimeOff
        fields = ["id", "practitioner", "starts_at", "ends_at", "reason"]
        extra_kwargs = {
            "starts_at": {"validators": [bounds.validate_clinic_datetime]},
            "ends_at": {"validators": [bounds.validate_clinic_datetime]},
        }

    def validate(self, attrs):
        start = attrs.get("starts_at", getattr(self.instance, "starts_at", None))
        end = attrs.get("ends_at", getattr(self.instance, "ends_at", None))
        if start is not None and end is not None and start >= end:
            raise serializers.ValidationError({"ends_at": ["Ends after it starts."]})
        return attrs


class TimeOffFilter(FilterSet):
    class Meta:
        model = TimeOff
        fields = ["practitioner"]


@extend_schema(tags=["diary"])
class TimeOffViewSet(TimetableViewSet):
    """Spans in which a practitioner takes no booking. Bookings already made stay."""

    serializer_class = TimeOffSerializer
    filterset_class = TimeOffFilter
    ordering = ["starts_at"]

    def get_queryset(self):
        return selectors.time_off()


class AppointmentKindSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppointmentKind
        fields = ["id", "code", "name", "booking_type", "duration_minutes", "active"]
        read_only_fields = fields


@extend_schema(tags=["diary"])
class AppointmentKindViewSet(
    NotAuditedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, TalusViewSet
):
    """What the clinic books and each kind's default length (edited in Django admin)."""

    role_actions = {role: READ for role in roles.ROLES}
    serializer_class = AppointmentKindSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return AppointmentKind.objects.order_by("booking_type", "name")


class FreeSlotsQuery(serializers.Serializer):
    """The query string (text, as a query string is): not the JSON-typed body serializers."""

    practitioner = serializers.PrimaryKeyRelatedField(queryset=practitioners())
    duration = serializers.IntegerField(
        min_value=BOOKING_MINUTES_MIN, max_value=BOOKING_MINUTES_MAX, required=False
    )
    # "from" is a Python keyword: the field is named in the query by its source below.
    from_ = serializers.DateField(required=False)
    to = serializers.DateField(required=False)

    def to_internal_value(self, data):
        data = {("from_" if key == "from" else key): value for key, value in data.items()}
        return super().to_internal_value(data)

    def validate(self, attrs):
        first = attrs.get("from_") or dt.date.today()
        last = attrs.get("to") or first
        if last < first:
            raise serializers.ValidationError({"to": ["On or after from."]})
        if (last - first).days >= selectors.FREE_SLOTS_MAX_DAYS:
            raise serializers.ValidationError(
                {"to": [f"At most {selectors.FREE_SLOTS_MAX_DAYS} days at a time."]}
            )
        attrs["from_"], attrs["to"] = first, last
        return attrs


class FreeSlotsSerializer(serializers.Serializer):
    practitioner = serializers.IntegerField()
    duration_minutes = serializers.IntegerField()
    grid_minutes = serializers.IntegerField()
    slots = serializers.ListField(child=serializers.DateTimeField())


class FreeSlotsView(APIView):
    """``GET free-slots/?practitioner=&from=&to=&duration=``: free start times.

    On a 15-minute grid in clinic time, inside the practitioner's availability, outside their
    time off and bookings, from now on. ``duration`` defaults to 45 minutes for a physio and
    20 for a doctor (the kinds' lengths); ``from``/``to`` are dates (default today).
    """

    permission_classes = [RolePermission]
    role_actions = {role: frozenset({"list"}) for role in roles.ROLES}
    action = "list"

    @extend_schema(
        tags=["diary"],
        parameters=[
            OpenApiParameter("practitioner", int, required=True),
            OpenApiParameter("from", dt.date),
            OpenApiParameter("to", dt.date),
            OpenApiParameter("duration", int, description="Minutes."),
        ],
        responses=FreeSlotsSerializer,
    )
    def get(self, request):

        query = FreeSlotsQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        data = query.validated_data
        practitioner = data["practitioner"]
        duration = data.get("duration") or default_minutes(
            BookingType.CONSULTATION
            if roles.role_of(practitioner) == roles.DOCTOR
            else BookingType.SESSION
        )
        slots = selectors.free_slots(
            practitioner=practitioner,
            first_day=data["from_"],
            last_day=data["to"],
            duration_minutes=duration,
        )
        return Response(
            {
                "practitioner": practitioner.pk,
                "duration_minutes": duration,
                "grid_minutes": GRID_MINUTES,
                "slots": [serializers.DateTimeField().to_representation(s) for s in slots],
            }
        )


class WaitlistSerializer(api_serializers.ModelSerializer):
    case = VisibleCaseField()
    practitioner = serializers.PrimaryKeyRelatedField(
        queryset=practitioners(), allow_null=True, required=False
    )
    status = serializers.ChoiceField(
        choices=WaitlistStatus.choices,
        required=False,
        help_text="Read-only but for a PATCH to withdrawn.",
    )

    class Meta:
        model = WaitlistEntry
        fields = [
            "id",
            "case",
            "practitioner",
            "booking_type",
            "earliest",
            "latest",
            "status",
            "offered_at",
            "created_at",
        ]
        read_only_fields = ["id", "offered_at", "created_at"]
        extra_kwargs = {
            "earliest": {"validators": [bounds.validate_clinic_datetime]},
            "latest": {"validators": [bounds.validate_clinic_datetime]},
        }


class WaitlistFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=WaitlistStatus.choices, distinct=False)

    class Meta:
        model = WaitlistEntry
        fields = ["case", "practitioner", "status"]


@extend_schema(tags=["diary"])
class WaitlistViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TalusViewSet,
):
    """Patients who would take an earlier time. A cancelled booking offers its time to the
    oldest fitting entry (a ``slot_offer`` reminder with a signed link); the first acceptance
    books it. Withdraw with ``PATCH {"status": "withdrawn"}``."""

    role_actions = {
        roles.RECEPTION: READ_WRITE,
        roles.ADMIN: READ_WRITE,
        roles.DOCTOR: READ,
        roles.PHYSIO: READ,
    }
    serializer_class = WaitlistSerializer
    filterset_class = WaitlistFilter
    conflict_actions = frozenset({"create", "update", "partial_update"})
    ordering = ["created_at"]

    def get_queryset(self):
        return selectors.waitlist_visible_to(self.request.user)

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data.pop("status", WaitlistStatus.WAITING) != WaitlistStatus.WAITING:
            raise serializers.ValidationError({"status": ["A new entry is waiting."]})
        entry = waitlist.waitlist_add(by=request.user, **data)
        self.audit_created(entry)
        return Response(self.get_serializer(entry).data, status=201)

    def update(self, request, *args, **kwargs):
        entry = self.get_object()
        if set(request.data) - {"status"} or request.data.get("status") != "withdrawn":
            raise serializers.ValidationError(
                {"status": ["An entry changes only by withdrawing it (status: withdrawn)."]}
            )
        entry = waitlist.waitlist_withdraw(entry=entry, by=request.user)
        return Response(self.get_serializer(entry).data)
