"""The dossier page's handover section (see haven/meldcode/sections.py): where the dossier came
from, notices to new teachers, handover packages."""

from collections.abc import Mapping, Sequence
from typing import Any

from haven.access.policy import Actor
from haven.handover import queries
from haven.meldcode.queries import Dossier
from haven.meldcode.sections import Section


def load(actor: Actor, dossier: Dossier, rows: Sequence[list[Any]]) -> Mapping[str, Any] | None:
    return {"h": queries.for_case(actor, dossier, rows)}


SECTION = Section(
    name="handover", order=30, template="handover/_case_section.html", load=load, reads=queries.dossier_reads
)
