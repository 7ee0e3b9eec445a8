"""The vocabulary of audit actions and the one lookup of their labels.

Each app declares the actions it records as a subclass of `AuditActions` in its own
`audit_actions.py` (saleor's `OrderEvents`): the member's value is the string stored in
`AuditEvent.action`, its label the Dutch text the access log and the dossier's timeline show.
`labels()` gathers every installed app's enums once; a value declared twice is a configuration
error. `check` refuses an action that is not in it when `HAVEN_STRICT_AUDIT_ACTIONS` is on
(development and tests); `record_event` and the scale generator call it for every event.
"""

from collections.abc import Iterable
from functools import cache
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise
from django.utils.module_loading import module_has_submodule

MODULE = "audit_actions"


class UnknownAuditAction(ValueError):
    """An action no app declares in its `audit_actions.py`: it would show in the log without a label."""


class AuditActions(models.TextChoices):
    """Base of every app's audit actions; it has no members of its own."""


def gather(enums: Iterable[type[AuditActions]]) -> dict[str, str | Promise]:
    """Every member's value with its label; the same value in two places raises."""
    found: dict[str, str | Promise] = {}
    where: dict[str, str] = {}
    for enum in enums:
        for member in enum:
            if member.value in found:
                raise ImproperlyConfigured(
                    f"Audit action {member.value!r} is declared in {where[member.value]} and in {enum.__qualname__}."
                )
            found[member.value] = member.label
            where[member.value] = enum.__qualname__
    return found


def declared() -> list[type[AuditActions]]:
    """The `AuditActions` enums in the `audit_actions` module of every installed app."""
    enums: list[type[AuditActions]] = []
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, MODULE):
            continue
        module = import_module(f"{config.name}.{MODULE}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, AuditActions)
                and value is not AuditActions
                and value.__module__ == module.__name__
            ):
                enums.append(value)
    return enums


@cache
def labels() -> dict[str, str | Promise]:
    return gather(declared())


def is_known(action: str) -> bool:
    return str(action) in labels()


def check(action: str) -> None:
    if settings.HAVEN_STRICT_AUDIT_ACTIONS and not is_known(action):
        raise UnknownAuditAction(f"Declare {action!r} in an app's audit_actions.py, with its label.")


def label(action: str) -> str:
    """The action's label in the active language; an action nobody declared shows as it is stored."""
    return str(labels().get(str(action), action))
