"""Services for categorisation rounds: the engine proposes, people decide, the school responds.

Each action is one move of the declared state machine (``models.TRANSITIONS``), made in a
transaction, recorded as a ``DecisionEvent`` (who, when, why) and in the audit log. A review
group member who declared a conflict with a school cannot act on it; the head of service signs
off, which freezes the evidence and the explanation with the decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from engines.policy import AUDIENCES, PROFESSIONAL_JUDGEMENT, Proposal, evaluate
from engines.policy.engine import parsed as parsed_policy
from school_improvement.accounts.permissions import has_perm
from school_improvement.accounts.roles import Role
from school_improvement.core import audit
from school_improvement.register.models import Establishment

from .evidence import assemble
from .models import (
    TRANSITIONS,
    ConflictDeclaration,
    Decision,
    DecisionEvent,
    DecisionState,
    PolicyVersion,
    Reopening,
    Representation,
    Round,
)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def proposal_json(p: Proposal) -> dict[str, Any]:
    """A proposal for one audience as JSON: the category, each fired trigger with the values it
    rests on (source, date, provisional, caveat), and the explanation the engine wrote."""
    return {
        "policy": p.policy, "policy_version": p.policy_version, "as_at": p.as_at.isoformat(),
        "audience": p.audience, "route": p.route, "category": p.category, "category_label": p.category_label,
        "entitlement": None if p.entitlement is None else {
            "adviser_days": p.entitlement.adviser_days, "visits_per_year": p.entitlement.visits_per_year,
            "opens_journey": p.entitlement.opens_journey},
        "route_reasons": list(p.route_reasons), "indicative_category": p.indicative_category,
        "evidence_withheld": p.evidence_withheld, "weight": p.weight, "provisional": p.provisional,
        "caveats": list(p.caveats), "explanation": p.explanation,
        "triggers": [{
            "id": t.id, "label": t.label, "kind": t.kind, "weight": t.weight, "severity": t.severity,
            "provisional": t.provisional, "caveats": list(t.caveats), "unconfirmed": t.unconfirmed,
            "rule_source": t.rule_source, "text": t.text,
            "values": [{"label": v.label, "value": _plain(v.value), "text": v.text, "source": v.source,
                        "date": v.date, "provisional": v.provisional, "caveat": v.caveat,
                        "records": list(v.records)} for v in t.values],
        } for t in p.triggers],
    }


def _event(decision: Decision, actor: Any, action: str, before: str, reason: str = "") -> DecisionEvent:
    return DecisionEvent.objects.create(decision=decision, actor=actor if getattr(actor, "is_authenticated", False)
                                        else None, action=action, from_state=before, to_state=decision.state,
                                        category=decision.category, reason=reason)


def _move(decision: Decision, action: str) -> str:
    """Check and make one move of the state machine; returns the state it left."""
    allowed, after = TRANSITIONS[action]
    if decision.state not in allowed:
        raise ValidationError(f"This cannot be done now: the decision is "
                              f"{DecisionState(decision.state).label.lower()}.")
    before = decision.state
    decision.state = after
    return before


def _locked(decision: Decision) -> Decision:
    return Decision.objects.select_for_update().select_related("round__policy_version", "school").get(pk=decision.pk)


def _categories(decision: Decision) -> dict[str, Any]:
    return {k.id: k for k in decision.round.policy_version.engine_policy().categories}


def _set_category(decision: Decision, category: str) -> None:
    cats = _categories(decision)
    if category not in cats:
        raise ValidationError({"category": "Choose one of the policy's categories."})
    decision.category = category
    decision.adviser_days = Decimal(str(cats[category].adviser_days))
    decision.visits_per_year = Decimal(str(cats[category].visits_per_year))


def _audit(actor: Any, decision: Decision, detail: str) -> None:
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=decision,
                 after={"state": decision.state, "category": decision.category}, detail=detail)


# --- conflicts -------------------------------------------------------------------------------------


def conflicted_school_ids(user: Any, round_: Round) -> set[int]:
    """Schools the person is conflicted on in the round: declared, or led by them (head or chair)."""
    ids = set(ConflictDeclaration.objects.filter(round=round_, member=user).values_list("school_id", flat=True))
    for assignment in user.active_assignments():
        if assignment.role in (Role.HEADTEACHER, Role.CHAIR_OF_GOVERNORS) and assignment.establishment_id:
            ids.add(assignment.establishment_id)
    return ids


def _not_conflicted(actor: Any, decision: Decision) -> None:
    if decision.school_id in conflicted_school_ids(actor, decision.round):
        raise PermissionDenied("You declared a conflict of interest with this school.")


@transaction.atomic
def conflict_declare(*, actor: Any, round_: Round, school: Establishment, reason: str) -> ConflictDeclaration:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Say what the conflict of interest is."})
    if not round_.decisions.filter(school=school).exists():
        raise ValidationError({"school": "That school is not in this round."})
    declaration, created = ConflictDeclaration.objects.get_or_create(
        council=round_.council, round=round_, member=actor, school=school, defaults={"reason": reason[:300]})
    if created:
        audit.record(actor=actor, action=audit.Action.CREATE, obj=declaration, detail=reason[:300])
    return declaration


# --- a round ---------------------------------------------------------------------------------------


def _round_schools(council: Any, scope: str) -> list[Establishment]:
    schools = Establishment.objects.in_council(council).open()
    if scope == Round.Scope.REOPENED:
        ids = Reopening.objects.for_council(council).filter(status=Reopening.Status.OPEN).values("school_id")
        schools = schools.filter(pk__in=ids)
    return list(schools.select_related("la").order_by("urn"))


@transaction.atomic
def round_start(*, actor: Any, council: Any, policy_version: PolicyVersion, as_at: dt.date, name: str = "",
                scope: str = Round.Scope.ALL, window_days: int = 21) -> Round:
    """Propose a category for every open school of the council (or the re-opened ones).

    The evidence is read as at ``as_at``; the engine writes each school's proposal for every
    audience, stored with the decision. Schools the policy routes to professional judgement
    wait for their adviser's proposal.
    """
    if policy_version.council_id != getattr(council, "pk", council):
        raise PermissionDenied
    if policy_version.is_draft:
        raise ValidationError({"policy_version": "Publish the version before using it in a round."})
    policy = policy_version.engine_policy()
    if not policy.in_force(as_at):
        raise ValidationError({"as_at": f"Version {policy.version} is in force from {policy.effective_from:%d/%m/%Y}"
                                        + (f" to {policy.effective_to:%d/%m/%Y}" if policy.effective_to else "")
                                        + "; choose a date in that span or another version."})
    if not 1 <= window_days <= 120:
        raise ValidationError({"window_days": "Give the school between 1 and 120 days."})
    schools = _round_schools(council, scope)
    if not schools:
        raise ValidationError("There are no schools to categorise in this round.")
    needs = parsed_policy(policy)
    assembled = assemble(schools=schools, council=council, measure_codes=needs.measure_codes,
                         verdicts=bool(needs.verdict_names))
    by_audience = {audience: {p.urn: p for p in evaluate(policy, assembled.schools, as_at, audience)}
                   for audience in AUDIENCES}
    round_ = Round.objects.create(
        council_id=getattr(council, "pk", council), name=name.strip() or f"{policy.name} as at {as_at:%d %B %Y}",
        as_at=as_at, policy_version=policy_version, scope=scope, window_days=window_days, created_by=actor,
        evidence_notes=assembled.notes)
    cats = {k.id: k for k in policy.categories}
    decisions = []
    for school in schools:
        proposals = {audience: proposal_json(by_audience[audience][str(school.urn)]) for audience in AUDIENCES}
        main = by_audience["council_restricted"][str(school.urn)]
        judgement = main.route == PROFESSIONAL_JUDGEMENT
        category = main.category or ""
        decisions.append(Decision(
            council=round_.council, round=round_, school=school,
            state=DecisionState.AWAITING_ADVISER if judgement else DecisionState.PROPOSED,
            route=Decision.Route.PROFESSIONAL_JUDGEMENT if judgement else Decision.Route.RULES,
            proposed_category=category, category=category,
            adviser_days=Decimal(str(cats[category].adviser_days)) if category else None,
            visits_per_year=Decimal(str(cats[category].visits_per_year)) if category else None,
            proposal=proposals))
    Decision.objects.bulk_create(decisions, batch_size=500)
    saved = {d.school_id: d for d in Decision.objects.filter(round=round_)}
    DecisionEvent.objects.bulk_create([
        DecisionEvent(decision=d, actor=actor if getattr(actor, "is_authenticated", False) else None,
                      action="engine", from_state="", to_state=d.state, category=d.category,
                      reason=("Professional judgement: " + "; ".join(d.proposal["council"]["route_reasons"]))
                      if d.route == Decision.Route.PROFESSIONAL_JUDGEMENT
                      else f"Proposed by {policy.title} from the evidence as at {as_at:%d/%m/%Y}")
        for d in saved.values()], batch_size=500)
    if scope == Round.Scope.REOPENED:
        for reopening in Reopening.objects.for_council(council).filter(status=Reopening.Status.OPEN,
                                                                      school_id__in=saved):
            reopening.decision = saved[reopening.school_id]
            reopening.save(update_fields=["decision"])
    audit.record(actor=actor, action=audit.Action.CREATE, obj=round_,
                 after={"as_at": as_at.isoformat(), "policy_version": policy_version.pk, "schools": len(decisions),
                        "professional_judgement": sum(d.route != Decision.Route.RULES for d in decisions)},
                 detail=f"round started with {policy_version}")
    return round_


# --- each school's decision ------------------------------------------------------------------------


def may_propose(user: Any, decision: Decision) -> bool:
    """The school's link adviser, or the head of service."""
    from school_improvement.intelligence.selectors import link_school_ids

    if not has_perm(user, "categorisation.propose") or decision.council_id != user.council_id:
        return False
    return Role.HEAD_OF_SERVICE in user.roles or decision.school_id in link_school_ids(user)


@transaction.atomic
def decision_propose(*, actor: Any, decision: Decision, category: str, reason: str,
                     reason_for_school: str = "") -> Decision:
    """The adviser's proposal, with reasons, for a school on the professional-judgement route."""
    decision = _locked(decision)
    if not may_propose(actor, decision):
        raise PermissionDenied
    if decision.route != Decision.Route.PROFESSIONAL_JUDGEMENT:
        raise ValidationError("The policy's rules proposed this school's category; the review group decides it.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reasons for the category you propose."})
    before = _move(decision, "propose")
    _set_category(decision, category)
    decision.proposed_category = decision.category
    decision.adviser_reason = reason
    decision.reason_for_school = (reason_for_school or "").strip()
    decision.save()
    _event(decision, actor, "propose", before, reason)
    _audit(actor, decision, "adviser's proposal (professional judgement)")
    return decision


@transaction.atomic
def decision_moderate(*, actor: Any, decision: Decision, outcome: str, category: str = "", reason: str = "",
                      reason_for_school: str = "") -> Decision:
    """The review group agrees the proposal, or overrides it with a reason."""
    decision = _locked(decision)
    if not has_perm(actor, "categorisation.moderate") or decision.council_id != actor.council_id:
        raise PermissionDenied
    _not_conflicted(actor, decision)
    reason = (reason or "").strip()
    if outcome == Decision.GroupOutcome.AGREED:
        category = decision.proposed_category
    elif outcome == Decision.GroupOutcome.OVERRIDDEN:
        if category == decision.proposed_category:
            raise ValidationError({"category": "To override, choose a category other than the one proposed."})
        if not reason:
            raise ValidationError({"reason": "Give the review group's reason for overriding the proposal."})
    else:
        raise ValidationError({"outcome": "Say whether the group agreed or overrode the proposal."})
    before = _move(decision, "moderate")
    _set_category(decision, category)
    decision.group_outcome = outcome
    decision.group_reason = reason
    if reason_for_school.strip():
        decision.reason_for_school = reason_for_school.strip()
    decision.save()
    _event(decision, actor, "moderate", before, reason or "Agreed the proposal")
    _audit(actor, decision, f"review group: {outcome}")
    return decision


def _require_head_of_service(actor: Any, decision: Decision) -> None:
    if not has_perm(actor, "categorisation.run_rounds") or decision.council_id != actor.council_id:
        raise PermissionDenied


@transaction.atomic
def decision_share(*, actor: Any, decision: Decision) -> Decision:
    """Send the school its letter: the provisional category; the representations window opens."""
    decision = _locked(decision)
    _require_head_of_service(actor, decision)
    before = _move(decision, "share")
    decision.shared_at = timezone.now()
    decision.window_closes = timezone.localdate() + dt.timedelta(days=decision.round.window_days)
    decision.save()
    _event(decision, actor, "share", before, f"Letter sent; representations until {decision.window_closes:%d/%m/%Y}")
    _audit(actor, decision, "letter sent to the school")
    return decision


def _require_head_of(actor: Any, decision: Decision) -> None:
    heads = {a.establishment_id for a in actor.active_assignments() if a.role == Role.HEADTEACHER}
    if not has_perm(actor, "categorisation.respond") or decision.school_id not in heads:
        raise PermissionDenied


@transaction.atomic
def decision_accept(*, actor: Any, decision: Decision) -> Decision:
    """The headteacher accepts the provisional category without representations."""
    decision = _locked(decision)
    _require_head_of(actor, decision)
    before = _move(decision, "accept")
    decision.save()
    _event(decision, actor, "accept", before, "The headteacher accepted the category without representations")
    _audit(actor, decision, "accepted by the headteacher")
    return decision


@transaction.atomic
def representation_make(*, actor: Any, decision: Decision, text: str) -> Representation:
    """The headteacher's representations, within the window."""
    decision = _locked(decision)
    _require_head_of(actor, decision)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write your representations about the category."})
    if decision.window_closes and timezone.localdate() > decision.window_closes:
        raise ValidationError(f"The window for representations closed on {decision.window_closes:%d %B %Y}.")
    before = _move(decision, "represent")
    decision.save()
    representation = Representation.objects.create(council=decision.council, decision=decision, made_by=actor,
                                                   text=text)
    _event(decision, actor, "represent", before, text)
    audit.record(actor=actor, action=audit.Action.CREATE, obj=representation, detail="representations made")
    return representation


@transaction.atomic
def representation_answer(*, actor: Any, decision: Decision, outcome: str, answer: str,
                          category: str = "") -> Decision:
    """The head of service answers the representations (upheld: the category changes)."""
    decision = _locked(decision)
    _require_head_of_service(actor, decision)
    _not_conflicted(actor, decision)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "Write the answer the school will read."})
    if outcome not in Representation.Outcome.values:
        raise ValidationError({"outcome": "Say whether the representations are upheld."})
    if outcome == Representation.Outcome.UPHELD and (not category or category == decision.category):
        raise ValidationError({"category": "Upheld representations change the category: choose the new one."})
    before = _move(decision, "answer")
    if outcome == Representation.Outcome.UPHELD:
        _set_category(decision, category)
    decision.save()
    representation = decision.representation
    representation.answer, representation.outcome = answer, outcome
    representation.answered_by, representation.answered_at = actor, timezone.now()
    representation.save()
    _event(decision, actor, "answer", before, answer)
    _audit(actor, decision, f"representations {outcome.replace('_', ' ')}")
    return decision


def ready_to_sign_off(decision: Decision, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    if decision.state in (DecisionState.ACCEPTED, DecisionState.ANSWERED):
        return True
    return decision.state == DecisionState.SHARED and decision.window_closes is not None \
        and today > decision.window_closes


def _freeze(decision: Decision, actor: Any) -> dict[str, Any]:
    representation = getattr(decision, "representation", None)
    category = _categories(decision)[decision.category]
    return {
        "frozen_at": timezone.now().isoformat(), "signed_off_by": str(actor),
        "policy_version_id": decision.round.policy_version_id,
        "policy_yaml": decision.round.policy_version.yaml,
        "as_at": decision.round.as_at.isoformat(), "urn": decision.school_id, "school": decision.school.name,
        "route": decision.route, "proposed_category": decision.proposed_category,
        "category": decision.category, "category_label": category.label,
        "entitlement": {"adviser_days": category.adviser_days, "visits_per_year": category.visits_per_year,
                        "opens_journey": category.opens_journey},
        "adviser_reason": decision.adviser_reason, "group_outcome": decision.group_outcome,
        "group_reason": decision.group_reason, "reason_for_school": decision.reason_for_school,
        "representation": None if representation is None else {
            "text": representation.text, "made_at": representation.made_at.isoformat(),
            "outcome": representation.outcome, "answer": representation.answer},
        "proposal": decision.proposal,
        "events": [{"at": e.at.isoformat(), "actor": str(e.actor) if e.actor else "system", "action": e.action,
                    "from": e.from_state, "to": e.to_state, "category": e.category, "reason": e.reason}
                   for e in decision.events.select_related("actor")],
    }


@transaction.atomic
def decision_sign_off(*, actor: Any, decision: Decision) -> Decision:
    """The head of service signs the category off: final, with the evidence frozen beside it."""
    decision = _locked(decision)
    _require_head_of_service(actor, decision)
    _not_conflicted(actor, decision)
    if decision.state == DecisionState.SHARED and not ready_to_sign_off(decision):
        raise ValidationError(f"The school may make representations until {decision.window_closes:%d %B %Y}; "
                              "sign off after that, or once the headteacher accepts.")
    before = _move(decision, "sign_off")
    decision.signed_off_by, decision.signed_off_at = actor, timezone.now()
    decision.save()
    _event(decision, actor, "sign_off", before, "Signed off by the head of service")
    decision.frozen = _freeze(decision, actor)
    decision.save(update_fields=["frozen"])
    Reopening.objects.filter(council=decision.council, school=decision.school, status=Reopening.Status.OPEN,
                             decision=decision).update(status=Reopening.Status.RESOLVED, closed_at=timezone.now(),
                                                       closed_by=actor, resolution=f"Decided in {decision.round}")
    _audit(actor, decision, "signed off; evidence frozen")
    if not decision.round.decisions.exclude(state=DecisionState.SIGNED_OFF).exists():
        Round.objects.filter(pk=decision.round_id).update(status=Round.Status.CLOSED, closed_at=timezone.now())
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=decision.round, detail="every school signed off")
    return decision


def _each(actor: Any, decisions: Iterable[Decision], service: Any) -> tuple[int, list[str]]:
    done, problems = 0, []
    for decision in decisions:
        try:
            service(actor=actor, decision=decision)
        except (ValidationError, PermissionDenied) as exc:
            problems.append(f"{decision.school.name}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
        else:
            done += 1
    return done, problems


def round_share_all(*, actor: Any, round_: Round) -> tuple[int, list[str]]:
    """Send the letters of every school the review group has decided."""
    if not has_perm(actor, "categorisation.run_rounds") or round_.council_id != actor.council_id:
        raise PermissionDenied
    return _each(actor, round_.decisions.filter(state=DecisionState.MODERATED).select_related("school"),
                 decision_share)


def round_sign_off_ready(*, actor: Any, round_: Round) -> tuple[int, list[str]]:
    """Sign off every decision that is ready (accepted, answered, or its window closed)."""
    if not has_perm(actor, "categorisation.run_rounds") or round_.council_id != actor.council_id:
        raise PermissionDenied
    conflicted = conflicted_school_ids(actor, round_)
    ready = [d for d in round_.decisions.filter(state__in=TRANSITIONS["sign_off"][0]).select_related("school")
             if ready_to_sign_off(d) and d.school_id not in conflicted]
    return _each(actor, ready, decision_sign_off)


@transaction.atomic
def decision_after_journey_exit(*, actor: Any, council: Any, school: Establishment, category: str,
                                reason: str, journey_label: str) -> Decision | None:
    """A school leaving its improvement journey returns to the policy's lowest-support category.

    Recorded as a signed-off decision in a one-school round of its own (scope ``journey_exit``), on
    the policy version of the school's latest agreed decision, so entitlement, history and later
    rounds read it like any other agreed category. None when the school has no agreed category
    (there is then no policy to take the category from) or the category is not the policy's.
    """
    council_id = getattr(council, "pk", council)
    previous = latest_final(council_id, [school.pk]).get(school.pk)
    if previous is None:
        return None
    version = previous.round.policy_version
    categories = {k.id: k for k in version.engine_policy().categories}
    if category not in categories:
        return None
    today = timezone.localdate()
    signer = actor if getattr(actor, "is_authenticated", False) else None
    round_ = Round.objects.create(
        council_id=council_id, name=f"{school.name}: exit from its improvement journey ({today:%d %B %Y})",
        as_at=today, policy_version=version, scope=Round.Scope.JOURNEY_EXIT, status=Round.Status.CLOSED,
        created_by=signer, closed_at=timezone.now(),
        evidence_notes=[f"Set on leaving {journey_label}: the exit criteria were met or judged met."])
    decision = Decision(council_id=council_id, round=round_, school=school, state=DecisionState.SIGNED_OFF,
                        route=Decision.Route.PROFESSIONAL_JUDGEMENT, proposed_category=category,
                        adviser_reason=reason, reason_for_school=reason, signed_off_by=signer,
                        signed_off_at=timezone.now())
    _set_category(decision, category)
    decision.save()
    _event(decision, actor, "journey_exit", previous.state, f"Left {journey_label}: {reason}")
    decision.frozen = _freeze(decision, actor)
    decision.frozen["previous_category"] = previous.category
    decision.save(update_fields=["frozen"])
    audit.record(actor=actor, action=audit.Action.CREATE, obj=decision, council=council_id,
                 after={"state": decision.state, "category": decision.category, "previous": previous.category},
                 detail=f"category after leaving {journey_label}")
    return decision


def latest_final(council: Any, school_ids: Sequence[int] | None = None) -> dict[int, Decision]:
    """Each school's latest signed-off decision."""
    rows = Decision.objects.for_council(council).filter(state=DecisionState.SIGNED_OFF)
    if school_ids is not None:
        rows = rows.filter(school_id__in=school_ids)
    out: dict[int, Decision] = {}
    for d in rows.select_related("round").order_by("school_id", "-signed_off_at", "-id"):
        out.setdefault(d.school_id, d)
    return out
