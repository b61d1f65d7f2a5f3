"""Adviser time and visits: caseloads, the council picture, the schedule, notes of visit and the
school's factual-accuracy response, agreed actions and case conferences.

Reads go through ``selectors`` (scoped to the reader); writes through ``services``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from school_improvement.accounts.permissions import has_perm
from school_improvement.core.exports import document_response, export_response
from school_improvement.core.forms import apply_errors
from school_improvement.core.views import PermissionRequiredMixin

from . import documents, entitlements, selectors, services
from .forms import (
    ActionDoneForm,
    AnswerForm,
    CancelForm,
    CapacityForm,
    ConferenceForm,
    EntitlementForm,
    NoteForm,
    PlanForm,
    ResponseForm,
    ScheduleForm,
    SettingsForm,
    year_choices,
)
from .models import FOCUS_AREAS, TERMS, Term, VisitState, year_label
from .note_templates import template_for


def _me(request: HttpRequest) -> Any:
    """The signed-in person (every view here needs one)."""
    return request.user

def _year(request: HttpRequest) -> int:
    value = str(request.GET.get("year", ""))
    current = selectors.current_year()
    return int(value) if value.isdigit() and abs(int(value) - current) <= 5 else current


# --- visits -----------------------------------------------------------------------------------


class VisitListView(PermissionRequiredMixin, View):
    permission = "visits.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        filters = selectors.VisitFilters.from_query(request.GET)
        rows = selectors.visit_list(request.user, filters)
        from school_improvement.core.paging import paginate

        return render(request, "visits/visit_list.html", {
            "page": paginate(request, rows, per_page=50), "filters": filters,
            "states": VisitState.choices, "staff": selectors.is_staff_reader(request.user),
            "counts": selectors.visit_counts(request.user) if selectors.is_staff_reader(request.user) else None,
            "year_choices": year_choices(selectors.current_year()),
        })


class VisitDetailView(PermissionRequiredMixin, View):
    permission = "visits.view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        visit = selectors.visit_for(request.user, pk)
        findings, actions = selectors.note_parts(visit)
        staff = selectors.is_staff_reader(request.user)
        can_write = selectors.can_write(request.user, visit)
        today = timezone.localdate()
        return render(request, "visits/visit_detail.html", {
            "visit": visit, "findings": findings, "actions": actions, "staff": staff,
            "events": selectors.visit_events(visit) if staff else [],
            "can_write": can_write, "can_respond": selectors.can_respond(request.user, visit),
            "can_issue": can_write and (visit.state == VisitState.ANSWERED or (
                visit.state == VisitState.WITH_SCHOOL and visit.accuracy_due is not None
                and visit.accuracy_due < today)),
            "can_update_actions": visit.is_issued and has_perm(request.user, "visits.update_action"),
            "focus": [FOCUS_AREAS.get(a, a) for a in visit.focus_areas],
        })


class VisitPlanView(PermissionRequiredMixin, View):
    permission = "visits.record"

    def get(self, request: HttpRequest, urn: int) -> HttpResponse:
        school = selectors.school_for_planning(request.user, urn)
        initial = {"adviser": str(_me(request).pk) if not selectors.is_manager(request.user) else ""}
        form = PlanForm(initial=initial, advisers=selectors.advisers_choices(request.user))
        return render(request, "visits/visit_plan.html", {"school": school, "form": form})

    def post(self, request: HttpRequest, urn: int) -> HttpResponse:
        school = selectors.school_for_planning(request.user, urn)
        form = PlanForm(request.POST, advisers=selectors.advisers_choices(request.user))
        if form.is_valid():
            data = form.cleaned_data
            adviser: Any = request.user
            if selectors.is_manager(request.user):
                adviser = selectors.advisers_of(_me(request).council_id).filter(
                    pk=int(data["adviser"])).first() if data["adviser"] else None
            try:
                visit = services.visit_plan(actor=request.user, council=_me(request).council, school=school,
                                            planned_date=data["planned_date"], purpose=data["purpose"],
                                            funding=data["funding"], days=data["days"], adviser=adviser)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"The visit on {visit.planned_date:%d %B %Y} is planned.")
                return redirect("visits:visit_detail", pk=visit.pk)
        return render(request, "visits/visit_plan.html", {"school": school, "form": form})


def _writable(request: HttpRequest, pk: int) -> Any:
    visit = selectors.visit_for(request.user, pk)
    if not selectors.can_write(request.user, visit):
        raise PermissionDenied
    return visit


def _note_form(visit: Any, data: Any = None) -> NoteForm:
    findings, actions = selectors.note_parts(visit)
    initial = {"visit_date": visit.visit_date or (visit.planned_date if visit.planned_date <= timezone.localdate()
                                                  else None),
               "purpose": visit.purpose, "focus_areas": visit.focus_areas,
               "evidence_seen": visit.evidence_seen, "summary": visit.summary}
    return NoteForm(data, initial=initial, visit=visit, findings=findings, actions=actions)


class VisitEditView(PermissionRequiredMixin, View):
    """The note of visit, as the adviser writes it. Script saves it as they type; without script
    the Save button does."""

    permission = "visits.record"

    def _render(self, request: HttpRequest, visit: Any, form: NoteForm) -> HttpResponse:
        return render(request, "visits/visit_edit.html", {
            "visit": visit, "form": form, "template": template_for(visit.purpose),
            "saved_at": visit.draft_saved_at,
        })

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        visit = _writable(request, pk)
        if not visit.is_editable:
            messages.info(request, "The note has gone to the school and can no longer be edited.")
            return redirect("visits:visit_detail", pk=visit.pk)
        return self._render(request, visit, _note_form(visit))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        visit = _writable(request, pk)
        if not visit.is_editable:
            messages.info(request, "The note has gone to the school and can no longer be edited.")
            return redirect("visits:visit_detail", pk=visit.pk)
        form = _note_form(visit, request.POST)
        if not form.is_valid():
            return self._render(request, visit, form)
        try:
            visit = services.visit_save_draft(actor=request.user, visit=visit, note=form.draft())
            if "send" in request.POST:
                visit = services.visit_send(actor=request.user, visit=visit)
        except ValidationError as exc:
            form = _note_form(visit, request.POST)
            form.is_valid()
            apply_errors(form, exc)
            return self._render(request, visit, form)
        if "send" in request.POST:
            messages.success(request, f"The note has gone to the school. They have until "
                                      f"{visit.accuracy_due:%d %B %Y} to check it for factual accuracy.")
            return redirect("visits:visit_detail", pk=visit.pk)
        messages.success(request, "The note is saved.")
        return redirect("visits:visit_edit", pk=visit.pk)


class VisitAutosaveView(PermissionRequiredMixin, View):
    """Saves the draft as the adviser types (posted by visits/autosave.js). Answers in JSON."""

    permission = "visits.record"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> JsonResponse:
        visit = _writable(request, pk)
        if not visit.is_editable:
            return JsonResponse({"saved": False, "message": "The note has gone to the school."}, status=409)
        if request.POST.get("note_form") != "1":
            return JsonResponse({"saved": False, "message": "Nothing to save."}, status=400)
        form = _note_form(visit, request.POST)
        form.is_valid()
        try:
            visit = services.visit_save_draft(actor=request.user, visit=visit, note=form.draft(), autosave=True)
        except ValidationError as exc:
            return JsonResponse({"saved": False, "message": " ".join(exc.messages)}, status=409)
        saved = timezone.localtime(visit.draft_saved_at)
        return JsonResponse({"saved": True, "saved_at": saved.isoformat(),
                             "message": f"Saved at {saved:%H:%M:%S}",
                             "invalid": sorted(form.errors)})


class VisitRespondView(PermissionRequiredMixin, View):
    """The headteacher checks the note: each point accurate or inaccurate, with a response."""

    permission = "visits.respond"

    def _visit(self, request: HttpRequest, pk: int) -> Any:
        visit = selectors.visit_for(request.user, pk)
        if not selectors.can_respond(request.user, visit):
            raise PermissionDenied
        return visit

    def _render(self, request: HttpRequest, visit: Any, form: ResponseForm) -> HttpResponse:
        return render(request, "visits/visit_respond.html", {"visit": visit, "form": form,
                                                              "actions": list(visit.actions.all())})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        visit = self._visit(request, pk)
        return self._render(request, visit, ResponseForm(findings=list(visit.findings.all())))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        visit = self._visit(request, pk)
        form = ResponseForm(request.POST, findings=list(visit.findings.all()))
        if form.is_valid():
            try:
                services.visit_respond(actor=request.user, visit=visit, verdicts=form.verdicts(),
                                       comment=form.cleaned_data["comment"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Your response has gone to the adviser, who will answer it "
                                          "before the note is issued.")
                return redirect("visits:visit_detail", pk=visit.pk)
        return self._render(request, visit, form)


class VisitAnswerView(PermissionRequiredMixin, View):
    permission = "visits.record"

    def _visit(self, request: HttpRequest, pk: int) -> Any:
        visit = _writable(request, pk)
        if visit.state != VisitState.RESPONDED:
            raise Http404
        return visit

    def _render(self, request: HttpRequest, visit: Any, form: AnswerForm, findings: list[Any]) -> HttpResponse:
        return render(request, "visits/visit_answer.html", {"visit": visit, "form": form, "findings": findings})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        visit = self._visit(request, pk)
        findings = list(visit.findings.all())
        return self._render(request, visit, AnswerForm(findings=findings), findings)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        visit = self._visit(request, pk)
        findings = list(visit.findings.all())
        form = AnswerForm(request.POST, findings=findings)
        if form.is_valid():
            try:
                visit = services.visit_answer(actor=request.user, visit=visit, answers=form.answers())
                if "issue" in request.POST:
                    visit = services.visit_issue(actor=request.user, visit=visit)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "The note is issued." if visit.is_issued else
                                 "Your answers are saved. Issue the note when you are ready.")
                return redirect("visits:visit_detail", pk=visit.pk)
        return self._render(request, visit, form, findings)


class VisitStepView(PermissionRequiredMixin, View):
    """Send or issue a note (buttons on the visit page)."""

    permission = "visits.record"
    http_method_names = ["post"]
    step = ""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        visit = _writable(request, pk)
        service = {"send": services.visit_send, "issue": services.visit_issue}[self.step]
        try:
            visit = service(actor=request.user, visit=visit)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
            if self.step == "send" and visit.is_editable:
                return redirect("visits:visit_edit", pk=visit.pk)
        else:
            messages.success(request, "The note has gone to the school." if self.step == "send" else
                             "The note is issued. The school and its governors can now read and download it.")
        return redirect("visits:visit_detail", pk=visit.pk)


class VisitCancelView(PermissionRequiredMixin, View):
    permission = "visits.record"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        visit = _writable(request, pk)
        return render(request, "visits/visit_cancel.html", {"visit": visit, "form": CancelForm()})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        visit = _writable(request, pk)
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                services.visit_cancel(actor=request.user, visit=visit, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "The visit is cancelled.")
                return redirect("visits:visit_detail", pk=visit.pk)
        return render(request, "visits/visit_cancel.html", {"visit": visit, "form": form})


class VisitDocumentView(PermissionRequiredMixin, View):
    """The issued note as a PDF or a Word copy."""

    permission = "visits.view"
    fmt = "pdf"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        visit = selectors.visit_for(request.user, pk)
        if not visit.is_issued:
            raise Http404
        findings, actions = selectors.note_parts(visit)
        name = f"note-of-visit-{visit.school.urn}-{visit.visit_date or visit.planned_date:%Y-%m-%d}"
        make = documents.note_pdf if self.fmt == "pdf" else documents.note_docx
        return document_response(make(visit, findings, actions), self.fmt, name)


# --- actions ----------------------------------------------------------------------------------


class ActionListView(PermissionRequiredMixin, View):
    permission = "visits.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        which = request.GET.get("show", "open")
        which = which if which in {"open", "overdue", "done", "all"} else "open"
        from school_improvement.core.paging import paginate

        return render(request, "visits/action_list.html", {
            "page": paginate(request, selectors.action_list(request.user, which=which)), "which": which,
            "today": timezone.localdate()})


class ActionUpdateView(PermissionRequiredMixin, View):
    permission = "visits.update_action"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        action = selectors.action_for(request.user, pk)
        if not selectors.can_update_action(request.user, action):
            raise PermissionDenied
        form = ActionDoneForm(request.POST)
        form.is_valid()
        if request.POST.get("status") == "open":
            services.action_reopen(actor=request.user, action=action)
            messages.success(request, "The action is open again.")
        else:
            services.action_complete(actor=request.user, action=action, note=form.cleaned_data.get("note", ""))
            messages.success(request, "The action is marked done.")
        back = request.POST.get("next", "")
        if back.startswith("/") and not back.startswith("//"):
            return redirect(back)
        return redirect("visits:action_list")


# --- caseloads, capacity and the council picture ----------------------------------------------


def _caseload_context(request: HttpRequest, adviser: Any, year: int) -> dict[str, Any]:
    load = selectors.caseload(request.user, adviser, year)
    return {"load": load, "year": year, "year_label": year_label(year),
            "year_choices": year_choices(selectors.current_year()), "mine": adviser.pk == _me(request).pk,
            "can_manage": has_perm(request.user, "visits.manage_capacity")}


class CaseloadMineView(PermissionRequiredMixin, View):
    permission = "visits.view_caseload"

    def get(self, request: HttpRequest) -> HttpResponse:
        if not _me(request).roles & selectors.ADVISER_ROLES:
            return redirect("visits:council")
        year = _year(request)
        return render(request, "visits/caseload.html", _caseload_context(request, request.user, year))


class CaseloadView(PermissionRequiredMixin, View):
    permission = "visits.view_caseload"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        adviser = selectors.adviser_for(request.user, pk)
        return render(request, "visits/caseload.html", _caseload_context(request, adviser, _year(request)))


COUNCIL_COLUMNS: list[tuple[str, Callable[[Any], Any]]] = [
    ("Adviser", lambda c: c.adviser.get_full_name() or c.adviser.username),
    ("Link schools", lambda c: sum(1 for s in c.schools if s.is_link)),
    *[(f"{Term(t).label} available", lambda c, t=t: float(c.available_by_term[t])) for t in TERMS],
    *[(f"{Term(t).label} scheduled", lambda c, t=t: float(c.scheduled_by_term[t])) for t in TERMS],
    ("Available days", lambda c: float(c.available)),
    ("Scheduled days", lambda c: float(c.scheduled)),
    ("Entitlement not yet scheduled", lambda c: float(c.unscheduled)),
    ("Allocated days", lambda c: float(c.allocated)),
    ("Balance", lambda c: float(c.balance)),
    ("Status", lambda c: c.status[0]),
]


class CouncilView(PermissionRequiredMixin, View):
    permission = "visits.manage_capacity"

    def get(self, request: HttpRequest) -> HttpResponseBase:
        year = _year(request)
        picture = selectors.council_picture(request.user, year)
        export = request.GET.get("export")
        if export in {"csv", "xlsx"}:
            return export_response(request, rows=picture.caseloads, columns=COUNCIL_COLUMNS,
                                   filename=f"adviser-capacity-{year}", fmt=export, audit_label="adviser capacity")
        return render(request, "visits/council.html", {
            "picture": picture, "year": year, "year_label": year_label(year),
            "year_choices": year_choices(selectors.current_year()),
            "counts": selectors.visit_counts(request.user),
            "overdue_actions": selectors.action_list(request.user, which="overdue").count(),
        })


class CapacityEditView(PermissionRequiredMixin, View):
    permission = "visits.manage_capacity"

    def _context(self, request: HttpRequest, pk: int) -> tuple[Any, int]:
        return selectors.adviser_for(request.user, pk), _year(request)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        adviser, year = self._context(request, pk)
        row = selectors.capacity_row(request.user, adviser, year)
        initial = ({"autumn_days": row.autumn_days, "spring_days": row.spring_days, "summer_days": row.summer_days,
                    "note": row.note} if row else {})
        return render(request, "visits/capacity_form.html", {"adviser": adviser, "year": year,
                                                              "year_label": year_label(year),
                                                              "form": CapacityForm(initial=initial)})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        adviser, year = self._context(request, pk)
        form = CapacityForm(request.POST)
        if form.is_valid():
            try:
                services.capacity_set(actor=request.user, council=_me(request).council, adviser=adviser, year=year,
                                      **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{adviser}'s capacity for {year_label(year)} is saved.")
                return redirect(reverse("visits:caseload", args=[adviser.pk]) + f"?year={year}")
        return render(request, "visits/capacity_form.html", {"adviser": adviser, "year": year,
                                                              "year_label": year_label(year), "form": form})


class EntitlementView(PermissionRequiredMixin, View):
    """A school's entitlement: where it comes from, and setting it by hand with a reason."""

    permission = "visits.manage_capacity"

    def _render(self, request: HttpRequest, urn: int, form: EntitlementForm) -> HttpResponse:
        school, entitlement, history = selectors.school_entitlement(request.user, urn)
        return render(request, "visits/entitlement.html", {"school": school, "entitlement": entitlement,
                                                            "history": history, "form": form})

    def get(self, request: HttpRequest, urn: int) -> HttpResponse:
        _, entitlement, _ = selectors.school_entitlement(request.user, urn)
        form = EntitlementForm(initial={"adviser_days": entitlement.adviser_days,
                                        "visits_per_year": entitlement.visits_per_year})
        return self._render(request, urn, form)

    def post(self, request: HttpRequest, urn: int) -> HttpResponse:
        school, _, _ = selectors.school_entitlement(request.user, urn)
        if request.POST.get("clear") == "1":
            entitlements.entitlement_clear(actor=request.user, council=_me(request).council, school=school,
                                           reason=request.POST.get("reason", "")[:500])
            messages.success(request, "The entitlement now follows the school's category (or the council default).")
            return redirect("visits:entitlement", urn=school.urn)
        form = EntitlementForm(request.POST)
        if form.is_valid():
            try:
                entitlements.entitlement_set(actor=request.user, council=_me(request).council, school=school,
                                             **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "The entitlement is set by hand.")
                return redirect("visits:entitlement", urn=school.urn)
        return self._render(request, urn, form)


class ScheduleView(PermissionRequiredMixin, View):
    """Plan every school's core visits for a year from its cadence."""

    permission = "visits.manage_capacity"

    def get(self, request: HttpRequest) -> HttpResponse:
        years = year_choices(selectors.current_year())
        return render(request, "visits/schedule.html", {
            "form": ScheduleForm(initial={"year": selectors.current_year()}, years=years)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ScheduleForm(request.POST, years=year_choices(selectors.current_year()))
        if form.is_valid():
            result = services.schedule_generate(actor=request.user, council=_me(request).council,
                                                year=form.cleaned_data["year"])
            messages.success(request, f"{result.created} visits planned at {result.schools} schools for "
                                      f"{year_label(result.year)}.")
            if result.without_adviser:
                messages.info(request, f"{len(result.without_adviser)} of those schools have no link adviser: "
                                       "their visits are waiting for one.")
            return redirect(reverse("visits:council") + f"?year={result.year}")
        return render(request, "visits/schedule.html", {"form": form})


class SettingsView(PermissionRequiredMixin, View):
    permission = "visits.manage_capacity"

    def get(self, request: HttpRequest) -> HttpResponse:
        row = entitlements.council_settings(_me(request).council_id)
        form = SettingsForm(initial={f: getattr(row, f) for f in SettingsForm.base_fields})
        return render(request, "visits/settings.html", {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SettingsForm(request.POST)
        if form.is_valid():
            services.settings_update(actor=request.user, council=_me(request).council_id, **form.cleaned_data)
            messages.success(request, "The council's visit settings are saved.")
            return redirect("visits:council")
        return render(request, "visits/settings.html", {"form": form})


# --- case conferences -------------------------------------------------------------------------


class ConferenceListView(PermissionRequiredMixin, View):
    permission = "visits.case_conference"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "visits/conference_list.html", {
            "priority": selectors.priority_schools(request.user),
            "conferences": selectors.conferences_for(request.user).select_related("school")[:50],
        })


class ConferenceCreateView(PermissionRequiredMixin, View):
    permission = "visits.case_conference"

    def get(self, request: HttpRequest, urn: int) -> HttpResponse:
        school = selectors.school_for_conference(request.user, urn)
        return render(request, "visits/conference_form.html", {
            "school": school, "form": ConferenceForm(initial={"held_on": timezone.localdate()})})

    def post(self, request: HttpRequest, urn: int) -> HttpResponse:
        school = selectors.school_for_conference(request.user, urn)
        form = ConferenceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                conference = services.conference_record(
                    actor=request.user, council=_me(request).council, school=school, held_on=data["held_on"],
                    attendees=data["attendees"].splitlines(), evidence_reviewed=data["evidence_reviewed"],
                    decisions=data["decisions"], next_review=data["next_review"], actions=form.actions())
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "The case conference is recorded.")
                return redirect("visits:conference_detail", pk=conference.pk)
        return render(request, "visits/conference_form.html", {"school": school, "form": form})


class ConferenceDetailView(PermissionRequiredMixin, View):
    permission = "visits.case_conference"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        conference = selectors.conference_for(request.user, pk)
        return render(request, "visits/conference_detail.html", {
            "conference": conference, "actions": list(conference.actions.all()), "today": timezone.localdate(),
            "can_update_actions": has_perm(request.user, "visits.update_action")})
