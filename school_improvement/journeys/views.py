"""Journey pages. Each view reads through ``selectors`` (which decide who sees what) and writes
through ``services`` (which decide who may change what, and when); views only parse and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from school_improvement.accounts.permissions import has_perm
from school_improvement.core.exports import document_response, export_response
from school_improvement.core.forms import apply_errors
from school_improvement.core.paging import paginate
from school_improvement.core.views import PermissionRequiredMixin

from . import forms as f
from . import ladder, letters, machine, selectors, services
from .models import Journey, SupportLink

# --- helpers --------------------------------------------------------------------------------------------


def _choices(rows: Any, label: Any = str) -> list[tuple[int, str]]:
    return [(r.pk, label(r)) for r in rows]


def _one(rows: Any, pk: Any) -> Any:
    """The row of ``rows`` (a journey's own queryset) with this pk, or a 404."""
    row = rows.filter(pk=pk).first() if pk is not None else None
    if row is None:
        raise Http404
    return row


def _council(request: HttpRequest) -> int:
    user: Any = request.user
    return user.council_id


def _manager(request: HttpRequest, journey: Journey) -> None:
    if not selectors.is_manager(request.user, journey):
        raise PermissionDenied


def _document(request: HttpRequest, doc: letters.Document, fmt: str, name: str, journey: Journey) -> HttpResponse:
    from school_improvement.core import audit

    audit.record(actor=request.user, action=audit.Action.EXPORT, obj=journey, detail=f"{name}.{fmt}")
    content = letters.to_pdf(doc) if fmt == "pdf" else letters.to_docx(doc)
    return document_response(content, fmt, name, inline=True)


class JourneyPage(PermissionRequiredMixin, View):
    permission = "journeys.view"

    def journey(self, request: HttpRequest, pk: int) -> Journey:
        return selectors.journey_for(request.user, pk)

    def base(self, request: HttpRequest, journey: Journey, tab: str) -> dict[str, Any]:
        user = request.user
        pk = journey.pk
        tabs = [("overview", "Overview", reverse("journeys:detail", args=[pk])),
                ("diagnosis", "Diagnosis", reverse("journeys:diagnosis", args=[pk])),
                ("statement", "Statement of action", reverse("journeys:statement", args=[pk])),
                ("reviews", "Reviews", reverse("journeys:reviews", args=[pk])),
                ("board", "Board and actions", reverse("journeys:board", args=[pk]))]
        can_escalation = selectors.may_view_escalation(user, journey)
        if can_escalation:
            tabs.append(("escalation", "Escalation", reverse("journeys:escalation", args=[pk])))
        return {"journey": journey, "tab": tab, "is_manager": selectors.is_manager(user, journey),
                "school_view": selectors.is_school_reader(user, journey), "can_escalation": can_escalation,
                "journey_tabs": tabs, "perms_dashboard": has_perm(user, "journeys.dashboard")}


# --- dashboard, opening, notifications, templates ------------------------------------------------------------

WATCH_COLUMNS = [
    ("Journey", lambda j: j.pk), ("URN", lambda j: j.school_id), ("School", lambda j: j.school.name),
    ("Stage", lambda j: j.stage_label), ("Status", lambda j: j.get_status_display()), ("Owner", lambda j: str(j.owner)),
    ("Next review due", lambda j: j.next_review_due.isoformat() if j.next_review_due else ""),
    ("Red objectives", lambda j: j.red_objectives), ("Actions past due", lambda j: j.actions_overdue),
    ("Decision due", lambda j: j.decision_due.isoformat() if j.decision_due else ""),
]


class DashboardView(PermissionRequiredMixin, View):
    """The watchlist: overdue reviews, red objectives, actions past due, journeys past their clock."""

    permission = "journeys.dashboard"

    def get(self, request: HttpRequest) -> HttpResponseBase:
        filters = selectors.WatchFilters.from_query(request.GET)
        rows = selectors.watchlist(request.user, filters)
        if request.GET.get("export") in {"csv", "xlsx"}:
            return export_response(request, rows=rows, columns=WATCH_COLUMNS, filename="journeys",
                                   fmt=request.GET["export"], audit_label="improvement journeys watchlist")
        return render(request, "journeys/dashboard.html", {
            "page": paginate(request, rows), "counts": selectors.watch_counts(request.user), "filters": filters,
            "stages": [(s.value, machine.STAGE_LABELS[s]) for s in machine.Stage if s != machine.Stage.EXITED],
            "can_open": has_perm(request.user, "journeys.open"),
            "can_templates": has_perm(request.user, "journeys.edit_templates"),
            "today": timezone.localdate(),
        })


class OpenView(PermissionRequiredMixin, View):
    """Open a journey: for a school whose agreed category opens one, or by a decision with a reason."""

    permission = "journeys.open"

    def _form(self, request: HttpRequest, data: Any = None) -> f.OpenForm:
        schools = _choices(selectors.openable_schools(request.user), lambda s: f"{s.name} ({s.urn})")
        owners = _choices(selectors.owner_choices(_council(request)),
                          lambda u: f"{u}{' (' + u.job_title + ')' if u.job_title else ''}")
        initial = {"school": request.GET.get("school", ""), "owner": request.user.pk}
        return f.OpenForm(data, schools=schools, owners=owners, initial=initial)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, self._form(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            school = _one(selectors.openable_schools(request.user), data["school"])
            owner = _one(selectors.owner_choices(_council(request)), data["owner"])
            awaiting = {row["school"].pk: row["decision"] for row in selectors.schools_awaiting_journey(request.user)}
            try:
                journey = services.journey_open(actor=request.user, school=school, owner=owner,
                                                reason=data["reason"], category_decision=awaiting.get(school.pk),
                                                clock_months=data["clock_months"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"An improvement journey has been opened for {school.name}.")
                return redirect("journeys:diagnosis", pk=journey.pk)
        return self._render(request, form, status=400)

    def _render(self, request: HttpRequest, form: f.OpenForm, status: int = 200) -> HttpResponse:
        return render(request, "journeys/open.html", {
            "form": form, "awaiting": selectors.schools_awaiting_journey(request.user)}, status=status)


class NotificationsView(PermissionRequiredMixin, View):
    permission = "journeys.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "journeys/notifications.html", {
            "page": paginate(request, selectors.notifications_for(request.user), per_page=30)})

    def post(self, request: HttpRequest) -> HttpResponse:
        count = services.notifications_read(actor=request.user)
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
        return redirect("journeys:notifications")


class TemplatesView(PermissionRequiredMixin, View):
    """The council's wording of its letters and notices."""

    permission = "journeys.edit_templates"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = f.TemplateForm(request.POST)
        if form.is_valid():
            try:
                services.template_save(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "The template has been saved.")
                return redirect("journeys:templates")
        return self._render(request, form, status=400)

    def _render(self, request: HttpRequest, bound: f.TemplateForm | None = None, status: int = 200) -> HttpResponse:
        rows = letters.templates_for(_council(request))
        for row in rows:
            if bound is not None and bound.data.get("kind") == row["kind"]:
                row["title"], row["body"] = bound.data.get("title", ""), bound.data.get("body", "")
        return render(request, "journeys/templates.html", {"rows": rows, "bound": bound}, status=status)


# --- one journey ----------------------------------------------------------------------------------------------


class DetailView(JourneyPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        journey = self.journey(request, pk)
        context = self.base(request, journey, "overview")
        s = selectors.statement(journey)
        context.update({
            "events": selectors.events(journey), "moves": selectors.moves_for(request.user, journey),
            "statement": s, "gaps": selectors.statement_gaps(s), "reviews": selectors.reviews(journey),
            "actions": selectors.actions(journey), "today": timezone.localdate(),
        })
        return render(request, "journeys/detail.html", context)


class DiagnosisView(JourneyPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        journey = self.journey(request, pk)
        return self._render(request, journey)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        journey = self.journey(request, pk)
        _manager(request, journey)
        part = request.POST.get("part", "")
        forms: dict[str, Any] = {}
        form: Any
        try:
            if part == "summary":
                form = forms["summary"] = f.SummaryForm(request.POST)
                if form.is_valid():
                    services.diagnosis_update(actor=request.user, journey=journey, summary=form.cleaned_data["summary"])
                    messages.success(request, "The diagnosis summary has been saved.")
                    return redirect("journeys:diagnosis", pk=pk)
            elif part == "priority":
                form = forms["priority"] = f.PriorityForm(request.POST)
                if form.is_valid():
                    services.priority_add(actor=request.user, journey=journey, **form.cleaned_data)
                    messages.success(request, "The priority has been added.")
                    return redirect(reverse("journeys:diagnosis", args=[pk]) + "#priorities")
            elif part == "remove_priority":
                form = f.RemoveForm(request.POST)
                if form.is_valid():
                    services.priority_remove(actor=request.user,
                                             priority=_one(journey.priorities.all(), form.cleaned_data["item"]))
                    messages.success(request, "The priority has been removed.")
                    return redirect(reverse("journeys:diagnosis", args=[pk]) + "#priorities")
            else:
                form = forms["summary"] = f.SummaryForm(request.POST)
                form.is_valid()
                form.add_error(None, "Choose what to save.")
        except ValidationError as exc:
            target = forms.get(part) or forms.setdefault("priority", f.PriorityForm())
            target.is_valid()
            apply_errors(target, exc)
        return self._render(request, journey, forms, status=400)

    def _render(self, request: HttpRequest, journey: Journey, forms: dict[str, Any] | None = None,
                status: int = 200) -> HttpResponse:
        forms = forms or {}
        context = self.base(request, journey, "diagnosis")
        context.update({
            "diagnosis": selectors.diagnosis(request.user, journey),
            "can_edit": selectors.may_change(request.user, journey, "diagnosis"),
            "summary_form": forms.get("summary") or f.SummaryForm(initial={"summary": journey.diagnosis_summary}),
            "priority_form": forms.get("priority") or f.PriorityForm(),
            "errors_forms": list(forms.values()),
        })
        return render(request, "journeys/diagnosis.html", context, status=status)


STATEMENT_PARTS = ("objective", "milestone", "exit_criterion", "schedule", "support", "need", "taper", "judge")


class StatementView(JourneyPage):
    """The statement of action: objectives, milestones, support, schedule and clock, exit criteria."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self.journey(request, pk))

    def _forms(self, journey: Journey, data: Any = None, part: str = "") -> dict[str, Any]:
        priorities = _choices(journey.priorities.all(), lambda p: f"{p.get_area_display()}: {p.description[:60]}")
        objectives = _choices(journey.objectives.all(), lambda o: o.title)
        assignments = _choices(selectors.support_choices(journey),
                               lambda a: f"{a.provider}: {a.purpose} ({a.days:g} days)")
        bound = {"data": data} if data is not None else {}

        def made(name: str, cls: Any, **kw: Any) -> Any:
            return cls(**(bound if part == name else {}), **kw)

        return {
            "objective": made("objective", f.ObjectiveForm, priorities=priorities),
            "milestone": made("milestone", f.MilestoneForm, objectives=objectives),
            "exit_criterion": made("exit_criterion", f.ExitCriterionForm),
            "schedule": made("schedule", f.ScheduleForm, initial={
                "review_every_weeks": journey.review_every_weeks or 6, "first_review_on": journey.first_review_on,
                "clock_months": journey.clock_months or 12}),
            "support": made("support", f.SupportForm, assignments=assignments),
            "need": made("need", f.NeedForm, initial=dict(zip(("window_start", "window_end"),
                                                               services.clock_window(journey), strict=True))),
            "taper": made("taper", f.TaperForm),
            "judge": made("judge", f.JudgeForm),
        }

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        journey = self.journey(request, pk)
        _manager(request, journey)
        part = request.POST.get("part", "")
        user = request.user
        if part in {"remove_objective", "remove_criterion", "milestone_done"}:
            remove = f.RemoveForm(request.POST)
            if remove.is_valid():
                item = remove.cleaned_data["item"]
                try:
                    if part == "remove_objective":
                        services.objective_remove(actor=user, objective=_one(journey.objectives.all(), item))
                    elif part == "remove_criterion":
                        services.exit_criterion_remove(actor=user, criterion=_one(journey.exit_criteria.all(), item))
                    else:
                        services.milestone_done(actor=user, milestone=_one(journey.milestones.all(), item))
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                return redirect("journeys:statement", pk=pk)
        forms = self._forms(journey, request.POST, part)
        form = forms.get(part)
        if form is None:
            forms["objective"] = f.ObjectiveForm(request.POST)
            forms["objective"].is_valid()
            forms["objective"].add_error(None, "Choose what to save.")
            return self._render(request, journey, forms, status=400)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if part == "objective":
                    priority = _one(journey.priorities.all(), d["priority"]) if d["priority"] else None
                    services.objective_add(actor=user, journey=journey, title=d["title"],
                                           success_criteria=d["success_criteria"], priority=priority,
                                           measure=d["measure"], comparison=d["comparison"], threshold=d["threshold"])
                elif part == "milestone":
                    objective = _one(journey.objectives.all(), d["objective"]) if d["objective"] else None
                    services.milestone_add(actor=user, journey=journey, title=d["title"], due_on=d["due_on"],
                                           objective=objective)
                elif part == "exit_criterion":
                    services.exit_criterion_add(actor=user, journey=journey, text=d["text"], measure=d["measure"],
                                                comparison=d["comparison"], threshold=d["threshold"])
                elif part == "schedule":
                    services.schedule_set(actor=user, journey=journey, **d)
                elif part == "support":
                    assignment = next((a for a in selectors.support_choices(journey)
                                       if a.pk == d["assignment"]), None)
                    if assignment is None:
                        raise Http404
                    services.support_link(actor=user, journey=journey, assignment=assignment, note=d["note"])
                elif part == "need":
                    services.need_raise(actor=user, journey=journey, **d)
                elif part == "taper":
                    link: SupportLink = _one(journey.support.all(), d["link"])
                    services.support_taper(actor=user, link=link, intensity=d["intensity"], note=d["note"])
                elif part == "judge":
                    services.exit_criterion_judge(actor=user, criterion=_one(journey.exit_criteria.all(), d["criterion"]),
                                                  met=d["met"], note=d["note"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Saved.")
                return redirect(reverse("journeys:statement", args=[pk]) + f"#{part.replace('_', '-')}")
        return self._render(request, journey, forms, status=400)

    def _render(self, request: HttpRequest, journey: Journey, forms: dict[str, Any] | None = None,
                status: int = 200) -> HttpResponse:
        user = request.user
        s = selectors.statement(journey)
        context = self.base(request, journey, "statement")
        context.update({
            "statement": s, "gaps": selectors.statement_gaps(s), "forms": forms or self._forms(journey),
            "can_edit": selectors.may_change(user, journey, "statement"),
            "can_support": selectors.may_change(user, journey, "support"),
            "can_milestones": selectors.may_change(user, journey, "milestones"),
            "can_judge": selectors.may_change(user, journey, "exit_criteria"),
            "has_support_choices": bool(selectors.support_choices(journey)),
            "can_brokerage": has_perm(user, "brokerage.view"),
            "intensities": SupportLink.Intensity.choices,
        })
        return render(request, "journeys/statement.html", context, status=status)


class StatementFileView(JourneyPage):
    def get(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        journey = self.journey(request, pk)
        return _document(request, letters.statement_document(journey), fmt, f"statement-of-action-{journey.school_id}",
                         journey)


class ExitReportView(JourneyPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        journey = self.journey(request, pk)
        if journey.stage != machine.Stage.EXITED:
            raise Http404
        return _document(request, letters.exit_report_document(journey), "pdf", f"exit-report-{journey.school_id}",
                         journey)


class MoveView(JourneyPage):
    """Confirm a move (with its reason, and a skip for the head of service) and make it."""

    permission = "journeys.manage"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        journey = self.journey(request, pk)
        _manager(request, journey)
        move = request.GET.get("move", "")
        return self._render(request, journey, self._form(journey, initial={"move": move}), move)

    def _form(self, journey: Journey, data: Any = None, **kw: Any) -> f.MoveForm:
        meetings = _choices(journey.meetings.all(), lambda m: f"Meeting of {m.held_on:%d %B %Y}")
        return f.MoveForm(data, meetings=meetings, **kw)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        journey = self.journey(request, pk)
        _manager(request, journey)
        form = self._form(journey, request.POST)
        move = request.POST.get("move", "")
        if form.is_valid():
            d = form.cleaned_data
            meeting = _one(journey.meetings.all(), d["meeting"]) if d["meeting"] else None
            extra = services.MoveExtra(ratified_as=d["ratified_as"], meeting=meeting, until=d["until"])
            try:
                journey = services.journey_move(actor=request.user, journey=journey, move=d["move"],
                                                reason=d["reason"], skip=d["skip"], extra=extra)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Done: {machine.MOVES[d['move']].label.lower()}.")
                return redirect("journeys:detail", pk=pk)
        return self._render(request, journey, form, move, status=400)

    def _render(self, request: HttpRequest, journey: Journey, form: f.MoveForm, move: str,
                status: int = 200) -> HttpResponse:
        declared = machine.MOVES.get(move)
        context = self.base(request, journey, "overview")
        context.update({"form": form, "move": declared,
                        "gate": machine.GATES.get(declared.gate, "") if declared else "",
                        "unmet": selectors.unmet_gates(journey, declared.gate) if declared else [],
                        "may_skip": selectors.may_skip(request.user, journey),
                        "may_ratify": selectors.may_ratify_as_head_of_service(request.user, journey)})
        return render(request, "journeys/move.html", context, status=status)


class ExitView(JourneyPage):
    """The exit criteria checked against the data, and the exit itself."""

    permission = "journeys.manage"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        journey = self.journey(request, pk)
        _manager(request, journey)
        return self._render(request, journey, f.ExitForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        journey = self.journey(request, pk)
        _manager(request, journey)
        form = f.ExitForm(request.POST)
        if form.is_valid():
            try:
                services.journey_move(actor=request.user, journey=journey, move="exit",
                                      reason=form.cleaned_data["reason"], skip=form.cleaned_data["skip"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{journey.school.name} has exited its improvement journey.")
                return redirect("journeys:detail", pk=pk)
        return self._render(request, journey, form, status=400)

    def _render(self, request: HttpRequest, journey: Journey, form: f.ExitForm, status: int = 200) -> HttpResponse:
        context = self.base(request, journey, "overview")
        context.update({"form": form, "statement": selectors.statement(journey),
                        "allowed": journey.stage == machine.Stage.DELIVERY and journey.is_open,
                        "may_skip": selectors.may_skip(request.user, journey),
                        "exit_category": services.lowest_support_category(journey)[1]})
        return render(request, "journeys/exit.html", context, status=status)


# --- reviews, board, actions ------------------------------------------------------------------------------------


class ReviewsView(JourneyPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        journey = self.journey(request, pk)
        return self._render(request, journey, f.ReviewStartForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        journey = self.journey(request, pk)
        _manager(request, journey)
        form = f.ReviewStartForm(request.POST)
        if form.is_valid():
            try:
                review = services.review_start(actor=request.user, journey=journey, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("journeys:review", pk=review.pk)
        return self._render(request, journey, form, status=400)

    def _render(self, request: HttpRequest, journey: Journey, form: Any, status: int = 200) -> HttpResponse:
        context = self.base(request, journey, "reviews")
        context.update({"reviews": selectors.reviews(journey), "form": form,
                        "can_start": selectors.may_change(request.user, journey, "reviews")})
        return render(request, "journeys/reviews.html", context, status=status)


def _review_initial(review: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": review.version, "summary": review.summary,
                               "next_review_on": review.next_review_on}
    for rating in review.ratings.all():
        initial[f"rag_{rating.objective_id}"] = rating.rag
        initial[f"evidence_{rating.objective_id}"] = rating.evidence
    return initial


class ReviewView(PermissionRequiredMixin, View):
    """One review. Two people editing it at once: the second is told, and shown what the first saved."""

    permission = "journeys.view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        review = selectors.review_for(request.user, pk)
        return self._render(request, review, self._form(review, initial=_review_initial(review)))

    def _form(self, review: Any, data: Any = None, **kw: Any) -> f.ReviewForm:
        return f.ReviewForm(data, objectives=list(review.journey.objectives.order_by("id")), **kw)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        review = selectors.review_for(request.user, pk)
        _manager(request, review.journey)
        form = self._form(review, request.POST)
        theirs = None
        if form.is_valid():
            d = form.cleaned_data
            try:
                review = services.review_save(actor=request.user, review=review, version=d["version"],
                                              summary=d["summary"], next_review_on=d["next_review_on"],
                                              ratings=form.ratings(), complete=d["complete"])
            except services.StaleEdit as stale:
                theirs = stale.current
                data = request.POST.copy()
                data["version"] = str(theirs.version)  # saving again keeps yours, knowingly
                form = self._form(review, data)
                form.is_valid()
                form.add_error(None, f"{theirs.updated_by} saved this review at {theirs.updated_at:%H:%M} while "
                                     "you were editing it. Their version is shown below; your changes are still "
                                     "in the form. Check them against theirs and save again.")
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Review {review.number} has been saved.")
                return redirect("journeys:review", pk=review.pk)
        return self._render(request, review, form, theirs=theirs, status=409 if theirs else 400)

    def _render(self, request: HttpRequest, review: Any, form: f.ReviewForm, theirs: Any = None,
                status: int = 200) -> HttpResponse:
        journey = review.journey
        context = JourneyPage().base(request, journey, "reviews")
        context.update({
            "review": review, "form": form, "ratings": selectors.review_ratings(review),
            "can_edit": selectors.may_change(request.user, journey, "reviews"),
            "theirs": theirs, "their_ratings": selectors.review_ratings(theirs) if theirs else [],
            "changed": services.review_changes(review_form=form, theirs=theirs) if theirs else [],
        })
        return render(request, "journeys/review.html", context, status=status)


class BoardView(JourneyPage):
    """Improvement board meetings (attendees, minutes) and actions with owners and dates."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self.journey(request, pk))

    def _forms(self, journey: Journey, data: Any = None, part: str = "") -> dict[str, Any]:
        owners = _choices(selectors.assignee_choices(journey),
                          lambda u: f"{u}{' (' + u.job_title + ')' if u.job_title else ''}")
        meetings = _choices(journey.meetings.all(), lambda m: f"{m.held_on:%d %B %Y}")
        return {"meeting": f.MeetingForm(data if part == "meeting" else None),
                "action": f.ActionForm(data if part == "action" else None, owners=owners, meetings=meetings)}

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        journey = self.journey(request, pk)
        _manager(request, journey)
        part = request.POST.get("part", "")
        forms = self._forms(journey, request.POST, part)
        form = forms.get(part)
        if form is None:
            form = forms["meeting"] = f.MeetingForm(request.POST)
            form.is_valid()
            form.add_error(None, "Choose what to save.")
        elif form.is_valid():
            d = form.cleaned_data
            try:
                if part == "meeting":
                    services.meeting_record(actor=request.user, journey=journey, **d)
                else:
                    owner = next((u for u in selectors.assignee_choices(journey) if u.pk == d["owner"]), None)
                    meeting = _one(journey.meetings.all(), d["meeting"]) if d["meeting"] else None
                    services.action_add(actor=request.user, journey=journey, description=d["description"],
                                        owner=owner, due_on=d["due_on"], meeting=meeting)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "The meeting has been recorded." if part == "meeting"
                                 else "The action has been assigned.")
                return redirect(reverse("journeys:board", args=[pk]) + f"#{part}s")
        return self._render(request, journey, forms, status=400)

    def _render(self, request: HttpRequest, journey: Journey, forms: dict[str, Any] | None = None,
                status: int = 200) -> HttpResponse:
        context = self.base(request, journey, "board")
        context.update({
            "meetings": selectors.meetings(journey), "actions": selectors.actions(journey),
            "forms": forms or self._forms(journey),
            "can_meet": selectors.may_change(request.user, journey, "meetings"),
            "can_act": selectors.may_change(request.user, journey, "actions"),
            "today": timezone.localdate(),
        })
        return render(request, "journeys/board.html", context, status=status)


class ActionView(PermissionRequiredMixin, View):
    """One action: its owner (a head, a chair, a provider) or a manager updates its progress."""

    permission = "journeys.view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        action = selectors.action_for(request.user, pk)
        form = f.ActionUpdateForm(initial={"version": action.version, "state": action.state,
                                           "progress": action.progress})
        return self._render(request, action, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        action = selectors.action_for(request.user, pk)
        if not selectors.may_update_action(request.user, action):
            raise PermissionDenied
        form = f.ActionUpdateForm(request.POST)
        theirs = None
        if form.is_valid():
            try:
                services.action_update(actor=request.user, action=action, **form.cleaned_data)
            except services.StaleEdit as stale:
                theirs = stale.current
                data = request.POST.copy()
                data["version"] = str(theirs.version)
                form = f.ActionUpdateForm(data)
                form.is_valid()
                form.add_error(None, f"{theirs.updated_by} updated this action while you were editing it. Their "
                                     "update is shown below; yours is still in the form. Save again to keep yours.")
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "The action has been updated.")
                return redirect("journeys:action", pk=pk)
        return self._render(request, action, form, theirs=theirs, status=409 if theirs else 400)

    def _render(self, request: HttpRequest, action: Any, form: Any, theirs: Any = None,
                status: int = 200) -> HttpResponse:
        context = JourneyPage().base(request, action.journey, "board")
        context.update({"action": action, "form": form, "theirs": theirs,
                        "can_update": selectors.may_update_action(request.user, action)})
        return render(request, "journeys/action.html", context, status=status)


# --- escalation --------------------------------------------------------------------------------------------------


class EscalationView(JourneyPage):
    """The ladder (maintained schools) or the log of DfE regions group contacts (academies)."""

    permission = "journeys.view_escalation"

    def journey(self, request: HttpRequest, pk: int) -> Journey:
        journey = super().journey(request, pk)
        if not selectors.may_view_escalation(request.user, journey):
            raise PermissionDenied
        return journey

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self.journey(request, pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        journey = self.journey(request, pk)
        _manager(request, journey)
        part = request.POST.get("part", "")
        forms = {"propose": f.StepProposeForm(request.POST if part == "propose" else None),
                 "step": f.StepMoveForm(request.POST if part == "step" else None),
                 "contact": f.DfeContactForm(request.POST if part == "contact" else None)}
        form = forms.get(part)
        if form is None:
            form = forms["propose"] = f.StepProposeForm(request.POST)
            form.is_valid()
            form.add_error(None, "Choose what to save.")
        elif form.is_valid():
            d = dict(form.cleaned_data)
            try:
                if part == "propose":
                    services.step_propose(actor=request.user, journey=journey, **d)
                elif part == "step":
                    step = _one(journey.steps.all(), d.pop("step"))
                    services.step_move(actor=request.user, step=step, **d)
                else:
                    services.dfe_contact_add(actor=request.user, journey=journey, **d)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Saved.")
                return redirect("journeys:escalation", pk=pk)
        return self._render(request, journey, forms, status=400)

    def _render(self, request: HttpRequest, journey: Journey, forms: dict[str, Any] | None = None,
                status: int = 200) -> HttpResponse:
        forms = forms or {"propose": f.StepProposeForm(), "step": f.StepMoveForm(), "contact": f.DfeContactForm()}
        context = self.base(request, journey, "escalation")
        context.update({
            "escalation": selectors.escalation(request.user, journey), "forms": forms,
            "can_edit": selectors.may_change(request.user, journey, "escalation"),
            "may_approve": has_perm(request.user, "journeys.approve_escalation"),
            "step_labels": ladder.STEP_STATE_LABELS, "grounds": ladder.GROUND_LABELS,
            "step_move_errors": forms.get("step"),
        })
        return render(request, "journeys/escalation.html", context, status=status)


class StepLetterView(PermissionRequiredMixin, View):
    permission = "journeys.view_escalation"

    def get(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        step = selectors.step_for(request.user, pk)
        return _document(request, letters.step_document(step), fmt, f"{step.kind.replace('_', '-')}-{step.journey.school_id}",
                         step.journey)
