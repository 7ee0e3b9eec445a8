"""Every page and message of two-factor sign-in speaks Dutch, with one word for it: tweestapsverificatie."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice

from haven.accounts import services as account_services
from tests.signing_in import DEMO_SECRET, enter_code, sign_in, totp

# Words that only English has (Dutch shares "code", "app", "authenticator"...).
ENGLISH = re.compile(
    r"\b(the|your|you|please|token|tokens|invalid|enter|entered|correctly|verification|disabled|attempts?|"
    r"failed|generator|secret|enable|authentication|next|back|sure|device|select|method|incorrect|"
    r"again|soon|wizard|level|smartphone)\b",
    re.IGNORECASE,
)


def visible(response) -> str:
    """The text a person sees: the page's text and its labels, titles and alternative texts."""
    page = response.content.decode()
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    shown = re.findall(r'(?:placeholder|title|aria-label|alt)="([^"]*)"', page)
    shown += re.findall(r'<input[^>]*type="submit"[^>]*value="([^"]*)"', page)
    return html.unescape(" ".join([re.sub(r"(?s)<[^>]+>", " ", page), *shown]))


def assert_dutch(response) -> None:
    text = visible(response)
    assert not ENGLISH.findall(text), (ENGLISH.findall(text), text)
    assert "authenticatie" not in text.lower()  # the one word is "tweestapsverificatie"


@pytest.fixture
def af_at_the_code_step(cast):
    device = account_services.enrol_totp_device(cast.af, secret_base32=DEMO_SECRET)
    StaticDevice.objects.create(user=cast.af, name="backup").token_set.create(token="k3v9q2xw")
    client = Client()
    assert_dutch(sign_in(client, "af"))
    return client, device


def test_the_code_steps_and_their_errors_are_dutch(af_at_the_code_step):
    client, device = af_at_the_code_step
    assert_dutch(enter_code(client, "12"))  # too short
    wrong = enter_code(client, "000000" if totp(device) != "000000" else "111111")
    assert "Deze code klopt niet" in wrong.content.decode()
    assert_dutch(wrong)
    assert_dutch(enter_code(client, totp(device)))  # throttled after the failure: "wait a moment"
    assert_dutch(client.post(reverse("login"), {"wizard_goto_step": "backup"}))
    assert_dutch(client.post(reverse("login"), {"login_view-current_step": "backup", "backup-otp_token": "zzzz2222"}))


def test_the_set_up_pages_are_dutch(cast):
    client = Client()
    sign_in(client, "teacher")
    setup = reverse("two_factor:setup")
    assert_dutch(client.get(setup))
    step = client.post(setup, {"setup_view-current_step": "welcome"})
    assert "QR-code" in step.content.decode()
    assert_dutch(step)
    assert_dutch(client.post(setup, {"setup_view-current_step": "generator", "generator-token": "12"}))
    assert_dutch(client.post(setup, {"setup_view-current_step": "generator", "generator-token": "000001"}))


@pytest.mark.parametrize("page", ["two_factor:setup_complete", "two_factor:backup_tokens", "two_factor:profile"])
def test_the_account_security_pages_are_dutch(cast, page):
    account_services.enrol_totp_device(cast.af, secret_base32=DEMO_SECRET)
    assert_dutch(cast.client("af").get(reverse(page)))


def test_new_recovery_codes_are_dutch(cast):
    assert_dutch(cast.client("af").post(reverse("two_factor:backup_tokens")))
