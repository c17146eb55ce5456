"""``exercises/``, ``exercise-programmes/`` and ``exercise-logs/``: the home exercise programme.

The library is read by the clinical roles (edited in admin); the assigned physio prescribes
and changes a case's programme and may enter a day's log from a paper diary.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from clinic import roles
from clinic import serializers as api_serializers
from clinic.concurrency import ETagMixin
from clinic.fields import ScopedRecordField, VisibleCaseField
from clinic.filters import FilterSet
from clinic.idempotency import idempotent
from clinic.measures import NPRS_MAX
from clinic.permissions import READ, READ_WRITE
from clinic.viewsets import AuditedViewSetMixin, TalusViewSet
from rehab import selectors
from rehab.models import (
    ITEM_HOLD_SECONDS_MAX,
    ITEM_PER_WEEK_MAX,
    ITEM_REPS_MAX,
    ITEM_SETS_MAX,
    Exercise,
    ExerciseLog,
    ExerciseProgramme,
    ProgrammeItem,
)
from rehab.services import programmes as programme_services


class ExerciseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exercise
        fields = ["id", "code", "name", "category", "region", "instructions", "image"]
        read_only_fields = fields


class ExerciseFilter(FilterSet):
    class Meta:
        model = Exercise
        fields = ["category", "region"]


@extend_schema(tags=["rehab"])
class ExerciseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TalusViewSet):
    """The exercise library (edited in admin). Not patient data: not audited."""

    role_actions = {roles.PHYSIO: READ, roles.DOCTOR: READ, roles.ADMIN: READ}
    serializer_class = ExerciseSerializer
    filterset_class = ExerciseFilter
    ordering_fields = ["id", "name"]
    ordering = ["category", "name"]

    def get_queryset(self):
        return selectors.exercises()

    def get_object(self):
        return super(AuditedViewSetMixin, self).get_object()

    def paginate_queryset(self, queryset):
        return super(AuditedViewSetMixin, self).paginate_queryset(queryset)


class ActiveItemsSerializer(serializers.ListSerializer):
    """A programme's items as followed now: its active ones (prefetched by the selector)."""

    def get_attribute(self, instance):
        items = getattr(instance, "active_items", None)
        return items if items is not None else instance.items.filter(active=True)


class ProgrammeItemSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        required=False, help_text="An existing item's id, to change it; omit for a new item."
    )
    exercise = serializers.PrimaryKeyRelatedField(queryset=Exercise.objects.filter(active=True))
    sets = serializers.IntegerField(min_value=1, max_value=ITEM_SETS_MAX)
    reps = serializers.IntegerField(
        min_value=1, max_value=ITEM_REPS_MAX, required=False, allow_null=True
    )
    hold_seconds = serializers.IntegerField(
        min_value=1, max_value=ITEM_HOLD_SECONDS_MAX, required=False, allow_null=True
    )
    per_week = serializers.IntegerField(
        min_value=1, max_value=ITEM_PER_WEEK_MAX, help_text="Days a week."
    )

    class Meta:
        model = ProgrammeItem
        fields = ["id", "exercise", "sets", "reps", "hold_seconds", "per_week", "notes"]
        list_serializer_class = ActiveItemsSerializer

    def validate(self, attrs):
        if attrs.get("reps") is None and attrs.get("hold_seconds") is None:
            raise serializers.ValidationError(
                {"reps": ["Give the repetitions, the seconds to hold, or both."]}
            )
        return attrs


class ExerciseProgrammeSerializer(api_serializers.ModelSerializer):
    fixed_once_created = ("case",)

    case = VisibleCaseField()
    items = ProgrammeItemSerializer(many=True, allow_empty=False)
    adherence = serializers.SerializerMethodField()

    class Meta:
        model = ExerciseProgramme
        fields = [
            "id",
            "case",
            "items",
            "starts_on",
            "active",
            "adherence",
            "prescribed_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "prescribed_by", "created_at", "updated_at"]
        extra_kwargs = {"starts_on": {"required": False}, "active": {"required": False}}
        # One active programme per case is the service's rule, answered with a 409.
        validators: list = []

    @extend_schema_field(OpenApiTypes.INT)
    def get_adherence(self, programme: ExerciseProgramme) -> int | None:
        return selectors.programme_adherence(programme)


class ExerciseProgrammeFilter(FilterSet):
    class Meta:
        model = ExerciseProgramme
        fields = ["case", "active"]


@extend_schema(tags=["rehab"])
class ExerciseProgrammeViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TalusViewSet,
):
    """Home exercise programmes: the assigned physio prescribes and changes; doctors read."""

    role_actions = {roles.PHYSIO: READ_WRITE, roles.DOCTOR: READ, roles.ADMIN: READ}
    conflict_actions = frozenset({"create", "update", "partial_update"})
    serializer_class = ExerciseProgrammeSerializer
    filterset_class = ExerciseProgrammeFilter
    ordering_fields = ["id", "starts_on"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.programmes_visible_to(self.request.user)

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        programme = programme_services.programme_prescribe(
            case=data["case"], by=request.user, items=data["items"], starts_on=data.get("starts_on")
        )
        self.audit_created(programme)
        programme = self.get_queryset().get(pk=programme.pk)
        return Response(self.get_serializer(programme).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        programme = self.get_object()
        serializer = self.get_serializer(programme, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        programme_services.programme_change(
            programme=programme,
            by=request.user,
            items=data.get("items"),
            starts_on=data.get("starts_on"),
            active=data.get("active"),
        )
        programme = self.get_queryset().get(pk=programme.pk)
        return Response(self.get_serializer(programme).data)


def _programmes(user):
    return selectors.programmes_visible_to(user)


class CompletedItemsField(serializers.ListField):
    """The ids of a log's ticked items: a list of ints in, the items' ids out."""

    child = serializers.IntegerField(min_value=1)

    def to_representation(self, data):
        return sorted(item.pk for item in data.all())


class ExerciseLogSerializer(serializers.ModelSerializer):
    programme = ScopedRecordField(
        model=ExerciseProgramme, scope=_programmes, not_found="No such programme."
    )
    completed = CompletedItemsField(help_text="The ids of the programme's items done that day.")
    pain = serializers.IntegerField(
        min_value=0, max_value=NPRS_MAX, required=False, allow_null=True
    )

    class Meta:
        model = ExerciseLog
        fields = ["id", "programme", "date", "completed", "pain", "source", "logged_by"]
        read_only_fields = ["id", "source", "logged_by"]
        # One log a day is the service's rule, answered with a 409.
        validators: list = []


class ExerciseLogFilter(FilterSet):
    date = django_filters.DateFromToRangeFilter()

    class Meta:
        model = ExerciseLog
        fields = ["programme", "date"]


@extend_schema(tags=["rehab"])
class ExerciseLogViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TalusViewSet
):
    """A day's exercises done and the pain felt: the runner logs, or the physio from paper."""

    role_actions = {roles.PHYSIO: READ | {"create"}, roles.DOCTOR: READ, roles.ADMIN: READ}
    conflict_actions = frozenset({"create"})
    serializer_class = ExerciseLogSerializer
    filterset_class = ExerciseLogFilter
    ordering_fields = ["id", "date"]
    ordering = ["-date", "-id"]

    def get_queryset(self):
        return selectors.exercise_logs_visible_to(self.request.user)

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        log = programme_services.exercise_log_record(
            programme=data["programme"],
            by=request.user,
            date=data["date"],
            completed=data["completed"],
            pain=data.get("pain"),
        )
        self.audit_created(log)
        return Response(self.get_serializer(log).data, status=status.HTTP_201_CREATED)
