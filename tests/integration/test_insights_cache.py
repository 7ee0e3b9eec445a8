"""A monitoring page is kept between views (haven/insights/cache.py), and never shows less than the
last count: a new count, an import of public figures, another scope or another language is another page.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.audit.models import AuditEvent
from haven.insights.rollups import refresh_school
from tests.insights_data import LAST_YEAR, SIGNALS, TODAY, calendar, page, publish, trend_cells

THIS_YEAR_QUERY = "?soort=kalenderjaar&jaar=" + str(TODAY.year)


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.HAVEN_INSIGHTS_CACHE_SECONDS = 3600
    cache.clear()
    yield
    cache.clear()


def main(response) -> str:
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def test_a_second_view_is_the_same_page_with_fewer_queries(counted):
    client = counted.client("municipality")
    with CaptureQueriesContext(connection) as first:
        cold = page(client, calendar())
    with CaptureQueriesContext(connection) as second:
        warm = page(client, calendar())
    assert main(warm) == main(cold)
    assert trend_cells(warm, SIGNALS)[-3] == 34
    assert len(second) < len(first)
    # Still one audited read per view.
    assert AuditEvent.objects.filter(actor=counted.municipality, action="insights.view").count() == 2


def test_the_downloads_and_the_report_are_built_from_the_kept_tables_too(counted):
    client = counted.client("board")
    page(client, calendar())
    response = client.get(reverse("insights:export", args=["trend", "csv"]) + calendar())
    assert response.status_code == 200
    assert ";34;" in response.content.decode("utf-8-sig").replace(",", ";")


def test_a_new_count_shows_at_once(cast, school_c):
    for school in (cast.school_a, cast.school_b, school_c):
        refresh_school(school, TODAY)
    client = cast.client("af")
    before = trend_cells(page(client, THIS_YEAR_QUERY), SIGNALS)[-3]
    cast.signal()
    # Not counted yet: the page shows the last count (as it would without the cache).
    assert trend_cells(page(client, THIS_YEAR_QUERY), SIGNALS)[-3] == before
    refresh_school(cast.school_a, TODAY)
    assert trend_cells(page(client, THIS_YEAR_QUERY), SIGNALS)[-3] == before + 1


def test_the_afs_update_of_the_figures_shows_at_once(cast):
    refresh_school(cast.school_a, TODAY)
    client = cast.client("af")
    before = trend_cells(page(client, THIS_YEAR_QUERY), SIGNALS)[-3]
    cast.signal()
    response = client.post(reverse("insights:refresh"), {"soort": "kalenderjaar", "jaar": str(TODAY.year)})
    assert response.status_code == 302
    assert trend_cells(page(client, THIS_YEAR_QUERY), SIGNALS)[-3] == before + 1


def test_an_import_of_public_figures_shows_at_once(counted):
    client = counted.client("municipality")
    municipality = counted.school_a.municipality
    publish(municipality, LAST_YEAR.year, 1000, 4, 3, 2)
    assert "1.000" in main(page(client, calendar())) or "1000" in main(page(client, calendar()))
    publish(municipality, LAST_YEAR.year, 4321, 4, 3, 2)
    html = main(page(client, calendar()))
    assert "4.321" in html or "4321" in html


@pytest.mark.parametrize(("first", "second"), [("board", "municipality"), ("municipality", "region"), ("af", "af_b")])
def test_two_scopes_never_share_a_page(counted, first, second):
    """The board's and the municipality's schools are the same three schools here: still two pages."""
    mine = page(counted.client(first), calendar())
    theirs = page(counted.client(second), calendar())
    assert theirs.context["m"].scope != mine.context["m"].scope
    assert f"Monitor: {theirs.context['m'].scope.name}" in main(theirs)
    if first == "af":
        # School A's 3 signals, school B's 11: school B's AF never gets school A's page.
        assert trend_cells(mine, SIGNALS)[-3] == 3
        assert trend_cells(theirs, SIGNALS)[-3] == 11


def test_another_language_is_another_page(counted):
    client = counted.client("board")
    dutch = main(page(client, calendar()))
    english = main(client.get(reverse("insights:overview") + calendar(), headers={"accept-language": "en"}))
    assert "Vijf jaar naast elkaar" in dutch
    assert "Five years side by side" in english
    assert "Five years side by side" not in dutch


def test_nothing_is_kept_when_the_cache_is_switched_off(counted, settings):
    settings.HAVEN_INSIGHTS_CACHE_SECONDS = 0
    client = counted.client("board")
    with CaptureQueriesContext(connection) as first:
        page(client, calendar())
    with CaptureQueriesContext(connection) as second:
        page(client, calendar())
    assert len(second) == len(first)
