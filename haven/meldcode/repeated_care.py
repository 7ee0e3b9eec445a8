"""Reads of repeated care (hermelding), scoped by the access policy like `haven.meldcode.queries`:
only dossiers the person may open count (`visible_cases`), so nobody learns of a dossier through
it. The rule itself is pure: `haven.meldcode.repeat`.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from haven.access.policy import Actor
from haven.meldcode import repeat
from haven.meldcode.queries import visible_cases
from haven.organisations.models import School
from haven.pupils.queries import sibling_ids


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
    # The database narrows generously (a day's margin for the time zone); the pure rule decides.
    since = repeat.window_start(today, years) - timedelta(days=1)
    # A dossier comes back once per report (or once without any): joining the reports is cheaper
    # to build than an EXISTS subquery, and `reported` is whether any of them was made.
    rows = (
        visible_cases(actor)
        .filter(pupil_id__in=everyone, opened_at__gte=timezone.make_aware(datetime.combine(since, time.min)))
        .order_by()  # the rule orders them
        .values_list("pk", "pupil_id", "pupil__first_name", "opened_at", "reports__made_on")
    )
    dossiers: dict[int, tuple[int, date, bool]] = {}
    names: dict[int, str] = {}
    for pk, pupil_id, first_name, opened_at, made_on in rows:
        names[pupil_id] = first_name
        reported = made_on is not None or (pk in dossiers and dossiers[pk][2])
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
