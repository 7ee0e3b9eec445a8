"""Second factors at rest: no table holds a TOTP key (hex or base32) or a usable recovery code."""

import base64
import re
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import services as account_services
from haven.accounts.models import TOTPKey
from haven.accounts.totp import SEALED, plain_key
from haven.infrastructure.encryption import generate_key, key_id_of
from tests.signing_in import DEMO_SECRET, database_text, enter_code, sign_in, totp


def key_forms(hex_key: str) -> list[str]:
    b32 = base64.b32encode(bytes.fromhex(hex_key)).decode()
    return [hex_key.lower(), hex_key.upper(), b32, b32.rstrip("="), b32.lower().rstrip("=")]


def assert_not_stored(hex_key: str) -> None:
    text = database_text()
    for form in key_forms(hex_key):
        assert form not in text, form


def code_for(hex_key: str) -> str:
    return f"{TOTP(bytes.fromhex(hex_key)).token():06d}"


def test_an_enrolled_key_is_nowhere_in_the_database_and_the_code_still_signs_in(cast):
    device = account_services.enrol_totp_device(cast.af, secret_base32=DEMO_SECRET)
    hex_key = base64.b32decode(DEMO_SECRET).hex()
    assert TOTPDevice.objects.get(pk=device.pk).key == SEALED
    assert_not_stored(hex_key)
    client = Client()
    sign_in(client, "af")
    assert enter_code(client, code_for(hex_key)).status_code == 302
    assert client.get(reverse("meldcode:inbox")).status_code == 200
    assert_not_stored(hex_key)  # verifying saved the device (last_t) without writing the key back


def test_the_set_up_wizard_stores_the_key_encrypted_and_the_new_device_signs_in(cast):
    client = Client()
    sign_in(client, "teacher")  # two-factor sign-in is optional for teachers: set it up
    setup = reverse("two_factor:setup")
    client.get(setup)
    client.post(setup, {"setup_view-current_step": "welcome"})
    b32 = client.session["django_two_factor-qr_secret_key"]
    hex_key = base64.b32decode(b32 + "=" * (-len(b32) % 8)).hex()
    response = client.post(setup, {"setup_view-current_step": "generator", "generator-token": code_for(hex_key)})
    assert response.status_code == 302, response.content.decode()
    device = TOTPDevice.objects.get(user=cast.teacher)
    assert device.key == SEALED and plain_key(device) == hex_key
    assert_not_stored(hex_key)
    device.throttle_reset()
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the set-up code may be used again below
    fresh = Client()
    sign_in(fresh, "teacher")
    assert enter_code(fresh, code_for(hex_key)).status_code == 302


def test_a_key_copied_to_another_device_does_not_verify(cast):
    af_device = account_services.enrol_totp_device(cast.af, secret_base32=DEMO_SECRET)
    ib_device = account_services.enrol_totp_device(cast.ib, secret_base32="KRSXG5CTMVRXEZLU")
    TOTPKey.objects.filter(device=ib_device).update(key=TOTPKey.objects.get(device=af_device).key)
    moved = TOTPDevice.objects.get(pk=ib_device.pk)
    assert moved.verify_token(totp(af_device)) is False
    client = Client()
    sign_in(client, "ib")
    assert "_auth_user_id" not in client.session
    assert enter_code(client, totp(af_device)).status_code == 200  # refused: the form again
    assert "_auth_user_id" not in client.session


def test_rotation_re_encrypts_the_keys_and_codes_keep_working(cast, settings):
    device = account_services.enrol_totp_device(cast.af, secret_base32=DEMO_SECRET)
    settings.HAVEN_ENCRYPTION_KEYS = f"new:{generate_key()},{settings.HAVEN_ENCRYPTION_KEYS}"
    call_command("rotate_encryption_key", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert key_id_of(TOTPKey.objects.get(device=device).key) == "new"
    settings.HAVEN_ENCRYPTION_KEYS = settings.HAVEN_ENCRYPTION_KEYS.split(",")[0]  # the old key is gone
    assert TOTPDevice.objects.get(pk=device.pk).verify_token(totp(device)) is True


def test_recovery_codes_are_shown_once_stored_as_hmac_and_sign_in_once(cast):
    account_services.enrol_totp_device(cast.af, secret_base32=DEMO_SECRET)
    page = cast.client("af").post(reverse("two_factor:backup_tokens")).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(codes) == 10
    text = database_text()
    assert not [code for code in codes if code in text]
    later = cast.client("af").get(reverse("two_factor:backup_tokens")).content.decode()
    assert not [code for code in codes if code in later]
    for attempt in range(2):
        client = Client()
        sign_in(client, "af")
        response = client.post(reverse("login"), {"login_view-current_step": "backup", "backup-otp_token": codes[0]})
        assert (response.status_code == 302) is (attempt == 0)  # a code works once
        StaticDevice.objects.get(user=cast.af).throttle_reset()


@pytest.mark.django_db
def test_the_migration_seals_the_keys_and_codes_stored_before(cast):
    hex_key = "3132333435363738393031323334353637383930"
    TOTPDevice.objects.bulk_create([TOTPDevice(user=cast.ib, name="default", key=hex_key, confirmed=True)])
    static = StaticDevice.objects.create(user=cast.ib, name="backup")
    StaticToken.objects.bulk_create([StaticToken(device=static, token="abcd2345")])
    import_module("haven.accounts.migrations.0007_totp_key").seal_secrets(apps, None)
    assert_not_stored(hex_key)
    assert "abcd2345" not in database_text()
    device = TOTPDevice.objects.get(user=cast.ib)
    assert device.verify_token(code_for(hex_key)) is True
    assert StaticDevice.objects.get(pk=static.pk).verify_token("abcd2345") is True
