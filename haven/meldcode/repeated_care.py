"""Reads of repeated care (hermelding), scoped by the access policy like `haven.meldcode.queries`:
only dossiers the person may open count (`visible_cases`), so nobody learns of a dossier through
it. The rule itself is pure: `haven.meldcode.repeat`.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from haven.access.policy import Actor
from haven.infrastructure.prepared import ActorQuery
from haven.meldcode import repeat
from haven.meldcode.models import Case, Report
from haven.meldcode.queries import visible_cases
from haven.meldcode.sections import Read
from haven.organisations.models import School
from haven.pupils.queries import pupil_or_siblings, sibling_ids


def repeat_findings(
    actor: Actor, pupil_ids: set[int], today: date, *, school: School | None = None
) -> dict[int, repeat.RepeatFinding]:
    """Repeated care for each of these pupils (with their siblings), in three queries in all; two
    when the page passes the actor's `school`, loaded already, whose protocol sets the rule.

    Only dossiers the person may open count, so nobody learns of a dossier through this.
    """
    if not actor.is_staff or actor.school_id is None or not pupil_ids:
        return {}
    if school is not None and school.pk == actor.school_id:
        rule: tuple[int, int] | None = (school.repeat_threshold, school.repeat_years)
    else:
        rule = School.objects.filter(pk=actor.school_id).values_list("repeat_threshold", "repeat_years").first()
    if rule is None:
        return {}
    threshold, years = rule
    siblings = sibling_ids(actor, pupil_ids)
    everyone = set(pupil_ids) | {s for ids in siblings.values() for s in ids}
    # A dossier comes back once per report (or once without any): joining the reports is cheaper
    # to build than an EXISTS subquery, and `reported` is whether any of them was made.
    rows = (
        visible_cases(actor)
        .filter(pupil_id__in=everyone, opened_at__gte=_since(today, years))
        .order_by()  # the rule orders them
        .values_list("pk", "pupil_id", "pupil__first_name", "opened_at", "reports__made_on")
    )
    facts = (
        (pk, pupil_id, first_name, opened_at, made_on is not None)
        for pk, pupil_id, first_name, opened_at, made_on in rows
    )
    return _assess(pupil_ids, siblings, facts, threshold=threshold, years=years, today=today)


def _since(today: date, years: int) -> datetime:
    """The database narrows generously (a day's margin for the time zone); the pure rule decides."""
    return timezone.make_aware(datetime.combine(repeat.window_start(today, years) - timedelta(days=1), time.min))


def _assess(
    pupil_ids: set[int],
    siblings: dict[int, set[int]],
    rows: Iterable[tuple[int, int, str, datetime, bool]],
    *,
    threshold: int,
    years: int,
    today: date,
) -> dict[int, repeat.RepeatFinding]:
    """The pure rule for each pupil, from rows (dossier, pupil, first name, opened at, reported)."""
    dossiers: dict[int, tuple[int, date, bool]] = {}
    names: dict[int, str] = {}
    for pk, pupil_id, first_name, opened_at, reported in rows:
        names[pupil_id] = first_name
        reported = reported or (pk in dossiers and dossiers[pk][2])
        dossiers[pk] = (pupil_id, timezone.localdate(opened_at), reported)
    by_pupil: dict[int, list[tuple[int, date, bool]]] = {}
    for pk, (pupil_id, opened_on, reported) in dossiers.items():
        by_pupil.setdefault(pupil_id, []).append((pk, opened_on, reported))
    findings = {}
    for pupil_id in pupil_ids:
        facts = [repeat.DossierFact(pk, opened, reported) for pk, opened, reported in by_pupil.get(pupil_id, [])]
        # A brother or sister without a dossier in the window adds nothing (and has no name here).
        for sibling_id in sorted(siblings[pupil_id] & by_pupil.keys()):
            facts += [
                repeat.DossierFact(pk, opened, reported, sibling=names[sibling_id])
                for pk, opened, reported in by_pupil[sibling_id]
            ]
        findings[pupil_id] = repeat.assess(facts, threshold=threshold, years=years, today=today)
    return findings


# The dossier page's one pupil: their dossiers and their brothers' and sisters' in one prepared read
# (fixed shape), sent with the dossier's own reads (haven/meldcode/sections.py).
def _dossiers_around(actor: Actor, pupil_id: int, since: datetime) -> QuerySet[Case]:
    made = Report.objects.filter(case_id=OuterRef("pk"), made_on__isnull=False)
    return (
        visible_cases(actor)
        .filter(pupil_or_siblings(actor, pupil_id), opened_at__gte=since)
        .annotate(reported=Exists(made))
        .select_related("pupil")
        .only("pk", "pupil_id", "opened_at", "pupil__first_name")
        .order_by()  # the rule orders them
    )


_dossiers_around_of = ActorQuery(_dossiers_around, int, datetime)


def dossier_repeat_read(actor: Actor, case: Case, today: date) -> list[Read]:
    """The read behind `dossier_repeat_finding`, for the dossier's case (read with its school)."""
    if not actor.is_staff or actor.school_id != case.school_id:
        return []
    return [_dossiers_around_of.bound(actor, case.pupil_id, _since(today, case.school.repeat_years))]


def dossier_repeat_finding(case: Case, rows: list[Any], today: date) -> repeat.RepeatFinding:
    """Repeated care for the dossier's pupil, from the rows of `dossier_repeat_read` (cases with
    their `reported`)."""
    pupil_id = case.pupil_id
    siblings = {pupil_id: {row.pupil_id for row in rows} - {pupil_id}}
    facts = ((row.pk, row.pupil_id, row.pupil.first_name, row.opened_at, row.reported) for row in rows)
    school = case.school
    return _assess(
        {pupil_id}, siblings, facts, threshold=school.repeat_threshold, years=school.repeat_years, today=today
    )[pupil_id]
