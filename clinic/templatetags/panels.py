"""``{% case_panel panel %}``: one app's section of a case page (clinic.panels), rendered with
its own context, as an inclusion tag renders its template."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def case_panel(context, panel) -> str:
    """Render a CasePanel's template with its context (the request and CSRF token kept)."""
    panel_template = context.template.engine.get_template(panel.template)
    panel_context = context.new(panel.context)
    if "csrf_token" in context:
        panel_context["csrf_token"] = context["csrf_token"]
    return panel_template.render(panel_context)
