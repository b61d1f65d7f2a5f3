import datetime as dt
import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from school_improvement.testing.world import make_school
from school_improvement.visits import services
from school_improvement.visits.models import AgreedAction, CaseConference, Visit, VisitState

from .factories import make_visit


def test_an_adviser_plans_writes_and_sends_a_note_without_script(client_as, world):
    client = client_as("adviser")
    url = reverse("visits:visit_plan", args=[world.a1.urn])
    assert "Plan a visit" in client.get(url).content.decode()
    past = (timezone.localdate() - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(url, {"planned_date": past, "purpose": "curriculum", "funding": "traded", "days": "1",
                                 "adviser": ""})
    visit = Visit.objects.get()
    assert response.status_code == 302 and visit.adviser == world.user("adviser") and visit.funding == "traded"
    assert visit.focus_areas == ["curriculum_and_teaching", "achievement", "inclusion"]
    edit = reverse("visits:visit_edit", args=[visit.pk])
    page = client.get(edit).content.decode()
    assert "Suggested: Curriculum intent and sequencing" in page and "data-autosave-url" in page
    form = {"note_form": "1", "visit_date": past, "purpose": "curriculum", "focus_areas": ["achievement"],
            "evidence_seen": "Lesson visits", "summary": "Strong curriculum.",
            "finding_0_area": "curriculum_and_teaching", "finding_0_text": "Reading is well sequenced.",
            "action_0_text": "Share the reading plan", "action_0_owner": "English lead",
            "action_0_due": (timezone.localdate() + dt.timedelta(days=20)).strftime("%d/%m/%Y"), "save": "1"}
    assert client.post(edit, form).status_code == 302
    visit.refresh_from_db()
    assert visit.state == VisitState.DRAFT and visit.findings.get().text == "Reading is well sequenced."
    form.pop("save")
    form["send"] = "1"
    response = client.post(edit, form)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.state == VisitState.WITH_SCHOOL


def test_send_refused_shows_the_reasons_on_the_form(client_as, world):
    visit = make_visit(world.council_a, world.a1, world.user("adviser"), VisitState.PLANNED)
    client = client_as("adviser")
    page = client.post(reverse("visits:visit_edit", args=[visit.pk]),
                       {"note_form": "1", "purpose": "termly_review", "send": "1"}).content.decode()
    assert "There is a problem" in page and "at least one point" in page


def test_autosave_saves_what_is_valid_and_answers_in_json(client_as, world):
    visit = make_visit(world.council_a, world.a1, world.user("adviser"), VisitState.PLANNED)
    client = client_as("adviser")
    url = reverse("visits:visit_autosave", args=[visit.pk])
    assert client.post(url, {}).status_code == 400
    response = client.post(url, {"note_form": "1", "purpose": "termly_review", "visit_date": "not a date",
                                 "finding_0_text": "Typed so far", "action_0_text": "An action",
                                 "action_0_due": "31/02/2026"})
    data = response.json()
    assert response.status_code == 200 and data["saved"] and "visit_date" in data["invalid"]
    visit.refresh_from_db()
    assert visit.state == VisitState.DRAFT and visit.findings.get().text == "Typed so far"
    assert visit.actions.get().due is None
    assert client.get(url).status_code == 405
    make_visit(world.council_a, world.a1, world.user("adviser"), VisitState.ISSUED)
    issued = Visit.objects.filter(state=VisitState.ISSUED).get()
    assert client.post(reverse("visits:visit_autosave", args=[issued.pk]), {"note_form": "1"}).status_code == 409


def test_the_head_responds_and_the_adviser_answers_and_issues(client_as, world):
    visit = make_visit(world.council_a, world.a1, world.user("adviser"), VisitState.WITH_SCHOOL)
    first, second = visit.findings.all()
    head = client_as("headteacher")
    home = head.get(reverse("core:home")).content.decode()
    assert "Check the note of the visit" in home
    url = reverse("visits:visit_respond", args=[visit.pk])
    assert "Is point 1 accurate?" in head.get(url).content.decode()
    page = head.post(url, {f"verdict_{first.pk}": "accurate", f"verdict_{second.pk}": "inaccurate"}).content.decode()
    assert "Say what is inaccurate in point 2" in page
    response = head.post(url, {f"verdict_{first.pk}": "accurate", f"verdict_{second.pk}": "inaccurate",
                               f"response_{second.pk}": "The governors met in March.", "comment": "Thanks"})
    assert response.status_code == 302
    adviser = client_as("adviser")
    detail = adviser.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    assert "Answer the school" in detail and "The governors met in March." in detail
    answer = reverse("visits:visit_answer", args=[visit.pk])
    adviser.post(answer, {f"answer_{second.pk}": "Agreed.", f"text_{second.pk}": "Governors met in March.",
                          "issue": "1"})
    visit.refresh_from_db()
    assert visit.state == VisitState.ISSUED
    chair = client_as("chair_of_governors")
    page = chair.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    assert "Governors met in March." in page and "The adviser's answer" in page


def test_issued_notes_download_as_pdf_and_word(client_as, world):
    from docx import Document

    visit = make_visit(world.council_a, world.a1, world.user("adviser"), VisitState.ISSUED)
    client = client_as("chair_of_governors")
    pdf = client.get(reverse("visits:visit_pdf", args=[visit.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    word = client.get(reverse("visits:visit_docx", args=[visit.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert "Note of visit: Alpha Primary School" in text and "Reading is taught well" in text
    assert "marked this point inaccurate" in text
    draft = make_visit(world.council_a, world.a1, world.user("adviser"), VisitState.WITH_SCHOOL)
    assert client_as("headteacher").get(reverse("visits:visit_pdf", args=[draft.pk])).status_code == 404


def test_council_page_caseload_and_export(client_as, world):
    hos = client_as("head_of_service")
    year = timezone.localdate().year if timezone.localdate().month >= 9 else timezone.localdate().year - 1
    response = hos.post(reverse("visits:capacity_edit", args=[world.user("adviser").pk]) + f"?year={year}",
                        {"autumn_days": "10", "spring_days": "10", "summer_days": "8", "note": "0.5 FTE"})
    assert response.status_code == 302
    page = hos.get(reverse("visits:council")).content.decode()
    assert "Schools without a link adviser (1)" in page and "Gamma Academy" in page
    assert "Adviser Tester" in page or "Adviser" in page
    csv_text = b"".join(hos.get(reverse("visits:council"), {"export": "csv"}).streaming_content).decode()
    assert "Available days" in csv_text and "28.0" in csv_text
    load = client_as("adviser").get(reverse("visits:caseload_mine")).content.decode()
    assert "Alpha Primary School" in load and "0.5 FTE" in load
    assert client_as("head_of_service").get(reverse("visits:caseload_mine")).status_code == 302


def test_schedule_and_entitlement_pages(client_as, world):
    hos = client_as("head_of_service")
    url = reverse("visits:entitlement", args=[world.a1.urn])
    assert "Council default" in hos.get(url).content.decode()
    hos.post(url, {"adviser_days": "6", "visits_per_year": "6", "reason": "Intensive: new head"})
    assert "Intensive: new head" in hos.get(url).content.decode()
    year = timezone.localdate().year + 1
    response = hos.post(reverse("visits:schedule"), {"year": str(year)})
    assert response.status_code == 302
    assert Visit.objects.filter(school=world.a1, year=year).count() == 6
    school_page = client_as("adviser").get(reverse("register:school_detail", args=[world.a1.urn])).content.decode()
    assert "Adviser visits" in school_page and "Plan a visit" in school_page


def test_case_conference_pages_and_actions(client_as, world):
    hos = client_as("head_of_service")
    url = reverse("visits:conference_create", args=[world.a1.urn])
    due = (timezone.localdate() + dt.timedelta(days=10)).strftime("%d/%m/%Y")
    page = hos.post(url, {"held_on": "01/03/2026", "attendees": "", "evidence_reviewed": "x", "decisions": "y",
                          "action_0_text": "Something"}).content.decode()
    assert "There is a problem" in page
    response = hos.post(url, {"held_on": "01/03/2026", "attendees": "Ann, adviser\nSam, head",
                              "evidence_reviewed": "Results", "decisions": "Broker support",
                              "action_0_text": "Find an SLE", "action_0_owner": "Head of service", "action_0_due": due})
    conference = CaseConference.objects.get()
    assert response.status_code == 302 and conference.attendees == ["Ann, adviser", "Sam, head"]
    action = AgreedAction.objects.get(conference=conference)
    hos.post(reverse("visits:action_update", args=[action.pk]), {"note": "Done"})
    action.refresh_from_db()
    assert action.status == "done"
    assert "Find an SLE" in hos.get(reverse("visits:conference_detail", args=[conference.pk])).content.decode()


def test_the_head_marks_an_issued_action_done(client_as, world):
    visit = make_visit(world.council_a, world.a1, world.user("adviser"), VisitState.ISSUED)
    action = visit.actions.get()
    response = client_as("headteacher").post(reverse("visits:action_update", args=[action.pk]), {})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    pending = make_visit(world.council_a, world.a1, world.user("adviser"), VisitState.WITH_SCHOOL).actions.get()
    assert client_as("headteacher").post(reverse("visits:action_update", args=[pending.pk]), {}).status_code in {403, 404}


def test_home_panels_per_role(client_as, world):
    make_visit(world.council_a, world.a1, world.user("adviser"), VisitState.PLANNED,
               planned=timezone.localdate() - dt.timedelta(days=1))
    assert "visits overdue (note not started)" in client_as("adviser").get("/").content.decode()
    assert "Adviser time and visits" in client_as("head_of_service").get("/").content.decode()
    assert "Notes of visit" in client_as("chair_of_governors").get("/").content.decode()
    assert "Your visits" not in client_as("data_officer").get("/").content.decode()


def test_list_and_council_pages_do_not_grow_queries_with_visits(client_as, world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.capacity_set(actor=None, council=world.council_a, adviser=world.user("adviser"), year=2026,
                          autumn_days=Decimal("5"), spring_days=Decimal("5"), summer_days=Decimal("5"))
    client = client_as("head_of_service")
    client.get(reverse("visits:visit_list"))  # the first request also loads the session's caches
    counts = []
    for batch in range(2):
        for n in range(20):
            school = make_school(992000 + batch * 100 + n, f"Extra {batch} {n}", world.a1.la)
            make_visit(world.council_a, school, world.user("adviser"), VisitState.PLANNED)
        with CaptureQueriesContext(connection) as listed:
            assert client.get(reverse("visits:visit_list")).status_code == 200
        with CaptureQueriesContext(connection) as council:
            assert client.get(reverse("visits:council")).status_code == 200
        counts.append((len(listed), len(council)))
    assert counts[0] == counts[1], counts
    assert counts[1][0] <= 20 and counts[1][1] <= 35, counts
