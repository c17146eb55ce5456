"""The ``/reports/`` pages: each report of a period as a chart beside its table, printable;
the index with every report's headline figures."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from clinic import audit, roles
from clinic.charts import bar_chart
from clinic.errors import Conflict, Invalid
from clinic.forms import add_service_errors
from clinic.idempotency import created_redirect, idempotent_form
from clinic.models import AuditAction
from clinic.selectors import clinical_cases_visible_to
from clinic.views import role_required
from reports import services
from reports.api import audit_report
from reports.forms import LetterSendForm
from reports.query import ReportQueryForm, practitioners
from reports.selectors import REPORTS, Report, headlines, refresh_interval_minutes
from triage.selectors import conditions

READERS = (roles.DOCTOR, roles.ADMIN)
# A table's empty cell, as the template's ``default_if_none`` wrote it: an en dash.
NONE = "\u2013"


def _chart(report: Report) -> str:
    column = report.value_column
    return bar_chart(
        chart_id=f"chart-{report.name}",
        title=f"{report.title}: {column.label.lower()}",
        bars=[(str(row[report.label_key]), row[column.key]) for row in report.rows],
        value_label=column.label,
        unit=column.unit,
        value_max=100 if column.unit == "%" else None,
    )


def _table_body(report: Report) -> SafeString:
    """The rows of a report's table, written here rather than cell by cell in the template.

    A year of ``outcomes`` is hundreds of cells: the template engine's loop, lookup and
    filter per cell cost more than the report's query. Each value is written as the template
    wrote it (localized, escaped, NONE for none).
    """
    if not report.rows:
        return format_html(
            '<tr><td colspan="{}">Nothing in this period.</td></tr>', len(report.columns)
        )
    keys = [column.key for column in report.columns]
    rows = (
        "<tr>"
        + "".join(
            f"<td>{conditional_escape(localize(NONE if row.get(key) is None else row[key]))}</td>"
            for key in keys
        )
        + "</tr>"
        for row in report.rows
    )
    # Every value was escaped above.
    return mark_safe("\n".join(rows))  # noqa: S308  # nosec B308 B703


def _links(name: str, query) -> dict[str, str]:
    """A report's page and its CSV, for the same period and filters."""
    params = query.as_params()
    return {
        "csv": reverse("report-detail", args=[name]) + "?" + urlencode({**params, "format": "csv"}),
        "page": reverse("reports:detail", args=[name]) + "?" + urlencode(params),
    }


def _page(request, names: list[str] | None, template: str, extra: dict | None = None):
    """The reports of ``names`` in full (chart and table), or every report's headline figures
    when ``names`` is None (the index)."""
    form = ReportQueryForm(request.GET)
    items = []
    valid = form.is_valid()
    if valid:
        query = form.query()
        if names is None:
            for headline in headlines(request.user, query):
                audit_report(request, headline.name, query)
                items.append({"report": headline, **_links(headline.name, query)})
        for name in names or ():
            report = REPORTS[name](request.user, query)
            audit_report(request, name, query)
            items.append(
                {
                    "report": report,
                    # clinic.charts escapes every text it writes into the SVG.
                    "svg": mark_safe(_chart(report)),  # noqa: S308  # nosec B308 B703
                    **_links(name, query),
                    "tbody": _table_body(report),
                }
            )
    index = reverse("reports:index")
    if valid:
        values = {"from": query.start.isoformat(), "to": query.end.isoformat()}
        index += "?" + urlencode(query.as_params())  # back to every report, same period
    else:
        values = {"from": form.data.get("from", ""), "to": form.data.get("to", "")}
    context = {
        "form": form,
        "values": values,
        "items": items,
        "index": index,
        "practitioners": practitioners(),
        "conditions": conditions(),
        "refresh_minutes": refresh_interval_minutes(),
        **(extra or {}),
    }
    return render(request, template, context)


@role_required(*READERS)
def index(request):
    """Every report's headline figures for the period, each linked to the report in full.

    The index does not draw the six reports: each report's page has its chart and its table
    by practitioner, condition or instrument. What a manager reads first is the period's
    totals (sessions and no-show rate, utilisation, episodes, the share reaching the MCID,
    imaging against the recommendation, recurrences); the index shows those, read from the
    aggregates in one row per fact table, and one click opens the breakdown behind each.
    """
    return _page(request, None, "reports/index.html")


@role_required(*READERS)
def detail(request, name: str):
    """One report of the period."""
    if name not in REPORTS:
        raise Http404("No such report.")
    return _page(request, [name], "reports/index.html", {"single": name})


LETTER_SENDERS = (roles.DOCTOR, roles.PHYSIO, roles.ADMIN)


def _case_page(request, case) -> str:
    if roles.role_of(request.user) == roles.PHYSIO:
        return reverse("rehab:case", args=[case.pk])
    return reverse("triage:case-detail", args=[case.pk])


@role_required(*LETTER_SENDERS)
@idempotent_form
def letter_send(request, pk: int):
    """Send the discharge letter to the case's referrer, recording the patient's consent."""
    case = clinical_cases_visible_to(request.user).select_related("patient").filter(pk=pk).first()
    if case is None:
        raise Http404("No such case.")
    form = LetterSendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sending = services.letter_send(
                case=case,
                by=request.user,
                consent=form.cleaned_data["consent"],
                consent_note=form.cleaned_data["consent_note"],
            )
        except (Invalid, Conflict) as exc:
            add_service_errors(form, exc)
        else:
            audit.touch(request, sending, AuditAction.CREATE)
            messages.success(request, f"The letter is on its way to {sending.recipient_email}.")
            return created_redirect(_case_page(request, case))
    audit.touch(request, case, AuditAction.VIEW)
    context = {
        "case": case,
        "patient": case.patient,
        "form": form,
        "back": _case_page(request, case),
    }
    return render(request, "reports/letter_send.html", context)
