"""`python manage.py anchor_audit`: write the verified chain head outside the database (run daily).

Verifies the chain (as `verify_audit` does) and the anchors already in the file, then appends the
head (sequence, hash, key id, time) to the anchor file (`--file`, default HAVEN_AUDIT_ANCHOR_FILE)
and/or sends it to syslog (`--syslog`). Refuses to anchor a broken chain: exits 1 naming the
problem and writes nothing. See docs/operations.md for the timer and where to keep the file.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from haven.audit import anchors
from haven.audit.chain import ChainError
from haven.audit.verification import verify_chain


class Command(BaseCommand):
    help = "Verify the audit chain, then append its head to an append-only anchor file and/or syslog."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", default=None, help="The anchor file (default: HAVEN_AUDIT_ANCHOR_FILE).")
        parser.add_argument("--syslog", action="store_true", help="Also (or only) send the anchor to syslog.")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"] or settings.HAVEN_AUDIT_ANCHOR_FILE
        path = Path(name) if name else None
        if path is None and not options["syslog"]:
            raise CommandError("Say where the anchor goes: --file PATH (or HAVEN_AUDIT_ANCHOR_FILE), or --syslog.")
        try:
            verified = verify_chain()
            if path is not None and path.exists():
                anchors.check(anchors.read(path), verified)
        except (ChainError, anchors.AnchorFileError) as error:
            raise CommandError(f"audit chain broken, nothing anchored: {error}") from error
        except OSError as error:
            raise CommandError(f"cannot read the anchors, nothing anchored: {error}") from error
        except ImproperlyConfigured as error:
            raise CommandError(f"cannot verify the audit chain, nothing anchored: {error}") from error
        if verified.count == 0:
            self.stdout.write("the audit log is empty: nothing to anchor")
            return
        anchor = anchors.of_head(verified)
        if path is not None:
            try:
                anchors.append(path, anchor)
            except OSError as error:
                raise CommandError(f"cannot write the anchor: {error}") from error
        if options["syslog"]:
            anchors.send_to_syslog(anchor)
        self.stdout.write(f"anchored event {anchor.sequence}, hash {anchor.hash}, key {anchor.key_id}")
