"""The signal form as a keyboard or screen-reader user meets it (issue 12, §1 and §2).

The observation moment is a date and a 24-hour time (two tab stops, not datetime-local's seven);
a checkbox right before the save button asks the IB/AF to look along in the same submit; the other
pupils involved are a search-and-add list that works without JavaScript; a form that comes back
with errors starts with a summary that links to each field.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.meldcode import services
from haven.meldcode.models import LookAlongRequest, Signal
from tests.factories import PupilFactory
from tests.support import FACTS, observed, signal_data

CREATE = reverse("meldcode:signal_create")


def _url(cast):
    return f"{CREATE}?leerling={cast.pupil.pk}"


def _html(response) -> str:
    return response.content.decode()


# --- The observation moment: a date and a 24-hour time ----------------------------------------


def test_the_moment_is_a_date_and_a_24_hour_time_prefilled_with_now(cast):
    html = _html(cast.client("teacher").get(_url(cast)))
    assert 'type="datetime-local"' not in html
    now = timezone.localtime()
    # Plain text fields, one tab stop each (Chromium's type=date takes three, datetime-local seven).
    date_input = re.search(r'<input type="text" name="observed_at_0" value="([^"]+)"', html)
    time_input = re.search(r'<input type="text" name="observed_at_1" value="([^"]+)"[^>]*>', html)
    assert date_input and date_input.group(1) == now.strftime("%d-%m-%Y")
    assert time_input and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", time_input.group(1))
    assert 'pattern="' in time_input.group(0)
    # Each part has its own label; the Dutch hint shows the 24-hour format.
    assert '<label class="utrecht-form-label" for="id_observed_at_0">' in html
    assert '<label class="utrecht-form-label" for="id_observed_at_1">' in html
    assert "14:30" in html and "14-3-2026" in html


@pytest.mark.parametrize("typed", ["14:30", "14.30", "1430"])
@pytest.mark.parametrize("day_format", ["%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"])
def test_a_24_hour_time_is_understood_as_the_teacher_types_it(cast, typed, day_format):
    day = timezone.localdate() - timedelta(days=1)
    data = signal_data(observed_at_0=day.strftime(day_format), observed_at_1=typed)
    response = cast.client("teacher").post(_url(cast), data)
    assert response.status_code == 302
    moment = timezone.localtime(Signal.objects.get().observed_at)
    assert (moment.date(), moment.hour, moment.minute) == (day, 14, 30)


@pytest.mark.parametrize("typed", ["25:00", "2 uur", "14:75"])
def test_a_time_that_is_no_time_is_refused_and_everything_typed_stays(cast, typed):
    data = signal_data(observed_at_1=typed)
    response = cast.client("teacher").post(_url(cast), data)
    assert response.status_code == 200
    assert not Signal.objects.exists()
    assert "observed_at" in response.context["form"].errors
    html = _html(response)
    assert f'value="{typed}"' in html
    assert FACTS in html


# --- The error summary ---------------------------------------------------------------------------


def test_a_form_with_errors_starts_with_a_summary_that_links_to_each_field(cast):
    data = signal_data(facts="", categories=[])
    html = _html(cast.client("teacher").post(_url(cast), data))
    summary = re.search(r"<div[^>]*data-haven-error-summary[^>]*>(.*?)</ul>", html, re.S)
    assert summary, "no error summary"
    assert 'role="alert"' in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    links = re.findall(r'href="#([^"]+)"', summary.group(1))
    assert links == ["id_categories_0", "id_facts"]  # in the order of the form
    # Each link leads to an input with that id.
    for target in links:
        assert f'id="{target}"' in html
    # It comes before the fields.
    assert html.index("data-haven-error-summary") < html.index('name="facts"')


def test_a_form_without_errors_has_no_summary(cast):
    html = _html(cast.client("teacher").get(_url(cast)))
    assert "data-haven-error-summary" not in html
    assert "data-haven-autofocus" in html  # focus goes to the first field of the signal form


# --- Logging and asking to look along in one submit -------------------------------------------


def test_the_look_along_checkbox_is_off_and_right_before_the_save_button(cast):
    html = _html(cast.client("teacher").get(_url(cast)))
    checkbox = re.search(r'<input type="checkbox" name="look_along"[^>]*>', html)
    assert checkbox and "checked" not in checkbox.group(0)
    # Nothing the keyboard can reach lies between the checkbox and the save button: one Tab.
    save = html.rindex("<button", 0, html.index("data-haven-save"))
    between = html[checkbox.end() : save]
    assert not re.search(r"<(input|select|textarea|a)\b|<button(?![^>]*tabindex=\"-1\")", between)


def test_logging_with_the_checkbox_asks_the_ib_and_af_in_the_same_submit(cast):
    response = cast.client("teacher").post(_url(cast), signal_data(look_along="on"))
    signal = Signal.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("meldcode:signal_detail", args=[signal.pk])
    request = LookAlongRequest.objects.get(signal=signal)
    assert request.requested_by == cast.teacher
    assert request.picked_up_at is None
    actions = list(AuditEvent.objects.filter(pupil_id=cast.pupil.pk).values_list("action", flat=True))
    assert "signal.log" in actions and "signal.request_look_along" in actions
    # The AF sees the request in the inbox, as with the button.
    inbox = cast.client("af").get(reverse("meldcode:inbox"))
    assert signal in [r.signal for r in inbox.context["look_along_requests"]]


def test_logging_without_the_checkbox_asks_nobody(cast):
    cast.client("teacher").post(_url(cast), signal_data())
    assert Signal.objects.count() == 1
    assert not LookAlongRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="signal.request_look_along").exists()


def test_logging_and_asking_is_one_transaction(cast, monkeypatch):
    def broken(actor, signal):
        raise RuntimeError("the request could not be stored")

    monkeypatch.setattr(services, "request_look_along", broken)
    client = cast.client("teacher")
    client.raise_request_exception = False
    response = client.post(_url(cast), signal_data(look_along="on"))
    assert response.status_code == 500
    assert not Signal.objects.exists()  # no signal without the request that was asked for
    assert not AuditEvent.objects.filter(action="signal.log").exists()


def test_a_signal_for_a_dossier_has_no_look_along_checkbox(cast):
    case = cast.case()
    html = _html(cast.client("af").get(f"{CREATE}?dossier={case.pk}"))
    assert 'name="look_along"' not in html


# --- Other pupils involved: search and add, without JavaScript -------------------------------


def _search(cast, text):
    return cast.client("teacher").post(_url(cast), {**signal_data(), "leerling_zoeken": text, "zoek_leerling": ""})


def _picker(response):
    return response.context["picker"]


def test_other_pupils_are_searched_added_and_removed_without_javascript(cast):
    client = cast.client("teacher")
    typed = signal_data(child_words='"Daan was er ook bij."')
    # 1. Search: the form comes back with what was typed, the results, and no errors.
    response = client.post(_url(cast), {**typed, "leerling_zoeken": "Daan", "zoek_leerling": ""})
    assert response.status_code == 200
    assert not Signal.objects.exists()
    assert not response.context["form"].errors
    html = _html(response)
    assert "data-haven-error-summary" not in html and "haven-field-error" not in html
    assert FACTS in html and "Daan was er ook bij." in html and 'value="Daan"' in html
    assert [p.pk for p in _picker(response).results] == [cast.sibling.pk]
    assert f'name="voeg_leerling_toe" value="{cast.sibling.pk}"' in html
    assert re.search(r'name="voeg_leerling_toe"[^>]*data-haven-focus', html)  # focus on the first result

    # 2. Add: the pupil is kept as a hidden value, with a remove button.
    response = client.post(_url(cast), {**typed, "voeg_leerling_toe": str(cast.sibling.pk)})
    html = _html(response)
    assert not Signal.objects.exists()
    assert [p.pk for p in _picker(response).added] == [cast.sibling.pk]
    assert f'<input type="hidden" name="other_pupils" value="{cast.sibling.pk}">' in html
    assert f'name="verwijder_leerling" value="{cast.sibling.pk}"' in html
    assert "Daan de Vries" in re.search(r"data-haven-announce>([^<]*)<", html).group(1)

    # 3. Remove it, add it again, and save: the signal links the other pupil.
    response = client.post(
        _url(cast), {**typed, "other_pupils": [cast.sibling.pk], "verwijder_leerling": str(cast.sibling.pk)}
    )
    assert _picker(response).added == []
    assert 'name="other_pupils"' not in _html(response)
    response = client.post(_url(cast), {**typed, "other_pupils": [cast.sibling.pk]})
    assert response.status_code == 302
    assert list(Signal.objects.get().other_pupils.all()) == [cast.sibling]


def test_the_search_shows_the_own_group_first_and_only_pupils_of_the_school(cast):
    stranger = PupilFactory(school=cast.school_a, first_name="Daan", last_name="Aalbers")  # not in a group
    response = cast.client("teacher").post(
        _url(cast), {**signal_data(), "leerling_zoeken": "Daan", "zoek_leerling": ""}
    )
    assert [p.pk for p in _picker(response).results] == [cast.sibling.pk, stranger.pk]
    # An empty search offers the own group (not the pupil of the signal herself).
    response = _search(cast, "")
    assert [p.pk for p in _picker(response).results] == [cast.sibling.pk]
    # Another school's pupil is never found, and cannot be slipped in.
    response = cast.client("teacher").post(
        _url(cast), {**signal_data(), "leerling_zoeken": "Noah", "zoek_leerling": ""}
    )
    assert _picker(response).results == []
    assert "Noah" not in re.sub(r'value="Noah"', "", _html(response))
    response = cast.client("teacher").post(_url(cast), {**signal_data(), "voeg_leerling_toe": str(cast.pupil_b.pk)})
    assert _picker(response).added == []
    response = cast.client("teacher").post(_url(cast), {**signal_data(), "other_pupils": [cast.pupil_b.pk]})
    assert response.status_code == 200
    assert "other_pupils" in response.context["form"].errors
    assert not Signal.objects.exists()


def test_the_mouse_only_hint_is_gone(cast):
    html = _html(cast.client("teacher").get(_url(cast)))
    assert "Ctrl" not in html and "Cmd" not in html
    assert "<select multiple" not in html and 'name="other_pupils"' not in html


def test_the_former_single_moment_value_is_still_understood(cast):
    moment = timezone.localtime(timezone.now() - timedelta(hours=2)).replace(second=0, microsecond=0)
    data = {k: v for k, v in signal_data().items() if not k.startswith("observed_at")}
    data["observed_at"] = moment.strftime("%Y-%m-%dT%H:%M")
    assert cast.client("teacher").post(_url(cast), data).status_code == 302
    assert Signal.objects.get().observed_at == moment
    assert observed(moment)["observed_at_1"] == moment.strftime("%H:%M")


def test_the_saved_message_comes_with_an_empty_live_region_for_haven_js_to_fill(cast):
    response = cast.client("teacher").post(_url(cast), signal_data(look_along="on"), follow=True)
    html = _html(response)
    live = re.search(r"<div[^>]*data-haven-live[^>]*>(.*?)</div>", html, re.S)
    assert live and 'role="status"' in live.group(0) and 'aria-live="polite"' in live.group(0)
    assert live.group(1).strip() == ""  # filled after the load, so that screen readers notice it
    # Without JavaScript the message shows as before; haven.js can focus it (tabindex=-1).
    message = re.search(r'<div[^>]*data-haven-message="success"[^>]*>(.*?)</div>\s*</div>', html, re.S)
    assert message and 'tabindex="-1"' in message.group(0)
    assert "look along" in message.group(1) or "mee te kijken" in message.group(1)


# --- A pupil that cannot be used: the form says so and keeps what was typed ---------------------


def test_a_signal_about_another_schools_pupil_comes_back_with_the_text_and_a_choice(cast):
    client = cast.client("teacher")
    url = f"{CREATE}?leerling={cast.pupil_b.pk}"
    response = client.post(url, signal_data())
    assert response.status_code == 200
    html = _html(response)
    assert FACTS in html  # nothing typed is lost
    form = response.context["form"]
    assert form.non_field_errors()
    assert "pupil" in form.errors
    choices = {choice.pk for choice in form.fields["pupil"].queryset}
    assert cast.pupil.pk in choices and cast.pupil_b.pk not in choices
    assert not Signal.objects.exists()

    # Posting the other school's pupil in the field is refused as well; the own pupil is taken.
    response = client.post(url, {**signal_data(), "pupil": cast.pupil_b.pk})
    assert response.status_code == 200 and not Signal.objects.exists()
    response = client.post(url, {**signal_data(), "pupil": cast.pupil.pk})
    assert response.status_code == 302
    assert Signal.objects.get().pupil == cast.pupil


def test_opening_the_form_for_an_unusable_pupil_says_so_on_the_pupil_search(cast):
    response = cast.client("teacher").get(f"{CREATE}?leerling={cast.pupil_b.pk}")
    assert response.status_code == 200
    assert response.context["unusable"] is True
    assert 'id="pupil-search"' in _html(response)


def test_an_observation_long_ago_is_taken_once_confirmed(cast):
    client = cast.client("teacher")
    day = (timezone.localdate() - timedelta(days=3 * 365)).strftime("%d-%m-%Y")
    response = client.post(_url(cast), signal_data(observed_at_0=day, observed_at_1="10:15"))
    assert response.status_code == 200
    assert 'type="checkbox" name="date_confirmed"' in _html(response)
    assert FACTS in _html(response) and not Signal.objects.exists()
    response = client.post(_url(cast), signal_data(observed_at_0=day, observed_at_1="10:15", date_confirmed="on"))
    assert response.status_code == 302
    assert Signal.objects.get().observed_at.date().strftime("%d-%m-%Y") == day
