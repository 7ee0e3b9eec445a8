"""Encryption at rest for narrative text: AES-256-GCM, a key ring, and a key id on every value.

The key ring comes from `settings.HAVEN_ENCRYPTION_KEYS` (the environment variable of the same
name): comma-separated `keyid:base64url(32 random bytes)` entries. The FIRST key is the active
one and encrypts every new value; the others only decrypt, so a key can be rotated without
downtime (see `manage.py rotate_encryption_key --help`). A fresh key:
`python -c "from haven.core.encryption import generate_key; print(generate_key())"`.

A stored value reads `enc1:<keyid>:<base64url(nonce || ciphertext || tag)>`, with a random 96-bit
nonce per value. The associated data binds the ciphertext to its key id and to its column
(`app_label.model.field`), so a value copied into another column or row of another field fails
to decrypt instead of showing up where it does not belong. Anything that fails (an unknown key
id, a changed byte, the wrong column) raises `DecryptionError`: never garbage, never the raw
value. An empty string stays empty: a blank field carries no narrative, and `filter(x="")` keeps
working.

The functions taking a `KeyRing` are pure and need neither settings nor a database; the field
`EncryptedTextField` uses the ring from the settings. The model instance always holds plain text.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact

VERSION = "enc1"
PREFIX = f"{VERSION}:"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits, the GCM standard
TAG_BYTES = 16
KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


class KeyRingError(ImproperlyConfigured):
    """HAVEN_ENCRYPTION_KEYS is missing or malformed. Messages never contain key material."""


class DecryptionError(Exception):
    """A stored value cannot be decrypted: not an encrypted value, tampered, or in the wrong column."""


class UnknownKeyError(DecryptionError):
    """The value was encrypted with a key that is no longer (or not yet) in the key ring."""


class KeyRing:
    """The keys, by id. The first one encrypts; all of them decrypt."""

    __slots__ = ("active_id", "key_ids", "_ciphers")

    def __init__(self, keys: Sequence[tuple[str, bytes]]) -> None:
        if not keys:
            raise KeyRingError("HAVEN_ENCRYPTION_KEYS holds no key.")
        ciphers: dict[str, AESGCM] = {}
        for key_id, key in keys:
            if not KEY_ID.fullmatch(key_id):
                raise KeyRingError(f"Encryption key id {key_id!r} must be 1-32 letters, digits, '-' or '_'.")
            if key_id in ciphers:
                raise KeyRingError(f"Encryption key id {key_id!r} occurs twice in HAVEN_ENCRYPTION_KEYS.")
            if len(key) != KEY_BYTES:
                raise KeyRingError(f"Encryption key {key_id!r} must be {KEY_BYTES} bytes (base64url encoded).")
            ciphers[key_id] = AESGCM(key)
        self.active_id: str = keys[0][0]
        self.key_ids: tuple[str, ...] = tuple(ciphers)
        self._ciphers = ciphers

    def cipher(self, key_id: str) -> AESGCM:
        try:
            return self._ciphers[key_id]
        except KeyError:
            raise UnknownKeyError(
                f"Unknown encryption key id {key_id!r}: add that key to HAVEN_ENCRYPTION_KEYS to read these values."
            ) from None

    def __repr__(self) -> str:  # never the keys themselves
        return f"KeyRing(active={self.active_id!r}, keys={list(self.key_ids)!r})"


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def generate_key() -> str:
    """A new random key, base64url encoded, for an entry `keyid:<this>` in HAVEN_ENCRYPTION_KEYS."""
    return _b64encode(os.urandom(KEY_BYTES))


def parse_keyring(raw: str | Sequence[str]) -> KeyRing:
    """Parse `keyid:base64url-key,keyid:base64url-key,...` (or a list of such entries)."""
    entries = raw.split(",") if isinstance(raw, str) else list(raw)
    keys: list[tuple[str, bytes]] = []
    for position, entry in enumerate((e.strip() for e in entries if e.strip()), start=1):
        key_id, separator, encoded = entry.partition(":")
        if not separator or not encoded:
            raise KeyRingError(f"HAVEN_ENCRYPTION_KEYS entry {position} is not of the form 'keyid:base64url-key'.")
        try:
            key = _b64decode(encoded.strip())
        except (binascii.Error, ValueError):
            raise KeyRingError(f"Encryption key {key_id.strip()!r} is not valid base64url.") from None
        keys.append((key_id.strip(), key))
    return KeyRing(keys)


@lru_cache(maxsize=8)
def _parse_cached(raw: str | tuple[str, ...]) -> KeyRing:
    return parse_keyring(raw)


def current_keyring() -> KeyRing:
    """The key ring of the settings (cached per value, so overridden settings take effect)."""
    from django.conf import settings

    raw = getattr(settings, "HAVEN_ENCRYPTION_KEYS", None)
    if not raw:
        raise KeyRingError("Set HAVEN_ENCRYPTION_KEYS.")
    return _parse_cached(raw if isinstance(raw, str) else tuple(raw))


def _associated_data(key_id: str, identity: str) -> bytes:
    return f"{VERSION}|{key_id}|{identity}".encode()


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def key_id_of(value: str) -> str | None:
    """The key id of a stored value; None for an empty or unencrypted value."""
    if not is_encrypted(value):
        return None
    key_id, separator, _payload = value[len(PREFIX) :].partition(":")
    return key_id if separator else None


def encrypt(plaintext: str, identity: str, ring: KeyRing | None = None) -> str:
    """Encrypt `plaintext` for the column `identity` ("app_label.model.field") with the active key."""
    if plaintext == "":
        return ""
    if not identity:
        raise ValueError("An encrypted value needs the identity of its column.")
    ring = ring or current_keyring()
    key_id = ring.active_id
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.cipher(key_id).encrypt(nonce, plaintext.encode("utf-8"), _associated_data(key_id, identity))
    return f"{PREFIX}{key_id}:{_b64encode(nonce + sealed)}"


def decrypt(value: str, identity: str, ring: KeyRing | None = None) -> str:
    """Decrypt a stored value of the column `identity`; raises DecryptionError rather than guess."""
    if value == "":
        return ""
    key_id = key_id_of(value)
    if key_id is None:
        raise DecryptionError(f"{identity}: the stored value is not an encrypted value.")
    ring = ring or current_keyring()
    cipher = ring.cipher(key_id)
    try:
        data = _b64decode(value[len(PREFIX) + len(key_id) + 1 :])
    except (binascii.Error, ValueError):
        raise DecryptionError(f"{identity}: the stored value is damaged (not base64url).") from None
    if len(data) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError(f"{identity}: the stored value is damaged (too short).")
    try:
        plaintext = cipher.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], _associated_data(key_id, identity))
    except InvalidTag:
        raise DecryptionError(
            f"{identity}: the stored value failed authentication (changed, moved from another column, "
            f"or key {key_id!r} is not the key it was encrypted with)."
        ) from None
    return plaintext.decode("utf-8")


class EncryptedExact(Exact):
    """`field=""` still works (empty stays empty); comparing with text cannot, so it fails loudly."""

    def get_prep_lookup(self) -> Any:
        if self.rhs != "" or hasattr(self.rhs, "resolve_expression"):
            raise FieldError(
                f"{self.lhs.output_field.identity} is encrypted at rest: it can only be compared with '' "
                "(each encryption differs). Filter on other fields and compare the text in Python."
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]  # not subscriptable at runtime
    """A TextField stored encrypted (see the module). Only `=""` and `isnull` lookups are allowed.

    `max_length` (for former CharFields) limits the plain text in forms; the column is `text`.
    """

    description = "Text, encrypted at rest (AES-256-GCM)"

    @property
    def identity(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value, self.identity)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value, self.identity)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # Django reports "Unsupported lookup" instead of silently matching nothing

    def get_transform(self, lookup_name: str) -> Any:
        return None


@checks.register(checks.Tags.security)
def check_encryption_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`manage.py check` (and migrate) report a malformed HAVEN_ENCRYPTION_KEYS before any value is written."""
    try:
        current_keyring()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="haven.encryption.E001")]
    return []
