"""The rows of the physio's caseload, written in Python.

One f-string per row, every value escaped, the case page's route reversed once a page with the
id filled in, the choices' labels from dicts built once (``clinic.worklist_html``), a run's
decision in the ``run_decision`` filter's words. The markup is the one
``templates/rehab/caseload.html`` wrote in its loop (it includes these rows through
``{% caseload_rows %}``).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe

from clinic.models import Case
from clinic.worklist_html import SIDE_LABELS, STATUS_LABELS, Clock, patient_name, url_pattern
from rehab.models import OutcomeSource
from rehab.templatetags.rehab_tags import run_decision as run_decision_words

_NONE_BOOKED = '<span class="muted">None booked</span>'
_NOT_RECORDED = '<span class="muted">Not recorded</span>'
_NONE_YET = '<span class="muted">None yet</span>'
_NO_PROGRAMME = '<span class="muted">No programme</span>'
_NO_RUN = '<span class="muted">No run</span>'


def _outcome(case: Case) -> str:
    """The last questionnaire: instrument, score out of its maximum, and whether it came from
    home. The score as ``|floatformat:"-2"`` writes it (Django's filter, called once a row)."""
    instrument = case.last_outcome_instrument
    if not instrument:
        return _NONE_YET
    html = (
        f"{escape(instrument.upper())} <strong>"
        f"{escape(str(floatformat(case.last_outcome_score, '-2')))}/"
        f"{escape(str(case.last_outcome_max))}</strong>"
    )
    if case.last_outcome_source == OutcomeSource.PATIENT:
        html += ' <span class="muted">(from home)</span>'
    return html


def caseload_rows(cases: Iterable[Case]) -> SafeString:
    """A ``<tr>`` per case of the page (patient linked to the case page and marked when an
    alert is open, MRN, case, next session, last pain, last questionnaire, home exercises, last
    run), from the caseload selector's annotations and the view's ``adherence``,
    ``run_decision`` and ``open_alerts``."""
    clock = Clock()
    case_url = url_pattern("rehab:case")
    rows = []
    for case in cases:
        side, status = case.side, case.status
        what = f"#{case.pk:d}"
        if side:
            what += f" · {escape(SIDE_LABELS.get(side, side).lower())}"
        what += f" · {escape(STATUS_LABELS.get(status, status))}"
        alert = " <strong>(alert)</strong>" if case.open_alerts else ""
        next_at = case.next_session_shown
        next_session = clock.weekday_day_month_time(next_at) if next_at else _NONE_BOOKED
        if case.last_pain is not None:
            pain_at = clock.day_month(case.last_pain_at) if case.last_pain_at else ""
            pain = (
                f"<strong>{escape(str(case.last_pain))}/10</strong> "
                f'<span class="muted">({pain_at})</span>'
            )
        else:
            pain = _NOT_RECORDED
        if case.adherence is not None:
            adherence = (
                f'<strong>{escape(str(case.adherence))}%</strong> <span class="muted">done</span>'
            )
        else:
            adherence = _NO_PROGRAMME
        decision = case.run_decision
        run = escape(run_decision_words(decision)) if decision else _NO_RUN
        rows.append(
            "<tr>\n"
            f'<td><a href="{escape(case_url(case.pk))}">{patient_name(case.patient)}</a>'
            f"{alert}</td>\n"
            f"<td>{escape(case.patient.mrn)}</td>\n"
            f"<td>{what}</td>\n"
            f"<td>{next_session}</td>\n"
            f"<td>{pain}</td>\n"
            f"<td>{_outcome(case)}</td>\n"
            f"<td>{adherence}</td>\n"
            f"<td>{run}</td>\n"
            "</tr>"
        )
    # Safe: every value in it went through escape(), or is an integer or a formatted date.
    return mark_safe("\n".join(rows))  # noqa: S308  # nosec B308 B703
