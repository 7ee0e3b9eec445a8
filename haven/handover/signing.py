"""Where a handover package comes from: every installation signs the packages it makes (Ed25519).

A receiving Haven accepts a package only when it is signed by a key it trusts: its own
(`HAVEN_SIGNING_KEY`; its schools are the schools in its database) or one of the installations in
`HAVEN_TRUSTED_INSTALLATIONS` ("name:public key:BRIN+BRIN,..."), each of which may speak only for
the BRIN codes listed with it. So a school cannot pass a package off as another school's: it
would need that installation's private key. Keys are base64url without padding (32 bytes each).
See docs/handover-package.md for generating and exchanging keys.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

# Bound into every signature, so a signature over something else Haven might sign never fits a package.
DOMAIN = b"haven.handover.signature/1\n"
KEY_TEXT_LENGTH = 43  # 32 bytes in base64url without padding
SIGNATURE_TEXT_LENGTH = 86  # 64 bytes


def encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str, length: int) -> bytes:
    if not isinstance(text, str) or len(text) != length:
        raise ValueError("wrong length")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Installation:
    """An installation whose packages this Haven accepts. `brins` None: this installation itself."""

    name: str
    public_key: str
    brins: frozenset[str] | None

    @property
    def is_own(self) -> bool:
        return self.brins is None


def _private_key() -> Ed25519PrivateKey:
    try:
        return Ed25519PrivateKey.from_private_bytes(_decode(settings.HAVEN_SIGNING_KEY.strip(), KEY_TEXT_LENGTH))
    except (ValueError, binascii.Error) as error:
        raise ImproperlyConfigured(
            "HAVEN_SIGNING_KEY must be 32 random bytes in base64url without padding (43 characters)."
        ) from error


def public_key() -> str:
    """This installation's public key, to give to the installations that receive its packages."""
    return encode(_private_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def trusted_installations() -> dict[str, Installation]:
    """Every installation whose packages are accepted, by public key."""
    own = Installation(name=_("this Haven installation"), public_key=public_key(), brins=None)
    result = {own.public_key: own}
    for entry in settings.HAVEN_TRUSTED_INSTALLATIONS.split(","):
        if not entry.strip():
            continue
        fields = entry.split(":")
        if len(fields) != 3:
            raise ImproperlyConfigured(f"HAVEN_TRUSTED_INSTALLATIONS: {entry.strip()!r} is not name:key:BRIN+BRIN.")
        name, key, brins = (field.strip() for field in fields)
        try:
            Ed25519PublicKey.from_public_bytes(_decode(key, KEY_TEXT_LENGTH))
        except (ValueError, binascii.Error) as error:
            message = f"HAVEN_TRUSTED_INSTALLATIONS: the key of {name!r} is not a public key."
            raise ImproperlyConfigured(message) from error
        codes = frozenset(code.strip().upper() for code in brins.split("+") if code.strip())
        if not name or not codes:
            raise ImproperlyConfigured(f"HAVEN_TRUSTED_INSTALLATIONS: {name!r} needs a name and its BRIN codes.")
        result[key] = Installation(name=name, public_key=key, brins=codes)
    return result


def canonical(package: dict[str, Any]) -> bytes:
    """What is signed: the package without the signature's value, as compact sorted ASCII JSON."""
    content = dict(package)
    signature = content.get("signature")
    if isinstance(signature, dict):
        content["signature"] = {k: v for k, v in signature.items() if k != "value"}
    return DOMAIN + json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def sign(package: dict[str, Any]) -> dict[str, Any]:
    """The package with this installation's signature."""
    key = _private_key()
    signed = {**package, "signature": {"algorithm": "ed25519", "key": public_key()}}
    signed["signature"]["value"] = encode(key.sign(canonical(signed)))
    return signed


def verify(raw: Any) -> Installation:
    """The trusted installation that signed this decoded package; ValidationError (Dutch) otherwise."""
    signature = raw.get("signature") if isinstance(raw, dict) else None
    if not (
        isinstance(signature, dict)
        and set(signature) == {"algorithm", "key", "value"}
        and signature["algorithm"] == "ed25519"
    ):
        raise ValidationError(
            _(
                "This package carries no valid signature, so Haven cannot check where it comes from. "
                "Ask the sending school to make the package again with Haven."
            )
        )
    installation = trusted_installations().get(signature["key"]) if isinstance(signature["key"], str) else None
    if installation is None:
        raise ValidationError(
            _(
                "This package is signed by a Haven installation that your Haven does not trust (key %(key)s). "
                "It has not been imported. Ask your functional administrator to check the key with the sending "
                "school's installation first."
            )
            % {"key": str(signature["key"])[:KEY_TEXT_LENGTH]}
        )
    try:
        Ed25519PublicKey.from_public_bytes(_decode(signature["key"], KEY_TEXT_LENGTH)).verify(
            _decode(signature["value"], SIGNATURE_TEXT_LENGTH), canonical(raw)
        )
    except (InvalidSignature, ValueError, binascii.Error):
        raise ValidationError(
            _(
                "This package was changed after it was signed, or its signature is damaged. It has not been "
                "imported. Ask the sending school for the original file."
            )
        ) from None
    return installation


@checks.register(checks.Tags.security)
def check_signing_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`manage.py check` reports a malformed signing key or trusted installation before a package is made."""
    try:
        trusted_installations()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="haven.handover.E001")]
    return []
