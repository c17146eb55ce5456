"""``{% case_list_rows cases %}``, ``{% intakes_today_rows intakes %}``: the worklists' rows,
built by ``triage.worklist_html``."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from triage import worklist_html

register = template.Library()


@register.simple_tag
def case_list_rows(cases) -> SafeString:
    """Every row of the doctors' case list page."""
    return worklist_html.case_list_rows(cases)


@register.simple_tag
def intakes_today_rows(intakes) -> SafeString:
    """Every row of reception's today's intakes."""
    return worklist_html.intakes_today_rows(intakes)
