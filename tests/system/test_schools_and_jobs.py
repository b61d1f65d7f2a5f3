"""Main paths in a browser: find and open a school; load users and watch the job finish."""

from __future__ import annotations

import pytest

from .people import sign_in

pytestmark = pytest.mark.browser


def test_adviser_searches_filters_and_opens_a_school(visitor, browser_world):
    sign_in(visitor, browser_world.user("adviser"))
    visitor.go("/register/schools/")
    assert "3 schools" in visitor.page.inner_text("main")
    visitor.page.fill("#q", "Beta")
    visitor.page.click("main button[type=submit]")
    visitor.check("search")
    assert "1 school." in visitor.page.inner_text("main")
    visitor.go(f"/register/schools/?cluster={browser_world.cluster.pk}")
    visitor.page.click("text=Alpha Primary School")
    visitor.page.wait_for_url("**/register/schools/990001/")
    visitor.check("school")
    main = visitor.page.inner_text("main")
    assert "Alpha Learning Trust" in main and "North cluster" in main


def test_headteacher_sees_only_their_own_school(visitor, browser_world):
    sign_in(visitor, browser_world.user("headteacher"))
    visitor.check("home")
    assert "Alpha Primary School" in visitor.page.inner_text("main")
    visitor.go("/register/schools/")
    assert "1 school." in visitor.page.inner_text("main")
    response = visitor.page.goto(visitor.base_url + "/register/schools/990002/")
    assert response.status == 404
    visitor.check("not-found")


def test_administrator_loads_users_and_sees_the_job_result(visitor, browser_world, tmp_path):
    sheet = tmp_path / "people.csv"
    sheet.write_text("username,email,first_name,last_name,role,school_urn\n"
                     "new.head,new.head@example.test,Nia,Head,Headteacher,990002\n")
    sign_in(visitor, browser_world.user("administrator"))
    visitor.go("/accounts/users/upload/")
    visitor.page.set_input_files("#id_file", str(sheet))
    visitor.page.click("main button[type=submit]")
    visitor.page.wait_for_url("**/jobs/*/")
    visitor.check("job")
    main = visitor.page.inner_text("main")
    assert "Finished" in main and "People created" in main


def test_data_officer_imports_gias_files_and_follows_a_school_lineage(visitor, browser_world, tmp_path):
    from engines.synthetic.council import generate_council
    from school_improvement.register.models import LocalAuthority

    council = generate_council(seed=7)
    files = council.write_files(tmp_path)
    la, _ = LocalAuthority.objects.get_or_create(code="999", defaults={"name": "Borsetshire"})
    browser_world.council_a.local_authorities.add(la)
    successor = next(s for s in council.schools if s.is_open and s.predecessor_urns)
    predecessor = council.school(successor.predecessor_urns[0])

    sign_in(visitor, browser_world.user("data_officer"))
    for label, key in (("GIAS establishments (CSV)", "gias"), ("GIAS links", "links")):
        visitor.go("/register/imports/")
        visitor.page.get_by_label(label, exact=True).check()
        visitor.page.set_input_files("#id_file", str(files[key]))
        visitor.page.click("main button[type=submit]")
        visitor.page.wait_for_url("**/jobs/*/")
        visitor.page.wait_for_selector("text=Finished")
        visitor.check(key)
        assert "Rows read" in visitor.page.inner_text("main")

    visitor.go(f"/register/schools/?q={successor.urn}")
    visitor.page.click(f"main a[href='/register/schools/{successor.urn}/']")
    visitor.page.wait_for_url(f"**/register/schools/{successor.urn}/")
    visitor.check("successor")
    assert predecessor.name in visitor.page.inner_text("main")
    visitor.page.click(f"main a[href='/register/schools/{predecessor.urn}/']")
    visitor.page.wait_for_url(f"**/register/schools/{predecessor.urn}/")
    visitor.check("predecessor")
    assert "(this school)" in visitor.page.inner_text("main")
