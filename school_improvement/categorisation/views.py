"""Categorisation pages: policies, rounds and their packs, each school's decision, letters,
re-opened categories, the dashboard, backtests and past categories.

Every read goes through ``selectors`` (scoped to the reader, redacted where they declared a
conflict, explained for their audience); every write through ``services`` / ``policies``.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from engines.errors import FileRefused
from engines.policy import PolicyError
from school_improvement.accounts.permissions import has_perm
from school_improvement.core import audit
from school_improvement.core.exports import document_response, export_response
from school_improvement.core.forms import apply_errors
from school_improvement.core.views import PermissionRequiredMixin
from school_improvement.register.selectors import school_for

from . import backtest, charts, events, letters, past, policies, selectors, services
from .forms import (
    AnswerForm,
    BacktestForm,
    ConflictForm,
    DismissForm,
    ModerateForm,
    NewVersionForm,
    PastUploadForm,
    PolicyUploadForm,
    PolicyYamlForm,
    PresetForm,
    ProposeForm,
    ReopenForm,
    RespondForm,
    RoundForm,
)
from .models import DecisionState, Round

MAX_UPLOAD = 2 * 1024 * 1024


def _user(request: HttpRequest) -> Any:
    """The signed-in person (every view here requires one)."""
    return request.user


def _policy_errors(form: Any, exc: PolicyError, field: str | None = "yaml") -> list[str]:
    """One line per problem in the error summary; the full text (with the caret) for the page."""
    lines = []
    for p in exc.problems:
        where = f"Line {p.line}" if p.line else "The policy"
        if p.where:
            where += f" ({p.where})"
        lines.append(f"{where}: {p.message.splitlines()[0]}")
    form.add_error(field if field in form.fields else None, lines)
    return [str(p) for p in exc.problems]


def _message_errors(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    for text in getattr(exc, "messages", [str(exc)]):
        messages.error(request, text)


# --- dashboard ------------------------------------------------------------------------------------


class DashboardView(PermissionRequiredMixin, View):
    permission = "categorisation.view_rounds"

    def get(self, request: HttpRequest) -> HttpResponse:
        board = selectors.dashboard(request.user)
        chart = charts.bar_chart(chart_id="categories-chart", title="Schools in each category (latest signed-off)",
                                 rows=[(label, n) for label, n, _, _ in board.categories])
        return render(request, "categorisation/dashboard.html", {
            "board": board, "chart": chart,
            "total_days": sum(c[2] for c in board.categories), "total_visits": sum(c[3] for c in board.categories),
            "can_run": has_perm(request.user, "categorisation.run_rounds"),
        })


# --- policies -------------------------------------------------------------------------------------


class PolicyListView(PermissionRequiredMixin, View):
    permission = "categorisation.view_policies"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "categorisation/policy_list.html", {
            "policies": selectors.policies_for(request.user),
            "can_manage": has_perm(request.user, "categorisation.manage_policies"),
        })


class PolicyNewView(PermissionRequiredMixin, View):
    """Load a policy that ships, or import a YAML file: each version becomes a draft."""

    permission = "categorisation.manage_policies"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, PresetForm(), PolicyUploadForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        preset_form, upload_form = PresetForm(), PolicyUploadForm()
        problems: list[str] = []
        try:
            if "file" in request.FILES or request.POST.get("action") == "upload":
                upload_form = PolicyUploadForm(request.POST, request.FILES)
                if not upload_form.is_valid():
                    return self._render(request, preset_form, upload_form)
                upload = upload_form.cleaned_data["file"]
                if upload.size > MAX_UPLOAD:
                    upload_form.add_error("file", "The file is larger than 2 MB.")
                    return self._render(request, preset_form, upload_form)
                try:
                    text = upload.read().decode("utf-8-sig")
                except UnicodeDecodeError:
                    upload_form.add_error("file", "The file is not UTF-8 text.")
                    return self._render(request, preset_form, upload_form)
                imported = policies.policy_import(actor=request.user, council=_user(request).council,
                                                  text=text, filename=upload.name or "policy.yaml")
            else:
                preset_form = PresetForm(request.POST)
                if not preset_form.is_valid():
                    return self._render(request, preset_form, upload_form)
                imported = policies.preset_load(actor=request.user, council=_user(request).council,
                                                name=preset_form.cleaned_data["preset"])
        except PolicyError as exc:
            problems = _policy_errors(upload_form if upload_form.is_bound else preset_form, exc,
                                      "file" if upload_form.is_bound else "preset")
            return self._render(request, preset_form, upload_form, problems)
        except ValidationError as exc:
            apply_errors(preset_form if preset_form.is_bound else upload_form, exc)
            return self._render(request, preset_form, upload_form)
        if not imported.versions:
            messages.success(request, "Every version in that file is already held; nothing was added.")
            return redirect("categorisation:policy_list")
        messages.success(request, f"{len(imported.versions)} draft version(s) loaded"
                                  + (f"; {len(imported.skipped)} already held" if imported.skipped else "") + ".")
        return redirect("categorisation:version_detail", pk=imported.versions[0].pk)

    def _render(self, request: HttpRequest, preset_form: Any, upload_form: Any,
                problems: list[str] | None = None) -> HttpResponse:
        return render(request, "categorisation/policy_new.html", {
            "preset_form": preset_form, "upload_form": upload_form, "problems": problems or []})


class PolicyDetailView(PermissionRequiredMixin, View):
    permission = "categorisation.view_policies"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy = selectors.policy_for(request.user, pk)
        return render(request, "categorisation/policy_detail.html", {
            "policy": policy, "versions": selectors.versions_for(request.user, policy),
            "can_manage": has_perm(request.user, "categorisation.manage_policies"),
        })


def _yaml_response(request: HttpRequest, text: str, filename: str, label: str) -> HttpResponse:
    audit.record(actor=request.user, action=audit.Action.EXPORT, object_type="categorisation.policy",
                 object_repr=label[:300], detail=f"YAML export: {request.get_full_path()}")
    response = HttpResponse(text, content_type="application/x-yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class PolicyExportView(PermissionRequiredMixin, View):
    permission = "categorisation.view_policies"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy = selectors.policy_for(request.user, pk)
        try:
            text = policies.policy_export(policy)
        except ValidationError as exc:
            _message_errors(request, exc)
            return redirect("categorisation:policy_detail", pk=pk)
        return _yaml_response(request, text, f"policy-{policy.pk}.yaml", f"policy {policy.name}")


class VersionDetailView(PermissionRequiredMixin, View):
    permission = "categorisation.view_policies"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = selectors.version_for(request.user, pk)
        return render(request, "categorisation/version_detail.html", {
            "version": version, "summary": selectors.policy_summary(version),
            "can_manage": has_perm(request.user, "categorisation.manage_policies"),
            "copy_form": NewVersionForm(initial={"effective_from": timezone.localdate()}),
        })


class VersionYamlView(PermissionRequiredMixin, View):
    permission = "categorisation.view_policies"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = selectors.version_for(request.user, pk)
        return _yaml_response(request, version.yaml, f"policy-{version.policy_id}-{version.version}.yaml",
                              str(version))


class VersionEditView(PermissionRequiredMixin, View):
    permission = "categorisation.manage_policies"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = selectors.version_for(request.user, pk)
        if not version.is_draft:
            messages.error(request, "A published version cannot be changed; make a new version from it.")
            return redirect("categorisation:version_detail", pk=pk)
        return self._render(request, version, PolicyYamlForm(initial={"yaml": version.yaml}))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = selectors.version_for(request.user, pk)
        form = PolicyYamlForm(request.POST)
        problems: list[str] = []
        if form.is_valid():
            try:
                policies.policy_draft_update(actor=request.user, version=version, yaml=form.cleaned_data["yaml"])
            except PolicyError as exc:
                problems = _policy_errors(form, exc)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "The draft has been saved.")
                return redirect("categorisation:version_detail", pk=pk)
        return self._render(request, version, form, problems)

    def _render(self, request: HttpRequest, version: Any, form: Any, problems: list[str] | None = None) -> HttpResponse:
        summary = None
        with contextlib.suppress(PolicyError):
            summary = selectors.policy_summary(version)
        return render(request, "categorisation/version_edit.html", {
            "version": version, "form": form, "problems": problems or [], "summary": summary})


class VersionPublishView(PermissionRequiredMixin, View):
    permission = "categorisation.manage_policies"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = selectors.version_for(request.user, pk)
        try:
            policies.policy_publish(actor=request.user, version=version)
        except (ValidationError, PolicyError) as exc:
            for text in getattr(exc, "messages", None) or [str(exc)]:
                messages.error(request, text)
        else:
            messages.success(request, f"Version {version.version} is published.")
        return redirect("categorisation:version_detail", pk=pk)


class VersionCopyView(PermissionRequiredMixin, View):
    permission = "categorisation.manage_policies"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = selectors.version_for(request.user, pk)
        return render(request, "categorisation/version_copy.html", {
            "version": version, "form": NewVersionForm(initial={"effective_from": timezone.localdate()})})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = selectors.version_for(request.user, pk)
        form = NewVersionForm(request.POST)
        problems: list[str] = []
        if form.is_valid():
            try:
                created = policies.policy_new_version(actor=request.user, version=version,
                                                      label=form.cleaned_data["label"],
                                                      effective_from=form.cleaned_data["effective_from"])
            except PolicyError as exc:
                problems = _policy_errors(form, exc, None)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Draft version {created.version} made from version {version.version}.")
                return redirect("categorisation:version_edit", pk=created.pk)
        return render(request, "categorisation/version_copy.html", {"version": version, "form": form,
                                                                    "problems": problems})


class VersionDeleteView(PermissionRequiredMixin, View):
    permission = "categorisation.manage_policies"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = selectors.version_for(request.user, pk)
        policy_pk = version.policy_id
        try:
            policies.policy_draft_delete(actor=request.user, version=version)
        except ValidationError as exc:
            _message_errors(request, exc)
            return redirect("categorisation:version_detail", pk=pk)
        messages.success(request, "The draft has been deleted.")
        return redirect("categorisation:policy_detail", pk=policy_pk)


# --- rounds ---------------------------------------------------------------------------------------


class RoundListView(PermissionRequiredMixin, View):
    permission = "categorisation.view_rounds"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "categorisation/round_list.html", {
            "rounds": selectors.rounds_for(request.user),
            "can_run": has_perm(request.user, "categorisation.run_rounds"),
        })


class RoundNewView(PermissionRequiredMixin, View):
    permission = "categorisation.run_rounds"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = RoundForm(versions=selectors.published_versions(request.user),
                         initial={"as_at": timezone.localdate(), "scope": request.GET.get("scope") or Round.Scope.ALL})
        return render(request, "categorisation/round_new.html", {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        versions = selectors.published_versions(request.user)
        form = RoundForm(request.POST, versions=versions)
        if form.is_valid():
            data = form.cleaned_data
            try:
                round_ = services.round_start(
                    actor=request.user, council=_user(request).council,
                    policy_version=selectors.version_for(request.user, int(data["policy_version"])),
                    as_at=data["as_at"], name=data["name"], scope=data["scope"], window_days=data["window_days"])
            except (ValidationError, PolicyError) as exc:
                if isinstance(exc, PolicyError):
                    _policy_errors(form, exc, None)
                else:
                    apply_errors(form, exc)
            else:
                messages.success(request, f"The round has started: {round_.decisions.count()} schools proposed.")
                return redirect("categorisation:round_detail", pk=round_.pk)
        return render(request, "categorisation/round_new.html", {"form": form})


class RoundDetailView(PermissionRequiredMixin, View):
    """The round's pack: every school, its proposal and state (redacted where conflicted)."""

    permission = "categorisation.view_rounds"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        round_ = selectors.round_for(request.user, pk)
        state = request.GET.get("state", "")
        q = request.GET.get("q", "")[:100].strip()
        rows = selectors.round_pack(request.user, round_, state=state, q=q)
        return render(request, "categorisation/round_detail.html", {
            "round": round_, "rows": rows, "state": state, "q": q, "states": DecisionState.choices,
            "counts": selectors.state_counts(round_),
            "conflicts": sorted(services.conflicted_school_ids(request.user, round_)),
            "can_run": has_perm(request.user, "categorisation.run_rounds"),
            "can_moderate": has_perm(request.user, "categorisation.moderate"),
        })


class RoundExportView(PermissionRequiredMixin, View):
    permission = "categorisation.view_rounds"

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        round_ = selectors.round_for(request.user, pk)
        rows = selectors.round_pack(request.user, round_)
        fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
        columns = [
            ("URN", lambda r: r.decision.school_id),
            ("School", lambda r: r.decision.school.name),
            ("State", lambda r: r.decision.get_state_display()),
            ("Route", lambda r: r.decision.get_route_display()),
            ("Proposed category", lambda r: "redacted (conflict declared)" if r.redacted else r.proposed_label),
            ("Category", lambda r: "redacted (conflict declared)" if r.redacted else r.category_label),
            ("Review group", lambda r: "" if r.redacted else r.decision.get_group_outcome_display()),
            ("Adviser days", lambda r: "" if r.redacted else r.decision.adviser_days),
            ("Visits a year", lambda r: "" if r.redacted else r.decision.visits_per_year),
            ("Triggers fired", lambda r: "; ".join(r.fired)),
        ]
        return export_response(request, rows=rows, columns=columns, filename=f"round-{round_.pk}", fmt=fmt,
                               audit_label=f"categorisation round {round_}")


class RoundConflictsView(PermissionRequiredMixin, View):
    permission = "categorisation.moderate"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        round_ = selectors.round_for(request.user, pk)
        return self._render(request, round_, self._form(request, round_))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        round_ = selectors.round_for(request.user, pk)
        form = self._form(request, round_, request.POST)
        if form.is_valid():
            try:
                school = school_for(request.user, int(form.cleaned_data["school"]))
                services.conflict_declare(actor=request.user, round_=round_, school=school,
                                          reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Conflict of interest with {school.name} recorded: its pack is redacted "
                                          "for you and you cannot decide its category.")
                return redirect("categorisation:round_detail", pk=pk)
        return self._render(request, round_, form)

    def _form(self, request: HttpRequest, round_: Round, data: Any = None) -> ConflictForm:
        schools = [row.decision.school for row in selectors.round_pack(request.user, round_)]
        return ConflictForm(data, schools=schools)

    def _render(self, request: HttpRequest, round_: Round, form: Any) -> HttpResponse:
        return render(request, "categorisation/round_conflicts.html", {
            "round": round_, "form": form, "declared": selectors.conflicts_of(request.user, round_)})


class RoundShareView(PermissionRequiredMixin, View):
    permission = "categorisation.run_rounds"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        round_ = selectors.round_for(request.user, pk)
        done, problems = services.round_share_all(actor=request.user, round_=round_)
        messages.success(request, f"Letters sent to {done} school(s).")
        for text in problems[:10]:
            messages.error(request, text)
        return redirect("categorisation:round_detail", pk=pk)


class RoundSignOffView(PermissionRequiredMixin, View):
    permission = "categorisation.run_rounds"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        round_ = selectors.round_for(request.user, pk)
        done, problems = services.round_sign_off_ready(actor=request.user, round_=round_)
        messages.success(request, f"{done} categor{'y' if done == 1 else 'ies'} signed off.")
        for text in problems[:10]:
            messages.error(request, text)
        return redirect("categorisation:round_detail", pk=pk)


# --- one school's decision ------------------------------------------------------------------------


def _detail(pk: int) -> str:
    return reverse("categorisation:decision_detail", args=[pk])


class DecisionDetailView(PermissionRequiredMixin, View):
    permission = "categorisation.view_decisions"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        decision = selectors.decision_for(request.user, pk)
        view = selectors.decision_view(request.user, decision)
        selectors.note_decision_viewed(request.user, view)
        return render(request, "categorisation/decision_detail.html", {"view": view, "d": decision})


class _DecisionForm(PermissionRequiredMixin, View):
    """A form that moves a decision one step (its own permission, then the state machine)."""

    template = ""
    title = ""

    def allowed(self, request: HttpRequest, view: Any) -> bool:
        raise NotImplementedError

    def make_form(self, view: Any, data: Any = None) -> Any:
        raise NotImplementedError

    def act(self, request: HttpRequest, view: Any, data: dict[str, Any]) -> str:
        raise NotImplementedError

    def _view(self, request: HttpRequest, pk: int) -> Any:
        decision = selectors.decision_for(request.user, pk)
        view = selectors.decision_view(request.user, decision)
        if view.redacted:
            raise PermissionDenied
        return view

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        view = self._view(request, pk)
        if not self.allowed(request, view):
            messages.error(request, "That cannot be done for this school now.")
            return redirect(_detail(pk))
        return self._render(request, view, self.make_form(view))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        view = self._view(request, pk)
        if not self.allowed(request, view):
            messages.error(request, "That cannot be done for this school now.")
            return redirect(_detail(pk))
        form = self.make_form(view, request.POST)
        if form.is_valid():
            try:
                done = self.act(request, view, form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect(_detail(pk))
        return self._render(request, view, form)

    def _render(self, request: HttpRequest, view: Any, form: Any) -> HttpResponse:
        return render(request, "categorisation/decision_form.html", {
            "view": view, "d": view.decision, "form": form, "title": self.title})


class DecisionProposeView(_DecisionForm):
    permission = "categorisation.propose"
    title = "Propose a category (professional judgement)"

    def allowed(self, request: HttpRequest, view: Any) -> bool:
        if not services.may_propose(request.user, view.decision):
            raise PermissionDenied
        return view.can_propose

    def make_form(self, view: Any, data: Any = None) -> Any:
        return ProposeForm(data, categories=view.categories)

    def act(self, request: HttpRequest, view: Any, data: dict[str, Any]) -> str:
        services.decision_propose(actor=request.user, decision=view.decision, **data)
        return "Your proposal has been sent to the review group."


class DecisionModerateView(_DecisionForm):
    permission = "categorisation.moderate"
    title = "Record the review group's decision"

    def allowed(self, request: HttpRequest, view: Any) -> bool:
        return view.can_moderate

    def make_form(self, view: Any, data: Any = None) -> Any:
        return ModerateForm(data, categories=view.categories)

    def act(self, request: HttpRequest, view: Any, data: dict[str, Any]) -> str:
        services.decision_moderate(actor=request.user, decision=view.decision, **data)
        return "The review group's decision has been recorded."


class DecisionRespondView(_DecisionForm):
    permission = "categorisation.respond"
    title = "Respond to the provisional category"

    def allowed(self, request: HttpRequest, view: Any) -> bool:
        if selectors.school_role(request.user, view.decision.school_id) != "headteacher":
            raise PermissionDenied
        return view.can_respond

    def make_form(self, view: Any, data: Any = None) -> Any:
        return RespondForm(data)

    def act(self, request: HttpRequest, view: Any, data: dict[str, Any]) -> str:
        if data["response"] == "accept":
            services.decision_accept(actor=request.user, decision=view.decision)
            return "Thank you: you have accepted the category."
        services.representation_make(actor=request.user, decision=view.decision, text=data["text"])
        return "Your representations have been recorded. The head of service will answer them."


class DecisionAnswerView(_DecisionForm):
    permission = "categorisation.run_rounds"
    title = "Answer the school's representations"

    def allowed(self, request: HttpRequest, view: Any) -> bool:
        return view.can_answer

    def make_form(self, view: Any, data: Any = None) -> Any:
        return AnswerForm(data, categories=view.categories)

    def act(self, request: HttpRequest, view: Any, data: dict[str, Any]) -> str:
        services.representation_answer(actor=request.user, decision=view.decision, **data)
        return "Your answer has been recorded; the school can read it."


class _DecisionAction(PermissionRequiredMixin, View):
    service: Any = None
    done = ""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        decision = selectors.decision_for(request.user, pk)
        try:
            type(self).service(actor=request.user, decision=decision)
        except (ValidationError, PermissionDenied) as exc:
            _message_errors(request, exc)
        else:
            messages.success(request, self.done)
        return redirect(_detail(pk))


class DecisionShareView(_DecisionAction):
    permission = "categorisation.run_rounds"
    service = services.decision_share
    done = "The letter has been sent: the school can read its provisional category and respond."


class DecisionSignOffView(_DecisionAction):
    permission = "categorisation.run_rounds"
    service = services.decision_sign_off
    done = "The category is signed off; the evidence and explanation are frozen with it."


class DecisionLetterView(PermissionRequiredMixin, View):
    permission = "categorisation.view_decisions"

    def get(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        decision = selectors.decision_for(request.user, pk)
        view = selectors.decision_view(request.user, decision)
        if view.redacted or not (decision.is_shared or decision.state == DecisionState.MODERATED and view.staff):
            raise PermissionDenied
        role = selectors.school_role(request.user, decision.school_id)
        audience = role if role and not view.staff else request.GET.get("audience", "headteacher")
        letter = letters.build_letter(decision, audience)
        audit.record(actor=request.user, action=audit.Action.EXPORT, obj=decision,
                     detail=f"letter ({fmt}, {audience}) downloaded")
        name = f"category-letter-{decision.school_id}-{decision.round_id}"
        make = letters.letter_pdf if fmt == "pdf" else letters.letter_docx
        return document_response(make(letter), fmt, name)


# --- re-opened categories -------------------------------------------------------------------------


class ReopenedListView(PermissionRequiredMixin, View):
    permission = "categorisation.view_rounds"

    def get(self, request: HttpRequest) -> HttpResponse:
        status = request.GET.get("status", "open")
        return render(request, "categorisation/reopened_list.html", {
            "rows": selectors.reopenings_for(request.user, status="" if status == "all" else status),
            "status": status, "can_run": has_perm(request.user, "categorisation.run_rounds"),
        })


class ReopenedCheckView(PermissionRequiredMixin, View):
    permission = "categorisation.run_rounds"

    def post(self, request: HttpRequest) -> HttpResponse:
        made = events.detect_events(council=_user(request).council, actor=request.user)
        messages.success(request, f"{len(made)} categor{'y' if len(made) == 1 else 'ies'} re-opened by new events.")
        return redirect("categorisation:reopened_list")


class ReopeningDismissView(PermissionRequiredMixin, View):
    permission = "categorisation.run_rounds"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        reopening = selectors.reopening_for(request.user, pk)
        return render(request, "categorisation/reopening_dismiss.html", {"reopening": reopening,
                                                                         "form": DismissForm()})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        reopening = selectors.reopening_for(request.user, pk)
        form = DismissForm(request.POST)
        if form.is_valid():
            try:
                events.reopening_dismiss(actor=request.user, reopening=reopening, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "The re-opening has been dismissed.")
                return redirect("categorisation:reopened_list")
        return render(request, "categorisation/reopening_dismiss.html", {"reopening": reopening, "form": form})


class SchoolReopenView(PermissionRequiredMixin, View):
    permission = "categorisation.run_rounds"

    def get(self, request: HttpRequest, urn: int) -> HttpResponse:
        school = school_for(request.user, urn)
        return render(request, "categorisation/school_reopen.html", {"school": school, "form": ReopenForm()})

    def post(self, request: HttpRequest, urn: int) -> HttpResponse:
        school = school_for(request.user, urn)
        form = ReopenForm(request.POST)
        if form.is_valid():
            try:
                events.reopen_for_event(school=school, actor=request.user, council=_user(request).council_id,
                                        **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"The category of {school.name} is re-opened.")
                return redirect("categorisation:reopened_list")
        return render(request, "categorisation/school_reopen.html", {"school": school, "form": form})


# --- backtest and past categories -----------------------------------------------------------------


class BacktestView(PermissionRequiredMixin, View):
    permission = "categorisation.backtest"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, self._form(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request, request.POST)
        if form.is_valid():
            try:
                run = backtest.backtest_run(actor=request.user, **form.cleaned_data)
            except (ValidationError, PolicyError) as exc:
                if isinstance(exc, PolicyError):
                    _policy_errors(form, exc, "policy")
                else:
                    apply_errors(form, exc)
            else:
                return redirect("categorisation:backtest_detail", pk=run.pk)
        return self._render(request, form)

    def _form(self, request: HttpRequest, data: Any = None) -> BacktestForm:
        return BacktestForm(data, versions=selectors.versions_for(request.user))

    def _render(self, request: HttpRequest, form: Any) -> HttpResponse:
        return render(request, "categorisation/backtest.html", {
            "form": form, "runs": selectors.backtests_for(request.user)[:20]})


class BacktestDetailView(PermissionRequiredMixin, View):
    permission = "categorisation.backtest"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = selectors.backtest_for(request.user, pk)
        return render(request, "categorisation/backtest_detail.html", {
            "run": run, "r": run.result, "rows": backtest.table_rows(run.result, run.year)})


class PastImportView(PermissionRequiredMixin, View):
    permission = "categorisation.import_past"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, PastUploadForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PastUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD:
                form.add_error("file", "The file is larger than 2 MB.")
            else:
                try:
                    result = past.import_past_categorisations(council=_user(request).council, data=upload.read(),
                                                              filename=upload.name or "upload.csv",
                                                              actor=request.user)
                except FileRefused as exc:
                    form.add_error("file", f"The file was refused and nothing was saved. {exc.describe()}")
                else:
                    messages.success(request, f"{result.source}: {result.rows_read} rows read, {result.created} "
                                              f"added, {result.updated} updated, {result.unchanged} unchanged.")
                    return redirect("categorisation:past_import")
        return self._render(request, form)

    def _render(self, request: HttpRequest, form: Any) -> HttpResponse:
        return render(request, "categorisation/past_import.html", {
            "form": form, "rows": selectors.past_for(request.user)[:500]})
