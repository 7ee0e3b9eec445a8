"""Errors show a plain Dutch page: no stack trace, no case data, for anyone."""

from unittest import mock

from django.test import Client
from django.urls import reverse


def test_a_server_error_shows_the_plain_page_and_nothing_else(cast, settings):
    settings.DEBUG = False
    case = cast.case()
    client = cast.client("af")
    client.raise_request_exception = False
    with mock.patch("haven.meldcode.views.queries.load_dossier", side_effect=RuntimeError("kapot: Sanne de Vries")):
        response = client.get(reverse("meldcode:case_detail", args=[case.pk]))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Traceback" not in html and "kapot" not in html and "de Vries" not in html


def test_there_is_no_django_admin(cast, settings):
    assert "django.contrib.admin" not in settings.INSTALLED_APPS
    assert cast.client("admin").get("/admin/").status_code == 404
    assert Client().get("/admin/").status_code == 404
