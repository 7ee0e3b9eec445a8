"""Tasks ("Mijn taken"): what needs a person now, gathered from every part of Haven.

Each app keeps its providers in `<app>/providers.py` and registers them in its AppConfig.ready().
A provider gets the acting person and today's date and returns that person's tasks; it must use
policy-scoped queries, so a task never points at something the person may not open. Titles are
short and may name a pupil (the page is for the person themself); reminder e-mails never show them
(see haven/tasks/reminders.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from haven.access.policy import Actor


@dataclass(frozen=True)
class Task:
    key: str  # stable and unique, e.g. "evaluation:12": reminders are sent once per key and person
    kind: str  # what sort of task, e.g. "evaluation_due"
    title: str
    url: str
    due: date | None = None
    overdue: bool = False


Provider = Callable[[Actor, date], list[Task]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Use as a decorator on a provider function; registering twice is harmless."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def tasks_for(actor: Actor, today: date) -> list[Task]:
    tasks = [task for provider in _providers for task in provider(actor, today)]
    # Overdue first, then by due date (undated last), then by title.
    return sorted(tasks, key=lambda t: (not t.overdue, t.due is None, t.due or date.max, t.title))


def is_due(task: Task, today: date) -> bool:
    """Overdue, or due today or earlier: what the page lists under "today" and the reminders mention."""
    return task.overdue or (task.due is not None and task.due <= today)
