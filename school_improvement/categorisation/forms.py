"""Forms for categorisation, in the GOV.UK style (fields render themselves)."""

from __future__ import annotations

from typing import Any

from django import forms

from engines.policy.presets import PRESETS, preset
from school_improvement.core.forms import GovukForm

from .backtest import OUTCOMES
from .models import Decision, Reopening, Representation, Round

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]
DATE_WIDGET = forms.DateInput(attrs={"class": "govuk-input--width-10"}, format="%d/%m/%Y")


def _date(label: str, *, required: bool = True, help_text: str = "For example, 31/08/2026") -> forms.DateField:
    return forms.DateField(label=label, required=required, input_formats=DATE_FORMATS, widget=DATE_WIDGET,
                           help_text=help_text)


def _text(label: str, *, required: bool = True, rows: int = 4, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}),
                           help_text=help_text)


class PolicyYamlForm(GovukForm):
    yaml = forms.CharField(
        label="The policy, as YAML", max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 32, "spellcheck": "false", "class": "app-code"}),
        help_text="Triggers (each a condition on the evidence, with a weight and severity), categories with "
                  "their entitlements, the rules that give each school a category, and the professional-"
                  "judgement routes. A policy that cannot be evaluated is refused with the line at fault.")


def _set_choices(form: Any, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def preset_choices() -> list[tuple[str, str]]:
    out = []
    for name in PRESETS:
        try:
            title = preset(name).name
        except Exception:  # a broken preset is reported by its own tests; list it by file name
            title = name
        out.append((name, title))
    return out


class PresetForm(GovukForm):
    preset = forms.ChoiceField(label="Policy that ships with the service", widget=forms.RadioSelect, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "preset", preset_choices())


class PolicyUploadForm(GovukForm):
    file = forms.FileField(label="Policy file (YAML)", help_text="One version, or several under 'versions:'.")


class NewVersionForm(GovukForm):
    label = forms.CharField(label="New version", max_length=50, help_text="For example 2026.1")
    effective_from = _date("In force from")


class RoundForm(GovukForm):
    name = forms.CharField(label="Name of the round", max_length=200, required=False,
                           help_text="For example 'Autumn 2026'. Left blank, it is named after the policy and date.")
    policy_version = forms.ChoiceField(label="Policy version")
    as_at = _date("Evidence as at", help_text="The evidence is read as it stood on this date. For example, 31/08/2026")
    scope = forms.ChoiceField(label="Schools", choices=[c for c in Round.Scope.choices if c[0] != Round.Scope.JOURNEY_EXIT],
                              widget=forms.RadioSelect,
                              initial=Round.Scope.ALL)
    window_days = forms.IntegerField(label="Days for representations", min_value=1, max_value=120, initial=21,
                                     help_text="How long a headteacher has to respond once the letter is sent.",
                                     widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}))

    def __init__(self, *args: Any, versions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "policy_version", [("", "Choose a published version")] + [
            (str(v.pk), f"{v.policy.name}, version {v.version} (from {v.effective_from:%d/%m/%Y})") for v in versions])


class ConflictForm(GovukForm):
    school = forms.ChoiceField(label="School")
    reason = forms.CharField(label="The conflict of interest", max_length=300,
                             help_text="For example: 'I am a governor of this school' or 'my partner teaches there'.")

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "school", [("", "Choose a school")] + [(str(s.urn), f"{s.name} ({s.urn})")
                                                                for s in schools])


def _category_field(categories: Any, label: str, *, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=required,
                             choices=[("", "Choose a category")] + [
                                 (k.id, f"{k.label} ({k.adviser_days:g} adviser days, "
                                        f"{k.visits_per_year:g} visits a year)") for k in categories])


class ProposeForm(GovukForm):
    category = forms.ChoiceField(label="Category you propose")
    reason = _text("Your reasons", help_text="For the review group: what the evidence and your knowledge of "
                                             "the school show.")
    reason_for_school = _text("What the school's letter says (optional)", required=False, rows=3,
                              help_text="Left blank, the letter says the category was set by professional "
                                        "judgement and the adviser can explain it.")

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"] = _category_field(categories, "Category you propose")
        self.order_fields(["category", "reason", "reason_for_school"])


class ModerateForm(GovukForm):
    outcome = forms.ChoiceField(label="The review group's decision", widget=forms.RadioSelect,
                                choices=Decision.GroupOutcome.choices)
    category = forms.ChoiceField(label="Category instead (if overriding)", required=False)
    reason = _text("Reason", required=False, help_text="Needed when the group overrides the proposal.")
    reason_for_school = _text("What the school's letter says about an override (optional)", required=False,
                              rows=3)

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"] = _category_field(categories, "Category instead (if overriding)", required=False)
        self.order_fields(["outcome", "category", "reason", "reason_for_school"])


class RespondForm(GovukForm):
    response = forms.ChoiceField(label="Your response", widget=forms.RadioSelect, choices=[
        ("accept", "I accept the category"),
        ("represent", "I want to make representations about the category"),
    ])
    text = _text("Your representations", required=False, rows=6,
                 help_text="What you think the council has not taken into account. They will be recorded and "
                           "answered before the category is final.")


class AnswerForm(GovukForm):
    outcome = forms.ChoiceField(label="Outcome", widget=forms.RadioSelect, choices=Representation.Outcome.choices)
    category = forms.ChoiceField(label="New category (if upheld)", required=False)
    answer = _text("Answer to the school", rows=5)

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"] = _category_field(categories, "New category (if upheld)", required=False)
        self.order_fields(["outcome", "category", "answer"])


class ReopenForm(GovukForm):
    kind = forms.ChoiceField(label="What happened", choices=Reopening.Kind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="Why the category is re-opened", max_length=500)


class DismissForm(GovukForm):
    reason = forms.CharField(label="Why the event does not change the category", max_length=500)


class BacktestForm(GovukForm):
    policy = forms.ChoiceField(label="Policy")
    year = forms.IntegerField(label="Evidence at the end of year", min_value=2010, max_value=2100, initial=2018,
                              help_text="The year an academic year ends: 2018 for 2017-18.",
                              widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}))
    outcome = forms.ChoiceField(label="What happened next", choices=list(OUTCOMES.items()), widget=forms.RadioSelect,
                                initial="verdicts")
    after = _date("Inspections after (for the Ofsted outcome)", required=False,
                  help_text="Left blank: 1 September of the year. For example, 01/09/2019")

    def __init__(self, *args: Any, versions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(f"version:{v.pk}", f"{v.policy.name}, version {v.version}") for v in versions]
        choices += [(f"preset:{name}", f"{title} (as shipped)") for name, title in preset_choices()]
        _set_choices(self, "policy", [("", "Choose a policy")] + choices)


class PastUploadForm(GovukForm):
    file = forms.FileField(label="Spreadsheet of past categories (CSV or XLSX)",
                           help_text="Columns: URN, year, category and (optionally) reason.")
