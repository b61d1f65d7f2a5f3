"""Capacity and brokerage in the HTTP API: the same selectors, services and permissions as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from engines.matching import KIND_LABELS
from school_improvement.api.errors import refusal
from school_improvement.api.permissions import PermissionByMethod

from . import selectors, services
from .models import AREA_CHOICES, PHASES, Match, Need, NeedSource, Priority, Provider


def _me(request: Request) -> Any:
    """The signed-in person (every view here needs one)."""
    return request.user

class ProviderSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True, default="")
    days_per_year = serializers.IntegerField(read_only=True)

    class Meta:
        model = Provider
        fields = ["id", "name", "kind", "user", "school", "school_name", "postcode", "easting", "northing", "phases",
                  "expertise", "subjects", "autumn_days", "spring_days", "summer_days", "days_per_year", "day_rate",
                  "active"]
        read_only_fields = fields


class ProviderInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=list(KIND_LABELS.items()))
    user = serializers.IntegerField(required=False, allow_null=True, default=None)
    school = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="URN")
    postcode = serializers.CharField(required=False, allow_blank=True, default="")
    easting = serializers.IntegerField(required=False, allow_null=True, default=None)
    northing = serializers.IntegerField(required=False, allow_null=True, default=None)
    phases = serializers.ListField(child=serializers.ChoiceField(choices=list(PHASES.items())))
    expertise = serializers.DictField(child=serializers.FloatField(min_value=0, max_value=1))
    subjects = serializers.CharField(required=False, allow_blank=True, default="")
    autumn_days = serializers.IntegerField(min_value=0, default=0)
    spring_days = serializers.IntegerField(min_value=0, default=0)
    summer_days = serializers.IntegerField(min_value=0, default=0)
    day_rate = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, allow_null=True, default=None)
    active = serializers.BooleanField(default=True)


class ProviderListApi(PermissionByMethod, APIView):
    """GET: the capacity register. POST: add a provider."""

    read_permission, write_permission = "brokerage.view", "brokerage.manage_providers"

    @extend_schema(operation_id="brokerage_providers_list", responses=ProviderSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ProviderSerializer(selectors.providers_for(request.user), many=True).data)

    @extend_schema(operation_id="brokerage_providers_create", request=ProviderInSerializer,
                   responses={201: ProviderSerializer})
    def post(self, request: Request) -> Response:
        incoming = ProviderInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        data["user"] = selectors.person_for(request.user, data["user"])
        urn = data.pop("school")
        data["school"] = selectors.council_school(request.user, urn) if urn else None
        if urn and data["school"] is None:
            raise serializers.ValidationError({"school": "No school of this council has that URN."})
        try:
            provider = services.provider_save(actor=request.user, council=_me(request).council, **data)
        except DjangoValidationError as exc:
            raise refusal(exc) from exc
        return Response(ProviderSerializer(provider).data, status=status.HTTP_201_CREATED)


class ProviderDetailApi(APIView):
    permission = "brokerage.view"

    @extend_schema(operation_id="brokerage_providers_retrieve", responses=ProviderSerializer)
    def get(self, request: Request, pk: int) -> Response:
        provider = selectors.provider_for(request.user, pk)
        row = selectors.provider_rows(request.user, [provider])[0]
        return Response({**ProviderSerializer(provider).data, "days_committed": row.committed,
                         "days_left": row.left, "quality_ok": row.quality.ok, "quality": row.quality.headline,
                         "quality_concerns": row.quality.concerns, "evidence": row.quality.evidence})


class MatchSerializer(serializers.ModelSerializer):
    school = serializers.IntegerField(source="need.school_id", read_only=True)
    school_name = serializers.CharField(source="need.school.name", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)

    class Meta:
        model = Match
        fields = ["id", "need", "school", "school_name", "provider", "provider_name", "days", "status", "fit",
                  "distance_km", "reasons", "support_assignment", "run"]
        read_only_fields = fields


class NeedSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True)

    class Meta:
        model = Need
        fields = ["id", "school", "school_name", "area", "days", "priority", "window_start", "window_end", "source",
                  "source_ref", "funding", "status", "note", "created_at"]
        read_only_fields = fields


class NeedInSerializer(serializers.Serializer):
    school = serializers.IntegerField(help_text="URN")
    area = serializers.ChoiceField(choices=AREA_CHOICES)
    days = serializers.IntegerField(min_value=1, max_value=100)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.HIGH)
    window_start = serializers.DateField(required=False, allow_null=True, default=None)
    window_end = serializers.DateField(required=False, allow_null=True, default=None)
    source = serializers.ChoiceField(choices=NeedSource.choices, default=NeedSource.ADVISER)  # type: ignore[assignment]
    source_ref = serializers.CharField(required=False, allow_blank=True, default="")
    funding = serializers.ChoiceField(choices=[("core", "core"), ("traded", "traded")], default="core")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NeedListApi(PermissionByMethod, APIView):
    """GET: needs (``status``: open, closed or all). POST: raise a need."""

    read_permission, write_permission = "brokerage.view", "brokerage.raise_needs"

    @extend_schema(operation_id="brokerage_needs_list", responses=NeedSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = selectors.need_list(request.user, status=str(request.query_params.get("status", "open")))
        return Response(NeedSerializer(rows[:1000], many=True).data)

    @extend_schema(operation_id="brokerage_needs_create", request=NeedInSerializer, responses={201: NeedSerializer})
    def post(self, request: Request) -> Response:
        incoming = NeedInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        try:
            data["school"] = selectors.school_for_need(request.user, data["school"])
        except Http404 as exc:
            raise serializers.ValidationError({"school": "Choose a school you may raise needs for."}) from exc
        try:
            need = services.need_create(actor=request.user, council=_me(request).council, **data)
        except DjangoValidationError as exc:
            raise refusal(exc) from exc
        return Response(NeedSerializer(need).data, status=status.HTTP_201_CREATED)


class NeedDetailApi(APIView):
    """A need, its matches and its shortlist of the best providers with reasons."""

    permission = "brokerage.view"

    @extend_schema(operation_id="brokerage_needs_retrieve", responses=NeedSerializer)
    def get(self, request: Request, pk: int) -> Response:
        need = selectors.need_for(request.user, pk)
        view = selectors.need_view(request.user, need)
        return Response({
            **NeedSerializer(need).data, "matched_days": view.matched_days,
            "matches": MatchSerializer(view.matches, many=True).data,
            "shortlist": [{"provider": p.pk, "provider_name": p.name, "score": c.score, "fit": c.fit,
                           "distance_km": c.distance_km, "capacity_left": c.capacity_left, "reasons": c.reasons}
                          for c, p in view.shortlist],
            "excluded": [{"provider": e.provider.pk, "provider_name": e.provider.name, "reasons": e.reasons}
                         for e in view.excluded],
        })


def _run_json(run: Any) -> dict[str, Any] | None:
    if run is None:
        return None
    return {"id": run.pk, "at": run.at, "needs": run.needs, "providers": run.providers,
            "days_needed": run.days_needed, "days_met": run.days_met, "priority_days_met": run.priority_days_met,
            "mean_fit": run.mean_fit, "mean_km": run.mean_km, "solve_seconds": run.solve_seconds, "arcs": run.arcs,
            "greedy": run.greedy, "settings": run.settings, "notes": run.notes}


class PlanApi(PermissionByMethod, APIView):
    """GET: the current plan (matches of open needs) and the last run. POST: run the matcher."""

    read_permission, write_permission = "brokerage.view", "brokerage.match"

    @extend_schema(operation_id="brokerage_plan_retrieve", responses=inline_serializer("Plan", {
        "run": serializers.DictField(allow_null=True), "counts": serializers.DictField(),
        "matches": MatchSerializer(many=True)}))
    def get(self, request: Request) -> Response:
        return Response({"run": _run_json(selectors.latest_run(request.user)),
                         "counts": selectors.plan_counts(request.user),
                         "matches": MatchSerializer(selectors.plan_matches(request.user), many=True).data})

    @extend_schema(operation_id="brokerage_plan_run", request=None,
                   responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        try:
            run = services.matching_run(actor=request.user, council=_me(request).council)
        except DjangoValidationError as exc:
            raise refusal(exc) from exc
        return Response(_run_json(run), status=status.HTTP_201_CREATED)


class MatchActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["lock", "unlock", "reject", "allow", "agree"])
    days = serializers.IntegerField(required=False, min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MatchDetailApi(PermissionByMethod, APIView):
    """GET: a match. POST: lock (optionally with days), unlock, reject, allow again or agree it."""

    read_permission, write_permission = "brokerage.view", "brokerage.match"

    @extend_schema(operation_id="brokerage_matches_retrieve", responses=MatchSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(MatchSerializer(selectors.match_for(request.user, pk)).data)

    @extend_schema(operation_id="brokerage_matches_decide", request=MatchActionSerializer,
                   responses=MatchSerializer)
    def post(self, request: Request, pk: int) -> Response:
        match = selectors.match_for(request.user, pk)
        incoming = MatchActionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            if data["action"] == "lock":
                match = services.match_lock(actor=request.user, match=match, days=data.get("days"), note=data["note"])
            elif data["action"] == "unlock":
                match = services.match_unlock(actor=request.user, match=match)
            elif data["action"] == "reject":
                match = services.match_reject(actor=request.user, match=match, note=data["note"])
            elif data["action"] == "allow":
                services.match_allow(actor=request.user, match=match)
                return Response(status=status.HTTP_204_NO_CONTENT)
            else:
                match = services.match_agree(actor=request.user, match=match)
        except DjangoValidationError as exc:
            raise refusal(exc) from exc
        return Response(MatchSerializer(match).data)


class GapApi(APIView):
    permission = "brokerage.view"

    @extend_schema(operation_id="brokerage_gap", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        gap = selectors.gap_picture(request.user)

        def rows(items: list[Any]) -> list[dict[str, Any]]:
            return [{"label": r.label, "needs": r.needs, "days_needed": r.needed, "agreed": r.agreed,
                     "locked": r.locked, "proposed": r.proposed, "no_provider": r.unmet} for r in items]

        return Response({"total": rows([gap.total])[0], "by_area": rows(gap.by_area),
                         "by_locality": rows(gap.by_locality),
                         "needs": [{"need": r["need"].pk, "school": r["need"].school_id, "locality": r["locality"],
                                    "area": r["need"].area, "days": r["need"].days, "no_provider": r["unmet"],
                                    "matches": [m.pk for m in r["matches"]]} for r in gap.table]})


class SupportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    school = serializers.IntegerField(source="establishment_id")
    school_name = serializers.CharField(source="establishment.name")
    provider = serializers.IntegerField(source="provider_id")
    provider_name = serializers.CharField(source="provider.__str__")
    purpose = serializers.CharField()
    days = serializers.DecimalField(max_digits=5, decimal_places=1)
    claimed = serializers.DecimalField(max_digits=6, decimal_places=1)
    confirmed = serializers.DecimalField(max_digits=6, decimal_places=1)


class SupportListApi(APIView):
    """Support assignments you may see, with days claimed and confirmed (and, for the head of
    service, the cost)."""

    permission = "brokerage.view_support"

    @extend_schema(operation_id="brokerage_support_list", responses=SupportSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows: list[Any] = list(selectors.support_for(request.user))
        data = SupportSerializer(rows, many=True).data
        if selectors.is_manager(request.user):
            rates = selectors.day_rates(request.user, rows)
            for item, row in zip(data, rows, strict=True):
                item["day_rate"] = rates[row.pk]
                item["cost"] = row.confirmed * rates[row.pk]
        return Response(data)


class ClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    assignment = serializers.IntegerField(source="assignment_id")
    delivered_on = serializers.DateField()
    days = serializers.DecimalField(max_digits=4, decimal_places=1)
    summary = serializers.CharField()
    status = serializers.CharField(read_only=True)
    feedback = serializers.CharField(read_only=True)
    usefulness = serializers.IntegerField(read_only=True, allow_null=True)


class ClaimListApi(PermissionByMethod, APIView):
    """GET: claims you may see. POST: claim days delivered against one of your assignments."""

    read_permission, write_permission = "brokerage.view_support", "brokerage.claim"

    @extend_schema(operation_id="brokerage_claims_list", responses=ClaimSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ClaimSerializer(selectors.claims_for(request.user)[:1000], many=True).data)

    @extend_schema(operation_id="brokerage_claims_create", request=ClaimSerializer, responses={201: ClaimSerializer})
    def post(self, request: Request) -> Response:
        incoming = ClaimSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            assignment = selectors.assignment_for_claim(request.user, data["assignment_id"])
        except Http404 as exc:
            raise serializers.ValidationError({"assignment": "Choose one of your support assignments."}) from exc
        try:
            claim = services.claim_create(actor=request.user, assignment=assignment, delivered_on=data["delivered_on"],
                                          days=data["days"], summary=data["summary"])
        except DjangoValidationError as exc:
            raise refusal(exc) from exc
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


class ConfirmSerializer(serializers.Serializer):
    confirmed = serializers.BooleanField()
    feedback = serializers.CharField(required=False, allow_blank=True, default="")
    usefulness = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5, default=None)


class ClaimConfirmApi(APIView):
    """The supported school's headteacher confirms or disputes a claim, with feedback."""

    permission = "brokerage.confirm"

    @extend_schema(operation_id="brokerage_claims_confirm", request=ConfirmSerializer, responses=ClaimSerializer)
    def post(self, request: Request, pk: int) -> Response:
        claim = selectors.claim_for_confirm(request.user, pk)
        incoming = ConfirmSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            claim = services.claim_confirm(actor=request.user, claim=claim, **incoming.validated_data)
        except DjangoValidationError as exc:
            raise refusal(exc) from exc
        return Response(ClaimSerializer(claim).data)



urlpatterns = [
    path("v1/brokerage/providers/", ProviderListApi.as_view(), name="brokerage_provider_list"),
    path("v1/brokerage/providers/<int:pk>/", ProviderDetailApi.as_view(), name="brokerage_provider_detail"),
    path("v1/brokerage/needs/", NeedListApi.as_view(), name="brokerage_need_list"),
    path("v1/brokerage/needs/<int:pk>/", NeedDetailApi.as_view(), name="brokerage_need_detail"),
    path("v1/brokerage/plan/", PlanApi.as_view(), name="brokerage_plan"),
    path("v1/brokerage/matches/<int:pk>/", MatchDetailApi.as_view(), name="brokerage_match_detail"),
    path("v1/brokerage/gap/", GapApi.as_view(), name="brokerage_gap"),
    path("v1/brokerage/support/", SupportListApi.as_view(), name="brokerage_support_list"),
    path("v1/brokerage/claims/", ClaimListApi.as_view(), name="brokerage_claim_list"),
    path("v1/brokerage/claims/<int:pk>/confirm/", ClaimConfirmApi.as_view(), name="brokerage_claim_confirm"),
]
