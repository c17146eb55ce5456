"""``/api/v1/reports/``: the clinic's reports for doctors and admins, JSON or ``?format=csv``."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic import audit, roles
from clinic.errors import NotFound
from clinic.idempotency import idempotent
from clinic.models import AuditAction
from clinic.permissions import READ
from clinic.selectors import clinical_cases_visible_to
from reports.letter import letter_pdf
from reports.models import LetterSending
from reports.query import parse_query
from reports.renderers import CSVRenderer, PDFRenderer
from reports.selectors import REPORTS
from reports.services import letter_send

QUERY_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day (default: 90 days ago)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, included (default: today)."),
    OpenApiParameter("practitioner", OpenApiTypes.INT, description="A physio's or doctor's id."),
    OpenApiParameter("condition", OpenApiTypes.STR, description="A catalogue code."),
]


def audit_report(request, name: str, query) -> None:
    """Record that the caller read a report (counts over many records, about no patient)."""
    params = query.as_params()
    described = f"{params['from']}..{params['to']}"
    if query.practitioner is not None:
        described += f" p={query.practitioner}"
    if query.condition:
        described += f" c={query.condition}"
    audit.touch_aggregate(request, f"reports.{name}", described, AuditAction.VIEW)


class FormatChoiceMixin:
    """``?format=`` names one of the view's renderers; any other is a 400 naming ``format``
    (DRF answers an unknown format with a 404, which reads as "no such report")."""

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            formats = ", ".join(renderer.format for renderer in self.get_renderers())
            raise exceptions.ValidationError({"format": [f"Choose one of: {formats}."]}) from None


class ReportViewSet(FormatChoiceMixin, viewsets.ViewSet):
    """The list of reports, and one report's numbers for a period, practitioner and condition."""

    lookup_field = "name"
    lookup_value_regex = "[a-z_]+"
    renderer_classes = [JSONRenderer, CSVRenderer]
    role_actions = {roles.DOCTOR: READ, roles.ADMIN: READ}

    @extend_schema(operation_id="v1_reports_list", responses={200: OpenApiTypes.OBJECT})
    def list(self, request):
        return Response(
            [{"name": name, "url": request.build_absolute_uri(f"{name}/")} for name in REPORTS]
        )

    @extend_schema(parameters=QUERY_PARAMETERS, responses={200: OpenApiTypes.OBJECT})
    def retrieve(self, request, name: str | None = None):
        build = REPORTS.get(name or "")
        if build is None:
            raise NotFound(f"There is no report {name!r}.")
        query = parse_query(request.query_params)
        report = build(request.user, query)
        audit_report(request, report.name, query)
        response = Response(report.as_dict())
        if request.accepted_renderer.format == "csv":
            stamp = f"{query.start:%Y%m%d}-{query.end:%Y%m%d}"
            response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
        return response


class DischargeLetterView(FormatChoiceMixin, APIView):
    """``GET cases/{id}/discharge-letter/``: the letter to the referrer or GP, as a PDF.

    Clinical roles on the cases they may read (doctors, admins, the assigned physio); reception
    is refused whatever the id. A case out of reach is a 404.
    """

    # RolePermission reads the table of the action this view is.
    action = "retrieve"
    detail = True
    role_actions = {
        roles.DOCTOR: frozenset({"retrieve"}),
        roles.PHYSIO: frozenset({"retrieve"}),
        roles.ADMIN: frozenset({"retrieve"}),
    }
    renderer_classes = [JSONRenderer, PDFRenderer]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        case = (
            clinical_cases_visible_to(request.user).select_related("patient").filter(pk=pk).first()
        )
        if case is None:
            raise NotFound("No such case.")
        self.check_object_permissions(request, case)
        pdf = letter_pdf(case, request.user)
        audit.touch(request, case, AuditAction.EXPORT)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="discharge-letter-case-{case.pk}.pdf"'
        return response


class LetterSendSerializer(serializers.Serializer):
    consent = serializers.BooleanField(
        help_text="The patient agreed that the letter goes to the referrer (must be true)."
    )
    consent_note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="How the patient agreed."
    )


class LetterSendingSerializer(serializers.ModelSerializer):
    class Meta:
        model = LetterSending
        fields = [
            "id",
            "case",
            "recipient_name",
            "recipient_email",
            "consent_at",
            "consent_note",
            "requested_by",
            "requested_at",
        ]
        read_only_fields = fields


class DischargeLetterSendView(APIView):
    """``POST cases/{id}/discharge-letter/send/``: email the letter to the referrer (outbox).

    Body: ``consent`` (true: the patient agreed) and ``consent_note``. 201 with the sending;
    the email, with the PDF attached, leaves through the reminders outbox.
    """

    action = "create"
    detail = True
    role_actions = {
        roles.DOCTOR: frozenset({"create"}),
        roles.PHYSIO: frozenset({"create"}),
        roles.ADMIN: frozenset({"create"}),
    }

    def get_queryset(self):
        # What an Idempotency-Key replay may show again: sendings on cases still in reach.
        cases = clinical_cases_visible_to(self.request.user)
        return LetterSending.objects.filter(case__in=cases).select_related("case")

    @extend_schema(request=LetterSendSerializer, responses={201: LetterSendingSerializer})
    @idempotent
    def post(self, request, pk: int):
        case = clinical_cases_visible_to(request.user).filter(pk=pk).first()
        if case is None:
            raise NotFound("No such case.")
        self.check_object_permissions(request, case)
        body = LetterSendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sending = letter_send(
            case=case,
            by=request.user,
            consent=body.validated_data["consent"],
            consent_note=body.validated_data.get("consent_note", ""),
        )
        audit.touch(request, sending, AuditAction.CREATE)
        return Response(LetterSendingSerializer(sending).data, status=status.HTTP_201_CREATED)
