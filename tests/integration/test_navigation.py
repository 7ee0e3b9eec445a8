"""The main menu marks the page the user is on: one item, decided by the address (issue 12 §8).

The AF reading a colleague's signal is in the Inbox (where she triages it), not in "My signals"; a
teacher, who has no inbox and reads only her own signals, is in "My signals" there. Every page under
a menu item's address is that item's, the most specific one winning ("Log a signal" is not "My
signals"), and the pages about a dossier that live elsewhere (a report's follow-up, a handover) are
in "Dossiers".
"""

import re

import pytest
from django.urls import reverse

CURRENT = re.compile(r'<nav class="haven-nav"[^>]*>.*?</nav>', re.S)


def current_items(html: str) -> list[str]:
    """The addresses of the menu links marked aria-current="page"."""
    nav = CURRENT.search(html)
    assert nav is not None, "no main menu on the page"
    return re.findall(r'<a href="([^"]+)" aria-current="page"', nav.group(0))


def test_the_af_on_a_colleagues_signal_is_in_the_inbox_not_in_my_signals(cast):
    signal = cast.signal("teacher")
    html = cast.client("af").get(reverse("meldcode:signal_detail", args=[signal.pk])).content.decode()
    assert current_items(html) == [reverse("meldcode:inbox")]
    assert f'href="{reverse("meldcode:signal_list")}"' in html  # the AF has "My signals" too


def test_the_teacher_on_her_own_signal_is_in_my_signals(cast):
    signal = cast.signal("teacher")
    html = cast.client("teacher").get(reverse("meldcode:signal_detail", args=[signal.pk])).content.decode()
    assert current_items(html) == [reverse("meldcode:signal_list")]


@pytest.mark.parametrize(
    ("actor", "page", "item"),
    [
        ("teacher", "home", "home"),
        ("af", "home", "home"),
        ("af", "meldcode:signal_list", "meldcode:signal_list"),
        ("af", "meldcode:signal_create", "meldcode:signal_create"),
        ("teacher", "meldcode:signal_create", "meldcode:signal_create"),
        ("af", "meldcode:inbox", "meldcode:inbox"),
        ("ib", "meldcode:inbox", "meldcode:inbox"),
        ("af", "meldcode:case_list", "meldcode:case_list"),
        ("af", "handover:package_import", "meldcode:case_list"),
        ("af", "tasks:mine", "tasks:mine"),
        ("af", "external_signals:referral_index_list", "meldcode:advice_request_list"),
        ("af", "meldcode:advice_request_create", "meldcode:advice_request_list"),
        ("admin", "organisations:pupil_list", "organisations:pupil_list"),
        ("admin", "organisations:pupil_create", "organisations:pupil_list"),
        ("admin", "organisations:staff_create", "organisations:staff_list"),
        ("region", "insights:overview", "insights:overview"),
        ("region", "insights:public_figures", "insights:overview"),
    ],
)
def test_each_page_marks_the_most_specific_menu_item(cast, actor, page, item):
    response = cast.client(actor).get(reverse(page))
    assert response.status_code == 200
    assert current_items(response.content.decode()) == [reverse(item)]


def test_the_pages_of_a_dossier_are_in_dossiers_for_every_reader(cast):
    case = cast.case(author="teacher")
    for actor in ("af", "ib", "leader", "teacher"):
        for name in ("meldcode:case_detail", "meldcode:weighing_create"):
            response = cast.client(actor).get(reverse(name, args=[case.pk]))
            if response.status_code == 200:
                assert current_items(response.content.decode()) == [reverse("meldcode:case_list")], (actor, name)


def test_a_page_outside_the_menu_marks_no_item(cast):
    html = cast.client("af").get(reverse("two_factor:profile")).content.decode()
    assert current_items(html) == []
