"""Small helpers shared by test modules: PDFs as text, query counts, the catalogue, the audit table, the signal form."""

import ast
import importlib
import os
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.audit.models import AuditEvent
from tests.system import require_system_tool

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]

# PDFs ------------------------------------------------------------------------------------------


def pdf_text(content: bytes, tmp_path: Path, name: str = "export.pdf") -> str:
    require_system_tool("pdftotext")
    path = tmp_path / name
    path.write_bytes(content)
    if keep := os.environ.get("HAVEN_KEEP_PDFS"):
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / name)
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True)
    return result.stdout


# Queries ---------------------------------------------------------------------------------------


def count_queries(client: Client, url: str, **headers: str) -> int:
    """Queries of one GET of `url`, after a warm-up GET (sessions, caches)."""
    assert client.get(url, headers=headers).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(queries.captured_queries)


# The catalogue ---------------------------------------------------------------------------------

PO = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def parse_po(path: Path) -> list[dict[str, Any]]:
    """A small .po reader: entries with msgid, msgid_plural, msgstr(s) and flags."""
    entries: list[dict[str, Any]] = []
    entry: dict[str, Any] | None = None
    key: Any = None
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


# The audit table, tampered with ----------------------------------------------------------------

TABLE = AuditEvent._meta.db_table
SQLITE_TRIGGERS = importlib.import_module("haven.audit.migrations.0008_sqlite_append_only_trigger")


class triggers_off:  # noqa: N801 - used like a function
    """The append-only triggers out of the way, as the table's owner can do it, and back after."""

    def __enter__(self) -> None:
        with connection.cursor() as cursor:
            if ON_POSTGRESQL:
                cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            else:
                for sql in SQLITE_TRIGGERS.drop_sql():
                    cursor.execute(sql)

    def __exit__(self, *exc: object) -> None:
        with connection.cursor() as cursor:
            if ON_POSTGRESQL:
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
            else:
                for sql in SQLITE_TRIGGERS.create_sql(connection.ops.quote_name(TABLE)):
                    cursor.execute(sql)


def tamper(sql: str, params: Any = ()) -> None:
    """Raw SQL on the audit tables, as someone with database access would do it."""
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_fails(*fragments: str) -> str:
    with pytest.raises(CommandError) as error:
        call_command("verify_audit")
    message = str(error.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


def ids() -> dict[int, int]:
    """sequence -> id of every event."""
    return dict(AuditEvent.objects.order_by("sequence").values_list("sequence", "pk"))


# The signal form -------------------------------------------------------------------------------

FACTS = "Sanne had een blauwe plek op haar linkerwang en hield haar jas de hele ochtend aan."


def _local(moment: datetime, fmt: str = "%Y-%m-%dT%H:%M") -> str:
    return timezone.localtime(moment).strftime(fmt)


def observed(moment: datetime) -> dict[str, str]:
    """The form's two fields of the observation moment: a date and a 24-hour time."""
    return {"observed_at_0": _local(moment, "%Y-%m-%d"), "observed_at_1": _local(moment, "%H:%M")}


def signal_data(**overrides: Any) -> dict[str, Any]:
    data = {
        **observed(timezone.now() - timedelta(hours=1)),
        "source": "own_observation",
        "categories": ["physical_abuse", "gut_feeling"],
        "facts": FACTS,
        "child_words": '"Ik ben van de trap gevallen."',
        "interpretation": "Ik denk dat ze iets verbergt.",
        "context": "Derde keer deze maand.",
        "contradicting_info": "Ze speelt wel normaal met vriendjes.",
    }
    data.update(overrides)
    return data
