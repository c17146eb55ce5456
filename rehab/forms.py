"""Forms of the physio and reception pages. They validate input; the services decide."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from clinic import bounds
from clinic.measures import DORSIFLEXION_MAX_DEG, DORSIFLEXION_MIN_DEG, NPRS_MAX, NPRS_MIN
from clinic.selectors import physios
from diary.models import Room
from diary.selectors import NO_SHOW_DAYS, NO_SHOW_FLAG, no_show_counts
from rehab.instruments.catalogue import INSTRUMENTS, Instrument
from rehab.models import (
    ITEM_HOLD_SECONDS_MAX,
    ITEM_PER_WEEK_MAX,
    ITEM_REPS_MAX,
    ITEM_SETS_MAX,
    PLAN_FREQUENCY_MAX,
    PLAN_SESSIONS_MAX,
    RUN_DECISION_CHOICES,
    RUN_DISTANCE_KM_MAX,
    RUN_MINUTES_MAX,
    SESSION_MINUTES_MAX,
    SESSION_MINUTES_MIN,
    Checklist,
    Decision,
    Exercise,
    Intervention,
    SessionStatus,
    WalkRunTemplate,
)
from rehab.return_to_run_rules import MEASURES, RETURN_TO_RUN_CHECKLISTS
from rehab.services.sessions import SERIES_COUNT_MAX, SERIES_INTERVAL_MAX_DAYS

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def nprs_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=NPRS_MIN,
        max_value=NPRS_MAX,
        required=False,
        help_text="0 = no pain, 10 = worst pain imaginable.",
        widget=forms.NumberInput(attrs={"min": NPRS_MIN, "max": NPRS_MAX, "step": 1}),
    )


class PlanForm(forms.Form):
    goals = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the runner should be able to do at the end, e.g. run 10 km pain-free.",
    )
    planned_sessions = forms.IntegerField(
        label="Planned sessions", min_value=1, max_value=PLAN_SESSIONS_MAX
    )
    frequency = forms.IntegerField(
        label="Sessions per week", min_value=1, max_value=PLAN_FREQUENCY_MAX
    )
    home_exercises = forms.CharField(
        label="Home exercises", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    started_on = forms.DateField(
        label="Start date", widget=DATE_INPUT, validators=[bounds.validate_clinic_date]
    )


class SessionLogForm(forms.Form):
    """What the physio records about a session."""

    status = forms.ChoiceField(
        label="Did the patient attend?",
        choices=[
            (SessionStatus.ATTENDED, "Attended"),
            (SessionStatus.NO_SHOW, "Did not attend (no-show)"),
        ],
        widget=forms.RadioSelect,
        initial=SessionStatus.ATTENDED,
    )
    interventions = forms.MultipleChoiceField(
        label="What was done",
        choices=Intervention.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pain_before = nprs_field("Pain before the session (0-10)")
    pain_after = nprs_field("Pain after the session (0-10)")
    dorsiflexion_deg = forms.IntegerField(
        label="Dorsiflexion (degrees)",
        required=False,
        min_value=DORSIFLEXION_MIN_DEG,
        max_value=DORSIFLEXION_MAX_DEG,
        help_text="Weight-bearing lunge test, injured side.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    home_exercises = forms.CharField(
        label="Home exercises", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == SessionStatus.NO_SHOW:
            for name in ("interventions", "pain_before", "pain_after"):
                if data.get(name) not in (None, [], ""):
                    self.add_error(name, "Leave this empty for a session the patient missed.")
        return data

    def clinical(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "interventions": list(data.get("interventions") or []),
            "pain_before": data.get("pain_before"),
            "pain_after": data.get("pain_after"),
            "dorsiflexion_deg": data.get("dorsiflexion_deg"),
            "notes": data.get("notes", ""),
            "home_exercises": data.get("home_exercises", ""),
        }


class SessionRecordForm(SessionLogForm):
    """A session recorded after the fact by the physio: when it took place, then the log."""

    scheduled_at = forms.DateTimeField(
        label="Date and time",
        widget=DATETIME_INPUT,
        input_formats=DATETIME_FORMATS,
        validators=[bounds.validate_clinic_datetime],
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)", min_value=SESSION_MINUTES_MIN, max_value=SESSION_MINUTES_MAX
    )
    field_order = ["scheduled_at", "duration_minutes", "status"]


def _case_label(case, no_shows: dict[int, int] | None = None) -> str:
    side = f", {case.get_side_display().lower()}" if case.side else ""
    patient = case.patient
    name = f"{patient.family_name.upper()}, {patient.given_name}"
    label = f"{name} ({patient.mrn}) — case #{case.pk}{side}"
    missed = (no_shows or {}).get(patient.pk, 0)
    if missed >= NO_SHOW_FLAG:
        label += f" — missed {missed} appointments in {NO_SHOW_DAYS} days"
    return label


class BookingForm(forms.Form):
    """Reception books a session: which case, when, how long. No clinical field."""

    case = forms.ModelChoiceField(queryset=None, label="Patient and case", empty_label="Choose…")
    scheduled_at = forms.DateTimeField(
        label="Date and time",
        widget=DATETIME_INPUT,
        input_formats=DATETIME_FORMATS,
        validators=[bounds.validate_clinic_datetime],
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        min_value=SESSION_MINUTES_MIN,
        max_value=SESSION_MINUTES_MAX,
        initial=45,
    )
    physio = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        label="Physio",
        required=False,
        empty_label="The case's assigned physio",
    )
    room = forms.ModelChoiceField(
        queryset=Room.objects.filter(active=True).order_by("name"),
        label="Room",
        required=False,
        blank=True,  # a radio button for "the usual room" too
        empty_label="The physio's usual room",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_bookable_cases(self, cases)


class SeriesForm(forms.Form):
    """Reception books a series of sessions from the treatment plan: the first time, how
    many, how many days apart. No clinical field."""

    case = forms.ModelChoiceField(queryset=None, label="Patient and case", empty_label="Choose…")
    first_at = forms.DateTimeField(
        label="First session",
        widget=DATETIME_INPUT,
        input_formats=DATETIME_FORMATS,
        validators=[bounds.validate_clinic_datetime],
        help_text="The others follow at the same time of day.",
    )
    count = forms.IntegerField(
        label="Number of sessions", min_value=1, max_value=SERIES_COUNT_MAX, initial=6
    )
    interval_days = forms.IntegerField(
        label="Days between sessions",
        min_value=1,
        max_value=SERIES_INTERVAL_MAX_DAYS,
        initial=7,
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        min_value=SESSION_MINUTES_MIN,
        max_value=SESSION_MINUTES_MAX,
        initial=45,
    )
    physio = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        label="Physio",
        required=False,
        empty_label="The case's assigned physio",
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_bookable_cases(self, cases)


def _offer_bookable_cases(form: forms.Form, cases) -> None:
    """A booking form's case and physio choices: the cases given, each labelled with its
    patient (flagged when they often miss appointments: one query), and the active physios."""
    form.fields["case"].queryset = cases
    no_shows = no_show_counts(list(cases.values_list("patient_id", flat=True)))
    form.fields["case"].label_from_instance = lambda case: _case_label(case, no_shows)
    _offer_active_physios(form.fields["physio"])


def _offer_active_physios(field: forms.ModelChoiceField) -> None:
    """The physios a booking may be given to: active ones, by name."""
    field.queryset = physios()
    field.label_from_instance = lambda u: u.get_full_name() or u.username


class MoveForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label="New date and time",
        widget=DATETIME_INPUT,
        input_formats=DATETIME_FORMATS,
        validators=[bounds.validate_clinic_datetime],
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)", min_value=SESSION_MINUTES_MIN, max_value=SESSION_MINUTES_MAX
    )
    physio = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        label="Physio",
        required=False,
        empty_label="The session's physio",
        help_text="Another physio may take the session.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_active_physios(self.fields["physio"])


class DischargeForm(forms.Form):
    summary = forms.CharField(
        label="Discharge summary",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Diagnosis, treatment given, outcome, advice for running and when to come back.",
    )


# ---------------------------------------------------------------------------
# Questionnaires, built from rehab.instruments.catalogue.INSTRUMENTS (the scorer's own data)
# ---------------------------------------------------------------------------


def _item_field(name: str) -> str:
    return f"item_{name}"


class OutcomeForm(forms.Form):
    """One radio group per item, in the questionnaire's wording.

    A radio's value is the choice's position (CAIT items 8 and 9 print two choices
    worth the same points); ``answers()`` turns positions back into the values the
    scorer expects. FAAM items may be left blank (the scorer decides if enough were
    answered).
    """

    # A 0-10 scale (VISA-A items 1-6, NPRS) stands in a row, not eleven stacked radios.
    SCALE_CHOICES = 11

    def __init__(self, *args, instrument: Instrument, asks_date_and_side: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        if asks_date_and_side:  # the clinic's form; the runner answers today, for the asked side
            self._add_date_and_side(instrument)
        self._add_items(instrument)

    def _add_date_and_side(self, instrument: Instrument) -> None:
        self.fields["filled_on"] = forms.DateField(
            label="Date filled in",
            required=False,
            initial=timezone.localdate,
            widget=DATE_INPUT,
            help_text="Today (the default), or the day the patient filled it in on paper.",
            validators=[bounds.validate_clinic_date],
        )
        self.fields["side"] = forms.ChoiceField(
            label="Which ankle?",
            choices=[("left", "Left"), ("right", "Right")],
            widget=forms.RadioSelect,
            required=instrument.code == "cait",
            help_text="Required for CAIT, which is asked about one ankle."
            if instrument.code == "cait"
            else "Optional.",
        )

    def _add_items(self, instrument: Instrument) -> None:
        optional = instrument.code.startswith("faam")
        for item in instrument.items:
            if item.branches:
                self.fields[_item_field(f"{item.number}_branch")] = forms.ChoiceField(
                    label=f"{item.number}. {item.text}",
                    choices=[(b.code, f"{b.code}. {b.text}") for b in item.branches],
                    widget=forms.RadioSelect,
                )
                minutes = item.branches[0].choices
                self.fields[_item_field(f"{item.number}_minutes")] = forms.ChoiceField(
                    label=f"{item.number}. For how long can you train/practise?",
                    choices=[(c.value, c.label) for c in minutes],
                    widget=forms.RadioSelect,
                )
                continue
            self.fields[_item_field(item.number)] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                choices=[(str(i), c.label) for i, c in enumerate(item.choices)],
                coerce=int,
                empty_value=None,
                required=not optional,
                widget=forms.RadioSelect,
            )

    def scale_fields(self) -> set[str]:
        """The items answered on a 0-10 scale, which the page lays out in a row."""
        return {
            name
            for name, field in self.fields.items()
            if name.startswith("item_") and len(field.choices) == self.SCALE_CHOICES
        }

    def item_fields(self):
        """The questionnaire's items (the date and the side come first, on their own)."""
        return [self[name] for name in self.fields if name.startswith("item_")]

    def recorded_at(self) -> datetime.datetime:
        """When it was filled in: now for today, midday (clinic time) for an earlier day."""
        day = self.cleaned_data.get("filled_on")
        if day is None or day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))

    def answers(self) -> list[Any]:
        data = self.cleaned_data
        answers: list[Any] = []
        for item in self.instrument.items:
            if item.branches:
                answers.append(
                    {
                        "branch": data[_item_field(f"{item.number}_branch")],
                        "minutes": data[_item_field(f"{item.number}_minutes")],
                    }
                )
                continue
            position = data.get(_item_field(item.number))
            answers.append(None if position is None else item.choices[position].value)
        return answers

    def add_answer_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the scorer's errors ("answers[3]", "answers[7].branch") beside their items."""
        for key, messages in errors.items():
            field = None
            if key.startswith("answers["):
                index, _, part = key[len("answers[") :].partition("]")
                number = int(index) + 1
                field = _item_field(f"{number}_{part.lstrip('.')}" if part else number)
                if field not in self.fields:
                    field = None
            for message in messages:
                self.add_error(field, message)


def instrument_choices() -> list[tuple[str, str]]:
    return [(code, instrument.name) for code, instrument in INSTRUMENTS.items()]


# ---------------------------------------------------------------------------
# Return to run
# ---------------------------------------------------------------------------

YES, NO = "yes", "no"


class ReturnToRunForm(forms.Form):
    """The checklist (one field per criterion of the chosen list) and the decision."""

    checklist = forms.ChoiceField(
        label="Checklist", choices=Checklist.choices, widget=forms.RadioSelect
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("", "No decision yet"), *Decision.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    decided_on = forms.DateField(
        label="Decision date",
        widget=DATE_INPUT,
        required=False,
        validators=[bounds.validate_clinic_date],
    )
    reason = forms.CharField(
        label="Reason for the decision", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    override_reason = forms.CharField(
        label="Reason to clear although the checklist is not met",
        help_text="Only to clear a runner whose checklist is not fully met.",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, checklist: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist_code = checklist
        self.criteria = RETURN_TO_RUN_CHECKLISTS[checklist]
        for criterion in self.criteria:
            name = f"criterion_{criterion.code}"
            if criterion.kind == "bool":
                self.fields[name] = forms.ChoiceField(
                    label=criterion.label,
                    help_text=criterion.guidance,
                    choices=[(YES, "Satisfactory"), (NO, "Not yet"), ("", "Not assessed")],
                    widget=forms.RadioSelect,
                    required=False,
                )
            else:
                self.fields[name] = forms.IntegerField(
                    label=f"{criterion.label} ({criterion.unit.strip('/') or 'value'})"
                    if criterion.kind != "nprs"
                    else f"{criterion.label} (0-10)",
                    help_text=criterion.guidance,
                    required=False,
                    min_value=NPRS_MIN if criterion.kind == "nprs" else None,
                    max_value=NPRS_MAX if criterion.kind == "nprs" else None,
                )

        for measure in MEASURES:
            for side in ("left", "right"):
                self.fields[f"measure_{measure.code}_{side}"] = forms.DecimalField(
                    label=f"{measure.label}, {side} ({measure.unit})",
                    required=False,
                    min_value=0,
                    max_value=measure.max_value,
                    max_digits=6,
                    decimal_places=1,
                )

    def criterion_fields(self):
        return [self[f"criterion_{c.code}"] for c in self.criteria]

    def measure_rows(self):
        """Per measure: its label and its left and right fields, for the template."""
        return [
            (m, self[f"measure_{m.code}_left"], self[f"measure_{m.code}_right"]) for m in MEASURES
        ]

    def measures(self) -> dict[str, tuple[Any, Any]]:
        """The measures given on both sides: code -> (left, right)."""
        given = {}
        for measure in MEASURES:
            left = self.cleaned_data.get(f"measure_{measure.code}_left")
            right = self.cleaned_data.get(f"measure_{measure.code}_right")
            if left is not None and right is not None:
                given[measure.code] = (left, right)
        return given

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for criterion in self.criteria:
            raw = self.cleaned_data.get(f"criterion_{criterion.code}")
            if criterion.kind == "bool":
                values[criterion.code] = {YES: True, NO: False}.get(raw)
            else:
                values[criterion.code] = raw
        return values

    def clean(self):
        data = super().clean()
        if data.get("decision") and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give the reason for the decision.")
        if data.get("decision") and not data.get("decided_on"):
            data["decided_on"] = timezone.localdate()
        for measure in MEASURES:
            left, right = (f"measure_{measure.code}_{side}" for side in ("left", "right"))
            if (data.get(left) is None) != (data.get(right) is None):
                missing = left if data.get(left) is None else right
                if missing not in self.errors:
                    self.add_error(missing, "Give both sides, or neither.")
        return data


def initial_for_rtr(rtr) -> dict[str, Any]:
    """The form's initial values from a saved ReturnToRun (or none)."""
    if rtr is None:
        return {}
    initial: dict[str, Any] = {
        "checklist": rtr.checklist,
        "decision": rtr.decision,
        "decided_on": rtr.decided_on,
        "reason": rtr.reason,
        "override_reason": rtr.override_reason,
    }
    for row in rtr.measures.all():
        initial[f"measure_{row.measure}_left"] = row.left
        initial[f"measure_{row.measure}_right"] = row.right
    for row in rtr.criteria.all():
        value = row.value
        initial[f"criterion_{row.code}"] = (
            {True: YES, False: NO}[value] if isinstance(value, bool) else value
        )
    return initial


# ---------------------------------------------------------------------------
# Home exercise programmes and the return-to-run log
# ---------------------------------------------------------------------------


class ProgrammeItemForm(forms.Form):
    """One row of the programme form; a row without an exercise is left out."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    exercise = forms.ModelChoiceField(
        queryset=Exercise.objects.filter(active=True).order_by("category", "name"),
        required=False,
        empty_label="— none —",
    )
    sets = forms.IntegerField(min_value=1, max_value=ITEM_SETS_MAX, required=False)
    reps = forms.IntegerField(label="Reps", min_value=1, max_value=ITEM_REPS_MAX, required=False)
    hold_seconds = forms.IntegerField(
        label="Hold (s)", min_value=1, max_value=ITEM_HOLD_SECONDS_MAX, required=False
    )
    per_week = forms.IntegerField(
        label="Days a week", min_value=1, max_value=ITEM_PER_WEEK_MAX, required=False
    )
    notes = forms.CharField(required=False, max_length=500)

    def clean(self):
        data = super().clean()
        if data.get("exercise") is None:
            return data
        if data.get("sets") is None:
            self.add_error("sets", "Give the sets.")
        if data.get("per_week") is None:
            self.add_error("per_week", "Give the days a week.")
        if data.get("reps") is None and data.get("hold_seconds") is None:
            self.add_error("reps", "Give the repetitions, the seconds to hold, or both.")
        return data


ProgrammeItemFormSet = forms.formset_factory(ProgrammeItemForm, extra=3)


class ProgrammeForm(forms.Form):
    starts_on = forms.DateField(
        label="Start date",
        widget=DATE_INPUT,
        help_text="Today, or the day a programme begun on paper started.",
    )


class ExerciseLogForm(forms.Form):
    """One day of a paper diary: the items done and the pain."""

    date = forms.DateField(widget=DATE_INPUT, validators=[bounds.validate_clinic_date])
    completed = forms.MultipleChoiceField(
        label="Exercises done", required=False, widget=forms.CheckboxSelectMultiple
    )
    pain = nprs_field("Pain during the exercises")

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed"].choices = [(str(item.pk), str(item.exercise)) for item in items]


class RunPlanForm(forms.Form):
    template = forms.ModelChoiceField(
        label="Walk-run progression",
        queryset=WalkRunTemplate.objects.filter(active=True),
        empty_label=None,
    )
    stage = forms.IntegerField(label="Stage", min_value=1, initial=1)
    shoe_model = forms.CharField(label="Shoe model", required=False, max_length=120)
    shoe_km = forms.IntegerField(
        label="Kilometres on the shoes", required=False, min_value=0, max_value=10000
    )
    shoe_change_on = forms.DateField(
        label="Shoes changed on",
        required=False,
        widget=DATE_INPUT,
        validators=[bounds.validate_clinic_date],
    )
    cadence_cue = forms.CharField(
        label="Cadence cue",
        required=False,
        max_length=200,
        help_text="e.g. aim for 170-175 steps a minute.",
    )
    technique_cues = forms.CharField(
        label="Technique cues", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RunForm(forms.Form):
    """A run from the runner's paper diary."""

    date = forms.DateField(widget=DATE_INPUT, validators=[bounds.validate_clinic_date])
    minutes = forms.IntegerField(min_value=1, max_value=RUN_MINUTES_MAX)
    distance_km = forms.DecimalField(
        label="Distance (km)",
        required=False,
        min_value=0,
        max_value=RUN_DISTANCE_KM_MAX,
        decimal_places=2,
    )
    pain_during = nprs_field("Pain during the run")
    pain_after = nprs_field("Pain after the run")
    pain_next_morning = nprs_field("Pain the next morning")

    def clean(self):
        data = super().clean()
        for name in ("pain_during", "pain_after"):
            if name in data and data[name] is None:
                self.add_error(name, "Give the pain, 0 to 10.")
        return data


class RunOverrideForm(forms.Form):
    decision = forms.ChoiceField(label="Your decision", choices=RUN_DECISION_CHOICES)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
