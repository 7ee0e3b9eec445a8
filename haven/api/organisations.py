"""Which organisation a key belongs to, and which schools it speaks for."""

from django.db.models import QuerySet

from haven.access.policy import Actor
from haven.access.roles import Role
from haven.api.models import ApiKey
from haven.api.scopes import OrganisationKind
from haven.insights.models import Region
from haven.organisations.models import School


def organisation_of(actor: Actor) -> tuple[OrganisationKind, int] | None:
    """The organisation whose keys this administrator manages: the functional administrator's
    school, the policy officer's board, municipality or region."""
    if actor.role == Role.FUNCTIONAL_ADMIN and actor.school_id is not None:
        return OrganisationKind.SCHOOL, actor.school_id
    if actor.role == Role.BOARD_ANALYST and actor.board_id is not None:
        return OrganisationKind.BOARD, actor.board_id
    if actor.role == Role.MUNICIPALITY_ANALYST and actor.municipality_id is not None:
        return OrganisationKind.MUNICIPALITY, actor.municipality_id
    if actor.role == Role.REGION_ANALYST and actor.region_id is not None:
        return OrganisationKind.REGION, actor.region_id
    return None


def organisation_name(kind: str, org_id: int) -> str:
    from haven.organisations.models import Board, Municipality

    model = {"school": School, "board": Board, "municipality": Municipality, "region": Region}[kind]
    found = model.objects.filter(pk=org_id).first()  # type: ignore[attr-defined]
    return str(found) if found is not None else ""


def schools_of(key: ApiKey) -> QuerySet[School]:
    """The schools a key speaks for: its school, the board's or the municipality's schools, or the
    schools of the region's municipalities."""
    if key.kind == OrganisationKind.SCHOOL:
        return School.objects.filter(pk=key.organisation_id)
    if key.kind == OrganisationKind.BOARD:
        return School.objects.filter(board_id=key.organisation_id)
    if key.kind == OrganisationKind.MUNICIPALITY:
        return School.objects.filter(municipality_id=key.organisation_id)
    return School.objects.filter(municipality__regions=key.organisation_id)


def analyst_actor(key: ApiKey) -> Actor | None:
    """The policy officer's view of the key's organisation (for the monitoring's scope): the same
    figures, suppressed the same way, as the organisation's policy officer sees on the pages.
    No such view for a school's or a board's key (the aggregates scope is a municipality's or a region's)."""
    if key.kind == OrganisationKind.MUNICIPALITY:
        return Actor(user_id=0, role=Role.MUNICIPALITY_ANALYST, municipality_id=key.municipality_id)
    if key.kind == OrganisationKind.REGION:
        return Actor(user_id=0, role=Role.REGION_ANALYST, region_id=key.region_id)
    return None
