"""The sections other apps add to the dossier page, registered like the task providers.

The dossier page (`haven.meldcode.views.case_detail`) reads the dossier once
(`haven.meldcode.queries.load_dossier(..., sections=True)`: access checked, the read audited). A
section declares its reads (`reads(actor, case)`: prepared queries and their values), and those
go to the database together with the dossier's own records, in one round trip on PostgreSQL.
Then the view asks this registry once: every section's loader runs with the acting person, that
dossier and the rows of its reads, and returns what its template shows. The people the sections
name are read together, in one query after all loaders ran. The templates only render what they
get: no template tag on the dossier page reads the database.

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
already (use `dossier.signals`, `dossier.reports`, ...), reads through its `reads` (not queries of
its own), and names people through `dossier.attach_people`, so that the people a page names are
read at most twice (the dossier's, then the sections').
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from haven.access.policy import Actor
from haven.infrastructure.prepared import PreparedQuery, fetch_together

if TYPE_CHECKING:
    from haven.meldcode.models import Case
    from haven.meldcode.queries import Dossier

Place = Literal["links", "main"]
PLACES: tuple[Place, ...] = ("links", "main")

Read = tuple[PreparedQuery[Any], Sequence[Any]]
# What a section reads for this person and dossier, sent with the dossier's own reads.
Reads = Callable[[Actor, "Case"], Sequence[Read]]
# The section's data from the dossier and the rows of its reads (one list per read, in order).
Loader = Callable[[Actor, "Dossier", Sequence[list[Any]]], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Section:
    name: str  # unique, e.g. "followup"
    order: int  # within its place, lowest first
    template: str  # rendered with the loader's context added to the page's
    load: Loader
    place: Place = "main"
    reads: Reads | None = None


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


def reads_of(actor: Actor, case: "Case") -> list[tuple[str, Sequence[Read]]]:
    """Every section's reads for this person and dossier, for `read_dossier` to send together."""
    return [(s.name, s.reads(actor, case)) for s in registered() if s.reads is not None]


def load_sections(actor: Actor, dossier: "Dossier") -> dict[Place, list[LoadedSection]]:
    """Every registered section's data for this dossier, loaded once, per place in order."""
    loaded: dict[Place, list[LoadedSection]] = {place: [] for place in PLACES}
    with dossier.people_together():
        for section in registered():
            rows = dossier.section_rows.get(section.name)
            if rows is None:
                # A dossier read without its sections' reads (not the dossier page): read them now.
                rows = fetch_together(*section.reads(actor, dossier.case)) if section.reads is not None else []
            context = section.load(actor, dossier, rows)
            if context is not None:
                loaded[section.place].append(LoadedSection(section.name, section.template, context))
    return loaded
