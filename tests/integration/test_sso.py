"""Sign-in with the school's account, end to end against a real OpenID Connect provider on loopback.

The provider is django-oidc-provider in its own small project (tests/oidc_provider/), started in a
subprocess with its own database on a free port. Haven's Django test client plays the browser on
Haven's side, a requests session the same browser on the provider's side: the codes, tokens and
keys are the provider's own, fetched by Haven over HTTP as from Entra ID or Google.
"""

from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

import pytest
import requests
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from haven.accounts import invitations, role_requests, sso
from haven.accounts import services as account_services
from haven.accounts.audit_actions import AccountAction
from haven.accounts.models import AccountLink, ExternalIdentity, IdentityProvider, RoleRequest, User
from haven.audit.models import AuditEvent
from haven.organisations.models import School
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.oidc_provider.runner import CLIENT_ID, CLIENT_SECRET, running_provider
from tests.oidc_provider.runner import PASSWORD as PASSWORD_AT_PROVIDER

SECRET_ENV = "HAVEN_TEST_SSO_SECRET"
CALLBACK = "http://testserver/inloggen/sso/terug/"
AFTER_LOGOUT = "http://testserver/inloggen/"
# The provider's people: first_name steers the claims of their ID token (tests/oidc_provider/hooks.py).
PEOPLE = {
    "juf.anna": "",
    "ib.mfa": "mfa",
    "ib.zonder": "",
    "verlopen": "verlopen",
    "vervalst": "vervalst:juf.anna",
    "onbekend": "",
}


@pytest.fixture(scope="module")
def provider_url(tmp_path_factory):
    with running_provider(
        tmp_path_factory.mktemp("oidc"), redirect_uri=CALLBACK, post_logout_uri=AFTER_LOGOUT, people=PEOPLE
    ) as url:
        yield url


@pytest.fixture
def provider(provider_url, cast, monkeypatch):
    """Haven's configuration of the provider for school A: two factors when amr says "mfa"."""
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)
    cache.clear()
    return sso.save_provider(
        slug="regenboog-test",
        name="Schoolaccount De Regenboog",
        issuer=f"{provider_url}/openid",
        client_id=CLIENT_ID,
        secret_env=SECRET_ENV,
        schools=[cast.school_a],
        mfa_amr="mfa",
    )


def _at_provider(session: requests.Session, url: str, username: str) -> str:
    """The browser at the provider: signs in there as `username`, and returns where the provider sends it back."""
    for _hop in range(10):
        response = session.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and "csrfmiddlewaretoken" in response.text:
            token = response.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
            nxt = parse_qs(urlparse(url).query)["next"][0]
            response = session.post(
                url,
                {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD_AT_PROVIDER, "next": nxt},
                allow_redirects=False,
                timeout=10,
            )
        assert response.status_code == 302, (response.status_code, response.text[:300])
        location = response.headers["Location"]
        url = location if location.startswith("http") else urljoin_provider(url, location)
        if url.startswith("http://testserver/"):
            return url
    raise AssertionError("the provider did not send the browser back")


def urljoin_provider(base: str, location: str) -> str:
    parts = urlparse(base)
    return f"{parts.scheme}://{parts.netloc}{location}"


def start(client: Client, provider, *, link: bool = False) -> str:
    response = client.get(reverse("sso:start", args=[provider.slug]) + ("?koppelen=1" if link else ""))
    assert response.status_code == 302
    return response["Location"]


def back_to_haven(client: Client, url: str):
    parts = urlparse(url)
    return client.get(parts.path, parse_qs(parts.query))


def sign_in_with_provider(client: Client, provider, username: str, *, link: bool = False, alter=None):
    authorize = start(client, provider, link=link)
    if alter is not None:
        authorize = alter(authorize)
    return back_to_haven(client, _at_provider(requests.Session(), authorize, username))


def invited(user: User, client: Client) -> None:
    """The person opens the invitation link from their mail (its token moves into the session)."""
    token = invitations.issue_link(user, AccountLink.Purpose.INVITATION)
    assert client.get(reverse("accounts:password_link", args=[token])).status_code == 302


def linked(user: User, provider, username: str) -> None:
    client = Client()
    invited(user, client)
    response = sign_in_with_provider(client, provider, username, link=True)
    assert response.status_code == 302, response.content.decode()[:500]


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.filter(pk=user_id).first() if user_id else None


def refusals(reason: str) -> int:
    return sum(
        1
        for e in AuditEvent.objects.filter(action=AccountAction.SSO_REFUSED)
        if e.outcome == AuditEvent.Outcome.DENIED and (e.detail or {}).get("reason") == reason
    )


def totp(device) -> str:
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return f"{token:0{device.digits}d}"


# --- Linking and signing in -------------------------------------------------------------------------


def test_the_invitation_page_offers_the_school_account(cast, provider, mailoutbox):
    client = Client()
    teacher = UserFactory(username="nieuw", email="nieuw@regenboog.example")
    MembershipFactory(user=teacher, school=cast.school_a, role="teacher")
    invited(teacher, client)
    page = client.get(reverse("accounts:password_set")).content.decode()
    assert f'href="{reverse("sso:start", args=[provider.slug])}?koppelen=1"' in page
    assert 'name="password1"' in page  # passwords stay allowed at this school


def test_an_invited_person_links_their_school_account_once_and_signs_in_with_it(cast, provider, mailoutbox):
    teacher = UserFactory(username="anna", email="anna@regenboog.example")
    MembershipFactory(user=teacher, school=cast.school_a, role="teacher")
    client = Client()
    invited(teacher, client)
    response = sign_in_with_provider(client, provider, "juf.anna", link=True)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_user(client) == teacher
    identity = ExternalIdentity.objects.get(user=teacher)
    assert identity.issuer == provider.issuer and identity.subject  # the provider's stable subject
    assert AccountLink.objects.get(user=teacher).used_at is not None  # the invitation is used up
    assert AuditEvent.objects.filter(action=AccountAction.SSO_LINKED).count() == 1

    # Later, from the sign-in page, without any link: the stored identity signs in to the same account.
    users = User.objects.count()
    later = Client()
    assert f'href="{reverse("sso:start", args=[provider.slug])}"' in later.get(reverse("login")).content.decode()
    response = sign_in_with_provider(later, provider, "juf.anna")
    assert response.status_code == 302
    assert signed_in_user(later) == teacher
    assert later.get(reverse("home")).status_code == 200
    assert User.objects.count() == users and ExternalIdentity.objects.count() == 1
    assert AuditEvent.objects.filter(action=AccountAction.SIGN_IN, object_id=str(teacher.pk)).exists()


def test_an_unknown_identity_is_refused_in_dutch_and_no_account_is_made(cast, provider):
    users = User.objects.count()
    client = Client()
    response = sign_in_with_provider(client, provider, "onbekend")
    assert response.status_code == 403
    page = response.content.decode()
    assert 'id="sso-refused"' in page and 'id="sso-unknown"' in page
    assert signed_in_user(client) is None
    assert User.objects.count() == users and not ExternalIdentity.objects.exists()
    assert refusals("unknown identity") == 1
    # The audit log keeps a keyed hash of the identity, never the subject itself.
    event = AuditEvent.objects.filter(action=AccountAction.SSO_REFUSED).get()
    assert len(event.detail["identity"]) == 16


def test_the_match_is_on_the_subject_never_on_a_name_or_address(cast, provider):
    """A Haven account whose username and e-mail are the provider person's, but never linked, is not signed in."""
    UserFactory(username="juf.anna", email="juf.anna@example.org")
    client = Client()
    response = sign_in_with_provider(client, provider, "juf.anna")
    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert refusals("unknown identity") == 1


def test_an_identity_cannot_be_linked_to_a_second_account(cast, provider, mailoutbox):
    first = UserFactory(username="eerste", email="eerste@regenboog.example")
    MembershipFactory(user=first, school=cast.school_a, role="teacher")
    linked(first, provider, "juf.anna")
    second = UserFactory(username="tweede", email="tweede@regenboog.example")
    MembershipFactory(user=second, school=cast.school_a, role="teacher")
    client = Client()
    invited(second, client)
    # The identity is already someone's: it signs in to that account, it does not move.
    sign_in_with_provider(client, provider, "juf.anna", link=True)
    assert ExternalIdentity.objects.get().user == first
    assert AccountLink.objects.get(user=second).used_at is None


def test_a_provider_does_not_sign_in_staff_of_a_school_it_does_not_serve(cast, provider, mailoutbox):
    """Linked at school A, then the person moves to school B only: school A's provider no longer lets them in."""
    teacher = UserFactory(username="anna", email="anna@regenboog.example")
    membership = MembershipFactory(user=teacher, school=cast.school_a, role="teacher")
    linked(teacher, provider, "juf.anna")
    membership.school = cast.school_b
    membership.save()
    client = Client()
    assert sign_in_with_provider(client, provider, "juf.anna").status_code == 403
    assert signed_in_user(client) is None
    assert refusals("not served by this provider") == 1


def test_an_invitation_of_another_school_cannot_link_through_this_provider(cast, provider, mailoutbox):
    other = UserFactory(username="kompas", email="kompas@kompas.example")
    MembershipFactory(user=other, school=cast.school_b, role="teacher")
    client = Client()
    invited(other, client)
    assert sign_in_with_provider(client, provider, "juf.anna", link=True).status_code == 403
    assert not ExternalIdentity.objects.exists()


def test_an_approved_role_that_reads_dossiers_removes_the_linked_school_account(cast, provider, mailoutbox):
    """As with the password and the authenticator: whoever asked for the role may have linked it."""
    teacher = cast.teacher
    teacher.email = "juf@regenboog.example"
    teacher.save()
    linked(teacher, provider, "juf.anna")
    account_services.update_staff_account(
        cast.actor("admin"),
        teacher,
        first_name=teacher.first_name,
        last_name=teacher.last_name,
        email=teacher.email,
        role="care_coordinator",
        is_active=True,
    )
    request = RoleRequest.objects.get(user=teacher, status=RoleRequest.Status.PENDING)
    role_requests.approve(cast.actor("af"), request.pk, shown_email=teacher.email)
    assert not ExternalIdentity.objects.filter(user=teacher).exists()
    client = Client()
    assert sign_in_with_provider(client, provider, "juf.anna").status_code == 403
    assert signed_in_user(client) is None


# --- Two-factor -------------------------------------------------------------------------------------


def test_a_provider_that_says_mfa_counts_as_two_factor_for_the_ib(cast, provider, mailoutbox):
    ib = cast.ib
    ib.email = "ib@regenboog.example"
    ib.save()
    linked(ib, provider, "ib.mfa")
    client = Client()
    response = sign_in_with_provider(client, provider, "ib.mfa")
    assert response["Location"] == reverse("home")
    assert signed_in_user(client) == ib
    # No Haven code and no set-up asked: the inbox opens.
    assert client.get(reverse("meldcode:inbox")).status_code == 200


def test_a_provider_that_does_not_say_mfa_is_followed_by_havens_own_code(cast, provider, mailoutbox):
    ib = cast.ib
    ib.email = "ib@regenboog.example"
    ib.save()
    device = account_services.enrol_totp_device(ib, secret_base32="JBSWY3DPEHPK3PXP")
    linked_client = Client()
    invited(ib, linked_client)
    # Even the linking sign-in asks for the code.
    assert sign_in_with_provider(linked_client, provider, "ib.zonder", link=True)["Location"] == reverse("sso:code")

    client = Client()
    response = sign_in_with_provider(client, provider, "ib.zonder")
    assert response["Location"] == reverse("sso:code")
    assert signed_in_user(client) is None  # not signed in on the provider's word alone
    assert client.get(reverse("meldcode:inbox")).status_code == 302
    wrong = "000000" if totp(device) != "000000" else "111111"
    assert client.post(reverse("sso:code"), {"otp_token": wrong}).status_code == 200
    assert signed_in_user(client) is None
    assert AuditEvent.objects.filter(action=AccountAction.SSO_CODE_FAILED).count() == 1
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post(reverse("sso:code"), {"otp_token": totp(device)})
    assert response.status_code == 302
    assert signed_in_user(client) == ib
    assert client.get(reverse("meldcode:inbox")).status_code == 200


def test_without_mfa_and_without_an_authenticator_the_ib_must_set_one_up(cast, provider, mailoutbox):
    ib = cast.ib
    ib.email = "ib@regenboog.example"
    ib.save()
    linked(ib, provider, "ib.zonder")
    client = Client()
    sign_in_with_provider(client, provider, "ib.zonder")
    assert signed_in_user(client) == ib
    response = client.get(reverse("meldcode:inbox"))
    assert response.status_code == 302 and response["Location"] == reverse("two_factor:setup")


def test_a_teacher_without_an_authenticator_needs_no_second_step(cast, provider, mailoutbox):
    teacher = cast.teacher
    teacher.email = "juf@regenboog.example"
    teacher.save()
    linked(teacher, provider, "ib.zonder")
    client = Client()
    sign_in_with_provider(client, provider, "ib.zonder")
    assert client.get(reverse("meldcode:signal_list")).status_code == 200


# --- Tokens, state and nonce ------------------------------------------------------------------------


def test_an_expired_id_token_is_refused(cast, provider, mailoutbox):
    teacher = UserFactory(username="anna", email="anna@regenboog.example")
    MembershipFactory(user=teacher, school=cast.school_a, role="teacher")
    ExternalIdentity.objects.create(
        user=teacher, issuer=provider.issuer, subject=_subject_of("verlopen"), provider=provider, linked_at=_now()
    )
    client = Client()
    response = sign_in_with_provider(client, provider, "verlopen")
    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert refusals("token") == 1


def test_a_tampered_id_token_is_refused(cast, provider, mailoutbox):
    """The token endpoint's answer is changed on the way to say it is juf.anna's: the signature no longer fits."""
    anna = UserFactory(username="anna", email="anna@regenboog.example")
    MembershipFactory(user=anna, school=cast.school_a, role="school_leader")
    linked(anna, provider, "juf.anna")
    client = Client()
    response = sign_in_with_provider(client, provider, "vervalst")
    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert refusals("token") == 1


def test_a_changed_nonce_is_refused(cast, provider, mailoutbox):
    teacher = UserFactory(username="anna", email="anna@regenboog.example")
    MembershipFactory(user=teacher, school=cast.school_a, role="teacher")
    linked(teacher, provider, "juf.anna")

    def other_nonce(url: str) -> str:
        parts = urlparse(url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        query["nonce"] = "a-nonce-this-browser-never-asked-for"
        return urlunparse(parts._replace(query=urlencode(query)))

    client = Client()
    response = sign_in_with_provider(client, provider, "juf.anna", alter=other_nonce)
    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert refusals("token") == 1


def test_an_answer_for_another_browser_or_a_replay_is_refused(cast, provider, mailoutbox):
    teacher = UserFactory(username="anna", email="anna@regenboog.example")
    MembershipFactory(user=teacher, school=cast.school_a, role="teacher")
    linked(teacher, provider, "juf.anna")
    victim = Client()
    back = _at_provider(requests.Session(), start(victim, provider), "juf.anna")
    # Another browser brings the answer (a stolen or injected code): no sign-in of its own waits for it.
    attacker = Client()
    response = back_to_haven(attacker, back)
    assert response.status_code == 400 and 'id="sso-refused"' in response.content.decode()
    assert signed_in_user(attacker) is None
    # The browser that asked uses it once; the same answer again is refused.
    assert back_to_haven(victim, back).status_code == 302
    assert signed_in_user(victim) == teacher
    assert back_to_haven(victim, back).status_code == 400
    assert refusals("state") == 2


def test_a_forged_state_is_refused(cast, provider):
    client = Client()
    start(client, provider)
    response = client.get(reverse("sso:callback"), {"code": "made-up", "state": "made-up"})
    assert response.status_code == 400
    assert signed_in_user(client) is None


def test_an_error_from_the_provider_is_refused(cast, provider):
    client = Client()
    state = parse_qs(urlparse(start(client, provider)).query)["state"][0]
    response = client.get(reverse("sso:callback"), {"error": "access_denied", "state": state})
    assert response.status_code == 403
    assert refusals("provider error") == 1


def test_a_missing_secret_refuses_without_a_server_error(cast, provider, monkeypatch, mailoutbox):
    teacher = UserFactory(username="anna", email="anna@regenboog.example")
    MembershipFactory(user=teacher, school=cast.school_a, role="teacher")
    linked(teacher, provider, "juf.anna")
    monkeypatch.delenv(SECRET_ENV)
    client = Client()
    assert sign_in_with_provider(client, provider, "juf.anna").status_code == 403
    assert refusals("secret") == 1


# --- Passwords off, and signing out ---------------------------------------------------------------------


def test_a_school_that_turned_passwords_off_refuses_its_staffs_password(cast, provider, mailoutbox):
    provider.passwords_off = True
    provider.save()
    response = Client().post(
        reverse("login"),
        {"login_view-current_step": "auth", "auth-username": "teacher", "auth-password": PASSWORD},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "_auth_user_id" not in response.wsgi_request.session
    assert "“Schoolaccount De Regenboog”" in page  # the refusal names the school's button
    assert AuditEvent.objects.filter(action=AccountAction.PASSWORD_SIGN_IN_REFUSED).count() == 1
    # School B's staff keep their password.
    other = Client().post(
        reverse("login"),
        {"login_view-current_step": "auth", "auth-username": "af_b", "auth-password": PASSWORD},
    )
    assert other.status_code == 302
    # The invitation page of such a school offers only the school account.
    newcomer = UserFactory(username="nieuw", email="nieuw@regenboog.example")
    newcomer.set_unusable_password()
    newcomer.save()
    MembershipFactory(user=newcomer, school=cast.school_a, role="teacher")
    client = Client()
    invited(newcomer, client)
    page = client.get(reverse("accounts:password_set")).content.decode()
    assert 'name="password1"' not in page and "?koppelen=1" in page
    client.post(
        reverse("accounts:password_set"), {"password1": "een-lang-wachtwoord-1", "password2": "een-lang-wachtwoord-1"}
    )
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()


def test_signing_out_ends_the_session_and_signs_out_at_the_provider(cast, provider, mailoutbox):
    teacher = UserFactory(username="anna", email="anna@regenboog.example")
    MembershipFactory(user=teacher, school=cast.school_a, role="teacher")
    linked(teacher, provider, "juf.anna")
    client = Client()
    sign_in_with_provider(client, provider, "juf.anna")
    assert signed_in_user(client) == teacher
    response = client.post(reverse("logout"))
    # A page of Haven's own (the CSP stops a form's redirect to another site) links to the provider.
    assert response.status_code == 302 and response["Location"] == reverse("sso:signed_out")
    assert signed_in_user(client) is None
    page = client.get(reverse("sso:signed_out")).content.decode()
    end_session = page.split('id="sso-end-session" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    location = urlparse(end_session)
    assert f"{location.scheme}://{location.netloc}{location.path}".rstrip("/") == f"{provider.issuer}/end-session"
    assert parse_qs(location.query)["post_logout_redirect_uri"] == [AFTER_LOGOUT]
    assert parse_qs(location.query)["client_id"] == [CLIENT_ID]
    assert client.get(reverse("home")).status_code == 302
    # The provider accepts the request (it asks its own confirmation, then returns to Haven's sign-in page).
    answer = requests.get(end_session, allow_redirects=True, timeout=10)
    assert answer.status_code == 200


def test_a_password_session_signs_out_as_before(cast):
    client = cast.client("teacher")
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")


# --- helpers ------------------------------------------------------------------------------------------


def _subject_of(username: str) -> str:
    """The provider's subject for one of its people: its default, the user's id in its fresh database."""
    return str(list(PEOPLE).index(username) + 1)


def _now():
    from django.utils import timezone

    return timezone.now()


def test_a_provider_switched_off_has_no_button_and_starts_no_sign_in(cast, provider):
    provider.active = False
    provider.save()
    assert f"sso-{provider.slug}" not in Client().get(reverse("login")).content.decode()
    assert Client().get(reverse("sso:start", args=[provider.slug])).status_code == 404


# --- Configuring a provider ---------------------------------------------------------------------------


def test_the_command_configures_a_provider_for_a_board_and_keeps_only_the_secrets_name(cast):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "sso_provider",
        "zonnedal-entra",
        name="Microsoft 365 van Zonnedal",
        issuer="https://login.microsoftonline.com/tenant/v2.0",
        client_id="app-id",
        secret_env="HAVEN_SSO_ZONNEDAL_SECRET",
        board=cast.school_a.board.name,
        mfa_amr="mfa",
        passwords_off=True,
        stdout=out,
    )
    provider = IdentityProvider.objects.get(slug="zonnedal-entra")
    assert set(sso.schools_served(provider)) == set(School.objects.filter(board=cast.school_a.board))
    assert provider.secret_env == "HAVEN_SSO_ZONNEDAL_SECRET" and provider.passwords_off
    assert sso.passwords_off_for(cast.teacher) == [provider]
    assert AuditEvent.objects.filter(action=AccountAction.SSO_PROVIDER_SAVED).count() == 1
    listing = StringIO()
    call_command("sso_provider", list=True, stdout=listing)
    assert "zonnedal-entra" in listing.getvalue() and "$HAVEN_SSO_ZONNEDAL_SECRET" in listing.getvalue()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"secret_env": "s3cr3t-value!"}, "NAME of an environment variable"),
        ({"schools": "99ZZ"}, "No school with BRIN code 99ZZ"),
        ({"schools": ""}, "at least one school"),
        ({"issuer": "not a url"}, "valid SLUG and --issuer"),
    ],
)
def test_the_command_refuses_bad_input_and_changes_nothing(cast, options, message):
    from django.core.management import CommandError, call_command

    values = {
        "name": "Google van De Regenboog",
        "issuer": "https://accounts.google.com",
        "client_id": "client",
        "secret_env": "HAVEN_SSO_REGENBOOG",
        "schools": cast.school_a.brin_code,
        **options,
    }
    with pytest.raises(CommandError, match=message):
        call_command("sso_provider", "regenboog-google", **values)
    assert not IdentityProvider.objects.exists()


def test_unlinking_removes_the_identity_and_the_person_links_again_from_a_new_invitation(cast, provider, mailoutbox):
    from io import StringIO

    from django.core.management import call_command

    teacher = UserFactory(username="anna", email="anna@regenboog.example")
    MembershipFactory(user=teacher, school=cast.school_a, role="teacher")
    linked(teacher, provider, "juf.anna")
    call_command("sso_unlink", "anna", stdout=StringIO())
    assert not ExternalIdentity.objects.exists()
    assert AuditEvent.objects.filter(action=AccountAction.SSO_UNLINKED).count() == 1
    assert sign_in_with_provider(Client(), provider, "juf.anna").status_code == 403
    linked(teacher, provider, "juf.anna")
    assert ExternalIdentity.objects.get().user == teacher
