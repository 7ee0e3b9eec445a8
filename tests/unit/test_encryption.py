"""The encryption of narrative text at rest, as pure functions (no database, no settings).

Reads as the specification. A value is sealed with AES-256-GCM under the active (first) key of
the ring, with a fresh nonce each time, and bound to its key id and its column. Whatever is
wrong (a changed byte, another column, a key no longer in the ring, something that is not a
ciphertext) raises an error, never garbage. Production refuses to start without its own keys.
"""

import base64
import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.infrastructure.encryption import (
    NONCE_BYTES,
    DecryptionError,
    KeyRingError,
    UnknownKeyError,
    decrypt,
    decrypt_row,
    encrypt,
    encrypt_row,
    generate_key,
    key_id_of,
    parse_keyring,
)

COLUMN = "meldcode.signal.facts"
TEXT = "Sanne zei: 'Papa wordt snel boos.'"


def _key(byte: int) -> str:
    return base64.urlsafe_b64encode(bytes([byte]) * 32).decode()


K1, K2 = _key(1), _key(2)
RING = parse_keyring(f"k1:{K1},k0:{K2}")


def _payload(value: str) -> bytes:
    encoded = value.split(":", 2)[2]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))


def _with_payload(value: str, payload: bytes) -> str:
    prefix = value.rsplit(":", 1)[0]
    return f"{prefix}:{base64.urlsafe_b64encode(payload).decode().rstrip('=')}"


# --- Round trip and format ----------------------------------------------------------------------


@given(st.text(min_size=1))
def test_what_is_encrypted_decrypts_to_the_same_text(text):
    assert decrypt(encrypt(text, COLUMN, RING), COLUMN, RING) == text


def test_a_stored_value_names_its_format_and_key_and_holds_no_text():
    value = encrypt(TEXT, COLUMN, RING)
    assert value.startswith("enc1:k1:")
    assert key_id_of(value) == "k1"
    assert "Sanne" not in value and "boos" not in value
    # nonce || ciphertext || 16-byte tag
    assert len(_payload(value)) == NONCE_BYTES + len(TEXT.encode()) + 16


def test_an_empty_text_stays_empty():
    assert encrypt("", COLUMN, RING) == ""
    assert decrypt("", COLUMN, RING) == ""
    assert key_id_of("") is None


def test_every_encryption_has_its_own_nonce():
    values = [encrypt(TEXT, COLUMN, RING) for _ in range(50)]
    assert len(set(values)) == 50
    assert len({_payload(v)[:NONCE_BYTES] for v in values}) == 50


# --- Everything wrong is refused ----------------------------------------------------------------


def test_a_changed_ciphertext_is_refused():
    value = encrypt(TEXT, COLUMN, RING)
    payload = bytearray(_payload(value))
    for position in (0, NONCE_BYTES, len(payload) - 1):  # nonce, ciphertext, tag
        changed = bytearray(payload)
        changed[position] ^= 0x01
        with pytest.raises(DecryptionError, match="failed authentication"):
            decrypt(_with_payload(value, bytes(changed)), COLUMN, RING)


def test_a_value_moved_to_another_column_is_refused():
    value = encrypt(TEXT, COLUMN, RING)
    for other in ("meldcode.signal.interpretation", "meldcode.report.facts", "meldcode.signalamendment.facts"):
        with pytest.raises(DecryptionError, match=other):
            decrypt(value, other, RING)


def test_a_value_relabelled_with_another_key_id_is_refused():
    value = encrypt(TEXT, COLUMN, RING)
    relabelled = value.replace("enc1:k1:", "enc1:k0:", 1)
    with pytest.raises(DecryptionError):
        decrypt(relabelled, COLUMN, RING)


def test_an_unknown_key_id_is_refused_with_a_clear_message():
    value = encrypt(TEXT, COLUMN, parse_keyring(f"gone:{K1}"))
    with pytest.raises(UnknownKeyError, match="Unknown encryption key id 'gone'"):
        decrypt(value, COLUMN, RING)


@pytest.mark.parametrize(
    "stored",
    [TEXT, "enc1:k1", "enc1:k1:", "enc1:k1:!!!not-base64!!!", "enc1:k1:" + "A" * 20, "enc2:k1:AAAA"],
)
def test_what_is_not_a_valid_ciphertext_is_refused(stored):
    with pytest.raises(DecryptionError):
        decrypt(stored, COLUMN, RING)


def test_an_error_never_shows_the_text():
    value = encrypt(TEXT, COLUMN, RING)
    with pytest.raises(DecryptionError) as error:
        decrypt(value, "meldcode.report.facts", RING)
    assert "Sanne" not in str(error.value)


# --- Bound to column and row (the encrypted fields) -----------------------------------------------


def test_a_row_bound_value_names_its_format_and_opens_only_in_its_own_row_and_column():
    value = encrypt_row(TEXT, COLUMN, 12, RING)
    assert value.startswith("enc2:k1:") and key_id_of(value) == "k1"
    assert decrypt_row(value, COLUMN, 12, RING) == TEXT
    assert decrypt(value, f"{COLUMN}:12", RING) == TEXT  # the identity is the column and the row
    for column, pk in ((COLUMN, 13), (COLUMN, "12 "), ("meldcode.signal.interpretation", 12)):
        with pytest.raises(DecryptionError, match="failed authentication"):
            decrypt_row(value, column, pk, RING)


def test_a_value_relabelled_between_the_formats_is_refused():
    bound = encrypt_row(TEXT, COLUMN, 12, RING)
    free = encrypt(TEXT, f"{COLUMN}:12", RING)  # the same identity, the free format
    with pytest.raises(DecryptionError):
        decrypt(bound.replace("enc2:", "enc1:", 1), f"{COLUMN}:12", RING)
    with pytest.raises(DecryptionError, match="does not hold a row-bound"):
        decrypt_row(free, COLUMN, 12, RING)
    with pytest.raises(DecryptionError):
        decrypt_row(free.replace("enc1:", "enc2:", 1), COLUMN, 12, RING)


def test_a_row_bound_value_needs_its_row():
    with pytest.raises(ValueError, match="primary key"):
        encrypt_row(TEXT, COLUMN, None, RING)


# --- The key ring and rotation ------------------------------------------------------------------


def test_the_first_key_encrypts_and_all_keys_decrypt():
    old_ring = parse_keyring(f"old:{K1}")
    rotated = parse_keyring(f"new:{K2}, old:{K1}")  # the new key prepended
    assert rotated.active_id == "new"
    assert rotated.key_ids == ("new", "old")
    before = encrypt(TEXT, COLUMN, old_ring)
    assert decrypt(before, COLUMN, rotated) == TEXT
    after = encrypt(TEXT, COLUMN, rotated)
    assert key_id_of(after) == "new"
    # Once everything is re-encrypted, the old key can go.
    assert decrypt(after, COLUMN, parse_keyring(f"new:{K2}")) == TEXT
    with pytest.raises(UnknownKeyError):
        decrypt(before, COLUMN, parse_keyring(f"new:{K2}"))


def test_keys_are_read_with_or_without_padding_and_as_a_list():
    unpadded = K1.rstrip("=")
    assert parse_keyring(f"a:{unpadded}").active_id == "a"
    ring = parse_keyring([f"a:{K1}", f"b:{K2}"])
    assert ring.key_ids == ("a", "b")
    assert decrypt(encrypt(TEXT, COLUMN, ring), COLUMN, parse_keyring(f"b:{K2},a:{K1}")) == TEXT


@pytest.mark.parametrize(
    "raw",
    [
        "",
        " , ",
        K1,  # no key id
        "k1:",
        f"k1:{K1},k1:{K2}",  # the same id twice
        "k1:" + base64.urlsafe_b64encode(b"x" * 16).decode(),  # AES-128 is not AES-256
        "k1:not base64 at all!",
        f"k:1:{K1}",
        f"with space:{K1}",
    ],
)
def test_a_malformed_key_ring_is_refused_without_echoing_the_key(raw):
    with pytest.raises(KeyRingError) as error:
        parse_keyring(raw)
    assert K1 not in str(error.value) and K2 not in str(error.value)


def test_a_generated_key_is_32_random_bytes():
    first, second = generate_key(), generate_key()
    assert first != second
    assert len(base64.urlsafe_b64decode(first + "=" * (-len(first) % 4))) == 32
    assert parse_keyring(f"fresh:{first}").active_id == "fresh"


def test_the_ring_does_not_show_its_keys():
    assert K1 not in repr(RING) and "k1" in repr(RING)


# --- The settings: a development key, and production refuses it ----------------------------------


def _settings(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")} | env
    return subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=False)


# With its own signing key and audit key (refused in production otherwise: tests/integration/test_handover.py,
# tests/integration/test_audit_chain.py).
PRODUCTION = {
    "HAVEN_ENV": "production",
    "HAVEN_SECRET_KEY": "s" * 50,
    "HAVEN_SIGNING_KEY": "A" * 43,
    "HAVEN_AUDIT_KEYS": "a2026:" + "A" * 43,
}


def test_development_uses_the_published_dev_key():
    result = _settings("import haven.settings as s; print(s.HAVEN_ENCRYPTION_KEYS.split(':')[0])")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "dev"


def test_production_accepts_its_own_keys():
    result = _settings("import haven.settings", **PRODUCTION, HAVEN_ENCRYPTION_KEYS=f"k2026:{K1},k2025:{K2}")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "keys",
    [
        None,  # missing
        "",
        "dev:aGF2ZW4tZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQ",  # the development key
        "k2026:aGF2ZW4tZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQ=",  # the development key under another id
        f"k2026:{K1},dev:aGF2ZW4tZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQ",  # still able to read dev data
        f"dev:{K1}",  # a key called "dev"
    ],
)
def test_production_refuses_a_missing_or_development_key(keys):
    env = PRODUCTION | ({} if keys is None else {"HAVEN_ENCRYPTION_KEYS": keys})
    result = _settings("import haven.settings", **env)
    assert result.returncode != 0, keys
    assert "ImproperlyConfigured" in result.stderr
    assert "HAVEN_ENCRYPTION_KEYS" in result.stderr
