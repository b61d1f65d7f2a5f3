"""Categorisation: a council's policy as dated versions, rounds of decisions per school, the
school's voice (letters, representations), events that re-open a category, past categories
imported from spreadsheets, and early-warning backtests.

Every decision moves through one declared state machine (``TRANSITIONS``); each move is a new
``DecisionEvent`` row saying who made it and why. The evidence and the engine's explanations are
stored with the proposal when the round starts, and frozen with the decision at sign-off.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import models

from school_improvement.core.models import CouncilOwned


class Policy(CouncilOwned):
    """A council's categorisation policy: a name and its versions (drafts and published)."""

    name = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "policies"
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="unique_policy_name")]

    def __str__(self) -> str:
        return self.name


class PolicyVersion(CouncilOwned):
    """One dated version of a policy, as the YAML text the head of service wrote.

    A draft may be edited; a published version never changes (except that publishing a later
    version ends an open-ended earlier one the day before, recorded in the audit log).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(max_length=50)
    yaml = models.TextField(help_text="The policy as YAML (engines/policy/model.py describes the format).")
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    preset = models.CharField(max_length=60, blank=True, help_text="The shipped preset it was loaded from.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["policy", "-effective_from", "-id"]
        constraints = [models.UniqueConstraint(fields=["policy", "version"], name="unique_policy_version")]

    def __str__(self) -> str:
        return f"{self.policy.name} (version {self.version})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def engine_policy(self) -> Any:
        """The engine's ``Policy`` for this version (validated once per text)."""
        return _parsed(self.yaml)


@lru_cache(maxsize=128)
def _parsed(text: str) -> Any:
    from engines.policy import parse_policy_file

    return parse_policy_file(text, file="policy version").versions[0]


class Round(CouncilOwned):
    """One categorisation round: a policy version applied to the council's schools as at a date."""

    class Scope(models.TextChoices):
        ALL = "all", "Every open school of the council"
        REOPENED = "reopened", "Schools whose category was re-opened by an event"
        JOURNEY_EXIT = "journey_exit", "A school leaving its improvement journey"

    class Status(models.TextChoices):
        OPEN = "open", "In progress"
        CLOSED = "closed", "Signed off"

    name = models.CharField(max_length=200)
    as_at = models.DateField(help_text="The evidence is read as it stood on this date.")
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="rounds")
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.ALL)
    window_days = models.PositiveSmallIntegerField(
        default=21, help_text="Days the headteacher has to make representations once the letter is sent.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    evidence_notes = models.JSONField(default=list, blank=True,
                                      help_text="What the evidence assembly could not use, in words.")

    class Meta:
        ordering = ["-as_at", "-id"]

    def __str__(self) -> str:
        return self.name


class DecisionState(models.TextChoices):
    AWAITING_ADVISER = "awaiting_adviser", "Awaiting the adviser's proposal"
    PROPOSED = "proposed", "Awaiting the review group"
    MODERATED = "moderated", "Agreed by the review group"
    SHARED = "shared", "Letter sent: representations window open"
    ACCEPTED = "accepted", "Accepted by the school"
    REPRESENTATIONS = "representations", "Representations awaiting an answer"
    ANSWERED = "answered", "Representations answered"
    SIGNED_OFF = "signed_off", "Signed off (final)"


S = DecisionState
#: The one state machine of a school's decision: action -> (states it may start from, state after).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "propose": (frozenset({S.AWAITING_ADVISER, S.PROPOSED}), S.PROPOSED),
    "moderate": (frozenset({S.PROPOSED, S.MODERATED}), S.MODERATED),
    "share": (frozenset({S.MODERATED}), S.SHARED),
    "accept": (frozenset({S.SHARED}), S.ACCEPTED),
    "represent": (frozenset({S.SHARED}), S.REPRESENTATIONS),
    "answer": (frozenset({S.REPRESENTATIONS}), S.ANSWERED),
    "sign_off": (frozenset({S.SHARED, S.ACCEPTED, S.ANSWERED}), S.SIGNED_OFF),
}
#: States in which the school (head and chair) may see the decision and its letter.
SHARED_STATES = frozenset({S.SHARED, S.ACCEPTED, S.REPRESENTATIONS, S.ANSWERED, S.SIGNED_OFF})


class Decision(CouncilOwned):
    """A school's category in one round: the engine's proposal, then the people's decision."""

    class Route(models.TextChoices):
        RULES = "rules", "Policy rules"
        PROFESSIONAL_JUDGEMENT = "professional_judgement", "Professional judgement"

    class GroupOutcome(models.TextChoices):
        AGREED = "agreed", "Agreed the proposal"
        OVERRIDDEN = "overridden", "Overrode the proposal"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="decisions")
    school = models.ForeignKey("register.Establishment", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=30, choices=DecisionState.choices)
    route = models.CharField(max_length=30, choices=Route.choices)
    #: The engine's category (rules route) or the adviser's (professional judgement).
    proposed_category = models.CharField(max_length=60, blank=True)
    #: The category as it stands now (after the group, after representations).
    category = models.CharField(max_length=60, blank=True)
    adviser_days = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    visits_per_year = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    #: The engine's output for each audience (council_restricted, council, headteacher, chair),
    #: with the fired triggers, their values, sources and dates: the evidence as read.
    proposal = models.JSONField(default=dict)
    adviser_reason = models.TextField(blank=True)
    group_outcome = models.CharField(max_length=20, choices=GroupOutcome.choices, blank=True)
    group_reason = models.TextField(blank=True)
    #: What the letter says about a category people set (blank: a general sentence).
    reason_for_school = models.TextField(blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    window_closes = models.DateField(null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    signed_off_at = models.DateTimeField(null=True, blank=True)
    #: At sign-off: the proposal, every step of the decision and the final category, unchangeable.
    frozen = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "school__name"]
        constraints = [models.UniqueConstraint(fields=["round", "school"], name="unique_round_school")]
        indexes = [models.Index(fields=["council", "school", "state"])]

    def __str__(self) -> str:
        return f"Decision {self.pk} (URN {self.school_id}, {self.round_id})"

    @property
    def is_final(self) -> bool:
        return self.state == DecisionState.SIGNED_OFF

    @property
    def is_shared(self) -> bool:
        return self.state in SHARED_STATES

    @property
    def was_overridden(self) -> bool:
        return self.group_outcome == self.GroupOutcome.OVERRIDDEN


class DecisionEvent(models.Model):
    """One step of a decision: who, when, what it became and why. Never edited."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30)
    category = models.CharField(max_length=60, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} on decision {self.decision_id}"

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action.replace("_", " ").capitalize())


ACTION_LABELS = {
    "engine": "Proposed by the policy", "propose": "Adviser's proposal", "moderate": "Review group decision",
    "share": "Letter sent", "accept": "Accepted by the school", "represent": "Representations made",
    "answer": "Representations answered", "sign_off": "Signed off",
}


class ConflictDeclaration(CouncilOwned):
    """A review group member's conflict of interest with a school in a round: their pack is redacted."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("register.Establishment", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "member", "school"]
        constraints = [models.UniqueConstraint(fields=["round", "member", "school"], name="unique_conflict")]

    def __str__(self) -> str:
        return f"Conflict of {self.member_id} with URN {self.school_id} in round {self.round_id}"


class Representation(CouncilOwned):
    """What the headteacher said about a provisional category, and the head of service's answer."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Upheld: the category changes"
        NOT_UPHELD = "not_upheld", "Not upheld: the category stands"

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="representation")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField()
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    answer = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Representation on decision {self.decision_id}"


class Reopening(CouncilOwned):
    """An event that re-opens a school's category between rounds."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", "A new inspection"
        HEADTEACHER = "headteacher", "A change of headteacher"
        INTELLIGENCE = "intelligence", "A serious soft-intelligence record"
        OTHER = "other", "Another event"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Decided in a round"
        DISMISSED = "dismissed", "Dismissed"

    school = models.ForeignKey("register.Establishment", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.CharField(max_length=500)
    event_key = models.CharField(max_length=100, blank=True,
                                 help_text="Identifies the event, so the same event re-opens a category once.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    confidential = models.BooleanField(
        default=False, help_text="Rests on restricted intelligence: others see only that the council re-opened it.")
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    resolution = models.CharField(max_length=500, blank=True)
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["council", "school", "event_key"], condition=~models.Q(event_key=""),
                                    name="unique_reopening_event"),
        ]

    def __str__(self) -> str:
        return f"Re-opening {self.pk} (URN {self.school_id}, {self.kind})"


class PastCategorisation(CouncilOwned):
    """A category a council gave a school before this product, imported from its spreadsheets."""

    urn = models.PositiveIntegerField(verbose_name="URN")
    school = models.ForeignKey("register.Establishment", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    year = models.PositiveSmallIntegerField(help_text="The year the category was given (as the spreadsheet says).")
    category = models.CharField(max_length=100)
    reason = models.TextField(blank=True)
    source_file = models.CharField(max_length=255)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["urn", "-year"]
        constraints = [models.UniqueConstraint(fields=["council", "urn", "year"], name="unique_past_category")]

    def __str__(self) -> str:
        return f"URN {self.urn} {self.year}: {self.category}"


class BacktestRun(CouncilOwned):
    """One early-warning backtest: a policy applied to year Y's evidence, scored on what came next."""

    policy_label = models.CharField(max_length=300)
    policy_yaml = models.TextField()
    year = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=20)
    as_at = models.DateField()
    result = models.JSONField(default=dict)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    run_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-run_at", "-id"]

    def __str__(self) -> str:
        return f"Backtest {self.pk}: {self.policy_label}, {self.year} ({self.outcome})"
