"""Register pages: the school list (search, filter, sort, page, export) and the school page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from school_improvement.accounts.permissions import has_perm
from school_improvement.core import jobs
from school_improvement.core.exports import export_response
from school_improvement.core.forms import GovukForm
from school_improvement.core.paging import paginate
from school_improvement.core.views import PermissionRequiredMixin

from . import importers, selectors, services
from .models import Cluster
from .sections import sections_for

SCHOOL_COLUMNS = [
    ("URN", lambda s: s.urn),
    ("LAESTAB", lambda s: s.laestab),
    ("Name", lambda s: s.name),
    ("Local authority", lambda s: s.la.name if s.la else ""),
    ("Type", lambda s: s.type),
    ("Type group", lambda s: s.type_group),
    ("Phase", lambda s: s.phase),
    ("Status", lambda s: s.status),
    ("Pupils", lambda s: s.pupils),
    ("% FSM", lambda s: float(s.percentage_fsm) if s.percentage_fsm is not None else ""),
    ("Trust", lambda s: s.trust_name),
    ("Ofsted rating", lambda s: s.ofsted_rating),
    ("Last inspection", lambda s: s.ofsted_last_inspection.isoformat() if s.ofsted_last_inspection else ""),
    ("Postcode", lambda s: s.postcode),
    ("Cluster", lambda s: ", ".join(m.cluster.name for m in s.cluster_memberships.all())),
    ("Link adviser", lambda s: ", ".join(str(p.adviser) for p in s.portfolio_assignments.all())),
]


class SchoolListView(PermissionRequiredMixin, View):
    permission = "register.view_schools"

    def get(self, request: HttpRequest) -> HttpResponseBase:
        g = request.GET
        filters = selectors.SchoolFilters(
            q=g.get("q", "")[:200], la=g.get("la", ""), phase=g.get("phase", ""), type=g.get("type", ""),
            status=g.get("status", ""), trust=g.get("trust", ""), ofsted=g.get("ofsted", ""),
            cluster=g.get("cluster", ""), adviser=g.get("adviser", ""), mine=g.get("mine") == "1",
            sort=g.get("sort", "name"),
        )
        schools = selectors.school_list(request.user, filters)
        export = g.get("export")
        if export in {"csv", "xlsx"}:
            return export_response(request, rows=schools.iterator(chunk_size=500) if export == "csv" else schools,
                                   columns=SCHOOL_COLUMNS, filename="schools", fmt=export,
                                   audit_label="school list")
        return render(request, "register/school_list.html", {
            "page": paginate(request, schools, per_page=50),
            "filters": filters,
            "choices": selectors.filter_choices(request.user),
            "sort": filters.sort,
        })


class SchoolDetailView(PermissionRequiredMixin, View):
    permission = "register.view_schools"

    def get(self, request: HttpRequest, urn: int) -> HttpResponse:
        school = selectors.school_for(request.user, urn)
        return render(request, "register/school_detail.html", {
            "school": school, **selectors.school_context(request.user, school),
            "can_manage": has_perm(request.user, "register.manage_clusters_and_portfolios"),
            "sections": sections_for(request, school),
        })


class ImportForm(GovukForm):
    kind = forms.ChoiceField(label="What the file is", widget=forms.RadioSelect)
    file = forms.FileField(label="File")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.job_kind, k.label) for k in importers.available()]  # type: ignore[attr-defined]


class ImportListView(PermissionRequiredMixin, View):
    permission = "register.import"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "register/import.html", {
            "form": ImportForm(), "importers": importers.available(),
        })

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            kind = importers.by_job_kind(form.cleaned_data["kind"])
            upload = form.cleaned_data["file"]
            job = jobs.enqueue(kind=kind.job_kind, user=request.user,
                               title=f"{kind.label}: {upload.name}", upload=upload)
            return redirect(reverse("core:job_detail", args=[job.pk]))
        return render(request, "register/import.html", {"form": form, "importers": importers.available()})


class GroupDetailView(PermissionRequiredMixin, View):
    permission = "register.view_schools"

    def get(self, request: HttpRequest, uid: int) -> HttpResponse:
        group, schools = selectors.group_for(request.user, uid)
        return render(request, "register/group_detail.html", {"group": group, "schools": schools})


class LocalAuthorityDetailView(PermissionRequiredMixin, View):
    permission = "register.view_schools"

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        la, schools, neighbours = selectors.local_authority_for(request.user, code)
        return render(request, "register/la_detail.html", {
            "la": la, "page": paginate(request, schools, per_page=100), "neighbours": neighbours})


class ClusterForm(GovukForm):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Cluster.Kind.choices, initial=Cluster.Kind.CLUSTER, widget=forms.RadioSelect)


class ClusterListView(PermissionRequiredMixin, View):
    permission = "register.view_schools"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, ClusterForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        if not has_perm(request.user, "register.manage_clusters_and_portfolios"):
            raise PermissionDenied
        form = ClusterForm(request.POST)
        if form.is_valid():
            cluster = services.cluster_create(actor=request.user, council=request.user.council,  # type: ignore[union-attr,arg-type]
                                              name=form.cleaned_data["name"], kind=form.cleaned_data["kind"])
            messages.success(request, f"{cluster.name} has been created. Add its schools.")
            return redirect("register:cluster_detail", pk=cluster.pk)
        return self._render(request, form)

    def _render(self, request: HttpRequest, form: ClusterForm) -> HttpResponse:
        schools = selectors.schools_for(request.user)
        return render(request, "register/cluster_list.html", {
            "clusters": selectors.clusters_for(request.user), "form": form,
            "can_manage": has_perm(request.user, "register.manage_clusters_and_portfolios"),
            "in_no_cluster": schools.open().exclude(cluster_memberships__cluster__council=request.user.council_id).count(),  # type: ignore[union-attr]
        })


class ClusterSchoolForm(GovukForm):
    urn = forms.IntegerField(label="URN of the school to add")


class ClusterDetailView(PermissionRequiredMixin, View):
    permission = "register.view_schools"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, pk, ClusterSchoolForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not has_perm(request.user, "register.manage_clusters_and_portfolios"):
            raise PermissionDenied
        cluster, _ = selectors.cluster_for(request.user, pk)
        if "remove" in request.POST:
            school = selectors.school_for(request.user, int(request.POST["remove"]))
            services.cluster_remove_school(actor=request.user, cluster=cluster, school=school)
            messages.success(request, f"{school.name} has left {cluster.name}.")
            return redirect("register:cluster_detail", pk=pk)
        form = ClusterSchoolForm(request.POST)
        if form.is_valid():
            found = selectors.schools_for(request.user).filter(urn=form.cleaned_data["urn"]).first()
            if found is None:
                form.add_error("urn", "There is no school with that URN in the council's area.")
            else:
                services.cluster_add_school(actor=request.user, cluster=cluster, school=found)
                messages.success(request, f"{found.name} has joined {cluster.name}.")
                return redirect("register:cluster_detail", pk=pk)
        return self._render(request, pk, form)

    def _render(self, request: HttpRequest, pk: int, form: ClusterSchoolForm) -> HttpResponse:
        cluster, schools = selectors.cluster_for(request.user, pk)
        return render(request, "register/cluster_detail.html", {
            "cluster": cluster, "schools": schools, "form": form,
            "can_manage": has_perm(request.user, "register.manage_clusters_and_portfolios")})


class AdviserListView(PermissionRequiredMixin, View):
    permission = "register.view_schools"

    def get(self, request: HttpRequest) -> HttpResponse:
        if not has_perm(request.user, "register.manage_clusters_and_portfolios") and \
                not request.user.roles & {"head_of_service", "data_officer", "adviser"}:  # type: ignore[union-attr]
            raise PermissionDenied
        return render(request, "register/adviser_list.html", {
            "advisers": selectors.advisers_for(request.user),
            "without": selectors.schools_for(request.user).open().exclude(
                portfolio_assignments__is_link_adviser=True,
                portfolio_assignments__council=request.user.council_id).count(),  # type: ignore[union-attr]
        })


class LinkAdviserForm(GovukForm):
    adviser: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, label="Link adviser")  # type: ignore[arg-type]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = selectors.advisers_for(user).filter(role_assignments__role="adviser")  # type: ignore[attr-defined]


class SchoolAdviserView(PermissionRequiredMixin, View):
    permission = "register.manage_clusters_and_portfolios"

    def get(self, request: HttpRequest, urn: int) -> HttpResponse:
        school = selectors.school_for(request.user, urn)
        return render(request, "register/school_adviser.html", {"school": school, "form": LinkAdviserForm(user=request.user)})

    def post(self, request: HttpRequest, urn: int) -> HttpResponse:
        school = selectors.school_for(request.user, urn)
        form = LinkAdviserForm(request.POST, user=request.user)
        if form.is_valid():
            services.link_adviser_set(actor=request.user, council=request.user.council,  # type: ignore[union-attr,arg-type]
                                      school=school, adviser=form.cleaned_data["adviser"])
            messages.success(request, f"{form.cleaned_data['adviser']} is now the link adviser.")
            return redirect("register:school_detail", urn=urn)
        return render(request, "register/school_adviser.html", {"school": school, "form": form})
