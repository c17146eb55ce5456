"""A list of checkboxes (``forms.CheckboxSelectMultiple``) written in Python, with the markup
``templates/includes/field.html`` writes for it through Django's widget templates.

The widget machinery renders each option through a template of its own (its attributes, its
label, its ``checked``): about a thousand function calls an option, the largest piece of the
doctors' case list's rendering for its two filter fields of nine options. The same markup as one
f-string per option instead, as the worklists' rows are (``clinic.worklist_html``): the same ids
(``id_<name>_<n>``) and labels, so the browser finds each box by its label as before; every
value, label and message through ``html.escape``.
"""

from __future__ import annotations

from html import escape

from django import forms
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe


def checkbox_list_field(field: BoundField, *, vertical: bool = False) -> SafeString:
    """``{% include "includes/field.html" with field=field %}`` for a checkbox list field."""
    widget = field.field.widget
    auto_id = field.auto_id
    plain = type(widget) is forms.CheckboxSelectMultiple and not widget.attrs
    if not plain or field.field.disabled or not auto_id:
        # Only the plain widget with ids (the labels name their boxes): other attributes, a
        # subclass's template or a disabled field are what the widget machinery is for.
        raise TypeError(f"{field.html_name}: not a plain CheckboxSelectMultiple with ids")
    errors = field.errors
    chosen = set(widget.format_value(field.value()))
    invalid = ' aria-invalid="true"' if errors else ""
    name = escape(field.html_name)
    options = []
    for n, (value, label) in enumerate(field.field.choices):
        value = str(value)
        if isinstance(label, (list, tuple)):
            raise TypeError(f"{field.html_name}: grouped choices")
        box_id = escape(f"{auto_id}_{n}")
        checked = " checked" if value in chosen else ""
        options.append(
            f'<li><label for="{box_id}">'
            f'<input type="checkbox" name="{name}" value="{escape(value)}" id="{box_id}"{checked}'
            f"{invalid}> {escape(str(label))}</label></li>"
        )
    hint = f'<p class="hint">{escape(str(field.help_text))}</p>' if field.help_text else ""
    messages = "".join(f'<p class="field-error">{escape(str(e))}</p>' for e in errors)
    html = (
        f'<div class="field{" has-error" if errors else ""}" id="field-{name}">\n'
        f'  <fieldset class="plain">\n'
        f"    <legend>{escape(str(field.label))}</legend>\n"
        f"    {hint}\n"
        f"    {messages}\n"
        f'    <ul class="choices{" stacked" if vertical else ""}">\n'
        f"      {''.join(options)}\n"
        f"    </ul>\n"
        f"  </fieldset>\n"
        f"</div>"
    )
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 (every value escaped above)
