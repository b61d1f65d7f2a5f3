"""Forms for adviser time and visits, in the GOV.UK style."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from school_improvement.core.forms import GovukForm, widget_class

from .models import FOCUS_AREAS, TERMS, Funding, Purpose, Term, Verdict, Visit
from .note_templates import template_for
from .services import DraftNote

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]
DATE_WIDGET = forms.DateInput(attrs={"class": "govuk-input--width-10"}, format="%d/%m/%Y")
AREA_CHOICES = [("", "No particular area"), *FOCUS_AREAS.items()]


def date_field(label: str, *, required: bool = True, help_text: str = "For example, 27/03/2026") -> forms.DateField:
    return forms.DateField(label=label, required=required, input_formats=DATE_FORMATS, widget=DATE_WIDGET,
                           help_text=help_text)


def days_field(label: str, *, help_text: str = "", max_value: int = 100) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=Decimal("0"), max_value=max_value, decimal_places=1,
                              max_digits=5, help_text=help_text,
                              widget=forms.NumberInput(attrs={"class": "govuk-input--width-4", "step": "0.5"}))


def style(form: forms.Form) -> None:
    """GOV.UK classes for fields added after the form was made (GovukForm styles the declared ones)."""
    for field in form.fields.values():
        css = widget_class(field.widget)
        existing = field.widget.attrs.get("class", "")
        if css not in existing.split():
            field.widget.attrs["class"] = f"{css} {existing}".strip()


class CapacityForm(GovukForm):
    autumn_days = days_field("Autumn term (days)")
    spring_days = days_field("Spring term (days)")
    summer_days = days_field("Summer term (days)")
    note = forms.CharField(label="Note (optional)", max_length=300, required=False,
                           help_text="For example, '0.6 FTE' or 'associate contract: 20 days'.")


class EntitlementForm(GovukForm):
    adviser_days = days_field("Adviser days a year", max_value=200)
    visits_per_year = forms.DecimalField(label="Visits a year", min_value=Decimal("0"), max_value=40,
                                         decimal_places=1, max_digits=4,
                                         widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}))
    reason = forms.CharField(label="Why it is set by hand", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="For example, 'new headteacher: extra support agreed at the case conference'.")


class SettingsForm(GovukForm):
    default_adviser_days = days_field("Adviser days a year for a school with no agreed category", max_value=200)
    default_visits_per_year = forms.DecimalField(label="Visits a year for such a school", min_value=Decimal("0"),
                                                 max_value=40, decimal_places=1, max_digits=4,
                                                 widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}))
    accuracy_window_days = forms.IntegerField(label="Days the school has to check a note", min_value=1,
                                              max_value=60, widget=forms.NumberInput(
                                                  attrs={"class": "govuk-input--width-4"}))
    note_due_days = forms.IntegerField(label="Days after a visit by which its note should go to the school",
                                       min_value=1, max_value=60,
                                       widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}))


class ScheduleForm(GovukForm):
    year = forms.TypedChoiceField(label="School year", coerce=int)

    def __init__(self, *args: Any, years: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = years  # type: ignore[attr-defined]


class PlanForm(GovukForm):
    planned_date = date_field("Date of the visit")
    purpose = forms.ChoiceField(label="Purpose", choices=Purpose.choices,
                                help_text="The note's template (focus areas and points) follows the purpose.")
    funding = forms.ChoiceField(label="Funded as", choices=Funding.choices, widget=forms.RadioSelect,
                                initial=Funding.CORE)
    days = forms.DecimalField(label="Adviser days, including writing the note", min_value=Decimal("0.5"),
                              max_value=10, decimal_places=1, initial=Decimal("1"),
                              widget=forms.NumberInput(attrs={"class": "govuk-input--width-4", "step": "0.5"}))
    adviser = forms.ChoiceField(label="Adviser", required=False)

    def __init__(self, *args: Any, advisers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adviser"].choices = [("", "Not yet assigned"), *advisers]  # type: ignore[attr-defined]


class NoteForm(GovukForm):
    """The note of visit as the adviser writes it: the form autosaves, and saves without script."""

    visit_date = date_field("Date of the visit", required=False)
    purpose = forms.ChoiceField(label="Purpose", choices=Purpose.choices)
    focus_areas = forms.MultipleChoiceField(label="Focus areas", required=False, choices=list(FOCUS_AREAS.items()),
                                            widget=forms.CheckboxSelectMultiple,
                                            help_text="The evaluation areas of Ofsted's report cards.")
    evidence_seen = forms.CharField(label="Evidence seen", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    summary = forms.CharField(label="Summary", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="The overall picture, in a few sentences.")

    def __init__(self, *args: Any, visit: Visit, findings: list[Any], actions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        template = template_for(visit.purpose)
        self.fields["evidence_seen"].help_text = (
            f"Suggested for this purpose: {template.evidence}" if template.evidence else "")
        self.finding_count = max(len(findings) + 2, len(template.points), 3)
        self.action_count = max(len(actions) + 2, 3)
        self.finding_rows: list[tuple[int, str, str]] = []
        for i in range(self.finding_count):
            hint = f"Suggested: {template.points[i]}" if i < len(template.points) else ""
            self.fields[f"finding_{i}_area"] = forms.ChoiceField(
                label="Evaluation area", choices=AREA_CHOICES, required=False)
            self.fields[f"finding_{i}_text"] = forms.CharField(
                label="What was found", required=False, help_text=hint, widget=forms.Textarea(attrs={"rows": 3}))
            self.finding_rows.append((i, f"finding_{i}_area", f"finding_{i}_text"))
            if i < len(findings):
                self.initial.setdefault(f"finding_{i}_area", findings[i].area)
                self.initial.setdefault(f"finding_{i}_text", findings[i].text)
        self.action_rows: list[tuple[int, str, str, str]] = []
        for i in range(self.action_count):
            self.fields[f"action_{i}_text"] = forms.CharField(
                label="What will be done", required=False, widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"action_{i}_owner"] = forms.CharField(label="Owner", required=False, max_length=200,
                                                               help_text="For example, 'Headteacher'.")
            self.fields[f"action_{i}_due"] = date_field("Due by", required=False)
            self.action_rows.append((i, f"action_{i}_text", f"action_{i}_owner", f"action_{i}_due"))
            if i < len(actions):
                self.initial.setdefault(f"action_{i}_text", actions[i].text)
                self.initial.setdefault(f"action_{i}_owner", actions[i].owner)
                self.initial.setdefault(f"action_{i}_due", actions[i].due)
        style(self)

    def draft(self) -> DraftNote:
        """What the valid fields say (an autosave keeps what it can; invalid fields are left as they were)."""
        data = getattr(self, "cleaned_data", {})
        valid = set(data) - set(self.errors)
        raw = self.data

        def text(name: str) -> str:
            return str(data.get(name, "") or "") if name in valid else str(raw.get(name, "") or "")

        findings = [(text(a), text(t)) for _, a, t in self.finding_rows]
        actions = []
        for _, t, o, d in self.action_rows:
            due = data.get(d) if d in valid else None
            actions.append((text(t), text(o), due))
        return DraftNote(
            purpose=data.get("purpose") if "purpose" in valid else None,
            visit_date=data.get("visit_date") if "visit_date" in valid else None,
            focus_areas=list(data.get("focus_areas", [])) if "focus_areas" in valid else None,
            evidence_seen=text("evidence_seen"), summary=text("summary"),
            findings=findings, actions=actions)


class ResponseForm(GovukForm):
    """The headteacher's factual-accuracy response: a verdict for each point."""

    comment = forms.CharField(label="Any other comment on the note (optional)", required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, findings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for f in findings:
            self.fields[f"verdict_{f.pk}"] = forms.ChoiceField(
                label=f"Is point {f.number} accurate?", choices=Verdict.choices, widget=forms.RadioSelect)
            self.fields[f"response_{f.pk}"] = forms.CharField(
                label=f"Your response to point {f.number}", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                help_text="Needed if you mark the point inaccurate: say what is wrong and what is right.")
            self.rows.append((f, f"verdict_{f.pk}", f"response_{f.pk}"))
        style(self)
        self.order_fields([n for _, v, r in self.rows for n in (v, r)] + ["comment"])

    def verdicts(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {f.pk: (data.get(v, ""), data.get(r, "")) for f, v, r in self.rows}


class AnswerForm(GovukForm):
    """The adviser's answer to each point the school marked inaccurate."""

    def __init__(self, *args: Any, findings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for f in findings:
            if f.head_verdict != Verdict.INACCURATE:
                continue
            self.fields[f"answer_{f.pk}"] = forms.CharField(
                label=f"Your answer on point {f.number}", widget=forms.Textarea(attrs={"rows": 3}))
            self.fields[f"text_{f.pk}"] = forms.CharField(
                label=f"Point {f.number} as it will be issued (optional)", required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="Change the wording if the school is right. Left blank, the point stands as written.")
            self.rows.append((f, f"answer_{f.pk}", f"text_{f.pk}"))
        style(self)

    def answers(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {f.pk: (data.get(a, ""), data.get(t, "")) for f, a, t in self.rows}


class CancelForm(GovukForm):
    reason = forms.CharField(label="Why is the visit cancelled?", max_length=500)


class ActionDoneForm(GovukForm):
    note = forms.CharField(label="What was done (optional)", required=False, max_length=1000)


class ConferenceForm(GovukForm):
    held_on = date_field("Date of the conference")
    attendees = forms.CharField(label="Who attended", widget=forms.Textarea(attrs={"rows": 4}),
                                help_text="One person per line, with their role: 'Sam Jones, chair of governors'.")
    evidence_reviewed = forms.CharField(label="Evidence reviewed", widget=forms.Textarea(attrs={"rows": 4}))
    decisions = forms.CharField(label="Decisions", widget=forms.Textarea(attrs={"rows": 4}))
    next_review = date_field("Next review (optional)", required=False)

    ACTION_ROWS = 3

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action_rows = []
        for i in range(self.ACTION_ROWS):
            self.fields[f"action_{i}_text"] = forms.CharField(label="What will be done", required=False,
                                                              widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"action_{i}_owner"] = forms.CharField(label="Owner", required=False, max_length=200)
            self.fields[f"action_{i}_due"] = date_field("Due by", required=False)
            self.action_rows.append((f"action_{i}_text", f"action_{i}_owner", f"action_{i}_due"))
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for t, o, d in self.action_rows:
            if (data.get(t) or "").strip() and (not (data.get(o) or "").strip() or not data.get(d)):
                self.add_error(o if not (data.get(o) or "").strip() else d, "Give each action an owner and a due date.")
        return data

    def actions(self) -> list[tuple[str, str, dt.date]]:
        data = self.cleaned_data
        return [(data[t].strip(), data[o].strip(), data[d]) for t, o, d in self.action_rows if (data.get(t) or "").strip()]


def year_choices(current: int) -> list[tuple[int, str]]:
    from .models import year_label

    return [(y, year_label(y)) for y in (current - 1, current, current + 1)]


TERM_LABELS = {t: Term(t).label for t in TERMS}
