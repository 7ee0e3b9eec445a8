"""Reads of pupils scoped to the actor's school: the school's pupils, and their brothers and sisters
(the functional administrator's pupil page, and repeated care). Each function makes a fixed number
of queries.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from haven.access.policy import Actor
from haven.pupils.models import Pupil, PupilQuerySet, Sibling
from haven.pupils.names import sort_key


def school_pupils(actor: Actor) -> PupilQuerySet:
    """The pupils of the actor's school, for pick lists and searches; none for someone without a
    role there. A pupil who has left (`left_on`, set by the import) is not among them: their
    dossiers stay, read through the dossier."""
    if actor.school_id is None or actor.role is None:
        return Pupil.objects.none()
    return Pupil.objects.filter(school_id=actor.school_id, left_on__isnull=True)


def managed_pupils(actor: Actor) -> PupilQuerySet:
    """Every pupil of the actor's school, those who have left too: what the functional administrator manages."""
    if actor.school_id is None or actor.role is None:
        return Pupil.objects.none()
    return Pupil.objects.filter(school_id=actor.school_id)


def sibling_ids(actor: Actor, pupil_ids: set[int]) -> dict[int, set[int]]:
    """For each pupil: the ids of their linked brothers and sisters, in one query."""
    result: dict[int, set[int]] = {pk: set() for pk in pupil_ids}
    if actor.school_id is None or not pupil_ids:
        return result
    links = Sibling.objects.filter(school_id=actor.member_school_id).filter(
        Q(pupil_a_id__in=pupil_ids) | Q(pupil_b_id__in=pupil_ids)
    )
    for a, b in links.order_by().values_list("pupil_a_id", "pupil_b_id"):
        if a in result:
            result[a].add(b)
        if b in result:
            result[b].add(a)
    return result


def pupil_or_siblings(actor: Actor, pupil_id: Any, field: str = "pupil_id") -> Q:
    """A filter on `field`: this pupil or one of their linked brothers and sisters, as subqueries of
    a fixed shape (for prepared reads, where an `__in` list of ids would change the SQL)."""
    links = Sibling.objects.filter(school_id=actor.member_school_id)
    return (
        Q(**{field: pupil_id})
        | Q(**{f"{field}__in": links.filter(pupil_a_id=pupil_id).values("pupil_b_id")})
        | Q(**{f"{field}__in": links.filter(pupil_b_id=pupil_id).values("pupil_a_id")})
    )


def sibling_links(actor: Actor, pupil: Pupil) -> list[tuple[Sibling, Pupil]]:
    """The pupil's links to brothers and sisters, each with the other pupil."""
    links = (
        Sibling.objects.filter(school_id=actor.member_school_id)
        .filter(Q(pupil_a=pupil) | Q(pupil_b=pupil))
        .select_related("pupil_a", "pupil_b")
    )
    pairs = [(link, link.pupil_b if link.pupil_a_id == pupil.pk else link.pupil_a) for link in links]
    return sorted(pairs, key=lambda pair: (*sort_key(pair[1].first_name, pair[1].last_name), pair[1].pk))


def sibling_candidates(actor: Actor, pupil: Pupil) -> QuerySet[Pupil]:
    linked = Sibling.objects.filter(Q(pupil_a=pupil) | Q(pupil_b=pupil))
    return (
        school_pupils(actor)
        .exclude(pk=pupil.pk)
        .exclude(pk__in=linked.values("pupil_a_id"))
        .exclude(pk__in=linked.values("pupil_b_id"))
        .in_name_order()
    )


def get_sibling_link(actor: Actor, pupil: Pupil, pk: int) -> Sibling:
    link = (
        Sibling.objects.filter(school_id=actor.member_school_id)
        .filter(Q(pupil_a=pupil) | Q(pupil_b=pupil), pk=pk)
        .first()
    )
    if link is None:
        raise Http404
    return link
