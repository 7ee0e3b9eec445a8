"""Every URL of Haven, asked by every kind of actor: the deny-by-default proof.

The table (MATRIX, in tests/authorization_matrix.py) is the specification. A URL pattern that is
missing from it fails the test, so a new page cannot ship without deciding who may open it. Object
URLs are asked about a dossier in school A that `teacher` is a member of (through her signal) and `teacher2` is not;
`af_b` works at school B, where these objects must not even seem to exist (404). The board's,
the municipality's and the region's policy officers see aggregates only: every case URL refuses them.
"""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from haven.api import services as api_services
from tests.authorization_matrix import ACTORS, MATRIX, _names, _url


def test_every_url_is_in_the_matrix_and_declares_its_permission():
    listed = {name for name, *_ in MATRIX}
    for name, pattern in _names(get_resolver().url_patterns):
        assert name in listed, f"URL {name} has no entry in the authorization matrix"
        assert hasattr(pattern.callback, "required_permission"), f"URL {name} declares no permission"


POST_DATA = {
    "meldcode:signal_open_case": lambda cast: {"lead": cast.af.pk},
    "meldcode:signal_note": lambda cast: {"reason": "Past bij normale ontwikkeling."},
    "meldcode:report_made": lambda cast: {
        "made_on": timezone.localdate().isoformat(),
        "made_by": cast.af.pk,
        "vt_reference": "VT-1",
    },
    "meldcode:case_reopen": lambda cast: {"reason": "Nieuwe signalen."},
    "meldcode:case_members": lambda cast: {"action": "add", "user": cast.teacher2.pk},
}


@pytest.mark.parametrize(("name", "obj", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_access(cast, objects, name, obj, method, expected):
    """Every actor asks the URL in turn, each inside a savepoint that is rolled back, so one actor's
    successful POST never changes what the next actor is asked (and the objects are built once per URL,
    not once per actor). Every wrong answer is reported, not just the first."""
    url = _url(name, obj, objects)
    wrong = {}
    for actor in ACTORS:
        with transaction.atomic():
            client = cast.client(actor) if actor != "anonymous" else Client()
            data = POST_DATA.get(name, lambda cast: {})(cast)
            response = getattr(client, method)(url, data) if method == "post" else client.get(url)
            transaction.set_rollback(True)
        status = response.status_code
        want = expected[actor]
        # POST forms answer 200 when the input is refused and re-shown, 302 when saved.
        allowed = (200, 302) if want == 200 and method == "post" else (want,)
        if status not in allowed:
            wrong[actor] = f"{status}, expected {want}"
    assert not wrong, (name, wrong)


def test_other_school_object_is_404_even_for_the_same_role(cast, objects):
    assert cast.client("af_b").get(reverse("meldcode:case_detail", args=[objects["case"].pk])).status_code == 404
    assert cast.client("af").get(reverse("organisations:pupil_edit", args=[cast.pupil_b.pk])).status_code == 403


def test_a_signal_observed_now_is_fine_and_a_day_ahead_is_refused(cast):
    from django.core.exceptions import ValidationError

    cast.signal(observed_at=timezone.now())
    with pytest.raises(ValidationError):
        cast.signal(observed_at=timezone.now() + timedelta(days=1))


# The API: keys, not sessions ----------------------------------------------------------------------
# Every endpoint of /api/v1/ (but its schema and documentation, which are pages for administrators,
# in the matrix) with the scope it needs. Asked without a key, with a wrong one, a revoked one, a key
# of another scope and a key with the scope: 401, 401, 401, 403, and an answer.
API_MATRIX = {
    "api:police_notices": ("post", "intake"),
    "api:aggregates": ("get", "aggregates"),
    "api:pupil_sync": ("post", "sync"),
}
# Who makes a key of each scope: a region may not hold `sync`, a school (its administrator) may.
KEY_MAKER = {"intake": "region", "aggregates": "region", "sync": "admin"}
PUPIL_FILES = Path(__file__).resolve().parent.parent / "fixtures" / "pupil_import"
API_PAGES = {"api:schema", "api:docs"}


def test_every_api_endpoint_is_in_the_api_matrix():
    names = {name for name, _pattern in _names(get_resolver().url_patterns) if name.startswith("api:")}
    assert names == set(API_MATRIX) | API_PAGES


@pytest.mark.parametrize("name", sorted(API_MATRIX))
def test_api_access_by_key(cast, name):
    method, scope = API_MATRIX[name]
    maker = KEY_MAKER[scope]
    other_scope = "intake" if scope != "intake" else "aggregates"
    with_scope = api_services.create_key(cast.actor(maker), name="Met", scopes=[scope]).text
    without = api_services.create_key(cast.actor(maker), name="Zonder", scopes=[other_scope]).text
    revoked = api_services.create_key(cast.actor(maker), name="Ingetrokken", scopes=[scope])
    api_services.revoke_key(cast.actor(maker), revoked.key)
    body = {
        "notice_id": "A-1",
        "school_brin": cast.school_a.brin_code,
        "first_name": "Sanne",
        "last_name": "de Vries",
        "date_of_birth": cast.pupil.date_of_birth.isoformat(),
        "notice_date": timezone.localdate().isoformat(),
    }

    def ask(text):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {text}"} if text else {}
        if scope == "sync":
            file = SimpleUploadedFile("school.xml", (PUPIL_FILES / "school.xml").read_bytes())
            return Client().post(reverse(name), {"file": file, "dry_run": "true"}, **headers)
        if method == "post":
            return Client().post(reverse(name), json.dumps(body), content_type="application/json", **headers)
        return Client().get(reverse(name), **headers)

    answers = [ask(t).status_code for t in (None, "hv_0000_wrong", revoked.text, without, with_scope)]
    assert answers[:4] == [401, 401, 401, 403], answers
    assert answers[4] in (200, 201), answers
