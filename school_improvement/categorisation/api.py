"""API operations for categorisation (read): policies, rounds, decisions and each school's
category history. The same selectors and permissions as the pages: packs are redacted where the
reader declared a conflict, and each explanation is the one written for the reader's audience.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from school_improvement.register.selectors import school_for

from . import selectors


class TriggerSerializer(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    kind = serializers.CharField()
    condition = serializers.CharField()
    weight = serializers.FloatField()
    severity = serializers.CharField()


class CategorySerializer(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    adviser_days = serializers.FloatField()
    visits_per_year = serializers.FloatField()
    opens_journey = serializers.BooleanField()


class VersionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    version = serializers.CharField()
    status = serializers.CharField()
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    yaml = serializers.CharField()
    triggers = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()

    @extend_schema(responses=TriggerSerializer(many=True))
    def get_triggers(self, obj: Any) -> list[dict[str, Any]]:
        return [TriggerSerializer(t).data for t in obj.engine_policy().triggers]

    @extend_schema(responses=CategorySerializer(many=True))
    def get_categories(self, obj: Any) -> list[dict[str, Any]]:
        return [CategorySerializer(k).data for k in obj.engine_policy().categories]


class PolicySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    published = serializers.IntegerField()
    drafts = serializers.IntegerField()


class PolicyDetailSerializer(PolicySerializer):
    versions = VersionSerializer(many=True)


class RoundSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    as_at = serializers.DateField()
    policy_version = serializers.IntegerField(source="policy_version_id")
    policy = serializers.CharField(source="policy_version.policy.name")
    version = serializers.CharField(source="policy_version.version")
    scope = serializers.CharField()
    status = serializers.CharField()
    window_days = serializers.IntegerField()
    schools = serializers.IntegerField()
    signed_off = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)


class PackEntrySerializer(serializers.Serializer):
    decision = serializers.IntegerField()
    urn = serializers.IntegerField()
    school = serializers.CharField()
    redacted = serializers.BooleanField()
    state = serializers.CharField()
    route = serializers.CharField(allow_null=True)
    proposed_category = serializers.CharField(allow_null=True)
    category = serializers.CharField(allow_null=True)
    category_label = serializers.CharField(allow_null=True)
    triggers_fired = serializers.ListField(child=serializers.CharField())


class RoundDetailSerializer(RoundSerializer):
    decisions = PackEntrySerializer(many=True)


class DecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField()
    round_name = serializers.CharField()
    as_at = serializers.DateField()
    urn = serializers.IntegerField()
    school = serializers.CharField()
    redacted = serializers.BooleanField()
    audience = serializers.CharField()
    state = serializers.CharField()
    route = serializers.CharField(allow_null=True)
    proposed_category = serializers.CharField(allow_null=True)
    category = serializers.CharField(allow_null=True)
    category_label = serializers.CharField(allow_null=True)
    adviser_days = serializers.FloatField(allow_null=True)
    visits_per_year = serializers.FloatField(allow_null=True)
    group_outcome = serializers.CharField(allow_null=True)
    group_reason = serializers.CharField(allow_null=True)
    reasons_for_school = serializers.ListField(child=serializers.CharField())
    explanation = serializers.JSONField(help_text="The engine's proposal written for your audience.")
    window_closes = serializers.DateField(allow_null=True)
    representation = serializers.JSONField(allow_null=True)
    signed_off_at = serializers.DateTimeField(allow_null=True)
    evidence_frozen = serializers.BooleanField()


class HistorySerializer(serializers.Serializer):
    decision = serializers.IntegerField(allow_null=True)
    round = serializers.CharField(allow_null=True)
    year = serializers.IntegerField(allow_null=True, help_text="For a category imported from a spreadsheet.")
    category = serializers.CharField()
    state = serializers.CharField()
    who = serializers.CharField()
    why = serializers.CharField(allow_blank=True)
    when = serializers.CharField(allow_null=True)


def _pack(user: Any, round_: Any) -> list[dict[str, Any]]:
    return [{
        "decision": row.decision.pk, "urn": row.decision.school_id, "school": row.decision.school.name,
        "redacted": row.redacted, "state": row.decision.state,
        "route": None if row.redacted else row.decision.route,
        "proposed_category": None if row.redacted else row.decision.proposed_category,
        "category": None if row.redacted else row.decision.category,
        "category_label": None if row.redacted else row.category_label, "triggers_fired": row.fired,
    } for row in selectors.round_pack(user, round_)]


def decision_data(user: Any, decision: Any) -> dict[str, Any]:
    view = selectors.decision_view(user, decision)
    selectors.note_decision_viewed(user, view)
    hidden = view.redacted
    rep = view.representation
    return {
        "id": decision.pk, "round": decision.round_id, "round_name": decision.round.name,
        "as_at": decision.round.as_at, "urn": decision.school_id, "school": decision.school.name,
        "redacted": hidden, "audience": view.audience, "state": decision.state,
        "route": None if hidden else decision.route,
        "proposed_category": None if hidden else decision.proposed_category,
        "category": None if hidden else decision.category,
        "category_label": None if hidden else view.category_label,
        "adviser_days": None if hidden or decision.adviser_days is None else float(decision.adviser_days),
        "visits_per_year": None if hidden or decision.visits_per_year is None else float(decision.visits_per_year),
        "group_outcome": None if hidden or not view.staff else decision.group_outcome,
        "group_reason": None if hidden or not view.staff else decision.group_reason,
        "reasons_for_school": view.school_reasons, "explanation": view.proposal,
        "window_closes": decision.window_closes,
        "representation": None if rep is None else {
            "text": rep.text, "made_at": rep.made_at.isoformat(), "outcome": rep.outcome or None,
            "answer": rep.answer or None},
        "signed_off_at": decision.signed_off_at, "evidence_frozen": decision.frozen is not None,
    }


class PolicyListView(APIView):
    """The council's categorisation policies."""

    permission = "categorisation.view_policies"

    @extend_schema(responses=PolicySerializer(many=True), operation_id="categorisation_policies_list")
    def get(self, request: Request) -> Response:
        return Response(PolicySerializer(selectors.policies_for(request.user), many=True).data)


class PolicyDetailView(APIView):
    """One policy with its versions (drafts only for the head of service), as YAML and in parts."""

    permission = "categorisation.view_policies"

    @extend_schema(responses=PolicyDetailSerializer, operation_id="categorisation_policy_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        policy = selectors.policy_for(request.user, pk)
        data = PolicySerializer(policy).data
        data["versions"] = VersionSerializer(list(selectors.versions_for(request.user, policy)), many=True).data
        return Response(data)


class RoundListView(APIView):
    """Categorisation rounds of the council."""

    permission = "categorisation.view_rounds"

    @extend_schema(responses=RoundSerializer(many=True), operation_id="categorisation_rounds_list")
    def get(self, request: Request) -> Response:
        return Response(RoundSerializer(selectors.rounds_for(request.user), many=True).data)


class RoundDetailView(APIView):
    """A round and its pack (redacted for schools you declared a conflict with)."""

    permission = "categorisation.view_rounds"

    @extend_schema(responses=RoundDetailSerializer, operation_id="categorisation_round_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        round_ = selectors.round_for(request.user, pk)
        data = RoundSerializer(round_).data
        data["decisions"] = _pack(request.user, round_)
        return Response(data)


class DecisionDetailView(APIView):
    """One school's decision in a round, explained for your audience."""

    permission = "categorisation.view_decisions"

    @extend_schema(responses=DecisionSerializer, operation_id="categorisation_decision_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        decision = selectors.decision_for(request.user, pk)
        return Response(DecisionSerializer(decision_data(request.user, decision)).data)


class SchoolCategoryListView(APIView):
    """A school's categories over time: rounds (who, when, why) and past categories imported."""

    permission = "categorisation.view_decisions"

    @extend_schema(responses=HistorySerializer(many=True), operation_id="school_categories_list")
    def get(self, request: Request, urn: int) -> Response:
        school = school_for(request.user, urn)
        entries = selectors.school_history(request.user, school) or []
        return Response(HistorySerializer([{
            "decision": e.decision.pk if e.decision else None,
            "round": e.decision.round.name if e.decision else None,
            "year": e.past.year if e.past else None, "category": e.label, "state": e.state_label,
            "who": e.who, "why": e.why or "", "when": str(e.when) if e.when is not None else None,
        } for e in entries], many=True).data)
