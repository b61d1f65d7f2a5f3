"""API operations for soft intelligence: the same selectors, services and permissions as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from school_improvement.api.permissions import PermissionByMethod

from . import selectors, services
from .serializers import (
    ReceiptSerializer,
    RecordCreateSerializer,
    RecordSerializer,
    SharedRecordSerializer,
)

FILTERS = ("q", "school", "type", "severity", "confidentiality", "verified", "due", "sort")


def _serializer_for(user: Any) -> type[serializers.Serializer]:
    return RecordSerializer if selectors.is_staff_reader(user) else SharedRecordSerializer


class RecordListView(PermissionByMethod, generics.ListCreateAPIView):
    """GET: the records you may read (restricted ones shown are audited). POST: submit a record."""

    read_permission, write_permission = "intelligence.read", "intelligence.submit"

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if getattr(self.request, "method", "") == "POST":
            return RecordCreateSerializer
        return _serializer_for(self.request.user)

    def get_queryset(self) -> Any:
        return selectors.record_list(self.request.user, selectors.RecordFilters.from_query(self.request.query_params))

    @extend_schema(parameters=[OpenApiParameter(n, str) for n in FILTERS], responses=RecordSerializer(many=True),
                   operation_id="intelligence_records_list")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        selectors.note_viewed(request.user, rows, "API")
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(request=RecordCreateSerializer, responses={201: ReceiptSerializer},
                   operation_id="intelligence_records_create")
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = RecordCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        try:
            data["school"] = selectors.resolve_school(request.user, str(data["school"]))
            record = services.record_create(actor=request.user, **data)
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"school": exc.messages}
            raise serializers.ValidationError(detail) from exc
        return Response(ReceiptSerializer(record).data, status=status.HTTP_201_CREATED)


class RecordDetailView(generics.RetrieveAPIView):
    permission = "intelligence.read"

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return _serializer_for(self.request.user)

    def get_object(self) -> Any:
        return selectors.record_for(self.request.user, self.kwargs["pk"], channel="API")

    @extend_schema(responses=RecordSerializer, operation_id="intelligence_records_retrieve")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
