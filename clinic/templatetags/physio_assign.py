"""``{% assign_physio case %}``: the form that assigns or changes a case's physio.

One form for every page that offers it (the triage result, the case page, the patient record),
posted to ``case-assign-physio`` (``clinic.views.case_assign_physio``), which calls the same
service as the API and comes back to the page. Shown to the roles that may assign
(``clinic.roles.PHYSIO_ASSIGNERS``), on a case that has not ended.
"""

from __future__ import annotations

from django import template

from clinic import roles
from clinic.forms import AssignPhysioForm

register = template.Library()


@register.inclusion_tag("clinic/_assign_physio.html", takes_context=True)
def assign_physio(context, case) -> dict:
    """The assign-physio form for this case, or nothing for a role that may not assign."""
    request = context["request"]
    shown = roles.role_of(request.user) in roles.PHYSIO_ASSIGNERS and not case.is_ended
    form = AssignPhysioForm(case=case, initial={"next": request.get_full_path()}) if shown else None
    return {"case": case, "form": form, "shown": shown}
