"""The interface is Dutch: every message has a Dutch translation, and the catalogue is current.

Message ids are English (the convention of Dutch government Django projects); the Dutch text
lives in locale/nl/LC_MESSAGES/django.po and its compiled .mo, which is committed so that
running Haven needs no gettext tools.
"""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.support import PO, parse_po
from tests.system import require_system_tool

LOCALE = Path(settings.BASE_DIR) / "locale"
MO = LOCALE / "nl" / "LC_MESSAGES" / "django.mo"


def test_every_message_has_a_dutch_translation():
    entries = parse_po(PO)
    assert len(entries) > 100
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    for entry in parse_po(PO):
        if "msgid_plural" in entry:
            for index, text in entry["msgstr"].items():
                assert catalogue.get((entry["msgid"], index)) == text, entry["msgid"]
        else:
            assert catalogue.get(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]


def test_catalogue_holds_every_message_of_the_code(tmp_path):
    """Regenerate the catalogue from the code in a copy and compare: no message may be missing."""
    require_system_tool("xgettext")
    for name in ("haven", "locale"):
        shutil.copytree(Path(settings.BASE_DIR) / name, tmp_path / name, ignore=shutil.ignore_patterns("static"))
    shutil.copy(Path(settings.BASE_DIR) / "manage.py", tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "nl", "--no-obsolete"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    current = {e["msgid"] for e in parse_po(PO)}
    regenerated = {e["msgid"] for e in parse_po(tmp_path / "locale" / "nl" / "LC_MESSAGES" / "django.po")}
    assert regenerated - current == set(), "run `make messages` and translate the new messages"
    assert current - regenerated == set(), "the catalogue holds messages the code no longer uses"
