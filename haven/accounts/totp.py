"""TOTP keys and recovery codes at rest: a database dump holds no usable second factor.

django-otp keeps a TOTP device's secret (40 hex digits) in `otp_totp_totpdevice.key` and the
recovery codes in `otp_static_statictoken.token`, both as plain text. Haven changes where they live
without changing django-otp's tables or the code of django-two-factor-auth:

- The secret of a TOTP device is kept in `accounts.TOTPKey`, encrypted with the key ring of
  haven/infrastructure/encryption.py and bound to the device's id (`identity`): a ciphertext copied to another
  device does not decrypt, so that device's codes fail. The device's own column holds `SEALED`,
  which is not hex: anything that reads the column directly fails instead of using a known key.
  Saving a device with a plain key (the set-up wizard, `enrol_totp_device`) moves the key out
  before the row is written (`seal`, `store`); `TOTPDevice.bin_key` decrypts it on first use.
- A recovery code is stored as an HMAC (keyed with SECRET_KEY, so a dump alone cannot be searched
  for the 40-bit codes); the code typed at sign-in is hashed the same way before django-otp looks
  it up. A code is shown once, when it is made (haven.accounts.views.BackupTokensView).

`install()` (from AccountsConfig.ready) puts both in place.
"""

import logging
from binascii import unhexlify
from typing import Any

from django.db.models.signals import post_save, pre_save
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.infrastructure.encryption import DecryptionError, current_keyring, decrypt, encrypt, key_id_of

logger = logging.getLogger(__name__)

SEALED = "sealed"
HASHED = "#"  # not in django-otp's code alphabet (base32), so a hashed code is never taken for a plain one
PLAIN = "_haven_plain_key"
CACHE = "_haven_key"


def identity(device_id: int) -> str:
    return f"otp_totp.totpdevice.key:{device_id}"


def plain_key(device: TOTPDevice) -> str:
    """The device's secret in hex: as set on an unsaved device, or decrypted from its TOTPKey."""
    if device.key != SEALED:
        return str(device.key)
    cached = device.__dict__.get(CACHE)
    if cached is None:
        from haven.accounts.models import TOTPKey

        stored = TOTPKey.objects.filter(device_id=device.pk).values_list("key", flat=True).first()
        if stored is None:
            raise DecryptionError(f"{identity(device.pk)}: no key stored.")
        cached = device.__dict__[CACHE] = decrypt(stored, identity(device.pk))
    return str(cached)


def _bin_key(device: TOTPDevice) -> bytes:
    return unhexlify(plain_key(device).encode())


def seal(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    if instance.key != SEALED:
        instance.__dict__[PLAIN] = str(instance.key)
        instance.key = SEALED


def store(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    plain = instance.__dict__.pop(PLAIN, None)
    if plain is not None:
        from haven.accounts.models import TOTPKey

        TOTPKey.objects.update_or_create(device_id=instance.pk, defaults={"key": encrypt(plain, identity(instance.pk))})
        instance.__dict__[CACHE] = plain


def _verify_totp(original: Any) -> Any:
    def verify_token(self: TOTPDevice, token: Any) -> bool:
        try:
            return bool(original(self, token))
        except DecryptionError:
            # A moved or damaged key: this device cannot sign anyone in. Never log the key or the code.
            logger.error("The key of TOTP device %s does not decrypt; the code is refused.", self.pk)
            return False

    return verify_token


def hash_code(code: str) -> str:
    digest = salted_hmac("haven.accounts.recovery_code", code, algorithm="sha256").hexdigest()
    return HASHED + digest[: StaticToken._meta.get_field("token").max_length - len(HASHED)]


def hash_token(sender: Any, instance: StaticToken, **kwargs: Any) -> None:
    if not instance.token.startswith(HASHED):
        instance.token = hash_code(instance.token)


def _verify_static(original: Any) -> Any:
    def verify_token(self: StaticDevice, token: Any) -> bool:
        return bool(original(self, hash_code(str(token))))

    return verify_token


def install() -> None:
    TOTPDevice.bin_key = property(_bin_key)
    TOTPDevice.verify_token = _verify_totp(TOTPDevice.verify_token)
    StaticDevice.verify_token = _verify_static(StaticDevice.verify_token)
    pre_save.connect(seal, sender=TOTPDevice, dispatch_uid="haven.totp.seal")
    post_save.connect(store, sender=TOTPDevice, dispatch_uid="haven.totp.store")
    pre_save.connect(hash_token, sender=StaticToken, dispatch_uid="haven.totp.hash_token")


def rotate_totp_keys() -> int:
    """Re-encrypt every TOTP key not under the active key (for `rotate_encryption_key`); how many."""
    from haven.accounts.models import TOTPKey

    active = current_keyring().active_id
    stale = [k for k in TOTPKey.objects.order_by("pk") if key_id_of(k.key) != active]
    for stored in stale:
        stored.key = encrypt(decrypt(stored.key, identity(stored.pk)), identity(stored.pk))
    TOTPKey.objects.bulk_update(stale, ["key"], batch_size=500)
    return len(stale)
