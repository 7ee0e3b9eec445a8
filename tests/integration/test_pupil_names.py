"""Telling pupils apart, in Dutch name order.

Reads as the specification. Pupils sort by surname without the tussenvoegsel ("de", "van den"),
then by first name, in every list: the database sorts on a generated column (Pupil.sort_surname)
that bulk inserts fill too, and a Python key (haven.pupils.names.sort_key) sorts lists read
otherwise; the two agree. Pupil search results and the inbox show each pupil's group and date of
birth; a teacher's own group comes first in the search. The inbox names the pupil in its links,
says when the pupil already has an open dossier, and its "pick up" buttons say what they pick up.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from haven.meldcode import services
from haven.pupils import services as pupil_services
from haven.pupils.models import Pupil
from haven.pupils.names import sort_key, strip_tussenvoegsel
from tests.factories import GroupFactory, PupilFactory, place

SURNAMES = [
    "van den Berg",
    "de Vries",
    "Vries",
    "d'Ancona",
    "van 't Hof",
    "Van der Meer",
    "ten Brink",
    "Bakker",
    "in 't Veld",
    "de la Rie",
    "Claassen",
    "Dekker",
    "Vandenberg",
]
CREATE = reverse("meldcode:signal_create")


def test_the_tussenvoegsel_does_not_count():
    assert strip_tussenvoegsel("van den Berg") == "Berg"
    assert strip_tussenvoegsel("Van der Meer") == "Meer"
    assert strip_tussenvoegsel("d'Ancona") == "Ancona"
    assert strip_tussenvoegsel("in 't Veld") == "Veld"
    # Only a tussenvoegsel followed by the name: "Dekker" and "Vandenberg" are names of their own.
    assert strip_tussenvoegsel("Dekker") == "Dekker"
    assert strip_tussenvoegsel("Vandenberg") == "Vandenberg"


def test_the_database_sorts_as_the_python_key_does(cast):
    for n, surname in enumerate(SURNAMES):
        PupilFactory(school=cast.school_a, first_name=f"Kind{n % 3}", last_name=surname)
    in_database = [(p.first_name, p.last_name) for p in Pupil.objects.filter(school=cast.school_a)]
    assert in_database == sorted(in_database, key=lambda name: sort_key(*name))
    surnames = [last for _first, last in in_database]
    # Under B: Bakker, van den Berg, ten Brink; "de Vries" and "Vries" together at the end.
    assert surnames.index("Bakker") < surnames.index("van den Berg") < surnames.index("ten Brink")
    assert surnames.index("ten Brink") < surnames.index("Claassen") < surnames.index("Dekker")
    # "de Vries" and "Vries" sort together, after everything else here.
    vries = [n for n, surname in enumerate(surnames) if surname in ("de Vries", "Vries")]
    assert vries == list(range(len(surnames) - len(vries), len(surnames)))
    assert surnames.index("Van der Meer") < surnames.index("de la Rie") < surnames.index("Vandenberg")


def test_pupils_added_in_bulk_get_their_sort_name_from_the_database(cast):
    born = dt.date(2018, 5, 1)
    pupil_services.add_pupils(cast.actor("admin"), [("Lotte", "van der Linden", born), ("Bram", "de Wit", born)])
    assert dict(Pupil.objects.filter(first_name__in=["Lotte", "Bram"]).values_list("first_name", "sort_surname")) == {
        "Lotte": "linden",
        "Bram": "wit",
    }


def test_the_administrators_pupil_list_is_in_dutch_name_order(cast):
    for surname in ("van den Berg", "Claassen", "de Bruijn"):
        PupilFactory(school=cast.school_a, last_name=surname)
    rows = cast.client("admin").get(reverse("organisations:pupil_list")).context["rows"]
    surnames = [pupil.last_name for pupil, _group in rows]
    assert surnames[:3] == ["van den Berg", "de Bruijn", "Claassen"]


def _search_world(cast):
    other_group = GroupFactory(school=cast.school_a, name="Groep 7", school_year=cast.pupil.groups.get().school_year)
    place(PupilFactory(school=cast.school_a, first_name="Cor", last_name="Claassen"), other_group)
    PupilFactory(school=cast.school_a, first_name="Eva", last_name="de Bruijn", date_of_birth=dt.date(2016, 9, 2))


def _names(response):
    return [pupil.full_name for pupil in response.context["results"]]


def test_the_teacher_finds_her_own_group_first_then_the_others_in_dutch_order(cast):
    _search_world(cast)
    response = cast.client("teacher").get(CREATE, {"q": "a"})
    assert _names(response) == ["Daan de Vries", "Sanne de Vries", "Eva de Bruijn", "Cor Claassen"]
    # Someone without a group of her own gets the school's pupils in Dutch name order.
    response = cast.client("af").get(CREATE, {"q": "a"})
    assert _names(response) == ["Eva de Bruijn", "Cor Claassen", "Daan de Vries", "Sanne de Vries"]


def test_search_results_show_group_and_date_of_birth(cast):
    _search_world(cast)
    response = cast.client("teacher").get(CREATE, {"q": "a"}, headers={"HX-Request": "true"})
    groups = {pupil.full_name: pupil.group_name for pupil in response.context["results"]}
    assert groups == {
        "Daan de Vries": "Groep 5",
        "Sanne de Vries": "Groep 5",
        "Eva de Bruijn": None,
        "Cor Claassen": "Groep 7",
    }
    html = response.content.decode()
    assert html.count("Groep 5") == 2 and "Groep 7" in html
    assert "2 september 2016" in html or "2 September 2016" in html
    own = [pupil.full_name for pupil in response.context["results"] if pupil.in_own_group]
    assert own == ["Daan de Vries", "Sanne de Vries"]


def _new_signal(cast, pupil, author="teacher"):
    return cast.signal(author, pupil=pupil, observed_at=timezone.now() - dt.timedelta(hours=3))


def test_the_inbox_names_the_pupil_with_group_birth_and_open_dossier(cast):
    open_case = cast.case("teacher2", pupil=cast.pupil)
    new = _new_signal(cast, cast.pupil)
    other = _new_signal(cast, cast.sibling)
    response = cast.client("af").get(reverse("meldcode:inbox"))
    rows = {signal.pk: signal for signal in response.context["signals"]}
    assert (rows[new.pk].pupil_group, rows[new.pk].open_case_id) == ("Groep 5", open_case.pk)
    assert (rows[other.pk].pupil_group, rows[other.pk].open_case_id) == ("Groep 5", None)
    html = response.content.decode()
    link = reverse("meldcode:signal_detail", args=[new.pk])
    # The link to the signal is the pupil's name (the date follows for screen readers).
    assert f'href="{link}">Sanne de Vries<span class="haven-sr-only">' in html
    assert f'href="{reverse("meldcode:case_detail", args=[open_case.pk])}"' in html
    assert "14 maart 2017" in html or "14 March 2017" in html


def test_pick_up_buttons_say_what_they_pick_up(cast):
    signal = _new_signal(cast, cast.pupil)
    request = services.request_look_along(cast.actor("teacher"), signal)
    for url in (reverse("meldcode:inbox"), reverse("meldcode:signal_detail", args=[signal.pk])):
        html = cast.client("af").get(url).content.decode()
        button = html.split(f'name="pick_up" value="{request.pk}">')[1].split("</button>")[0]
        assert "Sanne de Vries" in button, url
