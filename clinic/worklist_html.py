"""What the worklists' rows share when they are written in Python: routes reversed once a page,
the clinic's dates in the templates' formats, a case's urgency badge, a practitioner's name.

The worklists (the doctors' case list, the physio's caseload, reception's today) are a loop of
many cells: through the template engine each ``{{ }}`` resolves, localises and escapes, each
``get_FOO_display`` rebuilds its choices, the urgency badge is an include and each row reverses
its link — about a thousand function calls a row. Their rows are one f-string each instead
(``triage.worklist_html``, ``rehab.caseload_html``), with the markup the templates wrote, the
way ``diary.grid_html`` writes the diary's grid.

Every value from the database goes through ``escape``: the standard library's ``html.escape``,
the function Django's own ``escape`` wraps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.html import conditional_escape

from clinic.models import CaseStatus, Side, Urgency
from clinic.templatetags.practitioners import practitioner

# An id no row has, to reverse a route once and split its URL around the id.
_MARKER = 987654321987654321

# Each choice's label, built once (``get_FOO_display`` rebuilds the field's choices per call);
# an unknown value reads as itself, as ``get_FOO_display`` has it.
SIDE_LABELS: dict[str, str] = dict(Side.choices)
STATUS_LABELS: dict[str, str] = dict(CaseStatus.choices)
URGENCY_LABELS: dict[str, str] = dict(Urgency.choices)


def url_pattern(name: str) -> Callable[[object], str]:
    """``reverse(name, args=[pk])`` for any ``pk``, from one ``reverse`` call."""
    head, tail = reverse(name, args=[_MARKER]).split(str(_MARKER))
    return lambda pk: f"{head}{pk}{tail}"


class Clock:
    """The page's time zone and today's date, and the templates' date formats in the active
    language, looked up once a page instead of once a cell. Each method writes what the template
    filter of the same format wrote for an aware datetime (``|date:"j M Y, H:i"``: the clinic's
    local time, Django's month and weekday abbreviations)."""

    def __init__(self) -> None:
        self.zone: dt.tzinfo = timezone.get_current_timezone()
        self.today: dt.date = timezone.localdate()
        self._months = {n: str(name).title() for n, name in MONTHS_3.items()}
        self._weekdays = {n: str(name) for n, name in WEEKDAYS_ABBR.items()}

    def day_month_year_time(self, moment: dt.datetime) -> str:
        """``|date:"j M Y, H:i"``"""
        t = moment.astimezone(self.zone)
        return f"{t.day} {self._months[t.month]} {t.year:04d}, {t.hour:02d}:{t.minute:02d}"

    def weekday_day_month_time(self, moment: dt.datetime) -> str:
        """``|date:"D j M, H:i"``"""
        t = moment.astimezone(self.zone)
        return (
            f"{self._weekdays[t.weekday()]} {t.day} {self._months[t.month]}, "
            f"{t.hour:02d}:{t.minute:02d}"
        )

    def day_month(self, moment: dt.datetime) -> str:
        """``|date:"j M"``"""
        t = moment.astimezone(self.zone)
        return f"{t.day} {self._months[t.month]}"

    def hour_minute(self, moment: dt.datetime) -> str:
        """``|time:"H:i"``"""
        t = moment.astimezone(self.zone)
        return f"{t.hour:02d}:{t.minute:02d}"


def urgency_badge(case, not_triaged: str = "") -> str:
    """A case's urgency as ``templates/cases/_urgency.html`` writes it (without the file's last
    newline): a call to act while the case waits for its first doctor visit
    (``Case.urgency_is_current``), history after it, ``not_triaged`` when it has none."""
    urgency = case.urgency
    if case.urgency_is_current:
        return (
            f'<span class="urgency urgency-{escape(urgency)}">'
            f"{escape(URGENCY_LABELS.get(urgency, urgency))}</span>"
        )
    if urgency:
        return f'<span class="urgency-past">Was {escape(urgency)} at triage</span>'
    if not_triaged:
        return f'<span class="muted">{escape(not_triaged)}</span>'
    return ""


def practitioner_html(user) -> str:
    """``{{ user|practitioner }}``: the same filter's words, escaped as the template did."""
    return str(conditional_escape(practitioner(user)))


def patient_name(patient) -> str:
    """``{{ patient.family_name|upper }}, {{ patient.given_name }}``"""
    return f"{escape(patient.family_name.upper())}, {escape(patient.given_name)}"
