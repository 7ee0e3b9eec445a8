"""Encryption at rest: AES-256-GCM, a key ring, and a key id on every value.

The key ring comes from `settings.HAVEN_ENCRYPTION_KEYS` (the environment variable of the same
name): comma-separated `keyid:base64url(32 random bytes)` entries. The FIRST key is the active
one and encrypts every new value; the others only decrypt, so a key can be rotated without
downtime (see `manage.py rotate_encryption_key --help`). A fresh key:
`python -c "from haven.infrastructure.encryption import generate_key; print(generate_key())"`.

Two formats, each with a random 96-bit nonce per value and the format, the key id and the value's
place as associated data, so a value moved elsewhere fails to decrypt instead of showing up there:

- `enc2:<keyid>:<base64url(nonce || ciphertext || tag)>`: the encrypted model fields. The place is
  the column and the row, `app_label.model.field:<primary key>` (`encrypt_row`/`decrypt_row`).
- `enc1:<keyid>:<…>`: `encrypt(plaintext, identity)`/`decrypt(value, identity)` for any identity
  string the caller names the place with (values outside the fields, e.g. a TOTP key, an audit
  event's detail). Before the row binding the fields used it too, with the column as identity:
  the migrations re-encrypt those values as `enc2`, and the fields no longer accept `enc1`.

Anything that fails (an unknown key id, a changed byte, the wrong column or row) raises
`DecryptionError`: never garbage, never the raw value. An empty text stays empty: a blank field
carries nothing, and `filter(x="")` keeps working.

The fields (`EncryptedTextField`, with `choices` for codes; `EncryptedBooleanField`,
`EncryptedIntegerField`, `EncryptedJSONField`) live on an `EncryptedModel`, which opens their
values with the row's primary key when Django builds an instance from a row and seals them when
it saves one (see `EncryptedModel`, and docs/architecture.md, "Encryption at rest"). The model
instance always holds plain values. The functions taking a `KeyRing` are pure and need neither
settings nor a database.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from collections.abc import Callable, Sequence
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.lookups import Exact, IsNull

VERSION = "enc1"  # bound to a free identity string (module-level `encrypt`)
PREFIX = f"{VERSION}:"
ROW_VERSION = "enc2"  # bound to column and row (the encrypted fields)
ROW_PREFIX = f"{ROW_VERSION}:"
VERSIONS = (VERSION, ROW_VERSION)
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


def _associated_data(version: str, key_id: str, identity: str) -> bytes:
    return f"{version}|{key_id}|{identity}".encode()


def _version_of(value: str) -> str | None:
    version, separator, _rest = value.partition(":")
    return version if separator and version in VERSIONS else None


def is_encrypted(value: str) -> bool:
    return _version_of(value) is not None


def key_id_of(value: str) -> str | None:
    """The key id of a stored value; None for an empty or unencrypted value."""
    version = _version_of(value)
    if version is None:
        return None
    key_id, separator, _payload = value[len(version) + 1 :].partition(":")
    return key_id if separator else None


def _seal(plaintext: str, identity: str, version: str, ring: KeyRing | None) -> str:
    if not identity:
        raise ValueError("An encrypted value needs the identity of its place.")
    ring = ring or current_keyring()
    key_id = ring.active_id
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.cipher(key_id).encrypt(nonce, plaintext.encode("utf-8"), _associated_data(version, key_id, identity))
    return f"{version}:{key_id}:{_b64encode(nonce + sealed)}"


def encrypt(plaintext: str, identity: str, ring: KeyRing | None = None) -> str:
    """Encrypt `plaintext` for the place `identity` (any string naming it) with the active key."""
    if plaintext == "":
        return ""
    return _seal(plaintext, identity, VERSION, ring)


def row_identity(column: str, pk: Any) -> str:
    """The place of a value in an encrypted field: its column ("app_label.model.field") and its row."""
    if pk is None:
        raise ValueError(f"{column}: a row-bound value needs the primary key of its row.")
    return f"{column}:{pk}"


def encrypt_row(plaintext: str, column: str, pk: Any, ring: KeyRing | None = None) -> str:
    """Encrypt a value of the column `column` ("app_label.model.field") in the row `pk` (format enc2)."""
    return _seal(plaintext, row_identity(column, pk), ROW_VERSION, ring)


def decrypt(value: str, identity: str, ring: KeyRing | None = None) -> str:
    """Decrypt a stored value of the place `identity`; raises DecryptionError rather than guess."""
    if value == "":
        return ""
    version = _version_of(value)
    key_id = key_id_of(value)
    if version is None or key_id is None:
        raise DecryptionError(f"{identity}: the stored value is not an encrypted value.")
    ring = ring or current_keyring()
    cipher = ring.cipher(key_id)
    try:
        data = _b64decode(value[len(version) + len(key_id) + 2 :])
    except (binascii.Error, ValueError):
        raise DecryptionError(f"{identity}: the stored value is damaged (not base64url).") from None
    if len(data) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError(f"{identity}: the stored value is damaged (too short).")
    try:
        plaintext = cipher.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], _associated_data(version, key_id, identity))
    except InvalidTag:
        raise DecryptionError(
            f"{identity}: the stored value failed authentication (changed, moved from another row or column, "
            f"or key {key_id!r} is not the key it was encrypted with)."
        ) from None
    return plaintext.decode("utf-8")


def decrypt_row(value: str, column: str, pk: Any, ring: KeyRing | None = None) -> str:
    """Decrypt a value of `column` in the row `pk`; only the row-bound format (enc2) is accepted."""
    if not value.startswith(ROW_PREFIX):
        raise DecryptionError(f"{column}: row {pk} does not hold a row-bound encrypted value.")
    return decrypt(value, row_identity(column, pk), ring)


class Sealed:
    """A stored value not opened with its row: what a field yields where no instance is built.

    `values()`, `values_list()` and annotations get this instead of plain text, because only the
    row's primary key opens a row-bound value. It cannot pass for the plain text: turning it into
    text or a truth value raises, and it compares equal only to the same stored value.
    """

    __slots__ = ("raw", "column")

    def __init__(self, raw: str, column: str) -> None:
        self.raw = raw
        self.column = column

    def __repr__(self) -> str:
        return f"<Sealed {self.column}>"

    def __str__(self) -> str:
        raise TypeError(
            f"{self.column} is encrypted with its row: read it from a model instance, not values() or an annotation."
        )

    def __bool__(self) -> bool:
        raise TypeError(f"{self.column} is encrypted with its row: its value is not known here.")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and (other.raw, other.column) == (self.raw, self.column)

    def __hash__(self) -> int:
        return hash((self.raw, self.column))


class Ciphertext(str):
    """A value already encrypted for its row: the only thing an encrypted field writes as it is."""

    __slots__ = ()


class EncryptedExact(Exact):
    """`field=""` still works for text (empty stays empty); any other comparison fails loudly."""

    def get_prep_lookup(self) -> Any:
        field = self.lhs.output_field
        if self.rhs != "" or hasattr(self.rhs, "resolve_expression") or not field.empty_stays_empty:
            raise FieldError(
                f"{field.identity} is encrypted at rest: the database cannot compare it (each encryption "
                "differs). Filter on other fields and compare the value in Python."
            )
        return super().get_prep_lookup()


# For the type checker the mixin is a model field (it always sits in front of one); at runtime a
# plain class, so each concrete field below has exactly one models.Field base.
if TYPE_CHECKING:
    _FieldBase = models.Field[Any, Any]
else:
    _FieldBase = object


class EncryptedField(_FieldBase):
    """What every encrypted field shares (a mixin in front of a Django field class; see the module).

    The column is `text` and holds `enc2:<keyid>:<…>`, bound to its column and its row's primary
    key. The model (an `EncryptedModel`) opens the values when it builds an instance and seals them
    when it saves one; the field alone cannot, because it does not know the row.
    """

    empty_stays_empty = False  # text: "" is stored as "" (a blank field carries nothing)

    # The declarations below are typed loosely: the mixin sits in front of a models.Field subclass.
    model: Any
    name: str
    attname: str
    _validators: list[Any]  # set by Field.__init__; django-stubs does not declare it

    @property
    def identity(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def db_type(self, connection: Any) -> str:
        return str(connection.data_types["TextField"])

    def get_internal_type(self) -> str:
        # What the database sees: the schema editor picks casts (PostgreSQL's `USING col::type` when
        # a column changes to or from this field) and range checks by it, the backends converters.
        return "TextField"

    def db_check(self, connection: Any) -> None:
        return None  # a range check (positive integers) cannot read a ciphertext

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors: list[checks.CheckMessage] = super().check(**kwargs)
        if not issubclass(self.model, EncryptedModel):
            errors.append(
                checks.Error(
                    f"{self.identity} is encrypted: its model must derive from "
                    f"{EncryptedModel.__module__}.EncryptedModel.",
                    obj=self,
                    id="haven.encryption.E002",
                )
            )
        return errors

    # Python value <-> plain text. Subclasses with another type override both.

    def to_plaintext(self, value: Any) -> str:
        return json.dumps(value, separators=(",", ":"))

    def from_plaintext(self, text: str) -> Any:
        return json.loads(text)

    def seal(self, value: Any, pk: Any, ring: KeyRing | None = None) -> str:
        """The stored form of `value` in the row `pk`."""
        if self.empty_stays_empty and value == "":
            return ""
        return encrypt_row(self.to_plaintext(value), self.identity, pk, ring)

    def open(self, stored: str | None, pk: Any, ring: KeyRing | None = None) -> Any:
        """The value of the stored form in the row `pk`; DecryptionError for anything else."""
        if stored is None:
            return None
        if self.empty_stays_empty and stored == "":
            return ""
        return self.from_plaintext(decrypt_row(stored, self.identity, pk, ring))

    # Django's hooks.

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if self.empty_stays_empty and value == "":
            return ""
        if model_instance.pk is None:
            pending = getattr(model_instance._state, "sealing_after_insert", None)
            if pending is None:
                raise FieldError(
                    f"{self.identity} is encrypted with its row's primary key: bulk_create needs the primary "
                    "keys set, or save each instance."
                )
            # Inserted empty; EncryptedModel writes the value once the row has its key.
            pending.append(self)
            return Ciphertext("")
        return Ciphertext(self.seal(value, model_instance.pk))

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Ciphertext):
            return str(value)
        # NULL tells nothing and needs no row (a nullable column added by a migration, say).
        if value is None and self.null:
            return None
        if self.empty_stays_empty and value == "":
            return ""
        raise FieldError(
            f"{self.identity} is encrypted with its row: write it by saving the instance, not with "
            "QuerySet.update(), bulk_update() or an expression."
        )

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        return value if prepared else self.get_prep_value(value)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or (self.empty_stays_empty and value == ""):
            return value
        return Sealed(value, self.identity)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name == "isnull" and self.empty_stays_empty:
            return IsNull
        return None  # Django reports "Unsupported lookup" instead of silently matching nothing

    def get_transform(self, lookup_name: str) -> Any:
        return None

    # A value written before this field existed (used by the data migrations).

    def from_legacy(self, raw: Any) -> Any:
        return raw


class EncryptedTextField(EncryptedField, models.TextField):
    """Text (with `choices` for a code), stored encrypted. Only `=""` and `isnull` lookups are allowed.

    `max_length` (for former CharFields) limits the plain text in forms; the column is `text`.
    """

    description = "Text, encrypted at rest (AES-256-GCM)"
    empty_stays_empty = True

    def to_plaintext(self, value: Any) -> str:
        return str(value)

    def from_plaintext(self, text: str) -> Any:
        return text

    def from_legacy(self, raw: Any) -> Any:
        # The narrative columns were encrypted before, bound to the column only (format enc1).
        if isinstance(raw, str) and raw.startswith(PREFIX):
            return decrypt(raw, self.identity)
        return "" if raw is None else str(raw)


class EncryptedBooleanField(EncryptedField, models.BooleanField):
    """A yes/no answer (None for "not answered" where null=True), stored encrypted: also None is."""

    description = "Boolean, encrypted at rest (AES-256-GCM)"

    def from_plaintext(self, text: str) -> Any:
        value = json.loads(text)
        if value is not None and not isinstance(value, bool):
            raise DecryptionError(f"{self.identity}: the stored value is not a yes/no answer.")
        return value

    def from_legacy(self, raw: Any) -> Any:
        if raw is None:
            return None
        text = str(raw).strip().lower()
        if text in ("1", "t", "true"):
            return True
        if text in ("0", "f", "false"):
            return False
        raise ValueError(f"{self.identity}: {raw!r} is not a stored boolean.")


class EncryptedIntegerField(EncryptedField, models.PositiveSmallIntegerField):
    """A small number (a score), stored encrypted."""

    description = "Integer, encrypted at rest (AES-256-GCM)"

    @cached_property
    def validators(self) -> list[Any]:
        # The range of the column this replaces (IntegerField looks it up by the internal type).
        return [*self.default_validators, *self._validators, MinValueValidator(0), MaxValueValidator(32767)]

    def from_plaintext(self, text: str) -> Any:
        value = json.loads(text)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise DecryptionError(f"{self.identity}: the stored value is not a number.")
        return value

    def from_legacy(self, raw: Any) -> Any:
        return None if raw is None else int(raw)


class EncryptedJSONField(EncryptedField, models.Field):
    """A JSON value (a list of codes, a mapping), stored encrypted as a whole."""

    description = "JSON, encrypted at rest (AES-256-GCM)"

    def from_legacy(self, raw: Any) -> Any:
        return None if raw is None else json.loads(raw) if isinstance(raw, str) else raw

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return super().formfield(**{"form_class": forms.JSONField, **kwargs})


# Secrets encrypted per row rather than per column (such as TOTP keys) are re-encrypted by their own
# app: it registers a rotator here in its AppConfig.ready(), so this module need not know the app.
SecretRotator = Callable[[], int]
_secret_rotators: dict[str, SecretRotator] = {}


def register_secret_rotator(label: str, rotator: SecretRotator) -> None:
    """`rotator()` re-encrypts the app's secrets under the active key and returns how many it changed."""
    _secret_rotators[label] = rotator


def rotate_secrets() -> dict[str, int]:
    return {label: rotator() for label, rotator in _secret_rotators.items()}


def encrypted_fields_of(model: type[models.Model]) -> list[EncryptedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]


class EncryptedModel(models.Model):
    """A model with encrypted fields: it opens them with the row's key on loading and seals them on saving.

    `from_db` is how Django builds every instance from a row (querysets, `select_related`,
    `refresh_from_db`, raw queries, the prepared queries of haven.infrastructure.prepared), so an instance
    always holds plain values. On an insert the row has no primary key yet: it is written with
    the encrypted columns empty, and one UPDATE in the same transaction writes the row-bound values.
    """

    class Meta:
        abstract = True

    # The override differs from django-stubs 6.1, which describes Django 6 (fetch_mode); Django 5.2 has none.
    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:  # type: ignore[override]
        instance = super().from_db(db, field_names, values)
        state = instance.__dict__
        for field in _encrypted_fields_cached(cls):
            value = state.get(field.attname)
            if isinstance(value, Sealed):
                state[field.attname] = field.open(value.raw, instance.pk)
        return instance

    def _save_table(
        self,
        raw: bool = False,
        cls: Any = None,
        force_insert: Any = False,
        force_update: bool = False,
        using: str | None = None,
        update_fields: Any = None,
    ) -> bool:
        pending: list[EncryptedField] = []
        # A per-save note on the instance's ModelState, which declares no such attribute.
        self._state.sealing_after_insert = pending  # type: ignore[attr-defined]
        try:
            with transaction.atomic(using=using, savepoint=False):
                # Model._save_table is private: django-stubs does not declare it.
                updated: bool = super()._save_table(  # type: ignore[misc]
                    raw, cls, force_insert, force_update, using, update_fields
                )
                if pending:
                    values = {f.attname: Ciphertext(f.seal(getattr(self, f.attname), self.pk)) for f in pending}
                    (cls or type(self))._base_manager.using(using).filter(pk=self.pk).update(**values)
        finally:
            del self._state.sealing_after_insert  # type: ignore[attr-defined]
        return updated


@cache
def _encrypted_fields_cached(model: type[models.Model]) -> tuple[EncryptedField, ...]:
    return tuple(encrypted_fields_of(model))


@checks.register(checks.Tags.security)
def check_encryption_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`manage.py check` (and migrate) report a malformed HAVEN_ENCRYPTION_KEYS before any value is written."""
    try:
        current_keyring()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="haven.encryption.E001")]
    return []


# --- Data migrations ------------------------------------------------------------------------------

MIGRATION_BATCH = 500


KEEP = object()  # what a migration's `change` returns for a value it leaves as it is


def _rewrite_rows(schema_editor: Any, model: Any, fields: Sequence[Any], change: Any) -> int:
    """Apply `change(field, raw, pk)` (KEEP: leave as is) to the raw values, in batches by pk."""
    quote = schema_editor.quote_name
    meta = model._meta
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    select = ", ".join(quote(f.column) for f in fields)
    rewritten, last = 0, None
    with schema_editor.connection.cursor() as cursor:
        while True:
            where = "" if last is None else f" WHERE {pk} > %s"
            # Only quoted names from the model's _meta in the statement; the values are parameters.
            cursor.execute(
                f"SELECT {pk}, {select} FROM {table}{where} ORDER BY {pk} LIMIT {MIGRATION_BATCH}",  # noqa: S608
                [] if last is None else [last],
            )
            rows = cursor.fetchall()
            if not rows:
                return rewritten
            last = rows[-1][0]
            for index, field in enumerate(fields, start=1):
                updates = [(new, row[0]) for row in rows if (new := change(field, row[index], row[0])) is not KEEP]
                if updates:
                    sql = f"UPDATE {table} SET {quote(field.column)} = %s WHERE {pk} = %s"  # noqa: S608
                    cursor.executemany(sql, updates)
                    rewritten += len(updates)


def seal_existing(apps: Any, schema_editor: Any, app_label: str, fields: dict[str, Sequence[str]]) -> int:
    """Migration step: every value of these fields (model name: field names) in the row-bound format.

    A value is read as the column held it before the field was encrypted (plain, or bound to the
    column only as `enc1`: `EncryptedField.from_legacy`); values already row-bound are left alone,
    so a second run changes nothing. Returns the number of values rewritten.
    """

    def change(field: Any, raw: Any, pk: Any) -> Any:
        if isinstance(raw, str) and raw.startswith(ROW_PREFIX):
            return KEEP
        if field.empty_stays_empty and raw in ("", None):
            return KEEP
        return str(field.seal(field.from_legacy(raw), pk))

    total = 0
    for model_name, names in fields.items():
        model = apps.get_model(app_label, model_name)
        total += _rewrite_rows(schema_editor, model, [model._meta.get_field(n) for n in names], change)
    return total


def unseal_existing(
    apps: Any, schema_editor: Any, app_label: str, fields: dict[str, Sequence[str]], column_bound: set[str]
) -> int:
    """The reverse of `seal_existing`: each value as the column held it before (`column_bound`:
    the "model.field" names that were encrypted bound to the column only, as `enc1`)."""

    def change(field: Any, raw: Any, pk: Any) -> Any:
        if not (isinstance(raw, str) and raw.startswith(ROW_PREFIX)):
            return KEEP
        value = field.open(raw, pk)
        if value is None:
            return None
        if f"{field.model._meta.model_name}.{field.name}" in column_bound:
            return encrypt(value, field.identity)
        if isinstance(value, bool):
            return "1" if value else "0"  # read back as a boolean by SQLite and PostgreSQL alike
        return value if isinstance(value, str) else json.dumps(value)

    total = 0
    for model_name, names in fields.items():
        model = apps.get_model(app_label, model_name)
        total += _rewrite_rows(schema_editor, model, [model._meta.get_field(n) for n in names], change)
    return total


def rebind_existing(
    apps: Any, schema_editor: Any, from_label: str, to_label: str, fields: dict[str, Sequence[str]]
) -> int:
    """Migration step after a model moved between apps (its table kept): every value of these fields
    (model name: field names), bound to the column as `from_label` named it, bound to the column as
    `to_label` names it. Both apps' historical models must be in the migration's state; values
    already bound to the new place are left alone, so a second run changes nothing. Swap the labels
    to reverse it. Returns the number of values rewritten.
    """
    total = 0
    for model_name, names in fields.items():
        old_model = apps.get_model(from_label, model_name)
        new_model = apps.get_model(to_label, model_name)
        old_fields = {name: old_model._meta.get_field(name) for name in names}

        def change(field: Any, raw: Any, pk: Any, old_fields: dict[str, Any] = old_fields) -> Any:
            if raw is None or (field.empty_stays_empty and raw == ""):
                return KEEP
            try:
                field.open(raw, pk)
            except DecryptionError:
                return str(field.seal(old_fields[field.name].open(raw, pk), pk))
            return KEEP  # bound to the new place already

        total += _rewrite_rows(schema_editor, new_model, [new_model._meta.get_field(n) for n in names], change)
    return total
