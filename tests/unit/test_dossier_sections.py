"""The dossier page's section registry (haven/meldcode/sections.py): every app's section is known,
in its place and order, loaded once per page, and a section with nothing to show is left out."""

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


@pytest.fixture
def only(monkeypatch):
    def install(*registered: Section) -> None:
        monkeypatch.setattr(sections, "_sections", {s.name: s for s in registered})

    return install


def test_each_loader_runs_once_with_the_actor_and_the_dossier_and_sections_keep_their_order(only):
    calls = []

    def loader(label):
        def load(actor, dossier):
            calls.append((label, actor, dossier))
            return {"label": label}

        return load

    only(
        Section("late", 20, "late.html", loader("late")),
        Section("early", 10, "early.html", loader("early")),
        Section("link", 99, "link.html", loader("link"), place="links"),
    )
    loaded = sections.load_sections("actor", "dossier")
    assert [s.name for s in loaded["main"]] == ["early", "late"]
    assert [s.name for s in loaded["links"]] == ["link"]
    assert loaded["main"][0].context == {"label": "early"} and loaded["main"][0].template == "early.html"
    assert sorted(calls) == [("early", "actor", "dossier"), ("late", "actor", "dossier"), ("link", "actor", "dossier")]


def test_a_section_with_nothing_to_show_is_left_out(only):
    only(Section("empty", 10, "empty.html", lambda actor, dossier: None))
    assert sections.load_sections("actor", "dossier") == {"links": [], "main": []}


def test_registering_a_section_again_replaces_it(only):
    only()
    sections.register(Section("x", 10, "old.html", lambda a, d: {}))
    sections.register(Section("x", 5, "new.html", lambda a, d: {}))
    assert [(s.name, s.template) for s in sections.registered()] == [("x", "new.html")]
