"""Queries compiled once per process, then run again with new values.

Django compiles a queryset to SQL each time it is evaluated. For the small reads of a busy page
(a handful of rows by an indexed key) that compilation costs several times the database's own
work: on the dossier page it was most of the time spent on SQL. A prepared query compiles its
queryset once, built with marker values, keeps the SQL and what Django needs to turn rows into
model instances, and later runs the same SQL with the real values. The instances are built as
Django builds them (field converters, `select_related` objects, and `Model.from_db`, where an
`EncryptedModel` opens its encrypted values with the row's primary key); a prepared query cannot
prefetch.

`fetch_together` runs several prepared queries at once: on PostgreSQL in one round trip to the
server (psycopg's pipeline mode) instead of one each.

Use it for fixed-shape reads on hot pages; a queryset whose SQL depends on its values (an `__in`
list, an optional filter) is not fixed-shape and stays an ordinary queryset (or one prepared query
per shape).

Its one rule: a prepared query depends only on its arguments (no clock, no setting, no state read
while building). With `HAVEN_CHECK_PREPARED_QUERIES` (on with DEBUG and under pytest, off in
production) every execution also builds the queryset through the ORM with the same values and
raises `PreparedQueryDrift` when its SQL or parameters differ. docs/decisions/0005-prepared-queries.md
says why this module exists, where it may be used and what to check on a Django upgrade.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.utils import timezone

M = TypeVar("M", bound=Model)

# Marker values that no real argument takes; found again among the compiled parameters.
_MARKER_INT = -7_204_311_000
_MARKER_DAY = date(1901, 2, 3)


def _marker(kind: type, index: int) -> Any:
    if kind is int:
        return _MARKER_INT - index
    if kind is date:
        return _MARKER_DAY + timedelta(days=index)
    if kind is datetime:
        return timezone.make_aware(datetime(1901, 2, 3, 4, 5, 6, index + 1), timezone.get_fixed_timezone(0))
    raise TypeError(f"A prepared query takes int, date or datetime arguments, not {kind.__name__}.")


def _adapt(alias: str, value: Any) -> Any:
    """The value as Django passes it to the database driver (as in a compiled query's parameters)."""
    ops = connections[alias].ops
    if isinstance(value, datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return ops.adapt_datefield_value(value)
    return value


class PreparedQueryDrift(AssertionError):
    """A prepared query ran SQL other than what the ORM builds for the same values now: it reads
    something besides its arguments (the clock, a setting), so its first compilation went stale."""


@dataclass
class _Compiled:
    sql: str | None  # None: the queryset is empty whatever its values (`.none()`), nothing to run
    params: list[Any]
    slots: list[list[int]]  # per argument, its positions among the parameters
    build: Callable[[list[Any]], list[Any]]  # rows -> model instances


def _instance_builder(compiler: Any, alias: str) -> Callable[[list[Any]], list[Any]]:
    """Rows to instances as Django's ModelIterable makes them, from the compiler's select list."""
    select, klass_info, annotation_col_map = compiler.select, compiler.klass_info, compiler.annotation_col_map
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    converters = compiler.get_converters([column[0] for column in select[: compiler.col_count]])

    def build(rows: list[Any]) -> list[Any]:
        if converters:
            rows = list(compiler.apply_converters(rows, converters))
        # django-stubs 6.1 describes Django 6 (fetch_mode); Django 5.2 takes three arguments.
        related = get_related_populators(klass_info, select, alias)  # type: ignore[call-arg]
        instances = []
        for row in rows:
            instance = model.from_db(alias, init_list, row[start:end])
            for populator in related:
                populator.populate(row, instance)
            for name, position in annotation_col_map.items():
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances

    return build


class PreparedQuery(Generic[M]):
    def __init__(
        self, build: Callable[..., QuerySet[M]], *types: type, optional: int = 0, name: str | None = None
    ) -> None:
        """`build` returns the queryset for its arguments, of `types` (int, date or datetime; one int
        when none are given), each used as a plain value in the query's filters. The first
        `optional` arguments may go unused (see ActorQuery). `name` (default: `build`'s) names the
        query in a PreparedQueryDrift."""
        self._build = build
        self.name = name or f"{build.__module__}.{build.__qualname__}"
        self._types = types or (int,)
        self._optional = optional
        for index, kind in enumerate(self._types):
            _marker(kind, index)  # refuses other types now, not at the first request
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, alias: str) -> _Compiled:
        vendor = connections[alias].vendor
        if vendor not in self._compiled:
            markers = [_marker(kind, index) for index, kind in enumerate(self._types)]
            queryset = self._build(*markers)
            # Private QuerySet attributes: django-stubs does not declare them.
            if queryset._prefetch_related_lookups or queryset._fields is not None:  # type: ignore[attr-defined]
                raise ValueError(
                    "A prepared query returns model instances: no prefetch_related, values or values_list."
                )
            compiler = queryset.query.get_compiler(using=alias)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:  # empty by its shape (a `.none()` somewhere): Django runs nothing either
                self._compiled[vendor] = _Compiled(None, [], [[] for _marker in markers], lambda rows: [])
                return self._compiled[vendor]
            params = list(params)
            slots = []
            for index, marker in enumerate(markers):
                adapted = _adapt(alias, marker)
                positions = [i for i, value in enumerate(params) if value == adapted]
                if not positions and index >= self._optional:
                    raise ValueError("Each argument of a prepared query must be a value in its SQL.")
                slots.append(positions)
            self._compiled[vendor] = _Compiled(sql, params, slots, _instance_builder(compiler, alias))
        return self._compiled[vendor]

    def bind(self, values: Sequence[Any], using: str = DEFAULT_DB_ALIAS) -> tuple[_Compiled, list[Any]]:
        if len(values) != len(self._types):
            raise TypeError(f"This prepared query takes {len(self._types)} value(s), not {len(values)}.")
        compiled = self._compile(using)
        params = list(compiled.params)
        for positions, value in zip(compiled.slots, values, strict=True):
            for position in positions:
                params[position] = _adapt(using, value)
        if settings.HAVEN_CHECK_PREPARED_QUERIES:
            self._check(compiled, params, values, using)
        return compiled, params

    def _check(self, compiled: _Compiled, params: list[Any], values: Sequence[Any], using: str) -> None:
        """Refuse to run SQL other than what the ORM builds for these values now (see the module)."""
        queryset = self._build(*values)
        try:
            sql, orm_params = queryset.query.get_compiler(using=using).as_sql()
        except EmptyResultSet:
            sql, orm_params = None, ()
        if (sql, list(orm_params)) != (compiled.sql, params if compiled.sql is not None else []):
            raise PreparedQueryDrift(
                f"The prepared query {self.name} no longer matches its queryset: it must depend only on "
                "its arguments (docs/decisions/0005-prepared-queries.md).\n"
                f"prepared: {compiled.sql} {params}\nORM now:  {sql} {list(orm_params)}"
            )

    def __call__(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[M]:
        return fetch_together((self, values), using=using)[0]


class ActorQuery(Generic[M]):
    """A prepared policy-scoped read, `build(actor, *values)`: compiled once per kind of actor (the
    role and the school's protocol roles decide the shape of the SQL), with the actor's user and
    school going in as values like the others."""

    def __init__(self, build: Callable[..., QuerySet[M]], *types: type) -> None:
        self._build = build
        self._types = types
        self._per_kind: dict[Any, PreparedQuery[M]] = {}

    def __call__(self, actor: Any, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[M]:
        return fetch_together(self.bound(actor, *values), using=using)[0]

    def bound(self, actor: Any, *values: Any) -> tuple[PreparedQuery[M], list[Any]]:
        """The prepared query for this kind of actor and its values, for `fetch_together`."""
        has_school = actor.school_id is not None
        kind = replace(actor, user_id=0, school_id=0 if has_school else None)
        if kind not in self._per_kind:

            def build(user_id: int, school_id: int, *rest: Any) -> QuerySet[M]:
                return self._build(replace(kind, user_id=user_id, school_id=school_id if has_school else None), *rest)

            name = f"{self._build.__module__}.{self._build.__qualname__}"
            self._per_kind[kind] = PreparedQuery(build, int, int, *self._types, optional=2, name=name)
        return self._per_kind[kind], [actor.user_id, actor.school_id or 0, *values]


def fetch_together(*calls: tuple[PreparedQuery[Any], Sequence[Any]], using: str = DEFAULT_DB_ALIAS) -> list[list[Any]]:
    """The instances of each (prepared query, values), in order; on PostgreSQL sent in one round trip."""
    connection = connections[using]
    bound = [query.bind(values, using) for query, values in calls]
    # A queryset empty by its shape (`.none()`) runs nothing, as in Django.
    statements = [(compiled.sql, params) for compiled, params in bound if compiled.sql is not None]
    cursors = []
    try:
        if connection.vendor == "postgresql" and len(statements) > 1:
            connection.ensure_connection()
            # Django's cursors still see (and count) every statement; the pipeline only delays the
            # wait for the results until all are sent. Errors surface when it ends: as Django's.
            with connection.wrap_database_errors, connection.connection.pipeline():
                for sql, params in statements:
                    cursors.append(cursor := connection.cursor())
                    cursor.execute(sql, params)
        else:
            for sql, params in statements:
                cursors.append(cursor := connection.cursor())
                cursor.execute(sql, params)
        with connection.wrap_database_errors:
            rows = iter([cursor.fetchall() for cursor in cursors])
        return [compiled.build(next(rows) if compiled.sql is not None else []) for compiled, _params in bound]
    finally:
        for cursor in cursors:
            cursor.close()


def group_by(rows: Sequence[Any], key: str) -> dict[Any, list[Any]]:
    """Rows grouped by one attribute, keeping their order."""
    groups: dict[Any, list[Any]] = {}
    for row in rows:
        groups.setdefault(getattr(row, key), []).append(row)
    return groups
