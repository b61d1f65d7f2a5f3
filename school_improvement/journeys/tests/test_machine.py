"""The state machine as data: moves, gates, skips and read-only states, with no database."""

from __future__ import annotations

import pytest

from school_improvement.journeys import ladder
from school_improvement.journeys.machine import (
    EDITABLE,
    MOVES,
    MoveRefused,
    Stage,
    Status,
    allowed_moves,
    may_edit,
    plan_move,
    reachable,
)


@pytest.mark.parametrize(("stage", "move", "target"), [
    ("diagnosis", "finish_diagnosis", "statement"),
    ("statement", "submit_statement", "ratification"),
    ("ratification", "return_statement", "statement"),
    ("ratification", "ratify", "delivery"),
    ("delivery", "exit", "exited"),
    ("delivery", "escalate", "escalation"),
    ("escalation", "de_escalate", "delivery"),
])
def test_each_declared_move_leads_where_the_table_says(stage, move, target):
    outcome = plan_move(stage, "open", move, reason="Because the board said so")
    assert outcome.to_stage == target and outcome.skipped_gates == ()


@pytest.mark.parametrize(("stage", "move"), [
    ("diagnosis", "ratify"), ("diagnosis", "exit"), ("statement", "exit"), ("exited", "escalate"),
    ("escalation", "submit_statement"), ("delivery", "finish_diagnosis"), ("exited", "resume"),
])
def test_undeclared_moves_are_refused(stage, move):
    status = "closed" if stage == "exited" else "open"
    with pytest.raises(MoveRefused, match="not possible"):
        plan_move(stage, status, move, reason="x")


def test_a_paused_journey_only_resumes_or_closes_and_is_read_only():
    assert {m.name for m in allowed_moves("delivery", "paused")} == {"resume", "close"}
    assert not any(may_edit(stage, "paused", part) for stage in Stage for part in EDITABLE)
    assert not any(may_edit(stage, "closed", part) for stage in Stage for part in EDITABLE)
    assert allowed_moves("exited", "closed") == []


def test_a_gate_is_skipped_only_by_an_authorised_person_with_a_reason():
    with pytest.raises(MoveRefused, match="Not yet"):
        plan_move("delivery", "open", "exit", unmet_gates=["exit_criteria_met"], reason="Good inspection")
    with pytest.raises(MoveRefused, match="Only the head of service"):
        plan_move("delivery", "open", "exit", unmet_gates=["exit_criteria_met"], reason="Good inspection", skip=True)
    with pytest.raises(MoveRefused, match="reason"):
        plan_move("diagnosis", "open", "finish_diagnosis", unmet_gates=["priorities_recorded"], skip=True,
                  may_skip=True)
    outcome = plan_move("delivery", "open", "exit", unmet_gates=["exit_criteria_met"], skip=True, may_skip=True,
                        reason="Ofsted judged the school good in every area")
    assert outcome.skipped_gates == ("exit_criteria_met",) and outcome.to_status == Status.CLOSED


def test_moves_that_need_a_reason_refuse_without_one():
    for name, move in MOVES.items():
        if move.reason_required:
            stage = next(iter(move.sources))
            status = next(iter(move.from_status))
            with pytest.raises(MoveRefused, match="reason"):
                plan_move(stage, status, name, reason="   ")


def test_every_target_is_a_reachable_state():
    for move in MOVES.values():
        for stage in move.sources:
            for status in move.from_status:
                outcome = plan_move(stage, status, move.name, reason="r")
                assert reachable(outcome.to_stage, outcome.to_status)


def test_the_ladder_needs_each_rung_below():
    assert ladder.unmet_rung("letter_of_concern", set()) == ""
    assert ladder.unmet_rung("warning_notice", set()) == "letter_of_concern"
    assert ladder.unmet_rung("interim_executive_board", {"letter_of_concern", "warning_notice"}) == "eligible"
    assert ladder.unmet_rung("academy_order_referral", {"eligible"}) == ""
    assert set(ladder.GROUNDS) == {"standards", "management", "safety"}
