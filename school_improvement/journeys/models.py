"""Improvement journeys: a school's diagnosis, statement of action, reviews, improvement board,
escalation and exit, carried by one declared state machine (``machine.py``).

Every change of stage or status is a new ``JourneyEvent`` row (who, when, why, any gate skipped);
events are never edited or deleted. The journey row holds where it stands now, plus a few dates the
watchlist reads (next review due, decision due) so the dashboard costs the same for any number.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from school_improvement.core.models import CouncilOwned

from . import ladder
from .machine import MOVES, STAGE_LABELS, STATUS_LABELS, Stage, Status

#: Ofsted's evaluation areas (report cards from November 2025), for priorities.
EVALUATION_AREAS: list[tuple[str, str]] = [
    ("inclusion", "Inclusion"),
    ("curriculum_and_teaching", "Curriculum and teaching"),
    ("achievement", "Achievement"),
    ("attendance_and_behaviour", "Attendance and behaviour"),
    ("personal_development_and_wellbeing", "Personal development and well-being"),
    ("early_years", "Early years"),
    ("post_16", "Post-16 provision"),
    ("leadership_and_governance", "Leadership and governance"),
    ("safeguarding", "Safeguarding"),
]


class Comparison(models.TextChoices):
    AT_LEAST = ">=", "at least"
    ABOVE = ">", "above"
    AT_MOST = "<=", "at most"
    BELOW = "<", "below"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise HistoryImmutable("Journey history cannot be edited.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise HistoryImmutable("Journey history cannot be deleted.")


class HistoryImmutable(Exception):
    """Raised on any attempt to change or remove a journey event."""


#: A journey's statuses (named ``JourneyStatusEnum`` in the API schema through ENUM_NAME_OVERRIDES).
STATUS_CHOICES = [(s.value, STATUS_LABELS[s]) for s in Status]


class Journey(CouncilOwned):
    """One school's improvement journey."""

    class SchoolKind(models.TextChoices):
        MAINTAINED = "maintained", "Maintained school"
        ACADEMY = "academy", "Academy"
        OTHER = "other", "Other"

    class OpenedBy(models.TextChoices):
        CATEGORY = "category", "Its agreed category opens a journey"
        DECISION = "decision", "A decision with a reason"

    class RatifiedBy(models.TextChoices):
        HEAD_OF_SERVICE = "head_of_service", "The head of service"
        BOARD = "board", "The improvement board"

    school = models.ForeignKey("register.Establishment", on_delete=models.PROTECT, related_name="journeys")
    school_kind = models.CharField(max_length=20, choices=SchoolKind.choices)
    stage = models.CharField(max_length=20, choices=[(s.value, STAGE_LABELS[s]) for s in Stage],
                             default=Stage.DIAGNOSIS)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES,
                              default=Status.OPEN)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_journeys",
                              help_text="A council adviser or a system leader.")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_because = models.CharField(max_length=20, choices=OpenedBy.choices)
    opened_reason = models.TextField()
    category = models.CharField(max_length=60, blank=True)
    category_label = models.CharField(max_length=200, blank=True)
    #: The categorisation decision that opened it (a plain id: categorisation owns its rows).
    category_decision_id = models.PositiveIntegerField(null=True, blank=True)
    diagnosis_summary = models.TextField(blank=True)
    review_every_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="6 for half-termly reviews, 12 for termly.")
    first_review_on = models.DateField(null=True, blank=True)
    clock_months = models.PositiveSmallIntegerField(null=True, blank=True, default=12)
    clock_started_on = models.DateField(null=True, blank=True)
    decision_due = models.DateField(null=True, blank=True, help_text="When the clock runs out.")
    next_review_due = models.DateField(null=True, blank=True)
    ratified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    ratified_at = models.DateTimeField(null=True, blank=True)
    ratified_as = models.CharField(max_length=20, choices=RatifiedBy.choices, blank=True)
    ratified_meeting = models.ForeignKey("BoardMeeting", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    exit_category = models.CharField(max_length=60, blank=True)
    exit_category_label = models.CharField(max_length=200, blank=True)
    exit_summary = models.TextField(blank=True)
    exit_report = models.JSONField(null=True, blank=True, help_text="The criteria as checked at exit, frozen.")
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["school__name", "-opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["school"], condition=~models.Q(status="closed"),
                                    name="one_live_journey_per_school"),
            models.CheckConstraint(condition=~models.Q(stage="exited") | models.Q(status="closed"),
                                   name="exited_journeys_are_closed"),
        ]
        indexes = [models.Index(fields=["council", "status"])]

    def __str__(self) -> str:
        return f"Improvement journey {self.pk} (URN {self.school_id})"

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[Stage(self.stage)]

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def is_maintained(self) -> bool:
        return self.school_kind == self.SchoolKind.MAINTAINED


EVENT_LABELS: dict[str, str] = {
    "open": "Opened", **{m.name: m.label for m in MOVES.values()},
    "support_added": "Support added to the package", "support_tapered": "Support tapered",
    "support_brokered": "Brokered support added to the package", "need_raised": "Need raised with brokerage",
    "step_proposed": "Proposed", "step_approve": "Approved", "step_issue": "Issued",
    "step_respond": "School's response recorded", "step_conclude": "Concluded", "step_withdraw": "Withdrawn",
    "dfe_contact": "DfE regions group contact logged",
}


class JourneyEvent(models.Model):
    """One change of a journey's stage or status, or of a step on its ladder. Never edited."""

    journey = models.ForeignKey(Journey, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    action = models.CharField(max_length=40)
    from_stage = models.CharField(max_length=20, blank=True)
    to_stage = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    skipped_gates = models.JSONField(default=list, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            # A gate is never skipped without a reason and someone who skipped it.
            models.CheckConstraint(condition=models.Q(skipped_gates=[])
                                   | (~models.Q(reason="") & models.Q(actor__isnull=False)),
                                   name="journey_skips_carry_reason_and_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.action} on journey {self.journey_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise HistoryImmutable("Journey history cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise HistoryImmutable("Journey history cannot be deleted.")

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS.get(self.to_stage, self.to_stage)  # type: ignore[call-overload]

    @property
    def label(self) -> str:
        text = EVENT_LABELS.get(self.action, self.action.replace("_", " ").capitalize())
        kind = (self.detail or {}).get("kind")
        if self.action.startswith("step_") and kind in ladder.RUNGS:
            return f"{ladder.RUNGS[kind].label}: {text.lower()}"
        return text


class Priority(models.Model):
    """A priority from the diagnosis, under one of Ofsted's evaluation areas."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="priorities")
    area = models.CharField(max_length=60, choices=EVALUATION_AREAS)
    description = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["journey", "id"]

    def __str__(self) -> str:
        return f"Priority {self.pk} ({self.get_area_display()})"


class MeasuredMixin(models.Model):
    """A target optionally tied to a measure the product holds: "attendance above 94%"."""

    measure = models.CharField(max_length=60, blank=True, help_text="A measure code, e.g. attendance.overall_pct.")
    comparison = models.CharField(max_length=2, choices=Comparison.choices, blank=True)
    threshold = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_measurable(self) -> bool:
        return bool(self.measure and self.comparison and self.threshold is not None)


class Objective(MeasuredMixin):
    """An objective of the statement of action, with its success criteria."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="objectives")
    priority = models.ForeignKey(Priority, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=300)
    success_criteria = models.TextField()
    #: The RAG of the latest completed review (kept here so the watchlist reads it in one query).
    latest_rag = models.CharField(max_length=10, choices=Rag.choices, blank=True)

    class Meta:
        ordering = ["journey", "id"]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="milestones")
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=300)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["journey", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class ExitCriterion(MeasuredMixin):
    """An exit criterion agreed up front. Measurable ones are checked against the data; others are
    judged met by a person, who is recorded."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="exit_criteria")
    text = models.CharField(max_length=400)
    judged_met = models.BooleanField(null=True, blank=True)
    judged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    judged_at = models.DateTimeField(null=True, blank=True)
    judged_note = models.TextField(blank=True)

    class Meta:
        ordering = ["journey", "id"]
        verbose_name_plural = "exit criteria"

    def __str__(self) -> str:
        return self.text


class SupportLink(models.Model):
    """A support assignment (from the register or brokerage) in the journey's support package."""

    class Intensity(models.TextChoices):
        FULL = "full", "Full"
        REDUCED = "reduced", "Reduced"
        LIGHT = "light", "Light touch"
        ENDED = "ended", "Ended"

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="support")
    assignment = models.ForeignKey("register.SupportAssignment", on_delete=models.PROTECT, related_name="+")
    intensity = models.CharField(max_length=10, choices=Intensity.choices, default=Intensity.FULL)
    note = models.CharField(max_length=300, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["journey", "id"]
        constraints = [models.UniqueConstraint(fields=["journey", "assignment"], name="unique_journey_support")]

    def __str__(self) -> str:
        return f"Support {self.assignment_id} in journey {self.journey_id}"


class Review(models.Model):
    """A progress review: RAG per objective with evidence, and the next review date.

    ``version`` rises with every save; an edit made on an older version is refused (optimistic
    concurrency), so two people editing at once never lose an update.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETE = "complete", "Complete"

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="reviews")
    number = models.PositiveSmallIntegerField()
    held_on = models.DateField()
    summary = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["journey", "number"]
        constraints = [models.UniqueConstraint(fields=["journey", "number"], name="unique_review_number")]

    def __str__(self) -> str:
        return f"Review {self.number} of journey {self.journey_id}"


class ObjectiveRating(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="ratings")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="ratings")
    rag = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["review", "objective_id"]
        constraints = [models.UniqueConstraint(fields=["review", "objective"], name="unique_rating")]

    def __str__(self) -> str:
        return f"{self.rag or 'unrated'} for objective {self.objective_id}"


class BoardMeeting(models.Model):
    """An improvement board (or challenge) meeting: who came, the minutes."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    attendees = models.TextField(help_text="One person per line, with their role.")
    minutes = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["journey", "-held_on", "-id"]

    def __str__(self) -> str:
        return f"Board meeting {self.pk} ({self.held_on})"


class JourneyAction(models.Model):
    """An action with an owner and a date (from a board meeting or the plan)."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(BoardMeeting, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="journey_actions")
    due_on = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    progress = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["journey", "due_on", "id"]
        indexes = [models.Index(fields=["journey", "state", "due_on"])]

    def __str__(self) -> str:
        return f"Action {self.pk} of journey {self.journey_id}"


class EscalationStep(models.Model):
    """A step on the escalation ladder: proposed with a reason, approved, issued, concluded."""

    journey = models.ForeignKey(Journey, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=40, choices=[(r.kind, r.label) for r in ladder.LADDER])
    state = models.CharField(max_length=20, choices=list(ladder.STEP_STATE_LABELS.items()),
                             default=ladder.StepState.PROPOSED)
    reason = models.TextField()
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    #: Warning notices: the s60(2) grounds, the detail, and the compliance period the council sets.
    grounds = models.JSONField(default=list, blank=True)
    grounds_detail = models.TextField(blank=True)
    compliance_by = models.DateField(null=True, blank=True)
    required_actions = models.TextField(blank=True, help_text="What the governing body must do, by when.")
    response = models.TextField(blank=True, help_text="The school's response, as received.")
    response_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)
    gate_skipped_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["journey", "proposed_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (journey {self.journey_id})"

    @property
    def rung(self) -> ladder.Rung:
        return ladder.RUNGS[self.kind]

    @property
    def ground_labels(self) -> list[str]:
        return [ladder.GROUND_LABELS.get(g, g) for g in self.grounds]


class DfeContact(models.Model):
    """For an academy: a referral to, or contact with, the DfE regions group, with the evidence sent."""

    journey = models.ForeignKey(Journey, on_delete=models.PROTECT, related_name="dfe_contacts")
    on = models.DateField()
    kind = models.CharField(max_length=20, choices=list(ladder.DFE_CONTACT_KINDS.items()))
    contact = models.CharField(max_length=200, help_text="Who at the regions group.")
    summary = models.TextField()
    evidence_sent = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["journey", "-on", "-id"]

    def __str__(self) -> str:
        return f"DfE contact {self.pk} (journey {self.journey_id})"


class LetterTemplate(CouncilOwned):
    """A council's own wording for a letter or notice ($placeholders are filled in)."""

    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    body = models.TextField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["council", "kind"], name="unique_letter_template")]

    def __str__(self) -> str:
        return f"Letter template {self.kind}"


class Notification(CouncilOwned):
    """A message to one person about a journey, shown in the interface (and sent by e-mail)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journey_notifications")
    journey = models.ForeignKey(Journey, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    key = models.CharField(max_length=120, blank=True, help_text="Makes reminders idempotent.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [models.UniqueConstraint(fields=["user", "key"], condition=~models.Q(key=""),
                                               name="unique_notification_key")]

    def __str__(self) -> str:
        return f"Notification {self.pk} for {self.user_id}"
