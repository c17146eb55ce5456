"""``{% idempotency_token %}``: the hidden field that makes a page form safe to submit twice.

Put it beside ``{% csrf_token %}`` in every form that creates a record; the view is
decorated with ``clinic.idempotency.idempotent_form``.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from clinic.idempotency import FORM_FIELD, form_token

register = template.Library()


@register.simple_tag(takes_context=True)
def idempotency_token(context) -> str:
    """A hidden input with this form's token (kept when the form is shown again)."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FORM_FIELD, form_token(context.get("request"))
    )
