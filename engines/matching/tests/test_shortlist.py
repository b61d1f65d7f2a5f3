"""Shortlists: the best three allowed providers, ranked as the plan ranks them, with reasons."""

from __future__ import annotations

import random

from engines.matching import Need, Provider, Settings, shortlist


def need(days: int = 3) -> Need:
    return Need(
        id="n1",
        school_urn=100,
        area="early_reading",
        phase="primary",
        days=days,
        priority=2,
        easting=400_000.0,
        northing=200_000.0,
    )


def provider(id: str, fit: float, km: float, days: int = 5, **kw) -> Provider:
    return Provider(
        id=id,
        kind=kw.pop("kind", "NLE"),
        expertise={"early_reading": fit},
        phases=frozenset({"primary"}),
        days_available=days,
        easting=400_000.0 + km * 1000,
        northing=200_000.0,
        **kw,
    )


PROVIDERS = [
    provider("near_good", 0.6, 2),
    provider(
        "far_strong",
        0.9,
        35,
        evidence={"early_reading": "Phonics screening check 95%, top 5% nationally"},
    ),
    provider("mid_strong", 0.9, 12, days=2, kind="SLE"),
    provider("too_far", 1.0, 41),
    provider("own_trust", 1.0, 1, trust_uid="T1"),
    provider("weak", 0.2, 1),
]


def test_the_three_best_are_ranked_by_fit_then_distance():
    n = Need(**{**need().__dict__, "trust_uid": "T1"})
    found = shortlist(n, PROVIDERS)
    assert [c.provider_id for c in found] == ["mid_strong", "far_strong", "near_good"]
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    assert found[0].distance_km == 12.0
    assert found[0].capacity_left == 2


def test_reasons_say_fit_evidence_distance_and_capacity():
    found = {c.provider_id: c for c in shortlist(need(), PROVIDERS, k=6)}
    strong = found["far_strong"].reasons
    assert strong[0] == "Strong expertise in early reading (fit 0.90 out of 1)."
    assert "Phonics screening check 95%, top 5% nationally" in strong[1]
    assert "35.0 km from the school, within the council's 40 km limit." in strong
    assert "5 days free, enough for all 3 days needed." in strong
    assert "National leader of education" in strong[-1]
    partial = found["mid_strong"].reasons
    assert "2 days free, so can cover 2 of the 3 days needed." in partial
    assert "Specialist leader of education" in partial[-1]
    assert found["weak"].reasons[0].startswith("Some expertise")


def test_conflicted_far_and_full_providers_are_left_out():
    s = Settings(locked=(("other", "near_good", 5),), rejected=frozenset({("n1", "weak")}))
    found = [c.provider_id for c in shortlist(need(), PROVIDERS, s, k=10)]
    assert "too_far" not in found
    assert "near_good" not in found  # all its days are locked elsewhere
    assert "weak" not in found
    assert "own_trust" in found  # the need is in no trust here


def test_ties_break_by_days_left_then_id_whatever_the_order():
    tied = [provider(f"p{k}", 0.7, 5, days=3) for k in range(5)] + [provider("z", 0.7, 5, days=9)]
    shuffled = tied[:]
    random.Random(1).shuffle(shuffled)
    assert [c.provider_id for c in shortlist(need(), shuffled)] == ["z", "p0", "p1"]


def test_no_allowed_provider_gives_an_empty_shortlist():
    assert shortlist(need(), [provider("too_far", 1.0, 90)]) == []
