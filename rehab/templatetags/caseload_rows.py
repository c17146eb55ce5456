"""``{% caseload_rows cases %}``: the physio's caseload rows, built by ``rehab.caseload_html``."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from rehab import caseload_html

register = template.Library()


@register.simple_tag
def caseload_rows(cases) -> SafeString:
    """Every row of a page of the caseload."""
    return caseload_html.caseload_rows(cases)
