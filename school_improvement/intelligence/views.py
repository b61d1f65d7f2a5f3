"""Soft intelligence pages: submit, add from a school, read, edit, the council list, uploads, subject access.

Every read goes through ``selectors`` (which decides visibility and audits views of restricted
records); every write through ``services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from school_improvement.accounts.permissions import has_perm
from school_improvement.core import jobs
from school_improvement.core.exports import export_response
from school_improvement.core.forms import apply_errors
from school_improvement.core.views import PermissionRequiredMixin
from school_improvement.register.selectors import school_for

from . import selectors, services
from .forms import EditForm, RecordForm, SubjectAccessForm, SubmitForm, UploadForm
from .models import Confidentiality, IntelligenceRecord, IntelligenceType, Severity
from .tasks import BULK_LOAD

RECORD_FIELDS = ("type", "date", "severity", "source", "description", "person_named", "confidentiality")
MANAGER_FIELDS = ("shareable_with_headteacher", "shareable_with_chair", "verified", "review_date")


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


EXPORT_COLUMNS = [
    ("Record", lambda r: r.pk),
    ("URN", lambda r: r.school_id),
    ("School", lambda r: r.school.name),
    ("Type", lambda r: r.get_type_display()),
    ("Date", lambda r: r.date.isoformat()),
    ("Severity", lambda r: r.severity),
    ("Confidentiality", lambda r: r.get_confidentiality_display()),
    ("Verified", lambda r: _yes(r.verified)),
    ("Source", lambda r: r.source),
    ("What is known", lambda r: r.description),
    ("Person named", lambda r: r.person_named),
    ("Recorded by", lambda r: str(r.recorded_by) if r.recorded_by else ""),
    ("Review by", lambda r: r.review_date.isoformat() if r.review_date else ""),
    ("Shared with headteacher", lambda r: _yes(r.shareable_with_headteacher)),
    ("Shared with chair", lambda r: _yes(r.shareable_with_chair)),
    ("Matter", lambda r: r.matter_id or ""),
    ("Recorded on", lambda r: r.created_at.date().isoformat()),
]


class SubmitView(PermissionRequiredMixin, View):
    """Another council team submits what it knows about a school. It reads nothing back."""

    permission = "intelligence.submit"

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {"school": request.GET.get("school", "")[:320]}
        return self._render(request, SubmitForm(user=request.user, initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SubmitForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = services.record_create(actor=request.user, school=data["school"],
                                                **{f: data[f] for f in RECORD_FIELDS})
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Thank you. Your record about {record.school.name} has been sent "
                                          f"(reference {record.pk}).")
                return redirect("intelligence:submit")
        return self._render(request, form)

    def _render(self, request: HttpRequest, form: SubmitForm) -> HttpResponse:
        return render(request, "intelligence/submit.html", {
            "form": form, "schools": selectors.school_choices(request.user)})


class SchoolAddView(PermissionRequiredMixin, View):
    """An adviser or the head of service adds a record from a school's page."""

    permission = "intelligence.manage"

    def get(self, request: HttpRequest, urn: int) -> HttpResponse:
        school = self._school(request, urn)
        return render(request, "intelligence/record_form.html", {"school": school, "form": RecordForm()})

    def post(self, request: HttpRequest, urn: int) -> HttpResponse:
        school = self._school(request, urn)
        form = RecordForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_create(actor=request.user, school=school,
                                       **{f: data[f] for f in RECORD_FIELDS + MANAGER_FIELDS})
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "The record has been added.")
                return redirect(reverse("register:school_detail", args=[urn]) + "#intelligence")
        return render(request, "intelligence/record_form.html", {"school": school, "form": form})

    def _school(self, request: HttpRequest, urn: int) -> Any:
        school = school_for(request.user, urn)
        if not selectors.can_add_for(request.user, school):
            raise PermissionDenied
        return school


class RecordDetailView(PermissionRequiredMixin, View):
    permission = "intelligence.read"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = selectors.record_for(request.user, pk, channel="record page")
        return render(request, "intelligence/record_detail.html", {
            "record": record,
            "staff_view": selectors.is_staff_reader(request.user),
            "can_manage": selectors.can_manage(request.user, record),
            "matter": selectors.matter_records(request.user, record),
        })


class RecordEditView(PermissionRequiredMixin, View):
    """Edit, verify and link to a matter: the school's link adviser or the head of service."""

    permission = "intelligence.manage"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = selectors.record_for_edit(request.user, pk)
        initial = {f: getattr(record, f) for f in RECORD_FIELDS + MANAGER_FIELDS}
        form = EditForm(initial=initial, user=request.user, record=record)
        return render(request, "intelligence/record_form.html", {"school": record.school, "record": record,
                                                                 "form": form})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = selectors.record_for_edit(request.user, pk)
        form = EditForm(request.POST, user=request.user, record=record)
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = services.record_edit(actor=request.user, record=record, related=data["related"],
                                              **{f: data[f] for f in RECORD_FIELDS + MANAGER_FIELDS})
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "The record has been updated.")
                return redirect("intelligence:record_detail", pk=record.pk)
        return render(request, "intelligence/record_form.html", {"school": record.school, "record": record,
                                                                 "form": form})


def _choices() -> dict[str, list[tuple[str, str]]]:
    return {
        "type": list(IntelligenceType.choices),
        "severity": [(str(v), label) for v, label in Severity.choices],
        "confidentiality": list(Confidentiality.choices),
        "verified": [("yes", "Verified"), ("no", "Not verified")],
    }


class RecordListView(PermissionRequiredMixin, View):
    """The council's intelligence, as far as the reader may see it: filters, counts, exports."""

    permission = "intelligence.view_list"

    def get(self, request: HttpRequest) -> HttpResponseBase:
        filters = selectors.RecordFilters.from_query(request.GET)
        export = request.GET.get("export")
        if export in {"csv", "xlsx"}:
            rows = selectors.records_for_export(request.user, filters)
            return export_response(request, rows=rows, columns=EXPORT_COLUMNS, filename="intelligence",
                                   fmt=export, audit_label="intelligence records")
        return render(request, "intelligence/record_list.html", {
            "page": selectors.record_page(request.user, filters, request.GET.get("page")),
            "counts": selectors.counts(selectors.record_list(request.user, filters)),
            "filters": filters,
            "choices": _choices(),
            "can_export": has_perm(request.user, "intelligence.export"),
            "can_upload": has_perm(request.user, "intelligence.bulk_load"),
            "can_subject_access": has_perm(request.user, "intelligence.subject_access"),
        })


class UploadView(PermissionRequiredMixin, View):
    """Load a council's existing intelligence log, as a background job."""

    permission = "intelligence.bulk_load"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "intelligence/upload.html", {"form": UploadForm(), "types": IntelligenceType.choices})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            job = jobs.enqueue(kind=BULK_LOAD, user=request.user, title=f"Load intelligence log {upload.name}",
                               upload=upload)
            return redirect(reverse("core:job_detail", args=[job.pk]))
        return render(request, "intelligence/upload.html", {"form": form, "types": IntelligenceType.choices})


SUBJECT_ACCESS_COLUMNS = [
    ("Record", lambda r: r.pk),
    ("URN", lambda r: r.school_id),
    ("School", lambda r: r.school.name),
    ("Type", lambda r: r.get_type_display()),
    ("Date", lambda r: r.date.isoformat()),
    ("Severity", lambda r: r.severity),
    ("Confidentiality", lambda r: r.get_confidentiality_display()),
    ("Source", lambda r: r.source),
    ("What is known", lambda r: r.description),
    ("Person named", lambda r: r.person_named),
    ("Recorded on", lambda r: r.created_at.date().isoformat()),
    ("Kept until", lambda r: r.kept_until.isoformat()),
]


class SubjectAccessView(PermissionRequiredMixin, View):
    """A subject access request: every record naming a person, as CSV (audited)."""

    permission = "intelligence.subject_access"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "intelligence/subject_access.html", {"form": SubjectAccessForm()})

    def post(self, request: HttpRequest) -> HttpResponseBase:
        form = SubjectAccessForm(request.POST)
        if form.is_valid():
            name = form.cleaned_data["name"]
            try:
                rows: list[IntelligenceRecord] = selectors.subject_access_records(request.user, name)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return export_response(request, rows=rows, columns=SUBJECT_ACCESS_COLUMNS,
                                       filename="subject-access", fmt="csv",
                                       audit_label=f"subject access export for {name!r} ({len(rows)} records)")
        return render(request, "intelligence/subject_access.html", {"form": form})
