"""The sections other apps add to the dossier page, registered like the task providers.

The dossier page (`haven.meldcode.views.case_detail`) reads the dossier once
(`haven.meldcode.queries.load_dossier`: access checked, the read audited), then asks this registry
once: every section's loader runs with the acting person and that dossier, does its own app's
queries, and returns what its template shows. The templates only render what they get: no template
tag on the dossier page reads the database.

Each app declares its section in `<app>/dossier_sections.py` and registers it in its
AppConfig.ready(). The sections, by place and order:

  place "links" (under the dossier's actions, above the five steps):
    10 disclosure   haven/disclosure/dossier_sections.py  the link to prepare parents' access
  place "main" (after the five steps and the closing, before the members and the timeline):
    10 signalling   haven/meldcode/dossier_sections.py    repeated care, planned conversations,
                                                          the verwijsindex
    20 followup     haven/followup/dossier_sections.py    feedback from Veilig Thuis, help plans
                                                          and their evaluation moments (question 5)
    30 handover     haven/handover/dossier_sections.py    where the dossier came from, notices to
                                                          new teachers, handover packages

A loader may return None: the section is then left out. It must not read what the dossier holds
already (use `dossier.signals`, `dossier.reports`, ...), and names people through
`dossier.attach_people`, so that the people a page names are read once.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from haven.access.policy import Actor

if TYPE_CHECKING:
    from haven.meldcode.queries import Dossier

Place = Literal["links", "main"]
PLACES: tuple[Place, ...] = ("links", "main")

Loader = Callable[[Actor, "Dossier"], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Section:
    name: str  # unique, e.g. "followup"
    order: int  # within its place, lowest first
    template: str  # rendered with the loader's context added to the page's
    load: Loader
    place: Place = "main"


@dataclass(frozen=True)
class LoadedSection:
    name: str
    template: str
    context: Mapping[str, Any]


_sections: dict[str, Section] = {}


def register(section: Section) -> Section:
    """Add a section (from its app's AppConfig.ready()); registering it again replaces it."""
    _sections[section.name] = section
    return section


def registered() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: (PLACES.index(s.place), s.order, s.name))


def load_sections(actor: Actor, dossier: "Dossier") -> dict[Place, list[LoadedSection]]:
    """Every registered section's data for this dossier, loaded once, per place in order."""
    loaded: dict[Place, list[LoadedSection]] = {place: [] for place in PLACES}
    for section in registered():
        context = section.load(actor, dossier)
        if context is not None:
            loaded[section.place].append(LoadedSection(section.name, section.template, context))
    return loaded
