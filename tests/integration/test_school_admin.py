"""The functional administrator's pages (pupils, groups, staff) and the protocol settings.

Reads as the specification: who may open which page, what each form writes (always with an audit
event), and that bad input shows an error and changes nothing.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import AccountLink, Membership, RoleRequest, User
from haven.audit.models import AuditEvent
from haven.organisations.models import Group
from haven.pupils.models import GroupPlacement, HouseholdMember, Pupil
from tests.factories import PASSWORD, GroupFactory, HouseholdMemberFactory, PupilFactory, place


def _group_a(cast) -> Group:
    return Group.objects.get(school=cast.school_a, name="Groep 5")


# Pages as (url name, function of the cast giving the url kwargs).
MANAGE_PAGES = [
    ("organisations:pupil_list", lambda cast: {}),
    ("organisations:pupil_create", lambda cast: {}),
    ("organisations:pupil_edit", lambda cast: {"pk": cast.pupil.pk}),
    ("organisations:group_list", lambda cast: {}),
    ("organisations:group_create", lambda cast: {}),
    ("organisations:group_edit", lambda cast: {"pk": _group_a(cast).pk}),
    ("organisations:staff_list", lambda cast: {}),
    ("organisations:staff_create", lambda cast: {}),
    ("organisations:staff_edit", lambda cast: {"pk": cast.teacher.pk}),
]
PROTOCOL_PAGE = ("organisations:protocol", lambda cast: {})
ALL_PAGES = [*MANAGE_PAGES, PROTOCOL_PAGE]

# Urls that only take a POST, as (url name, function of the cast giving the url kwargs).
POST_ONLY = [
    ("organisations:household_add", lambda cast: {"pk": cast.pupil.pk}),
    (
        "organisations:household_remove",
        lambda cast: {"pk": cast.pupil.pk, "member_pk": HouseholdMemberFactory(pupil=cast.pupil).pk},
    ),
    ("organisations:staff_send_link", lambda cast: {"pk": cast.teacher.pk}),
]


def _url(cast, name, kwargs) -> str:
    return reverse(name, kwargs=kwargs(cast))


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- Who may open what --------------------------------------------------------


@pytest.mark.parametrize(("name", "kwargs"), ALL_PAGES, ids=[p[0] for p in ALL_PAGES])
def test_functional_admin_opens_every_page(cast, name, kwargs):
    response = cast.client("admin").get(_url(cast, name, kwargs))
    assert response.status_code == 200
    assert b"<h1" in response.content


@pytest.mark.parametrize("role", ["teacher", "assistant", "ib", "af", "leader"])
@pytest.mark.parametrize(("name", "kwargs"), MANAGE_PAGES, ids=[p[0] for p in MANAGE_PAGES])
def test_other_roles_are_refused_the_management_pages(cast, role, name, kwargs):
    assert cast.client(role).get(_url(cast, name, kwargs)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), POST_ONLY, ids=[p[0] for p in POST_ONLY])
def test_post_only_urls_refuse_others_and_get(cast, name, kwargs):
    url = _url(cast, name, kwargs)
    assert cast.client("teacher").post(url, {}).status_code == 403
    assert cast.client("af_b").post(url, {}).status_code == 403
    assert cast.client("admin").get(url).status_code == 405
    response = Client().post(url, {})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["teacher", "assistant", "ib", "af"])
def test_protocol_page_is_for_the_admin_and_the_school_leader_only(cast, role):
    url = reverse("organisations:protocol")
    assert cast.client(role).get(url).status_code == 403
    assert cast.client("leader").get(url).status_code == 200


@pytest.mark.parametrize(("name", "kwargs"), ALL_PAGES, ids=[p[0] for p in ALL_PAGES])
def test_anonymous_visitors_are_sent_to_sign_in(cast, name, kwargs):
    response = Client().get(_url(cast, name, kwargs))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "kwargs"), ALL_PAGES, ids=[p[0] for p in ALL_PAGES])
def test_staff_of_another_school_are_refused(cast, name, kwargs):
    assert cast.client("af_b").get(_url(cast, name, kwargs)).status_code == 403


def test_objects_of_another_school_are_not_found(cast):
    client = cast.client("admin")
    group_b = GroupFactory(school=cast.school_b, name="Groep 3")
    member_b = HouseholdMemberFactory(pupil=cast.pupil_b)
    assert client.get(reverse("organisations:pupil_edit", args=[cast.pupil_b.pk])).status_code == 404
    assert client.get(reverse("organisations:group_edit", args=[group_b.pk])).status_code == 404
    assert client.get(reverse("organisations:staff_edit", args=[cast.af_b.pk])).status_code == 404
    assert client.post(reverse("organisations:pupil_edit", args=[cast.pupil_b.pk]), {}).status_code == 404
    assert client.post(reverse("organisations:household_add", args=[cast.pupil_b.pk]), {}).status_code == 404
    remove_b = reverse("organisations:household_remove", args=[cast.pupil_b.pk, member_b.pk])
    assert client.post(remove_b).status_code == 404
    # A member of another school's pupil cannot be reached through one's own pupil either.
    assert client.post(reverse("organisations:household_remove", args=[cast.pupil.pk, member_b.pk])).status_code == 404
    assert client.post(reverse("organisations:staff_send_link", args=[cast.af_b.pk]), {}).status_code == 404
    assert HouseholdMember.objects.filter(pk=member_b.pk).exists()


def test_the_school_leader_saves_the_protocol_but_cannot_manage_pupils(cast):
    client = cast.client("leader")
    response = client.post(
        reverse("organisations:protocol"),
        {"decision_roles": ["safeguarding_lead", "school_leader"], "report_roles": ["safeguarding_lead"]},
    )
    assert response.status_code == 302
    cast.school_a.refresh_from_db()
    assert cast.school_a.report_roles == ["safeguarding_lead"]
    assert client.get(reverse("organisations:pupil_list")).status_code == 403
    assert client.post(reverse("organisations:pupil_create"), {}).status_code == 403


# --- Pupils -----------------------------------------------------------------


def test_pupil_list_shows_own_pupils_with_their_group(cast):
    response = cast.client("admin").get(reverse("organisations:pupil_list"))
    content = response.content.decode()
    assert "Sanne" in content and "Daan" in content
    assert "Groep 5" in content
    assert "Noah" not in content  # school B's pupil


def test_pupil_list_searches_by_name(cast):
    PupilFactory(school=cast.school_a, first_name="Lotte", last_name="Bakker")
    response = cast.client("admin").get(reverse("organisations:pupil_list"), {"q": "bakk"})
    content = response.content.decode()
    assert "Lotte" in content
    assert "Sanne" not in content


def test_pupil_list_is_paginated(cast):
    for i in range(55):
        PupilFactory(school=cast.school_a, first_name=f"Kind{i:02d}", last_name="Zwart")
    client = cast.client("admin")
    first = client.get(reverse("organisations:pupil_list"))
    assert len(first.context["rows"]) == 50
    second = client.get(reverse("organisations:pupil_list"), {"page": 2})
    assert len(second.context["rows"]) == 7  # 55 + Sanne and Daan


def test_pupil_list_query_count_stays_flat(cast, django_assert_max_num_queries):
    client = cast.client("admin")
    group = _group_a(cast)

    def fill(total: int) -> None:
        while Pupil.objects.filter(school=cast.school_a).count() < total:
            pupil = PupilFactory(school=cast.school_a)
            place(pupil, group)
            HouseholdMemberFactory(pupil=pupil)

    fill(3)
    with django_assert_max_num_queries(10) as small:
        assert client.get(reverse("organisations:pupil_list")).status_code == 200
    fill(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("organisations:pupil_list"))
    assert len(response.context["rows"]) == 30


def test_create_pupil_with_a_group(cast):
    group = _group_a(cast)
    response = cast.client("admin").post(
        reverse("organisations:pupil_create"),
        {"first_name": "Fenna", "last_name": "van Dijk", "date_of_birth": "2018-05-02", "group": group.pk},
    )
    pupil = Pupil.objects.get(first_name="Fenna")
    assert response.status_code == 302
    assert response.url == reverse("organisations:pupil_edit", args=[pupil.pk])
    assert pupil.school == cast.school_a
    assert pupil.date_of_birth == dt.date(2018, 5, 2)
    assert GroupPlacement.objects.get(pupil=pupil).group == group
    assert AuditEvent.objects.filter(action="pupil.save", pupil=pupil, actor=cast.admin).exists()
    assert AuditEvent.objects.filter(action="pupil.place", pupil=pupil).exists()


def test_create_pupil_without_a_group(cast):
    response = cast.client("admin").post(
        reverse("organisations:pupil_create"),
        {"first_name": "Fenna", "last_name": "van Dijk", "date_of_birth": "2018-05-02"},
    )
    assert response.status_code == 302
    assert not GroupPlacement.objects.filter(pupil__first_name="Fenna").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"first_name": "", "last_name": "van Dijk", "date_of_birth": "2018-05-02"},
        {"first_name": "   ", "last_name": "van Dijk", "date_of_birth": "2018-05-02"},
        {"first_name": "Fenna", "last_name": "van Dijk", "date_of_birth": ""},
        {"first_name": "Fenna", "last_name": "van Dijk", "date_of_birth": "morgen"},
    ],
    ids=["empty name", "blank name", "no date", "not a date"],
)
def test_create_pupil_refuses_bad_input(cast, data):
    client = cast.client("admin")  # signing in is itself an audit event
    before, events = Pupil.objects.count(), AuditEvent.objects.count()
    response = client.post(reverse("organisations:pupil_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Pupil.objects.count() == before
    assert AuditEvent.objects.count() == events


def test_create_pupil_refuses_a_date_of_birth_in_the_future(cast):
    before = Pupil.objects.count()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = cast.client("admin").post(
        reverse("organisations:pupil_create"),
        {"first_name": "Fenna", "last_name": "van Dijk", "date_of_birth": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    assert "date_of_birth" in response.context["form"].errors
    assert Pupil.objects.count() == before


def test_create_pupil_refuses_a_group_of_another_school(cast):
    group_b = GroupFactory(school=cast.school_b, name="Groep 3")
    before = Pupil.objects.count()
    response = cast.client("admin").post(
        reverse("organisations:pupil_create"),
        {"first_name": "Fenna", "last_name": "van Dijk", "date_of_birth": "2018-05-02", "group": group_b.pk},
    )
    assert "group" in response.context["form"].errors
    assert Pupil.objects.count() == before


def test_edit_pupil_and_move_to_another_group(cast):
    other = GroupFactory(school=cast.school_a, name="Groep 6", school_year="2026-2027")
    url = reverse("organisations:pupil_edit", args=[cast.pupil.pk])
    response = cast.client("admin").post(
        url, {"first_name": "Sanne", "last_name": "de Vries-Smit", "date_of_birth": "2017-03-14", "group": other.pk}
    )
    assert response.status_code == 302
    assert response.url == url
    cast.pupil.refresh_from_db()
    assert cast.pupil.last_name == "de Vries-Smit"
    assert list(GroupPlacement.objects.filter(pupil=cast.pupil).values_list("group", flat=True)) == [other.pk]
    assert _events("pupil.save") == 1
    assert _events("pupil.place") == 1


def test_edit_pupil_without_group_removes_the_current_placement(cast):
    response = cast.client("admin").post(
        reverse("organisations:pupil_edit", args=[cast.pupil.pk]),
        {"first_name": "Sanne", "last_name": "de Vries", "date_of_birth": "2017-03-14", "group": ""},
    )
    assert response.status_code == 302
    assert not GroupPlacement.objects.filter(pupil=cast.pupil).exists()
    assert _events("pupil.unplace") == 1


def test_edit_pupil_shows_the_current_values(cast):
    response = cast.client("admin").get(reverse("organisations:pupil_edit", args=[cast.pupil.pk]))
    form = response.context["form"]
    assert form.initial["last_name"] == "de Vries"
    assert form.initial["group"] == _group_a(cast).pk
    assert 'type="date"' in response.content.decode()
    assert 'value="2017-03-14"' in response.content.decode()


def test_edit_pupil_refuses_an_empty_name(cast):
    response = cast.client("admin").post(
        reverse("organisations:pupil_edit", args=[cast.pupil.pk]),
        {"first_name": "Sanne", "last_name": "", "date_of_birth": "2017-03-14"},
    )
    assert response.status_code == 200
    assert "last_name" in response.context["form"].errors
    cast.pupil.refresh_from_db()
    assert cast.pupil.last_name == "de Vries"
    assert _events("pupil.save") == 0


def test_pupil_pages_show_nothing_of_signals_or_dossiers(cast):
    signal = cast.signal()
    client = cast.client("admin")
    for url in (reverse("organisations:pupil_list"), reverse("organisations:pupil_edit", args=[cast.pupil.pk])):
        content = client.get(url).content.decode()
        assert signal.facts not in content
        assert "/signalen/" not in content
        assert "/dossiers/" not in content


# --- Household --------------------------------------------------------------


def test_add_a_household_member(cast):
    response = cast.client("admin").post(
        reverse("organisations:household_add", args=[cast.pupil.pk]),
        {"name": "Petra de Vries", "relation": "mother", "lives_with_pupil": "on"},
    )
    assert response.status_code == 302
    assert response.url == reverse("organisations:pupil_edit", args=[cast.pupil.pk])
    member = HouseholdMember.objects.get(pupil=cast.pupil)
    assert (member.name, member.relation, member.lives_with_pupil) == ("Petra de Vries", "mother", True)
    assert AuditEvent.objects.filter(action="pupil.add_household_member", pupil=cast.pupil).exists()
    page = cast.client("admin").get(response.url).content.decode()
    assert "Petra de Vries" in page
    assert reverse("organisations:household_remove", args=[cast.pupil.pk, member.pk]) in page


def test_add_a_household_member_who_lives_elsewhere(cast):
    cast.client("admin").post(
        reverse("organisations:household_add", args=[cast.pupil.pk]), {"name": "Kees de Vries", "relation": "father"}
    )
    assert HouseholdMember.objects.get(pupil=cast.pupil).lives_with_pupil is False


@pytest.mark.parametrize(
    "data",
    [{"name": "", "relation": "mother"}, {"name": "Petra", "relation": "neighbour"}],
    ids=["no name", "relation"],
)
def test_add_household_member_refuses_bad_input(cast, data):
    response = cast.client("admin").post(reverse("organisations:household_add", args=[cast.pupil.pk]), data)
    assert response.status_code == 200
    assert response.context["household_form"].errors
    assert not HouseholdMember.objects.exists()
    assert _events("pupil.add_household_member") == 0


def test_remove_a_household_member(cast):
    member = HouseholdMemberFactory(pupil=cast.pupil)
    response = cast.client("admin").post(reverse("organisations:household_remove", args=[cast.pupil.pk, member.pk]))
    assert response.status_code == 302
    assert not HouseholdMember.objects.filter(pk=member.pk).exists()
    assert AuditEvent.objects.filter(action="pupil.remove_household_member", pupil=cast.pupil).exists()


# --- Groups -----------------------------------------------------------------


def test_group_list_shows_teachers_and_pupil_count(cast):
    response = cast.client("admin").get(reverse("organisations:group_list"))
    group = response.context["groups"][0]
    assert group.name == "Groep 5"
    assert group.pupil_count == 2
    assert cast.teacher.get_full_name() in response.content.decode()


def test_create_a_group_with_teachers(cast):
    response = cast.client("admin").post(
        reverse("organisations:group_create"),
        {"name": "Groep 1/2", "school_year": "2026-2027", "teachers": [cast.teacher2.pk, cast.assistant.pk]},
    )
    assert response.status_code == 302
    group = Group.objects.get(school=cast.school_a, name="Groep 1/2")
    assert set(group.teachers.all()) == {cast.teacher2, cast.assistant}
    assert AuditEvent.objects.filter(action="group.save", object_id=group.pk, actor=cast.admin).exists()


def test_group_form_offers_only_teachers_of_the_school(cast):
    response = cast.client("admin").get(reverse("organisations:group_create"))
    offered = set(response.context["form"].fields["teachers"].queryset)
    assert offered == {cast.teacher, cast.teacher2, cast.assistant}


def test_edit_a_group(cast):
    group = _group_a(cast)
    response = cast.client("admin").post(
        reverse("organisations:group_edit", args=[group.pk]),
        {"name": "Groep 5a", "school_year": "2026-2027", "teachers": [cast.teacher2.pk]},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "Groep 5a"
    assert list(group.teachers.all()) == [cast.teacher2]
    assert _events("group.save") == 1


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "school_year": "2026-2027"},
        {"name": "Groep 6", "school_year": "2026"},
        {"name": "Groep 6", "school_year": "26-27"},
        {"name": "Groep 6", "school_year": "2026-2028"},
        {"name": "Groep 5", "school_year": "2026-2027"},  # already exists that year
    ],
    ids=["empty name", "one year", "short years", "years apart", "duplicate"],
)
def test_create_group_refuses_bad_input(cast, data):
    before = Group.objects.count()
    response = cast.client("admin").post(reverse("organisations:group_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Group.objects.count() == before
    assert _events("group.save") == 0


def test_same_group_name_in_another_year_is_fine(cast):
    response = cast.client("admin").post(
        reverse("organisations:group_create"), {"name": "Groep 5", "school_year": "2027-2028"}
    )
    assert response.status_code == 302
    assert Group.objects.filter(school=cast.school_a, name="Groep 5").count() == 2


def test_create_group_refuses_a_teacher_of_another_school(cast):
    before = Group.objects.count()
    response = cast.client("admin").post(
        reverse("organisations:group_create"),
        {"name": "Groep 6", "school_year": "2026-2027", "teachers": [cast.af_b.pk]},
    )
    assert "teachers" in response.context["form"].errors
    assert Group.objects.count() == before


# --- Staff ------------------------------------------------------------------


def test_staff_list_shows_the_school_staff_only(cast):
    response = cast.client("admin").get(reverse("organisations:staff_list"))
    content = response.content.decode()
    usernames = {m.user.username for m in response.context["memberships"]}
    assert usernames == {"teacher", "teacher2", "assistant", "ib", "af", "leader", "admin"}
    assert "af_b" not in content


def _new_staff(**overrides) -> dict[str, str]:
    data = {
        "username": "j.smit",
        "first_name": "Jan",
        "last_name": "Smit",
        "email": "j.smit@example.org",
        "role": "teacher",
    }
    data.update(overrides)
    return data


def test_create_a_staff_account_sends_an_invitation_and_sets_no_password(cast, mailoutbox):
    response = cast.client("admin").post(reverse("organisations:staff_create"), _new_staff())
    assert response.status_code == 302
    user = User.objects.get(username="j.smit")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).school == cast.school_a
    assert Membership.objects.get(user=user).role == "teacher"
    assert AuditEvent.objects.filter(action="staff.create", object_id=user.pk, actor=cast.admin).exists()
    (mail,) = mailoutbox
    assert mail.to == ["j.smit@example.org"]
    assert cast.school_a.name in mail.body


def test_the_create_form_has_no_password_fields(cast):
    response = cast.client("admin").get(reverse("organisations:staff_create"))
    assert 'type="password"' not in response.content.decode()
    assert not {"password1", "password2"} & set(response.context["form"].fields)


@pytest.mark.parametrize(
    "overrides",
    [
        {"username": "TEACHER"},
        {"username": ""},
        {"first_name": ""},
        {"role": "superuser"},
        {"email": "geen-adres"},
        {"email": ""},
    ],
    ids=["duplicate username", "no username", "no name", "role", "email", "no email"],
)
def test_create_staff_refuses_bad_input(cast, overrides, mailoutbox):
    before, memberships = User.objects.count(), Membership.objects.count()
    response = cast.client("admin").post(reverse("organisations:staff_create"), _new_staff(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert User.objects.count() == before
    assert Membership.objects.count() == memberships
    assert _events("staff.create") == 0
    assert mailoutbox == []


def test_edit_a_staff_account(cast):
    response = cast.client("admin").post(
        reverse("organisations:staff_edit", args=[cast.teacher.pk]),
        {"first_name": "Anna", "last_name": "Visser", "email": "a.visser@example.org", "role": "teaching_assistant"},
    )
    assert response.status_code == 302
    cast.teacher.refresh_from_db()
    assert (cast.teacher.first_name, cast.teacher.is_active) == ("Anna", False)
    assert Membership.objects.get(user=cast.teacher).role == "teaching_assistant"
    assert AuditEvent.objects.filter(action="staff.update", object_id=cast.teacher.pk).exists()


def test_a_role_that_reads_dossiers_only_waits_for_approval(cast):
    response = cast.client("admin").post(
        reverse("organisations:staff_edit", args=[cast.teacher.pk]),
        {"first_name": "Anna", "last_name": "Visser", "email": "a.visser@example.org", "role": "care_coordinator"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=cast.teacher).role == "teacher"
    request = RoleRequest.objects.get(user=cast.teacher)
    assert (request.role, request.status, request.requested_by) == ("care_coordinator", "pending", cast.admin)
    page = cast.client("admin").get(reverse("organisations:staff_list"))
    assert [r.user for r in page.context["pending"]] == [cast.teacher]


def test_edit_staff_shows_current_values(cast):
    response = cast.client("admin").get(reverse("organisations:staff_edit", args=[cast.ib.pk]))
    assert response.context["form"].initial["role"] == "care_coordinator"
    assert response.context["form"].initial["is_active"] is True


def test_the_admin_cannot_deactivate_themselves(cast):
    response = cast.client("admin").post(
        reverse("organisations:staff_edit", args=[cast.admin.pk]),
        {"first_name": "Beheer", "last_name": "Der", "email": "", "role": "functional_admin"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    cast.admin.refresh_from_db()
    assert cast.admin.is_active
    assert _events("staff.update") == 0


def test_the_admin_sends_a_reset_link_and_never_sees_it(cast, mailoutbox):
    cast.teacher.email = "teacher@example.org"
    cast.teacher.save()
    response = cast.client("admin").post(reverse("organisations:staff_send_link", args=[cast.teacher.pk]), follow=True)
    assert response.status_code == 200
    (mail,) = mailoutbox
    assert mail.to == ["teacher@example.org"]
    link = AccountLink.objects.get(user=cast.teacher)
    assert link.purpose == "reset"
    # What the administrator's browser got holds no link; the stored hash is not the token in the mail.
    assert "/wachtwoord/instellen/" not in response.content.decode()
    assert link.token_hash not in mail.body
    cast.teacher.refresh_from_db()
    assert cast.teacher.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="account.link_sent", object_id=cast.teacher.pk, actor=cast.admin).exists()


def test_no_link_without_an_email_address(cast, mailoutbox):
    cast.teacher.email = ""
    cast.teacher.save()
    response = cast.client("admin").post(reverse("organisations:staff_send_link", args=[cast.teacher.pk]), follow=True)
    assert response.status_code == 200
    assert mailoutbox == []
    assert not AccountLink.objects.exists()
    assert _events("account.link_sent") == 0


# --- Protocol ---------------------------------------------------------------


def test_protocol_page_shows_the_current_settings(cast):
    response = cast.client("admin").get(reverse("organisations:protocol"))
    form = response.context["form"]
    assert sorted(form.initial["decision_roles"]) == ["safeguarding_lead", "school_leader"]
    assert [value for value, _label in form.fields["report_roles"].choices] == [
        "care_coordinator",
        "safeguarding_lead",
        "school_leader",
    ]


def test_save_the_protocol(cast):
    response = cast.client("admin").post(
        reverse("organisations:protocol"),
        {"decision_roles": ["care_coordinator", "safeguarding_lead"], "report_roles": ["school_leader"]},
    )
    assert response.status_code == 302
    cast.school_a.refresh_from_db()
    assert cast.school_a.decision_roles == ["care_coordinator", "safeguarding_lead"]
    assert cast.school_a.report_roles == ["school_leader"]
    assert AuditEvent.objects.filter(action="protocol.save", actor=cast.admin).exists()
    cast.school_b.refresh_from_db()
    assert cast.school_b.report_roles == ["safeguarding_lead", "school_leader"]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"decision_roles": ["school_leader"]},
        {"report_roles": ["school_leader"]},
        {"decision_roles": ["teacher"], "report_roles": ["school_leader"]},
    ],
    ids=["nothing", "no reporter", "no decider", "teacher"],
)
def test_protocol_refuses_bad_input(cast, data):
    response = cast.client("admin").post(reverse("organisations:protocol"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    cast.school_a.refresh_from_db()
    assert cast.school_a.decision_roles == ["safeguarding_lead", "school_leader"]
    assert cast.school_a.report_roles == ["safeguarding_lead", "school_leader"]
    assert _events("protocol.save") == 0
