"""Templates of a note of visit, by purpose: suggested focus areas, evidence to look at, and the
points a note of that kind usually makes. A template suggests; the adviser decides."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Purpose


@dataclass(frozen=True)
class NoteTemplate:
    focus_areas: tuple[str, ...]
    evidence: str
    points: tuple[str, ...]


TEMPLATES: dict[str, NoteTemplate] = {
    Purpose.TERMLY_REVIEW: NoteTemplate(
        ("achievement", "curriculum_and_teaching", "leadership_and_governance"),
        "The school's self-evaluation and improvement plan; the latest assessment information; "
        "attendance; governors' minutes; learning walk with the headteacher.",
        ("Progress since the last visit", "Pupils' achievement this year", "Curriculum and teaching",
         "Leadership capacity", "Priorities before the next visit"),
    ),
    Purpose.MONITORING: NoteTemplate(
        ("leadership_and_governance", "curriculum_and_teaching", "achievement"),
        "The improvement plan or statement of action and its milestones; evidence of impact for each "
        "priority; minutes of the improvement board.",
        ("Progress against each priority of the plan", "Impact seen in classrooms",
         "Capacity of leaders and governors to improve", "Risks and support needed"),
    ),
    Purpose.CURRICULUM: NoteTemplate(
        ("curriculum_and_teaching", "achievement", "inclusion"),
        "Lesson visits; pupils' work; conversations with subject leaders and pupils; curriculum plans.",
        ("Curriculum intent and sequencing", "Teaching seen", "Pupils' work and what they remember",
         "Pupils with special educational needs and disabilities"),
    ),
    Purpose.LEADERSHIP: NoteTemplate(
        ("leadership_and_governance",),
        "Governing body minutes and skills audit; the school development plan; staff workload and "
        "well-being survey; financial position.",
        ("Strategic direction", "Governance and challenge", "Staff development and well-being",
         "Finance and resources"),
    ),
    Purpose.SAFEGUARDING: NoteTemplate(
        ("safeguarding", "attendance_and_behaviour", "personal_development_and_wellbeing"),
        "Single central record; safeguarding policy and training log; a sample of records of concern; "
        "attendance and exclusion data; behaviour logs.",
        ("Safeguarding culture and procedures", "Attendance", "Behaviour and exclusions",
         "Pupils' well-being"),
    ),
    Purpose.EARLY_YEARS: NoteTemplate(
        ("early_years", "curriculum_and_teaching"),
        "Early years foundation stage profile results; phonics screening check; observations in the "
        "early years; learning journals.",
        ("Early reading and phonics", "Communication and language", "The learning environment"),
    ),
    Purpose.HEAD_PERFORMANCE: NoteTemplate(
        ("leadership_and_governance",),
        "Last year's objectives and evidence against them; the governors' panel's view.",
        ("Review of last year's objectives", "Proposed objectives", "Support and development"),
    ),
    Purpose.OTHER: NoteTemplate((), "", ("Purpose of the visit", "What was found", "Next steps")),
}


def template_for(purpose: str) -> NoteTemplate:
    return TEMPLATES.get(purpose, TEMPLATES[Purpose.OTHER])
