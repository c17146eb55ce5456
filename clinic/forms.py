"""Forms of the clinic core: a patient's demographics; a service's refusal shown on a form."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from clinic import bounds, errors, selectors, services
from clinic.models import Case, Channel, Patient, Sex


def add_service_errors(form: forms.Form, exc: errors.DomainError) -> None:
    """Show what a service refused on the page's form, the one way every page does it.

    An ``Invalid``'s messages go beside the fields they name (a field the form does not have,
    and ``errors.NON_FIELD``, at the top); any other refusal (a conflict, say) at the top.
    """
    if isinstance(exc, errors.Invalid):
        for name, messages in exc.errors.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, exc.message)


class PatientRulesMixin:
    """A patient form that asks the patient service's rules (services.patient_check) of what
    it was given, and shows each broken one beside its field: the page and admin alike."""

    def clean(self):
        data = super().clean()
        values = {
            # A field that failed is not judged again; one the form lacks is the record's.
            name: data.get(name) if name in self.fields else getattr(self.instance, name, None)
            for name in services.PATIENT_RULE_FIELDS
        }
        try:
            services.patient_check(**values)
        except errors.Invalid as exc:
            for name, messages in exc.errors.items():
                if name not in self.errors:
                    self.add_error(name if name in self.fields else None, messages)
        else:
            if data.get("phone"):
                # Stored in E.164 by every door (admin saves the form itself).
                data["phone"] = services.phone_e164(data["phone"])
        return data


class PatientForm(PatientRulesMixin, forms.ModelForm):
    """A new patient's demographics and reminder preferences."""

    allow_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Patient
        fields = [
            "given_name",
            "family_name",
            "date_of_birth",
            "sex",
            "email",
            "phone",
            "preferred_channel",
            "reminder_consent",
        ]
        labels = {
            "given_name": "First name",
            "family_name": "Last name",
            "date_of_birth": "Date of birth",
            "email": "Email address",
            "phone": "Mobile phone",
            "preferred_channel": "Reminders by",
            "reminder_consent": "The patient agrees to receive reminders",
        }
        help_texts = {"phone": "With the country code for text messages, e.g. +33 6 12 34 56 78."}
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "sex": forms.RadioSelect(choices=Sex.choices),
            "preferred_channel": forms.RadioSelect(choices=Channel.choices),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        bounds.validate_birth_date(born)
        return born


class PatientAdminForm(PatientRulesMixin, forms.ModelForm):
    """The base of Django admin's patient form (admin adds the model and its fields): the
    same rules as the pages and the API."""


class CaseAdminForm(forms.ModelForm):
    """Admin's case form: an ended case keeps its physio (services.case_check_reassign)."""

    class Meta:
        model = Case
        fields = [
            "patient",
            "side",
            "status",
            "urgency",
            "assigned_physio",
            "opened_at",
            "discharged_at",
        ]

    def clean(self):
        data = super().clean()
        if self.instance.pk is not None and "assigned_physio" in data:
            stored = Case.objects.get(pk=self.instance.pk)
            try:
                services.case_check_reassign(case=stored, physio=data["assigned_physio"])
            except errors.Conflict as exc:
                self.add_error("assigned_physio", exc.message)
        return data


def _html_attrs(attrs: dict) -> SafeString:
    """A widget's attributes in their order, as ``django/forms/widgets/attrs.html`` writes them."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class PhysioSelect(forms.Select):
    """Django's ``<select>``, its options written here rather than by a template each.

    The case page offers the form on every request, and the form renderer's two templates per
    option (``select_option.html``, ``attrs.html``) were most of the widget's cost; the markup
    is the same as theirs.
    """

    def render(self, name, value, attrs=None, renderer=None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], _html_attrs(option["attrs"]), option["label"])
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            widget["name"],
            _html_attrs(widget["attrs"]),
            options,
        )


class PhysioChoiceField(forms.ModelChoiceField):
    """The active physios (clinic.selectors.physios), each by full name."""

    widget = PhysioSelect

    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class AssignPhysioForm(forms.Form):
    """Assign or change a case's physio: only active physios are offered."""

    assigned_physio = PhysioChoiceField(
        queryset=None, label="Physio", empty_label="Choose a physio"
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_physio"].queryset = selectors.physios()
        if case is not None:
            # Distinct ids per case: a page may carry one form per case.
            self.auto_id = f"id_case{case.pk}_%s"
            if case.assigned_physio_id and not self.is_bound:
                self.initial.setdefault("assigned_physio", case.assigned_physio_id)
