"""API shapes for improvement journeys."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from school_improvement.brokerage.models import AREA_CHOICES, Need
from school_improvement.brokerage.models import Priority as NeedPriority

from . import ladder
from .machine import MOVES
from .models import (
    EscalationStep,
    Journey,
    JourneyAction,
    JourneyEvent,
    ObjectiveRating,
    Priority,
    Rag,
    Review,
    SupportLink,
)


class EventSerializer(serializers.ModelSerializer):
    actor: serializers.Field = serializers.StringRelatedField()

    class Meta:
        model = JourneyEvent
        fields = ["id", "at", "actor", "action", "from_stage", "to_stage", "from_status", "to_status", "reason",
                  "skipped_gates", "detail"]
        read_only_fields = fields


class JourneySerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True)
    owner: serializers.Field = serializers.StringRelatedField()

    class Meta:
        model = Journey
        fields = ["id", "school", "school_name", "school_kind", "stage", "status", "owner", "opened_at",
                  "opened_because", "opened_reason", "category", "category_label", "review_every_weeks",
                  "first_review_on", "clock_months", "clock_started_on", "decision_due", "next_review_due",
                  "ratified_at", "ratified_as", "exit_category", "exit_category_label", "closed_at"]
        read_only_fields = fields


class WatchRowSerializer(JourneySerializer):
    red_objectives = serializers.IntegerField(read_only=True)
    actions_overdue = serializers.IntegerField(read_only=True)
    open_actions = serializers.IntegerField(read_only=True)

    class Meta(JourneySerializer.Meta):
        fields = [*JourneySerializer.Meta.fields, "red_objectives", "actions_overdue", "open_actions"]
        read_only_fields = fields


class PrioritySerializer(serializers.ModelSerializer):
    class Meta:
        model = Priority
        fields = ["id", "area", "description"]
        read_only_fields = fields


class CriterionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk")
    text = serializers.SerializerMethodField()
    measure = serializers.CharField(source="item.measure")
    comparison = serializers.CharField(source="item.comparison")
    threshold = serializers.DecimalField(source="item.threshold", max_digits=8, decimal_places=2, allow_null=True)
    met = serializers.BooleanField(allow_null=True)
    check = serializers.CharField(source="check.text")

    def get_text(self, row: Any) -> str:
        return getattr(row.item, "text", None) or row.item.title


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ObjectiveRating
        fields = ["objective", "rag", "evidence"]
        read_only_fields = fields


class ReviewSerializer(serializers.ModelSerializer):
    ratings = RatingSerializer(many=True, read_only=True)
    updated_by: serializers.Field = serializers.StringRelatedField()

    class Meta:
        model = Review
        fields = ["id", "journey", "number", "held_on", "summary", "next_review_on", "state", "version", "ratings",
                  "updated_by", "updated_at"]
        read_only_fields = fields


class RatingInputSerializer(serializers.Serializer):
    objective = serializers.IntegerField()
    rag = serializers.ChoiceField(choices=[("", "not rated"), *Rag.choices], allow_blank=True)
    evidence = serializers.CharField(allow_blank=True, required=False, default="")


class ReviewUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read: a stale one is refused with 409.")
    summary = serializers.CharField(allow_blank=True, required=False, default="")
    next_review_on = serializers.DateField(allow_null=True, required=False, default=None)
    ratings = RatingInputSerializer(many=True, required=False, default=list)
    complete = serializers.BooleanField(required=False, default=False)


class ActionSerializer(serializers.ModelSerializer):
    owner: serializers.Field = serializers.StringRelatedField()
    updated_by: serializers.Field = serializers.StringRelatedField()

    class Meta:
        model = JourneyAction
        fields = ["id", "journey", "meeting", "description", "owner", "due_on", "state", "progress", "completed_on",
                  "version", "updated_by", "updated_at"]
        read_only_fields = fields


class ActionUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read: a stale one is refused with 409.")
    state = serializers.ChoiceField(choices=JourneyAction.State.choices)
    progress = serializers.CharField(allow_blank=True, required=False, default="")


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = EscalationStep
        fields = ["id", "kind", "state", "reason", "proposed_at", "approved_at", "issued_on", "grounds",
                  "grounds_detail", "compliance_by", "required_actions", "response", "response_on", "outcome"]
        read_only_fields = fields


class SupportLinkSerializer(serializers.ModelSerializer):
    provider = serializers.CharField(source="assignment.provider", read_only=True)
    purpose = serializers.CharField(source="assignment.purpose", read_only=True)
    days = serializers.DecimalField(source="assignment.days", max_digits=6, decimal_places=1, read_only=True)

    class Meta:
        model = SupportLink
        fields = ["id", "assignment", "provider", "purpose", "days", "intensity", "note", "added_at"]
        read_only_fields = fields


class NeedMatchSerializer(serializers.Serializer):
    provider = serializers.CharField(source="provider.name")
    days = serializers.IntegerField()
    status = serializers.CharField(help_text="proposed, locked or agreed")


class JourneyNeedSerializer(serializers.ModelSerializer):
    """A need raised with brokerage from the journey, with the days matched and agreed so far."""

    matched = serializers.IntegerField(read_only=True, help_text="Days proposed, locked or agreed.")
    agreed = serializers.IntegerField(read_only=True)
    matches = NeedMatchSerializer(source="holding", many=True, read_only=True)
    # Plain text, not an enum: the same choice set as brokerage's Need would collide in the schema's names.
    status = serializers.CharField(read_only=True, help_text="open or closed")

    class Meta:
        model = Need
        fields = ["id", "area", "days", "priority", "window_start", "window_end", "status", "note", "created_at",
                  "closed_at", "matched", "agreed", "matches"]
        read_only_fields = fields


class JourneyNeedInSerializer(serializers.Serializer):
    area = serializers.ChoiceField(choices=AREA_CHOICES)
    days = serializers.IntegerField(min_value=1, max_value=100)
    priority = serializers.ChoiceField(choices=NeedPriority.choices, default=NeedPriority.HIGH)
    window_start = serializers.DateField(required=False, allow_null=True, default=None,
                                         help_text="Left out: when the journey's clock starts.")
    window_end = serializers.DateField(required=False, allow_null=True, default=None,
                                       help_text="Left out: when the journey's clock runs out.")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class JourneyDetailSerializer(JourneySerializer):
    events = serializers.SerializerMethodField()
    priorities = serializers.SerializerMethodField()
    objectives = serializers.SerializerMethodField()
    exit_criteria = serializers.SerializerMethodField()
    support = serializers.SerializerMethodField()
    needs = serializers.SerializerMethodField()
    reviews = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()

    class Meta(JourneySerializer.Meta):
        fields = [*JourneySerializer.Meta.fields, "diagnosis_summary", "events", "priorities", "objectives",
                  "exit_criteria", "support", "needs", "reviews", "actions", "steps"]
        read_only_fields = fields

    def _statement(self, journey: Journey) -> Any:
        from . import selectors

        cache = self.context.setdefault("_statement", {})
        if journey.pk not in cache:
            cache[journey.pk] = selectors.statement(journey)
        return cache[journey.pk]

    def get_events(self, journey: Journey) -> Any:
        return EventSerializer(journey.events.select_related("actor"), many=True).data

    def get_priorities(self, journey: Journey) -> Any:
        return PrioritySerializer(journey.priorities.all(), many=True).data

    def get_objectives(self, journey: Journey) -> Any:
        rows = self._statement(journey).objectives
        return [{**CriterionSerializer(r).data, "success_criteria": r.item.success_criteria,
                 "latest_rag": r.item.latest_rag} for r in rows]

    def get_exit_criteria(self, journey: Journey) -> Any:
        return CriterionSerializer(self._statement(journey).exit_criteria, many=True).data

    def get_support(self, journey: Journey) -> Any:
        return SupportLinkSerializer(self._statement(journey).support, many=True).data

    def get_needs(self, journey: Journey) -> Any:
        return JourneyNeedSerializer(self._statement(journey).needs, many=True).data

    def get_reviews(self, journey: Journey) -> Any:
        return ReviewSerializer(journey.reviews.prefetch_related("ratings").select_related("updated_by"),
                                many=True).data

    def get_actions(self, journey: Journey) -> Any:
        return ActionSerializer(journey.actions.select_related("owner", "updated_by"), many=True).data

    def get_steps(self, journey: Journey) -> Any:
        from . import selectors

        user = self.context["request"].user
        if not selectors.may_view_escalation(user, journey):
            return []
        return StepSerializer(selectors.visible_steps(user, journey), many=True).data


class OpenSerializer(serializers.Serializer):
    school = serializers.IntegerField(help_text="The school's URN.")
    owner = serializers.IntegerField(help_text="The id of a council adviser or system leader.")
    reason = serializers.CharField(allow_blank=True, required=False, default="")
    clock_months = serializers.IntegerField(required=False, default=12, min_value=1, max_value=36)


class MoveSerializer(serializers.Serializer):
    move = serializers.ChoiceField(choices=[(m, v.label) for m, v in MOVES.items()])
    reason = serializers.CharField(allow_blank=True, required=False, default="")
    skip = serializers.BooleanField(required=False, default=False)
    ratified_as = serializers.ChoiceField(choices=Journey.RatifiedBy.choices, required=False, allow_blank=True,
                                          default="")
    meeting = serializers.IntegerField(required=False, allow_null=True, default=None)
    until = serializers.DateField(required=False, allow_null=True, default=None)


STEP_KINDS = [(r.kind, r.label) for r in ladder.LADDER]
