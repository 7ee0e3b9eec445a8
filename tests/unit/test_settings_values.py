"""Yes/no settings from the environment: a typo stops the start instead of meaning "off"."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from haven.settings import envbool


@pytest.mark.parametrize("value", ["1", "true", "True", "YES", "on", " on "])
def test_yes_words_are_true(monkeypatch, value):
    monkeypatch.setenv("HAVEN_TEST_FLAG", value)
    assert envbool("HAVEN_TEST_FLAG", "false") is True


@pytest.mark.parametrize("value", ["0", "false", "FALSE", "no", "off", ""])
def test_no_words_are_false(monkeypatch, value):
    monkeypatch.setenv("HAVEN_TEST_FLAG", value)
    assert envbool("HAVEN_TEST_FLAG", "true") is False


@pytest.mark.parametrize("value", ["ture", "flase", "2", "enabled", "y"])
def test_anything_else_refuses_to_start(monkeypatch, value):
    monkeypatch.setenv("HAVEN_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="HAVEN_TEST_FLAG"):
        envbool("HAVEN_TEST_FLAG", "true")


def test_the_default_applies_when_unset(monkeypatch):
    monkeypatch.delenv("HAVEN_TEST_FLAG", raising=False)
    assert envbool("HAVEN_TEST_FLAG", "true") is True
    assert envbool("HAVEN_TEST_FLAG", "false") is False
