"""Two (or more) people editing the same review at once, in real concurrent transactions: no update is
ever lost. Whoever saves second on an old version is told, and given the first person's version."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from school_improvement.journeys import services
from school_improvement.journeys.models import Review

from .conftest import open_a1, to_delivery

pytestmark = pytest.mark.django_db(transaction=True)


def _in_thread(fn, results, key):
    def run():
        try:
            results[key] = fn()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[key] = exc
        finally:
            connection.close()
    return threading.Thread(target=run)


def test_two_people_saving_the_same_review_at_once_one_wins_and_the_other_is_shown_it(world):
    journey = to_delivery(world, open_a1(world))
    objective = journey.objectives.get()
    review = services.review_start(actor=world.user("adviser"), journey=journey, held_on=timezone.localdate())
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def save(person: str, rag: str):
        def call():
            mine = Review.objects.get(pk=review.pk)  # both read version 1
            barrier.wait()
            return services.review_save(actor=world.user(person), review=mine, version=mine.version,
                                        summary=f"{person}'s summary", next_review_on=None,
                                        ratings={objective.pk: (rag, f"{person}'s evidence")})
        return call

    threads = [_in_thread(save("adviser", "green"), results, "adviser"),
               _in_thread(save("head_of_service", "red"), results, "head_of_service")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    outcomes = {k: type(v).__name__ for k, v in results.items()}
    assert sorted(outcomes.values()) == ["Review", "StaleEdit"], results
    winner = next(k for k, v in results.items() if isinstance(v, Review))
    loser = next(k for k, v in results.items() if isinstance(v, services.StaleEdit))
    current = results[loser].current
    assert current.version == 2 and current.summary == f"{winner}'s summary"  # the loser is shown the winner's
    stored = Review.objects.get(pk=review.pk)
    assert stored.summary == f"{winner}'s summary"
    assert stored.ratings.get().evidence == f"{winner}'s evidence"


def test_concurrent_editors_who_retry_on_a_stale_edit_never_lose_an_update(world):
    journey = to_delivery(world, open_a1(world))
    review = services.review_start(actor=world.user("adviser"), journey=journey, held_on=timezone.localdate())
    people = ["adviser", "head_of_service"] * 3
    barrier = threading.Barrier(len(people))
    results: dict[str, object] = {}
    stale_counts: dict[str, int] = {}

    def add_line(index: int, person: str):
        def call():
            barrier.wait()
            for _attempt in range(50):
                current = Review.objects.get(pk=review.pk)
                try:
                    return services.review_save(actor=world.user(person), review=current, version=current.version,
                                                summary=(current.summary + f"\nline {index}").strip(),
                                                next_review_on=None, ratings={})
                except services.StaleEdit:
                    stale_counts[str(index)] = stale_counts.get(str(index), 0) + 1
            raise AssertionError("never saved")
        return call

    threads = [_in_thread(add_line(i, p), results, str(i)) for i, p in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(isinstance(v, Review) for v in results.values()), results
    stored = Review.objects.get(pk=review.pk)
    assert sorted(stored.summary.split("\n")) == [f"line {i}" for i in range(len(people))]
    assert stored.version == 1 + len(people)
    assert sum(stale_counts.values()) >= 1  # they really did collide
