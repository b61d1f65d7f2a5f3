"""Visits in any state, for tests (including the permission matrix)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from school_improvement.visits.models import (
    AgreedAction,
    CaseConference,
    Finding,
    Verdict,
    Visit,
    VisitState,
    academic_year,
    term_of,
)

POINTS = ("Reading is taught well in Key Stage 1.", "Governors challenge leaders on attendance.")


def make_visit(council: Any, school: Any, adviser: Any, state: str = VisitState.PLANNED, *,
               planned: dt.date | None = None, funding: str = "core", days: Decimal = Decimal("1")) -> Visit:
    """A visit in ``state``, with two points and one action once it has a note."""
    today = timezone.localdate()
    planned = planned or (today - dt.timedelta(days=3) if state != VisitState.PLANNED else today + dt.timedelta(days=10))
    visit = Visit.objects.create(council=council, school=school, adviser=adviser, state=state, planned_date=planned,
                                 year=academic_year(planned), term=term_of(planned), funding=funding, days=days,
                                 focus_areas=["achievement"])
    if state in (VisitState.PLANNED, VisitState.CANCELLED):
        return visit
    visit.visit_date = planned
    visit.summary = "A productive visit."
    for position, text in enumerate(POINTS):
        Finding.objects.create(visit=visit, position=position, area="achievement", text=text,
                               text_as_sent=text if state != VisitState.DRAFT else "")
    AgreedAction.objects.create(council=council, school=school, visit=visit, text="Review the phonics scheme.",
                                owner="Headteacher", due=today + dt.timedelta(days=30))
    if state != VisitState.DRAFT:
        visit.sent_at = timezone.now()
        visit.accuracy_due = today + dt.timedelta(days=10)
    if state in (VisitState.RESPONDED, VisitState.ANSWERED, VisitState.ISSUED):
        visit.findings.filter(position=0).update(head_verdict=Verdict.ACCURATE)
        visit.findings.filter(position=1).update(head_verdict=Verdict.INACCURATE,
                                                 head_response="Governors discussed attendance in March.")
        visit.responded_at = timezone.now()
    if state in (VisitState.ANSWERED, VisitState.ISSUED):
        visit.findings.filter(position=1).update(adviser_answer="Agreed: amended.")
    if state == VisitState.ISSUED:
        visit.issued_at = timezone.now()
    visit.save()
    return visit


def make_conference(council: Any, school: Any) -> CaseConference:
    conference = CaseConference.objects.create(
        council=council, school=school, held_on=timezone.localdate(), attendees=["Ann Adviser, link adviser"],
        evidence_reviewed="Latest results.", decisions="Broker support for early reading.")
    AgreedAction.objects.create(council=council, school=school, conference=conference, text="Broker an SLE.",
                                owner="Head of service", due=timezone.localdate() + dt.timedelta(days=14))
    return conference
