import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from school_improvement.brokerage import services
from school_improvement.brokerage.models import Match, MatchStatus, Need, Provider, SupportClaim

from .factories import make_assignment


def test_an_officer_adds_a_provider_from_a_form(client_as, world, places):
    client = client_as("head_of_service")
    page = client.post(reverse("brokerage:provider_create"), {"name": ""}).content.decode()
    assert "There is a problem" in page
    response = client.post(reverse("brokerage:provider_create"), {
        "name": "Maths hub lead", "kind": "hub", "user": "", "school": str(places.strong_school.pk), "postcode": "",
        "phases": ["primary", "secondary"], "fit_maths": "0.9", "fit_leadership": "", "autumn_days": "3",
        "spring_days": "3", "summer_days": "2", "day_rate": "", "active": "on", "notes": ""})
    provider = Provider.objects.get(name="Maths hub lead")
    assert response.status_code == 302 and provider.expertise == {"maths": 0.9} and provider.days_per_year == 8
    detail = client.get(reverse("brokerage:provider_detail", args=[provider.pk])).content.decode()
    assert "Meets the quality bar" in detail and "Outstanding" in detail


def test_a_provider_placed_by_postcode(client_as, world, places):
    from school_improvement.register.models import Establishment

    Establishment.objects.filter(pk=world.a2.pk).update(postcode="ZZ1 9AA")
    client = client_as("head_of_service")
    client.post(reverse("brokerage:provider_create"), {
        "name": "Consultant", "kind": "consultant", "postcode": "zz1 9aa", "phases": ["primary"],
        "fit_send": "0.7", "autumn_days": "1", "spring_days": "1", "summer_days": "1", "active": "on"})
    provider = Provider.objects.get(name="Consultant")
    assert (provider.easting, provider.northing) == (455000, 121000)


def test_review_shortlists_run_lock_and_run_again_through_the_pages(client_as, world, places):
    adviser = client_as("adviser")
    response = adviser.post(reverse("brokerage:need_create", args=[world.a1.urn]),
                            {"area": "early_reading", "days": "4", "priority": "3", "funding": "core"})
    need = Need.objects.get()
    assert response.status_code == 302
    page = adviser.get(reverse("brokerage:need_detail", args=[need.pk])).content.decode()
    assert "Near SLE" in page and "same trust" in page and "Choose Near SLE" not in page
    Need.objects.create(council=world.council_a, school=world.a2, area="early_reading", days=6, priority=2)
    hos = client_as("head_of_service")
    assert hos.post(reverse("brokerage:plan")).status_code == 302
    plan = hos.get(reverse("brokerage:plan")).content.decode()
    assert "Nearest-provider baseline" in plan and "Gamma head" in plan
    first = Match.objects.get(need=need)
    hos.post(reverse("brokerage:match_update", args=[first.pk]), {"action": "lock", "days": "3"})
    first.refresh_from_db()
    assert first.status == MatchStatus.LOCKED and first.days == 3
    hos.post(reverse("brokerage:plan"))
    assert Match.objects.filter(need=need, status=MatchStatus.LOCKED, days=3).exists()
    hos.post(reverse("brokerage:match_update", args=[first.pk]), {"action": "agree"})
    first.refresh_from_db()
    assert first.status == MatchStatus.AGREED and first.support_assignment is not None
    gap = hos.get(reverse("brokerage:gap")).content.decode()
    assert "<svg" in gap and "Needs and their matches" in gap and "Near SLE (3 days" in gap


def test_a_provider_claims_and_the_school_confirms_through_the_pages(client_as, world):
    assignment = make_assignment(world.council_a, world.a1, world.user("system_leader"), days=Decimal("4"))
    leader = client_as("system_leader")
    assert "Claim days" in leader.get(reverse("brokerage:support_list")).content.decode()
    url = reverse("brokerage:claim_create", args=[assignment.pk])
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    response = leader.post(url, {"delivered_on": yesterday, "days": "1.5", "summary": "Phonics CPD"})
    assert response.status_code == 302
    claim = SupportClaim.objects.get()
    head = client_as("headteacher")
    assert "claims of support waiting for you to confirm" in head.get("/").content.decode()
    confirm = reverse("brokerage:claim_confirm", args=[claim.pk])
    head.post(confirm, {"confirmed": "yes", "usefulness": "4", "feedback": "Useful"})
    claim.refresh_from_db()
    assert claim.status == "confirmed" and claim.usefulness == 4
    council = client_as("head_of_service").get(reverse("brokerage:support_list")).content.decode()
    assert "£675.00" in council  # 1.5 confirmed days at £450


def test_pages_render_for_officers(client_as, world, places):
    services.need_create(actor=None, council=world.council_a, school=world.a1, area="early_reading", days=2)
    client = client_as("adviser")
    for name in ("brokerage:overview", "brokerage:provider_list", "brokerage:need_list", "brokerage:plan",
                 "brokerage:gap", "brokerage:support_list"):
        assert client.get(reverse(name)).status_code == 200, name
    csv_text = b"".join(client.get(reverse("brokerage:provider_list"), {"export": "csv"}).streaming_content)
    assert b"Near SLE" in csv_text
    school = client.get(reverse("register:school_detail", args=[world.a1.urn])).content.decode()
    assert "Needs for support" in school and "Raise a need for support" in school
    assert "Brokering support" in client.get("/").content.decode()
