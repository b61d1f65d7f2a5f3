"""Register operations in the HTTP API (read: groups, clusters, LAs, lineage; write: imports)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from school_improvement.core import jobs

from . import importers, selectors


class SchoolBriefSerializer(serializers.Serializer):
    urn = serializers.IntegerField()
    name = serializers.CharField()
    phase = serializers.CharField()
    status = serializers.CharField()


def _schools(queryset: Any) -> list[dict[str, Any]]:
    return [{"urn": s.urn, "name": s.name, "phase": s.phase, "status": s.status} for s in queryset]


class GroupDetailApi(APIView):
    permission = "register.view_schools"

    @extend_schema(operation_id="group_retrieve", responses=inline_serializer("Group", {
        "uid": serializers.IntegerField(), "name": serializers.CharField(), "type": serializers.CharField(),
        "status": serializers.CharField(), "schools": SchoolBriefSerializer(many=True)}))
    def get(self, request: Request, uid: int) -> Response:
        group, schools = selectors.group_for(request.user, uid)
        return Response({"uid": group.uid, "name": group.name, "type": group.type, "status": group.status,
                         "schools": _schools(schools)})


class LocalAuthorityDetailApi(APIView):
    permission = "register.view_schools"

    @extend_schema(operation_id="local_authority_retrieve", responses=inline_serializer("LocalAuthority", {
        "code": serializers.CharField(), "name": serializers.CharField(), "region": serializers.CharField(),
        "statistical_neighbours": serializers.ListField(child=serializers.CharField()),
        "schools": SchoolBriefSerializer(many=True)}))
    def get(self, request: Request, code: str) -> Response:
        la, schools, neighbours = selectors.local_authority_for(request.user, code)
        return Response({"code": la.code, "name": la.name, "region": la.region_name,
                         "statistical_neighbours": [n.neighbour_id for n in neighbours],
                         "schools": _schools(schools)})


class ClusterListApi(APIView):
    permission = "register.view_schools"

    @extend_schema(operation_id="cluster_list", responses=inline_serializer("ClusterSummary", {
        "id": serializers.IntegerField(), "name": serializers.CharField(), "kind": serializers.CharField(),
        "schools": serializers.IntegerField()}, many=True))
    def get(self, request: Request) -> Response:
        return Response([{"id": c.pk, "name": c.name, "kind": c.kind, "schools": c.school_count}  # type: ignore[attr-defined]
                         for c in selectors.clusters_for(request.user)])


class ClusterDetailApi(APIView):
    permission = "register.view_schools"

    @extend_schema(operation_id="cluster_retrieve", responses=inline_serializer("Cluster", {
        "id": serializers.IntegerField(), "name": serializers.CharField(), "kind": serializers.CharField(),
        "schools": SchoolBriefSerializer(many=True)}))
    def get(self, request: Request, pk: int) -> Response:
        cluster, schools = selectors.cluster_for(request.user, pk)
        return Response({"id": cluster.pk, "name": cluster.name, "kind": cluster.kind, "schools": _schools(schools)})


class SchoolLineageApi(APIView):
    permission = "register.view_schools"

    @extend_schema(operation_id="school_lineage", responses=inline_serializer("Lineage", {
        "urn": serializers.IntegerField(),
        "line": inline_serializer("LineageEntry", {
            "urn": serializers.IntegerField(), "name": serializers.CharField(),
            "relation": serializers.CharField(), "link_type": serializers.CharField(),
            "link_date": serializers.DateField(allow_null=True), "open_date": serializers.DateField(allow_null=True),
            "close_date": serializers.DateField(allow_null=True)}, many=True)}))
    def get(self, request: Request, urn: int) -> Response:
        school = selectors.school_for(request.user, urn)
        line = [{"urn": e.urn, "name": e.name, "relation": e.relation, "link_type": e.link_type,
                 "link_date": e.link_date, "open_date": e.establishment.open_date if e.establishment else None,
                 "close_date": e.establishment.close_date if e.establishment else None}
                for e in selectors.lineage_timeline(request.user, school)]
        return Response({"urn": school.urn, "line": line})


class AdviserListApi(APIView):
    """Advisers and associate advisers of the council with their portfolios (URNs)."""

    permission = "register.view_schools"

    @extend_schema(operation_id="adviser_list", responses=inline_serializer("Adviser", {
        "id": serializers.IntegerField(), "name": serializers.CharField(),
        "schools": serializers.ListField(child=serializers.IntegerField())}, many=True))
    def get(self, request: Request) -> Response:
        if not request.user.roles & {"administrator", "head_of_service", "data_officer", "adviser"}:  # type: ignore[union-attr]
            return Response({"detail": "You do not have permission to perform this action."}, status=403)
        portfolios = selectors.portfolios_for(request.user)
        return Response([{"id": a.pk, "name": str(a), "schools": portfolios.get(a.pk, [])}
                         for a in selectors.advisers_for(request.user)])


class ImportApi(APIView):
    """Upload a published file; it is imported by the background worker. Poll the job it returns."""

    permission = "register.import"
    parser_classes = [MultiPartParser]

    @extend_schema(operation_id="register_import_create", request=inline_serializer("ImportUpload", {
        "kind": serializers.ChoiceField(choices=[]), "file": serializers.FileField()}),
        responses={202: inline_serializer("ImportQueued", {"job": serializers.IntegerField(),
                                                            "status_url": serializers.CharField()})})
    def post(self, request: Request) -> Response:
        kinds = {k.job_kind: k for k in importers.available()}
        kind = kinds.get(request.data.get("kind", ""))
        upload = request.FILES.get("file")
        if kind is None or upload is None:
            return Response({"detail": "Give 'kind' (one of: " + ", ".join(sorted(kinds)) + ") and 'file'."},
                            status=400)
        job = jobs.enqueue(kind=kind.job_kind, user=request.user, title=f"{kind.label}: {upload.name}",
                           upload=upload)
        return Response({"job": job.pk, "status_url": f"/api/v1/jobs/{job.pk}/"}, status=202)


urlpatterns = [
    path("v1/groups/<int:uid>/", GroupDetailApi.as_view(), name="group_detail"),
    path("v1/local-authorities/<str:code>/", LocalAuthorityDetailApi.as_view(), name="la_detail"),
    path("v1/clusters/", ClusterListApi.as_view(), name="cluster_list"),
    path("v1/clusters/<int:pk>/", ClusterDetailApi.as_view(), name="cluster_detail"),
    path("v1/schools/<int:urn>/lineage/", SchoolLineageApi.as_view(), name="school_lineage"),
    path("v1/advisers/", AdviserListApi.as_view(), name="adviser_list"),
    path("v1/imports/", ImportApi.as_view(), name="register_import"),
]
