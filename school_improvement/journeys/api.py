"""API operations for improvement journeys: the same selectors, services and permissions as the pages.

A stale edit (a review or an action saved by someone else since it was read) is refused with
409 Conflict and the current record, so the caller sees the other person's change.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from school_improvement.api.errors import refusal
from school_improvement.api.permissions import PermissionByMethod

from . import selectors, services
from .serializers import (
    ActionSerializer,
    ActionUpdateSerializer,
    JourneyDetailSerializer,
    JourneyNeedInSerializer,
    JourneyNeedSerializer,
    JourneySerializer,
    MoveSerializer,
    OpenSerializer,
    ReviewSerializer,
    ReviewUpdateSerializer,
    WatchRowSerializer,
)


class MethodPermission(PermissionByMethod):
    """Journeys: read with ``journeys.view``, write with ``journeys.manage`` unless a view says otherwise."""

    read_permission = "journeys.view"
    write_permission = "journeys.manage"


class JourneyListView(MethodPermission, generics.ListCreateAPIView):
    """GET: the journeys you may see. POST: open a journey (by category or by a decision with a reason)."""

    write_permission = "journeys.open"
    serializer_class = JourneySerializer

    def get_queryset(self) -> Any:
        rows = selectors.visible_journeys(self.request.user).select_related("school", "owner").order_by("pk")
        wanted = self.request.query_params.get("status")
        return rows.filter(status=wanted) if wanted else rows

    @extend_schema(parameters=[OpenApiParameter("status", str)], operation_id="journeys_list")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=OpenSerializer, responses={201: JourneySerializer}, operation_id="journeys_open")
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = OpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        school = selectors.openable_schools(request.user).filter(pk=d["school"]).first()
        owner = selectors.owner_choices(getattr(request.user, "council_id", None)).filter(pk=d["owner"]).first()
        if school is None:
            raise exceptions.ValidationError({"school": "You cannot open a journey for that school."})
        awaiting = {r["school"].pk: r["decision"] for r in selectors.schools_awaiting_journey(request.user)}
        try:
            journey = services.journey_open(actor=request.user, school=school, owner=owner, reason=d["reason"],
                                            category_decision=awaiting.get(school.pk), clock_months=d["clock_months"])
        except DjangoValidationError as exc:
            raise refusal(exc) from exc
        return Response(JourneySerializer(journey).data, status=status.HTTP_201_CREATED)


class JourneyDetailView(generics.RetrieveAPIView):
    permission = "journeys.view"
    serializer_class = JourneyDetailSerializer

    def get_object(self) -> Any:
        return selectors.journey_for(self.request.user, self.kwargs["pk"])


class JourneyMoveView(APIView):
    """Move a journey along its state machine (the same gates, skips and reasons as the pages)."""

    permission = "journeys.manage"

    @extend_schema(request=MoveSerializer, responses=JourneySerializer, operation_id="journeys_move")
    def post(self, request: Request, pk: int) -> Response:
        journey = selectors.journey_for(request.user, pk)
        if not selectors.is_manager(request.user, journey):
            raise exceptions.PermissionDenied
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        meeting = journey.meetings.filter(pk=d["meeting"]).first() if d["meeting"] else None
        try:
            journey = services.journey_move(actor=request.user, journey=journey, move=d["move"], reason=d["reason"],
                                            skip=d["skip"], extra=services.MoveExtra(
                                                ratified_as=d["ratified_as"], meeting=meeting, until=d["until"]))
        except DjangoValidationError as exc:
            raise refusal(exc) from exc
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied from exc
        return Response(JourneySerializer(journey).data)


class JourneyNeedsView(MethodPermission, APIView):
    """GET: the needs raised with brokerage from the journey. POST: raise one (whoever may change the
    support package; never while the journey is paused or closed)."""

    @extend_schema(responses=JourneyNeedSerializer(many=True), operation_id="journeys_needs_list")
    def get(self, request: Request, pk: int) -> Response:
        journey = selectors.journey_for(request.user, pk)
        return Response(JourneyNeedSerializer(selectors.journey_needs(journey), many=True).data)

    @extend_schema(request=JourneyNeedInSerializer, responses={201: JourneyNeedSerializer},
                   operation_id="journeys_needs_raise")
    def post(self, request: Request, pk: int) -> Response:
        journey = selectors.journey_for(request.user, pk)
        if not selectors.is_manager(request.user, journey):
            raise exceptions.PermissionDenied
        data = JourneyNeedInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            need = services.need_raise(actor=request.user, journey=journey, **data.validated_data)
        except DjangoValidationError as exc:
            raise refusal(exc) from exc
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied from exc
        row = next(n for n in selectors.journey_needs(journey) if n.pk == need.pk)
        return Response(JourneyNeedSerializer(row).data, status=status.HTTP_201_CREATED)


class ReviewView(MethodPermission, APIView):
    """GET a review. POST an edit made on ``version``: 409 with the current review if someone saved since."""

    @extend_schema(responses=ReviewSerializer, operation_id="journeys_review_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        review = selectors.review_for(request.user, pk)
        return Response(ReviewSerializer(review).data)

    @extend_schema(request=ReviewUpdateSerializer, responses={200: ReviewSerializer, 409: ReviewSerializer},
                   operation_id="journeys_review_update")
    def post(self, request: Request, pk: int) -> Response:
        review = selectors.review_for(request.user, pk)
        if not selectors.is_manager(request.user, review.journey):
            raise exceptions.PermissionDenied
        data = ReviewUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        ratings = {r["objective"]: (r["rag"], r.get("evidence", "")) for r in d["ratings"]}
        try:
            review = services.review_save(actor=request.user, review=review, version=d["version"], summary=d["summary"],
                                          next_review_on=d["next_review_on"], ratings=ratings, complete=d["complete"])
        except services.StaleEdit as stale:
            return Response({"detail": "Someone else saved this review since you read it.",
                             "current": ReviewSerializer(stale.current).data}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            raise refusal(exc) from exc
        return Response(ReviewSerializer(review).data)


class ActionView(MethodPermission, APIView):
    """GET an action. POST its owner's (or a manager's) update, made on ``version``."""

    write_permission = "journeys.update_own_actions"

    @extend_schema(responses=ActionSerializer, operation_id="journeys_action_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        return Response(ActionSerializer(selectors.action_for(request.user, pk)).data)

    @extend_schema(request=ActionUpdateSerializer, responses={200: ActionSerializer, 409: ActionSerializer},
                   operation_id="journeys_action_update")
    def post(self, request: Request, pk: int) -> Response:
        action = selectors.action_for(request.user, pk)
        if not selectors.may_update_action(request.user, action):
            raise exceptions.PermissionDenied
        data = ActionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            action = services.action_update(actor=request.user, action=action, **data.validated_data)
        except services.StaleEdit as stale:
            return Response({"detail": "Someone else updated this action since you read it.",
                             "current": ActionSerializer(stale.current).data}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            raise refusal(exc) from exc
        return Response(ActionSerializer(action).data)


class WatchlistView(generics.ListAPIView):
    """Live journeys with what needs attention: overdue reviews, red objectives, actions past due, the clock."""

    permission = "journeys.dashboard"
    serializer_class = WatchRowSerializer

    def get_queryset(self) -> Any:
        return selectors.watchlist(self.request.user, selectors.WatchFilters.from_query(self.request.query_params))

    @extend_schema(parameters=[OpenApiParameter(n, str) for n in ("flag", "stage", "mine")],
                   operation_id="journeys_watchlist")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)



