"""The pure rules of signing in with a school's account: what counts as two factors, what a token must say."""

from hypothesis import given
from hypothesis import strategies as st

from haven.accounts.sso_rules import mfa_asserted, parse_values, token_problem

MFA = frozenset({"mfa"})
LEVEL = frozenset({"http://schemas.openid.net/pape/policies/2007/06/multi-factor"})
ISSUER = "https://login.microsoftonline.com/tenant/v2.0"
GOOD = {"iss": ISSUER, "aud": "haven", "sub": "abc123"}


def test_configured_values_are_split_on_commas_and_blanks():
    assert parse_values("mfa, otp  hwk,,") == {"mfa", "otp", "hwk"}
    assert parse_values("") == frozenset()


def test_an_amr_value_among_the_configured_ones_counts():
    assert mfa_asserted({"amr": ["pwd", "mfa"]}, MFA, frozenset())
    assert mfa_asserted({"amr": "mfa"}, MFA, frozenset())  # a single string, as some providers send it


def test_one_factor_does_not_count():
    assert not mfa_asserted({"amr": ["pwd"]}, MFA, frozenset())
    assert not mfa_asserted({}, MFA, LEVEL)
    assert not mfa_asserted({"amr": None, "acr": None}, MFA, LEVEL)
    assert not mfa_asserted({"amr": [{"mfa": True}], "acr": ["not", "a", "string"]}, MFA, LEVEL)


def test_an_acr_level_among_the_configured_ones_counts():
    assert mfa_asserted({"acr": next(iter(LEVEL))}, frozenset(), LEVEL)
    assert not mfa_asserted({"acr": "1"}, frozenset(), LEVEL)


def test_nothing_configured_means_nothing_counts():
    assert not mfa_asserted({"amr": ["mfa"], "acr": "urn:mfa"}, frozenset(), frozenset())


@given(st.lists(st.text(max_size=8), max_size=5), st.one_of(st.none(), st.text(max_size=8)))
def test_mfa_only_when_a_configured_value_is_present(amr, acr):
    expected = "mfa" in amr or acr in LEVEL
    assert mfa_asserted({"amr": amr, "acr": acr}, MFA, LEVEL) == expected


def test_a_good_token_has_no_problem():
    assert token_problem(GOOD, issuer=ISSUER, client_id="haven") is None
    assert token_problem({**GOOD, "aud": ["haven", "other"], "azp": "haven"}, issuer=ISSUER, client_id="haven") is None


def test_another_issuer_is_refused():
    assert token_problem({**GOOD, "iss": "https://accounts.google.com"}, issuer=ISSUER, client_id="haven") == "issuer"
    assert token_problem({**GOOD, "iss": ISSUER + "/"}, issuer=ISSUER, client_id="haven") == "issuer"


def test_a_token_for_another_client_is_refused():
    assert token_problem({**GOOD, "aud": "other-app"}, issuer=ISSUER, client_id="haven") == "audience"
    assert token_problem({**GOOD, "aud": ["haven", "other"]}, issuer=ISSUER, client_id="haven") == "audience"
    assert token_problem({**GOOD, "aud": ["haven", "x"], "azp": "x"}, issuer=ISSUER, client_id="haven") == "audience"
    assert token_problem({k: v for k, v in GOOD.items() if k != "aud"}, issuer=ISSUER, client_id="haven") == "audience"


def test_a_token_without_a_usable_subject_is_refused():
    for sub in (None, "", 42, "x" * 256):
        assert token_problem({**GOOD, "sub": sub}, issuer=ISSUER, client_id="haven") == "subject"
