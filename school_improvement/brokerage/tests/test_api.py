from django.urls import reverse

from school_improvement.brokerage.models import Match


def test_needs_shortlists_plan_and_decisions_through_the_api(client_as, world, places):
    adviser = client_as("adviser")
    response = adviser.post(reverse("api:brokerage_need_list"), {"school": world.a1.urn, "area": "early_reading",
                                                                 "days": 4, "priority": 3},
                            content_type="application/json")
    assert response.status_code == 201
    pk = response.json()["id"]
    detail = adviser.get(reverse("api:brokerage_need_detail", args=[pk])).json()
    assert [c["provider_name"] for c in detail["shortlist"]] == ["Near SLE"]
    assert adviser.post(reverse("api:brokerage_plan")).status_code == 403
    hos = client_as("head_of_service")
    run = hos.post(reverse("api:brokerage_plan")).json()
    assert run["days_met"] == 4
    match = Match.objects.get()
    locked = hos.post(reverse("api:brokerage_match_detail", args=[match.pk]), {"action": "lock", "days": 2},
                      content_type="application/json").json()
    assert locked["status"] == "locked" and locked["days"] == 2
    plan = hos.get(reverse("api:brokerage_plan")).json()
    assert plan["counts"]["locked"] == 2
    gap = hos.get(reverse("api:brokerage_gap")).json()
    assert gap["total"]["days_needed"] == 4


def test_claims_through_the_api(client_as, world):
    assignment = world.a1.support_assignments.get()
    leader = client_as("system_leader")
    response = leader.post(reverse("api:brokerage_claim_list"), {"assignment": assignment.pk,
                                                                 "delivered_on": "2026-01-10", "days": "1",
                                                                 "summary": "Reading audit"},
                           content_type="application/json")
    assert response.status_code == 201
    claim = response.json()["id"]
    head = client_as("headteacher")
    confirmed = head.post(reverse("api:brokerage_claim_confirm", args=[claim]), {"confirmed": True, "usefulness": 5},
                          content_type="application/json").json()
    assert confirmed["status"] == "confirmed"
    support = client_as("head_of_service").get(reverse("api:brokerage_support_list")).json()
    assert support[0]["cost"] == "450.00" or float(support[0]["cost"]) == 450
