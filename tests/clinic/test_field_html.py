"""A checkbox list written in Python (clinic.field_html) is what includes/field.html writes."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template.loader import render_to_string

from clinic.field_html import checkbox_list_field
from triage.doctor_forms import CaseFilterForm


def _collapsed(html) -> str:
    return re.sub(r"\s+", " ", str(html)).strip()


def _template(field, **extra) -> str:
    return _collapsed(render_to_string("includes/field.html", {"field": field, **extra}))


class _Odd(forms.Form):
    tags = forms.MultipleChoiceField(
        label='Tags <b> & "quotes"',
        choices=[("a&b", "A <and> B"), ('q"', "Quote's"), (3, "Three")],
        required=True,
        widget=forms.CheckboxSelectMultiple,
        help_text="Pick <one> or more & go.",
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"status": ["open", "in_rehab"], "urgency": ["urgent", "routine"]},
        {"status": ["bogus"], "urgency": ["soon"]},
        {},
    ],
)
def test_the_doctors_filters_read_as_the_template_wrote_them(data):
    form = CaseFilterForm(data)
    form.is_valid()
    for name in ("status", "urgency"):
        assert _collapsed(checkbox_list_field(form[name])) == _template(form[name])


def test_a_bogus_choice_marks_every_box_invalid_and_says_why():
    form = CaseFilterForm({"status": ["bogus"]})
    form.is_valid()

    html = str(checkbox_list_field(form["status"]))

    assert 'class="field has-error"' in html
    assert html.count('aria-invalid="true"') == 6
    assert "bogus is not one of the available choices" in html


def test_the_boxes_chosen_are_checked_and_the_others_not():
    form = CaseFilterForm({"urgency": ["soon"]})
    form.is_valid()

    html = str(checkbox_list_field(form["urgency"]))

    assert '<input type="checkbox" name="urgency" value="soon" id="id_urgency_1" checked>' in html
    assert html.count(" checked") == 1


@pytest.mark.parametrize("data", [None, {"tags": ["a&b", "3"]}, {"tags": []}])
@pytest.mark.parametrize("vertical", [False, True])
def test_labels_values_hints_and_errors_are_escaped_as_the_template_does(data, vertical):
    form = _Odd(data, prefix="odd")
    form.is_valid()

    html = checkbox_list_field(form["tags"], vertical=vertical)

    assert _collapsed(html) == _template(form["tags"], vertical=vertical)
    assert "<b>" not in html and "<and>" not in html and "<one>" not in html


def test_a_form_without_ids_is_left_to_the_widget_machinery():
    with pytest.raises(TypeError):
        checkbox_list_field(_Odd(auto_id=False)["tags"])


def test_other_widgets_are_left_to_the_widget_machinery():
    class Radio(forms.Form):
        side = forms.ChoiceField(choices=[("l", "Left")], widget=forms.RadioSelect)

    with pytest.raises(TypeError):
        checkbox_list_field(Radio()["side"])
