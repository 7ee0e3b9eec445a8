"""API keys: their scopes, which organisations may hold which, and the key's text. Pure.

A key belongs to one organisation (a school, a board, a municipality or a region) and carries
scopes. The key's text is `hv_<prefix>_<secret>`: the prefix (8 characters) is shown in lists so
people can tell keys apart; only a SHA-256 hash of the whole text is stored (`models.ApiKey`).
"""

import hashlib
import secrets
from enum import StrEnum


class Scope(StrEnum):
    INTAKE = "intake"  # Handle with Care: send police notices for the organisation's schools
    SYNC = "sync"  # the pupil sync of the school's administration: POST /api/v1/pupils/sync/
    AGGREGATES = "aggregates"  # the monitoring's tables of a municipality or a region


class OrganisationKind(StrEnum):
    SCHOOL = "school"
    BOARD = "board"
    MUNICIPALITY = "municipality"
    REGION = "region"


# Which scopes a key of each kind of organisation may carry: the aggregates are a municipality's
# and a region's (as the brief of the monitoring says); the sync is a school's own administration.
ALLOWED_SCOPES: dict[OrganisationKind, frozenset[Scope]] = {
    OrganisationKind.SCHOOL: frozenset({Scope.INTAKE, Scope.SYNC}),
    OrganisationKind.BOARD: frozenset({Scope.INTAKE, Scope.SYNC}),
    OrganisationKind.MUNICIPALITY: frozenset({Scope.INTAKE, Scope.AGGREGATES}),
    OrganisationKind.REGION: frozenset({Scope.INTAKE, Scope.AGGREGATES}),
}

PREFIX = "hv_"
PREFIX_LENGTH = 8
# Longer than any key Haven makes: a longer header is refused before it is hashed.
MAX_KEY_LENGTH = 100


def new_key() -> tuple[str, str]:
    """A new key's full text (shown once) and its prefix (kept)."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}", prefix


def key_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def looks_like_key(text: str) -> bool:
    return text.startswith(PREFIX) and 0 < len(text) <= MAX_KEY_LENGTH and text.isascii()


def scopes_allowed(kind: OrganisationKind, scopes: frozenset[str]) -> bool:
    return bool(scopes) and scopes <= {str(scope) for scope in ALLOWED_SCOPES[kind]}
