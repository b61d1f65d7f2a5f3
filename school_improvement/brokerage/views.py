"""Capacity and brokerage pages: the capacity register, needs and their shortlists, the
whole-council plan and the officers' decisions, the gap picture and map, support claims.

Reads go through ``selectors`` (scoped to the reader); writes through ``services``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from engines.matching import KIND_LABELS
from school_improvement.accounts.permissions import has_perm
from school_improvement.core.exports import export_response
from school_improvement.core.forms import apply_errors
from school_improvement.core.paging import paginate
from school_improvement.core.views import PermissionRequiredMixin

from . import selectors, services
from .forms import ClaimForm, ConfirmForm, ConflictForm, NeedForm, ProviderForm, SettingsForm
from .models import AREA_CHOICES, MatchStatus, NeedSource, NeedStatus


def _me(request: HttpRequest) -> Any:
    """The signed-in person (every view here needs one)."""
    return request.user

def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = str(request.POST.get("next", ""))
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(default)


class OverviewView(PermissionRequiredMixin, View):
    permission = "brokerage.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "brokerage/overview.html", {
            "counts": selectors.plan_counts(request.user), "run": selectors.latest_run(request.user),
            "open_needs": selectors.needs_for(request.user).filter(status=NeedStatus.OPEN).count(),
            "providers": selectors.providers_for(request.user).filter(active=True).count(),
            "can_match": has_perm(request.user, "brokerage.match"),
        })


# --- providers --------------------------------------------------------------------------------

PROVIDER_COLUMNS = [
    ("Provider", lambda r: r.provider.name),
    ("Kind", lambda r: r.provider.get_kind_display()),
    ("School URN", lambda r: r.provider.school_id or ""),
    ("Phases", lambda r: ", ".join(r.provider.phase_labels)),
    ("Expertise", lambda r: ", ".join(f"{a} {f}" for a, f in sorted(r.provider.expertise.items()))),
    ("Days a year", lambda r: r.provider.days_per_year),
    ("Days committed", lambda r: r.committed),
    ("Days left", lambda r: r.left),
    ("Meets the quality bar", lambda r: "Yes" if r.quality.ok else "No"),
    ("Quality evidence", lambda r: r.quality.headline),
]


class ProviderListView(PermissionRequiredMixin, View):
    permission = "brokerage.view"

    def get(self, request: HttpRequest) -> HttpResponseBase:
        rows = selectors.provider_rows(request.user)
        kind = request.GET.get("kind", "")
        if kind in KIND_LABELS:
            rows = [r for r in rows if r.provider.kind == kind]
        if request.GET.get("export") in {"csv", "xlsx"}:
            return export_response(request, rows=rows, columns=PROVIDER_COLUMNS, filename="capacity-register",
                                   fmt=request.GET["export"], audit_label="capacity register")
        return render(request, "brokerage/provider_list.html", {
            "rows": rows, "kinds": KIND_LABELS, "kind": kind,
            "can_manage": has_perm(request.user, "brokerage.manage_providers")})


def _provider_values(request: HttpRequest, form: ProviderForm) -> dict[str, Any]:
    data = form.cleaned_data
    school = selectors.council_school(request.user, data["school"]) if data["school"] else None
    if data["school"] and school is None:
        raise ValidationError({"school": "No school of this council has that URN."})
    return {"name": data["name"], "kind": data["kind"], "user": selectors.person_for(request.user, data["user"]),
            "school": school, "postcode": data["postcode"].upper().strip(), "phases": data["phases"],
            "expertise": form.expertise(), "subjects": data["subjects"], "autumn_days": data["autumn_days"],
            "spring_days": data["spring_days"], "summer_days": data["summer_days"], "day_rate": data["day_rate"],
            "active": data["active"], "notes": data["notes"]}


class ProviderFormView(PermissionRequiredMixin, View):
    permission = "brokerage.manage_providers"

    def _render(self, request: HttpRequest, form: ProviderForm, provider: Any = None) -> HttpResponse:
        return render(request, "brokerage/provider_form.html", {"form": form, "provider": provider})

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        provider = selectors.provider_for(request.user, pk) if pk else None
        initial: dict[str, Any] = {"active": True, "autumn_days": 0, "spring_days": 0, "summer_days": 0}
        if provider:
            initial = {f: getattr(provider, f) for f in ("name", "kind", "postcode", "phases", "subjects",
                                                         "autumn_days", "spring_days", "summer_days", "day_rate",
                                                         "active", "notes")}
            initial.update({"user": str(provider.user_id or ""), "school": str(provider.school_id or "")})
            initial.update({f"fit_{a}": f"{f:.1f}" for a, f in provider.expertise.items()})
        form = ProviderForm(initial=initial, people=selectors.people_choices(request.user))
        return self._render(request, form, provider)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        provider = selectors.provider_for(request.user, pk) if pk else None
        form = ProviderForm(request.POST, people=selectors.people_choices(request.user))
        if form.is_valid():
            try:
                provider = services.provider_save(actor=request.user, council=_me(request).council,
                                                  provider=provider, **_provider_values(request, form))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{provider.name} is in the capacity register.")
                return redirect("brokerage:provider_detail", pk=provider.pk)
        return self._render(request, form, provider)


class ProviderDetailView(PermissionRequiredMixin, View):
    permission = "brokerage.view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        provider = selectors.provider_for(request.user, pk)
        row = selectors.provider_rows(request.user, [provider])[0]
        return render(request, "brokerage/provider_detail.html", {
            "provider": provider, "row": row, "conflicts": selectors.provider_conflicts(provider),
            "matches": selectors.provider_matches(provider), "location": services.provider_location(provider),
            "can_manage": has_perm(request.user, "brokerage.manage_providers"),
            "conflict_form": ConflictForm()})


class ConflictView(PermissionRequiredMixin, View):
    """Declare a personal or employment link between a provider and a school."""

    permission = "brokerage.manage_providers"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        provider = selectors.provider_for(request.user, pk)
        return render(request, "brokerage/conflict_form.html", {"provider": provider, "form": ConflictForm()})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        provider = selectors.provider_for(request.user, pk)
        form = ConflictForm(request.POST)
        if form.is_valid():
            school = selectors.council_school(request.user, form.cleaned_data["school"])
            if school is None:
                form.add_error("school", "No school of this council has that URN.")
            else:
                try:
                    services.conflict_declare(actor=request.user, provider=provider, school=school,
                                              reason=form.cleaned_data["reason"])
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, f"{provider.name} will never be proposed for {school.name}.")
                    return redirect("brokerage:provider_detail", pk=provider.pk)
        return render(request, "brokerage/conflict_form.html", {"provider": provider, "form": form})


# --- needs ------------------------------------------------------------------------------------


class NeedListView(PermissionRequiredMixin, View):
    permission = "brokerage.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        status = request.GET.get("status", "open")
        area, source = request.GET.get("area", ""), request.GET.get("source", "")
        rows = selectors.need_list(request.user, status=status, area=area, source=source)
        return render(request, "brokerage/need_list.html", {
            "page": paginate(request, rows), "status": status, "area": area, "source": source,
            "areas": AREA_CHOICES, "sources": NeedSource.choices,
            "can_raise": has_perm(request.user, "brokerage.match")})


class NeedsFromCategoriesView(PermissionRequiredMixin, View):
    permission = "brokerage.match"
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        made = services.needs_from_categories(actor=request.user, council=_me(request).council)
        messages.success(request, f"{len(made)} need{'s' if len(made) != 1 else ''} raised for priority schools "
                                  "without one.")
        return redirect("brokerage:need_list")


class NeedCreateView(PermissionRequiredMixin, View):
    permission = "brokerage.raise_needs"

    def get(self, request: HttpRequest, urn: int) -> HttpResponse:
        school = selectors.school_for_need(request.user, urn)
        return render(request, "brokerage/need_form.html", {"school": school, "form": NeedForm()})

    def post(self, request: HttpRequest, urn: int) -> HttpResponse:
        school = selectors.school_for_need(request.user, urn)
        form = NeedForm(request.POST)
        if form.is_valid():
            try:
                need = services.need_create(actor=request.user, council=_me(request).council, school=school,
                                            source=NeedSource.ADVISER, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "The need is raised. Its shortlist is below.")
                return redirect("brokerage:need_detail", pk=need.pk)
        return render(request, "brokerage/need_form.html", {"school": school, "form": form})


class NeedDetailView(PermissionRequiredMixin, View):
    permission = "brokerage.view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        need = selectors.need_for(request.user, pk)
        return render(request, "brokerage/need_detail.html", {
            "view": selectors.need_view(request.user, need), "need": need,
            "can_match": has_perm(request.user, "brokerage.match"),
            "can_close": has_perm(request.user, "brokerage.raise_needs") and need.status == NeedStatus.OPEN})


class NeedChooseView(PermissionRequiredMixin, View):
    """An officer picks a provider from the need's shortlist: a locked match."""

    permission = "brokerage.match"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        need = selectors.need_for(request.user, pk)
        provider_id = str(request.POST.get("provider", ""))
        if not provider_id.isdigit():
            messages.error(request, "Choose a provider.")
            return redirect("brokerage:need_detail", pk=need.pk)
        provider = selectors.provider_for(request.user, int(provider_id))
        days = str(request.POST.get("days", ""))
        try:
            services.match_choose(actor=request.user, need=need, provider=provider,
                                  days=int(days) if days.isdigit() else None)
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, f"{provider.name} is locked in for this need.")
        return redirect("brokerage:need_detail", pk=need.pk)


class NeedCloseView(PermissionRequiredMixin, View):
    permission = "brokerage.raise_needs"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        need = selectors.need_for(request.user, pk)
        selectors.school_for_need(request.user, need.school_id)  # their portfolio, or the head of service
        services.need_close(actor=request.user, need=need, reason=str(request.POST.get("reason", ""))[:300])
        messages.success(request, "The need is closed.")
        return redirect("brokerage:need_list")


# --- the plan and decisions -------------------------------------------------------------------


class PlanView(PermissionRequiredMixin, View):
    """The whole-council plan: run the matcher (head of service), review and decide."""

    permission = "brokerage.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        status = request.GET.get("status", "")
        return render(request, "brokerage/plan.html", {
            "matches": selectors.plan_matches(request.user, status), "status": status,
            "statuses": MatchStatus.choices, "counts": selectors.plan_counts(request.user),
            "run": selectors.latest_run(request.user), "runs": selectors.runs_for(request.user)[:5],
            "can_match": has_perm(request.user, "brokerage.match")})

    def post(self, request: HttpRequest) -> HttpResponse:
        if not has_perm(request.user, "brokerage.match"):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        try:
            run = services.matching_run(actor=request.user, council=_me(request).council)
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, f"The matcher met {run.days_met} of {run.days_needed} days of need "
                                      f"(the nearest-provider baseline met {run.greedy.get('days_met', 0)}). "
                                      "Review the proposals: lock, edit, reject or agree them, then run again.")
        return redirect("brokerage:plan")


MATCH_ACTIONS = {"lock", "unlock", "reject", "allow", "agree"}


class MatchUpdateView(PermissionRequiredMixin, View):
    permission = "brokerage.match"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        match = selectors.match_for(request.user, pk)
        action = request.POST.get("action", "")
        days = str(request.POST.get("days", ""))
        note = str(request.POST.get("note", ""))[:500]
        default = reverse("brokerage:plan")
        if action not in MATCH_ACTIONS:
            messages.error(request, "Choose what to do with the match.")
            return _back(request, default)
        try:
            if action == "lock":
                services.match_lock(actor=request.user, match=match, days=int(days) if days.isdigit() else None,
                                    note=note)
            elif action == "unlock":
                services.match_unlock(actor=request.user, match=match)
            elif action == "reject":
                services.match_reject(actor=request.user, match=match, note=note)
            elif action == "allow":
                services.match_allow(actor=request.user, match=match)
            else:
                services.match_agree(actor=request.user, match=match)
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            words = {"lock": "locked", "unlock": "unlocked", "reject": "rejected: never proposed again",
                     "allow": "allowed again", "agree": "agreed: a support assignment has been made"}
            messages.success(request, f"{match.provider.name} for {match.need.school.name}: {words[action]}.")
        return _back(request, default)


class SettingsView(PermissionRequiredMixin, View):
    permission = "brokerage.match"
    FIELDS = ("max_distance_km", "same_trust_allowed", "quality_bar", "day_rate", "priority_need_days")

    def get(self, request: HttpRequest) -> HttpResponse:
        row = services.settings_for(_me(request).council_id)
        form = SettingsForm(initial={f: getattr(row, f) for f in self.FIELDS})
        return render(request, "brokerage/settings.html", {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.settings_update(actor=request.user, council=_me(request).council_id, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "The matching settings are saved. Run the matcher again to apply them.")
                return redirect("brokerage:plan")
        return render(request, "brokerage/settings.html", {"form": form})


class GapView(PermissionRequiredMixin, View):
    permission = "brokerage.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "brokerage/gap.html", {"gap": selectors.gap_picture(request.user)})


# --- support and claims -----------------------------------------------------------------------


class SupportListView(PermissionRequiredMixin, View):
    """Support assignments: days assigned, claimed and confirmed, and (for the council) the cost."""

    permission = "brokerage.view_support"

    def get(self, request: HttpRequest) -> HttpResponse:
        rows: list[Any] = list(selectors.support_for(request.user))
        manager = selectors.is_manager(request.user)
        rates = selectors.day_rates(request.user, rows) if manager else {}
        for row in rows:
            row.cost = (row.confirmed * rates[row.pk]) if manager else None
            row.assigned_cost = (row.days * rates[row.pk]) if manager else None
        totals = {"days": sum((r.days for r in rows), Decimal("0")),
                  "claimed": sum((r.claimed for r in rows), Decimal("0")),
                  "confirmed": sum((r.confirmed for r in rows), Decimal("0")),
                  "cost": sum((r.cost for r in rows if r.cost is not None), Decimal("0")),
                  "assigned_cost": sum((r.assigned_cost for r in rows if r.assigned_cost is not None), Decimal("0"))}
        claims = list(selectors.claims_for(request.user)[:100])
        return render(request, "brokerage/support_list.html", {
            "rows": rows, "totals": totals, "manager": manager, "claims": claims,
            "can_claim": has_perm(request.user, "brokerage.claim"),
            "can_confirm": has_perm(request.user, "brokerage.confirm")})


class ClaimCreateView(PermissionRequiredMixin, View):
    permission = "brokerage.claim"

    def _render(self, request: HttpRequest, assignment: Any, form: ClaimForm) -> HttpResponse:
        return render(request, "brokerage/claim_form.html", {
            "assignment": assignment, "form": form, "claims": selectors.assignment_claims(assignment)})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        assignment = selectors.assignment_for_claim(request.user, pk)
        return self._render(request, assignment, ClaimForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        assignment = selectors.assignment_for_claim(request.user, pk)
        form = ClaimForm(request.POST)
        if form.is_valid():
            try:
                services.claim_create(actor=request.user, assignment=assignment, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Your claim has gone to {assignment.establishment.name} to confirm.")
                return redirect("brokerage:support_list")
        return self._render(request, assignment, form)


class ClaimConfirmView(PermissionRequiredMixin, View):
    permission = "brokerage.confirm"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        claim = selectors.claim_for_confirm(request.user, pk)
        return render(request, "brokerage/claim_confirm.html", {"claim": claim, "form": ConfirmForm()})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        claim = selectors.claim_for_confirm(request.user, pk)
        form = ConfirmForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.claim_confirm(actor=request.user, claim=claim, confirmed=data["confirmed"] == "yes",
                                       feedback=data["feedback"], usefulness=data["usefulness"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Thank you: your answer and feedback are recorded.")
                return redirect("brokerage:support_list")
        return render(request, "brokerage/claim_confirm.html", {"claim": claim, "form": form})
