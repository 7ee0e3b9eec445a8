"""The interface is Dutch: every message has a Dutch translation, and the catalogue is current.

Message ids are English (the convention of Dutch government Django projects); the Dutch text
lives in locale/nl/LC_MESSAGES/django.po and its compiled .mo, which is committed so that
running Haven needs no gettext tools.
"""

import ast
import gettext
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.system import require_system_tool

LOCALE = Path(settings.BASE_DIR) / "locale"
PO = LOCALE / "nl" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "nl" / "LC_MESSAGES" / "django.mo"


def parse_po(path: Path) -> list[dict]:
    """A small .po reader: entries with msgid, msgid_plural, msgstr(s) and flags."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(key, int):
                entry["msgstr"][key] += value
            else:
                entry[key] += value
        else:
            word, _space, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if word.startswith("msgstr["):
                key = int(word[7:-1])
                entry["msgstr"][key] = value
            elif word == "msgstr":
                key = 0
                entry["msgstr"][0] = value
            else:
                key = word
                entry[word] = value
    return [e for e in entries if e.get("msgid")]


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
