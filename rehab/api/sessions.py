"""``/api/v1/sessions/``: reception books, moves and cancels; the assigned physio logs.

Reception works through ``SessionBookingSerializer``, which has no clinical field at
all: a receptionist's request that names one is a 400, and no response to them
carries one.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from clinic import bounds, roles
from clinic import serializers as api_serializers
from clinic.concurrency import ETagMixin
from clinic.fields import VisibleCaseField
from clinic.filters import FilterSet
from clinic.idempotency import idempotent
from clinic.measures import DORSIFLEXION_MAX_DEG, DORSIFLEXION_MIN_DEG, NPRS_MAX, NPRS_MIN
from clinic.permissions import READ, READ_WRITE
from clinic.selectors import physios
from clinic.viewsets import TalusViewSet
from diary.api import allow_patient_clash_field
from diary.models import Room
from rehab import selectors
from rehab.models import (
    CLINICAL_SESSION_FIELDS,
    SESSION_MINUTES_MAX,
    SESSION_MINUTES_MIN,
    Intervention,
    PhysioSession,
    SessionStatus,
)
from rehab.services import sessions as session_services


class SessionBookingSerializer(api_serializers.ModelSerializer):
    """A session as reception sees it: when, who, how long and its status. Nothing clinical."""

    fixed_once_created = ("case",)

    case = VisibleCaseField()
    physio = serializers.PrimaryKeyRelatedField(
        queryset=physios(),
        allow_null=True,
        required=False,
        help_text=(
            "Defaults to the case's assigned physio; required when the case has none. "
            "A PATCH may hand the booking to another physio."
        ),
    )
    status = serializers.ChoiceField(choices=SessionStatus.choices, required=False)
    duration_minutes = serializers.IntegerField(
        min_value=SESSION_MINUTES_MIN,
        max_value=SESSION_MINUTES_MAX,
        required=False,
        help_text="Defaults to the session kind's length (45 minutes).",
    )
    room = serializers.PrimaryKeyRelatedField(
        queryset=Room.objects.all(),
        allow_null=True,
        required=False,
        help_text="Defaults to the room of the physio's availability window, if it names one.",
    )
    allow_patient_clash = allow_patient_clash_field()

    class Meta:
        model = PhysioSession
        fields = [
            "id",
            "case",
            "physio",
            "scheduled_at",
            "duration_minutes",
            "room",
            "status",
            "allow_patient_clash",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"scheduled_at": {"validators": [bounds.validate_clinic_datetime]}}


class SessionSerializer(SessionBookingSerializer):
    """A session as clinicians see it, with what was done and the pain before and after."""

    interventions = serializers.ListField(
        child=serializers.ChoiceField(choices=Intervention.choices), required=False
    )
    pain_before = serializers.IntegerField(
        min_value=NPRS_MIN,
        max_value=NPRS_MAX,
        allow_null=True,
        required=False,
        help_text="NPRS 0-10.",
    )
    pain_after = serializers.IntegerField(
        min_value=NPRS_MIN,
        max_value=NPRS_MAX,
        allow_null=True,
        required=False,
        help_text="NPRS 0-10.",
    )
    dorsiflexion_deg = serializers.IntegerField(
        min_value=DORSIFLEXION_MIN_DEG,
        max_value=DORSIFLEXION_MAX_DEG,
        allow_null=True,
        required=False,
        help_text="Weight-bearing lunge, degrees.",
    )

    class Meta(SessionBookingSerializer.Meta):
        fields = [
            *SessionBookingSerializer.Meta.fields,
            *CLINICAL_SESSION_FIELDS,
            "logged_at",
            "logged_by",
        ]
        read_only_fields = [
            *SessionBookingSerializer.Meta.read_only_fields,
            "logged_at",
            "logged_by",
        ]

    def validate_interventions(self, value):
        if len(set(value)) != len(value):
            raise serializers.ValidationError("Each intervention once.")
        return value


class SessionSeriesSerializer(api_serializers.Serializer):
    """``POST sessions/series/``: sessions at the same hour every ``interval_days``."""

    case = VisibleCaseField()
    physio = serializers.PrimaryKeyRelatedField(
        queryset=physios(),
        allow_null=True,
        required=False,
        help_text="Defaults to the case's assigned physio.",
    )
    first_at = serializers.DateTimeField(validators=[bounds.validate_clinic_datetime])
    count = serializers.IntegerField(min_value=1, max_value=session_services.SERIES_COUNT_MAX)
    interval_days = serializers.IntegerField(
        min_value=1, max_value=session_services.SERIES_INTERVAL_MAX_DAYS
    )
    duration_minutes = serializers.IntegerField(
        min_value=SESSION_MINUTES_MIN, max_value=SESSION_MINUTES_MAX, required=False
    )
    room = serializers.PrimaryKeyRelatedField(
        queryset=Room.objects.all(), allow_null=True, required=False
    )
    allow_patient_clash = allow_patient_clash_field()


class SessionFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=SessionStatus.choices, distinct=False)
    scheduled_at = django_filters.DateFromToRangeFilter()

    class Meta:
        model = PhysioSession
        fields = ["case", "physio", "status", "scheduled_at"]


def _is_reception(request) -> bool:
    return roles.role_of(request.user) == roles.RECEPTION


def _refuse_clinical_fields(request) -> None:
    """Reception may not send clinical fields: 400 naming each one."""
    sent = set(request.data) if hasattr(request.data, "keys") else set()
    named = [name for name in CLINICAL_SESSION_FIELDS if name in sent]
    if named:
        raise serializers.ValidationError(
            {
                name: ["Reception books sessions; clinical fields are recorded by the physio."]
                for name in named
            }
        )


def _clinical(data: dict) -> dict:
    return {name: data[name] for name in CLINICAL_SESSION_FIELDS if name in data}


@extend_schema(tags=["rehab"])
class PhysioSessionViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TalusViewSet,
):
    """Physiotherapy sessions. Status: scheduled → attended | no_show, or → cancelled.

    Reception creates ``scheduled`` sessions, moves them (``scheduled_at``) and cancels
    them (``status: cancelled``). The assigned physio also logs them
    (``status: attended|no_show`` with the clinical fields), or creates an
    ``attended`` one directly. Moving or logging a session in the wrong state is a 409.
    """

    role_actions = {
        roles.RECEPTION: READ_WRITE | {"series"},
        roles.PHYSIO: READ_WRITE | {"series"},
        roles.DOCTOR: READ,
        roles.ADMIN: READ,
    }
    # A closed case, or a session no longer in the state the change needs (clinic.schema).
    conflict_actions = frozenset({"create", "update", "partial_update", "series"})
    filterset_class = SessionFilter
    ordering_fields = ["id", "scheduled_at"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.sessions_visible_to(self.request.user)

    def get_serializer_class(self):
        if _is_reception(self.request):
            return SessionBookingSerializer
        return SessionSerializer

    @idempotent
    def create(self, request, *args, **kwargs):
        if _is_reception(request):
            _refuse_clinical_fields(request)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        wanted = data.pop("status", SessionStatus.SCHEDULED)
        allow_patient_clash = data.pop("allow_patient_clash", False)
        clinical = _clinical(data)
        booking = {
            "case": data["case"],
            "scheduled_at": data["scheduled_at"],
            "physio": data.get("physio"),
            "duration_minutes": data.get("duration_minutes"),
            "room": data.get("room"),
        }
        if wanted == SessionStatus.SCHEDULED:
            if clinical:
                raise serializers.ValidationError(
                    {
                        name: ["Clinical fields are recorded when the session is logged."]
                        for name in clinical
                    }
                )
            session = session_services.session_schedule(
                by=request.user, allow_patient_clash=allow_patient_clash, **booking
            )
        elif wanted in session_services.LOGGED_STATUSES and not _is_reception(request):
            session = session_services.session_record(
                by=request.user, status=wanted, **booking, **clinical
            )
        else:
            raise serializers.ValidationError(
                {"status": [self._status_message(request, creating=True)]}
            )
        self.audit_created(session)
        return Response(self.get_serializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SessionSeriesSerializer, responses=SessionBookingSerializer(many=True))
    @action(detail=False, methods=["post"], url_path="series")
    @idempotent
    def series(self, request):
        """Book a series from the plan: every session, or none (409 ``series_clash`` listing
        each date that breaks the booking rule in ``clashes``)."""
        serializer = SessionSeriesSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        sessions = session_services.session_series_schedule(
            by=request.user, **serializer.validated_data
        )
        for session in sessions:
            self.audit_created(session)
        return Response(
            SessionBookingSerializer(sessions, many=True).data, status=status.HTTP_201_CREATED
        )

    def update(self, request, *args, **kwargs):
        session = self.get_object()
        if _is_reception(request):
            _refuse_clinical_fields(request)
        serializer = self.get_serializer(session, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        wanted = data.pop("status", None)
        allow_patient_clash = data.pop("allow_patient_clash", False)
        clinical = _clinical(data)
        by = request.user

        if "physio" in data and data["physio"] is None:
            raise serializers.ValidationError(
                {"physio": ["A booking keeps a physio: give the id of the one who takes it."]}
            )
        if wanted == SessionStatus.CANCELLED:
            session = session_services.session_cancel(session=session, by=by)
        else:
            moved_to = data.get("scheduled_at", session.scheduled_at)
            duration = data.get("duration_minutes", session.duration_minutes)
            physio = data.get("physio", session.physio)
            room = data.get("room", session.room)
            if (moved_to, duration, physio.pk, room) != (
                session.scheduled_at,
                session.duration_minutes,
                session.physio_id,
                session.room,
            ):
                session = session_services.session_move(
                    session=session,
                    scheduled_at=moved_to,
                    duration_minutes=duration,
                    physio=physio,
                    room=room,
                    allow_patient_clash=allow_patient_clash,
                    by=by,
                )
            logging = wanted in session_services.LOGGED_STATUSES or (
                clinical and session.status == SessionStatus.ATTENDED and wanted is None
            )
            if logging and not _is_reception(request):
                current = {name: getattr(session, name) for name in CLINICAL_SESSION_FIELDS}
                session = session_services.session_log(
                    session=session,
                    by=by,
                    status=wanted or session.status,
                    **{**current, **clinical},
                )
            elif wanted not in (None, SessionStatus.SCHEDULED) or (
                wanted == SessionStatus.SCHEDULED and session.status != SessionStatus.SCHEDULED
            ):
                raise serializers.ValidationError({"status": [self._status_message(request)]})
            elif clinical:
                raise serializers.ValidationError(
                    {
                        name: ["Log the session (status attended) to record clinical fields."]
                        for name in clinical
                    }
                )
        return Response(self.get_serializer(session).data)

    @staticmethod
    def _status_message(request, *, creating: bool = False) -> str:
        if _is_reception(request):
            return "Reception books (scheduled) and cancels sessions; the physio logs them."
        if creating:
            return "A new session is scheduled, or recorded as attended or no_show."
        return "Change the status to attended, no_show or cancelled."
