import datetime as dt
from pathlib import Path

from django.utils import timezone

from school_improvement.brokerage.demo import brokerage
from school_improvement.brokerage.models import Match, MatchingRun, Provider
from school_improvement.core.demo import DemoContext
from school_improvement.register.models import Establishment
from school_improvement.visits.demo import adviser_time_and_visits
from school_improvement.visits.models import AdviserCapacity, Visit, VisitState


def test_the_demo_steps_build_capacity_visits_notes_and_a_matching_run(world, tmp_path: Path):
    for n, school in enumerate((world.a1, world.a2, world.a3)):
        Establishment.objects.filter(pk=school.pk).update(easting=450000 + 3000 * n, northing=120000,
                                                          ofsted_rating=["Outstanding", "Requires improvement",
                                                                         "Good"][n])
    ctx = DemoContext(seed=2026, workdir=tmp_path, council=world.council_a, say=lambda _: None)
    adviser_time_and_visits(ctx)
    assert AdviserCapacity.objects.filter(council=world.council_a).count() >= 2
    visits = Visit.objects.filter(council=world.council_a)
    assert visits.filter(from_schedule=True).count() >= 6
    # The demo head's school: a note issued after an exchange, and one waiting to be checked.
    mine = visits.filter(school=world.a1)
    assert mine.filter(state=VisitState.ISSUED, findings__head_verdict="inaccurate").exists()
    assert mine.filter(state=VisitState.WITH_SCHOOL, accuracy_due__gt=timezone.localdate()).exists()
    assert not visits.filter(state=VisitState.PLANNED, planned_date__gt=timezone.localdate() + dt.timedelta(days=400))
    brokerage(ctx)
    assert Provider.objects.filter(council=world.council_a).exists()
    assert MatchingRun.objects.filter(council=world.council_a).count() == 2
    assert Match.objects.filter(council=world.council_a).exists() or not Provider.objects.filter(
        council=world.council_a, expertise__has_key="leadership").exists()
    adviser_time_and_visits(ctx)  # a second run changes nothing
    assert Visit.objects.filter(council=world.council_a).count() == visits.count()
