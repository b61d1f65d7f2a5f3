"""Forms for capacity and brokerage, in the GOV.UK style."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from engines.matching import KIND_LABELS
from school_improvement.core.forms import GovukForm
from school_improvement.visits.forms import date_field, style

from .models import AREA_CHOICES, PHASES, Priority, QualityBar

FIT_CHOICES = [("", "None"), ("0.4", "Some"), ("0.7", "Good"), ("0.9", "Strong"), ("1.0", "Leading (system leader)")]
SMALL = {"class": "govuk-input--width-4"}


class ProviderForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200,
                           help_text="A person (for system leaders and advisers) or an organisation.")
    kind = forms.ChoiceField(label="Kind of provider", choices=[("", "Choose"), *KIND_LABELS.items()])
    user = forms.ChoiceField(label="The person who delivers and claims the days", required=False,
                             help_text="Needed before a match with them can be agreed.")
    school = forms.CharField(label="Their school's URN (optional)", required=False, max_length=8,
                             help_text="Their school gives their location and the quality evidence.",
                             widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}))
    postcode = forms.CharField(label="Postcode (if no school)", required=False, max_length=10,
                               widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}))
    phases = forms.MultipleChoiceField(label="Phases they work in", choices=list(PHASES.items()),
                                       widget=forms.CheckboxSelectMultiple)
    subjects = forms.CharField(label="Subjects (optional)", required=False, max_length=300)
    autumn_days = forms.IntegerField(label="Days in the autumn term", min_value=0, max_value=100,
                                     widget=forms.NumberInput(attrs=SMALL))
    spring_days = forms.IntegerField(label="Days in the spring term", min_value=0, max_value=100,
                                     widget=forms.NumberInput(attrs=SMALL))
    summer_days = forms.IntegerField(label="Days in the summer term", min_value=0, max_value=100,
                                     widget=forms.NumberInput(attrs=SMALL))
    day_rate = forms.DecimalField(label="Cost of a day, £ (optional)", required=False, min_value=0, max_digits=7,
                                  decimal_places=2, help_text="Left blank, the council's rate is used.",
                                  widget=forms.NumberInput(attrs=SMALL))
    active = forms.BooleanField(label="Available for matching", required=False, initial=True)
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Nobody yet"), *people]  # type: ignore[attr-defined]
        self.area_fields = []
        for code, label in AREA_CHOICES:
            name = f"fit_{code}"
            self.fields[name] = forms.ChoiceField(label=label, choices=FIT_CHOICES, required=False)
            self.area_fields.append(name)
        style(self)

    def expertise(self) -> dict[str, float]:
        data = self.cleaned_data
        return {name[4:]: float(data[name]) for name in self.area_fields if data.get(name)}


class ConflictForm(GovukForm):
    school = forms.CharField(label="School URN", max_length=8,
                             widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}))
    reason = forms.CharField(label="The link", max_length=300,
                             help_text="For example, 'spouse is deputy head there' or 'former employer (2024)'.")


class NeedForm(GovukForm):
    area = forms.ChoiceField(label="Area of expertise needed", choices=[("", "Choose"), *AREA_CHOICES])
    days = forms.IntegerField(label="Days of support", min_value=1, max_value=100, widget=forms.NumberInput(attrs=SMALL))
    priority = forms.TypedChoiceField(label="Priority", coerce=int, choices=Priority.choices, widget=forms.RadioSelect,
                                      initial=Priority.HIGH)
    window_start = date_field("From (optional)", required=False)
    window_end = date_field("Until (optional)", required=False)
    funding = forms.ChoiceField(label="Funded as", choices=[("core", "Core (council-funded)"),
                                                            ("traded", "Traded (bought by the school)")],
                                widget=forms.RadioSelect, initial="core")
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SettingsForm(GovukForm):
    max_distance_km = forms.DecimalField(label="Maximum distance, km", min_value=1, max_value=500, decimal_places=1,
                                         widget=forms.NumberInput(attrs=SMALL),
                                         help_text="No school is matched with a provider further away (straight line).")
    same_trust_allowed = forms.BooleanField(label="Allow support from within the school's own trust", required=False)
    quality_bar = forms.ChoiceField(label="Quality bar for a provider's own school", choices=QualityBar.choices,
                                    widget=forms.RadioSelect)
    day_rate = forms.DecimalField(label="Cost of a day of support, £", min_value=0, max_digits=7, decimal_places=2,
                                  widget=forms.NumberInput(attrs=SMALL))
    priority_need_days = forms.IntegerField(label="Days a need from a priority category asks for", min_value=1,
                                            max_value=60, widget=forms.NumberInput(attrs=SMALL))


class ClaimForm(GovukForm):
    delivered_on = date_field("Date delivered")
    days = forms.DecimalField(label="Days delivered", min_value=Decimal("0.5"), max_value=20, decimal_places=1,
                              widget=forms.NumberInput(attrs={**SMALL, "step": "0.5"}),
                              help_text="In half days, for example 1 or 0.5.")
    summary = forms.CharField(label="What was done", widget=forms.Textarea(attrs={"rows": 4}))


class ConfirmForm(GovukForm):
    confirmed = forms.ChoiceField(label="Were these days delivered as described?",
                                  choices=[("yes", "Yes, confirm the days"), ("no", "No, dispute them")],
                                  widget=forms.RadioSelect)
    usefulness = forms.TypedChoiceField(label="How useful was the support?", coerce=int, required=False,
                                        empty_value=None, widget=forms.RadioSelect,
                                        choices=[(5, "5 – very useful"), (4, "4"), (3, "3"), (2, "2"),
                                                 (1, "1 – not useful")])
    feedback = forms.CharField(label="Feedback", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                               help_text="Needed if you dispute the days.")
