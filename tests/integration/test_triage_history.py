"""The triage page shows what the school already knows of the pupil.

Reads as the specification. When the IB, the AF or the school leader decides what happens with a
new signal (open a dossier, add it to the open one, or note it), the page lists the pupil's earlier
signals and dossiers, open and closed, with a link to each dossier the person may open (the
dossier page's own rule), and says when the pupil is in repeated care. The read is audited with
the signal's, naming what the history showed. The teacher who logged the signal and asked the
IB/AF to look along sees that she asked: the button is no longer the page's primary action.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.meldcode import queries, services
from tests.builders import dossier, years_ago


def _page(cast, who, signal):
    response = cast.client(who).get(reverse("meldcode:signal_detail", args=[signal.pk]))
    assert response.status_code == 200
    return response


def test_the_triage_page_lists_earlier_signals_and_dossiers_open_and_closed(cast):
    closed = dossier(cast, cast.pupil, years_ago(2))
    open_case = cast.case("teacher2", pupil=cast.pupil)
    earlier = cast.signal("teacher2", observed_at=timezone.now() - timedelta(days=10))
    new = cast.signal("teacher")
    response = _page(cast, "af", new)
    history = response.context["history"]
    assert [row.case for row in history.cases] == [open_case, closed]
    assert all(row.may_open for row in history.cases)
    assert earlier in history.signals and new not in history.signals
    html = response.content.decode()
    for case in (open_case, closed):
        assert f'href="{reverse("meldcode:case_detail", args=[case.pk])}"' in html
    assert f'href="{reverse("meldcode:signal_detail", args=[earlier.pk])}"' in html
    # Adding the signal goes to the open dossier the history shows.
    assert response.context["open_case"] == open_case


def test_the_history_shows_no_other_pupils_signals_and_no_other_schools(cast):
    cast.signal("teacher2", pupil=cast.sibling)
    cast.case("teacher2", pupil=cast.sibling)
    new = cast.signal("teacher")
    history = _page(cast, "af", new).context["history"]
    assert history.signals == [] and history.cases == []
    html = _page(cast, "af", new).content.decode()
    assert 'id="history-cases"' not in html and 'id="history-signals"' not in html


def test_a_dossier_the_person_may_not_open_is_named_without_a_link(cast):
    """The policy decides the links: a teacher who is no member of a closed dossier gets no link."""
    closed = dossier(cast, cast.pupil, years_ago(1), author="teacher2")
    mine = cast.case("teacher", pupil=cast.pupil)
    new = cast.signal("teacher")
    history = queries.pupil_history(cast.actor("teacher"), new)
    assert {row.case.pk: row.may_open for row in history.cases} == {mine.pk: True, closed.pk: False}
    # The teacher sees her own signals only: the colleague's earlier signal is not listed.
    assert {s.author_id for s in history.signals} <= {cast.teacher.pk}


def test_the_triage_page_says_when_the_pupil_is_in_repeated_care(cast):
    for years in (4, 3, 2):
        dossier(cast, cast.pupil, years_ago(years))
    new = cast.signal("teacher")
    html = _page(cast, "af", new).content.decode()
    assert 'id="repeat-flag"' in html
    other = cast.signal("teacher", pupil=cast.sibling)
    assert 'id="repeat-flag"' not in _page(cast, "af", other).content.decode()


def test_the_history_is_audited_with_the_read_of_the_signal(cast):
    closed = dossier(cast, cast.pupil, years_ago(1))
    earlier = cast.signal("teacher2")
    new = cast.signal("teacher")
    _page(cast, "af", new)
    event = AuditEvent.objects.filter(action="signal.view", object_id=new.pk).get()
    assert event.pupil_id == cast.pupil.pk
    shown = {"signals": [earlier.pk, *[s.pk for s in closed.signals.all()]], "cases": [closed.pk]}
    assert event.detail["history"] == shown


def test_the_look_along_button_stops_being_primary_once_used(cast):
    signal = cast.signal("teacher")
    html = _page(cast, "teacher", signal).content.decode()
    assert 'class="utrecht-button utrecht-button--primary-action" id="look-along"' in html
    request = services.request_look_along(cast.actor("teacher"), signal)
    html = _page(cast, "teacher", signal).content.decode()
    # Asked and not yet picked up: said so, and no button to ask again (it would change nothing).
    assert 'id="look-along"' in html and "utrecht-button--primary-action" not in html
    assert reverse("meldcode:signal_request_look_along", args=[signal.pk]) not in html
    services.pick_up_look_along(cast.actor("ib"), request)
    html = _page(cast, "teacher", signal).content.decode()
    assert 'class="utrecht-button utrecht-button--secondary-action" id="look-along"' in html
    assert 'aria-describedby="look-along-asked"' in html
