"""The dossier page's section registry (haven/meldcode/sections.py): every app's section is known,
in its place and order, loaded once per page, and a section with nothing to show is left out."""

from contextlib import contextmanager

import pytest

from haven.meldcode import sections
from haven.meldcode.sections import Section


def test_every_app_that_extends_the_dossier_has_registered_its_section():
    assert [(s.place, s.name) for s in sections.registered()] == [
        ("links", "disclosure"),
        ("main", "signalling"),
        ("main", "followup"),
        ("main", "handover"),
    ]


class FakeDossier:
    """What the registry uses of a dossier: the rows read for the sections, and the people step."""

    def __init__(self, section_rows=None):
        self.section_rows = section_rows or {}
        self.case = "case"
        self.people_read = 0

    @contextmanager
    def people_together(self):
        yield
        self.people_read += 1


@pytest.fixture
def only(monkeypatch):
    def install(*registered: Section) -> None:
        monkeypatch.setattr(sections, "_sections", {s.name: s for s in registered})

    return install


def test_each_loader_runs_once_with_the_actor_and_the_dossier_and_sections_keep_their_order(only):
    calls = []

    def loader(label):
        def load(actor, dossier, rows):
            calls.append((label, actor, rows))
            return {"label": label}

        return load

    only(
        Section("late", 20, "late.html", loader("late"), reads=lambda actor, case: ["a read"]),
        Section("early", 10, "early.html", loader("early")),
        Section("link", 99, "link.html", loader("link"), place="links"),
    )
    dossier = FakeDossier({"late": [["row"]]})
    loaded = sections.load_sections("actor", dossier)
    assert [s.name for s in loaded["main"]] == ["early", "late"]
    assert [s.name for s in loaded["links"]] == ["link"]
    assert loaded["main"][0].context == {"label": "early"} and loaded["main"][0].template == "early.html"
    # Each loader gets the rows read for it with the dossier (none when it declares no reads).
    assert sorted(calls) == [("early", "actor", []), ("late", "actor", [["row"]]), ("link", "actor", [])]
    # The people all sections name are read in one step, after every loader ran.
    assert dossier.people_read == 1


def test_the_reads_of_every_section_are_collected_for_the_dossier(only):
    only(
        Section("a", 10, "a.html", lambda a, d, r: {}, reads=lambda actor, case: [(actor, case)]),
        Section("none", 20, "n.html", lambda a, d, r: {}),
    )
    assert sections.reads_of("actor", "case") == [("a", [("actor", "case")])]


def test_a_dossier_read_without_its_sections_reads_reads_them_when_the_sections_load(only, monkeypatch):
    fetched = []
    monkeypatch.setattr(sections, "fetch_together", lambda *reads: fetched.append(reads) or [["late row"]])
    only(Section("s", 10, "s.html", lambda a, d, rows: {"rows": rows}, reads=lambda actor, case: [("query", [1])]))
    loaded = sections.load_sections("actor", FakeDossier())
    assert fetched == [(("query", [1]),)]
    assert loaded["main"][0].context == {"rows": [["late row"]]}


def test_a_section_with_nothing_to_show_is_left_out(only):
    only(Section("empty", 10, "empty.html", lambda actor, dossier, rows: None))
    assert sections.load_sections("actor", FakeDossier()) == {"links": [], "main": []}


def test_registering_a_section_again_replaces_it(only):
    only()
    sections.register(Section("x", 10, "old.html", lambda a, d, r: {}))
    sections.register(Section("x", 5, "new.html", lambda a, d, r: {}))
    assert [(s.name, s.template) for s in sections.registered()] == [("x", "new.html")]
