"""Adviser time and visits: capacity, entitlement set by hand, visits and their notes, the school's
factual-accuracy responses, agreed actions and case conferences.

A visit moves through one declared state machine (``TRANSITIONS``); each move is a new
``VisitEvent`` row saying who made it and why. A note of visit is a list of numbered points
(``Finding``): the headteacher marks each accurate or inaccurate and responds, the adviser answers,
and the adviser issues the note whether or not the head agrees (the head cannot veto it).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models

from school_improvement.core.models import CouncilOwned

# --- the school year --------------------------------------------------------------------------


class Term(models.TextChoices):
    AUTUMN = "autumn", "Autumn term"
    SPRING = "spring", "Spring term"
    SUMMER = "summer", "Summer term"


TERMS = (Term.AUTUMN, Term.SPRING, Term.SUMMER)


def academic_year(day: dt.date) -> int:
    """The school year a date falls in, by the year it starts: 2025 for 2025/26."""
    return day.year if day.month >= 9 else day.year - 1


def year_label(year: int) -> str:
    return f"{year}/{str(year + 1)[-2:]}"


def term_of(day: dt.date) -> str:
    if day.month >= 9:
        return Term.AUTUMN
    if day.month <= 3:
        return Term.SPRING
    return Term.SUMMER


class Funding(models.TextChoices):
    """Who pays for an activity: the council's statutory offer, or a school buying it."""

    CORE = "core", "Core (statutory, council-funded)"
    TRADED = "traded", "Traded (bought by the school)"


#: The evaluation areas of Ofsted's report cards (from 10 November 2025), used as focus areas.
FOCUS_AREAS: dict[str, str] = {
    "inclusion": "Inclusion",
    "curriculum_and_teaching": "Curriculum and teaching",
    "achievement": "Achievement",
    "attendance_and_behaviour": "Attendance and behaviour",
    "personal_development_and_wellbeing": "Personal development and well-being",
    "early_years": "Early years",
    "post_16": "Post-16",
    "leadership_and_governance": "Leadership and governance",
    "safeguarding": "Safeguarding",
}


# --- capacity and entitlement -----------------------------------------------------------------


class CouncilVisitSettings(CouncilOwned):
    """A council's defaults: the entitlement of a school with no agreed category, and the
    factual-accuracy window."""

    default_adviser_days = models.DecimalField(
        max_digits=5, decimal_places=1, default=Decimal("3"),
        help_text="Adviser days a year for a school with no agreed category and nothing set by hand.")
    default_visits_per_year = models.DecimalField(
        max_digits=4, decimal_places=1, default=Decimal("3"),
        help_text="Visits a year for such a school (three main visits a year, as in Dorset).")
    accuracy_window_days = models.PositiveSmallIntegerField(
        default=10, help_text="Days the school has to check a note of visit for factual accuracy.")
    note_due_days = models.PositiveSmallIntegerField(
        default=10, help_text="Days after a visit by which its note should go to the school.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council"], name="unique_visit_settings")]

    def __str__(self) -> str:
        return f"Visit settings of council {self.council_id}"


class AdviserCapacity(CouncilOwned):
    """The days an adviser (or associate adviser) can give in a school year, by term."""

    adviser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visit_capacity")
    year = models.PositiveSmallIntegerField(help_text="The school year, by the year it starts (2025 for 2025/26).")
    autumn_days = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("0"))
    spring_days = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("0"))
    summer_days = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("0"))
    note = models.CharField(max_length=300, blank=True, help_text="For example, '0.6 FTE' or 'contracted for 20 days'.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["adviser", "-year"]
        constraints = [models.UniqueConstraint(fields=["council", "adviser", "year"], name="unique_adviser_capacity")]

    def __str__(self) -> str:
        return f"{self.adviser}: {self.total:g} days in {year_label(self.year)}"

    @property
    def total(self) -> Decimal:
        return self.autumn_days + self.spring_days + self.summer_days

    def by_term(self) -> dict[str, Decimal]:
        return {Term.AUTUMN: self.autumn_days, Term.SPRING: self.spring_days, Term.SUMMER: self.summer_days}


class EntitlementOverride(CouncilOwned):
    """A school's entitlement set by hand, with the reason. The newest row in force applies;
    ending one (``ended_at``) returns the school to its category or the council default."""

    school = models.ForeignKey("register.Establishment", on_delete=models.PROTECT, related_name="+")
    adviser_days = models.DecimalField(max_digits=5, decimal_places=1)
    visits_per_year = models.DecimalField(max_digits=4, decimal_places=1)
    reason = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")

    class Meta:
        ordering = ["school", "-set_at", "-id"]
        indexes = [models.Index(fields=["council", "school"])]

    def __str__(self) -> str:
        return f"{self.school_id}: {self.adviser_days:g} days, {self.visits_per_year:g} visits (set by hand)"


# --- visits -----------------------------------------------------------------------------------


class Purpose(models.TextChoices):
    TERMLY_REVIEW = "termly_review", "Termly review of standards and improvement"
    MONITORING = "monitoring", "Monitoring the improvement plan"
    CURRICULUM = "curriculum", "Curriculum deep dive"
    LEADERSHIP = "leadership", "Leadership and governance review"
    SAFEGUARDING = "safeguarding", "Safeguarding, attendance and behaviour"
    EARLY_YEARS = "early_years", "Early years review"
    HEAD_PERFORMANCE = "head_performance", "Headteacher performance management"
    OTHER = "other", "Other"


class VisitState(models.TextChoices):
    PLANNED = "planned", "Planned"
    DRAFT = "draft", "Note being written"
    WITH_SCHOOL = "with_school", "With the school for factual accuracy"
    RESPONDED = "responded", "The school has responded"
    ANSWERED = "answered", "Adviser has answered the school"
    ISSUED = "issued", "Issued"
    CANCELLED = "cancelled", "Cancelled"


V = VisitState
#: The one state machine of a visit: action -> (states it may start from, state after).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "start": (frozenset({V.PLANNED}), V.DRAFT),
    "send": (frozenset({V.DRAFT}), V.WITH_SCHOOL),
    "respond": (frozenset({V.WITH_SCHOOL}), V.RESPONDED),
    "answer": (frozenset({V.RESPONDED}), V.ANSWERED),
    # The head cannot veto: once they have been answered, or the window has closed without a
    # response, the adviser issues the note (``services.visit_issue`` checks the window).
    "issue": (frozenset({V.WITH_SCHOOL, V.ANSWERED}), V.ISSUED),
    "cancel": (frozenset({V.PLANNED, V.DRAFT}), V.CANCELLED),
}
#: States in which the school's headteacher sees the note; the chair sees issued notes only.
HEAD_STATES = frozenset({V.WITH_SCHOOL, V.RESPONDED, V.ANSWERED, V.ISSUED})
OPEN_STATES = frozenset({V.PLANNED, V.DRAFT})
STATE_COLOURS = {V.PLANNED: "grey", V.DRAFT: "yellow", V.WITH_SCHOOL: "blue", V.RESPONDED: "orange",
                 V.ANSWERED: "purple", V.ISSUED: "green", V.CANCELLED: "red"}


class Visit(CouncilOwned):
    """One adviser visit to a school, and its note of visit."""

    school = models.ForeignKey("register.Establishment", on_delete=models.PROTECT, related_name="+")
    adviser = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="visits", help_text="Blank until someone is assigned.")
    purpose = models.CharField(max_length=30, choices=Purpose.choices, default=Purpose.TERMLY_REVIEW)
    funding = models.CharField(max_length=10, choices=Funding.choices, default=Funding.CORE)
    state = models.CharField(max_length=20, choices=VisitState.choices, default=VisitState.PLANNED)
    planned_date = models.DateField()
    visit_date = models.DateField(null=True, blank=True, help_text="When it took place.")
    days = models.DecimalField(max_digits=4, decimal_places=1, default=Decimal("1"),
                               help_text="Adviser time, including writing the note.")
    year = models.PositiveSmallIntegerField(help_text="The school year of the planned date.")
    term = models.CharField(max_length=10, choices=Term.choices)
    from_schedule = models.BooleanField(default=False, help_text="Made by the schedule from the school's cadence.")
    focus_areas = models.JSONField(default=list, blank=True)
    evidence_seen = models.TextField(blank=True)
    summary = models.TextField(blank=True, help_text="The overall picture, in a few sentences.")
    head_comment = models.TextField(blank=True, help_text="The headteacher's overall response.")
    accuracy_due = models.DateField(null=True, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["planned_date", "id"]
        indexes = [
            models.Index(fields=["council", "school", "year"]),
            models.Index(fields=["council", "adviser", "year"]),
            models.Index(fields=["council", "state"]),
        ]

    def __str__(self) -> str:
        return f"Visit to {self.school.name} on {self.planned_date:%d %B %Y}"

    @property
    def focus_labels(self) -> list[str]:
        return [FOCUS_AREAS.get(a, a) for a in self.focus_areas]

    @property
    def state_colour(self) -> str:
        return STATE_COLOURS.get(VisitState(self.state), "grey")

    @property
    def note_date(self) -> dt.date:
        return self.visit_date or self.planned_date

    @property
    def is_issued(self) -> bool:
        return self.state == VisitState.ISSUED

    @property
    def is_editable(self) -> bool:
        return self.state in OPEN_STATES


class VisitEvent(models.Model):
    """One step of a visit: who, when, from which state to which, and why. Never edited."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.action} ({self.from_state} -> {self.to_state})"

    @property
    def label(self) -> str:
        return EVENT_WORDS.get(self.action, self.action)


EVENT_WORDS = {"plan": "Planned", "start": "Note started", "send": "Sent to the school for factual accuracy",
               "respond": "The school responded", "answer": "The adviser answered", "issue": "Issued",
               "cancel": "Cancelled"}


class Verdict(models.TextChoices):
    ACCURATE = "accurate", "Accurate"
    INACCURATE = "inaccurate", "Inaccurate"


class Finding(models.Model):
    """One numbered point of a note of visit, and the factual-accuracy exchange about it."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveSmallIntegerField()
    area = models.CharField(max_length=40, blank=True)
    text = models.TextField()
    head_verdict = models.CharField(max_length=12, choices=Verdict.choices, blank=True)
    head_response = models.TextField(blank=True)
    adviser_answer = models.TextField(blank=True)
    text_as_sent = models.TextField(blank=True, help_text="The point as the school first read it, if amended.")

    class Meta:
        ordering = ["visit", "position"]
        constraints = [models.UniqueConstraint(fields=["visit", "position"], name="unique_finding_position")]

    def __str__(self) -> str:
        return f"Point {self.position} of visit {self.visit_id}"

    @property
    def number(self) -> int:
        return self.position + 1

    @property
    def area_label(self) -> str:
        return FOCUS_AREAS.get(self.area, "")

    @property
    def amended(self) -> bool:
        return bool(self.text_as_sent) and self.text_as_sent != self.text


class CaseConference(CouncilOwned):
    """A case conference about a priority school: who came, what was reviewed, what was decided."""

    school = models.ForeignKey("register.Establishment", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    chaired_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    attendees = models.JSONField(default=list, blank=True, help_text="One 'name, role' per line.")
    evidence_reviewed = models.TextField()
    decisions = models.TextField()
    next_review = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Case conference on {self.school.name}, {self.held_on:%d %B %Y}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class AgreedAction(CouncilOwned):
    """An action agreed at a visit or a case conference: who does what by when."""

    school = models.ForeignKey("register.Establishment", on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="actions")
    conference = models.ForeignKey(CaseConference, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="actions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    owner = models.CharField(max_length=200, blank=True, help_text="Who will do it, for example 'Headteacher'.")
    #: Blank only while a note is being drafted: a note is not sent with an action lacking one.
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    done_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["council", "status", "due"])]

    def __str__(self) -> str:
        due = f"{self.due:%d %B %Y}" if self.due else "no date"
        return f"{self.text[:60]} ({self.owner or 'no owner'}, by {due})"

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.status == ActionStatus.OPEN and self.due is not None and self.due < timezone.localdate()
