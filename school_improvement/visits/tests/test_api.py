import datetime as dt

from django.urls import reverse
from django.utils import timezone

from school_improvement.visits.models import Visit, VisitState

from .factories import make_visit


def test_the_whole_note_cycle_through_the_api(client_as, world):
    adviser = client_as("adviser")
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = adviser.post(reverse("api:visit_list"), {"school": world.a1.urn, "planned_date": past,
                                                        "purpose": "termly_review"}, content_type="application/json")
    assert response.status_code == 201
    pk = response.json()["id"]
    note = {"visit_date": past, "summary": "Good.", "findings": [{"area": "achievement", "text": "Results rose."}],
            "actions": [{"text": "Share data", "owner": "Head", "due": (timezone.localdate() + dt.timedelta(days=9)).isoformat()}]}
    assert adviser.post(reverse("api:visit_note", args=[pk]), note, content_type="application/json").status_code == 200
    assert adviser.post(reverse("api:visit_send", args=[pk])).json()["state"] == VisitState.WITH_SCHOOL
    head = client_as("headteacher")
    detail = head.get(reverse("api:visit_detail", args=[pk])).json()
    point = detail["findings"][0]["id"]
    body = {"points": [{"id": point, "verdict": "inaccurate", "response": "Results were flat."}]}
    assert head.post(reverse("api:visit_respond", args=[pk]), body, content_type="application/json").status_code == 200
    adviser = client_as("adviser")
    answer = {"answers": [{"id": point, "answer": "Checked: they rose by 2 points."}]}
    assert adviser.post(reverse("api:visit_answer", args=[pk]), answer, content_type="application/json").status_code == 200
    issued = adviser.post(reverse("api:visit_issue", args=[pk])).json()
    assert issued["state"] == "issued" and issued["findings"][0]["head_verdict"] == "inaccurate"


def test_the_api_keeps_drafts_from_the_school_and_scopes_lists(client_as, world):
    draft = make_visit(world.council_a, world.a1, world.user("adviser"), VisitState.DRAFT)
    issued = make_visit(world.council_a, world.a1, world.user("adviser"), VisitState.ISSUED)
    make_visit(world.council_a, world.a2, world.others["adviser"], VisitState.ISSUED)
    head = client_as("headteacher")
    assert head.get(reverse("api:visit_detail", args=[draft.pk])).status_code == 404
    ids = [row["id"] for row in head.get(reverse("api:visit_list")).json()["results"]]
    assert ids == [issued.pk]
    assert len(client_as("head_of_service").get(reverse("api:visit_list")).json()["results"]) == 3
    assert client_as("data_officer").get(reverse("api:visit_list")).status_code == 403
    assert Visit.objects.count() == 3


def test_caseload_and_capacity_in_the_api(client_as, world):
    adviser = world.user("adviser")
    data = client_as("adviser").get(reverse("api:caseload", args=[adviser.pk])).json()
    assert data["schools"][0]["urn"] == world.a1.urn
    picture = client_as("head_of_service").get(reverse("api:adviser_capacity")).json()
    assert [s["urn"] for s in picture["schools_without_adviser"]] == [world.a3.urn]
