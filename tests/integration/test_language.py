"""Dutch by default, English for an English browser, and a switch in the header for either."""

from django.test import Client
from django.urls import reverse


def test_the_interface_is_dutch_and_english_for_an_english_browser(db):
    assert "Inloggen" in Client().get(reverse("login")).content.decode()
    english = Client(headers={"accept-language": "en"}).get(reverse("login")).content.decode()
    assert "Sign in" in english and '<html lang="en">' in english


def test_the_switch_in_the_header_changes_the_language_and_stays_on_the_page(cast):
    client = cast.client("teacher")
    home = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("set_language")}"' in home and 'value="en"' in home
    response = client.post(reverse("set_language"), {"language": "en", "next": "/signalen/"})
    assert response.status_code == 302 and response["Location"] == "/signalen/"
    assert response.cookies["django_language"].value == "en"
    assert response.cookies["django_language"]["httponly"]
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in page and 'value="nl"' in page and ">Nederlands</button>" in page
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert '<html lang="nl">' in client.get(reverse("home")).content.decode()


def test_the_switch_never_sends_anyone_to_another_site_and_ignores_unknown_languages(db):
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response["Location"]
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert "django_language" not in response.cookies


def test_the_switch_needs_the_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 403
