"""Keeping a built monitoring, and its rendered sections, between views of the same scope and period.

The figures change only when a school is counted again (`refresh_school`: the nightly
`refresh_insights` or "Update the figures") or public figures are imported. Between those moments
every view of one scope and period shows the same tables, and building them (reading every rollup of
the scope's schools for ten periods) and rendering them cost most of the page. So both are kept in
Django's cache under a key made of everything they are built from: the scope (its schools, units and
names), the period, today, the threshold, the language, when the scope's schools were last counted and
when its public figures were last changed. A new count or import makes a new key, so the page is never
older than the count it shows; the expiry (`HAVEN_INSIGHTS_CACHE_SECONDS`) only bounds what a rename
of a municipality would leave for a while. The cache holds aggregates only, like the pages.
"""

import hashlib
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Min
from django.utils.translation import get_language

from haven.insights.models import PublicFigure, RollupState
from haven.insights.periods import Period
from haven.insights.scopes import Kind, Scope

PREFIX = "haven-insights"
T = TypeVar("T")


def key_of(scope: Scope, period: Period, *, today: date, threshold: int) -> str:
    """The cache key of a scope's monitoring: one or two small aggregate queries ("" with the cache off)."""
    if settings.HAVEN_INSIGHTS_CACHE_SECONDS <= 0:
        return ""
    state = RollupState.objects.filter(school_id__in=list(scope.school_ids)).aggregate(
        first=Min("refreshed_at"), last=Max("refreshed_at"), counted=Count("pk")
    )
    parts: list[object] = [
        repr(scope),
        period.kind,
        period.year,
        today.isoformat(),
        threshold,
        get_language(),
        state["first"],
        state["last"],
        state["counted"],
    ]
    if scope.kind in (Kind.MUNICIPALITY, Kind.REGION):
        published = PublicFigure.objects.filter(municipality_id__in=list(scope.municipality_ids)).aggregate(
            changed=Max("updated_at"), rows=Count("pk")
        )
        parts += [published["changed"], published["rows"]]
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"{PREFIX}:{digest}"


def kept(key: str, part: str, make: Callable[[], T]) -> T:
    """`make()`, or what it made before for this key; with HAVEN_INSIGHTS_CACHE_SECONDS 0, always `make()`."""
    seconds = settings.HAVEN_INSIGHTS_CACHE_SECONDS
    if seconds <= 0 or not key:
        return make()
    name = f"{key}:{part}"
    value = cache.get(name)
    if value is None:
        value = make()
        cache.set(name, value, seconds)
    return value
