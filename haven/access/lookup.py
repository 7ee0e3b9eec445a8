"""The one scoped lookup: what the actor may not reach does not seem to exist (404), and the
attempt is audited as a denied read when the object does exist elsewhere (another school, another
dossier). Every query module's `get_…(actor, pk)` goes through `scoped_get`."""

from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from haven.access.policy import Actor
from haven.audit.models import AuditEvent
from haven.audit.services import record_event

M = TypeVar("M", bound=Model)


def _the_object(existing: Model) -> dict[str, Any]:
    return {"obj": existing}


def scoped_get(
    actor: Actor,
    scoped: QuerySet[M] | Sequence[M],
    pk: int,
    *,
    action: str,
    about: Callable[[M], dict[str, Any]] = _the_object,
    unscoped: QuerySet[M] | None = None,
) -> M:
    """The object `pk` among `scoped` (the actor's policy-scoped queryset, or the rows a scoped
    lookup of `pk` already returned, such as a prepared query's), else Http404.

    When `pk` exists outside the actor's scope, a denied read `action` is recorded first, with the
    audit references `about(existing)` gives (`obj`, `case`, `pupil`: the record_event arguments;
    by default the object itself). `unscoped` is where that existing object is looked up (by
    default the model's manager), e.g. with a `select_related` for what `about` reads."""
    found = scoped.filter(pk=pk).first() if isinstance(scoped, QuerySet) else next(iter(scoped), None)
    if found is not None:
        return found
    if unscoped is None:
        if not isinstance(scoped, QuerySet):
            raise TypeError("scoped_get needs `unscoped` when `scoped` is rows, not a queryset.")
        unscoped = scoped.model._default_manager.all()
    _deny(actor, unscoped.filter(pk=pk).first(), action, about)


def _deny(actor: Actor, existing: M | None, action: str, about: Callable[[M], dict[str, Any]]) -> NoReturn:
    if existing is not None:
        record_event(actor, action, kind=AuditEvent.Kind.READ, outcome=AuditEvent.Outcome.DENIED, **about(existing))
    raise Http404
