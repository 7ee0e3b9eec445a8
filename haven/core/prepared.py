"""Queries compiled once per process, then run again with new values.

Django compiles a queryset to SQL each time it is evaluated. For the small reads of a busy page
(a handful of rows by an indexed key) that compilation costs several times the database's own
work: on the dossier page it was most of the time spent on SQL. A prepared query compiles its
queryset once, built with marker values, and runs the stored SQL through `raw()` with the real
values. The rows come back as the same model instances, with the fields' converters (decryption
included) applied; only the queryset's own rows are returned (no select_related, no prefetches).

Use it for fixed-shape reads on hot pages; a queryset whose SQL depends on its values (an `__in`
list, an optional filter) is not fixed-shape and stays an ordinary queryset.
"""

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)

# Marker values that no real key takes: they are found again in the compiled parameters.
_MARKER_BASE = -7_204_311_000


class PreparedQuery(Generic[M]):
    def __init__(self, build: Callable[..., QuerySet[M]], arity: int = 1) -> None:
        """`build` returns the queryset for its `arity` arguments (each used once as a plain value)."""
        self._build = build
        self._arity = arity
        self._compiled: dict[str, tuple[type[M], str, list[Any], list[int]]] = {}

    def _compile(self, alias: str) -> tuple[type[M], str, list[Any], list[int]]:
        vendor = connections[alias].vendor
        if vendor not in self._compiled:
            markers = [_MARKER_BASE - i for i in range(self._arity)]
            queryset = self._build(*markers)
            if queryset._prefetch_related_lookups or queryset.query.select_related:
                raise ValueError("A prepared query returns its own rows only: no prefetch or select_related.")
            sql, params = queryset.query.get_compiler(using=alias).as_sql()
            params = list(params)
            slots = []
            for marker in markers:
                found = [i for i, value in enumerate(params) if value == marker]
                if len(found) != 1:
                    raise ValueError("Each argument of a prepared query must appear exactly once in its SQL.")
                slots.append(found[0])
            self._compiled[vendor] = (queryset.model, sql, params, slots)
        return self._compiled[vendor]

    def __call__(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[M]:
        if len(values) != self._arity:
            raise TypeError(f"This prepared query takes {self._arity} value(s), not {len(values)}.")
        model, sql, params, slots = self._compile(using)
        bound = list(params)
        for slot, value in zip(slots, values, strict=True):
            bound[slot] = value
        return list(model._default_manager.raw(sql, bound, using=using))


def prepared(arity: int = 1) -> Callable[[Callable[..., QuerySet[M]]], PreparedQuery[M]]:
    """Decorator form: `@prepared()` over a function that builds the queryset from its arguments."""

    def wrap(build: Callable[..., QuerySet[M]]) -> PreparedQuery[M]:
        return PreparedQuery(build, arity)

    return wrap


def group_by(rows: Sequence[Any], key: str) -> dict[Any, list[Any]]:
    """Rows grouped by one attribute, keeping their order."""
    groups: dict[Any, list[Any]] = {}
    for row in rows:
        groups.setdefault(getattr(row, key), []).append(row)
    return groups
