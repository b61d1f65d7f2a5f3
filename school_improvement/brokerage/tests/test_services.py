import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engines import matching
from school_improvement.brokerage import selectors, services
from school_improvement.brokerage.models import Match, MatchStatus, Need, NeedSource, SupportClaim
from school_improvement.core.models import AuditEvent
from school_improvement.register.models import SupportAssignment
from school_improvement.visits import entitlements

from .factories import make_assignment


def need(world, school, days, priority, area="early_reading"):
    return services.need_create(actor=world.user("head_of_service"), council=world.council_a, school=school,
                                area=area, days=days, priority=priority)


def proposals(status=MatchStatus.PROPOSED):
    return sorted((m.need.school.name, m.provider.name, m.days) for m in Match.objects.filter(status=status))


def test_need_create_checks_its_values(world):
    hos = world.user("head_of_service")
    with pytest.raises(ValidationError) as caught:
        services.need_create(actor=hos, council=world.council_a, school=world.b1, area="juggling", days=0)
    assert set(caught.value.message_dict) == {"area", "days", "school"}
    made = services.need_create(actor=hos, council=world.council_a, school=world.a1, area="send", days=3,
                                source=NeedSource.JOURNEY, source_ref="Journey 12")
    assert made.source == "journey" and AuditEvent.objects.filter(object_type="brokerage.need").exists()


def test_the_optimal_plan_respects_conflicts_distance_quality_and_priority(world, places):
    need(world, world.a1, 4, 3)
    need(world, world.a2, 6, 2)
    run = services.matching_run(actor=world.user("head_of_service"), council=world.council_a)
    # a1: only the near SLE may help (Gamma's head is in a1's trust, the NLE is 60 km away and
    # Delta's consultant is below the quality bar). a2: Gamma's head fits best.
    assert proposals() == [("Alpha Primary School", "Near SLE", 4), ("Beta Primary School", "Gamma head", 6)]
    assert run.days_met == 10 and run.days_needed == 10 and run.greedy["days_met"] <= 10
    match = Match.objects.get(provider=places.near)
    assert any("What the data and inspections show" in r for r in match.reasons)


def test_lock_reject_and_run_again(world, places):
    hos = world.user("head_of_service")
    n1, n2 = need(world, world.a1, 4, 3), need(world, world.a2, 6, 2)
    services.matching_run(actor=hos, council=world.council_a)
    services.match_lock(actor=hos, match=Match.objects.get(need=n1), days=3)
    services.match_reject(actor=hos, match=Match.objects.get(need=n2), note="Head prefers another")
    services.matching_run(actor=hos, council=world.council_a)
    assert proposals(MatchStatus.LOCKED) == [("Alpha Primary School", "Near SLE", 3)]
    assert proposals(MatchStatus.REJECTED) == [("Beta Primary School", "Gamma head", 6)]
    # The near SLE's six days: three locked, one more for a1 (higher priority), two for a2.
    assert proposals() == [("Alpha Primary School", "Near SLE", 1), ("Beta Primary School", "Near SLE", 2)]
    assert not Match.objects.filter(need=n2, provider=places.trust, status=MatchStatus.PROPOSED).exists()


def test_agreed_matches_become_support_assignments_that_use_capacity(world, places):
    hos = world.user("head_of_service")
    n1 = need(world, world.a1, 4, 3)
    services.matching_run(actor=hos, council=world.council_a)
    match = services.match_agree(actor=hos, match=Match.objects.get(need=n1))
    assignment = match.support_assignment
    assert assignment.provider == places.leader and assignment.days == 4
    assert assignment.establishment == world.a1
    need(world, world.a2, 6, 2)
    services.matching_run(actor=hos, council=world.council_a)
    near_to_a2 = Match.objects.filter(provider=places.near, need__school=world.a2, status=MatchStatus.PROPOSED)
    assert sum(m.days for m in near_to_a2) <= 2  # six a year, four agreed
    row = selectors.provider_rows(hos, [places.near])[0]
    assert row.committed == 4 and row.left == 2


def test_a_provider_without_a_person_cannot_be_agreed(world, places):
    hos = world.user("head_of_service")
    n2 = need(world, world.a2, 2, 2, area="leadership")
    match = Match.objects.create(council=world.council_a, need=n2, provider=places.far, days=2)
    with pytest.raises(ValidationError, match="no person"):
        services.match_agree(actor=hos, match=match)


def test_locks_cannot_exceed_the_need_or_the_providers_days(world, places):
    hos = world.user("head_of_service")
    n1 = need(world, world.a1, 4, 3)
    services.matching_run(actor=hos, council=world.council_a)
    match = Match.objects.get(need=n1)
    with pytest.raises(ValidationError, match="The need is for 4 days"):
        services.match_lock(actor=hos, match=match, days=5)


def test_choosing_from_the_shortlist_refuses_a_conflicted_provider(world, places):
    hos = world.user("head_of_service")
    n1 = need(world, world.a1, 4, 3)
    with pytest.raises(ValidationError, match="same trust"):
        services.match_choose(actor=hos, need=n1, provider=places.trust)
    chosen = services.match_choose(actor=hos, need=n1, provider=places.near)
    assert chosen.status == MatchStatus.LOCKED and chosen.days == 4


def test_a_declared_conflict_removes_proposals_and_is_never_proposed(world, places):
    hos = world.user("head_of_service")
    n2 = need(world, world.a2, 6, 2)
    services.matching_run(actor=hos, council=world.council_a)
    assert Match.objects.filter(need=n2, provider=places.trust).exists()
    services.conflict_declare(actor=hos, provider=places.trust, school=world.a2, reason="Spouse is the deputy")
    assert not Match.objects.filter(need=n2, provider=places.trust).exists()
    services.matching_run(actor=hos, council=world.council_a)
    assert not Match.objects.filter(need=n2, provider=places.trust).exists()


def test_shortlist_has_reasons_and_says_why_others_are_left_out(world, places):
    n1 = need(world, world.a1, 4, 3)
    view = selectors.need_view(world.user("head_of_service"), n1)
    assert [p.name for _, p in view.shortlist] == ["Near SLE"]
    reasons = {e.provider.name: " ".join(e.reasons) for e in view.excluded}
    assert "same trust" in reasons["Gamma head"]
    assert "beyond the council's limit" in reasons["Far NLE"]
    assert "category of concern" in reasons["Delta consultant"]


def test_quality_evidence_comes_from_the_providers_own_school(world, places):
    rows = {r.provider.name: r for r in selectors.provider_rows(world.user("head_of_service"))}
    assert rows["Near SLE"].quality.ok and "Outstanding" in rows["Near SLE"].quality.evidence["leadership"]
    assert not rows["Delta consultant"].quality.ok
    assert "category of concern" in " ".join(rows["Delta consultant"].quality.concerns)


def test_needs_are_raised_for_priority_schools_once(world, places, monkeypatch):
    fake = entitlements.Entitlement(Decimal("12"), Decimal("6"), entitlements.CATEGORY, category="Intensive",
                                    priority=True, severity_rank=0)
    plain = entitlements.Entitlement(Decimal("3"), Decimal("3"), entitlements.DEFAULT)
    monkeypatch.setattr(entitlements, "entitlements_for",
                        lambda council, ids: {i: fake if i == world.a1.pk else plain for i in ids})
    made = services.needs_from_categories(actor=world.user("head_of_service"), council=world.council_a)
    assert [(n.school, n.priority, n.source_ref, n.days) for n in made] == [(world.a1, 3, "Intensive", 6)]
    assert services.needs_from_categories(actor=None, council=world.council_a) == []


def test_claims_are_checked_confirmed_and_costed(world, places):
    leader, head, hos = world.user("system_leader"), world.user("headteacher"), world.user("head_of_service")
    assignment = make_assignment(world.council_a, world.a1, leader, days=Decimal("3"))
    today = dt.date(2026, 3, 10)
    with pytest.raises(ValidationError):
        services.claim_create(actor=head, assignment=assignment, delivered_on=today, days=Decimal("1"),
                              summary="x", today=today)
    with pytest.raises(ValidationError) as caught:
        services.claim_create(actor=leader, assignment=assignment, delivered_on=today + dt.timedelta(days=1),
                              days=Decimal("0.3"), summary="", today=today)
    assert set(caught.value.message_dict) == {"delivered_on", "days", "summary"}
    claim = services.claim_create(actor=leader, assignment=assignment, delivered_on=today, days=Decimal("2"),
                                  summary="Phonics training", today=today)
    with pytest.raises(ValidationError, match="against the 3"):
        services.claim_create(actor=leader, assignment=assignment, delivered_on=today, days=Decimal("1.5"),
                              summary="More", today=today)
    with pytest.raises(ValidationError):
        services.claim_confirm(actor=head, claim=claim, confirmed=False)
    services.claim_confirm(actor=head, claim=claim, confirmed=True, feedback="Very helpful", usefulness=5)
    row = next(a for a in selectors.support_for(hos) if a.pk == assignment.pk)
    assert (row.claimed, row.confirmed) == (Decimal("2"), Decimal("2"))
    assert selectors.day_rates(hos, [row])[row.pk] == Decimal("450")
    assert SupportClaim.objects.get().status == "confirmed"


def test_who_sees_which_support(world):
    leader = world.user("system_leader")
    seen = {role: {a.establishment_id for a in selectors.support_for(world.user(role))}
            for role in ("head_of_service", "adviser", "headteacher", "system_leader", "associate_adviser",
                         "chair_of_governors", "data_officer")}
    assert seen["head_of_service"] == {world.a1.pk} and seen["system_leader"] == {world.a1.pk}
    assert seen["adviser"] == {world.a1.pk} and seen["headteacher"] == {world.a1.pk}
    assert seen["associate_adviser"] == set() and seen["chair_of_governors"] == set()
    assert seen["data_officer"] == set()
    assert SupportAssignment.objects.filter(provider=leader).count() == 1


def test_register_assignments_count_against_capacity(world, places):
    # The world gives its system leader 3 days at a1, made in the register, not here.
    places.near.user = world.user("system_leader")
    places.near.save()
    inputs = services.engine_inputs(world.council_a)
    near = next(p for p in inputs.providers if p.id == places.near.pk)
    assert near.days_available == 6 - 3


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["a1", "a2", "a3"]), st.integers(1, 6), st.integers(1, 3),
                          st.sampled_from(["early_reading", "leadership"])), min_size=1, max_size=6))
def test_the_stored_plan_never_breaks_a_rule(world, places, rows):
    Need.objects.all().delete()
    for school, days, priority, area in rows:
        need(world, getattr(world, school), days, priority, area)
    services.matching_run(actor=None, council=world.council_a)
    inputs = services.engine_inputs(world.council_a, include_proposed=True)
    by_need = {n.id: n for n in inputs.needs}
    by_provider = {p.id: p for p in inputs.providers}
    free = services.engine_inputs(world.council_a)
    used: dict[int, int] = {}
    for m in Match.objects.exclude(status=MatchStatus.REJECTED):
        assert not matching.conflicts(by_need[m.need_id], by_provider[m.provider_id], free.settings)
        assert m.distance_km <= 40
        used[m.provider_id] = used.get(m.provider_id, 0) + m.days
    for provider_id, days in used.items():
        assert days <= by_provider[provider_id].days_available


# --- days by term and needs' windows --------------------------------------------------------------


def test_the_matchers_terms_are_the_visits_terms():
    from school_improvement.visits import models as visits

    day = dt.date(2024, 8, 1)
    while day < dt.date(2026, 9, 30):
        assert matching.term_of(day) == str(visits.term_of(day)), day
        assert matching.academic_year(day) == visits.academic_year(day), day
        day += dt.timedelta(days=1)
    assert list(matching.TERMS) == [str(t) for t in visits.TERMS]


def test_engine_inputs_give_days_by_term_and_windows(world, places):
    start, end = dt.date(2025, 9, 1), dt.date(2025, 12, 31)
    made = services.need_create(actor=None, council=world.council_a, school=world.a1, area="early_reading",
                                days=4, priority=3, window_start=start, window_end=end)
    inputs = services.engine_inputs(world.council_a)
    far = next(p for p in inputs.providers if p.id == places.far.pk)
    assert dict(far.term_days) == {"autumn": 5, "spring": 5, "summer": 5} and far.days_available == 15
    assert next(n for n in inputs.needs if n.id == made.pk).window == (start, end)
    assert inputs.settings.year == matching.academic_year(dt.date.today())


def test_register_assignments_count_against_the_terms_they_fall_in(world, places):
    # The system leader's 3 days at a1 have no dates: they are taken from the terms in order.
    places.near.user = world.user("system_leader")
    places.near.save()
    inputs = services.engine_inputs(world.council_a)
    near = next(p for p in inputs.providers if p.id == places.near.pk)
    assert dict(near.term_days) == {"autumn": 0, "spring": 1, "summer": 2} and near.days_available == 3
    # Dated in the summer term of this school year, they come from the summer term first.
    year = matching.academic_year(dt.date.today())
    SupportAssignment.objects.filter(provider=world.user("system_leader")).update(
        starts=dt.date(year + 1, 4, 1), ends=dt.date(year + 1, 8, 31))
    near = next(p for p in services.engine_inputs(world.council_a).providers if p.id == places.near.pk)
    assert dict(near.term_days) == {"autumn": 2, "spring": 2, "summer": 0} and near.days_available == 3


def test_a_need_with_a_window_is_met_only_from_the_days_in_its_terms(world, places):
    year = matching.academic_year(dt.date.today())
    autumn = services.need_create(actor=None, council=world.council_a, school=world.a1, area="early_reading",
                                  days=4, priority=3, window_start=dt.date(year, 9, 1),
                                  window_end=dt.date(year, 12, 31))
    # a1 can only have the near SLE, who has 2 days in the autumn term.
    run = services.matching_run(actor=world.user("head_of_service"), council=world.council_a)
    assert proposals() == [("Alpha Primary School", "Near SLE", 2)]
    assert run.days_met == 2
    assert "Days by term: autumn 2" in Match.objects.get(need=autumn).reasons
    view = selectors.need_view(world.user("head_of_service"), autumn)
    assert [c.capacity_left for c, _ in view.shortlist] == [2]
    assert any("in the terms of the window" in r for r in view.shortlist[0][0].reasons)
