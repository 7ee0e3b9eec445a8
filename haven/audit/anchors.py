"""Anchors: the chain head as it was, kept outside the database, to catch a rewrite made with the key.

`manage.py anchor_audit` (daily) verifies the chain and the anchors so far, then appends one line
to an append-only file and/or syslog:

    haven-audit-anchor {"at":"2026-12-03T02:00:00+00:00","hash":"…","key_id":"a2026","sequence":123}

`manage.py verify_audit --anchors FILE` checks that every anchor is still on the chain: the event
at its sequence still has its hash. Whoever rewrites the log from some event on, even with the
audit key, changes the hash of every later event, so every anchor at or after that event shows
it. Lines without the marker are skipped, so a syslog file (or an extract of it) can be read as is.
"""

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from django.utils import timezone

from haven.audit.chain import ChainError, describe
from haven.audit.models import AuditEvent
from haven.audit.verification import Verified

MARKER = "haven-audit-anchor"
_BATCH = 500


@dataclass(frozen=True)
class Anchor:
    sequence: int
    hash: str
    key_id: str
    at: str

    def line(self) -> str:
        return f"{MARKER} {json.dumps(asdict(self), sort_keys=True, separators=(',', ':'))}"


class AnchorFileError(ValueError):
    """The anchors cannot be read: a line with the marker that is not an anchor."""


def of_head(verified: Verified) -> Anchor:
    """The anchor of a chain just verified up to its head."""
    key_id = AuditEvent.objects.filter(sequence=verified.last_sequence).values_list("key_id", flat=True).get()
    return Anchor(verified.last_sequence, verified.last_hash, key_id, timezone.now().isoformat(timespec="seconds"))


def parse(lines: Iterable[str], source: str = "the anchors") -> list[Anchor]:
    anchors = []
    for number, text in enumerate(lines, start=1):
        _before, marker, payload = text.partition(MARKER + " ")
        if not marker:
            continue
        try:
            data = json.loads(payload)
            anchor = Anchor(int(data["sequence"]), str(data["hash"]), str(data["key_id"]), str(data["at"]))
        except (ValueError, KeyError, TypeError):
            raise AnchorFileError(f"{source}, line {number}: not an anchor of the form `{MARKER} {{json}}`") from None
        anchors.append(anchor)
    return anchors


def read(path: Path) -> list[Anchor]:
    with path.open(encoding="utf-8", errors="replace") as lines:
        return parse(lines, str(path))


def check(anchors: Iterable[Anchor], verified: Verified) -> None:
    """Raise ChainError for the first anchor (in chain order) that is no longer on the verified chain."""
    ordered = sorted(anchors, key=lambda anchor: anchor.sequence)
    for start in range(0, len(ordered), _BATCH):
        batch = ordered[start : start + _BATCH]
        stored = {
            sequence: (pk, digest)
            for sequence, pk, digest in AuditEvent.objects.filter(
                sequence__in=[anchor.sequence for anchor in batch]
            ).values_list("sequence", "pk", "hash")
        }
        for anchor in batch:
            if anchor.sequence > verified.last_sequence or anchor.sequence not in stored:
                raise ChainError(
                    f"the anchor of {anchor.at} names event {anchor.sequence}, but the chain ends at event "
                    f"{verified.last_sequence}: the log was cut back and rewritten"
                )
            pk, digest = stored[anchor.sequence]
            if digest != anchor.hash:
                raise ChainError(
                    f"{describe(anchor.sequence, pk)}: its hash is not the one anchored on {anchor.at}: "
                    "the log was rewritten at or before this event"
                )


def append(path: Path, anchor: Anchor) -> None:
    """Append the anchor and make sure it is on disk before saying so."""
    with path.open("a", encoding="utf-8") as file:
        file.write(anchor.line() + "\n")
        file.flush()
        os.fsync(file.fileno())


def send_to_syslog(anchor: Anchor) -> None:
    import syslog

    syslog.openlog("haven", 0, syslog.LOG_AUTH)
    syslog.syslog(syslog.LOG_NOTICE, anchor.line())
    syslog.closelog()
