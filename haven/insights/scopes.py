"""Whose figures an actor sees: the schools in scope and how they may be broken down.

- The AF and the school leader: their own school, exact (they may read its dossiers anyway).
- A board's policy officer: the board's schools together and, from MIN_SCHOOLS schools up, per
  school (suppressed). A board with fewer schools is shown only merged with the other schools of
  its municipalities, so its totals are never one school's figures.
- A municipality's policy officer: the municipality's schools, per school from MIN_SCHOOLS up.
- A region's policy officer: per municipality side by side and the region together.
"""

from dataclasses import dataclass, field

from haven.access.policy import Actor
from haven.access.roles import Role
from haven.insights.models import Region
from haven.insights.suppression import MIN_SCHOOLS
from haven.organisations.models import Municipality, School


class Kind:
    SCHOOL = "school"
    BOARD = "board"
    MUNICIPALITY = "municipality"
    REGION = "region"


@dataclass(frozen=True)
class Unit:
    """A column of the breakdown: one school, or one municipality's schools."""

    name: str
    school_ids: tuple[int, ...]
    municipality_id: int | None = None


@dataclass(frozen=True)
class Scope:
    kind: str
    name: str
    school_ids: tuple[int, ...]
    # The breakdown shown beside the total (schools or municipalities); empty when there is none.
    units: tuple[Unit, ...] = ()
    # The school's own page: exact figures, no suppression.
    exact: bool = False
    # A small board shown merged with the other schools of its municipalities: their names.
    merged_with: tuple[str, ...] = ()
    municipality_ids: tuple[int, ...] = field(default=())

    @property
    def shown(self) -> bool:
        """Suppressed scopes show figures only over enough schools."""
        return self.exact or len(self.school_ids) >= MIN_SCHOOLS


def _per_school(schools: list[School]) -> tuple[Unit, ...]:
    if len(schools) < MIN_SCHOOLS:
        return ()
    return tuple(Unit(school.name, (school.pk,), school.municipality_id) for school in schools)


def scope_of(actor: Actor) -> Scope | None:
    """The actor's scope, or None when they have no insights at all."""
    if actor.role in (Role.SAFEGUARDING_LEAD, Role.SCHOOL_LEADER) and actor.school_id is not None:
        school = School.objects.only("name", "municipality_id").get(pk=actor.school_id)
        return Scope(Kind.SCHOOL, school.name, (school.pk,), exact=True, municipality_ids=(school.municipality_id,))
    if actor.role == Role.BOARD_ANALYST and actor.board_id is not None:
        schools = list(School.objects.filter(board_id=actor.board_id).select_related("board").order_by("name"))
        name = schools[0].board.name if schools else ""
        municipality_ids = tuple(sorted({s.municipality_id for s in schools}))
        if len(schools) >= MIN_SCHOOLS:
            return Scope(
                Kind.BOARD,
                name,
                tuple(s.pk for s in schools),
                units=_per_school(schools),
                municipality_ids=municipality_ids,
            )
        merged = list(School.objects.filter(municipality_id__in=municipality_ids).order_by("name"))
        names = tuple(Municipality.objects.filter(pk__in=municipality_ids).values_list("name", flat=True))
        return Scope(
            Kind.BOARD, name, tuple(s.pk for s in merged), merged_with=names, municipality_ids=municipality_ids
        )
    if actor.role == Role.MUNICIPALITY_ANALYST and actor.municipality_id is not None:
        municipality = Municipality.objects.get(pk=actor.municipality_id)
        schools = list(School.objects.filter(municipality=municipality).order_by("name"))
        return Scope(
            Kind.MUNICIPALITY,
            municipality.name,
            tuple(s.pk for s in schools),
            units=_per_school(schools),
            municipality_ids=(municipality.pk,),
        )
    if actor.role == Role.REGION_ANALYST and actor.region_id is not None:
        region = Region.objects.get(pk=actor.region_id)
        municipalities = list(region.municipalities.order_by("name"))
        schools = list(School.objects.filter(municipality__in=municipalities).only("pk", "municipality_id"))
        units = tuple(
            Unit(m.name, tuple(s.pk for s in schools if s.municipality_id == m.pk), m.pk) for m in municipalities
        )
        return Scope(
            Kind.REGION,
            region.name,
            tuple(s.pk for s in schools),
            units=units,
            municipality_ids=tuple(m.pk for m in municipalities),
        )
    return None
