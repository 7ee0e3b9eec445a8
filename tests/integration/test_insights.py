"""Boards and municipalities see where the route stalls, in aggregates that recognise nobody."""

import pytest
from django.urls import reverse

from haven.audit.models import AuditEvent
from haven.meldcode import services
from tests.factories import PupilFactory, SchoolFactory


@pytest.fixture
def region(cast):
    """Four schools of one board and municipality, with six dossiers in school A and one in school B."""
    for brin in ("56EF", "78GH"):
        SchoolFactory(brin_code=brin, board=cast.school_a.board, municipality=cast.school_a.municipality)
    pupils = [cast.pupil, cast.sibling] + [PupilFactory(school=cast.school_a) for _ in range(4)]
    cases = [cast.case(author="teacher", pupil=pupil) for pupil in pupils]
    services.close_case(cast.actor("af"), cases[0], reason="too_vague", explanation="Te vaag.")
    cast.case(author="af_b", by="af_b", pupil=cast.pupil_b)
    return cases


@pytest.mark.parametrize("name", ["board", "municipality"])
def test_analysts_see_suppressed_aggregates_and_no_pupil(cast, region, name):
    response = cast.client(name).get(reverse("insights:overview"))
    assert response.status_code == 200
    overview = response.context["o"]
    assert overview.shown and overview.school_count == 4
    assert overview.figures["signals"] == 7
    assert overview.figures["cases_opened"] == 7
    assert overview.open_per_step[2] == 6  # six open dossiers wait for a consultation
    assert overview.figures["reports_made"] == 0  # zero is shown: nobody to recognise
    assert overview.closed_per_reason == {"too_vague": None}  # one closure: hidden
    html = response.content.decode()
    for pupil in (cast.pupil, cast.sibling, cast.pupil_b):
        assert pupil.full_name not in html
    assert "&lt; 5" in html
    assert AuditEvent.objects.filter(action="insights.view", actor=cast.users[name]).exists()


def test_an_organisation_with_too_few_schools_shows_no_figures(cast):
    cast.case()
    overview = cast.client("board").get(reverse("insights:overview")).context["o"]
    assert overview.school_count == 2
    assert not overview.shown and overview.figures == {}


def test_analysts_land_on_the_insights_and_cannot_open_case_data(cast, region):
    client = cast.client("board")
    assert client.get(reverse("home"))["Location"] == reverse("insights:overview")
    assert client.get(reverse("meldcode:case_detail", args=[region[1].pk])).status_code == 403
    assert client.get(reverse("meldcode:inbox")).status_code == 403
    assert client.get(reverse("school:pupil_list")).status_code == 403


def test_school_staff_do_not_see_the_insights(cast):
    for name in ("teacher", "af", "leader", "admin"):
        assert cast.client(name).get(reverse("insights:overview")).status_code == 403
