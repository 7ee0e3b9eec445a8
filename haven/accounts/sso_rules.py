"""Pure rules of signing in with a school's account (OpenID Connect): no Django import.

Which identity-provider claims count as two-factor sign-in, and what an ID token must say before
Haven believes it. Tested exhaustively in tests/unit/test_sso_rules.py.
"""

from collections.abc import Iterable, Mapping
from typing import Any


def parse_values(text: str) -> frozenset[str]:
    """A configured list of claim values ("mfa, otp hwk") as a set; blanks and commas separate."""
    return frozenset(part for part in text.replace(",", " ").split() if part)


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        return [item for item in value if isinstance(item, str)]
    return []


def mfa_asserted(claims: Mapping[str, Any], amr_values: frozenset[str], acr_values: frozenset[str]) -> bool:
    """Whether the provider says this sign-in used more than one factor.

    True only when one of the token's `amr` values is among the provider's configured MFA values, or
    its `acr` is one of the configured MFA levels. Nothing configured means nothing counts: Haven then
    asks its own second step.
    """
    amr = set(_as_list(claims.get("amr")))
    acr = claims.get("acr")
    if amr & amr_values:
        return True
    return isinstance(acr, str) and acr in acr_values


def token_problem(claims: Mapping[str, Any], *, issuer: str, client_id: str) -> str | None:
    """What is wrong with a (signature-checked) ID token for this provider, or None.

    The library checks the signature, the expiry and the nonce; these are the checks it leaves to us:
    the issuer, the audience (and the authorised party when there are several), and a subject.
    """
    if claims.get("iss") != issuer:
        return "issuer"
    audience = _as_list(claims.get("aud"))
    if client_id not in audience:
        return "audience"
    if len(audience) > 1 and claims.get("azp") != client_id:
        return "audience"
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        return "subject"
    return None
