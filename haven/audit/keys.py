"""The audit chain's keys: HMAC-SHA256 keys from `settings.HAVEN_AUDIT_KEYS`, never from the database.

The setting (the environment variable of the same name) holds comma-separated
`keyid:base64url(32+ random bytes)` entries, like HAVEN_ENCRYPTION_KEYS. The FIRST key hashes
every new event; the others only verify the events hashed with them, so a key can be rotated
without re-hashing the log (which is append-only). Every event stores the id of its key. A fresh
key: `python -c "from haven.audit.keys import generate_key; print(generate_key())"`.

Without the key, someone who can write to the database can no longer recompute the chain after
changing an event: `verify_audit` then names the first changed event. Someone who also has the key
is caught by the anchors kept outside the database (`manage.py anchor_audit`).
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

MIN_KEY_BYTES = 32
KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


class AuditKeyError(ImproperlyConfigured):
    """HAVEN_AUDIT_KEYS is missing or malformed. Messages never contain key material."""


@dataclass(frozen=True, repr=False)
class AuditKeys:
    """The keys by id; `active_id` hashes new events."""

    active_id: str
    keys: Mapping[str, bytes]

    @property
    def active(self) -> bytes:
        return self.keys[self.active_id]

    def __repr__(self) -> str:  # never the keys themselves
        return f"AuditKeys(active={self.active_id!r}, keys={list(self.keys)!r})"


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(MIN_KEY_BYTES)).rstrip(b"=").decode("ascii")


def parse_keys(raw: str | Sequence[str]) -> AuditKeys:
    """Parse `keyid:base64url-key,keyid:base64url-key,...` (or a list of such entries)."""
    entries = [e.strip() for e in (raw.split(",") if isinstance(raw, str) else raw) if e.strip()]
    if not entries:
        raise AuditKeyError("HAVEN_AUDIT_KEYS holds no key.")
    keys: dict[str, bytes] = {}
    for position, entry in enumerate(entries, start=1):
        key_id, separator, encoded = (part.strip() for part in entry.partition(":"))
        if not separator or not encoded:
            raise AuditKeyError(f"HAVEN_AUDIT_KEYS entry {position} is not of the form 'keyid:base64url-key'.")
        if not KEY_ID.fullmatch(key_id):
            raise AuditKeyError(f"Audit key id {key_id!r} must be 1-32 letters, digits, '-' or '_'.")
        if key_id in keys:
            raise AuditKeyError(f"Audit key id {key_id!r} occurs twice in HAVEN_AUDIT_KEYS.")
        try:
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError):
            raise AuditKeyError(f"Audit key {key_id!r} is not valid base64url.") from None
        if len(key) < MIN_KEY_BYTES:
            raise AuditKeyError(f"Audit key {key_id!r} must be at least {MIN_KEY_BYTES} bytes (base64url encoded).")
        keys[key_id] = key
    return AuditKeys(active_id=entries[0].partition(":")[0].strip(), keys=keys)


@lru_cache(maxsize=8)
def _parse_cached(raw: str | tuple[str, ...]) -> AuditKeys:
    return parse_keys(raw)


def current_keys() -> AuditKeys:
    """The keys of the settings (cached per value, so overridden settings take effect)."""
    from django.conf import settings

    raw = getattr(settings, "HAVEN_AUDIT_KEYS", None)
    if not raw:
        raise AuditKeyError("Set HAVEN_AUDIT_KEYS.")
    return _parse_cached(raw if isinstance(raw, str) else tuple(raw))


@checks.register(checks.Tags.security)
def check_audit_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`manage.py check` (and migrate) report a malformed HAVEN_AUDIT_KEYS before any event is written."""
    try:
        current_keys()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="haven.audit.E001")]
    return []
