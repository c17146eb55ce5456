"""What a report is asked for: the period, a practitioner, a condition (API and pages alike).

One form validates the query string of ``GET reports/<name>/`` and of the ``/reports/`` pages,
so both answer a bad value in the same words (a 400 naming the field on the API).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from clinic import roles
from clinic.errors import Invalid
from triage.selectors import conditions

# Without ``from``, a report covers the 90 days up to ``to`` (itself today by default).
DEFAULT_DAYS = 90
# The longest period one request may ask for: ten years of a clinic's work.
MAX_DAYS = 3660


@dataclass(frozen=True)
class ReportQuery:
    """A validated query: whole days in clinic time, both ends included."""

    start: date
    end: date
    practitioner: int | None = None
    condition: str | None = None

    @property
    def since(self) -> datetime:
        """The first instant of the period (clinic time)."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The first instant after the period (clinic time): the period is [since, until)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def as_params(self) -> dict[str, str]:
        params = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.practitioner is not None:
            params["practitioner"] = str(self.practitioner)
        if self.condition:
            params["condition"] = self.condition
        return params


def practitioners():
    """The staff a report may be filtered on: physios and doctors, active or not."""
    return (
        get_user_model()
        .objects.filter(groups__name__in=[roles.PHYSIO, roles.DOCTOR])
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class ReportQueryForm(forms.Form):
    # ``from`` is a Python keyword: the field is declared under its query-string name below.
    to = forms.DateField(required=False, label="To", input_formats=["%Y-%m-%d"])
    practitioner = forms.IntegerField(required=False, min_value=1, label="Practitioner")
    condition = forms.CharField(required=False, max_length=40, label="Condition")

    def clean_practitioner(self) -> int | None:
        value = self.cleaned_data.get("practitioner")
        if value is not None and not practitioners().filter(pk=value).exists():
            raise forms.ValidationError("No physio or doctor has this id.")
        return value

    def clean_condition(self) -> str | None:
        value = (self.cleaned_data.get("condition") or "").strip()
        if value and not conditions().filter(code=value).exists():
            raise forms.ValidationError("No condition of the catalogue has this code.")
        return value or None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        end = cleaned.get("to") or timezone.localdate()
        start = cleaned.get("from") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            self.add_error("to", "The end of the period must not be before its start.")
        elif (end - start).days >= MAX_DAYS:
            self.add_error("from", f"A report covers {MAX_DAYS} days at most.")
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def query(self) -> ReportQuery:
        """The validated query (call after ``is_valid()``)."""
        data = self.cleaned_data
        return ReportQuery(
            start=data["start"],
            end=data["end"],
            practitioner=data.get("practitioner"),
            condition=data.get("condition"),
        )


ReportQueryForm.base_fields = {
    "from": forms.DateField(required=False, label="From", input_formats=["%Y-%m-%d"]),
    **ReportQueryForm.base_fields,
}


def parse_query(params) -> ReportQuery:
    """The query of a request's parameters; ``Invalid`` (field by field) when one is wrong."""
    form = ReportQueryForm(params)
    if not form.is_valid():
        raise Invalid({field: list(messages) for field, messages in form.errors.items()})
    return form.query()
