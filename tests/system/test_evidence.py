"""An adviser reads a school's inspections and results, charts and similar schools; axe clean."""

from __future__ import annotations

import pytest

from school_improvement.evidence.tests.factories import load_world_evidence

from .people import sign_in

pytestmark = pytest.mark.browser


def test_adviser_opens_a_school_and_reads_the_charts(visitor, browser_world, tmp_path):
    load_world_evidence(tmp_path)
    sign_in(visitor, browser_world.user("adviser"))
    visitor.go("/register/schools/990001/")
    page = visitor.page
    section = page.locator("#evidence")
    assert "Inspections and results" in section.inner_text()
    history = page.locator("#inspection-history + table").inner_text()
    assert "4 October 2022" in history and "Overall effectiveness: Good" in history
    chart = page.locator("svg[role=img]").first
    assert chart.is_visible()
    title = chart.locator("title").text_content()
    assert title.startswith("RWM expected standard: Alpha Primary School")
    # The table under the chart gives the same figures, year by year.
    figures = page.locator("#ks2-rwm_expected_pct ~ table").first.inner_text()
    for year in ("2016-17", "2017-18", "2018-19"):
        assert year in figures
    assert "Testshire" in figures and "England" in figures
    similar = page.locator("#similar-pupils ~ div table").first.inner_text()
    assert "Alpha Primary School (this school)" in similar
    assert page.locator("#similar-pupils ~ div table tbody tr").count() == 30
    visitor.go("/evidence/schools/990001/measures/")
    assert "Published figures" in page.inner_text("h1")
