"""The demo council's journeys: every stage, and what the head of service and the demo head see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from school_improvement.accounts.models import User
from school_improvement.accounts.roles import Role
from school_improvement.core.demo import DemoContext, steps
from school_improvement.journeys.models import Journey
from school_improvement.testing.world import verified_login


def _demo() -> DemoContext:
    """The whole demo council, every capability's step in order."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        ctx = DemoContext(seed=2026, workdir=Path(tmp), say=lambda _: None)
        for _order, _name, step in steps():
            step(ctx)
    return ctx


@pytest.mark.slow
def test_the_demo_council_has_journeys_at_every_stage(db, client):
    ctx = _demo()
    journeys = Journey.objects.for_council(ctx.council)
    stages = set(journeys.values_list("stage", flat=True))
    assert {"diagnosis", "ratification", "delivery", "escalation", "exited"} <= stages
    assert all(j.school_kind != "other" for j in journeys)  # colleges and independent schools have none
    exited = journeys.get(stage="exited")
    from school_improvement.categorisation.services import latest_final

    after = latest_final(ctx.council, [exited.school_id])[exited.school_id]
    assert after.pk == exited.exit_report["category_decision"] and after.category == exited.exit_category
    hos = User.objects.get(council=ctx.council, role_assignments__role=Role.HEAD_OF_SERVICE)
    verified_login(client, hos)
    page = client.get(reverse("journeys:dashboard")).content.decode()
    assert "past their clock" in page and "with a review overdue" in page
    head = User.objects.get(council=ctx.council, role_assignments__role=Role.HEADTEACHER)
    verified_login(client, head)
    home = client.get(reverse("core:home")).content.decode()
    assert "Action for you: Send governors a weekly attendance report" in home
    mine = journeys.get(school__pk=head.role_assignments.get().establishment_id)
    assert client.get(reverse("journeys:detail", args=[mine.pk])).status_code == 200
    notice = journeys.get(stage="escalation", school_kind="maintained").steps.get(kind="warning_notice")
    assert notice.state == "issued"
