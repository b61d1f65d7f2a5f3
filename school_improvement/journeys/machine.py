"""The one state machine of an improvement journey, declared as data. Plain Python: no Django.

A journey has a **stage** (where the work is) and a **status** (whether anyone may change it):

    diagnosis -> statement of action -> ratification -> delivery (with reviews) -> exited
                         \\______________ escalation _______________/

``MOVES`` lists every allowed move: the stages it may start from, the stage it leads to, the
gate it must pass (checked by the services against the journey's records) and whether the
person must give a reason. ``plan_move`` is the one judge of a move; the services call it and
then write a new ``JourneyEvent`` row. A gate can be skipped only by someone allowed to skip
gates (the head of service) and only with a reason, which the event keeps.

A paused or closed journey is read-only: ``may_edit`` refuses every part of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Stage(StrEnum):
    DIAGNOSIS = "diagnosis"
    STATEMENT = "statement"
    RATIFICATION = "ratification"
    DELIVERY = "delivery"
    ESCALATION = "escalation"
    EXITED = "exited"


class Status(StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


STAGE_LABELS: dict[str, str] = {
    Stage.DIAGNOSIS: "Diagnosis",
    Stage.STATEMENT: "Statement of action",
    Stage.RATIFICATION: "Awaiting ratification",
    Stage.DELIVERY: "Delivery and reviews",
    Stage.ESCALATION: "Escalation",
    Stage.EXITED: "Exited",
}
STATUS_LABELS: dict[str, str] = {Status.OPEN: "Open", Status.PAUSED: "Paused", Status.CLOSED: "Closed"}

#: Gates: a condition on the journey's records a move must pass (the services check them).
GATES: dict[str, str] = {
    "priorities_recorded": "At least one priority is recorded from the diagnosis.",
    "statement_complete": "The statement of action has objectives with success criteria, exit criteria, "
                          "a review schedule and a clock.",
    "exit_criteria_met": "Every exit criterion is met (measurable ones checked against the data).",
    "plan_ratified": "The statement of action has been ratified.",
}

ACTIVE = frozenset({Stage.DIAGNOSIS, Stage.STATEMENT, Stage.RATIFICATION, Stage.DELIVERY, Stage.ESCALATION})
OPEN_ONLY = frozenset({Status.OPEN})


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    sources: frozenset[Stage]
    target: Stage | None = None  # None: the stage does not change
    from_status: frozenset[Status] = OPEN_ONLY
    to_status: Status | None = None  # None: the status does not change
    gate: str = ""
    reason_required: bool = False
    #: Who may make it, beyond managing the journey: "" (any manager) or a permission name.
    permission: str = ""


MOVES: dict[str, Move] = {m.name: m for m in [
    Move("finish_diagnosis", "Finish the diagnosis and draft the statement of action",
         frozenset({Stage.DIAGNOSIS}), Stage.STATEMENT, gate="priorities_recorded"),
    Move("submit_statement", "Submit the statement of action for ratification",
         frozenset({Stage.STATEMENT}), Stage.RATIFICATION, gate="statement_complete"),
    Move("return_statement", "Return the statement of action for changes",
         frozenset({Stage.RATIFICATION}), Stage.STATEMENT, reason_required=True),
    Move("ratify", "Ratify the statement of action", frozenset({Stage.RATIFICATION}), Stage.DELIVERY,
         gate="statement_complete", permission="journeys.ratify"),
    Move("exit", "Exit the journey", frozenset({Stage.DELIVERY}), Stage.EXITED, to_status=Status.CLOSED,
         gate="exit_criteria_met", reason_required=True),
    Move("escalate", "Escalate", frozenset({Stage.DIAGNOSIS, Stage.STATEMENT, Stage.RATIFICATION, Stage.DELIVERY}),
         Stage.ESCALATION, reason_required=True),
    Move("de_escalate", "Return from escalation to delivery", frozenset({Stage.ESCALATION}), Stage.DELIVERY,
         gate="plan_ratified", reason_required=True),
    Move("extend_clock", "Extend the clock", frozenset({Stage.DELIVERY, Stage.ESCALATION}),
         reason_required=True, permission="journeys.ratify"),
    Move("pause", "Pause the journey", ACTIVE, to_status=Status.PAUSED, reason_required=True),
    Move("resume", "Resume the journey", ACTIVE, from_status=frozenset({Status.PAUSED}), to_status=Status.OPEN,
         reason_required=True),
    Move("close", "Close the journey without exit", ACTIVE, from_status=frozenset({Status.OPEN, Status.PAUSED}),
         to_status=Status.CLOSED, reason_required=True, permission="journeys.ratify"),
]}

#: The parts of a journey and the stages in which each may be changed (always only while open).
EDITABLE: dict[str, frozenset[Stage]] = {
    "diagnosis": frozenset({Stage.DIAGNOSIS, Stage.STATEMENT}),
    "statement": frozenset({Stage.STATEMENT}),
    "milestones": frozenset({Stage.STATEMENT, Stage.DELIVERY, Stage.ESCALATION}),
    "support": frozenset({Stage.STATEMENT, Stage.RATIFICATION, Stage.DELIVERY, Stage.ESCALATION}),
    "reviews": frozenset({Stage.DELIVERY, Stage.ESCALATION}),
    "meetings": frozenset({Stage.STATEMENT, Stage.RATIFICATION, Stage.DELIVERY, Stage.ESCALATION}),
    "actions": frozenset({Stage.STATEMENT, Stage.RATIFICATION, Stage.DELIVERY, Stage.ESCALATION}),
    "exit_criteria": frozenset({Stage.STATEMENT, Stage.DELIVERY}),
    "escalation": frozenset({Stage.ESCALATION}),
}


class MoveRefused(Exception):
    """The move is not allowed from where the journey stands, or lacks a reason or an authority."""


@dataclass(frozen=True)
class Outcome:
    move: str
    from_stage: Stage
    to_stage: Stage
    from_status: Status
    to_status: Status
    skipped_gates: tuple[str, ...] = field(default_factory=tuple)


def allowed_moves(stage: str, status: str) -> list[Move]:
    """The moves declared from this stage and status (before gates and authority)."""
    return [m for m in MOVES.values() if stage in m.sources and status in m.from_status]


def plan_move(stage: str, status: str, move: str, *, unmet_gates: list[str] | tuple[str, ...] = (),
              reason: str = "", skip: bool = False, may_skip: bool = False) -> Outcome:
    """Judge one move. Returns where it leads, or raises ``MoveRefused`` saying why not.

    ``unmet_gates``: the gates of this move the journey does not pass (the caller checks them).
    ``skip``: the person asks to pass them anyway; allowed only when ``may_skip`` and with a reason.
    """
    declared = MOVES.get(move)
    if declared is None:
        raise MoveRefused(f"There is no move called {move!r}.")
    current_stage, current_status = Stage(stage), Status(status)
    if current_stage not in declared.sources or current_status not in declared.from_status:
        raise MoveRefused(f"“{declared.label}” is not possible while the journey is "
                          f"{STAGE_LABELS[current_stage].lower()} ({STATUS_LABELS[current_status].lower()}).")
    reason = " ".join((reason or "").split())
    if declared.reason_required and not reason:
        raise MoveRefused(f"Give a reason to {declared.label[0].lower()}{declared.label[1:]}.")
    skipped: tuple[str, ...] = ()
    unmet = tuple(g for g in unmet_gates if g)
    if unmet:
        if not skip:
            raise MoveRefused("Not yet: " + " ".join(GATES.get(g, g) for g in unmet))
        if not may_skip:
            raise MoveRefused("Only the head of service may skip a gate.")
        if not reason:
            raise MoveRefused("Give the reason for skipping the gate.")
        skipped = unmet
    return Outcome(
        move=declared.name, from_stage=current_stage, to_stage=declared.target or current_stage,
        from_status=current_status, to_status=declared.to_status or current_status, skipped_gates=skipped,
    )


def may_edit(stage: str, status: str, part: str) -> bool:
    """Whether a part of the journey may be changed now. Paused and closed journeys: never."""
    return status == Status.OPEN and stage in EDITABLE[part]


def reachable(stage: str, status: str) -> bool:
    """Whether a (stage, status) pair is one the machine can ever be in."""
    if Stage(stage) == Stage.EXITED:
        return Status(status) == Status.CLOSED
    return Status(status) in set(Status)
