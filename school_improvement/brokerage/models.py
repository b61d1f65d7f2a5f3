"""Capacity and brokerage: who can give support (providers), what schools need (needs), the
matcher's proposals and the officers' decisions (matches), and the days delivered (claims).

The matcher proposes, people decide: a ``Match`` is proposed by a run, then locked, edited,
rejected or agreed by an officer. An agreed match becomes a ``register.SupportAssignment`` whose
days count against the provider's capacity in every later run.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from engines.matching import AREA_LABELS, KIND_LABELS
from school_improvement.core.models import CouncilOwned

KIND_CHOICES = list(KIND_LABELS.items())
AREA_CHOICES = [(code, label[0].upper() + label[1:]) for code, label in AREA_LABELS.items()]

#: Phases a provider works in and a school is in (GIAS phases, simplified).
PHASES: dict[str, str] = {
    "primary": "Primary",
    "secondary": "Secondary",
    "all_through": "All-through",
    "special": "Special",
    "nursery": "Nursery",
    "post_16": "Post-16",
}


class QualityBar(models.TextChoices):
    CONCERN = "concern", "Not in a category of concern (nor Inadequate, nor a priority category)"
    GOOD = "good", "Good or better at its last inspection (no area below the expected standard)"


class BrokerageSettings(CouncilOwned):
    """The council's matching settings."""

    max_distance_km = models.DecimalField(
        max_digits=5, decimal_places=1, default=Decimal("40"),
        help_text="No school is matched with a provider further away than this (straight line).")
    same_trust_allowed = models.BooleanField(
        default=False, help_text="Allow a provider to support a school of their own trust.")
    quality_bar = models.CharField(max_length=10, choices=QualityBar.choices, default=QualityBar.CONCERN)
    day_rate = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("450"),
                                   help_text="Cost of a day of support, when the provider has no rate of its own.")
    priority_need_days = models.PositiveSmallIntegerField(
        default=6, help_text="Days of support a need raised from a priority category asks for.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council"], name="unique_brokerage_settings")]

    def __str__(self) -> str:
        return f"Brokerage settings of council {self.council_id}"


class Provider(CouncilOwned):
    """Someone who can give support: a system leader, hub, strong school, trust team or adviser."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", help_text="The person who delivers and claims the days.")
    school = models.ForeignKey("register.Establishment", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", help_text="Their own school: its location and quality evidence.")
    postcode = models.CharField(max_length=10, blank=True)
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    phases = models.JSONField(default=list)
    #: Area of expertise -> fit (0-1) the council has agreed for the provider.
    expertise = models.JSONField(default=dict)
    subjects = models.CharField(max_length=300, blank=True, help_text="Subjects, in words.")
    autumn_days = models.PositiveSmallIntegerField(default=0)
    spring_days = models.PositiveSmallIntegerField(default=0)
    summer_days = models.PositiveSmallIntegerField(default=0)
    day_rate = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def days_per_year(self) -> int:
        return self.autumn_days + self.spring_days + self.summer_days

    @property
    def phase_labels(self) -> list[str]:
        return [PHASES.get(p, p) for p in self.phases]


class DeclaredConflict(CouncilOwned):
    """A personal or employment link between a provider and a school: never proposed together."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="conflicts")
    school = models.ForeignKey("register.Establishment", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "school"], name="unique_declared_conflict")]

    def __str__(self) -> str:
        return f"{self.provider} – {self.school_id}: {self.reason}"


class NeedSource(models.TextChoices):
    CATEGORISATION = "categorisation", "Categorisation"
    JOURNEY = "journey", "Improvement journey"
    ADVISER = "adviser", "Adviser"
    CASE_CONFERENCE = "case_conference", "Case conference"


class NeedStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Priority(models.IntegerChoices):
    ROUTINE = 1, "Routine"
    HIGH = 2, "High"
    URGENT = 3, "Urgent"


class Need(CouncilOwned):
    """A school's need for support: days of help in one area, within a window, with a priority.

    One model for every source: categorisation, improvement journeys, advisers and case
    conferences all call ``services.need_create``.
    """

    school = models.ForeignKey("register.Establishment", on_delete=models.PROTECT, related_name="+")
    area = models.CharField(max_length=40, choices=AREA_CHOICES)
    days = models.PositiveSmallIntegerField()
    window_start = models.DateField(null=True, blank=True)
    window_end = models.DateField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.HIGH)
    source = models.CharField(max_length=20, choices=NeedSource.choices, default=NeedSource.ADVISER)
    source_ref = models.CharField(max_length=200, blank=True, help_text="What raised it, e.g. a category or journey.")
    funding = models.CharField(max_length=10, choices=[("core", "Core"), ("traded", "Traded")], default="core")
    status = models.CharField(max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-priority", "school__name", "id"]
        indexes = [models.Index(fields=["council", "status"])]

    def __str__(self) -> str:
        return f"{self.school.name}: {self.days} days of {self.get_area_display().lower()}"


class MatchingRun(CouncilOwned):
    """One run of the whole-council optimal plan, with the greedy baseline for comparison."""

    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    settings = models.JSONField(default=dict)
    needs = models.PositiveIntegerField(default=0)
    providers = models.PositiveIntegerField(default=0)
    days_needed = models.PositiveIntegerField(default=0)
    days_met = models.PositiveIntegerField(default=0)
    priority_days_met = models.PositiveIntegerField(default=0)
    mean_fit = models.FloatField(default=0)
    mean_km = models.FloatField(default=0)
    solve_seconds = models.FloatField(default=0)
    arcs = models.PositiveIntegerField(default=0)
    greedy = models.JSONField(default=dict, help_text="The greedy nearest-provider baseline on the same input.")
    notes = models.JSONField(default=list)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Matching run {self.pk} ({self.at:%d %B %Y %H:%M})"


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    LOCKED = "locked", "Locked"
    REJECTED = "rejected", "Rejected"
    AGREED = "agreed", "Agreed"


class Match(CouncilOwned):
    """Days of a need given to a provider: proposed by the matcher or chosen by an officer."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="matches")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="matches")
    days = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=MatchStatus.choices, default=MatchStatus.PROPOSED)
    run = models.ForeignKey(MatchingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="matches")
    fit = models.FloatField(default=0)
    distance_km = models.FloatField(default=0)
    reasons = models.JSONField(default=list)
    support_assignment = models.OneToOneField("register.SupportAssignment", null=True, blank=True,
                                              on_delete=models.PROTECT, related_name="brokerage_match")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["need__school__name", "id"]
        indexes = [models.Index(fields=["council", "status"])]

    def __str__(self) -> str:
        return f"{self.provider} → {self.need.school.name}: {self.days} days ({self.status})"

    @property
    def colour(self) -> str:
        return {MatchStatus.PROPOSED: "blue", MatchStatus.LOCKED: "purple", MatchStatus.REJECTED: "red",
                MatchStatus.AGREED: "green"}[MatchStatus(self.status)]


class ClaimStatus(models.TextChoices):
    CLAIMED = "claimed", "Awaiting the school's confirmation"
    CONFIRMED = "confirmed", "Confirmed by the school"
    DISPUTED = "disputed", "Disputed by the school"


class SupportClaim(CouncilOwned):
    """Days a provider says they delivered against a support assignment; the school confirms."""

    assignment = models.ForeignKey("register.SupportAssignment", on_delete=models.PROTECT, related_name="claims")
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    delivered_on = models.DateField()
    days = models.DecimalField(max_digits=4, decimal_places=1)
    summary = models.TextField(help_text="What was done.")
    status = models.CharField(max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.CLAIMED)
    feedback = models.TextField(blank=True)
    usefulness = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 (not useful) to 5 (very useful)")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-delivered_on", "-id"]

    def __str__(self) -> str:
        return f"{self.days:g} days on {self.delivered_on:%d %B %Y} ({self.status})"
