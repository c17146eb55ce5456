"""The rows of the doctors' case list and of reception's today, written in Python.

One f-string per row, every value escaped, the row's link reversed once a page with its id
filled in, the choices' labels from dicts built once (``clinic.worklist_html``). The markup is
the one ``templates/cases/case_list.html`` and ``templates/triage/reception_home.html`` wrote in
their loops (they include these rows through ``{% case_list_rows %}`` and
``{% intakes_today_rows %}``), the urgency badge's file-ending newline included.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.utils.safestring import SafeString, mark_safe

from clinic.models import Case
from clinic.worklist_html import (
    SIDE_LABELS,
    STATUS_LABELS,
    Clock,
    patient_name,
    practitioner_html,
    urgency_badge,
    url_pattern,
)
from triage.models import Intake


def case_list_rows(cases: Iterable[Case]) -> SafeString:
    """The doctors' list: a ``<tr>`` per case (urgency, patient linked to the case page, MRN,
    age, side, status, opened, physio)."""
    clock = Clock()
    case_url = url_pattern("triage:case-detail")
    rows = []
    for case in cases:
        patient = case.patient
        side = case.side
        status = case.status
        rows.append(
            "<tr>\n"
            f"<td>{urgency_badge(case, 'Not triaged')}\n</td>\n"
            f'<td><a href="{escape(case_url(case.pk))}">{patient_name(patient)}</a></td>\n'
            f"<td>{escape(patient.mrn)}</td>\n"
            f"<td>{patient.age_on(clock.today):d}</td>\n"
            f"<td>{escape(SIDE_LABELS.get(side, side) or '—')}</td>\n"
            f'<td><span class="status status-{escape(status)}">'
            f"{escape(STATUS_LABELS.get(status, status))}</span></td>\n"
            f"<td>{clock.day_month_year_time(case.opened_at)}</td>\n"
            f"<td>{practitioner_html(case.assigned_physio)}</td>\n"
            "</tr>"
        )
    # Safe: every value in it went through escape(), or is an integer or a formatted date.
    return mark_safe("\n".join(rows))  # noqa: S308  # nosec B308 B703


def intakes_today_rows(intakes: Iterable[Intake]) -> SafeString:
    """Reception's today: a ``<tr>`` per intake (urgency, patient, MRN, arrival time, the
    running advice, a link to the intake's result)."""
    clock = Clock()
    result_url = url_pattern("triage:intake-result")
    rows = []
    for intake in intakes:
        case = intake.case
        patient = case.patient
        running = "Stop running" if intake.stop_running else "May keep running"
        rows.append(
            "<tr>\n"
            f"<td>{urgency_badge(case)}\n</td>\n"
            f"<td>{patient_name(patient)}</td>\n"
            f"<td>{escape(patient.mrn)}</td>\n"
            f"<td>{clock.hour_minute(intake.recorded_at)}</td>\n"
            f"<td>{running}</td>\n"
            f'<td><a href="{escape(result_url(intake.pk))}">Result</a></td>\n'
            "</tr>"
        )
    # Safe: every value in it went through escape(), or is a fixed word or a formatted time.
    return mark_safe("\n".join(rows))  # noqa: S308  # nosec B308 B703
