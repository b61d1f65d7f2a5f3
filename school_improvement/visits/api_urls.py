"""Adviser time and visits in the HTTP API: the same selectors, services and permissions as the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from school_improvement.api.errors import refusal
from school_improvement.register.models import Establishment

from . import selectors, services
from .models import FOCUS_AREAS, Funding, Purpose, Verdict, Visit, VisitState


def _me(request: Request) -> Any:
    """The signed-in person (every view here needs one)."""
    return request.user

class FindingSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    area = serializers.CharField()
    text = serializers.CharField()
    head_verdict = serializers.CharField()
    head_response = serializers.CharField()
    adviser_answer = serializers.CharField()


class AgreedActionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    school = serializers.IntegerField(source="school_id", read_only=True)
    visit = serializers.IntegerField(source="visit_id", read_only=True, allow_null=True)
    conference = serializers.IntegerField(source="conference_id", read_only=True, allow_null=True)
    text = serializers.CharField()
    owner = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    status = serializers.CharField()


class VisitSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True)
    adviser_name = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = ["id", "school", "school_name", "adviser", "adviser_name", "purpose", "funding", "state",
                  "planned_date", "visit_date", "days", "year", "term", "from_schedule", "accuracy_due",
                  "issued_at"]
        read_only_fields = fields

    def get_adviser_name(self, visit: Visit) -> str:
        return str(visit.adviser) if visit.adviser else ""


class VisitNoteSerializer(VisitSerializer):
    """A visit with its note: points (and the factual-accuracy exchange) and agreed actions."""

    focus_areas = serializers.ListField(child=serializers.CharField(), read_only=True)
    findings = FindingSerializer(many=True, read_only=True)
    actions = AgreedActionSerializer(many=True, read_only=True)

    class Meta(VisitSerializer.Meta):
        fields = [*VisitSerializer.Meta.fields, "focus_areas", "evidence_seen", "summary", "head_comment",
                  "findings", "actions"]
        read_only_fields = fields


class VisitPlanSerializer(serializers.Serializer):
    school = serializers.IntegerField(help_text="The school's URN.")
    planned_date = serializers.DateField()
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    funding = serializers.ChoiceField(choices=Funding.choices, default=Funding.CORE)
    days = serializers.DecimalField(max_digits=4, decimal_places=1, default=Decimal("1"))
    adviser = serializers.IntegerField(required=False, allow_null=True, help_text="Head of service only.")


class PointInSerializer(serializers.Serializer):
    area = serializers.ChoiceField(choices=[("", ""), *FOCUS_AREAS.items()], required=False, default="")
    text = serializers.CharField()


class ActionInSerializer(serializers.Serializer):
    text = serializers.CharField()
    owner = serializers.CharField(required=False, allow_blank=True, default="")
    due = serializers.DateField(required=False, allow_null=True, default=None)


class NoteInSerializer(serializers.Serializer):
    visit_date = serializers.DateField(required=False)
    purpose = serializers.ChoiceField(choices=Purpose.choices, required=False)
    focus_areas = serializers.ListField(child=serializers.ChoiceField(choices=list(FOCUS_AREAS.items())),
                                        required=False)
    evidence_seen = serializers.CharField(required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    findings = PointInSerializer(many=True, required=False)
    actions = ActionInSerializer(many=True, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Give at least one part of the note.")
        return attrs


class VerdictInSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    response = serializers.CharField(required=False, allow_blank=True, default="")


class RespondInSerializer(serializers.Serializer):
    points = VerdictInSerializer(many=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class AnswerItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    answer = serializers.CharField()
    text = serializers.CharField(required=False, allow_blank=True, default="")


class AnswerInSerializer(serializers.Serializer):
    answers = AnswerItemSerializer(many=True, required=False, default=list)


def _writable(request: Request, pk: int) -> Visit:
    visit = selectors.visit_for(request.user, pk)
    if not selectors.can_write(request.user, visit):
        raise PermissionDenied
    return visit


class VisitListApi(APIView):
    """GET: the visits you may see (filters: state, when, year, adviser, school). POST: plan a visit."""

    @property
    def permission(self) -> str:
        request = getattr(self, "request", None)
        return "visits.record" if request is not None and request.method == "POST" else "visits.view"

    @extend_schema(operation_id="visits_list", responses=VisitSerializer(many=True),
                   parameters=[OpenApiParameter(n, str) for n in ("state", "when", "year", "adviser", "school")])
    def get(self, request: Request) -> Response:
        rows = selectors.visit_list(request.user, selectors.VisitFilters.from_query(request.query_params))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(VisitSerializer(page, many=True).data)

    @extend_schema(operation_id="visits_create", request=VisitPlanSerializer, responses={201: VisitSerializer})
    def post(self, request: Request) -> Response:
        incoming = VisitPlanSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        school = Establishment.objects.in_council(_me(request).council_id).filter(pk=data["school"]).first()
        if school is None or not selectors.can_plan(request.user, school):
            raise serializers.ValidationError({"school": "Choose a school you may plan visits for."})
        adviser = request.user if not selectors.is_manager(request.user) else None
        if selectors.is_manager(request.user) and data.get("adviser"):
            adviser = selectors.advisers_of(_me(request).council_id).filter(pk=data["adviser"]).first()
        try:
            visit = services.visit_plan(actor=request.user, council=_me(request).council, school=school,
                                        planned_date=data["planned_date"], purpose=data["purpose"],
                                        funding=data["funding"], days=data["days"], adviser=adviser)
        except DjangoValidationError as exc:
            raise refusal(exc) from exc
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)


class VisitDetailApi(APIView):
    permission = "visits.view"

    @extend_schema(operation_id="visits_retrieve", responses=VisitNoteSerializer)
    def get(self, request: Request, pk: int) -> Response:
        visit = selectors.visit_for(request.user, pk)
        return Response(VisitNoteSerializer(visit).data)


class VisitNoteApi(APIView):
    """Save the draft note (as the autosave does): any of its parts; points and actions replace
    the draft's."""

    permission = "visits.record"

    @extend_schema(operation_id="visits_note_save", request=NoteInSerializer, responses=VisitNoteSerializer)
    def post(self, request: Request, pk: int) -> Response:
        visit = _writable(request, pk)
        incoming = NoteInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        note = services.DraftNote(
            purpose=data.get("purpose"), visit_date=data.get("visit_date"), focus_areas=data.get("focus_areas"),
            evidence_seen=data.get("evidence_seen"), summary=data.get("summary"),
            findings=[(p.get("area", ""), p["text"]) for p in data["findings"]] if "findings" in data else None,
            actions=[(a["text"], a.get("owner", ""), a.get("due")) for a in data["actions"]]
            if "actions" in data else None)
        try:
            visit = services.visit_save_draft(actor=request.user, visit=visit, note=note)
        except DjangoValidationError as exc:
            raise refusal(exc) from exc
        return Response(VisitNoteSerializer(visit).data)


class _StepApi(APIView):
    permission = "visits.record"
    step = ""

    def post(self, request: Request, pk: int) -> Response:
        visit = _writable(request, pk)
        service = {"send": services.visit_send, "issue": services.visit_issue}[self.step]
        try:
            visit = service(actor=request.user, visit=visit)
        except DjangoValidationError as exc:
            raise refusal(exc) from exc
        return Response(VisitNoteSerializer(visit).data)


class VisitSendApi(_StepApi):
    """Send the note to the school for a factual-accuracy check."""

    step = "send"

    @extend_schema(operation_id="visits_send", request=None, responses=VisitNoteSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class VisitIssueApi(_StepApi):
    """Issue the note (once answered, or once the school's window has closed)."""

    step = "issue"

    @extend_schema(operation_id="visits_issue", request=None, responses=VisitNoteSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class VisitRespondApi(APIView):
    """The headteacher marks each point accurate or inaccurate, with a response."""

    permission = "visits.respond"

    @extend_schema(operation_id="visits_respond", request=RespondInSerializer, responses=VisitNoteSerializer)
    def post(self, request: Request, pk: int) -> Response:
        visit = selectors.visit_for(request.user, pk)
        if not selectors.can_respond(request.user, visit):
            raise PermissionDenied
        incoming = RespondInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        verdicts = {p["id"]: (p["verdict"], p["response"]) for p in incoming.validated_data["points"]}
        try:
            visit = services.visit_respond(actor=request.user, visit=visit, verdicts=verdicts,
                                           comment=incoming.validated_data["comment"])
        except DjangoValidationError as exc:
            raise refusal(exc) from exc
        return Response(VisitNoteSerializer(visit).data)


class VisitAnswerApi(APIView):
    """The adviser answers the points the school marked inaccurate."""

    permission = "visits.record"

    @extend_schema(operation_id="visits_answer", request=AnswerInSerializer, responses=VisitNoteSerializer)
    def post(self, request: Request, pk: int) -> Response:
        visit = _writable(request, pk)
        if visit.state != VisitState.RESPONDED:
            raise serializers.ValidationError({"detail": "The school has not responded."})
        incoming = AnswerInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        answers = {a["id"]: (a["answer"], a["text"]) for a in incoming.validated_data["answers"]}
        try:
            visit = services.visit_answer(actor=request.user, visit=visit, answers=answers)
        except DjangoValidationError as exc:
            raise refusal(exc) from exc
        return Response(VisitNoteSerializer(visit).data)


class ActionListApi(APIView):
    permission = "visits.view"

    @extend_schema(operation_id="visits_actions_list", responses=AgreedActionSerializer(many=True),
                   parameters=[OpenApiParameter("show", str, enum=["open", "overdue", "done", "all"])])
    def get(self, request: Request) -> Response:
        which = str(request.query_params.get("show", "open"))
        return Response(AgreedActionSerializer(selectors.action_list(request.user, which=which), many=True).data)


def _caseload_json(load: Any) -> dict[str, Any]:
    return {
        "adviser": load.adviser.pk, "adviser_name": str(load.adviser), "year": load.year,
        "available": load.available, "available_by_term": load.available_by_term,
        "scheduled_by_term": load.scheduled_by_term, "scheduled_by_funding": load.scheduled_by_funding,
        "unscheduled": load.unscheduled, "allocated": load.allocated, "balance": load.balance,
        "status": load.status[0],
        "schools": [{"urn": s.school.urn, "name": s.school.name, "is_link_adviser": s.is_link,
                     "category": s.entitlement.category, "entitlement_days": s.entitlement.adviser_days,
                     "visits_per_year": s.entitlement.visits_per_year, "entitlement_source": s.entitlement.source,
                     "planned_days": s.scheduled_days, "visits_planned": s.visits_planned,
                     "visits_held": s.visits_done, "overdue_visits": s.overdue_visits, "notes_due": s.notes_due}
                    for s in load.schools],
    }


class CaseloadSerializer(serializers.Serializer):
    adviser = serializers.IntegerField()
    adviser_name = serializers.CharField()
    year = serializers.IntegerField()
    available = serializers.DecimalField(max_digits=6, decimal_places=1)
    available_by_term = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=1))
    scheduled_by_term = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=1))
    scheduled_by_funding = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=1))
    unscheduled = serializers.DecimalField(max_digits=6, decimal_places=1)
    allocated = serializers.DecimalField(max_digits=6, decimal_places=1)
    balance = serializers.DecimalField(max_digits=6, decimal_places=1)
    status = serializers.CharField()
    schools = serializers.ListField(child=serializers.DictField())


def _year(request: Request) -> int:
    value = str(request.query_params.get("year", ""))
    return int(value) if value.isdigit() else selectors.current_year()


class CaseloadApi(APIView):
    permission = "visits.view_caseload"

    @extend_schema(operation_id="visits_caseload", responses=CaseloadSerializer,
                   parameters=[OpenApiParameter("year", int)])
    def get(self, request: Request, pk: int) -> Response:
        adviser = selectors.adviser_for(request.user, pk)
        return Response(CaseloadSerializer(_caseload_json(selectors.caseload(request.user, adviser, _year(request)))).data)


class AdviserCapacityApi(APIView):
    """The council picture: every adviser's allocated against available days, and the schools
    with no link adviser."""

    permission = "visits.manage_capacity"

    @extend_schema(operation_id="visits_capacity", parameters=[OpenApiParameter("year", int)],
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        picture = selectors.council_picture(request.user, _year(request))
        return Response({
            "year": picture.year, "available": picture.available, "allocated": picture.allocated,
            "entitlement_total": picture.entitlement_total, "unallocated_days": picture.unallocated_days,
            "advisers": [CaseloadSerializer(_caseload_json(c)).data for c in picture.caseloads],
            "schools_without_adviser": [{"urn": s.urn, "name": s.name, "entitlement_days": e.adviser_days}
                                        for s, e in picture.schools_without_adviser],
        })


class ConferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    school = serializers.IntegerField(source="school_id")
    held_on = serializers.DateField()
    attendees = serializers.ListField(child=serializers.CharField())
    evidence_reviewed = serializers.CharField()
    decisions = serializers.CharField()
    next_review = serializers.DateField(required=False, allow_null=True, default=None)
    actions = ActionInSerializer(many=True, required=False, default=list)


class ConferenceListApi(APIView):
    permission = "visits.case_conference"

    @extend_schema(operation_id="case_conferences_list", responses=ConferenceSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = selectors.conferences_for(request.user).prefetch_related("actions")[:200]
        return Response([{**ConferenceSerializer(c).data,
                          "actions": AgreedActionSerializer(c.actions.all(), many=True).data} for c in rows])

    @extend_schema(operation_id="case_conferences_create", request=ConferenceSerializer,
                   responses={201: ConferenceSerializer})
    def post(self, request: Request) -> Response:
        incoming = ConferenceSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            school = selectors.school_for_conference(request.user, data["school_id"])
        except Exception as exc:
            raise serializers.ValidationError({"school": "Choose a school of your portfolio."}) from exc
        try:
            conference = services.conference_record(
                actor=request.user, council=_me(request).council, school=school, held_on=data["held_on"],
                attendees=data["attendees"], evidence_reviewed=data["evidence_reviewed"],
                decisions=data["decisions"], next_review=data["next_review"],
                actions=[(a["text"], a.get("owner", ""), a.get("due")) for a in data["actions"]])
        except DjangoValidationError as exc:
            raise refusal(exc) from exc
        return Response(ConferenceSerializer(conference).data, status=status.HTTP_201_CREATED)


class ConferenceDetailApi(APIView):
    permission = "visits.case_conference"

    @extend_schema(operation_id="case_conferences_retrieve", responses=ConferenceSerializer)
    def get(self, request: Request, pk: int) -> Response:
        conference = selectors.conference_for(request.user, pk)
        return Response({**ConferenceSerializer(conference).data,
                         "actions": AgreedActionSerializer(conference.actions.all(), many=True).data})


urlpatterns = [
    path("v1/visits/", VisitListApi.as_view(), name="visit_list"),
    path("v1/visits/<int:pk>/", VisitDetailApi.as_view(), name="visit_detail"),
    path("v1/visits/<int:pk>/note/", VisitNoteApi.as_view(), name="visit_note"),
    path("v1/visits/<int:pk>/send/", VisitSendApi.as_view(), name="visit_send"),
    path("v1/visits/<int:pk>/respond/", VisitRespondApi.as_view(), name="visit_respond"),
    path("v1/visits/<int:pk>/answer/", VisitAnswerApi.as_view(), name="visit_answer"),
    path("v1/visits/<int:pk>/issue/", VisitIssueApi.as_view(), name="visit_issue"),
    path("v1/visit-actions/", ActionListApi.as_view(), name="visit_action_list"),
    path("v1/caseloads/<int:pk>/", CaseloadApi.as_view(), name="caseload"),
    path("v1/adviser-capacity/", AdviserCapacityApi.as_view(), name="adviser_capacity"),
    path("v1/case-conferences/", ConferenceListApi.as_view(), name="case_conference_list"),
    path("v1/case-conferences/<int:pk>/", ConferenceDetailApi.as_view(), name="case_conference_detail"),
]
