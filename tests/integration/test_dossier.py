"""The dossier page: where the route stands, what was recorded, who is involved, and who looked.

Reads as the specification. The page shows the five steps with the current one marked, the next
step to take, the signals with the facts kept apart from the interpretation, and a timeline of
every change with who and when. The IB/AF/school leader manage the members and the case lead.
Every look at a dossier is written to the audit log, a refused look too.
"""

import re
from datetime import date, datetime

from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.html import escape

from haven.audit.models import AuditEvent
from haven.meldcode import services
from haven.meldcode.models import CaseMember
from haven.meldcode.workflow import NextAction, Step, StepStatus

FACTS = "Kwam met een snee in zijn hand binnen en wilde niet zeggen hoe dat kwam."
INTERPRETATION = "Ik vermoed dat er thuis iets gebeurd is."


def _url(case, name="meldcode:case_detail"):
    return reverse(name, args=[case.pk])


def _case(cast):
    signal = cast.signal("teacher", facts=FACTS, interpretation=INTERPRETATION, child_words='"Niks."')
    return services.open_case(cast.actor("af"), signal, lead=cast.ib)


def _as_nl(moment, fmt):
    with translation.override("nl"):
        return dateformat.format(timezone.localtime(moment), fmt)


def _messages(client, url):
    return [str(m) for m in client.get(url).context["messages"]]


# --- What the page shows ------------------------------------------------------------------------


def test_the_step_indicator_marks_the_current_step(cast):
    case = _case(cast)
    response = cast.client("af").get(_url(case))
    assert response.status_code == 200
    statuses = {step: status for step, _label, status in response.context["steps"]}
    assert statuses == {
        Step.SIGNALS: StepStatus.DONE,
        Step.CONSULTATION: StepStatus.CURRENT,
        Step.CONVERSATION: StepStatus.TODO,
        Step.WEIGHING: StepStatus.TODO,
        Step.DECISION: StepStatus.TODO,
    }
    content = response.content.decode()
    steps = re.search(r'<ol class="haven-steps[^"]*".*?</ol>', content, re.S).group(0)
    assert re.findall(r'<li class="is-(\w+)"', steps) == ["done", "current", "todo", "todo", "todo"]
    assert steps.count('aria-current="step"') == 1


def test_the_step_indicator_moves_on_with_the_route(cast):
    case = _case(cast)
    af = cast.actor("af")
    services.record_consultation(
        af, case, held_on=date.today(), consulted="safeguarding_lead", question="V", advice="A"
    )
    response = cast.client("af").get(_url(case))
    statuses = {step: status for step, _label, status in response.context["steps"]}
    assert statuses[Step.CONSULTATION] == StepStatus.DONE
    assert statuses[Step.CONVERSATION] == StepStatus.CURRENT
    assert response.context["next_url"] == _url(case, "meldcode:conversation_create")


def test_the_next_step_is_spelled_out_with_a_button(cast):
    case = _case(cast)
    response = cast.client("teacher").get(_url(case))
    assert response.context["d"].route.next_action == NextAction.RECORD_CONSULTATION
    assert response.context["next_text"]
    assert response.context["next_url"] == _url(case, "meldcode:consultation_create")
    assert response.context["next_allowed"] is True
    content = response.content.decode()
    next_step = re.search(r'<div class="haven-next-step" id="next-step">(.*?)</div>', content, re.S).group(1)
    assert escape(str(response.context["next_text"])) in next_step
    assert f'href="{_url(case, "meldcode:consultation_create")}"' in next_step


def test_the_next_step_button_is_hidden_when_the_person_may_not_take_it(cast):
    case = _case(cast)
    af = cast.actor("af")
    services.record_consultation(
        af, case, held_on=date.today(), consulted="safeguarding_lead", question="V", advice="A"
    )
    services.skip_conversation(af, case, reason="child_safety", explanation="Vader is agressief.")
    # Next: weigh, which is for the IB/AF/school leader only.
    response = cast.client("teacher").get(_url(case))
    assert response.context["next_url"] == _url(case, "meldcode:weighing_create")
    assert response.context["next_allowed"] is False
    assert f'href="{_url(case, "meldcode:weighing_create")}"' not in response.content.decode()


def test_the_signals_show_the_facts_apart_from_the_interpretation(cast):
    case = _case(cast)
    content = cast.client("teacher").get(_url(case)).content.decode()
    section = re.search(r'<section aria-labelledby="step1">(.*?)</section>', content, re.S).group(1)
    facts = re.findall(r'<div class="haven-fact">(.*?)</div>', section, re.S)
    interpretations = re.findall(r'<div class="haven-interpretation">(.*?)</div>', section, re.S)
    assert any(escape(FACTS) in block for block in facts)
    assert any(escape('"Niks."') in block for block in facts)
    assert len(interpretations) == 1
    assert escape(INTERPRETATION) in interpretations[0]
    assert not any(escape(INTERPRETATION) in block for block in facts)
    assert escape(FACTS) not in interpretations[0]
    assert escape(str(cast.teacher)) in section  # who observed it


def test_the_signals_show_the_corrected_text(cast):
    case = _case(cast)
    signal = case.signals.get()
    services.amend_signal(
        cast.actor("teacher"), signal, reason="Typfout", facts="Kwam met een snee in zijn linkerhand binnen."
    )
    response = cast.client("teacher").get(_url(case))
    assert [(t["facts"], corrected) for _s, t, corrected in response.context["signal_texts"]] == [
        ("Kwam met een snee in zijn linkerhand binnen.", True)
    ]
    assert "gecorrigeerd" in response.content.decode()


def test_the_timeline_shows_who_changed_what_and_when(cast):
    case = _case(cast)
    af, ib = cast.actor("af"), cast.actor("ib")
    services.record_consultation(af, case, held_on=date.today(), consulted="care_coordinator", question="V", advice="A")
    services.record_weighing(ib, case, suspicion=True, suspicion_explanation="Ja", unsafety=False)
    services.add_case_member(ib, case, cast.teacher2)
    response = cast.client("af").get(_url(case))
    events = response.context["d"].timeline
    # Every change to the dossier is on it, newest first; reads never are.
    changes = list(AuditEvent.objects.filter(case=case, kind=AuditEvent.Kind.CHANGE).order_by("-at", "-pk"))
    assert [e.action for e in changes] == ["case.add_member", "case.weighing", "case.consultation", "case.open"]
    assert [e for e in events if e.case_id == case.pk] == changes
    assert all(e.kind == AuditEvent.Kind.CHANGE for e in events)
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)
    content = response.content.decode()
    timeline = re.search(r'<ol class="haven-timeline">(.*?)</ol>', content, re.S).group(1)
    entries = re.findall(r"<li>(.*?)</li>", timeline, re.S)
    assert len(entries) == len(events)
    for entry, event in zip(entries, events, strict=True):
        when = re.search(r'<time class="haven-timeline__time" datetime="([^"]+)">([^<]+)</time>', entry)
        assert datetime.fromisoformat(when.group(1)) == event.at
        assert when.group(2) == _as_nl(event.at, "j F Y, H:i")
        actor = re.search(r'<span class="haven-timeline__actor">(.*?)</span>', entry).group(1)
        assert actor == escape(str(event.actor))
    # Looking at the dossier does not fill the timeline.
    again = cast.client("af").get(_url(case))
    assert len(again.context["d"].timeline) == len(events)


# --- Members and the case lead ------------------------------------------------------------------


def test_adding_a_member_lets_them_open_the_dossier(cast):
    case = _case(cast)
    teacher2 = cast.client("teacher2")
    assert teacher2.get(_url(case)).status_code == 404
    response = cast.client("af").post(_url(case, "meldcode:case_members"), {"action": "add", "user": cast.teacher2.pk})
    assert response.status_code == 302
    assert response.url == _url(case)
    member = CaseMember.objects.get(case=case, user=cast.teacher2)
    assert member.added_by == cast.af
    assert AuditEvent.objects.filter(action="case.add_member", case=case, actor=cast.af).count() == 1
    assert teacher2.get(_url(case)).status_code == 200
    # Her own signal page for the dossier's signal opens too (need to know through the dossier).
    assert teacher2.get(reverse("meldcode:signal_detail", args=[case.signals.get().pk])).status_code == 200


def test_adding_someone_twice_or_a_non_staff_account_is_refused(cast):
    case = _case(cast)
    client = cast.client("af")
    url = _url(case, "meldcode:case_members")
    client.post(url, {"action": "add", "user": cast.teacher.pk})  # already a member, as author
    client.post(url, {"action": "add", "user": cast.admin.pk})  # the functional admin is no staff
    client.post(url, {"action": "add", "user": cast.af_b.pk})  # another school
    assert set(case.members.all()) == {cast.teacher, cast.ib, cast.af}
    assert not AuditEvent.objects.filter(action="case.add_member").exists()
    assert _messages(client, _url(case))


def test_removing_a_member_takes_away_their_access(cast):
    case = _case(cast)
    services.add_case_member(cast.actor("af"), case, cast.teacher2)
    response = cast.client("ib").post(
        _url(case, "meldcode:case_members"), {"action": "remove", "user": cast.teacher2.pk}
    )
    assert response.status_code == 302
    assert not case.members.filter(pk=cast.teacher2.pk).exists()
    assert AuditEvent.objects.filter(action="case.remove_member", case=case, actor=cast.ib).count() == 1
    assert cast.client("teacher2").get(_url(case)).status_code == 404


def test_the_case_lead_cannot_be_removed(cast):
    case = _case(cast)
    client = cast.client("af")
    client.post(_url(case, "meldcode:case_members"), {"action": "remove", "user": cast.ib.pk})
    case.refresh_from_db()
    assert case.lead == cast.ib
    assert case.members.filter(pk=cast.ib.pk).exists()
    assert not AuditEvent.objects.filter(action="case.remove_member").exists()
    assert _messages(client, _url(case))
    # The page offers no remove button for the lead.
    content = client.get(_url(case)).content.decode()
    assert f'name="user" value="{cast.ib.pk}"' not in content
    assert f'name="user" value="{cast.teacher.pk}"' in content


def test_changing_the_case_lead(cast):
    case = _case(cast)
    response = cast.client("af").post(_url(case, "meldcode:case_members"), {"action": "lead", "user": cast.leader.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.lead == cast.leader
    assert case.members.filter(pk=cast.leader.pk).exists()
    assert case.members.filter(pk=cast.ib.pk).exists()  # the former lead stays a member
    event = AuditEvent.objects.get(action="case.change_lead", case=case)
    assert event.actor == cast.af
    assert event.detail == {"lead": str(cast.leader)}
    page = cast.client("af").get(_url(case))
    assert page.context["case"].lead == cast.leader
    # Now the former lead can be removed.
    cast.client("af").post(_url(case, "meldcode:case_members"), {"action": "remove", "user": cast.ib.pk})
    assert not case.members.filter(pk=cast.ib.pk).exists()


def test_a_teacher_cannot_become_the_case_lead(cast):
    case = _case(cast)
    client = cast.client("af")
    client.post(_url(case, "meldcode:case_members"), {"action": "lead", "user": cast.teacher.pk})
    case.refresh_from_db()
    assert case.lead == cast.ib
    assert _messages(client, _url(case))


def test_members_are_managed_by_school_wide_roles_only(cast):
    case = _case(cast)
    response = cast.client("teacher").get(_url(case))
    assert response.context["staff"] is None
    assert _url(case, "meldcode:case_members") not in response.content.decode()
    response = cast.client("ib").get(_url(case))
    assert set(response.context["staff"].members) == {
        cast.teacher,
        cast.teacher2,
        cast.assistant,
        cast.ib,
        cast.af,
        cast.leader,
    }
    assert set(response.context["staff"].leads) == {cast.ib, cast.af, cast.leader}


# --- Every look is audited ----------------------------------------------------------------------


def test_every_view_of_the_dossier_is_audited(cast):
    case = _case(cast)
    for name in ("teacher", "af", "teacher"):
        before = AuditEvent.objects.filter(action="case.view").count()
        assert cast.client(name).get(_url(case)).status_code == 200
        events = list(AuditEvent.objects.filter(action="case.view").order_by("pk"))
        assert len(events) == before + 1
        event = events[-1]
        assert event.kind == AuditEvent.Kind.READ
        assert event.outcome == AuditEvent.Outcome.ALLOWED
        assert event.actor == cast.users[name]
        assert event.case == case
        assert event.pupil == cast.pupil
        assert event.school == cast.school_a
    assert AuditEvent.objects.filter(action="case.view", actor=cast.teacher).count() == 2


def test_a_refused_look_is_audited_as_denied(cast):
    case = _case(cast)
    assert cast.client("teacher2").get(_url(case)).status_code == 404
    event = AuditEvent.objects.get(action="case.view", actor=cast.teacher2)
    assert event.kind == AuditEvent.Kind.READ
    assert event.outcome == AuditEvent.Outcome.DENIED
    assert event.case == case
    assert event.pupil == cast.pupil
    # Another school's AF is refused and logged too, without seeing that the dossier exists.
    assert cast.client("af_b").get(_url(case)).status_code == 404
    event = AuditEvent.objects.get(action="case.view", actor=cast.af_b)
    assert event.outcome == AuditEvent.Outcome.DENIED
    # A dossier number that does not exist leaves no event.
    assert cast.client("teacher2").get(reverse("meldcode:case_detail", args=[case.pk + 1000])).status_code == 404
    assert AuditEvent.objects.filter(action="case.view", outcome=AuditEvent.Outcome.DENIED).count() == 2


# --- The list of dossiers -----------------------------------------------------------------------


def test_the_case_list_shows_a_teacher_only_her_dossiers(cast):
    mine = _case(cast)
    other = cast.case("teacher2", by="af", pupil=cast.sibling)
    rows = cast.client("teacher").get(reverse("meldcode:case_list")).context["rows"]
    assert [case.pk for case, _route in rows] == [mine.pk]
    rows = cast.client("ib").get(reverse("meldcode:case_list")).context["rows"]
    assert {case.pk for case, _route in rows} == {mine.pk, other.pk}
    assert {case.pk: route.current_step for case, route in rows} == {
        mine.pk: Step.CONSULTATION,
        other.pk: Step.CONSULTATION,
    }


def test_what_people_typed_is_shown_as_text_not_markup(cast):
    signal = cast.signal("teacher", facts='Schreef <script>alert("x")</script> op het bord.')
    case = services.open_case(cast.actor("af"), signal, lead=cast.af)
    content = cast.client("af").get(_url(case)).content.decode()
    assert '<script>alert("x")</script>' not in content
    assert escape('<script>alert("x")</script>') in content
