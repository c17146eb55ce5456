"""The discharge letter to the referrer or GP: a Django template rendered to PDF by WeasyPrint.

What it sums up (the design's "Reports and letters"): the diagnosis with its codes, imaging and
its report, the sessions attended, the outcome charts with their MCID line (the case page's
charts, rehab.charts on clinic.charts), the return-to-run decision and the advice given (the
discharge summary, the plan's and the last session's home exercises).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from clinic.models import Case
from rehab import charts, selectors
from rehab.instruments.catalogue import INSTRUMENTS
from rehab.models import SessionStatus
from triage.models import DiagnosisStatus, ReferralStatus
from triage.selectors import diagnoses_visible_to, referrals_visible_to


def letter_context(case: Case, user) -> dict[str, Any]:
    """Everything the letter shows about one case, read through the caller's doors."""
    diagnoses = list(
        diagnoses_visible_to(user)
        .filter(case=case)
        .exclude(status=DiagnosisStatus.REFUTED)
        .order_by("status", "-diagnosed_at")
    )
    imaging = list(
        referrals_visible_to(user)
        .filter(case=case)
        .exclude(status=ReferralStatus.CANCELLED)
        .order_by("requested_at")
    )
    sessions = list(selectors.case_sessions(case))
    attended = [s for s in sessions if s.status == SessionStatus.ATTENDED]
    outcomes = list(selectors.case_outcomes(case))
    by_instrument: dict[str, list] = defaultdict(list)
    for measure in outcomes:
        by_instrument[measure.instrument].append((measure.recorded_at, measure.score))
    figures = []
    pain = charts.pain_chart([(s.scheduled_at, s.pain_before, s.pain_after) for s in attended])
    if pain is not None:
        figures.append(pain)
    for code in INSTRUMENTS:  # the registry's order, as on the case page
        if code in by_instrument:
            figures.append(charts.instrument_chart(code, by_instrument[code]))
    plan = selectors.case_plan(case)
    last_advice = next((s.home_exercises for s in reversed(attended) if s.home_exercises), "")
    return {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_address": settings.CLINIC_ADDRESS,
        "today": timezone.localdate(),
        "case": case,
        "patient": case.patient,
        "diagnoses": diagnoses,
        "imaging": imaging,
        "attended": attended,
        "first_visit": attended[0].scheduled_at if attended else None,
        "last_visit": attended[-1].scheduled_at if attended else None,
        "missed": sum(1 for s in sessions if s.status == SessionStatus.NO_SHOW),
        "outcomes": [{"measure": m, "name": INSTRUMENTS[m.instrument].name} for m in outcomes],
        # rehab.charts escapes every text it writes into the SVG.
        "charts": [
            {"chart": c, "svg": mark_safe(c.svg)}  # noqa: S308  # nosec B308 B703
            for c in figures
        ],
        "return_to_run": selectors.case_return_to_run(case),
        "discharge": selectors.case_discharge(case),
        "plan": plan,
        "last_advice": last_advice,
    }


def letter_html(case: Case, user) -> str:
    """The letter as HTML (the PDF's source; also what a test or a preview can read)."""
    return render_to_string("reports/discharge_letter.html", letter_context(case, user))


def letter_pdf(case: Case, user) -> bytes:
    """The letter as a PDF."""
    # WeasyPrint loads Pango and its fonts on import: only a letter pays for it.
    from weasyprint import HTML

    return HTML(string=letter_html(case, user), base_url=str(settings.BASE_DIR)).write_pdf()


def letter_attachments(reminder) -> list[tuple[str, bytes, str]]:
    """The PDF a ``discharge_letter`` email carries, rendered when it is sent.

    Read with the scope of whoever asked for the sending (the letter shows what they saw).
    """
    from reports.models import LetterSending

    sending = LetterSending.objects.select_related("case__patient", "requested_by").get(
        pk=reminder.subject_id
    )
    pdf = letter_pdf(sending.case, sending.requested_by)
    return [(f"discharge-letter-case-{sending.case_id}.pdf", pdf, "application/pdf")]
