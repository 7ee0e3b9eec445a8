"""Reads for "My tasks": the registry's tasks of one person, grouped for the page and counted."""

from dataclasses import dataclass, field
from datetime import date

from haven.access.policy import Actor
from haven.tasks.registry import Task, is_due, tasks_for


@dataclass
class MyTasks:
    overdue: list[Task] = field(default_factory=list)
    today: list[Task] = field(default_factory=list)
    later: list[Task] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.today) + len(self.later)

    def count_of(self, kind: str) -> int:
        return sum(1 for group in (self.overdue, self.today, self.later) for task in group if task.kind == kind)


def my_tasks(actor: Actor, today: date) -> MyTasks:
    """Overdue; due today (or earlier, when the provider does not call that overdue); later or undated."""
    grouped = MyTasks()
    for task in tasks_for(actor, today):
        if task.overdue:
            grouped.overdue.append(task)
        elif is_due(task, today):
            grouped.today.append(task)
        else:
            grouped.later.append(task)
    return grouped
