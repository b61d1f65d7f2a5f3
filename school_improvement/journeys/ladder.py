"""The escalation ladder for maintained schools (Education and Inspections Act 2006, Part 4), and the
life of each step on it, declared as data. Plain Python: no Django.

Each rung needs the rung below it issued (the gate); the head of service may skip a gate with a
reason (for example, eligibility because Ofsted placed the school in a category, ss61-62, rather
than after a warning notice). Since the Education and Adoption Act 2016 the council sets the
warning notice's compliance period and there is no representations stage: the school's response
is recorded, then whether it complied.

Academies are not on this ladder: the council logs its referrals and contacts with the DfE
regions group, with the evidence sent (``DFE_CONTACT_KINDS``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rung:
    kind: str
    label: str
    level: int
    needs: str  # the kind of step (or "any:<level>") that must be issued first; "" for none
    letter: bool  # whether a letter or notice is generated for it
    authority: str  # the power it rests on, in words


LADDER: list[Rung] = [
    Rung("letter_of_concern", "Letter of concern", 1, "", True,
         "The council's duty to promote high standards (Education Act 1996 s13A)"),
    Rung("warning_notice", "Warning notice", 2, "letter_of_concern", True,
         "Education and Inspections Act 2006 s60"),
    Rung("eligible", "Eligible for intervention", 3, "warning_notice", True,
         "Education and Inspections Act 2006 s60 (failure to comply), s61 or s62"),
    Rung("additional_governors", "Appoint additional governors", 4, "eligible", True,
         "Education and Inspections Act 2006 s64"),
    Rung("interim_executive_board", "Replace the governing body with an interim executive board", 4, "eligible",
         True, "Education and Inspections Act 2006 s65 and Schedule 6"),
    Rung("budget_suspension", "Suspend the delegated budget", 4, "eligible", True,
         "Education and Inspections Act 2006 s66"),
    Rung("academy_order_referral", "Refer to the Department for Education for an academy order", 5, "eligible",
         True, "Academies Act 2010 s4"),
]
RUNGS: dict[str, Rung] = {r.kind: r for r in LADDER}

#: The s60(2) grounds for a warning notice, in the Act's words.
GROUNDS: dict[str, str] = {
    "standards": "The standards of performance of pupils at the school are unacceptably low, and are likely to "
                 "remain so unless the authority exercise their powers under Part 4 of the Act.",
    "management": "There has been a serious breakdown in the way the school is managed or governed which is "
                  "prejudicing, or likely to prejudice, such standards of performance.",
    "safety": "The safety of pupils or staff of the school is threatened (whether by a breakdown of discipline "
              "or otherwise).",
}
GROUND_LABELS: dict[str, str] = {
    "standards": "Unacceptably low standards of performance (s60(2)(a))",
    "management": "Serious breakdown in management or governance (s60(2)(b))",
    "safety": "Safety of pupils or staff threatened (s60(2)(c))",
}


class StepState:
    PROPOSED = "proposed"
    APPROVED = "approved"
    ISSUED = "issued"
    CONCLUDED = "concluded"
    WITHDRAWN = "withdrawn"


STEP_STATE_LABELS = {
    StepState.PROPOSED: "Proposed, awaiting approval",
    StepState.APPROVED: "Approved, not yet issued",
    StepState.ISSUED: "Issued",
    StepState.CONCLUDED: "Concluded",
    StepState.WITHDRAWN: "Withdrawn",
}

S = StepState
#: A step's own moves: name -> (states it may start from, state after, reason required).
STEP_MOVES: dict[str, tuple[frozenset[str], str, bool]] = {
    "approve": (frozenset({S.PROPOSED}), S.APPROVED, False),
    "issue": (frozenset({S.APPROVED}), S.ISSUED, False),
    "respond": (frozenset({S.ISSUED}), S.ISSUED, False),
    "conclude": (frozenset({S.ISSUED}), S.CONCLUDED, True),
    "withdraw": (frozenset({S.PROPOSED, S.APPROVED}), S.WITHDRAWN, True),
}
DONE_STATES = frozenset({S.ISSUED, S.CONCLUDED})

DFE_CONTACT_KINDS: dict[str, str] = {
    "referral": "Referral to the regions group",
    "contact": "Contact or meeting",
    "evidence": "Evidence sent",
    "decision": "Decision received",
}


def unmet_rung(kind: str, done_kinds: set[str]) -> str:
    """The rung that must be issued before ``kind`` ("" when none is missing)."""
    rung = RUNGS[kind]
    if rung.needs and rung.needs not in done_kinds:
        return rung.needs
    return ""
