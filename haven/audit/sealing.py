"""The audit event's `detail` encrypted at rest, bound to its place in the chain.

A non-empty detail is stored as the string `encrypt(canonical JSON, "audit.auditevent.detail:<sequence>")`
(haven/infrastructure/encryption.py), in the JSON column, so a copy into another event fails to decrypt. The
chain hashes that stored string: `verify_audit` needs the audit key, not the encryption key. An
empty detail stays `{}`: it says nothing, and most events (the reads) have one. Old encryption
keys must stay in HAVEN_ENCRYPTION_KEYS (decrypt-only) as long as the log is kept: the rows are
append-only, so `rotate_encryption_key` cannot re-encrypt them.
"""

import json
from typing import Any

from haven.infrastructure.encryption import decrypt, encrypt


def identity(sequence: int) -> str:
    return f"audit.auditevent.detail:{sequence}"


def seal(detail: dict[str, Any], sequence: int) -> dict[str, Any] | str:
    """What is stored for `detail` (JSON types only) in the event at `sequence`."""
    if not detail:
        return {}
    text = json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return encrypt(text, identity(sequence))


def unseal(stored: Any, sequence: int) -> dict[str, Any]:
    """The detail of the event at `sequence`; raises DecryptionError for a ciphertext of another event."""
    if isinstance(stored, str):
        value: dict[str, Any] = json.loads(decrypt(stored, identity(sequence)))
        return value
    return stored  # `{}`: never sealed
