"""Sign-in with the school's account in the real Chromium, against the real test provider on loopback.

A new teacher opens her invitation, chooses her school's account, signs in at the provider, and is
back in Haven signed in; later she signs in from the sign-in page's button, and signing out sends
her to the provider's sign-out.
"""

from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse

from haven.accounts import invitations, sso
from haven.accounts.models import AccountLink, ExternalIdentity
from tests.browser.conftest import screenshot
from tests.factories import MembershipFactory, UserFactory
from tests.oidc_provider.runner import CLIENT_ID, CLIENT_SECRET, PASSWORD, running_provider

SECRET_ENV = "HAVEN_TEST_SSO_SECRET"


@pytest.fixture
def school_provider(live_server, tmp_path, monkeypatch, cast):
    with running_provider(
        tmp_path,
        redirect_uri=f"{live_server.url}{reverse('sso:callback')}",
        post_logout_uri=f"{live_server.url}{reverse('login')}",
        people={"juf.anna": ""},
    ) as url:
        monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)
        cache.clear()
        yield sso.save_provider(
            slug="regenboog",
            name="Schoolaccount De Regenboog",
            issuer=f"{url}/openid",
            client_id=CLIENT_ID,
            secret_env=SECRET_ENV,
            schools=[cast.school_a],
        )


def _at_the_provider(page) -> None:
    page.locator("input[name=username]").fill("juf.anna")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("button").click()


def test_a_new_teacher_links_her_school_account_and_signs_in_with_it(
    transactional_db, cast, live_server, school_provider, new_page, mailoutbox
):
    teacher = UserFactory(username="anna", email="anna@regenboog.example")
    teacher.set_unusable_password()
    teacher.save()
    MembershipFactory(user=teacher, school=cast.school_a, role="teacher")
    token = invitations.issue_link(teacher, AccountLink.Purpose.INVITATION)

    page = new_page()
    page.goto(f"{live_server.url}{reverse('accounts:password_link', args=[token])}")
    assert urlsplit(page.url).path == reverse("accounts:password_set")
    screenshot(page, "sso-invitation-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "sso-invitation-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#sso-regenboog").click()
    page.wait_for_url(lambda url: url.startswith(school_provider.issuer.rsplit("/", 1)[0]))
    _at_the_provider(page)
    page.wait_for_url(f"{live_server.url}{reverse('home')}")
    page.locator("header form[action$='/uitloggen/']").wait_for()
    assert ExternalIdentity.objects.get().user == teacher

    # Later, in another browser: the button on the sign-in page.
    later = new_page()
    later.goto(f"{live_server.url}{reverse('login')}")
    screenshot(later, "sso-sign-in-page-1280")
    later.locator("#sso-regenboog").click()
    _at_the_provider(later)
    later.wait_for_url(f"{live_server.url}{reverse('home')}")
    screenshot(later, "sso-signed-in-1280")

    # Signing out ends Haven's session; Haven's page then links on to the provider's sign-out.
    later.locator("header form[action$='/uitloggen/'] button[type=submit]").click()
    later.wait_for_url(f"{live_server.url}{reverse('sso:signed_out')}")
    screenshot(later, "sso-signed-out-1280")
    later.locator("#sso-end-session").click()
    later.wait_for_url(lambda url: url.startswith(school_provider.issuer))
    later.goto(f"{live_server.url}{reverse('home')}")
    assert urlsplit(later.url).path == reverse("login")
