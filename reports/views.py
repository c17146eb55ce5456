"""The ``/reports/`` pages: every report of a period as a chart beside its table, printable."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from clinic import roles
from clinic.charts import bar_chart
from clinic.views import role_required
from reports.api import audit_report
from reports.query import ReportQueryForm, practitioners
from reports.selectors import REPORTS, Report
from triage.selectors import conditions

READERS = (roles.DOCTOR, roles.ADMIN)


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


def _page(request, names: list[str], template: str, extra: dict | None = None):
    form = ReportQueryForm(request.GET)
    items = []
    valid = form.is_valid()
    if valid:
        query = form.query()
        for name in names:
            report = REPORTS[name](request.user, query)
            audit_report(request, name, query)
            items.append(
                {
                    "report": report,
                    # clinic.charts escapes every text it writes into the SVG.
                    "svg": mark_safe(_chart(report)),  # noqa: S308  # nosec B308 B703
                    "csv": reverse("report-detail", args=[name])
                    + "?"
                    + urlencode({**query.as_params(), "format": "csv"}),
                    "page": reverse("reports:detail", args=[name])
                    + "?"
                    + urlencode(query.as_params()),
                    "table": [[row.get(c.key) for c in report.columns] for row in report.rows],
                }
            )
    if valid:
        values = {"from": query.start.isoformat(), "to": query.end.isoformat()}
    else:
        values = {"from": form.data.get("from", ""), "to": form.data.get("to", "")}
    context = {
        "form": form,
        "values": values,
        "items": items,
        "practitioners": practitioners(),
        "conditions": conditions(),
        **(extra or {}),
    }
    return render(request, template, context)


@role_required(*READERS)
def index(request):
    """Every report of the period, each a chart beside its table."""
    return _page(request, list(REPORTS), "reports/index.html")


@role_required(*READERS)
def detail(request, name: str):
    """One report of the period."""
    if name not in REPORTS:
        raise Http404("No such report.")
    return _page(request, [name], "reports/index.html", {"single": name})
