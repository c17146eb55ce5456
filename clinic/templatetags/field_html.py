"""``{% checkbox_list_field form.status %}``: a checkbox list field as
``templates/includes/field.html`` writes it, built by ``clinic.field_html``."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from clinic import field_html

register = template.Library()


@register.simple_tag
def checkbox_list_field(field, vertical: bool = False) -> SafeString:
    """One checkbox list field: its legend, hint, errors and a box per choice."""
    return field_html.checkbox_list_field(field, vertical=vertical)
