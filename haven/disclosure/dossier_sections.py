"""The dossier page's link to prepare parents' access (see haven/meldcode/sections.py)."""

from collections.abc import Mapping, Sequence
from typing import Any

from haven.access.policy import Actor, has_permission
from haven.meldcode.queries import Dossier
from haven.meldcode.sections import Section


def load(actor: Actor, dossier: Dossier, rows: Sequence[list[Any]]) -> Mapping[str, Any] | None:
    """The link shows for those who may prepare access (the prepare page decides again)."""
    return {"pupil": dossier.case.pupil, "allowed": has_permission(actor, "pupil.disclose")}


SECTION = Section(name="disclosure", order=10, template="disclosure/_link.html", load=load, place="links")
