"""The pure rules of the API keys (haven/api/scopes.py) and of matching a notice from outside to a
pupil (haven/external_signals/matching.py)."""

import pytest

from haven.api.scopes import ALLOWED_SCOPES, OrganisationKind, Scope, key_hash, looks_like_key, new_key, scopes_allowed
from haven.external_signals.matching import same_name


@pytest.mark.parametrize(
    ("first", "last", "matches"),
    [
        ("Sanne", "de Vries", True),
        ("SANNE", "DE VRIES", True),
        ("sanne", "Vries, de", True),
        ("Sanne", "Vries de", True),
        (" Sanne ", "de  Vries", True),
        ("Sanne", "de Vries-Bakker", False),
        ("Sanna", "de Vries", False),
        ("Sanne", "Vries", False),
        ("Sanne", "", False),
        ("", "de Vries", False),
    ],
)
def test_same_name(first, last, matches):
    assert same_name(first, last, "Sanne", "de Vries") is matches


def test_accents_and_hyphens_are_only_spelling():
    assert same_name("Zoë", "van der Berg", "Zoe", "van der Berg")
    assert same_name("Jan-Willem", "Bakker", "Jan Willem", "Bakker")
    assert same_name("Noah", "Bakker-de Jong", "Noah", "Bakker de Jong")


def test_a_new_key_is_long_random_and_only_its_hash_is_kept():
    text, prefix = new_key()
    other, _ = new_key()
    assert text.startswith(f"hv_{prefix}_") and len(text) > 40 and text != other
    assert looks_like_key(text) and not looks_like_key("Bearer x") and not looks_like_key("hv_" + "x" * 200)
    assert key_hash(text) != key_hash(other) and len(key_hash(text)) == 64 and text not in key_hash(text)


@pytest.mark.parametrize("kind", list(OrganisationKind))
def test_scopes_per_organisation(kind):
    for scope in Scope:
        assert scopes_allowed(kind, frozenset({str(scope)})) is (scope in ALLOWED_SCOPES[kind])
    assert not scopes_allowed(kind, frozenset())
    assert not scopes_allowed(kind, frozenset({"admin"}))


def test_only_municipalities_and_regions_read_aggregates():
    assert {k for k in OrganisationKind if Scope.AGGREGATES in ALLOWED_SCOPES[k]} == {
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.REGION,
    }
