"""Every URL of Haven, asked by every kind of actor: the deny-by-default proof.

The table (MATRIX, in tests/authorization_matrix.py) is the specification. A URL pattern that is
missing from it fails the test, so a new page cannot ship without deciding who may open it. Object
URLs are asked about a dossier in school A that `teacher` is a member of (through her signal) and `teacher2` is not;
`af_b` works at school B, where these objects must not even seem to exist (404). The board's,
the municipality's and the region's policy officers see aggregates only: every case URL refuses them.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

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
