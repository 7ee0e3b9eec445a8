"""The functional administrator can never give himself a session that reads a dossier (issue 10, finding 2).

Every test plays the administrator trying one path to a session that reads case content (create
an account, promote one, set or reset a password, switch an AF back on, use someone's link, approve
his own request) and ends by asking the dossier, its chronology PDF and the parents' access export
with what he got: none answers. The control test shows that the very same requests do answer once
the person the account is for sets their own password and an AF approves the role.
"""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.access.middleware import actor_for
from haven.accounts.models import AccountLink, Membership, RoleRequest, User
from haven.audit.models import AuditEvent
from haven.disclosure.queries import build_record
from haven.disclosure.services import record_disclosure
from haven.organisations.bootstrap import bootstrap_school
from haven.tasks.queries import my_tasks
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.integration.account_links import token_in
from tests.signing_in import sign_in

ADMIN_MAILBOX = "beheerder.prive@example.org"
CHOSEN = "Kastanjeboom-Zomer-2026"


@pytest.fixture
def dossier(cast):
    """A dossier of school A with what it reads: the page, the chronology PDF, the parents' access export."""
    case = cast.case(author="teacher")
    disclosure = record_disclosure(
        cast.actor("af"),
        cast.pupil,
        state=build_record(cast.pupil).state,
        withheld={},
        reporter_identity_withheld=False,
    )
    return [
        reverse("meldcode:case_detail", args=[case.pk]),
        reverse("documents:chronology", args=[case.pk]),
        reverse("disclosure:export", args=[disclosure.pk]),
    ]


def full_session(username: str, password: str) -> Client:
    """Sign in through the sign-in page; an account without an authenticator then gets one set up,
    as its holder would on the set-up page. A sign-in that is refused gives an anonymous client."""
    client = Client()
    sign_in(client, username, password)
    if "_auth_user_id" in client.session:
        user = User.objects.get(username=username)
        device, _created = TOTPDevice.objects.get_or_create(user=user, defaults={"name": "default"})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def assert_dossier_closed(client: Client, dossier: list[str]) -> None:
    for url in dossier:
        status = client.get(url).status_code
        assert status != 200, (url, status)


def use_link(token: str, password: str = CHOSEN, client: Client | None = None):
    client = client or Client()
    client.get(reverse("accounts:password_link", args=[token]))
    return client.post(reverse("accounts:password_set"), {"password1": password, "password2": password})


def create_af_with_admin_mailbox(cast) -> User:
    cast.client("admin").post(
        reverse("organisations:staff_create"),
        {
            "username": "nep-af",
            "first_name": "Nep",
            "last_name": "Aandachtsfunctionaris",
            "email": ADMIN_MAILBOX,
            "role": "safeguarding_lead",
        },
    )
    return User.objects.get(username="nep-af")


def approve_on_page(client: Client, request: RoleRequest):
    """Approve as the approver does: on the page, which carries the address it shows (hidden field)."""
    decide = reverse("accounts:role_request_decide", args=[request.pk])
    page = client.get(reverse("accounts:role_requests")).content.decode()
    shown = re.search(rf'action="{re.escape(decide)}".*?name="email" value="([^"]*)"', page, re.S)
    assert shown is not None, "the approval form carries the address it shows"
    return client.post(decide, {"decision": "approve", "email": shown.group(1)})


def reset_link_for(username: str, mailoutbox) -> str:
    """Whoever reads the account's mailbox asks for a link on the sign-in page."""
    Client().post(reverse("accounts:password_forgotten"), {"username": username})
    return token_in(mailoutbox[-1])


# --- The control: the honest way works -----------------------------------------------------------


def test_control_the_owner_sets_the_password_and_an_af_approves_then_the_dossier_opens(cast, dossier, mailoutbox):
    user = create_af_with_admin_mailbox(cast)
    assert mailoutbox == []  # no invitation before the approval
    request = RoleRequest.objects.get(user=user)
    assert approve_on_page(cast.client("af"), request).status_code == 302
    assert Membership.objects.get(user=user).role == "safeguarding_lead"
    # The invitation goes out with the approval, to the address the AF saw; its owner sets the password.
    (invitation,) = mailoutbox
    assert invitation.to == [ADMIN_MAILBOX]
    assert use_link(token_in(invitation)).status_code == 302
    client = full_session("nep-af", CHOSEN)
    for url in dossier:
        assert client.get(url).status_code == 200, url
    approved = AuditEvent.objects.get(action="staff.role_approved", object_id=user.pk)
    assert (approved.actor_id, approved.detail["role"]) == (cast.af.pk, "safeguarding_lead")


# --- Every path of the administrator is refused ----------------------------------------------------


def test_create_an_af_account_with_his_own_mailbox_gives_no_dossier(cast, dossier, mailoutbox):
    user = create_af_with_admin_mailbox(cast)
    assert not user.has_usable_password()
    assert not Membership.objects.filter(user=user).exists()
    # No invitation yet, and he cannot have one sent: it comes with the approval.
    cast.client("admin").post(reverse("organisations:staff_send_link", args=[user.pk]))
    assert mailoutbox == []
    # He asks for a link on the sign-in page and chooses the password: still no role until an AF approves.
    assert use_link(reset_link_for("nep-af", mailoutbox)).status_code == 302
    assert_dossier_closed(full_session("nep-af", CHOSEN), dossier)
    assert_dossier_closed(cast.client("admin"), dossier)


def test_promote_a_teacher_gives_no_dossier(cast, dossier, mailoutbox):
    admin = cast.client("admin")
    fields = {"first_name": "T", "last_name": "Twee", "email": "", "is_active": "on"}
    admin.post(reverse("organisations:staff_edit", args=[cast.teacher2.pk]), {**fields, "role": "safeguarding_lead"})
    assert Membership.objects.get(user=cast.teacher2).role == "teacher"
    assert RoleRequest.objects.get(user=cast.teacher2).status == "pending"
    # Even in the worst case, that he knows the teacher's password, the promotion gives him nothing.
    assert_dossier_closed(full_session("teacher2", PASSWORD), dossier)


def test_redirecting_a_members_mail_waits_for_approval(cast, dossier, mailoutbox):
    """The teacher is a member of the dossier: a reset link to the administrator's mailbox would open it."""
    cast.teacher.email = "femke@example.org"
    cast.teacher.save()
    admin = cast.client("admin")
    admin.post(
        reverse("organisations:staff_edit", args=[cast.teacher.pk]),
        {"first_name": "F", "last_name": "B", "email": ADMIN_MAILBOX, "role": "teacher", "is_active": "on"},
    )
    cast.teacher.refresh_from_db()
    assert cast.teacher.email == "femke@example.org"
    assert RoleRequest.objects.get(user=cast.teacher).email == ADMIN_MAILBOX
    admin.post(reverse("organisations:staff_send_link", args=[cast.teacher.pk]))
    Client().post(reverse("accounts:password_forgotten"), {"username": "teacher"})
    assert [mail.to for mail in mailoutbox] == [["femke@example.org"]]
    assert_dossier_closed(full_session("teacher", CHOSEN), dossier)


def test_an_approved_new_address_applies_and_voids_the_links_to_the_old_one(cast, mailoutbox):
    cast.teacher.email = "femke@example.org"
    cast.teacher.save()
    cast.client("admin").post(reverse("organisations:staff_send_link", args=[cast.teacher.pk]))
    old_link = token_in(mailoutbox[-1])
    cast.client("admin").post(
        reverse("organisations:staff_edit", args=[cast.teacher.pk]),
        {"first_name": "F", "last_name": "B", "email": "femke@nieuw.example.org", "role": "teacher", "is_active": "on"},
    )
    request = RoleRequest.objects.get(user=cast.teacher)
    approve_on_page(cast.client("af"), request)
    cast.teacher.refresh_from_db()
    assert cast.teacher.email == "femke@nieuw.example.org"
    assert use_link(old_link).status_code == 404


def test_the_set_password_page_is_gone_and_a_reset_link_goes_to_the_owner_only(cast, dossier, mailoutbox):
    cast.af.email = "anouk@example.org"
    cast.af.save()
    admin = cast.client("admin")
    old_page = f"/beheer/medewerkers/{cast.af.pk}/wachtwoord/"
    assert admin.post(old_page, {"password1": CHOSEN, "password2": CHOSEN}).status_code == 404
    response = admin.post(reverse("organisations:staff_send_link", args=[cast.af.pk]), follow=True)
    (mail,) = mailoutbox
    assert mail.to == ["anouk@example.org"]
    assert token_in(mail) not in response.content.decode()
    cast.af.refresh_from_db()
    assert cast.af.check_password(PASSWORD)
    assert_dossier_closed(full_session("af", CHOSEN), dossier)


def test_redirecting_an_afs_mail_waits_for_approval(cast, dossier, mailoutbox):
    TOTPDevice.objects.filter(user=cast.af).delete()  # the worst case: no authenticator yet
    admin = cast.client("admin")
    admin.post(
        reverse("organisations:staff_edit", args=[cast.af.pk]),
        {"first_name": "A", "last_name": "F", "email": ADMIN_MAILBOX, "role": "safeguarding_lead", "is_active": "on"},
    )
    cast.af.refresh_from_db()
    assert cast.af.email == ""
    request = RoleRequest.objects.get(user=cast.af)
    assert (request.role, request.email) == ("safeguarding_lead", ADMIN_MAILBOX)
    admin.post(reverse("organisations:staff_send_link", args=[cast.af.pk]))
    Client().post(reverse("accounts:password_forgotten"), {"username": "af"})
    assert mailoutbox == []
    assert_dossier_closed(full_session("af", CHOSEN), dossier)


def test_reactivating_a_deactivated_af_waits_for_approval(cast, dossier):
    TOTPDevice.objects.filter(user=cast.af).delete()
    cast.af.is_active = False
    cast.af.save()
    response = cast.client("admin").post(
        reverse("organisations:staff_edit", args=[cast.af.pk]),
        {"first_name": "A", "last_name": "F", "email": "", "role": "safeguarding_lead", "is_active": "on"},
    )
    assert response.status_code == 302
    cast.af.refresh_from_db()
    assert not cast.af.is_active
    assert RoleRequest.objects.get(user=cast.af).reactivate
    # Even with the AF's own password (say he had seen it once), no session at all.
    assert_dossier_closed(full_session("af", PASSWORD), dossier)
    # The school leader approves: then the AF is back.
    request = RoleRequest.objects.get(user=cast.af)
    approve_on_page(cast.client("leader"), request)
    cast.af.refresh_from_db()
    assert cast.af.is_active


def test_reactivating_a_deactivated_teacher_needs_no_approval(cast):
    cast.teacher2.is_active = False
    cast.teacher2.save()
    cast.client("admin").post(
        reverse("organisations:staff_edit", args=[cast.teacher2.pk]),
        {"first_name": "T", "last_name": "Twee", "email": "", "role": "teacher", "is_active": "on"},
    )
    cast.teacher2.refresh_from_db()
    assert cast.teacher2.is_active
    assert not RoleRequest.objects.exists()


def test_the_administrator_cannot_approve_his_own_request(cast, dossier, mailoutbox):
    user = create_af_with_admin_mailbox(cast)
    use_link(reset_link_for("nep-af", mailoutbox))
    request = RoleRequest.objects.get(user=user)
    admin = cast.client("admin")
    decide = reverse("accounts:role_request_decide", args=[request.pk])
    assert admin.get(reverse("accounts:role_requests")).status_code == 403
    assert admin.post(decide, {"decision": "approve"}).status_code == 403
    # Nor can the account he made decide: it has no role at all yet.
    assert full_session("nep-af", CHOSEN).post(decide, {"decision": "approve"}).status_code == 403
    assert not Membership.objects.filter(user=user).exists()
    request.refresh_from_db()
    assert request.status == "pending"
    assert_dossier_closed(full_session("nep-af", CHOSEN), dossier)


def test_the_subject_cannot_approve_their_own_request(cast):
    cast.client("admin").post(
        reverse("organisations:staff_edit", args=[cast.af.pk]),
        {"first_name": "A", "last_name": "F", "email": "", "role": "school_leader", "is_active": "on"},
    )
    request = RoleRequest.objects.get(user=cast.af)
    url = reverse("accounts:role_request_decide", args=[request.pk])
    assert cast.client("af").post(url, {"decision": "approve"}).status_code == 404
    assert Membership.objects.get(user=cast.af).role == "safeguarding_lead"


def test_another_schools_af_cannot_approve(cast, mailoutbox):
    user = create_af_with_admin_mailbox(cast)
    request = RoleRequest.objects.get(user=user)
    url = reverse("accounts:role_request_decide", args=[request.pk])
    assert cast.client("af_b").post(url, {"decision": "approve"}).status_code == 404
    assert not Membership.objects.filter(user=user).exists()


def test_a_guessed_token_opens_nothing(cast, dossier):
    client = Client()
    assert use_link("x" * 43, client=client).status_code == 404
    assert client.get(reverse("accounts:password_set")).status_code == 404
    cast.af.refresh_from_db()
    assert cast.af.check_password(PASSWORD)
    assert_dossier_closed(full_session("af", CHOSEN), dossier)


def test_an_expired_link_is_refused(cast, dossier, mailoutbox):
    TOTPDevice.objects.filter(user=cast.af).delete()
    cast.af.email = "anouk@example.org"
    cast.af.save()
    cast.client("admin").post(reverse("organisations:staff_send_link", args=[cast.af.pk]))
    link = AccountLink.objects.get(user=cast.af)
    assert link.expires_at - link.created_at == timedelta(hours=72)
    AccountLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    # Someone who later finds the AF's unused mail gets nothing from it.
    assert use_link(token_in(mailoutbox[-1])).status_code == 404
    cast.af.refresh_from_db()
    assert cast.af.check_password(PASSWORD)
    assert_dossier_closed(full_session("af", CHOSEN), dossier)


def test_a_link_works_once(cast, dossier, mailoutbox):
    TOTPDevice.objects.filter(user=cast.af).delete()
    cast.af.email = "anouk@example.org"
    cast.af.save()
    cast.client("admin").post(reverse("organisations:staff_send_link", args=[cast.af.pk]))
    token = token_in(mailoutbox[-1])
    assert use_link(token, "Anouk-Kiest-Zelf-2026").status_code == 302
    # Someone who gets hold of the used mail (forwarded, in a backup) cannot use it again.
    assert use_link(token).status_code == 404
    cast.af.refresh_from_db()
    assert cast.af.check_password("Anouk-Kiest-Zelf-2026")
    assert_dossier_closed(full_session("af", CHOSEN), dossier)


def test_only_a_hash_of_the_token_is_stored(cast, mailoutbox):
    cast.af.email = "anouk@example.org"
    cast.af.save()
    cast.client("admin").post(reverse("organisations:staff_send_link", args=[cast.af.pk]))
    token = token_in(mailoutbox[-1])
    stored = AccountLink.objects.get(user=cast.af)
    assert token not in stored.token_hash
    assert not AccountLink.objects.filter(token_hash=token).exists()


def test_a_new_link_voids_the_older_one(cast, mailoutbox):
    cast.af.email = "anouk@example.org"
    cast.af.save()
    admin = cast.client("admin")
    admin.post(reverse("organisations:staff_send_link", args=[cast.af.pk]))
    admin.post(reverse("organisations:staff_send_link", args=[cast.af.pk]))
    first, second = (token_in(mail) for mail in mailoutbox)
    assert use_link(first).status_code == 404
    assert use_link(second).status_code == 302


# --- The owner's side ------------------------------------------------------------------------------


def test_setting_the_password_ends_the_other_sessions(cast, mailoutbox):
    cast.teacher.email = "teacher@example.org"
    cast.teacher.save()
    elsewhere = cast.client("teacher")
    assert elsewhere.get(reverse("home")).status_code == 200
    cast.client("admin").post(reverse("organisations:staff_send_link", args=[cast.teacher.pk]))
    assert use_link(token_in(mailoutbox[-1])).status_code == 302
    assert elsewhere.get(reverse("home")).status_code == 302
    event = AuditEvent.objects.get(action="account.password_set", object_id=cast.teacher.pk)
    assert CHOSEN not in str(event.detail)


def test_a_weak_password_is_refused_in_dutch_and_the_link_stays_valid(cast, mailoutbox):
    cast.teacher.email = "teacher@example.org"
    cast.teacher.save()
    cast.client("admin").post(reverse("organisations:staff_send_link", args=[cast.teacher.pk]))
    token = token_in(mailoutbox[-1])
    response = use_link(token, "kort")
    assert response.status_code == 200
    assert "te kort" in response.content.decode()
    cast.teacher.refresh_from_db()
    assert cast.teacher.check_password(PASSWORD)
    assert use_link(token).status_code == 302


def test_the_invitation_mail_says_nothing_about_pupils_or_dossiers(cast, mailoutbox):
    cast.case(author="teacher")
    user = create_af_with_admin_mailbox(cast)
    approve_on_page(cast.client("af"), RoleRequest.objects.get(user=user))
    (mail,) = mailoutbox  # the invitation after the approval
    assert "goedgekeurd" in mail.body  # it says why it comes now
    assert cast.school_a.name in mail.body
    assert "http://" in mail.body or "https://" in mail.body
    for secret in (cast.pupil.first_name, cast.pupil.last_name, "dossier 1", "Signaal"):
        assert secret not in mail.body and secret not in mail.subject


@pytest.mark.parametrize("username", ["teacher", "bestaat-niet"])
def test_the_reset_request_answers_the_same_whether_or_not_the_account_exists(cast, username, mailoutbox):
    cast.teacher.email = "teacher@example.org"
    cast.teacher.save()
    response = Client().post(reverse("accounts:password_forgotten"), {"username": username})
    assert response.status_code == 200
    assert response.context["sent"] is True
    assert len(mailoutbox) == (1 if username == "teacher" else 0)


def test_a_reset_request_within_minutes_sends_no_second_mail(cast, mailoutbox):
    cast.teacher.email = "teacher@example.org"
    cast.teacher.save()
    for _attempt in range(3):
        Client().post(reverse("accounts:password_forgotten"), {"username": "teacher"})
    assert len(mailoutbox) == 1


# --- Approvals: tasks, refusals, audit ---------------------------------------------------------------


def test_the_af_and_the_school_leader_get_a_task_for_each_pending_approval(cast, mailoutbox):
    create_af_with_admin_mailbox(cast)
    today = timezone.localdate()
    for name in ("af", "leader"):
        tasks = my_tasks(cast.actor(name), today)
        assert tasks.count_of("role_request") == 1, name
    for name in ("ib", "teacher", "af_b"):
        assert my_tasks(cast.actor(name), today).count_of("role_request") == 0, name


def test_a_refusal_is_audited_and_gives_nothing(cast, dossier, mailoutbox):
    user = create_af_with_admin_mailbox(cast)
    use_link(reset_link_for("nep-af", mailoutbox))
    request = RoleRequest.objects.get(user=user)
    cast.client("leader").post(reverse("accounts:role_request_decide", args=[request.pk]), {"decision": "refuse"})
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("refused", cast.leader)
    assert AuditEvent.objects.filter(action="staff.role_refused", object_id=user.pk, actor=cast.leader).exists()
    assert_dossier_closed(full_session("nep-af", CHOSEN), dossier)
    # A decided request cannot be approved afterwards.
    cast.client("af").post(reverse("accounts:role_request_decide", args=[request.pk]), {"decision": "approve"})
    assert not Membership.objects.filter(user=user).exists()


def test_a_role_that_reads_nothing_withdraws_the_pending_request(cast):
    admin = cast.client("admin")
    url = reverse("organisations:staff_edit", args=[cast.teacher2.pk])
    fields = {"first_name": "T", "last_name": "Twee", "email": "", "is_active": "on"}
    admin.post(url, {**fields, "role": "care_coordinator"})
    admin.post(url, {**fields, "role": "teaching_assistant"})
    assert Membership.objects.get(user=cast.teacher2).role == "teaching_assistant"
    assert RoleRequest.objects.get(user=cast.teacher2).status == "withdrawn"


# --- A new school: the operator confirms the first AF on the server --------------------------------------


def new_school_with_admin(mailoutbox):
    school = bootstrap_school(
        board_name="Stichting Nieuw",
        municipality_name="Nieuwdorp",
        school_name="OBS Het Begin",
        brin_code="56EF",
        admin_username="beheer-nieuw",
        admin_first_name="Bea",
        admin_last_name="Heer",
        admin_email="bea@example.org",
    )
    (invitation,) = mailoutbox
    assert "OBS Het Begin" in invitation.body
    use_link(token_in(invitation))
    admin, _membership = actor_for(User.objects.get(username="beheer-nieuw"))
    return school, admin


def test_a_new_school_gets_its_first_af_from_the_operator(db, mailoutbox):
    from haven.accounts.services import create_staff_account

    school, admin = new_school_with_admin(mailoutbox)
    first = create_staff_account(
        admin, username="eerste-af", first_name="E", last_name="Af", email="e@example.org", role="safeguarding_lead"
    )
    out = io.StringIO()
    call_command("confirm_role_grant", "56ef", stdout=out)
    assert "eerste-af" in out.getvalue()
    call_command("confirm_role_grant", "56EF", "eerste-af", stdout=out)
    assert Membership.objects.get(user=first, school=school).role == "safeguarding_lead"
    assert AuditEvent.objects.filter(action="staff.role_confirmed_by_operator", object_id=first.pk).exists()
    # From now on the AF decides in Haven: the command refuses a second one.
    second = create_staff_account(
        admin, username="tweede-ib", first_name="T", last_name="Ib", email="t@example.org", role="care_coordinator"
    )
    with pytest.raises(CommandError):
        call_command("confirm_role_grant", "56EF", "tweede-ib", stdout=out)
    assert not Membership.objects.filter(user=second).exists()


def test_the_operator_does_not_confirm_an_af_where_the_school_has_one(cast, mailoutbox):
    create_af_with_admin_mailbox(cast)
    with pytest.raises(CommandError):
        call_command("confirm_role_grant", cast.school_a.brin_code, "nep-af", stdout=io.StringIO())
    assert not Membership.objects.filter(user__username="nep-af").exists()


def test_a_new_schools_administrator_chooses_their_own_password(db, mailoutbox, settings):
    new_school_with_admin(mailoutbox)
    assert User.objects.get(username="beheer-nieuw").check_password(CHOSEN)
    settings.HAVEN_ENV = "production"
    with pytest.raises(Exception, match="admin_password"):
        bootstrap_school(
            board_name="Stichting Nieuw",
            municipality_name="Nieuwdorp",
            school_name="OBS Tweede",
            brin_code="78GH",
            admin_username="beheer-twee",
            admin_first_name="B",
            admin_last_name="T",
            admin_email="b@example.org",
            admin_password=CHOSEN,
        )


def test_a_second_membership_does_not_slip_past_the_approval(cast, mailoutbox):
    """An account of school B that school A's administrator adds with a reading role: still a request."""
    outsider = UserFactory(username="elders", email="elders@example.org")
    MembershipFactory(user=outsider, school=cast.school_b, role="teacher")
    response = cast.client("admin").post(
        reverse("organisations:staff_create"),
        {"username": "elders", "first_name": "E", "last_name": "L", "email": ADMIN_MAILBOX, "role": "school_leader"},
    )
    assert response.status_code == 200  # the username is taken: no way to add a role to someone else's account
    assert not Membership.objects.filter(user=outsider, school=cast.school_a).exists()


# --- After the review of issue 10: the approval starts the account afresh --------------------------------

REAL_MAILBOX = "nieuwe.af@regenboog.example.nl"


def test_admin_sets_password_while_pending_then_swaps_the_mail_back_before_approval(cast, dossier, mailoutbox):
    """The swap: the administrator points the pending account at his own mailbox, sets its password and
    a second step, puts the colleague's address back; the AF approves what looks right. The approval
    voids all he set (password, authenticator, recovery codes, sessions) and invites the address she saw."""
    from django_otp.plugins.otp_static.models import StaticDevice

    admin = cast.client("admin")
    admin.post(
        reverse("organisations:staff_create"),
        {"username": "nieuwe-af", "first_name": "Nieuwe", "last_name": "AF", "email": REAL_MAILBOX,
         "role": "safeguarding_lead"},
    )  # fmt: skip
    assert mailoutbox == []  # no invitation while the role waits
    user = User.objects.get(username="nieuwe-af")
    form = {"first_name": "Nieuwe", "last_name": "AF", "role": "safeguarding_lead", "is_active": "on"}
    admin.post(
        reverse("organisations:staff_edit", args=[user.pk]),
        {**form, "email": ADMIN_MAILBOX, "version": User.objects.get(pk=user.pk).version},
    )
    assert use_link(reset_link_for("nieuwe-af", mailoutbox)).status_code == 302
    assert mailoutbox[-1].to == [ADMIN_MAILBOX]
    early = full_session("nieuwe-af", CHOSEN)  # his session, with an authenticator he set up
    StaticDevice.objects.create(user=user, name="backup")
    admin.post(
        reverse("organisations:staff_edit", args=[user.pk]),
        {**form, "email": REAL_MAILBOX, "version": User.objects.get(pk=user.pk).version},
    )
    request = RoleRequest.objects.get(user=user, status=RoleRequest.Status.PENDING)
    page = cast.client("af").get(reverse("accounts:role_requests")).content.decode()
    assert "begint het account opnieuw" in page  # the approver's page says what approving does
    assert approve_on_page(cast.client("af"), request).status_code == 302
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert mailoutbox[-1].to == [REAL_MAILBOX]  # the invitation goes to the address the AF saw
    assert_dossier_closed(full_session("nieuwe-af", CHOSEN), dossier)
    assert_dossier_closed(early, dossier)  # his earlier session ended
    # The colleague herself sets her password with the invitation, and reads the dossier.
    assert use_link(token_in(mailoutbox[-1]), "Eigen-Wachtwoord-Lente-2027").status_code == 302
    client = full_session("nieuwe-af", "Eigen-Wachtwoord-Lente-2027")
    assert all(client.get(url).status_code == 200 for url in dossier)


def test_an_approval_is_refused_when_the_address_changed_after_the_page_was_shown(cast, mailoutbox):
    user = create_af_with_admin_mailbox(cast)
    request = RoleRequest.objects.get(user=user)
    decide = reverse("accounts:role_request_decide", args=[request.pk])
    User.objects.filter(pk=user.pk).update(email="ander@example.org")  # changed after the AF's page loaded
    response = cast.client("af").post(decide, {"decision": "approve", "email": ADMIN_MAILBOX}, follow=True)
    assert "veranderd" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()
    request.refresh_from_db()
    assert request.status == "pending"
    assert mailoutbox == []


def test_the_operators_grant_starts_the_account_afresh_too(db, mailoutbox):
    from haven.accounts.services import create_staff_account

    school, admin = new_school_with_admin(mailoutbox)
    first = create_staff_account(
        admin, username="eerste-af", first_name="E", last_name="Af", email="e@example.org", role="safeguarding_lead"
    )
    first.set_password(CHOSEN)
    first.save()
    TOTPDevice.objects.create(user=first, name="default")
    call_command("confirm_role_grant", "56EF", "eerste-af", stdout=io.StringIO())
    first.refresh_from_db()
    assert not first.has_usable_password()
    assert not TOTPDevice.objects.filter(user=first).exists()
    assert mailoutbox[-1].to == ["e@example.org"]


def test_the_administrator_cannot_empty_the_school_of_approvers_and_reach_the_operator(cast, dossier, mailoutbox):
    """Demoting or switching off the LAST AF or school leader is refused (on the staff page too), so the
    school never "has none" and the operator's path stays shut."""
    from django.core.exceptions import ValidationError

    from haven.accounts.services import create_staff_account, update_staff_account

    admin = cast.actor("admin")

    def demote(name: str, **change):  # type: ignore[no-untyped-def]
        user = User.objects.get(pk=cast.users[name].pk)
        fields = {"email": user.email, "role": "teacher", "is_active": True, **change}
        return update_staff_account(admin, user, first_name=user.first_name, last_name=user.last_name, **fields)

    demote("af")  # the school leader is still there
    with pytest.raises(ValidationError, match="laatste"):
        demote("leader")
    with pytest.raises(ValidationError, match="laatste"):
        demote("leader", role="school_leader", is_active=False)
    response = cast.client("admin").post(
        reverse("organisations:staff_edit", args=[cast.leader.pk]),
        {"first_name": "L", "last_name": "L", "email": cast.leader.email, "role": "teacher", "is_active": "on",
         "version": User.objects.get(pk=cast.leader.pk).version},
    )  # fmt: skip
    assert "laatste" in response.content.decode()
    assert Membership.objects.get(user=cast.leader, school=cast.school_a).role == "school_leader"
    create_staff_account(
        admin, username="nep-af", first_name="Nep", last_name="AF", email=ADMIN_MAILBOX, role="safeguarding_lead"
    )
    with pytest.raises(CommandError):
        call_command("confirm_role_grant", cast.school_a.brin_code, "nep-af", stdout=io.StringIO())
    assert not Membership.objects.filter(user__username="nep-af").exists()


def test_the_operator_refuses_a_school_that_had_approvers_without_a_reason(cast, mailoutbox):
    """Should a school end up without an active approver anyway (accounts switched off on the server), the
    operator confirms a new one only with the reason he checked, which the audit trail keeps."""
    from haven.accounts.services import create_staff_account

    User.objects.filter(pk__in=[cast.af.pk, cast.leader.pk]).update(is_active=False)
    create_staff_account(
        cast.actor("admin"), username="nep-af", first_name="N", last_name="A", email=ADMIN_MAILBOX,
        role="safeguarding_lead",
    )  # fmt: skip
    with pytest.raises(CommandError, match="school-had-approvers-reason"):
        call_command("confirm_role_grant", cast.school_a.brin_code, "nep-af", stdout=io.StringIO())
    assert not Membership.objects.filter(user__username="nep-af").exists()
    reason = "Gebeld met het bestuur: mevrouw X is de nieuwe AF."
    call_command(
        "confirm_role_grant", cast.school_a.brin_code, "nep-af", "--school-had-approvers-reason", reason,
        stdout=io.StringIO(),
    )  # fmt: skip
    assert Membership.objects.get(user__username="nep-af").role == "safeguarding_lead"
    event = AuditEvent.objects.get(action="staff.role_confirmed_by_operator")
    assert event.detail["had_approvers_reason"] == reason


def test_the_raw_link_token_is_not_kept_in_the_session_table(cast, mailoutbox):
    """The token is stored only as its SHA-256, in the session too (django_session is readable without keys)."""
    from django.contrib.sessions.models import Session

    from haven.accounts import invitations

    cast.teacher.email = "leraar@example.org"
    cast.teacher.save()
    token = invitations.issue_link(cast.teacher, "reset")
    client = Client()
    client.get(reverse("accounts:password_link", args=[token]))  # the owner opens the link, types nothing yet
    stored = [str(s.get_decoded()) for s in Session.objects.all()]
    assert stored and not any(token in data for data in stored), "the usable token sits in django_session"
    # The link still works from the session.
    response = client.post(reverse("accounts:password_set"), {"password1": CHOSEN, "password2": CHOSEN})
    assert response.status_code == 302
    cast.teacher.refresh_from_db()
    assert cast.teacher.check_password(CHOSEN)
