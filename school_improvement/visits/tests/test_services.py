import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from school_improvement.core.models import AuditEvent
from school_improvement.register.models import PortfolioAssignment
from school_improvement.testing.world import make_school
from school_improvement.visits import entitlements, selectors, services
from school_improvement.visits.models import (
    AdviserCapacity,
    Finding,
    Funding,
    Purpose,
    Verdict,
    Visit,
    VisitEvent,
    VisitState,
)

from .factories import make_visit

TODAY = dt.date(2026, 1, 20)


def note(**extra):
    data = {"visit_date": TODAY - dt.timedelta(days=2), "purpose": Purpose.TERMLY_REVIEW,
            "focus_areas": ["achievement", "not_an_area"], "evidence_seen": "Books, data.",
            "summary": "Good progress.",
            "findings": [("achievement", "Reading has improved."), ("", "  "), ("curriculum_and_teaching", "Maths is weaker.")],
            "actions": [("Review maths planning.", "Deputy head", TODAY + dt.timedelta(days=30))]}
    data.update(extra)
    return services.DraftNote(**data)


def test_a_note_moves_from_draft_to_school_to_answer_to_issue(world):
    adviser, head = world.user("adviser"), world.user("headteacher")
    visit = make_visit(world.council_a, world.a1, adviser, VisitState.PLANNED, planned=TODAY - dt.timedelta(days=2))
    visit = services.visit_save_draft(actor=adviser, visit=visit, note=note())
    assert visit.state == VisitState.DRAFT
    assert [f.text for f in visit.findings.all()] == ["Reading has improved.", "Maths is weaker."]
    assert visit.focus_areas == ["achievement"]
    visit = services.visit_send(actor=adviser, visit=visit, today=TODAY)
    assert visit.state == VisitState.WITH_SCHOOL and visit.accuracy_due == TODAY + dt.timedelta(days=10)
    first, second = visit.findings.all()
    verdicts = {first.pk: (Verdict.ACCURATE, ""), second.pk: (Verdict.INACCURATE, "Maths is in line with national.")}
    visit = services.visit_respond(actor=head, visit=visit, verdicts=verdicts, comment="Thank you.")
    assert visit.state == VisitState.RESPONDED
    with pytest.raises(ValidationError):
        services.visit_answer(actor=adviser, visit=visit, answers={})
    visit = services.visit_answer(actor=adviser, visit=visit,
                                  answers={second.pk: ("Agreed; amended.", "Maths is in line with national.")})
    second.refresh_from_db()
    assert second.amended and second.text_as_sent == "Maths is weaker."
    visit = services.visit_issue(actor=adviser, visit=visit, today=TODAY)
    assert visit.state == VisitState.ISSUED and visit.issued_by == adviser
    assert [e.action for e in VisitEvent.objects.filter(visit=visit)] == ["start", "send", "respond", "answer", "issue"]
    assert AuditEvent.objects.filter(object_type="visits.visit", object_id=str(visit.pk)).count() >= 5


def test_the_head_cannot_veto_a_note_once_the_window_has_closed(world):
    adviser = world.user("adviser")
    visit = make_visit(world.council_a, world.a1, adviser, VisitState.WITH_SCHOOL)
    with pytest.raises(ValidationError, match="has until"):
        services.visit_issue(actor=adviser, visit=visit, today=visit.accuracy_due)
    visit = services.visit_issue(actor=adviser, visit=visit, today=visit.accuracy_due + dt.timedelta(days=1))
    assert visit.state == VisitState.ISSUED


def test_a_response_needs_a_verdict_for_every_point_and_words_for_an_inaccurate_one(world):
    visit = make_visit(world.council_a, world.a1, world.user("adviser"), VisitState.WITH_SCHOOL)
    first, second = visit.findings.all()
    with pytest.raises(ValidationError) as caught:
        services.visit_respond(actor=world.user("headteacher"), visit=visit,
                               verdicts={first.pk: (Verdict.INACCURATE, "")})
    assert set(caught.value.message_dict) == {f"response_{first.pk}", f"verdict_{second.pk}"}
    visit.refresh_from_db()
    assert visit.state == VisitState.WITH_SCHOOL


def test_a_note_is_not_sent_before_the_visit_or_without_points_or_with_an_action_lacking_a_date(world):
    adviser = world.user("adviser")
    visit = make_visit(world.council_a, world.a1, adviser, VisitState.PLANNED, planned=TODAY + dt.timedelta(days=5))
    visit = services.visit_save_draft(actor=adviser, visit=visit, note=note(
        visit_date=TODAY + dt.timedelta(days=5), findings=[], actions=[("Do it", "", None)]))
    with pytest.raises(ValidationError) as caught:
        services.visit_send(actor=adviser, visit=visit, today=TODAY)
    text = " ".join(caught.value.messages)
    assert "taken place" in text and "at least one point" in text and "owner and a due date" in text


def test_an_autosave_keeps_points_by_position_and_audits_once_a_minute(world):
    adviser = world.user("adviser")
    visit = make_visit(world.council_a, world.a1, adviser, VisitState.DRAFT)
    before = AuditEvent.objects.count()
    for text in ("R", "Re", "Rea"):
        services.visit_save_draft(actor=adviser, visit=visit, autosave=True,
                                  note=services.DraftNote(findings=[("", text)]))
    assert list(Finding.objects.filter(visit=visit).values_list("text", flat=True)) == ["Rea"]
    assert AuditEvent.objects.count() - before == 1
    services.visit_send(actor=adviser, visit=visit)
    with pytest.raises(ValidationError):
        services.visit_save_draft(actor=adviser, visit=visit, note=services.DraftNote(summary="late"))


def test_entitlement_is_set_by_hand_then_falls_back_to_the_council_default(world):
    hos = world.user("head_of_service")
    default = entitlements.entitlement_for(world.council_a, world.a1)
    assert default.source == entitlements.DEFAULT and default.adviser_days == Decimal("3")
    with pytest.raises(ValidationError):
        entitlements.entitlement_set(actor=hos, council=world.council_a, school=world.a1, adviser_days=Decimal("8"),
                                     visits_per_year=Decimal("6"), reason=" ")
    entitlements.entitlement_set(actor=hos, council=world.council_a, school=world.a1, adviser_days=Decimal("8"),
                                 visits_per_year=Decimal("6"), reason="New headteacher")
    entitlements.entitlement_set(actor=hos, council=world.council_a, school=world.a1, adviser_days=Decimal("10"),
                                 visits_per_year=Decimal("6"), reason="Case conference agreed more")
    e = entitlements.entitlement_for(world.council_a, world.a1)
    assert (e.source, e.adviser_days, e.reason) == (entitlements.SET_BY_HAND, Decimal("10"), "Case conference agreed more")
    assert entitlements.entitlement_clear(actor=hos, council=world.council_a, school=world.a1, reason="done") == 1
    assert entitlements.entitlement_for(world.council_a, world.a1).source == entitlements.DEFAULT


def test_entitlement_comes_from_the_latest_signed_off_category_when_categorisation_has_one(world, monkeypatch):
    from django.apps import apps

    try:
        apps.get_model("categorisation", "Decision")
    except LookupError:
        pytest.skip("categorisation is not installed")
    fake = {world.a1.pk: entitlements.Entitlement(Decimal("12"), Decimal("6"), entitlements.CATEGORY,
                                                  category="Intensive", category_id="intensive", priority=True,
                                                  severity_rank=0)}
    monkeypatch.setattr(entitlements, "agreed_categories", lambda council, ids: {k: v for k, v in fake.items() if k in ids})
    got = entitlements.entitlements_for(world.council_a, [world.a1.pk, world.a2.pk])
    assert got[world.a1.pk].category == "Intensive" and got[world.a1.pk].priority
    assert got[world.a2.pk].source == entitlements.DEFAULT


def test_the_categorisation_adapter_reads_nothing_harmful_when_there_are_no_decisions(world):
    assert entitlements.agreed_categories(world.council_a, [world.a1.pk]) == {}


def test_the_schedule_follows_the_cadence_and_adds_only_what_is_missing(world):
    hos = world.user("head_of_service")
    entitlements.entitlement_set(actor=hos, council=world.council_a, school=world.a1, adviser_days=Decimal("12"),
                                 visits_per_year=Decimal("6"), reason="Intensive support")
    result = services.schedule_generate(actor=hos, council=world.council_a, year=2026, today=dt.date(2026, 6, 1))
    visits = list(Visit.objects.filter(council=world.council_a, year=2026).order_by("planned_date"))
    a1 = [v for v in visits if v.school_id == world.a1.pk]
    assert len(a1) == 6 and {v.days for v in a1} == {Decimal("2")}
    assert all(v.adviser == world.user("adviser") for v in a1)
    assert all(v.planned_date.weekday() < 5 for v in visits)
    assert {v.term for v in a1} == {"autumn", "spring", "summer"}
    # a2 and a3: the council default of three a year; a3 has no link adviser.
    assert sum(1 for v in visits if v.school_id == world.a3.pk) == 3
    assert result.without_adviser == ["Gamma Academy"]
    assert result.created == 12
    again = services.schedule_generate(actor=hos, council=world.council_a, year=2026, today=dt.date(2026, 6, 1))
    assert again.created == 0


def test_visit_days_are_whole_or_half_days():
    assert services.visit_days(Decimal("2"), 3) == Decimal("0.5")
    assert services.visit_days(Decimal("12"), 6) == Decimal("2")
    assert services.visit_days(Decimal("3"), 3) == Decimal("1")
    assert services.visit_days(Decimal("5"), 0) == Decimal("0")


def test_caseload_counts_allocated_against_available_days_by_term(world):
    adviser, hos = world.user("adviser"), world.user("head_of_service")
    year = selectors.current_year()
    services.capacity_set(actor=hos, council=world.council_a, adviser=adviser, year=year, autumn_days=Decimal("1"),
                          spring_days=Decimal("1"), summer_days=Decimal("0"))
    autumn = dt.date(year, 10, 1)
    make_visit(world.council_a, world.a1, adviser, VisitState.PLANNED, planned=autumn, days=Decimal("2"))
    make_visit(world.council_a, world.a2, adviser, VisitState.PLANNED, planned=autumn, funding=Funding.TRADED)
    load = selectors.caseload(hos, adviser, year)
    assert load.available == 2 and load.scheduled_by_term["autumn"] == 3
    assert load.scheduled_by_funding == {"core": 2, "traded": 1}
    # a1's entitlement is the default 3 days, 2 planned: 1 day not yet planned.
    assert load.unscheduled == 1 and load.allocated == 4
    assert load.status[1] == "red" and "Over-allocated by 2" in load.status[0]
    assert [v.school for v in load.other_visits] == [world.a2]
    picture = selectors.council_picture(hos, year)
    assert {s.name for s, _ in picture.schools_without_adviser} == {"Gamma Academy"}
    assert adviser in [c.adviser for c in picture.over]


def test_capacity_is_one_row_per_adviser_and_year(world):
    hos, adviser = world.user("head_of_service"), world.user("adviser")
    for days in (Decimal("5"), Decimal("6")):
        services.capacity_set(actor=hos, council=world.council_a, adviser=adviser, year=2026, autumn_days=days,
                              spring_days=days, summer_days=days)
    assert AdviserCapacity.objects.get(adviser=adviser, year=2026).total == 18
    with pytest.raises(ValidationError):
        services.capacity_set(actor=hos, council=world.council_b, adviser=adviser, year=2026, autumn_days=days,
                              spring_days=days, summer_days=days)


def test_who_sees_which_visits(world):
    adviser, other = world.user("adviser"), world.others["adviser"]
    draft = make_visit(world.council_a, world.a1, adviser, VisitState.DRAFT)
    with_school = make_visit(world.council_a, world.a1, adviser, VisitState.WITH_SCHOOL)
    issued = make_visit(world.council_a, world.a1, adviser, VisitState.ISSUED)
    elsewhere = make_visit(world.council_a, world.a2, other, VisitState.ISSUED)
    foreign = make_visit(world.council_b, world.b1, None, VisitState.ISSUED)

    def seen(role):
        user = world.user(role) if isinstance(role, str) else role
        return set(selectors.visits_for(user).values_list("pk", flat=True))

    everything_a = {draft.pk, with_school.pk, issued.pk, elsewhere.pk}
    assert seen("head_of_service") == everything_a
    assert seen("adviser") == {draft.pk, with_school.pk, issued.pk}
    assert seen(other) == {elsewhere.pk}
    assert seen("associate_adviser") == {draft.pk, with_school.pk, issued.pk}  # a1 is in their portfolio
    assert seen("headteacher") == {with_school.pk, issued.pk}
    assert seen("chair_of_governors") == {issued.pk}
    for role in ("data_officer", "review_group", "trust_leader", "system_leader", "cluster_lead", "auditor"):
        assert seen(role) == set(), role
    assert seen(world.others["head_of_service_b"]) == {foreign.pk}


def test_an_associate_writes_only_their_own_visits(world):
    associate = world.user("associate_adviser")
    theirs = make_visit(world.council_a, world.a1, associate, VisitState.DRAFT)
    advisers = make_visit(world.council_a, world.a1, world.user("adviser"), VisitState.DRAFT)
    unassigned = make_visit(world.council_a, world.a1, None, VisitState.PLANNED)
    assert selectors.can_write(associate, theirs)
    assert not selectors.can_write(associate, advisers)
    assert selectors.can_write(associate, unassigned)  # a portfolio school's unassigned visit
    assert selectors.can_write(world.user("head_of_service"), advisers)
    assert not selectors.can_write(world.user("headteacher"), theirs)


def test_overdue_visits_notes_and_actions_are_counted(world):
    adviser = world.user("adviser")
    make_visit(world.council_a, world.a1, adviser, VisitState.PLANNED, planned=timezone.localdate() - dt.timedelta(days=2))
    late_draft = make_visit(world.council_a, world.a1, adviser, VisitState.DRAFT,
                            planned=timezone.localdate() - dt.timedelta(days=30))
    answered_late = make_visit(world.council_a, world.a1, adviser, VisitState.WITH_SCHOOL)
    Visit.objects.filter(pk=answered_late.pk).update(accuracy_due=timezone.localdate() - dt.timedelta(days=1))
    issued = make_visit(world.council_a, world.a1, adviser, VisitState.ISSUED)
    issued.actions.update(due=timezone.localdate() - dt.timedelta(days=1))
    counts = selectors.visit_counts(adviser, mine=True)
    assert counts["overdue"] == 1 and counts["notes_due"] == 2
    assert selectors.action_list(adviser, which="overdue").count() == 1
    assert selectors.action_list(world.user("headteacher"), which="overdue").count() == 1
    assert late_draft.pk in selectors.visit_list(adviser, selectors.VisitFilters(when="notes_due")).values_list(
        "pk", flat=True)


def test_a_case_conference_records_actions_and_priority_schools_come_from_categories(world, monkeypatch):
    hos = world.user("head_of_service")
    with pytest.raises(ValidationError):
        services.conference_record(actor=hos, council=world.council_a, school=world.a1, held_on=TODAY, attendees=[],
                                   evidence_reviewed="", decisions="")
    conference = services.conference_record(
        actor=hos, council=world.council_a, school=world.a1, held_on=TODAY,
        attendees=["Ann Adviser, link adviser", "Sam Head, headteacher"], evidence_reviewed="KS2 results",
        decisions="Broker early reading support", next_review=TODAY + dt.timedelta(days=42),
        actions=[("Find an SLE for early reading", "Head of service", TODAY + dt.timedelta(days=14))])
    assert conference.actions.count() == 1
    fake = entitlements.Entitlement(Decimal("12"), Decimal("6"), entitlements.CATEGORY, category="Intensive",
                                    priority=True, severity_rank=0)
    monkeypatch.setattr(selectors, "entitlements_for",
                        lambda council, ids: {i: fake if i == world.a1.pk else entitlements.Entitlement(
                            Decimal("3"), Decimal("3"), entitlements.DEFAULT) for i in ids})
    rows = selectors.priority_schools(hos)
    assert [r.school for r in rows] == [world.a1] and rows[0].last_conference == conference


def test_schedule_leaves_independent_schools_out(world):
    make_school(990050, "Private Prep", world.a1.la, type="Other independent school",
                type_group="Independent schools")
    PortfolioAssignment.objects.create(council=world.council_a, adviser=world.user("adviser"),
                                       establishment_id=990050)
    services.schedule_generate(actor=None, council=world.council_a, year=2027)
    assert not Visit.objects.filter(school_id=990050).exists()
