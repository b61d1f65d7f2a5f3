"""Forms for improvement journeys, in the GOV.UK style. Each says what it needs; services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from school_improvement.core.forms import GovukForm, widget_class

from . import ladder, measures
from .models import EVALUATION_AREAS, Comparison, JourneyAction, Rag, SupportLink

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]


def date_field(label: str, *, required: bool = True, help_text: str = "For example, 27/03/2026") -> forms.DateField:
    return forms.DateField(label=label, required=required, input_formats=DATE_FORMATS, help_text=help_text,
                           widget=forms.DateInput(attrs={"class": "govuk-input--width-10"}, format="%d/%m/%Y"))


def text_area(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def set_choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field: Any = form.fields[name]
    field.choices = choices


def style_new_fields(form: forms.Form) -> None:
    """GOV.UK classes for fields added after the form was built (the mixin styles the declared ones)."""
    for field in form.fields.values():
        css = widget_class(field.widget)
        existing = field.widget.attrs.get("class", "")
        if css not in existing.split():
            field.widget.attrs["class"] = f"{css} {existing}".strip()


class PartForm(GovukForm):
    """A form posted with others on one page: ``part`` says which, and prefixes keep ids unique."""

    part = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.part)
        super().__init__(*args, **kwargs)


# --- opening and moving ---------------------------------------------------------------------------


class OpenForm(GovukForm):
    school = forms.TypedChoiceField(label="School", coerce=int)
    owner = forms.TypedChoiceField(label="Owner", coerce=int,
                                   help_text="A council adviser or a system leader (for example a consortium's "
                                             "lead headteacher).")
    reason = forms.CharField(label="Reason for opening a journey", required=False, widget=text_area(),
                             help_text="Not needed when the school's agreed category opens a journey.")
    clock_months = forms.IntegerField(label="Clock (months)", min_value=1, max_value=36, initial=12,
                                      help_text="How long the school has to show improvement before a decision "
                                                "is due: Ealing gives twelve months.",
                                      widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}))

    def __init__(self, *args: Any, schools: list[tuple[int, str]], owners: list[tuple[int, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "school", [("", "Choose a school"), *schools])
        set_choices(self, "owner", [("", "Choose the owner"), *owners])


class MoveForm(GovukForm):
    move = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Reason", required=False, widget=text_area(3))
    skip = forms.BooleanField(label="Skip the gate (head of service only)", required=False,
                              help_text="The reason is recorded with your name.")
    ratified_as = forms.ChoiceField(label="Who ratified it", required=False, widget=forms.RadioSelect, choices=[
        ("head_of_service", "I ratify it as head of service"),
        ("board", "The improvement board ratified it at a meeting recorded on this journey")])
    meeting = forms.TypedChoiceField(label="Improvement board meeting", required=False, coerce=int,
                                     empty_value=None)
    until = date_field("New date the decision is due", required=False)

    def __init__(self, *args: Any, meetings: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        set_choices(self, "meeting", [("", "Not by a board"), *meetings])


class ExitForm(GovukForm):
    reason = forms.CharField(label="Exit summary", widget=text_area(5),
                             help_text="What has improved, and how the school will sustain it. It goes in the "
                                       "exit report.")
    skip = forms.BooleanField(label="Exit although not every criterion is met (head of service only)",
                              required=False)


# --- diagnosis ---------------------------------------------------------------------------------------


class SummaryForm(PartForm):
    part = "summary"
    summary = forms.CharField(label="Diagnosis summary", required=False, widget=text_area(6),
                              help_text="What the evidence says about the school's strengths and weaknesses.")


class PriorityForm(PartForm):
    part = "priority"
    area = forms.ChoiceField(label="Ofsted evaluation area", choices=[("", "Choose an area"), *EVALUATION_AREAS])
    description = forms.CharField(label="Priority", widget=text_area(3))


class RemoveForm(GovukForm):
    item = forms.IntegerField(widget=forms.HiddenInput)


# --- statement of action ---------------------------------------------------------------------------


def _measure_fields(form: forms.Form) -> None:
    form.fields["measure"] = forms.ChoiceField(
        label="Measure (optional)", required=False,
        choices=[("", "Not tied to a measure"), *measures.measure_choices()],
        help_text="Tie it to a figure the product holds, so it is checked against the data.")
    form.fields["comparison"] = forms.ChoiceField(label="Compared as", required=False,
                                                  choices=[("", "Choose"), *Comparison.choices])
    form.fields["threshold"] = forms.DecimalField(label="Threshold", required=False, max_digits=8, decimal_places=2,
                                                  widget=forms.NumberInput(attrs={"class": "govuk-input--width-5",
                                                                                  "step": "any"}))
    style_new_fields(form)


class ObjectiveForm(PartForm):
    part = "objective"
    title = forms.CharField(label="Objective", max_length=300)
    success_criteria = forms.CharField(label="Success criteria", widget=text_area(3))
    priority = forms.TypedChoiceField(label="Priority it answers", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, priorities: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        set_choices(self, "priority", [("", "None"), *priorities])
        _measure_fields(self)


class MilestoneForm(PartForm):
    part = "milestone"
    title = forms.CharField(label="Milestone", max_length=300)
    due_on = date_field("Due by")
    objective = forms.TypedChoiceField(label="Objective", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, objectives: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        set_choices(self, "objective", [("", "None"), *objectives])


class ExitCriterionForm(PartForm):
    part = "exit_criterion"
    text = forms.CharField(label="Exit criterion", max_length=400)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _measure_fields(self)


class ScheduleForm(PartForm):
    part = "schedule"
    review_every_weeks = forms.IntegerField(label="Review every (weeks)", min_value=1, max_value=26,
                                            help_text="6 for half-termly, 12 for termly.",
                                            widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}))
    first_review_on = date_field("Date of the first review")
    clock_months = forms.IntegerField(label="Clock (months)", min_value=1, max_value=36,
                                      widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}))


class SupportForm(PartForm):
    part = "support"
    assignment = forms.TypedChoiceField(label="Support assignment", coerce=int)
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)

    def __init__(self, *args: Any, assignments: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        set_choices(self, "assignment", [("", "Choose support"), *assignments])


class NeedForm(PartForm):
    """A need raised with brokerage from the support package."""

    part = "need"
    area = forms.ChoiceField(label="Area of expertise")
    days = forms.IntegerField(label="Days of support", min_value=1, max_value=100,
                              widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}))
    priority = forms.TypedChoiceField(label="Priority", coerce=int)
    window_start = date_field("Support from", required=False,
                              help_text="For example, 27/03/2026. Left blank: when the journey's clock starts.")
    window_end = date_field("Support until", required=False,
                            help_text="For example, 27/03/2027. Left blank: when the journey's clock runs out.")
    note = forms.CharField(label="What the school needs (optional)", required=False, widget=text_area(3))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from school_improvement.brokerage.models import AREA_CHOICES, Priority

        super().__init__(*args, **kwargs)
        set_choices(self, "area", [("", "Choose an area"), *AREA_CHOICES])
        set_choices(self, "priority", list(Priority.choices))
        self.fields["priority"].initial = Priority.HIGH


class TaperForm(PartForm):
    part = "taper"
    link = forms.IntegerField(widget=forms.HiddenInput)
    intensity = forms.ChoiceField(label="Support from now", choices=SupportLink.Intensity.choices)
    note = forms.CharField(label="Why", max_length=300)


class JudgeForm(PartForm):
    part = "judge"
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    met = forms.TypedChoiceField(label="Is it met?", coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                 choices=[("yes", "Met"), ("no", "Not met")])
    note = forms.CharField(label="Evidence", widget=text_area(3))


# --- reviews, board, actions ---------------------------------------------------------------------------


class ReviewStartForm(GovukForm):
    held_on = date_field("Date of the review")


class ReviewForm(GovukForm):
    """A review: a RAG rating and evidence per objective, a summary and the next review date."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(label="Summary of progress", required=False, widget=text_area(4))
    next_review_on = date_field("Date of the next review", required=False)
    complete = forms.BooleanField(label="The review is complete", required=False,
                                  help_text="Its ratings become the journey's latest; the school is told.")

    def __init__(self, *args: Any, objectives: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.objectives = list(objectives)
        for o in self.objectives:
            self.fields[f"rag_{o.pk}"] = forms.ChoiceField(
                label=f"RAG rating: {o.title}", required=False, widget=forms.RadioSelect,
                choices=Rag.choices)
            self.fields[f"evidence_{o.pk}"] = forms.CharField(label=f"Evidence: {o.title}", required=False,
                                                              widget=text_area(3))
        order = ["version", *[n for o in self.objectives for n in (f"rag_{o.pk}", f"evidence_{o.pk}")],
                 "summary", "next_review_on", "complete"]
        self.order_fields(order)
        style_new_fields(self)

    def ratings(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {o.pk: (data.get(f"rag_{o.pk}") or "", data.get(f"evidence_{o.pk}") or "") for o in self.objectives}


class MeetingForm(PartForm):
    part = "meeting"
    held_on = date_field("Date of the meeting")
    attendees = forms.CharField(label="Attendees", widget=text_area(3), help_text="One person per line, with their role.")
    minutes = forms.CharField(label="Minutes", widget=text_area(6))


class ActionForm(PartForm):
    part = "action"
    description = forms.CharField(label="Action", max_length=500)
    owner = forms.TypedChoiceField(label="Owner", coerce=int)
    due_on = date_field("Due by")
    meeting = forms.TypedChoiceField(label="Agreed at meeting", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, owners: list[tuple[int, str]] = (), meetings: list[tuple[int, str]] = (),  # type: ignore[assignment]
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "owner", [("", "Choose who"), *owners])
        set_choices(self, "meeting", [("", "Not at a meeting"), *meetings])


class ActionUpdateForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    state = forms.ChoiceField(label="Status", choices=JourneyAction.State.choices, widget=forms.RadioSelect)
    progress = forms.CharField(label="Progress", required=False, widget=text_area(4))


# --- escalation -------------------------------------------------------------------------------------------


class StepProposeForm(PartForm):
    part = "propose"
    kind = forms.ChoiceField(label="Step", choices=[("", "Choose a step"), *[(r.kind, r.label) for r in ladder.LADDER]])
    reason = forms.CharField(label="Reason", widget=text_area(3))
    grounds = forms.MultipleChoiceField(label="Grounds (warning notice)", required=False,
                                        choices=list(ladder.GROUND_LABELS.items()),
                                        widget=forms.CheckboxSelectMultiple)
    grounds_detail = forms.CharField(label="The concerns that meet the grounds (warning notice)", required=False,
                                     widget=text_area(4))
    required_actions = forms.CharField(label="What the governing body must do (warning notice)", required=False,
                                       widget=text_area(3))
    compliance_by = date_field("Comply by (warning notice)", required=False,
                               help_text="The compliance period the council sets. For example, 27/03/2026")
    skip = forms.BooleanField(label="Skip the step below (head of service only)", required=False,
                              help_text="For example, eligibility because Ofsted placed the school in a category.")


class StepMoveForm(PartForm):
    part = "step"
    step = forms.IntegerField(widget=forms.HiddenInput)
    move = forms.ChoiceField(widget=forms.HiddenInput, choices=[(m, m) for m in ladder.STEP_MOVES])
    reason = forms.CharField(label="Note", required=False, widget=text_area(2))
    issued_on = date_field("Issued on", required=False)
    response = forms.CharField(label="The school's response", required=False, widget=text_area(4))
    response_on = date_field("Response received on", required=False)


class DfeContactForm(PartForm):
    part = "contact"
    on = date_field("Date")
    kind = forms.ChoiceField(label="Kind", choices=list(ladder.DFE_CONTACT_KINDS.items()))
    contact = forms.CharField(label="Who at the regions group", max_length=200)
    summary = forms.CharField(label="Summary", widget=text_area(3))
    evidence_sent = forms.CharField(label="Evidence sent (optional)", required=False, widget=text_area(3))


class TemplateForm(GovukForm):
    kind = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(label="Title", max_length=300)
    body = forms.CharField(label="Text", widget=text_area(14),
                           help_text="Placeholders such as $school_name, $council_name, $date, $reason, $grounds, "
                                     "$compliance_by and $required_actions are filled in.")
