"""Soft intelligence in a browser: an adviser records a restricted concern; the school's head and
another portfolio's adviser cannot see it; a contributor submits; axe is clean on every page."""

from __future__ import annotations

import pytest

from school_improvement.intelligence.models import IntelligenceRecord

from .people import sign_in, sign_out

pytestmark = pytest.mark.browser

CONCERN = "Staff report the deputy head is off sick long term; cover is thin in Year 6."


def test_an_adviser_records_restricted_intelligence_that_the_head_and_other_advisers_cannot_see(
        visitor, browser_world):
    world = browser_world
    sign_in(visitor, world.user("adviser"))
    visitor.check("adviser-home")
    visitor.go(f"/register/schools/{world.a1.urn}/")
    assert "Soft intelligence" in visitor.page.inner_text("main")
    visitor.page.click("text=Add a record")
    visitor.page.wait_for_url(f"**/intelligence/schools/{world.a1.urn}/add/")
    visitor.check("add-form")
    # Submitting it empty shows the GOV.UK error summary; axe checks that page too.
    visitor.page.click("main button[type=submit]")
    visitor.check("add-form-errors")
    assert "There is a problem" in visitor.page.inner_text("main")
    visitor.page.select_option("#id_type", "hr_long_term_absence")
    visitor.page.fill("#id_date", "02/03/2026")
    visitor.page.check("#id_severity_2")  # the third radio: severity 3
    visitor.page.fill("#id_source", "HR schools team")
    visitor.page.fill("#id_description", CONCERN)
    visitor.page.check("#id_confidentiality_1")  # restricted
    visitor.page.click("main button[type=submit]")
    visitor.page.wait_for_url(f"**/register/schools/{world.a1.urn}/#intelligence")
    visitor.check("school-with-record")
    main = visitor.page.inner_text("main")
    assert CONCERN in main and "Restricted" in main and "1 record" in main
    record = IntelligenceRecord.objects.get()
    assert record.confidentiality == "restricted" and record.severity == 3
    visitor.page.click("#intelligence >> text=View")
    visitor.check("record-page")
    sign_out(visitor)

    # The school's headteacher: no intelligence section, and the record itself is not found.
    sign_in(visitor, world.user("headteacher"))
    visitor.go(f"/register/schools/{world.a1.urn}/")
    assert CONCERN not in visitor.page.content() and "intelligence" not in visitor.page.inner_text("main").lower()
    response = visitor.page.goto(f"{visitor.base_url}/intelligence/records/{record.pk}/")
    assert response.status == 404
    visitor.check("head-not-found")
    sign_out(visitor)

    # An adviser of another portfolio: sees the school's council-staff intelligence (none), not this.
    sign_in(visitor, world.others["adviser"])
    visitor.go(f"/register/schools/{world.a1.urn}/")
    main = visitor.page.inner_text("main")
    assert CONCERN not in visitor.page.content() and "0 records" in main
    response = visitor.page.goto(f"{visitor.base_url}/intelligence/records/{record.pk}/")
    assert response.status == 404
    visitor.go("/intelligence/")
    assert "0 records" in visitor.page.inner_text("main")


def test_a_contributor_submits_through_the_school_picker_and_the_head_of_service_reviews_it(
        visitor, browser_world):
    world = browser_world
    sign_in(visitor, world.user("intelligence_contributor"))
    visitor.check("contributor-home")
    visitor.page.click("text=Submit intelligence")
    visitor.page.wait_for_url("**/intelligence/submit/")
    visitor.check("submit-form")
    visitor.page.fill("#id_school", "Beta Primary School (990002)")
    visitor.page.select_option("#id_type", "finance_deficit")
    visitor.page.fill("#id_date", "10/02/2026")
    visitor.page.check("#id_severity_1")
    visitor.page.fill("#id_description", "Budget plan shows an in-year deficit of £60,000.")
    visitor.page.click("main button[type=submit]")
    visitor.page.wait_for_url("**/intelligence/submit/")
    visitor.check("submitted")
    assert "has been sent" in visitor.page.inner_text("main")
    assert "£60,000" not in visitor.page.inner_text("main")
    sign_out(visitor)

    sign_in(visitor, world.user("head_of_service"))
    visitor.check("hos-home")
    visitor.page.click("text=records not yet verified")
    visitor.check("list")
    assert "1 record." in visitor.page.inner_text("main")
    visitor.page.click("main table a")
    visitor.check("record")
    visitor.page.click("text=Edit, verify or link this record")
    visitor.check("edit")
    visitor.page.check("#id_verified")
    visitor.page.click("main button[type=submit]")
    visitor.check("verified")
    assert IntelligenceRecord.objects.get().verified
    for path in ("/intelligence/upload/", "/intelligence/subject-access/"):
        visitor.go(path)
