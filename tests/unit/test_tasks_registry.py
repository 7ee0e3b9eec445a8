"""The task registry: every provider's tasks for one person, in the order the page and mails use.

Pure: providers are plain functions here; the registry's own list is swapped for the test.
"""

from datetime import date, timedelta

import pytest

from haven.access.policy import Actor
from haven.access.roles import Role
from haven.tasks import registry
from haven.tasks.registry import Task, is_due, register, tasks_for

TODAY = date(2026, 3, 11)
ACTOR = Actor(user_id=1, school_id=1, role=Role.CARE_COORDINATOR)


@pytest.fixture(autouse=True)
def empty_registry(monkeypatch):
    monkeypatch.setattr(registry, "_providers", [])


def task(key, title="Taak", due=None, overdue=False):
    return Task(key=key, kind="test", title=title, url=f"/{key}/", due=due, overdue=overdue)


def provider_of(*tasks):
    return lambda actor, today: list(tasks)


def keys(tasks):
    return [t.key for t in tasks]


def test_no_providers_no_tasks():
    assert tasks_for(ACTOR, TODAY) == []


def test_overdue_first_then_by_due_date_undated_last_ties_by_title():
    register(
        provider_of(
            task("undated-b", title="B"),
            task("later", due=TODAY + timedelta(days=5)),
            task("today", due=TODAY),
            task("overdue-recent", due=TODAY - timedelta(days=1), overdue=True),
        )
    )
    register(
        provider_of(
            task("undated-a", title="A"),
            task("overdue-old", due=TODAY - timedelta(days=30), overdue=True),
            task("tomorrow-z", title="Z", due=TODAY + timedelta(days=1)),
            task("tomorrow-a", title="A", due=TODAY + timedelta(days=1)),
        )
    )
    assert keys(tasks_for(ACTOR, TODAY)) == [
        "overdue-old",
        "overdue-recent",
        "today",
        "tomorrow-a",
        "tomorrow-z",
        "later",
        "undated-a",
        "undated-b",
    ]


def test_an_overdue_task_without_a_date_comes_after_the_dated_overdue_ones_but_before_today():
    register(
        provider_of(
            task("today", due=TODAY), task("overdue-undated", overdue=True), task("overdue", due=TODAY, overdue=True)
        )
    )
    assert keys(tasks_for(ACTOR, TODAY)) == ["overdue", "overdue-undated", "today"]


def test_every_provider_gets_the_actor_and_the_date():
    seen = []

    def provider(actor, today):
        seen.append((actor, today))
        return []

    register(provider)
    tasks_for(ACTOR, TODAY)
    assert seen == [(ACTOR, TODAY)]


def test_registering_a_provider_twice_gives_its_tasks_once():
    provider = provider_of(task("one"))
    assert register(provider) is provider
    register(provider)
    assert keys(tasks_for(ACTOR, TODAY)) == ["one"]


@pytest.mark.parametrize(
    ("due", "overdue", "expected"),
    [
        (None, False, False),
        (None, True, True),
        (TODAY, False, True),
        (TODAY - timedelta(days=3), False, True),
        (TODAY - timedelta(days=3), True, True),
        (TODAY + timedelta(days=1), False, False),
    ],
)
def test_is_due_means_overdue_or_due_today_or_earlier(due, overdue, expected):
    assert is_due(task("t", due=due, overdue=overdue), TODAY) is expected
