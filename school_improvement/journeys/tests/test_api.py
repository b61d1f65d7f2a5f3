"""The journeys API: the same rules as the pages; stale edits answered with 409 and the current record."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from school_improvement.journeys import services
from school_improvement.journeys.models import Journey, JourneyAction

from .conftest import open_a1, to_delivery


def test_open_move_and_read_a_journey_through_the_api(client_as, world):
    client = client_as("adviser")
    response = client.post(reverse("api:journey_list"), {"school": world.a1.urn, "owner": world.user("adviser").pk,
                                                         "reason": "Results fell"}, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    refused = client.post(reverse("api:journey_move", args=[pk]), {"move": "finish_diagnosis"},
                          content_type="application/json")
    assert refused.status_code == 400 and "priority" in str(refused.json())
    skipped = client_as("head_of_service").post(reverse("api:journey_move", args=[pk]),
                                                {"move": "finish_diagnosis", "skip": True, "reason": "Ofsted report"},
                                                content_type="application/json")
    assert skipped.status_code == 200 and skipped.json()["stage"] == "statement"
    detail = client_as("headteacher").get(reverse("api:journey_detail", args=[pk])).json()
    assert [e["action"] for e in detail["events"]] == ["open", "finish_diagnosis"]
    assert detail["events"][1]["skipped_gates"] == ["priorities_recorded"]
    assert client_as("trust_leader").get(reverse("api:journey_detail", args=[pk])).status_code == 403
    assert client_as("cluster_lead").get(reverse("api:journey_list")).status_code == 403


def test_a_stale_review_edit_through_the_api_gets_409_and_the_current_review(client_as, world):
    journey = to_delivery(world, open_a1(world))
    objective = journey.objectives.get()
    review = services.review_start(actor=world.user("adviser"), journey=journey, held_on=timezone.localdate())
    url = reverse("api:journey_review", args=[review.pk])
    body = {"version": 1, "summary": "first", "ratings": [{"objective": objective.pk, "rag": "amber"}]}
    assert client_as("head_of_service").post(url, body, content_type="application/json").status_code == 200
    stale = client_as("adviser").post(url, {**body, "summary": "second"}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["current"]["summary"] == "first" and stale.json()["current"]["version"] == 2


def test_the_head_updates_their_action_through_the_api_and_the_chair_cannot(client_as, world):
    journey = to_delivery(world, open_a1(world))
    action = JourneyAction.objects.create(journey=journey, description="Appoint a reading lead",
                                          owner=world.user("headteacher"), due_on=timezone.localdate())
    url = reverse("api:journey_action", args=[action.pk])
    done = client_as("headteacher").post(url, {"version": 1, "state": "done", "progress": "Appointed"},
                                         content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "done"
    assert client_as("chair_of_governors").post(url, {"version": 2, "state": "open"},
                                                content_type="application/json").status_code == 403
    assert client_as("chair_of_governors").get(url).status_code == 200


def test_the_watchlist_api_lists_live_journeys_with_their_flags(client_as, world):
    to_delivery(world, open_a1(world))
    rows = client_as("head_of_service").get(reverse("api:journey_watchlist")).json()
    rows = rows.get("results", rows)
    assert len(rows) == 1 and {"red_objectives", "actions_overdue", "decision_due"} <= set(rows[0])
    assert Journey.objects.count() == 1
