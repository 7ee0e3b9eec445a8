"""Repeated care (hermelding): a pupil and their brothers and sisters keep coming back.

The functional administrator links brothers and sisters on the pupil page. The school's protocol
sets the rule (by default three dossiers within five years; a second report to Veilig Thuis is a
re-report anyway). The dossier page says so, with the dossiers that count and whose they are, and
the inbox marks the pupil, in a fixed number of queries however many signals it lists. Only
dossiers the person may open count, so nobody learns of a dossier through this.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from haven.audit.models import AuditEvent
from haven.external_signals import services as external_services
from haven.infrastructure.prepared import fetch_together
from haven.meldcode import repeat
from haven.meldcode import services as route
from haven.meldcode.models import Case, Signal
from haven.meldcode.repeated_care import dossier_repeat_finding, dossier_repeat_read, repeat_findings
from haven.meldcode.templatetags.repeated_care import repeat_heading
from haven.organisations.models import School
from haven.pupils import services as pupil_services
from haven.pupils.models import Sibling
from tests.builders import dossier, years_ago
from tests.factories import PupilFactory


def dutch(text):
    with translation.override("nl"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def link(cast, a, b):
    return pupil_services.link_siblings(cast.actor("admin"), a, b)


def case_page(cast, name, case):
    response = cast.client(name).get(reverse("meldcode:case_detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def heading(count, years):
    with translation.override("nl"):
        counted = tuple(repeat.DossierFact(n, date.today()) for n in range(count))
        return repeat_heading(
            repeat.RepeatFinding(threshold=3, years=years, since=date.today(), counted=counted, reasons=())
        )


# Brothers and sisters on the pupil page ---------------------------------------------------------------


def test_the_admin_links_a_brother_on_the_pupil_page_and_it_is_symmetric(cast):
    client = cast.client("admin")
    page = client.get(reverse("organisations:pupil_edit", args=[cast.pupil.pk]))
    html = page.content.decode()
    assert 'id="siblings"' in html
    choices = [value for value, _label in page.context["sib"]["form"].fields["sibling"].choices if value]
    assert {int(str(v)) for v in choices} == {cast.sibling.pk}  # not herself, not another school's pupil
    url = reverse("pupils:siblings", args=[cast.pupil.pk])
    response = client.post(url, {"sibling": cast.sibling.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:pupil_edit", args=[cast.pupil.pk]) + "#siblings"
    link_row = Sibling.objects.get()
    assert (link_row.pupil_a_id, link_row.pupil_b_id) == tuple(sorted((cast.pupil.pk, cast.sibling.pk)))
    event = AuditEvent.objects.get(action="pupil.link_sibling")
    assert (event.pupil_id, event.detail) == (cast.pupil.pk, {"sibling": cast.sibling.pk})
    # Daan's page shows Sanne.
    other = client.get(reverse("organisations:pupil_edit", args=[cast.sibling.pk]))
    assert [p for _link, p in other.context["sib"]["links"]] == [cast.pupil]


def test_linking_twice_another_schools_pupil_or_oneself_is_refused(cast):
    client = cast.client("admin")
    url = reverse("pupils:siblings", args=[cast.pupil.pk])
    client.post(url, {"sibling": cast.sibling.pk})
    for value in (cast.sibling.pk, cast.pupil_b.pk, cast.pupil.pk, "", "x"):
        response = client.post(url, {"sibling": value}, follow=True)
        assert [m.level_tag for m in response.context["messages"]][-1] == "error", value
    assert Sibling.objects.count() == 1
    admin = cast.actor("admin")
    with pytest.raises(ValidationError):
        pupil_services.link_siblings(admin, cast.sibling, cast.pupil)  # the same pair, the other way round
    with pytest.raises(ValidationError):
        pupil_services.link_siblings(admin, cast.pupil, cast.pupil_b)
    with pytest.raises(ValidationError):
        pupil_services.link_siblings(admin, cast.pupil, cast.pupil)
    assert AuditEvent.objects.filter(action="pupil.link_sibling").count() == 1


def test_removing_a_link(cast):
    link_row = link(cast, cast.pupil, cast.sibling)
    client = cast.client("admin")
    response = client.post(reverse("pupils:siblings", args=[cast.sibling.pk]), {"remove": link_row.pk})
    assert response.status_code == 302
    assert Sibling.objects.count() == 0
    event = AuditEvent.objects.get(action="pupil.unlink_sibling")
    assert (event.pupil_id, event.detail) == (cast.sibling.pk, {"sibling": cast.pupil.pk})


def test_a_link_of_other_pupils_cannot_be_removed_through_this_pupil(cast):
    third = PupilFactory(school=cast.school_a)
    link_row = link(cast, cast.sibling, third)
    response = cast.client("admin").post(reverse("pupils:siblings", args=[cast.pupil.pk]), {"remove": link_row.pk})
    assert response.status_code == 404
    assert Sibling.objects.count() == 1


def test_only_the_functional_administrator_of_the_school_manages_siblings(cast):
    url = reverse("pupils:siblings", args=[cast.pupil.pk])
    for name in ("af", "leader", "teacher", "af_b"):
        assert cast.client(name).post(url, {"sibling": cast.sibling.pk}).status_code == 403, name
    # Another school's pupil does not exist for the admin.
    assert cast.client("admin").post(reverse("pupils:siblings", args=[cast.pupil_b.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        pupil_services.link_siblings(cast.actor("af"), cast.pupil, cast.sibling)
    assert Sibling.objects.count() == 0


# The dossier page -----------------------------------------------------------------------------------------


@pytest.fixture
def family(cast):
    """Sanne: a dossier two years ago and an open one now; her brother Daan: one a year ago."""
    old = dossier(cast, cast.pupil, years_ago(2))
    daan = dossier(cast, cast.sibling, years_ago(1))
    current = dossier(cast, cast.pupil, timezone.localdate(), close=False, author="teacher")
    return old, daan, current


def test_three_dossiers_of_the_pupil_and_her_brother_are_repeated_care(cast, family):
    old, daan, current = family
    assert heading(3, 5) not in case_page(cast, "af", current)  # not linked yet: two dossiers
    link(cast, cast.pupil, cast.sibling)
    html = case_page(cast, "af", current)
    assert heading(3, 5) in html
    for case in (old, daan, current):
        assert reverse("meldcode:case_detail", args=[case.pk]) in html
    assert dutch("%(name)s (brother or sister)") % {"name": "Daan"} in html
    assert dutch("this pupil") in html and dutch("this dossier") in html
    # Daan's own dossier shows it too: his sister's dossiers count for him.
    assert heading(3, 5) in case_page(cast, "ib", daan)


def test_a_dossier_outside_the_window_does_not_count_until_the_school_widens_it(cast, family):
    old, _daan, current = family
    link(cast, cast.pupil, cast.sibling)
    Case.objects.filter(pk=old.pk).update(opened_at=timezone.make_aware(datetime.combine(years_ago(6), time(10))))
    assert dutch("Repeated care") not in case_page(cast, "af", current)
    route.set_repeat_rule(cast.actor("leader"), cast.school_a, repeat_years=7)
    assert heading(3, 7) in case_page(cast, "af", current)


def test_the_schools_threshold_applies(cast):
    dossier(cast, cast.pupil, years_ago(1))
    current = dossier(cast, cast.pupil, timezone.localdate(), close=False)
    assert dutch("Repeated care") not in case_page(cast, "af", current)
    route.set_repeat_rule(cast.actor("leader"), cast.school_a, repeat_threshold=2)
    assert heading(2, 5) in case_page(cast, "af", current)


def test_a_second_report_to_veilig_thuis_is_a_repeat_whatever_the_threshold(cast):
    dossier(cast, cast.sibling, years_ago(3), reported=True)
    current = dossier(cast, cast.pupil, timezone.localdate(), close=False, reported=True)
    link(cast, cast.pupil, cast.sibling)
    html = case_page(cast, "af", current)
    assert heading(2, 5) in html
    assert html.count(dutch("reported to Veilig Thuis")) == 2


def test_a_teacher_only_counts_the_dossiers_she_may_open(cast, family):
    old, daan, current = family
    link(cast, cast.pupil, cast.sibling)
    html = case_page(cast, "teacher", current)  # a member of the current dossier only
    assert dutch("Repeated care") not in html
    for case in (old, daan):
        assert reverse("meldcode:case_detail", args=[case.pk]) not in html


@pytest.mark.parametrize("who", ["af", "teacher", "ib"])
def test_the_dossier_pages_one_read_finds_what_the_inbox_read_finds(cast, family, who):
    """The dossier page reads its pupil's repeated care in one prepared query, the inbox for many
    pupils at once: both give the same finding, for every person and with a report among them."""
    _old, daan, current = family
    link(cast, cast.pupil, cast.sibling)
    dossier(cast, cast.sibling, years_ago(3), reported=True)
    dossier(cast, PupilFactory(school=cast.school_a), years_ago(1))  # another family: never counts
    actor, today = cast.actor(who), timezone.localdate()
    for case in (current, daan):
        case = Case.objects.select_related("school").get(pk=case.pk)
        (rows,) = fetch_together(*dossier_repeat_read(actor, case, today))
        expected = repeat_findings(actor, {case.pupil_id}, today, school=case.school)[case.pupil_id]
        assert dossier_repeat_finding(case, rows, today) == expected
        assert len(expected.counted) == (4 if who != "teacher" else 1)  # the teacher: her own dossier only


# The inbox ----------------------------------------------------------------------------------------------------


def _badges(html):
    return html.count(dutch("Repeated care") + "</span>")


def test_the_inbox_marks_the_pupils_with_repeated_care(cast, family):
    link(cast, cast.pupil, cast.sibling)
    other = PupilFactory(school=cast.school_a, first_name="Mila")
    cast.signal("teacher", pupil=cast.pupil)
    cast.signal("teacher", pupil=other)
    cast.signal("teacher2", pupil=cast.sibling)
    html = cast.client("af").get(reverse("meldcode:inbox")).content.decode()
    assert _badges(html) == 2  # Sanne's and Daan's rows, not Mila's
    assert heading(3, 5) in html  # in the badge's title


def _inbox_signals(cast, pupils, per_pupil):
    for pupil in pupils:
        for n in range(per_pupil):
            route.log_signal(
                cast.actor("teacher"),
                pupil=pupil,
                observed_at=timezone.now() - timedelta(hours=n + 1),
                source=Signal.Source.OWN_OBSERVATION,
                categories=[Signal.Category.GUT_FEELING],
                facts=f"Feit {n}.",
            )


def _count(client, url):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries), response


def test_the_inbox_query_count_does_not_grow_with_the_number_of_signals(cast):
    client = cast.client("af")
    url = reverse("meldcode:inbox")
    link(cast, cast.pupil, cast.sibling)
    for pupil in (cast.pupil, cast.sibling):
        dossier(cast, pupil, years_ago(1))
        dossier(cast, pupil, years_ago(2))
    _inbox_signals(cast, [cast.pupil, cast.sibling], 1)
    n_small, small = _count(client, url)
    assert len(small.context["signals"]) == 2 and _badges(small.content.decode()) == 2
    # Ten more pupils, some of them brothers and sisters with dossiers of their own.
    pupils = [PupilFactory(school=cast.school_a) for _n in range(9)]
    for a, b in zip(pupils[::2], pupils[1::2], strict=False):
        link(cast, a, b)
        dossier(cast, a, years_ago(1))
        dossier(cast, b, years_ago(3))
        dossier(cast, b, years_ago(4))
    _inbox_signals(cast, pupils, 2)
    n_large, large = _count(client, url)
    assert len(large.context["signals"]) == 20
    assert _badges(large.content.decode()) > 2
    assert n_large <= n_small, (n_small, n_large)


def test_the_dossier_page_query_count_does_not_grow_with_the_family(cast):
    client = cast.client("af")
    small = dossier(cast, cast.pupil, timezone.localdate(), close=False)
    n_small, _response = _count(client, reverse("meldcode:case_detail", args=[small.pk]))
    big_family = PupilFactory(school=cast.school_a)
    for _n in range(4):
        brother = PupilFactory(school=cast.school_a)
        link(cast, big_family, brother)
        dossier(cast, brother, years_ago(1))
    large = dossier(cast, big_family, timezone.localdate(), close=False)
    external_services.record_referral_index(cast.actor("af"), large, action="placed", on=timezone.localdate())
    route.plan_conversation(
        cast.actor("af"), large, planned_at=timezone.now() + timedelta(days=1), participants=["mother"]
    )
    n_large, response = _count(client, reverse("meldcode:case_detail", args=[large.pk]))
    assert heading(5, 5) in response.content.decode()
    assert n_large <= n_small, (n_small, n_large)


# The protocol ---------------------------------------------------------------------------------------------------

PROTOCOL = {"decision_roles": ["safeguarding_lead", "school_leader"], "report_roles": ["safeguarding_lead"]}


def test_the_school_leader_sets_the_rule_on_the_protocol_page(cast):
    client = cast.client("leader")
    page = client.get(reverse("organisations:protocol"))
    assert page.context["form"].initial["repeat_threshold"] == 3
    assert page.context["form"].initial["repeat_years"] == 5
    response = client.post(reverse("organisations:protocol"), {**PROTOCOL, "repeat_threshold": 4, "repeat_years": 6})
    assert response.status_code == 302
    school = School.objects.get(pk=cast.school_a.pk)
    assert (school.repeat_threshold, school.repeat_years) == (4, 6)
    assert school.report_roles == ["safeguarding_lead"]
    event = AuditEvent.objects.get(action="protocol.repeat_rule")
    assert event.detail == {"threshold": 4, "years": 6}
    assert School.objects.get(pk=cast.school_b.pk).repeat_threshold == 3


def test_a_form_without_the_rule_keeps_it(cast):
    route.set_repeat_rule(cast.actor("leader"), cast.school_a, repeat_threshold=4, repeat_years=2)
    response = cast.client("admin").post(reverse("organisations:protocol"), PROTOCOL)
    assert response.status_code == 302
    school = School.objects.get(pk=cast.school_a.pk)
    assert (school.repeat_threshold, school.repeat_years) == (4, 2)
    assert AuditEvent.objects.filter(action="protocol.repeat_rule").count() == 1  # unchanged: no event


@pytest.mark.parametrize(
    "data", [{"repeat_threshold": 1}, {"repeat_threshold": 11}, {"repeat_years": 0}, {"repeat_years": 21}]
)
def test_a_rule_out_of_range_is_refused_and_nothing_is_saved(cast, data):
    response = cast.client("leader").post(reverse("organisations:protocol"), {**PROTOCOL, **data})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == set(data)
    school = School.objects.get(pk=cast.school_a.pk)
    assert (school.repeat_threshold, school.repeat_years, school.report_roles) == (
        3,
        5,
        ["safeguarding_lead", "school_leader"],
    )
    with pytest.raises(ValidationError):
        route.set_repeat_rule(cast.actor("leader"), school, **data)
    assert not AuditEvent.objects.filter(action__in=["protocol.save", "protocol.repeat_rule"]).exists()


def test_only_the_protocol_managers_of_the_school_set_the_rule(cast):
    for name in ("af", "teacher"):
        with pytest.raises(PermissionDenied):
            route.set_repeat_rule(cast.actor(name), cast.school_a, repeat_threshold=2)
    with pytest.raises(PermissionDenied):
        route.set_repeat_rule(cast.actor("leader"), cast.school_b, repeat_threshold=2)
    assert School.objects.get(pk=cast.school_a.pk).repeat_threshold == 3
