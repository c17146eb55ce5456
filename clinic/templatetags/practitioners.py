"""``{{ user|practitioner }}``: a member of staff as every page names them.

Full name, else the username; a deactivated account (someone who left the clinic) is
marked "(no longer active)", and a missing one (a case with no physio yet) is a dash.
One filter for every page, so that a booking or a record written by someone who has
since left never breaks a page nor reads as a current colleague's.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()

NO_LONGER_ACTIVE = "(no longer active)"


@register.filter
def practitioner(user) -> str:
    """The person's name for a page, marked when their account is no longer active."""
    if not user:
        return "—"
    name = user.get_full_name() or user.username
    if not user.is_active:
        return format_html('{} <span class="muted">{}</span>', name, NO_LONGER_ACTIVE)
    return name
