"""The assign-physio form's list of physios (clinic.forms.PhysioSelect): written in Python, it
must be the markup Django's own select templates write."""

from __future__ import annotations

import re

from django import forms

from clinic import roles
from clinic.forms import AssignPhysioForm, PhysioSelect
from tests.factories import CaseFactory, UserFactory


def _collapsed(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def _as_django_writes_it(form: AssignPhysioForm) -> str:
    field = form["assigned_physio"]
    return field.as_widget(widget=forms.Select(choices=field.field.choices))


def test_it_writes_the_physios_as_djangos_select_template_does(case, paula):
    # A name to escape, and the case's physio chosen: the option Django marks selected.
    UserFactory(username="o'neil", first_name="Aoife", last_name="O'Neil & <Co>", role=roles.PHYSIO)
    form = AssignPhysioForm(case=case)

    written = str(form["assigned_physio"])

    assert isinstance(form.fields["assigned_physio"].widget, PhysioSelect)
    assert f'<option value="{paula.pk}" selected>' in written
    assert "O&#x27;Neil &amp; &lt;Co&gt;" in written
    assert _collapsed(written) == _collapsed(_as_django_writes_it(form))


def test_it_marks_the_empty_choice_for_a_case_without_a_physio(db, paula):
    form = AssignPhysioForm(case=CaseFactory(assigned_physio=None))

    written = str(form["assigned_physio"])

    assert written.count("selected") == 1
    assert '<option value="" selected>Choose a physio</option>' in written
    assert _collapsed(written) == _collapsed(_as_django_writes_it(form))
